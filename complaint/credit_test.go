package complaint_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// carryOut is the carry-out step of the happy path.
var carryOut = complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{
	Notified: complaint.ChannelEmail, Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionCoaching}}}}

// resolve takes case c, investigated, through a proposal of p, its
// approval and its carry-out, from hour h on.
func resolve(t *testing.T, c complaint.Case, evs []complaint.Event, p complaint.Proposal, h float64) (complaint.Case, []complaint.Event) {
	t.Helper()
	for i, s := range []struct {
		cmd complaint.Command
		a   complaint.Actor
	}{
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &p}, handler},
		{complaint.Command{Kind: complaint.CmdApprove}, manager},
		{carryOut, handler},
	} {
		var ev complaint.Event
		c, ev = do(t, c, s.cmd, s.a, hours(h+float64(i)))
		evs = append(evs, ev)
	}
	return c, evs
}

// A price reduction carried out is one credit of the complainant, for the
// subject's order, dated at the carry-out, whose ID is stable.
func TestCreditsOfAPriceReduction(t *testing.T) {
	_, evs := reach(8) // the happy path, closed
	got, err := complaint.Credits(evs)
	require.NoError(t, err)
	carried := evs[6]
	require.Equal(t, complaint.CmdCarryOut, carried.Command.Kind)
	want := customer.Credit{ID: "C-1#7", CustomerID: "cust-C-1", OrderID: "O-1", Time: carried.At,
		Kind: customer.PriceReduction, Amount: eur(t, "40.00"), Source: `complaint "C-1"`}
	require.Len(t, got, 1)
	assert.True(t, got[0].Equal(want), "got %+v, want %+v", got[0], want)

	again, err := complaint.Credits(slices.Clone(evs))
	require.NoError(t, err)
	assert.True(t, again[0].Equal(got[0]), "the same log gives the same credit")

	// Before the carry-out there is nothing to credit.
	_, early := reach(5)
	none, err := complaint.Credits(early)
	require.NoError(t, err)
	assert.Empty(t, none)
}

// A case reopened after its resolution was carried out and resolved
// again paid twice.
func TestCreditsOfAReopenedCase(t *testing.T) {
	c, evs := reach(6) // carried out
	unhappy := &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2}
	var ev complaint.Event
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdReopen, Feedback: unhappy, Reason: "the seam split again"}, complainant, hours(8))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "the repair did not hold"}}, handler, hours(9))
	evs = append(evs, ev)
	_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, "25.00"), Detail: "for the second trip"}, 10)

	got, err := complaint.Credits(evs)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, customer.PriceReduction, got[0].Kind)
	assert.Equal(t, "C-1#7", got[0].ID)
	assert.Equal(t, customer.Compensation, got[1].Kind)
	assert.Equal(t, "C-1#12", got[1].ID)
	assert.True(t, got[1].Amount.Equal(eur(t, "25")))
	assert.True(t, got[1].Time.Equal(hours(12)))
}

// A refund brings goods back (a customer.Return); exchanges, repairs and
// apologies move no money: none is a credit.
func TestCreditsLeaveOutOtherResolutions(t *testing.T) {
	for _, p := range []complaint.Proposal{
		{Kind: complaint.ResolutionRefund, Amount: eur(t, "189.00"), Detail: "full refund"},
		{Kind: complaint.ResolutionExchange, Detail: "another size"},
		{Kind: complaint.ResolutionRepair, Detail: "re-sew"},
		{Kind: complaint.ResolutionApology, Detail: "sorry"},
	} {
		c, evs := reach(3) // investigated
		_, evs = resolve(t, c, evs, p, 5)
		got, err := complaint.Credits(evs)
		require.NoError(t, err, p.Kind)
		assert.Empty(t, got, p.Kind)
	}
}

// A compensation needs no order; a price reduction does: proposing one
// on a case whose subject names no order is refused, and a log that holds
// one is a bad log.
func TestCreditsWithoutAnOrder(t *testing.T) {
	record := func(t *testing.T) (complaint.Case, []complaint.Event) {
		in := complainttest.Intake("C-9", t0.Add(-time.Hour))
		in.Subject = complaint.Subject{Kind: complaint.SubjectStaff, Staff: "clerk-4", Store: "Brno"}
		in.Category = complaint.CategoryStaffAttitude
		in.Demand = complaint.Demand{Kind: complaint.ResolutionApology}
		in.OrderValue = customer.Money{}
		c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
		evs := []complaint.Event{ev}
		for i, s := range complainttest.HappyPath()[:3] {
			c, ev = do(t, c, s.Command, s.Actor, hours(float64(i+1)))
			evs = append(evs, ev)
		}
		return c, evs
	}
	c, evs := record(t)
	_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, "15.00"), Detail: "voucher"}, 5)
	got, err := complaint.Credits(evs)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Empty(t, got[0].OrderID)
	assert.Equal(t, customer.ID("cust-C-9"), got[0].CustomerID)

	// A price reduction is refused when proposed, so that no case pays
	// one that the history cannot take.
	c, evs = record(t)
	cut := complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionPriceReduction, Amount: eur(t, "15.00"), Detail: "off the price"}}
	invalid(t, c, cut, handler, hours(5), "command.proposal.kind", customer.CodeMismatch)

	// A log that holds one anyway (written by hand, or before the check)
	// is a bad log, as Rebuild finds it.
	var ev complaint.Event
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, "15.00"), Detail: "voucher"}}, handler, hours(5))
	ev.Command = cut
	got, err = complaint.Credits(append(evs, ev))
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.Nil(t, got)
	assert.Contains(t, err.Error(), "command.proposal.kind")
}

// What a case gives back on its order (refunds and price reductions) is
// bounded by the order's value over all its carry-outs: a reopened case
// cannot pay the price twice.
func TestReopenedCaseCannotPayTheOrderTwice(t *testing.T) {
	c, evs := reach(6) // carried out: a price reduction of 40.00 on an order of 189.00
	require.True(t, c.Paid.Equal(eur(t, "40.00")), "paid %v", c.Paid)
	unhappy := &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2}
	var ev complaint.Event
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdReopen, Feedback: unhappy, Reason: "still torn"}, complainant, hours(8))
	evs = append(evs, ev)
	require.True(t, c.Paid.Equal(eur(t, "40.00")), "a reopen keeps what was paid")
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "the repair did not hold"}}, handler, hours(9))
	evs = append(evs, ev)

	propose := func(k complaint.ResolutionKind, amount string) complaint.Command {
		return complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: k, Amount: eur(t, amount), Detail: "again"}}
	}
	invalid(t, c, propose(complaint.ResolutionRefund, "189.00"), handler, hours(10), "command.proposal.amount", customer.CodeTooMany)
	invalid(t, c, propose(complaint.ResolutionPriceReduction, "149.01"), handler, hours(10), "command.proposal.amount", customer.CodeTooMany)
	_, _, err := complaint.Apply(c, propose(complaint.ResolutionRefund, "189.00"), handler, hours(10))
	assert.ErrorContains(t, err, "189.00 EUR and the 40.00 EUR the case paid back before exceed the order value 189.00 EUR")
	// A compensation is goodwill on top of the price.
	_, _, err = complaint.Apply(c, propose(complaint.ResolutionCompensation, "189.00"), handler, hours(10))
	require.NoError(t, err)

	// What is left of the price can still be given back, and then all of
	// it is paid.
	c, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "149.00"), Detail: "the rest back"}, 10)
	assert.True(t, c.Paid.Equal(eur(t, "189.00")), "paid %v", c.Paid)
	rebuilt, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.True(t, rebuilt.Paid.Equal(c.Paid), "Rebuild gives the same total: %v", rebuilt.Paid)
	credits, err := complaint.Credits(evs)
	require.NoError(t, err)
	require.Len(t, credits, 1, "the refund is a return, not a credit")
}

// A bad log is refused as Rebuild refuses it.
func TestCreditsOfABadLog(t *testing.T) {
	_, err := complaint.Credits(nil)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	_, evs := reach(8)
	gap := slices.Delete(slices.Clone(evs), 3, 4)
	got, err := complaint.Credits(gap)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.Nil(t, got)
}

// The credits of a case go into the customer's history and lower the
// customer's net: the complaint's money reaches the customer's figures.
func TestCreditsReachTheSummary(t *testing.T) {
	ctx := context.Background()
	store := customer.NewMemStore()
	require.NoError(t, store.Put(ctx, customer.Customer{ID: "cust-C-1", Kind: customer.Consumer, Joined: t0.AddDate(-1, 0, 0)}))
	order := customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "JKT-01-M", Category: "jackets", Quantity: 1, UnitPrice: decimal.RequireFromString("189.00")}}}
	require.NoError(t, store.AppendOrder(ctx, order))

	_, evs := reach(8)
	credits, err := complaint.Credits(evs)
	require.NoError(t, err)
	for range 2 { // a second delivery is a no-op
		for _, c := range credits {
			require.NoError(t, store.AppendCredit(ctx, c))
		}
	}
	s, err := customer.SummarizeHistory(ctx, store, "cust-C-1", customer.Consumer, hours(100), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Credits)
	assert.Equal(t, "149", s.Net().String(), "189.00 less the 40.00 price reduction")
}
