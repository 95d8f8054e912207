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
// order; rows is sorted in place), all rows added. A row that cannot be
// added stops it with a *rowError naming that row.
func (z *summarizer) summarize(id string, rows []row) (customer.Summary, error) {
	s, _, rejected, err := z.summarizeIn(id, rows, "")
	if err == nil && len(rejected) > 0 {
		err = &rejected[0]
	}
	return s, err
}

// summarizeIn returns the summary of customer id from its rows in
// currency cur (the file's; every row when cur is empty), taken in file
// order (rows is sorted in place), as crm adds them: a row that cannot
// be added changes nothing and is returned among the rejected rows, and
// the others are added. ok is false when no row was added: the customer
// has no valid row, and no summary, as in crm. The rows in another
// currency are malformed as rows of the file (readStats.problems), not
// here.
func (z *summarizer) summarizeIn(id string, rows []row, cur string) (s customer.Summary, ok bool, rejected []rowError, err error) {
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(a.Offset, b.Offset) })
	margin, err := decimal.NewFromString(z.Margin)
	if err != nil {
		return customer.Summary{}, false, nil, fmt.Errorf("margin %q: %w", z.Margin, err)
	}
	sum := customer.NewSummary(customer.ID(id), customer.Kind(z.Kind), customer.Date(z.AsOf).Time(), &customer.SummaryOptions{DefaultMargin: margin})
	// The kind is the one the rows state: the first row added that
	// states one sets it (until then the summary holds the default), and
	// a later row stating another is refused, as crm reads it.
	stated := false
	// The state of each order (salesrow.Order: the day all its rows
	// count on, whether it has a sale row, its net so far), so that the
	// outcome does not depend on the order of the rows either.
	orders := map[string]*salesrow.Order{}
	for i := range rows {
		r := &rows[i]
		if cur != "" && r.Currency != cur {
			continue
		}
		sr := salesrow.Row{CustomerID: id, Date: customer.Date(r.Date), Units: int(r.Units),
			Kind: customer.Kind(r.Kind), Category: r.Category}
		sr.Amount, _ = customer.ParseAmount(r.Amount) // checked by the parser
		if r.Cost != "" {
			cost, _ := customer.ParseAmount(r.Cost)
			sr.Cost = decimal.NewNullDecimal(cost)
		}
		if r.Discount != "" {
			d, _ := customer.ParseAmount(r.Discount)
			sr.Discount = decimal.NewNullDecimal(d)
		}
		kind := sum.Kind
		if sr.Kind != 0 && !stated {
			sum.Kind = sr.Kind
		}
		o := orders[r.Order]
		if o == nil {
			o = &salesrow.Order{}
			orders[r.Order] = o
		}
		if fe := salesrow.Add(sum, &sr, customer.Currency(r.Currency), o); fe != nil {
			sum.Kind = kind
			rejected = append(rejected, *fieldError(z.File, r.Offset, fe))
			continue
		}
		stated = stated || sr.Kind != 0
		ok = true
	}
	return *sum, ok, rejected, nil
}
