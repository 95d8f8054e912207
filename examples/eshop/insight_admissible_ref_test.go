package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// admissibleRef is admissible as it was before it kept the money the
// refunds of each order paid back: every price reduction hands all the
// kept returns of its order to [customer.Credit.ValidateAfter], which
// adds up what they paid back again, so a history of n returns and n
// price reductions of one order takes n² steps. It is the reference the
// faster admissible must agree with, record for record and message for
// message.
func admissibleRef(events []customer.Event, now time.Time) ([]customer.Event, []leftOut) {
	orders := map[string]*customer.Order{}
	var currency customer.Currency
	var rets, credits, kept []customer.Event
	for _, e := range events {
		switch {
		case e.Return != nil:
			rets = append(rets, e)
		case e.Credit != nil:
			credits = append(credits, e)
		default:
			if o := e.Order; o != nil {
				if _, ok := orders[o.ID]; !ok {
					orders[o.ID] = o
				}
				if currency == "" {
					currency = o.Currency
				}
			}
			kept = append(kept, e)
		}
	}
	if len(rets) == 0 && len(credits) == 0 {
		return events, nil
	}
	var left []leftOut
	leave := func(e customer.Event, err error) {
		record := e.Record()
		if e.Credit != nil && e.Credit.Source != "" {
			record += " (" + e.Credit.Source + ")"
		}
		left = append(left, leftOut{Record: record, Error: err.Error()})
	}

	slices.SortStableFunc(rets, customer.CompareEvents)
	refunded := map[string]map[string]int{} // order → line → units
	returnsOf := map[string][]customer.Return{}
	seenReturns := map[string]customer.Return{}
	for _, e := range rets {
		r := *e.Return
		if prev, ok := seenReturns[r.ID]; ok {
			if err := prev.Conflict(r); err != nil {
				leave(e, err)
			} else {
				kept = append(kept, e) // the same return delivered again
			}
			continue
		}
		o, ok := orders[r.OrderID]
		if !ok {
			leave(e, unknownOrder(e.Record(), e.CustomerID(), r.OrderID))
			continue
		}
		if err := r.ValidateAfter(*o, refunded[o.ID], now); err != nil {
			leave(e, err)
			continue
		}
		seenReturns[r.ID] = r
		returnsOf[o.ID] = append(returnsOf[o.ID], r)
		if r.Kind == customer.Refund {
			if refunded[o.ID] == nil {
				refunded[o.ID] = map[string]int{}
			}
			for _, l := range r.Lines {
				refunded[o.ID][l.LineID] -= l.Quantity
			}
		}
		kept = append(kept, e)
	}

	slices.SortStableFunc(credits, customer.CompareEvents)
	reduced := map[string]customer.Money{}
	seenCredits := map[string]customer.Credit{}
	for _, e := range credits {
		c := *e.Credit
		if prev, ok := seenCredits[c.ID]; ok {
			if err := prev.Conflict(c); err != nil {
				leave(e, err)
			} else {
				kept = append(kept, e)
			}
			continue
		}
		var err error
		if strings.TrimSpace(c.OrderID) == "" { // Validate reports a blank one
			err = c.Validate(now)
			if cur := c.Amount.Currency(); err == nil && currency != "" && cur != currency {
				err = &customer.ValidationError{Record: e.Record(), Fields: []customer.FieldError{{Field: "amount", Code: customer.CodeMismatch,
					Message: fmt.Sprintf("is in %s, the history of customer %q in %s", cur, c.CustomerID, currency)}}}
			}
		} else if o, ok := orders[c.OrderID]; !ok {
			err = unknownOrder(e.Record(), c.CustomerID, c.OrderID)
		} else {
			err = c.ValidateAfter(*o, reduced[o.ID], returnsOf[o.ID], now)
		}
		if err != nil {
			leave(e, err)
			continue
		}
		if currency == "" {
			currency = c.Amount.Currency()
		}
		seenCredits[c.ID] = c
		if c.Kind == customer.PriceReduction {
			// Within the order's net, so within the bounds of an amount.
			reduced[c.OrderID], _ = reduced[c.OrderID].Add(c.Amount)
		}
		kept = append(kept, e)
	}
	return kept, left
}
