package complaint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// TestUnrecordedCaseIsNew pins that a case of version 0, one no event
// has been recorded for, is new whatever its other fields say (a struct
// reused, or filled in by hand): a command of a later step is refused as
// no transition from the new state, changing nothing, rather than applied
// as the first event of a log that leaves some other state (which
// [complaint.Rebuild] would refuse); and the recording leaves the zero
// state and starts the case afresh. [complaint.Permitted] agrees: the
// recording is all it lists.
func TestUnrecordedCaseIsNew(t *testing.T) {
	stale := complaint.Case{ID: "C-1", State: complaint.StateAccepted, Intake: complainttest.Intake("C-1", t0)}
	assign := complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}
	assert.Equal(t, []complaint.CommandKind{complaint.CmdRecord}, complaint.Permitted(stale))
	refused(t, nil, stale, assign, agent, hours(1))
	_, _, err := complaint.Apply(stale, assign, agent, hours(1))
	var te *complaint.TransitionError
	if assert.ErrorAs(t, err, &te) {
		assert.Equal(t, complaint.State(0), te.From)
	}

	stale.State = complaint.StateClosed
	in := complainttest.Intake("C-1", t0)
	c, ev := do(t, stale, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	assert.Equal(t, complaint.State(0), ev.From)
	assert.Equal(t, complaint.StateRecorded, ev.To)
	assert.Equal(t, complaint.StateRecorded, c.State)
	assert.Equal(t, 1, c.Version)
	rebuilt, err := complaint.Rebuild([]complaint.Event{ev})
	assert.NoError(t, err)
	assert.Equal(t, c, rebuilt)
}
