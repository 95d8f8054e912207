package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// A price reduction or compensation carried out is money the customer
// received, and belongs in the customer's history, where it lowers the net
// of the summaries that the insight and the models read. The two stores
// have no common transaction, so a carry-out takes two steps, the money
// first: complaint.Credits derives the credits of a case from its log,
// with IDs that never change (the case ID and the carry-out's sequence
// number, "C-8:1#7"), and the history takes each credit ID once.
//
//  1. The carry-out is applied to the case as read, and the credit it
//     gives is checked against the customer's history (a price reduction
//     needs the order it reduces, in the customer's history; a credit for
//     an order must be in its currency, and price reductions may not add
//     up to more than its net): a credit that could never be recorded
//     refuses the carry-out with 422, and the case is unchanged.
//  2. The credit is recorded through the server's customer.Recorder,
//     which checks it again against the history in one step with its
//     append, also against another server on the same database that
//     recorded a reduction of the same order since step 1. A credit it
//     refuses refuses the carry-out with 422, and the case is unchanged.
//  3. Only then is the case saved, carried out. So no customer is told of
//     money the history does not hold.
//
// If the case cannot be saved after its credit was recorded (the store
// fails: 503), the credit stays in the history, as the pending carry-out
// of the case: its ID names the sequence number the carry-out takes.
// Sending the carry-out again carries the case out at the time of that
// credit, so that the case's log gives the very credit recorded, whose
// second record is a no-op; any other command on the case is refused with
// 409 until then (refusePending), since the books already hold the money.
// A credit whose case went on without it — another event saved under its
// sequence number, by a writer that does not go through a server, or by
// another server's command that passed refusePending just before the
// credit was recorded — is money the history holds and no carry-out gave.
// A carry-out of the case made later (the same request's retry included,
// when the command left the case approved) that gives the same money
// takes that credit as its own (standIns): it records no second credit,
// and syncCredits records none for it, so the money is in the books once.
// Any other such credit syncCredits reports in the log, for it to be
// settled by hand, since the history takes no record back.
//
// The window itself cannot be closed here: the command's check for a
// pending credit and its save are two steps of two stores, the
// complaint store saves on the case's version alone, and the customer
// store's atomic check-and-append (customer.CheckedAppender) appends a
// history record, of which none marks a command. Re-reading the case in
// the credit's check would not help either: in the window the case is
// still at the version the carry-out read when the credit is appended.

// creditID is the ID of the credit a carry-out saved as event seq of case
// id gives, as complaint.Credits derives it.
func creditID(id complaint.ID, seq int) string {
	return string(id) + "#" + strconv.Itoa(seq)
}

// historyOf reads the history of customer id.
func (s *Server) historyOf(ctx context.Context, id customer.ID) ([]customer.Event, error) {
	var history []customer.Event
	for e, err := range s.stores.Customers.History(ctx, id) {
		if err != nil {
			return nil, err
		}
		history = append(history, e)
	}
	return history, nil
}

// pendingCredit returns the credit of history recorded for a carry-out of
// case c that was not saved: the one under the ID of c's next event, or
// nil.
func pendingCredit(c complaint.Case, history []customer.Event) *customer.Credit {
	next := creditID(c.ID, c.Version+1)
	for _, e := range history {
		if e.Credit != nil && e.Credit.ID == next {
			return e.Credit
		}
	}
	return nil
}

// refusePending refuses command cmd on case c with 409 while a carry-out
// of c is pending: its credit is in the customer's history, and only the
// carry-out sent again completes the case.
func (s *Server) refusePending(ctx context.Context, c complaint.Case, cmd complaint.Command) error {
	history, err := s.historyOf(ctx, c.Intake.Complainant)
	if err != nil {
		return err
	}
	if cr := pendingCredit(c, history); cr != nil {
		return &apiError{status: http.StatusConflict, field: "kind",
			msg: fmt.Sprintf("complaint %q: the %s of %s was recorded at %s for a carry-out that was not completed: send the carry-out again before a %s",
				c.ID, cr.Kind, cr.Amount, formatTime(cr.Time), cmd.Kind)}
	}
	return nil
}

// carryOut carries out case id with cmd by actor at now: it records the
// credit the carry-out gives, then saves the case (see the steps above).
// A carry-out pending for the case is completed at the time of its
// credit. A conflict with another writer, on the case or on the credit's
// ID, reads both again, up to four times.
func (s *Server) carryOut(ctx context.Context, id complaint.ID, cmd complaint.Command, actor complaint.Actor, now time.Time) (int, any, error) {
	const attempts = 4
	if cmd.Key != "" {
		// A carry-out under a key that an event of the case carries is a
		// redelivery: answered as the first time, nothing applied.
		done, ev, found, err := s.keyedBefore(ctx, id, cmd, actor)
		if err != nil {
			return 0, nil, err
		}
		if found {
			return http.StatusOK, caseOut{Case: done, Events: []complaint.Event{ev}, Permitted: complaint.Permitted(done)}, nil
		}
	}
	for attempt := 1; ; attempt++ {
		c, err := s.stores.Complaints.Get(ctx, id)
		if err != nil {
			return 0, nil, err
		}
		history, err := s.historyOf(ctx, c.Intake.Complainant)
		if err != nil {
			return 0, nil, err
		}
		at := now
		if cr := pendingCredit(c, history); cr != nil {
			at = cr.Time
		}
		next, ev, err := s.cases.Policy.Apply(c, cmd, actor, at)
		if err != nil {
			return 0, nil, err
		}
		evs, err := s.cases.History(ctx, id)
		if err != nil {
			return 0, nil, err
		}
		if len(evs) != c.Version {
			// Another writer saved an event since the case was read.
			if attempt < attempts {
				continue
			}
			return 0, nil, caseChanged()
		}
		credits, err := complaint.Credits(append(evs, ev))
		if err != nil {
			if errors.Is(err, customer.ErrInvalid) {
				return 0, nil, &apiError{status: http.StatusUnprocessableEntity, field: "proposal", msg: err.Error()}
			}
			return 0, nil, err
		}
		// A credit of the case recorded for a carry-out whose case went
		// on without it (standIns) is the money of the log's credit
		// equal to it: that one is not recorded, nor paid, again.
		stood := standIns(id, credits, history, ev.Seq)
		credits = slices.DeleteFunc(credits, func(cr customer.Credit) bool { _, ok := stood[cr.ID]; return ok })
		if err := checkCredit(c, credits, history, now); err != nil {
			return 0, nil, err
		}
		// The credits of earlier carry-outs of the case are recorded as
		// syncCredits records them; the one of this carry-out must be.
		own := creditID(id, ev.Seq)
		var earlier []customer.Credit
		var paid *customer.Credit
		for i := range credits {
			if credits[i].ID == own {
				paid = &credits[i]
			} else {
				earlier = append(earlier, credits[i])
			}
		}
		if err := s.recordCredits(ctx, earlier, now); err != nil {
			return 0, nil, err
		}
		if paid != nil {
			err := s.history.RecordCredit(ctx, *paid, now)
			switch {
			case err == nil:
			case errors.Is(err, customer.ErrDuplicate):
				// Another server recorded a carry-out of this case since
				// the history was read.
				if attempt < attempts {
					continue
				}
				return 0, nil, caseChanged()
			case errors.Is(err, customer.ErrInvalid), errors.Is(err, customer.ErrNotFound):
				return 0, nil, &apiError{status: http.StatusUnprocessableEntity, field: "proposal.amount",
					msg: fmt.Sprintf("complaint %q: the %s of %s cannot be recorded: %v", c.ID, paid.Kind, paid.Amount, err)}
			default:
				return 0, nil, err
			}
		}
		err = s.stores.Complaints.Save(ctx, next, ev)
		if errors.Is(err, complaint.ErrConflict) {
			if attempt < attempts {
				continue
			}
			return 0, nil, caseChanged()
		}
		if err != nil {
			return 0, nil, fmt.Errorf("complaint %q: %s: %w", id, cmd.Kind, err)
		}
		return http.StatusOK, caseOut{Case: next, Events: []complaint.Event{ev}, Permitted: complaint.Permitted(next)}, nil
	}
}

// keyedBefore looks for the event of case id that carries cmd's
// idempotency key, as [complaint.Service.Do] does for the other commands:
// found when it records the same command (in its JSON form) by actor,
// with the case as that event left it; 409 naming the key when it records
// another.
func (s *Server) keyedBefore(ctx context.Context, id complaint.ID, cmd complaint.Command, actor complaint.Actor) (complaint.Case, complaint.Event, bool, error) {
	evs, err := s.cases.History(ctx, id)
	if err != nil {
		return complaint.Case{}, complaint.Event{}, false, err
	}
	for i, ev := range evs {
		if ev.Command.Key != cmd.Key {
			continue
		}
		a, aerr := json.Marshal(ev.Command)
		b, berr := json.Marshal(cmd)
		if aerr != nil || berr != nil || ev.Actor != actor || !bytes.Equal(a, b) {
			return complaint.Case{}, complaint.Event{}, false, &apiError{status: http.StatusConflict, field: "Idempotency-Key",
				msg: fmt.Sprintf("Idempotency-Key: event %d of complaint %q carries this key with another command or caller", ev.Seq, id)}
		}
		done, err := complaint.Rebuild(evs[:i+1])
		if err != nil {
			return complaint.Case{}, complaint.Event{}, false, err
		}
		return done, ev, true, nil
	}
	return complaint.Case{}, complaint.Event{}, false, nil
}

// checkCredit refuses the carry-out of case c when a credit of credits,
// those of c's log with the carry-out, that history does not hold yet
// cannot be recorded in it: its order is not in the history, or it is
// not valid against its order and the order's returns
// (customer.Credit.ValidateAfter) at now.
// The Recorder checks the same in one step with the append; this check
// names the case and the proposal in its answer.
func checkCredit(c complaint.Case, credits []customer.Credit, history []customer.Event, now time.Time) error {
	// Every credit of a case is for the case's order, if any: one pass
	// over the history finds that order and the credits stored before.
	var orderID string
	for i := range credits {
		if credits[i].OrderID != "" {
			orderID = credits[i].OrderID
		}
	}
	var order *customer.Order
	stored := map[string]bool{}
	var reductions []customer.Credit
	var returns []customer.Return
	if orderID != "" {
		for _, e := range history {
			switch {
			case e.Order != nil && e.Order.ID == orderID:
				order = e.Order
			case e.Return != nil && e.Return.OrderID == orderID:
				returns = append(returns, *e.Return)
			case e.Credit != nil:
				stored[e.Credit.ID] = true
				if e.Credit.OrderID == orderID && e.Credit.Kind == customer.PriceReduction {
					reductions = append(reductions, *e.Credit)
				}
			}
		}
		if order == nil {
			var want customer.Credit
			for _, cr := range credits {
				if cr.OrderID != "" {
					want = cr
				}
			}
			return &apiError{status: http.StatusUnprocessableEntity, field: "subject.order",
				msg: fmt.Sprintf("complaint %q: order %q is not in the history of customer %q, so the %s of %s cannot be recorded",
					c.ID, want.OrderID, want.CustomerID, want.Kind, want.Amount)}
		}
	}
	// Each credit not stored yet must be valid against its order (its
	// currency, and price reductions within what is left of the order's
	// net), or the history would hold money no summary can add up.
	for _, cr := range credits {
		if stored[cr.ID] {
			continue
		}
		var verr error
		if cr.OrderID == "" {
			verr = cr.Validate(now)
		} else {
			reduced := customer.Zero(order.Currency)
			for _, r := range reductions {
				if reduced, verr = reduced.Add(r.Amount); verr != nil {
					break
				}
			}
			if verr == nil {
				verr = cr.ValidateAfter(*order, reduced, returns, now)
			}
			if cr.Kind == customer.PriceReduction {
				reductions = append(reductions, cr)
			}
		}
		if verr != nil {
			return &apiError{status: http.StatusUnprocessableEntity, field: "proposal.amount",
				msg: fmt.Sprintf("complaint %q: the %s of %s cannot be recorded: %v", c.ID, cr.Kind, cr.Amount, verr)}
		}
	}
	return nil
}

// syncCredits records the credits of every case of customer id that the
// history does not hold yet (see recordCredits). A case whose log gives
// no valid credit (carried out before its check) is logged and left out,
// so that it does not stop every later summary of the customer; an error
// of a store is returned.
//
// It also reports in the log each credit of the history recorded for a
// case of the customer that the case's log does not give: one under the
// ID of the case's next event is a pending carry-out (its credit
// recorded, the case not saved), which sending the carry-out again
// completes; any other is money the history holds and no carry-out gave,
// to be settled by hand, unless it stands in for a credit the case's log
// gives (standIns), which is then not recorded again. Both stay in the history, which is valid with
// them: each was checked against the order when it was recorded.
func (s *Server) syncCredits(ctx context.Context, id customer.ID) error {
	logs, err := s.casesOf(ctx, id)
	if err != nil {
		return err
	}
	history, err := s.historyOf(ctx, id)
	if err != nil {
		return err
	}
	now := s.now()
	given := map[string]bool{}     // the credits the cases' logs give
	next := map[complaint.ID]int{} // each case's next sequence number
	for _, evs := range logs {
		credits, err := complaint.Credits(evs)
		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "complaint money not in the history", slog.String("error", err.Error()))
			continue
		}
		next[evs[0].Case] = len(evs) + 1
		stood := standIns(evs[0].Case, credits, history, len(evs)+1)
		for _, cr := range credits {
			given[cr.ID] = true
		}
		for _, orphan := range stood {
			given[orphan] = true
		}
		credits = slices.DeleteFunc(credits, func(cr customer.Credit) bool { _, ok := stood[cr.ID]; return ok })
		if err := s.recordCredits(ctx, credits, now); err != nil {
			return err
		}
	}
	if history, err = s.historyOf(ctx, id); err != nil {
		return err
	}
	for _, e := range history {
		cr := e.Credit
		if cr == nil || given[cr.ID] {
			continue
		}
		k := strings.LastIndexByte(cr.ID, '#')
		if k < 0 {
			continue
		}
		n, ok := next[complaint.ID(cr.ID[:k])]
		if !ok {
			continue // not the credit of a case (with a valid log)
		}
		msg := "complaint credit without a carry-out"
		if cr.ID[k+1:] == strconv.Itoa(n) {
			msg = "complaint carry-out pending: its credit is recorded, the case is not carried out"
		}
		s.log.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("credit", cr.ID), slog.String("case", cr.ID[:k]))
	}
	return nil
}

// standIns returns, of credits (those the log of case id gives, with the
// credit of a carry-out being made), the IDs of those that history does
// not hold under their own ID, each with the ID of the credit of history
// that stands in for it: a credit of the case (ID id + "#n") that credits
// do not give and that is not the pending carry-out's (n = next), for the
// same customer, order, kind, amount and source. Such a credit was
// recorded for a carry-out whose case another writer moved on before it
// was saved (see above); the carry-out made later gives the same money,
// which the history holds once already. Each credit of history stands in
// for one credit at most, matched in the order of credits and of history.
func standIns(id complaint.ID, credits []customer.Credit, history []customer.Event, next int) map[string]string {
	givenIDs := map[string]bool{}
	for _, cr := range credits {
		givenIDs[cr.ID] = true
	}
	held := map[string]bool{}
	var orphans []customer.Credit
	for _, e := range history {
		cr := e.Credit
		if cr == nil {
			continue
		}
		held[cr.ID] = true
		if strings.HasPrefix(cr.ID, string(id)+"#") && !givenIDs[cr.ID] && cr.ID != creditID(id, next) {
			orphans = append(orphans, *cr)
		}
	}
	var out map[string]string
	for _, cr := range credits {
		if held[cr.ID] {
			continue
		}
		for i, o := range orphans {
			if o.ID == "" || o.CustomerID != cr.CustomerID || o.OrderID != cr.OrderID || o.Kind != cr.Kind ||
				!o.Amount.Equal(cr.Amount) || o.Source != cr.Source {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			out[cr.ID] = o.ID
			orphans[i].ID = "" // taken
			break
		}
	}
	return out
}

// recordCredits records credits of carry-outs already saved through the
// Recorder at time now; a credit recorded before is a no-op. A credit the
// history refuses — its customer or order unknown, its ID taken by
// another credit, or price reductions that together exceed the order's
// net, as a case carried out before carry-outs recorded their credit
// first may give — can never be recorded: it is logged and left out, so
// that the history stays one that every summary adds up. An error of a
// store is returned. A carry-out being made records its own credit with
// carryOut, which refuses it instead.
func (s *Server) recordCredits(ctx context.Context, credits []customer.Credit, now time.Time) error {
	for _, cr := range credits {
		err := s.history.RecordCredit(ctx, cr, now)
		switch {
		case err == nil:
		case errors.Is(err, customer.ErrNotFound), errors.Is(err, customer.ErrInvalid), errors.Is(err, customer.ErrDuplicate):
			s.log.LogAttrs(ctx, slog.LevelWarn, "complaint money not in the history", slog.String("error", err.Error()))
		default:
			return err
		}
	}
	return nil
}
