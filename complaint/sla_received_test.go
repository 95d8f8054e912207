package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// lateLetter is case C-1, a letter received at t0 and typed in three days
// later (72h), then accepted at 73h.
func lateLetter(t *testing.T) []complaint.Event {
	in := complainttest.Intake("C-1", t0)
	in.Channel = complaint.ChannelLetter
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, hours(72))
	evs := []complaint.Event{ev}
	_, ev = do(t, c, complaint.Command{Kind: complaint.CmdAccept}, agent, hours(73))
	return append(evs, ev)
}

// The customer waits from the moment they complained (Intake.Received),
// not from when the desk typed the complaint in: the judging step and the
// resolution clock start then. Case.Opened and the first event keep the
// time of the recording for the audit trail.
func TestSLAStartsWhenTheCustomerComplained(t *testing.T) {
	evs := lateLetter(t)
	st, err := complaint.DefaultSLA().Status(evs[:1], hours(72))
	require.NoError(t, err)
	assert.Equal(t, t0, st.Step.Started, "the judging clock starts at receipt")
	assert.Equal(t, 72*time.Hour, st.Step.Elapsed)
	assert.True(t, st.Step.Overdue, "24h to judge a normal case: overdue when typed in")
	assert.True(t, st.Step.EscalationDue, "beyond 1.5 × 24h")
	assert.Equal(t, hours(24), st.Step.Due)
	assert.Equal(t, t0, st.Resolution.Started)
	assert.Equal(t, 72*time.Hour, st.Resolution.Elapsed)

	st, err = complaint.DefaultSLA().Status(evs, hours(74))
	require.NoError(t, err)
	require.Len(t, st.Visits, 2)
	assert.Equal(t, 73*time.Hour, st.Visits[0].Elapsed, "receipt to acceptance")
	assert.True(t, st.Visits[0].Overdue)
	assert.Equal(t, 1, st.Breaches, "the judging step was late; the resolution (240h) is not")
	assert.Equal(t, 74*time.Hour, st.Resolution.Elapsed)

	c, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.Equal(t, hours(72), c.Opened, "the case keeps the time it was recorded")
	assert.Equal(t, t0, c.Intake.Received)
	_, err = complaint.DefaultSLA().Status(evs, hours(71))
	assert.ErrorIs(t, err, complaint.ErrAsOf, "no clock before the case is recorded")

	// Working time counts from receipt too.
	cal := &complaint.SLAPolicy{Steps: map[complaint.State]complaint.Targets{complaint.StateRecorded: {complaint.PriorityNormal: 8 * time.Hour}},
		Calendar: complaint.OfficeHours(time.UTC, 9*time.Hour, 17*time.Hour)}
	st, err = cal.Status(evs[:1], hours(72)) // t0 is Monday 2 March 2026, 09:00 UTC
	require.NoError(t, err)
	require.Equal(t, time.Monday, t0.Weekday())
	require.Equal(t, 9, t0.Hour())
	assert.Equal(t, 24*time.Hour, st.Step.Elapsed, "three office days of 8h")
	assert.Equal(t, hours(8), st.Step.Due, "8 working hours after receipt")
}

// The analytics and the churn signals read the same clocks: the late
// letter counts as a breach, and its time to judge and to resolve
// includes the days before it was typed in.
func TestAnalyticsCountFromReceipt(t *testing.T) {
	evs := lateLetter(t)
	r, err := complaint.Analyze([][]complaint.Event{evs}, t0, hours(100), 10, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Breached)
	require.NotEmpty(t, r.StepTimes)
	assert.Equal(t, complaint.StateRecorded, r.StepTimes[0].State)
	assert.Equal(t, 73*time.Hour, r.StepTimes[0].Median)

	sig, err := complaint.Signals([][]complaint.Event{evs}, hours(74), 0, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, sig["cust-C-1"].SLABreaches)
}
