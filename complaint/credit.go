package complaint

import (
	"fmt"
	"strconv"

	"github.com/tailorcrm/tailor/customer"
)

// Credits returns the money that the case of events paid the customer
// without goods coming back, as [customer.Credit] records for the
// customer's history: one for every time a resolution of kind
// [ResolutionPriceReduction] or [ResolutionCompensation] was carried out
// (step 7), in the order of the log. A case reopened after a carry-out
// and carried out again paid twice, and gives two credits.
//
// Each credit is for the complainant, dated at the carry-out, of the
// approved proposal's amount. Its ID is the case ID and the event's
// sequence number ("C-17#9"), so that the same log always gives the same
// credits and a store takes a second delivery as a no-op. Its order is
// the subject's order, if any; its Source is `complaint "C-17"`.
//
// A [ResolutionRefund] gives no credit: the goods come back, so it is a
// [customer.Return] of kind [customer.Refund], which [Refunds] gives
// from the same log, with the order's lines of the subject's SKU and the
// amount as its Refund when it is less than the units' share (money on
// top of the share is a compensation, and refused there). Exchanges,
// repairs and apologies move no money.
//
// The log is checked as [Rebuild] checks it (an error wrapping
// [ErrBadLog]); the workflow refuses a price reduction on a case whose
// subject names no order, and refunds and price reductions that together
// exceed the order's value, so a log holding one is a bad log. (It also
// refuses to propose a refund on a case whose subject names no order,
// and [Refunds] refuses one in a log; a refund gives no credit either
// way.) A credit that [customer.Credit.Validate] refuses is an error
// naming the case and the event. On any error no credits are returned.
func Credits(events []Event) ([]customer.Credit, error) {
	if len(events) == 0 {
		return nil, fmt.Errorf("complaint: no events: %w", ErrBadLog)
	}
	var out []customer.Credit
	var c Case
	for i := range events {
		ev := &events[i]
		next, err := replay(c, *ev)
		if err != nil {
			return nil, err
		}
		// The proposal carried out is the approved one of the case
		// before the event.
		if ev.Command.Kind == CmdCarryOut && c.Proposal != nil {
			if k, ok := creditKind(c.Proposal.Kind); ok {
				cr := customer.Credit{
					ID:         string(c.ID) + "#" + strconv.Itoa(ev.Seq),
					CustomerID: c.Intake.Complainant,
					OrderID:    c.Intake.Subject.Order,
					Time:       ev.At,
					Kind:       k,
					Amount:     c.Proposal.Amount,
					Source:     "complaint " + strconv.Quote(string(c.ID)),
				}
				if err := cr.Validate(ev.At); err != nil {
					return nil, fmt.Errorf("complaint %q: event %d: %s of %s: %w", c.ID, ev.Seq, c.Proposal.Kind, c.Proposal.Amount, err)
				}
				out = append(out, cr)
			}
		}
		c = next
	}
	return out, nil
}

// creditKind returns the credit kind of a resolution that pays money
// without goods coming back.
func creditKind(k ResolutionKind) (customer.CreditKind, bool) {
	switch k {
	case ResolutionPriceReduction:
		return customer.PriceReduction, true
	case ResolutionCompensation:
		return customer.Compensation, true
	}
	return 0, false
}
