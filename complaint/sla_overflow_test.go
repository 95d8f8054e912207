package complaint_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// A clock that has run longer than a time.Duration holds (about 292
// years, as an as-of time far in the future gives) stays at the longest
// duration and overdue: it never wraps around to a negative time that
// would read as within target.
func TestSLAClocksSaturate(t *testing.T) {
	_, evs := reach(1) // recorded at 0h, accepted at 1h
	far := time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)
	st, err := complaint.DefaultSLA().Status(evs, far)
	require.NoError(t, err)
	assert.Equal(t, time.Duration(math.MaxInt64), st.Resolution.Elapsed)
	assert.True(t, st.Resolution.Overdue)
	assert.True(t, st.Resolution.EscalationDue)
	assert.Equal(t, time.Duration(math.MaxInt64), st.Step.Elapsed)
	assert.True(t, st.Step.Overdue)

	// The same with a calendar whose working time exceeds it.
	allWeek := &complaint.Calendar{Close: 24 * time.Hour, Workdays: [7]bool{true, true, true, true, true, true, true}}
	assert.Equal(t, time.Duration(math.MaxInt64), allWeek.Working(t0, far))
	p := complaint.DefaultSLA()
	p.Calendar = allWeek
	st, err = p.Status(evs, far)
	require.NoError(t, err)
	assert.Equal(t, time.Duration(math.MaxInt64), st.Resolution.Elapsed)
	assert.True(t, st.Resolution.Overdue)
}

// The day a complaint was received is typed by people; a year before
// customer.MinRecordYear ("0026" for 2026) is a typo that would start
// the SLA clocks centuries early, and is refused. A log recorded before
// the check still rebuilds, and its clocks start at the recording, as
// for a missing receipt time.
func TestReceivedBeforeMinRecordYear(t *testing.T) {
	typo := time.Date(26, 3, 2, 9, 0, 0, 0, time.UTC)
	in := intakeReceived(typo)
	invalid(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0, "command.intake.received", customer.CodeRange)
	var ve *customer.ValidationError
	require.ErrorAs(t, in.Validate(t0), &ve)
	assert.True(t, ve.Has("received", customer.CodeRange), "%v", ve)

	ok := intakeReceived(time.Date(customer.MinRecordYear, 1, 1, 0, 0, 0, 0, time.UTC))
	_, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &ok}, agent, t0)
	old := ev.Clone()
	old.Command.Intake.Received = typo
	c, err := complaint.Rebuild([]complaint.Event{old})
	require.NoError(t, err, "a stored log keeps loading")
	assert.Equal(t, typo, c.Intake.Received)
	st, err := complaint.DefaultSLA().Status([]complaint.Event{old}, t0)
	require.NoError(t, err)
	assert.Equal(t, t0, st.Step.Started)
	assert.False(t, st.Step.Overdue)
	assert.Zero(t, st.Resolution.Elapsed)
}

// intakeReceived is the fixture form of case C-1, received at received.
func intakeReceived(received time.Time) complaint.Intake {
	return complainttest.Intake("C-1", received)
}

// Escalation is due once Elapsed exceeds EscalateAt × Target, compared
// exactly: with targets beyond 2⁵³ ns (about 104 days), where a float64
// no longer holds every nanosecond, a clock one nanosecond past its
// target at EscalateAt 1 is overdue and due for escalation alike, and
// one nanosecond short of 1.5 × target is not yet due.
func TestEscalationPointExact(t *testing.T) {
	_, evs := reach(1) // recorded at 0h, accepted at 1h
	for _, target := range []time.Duration{1<<53 + 1, 1<<60 + 3, 300 * 24 * time.Hour} {
		p := complaint.DefaultSLA()
		p.Resolution[complaint.PriorityNormal] = target
		p.EscalateAt = 1
		s0, err := p.Status(evs, evs[0].At)
		require.NoError(t, err)
		start := s0.Resolution.Started
		st, err := p.Status(evs, start.Add(target+1))
		require.NoError(t, err)
		require.Equal(t, target+1, st.Resolution.Elapsed)
		assert.True(t, st.Resolution.Overdue, "target %d", target)
		assert.True(t, st.Resolution.EscalationDue, "target %d: one nanosecond past 1 × target", target)

		p.EscalateAt = 1.5
		point := target + target/2 // 1.5 × target, rounded down for an odd target
		st, err = p.Status(evs, start.Add(point))
		require.NoError(t, err)
		assert.False(t, st.Resolution.EscalationDue, "target %d: at %d", target, point)
		st, err = p.Status(evs, start.Add(point+1))
		require.NoError(t, err)
		assert.True(t, st.Resolution.EscalationDue, "target %d: at %d", target, point+1)
	}
}
