package complaint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
)

// A supervisor approves up to 100 EUR (DefaultPolicy). A case that paid
// 80 EUR of compensation, was reopened and proposes 40 EUR more would pay
// 120 EUR: that needs a manager, as 120 EUR at once would.
func TestApprovalThresholdNotSplitOverReopenings(t *testing.T) {
	investigated, _ := reach(3)
	step := func(c complaint.Case, cmd complaint.Command, a complaint.Actor, h float64) complaint.Case {
		t.Helper()
		next, _ := do(t, c, cmd, a, hours(h))
		return next
	}
	compensation := func(amount string) complaint.Command {
		return complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, amount), Detail: "voucher"}}
	}
	approve := complaint.Command{Kind: complaint.CmdApprove}
	carry := complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}
	finding := complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseMaterial, Responsible: complaint.PartySupplier, Detail: "weak thread"}}

	c := step(investigated, compensation("80.00"), handler, 10)
	c = step(c, approve, supervisor, 11)
	c = step(c, carry, handler, 12)
	require.True(t, c.PaidOut.Equal(eur(t, "80.00")), "%s", c.PaidOut)
	c = step(c, complaint.Command{Kind: complaint.CmdReopen, Reason: "split again", Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1}}, complainant, 13)
	c = step(c, finding, handler, 14)

	second := step(c, compensation("40.00"), handler, 15)
	refused(t, nil, second, approve, supervisor, hours(16), gAuthority)
	approved := step(second, approve, manager, 16)
	done := step(approved, carry, handler, 17)
	assert.True(t, done.PaidOut.Equal(eur(t, "120.00")), "%s", done.PaidOut)

	// Within the threshold together, a supervisor still approves; and a
	// resolution that moves no money needs no manager.
	small := step(c, compensation("20.00"), handler, 15)
	step(small, approve, supervisor, 16)
	apology := step(c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "letter"}}, handler, 15)
	step(apology, approve, supervisor, 16)

	// The log rebuilds the same case.
	_, evs := reach(3)
	c2 := investigated
	for _, s := range []struct {
		cmd complaint.Command
		a   complaint.Actor
	}{{compensation("80.00"), handler}, {approve, supervisor}, {carry, handler}} {
		var ev complaint.Event
		c2, ev = do(t, c2, s.cmd, s.a, hours(20))
		evs = append(evs, ev)
	}
	r, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.Equal(t, c2, r)
}
