package main

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// summarizer builds one customer's summary from all of its rows, as the
// crm command does while streaming the file: the rows are taken in file
// order (by byte offset), so the outcome does not depend on how the file
// was split or in which order the shards delivered the rows (an order
// counts on the earliest day of its sale rows in any case; the order of
// the rows decides which bad row is reported).
type summarizer struct {
	File string
	// AsOf is the day of the analysis; rows after it never get here.
	AsOf int32
	// Kind of a customer whose rows name none.
	Kind uint8
	// Margin is the default gross margin, a decimal number.
	Margin string
}

// summarize returns the summary of customer id from its rows (in any
// order; rows is sorted in place). A row that cannot be added stops it
// with a *rowError naming that row.
func (z *summarizer) summarize(id string, rows []row) (customer.Summary, error) {
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(a.Offset, b.Offset) })
	margin, err := decimal.NewFromString(z.Margin)
	if err != nil {
		return customer.Summary{}, fmt.Errorf("margin %q: %w", z.Margin, err)
	}
	// The kind is the one the rows state (the first that states one; a
	// later row stating another is an error), the default only when none
	// does, as crm reads it: not the first row's, which may be silent.
	kind := customer.Kind(z.Kind)
	for i := range rows {
		if rows[i].Kind != 0 {
			kind = customer.Kind(rows[i].Kind)
			break
		}
	}
	s := customer.NewSummary(customer.ID(id), kind, customer.Date(z.AsOf).Time(), &customer.SummaryOptions{DefaultMargin: margin})
	// The day each order counts on, the earliest of its sale rows so
	// far (salesrow.AddOpen), so that the outcome does not depend on the
	// order of the rows either.
	orders := map[string]customer.Date{}
	for i := range rows {
		r := &rows[i]
		sr := salesrow.Row{CustomerID: id, Date: customer.Date(r.Date), Units: int(r.Units),
			Kind: customer.Kind(r.Kind), Category: r.Category}
		sr.Amount, _ = customer.ParseAmount(r.Amount) // checked by the parser
		if r.Cost != "" {
			cost, _ := customer.ParseAmount(r.Cost)
			sr.Cost = decimal.NewNullDecimal(cost)
		}
		open, seen := orders[r.Order]
		day, counted, fe := salesrow.AddOpen(s, &sr, customer.Currency(r.Currency), open, seen)
		if fe != nil {
			return customer.Summary{}, fieldError(z.File, r.Offset, fe)
		}
		if counted {
			orders[r.Order] = day
		}
	}
	return *s, nil
}
