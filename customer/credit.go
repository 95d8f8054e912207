package customer

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Credit is money paid to a customer without goods coming back: a price
// reduction on goods the customer keeps, or a compensation for the
// trouble, as a complaint is often settled (domain rules §5, the remedies of
// step 5). Money paid back for returned units is a [Return] of kind
// [Refund], not a credit.
//
// Amount is the money that left the shop: paid out, transferred, or
// written on a credit note. A voucher that the customer redeems later as
// a discount on an order is already in that order's discount; record it
// as a credit only when the redemption is not recorded there, so that
// the money is not counted twice.
type Credit struct {
	ID         string
	CustomerID ID
	// OrderID is the order the credit is for. A price reduction is always
	// for an order; a compensation may be for none (a late repair, an
	// unkind answer).
	OrderID string
	Time    time.Time // when the money was paid or credited
	Kind    CreditKind
	Amount  Money // positive, in whole minor units of its currency
	// Source says what granted the credit, such as the ID of a
	// complaint case; optional.
	Source string
}

// CreditKind says why money was paid without goods coming back.
type CreditKind uint8

const (
	// PriceReduction is part of the price paid back for goods the
	// customer keeps (a flaw the customer accepts, a missed promise).
	PriceReduction CreditKind = iota + 1
	// Compensation is money for the trouble: goodwill, not a price.
	// Domain rules §5 list it beside the price reduction among the
	// remedies of a complaint: it pays for the trouble, not for the
	// goods, so it is not bounded by the order it is for; nor is it taken
	// off that order's net ([Summary.AddCreditFor]).
	Compensation
)

var creditKindNames = []string{"", "price-reduction", "compensation"}

// ParseCreditKind parses "price-reduction" or "compensation".
func ParseCreditKind(s string) (CreditKind, error) {
	return enumtext.Parse[CreditKind](s, creditKindNames, "credit kind")
}

// String returns "price-reduction" or "compensation".
func (k CreditKind) String() string { return enumtext.String(k, creditKindNames, "CreditKind") }

// Valid reports whether k is a defined credit kind.
func (k CreditKind) Valid() bool { return enumtext.Valid(k, creditKindNames) }

// MarshalText implements [encoding.TextMarshaler].
func (k CreditKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(k, creditKindNames, "credit kind")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (k *CreditKind) UnmarshalText(b []byte) error { return enumtext.Unmarshal(k, b, ParseCreditKind) }

// Validate checks c as recorded at time now, and reports every problem at
// once in a [*ValidationError]: an empty or blank (only white space) ID
// or customer ID, or one with a control character or bytes that are not
// UTF-8; a price reduction without an order ID; an order ID that
// is set but blank; a zero time, one before [MinRecordYear], or one after
// now (a zero now skips that check); an unknown kind; an amount that is
// not positive, beyond the bounds of [ParseAmount] (CodeRange: more than 30 integer
// digits or 30 decimals), in an unknown currency, or with more decimals
// than the currency's minor unit (money paid out is whole minor units).
//
// Validate looks at c alone. A credit for an order is checked against
// that order by [Credit.ValidateFor].
func (c Credit) Validate(now time.Time) error {
	var p problems
	c.check(&p, now)
	return p.err("credit", c.ID)
}

func (c *Credit) check(p *problems, now time.Time) {
	checkID(p, "id", c.ID)
	checkID(p, "customer_id", string(c.CustomerID))
	switch {
	case c.OrderID == "" && c.Kind == PriceReduction:
		p.add("order_id", CodeRequired, "is empty: a price reduction is for goods of an order")
	case c.OrderID != "":
		checkID(p, "order_id", c.OrderID)
	}
	checkTime(p, "time", c.Time, now)
	if !c.Kind.Valid() {
		p.add("kind", CodeUnknown, fmt.Sprintf("unknown credit kind %d", uint8(c.Kind)))
	}
	a, cur := c.Amount.Amount(), c.Amount.Currency()
	switch msg := checkAmount(a); {
	case msg != "":
		p.add("amount", CodeRange, msg)
	case a.Sign() <= 0:
		p.add("amount", CodeNotPos, fmt.Sprintf("must be positive, is %s", a))
	case !cur.Valid():
	case moreDecimals(a, cur.Digits()):
		p.add("amount", CodeFormat, fmt.Sprintf("%s has more decimals than %s allows (%d)", a, cur, cur.Digits()))
	}
	if !cur.Valid() {
		p.add("amount", CodeUnknown, fmt.Sprintf("unknown currency %q", string(cur)))
	}
}

// ValidateFor is [Credit.Validate] for a credit of order o, which it also
// checks against o: the order ID and customer must be o's, the time not
// before o's, the currency o's, and a price reduction may not be more
// than o's net (the sum of [Line.Net]). reduced is the sum of the price
// reductions of o credited before (zero for none): the reductions of an
// order together may not be more than its net either. A compensation
// is not bounded by o's net: it is goodwill, not a price.
//
// ValidateFor does not know o's returns. [Credit.ValidateAfter] and
// [Recorder.RecordCredit] also take off that bound the money o's refunds
// paid back (each its Refund when set, its share of its lines' net
// otherwise; see [Summary.AddReturnAfter]): the price reductions and
// refunds of an order together may not pay back more than the customer
// paid for it. These are the checks of a record before it is written; a
// summary of a history that holds such records keeps their money as
// recorded (see Over-refunds on [Summary]).
//
// A reduced that is negative (CodeNegative), beyond the bounds of
// [ParseAmount] (CodeRange), in another currency than o's (CodeMismatch;
// the zero Money, without a currency, is zero in any) or more than o's
// net (CodeTooMany) is reported on "reduced", and the amount is then not
// compared with what is left of the net. A net that cannot be computed
// because a line of o has an amount beyond those bounds is reported on
// "order_id" (CodeRange); [Order.Validate] names the amount.
func (c Credit) ValidateFor(o Order, reduced Money, now time.Time) error {
	return c.validateFor(&o, reduced, decimal.Decimal{}, true, now)
}

// ValidateAfter is [Credit.ValidateFor] after the returns of o recorded
// before c: a price reduction may not be more than what is left of o's
// net after the earlier reductions (reduced) and the money the refunds
// among returns paid back, as [Recorder.RecordCredit] checks it against
// a history. Returns of other orders are ignored; returns holds valid
// returns of o, in any order ([Return.ValidateAfter] checks them).
func (c Credit) ValidateAfter(o Order, reduced Money, returns []Return, now time.Time) error {
	var refunded decimal.Decimal
	if c.Kind == PriceReduction {
		refunded = RefundsPaid(o, returns)
	}
	return c.validateFor(&o, reduced, refunded, true, now)
}

// ValidateAfterPaid is [Credit.ValidateAfter] with the money that the
// refunds of o recorded before c paid back given as refunded, as
// [RefundsPaid] adds it up: a caller that checks many price reductions of
// one order after the same returns adds them up once, where
// ValidateAfter adds them up at every call. Only a price reduction is
// bounded by refunded, which is taken as it is: RefundsPaid gives a
// negative sum only for an order with a line whose net is negative,
// which [Order.Validate] refuses but a stored history may hold.
func (c Credit) ValidateAfterPaid(o Order, reduced Money, refunded decimal.Decimal, now time.Time) error {
	return c.validateFor(&o, reduced, refunded, true, now)
}

// RefundsPaid returns the money that the refunds among returns, valid
// returns of order o ([Return.ValidateAfter]), paid back, which
// [Credit.ValidateAfter] takes off o's net: each refund its Refund when
// set, and otherwise the share of its units of their lines' net after
// the units refunded before it ([RefundShare]), in the order of
// [CompareEvents]. Returns of other orders, and exchanges, pay nothing.
// It is zero when a line of o has an amount beyond the bounds of an
// amount, whose net cannot be computed (ValidateFor reports the order
// then). returns is not modified.
func RefundsPaid(o Order, returns []Return) decimal.Decimal {
	if o.outOfRange() >= 0 {
		return decimal.Decimal{}
	}
	var rs []Return
	for _, r := range returns {
		if r.OrderID == o.ID {
			rs = append(rs, r)
		}
	}
	return refundsPaidOf(&o, rs)
}

// refundsPaidOf returns the money that the refunds among rs, returns of
// order o, paid back, counted in the order of [CompareEvents] (rs is
// sorted in place).
func refundsPaidOf(o *Order, rs []Return) decimal.Decimal {
	slices.SortFunc(rs, compareReturns)
	total, _ := paidBack(o, rs)
	return total
}

// validateFor is [Credit.ValidateFor] after refunds of o that paid back
// refunded (≥ 0, in o's currency): with bound set, a price reduction may
// not be more than o's net less reduced and refunded, nor reduced more
// than o's net. Without bound, as a summary checks a credit (see
// Over-refunds on [Summary]), neither is compared with o's net and
// refunded is not used; reduced is still checked for its form.
func (c Credit) validateFor(o *Order, reduced Money, refunded decimal.Decimal, bound bool, now time.Time) error {
	var p problems
	c.check(&p, now)
	switch {
	case c.OrderID == "" && c.Kind != PriceReduction:
		p.add("order_id", CodeMismatch, fmt.Sprintf("is empty, the order given is %q", o.ID))
	case blank(c.OrderID): // reported by check
	case c.OrderID != o.ID:
		p.add("order_id", CodeMismatch, fmt.Sprintf("is %q, the order given is %q", c.OrderID, o.ID))
	}
	if !blank(string(c.CustomerID)) && c.CustomerID != o.CustomerID {
		p.add("customer_id", CodeMismatch, fmt.Sprintf("is %q, the order's customer is %q", c.CustomerID, o.CustomerID))
	}
	if !c.Time.IsZero() && c.Time.Before(o.Time) {
		p.add("time", CodeOrder, fmt.Sprintf("%s is before the order's %s", c.Time.Format(time.RFC3339), o.Time.Format(time.RFC3339)))
	}
	cur := c.Amount.Currency()
	reduction := c.Kind == PriceReduction && c.Amount.Sign() > 0 && AmountInRange(c.Amount.Amount())
	// o's net, when a bound needs it and o's lines allow computing it.
	var net decimal.Decimal
	netOK := false
	if bound && (reduction || reduced.Sign() > 0) {
		if k := o.outOfRange(); k >= 0 {
			p.add("order_id", CodeRange, fmt.Sprintf("order %q: lines[%d] has an amount beyond the bounds of an amount (see Order.Validate), so its net cannot be computed", o.ID, k))
		} else {
			net, netOK = o.net(), true
		}
	}
	reducedOK := checkReduced(&p, reduced, o, net, netOK)
	switch {
	case cur.Valid() && cur != o.Currency:
		p.add("amount", CodeMismatch, fmt.Sprintf("is in %s, the order in %s", cur, o.Currency))
	case reduction && reducedOK && netOK:
		left := net.Sub(reduced.Amount()).Sub(refunded)
		if c.Amount.Amount().GreaterThan(left) {
			msg := fmt.Sprintf("%s is more than the order's net of %s", cur.Format(c.Amount.Amount()), cur.Format(net))
			switch {
			case refunded.Sign() > 0:
				msg = fmt.Sprintf("%s is more than the %s left of the order's net of %s after earlier reductions of %s and refunds of %s",
					cur.Format(c.Amount.Amount()), cur.Format(decimal.Max(left, decimal.Zero)), cur.Format(net), cur.Format(reduced.Amount()), cur.Format(refunded))
			case !reduced.IsZero():
				msg = fmt.Sprintf("%s is more than the %s left of the order's net of %s after earlier reductions", cur.Format(c.Amount.Amount()), cur.Format(left), cur.Format(net))
			}
			p.add("amount", CodeTooMany, msg)
		}
	}
	return p.err("credit", c.ID)
}

// checkReduced reports a reduced (the price reductions of order o
// credited before) that is beyond the bounds of an amount, negative, in
// another currency than o's, or more than o's net (when netOK, net is
// that net), and returns whether reduced is valid.
func checkReduced(p *problems, reduced Money, o *Order, net decimal.Decimal, netOK bool) bool {
	a, cur := reduced.Amount(), reduced.Currency()
	if msg := checkAmount(a); msg != "" {
		p.add("reduced", CodeRange, msg)
		return false
	}
	ok := true
	if a.Sign() < 0 {
		p.add("reduced", CodeNegative, fmt.Sprintf("the price reductions of order %q before must not be negative, are %s", o.ID, reduced))
		ok = false
	}
	if cur != "" && cur != o.Currency {
		p.add("reduced", CodeMismatch, fmt.Sprintf("the price reductions of order %q before are in %s, the order in %s", o.ID, cur, o.Currency))
		return false
	}
	if ok && netOK && a.GreaterThan(net) {
		p.add("reduced", CodeTooMany, fmt.Sprintf("the price reductions of order %q before, %s, are more than its net of %s",
			o.ID, o.Currency.Format(a), o.Currency.Format(net)))
		ok = false
	}
	return ok
}

// net returns the sum of the nets of o's lines, whose amounts are within
// the bounds of an amount.
func (o *Order) net() decimal.Decimal {
	var s decimal.Decimal
	for i := range o.Lines {
		s = s.Add(o.Lines[i].Net())
	}
	return s
}

// outOfRange returns the index of the first line of o whose unit price
// or discount is beyond the bounds of [checkAmount], or -1.
func (o *Order) outOfRange() int {
	for i := range o.Lines {
		if !lineInRange(&o.Lines[i]) {
			return i
		}
	}
	return -1
}

// Equal reports whether c and d have the same content: IDs, instant, kind,
// amount by value and currency, and source.
func (c Credit) Equal(d Credit) bool { return c.diff(&d) == "" }

// Conflict returns nil when d, a credit delivered under c's ID, has c's
// content (c.Equal(d)), and otherwise a [*DuplicateError] for d that
// names the first field in which the two differ, as [Order.Conflict].
func (c Credit) Conflict(d Credit) error {
	if f := c.diff(&d); f != "" {
		return &DuplicateError{Record: "credit " + strconv.Quote(d.ID), Field: f}
	}
	return nil
}

// diff returns the first field, in the order of Credit's fields, in which
// c and d differ, named as in [Credit.Validate], or "" when they are
// equal.
func (c *Credit) diff(d *Credit) string {
	switch {
	case c.ID != d.ID:
		return "id"
	case c.CustomerID != d.CustomerID:
		return "customer_id"
	case c.OrderID != d.OrderID:
		return "order_id"
	case !c.Time.Equal(d.Time):
		return "time"
	case c.Kind != d.Kind:
		return "kind"
	case !c.Amount.Equal(d.Amount):
		return "amount"
	case c.Source != d.Source:
		return "source"
	}
	return ""
}

// AddCredit adds c, a credit whose order the summary does not know (or
// one for no order): Credits counts it, its amount is added to Credited
// and taken off the net of the day of the credit, as [Summary.AddRefund]
// takes off a refund of an unknown order. Cost is unchanged: the goods,
// if any, stay with the customer. FullPriceNet is unchanged too: a credit
// is not a discount of a line.
//
// For a credit of a known order use [Summary.AddCreditFor], which checks
// it against the order and takes a price reduction off the order's day,
// as a refund of the order's returns is; [Summarize] does. A credit
// counts on its own day, a price reduction of an order on the order's
// (see Days on [Summary]). A credit dated after AsOf is checked all the
// same (with a zero now, and for its customer), then left out and counted
// in Later. An invalid credit ([Credit.Validate]), one of another
// customer or in another currency than the summary's, or one that would
// overflow Credits or Later ([ErrOverflow]) returns an error and changes
// nothing.
func (s *Summary) AddCredit(c Credit) error {
	return s.addCredit(&c, nil, Money{}, true)
}

// AddCreditFor adds c, a credit of order o (o as given to
// [Summary.AddOrder]), after earlier price reductions of o that add up to
// reduced (zero for none), as [Summary.AddCredit] does, but checks c
// against o as [Credit.ValidateFor] does, except for the bound of o's
// net: the order ID and customer must be o's, the time not before o's,
// the currency o's. A price reduction is taken off the net of o's day,
// so that the spend of that order's purchase day is what the customer
// paid in the end; one beyond what is left of o's net (after reduced, or
// after o's refunds) is kept as recorded and takes that day below zero
// (see Over-refunds on [Summary]). A compensation is goodwill, not a
// price: it counts on its own day, as a credit of no order does, and
// leaves the net of o's day as it is. An invalid order ([Order.Validate])
// is an error too, and so is a reduced that is negative, beyond the
// bounds of an amount or in another currency than o's (see
// [Credit.ValidateFor]); reduced does not bound c. Check a credit with
// [Credit.ValidateAfter] or record it with [Recorder.RecordCredit] to
// refuse one that pays back more than the order's net.
func (s *Summary) AddCreditFor(c Credit, o Order, reduced Money) error {
	return s.addCredit(&c, &o, reduced, true)
}

// addCredit adds c, of order o when o is not nil (o is validated when
// checkOrder is set), after price reductions of o of reduced.
func (s *Summary) addCredit(c *Credit, o *Order, reduced Money, checkOrder bool) error {
	if err := s.usable(); err != nil {
		return err
	}
	later := c.Time.After(s.AsOf)
	now := s.AsOf
	if later {
		now = time.Time{} // a later credit is left out, not in the future
	}
	at := c.Time
	if o == nil {
		if err := c.Validate(now); err != nil {
			return err
		}
	} else {
		if checkOrder {
			if err := o.Validate(now); err != nil {
				return fmt.Errorf("credit %q: %w", c.ID, err)
			}
		}
		if err := c.validateFor(o, reduced, decimal.Decimal{}, false, now); err != nil {
			return err
		}
		if c.Kind == PriceReduction {
			at = o.Time
		}
	}
	if c.CustomerID != s.CustomerID {
		return fmt.Errorf("credit %q of customer %q: %w %q", c.ID, c.CustomerID, ErrWrongCustomer, s.CustomerID)
	}
	if later {
		return s.leaveOut("credit", c.ID)
	}
	day := dayOf(at, s.asOfDay())
	cur := c.Amount.Currency()
	if s.Currency != "" && s.Currency != cur {
		return fmt.Errorf("credit %q of customer %q: amount: in %s, the summary is in %s: %w", c.ID, c.CustomerID, cur, s.Currency, &CurrencyMismatchError{A: s.Currency, B: cur})
	}
	if _, ok := addCount(s.Credits, 1); !ok {
		return s.overflow(fmt.Sprintf("credit %q", c.ID), "credits", s.Credits, 1)
	}
	s.ensureMargin()
	_ = s.currency(cur)
	a := c.Amount.Amount()
	s.Credits++
	s.Credited = addDec(s.Credited, a)
	d := s.day(day)
	d.Net = addDec(d.Net, a.Neg())
	return nil
}
