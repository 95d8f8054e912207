package complaint_test

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// oneOfThree and twoOfThree are refunds of 1 and 2 of the 3 units of
// SKU JKT-01-M of shirtOrder, at their share.
func oneOfThree(t *testing.T) complaint.Proposal {
	return complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "63.00"), Units: 1, Detail: "one back"}
}

func twoOfThree(t *testing.T) complaint.Proposal {
	return complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "126.00"), Units: 2, Detail: "the rest back"}
}

// serviceSteps applies cmds by the actors at hours h, h+1, … through
// svc, requiring each to be accepted, and returns the case after the
// last and its event.
func serviceSteps(t *testing.T, svc *complaint.Service, h float64, steps ...complainttest.Step) (complaint.Case, complaint.Event) {
	t.Helper()
	var c complaint.Case
	var ev complaint.Event
	for i, s := range steps {
		var err error
		c, ev, err = svc.Do(context.Background(), "C-1", s.Command, s.Actor, hours(h+float64(i)))
		require.NoError(t, err, "step %d: %s", i, s.Command.Kind)
	}
	return c, ev
}

// refundSteps are the proposal of p, its approval and its carry-out.
func refundSteps(p complaint.Proposal) []complainttest.Step {
	return []complainttest.Step{
		{Command: complaint.Command{Kind: complaint.CmdPropose, Proposal: &p}, Actor: handler},
		{Command: complaint.Command{Kind: complaint.CmdApprove}, Actor: manager},
		{Command: carryOut, Actor: handler},
	}
}

// reopenSteps reopen a case carried out and investigate it again.
var reopenSteps = []complainttest.Step{
	{Command: complaint.Command{Kind: complaint.CmdReopen, Feedback: &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2}, Reason: "still torn"}, Actor: complainant},
	{Command: complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "again"}}, Actor: handler},
}

// recordReturns records the returns of the saved log of case C-1 in h.
func recordReturns(t *testing.T, svc *complaint.Service, h history, o customer.Order) {
	t.Helper()
	saved, err := svc.History(context.Background(), "C-1")
	require.NoError(t, err)
	rets, err := complaint.Refunds(saved, o, h.events(t))
	require.NoError(t, err)
	for _, r := range rets {
		h.ret(t, r)
	}
}

// A refund by Units that takes back the last units the customer holds,
// carried out through a Service with a CustomerHistory, marks its event
// (LastUnits) and sets RefundedAll, which the log gives again: another
// refund proposal is refused as after a refund of every unit.
func TestServiceLastUnitsSetRefundedAll(t *testing.T) {
	ctx := context.Background()
	_, evs := reach(3)
	st := storeOf(t, evs)
	h := newHistory(t, shirtOrder())
	svc := &complaint.Service{Store: st, CustomerHistory: h.st}

	c, ev := serviceSteps(t, svc, 5, refundSteps(oneOfThree(t))...)
	assert.False(t, c.RefundedAll, "2 units are still held")
	assert.False(t, ev.LastUnits)
	recordReturns(t, svc, h, shirtOrder())

	serviceSteps(t, svc, 8, reopenSteps...)
	c, ev = serviceSteps(t, svc, 10, refundSteps(twoOfThree(t))...)
	assert.True(t, c.RefundedAll, "the refund took back the last 2 units")
	assert.True(t, ev.LastUnits)
	recordReturns(t, svc, h, shirtOrder())

	saved, err := svc.History(ctx, "C-1")
	require.NoError(t, err)
	rebuilt, err := complaint.Rebuild(saved)
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, rebuilt), "the log gives the case")
	require.NoError(t, svc.Verify(ctx, "C-1"))
	// The marked log still gives the same returns.
	rets, err := complaint.Refunds(saved, shirtOrder(), h.events(t))
	require.NoError(t, err)
	require.Len(t, rets, 2)

	c, _ = serviceSteps(t, svc, 13, reopenSteps...)
	p := oneOfThree(t)
	_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdPropose, Proposal: &p}, handler, hours(15))
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("command.proposal.kind", customer.CodeMismatch), "%v", err)
	assert.ErrorContains(t, err, "refund of every unit")
	after, err := st.Get(ctx, "C-1")
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, after), "nothing saved")

	// A compensation is still possible.
	red := complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, "5.00"), Detail: "for the trouble"}
	_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdPropose, Proposal: &red}, handler, hours(15))
	require.NoError(t, err)
}

// Units the customer holds after a refund leave it unmarked, counting
// the order's other returns: a till return of one unit and a refund of
// two take back the last.
func TestMarkLastUnitsCountsOtherReturns(t *testing.T) {
	c, evs := reach(3)
	c, evs = resolve(t, c, evs[:], twoOfThree(t), 5)
	before, ev := evs[:len(evs)-1], evs[len(evs)-1]

	got, gotEv, err := complaint.MarkLastUnits(c, ev, before, shirtOrder(), nil)
	require.NoError(t, err)
	assert.False(t, got.RefundedAll, "1 unit is still held")
	assert.False(t, gotEv.LastUnits)

	h := newHistory(t, shirtOrder())
	h.ret(t, customer.Return{ID: "R-till", OrderID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -2), Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}})
	got, gotEv, err = complaint.MarkLastUnits(c, ev, before, shirtOrder(), h.events(t))
	require.NoError(t, err)
	assert.True(t, got.RefundedAll)
	assert.True(t, gotEv.LastUnits)
	assert.False(t, c.RefundedAll, "c is not changed")
	marked := append(before[:len(before):len(before)], gotEv)
	rebuilt, err := complaint.Rebuild(marked)
	require.NoError(t, err)
	assert.True(t, complainttest.Same(got, rebuilt))

	// An exchange leaves the units with the customer.
	h = newHistory(t, shirtOrder())
	h.ret(t, customer.Return{ID: "X-1", OrderID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -2), Kind: customer.Exchange,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}})
	got, _, err = complaint.MarkLastUnits(c, ev, before, shirtOrder(), h.events(t))
	require.NoError(t, err)
	assert.False(t, got.RefundedAll)

	// A refund the history cannot hold is Refunds' error, nothing marked.
	h = newHistory(t, shirtOrder())
	h.ret(t, customer.Return{ID: "R-till", OrderID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -2), Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -2}}})
	got, gotEv, err = complaint.MarkLastUnits(c, ev, before, shirtOrder(), h.events(t))
	refundRefused(t, nil, err, "7", "proposal.units", customer.CodeTooMany)
	assert.False(t, got.RefundedAll)
	assert.False(t, gotEv.LastUnits)

	// Another command, or the carry-out of another resolution, is
	// returned as it is, without reading the order.
	c2, evs2 := reach(4)
	got, gotEv, err = complaint.MarkLastUnits(c2, evs2[3], evs2[:3], customer.Order{}, nil)
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c2, got))
	assert.False(t, gotEv.LastUnits)
}

// A log marks a refund's carry-out only: the mark on another event is
// a bad log; a mark while the customer still holds units of the subject
// is refused by Refunds on "last_units".
func TestLastUnitsMarkChecked(t *testing.T) {
	c, evs := reach(3)
	_, evs = resolve(t, c, evs, oneOfThree(t), 5)
	bad := append([]complaint.Event(nil), evs...)
	bad[5].LastUnits = true // the approval
	_, err := complaint.Rebuild(bad)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.ErrorContains(t, err, "event 6: last_units")

	c, evs = reach(7) // the happy path carries out a price reduction
	bad = append([]complaint.Event(nil), evs...)
	bad[6].LastUnits = true
	_, err = complaint.Rebuild(bad)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.ErrorContains(t, err, "event 7: last_units")
	_ = c

	c, evs = reach(3)
	_, evs = resolve(t, c, evs, oneOfThree(t), 5)
	evs[6].LastUnits = true
	got, err := complaint.Rebuild(evs)
	require.NoError(t, err, "Rebuild does not see the order")
	assert.True(t, got.RefundedAll)
	rets, err := complaint.Refunds(evs, shirtOrder(), nil)
	refundRefused(t, rets, err, "7", "last_units", customer.CodeMismatch)
	assert.ErrorContains(t, err, `the last units of SKU "JKT-01-M" of order "O-1", but the customer still holds 2 units of them`)
}

// A log written before the mark, whose refund by Units took the last
// units, rebuilds as before: RefundedAll false, a second refund proposal
// accepted by Apply and refused by Refunds once carried out.
func TestLastUnitsOldLog(t *testing.T) {
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, oneOfThree(t), 5)
	c, evs = reopenAt(t, c, evs, 8)
	c, evs = resolve(t, c, evs, twoOfThree(t), 10)
	rebuilt, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.False(t, rebuilt.RefundedAll)
	assert.True(t, complainttest.Same(c, rebuilt))
	rets, err := complaint.Refunds(evs, shirtOrder(), nil)
	require.NoError(t, err)
	require.Len(t, rets, 2)
}

// The property: over refunds of some units each, the units of the
// parts summing to the units the customer holds (the last sometimes by
// Units 0), with a till return before the case and a reopening between
// them, carried out through a Service with a CustomerHistory and their
// returns recorded, RefundedAll is set exactly when the customer holds
// no unit of the subject, as counted here from the units sold and
// taken back; the log gives the case, and a refund proposed after the
// last is refused.
func TestLastUnitsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		n := rapid.IntRange(1, 6).Draw(t, "sold")
		o := customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{
				{ID: "1", SKU: "JKT-01-M", Category: "shirts", Quantity: n, UnitPrice: decimal.RequireFromString("10.00")},
				{ID: "2", SKU: "SCF-07", Category: "scarves", Quantity: 2, UnitPrice: decimal.RequireFromString("25.00")},
			}}
		if rapid.Bool().Draw(t, "split") && n > 1 {
			// The SKU on two lines.
			o.Lines[0].Quantity = n - 1
			o.Lines = append(o.Lines, customer.Line{ID: "3", SKU: "JKT-01-M", Category: "shirts", Quantity: 1, UnitPrice: decimal.RequireFromString("10.00")})
		}
		cs := customer.NewMemStore()
		rec := &customer.Recorder{Customers: cs, History: cs}
		must(t, cs.Put(ctx, customer.Customer{ID: "cust-C-1", Kind: customer.Consumer, Joined: t0.AddDate(-1, 0, 0)}))
		must(t, rec.RecordOrder(ctx, o, o.Time))
		till := rapid.IntRange(0, o.Lines[0].Quantity-1).Draw(t, "till")
		if till > 0 {
			must(t, rec.RecordReturn(ctx, customer.Return{ID: "R-till", OrderID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -2),
				Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -till}}}, t0))
		}
		held := n - till // the model: units of the SKU the customer holds

		value, err := customer.NewMoney("100.00", "EUR")
		must(t, err)
		_, evs := investigatedCase(t, "JKT-01-M", value)
		st := complaint.NewMemStore()
		for i := range evs {
			c, err := complaint.Rebuild(evs[:i+1])
			must(t, err)
			must(t, st.Save(ctx, c, evs[i]))
		}
		svc := &complaint.Service{Store: st, CustomerHistory: cs}
		at := 5.0
		step := func(cmd complaint.Command, a complaint.Actor) (complaint.Case, complaint.Event, error) {
			at++
			return svc.Do(ctx, "C-1", cmd, a, hours(at))
		}
		for round := 0; held > 0; round++ {
			if round > 0 {
				for _, s := range reopenSteps {
					_, _, err := step(s.Command, s.Actor)
					must(t, err)
				}
			}
			units := rapid.IntRange(1, held).Draw(t, "units")
			p := complaint.Proposal{Kind: complaint.ResolutionRefund, Units: units, Detail: "some back"}
			if units == held && rapid.Bool().Draw(t, "units 0") {
				p.Units = 0
			}
			p.Amount, err = customer.NewMoney(decimal.NewFromInt(int64(10*units)).StringFixed(2), "EUR")
			must(t, err)
			var c complaint.Case
			var ev complaint.Event
			for _, s := range refundSteps(p) {
				c, ev, err = step(s.Command, s.Actor)
				must(t, err)
			}
			held -= units
			if c.RefundedAll != (held == 0) {
				t.Fatalf("round %d: %d units refunded, %d held: RefundedAll %t", round, units, held, c.RefundedAll)
			}
			if ev.LastUnits != (held == 0 && p.Units != 0) {
				t.Fatalf("round %d: LastUnits %t, %d held, Units %d", round, ev.LastUnits, held, p.Units)
			}
			saved, err := svc.History(ctx, "C-1")
			must(t, err)
			rebuilt, err := complaint.Rebuild(saved)
			must(t, err)
			if !complainttest.Same(c, rebuilt) {
				t.Fatalf("round %d: the log gives another case", round)
			}
			must(t, svc.Verify(ctx, "C-1"))
			var hist []customer.Event
			for e, err := range cs.History(ctx, "cust-C-1") {
				must(t, err)
				hist = append(hist, e)
			}
			rets, err := complaint.Refunds(saved, o, hist)
			must(t, err)
			for _, r := range rets {
				must(t, rec.RecordReturn(ctx, r, hours(100)))
			}
		}
		for _, s := range reopenSteps {
			_, _, err := step(s.Command, s.Actor)
			must(t, err)
		}
		p := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: value, Units: 1, Detail: "more"}
		if _, _, err := step(complaint.Command{Kind: complaint.CmdPropose, Proposal: &p}, handler); !errors.Is(err, customer.ErrInvalid) {
			t.Fatalf("a refund after the last units: %v", err)
		}
	})
}

// MarkLastUnits checks an event marked already as Refunds does: a mark
// while units are still held is refused, nothing changed.
func TestMarkLastUnitsChecksAMarkGiven(t *testing.T) {
	c, evs := reach(3)
	_, evs = resolve(t, c, evs, oneOfThree(t), 5)
	after, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	ev := evs[6]
	ev.LastUnits = true
	gotC, gotEv, err := complaint.MarkLastUnits(after, ev, evs[:6], shirtOrder(), nil)
	require.Error(t, err, "2 units are still held")
	assert.ErrorContains(t, err, "last_units")
	assert.False(t, gotC.RefundedAll)
	assert.Equal(t, ev, gotEv)
}
