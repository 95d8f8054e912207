package complaint_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// The report does not depend on the order of the logs, to the last bit
// of the satisfaction mean: the ratios p/e of many feedbacks summed in
// different orders round differently.
func TestAnalyzeIndependentOfLogOrder(t *testing.T) {
	hp := complainttest.HappyPath()
	var logs [][]complaint.Event
	k := 0
	for p := 0; p <= complaint.ValueScaleMax; p++ {
		for e := 1; e <= complaint.ValueScaleMax; e++ {
			k++
			in := complainttest.Intake(complaint.ID(fmt.Sprintf("C-%d", k)), t0)
			steps := append([]complainttest.Step(nil), hp[:6]...)
			steps = append(steps, complainttest.Step{Command: complaint.Command{Kind: complaint.CmdRecordFeedback,
				Feedback: &complaint.Feedback{Perceived: p, Expected: e, CSAT: 1 + k%5}}, Actor: agent})
			logs = append(logs, script(t, in, t0.Add(time.Duration(k)*time.Minute), steps...))
		}
	}
	to := t0.Add(240 * time.Hour)
	want, err := complaint.Analyze(logs, t0, to, 1000, nil)
	require.NoError(t, err)
	require.Equal(t, len(logs), want.Satisfaction.Responses)
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 50; i++ {
		r.Shuffle(len(logs), func(a, b int) { logs[a], logs[b] = logs[b], logs[a] })
		got, err := complaint.Analyze(logs, t0, to, 1000, nil)
		require.NoError(t, err)
		require.True(t, reflect.DeepEqual(want, got), "shuffle %d: %+v\nwant %+v", i, got.Satisfaction, want.Satisfaction)
	}
}
