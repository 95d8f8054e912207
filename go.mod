module github.com/tailorcrm/tailor

go 1.26

require (
	github.com/shopspring/decimal v1.4.0
	github.com/stretchr/testify v1.11.1
	gonum.org/v1/gonum v0.17.0
	pgregory.net/rapid v1.3.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
