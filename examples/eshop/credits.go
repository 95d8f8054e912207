package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A price reduction or compensation carried out is money the customer
// received, and belongs in the customer's history, where it lowers the net
// of the summaries that the insight and the models read. A refund carried
// out takes goods back: it is the return complaint.Refunds derives, of
// the proposal's units of the subject's order, which the history holds as
// it holds a return sent to /v1/returns, and whose points it claws back
// through the same code (clawBack). The two stores have no common
// transaction, so a carry-out takes two steps, the money first:
// complaint.Credits and complaint.Refunds derive the credits and returns
// of a case from its log, with IDs that never change (the case ID and the
// carry-out's sequence number, "C-8:1#7"), and the history takes each ID
// once. Below, "credit" stands for either: a refund's return takes every
// step a credit takes.
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
// settled by hand, since the history takes no record back. A return that
// stands in for one (returnStandIns) is also kept out of what
// complaint.Refunds reads of the history (caseReturns), which would
// otherwise count its units as taken back by another return and the
// carry-out would take them back again.
//
// A refund that takes back the last units the customer holds of the
// subject is saved marked (complaint.MarkLastUnits, counted on the
// history as step 1 read it): the case's refunded_all is set, as after a
// refund of every unit, and no refund is proposed on it again.
//
// The claw-back of a refund's points comes last, after the case is
// saved, under the ledger key of its return, which the ledger takes once:
// a redelivery of the carry-out (its Idempotency-Key) applies it again as
// a no-op, and a ledger that fails there is completed by the next read of
// the member's points (settle), since the history holds the return.
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

// pendingRecord returns the record of history (a credit, or the return
// of a refund) recorded for a carry-out of case c that was not saved: the
// one under the ID of c's next event. ok is false when there is none;
// otherwise at is the record's time and what names it for the caller.
func pendingRecord(c complaint.Case, history []customer.Event) (at time.Time, what string, ok bool) {
	next := creditID(c.ID, c.Version+1)
	for _, e := range history {
		switch {
		case e.Credit != nil && e.Credit.ID == next:
			return e.Credit.Time, fmt.Sprintf("the %s of %s", e.Credit.Kind, e.Credit.Amount), true
		case e.Return != nil && e.Return.ID == next:
			return e.Return.Time, fmt.Sprintf("the refund's return %q", next), true
		}
	}
	return time.Time{}, "", false
}

// refusePending refuses command cmd on case c with 409 while a carry-out
// of c is pending: its credit or return is in the customer's history, and
// only the carry-out sent again completes the case.
func (s *Server) refusePending(ctx context.Context, c complaint.Case, cmd complaint.Command) error {
	history, err := s.historyOf(ctx, c.Intake.Complainant)
	if err != nil {
		return err
	}
	if at, what, ok := pendingRecord(c, history); ok {
		return &apiError{status: http.StatusConflict, field: "kind",
			msg: fmt.Sprintf("complaint %q: %s was recorded at %s for a carry-out that was not completed: send the carry-out again before a %s",
				c.ID, what, formatTime(at), cmd.Kind)}
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
			out := caseOut{Case: done, Events: []complaint.Event{ev}, Permitted: complaint.Permitted(done)}
			// The refund's return, in the history since the first
			// delivery: its claw-back is a no-op answered as the first
			// (or completes one that failed).
			history, err := s.historyOf(ctx, done.Intake.Complainant)
			if err != nil {
				return 0, nil, err
			}
			ret, ok, err := s.refundReturn(ctx, id, ev.Seq, history)
			if err != nil {
				return 0, nil, err
			}
			if ok {
				out.Refund = s.refundPoints(ctx, ret, false, now)
			}
			return http.StatusOK, out, nil
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
		if t, _, ok := pendingRecord(c, history); ok {
			at = t
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
		log := append(evs, ev)
		credits, err := complaint.Credits(log)
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
		// The goods a refund of the log takes back, checked as the
		// Recorder will check them (complaint.Refunds).
		rets, stoodRets, read, err := caseReturnsRead(log, history, ev.Seq)
		if err != nil {
			return 0, nil, err
		}
		if read.order != nil {
			// A refund that takes back the last units the customer holds
			// closes the case to another refund, as one of every unit
			// does (complaint.MarkLastUnits): counted on the history as
			// Refunds read it just now.
			if next, ev, err = complaint.MarkLastUnits(next, ev, evs, *read.order, read.history); err != nil {
				return 0, nil, refundRefused(err)
			}
		}
		// The credits and returns of earlier carry-outs of the case are
		// recorded as syncCredits records them; the one of this
		// carry-out must be.
		own := creditID(id, ev.Seq)
		paid := slices.IndexFunc(credits, func(cr customer.Credit) bool { return cr.ID == own })
		back := slices.IndexFunc(rets, func(r customer.Return) bool { return r.ID == own })
		if err := s.recordMoney(ctx, without(credits, paid), without(rets, back), now); err != nil {
			return 0, nil, err
		}
		stored := false
		if paid >= 0 || back >= 0 {
			var what, field string
			if paid >= 0 {
				cr := credits[paid]
				what, field = fmt.Sprintf("the %s of %s", cr.Kind, cr.Amount), "proposal.amount"
				err = s.history.RecordCredit(ctx, cr, now)
			} else {
				what, field = fmt.Sprintf("the refund's return %q", own), "proposal.amount"
				stored, err = s.history.RecordReturnStored(ctx, rets[back], now)
				if ve := (*customer.ValidationError)(nil); errors.As(err, &ve) && len(ve.Fields) > 0 && strings.HasPrefix(ve.Fields[0].Field, "lines") {
					field = "proposal.units" // units the customer no longer holds
				}
			}
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
				return 0, nil, &apiError{status: http.StatusUnprocessableEntity, field: field,
					msg: fmt.Sprintf("complaint %q: %s cannot be recorded: %v", c.ID, what, err)}
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
		out := caseOut{Case: next, Events: []complaint.Event{ev}, Permitted: complaint.Permitted(next)}
		if back >= 0 {
			out.Refund = s.refundPoints(ctx, rets[back], stored, now)
		} else if orphan, ok := stoodRets[own]; ok {
			// The goods came back with the return that stands in for
			// this carry-out's: its claw-back is this refund's.
			for _, e := range history {
				if e.Return != nil && e.Return.ID == orphan {
					out.Refund = s.refundPoints(ctx, *e.Return, false, now)
				}
			}
		}
		return http.StatusOK, out, nil
	}
}

// refundReturn returns the return of history that took back the goods of
// the refund carried out in event seq of case id, saved: its own return
// ("C-8:1#7"), or the return that stood in for it when the first
// delivery found one (returnStandIns), so that a redelivery answers with
// the return the first delivery answered with. ok is false when the
// history holds neither, as for a carry-out of another resolution; an
// error of the complaint store is returned.
func (s *Server) refundReturn(ctx context.Context, id complaint.ID, seq int, history []customer.Event) (customer.Return, bool, error) {
	own := creditID(id, seq)
	find := func(rid string) (customer.Return, bool) {
		for _, e := range history {
			if e.Return != nil && e.Return.ID == rid {
				return *e.Return, true
			}
		}
		return customer.Return{}, false
	}
	if r, ok := find(own); ok {
		return r, true, nil
	}
	evs, err := s.cases.History(ctx, id)
	if err != nil {
		return customer.Return{}, false, err
	}
	// The case as it is now, with no carry-out pending, as syncCredits
	// reads it; a log whose refunds the history refuses has no stand-in.
	_, stood, err := caseReturns(evs, history, len(evs)+1)
	if orphan, ok := stood[own]; ok && err == nil {
		r, found := find(orphan)
		return r, found, nil
	}
	return customer.Return{}, false, nil
}

// without returns xs without its element i; xs itself when i < 0.
func without[T any](xs []T, i int) []T {
	if i < 0 {
		return xs
	}
	return slices.Delete(slices.Clone(xs), i, i+1)
}

// refundOut is what the return of a refund carried out did to the
// customer's points.
type refundOut struct {
	ReturnID string `json:"return_id"`
	Clawed   int64  `json:"points_clawed_back"`
	Note     string `json:"note,omitempty"`
	// CouponsGivenBack are the coupons whose uses the return gave back:
	// it refunded the last units of an order that used them.
	CouponsGivenBack []string `json:"coupons_given_back,omitempty"`
}

// adjustmentsPath is the path of the points adjustments of member id,
// its ID escaped as a path segment (an ID may hold a slash or a space).
func adjustmentsPath(id customer.ID) string {
	return "/v1/members/" + url.PathEscape(string(id)) + "/adjustments"
}

// refundPoints claws back the points of ret, the return of a refund
// carried out and saved, as a return sent to /v1/returns does (clawBack,
// under the same ledger key, so once). The case is saved already: a
// ledger that fails is logged and noted. A fault of the store is
// completed by the next read of the member's points, which settles the
// ledger against the history, which holds the return. Two failures no
// read completes are noted as what they are, with what the operator
// does, and logged as errors: a ledger that holds another claw-back
// under the return's key (the 409 of clawBack), which settle takes as
// the return's and skips, and a ledger that cannot be replayed
// (loyalty.ErrCorrupt), which every read refuses.
func (s *Server) refundPoints(ctx context.Context, ret customer.Return, stored bool, now time.Time) *refundOut {
	out := &refundOut{ReturnID: ret.ID}
	got, err := s.clawBack(ctx, ret, stored, now)
	if err != nil {
		var ae *apiError
		switch {
		case errors.As(err, &ae) && ae.status == http.StatusConflict:
			out.Note = fmt.Sprintf("points not clawed back: the member's ledger holds another claw-back under the key of return %q, "+
				"which no read of the points replaces; the ledger needs a correction by hand: compare its entry for the return with the return "+
				"in the customer's history, and correct the points with POST %s", ret.ID, adjustmentsPath(ret.CustomerID))
		case errors.Is(err, loyalty.ErrCorrupt):
			out.Note = fmt.Sprintf("points not clawed back: the member's ledger cannot be replayed (%v), and no read of the points "+
				"works until its stored entries are repaired; after the repair, the next read of the member's points claws them back, "+
				"since the customer's history holds return %q", err, ret.ID)
		default:
			s.log.LogAttrs(ctx, slog.LevelWarn, "complaint refund: points not clawed back yet",
				slog.String("return", ret.ID), slog.String("error", err.Error()))
			out.Note = "points not clawed back yet: the next read of the member's points does it"
			return out
		}
		s.log.LogAttrs(ctx, slog.LevelError, "complaint refund: points not clawed back, needs a correction",
			slog.String("return", ret.ID), slog.String("member", string(ret.CustomerID)), slog.String("error", err.Error()))
		return out
	}
	out.Clawed, out.Note, out.CouponsGivenBack = got.Clawed, got.Note, got.CouponsGivenBack
	return out
}

// caseReturns returns the returns of the refunds carried out in log, the
// events of a case, for the complainant's history
// (complaint.Refunds against the subject's order as history holds it),
// less those that a return of history stands in for (returnStandIns, with
// next the sequence number of the case's pending carry-out), and those
// stand-ins by the ID of the return each replaces. A refund that cannot
// be recorded is a 422 naming the field of the case or of the proposal; a
// log with a refund whose order is not in the history, 422 on
// "subject.order".
//
// A return of the case under the number of an event that is not a
// carry-out was recorded for a carry-out whose case went on without it
// (see above): Refunds would count its units as taken back by another
// return of the order, and the carry-out made later would take them back
// twice. It is left out of the history Refunds reads, and taken as the
// stand-in of the return of the log that gives the same goods; one that
// stands in for none is counted again, as the Recorder counts it.
func caseReturns(log []complaint.Event, history []customer.Event, next int) ([]customer.Return, map[string]string, error) {
	rets, stood, _, err := caseReturnsRead(log, history, next)
	return rets, stood, err
}

// caseRead is the order of a case's subject and the history as
// caseReturns gave them to complaint.Refunds.
type caseRead struct {
	order   *customer.Order
	history []customer.Event
}

// caseReturnsRead is caseReturns, also returning what it gave to
// complaint.Refunds (nothing when the log carries out no refund).
func caseReturnsRead(log []complaint.Event, history []customer.Event, next int) ([]customer.Return, map[string]string, caseRead, error) {
	var in complaint.Intake
	if len(log) > 0 && log[0].Command.Intake != nil {
		in = *log[0].Command.Intake
	}
	var order *customer.Order
	for _, e := range history {
		if e.Order != nil && e.Order.ID == in.Subject.Order {
			order = e.Order
		}
	}
	if order == nil {
		// Without the order, a log gives no return only when it has no
		// refund carried out: Refunds looks at the order only then.
		if rets, err := complaint.Refunds(log, customer.Order{}, nil); err == nil && len(rets) == 0 {
			return nil, nil, caseRead{}, nil
		}
		return nil, nil, caseRead{}, &apiError{status: http.StatusUnprocessableEntity, field: "subject.order",
			msg: fmt.Sprintf("complaint %q: order %q is not in the history of customer %q, so the goods a refund takes back cannot be recorded",
				in.ID, in.Subject.Order, in.Complainant)}
	}
	// orphan reports whether e is such a return, other than those of
	// taken.
	orphan := func(e customer.Event, taken map[string]bool) bool {
		r := e.Return
		if r == nil || !strings.HasPrefix(r.ID, string(in.ID)+"#") || taken[r.ID] {
			return false
		}
		n, err := strconv.Atoi(r.ID[len(in.ID)+1:])
		return err == nil && n != next && n >= 1 && n <= len(log) && log[n-1].Command.Kind != complaint.CmdCarryOut
	}
	view := slices.DeleteFunc(slices.Clone(history), func(e customer.Event) bool { return orphan(e, nil) })
	rets, err := refundsOf(log, *order, view)
	if err != nil {
		return nil, nil, caseRead{}, err
	}
	if len(view) == len(history) {
		return rets, nil, caseRead{order, view}, nil
	}
	stood := returnStandIns(in.ID, rets, history, next)
	taken := map[string]bool{}
	for _, o := range stood {
		taken[o] = true
	}
	if slices.ContainsFunc(history, func(e customer.Event) bool { return orphan(e, taken) }) {
		// An orphan that stands in for no return of the log: checked
		// with it, as the Recorder will check it.
		left := slices.DeleteFunc(slices.Clone(history), func(e customer.Event) bool { return e.Return != nil && taken[e.Return.ID] })
		if rets, err = refundsOf(log, *order, left); err != nil {
			return nil, nil, caseRead{}, err
		}
		view = left
	}
	rets = slices.DeleteFunc(rets, func(r customer.Return) bool { _, ok := stood[r.ID]; return ok })
	return rets, stood, caseRead{order, view}, nil
}

// refundsOf is complaint.Refunds, its refusal a 422 naming the field of
// the case or the proposal.
func refundsOf(log []complaint.Event, order customer.Order, history []customer.Event) ([]customer.Return, error) {
	rets, err := complaint.Refunds(log, order, history)
	if err != nil {
		return nil, refundRefused(err)
	}
	return rets, nil
}

// refundRefused returns err, an error of complaint.Refunds, as a 422
// naming the field of the case or the proposal when it is a refusal;
// other errors as they are.
func refundRefused(err error) error {
	var ve *customer.ValidationError
	if errors.As(err, &ve) {
		out := &apiError{status: http.StatusUnprocessableEntity, msg: ve.Error(), field: "proposal"}
		for _, f := range ve.Fields {
			out.fields = append(out.fields, fieldProblem{Field: f.Field, Code: f.Code, Error: f.Message})
		}
		if len(ve.Fields) > 0 {
			out.field = ve.Fields[0].Field
		}
		return out
	}
	return err
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
	// net), as the Recorder checks it: the carry-out is refused before
	// it pays a credit the history cannot take.
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
// them: each was checked against the order when it was recorded. The
// returns of a case whose refunds could not be read against the history
// (caseReturns failed, logged above) are not known to be without a
// carry-out: they are reported as not matched, with the reason.
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
	// The cases whose returns could not be read (caseReturns), with why:
	// a return of theirs in the history is not known to be without a
	// carry-out.
	unread := map[complaint.ID]error{}
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
		if err := s.recordMoney(ctx, credits, nil, now); err != nil {
			return err
		}
		// The returns of the case's refunds, checked against the
		// history with the credits just recorded.
		if len(credits) > 0 {
			if history, err = s.historyOf(ctx, id); err != nil {
				return err
			}
		}
		rets, stoodRets, err := caseReturns(evs, history, len(evs)+1)
		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "complaint refund not in the history", slog.String("error", err.Error()))
			unread[evs[0].Case] = err
			continue
		}
		for _, r := range rets {
			given[r.ID] = true
		}
		for _, orphan := range stoodRets {
			given[orphan] = true
		}
		if len(rets) > 0 {
			if err := s.recordMoney(ctx, nil, rets, now); err != nil {
				return err
			}
			if history, err = s.historyOf(ctx, id); err != nil {
				return err
			}
		}
	}
	if history, err = s.historyOf(ctx, id); err != nil {
		return err
	}
	for _, e := range history {
		var recID, kind string
		switch {
		case e.Credit != nil:
			recID, kind = e.Credit.ID, "credit"
		case e.Return != nil:
			recID, kind = e.Return.ID, "return"
		}
		if recID == "" || given[recID] {
			continue
		}
		k := strings.LastIndexByte(recID, '#')
		if k < 0 {
			continue
		}
		n, ok := next[complaint.ID(recID[:k])]
		if !ok {
			continue // not the record of a case (with a valid log)
		}
		attrs := []slog.Attr{slog.String(kind, recID), slog.String("case", recID[:k])}
		msg := "complaint " + kind + " without a carry-out"
		switch why, ok := unread[complaint.ID(recID[:k])]; {
		case recID[k+1:] == strconv.Itoa(n):
			msg = "complaint carry-out pending: its " + kind + " is recorded, the case is not carried out"
		case ok && e.Return != nil:
			// The case's log was read, its refunds' returns not: whether
			// a carry-out gave this one is not known.
			msg = "complaint return of a case whose refunds could not be read: not matched to a carry-out"
			attrs = append(attrs, slog.String("error", why.Error()))
		}
		s.log.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
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
	return standInsOf(id, credits, recordsOf(history, func(e customer.Event) *customer.Credit { return e.Credit }), next,
		func(cr *customer.Credit) string { return cr.ID },
		func(o, cr *customer.Credit) bool {
			return o.CustomerID == cr.CustomerID && o.OrderID == cr.OrderID && o.Kind == cr.Kind &&
				o.Amount.Equal(cr.Amount) && o.Source == cr.Source
		})
}

// returnStandIns is standIns for the returns of a case's refunds (rets):
// a return of the case that rets do not give, not the pending
// carry-out's, stands in for one of rets that history does not hold when
// it takes back the same units of the same order for the same customer,
// kind, reason and money.
func returnStandIns(id complaint.ID, rets []customer.Return, history []customer.Event, next int) map[string]string {
	return standInsOf(id, rets, recordsOf(history, func(e customer.Event) *customer.Return { return e.Return }), next,
		func(r *customer.Return) string { return r.ID },
		func(o, r *customer.Return) bool {
			return o.CustomerID == r.CustomerID && o.OrderID == r.OrderID && o.Kind == r.Kind && o.Reason == r.Reason &&
				slices.Equal(o.Lines, r.Lines) && o.Refund.Valid == r.Refund.Valid && o.Refund.Decimal.Equal(r.Refund.Decimal)
		})
}

// recordsOf returns the records of history that of picks (nil: none).
func recordsOf[T any](history []customer.Event, of func(customer.Event) *T) []T {
	var out []T
	for _, e := range history {
		if r := of(e); r != nil {
			out = append(out, *r)
		}
	}
	return out
}

// standInsOf is standIns for records of any kind: given are those the
// case's log gives, held those of the history; idOf is a record's ID and
// same tells whether a record of history gives what a given one does.
func standInsOf[T any](id complaint.ID, given, held []T, next int, idOf func(*T) string, same func(held, given *T) bool) map[string]string {
	givenIDs := map[string]bool{}
	for i := range given {
		givenIDs[idOf(&given[i])] = true
	}
	heldIDs := map[string]bool{}
	var orphans []*T
	for i := range held {
		hid := idOf(&held[i])
		heldIDs[hid] = true
		if strings.HasPrefix(hid, string(id)+"#") && !givenIDs[hid] && hid != creditID(id, next) {
			orphans = append(orphans, &held[i])
		}
	}
	var out map[string]string
	for i := range given {
		g := &given[i]
		if heldIDs[idOf(g)] {
			continue
		}
		for j, o := range orphans {
			if o == nil || !same(o, g) {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			out[idOf(g)] = idOf(o)
			orphans[j] = nil // taken
			break
		}
	}
	return out
}

// recordMoney records credits and then the returns of refunds (rets) of
// carry-outs already saved through the Recorder at time now; a record
// made before is a no-op. A record the history refuses — its customer or
// order unknown, its ID taken by another record, price reductions that
// together exceed the order's net, or a refund that takes back units the
// customer no longer holds, as a case carried out before carry-outs
// recorded their money first may give — can never be recorded: it is
// logged and left out, so that the history stays one that every summary
// adds up. An error of a store is returned. A carry-out being made
// records its own credit or return with carryOut, which refuses it
// instead.
func (s *Server) recordMoney(ctx context.Context, credits []customer.Credit, rets []customer.Return, now time.Time) error {
	records := make([]func() error, 0, len(credits)+len(rets))
	for _, cr := range credits {
		records = append(records, func() error { return s.history.RecordCredit(ctx, cr, now) })
	}
	for _, r := range rets {
		records = append(records, func() error { return s.history.RecordReturn(ctx, r, now) })
	}
	for _, record := range records {
		err := record()
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
