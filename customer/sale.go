package customer

import (
	"cmp"
	"fmt"
	"math"
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
	// MovedFrom, when not zero, says that this row belongs to an order
	// already counted on a later day, the day of MovedFrom, and that the
	// order opens on this row's day instead: the rows of an order need not
	// come in date order, and an order counts once, on the day of its
	// earliest sale row. AddSale then takes the order off the day of
	// MovedFrom and counts it on the row's day; Orders stays as it is.
	// MovedFrom must fall on a day after the row's, on or before AsOf, that
	// holds an order (the day a row at MovedFrom counts on: see Days on
	// [Summary]), and NewOrder must be false. It is ignored for returns
	// and for a row dated after AsOf.
	MovedFrom time.Time
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
// on the row's day (see Days on [Summary]): it counts toward Gross (as
// full price, since exports carry no discounts), Units, Cost and the
// day's net, and NewOrder counts an order (MovedFrom moves one to the
// row's day from a later one). A zero amount with positive
// units, or with none, is a sale of nothing (free goods, a visit that
// moved no money), counted the same way: the rule of the sales-export
// rows of package salesrow, whose rows of nothing count as transactions. A negative amount
// is a refund taken off the row's own day, as [Summary.AddRefund]: its
// units (negative) count in ReturnedUnits and the row in Returns. A zero
// amount with negative units is a return of units for which no money
// moved: its units count in ReturnedUnits and the row in Returns, as a
// refund's do, and the cost of the goods, when the row gives one, comes
// off Cost (the goods are back); nothing else changes. (Package salesrow
// reads such a row as an exchange and gives no cost: the goods back are
// replaced.)
//
// Amounts are kept exactly as given, also when they have more decimals
// than the currency's minor unit: a computed net such as 12.345 EUR is
// neither rounded nor rejected, the rule of the sales-export rows of
// package salesrow (an amount or cost beyond the bounds of [ParseAmount]
// is rejected).
//
// An invalid row returns an error and changes nothing: zero time or one
// before [MinRecordYear], unknown currency, units whose sign differs from the amount's or beyond
// ±[MaxLineQuantity], an amount or cost beyond the bounds of
// [ParseAmount], a negative cost on a sale, a sale with both NewOrder and
// MovedFrom; and, for a row on or before AsOf, a currency other than the
// summary's, a sale whose MovedFrom is not on a later day, on or before
// AsOf, that holds an order, or a row that would overflow
// Units, ReturnedUnits, Orders or Returns ([ErrOverflow]). A row dated
// after AsOf is checked for the faults of the row itself, then left out
// and counted in Later (an error matching ErrOverflow when Later is
// full): its currency is not held against the summary's, since the
// analysis does not add it.
func (s *Summary) AddSale(x Sale) error {
	if err := s.usable(); err != nil {
		return err
	}
	var p problems
	checkTime(&p, "time", x.Time, time.Time{})
	cur := x.Amount.Currency()
	if !cur.Valid() {
		p.add("currency", CodeUnknown, fmt.Sprintf("unknown currency %q", string(cur)))
	}
	if msg := checkAmount(x.Amount.Amount()); msg != "" {
		p.add("amount", CodeRange, msg)
	}
	sign := x.Amount.Sign()
	switch {
	case (sign > 0 && x.Units < 0) || (sign < 0 && x.Units > 0):
		unit := "units"
		if x.Units == 1 || x.Units == -1 {
			unit = "unit"
		}
		p.add("units", CodeMismatch, fmt.Sprintf("%d %s for an amount of %s", x.Units, unit, safeString(x.Amount.Amount())))
	case x.Units > MaxLineQuantity || x.Units < -MaxLineQuantity:
		p.add("units", CodeRange, fmt.Sprintf("%d is beyond the maximum of %d units per row", x.Units, MaxLineQuantity))
	}
	// A return: money paid back, or units back without money.
	back := sign < 0 || (sign == 0 && x.Units < 0)
	if x.Cost.Valid {
		if msg := checkAmount(x.Cost.Decimal); msg != "" {
			p.add("cost", CodeRange, msg)
		} else if !back && x.Cost.Decimal.Sign() < 0 {
			p.add("cost", CodeNegative, "must not be negative on a sale")
		}
	}
	moved := !back && !x.MovedFrom.IsZero()
	if moved && x.NewOrder {
		p.add("moved from", CodeMismatch, "a row that opens a new order cannot move one")
	}
	if err := p.err("sale of customer", string(s.CustomerID)); err != nil {
		return err
	}
	if x.Time.After(s.AsOf) {
		return s.leaveOut("sale", "")
	}
	if s.Currency != "" && s.Currency != cur {
		return fmt.Errorf("sale of customer %q: amount: in %s, the summary is in %s: %w", s.CustomerID, cur, s.Currency, &CurrencyMismatchError{A: s.Currency, B: cur})
	}
	asOfDay := s.asOfDay()
	rowDay := dayOf(x.Time, asOfDay)
	from := -1 // the index in Days of the day the order moves from
	if moved {
		if err := s.movedFrom(x.MovedFrom, rowDay, &from); err != nil {
			return err
		}
	}
	if back {
		if _, ok := addCount(s.ReturnedUnits, -x.Units); !ok {
			return s.overflow("sale", "returned units", s.ReturnedUnits, -x.Units)
		}
		if s.Returns == math.MaxInt {
			return s.overflow("sale", "returns", s.Returns, 1)
		}
	} else {
		if _, ok := addCount(s.Units, x.Units); !ok {
			return s.overflow("sale", "units", s.Units, x.Units)
		}
		if x.NewOrder && s.Orders == math.MaxInt {
			return s.overflow("sale", "orders", s.Orders, 1)
		}
	}
	s.ensureMargin()
	_ = s.currency(cur)
	a := x.Amount.Amount()
	cost := a.Mul(decimal.NewFromInt(1).Sub(s.margin))
	if x.Cost.Valid {
		cost = x.Cost.Decimal
	}
	if back {
		s.ReturnedUnits -= x.Units
		s.Returns++
		if sign == 0 {
			// Units back, no money: the cost of goods comes back only
			// when the row gives it.
			if x.Cost.Valid {
				s.Cost = s.Cost.Sub(x.Cost.Decimal.Abs())
			}
			return nil
		}
		s.Refunded = s.Refunded.Sub(a)
		if x.Cost.Valid {
			cost = cost.Neg().Abs().Neg()
		}
		s.Cost = s.Cost.Add(cost)
		d := s.day(dayOf(x.Time, s.asOfDay()))
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
	if from >= 0 {
		// Days[from] is after the row's day: inserting the row's day
		// does not shift it.
		s.Days[from].Orders--
	}
	d := s.day(rowDay)
	if x.NewOrder {
		s.Orders++
		d.Orders++
	}
	if from >= 0 {
		d.Orders++
	}
	d.Net = d.Net.Add(a)
	return nil
}

// movedFrom checks MovedFrom t of a sale on day rowDay: t must be on a
// later day, on or before AsOf, that holds an order. The day of t is the
// one a row at t counts on (see Days on [Summary]): its calendar day, but
// not after AsOf's. It sets *from to the index of that day in Days.
func (s *Summary) movedFrom(t time.Time, rowDay Date, from *int) error {
	var p problems
	d := dayOf(t, s.asOfDay())
	i, found := slices.BinarySearchFunc(s.Days, d, func(x Day, d Date) int { return cmp.Compare(x.Date, d) })
	switch {
	case t.After(s.AsOf):
		p.add("moved from", CodeRange, fmt.Sprintf("%s is after the as-of time %s", t.Format(time.RFC3339), s.AsOf.Format(time.RFC3339)))
	case d <= rowDay:
		p.add("moved from", CodeOrder, fmt.Sprintf("day %s is not after the row's day %s", d, rowDay))
	case !found || s.Days[i].Orders < 1:
		p.add("moved from", CodeUnknown, fmt.Sprintf("day %s holds no order to move", d))
	}
	if err := p.err("sale of customer", string(s.CustomerID)); err != nil {
		return err
	}
	*from = i
	return nil
}
