package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// The report gives the median and 90th percentile of the time to
// resolution: the resolution clock of the cases carried out, pauses for
// the customer excluded; a case reopened and not yet carried out again,
// a rejected case and an open one do not count.
func TestAnalyzeResolutionTime(t *testing.T) {
	hp := complainttest.HappyPath()
	_, a := reach(len(hp)) // carried out 6 h after recording
	wait := complainttest.Step{Command: complaint.Command{Kind: complaint.CmdWait, Reason: "photos"}, Actor: handler}
	resume := complainttest.Step{Command: complaint.Command{Kind: complaint.CmdResume}, Actor: agent}
	// Carried out 8 h after recording, of which 1 h waiting.
	b := script(t, complainttest.Intake("C-2", t0), t0, hp[0], hp[1], wait, resume, hp[2], hp[3], hp[4], hp[5])
	reopened := script(t, complainttest.Intake("C-3", t0), t0, append(append([]complainttest.Step(nil), hp[:5]...),
		hp[5],
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 2}}, Actor: agent},
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdReopen, Reason: "seam split again"}, Actor: agent})...)
	rejected := script(t, complainttest.Intake("C-4", t0), t0,
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdReject, Reply: "washed at 90°"}, Actor: agent})
	open := script(t, complainttest.Intake("C-5", t0), t0, hp[0], hp[1])

	r, err := complaint.Analyze([][]complaint.Event{a, b, reopened, rejected, open}, t0, t0.Add(30*24*time.Hour), 100, nil)
	require.NoError(t, err)
	assert.Equal(t, complaint.StepTime{Visits: 2, Median: 6*time.Hour + 30*time.Minute, P90: 6*time.Hour + 54*time.Minute}, r.ResolutionTime)

	// Carried out again, the reopened case counts with both passes: 6 h
	// before the reopening, 4 h after it.
	c, err := complaint.Rebuild(reopened)
	require.NoError(t, err)
	at := reopened[len(reopened)-1].At
	for i, s := range hp[2:6] {
		var ev complaint.Event
		c, ev = do(t, c, s.Command, s.Actor, at.Add(time.Duration(i+1)*time.Hour))
		reopened = append(reopened, ev)
	}
	r, err = complaint.Analyze([][]complaint.Event{a, b, reopened, rejected, open}, t0, t0.Add(30*24*time.Hour), 100, nil)
	require.NoError(t, err)
	assert.Equal(t, complaint.StepTime{Visits: 3, Median: 7 * time.Hour, P90: 9*time.Hour + 24*time.Minute}, r.ResolutionTime)

	r, err = complaint.Analyze([][]complaint.Event{rejected, open}, t0, t0.Add(30*24*time.Hour), 0, nil)
	require.NoError(t, err)
	assert.Equal(t, complaint.StepTime{}, r.ResolutionTime, "no case resolved")
}
