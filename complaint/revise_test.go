package complaint_test

import (
	"encoding/json"
	"slices"
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

// The revision clears the case's proposal, so the event keeps the
// approved resolution it takes back, and the revised notice names it:
// the complainant hears which resolution (here the refund of 30.00 EUR
// approved at hour 8) will not be carried out. The JSON of the event
// holds it; a log written before events recorded it still rebuilds,
// and Notices names the resolution from the case; an event naming
// another resolution, or one on another command, is a bad log.
func TestReviseNamesTheResolutionTakenBack(t *testing.T) {
	c, evs := reach(5) // approved, hour 5
	c, ev := do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out"}, handler, hours(6))
	evs = append(evs, ev)
	refund := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "30.00"), Detail: "partial refund"}
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &refund}, handler, hours(7))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(8))
	evs = append(evs, ev)
	decided, told, err := complaint.NoticeOf(c, ev)
	require.NoError(t, err)
	require.True(t, told)
	require.Equal(t, complaint.TopicResolutionDecided, decided.Topic)

	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "refund limit of the shop"}, handler, hours(9))
	evs = append(evs, ev)
	require.Nil(t, c.Proposal, "the case no longer has it")
	require.NotNil(t, ev.Revised)
	assert.Equal(t, refund, *ev.Revised)
	n, told, err := complaint.NoticeOf(c, ev)
	require.NoError(t, err)
	require.True(t, told)
	assert.Equal(t, complaint.TopicResolutionRevised, n.Topic)
	require.NotNil(t, n.Revised)
	assert.Equal(t, "30.00 EUR", n.Revised.Amount.String())
	assert.Equal(t, decided.Resolution, n.Revised, "the resolution the customer was told of")
	assert.Contains(t, n.String(), "revised proposal refund")
	assert.Contains(t, ev.String(), "revised proposal refund")

	// The event's JSON carries it and reads back the same.
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"revised":{"kind":"refund","amount":`)
	var back complaint.Event
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, ev.Revised.Amount.String(), back.Revised.Amount.String())
	ns, err := complaint.Notices(evs)
	require.NoError(t, err)
	assert.Equal(t, n, ns[len(ns)-1])
	first := ns[len(ns)-3]
	require.Equal(t, complaint.TopicResolutionRevised, first.Topic)
	assert.Equal(t, complaint.ResolutionPriceReduction, first.Revised.Kind, "the first revision took back the happy path's price reduction")

	// A log written before: no revised field in the JSON.
	old := make([]complaint.Event, len(evs))
	for i, e := range evs {
		old[i] = e.Clone()
		old[i].Revised = nil
		b, err := json.Marshal(old[i])
		require.NoError(t, err)
		assert.NotContains(t, string(b), `"revised"`)
	}
	r, err := complaint.Rebuild(old)
	require.NoError(t, err)
	assert.Equal(t, c, r)
	oldNotices, err := complaint.Notices(old)
	require.NoError(t, err)
	assert.Equal(t, ns, oldNotices, "Notices names the resolution from the case")
	legacy, told, err := complaint.NoticeOf(c, old[len(old)-1])
	require.NoError(t, err)
	require.True(t, told)
	assert.Nil(t, legacy.Revised, "NoticeOf has only the event")

	// A revision naming another resolution, and another command naming
	// one, are logs the workflow did not write.
	bad := slices.Clone(evs)
	other := refund
	other.Amount = eur(t, "31.00")
	bad[len(bad)-1] = ev.Clone()
	bad[len(bad)-1].Revised = &other
	_, err = complaint.Rebuild(bad)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.Contains(t, err.Error(), "event 10")
	bad = slices.Clone(evs)
	bad[len(bad)-2] = bad[len(bad)-2].Clone()
	bad[len(bad)-2].Revised = &refund
	_, err = complaint.Rebuild(bad)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.Contains(t, err.Error(), "event 9")
}
