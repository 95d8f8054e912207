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
// and at most the discount taken off their list price, without the lines
// of an order. A negative Amount is a return or cancellation. Exports of
// ERP and POS systems often carry no more than this; [Summary.AddSale]
// summarises them as [Summary.AddOrder] and [Summary.AddRefund] do for
// full records.
type Sale struct {
	// Time of the sale or return.
	Time time.Time
	// NewOrder says that this row starts an order not counted before; the
	// other rows of the same order have it false. It is ignored for
	// returns.
	NewOrder bool
	// OrderDay, when not zero, is a time of the day the row's order
	// counts on, when that is not the row's own day: the row is of an
	// order already counted (the day of its earliest sale row, or of its
	// earliest row for an order without one), and its amount adds to the
	// net of that day instead of the row's. With order IDs, every row of
	// an order counts on one day, as an order record with its refunds and
	// price reductions does (see [Summary.AddSale]). OrderDay must fall
	// on or before AsOf, on a day of Days; on a sale row, before the row's
	// day, and not with NewOrder or MovedFrom. It is ignored for a row
	// dated after AsOf and for a return of units without money.
	OrderDay time.Time
	// MovedFrom, when not zero, says that this row belongs to an order
	// already counted on another day, the day of MovedFrom, and that the
	// order counts on this row's day instead: the rows of an order need
	// not come in date order. AddSale then takes the order's net so far,
	// MovedNet, off the day of MovedFrom and adds it to the row's day,
	// with the row's amount; a day left with no order and a net of zero
	// is removed, as no row counts on it. Three moves are possible:
	//
	//   - a sale row without NewOrder, dated before the day of an order
	//     that has a sale row: the order moves to the row's day, and its
	//     count with it; Orders stays as it is. MovedFrom must fall on a
	//     later day that holds an order;
	//   - a sale row with NewOrder, of an order with refund rows only
	//     so far: the order opens on the row's day, and its refunds
	//     move there. MovedFrom must fall on another day;
	//   - a refund row dated before the day of an order with refund rows
	//     only: the order moves to the row's day. MovedFrom must fall on a
	//     later day.
	//
	// MovedFrom must fall on or before AsOf, on a day of Days (the day a
	// row at MovedFrom counts on: see Days on [Summary]). It is ignored for
	// a row dated after AsOf and for a return of units without money.
	MovedFrom time.Time
	// MovedNet is the net of the rows of the order already counted on
	// the day of MovedFrom, which moves with it: the sum of their amounts
	// (negative for an order of refunds only). It must be zero when
	// MovedFrom is. AddSale checks its form — at most as many decimals
	// as an amount ([ParseAmount]), at most [MaxMovedNetDigits] integer
	// digits — but cannot know the order's rows: the caller keeps each
	// order's net (as package salesrow's Order does), and another MovedNet
	// moves another amount between the days.
	MovedNet decimal.Decimal
	// Amount is the money of the row, negative for a return.
	Amount Money
	// Units is the number of units, negative for a return; 0 when the
	// export has no quantities.
	Units int
	// Cost is the cost of goods of the row (negative for a return), when
	// known; otherwise the default margin applies.
	Cost decimal.NullDecimal
	// Discount is the money taken off the row's list price (a markdown,
	// a coupon), when the export gives it: Amount is what was paid after
	// it. Its size counts, whatever its sign, as exports write a discount
	// as a negative or a positive number: the list price of a sale row is
	// Amount + |Discount|. On a refund only whether it is zero counts: a
	// refund whose Discount is zero brings back goods sold at full price.
	// Not given (Valid false), a sale counts as sold at full price and a
	// refund leaves FullPriceNet as it is (see [Summary.AddSale]). On a
	// return of units without money it is checked for its form only.
	Discount decimal.NullDecimal
	// Category of the goods; optional.
	Category string
}

// AddSale adds one export row to the summary. A positive amount is a sale
// on the row's day (see Days on [Summary]): it counts toward Gross,
// Units, Cost and the day's net, and NewOrder counts an order. With a
// Discount, the sale counts in Gross at its list price, Amount +
// |Discount|, and in Discounts at |Discount|, so that the net is Amount,
// and in FullPriceNet only when Discount is zero; without one it counts
// in Gross and FullPriceNet at Amount, as sold at full price (exports
// often carry no discounts). A zero amount with positive units, or with
// none, is a sale of nothing (free goods, a visit that moved no money),
// counted the same way: the rule of the sales-export rows of package
// salesrow, whose rows of nothing count as transactions. A negative
// amount is a refund taken off the row's day, as [Summary.AddRefund]:
// its units (negative) count in ReturnedUnits and the row in Returns,
// and, when its Discount is given and zero (goods sold at full price),
// its amount comes off FullPriceNet, as the refund of a line sold
// without a discount does. A zero
// amount with negative units is a return of units for which no money
// moved: its units count in ReturnedUnits and the row in Returns, as a
// refund's do, and the cost of the goods, when the row gives one, comes
// off Cost (the goods are back); nothing else changes. (Package salesrow
// reads such a row as an exchange and gives no cost: the goods back are
// replaced.)
//
// The day a sale or refund counts on is the row's own, unless the row
// says its order counts on another (OrderDay), or moves its order to the
// row's day (MovedFrom, which moves the order's net so far, MovedNet,
// and its count). So the rows of an order count together on one day, as
// [Summary.AddOrder] and [Summary.AddRefund] count an order and its
// refunds on the order's day, whatever the order of the rows: package
// salesrow keeps the state of each order that says so.
//
// Amounts are kept exactly as given, also when they have more decimals
// than the currency's minor unit: a computed net such as 12.345 EUR is
// neither rounded nor rejected, the rule of the sales-export rows of
// package salesrow (an amount, cost or discount beyond the bounds of
// [ParseAmount] is rejected).
//
// An invalid row returns an error and changes nothing: zero time or one
// before [MinRecordYear], unknown currency, units whose sign differs from the amount's or beyond
// ±[MaxLineQuantity], an amount, cost or discount beyond the bounds of
// [ParseAmount], a negative cost on a sale, an OrderDay with MovedFrom
// or on a sale with NewOrder, a MovedNet without MovedFrom or beyond
// its bounds (see [Sale]); and, for a
// row on or before AsOf, a currency other than the summary's, an
// OrderDay or MovedFrom that breaks its rules (see [Sale]), or a row
// that would overflow Units, ReturnedUnits, Orders or Returns
// ([ErrOverflow]). A row dated after AsOf is checked for the faults of
// the row itself, then left out and counted in Later (an error matching
// ErrOverflow when Later is full): its currency is not held against the
// summary's, since the analysis does not add it.
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
	// Units back without money count on no day: the order fields do not
	// apply.
	dayless := sign == 0 && x.Units < 0
	if x.Cost.Valid {
		if msg := checkAmount(x.Cost.Decimal); msg != "" {
			p.add("cost", CodeRange, msg)
		} else if !back && x.Cost.Decimal.Sign() < 0 {
			p.add("cost", CodeNegative, "must not be negative on a sale")
		}
	}
	if x.Discount.Valid {
		if msg := checkAmount(x.Discount.Decimal); msg != "" {
			p.add("discount", CodeRange, msg)
		}
	}
	if !dayless {
		switch {
		case !x.OrderDay.IsZero() && !x.MovedFrom.IsZero():
			p.add("order day", CodeMismatch, "a row that moves its order counts on its own day")
		case !x.OrderDay.IsZero() && !back && x.NewOrder:
			p.add("order day", CodeMismatch, "a row that opens an order counts on its own day")
		}
	}
	if x.MovedFrom.IsZero() && !x.MovedNet.IsZero() {
		p.add("moved net", CodeMismatch, fmt.Sprintf("%s moves with no order: moved from is not given", safeString(x.MovedNet)))
	} else if msg := checkMovedNet(x.MovedNet); msg != "" {
		p.add("moved net", CodeRange, msg)
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
	target := rowDay // the day the row counts on
	from := -1       // the index in Days of the day the order moves from
	// moveCount says the order's count moves with it: a sale order moved
	// to an earlier sale row.
	moveCount := !back && !x.NewOrder
	if !dayless && !x.MovedFrom.IsZero() {
		if err := s.movedFrom(x.MovedFrom, x.MovedNet, rowDay, moveCount, !back && x.NewOrder, &from); err != nil {
			return err
		}
	}
	if !dayless && !x.OrderDay.IsZero() {
		d, err := s.saleOrderDay(x.OrderDay, rowDay, !back)
		if err != nil {
			return err
		}
		target = d
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
		if dayless {
			// Units back, no money: the cost of goods comes back only
			// when the row gives it.
			if x.Cost.Valid {
				s.Cost = s.Cost.Sub(x.Cost.Decimal.Abs())
			}
			return nil
		}
		s.Refunded = s.Refunded.Sub(a)
		if x.Discount.Valid && x.Discount.Decimal.IsZero() {
			// Goods sold at full price came back.
			s.FullPriceNet = s.FullPriceNet.Add(a)
		}
		if x.Cost.Valid {
			cost = cost.Neg().Abs().Neg()
		}
		s.Cost = s.Cost.Add(cost)
	} else {
		s.Units += x.Units
		switch d := x.Discount.Decimal.Abs(); {
		case !x.Discount.Valid || d.IsZero():
			s.Gross = s.Gross.Add(a)
			s.FullPriceNet = s.FullPriceNet.Add(a)
		default:
			s.Gross = s.Gross.Add(a.Add(d))
			s.Discounts = s.Discounts.Add(d)
		}
		s.Cost = s.Cost.Add(cost)
		if x.Category != "" {
			if i, found := slices.BinarySearch(s.Categories, x.Category); !found {
				s.Categories = slices.Insert(s.Categories, i, x.Category)
			}
		}
	}
	if from >= 0 {
		s.moveOff(from, moveCount, x.MovedNet)
	}
	d := s.day(target)
	if !back && x.NewOrder {
		s.Orders++
		d.Orders++
	}
	if from >= 0 {
		if moveCount {
			d.Orders++
		}
		d.Net = d.Net.Add(x.MovedNet)
	}
	d.Net = d.Net.Add(a)
	return nil
}

// moveOff takes an order off Days[i]: its count when count is set, and
// its net so far. A day left with no order and a net of zero held only
// that order's rows, and is removed.
func (s *Summary) moveOff(i int, count bool, net decimal.Decimal) {
	d := &s.Days[i]
	if count {
		d.Orders--
	}
	d.Net = d.Net.Sub(net)
	if d.Orders == 0 && d.Net.IsZero() {
		s.Days = slices.Delete(s.Days, i, i+1)
	}
}

// MaxMovedNetDigits is the number of integer digits a [Sale].MovedNet
// may have: that of a sum of at most math.MaxInt64 amounts, each within
// the bounds of [ParseAmount] (below 10^30).
const MaxMovedNetDigits = maxAmountDigits + 19

// checkMovedNet returns why net cannot be the net of an order's rows, or
// "".
func checkMovedNet(net decimal.Decimal) string {
	if net.IsZero() {
		return ""
	}
	e := int64(net.Exponent())
	if e < -maxAmountDigits {
		return fmt.Sprintf("has %d decimals, more than the %d an amount has", -e, maxAmountDigits)
	}
	if n := coefDigits(net) + e; n > MaxMovedNetDigits {
		return fmt.Sprintf("has %d integer digits, more than the %d a sum of amounts has", n, MaxMovedNetDigits)
	}
	return ""
}

// movedFrom checks MovedFrom t, with net the net that moves, of a row on
// day rowDay: t must be on another day, on or before AsOf, of Days;
// count says the order's count moves (t must then be on a later day
// that holds an order), opens that the row opens the order (t may then
// be on any other day; otherwise on a later one). The day of t is the
// one a row at t counts on (see Days on [Summary]): its calendar day, but
// not after AsOf's. It sets *from to the index of that day in Days.
func (s *Summary) movedFrom(t time.Time, net decimal.Decimal, rowDay Date, count, opens bool, from *int) error {
	var p problems
	d := dayOf(t, s.asOfDay())
	i, found := slices.BinarySearchFunc(s.Days, d, func(x Day, d Date) int { return cmp.Compare(x.Date, d) })
	switch {
	case t.After(s.AsOf):
		p.add("moved from", CodeRange, fmt.Sprintf("%s is after the as-of time %s", t.Format(time.RFC3339), s.AsOf.Format(time.RFC3339)))
	case opens && d == rowDay:
		p.add("moved from", CodeOrder, fmt.Sprintf("day %s is the row's day", d))
	case !opens && d <= rowDay:
		p.add("moved from", CodeOrder, fmt.Sprintf("day %s is not after the row's day %s", d, rowDay))
	case !found:
		p.add("moved from", CodeUnknown, fmt.Sprintf("day %s holds no order to move", d))
	case count && s.Days[i].Orders < 1:
		p.add("moved from", CodeUnknown, fmt.Sprintf("day %s holds no order to move", d))
	case !count && net.Sign() >= 0:
		p.add("moved net", CodeRange, fmt.Sprintf("%s is not negative: an order of refunds only moves a negative net", safeString(net)))
	}
	if err := p.err("sale of customer", string(s.CustomerID)); err != nil {
		return err
	}
	*from = i
	return nil
}

// saleOrderDay checks OrderDay t of a row on day rowDay, a sale when sale is
// set, and returns its day: on or before AsOf, a day of Days, and for a
// sale before the row's day.
func (s *Summary) saleOrderDay(t time.Time, rowDay Date, sale bool) (Date, error) {
	var p problems
	d := dayOf(t, s.asOfDay())
	_, found := slices.BinarySearchFunc(s.Days, d, func(x Day, d Date) int { return cmp.Compare(x.Date, d) })
	switch {
	case t.After(s.AsOf):
		p.add("order day", CodeRange, fmt.Sprintf("%s is after the as-of time %s", t.Format(time.RFC3339), s.AsOf.Format(time.RFC3339)))
	case sale && d >= rowDay:
		p.add("order day", CodeOrder, fmt.Sprintf("day %s is not before the sale's day %s", d, rowDay))
	case !found:
		p.add("order day", CodeUnknown, fmt.Sprintf("day %s holds no order", d))
	}
	if err := p.err("sale of customer", string(s.CustomerID)); err != nil {
		return 0, err
	}
	return d, nil
}
