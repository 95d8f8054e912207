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
	// in the invoice's zone.
	At time.Time
	// Amount is positive, in the invoice's currency and in whole minor
	// units.
	Amount customer.Money
}

// Settlement is the state of an invoice's payment as of an instant,
// computed by [Invoice.Settle]. Its amounts are in the invoice's
// currency, and
//
//	Owed + Paid − Overpaid + Discount = Amount
type Settlement struct {
	// Invoice and Customer identify the invoice.
	Invoice  string
	Customer customer.ID
	// AsOf is the instant of the settlement: payments after it are left
	// out.
	AsOf time.Time
	// DiscountUntil and Due are the invoice's discount date and due date.
	DiscountUntil customer.Date
	Due           customer.Date
	// Amount is the invoice amount, [Invoice].Amount.
	Amount customer.Money
	// Paid is the sum of the payments on or before AsOf.
	Paid customer.Money
	// Discount is the cash discount taken: the invoice's CashDiscount when
	// the payments by DiscountUntil reached Amount − CashDiscount, else
	// zero.
	Discount customer.Money
	// Owed is what is still to pay as of AsOf, never negative: zero once
	// settled, else Amount − Paid. While the discount can still be taken,
	// WithDiscount is less.
	Owed customer.Money
	// WithDiscount is what, paid by DiscountUntil, settles the invoice
	// with the cash discount: Amount − CashDiscount − Paid, while the
	// invoice is open, AsOf's day is not after DiscountUntil and the
	// invoice gives a cash discount; zero otherwise.
	WithDiscount customer.Money
	// Overpaid is what was paid beyond what was owed: Paid − (Amount −
	// Discount) when positive, else zero. It belongs to the intermediary
	// (a refund or a credit on its next invoice).
	Overpaid customer.Money
	// Settled reports whether nothing is owed any more; SettledAt is the
	// instant of the payment that settled the invoice, zero while open.
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

// Settle reads payments, in any order, against the invoice as of the
// instant asOf, by the rule of the package documentation: with d the
// invoice's cash discount and early the sum of the payments whose
// calendar day is on or before DiscountUntil,
//
//	early ≥ Amount − d  ⇒ settled with the discount: Discount = d, Owed = 0
//	otherwise           ⇒ Discount = 0, Owed = max(0, Amount − Paid),
//	                      settled once Paid ≥ Amount
//
// Payments are taken in the order of their instants, then of their IDs;
// a payment after asOf is left out, so a settlement as of a past instant
// is what was known then. A payment given twice under one ID with the
// same instant and amount counts once.
//
// Settle first checks the invoice ([Invoice.Validate]) and returns its
// error when it is not valid. It then reports every fault of the payments
// and of asOf at once in a [*customer.ValidationError] for the record
// `settlement of invoice "id"`: a payment with an empty ID
// ("payments[i].id"), a zero time, one outside the years 1–9999 or one
// before the invoice was issued ("payments[i].at"), an amount in another
// currency, beyond the bounds of customer.ParseAmount, not positive or finer than the minor
// unit ("payments[i].amount"), an ID given earlier with another instant
// or amount ("payments[i].id", CodeDuplicate); a zero asOf or one before
// the invoice was issued ("as_of"). A rejected call returns the zero
// Settlement.
func (inv Invoice) Settle(payments []Payment, asOf time.Time) (Settlement, error) {
	if err := inv.Validate(); err != nil {
		return Settlement{}, err
	}
	cur := inv.List.Currency()
	var p problems
	if checkTime(&p, "as_of", "", asOf) && asOf.Before(inv.Issued) {
		p.add("as_of", customer.CodeOrder, "%s is before the invoice was issued at %s",
			asOf.Format(time.RFC3339), inv.Issued.Format(time.RFC3339))
	}
	first := make(map[string]int, len(payments))
	counted := make([]Payment, 0, len(payments))
	for i, pay := range payments {
		f := "payments[" + strconv.Itoa(i) + "]."
		who := ""
		if pay.ID != "" {
			who = "payment " + strconv.Quote(pay.ID) + ": "
		}
		if pay.ID == "" {
			p.add(f+"id", customer.CodeRequired, "is empty")
		} else if j, dup := first[pay.ID]; dup {
			if q := payments[j]; !q.At.Equal(pay.At) || !q.Amount.Equal(pay.Amount) {
				p.add(f+"id", customer.CodeDuplicate, "%sis also payments[%d], with another time or amount (%s at %s, here %s at %s)",
					who, j, q.Amount, q.At.Format(time.RFC3339Nano), pay.Amount, pay.At.Format(time.RFC3339Nano))
			}
			continue // identical: counted once
		} else {
			first[pay.ID] = i
		}
		if checkTime(&p, f+"at", who, pay.At) && pay.At.Before(inv.Issued) {
			p.add(f+"at", customer.CodeOrder, "%s%s is before the invoice was issued at %s",
				who, pay.At.Format(time.RFC3339), inv.Issued.Format(time.RFC3339))
		}
		checkMoney(&p, f+"amount", who, "the invoice's", pay.Amount, cur)
		if !pay.At.After(asOf) {
			counted = append(counted, pay)
		}
	}
	if err := p.err("settlement of invoice " + strconv.Quote(inv.ID)); err != nil {
		return Settlement{}, err
	}
	slices.SortFunc(counted, func(a, b Payment) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	return inv.settle(counted, asOf), nil
}

// settle computes the settlement of valid payments, sorted and all on or
// before asOf.
func (inv Invoice) settle(payments []Payment, asOf time.Time) Settlement {
	cur := inv.List.Currency()
	amount, cash := inv.Amount.Amount(), inv.CashDiscount.Amount()
	threshold := amount.Sub(cash)
	s := Settlement{Invoice: inv.ID, Customer: inv.Customer, AsOf: asOf, DiscountUntil: inv.DiscountUntil, Due: inv.Due,
		Amount: money(amount, cur)}
	paid, early := decimal.Zero, decimal.Zero
	var earlyAt, fullAt time.Time
	for _, pay := range payments {
		paid = paid.Add(pay.Amount.Amount())
		if dayOf(pay.At, inv.Location) <= inv.DiscountUntil {
			early = early.Add(pay.Amount.Amount())
			if earlyAt.IsZero() && !early.LessThan(threshold) {
				earlyAt = pay.At
			}
		}
		if fullAt.IsZero() && !paid.LessThan(amount) {
			fullAt = pay.At
		}
	}
	discount, owed, withDiscount := decimal.Zero, decimal.Zero, decimal.Zero
	asOfDay := dayOf(asOf, inv.Location)
	switch {
	case !earlyAt.IsZero():
		discount = cash
		s.Settled, s.SettledAt = true, earlyAt
	case !fullAt.IsZero():
		s.Settled, s.SettledAt = true, fullAt
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
	s.Explain = s.explain(dayOf(s.SettledAt, inv.Location), money(early, cur))
	return s
}

// explain says how s was reached; settledOn is the day of SettledAt,
// early the sum of the payments on or before DiscountUntil.
func (s *Settlement) explain(settledOn customer.Date, early customer.Money) string {
	var e string
	switch {
	case s.Settled && s.Discount.Sign() > 0:
		e = fmt.Sprintf("settled %s with the cash discount of %s: %s paid by %s",
			settledOn, s.Discount, early, s.DiscountUntil)
		if !early.Equal(s.Paid) {
			e += fmt.Sprintf(", %s in all", s.Paid)
		}
	case s.Settled && s.DaysLate == 0:
		e = fmt.Sprintf("settled %s, on time (due %s): %s paid", settledOn, s.Due, s.Paid)
	case s.Settled:
		e = fmt.Sprintf("settled %s, %s after the due date %s: %s paid", settledOn, days(s.DaysLate), s.Due, s.Paid)
	case s.Overdue:
		e = fmt.Sprintf("overdue: %s owed, %s after the due date %s", s.Owed, days(s.DaysLate), s.Due)
	default:
		e = fmt.Sprintf("open: %s owed, due %s", s.Owed, s.Due)
		if s.WithDiscount.Sign() > 0 {
			e += fmt.Sprintf(", or %s by %s with the cash discount", s.WithDiscount, s.DiscountUntil)
		}
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
