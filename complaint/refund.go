package complaint

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
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
// without a refund carried out gives none, and order and history are
// then not looked at.
//
// order is the subject's order (Intake.Subject.Order), as the customer's
// history holds it. history is the complainant's history as
// [customer.HistoryReader].History yields it, its events in any order:
// Refunds reads the returns and credits of the order in it, and ignores
// the rest (other orders' records, interactions). An order of the
// history with order's ID must equal order ([customer.Order.Equal]).
// The returns Refunds gives are those that
// [customer.Recorder.RecordReturn] accepts, recorded in the order given,
// on a history that holds the order, the returns of history and the
// credits of history and of the case ([Credits], whether recorded yet or
// not); whatever the Recorder would refuse is an error of Refunds
// instead, naming the case, the event and the field.
//
// The returns of history with the ID of a return of the case are a
// delivery of the case's returns before, given as stored (see
// Redelivery below) and not counted as other returns. Each return of the
// case counts the other returns of the order that come before it in the
// order of [customer.CompareEvents] (by time, then ID), as
// [customer.Recorder.RecordReturn] checks it; those that come after it
// (dated after the carry-out, recorded before the case's return) do not
// change the units it takes back, but are checked after it as the
// Recorder checks them, and one that it would leave more units than the
// customer holds is an error (below). Refunds does not take back fewer
// units than the proposal says to fit them in: a carry-out took back what
// the customer brought, and a history that says otherwise needs a person
// to look at it.
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
// top of the share is a compensation. The amount is also at most what
// is left to pay back of the order, the bound of
// [customer.Recorder.RecordReturn]: when the order has price reductions
// (of the history or of the case), its net less them and less what all
// its other refunds pay back:
//
//	left = net − price reductions − other refunds
//
// (each refund its Refund when set, its share otherwise). Refunds never
// lowers the amount to fit it: more is refused.
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
// ("subject.sku", CodeTooMany, saying which of the case's own refunds
// took them, as after a refund of the last units not marked
// [Event].LastUnits, reopened and refunded again; after a refund of
// every unit, only a log written before [Apply] refused that holds
// one); a carry-out marked [Event].LastUnits after which the customer
// still holds units of the subject ("last_units", CodeMismatch, which
// [MarkLastUnits] does not write);
// more units than the customer holds of them ("proposal.units",
// CodeTooMany, naming the units held); an amount above the units' share
// or above what is left to pay back of the order ("proposal.amount",
// CodeTooMany, saying what is left). Records of history are named
// "history[i]", i their index in history: an order with order's ID that
// differs from it (CodeMismatch); a return of the order given twice, one
// with the ID of a return of the case that is not the same refund
// (Redelivery, below) or a credit with the ID of a credit of the case
// that differs from it (CodeDuplicate); a price reduction of the order
// whose amount is beyond the bounds of an amount
// ([customer.AmountInRange], CodeRange), not positive (CodeNotPos) or
// in another currency than the order's (CodeMismatch), which
// [customer.Credit.Validate] refuses and only a damaged store gives
// back; a return of
// the order that [customer.Return.ValidateAfter] refuses after the
// refunds before it, which a history written through a
// [customer.Recorder] does not hold (CodeMismatch), or that it refuses
// only after the case's returns before it (CodeOrder: the case's return
// is the one refused, and the error names the first that the Recorder
// refuses, recorded in the order given). An order that
// [customer.Order.Validate] refuses is an error wrapping its
// [*customer.ValidationError], naming the case and the event. The log
// is checked as [Rebuild] checks it (an error wrapping [ErrBadLog]). On
// any error no returns are returned.
//
// Record the returns with [customer.Recorder.RecordReturn], in the order
// given, which checks them again against the history as it is then.
//
// # Redelivery
//
// Sending again gives the same returns: a return of history with the ID
// of a return of the case, recorded before, is given as stored, which the
// Recorder takes as a no-op. A return without a Refund pays the share of
// its units where it comes among the order's returns, and a return of
// the order dated before it and recorded after it (a till refund entered
// late, which the Recorder accepts) moves it to another share of its
// lines: the shares of a line's units are its net in parts rounded half
// up (3.33, 3.34 and 3.33 of a line of three units and net 10.00), so
// one minor unit more or less per line. The return stored is then not
// the one Refunds would build from the history as it is now: the amount
// approved may be below the share now (a Refund to set) or above it. It
// is still the case's return when it is the same refund: the ID, order,
// customer, time, kind, reason and lines (units) of the return built
// now, and either a Refund that is the amount approved, or none and an
// amount that is a rounding of the shares of its units, that is, between
// the sums over its lines of
//
//	⌊net × units ÷ quantity⌋ and ⌈net × units ÷ quantity⌉
//
// in minor units, which every share of those units lies within wherever
// it comes ([customer.RefundShare]: round(y + x) − round(y) is x when x
// is whole and otherwise ⌊x⌋ or ⌈x⌉); and it fits the order after the
// refunds before it ([customer.Return.ValidateAfter]), as the Recorder
// checked when it took the return dated before it. Such a return is
// given as stored, whatever its Refund, and the checks of the case's
// later refunds count it as stored: the units it took back, and what it
// pays back, its Refund when set and otherwise its share where it comes
// now, as the Recorder counts it. Any other return under its ID is
// another return, which the Recorder would refuse: an error on
// "history[i]" (CodeDuplicate). A credit of history with the ID of a
// credit of the case must equal it ([customer.Credit.Equal]).
//
// # Refunds of the last units
//
// [Apply] does not see the order: of itself, only a refund of Units 0
// sets [Case].RefundedAll. A refund by Units that takes the last units
// the customer holds of the subject sets it when its carry-out is marked
// [Event].LastUnits, which [MarkLastUnits] does when it finds, running
// Refunds on the log with the carry-out, that the customer holds no unit
// of the subject's lines after it: the units the lines sold less those
// of every refund of the order, the history's and the case's, as Refunds
// counts the units held. [Service.Do] with a CustomerHistory
// ([Service].CustomerHistory) marks it; so does the e-shop example,
// which runs Refunds before it saves the carry-out. Apply then refuses
// another refund proposal, as after a refund of every unit.
//
// A carry-out saved without the mark, as every carry-out of a log
// written before it and one saved by a caller that does not see the
// order, leaves RefundedAll false: such a log rebuilds as it did, Apply
// accepts another refund proposal on the reopened case, and once that
// is carried out Refunds refuses the whole log ("subject.sku",
// CodeTooMany), the returns of the case's earlier refunds with it. A
// caller that runs Refunds before it saves the carry-out refuses that
// carry-out instead; a log that holds one needs a person to look at it,
// and more money for the goods is a price reduction or a compensation.
//
// # Checking a refund before it is carried out
//
// Apply checks a refund against what the case holds, not against the
// order: a refund of more units than the customer holds, or of more
// money than the order can still pay back, is carried out, and only
// Refunds then refuses it. A [Service] with a CustomerHistory
// ([Service].CustomerHistory) refuses it before: [Service.Do] runs
// Refunds on the stored log with the carry-out appended and the
// complainant's history, and saves nothing when Refunds refuses the
// refund (its [*customer.ValidationError], naming the field). It does
// not record the returns: after the carry-out is saved, call Refunds on
// the saved log ([Service.History]) and the history, and record the
// returns it gives with [customer.Recorder.RecordReturn]; a second
// delivery of them is a no-op, so a caller that fails between the two
// writes runs Refunds and RecordReturn again. [Service.RecordMoneyBack]
// does this. A caller that wants the returns recorded before the
// carry-out is saved takes the steps itself: read the case and its log
// from the [Store], apply the carry-out with [Policy.Apply], call
// Refunds on the log with the new event appended and the complainant's
// history, and [MarkLastUnits] on the case and the event, record the
// returns Refunds gives with [customer.Recorder.RecordReturn], and only
// then save the case and the event MarkLastUnits gives with [Store.Save]
// (which refuses a case changed meanwhile: [ErrConflict]). The e-shop
// example does this, with what a crash between the two writes leaves.
func Refunds(events []Event, order customer.Order, history []customer.Event) ([]customer.Return, error) {
	out, _, err := refundsHeld(events, order, history)
	return out, err
}

// MarkLastUnits marks the carry-out of a refund that leaves the customer
// no unit of the subject. c and ev are the case and the event that
// [Apply] gave for a command on the case whose log is events (ev not
// among them); order and history are as for [Refunds]. When ev carries
// out a refund ([CmdCarryOut] of a [ResolutionRefund]) after which the
// customer holds no unit of the subject's lines (its SKU's, or the
// whole order's when the subject names none), counted as [Refunds]
// counts the units still held (the units the lines sold, less those of
// every refund of the order: the history's, earlier ones of the case and
// this one; exchanges leave them with the customer), it returns c with
// [Case].RefundedAll set and ev with [Event].LastUnits set, so that
// [Apply] refuses another refund proposal on the reopened case, as after
// a refund of every unit (Units 0), and [Rebuild] gives the same case.
// Otherwise it returns c and ev as they are: a refund after which units
// are still held, a refund of Units 0 or one on a case that has
// RefundedAll already, which need no mark, and, without reading order
// and history, another command or the carry-out of another resolution.
//
// For the carry-out of a refund it runs Refunds on events with ev
// appended, and returns its error, with c and ev unchanged: the refund
// is one the history cannot hold, or ev is marked already and units are
// still held after it. An ev marked already after which none is held
// comes back with c's RefundedAll set, as [Rebuild] gives the case.
// Save what it returns ([Store.Save]); [Service.Do] with a
// CustomerHistory ([Service].CustomerHistory) does all of this. A
// carry-out saved without it keeps RefundedAll false, as in every log
// written before the mark (see "Refunds of the last units" at
// [Refunds]).
func MarkLastUnits(c Case, ev Event, events []Event, order customer.Order, history []customer.Event) (Case, Event, error) {
	pr := c.Proposal
	if ev.Command.Kind != CmdCarryOut || pr == nil || pr.Kind != ResolutionRefund {
		return c, ev, nil
	}
	log := append(events[:len(events):len(events)], ev)
	_, held, err := refundsHeld(log, order, history)
	if err != nil {
		return c, ev, err
	}
	if held == 0 && !c.RefundedAll {
		c.RefundedAll, ev.LastUnits = true, true
	}
	return c, ev, nil
}

// refundsHeld is [Refunds], also returning how many units of the
// subject's lines the customer holds after all the refunds of the order,
// the history's and the case's (0 when the log carries out no refund).
// It refuses a carry-out marked [Event].LastUnits after which any is
// held.
func refundsHeld(events []Event, order customer.Order, history []customer.Event) ([]customer.Return, int, error) {
	refunds, err := carriedRefunds(events)
	if err != nil {
		return nil, 0, err
	}
	if len(refunds) == 0 {
		return nil, 0, nil
	}
	first := &refunds[0]
	if err := first.checkOrder(&order); err != nil {
		return nil, 0, err
	}
	credits, err := Credits(events)
	if err != nil {
		return nil, 0, err
	}
	h, err := readHistory(refunds, &order, history, credits)
	if err != nil {
		return nil, 0, err
	}
	out, refunded, err := h.build(refunds, &order)
	if err != nil {
		return nil, 0, err
	}
	if err := h.checkPaidBack(refunds, &order, out); err != nil {
		return nil, 0, err
	}
	held := 0
	for _, i := range first.lines(&order) {
		l := &order.Lines[i]
		held += max(l.Quantity-refunded[l.ID], 0)
	}
	if held > 0 {
		for i := range refunds {
			if k := &refunds[i]; k.ev.LastUnits {
				return nil, 0, k.invalid("last_units", customer.CodeMismatch,
					fmt.Sprintf("the carry-out says the refund took back the last units of %s, but the customer still holds %s of them after the order's refunds; the log, or the history given, needs a correction",
						k.what(&order), logtext.Count(held, "unit", "units")))
			}
		}
	}
	return out, held, nil
}

// orderHistory is what Refunds reads of the history of an order.
type orderHistory struct {
	// others are the returns of the order that are not the case's, and
	// at the index of each in the history.
	others []customer.Return
	at     []int
	// own maps the ID of a return of the case found in the history to
	// its index there, and stored to the return.
	own    map[string]int
	stored map[string]*customer.Return
	// reduced is the sum of the price reductions of the order, of the
	// history and of the case.
	reduced decimal.Decimal
}

// readHistory reads the returns and price reductions of order o in
// history, for the case's refunds and credits.
func readHistory(refunds []carriedRefund, o *customer.Order, history []customer.Event, credits []customer.Credit) (*orderHistory, error) {
	h := &orderHistory{own: map[string]int{}, stored: map[string]*customer.Return{}}
	ours := make(map[string]int, len(refunds))
	for i := range refunds {
		ours[refunds[i].id()] = i
	}
	ownCredits := make(map[string]*customer.Credit, len(credits))
	for i := range credits {
		cr := &credits[i]
		ownCredits[cr.ID] = cr
		if cr.OrderID == o.ID && cr.Kind == customer.PriceReduction {
			h.reduced = h.reduced.Add(cr.Amount.Amount())
		}
	}
	first := &refunds[0]
	seen := map[string]int{}
	for i := range history {
		e := &history[i]
		field := fmt.Sprintf("history[%d]", i)
		if ho := e.Order; ho != nil && ho.ID == o.ID {
			if err := ho.Conflict(*o); err != nil {
				return nil, first.invalid(field, customer.CodeMismatch,
					fmt.Sprintf("the history's order %q is not the order given: %v", ho.ID, err))
			}
		}
		if cr := e.Credit; cr != nil {
			switch own, ok := ownCredits[cr.ID]; {
			case ok:
				if err := cr.Conflict(*own); err != nil {
					// Named by the event of the case's credit: "C-17#9".
					record := fmt.Sprintf("complaint %q: event %s", first.c.ID, strings.TrimPrefix(own.ID, string(first.c.ID)+"#"))
					return nil, customer.Invalid(record, []customer.FieldError{{Field: field, Code: customer.CodeDuplicate,
						Message: fmt.Sprintf("%v: the history holds another credit under the ID of the case's credit, which the history would refuse", err)}})
				}
			case cr.OrderID == o.ID && cr.Kind == customer.PriceReduction:
				if code, msg := reductionFault(cr, o); code != "" {
					return nil, first.invalid(field, code, msg)
				}
				h.reduced = h.reduced.Add(cr.Amount.Amount())
			}
		}
		r := e.Return
		if r == nil {
			continue
		}
		// A return under the ID of a return of the case is compared with
		// it whatever its order: the Recorder refuses the case's return
		// when the history holds another under its ID.
		_, mine := ours[r.ID]
		if r.OrderID != o.ID && !mine {
			continue
		}
		if j, ok := seen[r.ID]; ok {
			return nil, first.invalid(field, customer.CodeDuplicate,
				fmt.Sprintf("return %q is given twice (history[%d])", r.ID, j))
		}
		seen[r.ID] = i
		if mine {
			h.own[r.ID] = i
			h.stored[r.ID] = r
			continue
		}
		h.others = append(h.others, *r)
		h.at = append(h.at, i)
	}
	return h, nil
}

// reductionFault returns the code and message of the fault of cr, a
// price reduction of order o (valid) in a customer's history, that
// would make it wrong to take off what is left of o to pay back, as a
// damaged store may give one back and [customer.Credit.Validate]
// refuses: an amount beyond the bounds of an amount
// ([customer.AmountInRange], CodeRange: adding an amount with an
// extreme exponent such as 1e-2147483647 would not end), not positive
// (CodeNotPos: it would add to what is left) or in another currency
// than o's (CodeMismatch). It returns two empty strings for a sound
// one, without allocating.
func reductionFault(cr *customer.Credit, o *customer.Order) (code, msg string) {
	a := cr.Amount
	switch {
	case !customer.AmountInRange(a.Amount()):
		return customer.CodeRange, fmt.Sprintf("credit %q, a price reduction of order %q: %s is outside the bounds of an amount (at most 30 integer digits and 30 decimals)", cr.ID, o.ID, a)
	case a.Sign() <= 0:
		return customer.CodeNotPos, fmt.Sprintf("credit %q, a price reduction of order %q: must be positive, is %s", cr.ID, o.ID, a)
	case a.Currency() != o.Currency:
		return customer.CodeMismatch, fmt.Sprintf("credit %q, a price reduction of order %q: is in %s, the order in %s", cr.ID, o.ID, a.Currency(), o.Currency)
	}
	return "", ""
}

// build returns the returns of the case's refunds of order o, each
// after the returns that come before it in the order of
// [customer.CompareEvents], and checks the other returns of the order
// after those of the case that come before them. It also returns the
// units of each line that all the refunds walked took back.
func (h *orderHistory) build(refunds []carriedRefund, o *customer.Order) ([]customer.Return, map[string]int, error) {
	steps := refundSteps(refunds, h.others)
	out := make([]customer.Return, len(refunds))
	refunded := map[string]int{} // by the returns walked
	theirs := map[string]int{}   // by the returns walked that are not the case's
	last := -1                   // the case's refund walked last
	walked := make([]bool, len(refunds))
	for _, s := range steps {
		if s.refund >= 0 {
			k := &refunds[s.refund]
			var stored *storedReturn
			if r, ok := h.stored[k.id()]; ok {
				stored = &storedReturn{r, h.own[k.id()]}
			}
			ret, err := k.ret(o, refunded, refunds[:s.refund], stored)
			if err != nil {
				return nil, nil, err
			}
			countRefunded(refunded, &ret)
			out[s.refund] = ret
			last = s.refund
			walked[s.refund] = true
			continue
		}
		r := &h.others[s.other]
		field := fmt.Sprintf("history[%d]", h.at[s.other])
		if err := r.ValidateAfter(*o, refunded, time.Time{}); err != nil {
			if last >= 0 && r.ValidateAfter(*o, theirs, time.Time{}) == nil {
				k := &refunds[firstRefused(r, o, theirs, out, walked)]
				return nil, nil, k.invalid(field, customer.CodeOrder,
					fmt.Sprintf("return %q of order %q at %s comes after the case's return %q and would then be invalid: %v; the history's return or the case's refund needs a correction",
						r.ID, o.ID, r.Time.Format(time.RFC3339), k.id(), err))
			}
			blame := s.next
			if blame < 0 {
				blame = last
			}
			return nil, nil, refunds[blame].invalid(field, customer.CodeMismatch,
				fmt.Sprintf("return %q does not fit order %q after the refunds before it: %v", r.ID, o.ID, err))
		}
		countRefunded(refunded, r)
		countRefunded(theirs, r)
	}
	return out, refunded, nil
}

// firstRefused returns the index of the first of the case's returns,
// in the order of the log, that the Recorder refuses because of r, a
// return of order o that comes after the case's returns walked (out, of
// those walked): recorded in the order of the log, the case's return k
// is checked with r after the refunds of theirs and the case's returns
// up to k that come before r, and r fits after theirs alone. It is
// called when r does not fit after all of them, so one is found.
func firstRefused(r *customer.Return, o *customer.Order, theirs map[string]int, out []customer.Return, walked []bool) int {
	refunded := maps.Clone(theirs)
	last := -1
	for k := range out {
		if !walked[k] {
			continue
		}
		last = k
		countRefunded(refunded, &out[k])
		if r.ValidateAfter(*o, refunded, time.Time{}) != nil {
			return k
		}
	}
	return last
}

// checkPaidBack checks that each return of rets, the returns of the
// case's refunds in the order of the log, recorded in that order, pays
// back no more than what is left of order o's net after its price
// reductions and its other refunds, as [customer.Recorder.RecordReturn]
// checks it: the other returns of the history, the case's returns
// before it and the case's returns after it that the history already
// holds. A return the history holds already is a redelivery, which the
// Recorder does not check again. Without price reductions the shares
// bound the refunds.
func (h *orderHistory) checkPaidBack(refunds []carriedRefund, o *customer.Order, rets []customer.Return) error {
	if h.reduced.Sign() <= 0 {
		return nil
	}
	net := decimal.Zero
	for i := range o.Lines {
		net = net.Add(o.Lines[i].Net())
	}
	for i := range rets {
		if _, ok := h.own[rets[i].ID]; ok {
			continue
		}
		rs := slices.Clone(h.others)
		for j := range rets {
			if _, ok := h.own[rets[j].ID]; j <= i || ok {
				rs = append(rs, rets[j])
			}
		}
		slices.SortStableFunc(rs, compareReturns)
		k := &refunds[i]
		total, mine, err := paidBack(o, rs, rets[i].ID)
		if err != nil {
			return fmt.Errorf("%s: %w", k.record(), err)
		}
		if !total.Add(h.reduced).GreaterThan(net) {
			continue
		}
		cur := o.Currency
		others := total.Sub(mine)
		left := decimal.Max(net.Sub(h.reduced).Sub(others), decimal.Zero)
		return k.invalid("proposal.amount", customer.CodeTooMany,
			fmt.Sprintf("%s is more than the %s %s left to pay back of order %q: its net of %s less its price reductions of %s and its other refunds of %s; a refund pays back at most that, and money on top of it is a compensation",
				k.c.Proposal.Amount, cur.Format(left), cur, o.ID, cur.Format(net), cur.Format(h.reduced), cur.Format(others)))
	}
	return nil
}

// paidBack returns what the refunds among rs, returns of order o in the
// order of [customer.CompareEvents], pay back in all, and what the one
// with ID id pays back: each its Refund when set, and otherwise the share
// of its units ([customer.RefundShare]) after the refunds before it, as
// [customer.Recorder.RecordReturn] counts them.
func paidBack(o *customer.Order, rs []customer.Return, id string) (total, mine decimal.Decimal, err error) {
	index := make(map[string]int, len(o.Lines))
	for i := range o.Lines {
		index[o.Lines[i].ID] = i
	}
	refunded := map[string]int{}
	for i := range rs {
		r := &rs[i]
		if r.Kind != customer.Refund {
			continue
		}
		share := decimal.Zero
		for _, rl := range r.Lines {
			k, ok := index[rl.LineID]
			if !ok {
				continue
			}
			l := &o.Lines[k]
			s, err := customer.RefundShare(l.Net(), refunded[l.ID], -rl.Quantity, l.Quantity, o.Currency)
			if err != nil {
				return decimal.Zero, decimal.Zero, fmt.Errorf("order %q: return %q: lines[%d]: %w", o.ID, r.ID, k, err)
			}
			share = share.Add(s)
			refunded[l.ID] -= rl.Quantity
		}
		if r.Refund.Valid {
			share = r.Refund.Decimal
		}
		total = total.Add(share)
		if r.ID == id {
			mine = share
		}
	}
	return total, mine, nil
}

// compareReturns orders two returns as [customer.CompareEvents] does.
func compareReturns(a, b customer.Return) int {
	return customer.CompareEvents(customer.Event{Return: &a}, customer.Event{Return: &b})
}

// carriedRefunds returns the refunds carried out in the log events, in
// its order, checking the log as [Rebuild] does.
func carriedRefunds(events []Event) ([]carriedRefund, error) {
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
	return refunds, nil
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

// what names the units k's refund takes back: `SKU "JKT-01-M" of order
// "O-1"`, or `order "O-1"` when the subject names no SKU.
func (k *carriedRefund) what(o *customer.Order) string {
	if sku := k.c.Intake.Subject.SKU; sku != "" {
		return fmt.Sprintf("SKU %q of order %q", sku, o.ID)
	}
	return fmt.Sprintf("order %q", o.ID)
}

// storedReturn is a return of the history under the ID of a return of
// the case, and its index in the history.
type storedReturn struct {
	r  *customer.Return
	at int
}

// ret returns k's return of order o, after earlier refunds took back the
// units of refunded (line ID to units): the proposal's units, or every
// unit held when it names none, taken from k's lines in line order.
// before are the case's refunds carried out before k. stored, when not
// nil, is the return of the history under the ID of k's return: it is
// given as stored when it is the same refund, paying the amount approved
// to a rounding of the shares (sameRefund), and is otherwise an error.
func (k *carriedRefund) ret(o *customer.Order, refunded map[string]int, before []carriedRefund, stored *storedReturn) (customer.Return, error) {
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
	what := k.what(o)
	if held == 0 {
		gone := fmt.Sprintf("all %d units of %s were refunded before", sold, what)
		if sold == 1 {
			gone = fmt.Sprintf("the 1 unit of %s was refunded before", what)
		}
		if n := len(before); n > 0 {
			seqs := make([]string, n)
			for i := range before {
				seqs[i] = strconv.Itoa(before[i].ev.Seq)
			}
			which := "refund carried out in event " + seqs[0]
			if n > 1 {
				which = "refunds carried out in events " + strings.Join(seqs, ", ")
			}
			gone += ", the case's " + which + " among them"
		}
		return customer.Return{}, k.invalid("subject.sku", customer.CodeTooMany,
			gone+": the customer holds none to bring back; money paid on top is a price reduction or a compensation")
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
	var low, high decimal.Decimal // the shares' exact parts rounded down and up
	digits := o.Currency.Digits()
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
		lo, hi := exactPart(l.Net(), n, l.Quantity, digits)
		low, high = low.Add(lo), high.Add(hi)
		r.Lines = append(r.Lines, customer.ReturnLine{LineID: l.ID, Quantity: -n})
	}
	amount := k.c.Proposal.Amount
	if stored != nil {
		s := stored.r
		if sameRefund(s, &r, amount.Amount(), low, high) && s.ValidateAfter(*o, refunded, k.ev.At) == nil {
			return s.Clone(), nil
		}
		// The return as built now, its Refund the amount whenever that
		// is not the share.
		want := r
		if !amount.Amount().Equal(share) {
			want.Refund = decimal.NewNullDecimal(amount.Amount())
		}
		if err := s.Conflict(want); err != nil {
			return customer.Return{}, k.invalid(fmt.Sprintf("history[%d]", stored.at), customer.CodeDuplicate,
				fmt.Sprintf("%v: the history holds another return under the ID of the case's return, which the history would refuse", err))
		}
	}
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

// sameRefund reports whether s, a return of the history under the ID of
// r, the return of a refund of the case as built now, is the same
// refund: the same IDs, time, kind, reason, lines and units, paying the
// amount approved to a rounding of the shares. A Refund set on s must be
// the amount; one left unset paid the share of s's units where it was
// recorded, which another return dated before it, recorded after it,
// moves to another share: the amount must lie between the exact parts of
// the units' line nets rounded down and rounded up (low and high,
// [exactPart]), which every share of those units lies within.
func sameRefund(s, r *customer.Return, amount, low, high decimal.Decimal) bool {
	as := *r
	as.Refund = s.Refund
	if !s.Equal(as) {
		return false
	}
	if s.Refund.Valid {
		// The bound first: comparing a Refund with an extreme exponent
		// (1e-2147483647), as a damaged store may give one back, would
		// not end; such a return is not the case's.
		return customer.AmountInRange(s.Refund.Decimal) && s.Refund.Decimal.Equal(amount)
	}
	return !amount.LessThan(low) && !amount.GreaterThan(high)
}

// exactPart returns the exact part of net, a line's net amount, of n of
// its quantity units, net × n ÷ quantity, rounded down and rounded up to
// digits decimals. A share of those units ([customer.RefundShare]), the
// difference of two targets rounded half up, lies between the two,
// whatever the units refunded before them: with x = net × n ÷ quantity
// in minor units, round(y + x) − round(y) is x when x is whole, and
// otherwise ⌊x⌋ or ⌈x⌉.
func exactPart(net decimal.Decimal, n, quantity int, digits int32) (low, high decimal.Decimal) {
	q, rem := net.Mul(decimal.NewFromInt(int64(n))).Shift(digits).QuoRem(decimal.NewFromInt(int64(quantity)), 0)
	low = q.Shift(-digits)
	if rem.Sign() > 0 {
		return low, q.Add(decimal.NewFromInt(1)).Shift(-digits)
	}
	return low, low
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
// when refund is -1, the other return with index other, which comes
// before the refund with index next (-1 when it comes after the last).
type refundStep struct {
	refund, other, next int
}

// refundSteps returns the returns that Refunds goes through: the
// refunds of the case and the other returns of the order, in the order
// of [customer.CompareEvents].
func refundSteps(refunds []carriedRefund, others []customer.Return) []refundStep {
	type keyed struct {
		step refundStep
		ret  customer.Return // ID and time, for the comparison
	}
	all := make([]keyed, 0, len(refunds)+len(others))
	for i := range refunds {
		k := &refunds[i]
		all = append(all, keyed{refundStep{refund: i}, customer.Return{ID: k.id(), Time: k.ev.At}})
	}
	for i := range others {
		r := &others[i]
		all = append(all, keyed{refundStep{refund: -1, other: i}, customer.Return{ID: r.ID, Time: r.Time}})
	}
	slices.SortStableFunc(all, func(a, b keyed) int { return compareReturns(a.ret, b.ret) })
	// Tell each other return the refund it comes before.
	next := -1
	out := make([]refundStep, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		s := all[i].step
		if s.refund >= 0 {
			next = s.refund
		}
		s.next = next
		out[i] = s
	}
	return out
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
