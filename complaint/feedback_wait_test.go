package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// A follow-up the customer leaves unanswered must not keep the case open
// for ever: once the policy's feedback wait has passed, the handler
// closes the case without feedback.
func TestCloseWithoutFeedbackAfterTheWait(t *testing.T) {
	carried, events := reach(6)
	require.Equal(t, complaint.StateCarriedOut, carried.State)
	require.Nil(t, carried.Feedback)
	closeCmd := complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "l", Improvement: "i"}}
	wait := complaint.DefaultPolicy().FeedbackWait
	require.Equal(t, 24*time.Hour, wait)
	due := carried.CarriedOut.Add(wait)

	refused(t, nil, carried, closeCmd, handler, due.Add(-time.Nanosecond), gFeedback)
	refused(t, nil, carried, closeCmd, handler2, due, gHandler)
	closed, ev := do(t, carried, closeCmd, handler, due)
	assert.Equal(t, complaint.StateClosed, closed.State)
	assert.Nil(t, closed.Feedback)
	rebuilt, err := complaint.Rebuild(append(events, ev))
	require.NoError(t, err)
	assert.Equal(t, closed, rebuilt)

	// Without a wait, a case closes only with feedback, however late.
	strict := complaint.DefaultPolicy()
	strict.FeedbackWait = 0
	refused(t, strict, carried, closeCmd, handler, due.Add(365*24*time.Hour), gFeedback)
	// A negative wait, which said the same before, is refused now as a
	// mistake (Policy.Validate), and so is a negative reopen window.
	strict.FeedbackWait = -time.Hour
	got, ev, err := strict.Apply(carried, closeCmd, handler, due.Add(365*24*time.Hour))
	policyInvalid(t, err, "feedback_wait", customer.CodeNegative)
	assert.Equal(t, carried, got)
	assert.Equal(t, complaint.Event{}, ev)
	strict.FeedbackWait, strict.ReopenWindow = 0, -time.Hour
	_, _, err = strict.Apply(carried, closeCmd, handler, due.Add(365*24*time.Hour))
	policyInvalid(t, err, "reopen_window", customer.CodeNegative)

	// The customer who did not answer may still come back within the
	// reopen window, saying what is wrong.
	reopen := complaint.Command{Kind: complaint.CmdReopen, Reason: "seam split again"}
	refused(t, nil, closed, reopen, complainant, due.Add(time.Hour), gUnsat)
	reopen.Feedback = &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1}
	again, _ := do(t, closed, reopen, complainant, due.Add(time.Hour))
	assert.Equal(t, complaint.StateAssigned, again.State)

	// The feedback wait counts from the latest carry-out.
	c := again
	for _, step := range []complaint.Command{
		{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseMaterial, Responsible: complaint.PartySupplier, Staff: "qc-1", Detail: "d"}},
		{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRepair, Detail: "d"}},
	} {
		c, _ = do(t, c, step, handler, due.Add(2*time.Hour))
	}
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, supervisor, due.Add(3*time.Hour))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail,
		Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionCoaching}}}}, handler, due.Add(4*time.Hour))
	refused(t, nil, c, closeCmd, handler, due.Add(4*time.Hour+wait-time.Second), gFeedback)
	closed2, _ := do(t, c, closeCmd, handler, due.Add(4*time.Hour+wait))
	assert.Nil(t, closed2.Feedback)
}

func TestAnalyzeCountsUnansweredFollowUps(t *testing.T) {
	_, answered := reach(len(complainttest.HappyPath()))
	carried, events := complainttest.Run("C-2", t0, 6)
	closeCmd := complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "no answer", Improvement: "call instead of e-mail"}}
	_, ev := do(t, carried, closeCmd, handler, carried.CarriedOut.Add(72*time.Hour))
	unanswered := append(events, ev)

	r, err := complaint.Analyze([][]complaint.Event{answered, unanswered}, t0.Add(-time.Hour), t0.Add(30*24*time.Hour), 100, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Satisfaction.Responses)
	assert.Equal(t, 1, r.Satisfaction.Unanswered)
	assert.InDelta(t, 0.5, r.Satisfaction.ResponseRate, 1e-12)

	r, err = complaint.Analyze([][]complaint.Event{unanswered}, t0.Add(-time.Hour), t0.Add(30*24*time.Hour), 100, nil)
	require.NoError(t, err)
	assert.Equal(t, complaint.SatisfactionSummary{Unanswered: 1}, r.Satisfaction, "no response: no satisfaction figures, not NaN")
}

// Under the defaults an unanswered case can close before its carried-out
// step is overdue, whatever its priority.
func TestDefaultFeedbackWaitFitsTheSLA(t *testing.T) {
	wait := complaint.DefaultPolicy().FeedbackWait
	targets := complaint.DefaultSLA().Steps[complaint.StateCarriedOut]
	for p := complaint.PriorityLow; p.Valid(); p++ {
		assert.Less(t, wait, targets[p], "priority %s", p)
	}
}
