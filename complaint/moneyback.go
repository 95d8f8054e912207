package complaint

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// MoneyBack is what a case paid the complainant back, as
// [Service.RecordMoneyBack] records it in the customer's history.
type MoneyBack struct {
	// Returns are the returns of the case's carried-out refunds
	// ([Refunds]): goods back, money back.
	Returns []customer.Return
	// Credits are the credits of its carried-out price reductions and
	// compensations ([Credits]): money back, no goods.
	Credits []customer.Credit
}

// RecordMoneyBack records in the complainant's history the money case id
// has paid back so far: the returns of its carried-out refunds, from
// [Refunds] on the case's stored log ([Service.History]), the subject's
// order and the history as rec reads it, and the credits of its
// carried-out price reductions and compensations ([Credits]), each with
// rec ([customer.Recorder.RecordReturn],
// [customer.Recorder.RecordCredit]) in the order of their carry-outs, at
// time now. A zero now is refused ("now", CodeRequired), as the Recorder
// refuses it, before anything is read, also for a case that paid nothing
// back. It is the step the caller takes after a carry-out is saved (see
// [Service].CustomerHistory), and it may be taken at any time, as often
// as wanted: a record already in the history is a no-op, so a second
// call, or one after a failure half-way, records each return and credit
// exactly once. A case that paid nothing back records nothing and
// returns an empty MoneyBack (the history is read all the same: an
// unknown complainant is an error).
//
// The subject's order is looked up in the complainant's history; a case
// with a carried-out refund whose order the history does not hold (or
// whose subject names none) is refused on "subject.order" (CodeUnknown,
// or CodeRequired), nothing recorded. Errors name the case: those of the
// Store (an unknown case matches [ErrNotFound]), of reading the history,
// of Refunds and Credits (a [*customer.ValidationError] naming the case,
// the event and the field), and of rec (a record it refuses, naming the
// record and the field). The records are tried first with a Recorder on
// the history as read, kept in memory: one that the Recorder refuses,
// also after others of the case that it accepts (two price reductions
// that, with a till refund of the order recorded before them, pay back
// more than its net), refuses the call, nothing recorded. Only an error
// of the store, or a refusal because the history changed after it was
// read, stops it half-way: the records recorded before it are stored,
// each whole, and it returns the MoneyBack of those (in the history
// now) with the error; nothing else is changed, and a second call
// records the rest.
func (s *Service) RecordMoneyBack(ctx context.Context, id ID, rec *customer.Recorder, now time.Time) (MoneyBack, error) {
	const op = "record money back"
	if err := s.noStore(); err != nil {
		return MoneyBack{}, err
	}
	if rec == nil || rec.History == nil || rec.Customers == nil {
		return MoneyBack{}, caseErr(id, op, errors.New("the Recorder, with its Customers and History, is required"))
	}
	if now.IsZero() {
		var q problems
		q.add("now", customer.CodeRequired, "is zero: a record is checked against the time it is recorded, which is required")
		return MoneyBack{}, caseErr(id, op, q.err(fmt.Sprintf("complaint %q", id)))
	}
	evs, err := s.Store.Events(ctx, id)
	if err != nil {
		return MoneyBack{}, caseErr(id, op, err)
	}
	c, err := Rebuild(evs)
	if err != nil {
		return MoneyBack{}, caseErr(id, op, err)
	}
	credits, err := Credits(evs)
	if err != nil {
		return MoneyBack{}, caseErr(id, op, err)
	}
	who, want := c.Intake.Complainant, c.Intake.Subject.Order
	var history []customer.Event
	var order *customer.Order
	for he, err := range rec.History.History(ctx, who) {
		if err != nil {
			return MoneyBack{}, caseErr(id, op, fmt.Errorf("history of customer %q: %w", who, err))
		}
		if o := he.Order; o != nil && want != "" && o.ID == want {
			order = o
		}
		history = append(history, he)
	}
	refunds, err := carriedRefunds(evs)
	if err != nil {
		return MoneyBack{}, caseErr(id, op, err)
	}
	var returns []customer.Return
	switch {
	case len(refunds) > 0 && order == nil:
		var q problems
		if want == "" {
			q.add("subject.order", customer.CodeRequired, "the case's subject names no order to take the refund's goods back from")
		} else {
			q.add("subject.order", customer.CodeUnknown, fmt.Sprintf("order %q is not in the history of customer %q", want, who))
		}
		return MoneyBack{}, caseErr(id, op, q.err(fmt.Sprintf("complaint %q", id)))
	case len(refunds) > 0:
		if returns, err = Refunds(evs, *order, history); err != nil {
			return MoneyBack{}, caseErr(id, op, err)
		}
	}
	// Tried first on the history as read, so that a record the Recorder
	// refuses after others of the case it accepts stores none of them.
	trial := &customer.Recorder{Customers: rec.Customers, History: &trialHistory{who: who, events: history}}
	if _, err := recordMoneyBack(ctx, trial, returns, credits, now); err != nil {
		return MoneyBack{}, caseErr(id, op, err)
	}
	mb, err := recordMoneyBack(ctx, rec, returns, credits, now)
	if err != nil {
		return mb, caseErr(id, op, err)
	}
	return mb, nil
}

// recordMoneyBack records returns and credits with rec, at time now, in
// the order of their times (a return before a credit of the same time),
// as the money was paid back, and returns those recorded: all of them,
// or those before the first error.
func recordMoneyBack(ctx context.Context, rec *customer.Recorder, returns []customer.Return, credits []customer.Credit, now time.Time) (MoneyBack, error) {
	var mb MoneyBack
	for len(returns) > 0 || len(credits) > 0 {
		if len(credits) == 0 || len(returns) > 0 && !credits[0].Time.Before(returns[0].Time) {
			if err := rec.RecordReturn(ctx, returns[0], now); err != nil {
				return mb, err
			}
			mb.Returns, returns = append(mb.Returns, returns[0]), returns[1:]
			continue
		}
		if err := rec.RecordCredit(ctx, credits[0], now); err != nil {
			return mb, err
		}
		mb.Credits, credits = append(mb.Credits, credits[0]), credits[1:]
	}
	return mb, nil
}

// trialHistory is the history of customer who as read, in memory, to
// which a [customer.Recorder] on it appends: the records it takes are
// checked as the Recorder of the store would check them, and none is
// stored.
type trialHistory struct {
	who    customer.ID
	events []customer.Event
}

// History yields the history of who with the records appended to it.
func (h *trialHistory) History(_ context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	return func(yield func(customer.Event, error) bool) {
		if id != h.who {
			yield(customer.Event{}, fmt.Errorf("complaint: customer %q: %w", id, customer.ErrNotFound))
			return
		}
		for _, e := range h.events {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// AppendOrder refuses o: a case records no order.
func (h *trialHistory) AppendOrder(_ context.Context, o customer.Order) error {
	return fmt.Errorf("complaint: order %q: a case records no order", o.ID)
}

// AppendReturn appends r.
func (h *trialHistory) AppendReturn(_ context.Context, r customer.Return) error {
	h.events = append(h.events, customer.Event{Return: &r})
	return nil
}

// AppendCredit appends c.
func (h *trialHistory) AppendCredit(_ context.Context, c customer.Credit) error {
	h.events = append(h.events, customer.Event{Credit: &c})
	return nil
}

// AppendInteraction refuses i: a case records no interaction.
func (h *trialHistory) AppendInteraction(_ context.Context, i customer.Interaction) error {
	return fmt.Errorf("complaint: interaction of customer %q: a case records no interaction", i.CustomerID)
}
