package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// An approved resolution that turns out impossible to carry out (the
// replacement garment is sold out) is revised by the handler: the case
// goes back to investigated without its proposal, the customer, told of
// the approved resolution, hears that it is revised, and a new proposal
// needs an approval of its own before it is carried out.
func TestReviseApprovedResolution(t *testing.T) {
	c, evs := reach(5) // approved, hour 5
	require.Equal(t, complaint.StateApproved, c.State)
	require.Contains(t, complaint.Permitted(c), complaint.CmdRevise)

	rev := complaint.Command{Kind: complaint.CmdRevise, Reason: "size M sold out in every shop"}
	c2, ev := do(t, c, rev, handler, hours(6))
	assert.Equal(t, complaint.StateInvestigated, c2.State)
	assert.Equal(t, complaint.StateApproved, ev.From)
	assert.Equal(t, complaint.StateInvestigated, ev.To)
	assert.Nil(t, c2.Proposal)
	assert.Empty(t, c2.ProposedBy)
	assert.Empty(t, c2.ApprovedBy)
	assert.Equal(t, 1, c2.Revisions)
	assert.Zero(t, c2.SendBacks, "a revision is not a send-back")
	assert.Equal(t, "size M sold out in every shop", ev.Command.Reason, "the audit trail keeps the reason")
	assert.Equal(t, c.Finding, c2.Finding, "the finding stands")
	assert.Equal(t, complaint.StateApproved, c.State, "the case passed in is unchanged")

	n, told, err := complaint.NoticeOf(c2, ev)
	require.NoError(t, err)
	require.True(t, told, "the customer was told of the approved resolution")
	assert.Equal(t, complaint.TopicResolutionRevised, n.Topic)

	evs = append(evs, ev)
	r, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.Equal(t, c2, r)

	// Not carried out while no resolution is approved.
	refused(t, nil, c2, complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}, handler, hours(7))

	// A new proposal, approved again (four eyes), then carried out.
	c3, ev := do(t, c2, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "89.00"), Detail: "refund instead"}}, handler, hours(7))
	evs = append(evs, ev)
	refused(t, nil, c3, complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}, handler, hours(8))
	c3, ev = do(t, c3, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(8))
	evs = append(evs, ev)
	c3, ev = do(t, c3, complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}, handler, hours(9))
	evs = append(evs, ev)
	assert.Equal(t, "89.00 EUR", c3.Paid.String(), "only the resolution carried out pays")

	// The resolution clock runs on through the revision; the new
	// investigated visit starts at it.
	st, err := complaint.DefaultSLA().Status(evs, hours(9))
	require.NoError(t, err)
	assert.Equal(t, 9*time.Hour, st.Resolution.Elapsed)
	var states []complaint.State
	for _, v := range st.Visits {
		states = append(states, v.State)
	}
	assert.Equal(t, []complaint.State{complaint.StateRecorded, complaint.StateAccepted, complaint.StateAssigned,
		complaint.StateInvestigated, complaint.StateProposed, complaint.StateApproved,
		complaint.StateInvestigated, complaint.StateProposed, complaint.StateApproved, complaint.StateCarriedOut}, states)
	assert.Equal(t, hours(6), st.Visits[6].Started)

	// A revised case was not resolved in one pass.
	rep, err := complaint.Analyze([][]complaint.Event{evs}, t0, hours(10), 100, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Resolved)
	assert.Zero(t, rep.FirstContact)
}

// Only the case's handler or a supervisor revises, only an approved
// resolution, and only with a reason; a refused revision changes
// nothing.
func TestReviseRefused(t *testing.T) {
	c, _ := reach(5)
	rev := complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out"}
	refused(t, nil, c, rev, agent, hours(6), "actor is the assigned handler or a supervisor")
	refused(t, nil, c, rev, handler2, hours(6), "actor is the assigned handler or a supervisor")
	refused(t, nil, c, rev, complainant, hours(6), "actor is the assigned handler or a supervisor")
	do(t, c, rev, supervisor, hours(6))

	invalid(t, c, complaint.Command{Kind: complaint.CmdRevise}, handler, hours(6), "command.reason", customer.CodeRequired)
	invalid(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: " \t"}, handler, hours(6), "command.reason", customer.CodeRequired)

	for n, want := range map[int]complaint.State{3: complaint.StateInvestigated, 4: complaint.StateProposed, 6: complaint.StateCarriedOut} {
		c, _ := reach(n)
		require.Equal(t, want, c.State)
		refused(t, nil, c, rev, handler, hours(float64(n+1)))
	}
	// A case that waits from approved is resumed first.
	w, _ := do(t, c, complaint.Command{Kind: complaint.CmdWait, Reason: "which colour instead?"}, handler, hours(6))
	refused(t, nil, w, rev, handler, hours(7))
	assert.Equal(t, "revise", complaint.CmdRevise.String())
	k, err := complaint.ParseCommandKind("revise")
	require.NoError(t, err)
	assert.Equal(t, complaint.CmdRevise, k)
}
