package terms

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Payment is money an intermediary paid against an invoice.
type Payment struct {
	// ID identifies the payment (a bank reference); the same ID given
	// twice with the same At and Amount is one payment delivered twice.
	ID string
	// At is when the payment was received; it counts on its calendar day
	// in the invoice's zone. A payment received before the invoice was
	// issued (a deposit, cash in advance) is a prepayment: it is applied
	// at the invoice's issue and counts on the invoice's day.
	At time.Time
	// Amount is positive, in the invoice's currency and in whole minor
	// units.
	Amount customer.Money
}

// CreditNote is money an invoice is reduced by after its issue: the
// value of goods the intermediary sent back, or an allowance on goods it
// keeps. A credit note is not a negative invoice nor a payment: it
// corrects what the invoice asks, and the cash discount is recomputed on
// the amount left (see [Invoice.SettleWith]).
type CreditNote struct {
	// ID identifies the credit note (its number); the same ID given
	// twice with the same At and Amount is one credit note delivered
	// twice. Credit notes and payments are numbered apart: a credit note
	// may carry the ID of a payment.
	ID string
	// At is when the credit note was issued, not before the invoice.
	At time.Time
	// Amount is positive, in the invoice's currency and in whole minor
	// units. The credit notes of an invoice together take at most its
	// Amount.
	Amount customer.Money
}

// Settlement is the state of an invoice's payment as of an instant,
// computed by [Invoice.Settle] or [Invoice.SettleWith]. Its amounts are
// in the invoice's currency, and
//
//	Owed + Paid − Overpaid + Discount = Amount = Invoice.Amount − Credited
type Settlement struct {
	// Invoice and Customer identify the invoice.
	Invoice  string
	Customer customer.ID
	// AsOf is the instant of the settlement: payments and credit notes
	// after it are left out.
	AsOf time.Time
	// DiscountUntil and Due are the invoice's discount date and due date.
	DiscountUntil customer.Date
	Due           customer.Date
	// Amount is what the invoice asks as of AsOf: [Invoice].Amount less
	// Credited.
	Amount customer.Money
	// Credited is the sum of the credit notes on or before AsOf; zero
	// without credit notes.
	Credited customer.Money
	// Paid is the sum of the payments on or before AsOf.
	Paid customer.Money
	// Prepaid is the part of Paid received before the invoice was
	// issued, applied at its issue.
	Prepaid customer.Money
	// Discount is the cash discount taken, when the payments by
	// DiscountUntil reached Amount less it: round(Amount × CashPercent /
	// 100), half up, which is the invoice's CashDiscount when nothing is
	// credited; else zero.
	Discount customer.Money
	// Owed is what is still to pay as of AsOf, never negative: zero once
	// settled, else Amount − Paid. While the discount can still be taken,
	// WithDiscount is less.
	Owed customer.Money
	// WithDiscount is what, paid by DiscountUntil, settles the invoice
	// with the cash discount: Amount − round(Amount × CashPercent / 100)
	// − Paid, while the invoice is open, AsOf's day is not after
	// DiscountUntil and the invoice gives a cash discount; zero otherwise.
	WithDiscount customer.Money
	// Overpaid is what was paid beyond what was owed: Paid − (Amount −
	// Discount) when positive, else zero. It belongs to the intermediary
	// (a refund or a credit on its next invoice).
	Overpaid customer.Money
	// Settled reports whether nothing is owed any more; SettledAt is the
	// first instant at which the payments and credit notes up to it
	// settled the invoice (a prepayment counting at the invoice's issue),
	// zero while open.
	Settled   bool
	SettledAt time.Time
	// DaysLate is how many calendar days after Due the invoice was
	// settled, or, while it is open, how many days AsOf's day is after
	// Due; never negative.
	DaysLate int
	// Overdue reports an invoice still open after its due date as of
	// AsOf.
	Overdue bool
	// Explain says in words how the settlement was reached.
	Explain string
}

// Settle reads payments against the invoice as of the instant asOf: it
// is [Invoice.SettleWith] without credit notes.
func (inv Invoice) Settle(payments []Payment, asOf time.Time) (Settlement, error) {
	return inv.SettleWith(payments, nil, asOf)
}

// SettleWith reads payments and credit notes, each in any order, against
// the invoice as of the instant asOf. With A the invoice's Amount, C the
// sum of the credit notes, c its CashPercent, and early the sum of the
// payments whose calendar day is on or before DiscountUntil:
//
//	amount = A − C
//	d      = round(amount × c / 100), half up to the minor unit
//	early ≥ amount − d  ⇒ settled with the discount: Discount = d, Owed = 0
//	otherwise           ⇒ Discount = 0, Owed = max(0, amount − Paid),
//	                      settled once Paid ≥ amount
//
// A payment or credit note after asOf is left out, so a settlement as of
// a past instant is what was known then. A payment or credit note given
// twice under one ID with the same instant and amount counts once.
//
// A credit note reduces the amount the discount is computed on: under
// "2/10 net 30" the 2 % are taken off the invoice less its returns and
// allowances, not off the invoice as issued (e.g.
// https://accountinguide.com/sale-discount-journal-entry/: "the 2 %
// discount on the net amount (gross sale – sale returns)"). It reduces
// the invoice from its own instant on: an intermediary that paid the
// reduced amount less its discount by DiscountUntil takes the discount
// once the credit note is issued, even after DiscountUntil, and is
// settled then unless it was settled before (SettledAt stays the first
// instant nothing was owed); one that paid the discounted whole has
// the credit note's value less the fall of the discount overpaid: the
// Discount before the credit note less the one after it, which the
// rounding may make a minor unit more or less than round(C × c / 100).
//
// A payment received before the invoice was issued (a deposit, cash in
// advance, a transfer made before the invoice was written) is a
// prepayment: it is applied at the invoice's issue, so it counts on the
// invoice's day, within the discount period, and an invoice it settles
// is settled at Issued, on time. Payables systems apply prepayments so:
// a voucher fully paid by a prepayment and eligible for a discount is
// paid at the discounted amount (Oracle PeopleSoft Payables 9.2,
// "Discounts and Prepayment Application"). Prepaid says how much of Paid
// came so. asOf may not be before the invoice was issued.
//
// SettleWith first checks the invoice ([Invoice.Validate]) and returns
// its error when it is not valid. It then reports every fault of the
// payments, the credit notes and asOf at once in a
// [*customer.ValidationError] for the record `settlement of invoice
// "id"`: a payment with an empty ID ("payments[i].id"), a zero time or
// one outside the years 1–9999 ("payments[i].at"), an amount in another
// currency, beyond the bounds of customer.ParseAmount, not positive or
// finer than the minor unit ("payments[i].amount"), an ID given earlier
// with another instant or amount ("payments[i].id", CodeDuplicate); the
// same of a credit note ("credits[i].id", "credits[i].at",
// "credits[i].amount"), and also a credit note dated before the invoice
// was issued ("credits[i].at", CodeOrder) and the credit note with
// which, in the order of their instants, the credit notes add up to more
// than the invoice's Amount, asOf or not ("credits[i].amount",
// CodeTooMany; notes whose amount is at fault are not added, and an ID
// given twice is added once); a zero asOf or one before the invoice was issued
// ("as_of"). A rejected call returns the zero Settlement.
func (inv Invoice) SettleWith(payments []Payment, credits []CreditNote, asOf time.Time) (Settlement, error) {
	if err := inv.Validate(); err != nil {
		return Settlement{}, err
	}
	var p problems
	if checkTime(&p, "as_of", "", asOf) && asOf.Before(inv.Issued) {
		p.add("as_of", customer.CodeOrder, "%s is before the invoice was issued at %s",
			asOf.Format(time.RFC3339), inv.Issued.Format(time.RFC3339))
	}
	pays := make([]entry, len(payments))
	for i, x := range payments {
		pays[i] = entry{i: i, id: x.ID, at: x.At, amount: x.Amount}
	}
	notes := make([]entry, len(credits))
	for i, x := range credits {
		notes[i] = entry{i: i, id: x.ID, at: x.At, amount: x.Amount}
	}
	pays = inv.check(&p, "payments", "payment", pays, true)
	notes = inv.check(&p, "credits", "credit note", notes, false)
	inv.checkCredited(&p, notes)
	if err := p.err("settlement of invoice " + strconv.Quote(inv.ID)); err != nil {
		return Settlement{}, err
	}
	return inv.settle(asOfOnly(pays, asOf), asOfOnly(notes, asOf), asOf), nil
}

// entry is a payment or a credit note: its index in the caller's list,
// ID, instant and amount.
type entry struct {
	i      int
	id     string
	at     time.Time
	amount customer.Money
	// badAmount is set by [Invoice.check] when the amount is at fault
	// (another currency, not positive, finer than the minor unit).
	badAmount bool
}

// check reports the faults of the entries of list (kind names one in
// messages) and returns them without the identical redeliveries, in the
// order of their instants, then of their IDs. An entry before the
// invoice's issue is a fault unless prepaid is true.
func (inv Invoice) check(p *problems, list, kind string, es []entry, prepaid bool) []entry {
	cur := inv.List.Currency()
	first := make(map[string]int, len(es))
	out := make([]entry, 0, len(es))
	for _, e := range es {
		f := list + "[" + strconv.Itoa(e.i) + "]."
		who := ""
		if e.id != "" {
			who = kind + " " + strconv.Quote(e.id) + ": "
		}
		if e.id == "" {
			p.add(f+"id", customer.CodeRequired, "is empty")
		} else if j, dup := first[e.id]; dup {
			if q := es[j]; !q.at.Equal(e.at) || !q.amount.Equal(e.amount) {
				p.add(f+"id", customer.CodeDuplicate, "%sis also %s[%d], with another time or amount (%s at %s, here %s at %s)",
					who, list, j, q.amount, q.at.Format(time.RFC3339Nano), e.amount, e.at.Format(time.RFC3339Nano))
			}
			continue // identical: counted once
		} else {
			first[e.id] = e.i
		}
		if checkTime(p, f+"at", who, e.at) && !prepaid && e.at.Before(inv.Issued) {
			p.add(f+"at", customer.CodeOrder, "%s%s is before the invoice was issued at %s",
				who, e.at.Format(time.RFC3339), inv.Issued.Format(time.RFC3339))
		}
		n := len(p.fields)
		checkMoney(p, f+"amount", who, "the invoice's", e.amount, cur)
		e.badAmount = len(p.fields) > n
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b entry) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.id, b.id)) })
	return out
}

// checkCredited reports the first of the credit notes, sorted, with
// which they add up to more than the invoice's amount. Notes whose amount
// is at fault are left out of the sum; a note at fault otherwise (an
// empty ID, its instant) counts, so that every problem is reported at
// once. A later note under the ID of an earlier one, identical or not,
// is not in notes ([Invoice.check]) and is not counted again.
func (inv Invoice) checkCredited(p *problems, notes []entry) {
	sum := decimal.Zero
	for _, e := range notes {
		if e.badAmount {
			continue
		}
		sum = sum.Add(e.amount.Amount())
		if sum.GreaterThan(inv.Amount.Amount()) {
			who := ""
			if e.id != "" {
				who = "credit note " + strconv.Quote(e.id) + ": "
			}
			p.add("credits["+strconv.Itoa(e.i)+"].amount", customer.CodeTooMany,
				"%sthe credit notes total %s, more than the invoice amount %s",
				who, money(sum, inv.Amount.Currency()), inv.Amount)
			return
		}
	}
}

// asOfOnly returns the sorted entries es up to and including asOf.
func asOfOnly(es []entry, asOf time.Time) []entry {
	n := 0
	for n < len(es) && !es[n].at.After(asOf) {
		n++
	}
	return es[:n]
}

// settle computes the settlement of valid payments and credit notes,
// each sorted and all on or before asOf.
func (inv Invoice) settle(payments, credits []entry, asOf time.Time) Settlement {
	cur := inv.List.Currency()
	digits := cur.Digits()
	full := inv.Amount.Amount()
	type event struct {
		at            time.Time
		amount        decimal.Decimal
		credit, early bool
	}
	events := make([]event, 0, len(payments)+len(credits))
	prepaid := decimal.Zero
	for _, e := range payments {
		at := e.at
		if at.Before(inv.Issued) {
			at = inv.Issued // a prepayment is applied at the issue
			prepaid = prepaid.Add(e.amount.Amount())
		}
		events = append(events, event{at: at, amount: e.amount.Amount(), early: dayOf(at, inv.Location) <= inv.DiscountUntil})
	}
	for _, e := range credits {
		events = append(events, event{at: e.at, amount: e.amount.Amount(), credit: true})
	}
	slices.SortStableFunc(events, func(a, b event) int { return a.at.Compare(b.at) })

	// The invoice is settled once early reaches amount − cash or paid
	// reaches amount. Credit notes only lower the amount, and
	// amount − round(amount × c / 100) never rises as the amount falls,
	// so a settled invoice stays settled as events are added.
	amount := full
	threshold := full.Sub(inv.CashDiscount.Amount())
	paid, early, credited := decimal.Zero, decimal.Zero, decimal.Zero
	var settledAt time.Time
	for _, e := range events {
		switch {
		case e.credit:
			credited = credited.Add(e.amount)
			amount = full.Sub(credited)
			threshold = amount.Sub(percentOf(amount, inv.CashPercent, digits))
		case e.early:
			early = early.Add(e.amount)
			fallthrough
		default:
			paid = paid.Add(e.amount)
		}
		if settledAt.IsZero() && (!early.LessThan(threshold) || !paid.LessThan(amount)) {
			settledAt = e.at
		}
	}
	cash := amount.Sub(threshold)
	s := Settlement{Invoice: inv.ID, Customer: inv.Customer, AsOf: asOf, DiscountUntil: inv.DiscountUntil, Due: inv.Due,
		Amount: money(amount, cur), Credited: money(credited, cur), Prepaid: money(prepaid, cur)}
	discount, owed, withDiscount := decimal.Zero, decimal.Zero, decimal.Zero
	asOfDay := dayOf(asOf, inv.Location)
	switch {
	case !early.LessThan(threshold):
		discount = cash
		s.Settled, s.SettledAt = true, settledAt
	case !paid.LessThan(amount):
		s.Settled, s.SettledAt = true, settledAt
	default:
		owed = amount.Sub(paid)
		if cash.Sign() > 0 && asOfDay <= inv.DiscountUntil {
			withDiscount = threshold.Sub(paid)
		}
	}
	overpaid := decimal.Max(decimal.Zero, paid.Sub(amount.Sub(discount)))
	s.Paid, s.Discount, s.Owed = money(paid, cur), money(discount, cur), money(owed, cur)
	s.WithDiscount, s.Overpaid = money(withDiscount, cur), money(overpaid, cur)
	if s.Settled {
		s.DaysLate = max(0, int(dayOf(s.SettledAt, inv.Location)-inv.Due))
	} else {
		s.DaysLate = max(0, int(asOfDay-inv.Due))
		s.Overdue = s.DaysLate > 0
	}
	s.Explain = s.explain(inv.Amount, dayOf(s.SettledAt, inv.Location), money(early, cur))
	return s
}

// explain says how s was reached; full is the invoice's amount,
// settledOn the day of SettledAt, early the sum of the payments on or
// before DiscountUntil.
func (s *Settlement) explain(full customer.Money, settledOn customer.Date, early customer.Money) string {
	var e string
	if s.Credited.Sign() > 0 {
		e = fmt.Sprintf("%s − %s credited = %s; ", full, s.Credited, s.Amount)
	}
	switch {
	case s.Settled && s.Amount.IsZero():
		e += fmt.Sprintf("credited in full, settled %s: %s paid", settledOn, s.Paid)
	case s.Settled && s.Discount.Sign() > 0:
		e += fmt.Sprintf("settled %s with the cash discount of %s: %s paid by %s",
			settledOn, s.Discount, early, s.DiscountUntil)
		if !early.Equal(s.Paid) {
			e += fmt.Sprintf(", %s in all", s.Paid)
		}
	case s.Settled && s.DaysLate == 0:
		e += fmt.Sprintf("settled %s, on time (due %s): %s paid", settledOn, s.Due, s.Paid)
	case s.Settled:
		e += fmt.Sprintf("settled %s, %s after the due date %s: %s paid", settledOn, days(s.DaysLate), s.Due, s.Paid)
	case s.Overdue:
		e += fmt.Sprintf("overdue: %s owed, %s after the due date %s", s.Owed, days(s.DaysLate), s.Due)
	default:
		e += fmt.Sprintf("open: %s owed, due %s", s.Owed, s.Due)
		if s.WithDiscount.Sign() > 0 {
			e += fmt.Sprintf(", or %s by %s with the cash discount", s.WithDiscount, s.DiscountUntil)
		}
	}
	if s.Prepaid.Sign() > 0 {
		e += fmt.Sprintf("; %s paid before the invoice", s.Prepaid)
	}
	if s.Overpaid.Sign() > 0 {
		e += fmt.Sprintf("; %s overpaid", s.Overpaid)
	}
	return e
}

// days returns "1 day" or "n days".
func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}
