package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// A rejection that a supervisor reopened and that was then resolved is a
// resolved case: the rejection earlier in its log does not hide the
// carry-out, and the case counts once among the resolved or rejected.
func TestAnalyzeRejectedThenResolved(t *testing.T) {
	steps := []complainttest.Step{
		{Command: complaint.Command{Kind: complaint.CmdReject, Reply: "washed at 90°"}, Actor: agent},
		{Command: complaint.Command{Kind: complaint.CmdReopen, Reason: "the customer sent the care label"}, Actor: supervisor},
	}
	steps = append(steps, complainttest.HappyPath()...)
	evs := script(t, complainttest.Intake("C-1", t0), t0, steps...)
	c, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	require.Equal(t, complaint.StateClosed, c.State)

	rejected := script(t, complainttest.Intake("C-2", t0), t0, steps[0])

	r, err := complaint.Analyze([][]complaint.Event{evs, rejected}, t0, t0.Add(30*24*time.Hour), 100, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Resolved, "the reopened rejection was carried out")
	assert.Equal(t, 1, r.Reopened)
	assert.InDelta(t, 0.5, r.ReopenRate, 1e-12, "one reopened of two cases resolved or rejected")
	assert.Equal(t, 0.0, r.FirstContact, "a reopened case is not resolved at first contact")
}
