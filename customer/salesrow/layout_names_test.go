package salesrow

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNamedLike(t *testing.T) {
	for _, name := range []string{"customer id", "customerid", "customer-id", "customer.id", "customer__id"} {
		assert.True(t, NamedLike(name, ColCustomerID), name)
	}
	for _, name := range []string{"customer_id", "customer", "client_id", ""} {
		assert.False(t, NamedLike(name, ColCustomerID), name)
	}
}

func TestSeparatorLine(t *testing.T) {
	for _, tc := range []struct {
		fields []string
		sep    string
		ok     bool
	}{
		{[]string{"sep=", ""}, ",", true},
		{[]string{"SEP=;"}, ";", true},
		{[]string{"sep=\t"}, "\t", true},
		{[]string{"sep=;;"}, "", false},
		{[]string{"sep="}, "", false},
		{[]string{"customer_id", "date"}, "", false},
	} {
		sep, ok := SeparatorLine(tc.fields)
		assert.Equal(t, tc.sep, sep, "%q", tc.fields)
		assert.Equal(t, tc.ok, ok, "%q", tc.fields)
	}
}
