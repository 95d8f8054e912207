package complaint

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/logtext"
)

// Refunds returns the goods that the case of events took back for a
// refund, as [customer.Return] records of kind [customer.Refund] for the
// customer's history: one for every time a resolution of kind
// [ResolutionRefund] was carried out (step 7), in the order of the log.
// Price reductions and compensations are money without goods coming back
// ([Credits]); exchanges, repairs and apologies move no money. A log
// without a refund carried out gives none, and order and earlier are then
// not looked at.
//
// order is the subject's order (Intake.Subject.Order), as the customer's
// history holds it. earlier are returns recorded in the history, such as
// all the customer's returns; those of other orders are ignored, and so
// are those with the ID of a return of this case, so that a redelivery,
// with the case's returns already in the history, gives the same
// returns. Each return of the case counts the earlier returns of the
// order that come before it in the order of [customer.CompareEvents]
// (by time, then ID), as [customer.Recorder.RecordReturn] checks it: the
// returns dated after the carry-out do not change it.
//
// Each return is for the complainant, dated at the carry-out. Its ID is
// the case ID and the event's sequence number ("C-17#9"), as the
// credits' IDs are, so that the same log always gives the same returns
// and a store takes a second delivery as a no-op. Its reason follows the
// case's category: a size or fit problem is [customer.SizeFit]; seams,
// fabric, colour fastness, shrinkage and fastenings are
// [customer.QualityDefect]; a wrong item is [customer.NotAsDescribed]; a
// delivery problem is [customer.LateDelivery]; anything else
// [customer.OtherReason].
//
// It takes back units of the lines of the order with the subject's SKU
// (Intake.Subject.SKU), or of all the order's lines when the subject
// names no SKU (a complaint about the whole order, such as a late
// delivery), of those the customer still holds: the units a line sold
// less those refunded before (exchanges leave them with the customer).
// How many is the approved proposal's [Proposal].Units, taken in line
// order: the units of the first of those lines still held first, then
// the next line's, so that a refund of one shirt of a line of three
// takes back one. Units 0, as in every log written before the field,
// takes back every unit held of those lines. A return line is given for
// each line that units are taken from, with that many units.
//
// It pays the approved proposal's amount. That is at most the share of
// exactly the units taken back: [customer.RefundShare] of each line's
// net for its units after those refunded before, summed over the lines.
// The return's Refund is set to the amount when it is less, as when
// part of the price was paid back before by a price reduction, and left
// unset when it is the share. More than the share is refused: money on
// top of it is a compensation.
//
// A refund that cannot be recorded is an error naming the case and the
// carry-out event, a [*customer.ValidationError] whose Record is
// `complaint "C-17": event 9` and whose fields are the case's or the
// argument's: an order that is not the subject's ("subject.order",
// CodeMismatch; CodeRequired when the subject names none, as only a log
// written before the workflow refused such a refund holds), of another
// customer than the complainant ("complainant", CodeMismatch) or in
// another currency than the case's ("currency", CodeMismatch); an order
// without a line of the subject's SKU ("subject.sku", CodeUnknown); an
// order of which the customer holds no unit of those lines any more
// ("subject.sku", CodeTooMany); more units than the customer holds of
// them ("proposal.units", CodeTooMany, naming the units held); an
// amount above the units' share
// ("proposal.amount", CodeTooMany); an earlier return of the order given
// twice ("returns[i]", CodeDuplicate, i its index in earlier) or that
// [customer.Return.ValidateAfter] refuses after the refunds before it,
// which a history written through a [customer.Recorder] does not hold
// ("returns[i]", CodeMismatch). An order that [customer.Order.Validate]
// refuses is an error wrapping its [*customer.ValidationError], naming
// the case and the event. The log is checked as [Rebuild] checks it (an
// error wrapping [ErrBadLog]). On any error no returns are returned.
//
// Record the returns with [customer.Recorder.RecordReturn], which checks
// them again against the history as it is then.
func Refunds(events []Event, order customer.Order, earlier []customer.Return) ([]customer.Return, error) {
	if len(events) == 0 {
		return nil, fmt.Errorf("complaint: no events: %w", ErrBadLog)
	}
	var refunds []carriedRefund
	var c Case
	for i := range events {
		ev := &events[i]
		next, err := replay(c, *ev)
		if err != nil {
			return nil, err
		}
		// The proposal carried out is the approved one of the case
		// before the event.
		if ev.Command.Kind == CmdCarryOut && c.Proposal != nil && c.Proposal.Kind == ResolutionRefund {
			refunds = append(refunds, carriedRefund{c: c, ev: ev})
		}
		c = next
	}
	if len(refunds) == 0 {
		return nil, nil
	}
	first := &refunds[0]
	if err := first.checkOrder(&order); err != nil {
		return nil, err
	}
	steps, err := refundSteps(refunds, &order, earlier)
	if err != nil {
		return nil, err
	}
	out := make([]customer.Return, len(refunds))
	refunded := map[string]int{}
	for _, s := range steps {
		if s.refund < 0 {
			r := &earlier[s.earlier]
			if err := r.ValidateAfter(order, refunded, time.Time{}); err != nil {
				return nil, refunds[s.next].invalid(fmt.Sprintf("returns[%d]", s.earlier), customer.CodeMismatch,
					fmt.Sprintf("return %q does not fit order %q after the refunds before it: %v", r.ID, order.ID, err))
			}
			countRefunded(refunded, r)
			continue
		}
		k := &refunds[s.refund]
		ret, err := k.ret(&order, refunded)
		if err != nil {
			return nil, err
		}
		countRefunded(refunded, &ret)
		out[s.refund] = ret
	}
	return out, nil
}

// carriedRefund is a refund carried out: the case before the carry-out,
// whose Proposal is the refund, and the event.
type carriedRefund struct {
	c  Case
	ev *Event
}

// id returns the ID of the refund's return: "C-17#9".
func (k *carriedRefund) id() string { return string(k.c.ID) + "#" + strconv.Itoa(k.ev.Seq) }

// invalid returns the error of the refund's case and event about field.
func (k *carriedRefund) invalid(field, code, msg string) error {
	return customer.Invalid(k.record(), []customer.FieldError{{Field: field, Code: code, Message: msg}})
}

// record names the refund's case and event: `complaint "C-17": event 9`.
func (k *carriedRefund) record() string {
	return fmt.Sprintf("complaint %q: event %d", k.c.ID, k.ev.Seq)
}

// checkOrder checks that o is the order of k's subject, of its
// complainant and in its currency, and valid.
func (k *carriedRefund) checkOrder(o *customer.Order) error {
	in := &k.c.Intake
	var p problems
	switch s := in.Subject.Order; {
	case s == "":
		p.add("subject.order", customer.CodeRequired, fmt.Sprintf("the case's subject names no order, and order %q is given", o.ID))
	case s != o.ID:
		p.add("subject.order", customer.CodeMismatch, fmt.Sprintf("order %q is not the subject's order %q", o.ID, s))
	}
	if o.CustomerID != in.Complainant {
		p.add("complainant", customer.CodeMismatch, fmt.Sprintf("is %q, order %q is of customer %q", in.Complainant, o.ID, o.CustomerID))
	}
	if o.Currency != in.Currency {
		p.add("currency", customer.CodeMismatch, fmt.Sprintf("is %s, order %q is in %s", in.Currency, o.ID, o.Currency))
	}
	if err := p.err(k.record()); err != nil {
		return err
	}
	if err := o.Validate(k.ev.At); err != nil {
		return fmt.Errorf("%s: %w", k.record(), err)
	}
	if len(k.lines(o)) == 0 {
		return k.invalid("subject.sku", customer.CodeUnknown, fmt.Sprintf("order %q has no line of SKU %q", o.ID, in.Subject.SKU))
	}
	return nil
}

// lines returns the indexes of the lines of o that k's refund takes
// back: those of the subject's SKU, or all when the subject names none.
func (k *carriedRefund) lines(o *customer.Order) []int {
	sku := k.c.Intake.Subject.SKU
	var out []int
	for i := range o.Lines {
		if sku == "" || o.Lines[i].SKU == sku {
			out = append(out, i)
		}
	}
	return out
}

// ret returns k's return of order o, after earlier refunds took back the
// units of refunded (line ID to units): the proposal's units, or every
// unit held when it names none, taken from k's lines in line order.
func (k *carriedRefund) ret(o *customer.Order, refunded map[string]int) (customer.Return, error) {
	in := &k.c.Intake
	r := customer.Return{ID: k.id(), OrderID: o.ID, CustomerID: in.Complainant, Time: k.ev.At,
		Kind: customer.Refund, Reason: returnReason(in.Category)}
	lines := k.lines(o)
	sold, held := 0, 0
	for _, i := range lines {
		l := &o.Lines[i]
		sold += l.Quantity
		held += max(l.Quantity-refunded[l.ID], 0)
	}
	what := fmt.Sprintf("SKU %q of order %q", in.Subject.SKU, o.ID)
	if in.Subject.SKU == "" {
		what = fmt.Sprintf("order %q", o.ID)
	}
	if held == 0 {
		return customer.Return{}, k.invalid("subject.sku", customer.CodeTooMany,
			fmt.Sprintf("all %d units of %s were refunded before: the customer holds none to bring back", sold, what))
	}
	take := held
	if u := k.c.Proposal.Units; u > 0 {
		if u > held {
			return customer.Return{}, k.invalid("proposal.units", customer.CodeTooMany,
				fmt.Sprintf("is %s, but the customer holds %s of %s (%d sold, %d refunded before)",
					logtext.Count(u, "unit", "units"), logtext.Count(held, "unit", "units"), what, sold, sold-held))
		}
		take = u
	}
	share := decimal.Zero
	for _, i := range lines {
		l := &o.Lines[i]
		before := refunded[l.ID]
		n := min(l.Quantity-before, take)
		if n <= 0 {
			continue
		}
		take -= n
		s, err := customer.RefundShare(l.Net(), before, n, l.Quantity, o.Currency)
		if err != nil {
			return customer.Return{}, fmt.Errorf("%s: order %q: lines[%d]: %w", k.record(), o.ID, i, err)
		}
		share = share.Add(s)
		r.Lines = append(r.Lines, customer.ReturnLine{LineID: l.ID, Quantity: -n})
	}
	amount := k.c.Proposal.Amount
	switch amount.Amount().Cmp(share) {
	case 1:
		return customer.Return{}, k.invalid("proposal.amount", customer.CodeTooMany,
			fmt.Sprintf("%s is more than the %s %s share of the units brought back (%s); money on top of the share is a compensation",
				amount, o.Currency.Format(share), o.Currency, unitsOf(r.Lines)))
	case -1:
		r.Refund = decimal.NewNullDecimal(amount.Amount())
	}
	if err := r.ValidateAfter(*o, refunded, k.ev.At); err != nil {
		return customer.Return{}, fmt.Errorf("%s: %w", k.record(), err)
	}
	return r, nil
}

// unitsOf describes the units of lines: "1 unit of line 1, 2 units of
// line 3".
func unitsOf(lines []customer.ReturnLine) string {
	var b []byte
	for i, rl := range lines {
		if i > 0 {
			b = append(b, ", "...)
		}
		n := -rl.Quantity
		b = strconv.AppendInt(b, int64(n), 10)
		if n == 1 {
			b = append(b, " unit"...)
		} else {
			b = append(b, " units"...)
		}
		b = append(b, " of line "...)
		b = strconv.AppendQuote(b, rl.LineID)
	}
	return string(b)
}

// countRefunded adds the units that r takes back to refunded, when r is
// a refund: exchanges leave the units with the customer.
func countRefunded(refunded map[string]int, r *customer.Return) {
	if r.Kind != customer.Refund {
		return
	}
	for _, rl := range r.Lines {
		refunded[rl.LineID] -= rl.Quantity
	}
}

// refundStep is one return of an order in the order of
// [customer.CompareEvents]: the refund of the case with index refund, or,
// when refund is -1, the earlier return with index earlier, which comes
// before the refund with index next.
type refundStep struct {
	refund, earlier, next int
}

// refundSteps returns the returns that Refunds goes through: the
// refunds of the case and the earlier returns of order o that come before
// the last of them, in the order of [customer.CompareEvents], the
// earlier returns checked for duplicate IDs.
func refundSteps(refunds []carriedRefund, o *customer.Order, earlier []customer.Return) ([]refundStep, error) {
	type keyed struct {
		step refundStep
		ret  customer.Return // ID, kind and time, for the comparison
	}
	ours := make(map[string]bool, len(refunds))
	all := make([]keyed, 0, len(refunds)+len(earlier))
	for i := range refunds {
		k := &refunds[i]
		ours[k.id()] = true
		all = append(all, keyed{refundStep{refund: i}, customer.Return{ID: k.id(), Time: k.ev.At}})
	}
	seen := map[string]int{}
	for i := range earlier {
		r := &earlier[i]
		if r.OrderID != o.ID || ours[r.ID] {
			continue
		}
		if j, ok := seen[r.ID]; ok {
			return nil, refunds[0].invalid(fmt.Sprintf("returns[%d]", i), customer.CodeDuplicate,
				fmt.Sprintf("return %q is given twice (returns[%d])", r.ID, j))
		}
		seen[r.ID] = i
		all = append(all, keyed{refundStep{refund: -1, earlier: i}, customer.Return{ID: r.ID, Time: r.Time}})
	}
	slices.SortStableFunc(all, func(a, b keyed) int {
		return customer.CompareEvents(customer.Event{Return: &a.ret}, customer.Event{Return: &b.ret})
	})
	// Drop what follows the last refund, and tell each earlier return
	// the refund it comes before.
	next := -1
	out := make([]refundStep, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		s := all[i].step
		if s.refund >= 0 {
			next = s.refund
		} else if next < 0 {
			continue
		}
		s.next = next
		out = append(out, s)
	}
	slices.Reverse(out)
	return out, nil
}

// returnReason returns the reason of a return for a complaint of
// category c.
func returnReason(c Category) customer.ReturnReason {
	switch c {
	case CategorySizeFit:
		return customer.SizeFit
	case CategorySeams, CategoryFabric, CategoryColourFastness, CategoryShrinkage, CategoryFastenings:
		return customer.QualityDefect
	case CategoryWrongItem:
		return customer.NotAsDescribed
	case CategoryDelivery:
		return customer.LateDelivery
	}
	return customer.OtherReason
}
