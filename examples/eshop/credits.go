package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// A price reduction or compensation carried out in a complaint is money
// the customer received, and belongs in the customer's history, where it
// lowers the net of the summaries that the insight and the models read.
// As with orders and points, the two stores have no common transaction,
// so the complaint log is the truth and the history follows it:
// complaint.Credits derives the credits of a case from its log, with IDs
// that never change, and the history takes each credit ID once.
//
//  1. Before a carry-out is applied, the credit it would give is checked
//     (a price reduction needs the order it reduces, and that order must
//     be in the customer's history; a credit for an order must be in its
//     currency, and price reductions may not add up to more than its
//     net): a credit that could never be recorded, or that no summary
//     could add up, refuses the carry-out with 422, and the case is
//     unchanged.
//  2. After the carry-out, the credits of the case are recorded through
//     the server's customer.Recorder, which checks each again against
//     the history in one step with its append: the check of step 1 and
//     the carry-out are two steps, which another server on the same
//     database can come between, and a credit that would then take more
//     off the order than its net is left out of the history (and
//     logged), so that every summary of the customer still adds up.
//  3. If the store fails between the two, the carry-out answers 503 and
//     every later summary of the customer first records the credits of
//     all its cases (syncCredits), so the state is never shown.

// checkCredit refuses the carry-out cmd of case c by actor at now when the
// credit it would give cannot be recorded in the customer's history, or
// is not valid against its order (customer.Credit.ValidateFor). It
// returns nil for any other command, and when Apply itself refuses cmd
// (the caller's apply reports that). The Recorder checks the same when the
// credit is recorded, but only together with its append, which follows
// the carry-out; this check, before it, is what lets a carry-out whose
// credit could not be recorded be refused with the case unchanged.
func (s *Server) checkCredit(ctx context.Context, c complaint.Case, cmd complaint.Command, actor complaint.Actor, now time.Time) error {
	if cmd.Kind != complaint.CmdCarryOut {
		return nil
	}
	_, ev, err := complaint.Apply(c, cmd, actor, now)
	if err != nil {
		return nil
	}
	evs, err := s.cases.History(ctx, c.ID)
	if err != nil {
		return err
	}
	credits, err := complaint.Credits(append(evs, ev))
	if err != nil {
		if errors.Is(err, customer.ErrInvalid) {
			return &apiError{status: http.StatusUnprocessableEntity, field: "proposal", msg: err.Error()}
		}
		return err
	}
	// Every credit of a case is for the case's order, if any: one pass
	// over the history finds that order and the credits stored before.
	var orderID string
	var cust customer.ID
	for i := range credits {
		if credits[i].OrderID != "" {
			orderID, cust = credits[i].OrderID, credits[i].CustomerID
		}
	}
	var order *customer.Order
	stored := map[string]bool{}
	var reductions []customer.Credit
	if orderID != "" {
		for e, err := range s.stores.Customers.History(ctx, cust) {
			if err != nil {
				return err
			}
			switch {
			case e.Order != nil && e.Order.ID == orderID:
				order = e.Order
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
				verr = cr.ValidateFor(*order, reduced, now)
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

// appendCredits records the credits of the case with events evs in the
// customer's history at time now (see recordCredits).
func (s *Server) appendCredits(ctx context.Context, evs []complaint.Event, now time.Time) error {
	credits, err := complaint.Credits(evs)
	if err != nil {
		return err
	}
	return s.recordCredits(ctx, credits, now)
}

// syncCredits records the credits of every case of customer id that the
// history does not hold yet (see recordCredits). A case whose log gives
// no valid credit (carried out before its check) is logged and left out,
// so that it does not stop every later summary of the customer; an error
// of a store is returned.
func (s *Server) syncCredits(ctx context.Context, id customer.ID) error {
	logs, err := s.casesOf(ctx, id)
	if err != nil {
		return err
	}
	now := s.now()
	for _, evs := range logs {
		credits, err := complaint.Credits(evs)
		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "complaint money not in the history", slog.String("error", err.Error()))
			continue
		}
		if err := s.recordCredits(ctx, credits, now); err != nil {
			return err
		}
	}
	return nil
}

// recordCredits records credits through the Recorder at time now; a
// credit recorded before is a no-op. A credit the history refuses — its
// customer or order unknown, its ID taken by another credit, or, when
// another server carried out a case on the same order between this
// case's check and its carry-out, price reductions that together exceed
// the order's net — can never be recorded: it is logged and left out,
// so that the history stays one that every summary adds up. An error of
// a store is returned.
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
