package customer

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Sale is one row of a sales export: an amount of money for some units,
// without list prices or line discounts. A negative Amount is a return or
// cancellation. Exports of ERP and POS systems often carry no more than
// this; [Summary.AddSale] summarises them as [Summary.AddOrder] and
// [Summary.AddRefund] do for full records.
type Sale struct {
	// Time of the sale or return.
	Time time.Time
	// NewOrder says that this row starts an order not counted before; the
	// other rows of the same order have it false. It is ignored for
	// returns.
	NewOrder bool
	// Amount is the money of the row, negative for a return.
	Amount Money
	// Units is the number of units, negative for a return; 0 when the
	// export has no quantities.
	Units int
	// Cost is the cost of goods of the row (negative for a return), when
	// known; otherwise the default margin applies.
	Cost decimal.NullDecimal
	// Category of the goods; optional.
	Category string
}

// AddSale adds one export row to the summary. A positive amount is a sale
// on the row's day: it counts toward Gross (as full price, since exports
// carry no discounts), Units, Cost and the day's net, and NewOrder counts
// an order. A negative amount is a refund taken off the row's own day, as
// [Summary.AddRefund]. A row dated after AsOf is left out and counted in
// Later. An invalid row returns an error and changes nothing: zero time,
// zero amount with no units, unknown currency, a currency other than the
// summary's, units whose sign differs from the amount's or beyond
// ±[MaxLineQuantity], a negative cost on a sale, units that would overflow
// Units or ReturnedUnits ([ErrOverflow]).
func (s *Summary) AddSale(x Sale) error {
	if err := s.usable(); err != nil {
		return err
	}
	if x.Time.After(s.AsOf) {
		s.Later++
		return nil
	}
	var p problems
	if x.Time.IsZero() {
		p.add("time", CodeRequired, "is zero")
	}
	cur := x.Amount.Currency()
	if !cur.Valid() {
		p.add("currency", CodeUnknown, fmt.Sprintf("unknown currency %q", string(cur)))
	}
	sign := x.Amount.Sign()
	if (sign > 0 && x.Units < 0) || (sign < 0 && x.Units > 0) {
		p.add("units", CodeMismatch, fmt.Sprintf("%d units for an amount of %s", x.Units, x.Amount.Amount()))
	} else if x.Units > MaxLineQuantity || x.Units < -MaxLineQuantity {
		p.add("units", CodeRange, fmt.Sprintf("%d is beyond the maximum of %d units per row", x.Units, MaxLineQuantity))
	}
	if sign >= 0 && x.Cost.Valid && x.Cost.Decimal.Sign() < 0 {
		p.add("cost", CodeNegative, "must not be negative on a sale")
	}
	if err := p.err("sale of customer", string(s.CustomerID)); err != nil {
		return err
	}
	if s.Currency != "" && s.Currency != cur {
		return fmt.Errorf("sale of customer %q: %w", s.CustomerID, &CurrencyMismatchError{A: s.Currency, B: cur})
	}
	if sign < 0 {
		if _, ok := addCount(s.ReturnedUnits, -x.Units); !ok {
			return s.overflow("sale", "returned units", s.ReturnedUnits, -x.Units)
		}
	} else if _, ok := addCount(s.Units, x.Units); !ok {
		return s.overflow("sale", "units", s.Units, x.Units)
	}
	s.ensureMargin()
	_ = s.currency(cur)
	a := x.Amount.Amount()
	cost := a.Mul(decimal.NewFromInt(1).Sub(s.margin))
	if x.Cost.Valid {
		cost = x.Cost.Decimal
	}
	if sign < 0 {
		s.ReturnedUnits -= x.Units
		s.Returns++
		s.Refunded = s.Refunded.Sub(a)
		if x.Cost.Valid {
			cost = cost.Neg().Abs().Neg()
		}
		s.Cost = s.Cost.Add(cost)
		d := s.day(DateOf(x.Time))
		d.Net = d.Net.Add(a)
		return nil
	}
	s.Units += x.Units
	s.Gross = s.Gross.Add(a)
	s.FullPriceNet = s.FullPriceNet.Add(a)
	s.Cost = s.Cost.Add(cost)
	if x.Category != "" {
		if i, found := slices.BinarySearch(s.Categories, x.Category); !found {
			s.Categories = slices.Insert(s.Categories, i, x.Category)
		}
	}
	d := s.day(DateOf(x.Time))
	if x.NewOrder {
		s.Orders++
		d.Orders++
	}
	d.Net = d.Net.Add(a)
	return nil
}
