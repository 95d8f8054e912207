package main

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// summarizer builds one customer's summary from all of its rows, as the
// crm command does while streaming the file: the rows are taken in file
// order (by byte offset), so the outcome does not depend on how the file
// was split or in which order the shards delivered the rows.
type summarizer struct {
	File string
	// AsOf is the day of the analysis; rows after it never get here.
	AsOf int32
	// Kind of a customer whose first row names none.
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
	kind := customer.Kind(z.Kind)
	if len(rows) > 0 && rows[0].Kind != 0 {
		kind = customer.Kind(rows[0].Kind)
	}
	s := customer.NewSummary(customer.ID(id), kind, customer.Date(z.AsOf).Time(), &customer.SummaryOptions{DefaultMargin: margin})
	orders := map[string]struct{}{}
	for i := range rows {
		r := &rows[i]
		bad := func(col, val, reason string) error {
			return &rowError{File: z.File, Offset: r.Offset, Column: col, Value: val, HasValue: true, Reason: reason}
		}
		if r.Kind != 0 && customer.Kind(r.Kind) != s.Kind {
			return customer.Summary{}, bad(colKind, customer.Kind(r.Kind).String(), fmt.Sprintf("customer %q is %s on earlier rows", id, s.Kind))
		}
		amount, _ := customer.ParseAmount(r.Amount) // checked by the parser
		money, err := customer.MoneyFromDecimal(amount, customer.Currency(r.Currency))
		if err != nil {
			return customer.Summary{}, bad(colCurrency, r.Currency, err.Error())
		}
		var cost decimal.NullDecimal
		if r.Cost != "" {
			cost.Decimal, _ = customer.ParseAmount(r.Cost)
			cost.Valid = true
		}
		units := int(r.Units)
		sale := amount.Sign() >= 0
		// A row of amount 0 and negative quantity is an exchange: units
		// came back for others, no money moved, no units were bought.
		exchange := amount.Sign() == 0 && units < 0
		if exchange {
			units, sale = 0, false
		}
		_, seen := orders[r.Order]
		newOrder := sale && !seen
		err = s.AddSale(customer.Sale{
			Time:     customer.Date(r.Date).Time(),
			NewOrder: newOrder,
			Amount:   money,
			Units:    units,
			Cost:     cost,
			Category: r.Category,
		})
		if err != nil {
			return customer.Summary{}, saleError(z.File, r, id, err)
		}
		if exchange {
			s.ReturnedUnits -= int(r.Units)
			s.Returns++
			s.Exchanges++
		}
		if newOrder {
			orders[r.Order] = struct{}{}
		}
	}
	return *s, nil
}

// columnOf maps the fields of customer.Sale to the csv columns.
var columnOf = map[string]string{"time": colDate, "currency": colCurrency, "units": colQuantity, "cost": colCost, "amount": colAmount}

// saleError turns an error of Summary.AddSale into a *rowError.
func saleError(file string, r *row, id string, err error) *rowError {
	var ve *customer.ValidationError
	if errors.As(err, &ve) && len(ve.Fields) > 0 {
		parts := make([]string, len(ve.Fields))
		for i, f := range ve.Fields {
			parts[i] = f.Message
		}
		col := columnOf[ve.Fields[0].Field]
		if col == "" {
			col = ve.Fields[0].Field
		}
		return &rowError{File: file, Offset: r.Offset, Column: col, Reason: strings.Join(parts, "; ")}
	}
	var cm *customer.CurrencyMismatchError
	if errors.As(err, &cm) {
		return &rowError{File: file, Offset: r.Offset, Column: colCurrency, Value: string(cm.B), HasValue: true, Reason: fmt.Sprintf("customer %q buys in %s", id, cm.A)}
	}
	return &rowError{File: file, Offset: r.Offset, Reason: err.Error()}
}

// compareIDs orders customer IDs as the crm command sorts its output:
// IDs of decimal digits only come first, in numeric order ("2" before
// "10"; "007" and "7" by value, then bytes), then the others in byte
// order.
func compareIDs(a, b string) int {
	na, nb := isDigits(a), isDigits(b)
	switch {
	case na && !nb:
		return -1
	case nb && !na:
		return 1
	case na && nb:
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if c := cmp.Compare(len(ta), len(tb)); c != 0 {
			return c
		}
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
