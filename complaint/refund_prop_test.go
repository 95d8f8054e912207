package complaint_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// propSKUs are the articles of the orders the property test draws.
var propSKUs = []string{"JKT-01-M", "SCF-07", "TRS-3"}

// The returns Refunds gives always validate against the order after the
// refunds before them, never bring back more units than the customer
// still holds, bring back only lines of the subject's SKU, bring back
// every unit held when the proposal names no units and else exactly
// that many, from the first line's units held on, pay the approved
// amount, and are recorded by a Recorder that holds the order, its
// earlier returns, its price reductions and compensations (the case's
// own credits recorded before Refunds or only after it), and its returns
// dated after the carry-out, recorded before the case's (a second
// delivery a no-op, and Refunds then gives the same returns, also after
// a return dated before a carry-out recorded after them); when it
// refuses, it says why and returns nothing, and a refusal of the amount
// is one the Recorder makes too. A refund's amount is drawn mostly up
// to the share of its units, at it, a cent above it or at the most the
// workflow allows, where the bounds are.
func TestRefundsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		bought := t0.AddDate(0, 0, -30)
		order := drawOrder(t, bought)
		earlier, other := drawEarlierReturns(t, order, bought)
		net := decimal.Zero
		for _, l := range order.Lines {
			net = net.Add(l.Net())
		}
		if net.Sign() <= 0 {
			t.Skip("an order of net 0 cannot be refunded")
		}
		cents := net.Shift(2).IntPart()

		// The history before the case: the order, its earlier returns,
		// and price reductions and a compensation that the Recorder
		// takes.
		st := customer.NewMemStore()
		rec := &customer.Recorder{Customers: st, History: st}
		must(t, st.Put(ctx, customer.Customer{ID: order.CustomerID, Kind: customer.Consumer, Joined: bought.AddDate(-1, 0, 0)}))
		must(t, rec.RecordOrder(ctx, order, bought))
		for _, r := range earlier {
			must(t, rec.RecordReturn(ctx, r, r.Time))
		}
		for i := range rapid.IntRange(0, 2).Draw(t, "price reductions") {
			amount := rapid.Int64Range(1, cents).Draw(t, "reduction cents")
			kind := rapid.SampledFrom([]customer.CreditKind{customer.PriceReduction, customer.Compensation}).Draw(t, "credit kind")
			cr := customer.Credit{ID: fmt.Sprintf("CR-%d", i), CustomerID: order.CustomerID, OrderID: order.ID,
				Time: t0.Add(-time.Duration(i+2) * time.Hour), Kind: kind, Amount: money(t, decimal.New(amount, -2))}
			_ = rec.RecordCredit(ctx, cr, t0) // a reduction of more than is left is refused, and not in the history
		}

		// Mostly an article of the order; or the whole order, or an
		// article it does not have.
		sku := rapid.SampledFrom([]string{"", "GLV-9"}).Draw(t, "odd subject sku")
		if rapid.IntRange(0, 9).Draw(t, "subject") > 1 {
			sku = rapid.SampledFrom(order.Lines).Draw(t, "subject line").SKU
		}
		// The order value, as Refundable gives it, or none: then the
		// workflow does not bound what the case pays back.
		value := customer.Money{}
		limit := cents
		if rapid.Bool().Draw(t, "order value known") {
			v, err := rec.Refundable(ctx, order.CustomerID, order.ID)
			must(t, err)
			if v.Sign() <= 0 {
				t.Skip("nothing left to pay back")
			}
			value, limit = v, v.Amount().Shift(2).IntPart()
		}
		c, evs := investigatedCase(t, sku, value)
		// A refund, or a price reduction that a refund may follow.
		kind := rapid.SampledFrom([]complaint.ResolutionKind{complaint.ResolutionRefund, complaint.ResolutionPriceReduction}).Draw(t, "first resolution")
		// Units: mostly none (every unit held), else up to one more
		// than the customer holds of the subject's lines, or than the
		// order sold.
		sold := 0
		for _, l := range order.Lines {
			sold += l.Quantity
		}
		drawUnits := func(label string, refunded map[string]int) int {
			if rapid.Bool().Draw(t, label+" all") {
				return 0
			}
			_, lines := modelRefund(t, order, sku, refunded, 0)
			held := 0
			for _, rl := range lines {
				held -= rl.Quantity
			}
			if rapid.Bool().Draw(t, label+" of those held") {
				return rapid.IntRange(1, held+1).Draw(t, label)
			}
			return rapid.IntRange(1, sold+1).Draw(t, label)
		}
		units := 0
		// What the units of a refund would pay, given the refunds before
		// it: amounts are drawn at it too, where the bounds are.
		held := refundedBy(earlier)
		share := int64(0)
		if kind == complaint.ResolutionRefund {
			units = drawUnits("units", held)
			var lines []customer.ReturnLine
			share, lines = modelRefund(t, order, sku, held, units)
			countLines(held, lines)
		}
		amount := drawCents(t, limit, share, "amount")
		c, evs = resolveCase(t, c, evs, kind, money(t, decimal.New(amount, -2)), units, 5)
		if left := limit - amount; left > 0 && (kind == complaint.ResolutionPriceReduction || rapid.Bool().Draw(t, "reopened")) {
			c, evs = reopenCase(t, c, evs)
			units2 := drawUnits("second units", held)
			share2, _ := modelRefund(t, order, sku, held, units2)
			second := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: money(t, decimal.New(drawCents(t, left, share2, "second amount"), -2)),
				Units: units2, Detail: "the rest back"}
			if kind == complaint.ResolutionRefund && units == 0 {
				// Every unit came back: nothing is left to refund.
				if _, _, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &second}, handler, hours(10)); err == nil {
					t.Fatalf("a refund proposed after a refund of every unit")
				}
			} else {
				_, evs = resolveCase(t, c, evs, second.Kind, second.Amount, second.Units, 10)
			}
		}

		// The case's own credits, recorded before Refunds or after it.
		credits, err := complaint.Credits(evs)
		must(t, err)
		recordCredits := func() {
			for _, cr := range credits {
				if err := rec.RecordCredit(ctx, cr, hours(20)); err != nil {
					t.Skip("the case's credit itself is refused (the order value was not known)")
				}
			}
		}
		creditsFirst := rapid.Bool().Draw(t, "credits recorded first")
		if creditsFirst {
			recordCredits()
		}
		// Returns dated after the carry-outs, recorded before the
		// case's returns.
		for _, r := range drawLaterReturns(t, order, earlier, hours(20)) {
			_ = rec.RecordReturn(ctx, r, r.Time) // a refund of more than is left to pay back is refused, and not in the history
		}

		history := func() []customer.Event {
			var out []customer.Event
			for ev, err := range st.History(ctx, order.CustomerID) {
				must(t, err)
				out = append(out, ev)
			}
			return out
		}
		// In any order, with a return of another order.
		given := rapid.Permutation(append(history(), customer.Event{Return: &other})).Draw(t, "given")
		rets, err := complaint.Refunds(evs, order, given)
		if err != nil {
			if rets != nil {
				t.Fatalf("returns %v with error %v", rets, err)
			}
			var ve *customer.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 {
				t.Fatalf("not one field's error: %v", err)
			}
			switch f := ve.Fields[0]; {
			case f.Field == "subject.sku" && f.Code == customer.CodeUnknown && sku != "":
			case f.Field == "subject.sku" && f.Code == customer.CodeTooMany:
			case f.Field == "proposal.amount" && f.Code == customer.CodeTooMany:
				recorderRefuses(t, st, order, earlier, evs, credits, ve.Record)
			case f.Field == "proposal.units" && f.Code == customer.CodeTooMany && proposedUnits(evs) > 0:
			case strings.HasPrefix(f.Field, "history[") && f.Code == customer.CodeOrder:
			default:
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		refunded := map[string]int{}
		for _, r := range earlier {
			if r.Kind == customer.Refund {
				for _, rl := range r.Lines {
					refunded[rl.LineID] -= rl.Quantity
				}
			}
		}
		amounts, unitsOf := proposedRefunds(evs)
		if len(rets) != len(amounts) {
			t.Fatalf("%d returns of %d refunds", len(rets), len(amounts))
		}
		for i, r := range rets {
			if err := r.ValidateAfter(order, refunded, r.Time); err != nil {
				t.Fatalf("return %d does not validate: %v", i, err)
			}
			// The lines held, in line order, and how many units of
			// each come back: all of them without units, else the
			// first units held.
			var want []customer.ReturnLine
			left := unitsOf[i]
			for _, l := range order.Lines {
				held := l.Quantity - refunded[l.ID]
				if (sku != "" && l.SKU != sku) || held == 0 {
					continue
				}
				n := held
				if unitsOf[i] > 0 {
					n = min(held, left)
					left -= n
				}
				if n > 0 {
					want = append(want, customer.ReturnLine{LineID: l.ID, Quantity: -n})
				}
			}
			if left > 0 {
				t.Fatalf("return %d of %d units given, %d more than held", i, unitsOf[i], left)
			}
			if !slices.Equal(r.Lines, want) {
				t.Fatalf("return %d brings back %v, want %v", i, r.Lines, want)
			}
			share := decimal.Zero
			for _, rl := range r.Lines {
				l := lineOf(t, order, rl.LineID)
				held := l.Quantity - refunded[l.ID]
				if -rl.Quantity > held || -rl.Quantity <= 0 {
					t.Fatalf("return %d brings back %d units of line %q, the customer holds %d", i, -rl.Quantity, l.ID, held)
				}
				if sku != "" && l.SKU != sku {
					t.Fatalf("return %d brings back line %q of SKU %q, not %q", i, l.ID, l.SKU, sku)
				}
				s, err := customer.RefundShare(l.Net(), refunded[l.ID], -rl.Quantity, l.Quantity, order.Currency)
				if err != nil {
					t.Fatal(err)
				}
				share = share.Add(s)
			}
			paid := share
			if r.Refund.Valid {
				paid = r.Refund.Decimal
				if !paid.LessThan(share) {
					t.Fatalf("return %d: Refund %s set, not below the share %s", i, paid, share)
				}
			}
			if !paid.Equal(amounts[i].Amount()) {
				t.Fatalf("return %d pays %s, %s was approved", i, paid, amounts[i])
			}
			for _, rl := range r.Lines {
				refunded[rl.LineID] -= rl.Quantity
			}
		}

		// The history takes them, with the case's credits before them,
		// and a second delivery is a no-op that Refunds gives again.
		if !creditsFirst {
			recordCredits()
		}
		for range 2 {
			for _, r := range rets {
				if err := rec.RecordReturn(ctx, r, hours(30)); err != nil {
					t.Fatalf("the Recorder refuses return %s that Refunds gave: %v", r.ID, err)
				}
			}
			again, err := complaint.Refunds(evs, order, history())
			must(t, err)
			if !slices.EqualFunc(again, rets, customer.Return.Equal) {
				t.Fatalf("a redelivery gives %v, not %v", again, rets)
			}
		}

		// A return of the order dated before a carry-out, recorded after
		// the case's returns (a till return entered late), that the
		// Recorder takes changes nothing: a redelivery gives the returns
		// as recorded, whatever the shares of their units now.
		if len(rets) == 0 {
			return
		}
		at := bought.Add(time.Duration(rapid.IntRange(1, 30*24+12).Draw(t, "backdated hour")) * time.Hour)
		if rapid.Bool().Draw(t, "backdated near the carry-outs") {
			at = hours(float64(rapid.IntRange(-48, 12).Draw(t, "backdated hour near")))
		}
		l := rapid.SampledFrom(order.Lines).Draw(t, "backdated line")
		back := customer.Return{ID: rapid.SampledFrom([]string{"A-back", "Z-back"}).Draw(t, "backdated ID"), OrderID: order.ID,
			CustomerID: order.CustomerID, Time: at, Kind: rapid.SampledFrom([]customer.ReturnKind{customer.Refund, customer.Exchange}).Draw(t, "backdated kind"),
			Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: l.ID, Quantity: -rapid.IntRange(1, l.Quantity).Draw(t, "backdated units")}}}
		if rec.RecordReturn(ctx, back, hours(30)) != nil {
			return // it does not fit before the case's returns
		}
		again, err := complaint.Refunds(evs, order, rapid.Permutation(history()).Draw(t, "given after the backdated return"))
		if err != nil {
			t.Fatalf("a redelivery after return %+v is refused: %v", back, err)
		}
		if !slices.EqualFunc(again, rets, customer.Return.Equal) {
			t.Fatalf("a redelivery after return %+v gives %v, not %v", back, again, rets)
		}
		for _, r := range again {
			if err := rec.RecordReturn(ctx, r, hours(30)); err != nil {
				t.Fatalf("the Recorder refuses return %s given again: %v", r.ID, err)
			}
		}
	})
}

// drawCents draws an amount of 1 to limit cents: any, or for a refund
// (share, the share of its units in cents, not 0) mostly one up to the
// share, the share itself, a cent more or limit itself (the most the
// workflow lets the case pay), where the bounds of Refunds are.
func drawCents(t *rapid.T, limit, share int64, label string) int64 {
	if share <= 0 {
		return rapid.Int64Range(1, limit).Draw(t, label)
	}
	switch rapid.IntRange(0, 4).Draw(t, label+" kind") {
	case 0:
		return rapid.Int64Range(1, limit).Draw(t, label)
	case 1:
		return min(share, limit)
	case 2:
		return min(share+1, limit)
	case 3:
		return limit
	}
	return rapid.Int64Range(1, min(share, limit)).Draw(t, label)
}

// refundedBy returns the units that the refunds among rs took back, by
// line ID.
func refundedBy(rs []customer.Return) map[string]int {
	refunded := map[string]int{}
	for _, r := range rs {
		if r.Kind == customer.Refund {
			countLines(refunded, r.Lines)
		}
	}
	return refunded
}

// countLines adds the units that lines take back to refunded.
func countLines(refunded map[string]int, lines []customer.ReturnLine) {
	for _, rl := range lines {
		refunded[rl.LineID] -= rl.Quantity
	}
}

// modelRefund returns the lines a refund of units (0: every unit held)
// of SKU sku of order o takes back after the refunds of refunded, in
// line order, and their share in cents, as the workflow means them,
// however many units that is.
func modelRefund(t *rapid.T, o customer.Order, sku string, refunded map[string]int, units int) (int64, []customer.ReturnLine) {
	t.Helper()
	var lines []customer.ReturnLine
	share := decimal.Zero
	left := units
	for _, l := range o.Lines {
		held := l.Quantity - refunded[l.ID]
		if (sku != "" && l.SKU != sku) || held == 0 || (units > 0 && left == 0) {
			continue
		}
		n := held
		if units > 0 {
			n = min(held, left)
			left -= n
		}
		s, err := customer.RefundShare(l.Net(), refunded[l.ID], n, l.Quantity, o.Currency)
		must(t, err)
		share = share.Add(s)
		lines = append(lines, customer.ReturnLine{LineID: l.ID, Quantity: -n})
	}
	return share.Shift(2).IntPart(), lines
}

// recorderRefuses requires a Recorder to refuse the return of the
// refund that Refunds refused, named by record (`complaint "C-1": event
// 12`), as the workflow carried it out: the units held after the order's
// earlier returns and the case's refunds before it, taken in line order,
// paying the approved amount. The Recorder's history is a copy of st's,
// with the case's credits and its returns before that one recorded
// first. A refusal by Refunds that the Recorder would accept is a refund
// refused for nothing.
func recorderRefuses(t *rapid.T, st *customer.MemStore, order customer.Order, earlier []customer.Return, evs []complaint.Event, credits []customer.Credit, record string) {
	t.Helper()
	ctx := context.Background()
	cp := customer.NewMemStore()
	c, err := st.Get(ctx, order.CustomerID)
	must(t, err)
	must(t, cp.Put(ctx, c))
	for ev, err := range st.History(ctx, order.CustomerID) {
		must(t, err)
		switch {
		case ev.Order != nil:
			must(t, cp.AppendOrder(ctx, *ev.Order))
		case ev.Return != nil:
			must(t, cp.AppendReturn(ctx, *ev.Return))
		case ev.Credit != nil:
			must(t, cp.AppendCredit(ctx, *ev.Credit))
		}
	}
	rec := &customer.Recorder{Customers: cp, History: cp}
	for _, cr := range credits {
		if rec.RecordCredit(ctx, cr, hours(30)) != nil {
			return // the case's credit itself is refused: nothing to compare
		}
	}
	refunded := refundedBy(earlier)
	in, err := complaint.Rebuild(evs[:1])
	must(t, err)
	sku := in.Intake.Subject.SKU
	var p *complaint.Proposal
	for _, ev := range evs {
		switch ev.Command.Kind {
		case complaint.CmdPropose:
			p = ev.Command.Proposal
		case complaint.CmdCarryOut:
			if p == nil || p.Kind != complaint.ResolutionRefund {
				continue
			}
			r := customer.Return{ID: fmt.Sprintf("C-1#%d", ev.Seq), OrderID: order.ID, CustomerID: order.CustomerID, Time: ev.At,
				Kind: customer.Refund, Reason: customer.QualityDefect}
			cents, lines := modelRefund(t, order, sku, refunded, p.Units)
			countLines(refunded, lines)
			r.Lines = lines
			share := decimal.New(cents, -2)
			if !p.Amount.Amount().Equal(share) {
				r.Refund = decimal.NewNullDecimal(p.Amount.Amount())
			}
			err := rec.RecordReturn(ctx, r, hours(30))
			if fmt.Sprintf("complaint %q: event %d", "C-1", ev.Seq) == record {
				if err == nil {
					t.Fatalf("Refunds refuses the refund of %s that a Recorder records: %+v", record, r)
				}
				return
			}
			if err != nil {
				return // a refund before it is refused already: nothing to compare
			}
		}
	}
	t.Fatalf("no refund of %s", record)
}

func must(t *rapid.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func money(t *rapid.T, d decimal.Decimal) customer.Money {
	t.Helper()
	m, err := customer.NewMoney(d.StringFixed(2), "EUR")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func lineOf(t *rapid.T, o customer.Order, id string) customer.Line {
	t.Helper()
	for _, l := range o.Lines {
		if l.ID == id {
			return l
		}
	}
	t.Fatalf("order %q has no line %q", o.ID, id)
	return customer.Line{}
}

// drawOrder draws order O-1 of customer cust-C-1, bought at bought: one
// to four lines of the SKUs of propSKUs.
func drawOrder(t *rapid.T, bought time.Time) customer.Order {
	o := customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: bought, Channel: customer.Online, Currency: "EUR"}
	for i := range rapid.IntRange(1, 4).Draw(t, "lines") {
		q := rapid.IntRange(1, 5).Draw(t, "quantity")
		price := rapid.Int64Range(0, 30000).Draw(t, "unit price cents")
		discount := rapid.Int64Range(0, price*int64(q)).Draw(t, "discount cents")
		o.Lines = append(o.Lines, customer.Line{ID: fmt.Sprint(i + 1), SKU: rapid.SampledFrom(propSKUs).Draw(t, "sku"),
			Category: "clothes", Quantity: q, UnitPrice: decimal.New(price, -2), Discount: decimal.New(discount, -2)})
	}
	return o
}

// drawEarlierReturns draws valid returns of o, in time order, dated from
// bought to t0, and a return of another order.
func drawEarlierReturns(t *rapid.T, o customer.Order, bought time.Time) ([]customer.Return, customer.Return) {
	held := make([]int, len(o.Lines))
	for i, l := range o.Lines {
		held[i] = l.Quantity
	}
	out := drawReturns(t, o, held, bought, "R", 4, 1, 48)
	other := customer.Return{ID: "R-other", OrderID: "O-2", CustomerID: o.CustomerID, Time: t0, Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -99}}}
	return out, other
}

// drawLaterReturns draws valid returns of o after the returns earlier,
// in time order, dated from from on.
func drawLaterReturns(t *rapid.T, o customer.Order, earlier []customer.Return, from time.Time) []customer.Return {
	held := make([]int, len(o.Lines))
	for i, l := range o.Lines {
		held[i] = l.Quantity
		for _, r := range earlier {
			for _, rl := range r.Lines {
				if r.Kind == customer.Refund && rl.LineID == l.ID {
					held[i] += rl.Quantity
				}
			}
		}
	}
	return drawReturns(t, o, held, from, "L", 2, 0, 5)
}

// drawReturns draws up to most valid returns of o (IDs prefix-0, …),
// refunds or exchanges of one line each within the units held (line
// index to units, updated), in time order, each minH to maxH hours
// after the one before, the first after at.
func drawReturns(t *rapid.T, o customer.Order, held []int, at time.Time, prefix string, most, minH, maxH int) []customer.Return {
	var out []customer.Return
	for i := range rapid.IntRange(0, most).Draw(t, prefix+" returns") {
		k := rapid.IntRange(0, len(o.Lines)-1).Draw(t, prefix+" line")
		if held[k] == 0 {
			continue
		}
		kind := rapid.SampledFrom([]customer.ReturnKind{customer.Refund, customer.Exchange}).Draw(t, prefix+" kind")
		units := rapid.IntRange(1, held[k]).Draw(t, prefix+" units")
		if kind == customer.Refund {
			held[k] -= units
		}
		at = at.Add(time.Duration(rapid.IntRange(minH, maxH).Draw(t, prefix+" hours later")) * time.Hour)
		out = append(out, customer.Return{ID: fmt.Sprintf("%s-%d", prefix, i), OrderID: o.ID, CustomerID: o.CustomerID, Time: at,
			Kind: kind, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: o.Lines[k].ID, Quantity: -units}}})
	}
	return out
}

// investigatedCase records case C-1 about SKU sku of order O-1, of value
// value, at t0, and takes it through its investigation (hour 3).
func investigatedCase(t *rapid.T, sku string, value customer.Money) (complaint.Case, []complaint.Event) {
	in := complainttest.Intake("C-1", t0.Add(-time.Hour))
	in.Subject = complaint.Subject{Kind: complaint.SubjectOrder, Order: "O-1", SKU: sku}
	in.OrderValue = value
	if !value.IsZero() {
		in.Demand.Amount = value
	}
	c, ev, err := complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	must(t, err)
	evs := []complaint.Event{ev}
	for i, s := range complainttest.HappyPath()[:3] {
		c, ev, err = complaint.Apply(c, s.Command, s.Actor, hours(float64(i+1)))
		must(t, err)
		evs = append(evs, ev)
	}
	return c, evs
}

// resolveCase proposes a resolution of kind k, amount and units on c,
// has it approved and carries it out, from hour h on.
func resolveCase(t *rapid.T, c complaint.Case, evs []complaint.Event, k complaint.ResolutionKind, amount customer.Money, units int, h float64) (complaint.Case, []complaint.Event) {
	p := complaint.Proposal{Kind: k, Amount: amount, Units: units, Detail: "money back"}
	for i, s := range []struct {
		cmd complaint.Command
		a   complaint.Actor
	}{
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &p}, handler},
		{complaint.Command{Kind: complaint.CmdApprove}, manager},
		{carryOut, handler},
	} {
		var ev complaint.Event
		var err error
		c, ev, err = complaint.Apply(c, s.cmd, s.a, hours(h+float64(i)))
		must(t, err)
		evs = append(evs, ev)
	}
	return c, evs
}

// reopenCase reopens c, carried out, at hour 8 and investigates it again
// at hour 9.
func reopenCase(t *rapid.T, c complaint.Case, evs []complaint.Event) (complaint.Case, []complaint.Event) {
	unhappy := &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2}
	c, ev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdReopen, Feedback: unhappy, Reason: "still torn"}, complainant, hours(8))
	must(t, err)
	evs = append(evs, ev)
	c, ev, err = complaint.Apply(c, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "not fixed"}}, handler, hours(9))
	must(t, err)
	return c, append(evs, ev)
}

// proposedRefunds returns the amounts and the units of the refunds
// carried out in evs, in order.
func proposedRefunds(evs []complaint.Event) ([]customer.Money, []int) {
	var amounts []customer.Money
	var units []int
	var p *complaint.Proposal
	for _, ev := range evs {
		switch ev.Command.Kind {
		case complaint.CmdPropose:
			p = ev.Command.Proposal
		case complaint.CmdCarryOut:
			if p != nil && p.Kind == complaint.ResolutionRefund {
				amounts = append(amounts, p.Amount)
				units = append(units, p.Units)
			}
		}
	}
	return amounts, units
}

// proposedUnits returns the most units a refund carried out in evs
// names.
func proposedUnits(evs []complaint.Event) int {
	_, units := proposedRefunds(evs)
	if len(units) == 0 {
		return 0
	}
	return slices.Max(units)
}
