package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

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
	assert.Equal(t, 47*time.Hour, allWeek.Working(at(7, 12), at(9, 12)), "Saturday noon to Monday noon lost an hour")
	assert.Equal(t, at(9, 12), allWeek.Add(at(7, 12), 47*time.Hour))
	assert.Equal(t, 24*time.Hour, saturdays.Working(at(7, 0), at(9, 0)), "Sunday is not a working day")
	assert.Equal(t, at(7, 12).Add(12*time.Hour), saturdays.Add(at(7, 12), 12*time.Hour), "Saturday ends at Sunday's first instant")
	assert.Equal(t, at(14, 12), saturdays.Add(at(7, 12), 24*time.Hour), "the rest of Saturday, then the next one")
	assert.Equal(t, 8*time.Hour+3*time.Hour, office.Working(at(6, 9), at(9, 12)), "Friday and Monday morning")
	assert.Equal(t, at(9, 12), office.Add(at(6, 14), 6*time.Hour))

	// An SLA under that calendar, across the change.
	in := complainttest.Intake("C-1", at(6, 14))
	_, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, at(6, 14))
	sla := complaint.DefaultSLA()
	sla.Calendar = office
	st, err := sla.Status([]complaint.Event{ev}, at(9, 12))
	require.NoError(t, err)
	assert.Equal(t, 6*time.Hour, st.Step.Elapsed)
}

// In zones east of UTC a wall-clock time skipped by the change to summer
// time is normalised by time.Date forward, past the change (Berlin,
// Sunday 29 March 2026: 02:30 becomes 03:30 CEST), in zones west of it
// backward. Either way working hours that open or close within the
// skipped hour open or close at the instant of the change (03:00 CEST),
// and Add and Working agree.
func TestCalendarSkippedHourEastOfUTC(t *testing.T) {
	for _, tc := range []struct {
		zone                 string
		y                    int
		m                    time.Month
		d                    int
		open, close, working time.Duration
	}{
		// Opens at 02:30, which does not exist: the day runs 03:00–17:00.
		{"Europe/Berlin", 2026, time.March, 29, 2*time.Hour + 30*time.Minute, 17 * time.Hour, 14 * time.Hour},
		// Open and close both within the skipped hour: no working time.
		{"Europe/Berlin", 2026, time.March, 29, 2*time.Hour + 15*time.Minute, 2*time.Hour + 45*time.Minute, 0},
		// Samoa went from 03:00 to 04:00 on 30 September 2018.
		{"Pacific/Apia", 2018, time.September, 30, 3*time.Hour + 45*time.Minute, 4 * time.Hour, 0},
		// West of UTC: New York, 02:00 to 03:00 on 8 March 2026.
		{"America/New_York", 2026, time.March, 8, 2*time.Hour + 30*time.Minute, 17 * time.Hour, 14 * time.Hour},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Skip("no time zone database:", err)
		}
		cal := &complaint.Calendar{Location: loc, Open: tc.open, Close: tc.close, Workdays: [7]bool{true, true, true, true, true, true, true}}
		day := time.Date(tc.y, tc.m, tc.d, 0, 0, 0, 0, loc)
		next := time.Date(tc.y, tc.m, tc.d+1, 0, 0, 0, 0, loc)
		assert.Equal(t, tc.working, cal.Working(day, next), "%s %s–%s on the day of the change", tc.zone, tc.open, tc.close)
		// From the close of the day before, Add walks the day of the
		// change and the next one as Working counts them.
		from := time.Date(tc.y, tc.m, tc.d-1, 0, 0, 0, int(tc.close), loc)
		for _, d := range []time.Duration{time.Minute, tc.working, tc.working + time.Minute, tc.working + tc.close - tc.open} {
			if d <= 0 {
				continue
			}
			end := cal.Add(from, d)
			assert.Equal(t, d, cal.Working(from, end), "%s: Working(from, Add(from, %s)) with %s–%s, Add gave %s", tc.zone, d, tc.open, tc.close, end)
		}
	}
}
