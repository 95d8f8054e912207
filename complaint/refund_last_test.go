package complaint_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
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
	assert.ErrorContains(t, err, "left the customer none of the subject's units")
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
