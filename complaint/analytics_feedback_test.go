package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// Feedback given with the reopening of a rejection rates the rejection,
// not a resolution carried out: Analyze counts it apart
// (Satisfaction.OnRejection), not as a satisfaction response, while the
// feedback that rates a carried-out resolution (recorded after it, or
// given with the reopening of the carried-out case) is a response.
func TestAnalyzeCountsFeedbackAgainstTheOutcomeItRates(t *testing.T) {
	contest := &complaint.Feedback{Perceived: 1, Expected: 8, CSAT: 1, Comment: "the seam was faulty, not my washing"}
	reject := complainttest.Step{Command: complaint.Command{Kind: complaint.CmdReject, Reply: "washed at 90°"}, Actor: agent}
	reopen := complainttest.Step{Command: complaint.Command{Kind: complaint.CmdReopen, Reason: "the customer contests", Feedback: contest}, Actor: supervisor}

	// Rejected, reopened with the customer's judgement of the rejection,
	// and rejected again.
	again := script(t, complainttest.Intake("C-1", t0), t0, reject, reopen, reject)
	// Rejected, reopened with feedback, now being handled again.
	handled := script(t, complainttest.Intake("C-2", t0), t0, reject, reopen, complainttest.HappyPath()[0])
	// Carried out, then reopened by the customer with feedback on that
	// resolution: the feedback rates a resolution and is a response.
	hp := complainttest.HappyPath()
	unhappy := &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2}
	resolvedSteps := append(hp[:6:6], complainttest.Step{Command: complaint.Command{Kind: complaint.CmdReopen, Reason: "still torn", Feedback: unhappy}, Actor: agent})
	reworked := script(t, complainttest.Intake("C-3", t0), t0, resolvedSteps...)

	r, err := complaint.Analyze([][]complaint.Event{again, handled, reworked}, t0, t0.Add(30*24*time.Hour), 100, nil)
	require.NoError(t, err)
	s := r.Satisfaction
	assert.Equal(t, 1, s.Responses, "only the feedback on a carried-out resolution")
	assert.Equal(t, 2, s.OnRejection, "the two judgements of a rejection")
	assert.InDelta(t, 3.0/8, s.MeanRatio, 1e-12)
	assert.InDelta(t, 2.0, s.MeanCSAT, 1e-12)
	assert.Equal(t, 0.0, s.CSAT)
	assert.Equal(t, 1.0, s.ResponseRate)
}
