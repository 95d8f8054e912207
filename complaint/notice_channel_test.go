package complaint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// The resolved notice goes out on the channel the carry-out records
// (Execution.Notified: how the customer is told of the resolution), not on
// the one the complaint came in by; every other notice keeps the intake's.
func TestResolvedNoticeUsesTheCarryOutChannel(t *testing.T) {
	steps := complainttest.HappyPath()
	for i := range steps {
		if steps[i].Command.Kind == complaint.CmdCarryOut {
			ex := *steps[i].Command.Execution
			ex.Notified = complaint.ChannelPhone
			steps[i].Command.Execution = &ex
		}
	}
	in := complainttest.Intake("C-1", t0)
	require.Equal(t, complaint.ChannelWeb, in.Channel)
	events := script(t, in, t0, steps...)
	ns, err := complaint.Notices(events)
	require.NoError(t, err)
	seen := false
	for _, n := range ns {
		want := complaint.ChannelWeb
		if n.Topic == complaint.TopicResolved {
			want, seen = complaint.ChannelPhone, true
		}
		assert.Equal(t, want, n.Channel, "%s", n.Topic)
	}
	assert.True(t, seen, "a resolved notice")
}
