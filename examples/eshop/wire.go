package main

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
)

// problems collects the bad fields of one request, so that the response
// lists every one of them (the first, in field order, is "field").
type problems struct{ list []fieldProblem }

func (p *problems) add(field, format string, args ...any) {
	p.list = append(p.list, fieldProblem{Field: field, Error: fmt.Sprintf(format, args...)})
}

// merge adds the fields of err, a *customer.ValidationError or a 400
// listing fields, that p does not name yet: the checks of a later stage
// of the request, so that a response lists every bad field at once.
// Other errors, and nil, add nothing.
func (p *problems) merge(err error) {
	named := map[string]bool{}
	for _, f := range p.list {
		named[f.Field] = true
	}
	var ve *customer.ValidationError
	var ae *apiError
	switch {
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			if !named[f.Field] {
				p.list = append(p.list, fieldProblem{Field: f.Field, Code: f.Code, Error: f.Message})
				named[f.Field] = true
			}
		}
	case errors.As(err, &ae) && ae.status == http.StatusBadRequest:
		for _, f := range ae.fields {
			if !named[f.Field] {
				p.list = append(p.list, f)
				named[f.Field] = true
			}
		}
	}
}

// err returns nil or the 400 listing every problem.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool { return customer.CompareFields(p.list[i].Field, p.list[j].Field) < 0 })
	first := p.list[0]
	msg := first.Field + ": " + first.Error
	if n := len(p.list) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more)", n)
	}
	return &apiError{status: http.StatusBadRequest, msg: msg, field: first.Field, fields: p.list}
}

// parseEnum parses s with parse; an empty s is an error when required and
// the zero value otherwise.
func parseEnum[T any](p *problems, field, s string, required bool, parse func(string) (T, error)) T {
	var zero T
	if s == "" {
		if required {
			p.add(field, "is required")
		}
		return zero
	}
	v, err := parse(s)
	if err != nil {
		p.add(field, "%v", err)
		return zero
	}
	return v
}

// parseTime parses an RFC 3339 instant; empty is the zero time (or an
// error when required).
func parseTime(p *problems, field, s string, required bool) time.Time {
	if s == "" {
		if required {
			p.add(field, "is required")
		}
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.add(field, "must be an RFC 3339 time such as 2026-03-01T14:30:00Z")
		return time.Time{}
	}
	return t
}

// parseAmount parses a plain decimal amount ("49.90"); NaN, infinities,
// exponents and anything else are refused. Empty is zero (or an error
// when required).
func parseAmount(p *problems, field, s string, required bool) decimal.Decimal {
	if s == "" {
		if required {
			p.add(field, "is required")
		}
		return decimal.Zero
	}
	d, err := customer.ParseAmount(s)
	if err != nil {
		p.add(field, "must be a plain decimal amount such as 49.90")
		return decimal.Zero
	}
	return d
}

// parseMoney parses an amount in currency cur; an empty amount is the zero
// Money.
func parseMoney(p *problems, field, s string, cur customer.Currency) customer.Money {
	if s == "" {
		return customer.Money{}
	}
	d := parseAmount(p, field, s, true)
	if !cur.Valid() {
		return customer.Money{}
	}
	m, err := customer.MoneyFromDecimal(d, cur)
	if err != nil {
		p.add(field, "%v", err)
	}
	return m
}

func parseCurrency(p *problems, field, s string) customer.Currency {
	return parseEnum(p, field, s, true, customer.ParseCurrency)
}

// formatTime writes an instant in UTC, or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
