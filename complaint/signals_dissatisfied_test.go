package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// A case counts as dissatisfied by its latest feedback as of the instant:
// a closed case rated below expectations counts, one rated well does not,
// a new carry-out after the customer contested clears the old rating
// until the customer rates the new resolution, and a rating older than
// the window no longer counts.
func TestSignalsCountDissatisfiedCases(t *testing.T) {
	hp := complainttest.HappyPath()
	feedback := func(perceived, expected, csat int) complainttest.Step {
		return complainttest.Step{Command: complaint.Command{Kind: complaint.CmdRecordFeedback,
			Feedback: &complaint.Feedback{Perceived: perceived, Expected: expected, CSAT: csat}}, Actor: agent}
	}
	closeCase := hp[7]
	in := func(id complaint.ID) complaint.Intake {
		in := complainttest.Intake(id, t0)
		in.Complainant = "cust-X"
		return in
	}
	// Satisfied: the happy path's feedback (8 of 8, CSAT 4).
	happy := script(t, in("C-1"), t0, hp...)
	// Rated below expectations, then closed.
	poor := script(t, in("C-2"), t0, append(append(hp[:6:6], feedback(5, 8, 4)), closeCase)...)
	// Expectations met but a CSAT of 3.
	lukewarm := script(t, in("C-3"), t0, append(append(hp[:6:6], feedback(8, 8, 3)), closeCase)...)
	// Contested after a poor rating, handled again and carried out anew
	// (carried out at hour 12); rated again at hour 13.
	redo := append(append([]complainttest.Step{}, hp[:6]...), feedback(2, 8, 1),
		complainttest.Step{Command: complaint.Command{Kind: complaint.CmdReopen, Reason: "still torn"}, Actor: agent})
	redo = append(redo, hp[2:6]...)
	redo = append(redo, feedback(9, 8, 5))
	contested := script(t, in("C-4"), t0, redo...)

	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	tests := []struct {
		name string
		logs [][]complaint.Event
		asOf time.Time
		want int
	}{
		{"satisfied", [][]complaint.Event{happy}, at(20), 0},
		{"below expectations", [][]complaint.Event{poor}, at(20), 1},
		{"low CSAT", [][]complaint.Event{lukewarm}, at(20), 1},
		{"before the rating", [][]complaint.Event{poor}, at(6), 0},
		{"contested, in rework", [][]complaint.Event{contested}, at(9), 1},
		{"carried out anew, not yet rated", [][]complaint.Event{contested}, at(12), 0},
		{"rated anew, satisfied", [][]complaint.Event{contested}, at(20), 0},
		{"all together", [][]complaint.Event{happy, poor, lukewarm, contested}, at(20), 2},
		// Rated at hour 7: within the default 90-day window until it ends.
		{"rated within the window", [][]complaint.Event{poor}, at(7 + 90*24 - 1), 1},
		{"rated before the window", [][]complaint.Event{poor}, at(7 + 90*24), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := complaint.Signals(tc.logs, tc.asOf, 0, nil)
			require.NoError(t, err)
			s := sig["cust-X"]
			assert.Equal(t, tc.want, s.Dissatisfied)
			assert.LessOrEqual(t, s.Dissatisfied, s.Total)
		})
	}
}
