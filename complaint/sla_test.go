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

// waitingLog: recorded at 0h, wait at 1h, resume at 25h (normal priority).
func waitingLog(t *testing.T) []complaint.Event {
	c, ev := complainttest.Record("C-1", t0)
	evs := []complaint.Event{ev}
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdWait, Reason: "receipt"}, agent, hours(1))
	evs = append(evs, ev)
	_, ev = do(t, c, complaint.Command{Kind: complaint.CmdResume}, complainant, hours(25))
	return append(evs, ev)
}

func TestSLAPausesWhileWaiting(t *testing.T) {
	evs := waitingLog(t)
	st, err := complaint.DefaultSLA().Status(evs, hours(30))
	require.NoError(t, err)
	assert.Equal(t, complaint.StateRecorded, st.State)
	assert.False(t, st.Paused)
	assert.Equal(t, 24*time.Hour, st.PausedFor)
	assert.Equal(t, 6*time.Hour, st.Step.Elapsed, "1h before the wait + 5h after")
	assert.Equal(t, 24*time.Hour, st.Step.Target, "normal priority, judge within 24h")
	assert.Equal(t, hours(25+23), st.Step.Due, "18h of target left at 30h")
	assert.True(t, st.Step.Running)
	assert.Len(t, st.Visits, 1, "the wait does not start a new visit")
	assert.Equal(t, 6*time.Hour, st.Resolution.Elapsed)

	// While waiting, the clocks stand still and no due time is given.
	st, err = complaint.DefaultSLA().Status(evs, hours(20))
	require.NoError(t, err)
	assert.True(t, st.Paused)
	assert.Equal(t, time.Hour, st.Step.Elapsed)
	assert.False(t, st.Step.Running)
	assert.True(t, st.Step.Due.IsZero())
	assert.Equal(t, 19*time.Hour, st.PausedFor)
	assert.Equal(t, complaint.StateWaiting, st.State)
	assert.Equal(t, time.Hour, st.Resolution.Elapsed)
}

func TestSLAOverdueAndEscalation(t *testing.T) {
	evs := waitingLog(t)
	sla := complaint.DefaultSLA()
	st, err := sla.Status(evs, hours(49))
	require.NoError(t, err)
	assert.Equal(t, 25*time.Hour, st.Step.Elapsed)
	assert.True(t, st.Step.Overdue)
	assert.True(t, st.Overdue())
	assert.False(t, st.EscalationDue(), "escalation at 36h")
	assert.Equal(t, hours(48), st.Step.Due)
	assert.Equal(t, 1, st.Breaches)
	st, err = sla.Status(evs, hours(61).Add(time.Second))
	require.NoError(t, err)
	assert.True(t, st.EscalationDue())

	// The pauses come from the log: a new policy recomputes the targets
	// and keeps the pause.
	strict := &complaint.SLAPolicy{Steps: map[complaint.State]complaint.Targets{complaint.StateRecorded: {complaint.PriorityNormal: 2 * time.Hour}}}
	st, err = strict.Status(evs, hours(30))
	require.NoError(t, err)
	assert.Equal(t, 6*time.Hour, st.Step.Elapsed)
	assert.Equal(t, 24*time.Hour, st.PausedFor)
	assert.True(t, st.Step.Overdue)
	assert.True(t, st.Step.EscalationDue, "EscalateAt below 1 counts as 1")
	assert.Equal(t, hours(26), st.Step.Due, "1h before the wait, 1h after resuming")
	assert.False(t, st.Resolution.Overdue, "no resolution target")
	assert.True(t, st.Resolution.Due.IsZero())
}

// An SLA job escalates whatever is due. One escalation after a clock's
// escalation point answers that clock; one before it does not; the
// resolution clock passing its own point later calls for another.
func TestSLAEscalationAnswersItsClock(t *testing.T) {
	evs := waitingLog(t)
	c, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	escalate := complaint.Command{Kind: complaint.CmdEscalate, Reason: "SLA"}
	sla := complaint.DefaultSLA()

	// At 50h the step is overdue (26h of 24h) but not yet at 36h.
	early, ev := do(t, c, escalate, agent, hours(50))
	evs = append(evs, ev)
	st, err := sla.Status(evs, hours(61).Add(time.Second))
	require.NoError(t, err)
	assert.False(t, st.Step.Escalated, "escalated before the point")
	assert.True(t, st.EscalationDue())

	_, ev = do(t, early, escalate, system, hours(62))
	evs = append(evs, ev)
	st, err = sla.Status(evs, hours(70))
	require.NoError(t, err)
	assert.True(t, st.Step.Escalated)
	assert.False(t, st.Step.EscalationDue)
	assert.False(t, st.EscalationDue(), "the escalation at 62h answers the step clock")
	assert.False(t, st.Resolution.Escalated, "the resolution clock was not past its point")
	assert.Equal(t, complaint.PriorityUrgent, st.Priority, "normal, high, urgent")

	// The resolution clock (240h, escalation at 360h) passes its point at
	// 384h: due again, on that clock only.
	st, err = sla.Status(evs, hours(385))
	require.NoError(t, err)
	assert.True(t, st.Resolution.EscalationDue)
	assert.False(t, st.Step.EscalationDue)
	assert.True(t, st.EscalationDue())
}

func TestSLAVisitsAndResolution(t *testing.T) {
	c, evs := reach(4) // proposed at 4h
	c, ev := do(t, c, complaint.Command{Kind: complaint.CmdSendBack, Reason: "more"}, supervisor, hours(5))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}, system, hours(6))
	evs = append(evs, ev)
	_, ev = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "d"}}, handler, hours(8))
	evs = append(evs, ev)
	st, err := complaint.DefaultSLA().Status(evs, hours(9))
	require.NoError(t, err)
	var states []complaint.State
	for _, v := range st.Visits {
		states = append(states, v.State)
	}
	assert.Equal(t, []complaint.State{complaint.StateRecorded, complaint.StateAccepted, complaint.StateAssigned,
		complaint.StateInvestigated, complaint.StateProposed, complaint.StateInvestigated, complaint.StateProposed}, states)
	assert.Equal(t, 3*time.Hour, st.Visits[5].Elapsed, "escalation continues the visit")
	assert.Equal(t, 48*time.Hour, st.Visits[5].Target, "target fixed when the visit started (normal)")
	assert.Equal(t, 8*time.Hour, st.Step.Target, "escalated to high before this visit")
	assert.Equal(t, complaint.PriorityHigh, st.Priority)
	assert.Equal(t, 9*time.Hour, st.Resolution.Elapsed)
	assert.Equal(t, 240*time.Hour, st.Resolution.Target)

	// A closed case: no current step; the resolution clock stopped at
	// carry-out (6h).
	_, all := reach(8)
	st, err = complaint.DefaultSLA().Status(all, hours(100))
	require.NoError(t, err)
	assert.Equal(t, complaint.Clock{}, st.Step)
	assert.False(t, st.Resolution.Running)
	assert.Equal(t, 6*time.Hour, st.Resolution.Elapsed)
	assert.Len(t, st.Visits, 7)
	// Events after asOf are ignored.
	st, err = complaint.DefaultSLA().Status(all, hours(2.5))
	require.NoError(t, err)
	assert.Equal(t, complaint.StateAssigned, st.State)
	assert.Equal(t, 30*time.Minute, st.Step.Elapsed)
}

func TestSLAErrors(t *testing.T) {
	_, evs := reach(2)
	var nilPolicy *complaint.SLAPolicy
	_, err := nilPolicy.Status(evs, t0.Add(-time.Second))
	assert.ErrorIs(t, err, complaint.ErrAsOf)
	_, err = nilPolicy.Status(evs[1:], hours(5))
	assert.ErrorIs(t, err, complaint.ErrBadLog)
	bad := &complaint.SLAPolicy{Calendar: &complaint.Calendar{Open: 10 * time.Hour, Close: 9 * time.Hour}}
	_, err = bad.Status(evs, hours(5))
	assert.ErrorIs(t, err, complaint.ErrCalendar)
}

// A policy that could never escalate, or with negative targets or targets
// for states that are not steps, is refused with every field named.
func TestSLAPolicyValidate(t *testing.T) {
	_, evs := reach(3)
	require.NoError(t, complaint.DefaultSLA().Validate())
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		p := complaint.DefaultSLA()
		p.EscalateAt = x
		_, err := p.Status(evs, hours(5))
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve, "%v", x)
		assert.True(t, ve.Has("escalate_at", customer.CodeRange), "%v", err)
	}
	p := complaint.DefaultSLA()
	p.EscalateAt = 0.5 // counts as 1
	require.NoError(t, p.Validate())
	p.Steps[complaint.StateAssigned] = complaint.Targets{complaint.PriorityHigh: -time.Hour}
	p.Steps[complaint.StateClosed] = complaint.Targets{complaint.PriorityHigh: time.Hour}
	p.Resolution[complaint.PriorityLow] = -1
	err := p.Validate()
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("steps.assigned.high", customer.CodeRange), "%v", err)
	assert.True(t, ve.Has("steps.closed", customer.CodeUnknown), "%v", err)
	assert.True(t, ve.Has("resolution.low", customer.CodeRange), "%v", err)
	assert.Len(t, ve.Fields, 3)
	_, err = p.Status(evs, hours(5))
	require.ErrorAs(t, err, &ve)
}

func TestCalendar(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	// 2026-03-02 is a Monday; Tuesday 3 March is a holiday.
	cal := complaint.OfficeHours(cet, 9*time.Hour, 17*time.Hour, customer.DateFromYMD(2026, 3, 3))
	require.NoError(t, cal.Validate())
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, cet) }
	cases := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"same day", at(2, 10), at(2, 12), 2 * time.Hour},
		{"before opening to after closing", at(2, 6), at(2, 20), 8 * time.Hour},
		{"over the holiday", at(2, 16), at(4, 10), 2 * time.Hour},
		{"over the weekend", at(6, 16), at(9, 10), 2 * time.Hour},
		{"weekend only", at(7, 10), at(8, 20), 0},
		{"reversed", at(4, 10), at(2, 10), 0},
		{"a whole week", at(2, 0), at(9, 0), 4 * 8 * time.Hour},
		{"other zone", time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Hour},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, cal.Working(tc.from, tc.to), tc.name)
	}
	assert.Equal(t, at(4, 10), cal.Add(at(2, 16), 2*time.Hour), "Monday 16:00 + 2h skips the holiday")
	assert.Equal(t, at(9, 10), cal.Add(at(6, 16), 2*time.Hour), "Friday 16:00 + 2h is Monday 10:00")
	assert.Equal(t, at(9, 9).Add(time.Minute), cal.Add(at(7, 12), time.Minute), "from the weekend")
	assert.Equal(t, at(2, 17), cal.Add(at(2, 9), 8*time.Hour), "a full day ends at closing")
	assert.Equal(t, at(2, 3), cal.Add(at(2, 3), 0))

	var none *complaint.Calendar
	assert.NoError(t, none.Validate())
	assert.Equal(t, 5*time.Hour, none.Working(at(2, 1), at(2, 6)))
	assert.Equal(t, at(2, 6), none.Add(at(2, 1), 5*time.Hour))

	noDays := &complaint.Calendar{Open: time.Hour, Close: 2 * time.Hour}
	assert.ErrorIs(t, noDays.Validate(), complaint.ErrCalendar)
	assert.True(t, noDays.Add(at(2, 1), time.Hour).IsZero(), "no working time within 800 days")
	utc := &complaint.Calendar{Open: 0, Close: 24 * time.Hour, Workdays: [7]bool{true, true, true, true, true, true, true}}
	assert.Equal(t, 48*time.Hour, utc.Working(at(2, 0), at(4, 0)))

	// An SLA under business hours: recorded Monday 16:00 CET; Tuesday is
	// a holiday, so at Wednesday 10:00 two working hours have passed.
	in := complainttest.Intake("C-1", at(2, 16))
	_, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, at(2, 16))
	sla := complaint.DefaultSLA()
	sla.Calendar = cal
	st, err := sla.Status([]complaint.Event{ev}, at(4, 10))
	require.NoError(t, err)
	assert.Equal(t, 2*time.Hour, st.Step.Elapsed)
	assert.Equal(t, at(6, 16), st.Step.Due, "24 working hours: Mon 1h + Wed 8h + Thu 8h + Fri 7h")
}
