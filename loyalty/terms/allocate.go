package terms

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Allocation is the part of a payment that [Allocate] applies to one
// invoice.
type Allocation struct {
	// Invoice is the ID of the invoice, [Settlement].Invoice.
	Invoice string
	// Payment is the part: the ID and instant of the whole payment, and
	// the amount applied to the invoice. It is given to the invoice's
	// [Invoice.Settle] with its other payments.
	Payment Payment
}

// Allocate splits pay, one transfer that covers several invoices of one
// intermediary, over the invoices' settlements, each made as of the
// payment's instant (pay.At): oldest due first, then by discount date,
// then by invoice ID, each open invoice gets
//
//	part = min(left, need), need = WithDiscount if positive, else Owed
//
// of what is left of the payment, until nothing is: WithDiscount is what
// settles an invoice with its cash discount by then, Owed what settles
// it otherwise. Settled invoices get nothing. It returns the parts in
// that order, none of them zero, and what is left, exactly pay.Amount −
// Σ part, zero Money in the payment's currency when all of it was
// applied: an overpayment for the caller to refund or to keep on account.
// Amounts are exact; no part is finer than the minor unit. An invoice
// issued after the payment has no settlement as of it: a prepayment is
// given to the invoice it was made for, which applies it at its issue
// (see [Invoice.SettleWith]).
//
// Allocate reports every fault at once in a [*customer.ValidationError]
// for the record `allocation of payment "id"`: a payment with an empty
// ID ("payment.id"), a zero time or one outside the years 1–9999
// ("payment.at"), an amount of an unknown currency or another than the
// settlements', beyond the bounds of customer.ParseAmount, not positive
// or finer than the minor unit ("payment.amount"); a first settlement
// whose Owed, or, when Owed is the zero Money, Amount has no known
// currency ("settlements[0].owed", "settlements[0].amount"); a
// settlement with an empty invoice ID or the ID of an earlier one
// ("settlements[i].invoice"), of another customer than the first's
// ("settlements[i].customer"), as of another instant than pay.At
// ("settlements[i].as_of"), owing in another currency than the
// payment's, a negative amount, one beyond those bounds or one finer
// than the minor unit ("settlements[i].owed",
// "settlements[i].with_discount"), or a positive WithDiscount not below
// Owed ("settlements[i].with_discount"). A rejected call returns no parts
// and the zero Money.
func Allocate(pay Payment, open []Settlement) ([]Allocation, customer.Money, error) {
	var p problems
	if pay.ID == "" {
		p.add("payment.id", customer.CodeRequired, "is empty")
	}
	atOK := checkTime(&p, "payment.at", "", pay.At)
	// The invoices' currency is that of the first settlement; without
	// settlements, the payment's. A first settlement without a known
	// currency is named; the payment is then checked in its own currency,
	// and the amounts of the settlements are not compared with it.
	cur, curOK := pay.Amount.Currency(), true
	if len(open) > 0 {
		field := "settlements[0].owed"
		cur = open[0].Owed.Currency()
		if cur == "" {
			field, cur = "settlements[0].amount", open[0].Amount.Currency()
		}
		if !cur.Valid() {
			p.add(field, customer.CodeUnknown, "unknown currency %q", string(cur))
			cur, curOK = pay.Amount.Currency(), false
		}
	}
	switch {
	case !cur.Valid():
		p.add("payment.amount", customer.CodeUnknown, "unknown currency %q", string(cur))
	case curOK:
		checkMoney(&p, "payment.amount", "", "the invoices'", pay.Amount, cur)
	default:
		checkMoney(&p, "payment.amount", "", "its", pay.Amount, cur)
	}
	seen := make(map[string]int, len(open))
	for i, s := range open {
		f := "settlements[" + strconv.Itoa(i) + "]."
		switch j, dup := seen[s.Invoice]; {
		case s.Invoice == "":
			p.add(f+"invoice", customer.CodeRequired, "is empty")
		case dup:
			p.add(f+"invoice", customer.CodeDuplicate, "invoice %q is also settlements[%d]", s.Invoice, j)
		default:
			seen[s.Invoice] = i
		}
		if s.Customer != open[0].Customer {
			p.add(f+"customer", customer.CodeMismatch, "is %q, the first settlement's is %q", s.Customer, open[0].Customer)
		}
		if atOK && !s.AsOf.Equal(pay.At) {
			p.add(f+"as_of", customer.CodeMismatch, "is %s, the payment was received at %s: settle the invoices as of the payment",
				s.AsOf.Format(time.RFC3339Nano), pay.At.Format(time.RFC3339Nano))
		}
		if !curOK {
			continue
		}
		owedOK := checkOwed(&p, f+"owed", s.Owed, cur)
		if checkOwed(&p, f+"with_discount", s.WithDiscount, cur) && owedOK &&
			s.WithDiscount.Sign() > 0 && !s.WithDiscount.Amount().LessThan(s.Owed.Amount()) {
			p.add(f+"with_discount", customer.CodeRange, "%s is not below what is owed, %s", s.WithDiscount, s.Owed)
		}
	}
	if err := p.err("allocation of payment " + strconv.Quote(pay.ID)); err != nil {
		return nil, customer.Money{}, err
	}
	order := make([]int, 0, len(open))
	for i, s := range open {
		if s.Owed.Sign() > 0 {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := open[i], open[j]
		return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.DiscountUntil, b.DiscountUntil), cmp.Compare(a.Invoice, b.Invoice))
	})
	left := pay.Amount.Amount()
	var parts []Allocation
	for _, i := range order {
		if left.Sign() == 0 {
			break
		}
		need := open[i].Owed.Amount()
		if w := open[i].WithDiscount.Amount(); w.Sign() > 0 {
			need = w
		}
		part := decimal.Min(left, need)
		left = left.Sub(part)
		parts = append(parts, Allocation{Invoice: open[i].Invoice, Payment: Payment{ID: pay.ID, At: pay.At, Amount: money(part, cur)}})
	}
	return parts, money(left, cur), nil
}

// checkOwed reports an amount owed that is not in cur (the zero Money is
// zero in any), out of bounds, negative or finer than cur's minor unit.
func checkOwed(p *problems, field string, m customer.Money, cur customer.Currency) bool {
	if m.IsZero() && m.Currency() == "" {
		return true
	}
	n := len(p.fields)
	switch d := m.Amount(); {
	case m.Currency() != cur:
		p.add(field, customer.CodeMismatch, "is in %q, the invoices' currency is %s", string(m.Currency()), cur)
	case !customer.AmountInRange(d):
		p.add(field, customer.CodeRange, "%s is too large or too precise", brief(d))
	case d.Sign() < 0:
		p.add(field, customer.CodeNegative, "must not be negative, is %s", m)
	case !d.Equal(d.Truncate(cur.Digits())):
		p.add(field, customer.CodeFormat, "%s has more decimals than %s allows (%d)", d.String(), cur, cur.Digits())
	}
	return len(p.fields) == n
}
