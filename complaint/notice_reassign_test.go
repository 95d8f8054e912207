package complaint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
)

// A reassignment to another department is a step the customer hears of
// (domain rules §5: keep the customer informed of every step), with the
// department that now handles the case; a change of handler within the
// same department is the brand's own business.
func TestNoticeOfReassignment(t *testing.T) {
	assigned, events := reach(2)
	require.Equal(t, "quality", assigned.Department)

	sameDept, ev := do(t, assigned, complaint.Command{Kind: complaint.CmdReassign,
		Assignment: &complaint.Assignment{Department: "quality", Handler: "handler-2"}}, supervisor, hours(4))
	_, ok, err := complaint.NoticeOf(sameDept, ev)
	require.NoError(t, err)
	assert.False(t, ok, "a new handler in the same department")
	events = append(events, ev)

	moved, ev := do(t, sameDept, complaint.Command{Kind: complaint.CmdReassign, Reason: "a delivery fault",
		Assignment: &complaint.Assignment{Department: "logistics", Handler: "handler-3"}}, supervisor, hours(5))
	assert.Equal(t, "quality", ev.FromDepartment, "the event records the department the case left")
	n, ok, err := complaint.NoticeOf(moved, ev)
	require.NoError(t, err)
	require.True(t, ok, "another department")
	assert.Equal(t, complaint.TopicReassigned, n.Topic)
	assert.Equal(t, "logistics", n.Department)
	assert.Equal(t, moved.Intake.Channel, n.Channel)
	events = append(events, ev)

	ns, err := complaint.Notices(events)
	require.NoError(t, err)
	assert.Equal(t, []complaint.Topic{complaint.TopicReceived, complaint.TopicAccepted, complaint.TopicAssigned, complaint.TopicReassigned}, topics(ns))

	// The event's record of the department left is part of the log: a
	// log that names another one is bad.
	bad := append([]complaint.Event(nil), events...)
	bad[len(bad)-1].FromDepartment = "returns"
	_, err = complaint.Rebuild(bad)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	bad = append([]complaint.Event(nil), events...)
	bad[1].FromDepartment = "quality"
	_, err = complaint.Rebuild(bad)
	require.ErrorIs(t, err, complaint.ErrBadLog, "only a reassignment leaves a department")

	// A log written before events recorded the department left: Notices
	// reads it from the case; NoticeOf, without it, tells the customer.
	old := append([]complaint.Event(nil), events...)
	old[3].FromDepartment, old[4].FromDepartment = "", ""
	ns, err = complaint.Notices(old)
	require.NoError(t, err)
	assert.Equal(t, []complaint.Topic{complaint.TopicReceived, complaint.TopicAccepted, complaint.TopicAssigned, complaint.TopicReassigned}, topics(ns))
	r, err := complaint.Rebuild(old)
	require.NoError(t, err)
	n, ok, err = complaint.NoticeOf(r, old[4])
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, complaint.TopicReassigned, n.Topic)
}
