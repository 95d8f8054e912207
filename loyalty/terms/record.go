package terms

import (
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Record is how one intermediary pays its invoices, from their
// settlements as of one instant: an input for the creditworthiness
// indicator of its potential value (domain rules §2). An invoice is decided when
// it is settled or overdue; one still open and not yet due counts in
// Invoices and Open only, and one credited in full in Invoices and
// CreditedInFull only.
//
// The library does not rate: a caller maps the record onto a
// [customer.CreditRating] by its own credit policy (e.g. AAA for every
// decided invoice on time, a rating per band of MeanDaysLate, C for an
// open overdue amount above a limit) and stores it in
// [customer.Trade].Rating, which package value turns into its
// creditworthiness score.
type Record struct {
	Customer customer.ID
	// AsOf is the instant of the settlements.
	AsOf time.Time
	// Invoices counts the settlements; Settled those settled, OnTime
	// those settled on or before their due date, Discounted those
	// settled with the cash discount, Overdue those open after their due
	// date. CreditedInFull counts those whose credit notes took all of
	// their amount (Settlement.Amount zero): they are not counted as
	// settled (see [NewRecord]).
	Invoices, Settled, OnTime, Discounted, Overdue, CreditedInFull int
	// DaysLate sums the days late of the decided invoices: of those
	// settled late, and of those overdue as of AsOf.
	DaysLate int
	// Open is what is owed on the open invoices, and OpenOverdue the part
	// of it owed on the overdue ones. Both are zero Money (no currency)
	// when there are no settlements.
	Open, OpenOverdue customer.Money
}

// Decided returns the number of decided invoices: Settled + Overdue.
func (r Record) Decided() int { return r.Settled + r.Overdue }

// OnTimeShare returns OnTime / Decided, the share of the decided
// invoices settled by their due date, in [0, 1]; false when none is
// decided.
func (r Record) OnTimeShare() (float64, bool) {
	if r.Decided() == 0 {
		return 0, false
	}
	return float64(r.OnTime) / float64(r.Decided()), true
}

// MeanDaysLate returns DaysLate / Decided, the mean number of days after
// the due date at which the decided invoices were (or, for the overdue
// ones, are still not) settled, counting those on time as 0; false when
// none is decided.
func (r Record) MeanDaysLate() (float64, bool) {
	if r.Decided() == 0 {
		return 0, false
	}
	return float64(r.DaysLate) / float64(r.Decided()), true
}

// NewRecord folds the settlements of one intermediary's invoices, made as
// of one instant by [Invoice.Settle] or [Invoice.SettleWith], into its
// [Record]. No settlements give a Record with no invoices.
//
// An invoice whose credit notes took all of its amount (a settlement of
// Amount zero: everything sent back, or allowed for) counts in Invoices
// and CreditedInFull only. It asked nothing in the end, and whatever was
// paid on it is owed back, so it says nothing of how the intermediary
// pays what it owes: counted on time, it would lift the share of a
// dealer whose goods all come back; counted late, because the credit
// note came after the due date, it would mark down a return the brand
// accepted. It is neither: not in Settled, OnTime, Discounted, DaysLate
// or [Record.Decided]. An invoice credited in part is decided as any
// other, settled when its payments and credit notes settled it.
//
// It reports every fault at once in a [*customer.ValidationError] for the
// record `payment record of customer "id"`: a first settlement without a
// customer, or one of another customer than the first's
// ("settlements[i].customer"), as of another instant
// ("settlements[i].as_of"), in another currency or without one
// ("settlements[i].amount"), owing a negative amount or one in another
// currency than its amount ("settlements[i].owed"), with negative days
// late ("settlements[i].days_late"), with an empty invoice ID or the ID
// of an earlier settlement ("settlements[i].invoice"). A rejected call
// returns the zero Record.
func NewRecord(settlements []Settlement) (Record, error) {
	if len(settlements) == 0 {
		return Record{}, nil
	}
	s0 := settlements[0]
	cur := s0.Amount.Currency()
	var p problems
	seen := make(map[string]int, len(settlements))
	r := Record{Customer: s0.Customer, AsOf: s0.AsOf}
	open, overdue := decimal.Zero, decimal.Zero
	for i, s := range settlements {
		f := "settlements[" + strconv.Itoa(i) + "]."
		if s.Customer != s0.Customer {
			p.add(f+"customer", customer.CodeMismatch, "is %q, the first settlement's is %q", s.Customer, s0.Customer)
		} else if i == 0 && s.Customer == "" {
			p.add(f+"customer", customer.CodeRequired, "is empty")
		}
		if !s.AsOf.Equal(s0.AsOf) {
			p.add(f+"as_of", customer.CodeMismatch, "is %s, the first settlement's is %s",
				s.AsOf.Format(time.RFC3339Nano), s0.AsOf.Format(time.RFC3339Nano))
		}
		amountOK := false
		switch c := s.Amount.Currency(); {
		case !c.Valid():
			p.add(f+"amount", customer.CodeUnknown, "unknown currency %q", string(c))
		case c != cur:
			p.add(f+"amount", customer.CodeMismatch, "is in %s, the first settlement's is in %s", c, cur)
		default:
			amountOK = true
		}
		// Owed is summed into Open: in the amount's currency (the zero
		// Money is nothing owed) and not negative.
		switch c := s.Owed.Currency(); {
		case !amountOK:
		case c != cur && !(c == "" && s.Owed.IsZero()):
			p.add(f+"owed", customer.CodeMismatch, "is in %q, the settlement's amount is in %s", string(c), cur)
		case !customer.AmountInRange(s.Owed.Amount()):
			p.add(f+"owed", customer.CodeRange, "%s is too large or too precise", brief(s.Owed.Amount()))
		case s.Owed.Sign() < 0:
			p.add(f+"owed", customer.CodeNegative, "must not be negative, is %s", s.Owed)
		}
		if s.DaysLate < 0 {
			p.add(f+"days_late", customer.CodeNegative, "must not be negative, is %d", s.DaysLate)
		}
		if j, dup := seen[s.Invoice]; dup {
			p.add(f+"invoice", customer.CodeDuplicate, "invoice %q is also settlements[%d]", s.Invoice, j)
		} else if s.Invoice == "" {
			p.add(f+"invoice", customer.CodeRequired, "is empty")
		} else {
			seen[s.Invoice] = i
		}
		r.Invoices++
		switch {
		case s.Settled && s.Amount.IsZero():
			r.CreditedInFull++
		case s.Settled:
			r.Settled++
			r.DaysLate += s.DaysLate
			if s.DaysLate == 0 {
				r.OnTime++
			}
			if s.Discount.Sign() > 0 {
				r.Discounted++
			}
		default:
			open = open.Add(s.Owed.Amount())
			if s.Overdue {
				r.Overdue++
				r.DaysLate += s.DaysLate
				overdue = overdue.Add(s.Owed.Amount())
			}
		}
	}
	if err := p.err("payment record of customer " + strconv.Quote(string(s0.Customer))); err != nil {
		return Record{}, err
	}
	r.Open, r.OpenOverdue = money(open, cur), money(overdue, cur)
	return r, nil
}
