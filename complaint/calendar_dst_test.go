package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// within runs f and fails the test when it does not return in time.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("did not return within %s", d)
	}
}

// In America/Santiago the clocks go from 24:00 on Saturday 7 September
// 2024 to 01:00 on Sunday: Sunday has no local midnight, and
// time.Date(2024, 9, 8, 0, …) is Saturday 23:00. The calendar must still
// walk from day to day, and tell the days' weekdays apart.
func TestCalendarMidnightDST(t *testing.T) {
	scl, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	at := func(day, hour int) time.Time { return time.Date(2024, 9, day, hour, 0, 0, 0, scl) }
	allWeek := &complaint.Calendar{Location: scl, Open: 0, Close: 24 * time.Hour, Workdays: [7]bool{true, true, true, true, true, true, true}}
	saturdays := &complaint.Calendar{Location: scl, Open: 0, Close: 24 * time.Hour}
	saturdays.Workdays[time.Saturday] = true
	office := complaint.OfficeHours(scl, 9*time.Hour, 17*time.Hour)
	within(t, 5*time.Second, func() {
		assert.Equal(t, 47*time.Hour, allWeek.Working(at(7, 12), at(9, 12)), "Saturday noon to Monday noon lost an hour")
		assert.Equal(t, at(9, 12), allWeek.Add(at(7, 12), 47*time.Hour))
		assert.Equal(t, 24*time.Hour, saturdays.Working(at(7, 0), at(9, 0)), "Sunday is not a working day")
		assert.Equal(t, at(7, 12).Add(12*time.Hour), saturdays.Add(at(7, 12), 12*time.Hour), "Saturday ends at Sunday's first instant")
		assert.Equal(t, at(14, 12), saturdays.Add(at(7, 12), 24*time.Hour), "the rest of Saturday, then the next one")
		assert.Equal(t, 8*time.Hour+3*time.Hour, office.Working(at(6, 9), at(9, 12)), "Friday and Monday morning")
		assert.Equal(t, at(9, 12), office.Add(at(6, 14), 6*time.Hour))
	})

	// An SLA under that calendar, across the change.
	in := complainttest.Intake("C-1", at(6, 14))
	_, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, at(6, 14))
	sla := complaint.DefaultSLA()
	sla.Calendar = office
	within(t, 5*time.Second, func() {
		st, err := sla.Status([]complaint.Event{ev}, at(9, 12))
		require.NoError(t, err)
		assert.Equal(t, 6*time.Hour, st.Step.Elapsed)
	})
}
