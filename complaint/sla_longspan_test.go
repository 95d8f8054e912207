package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// A business-hours calendar counts working time over millennia, with a
// long holiday list, in a zone with daylight-saving time, exactly: one
// hour per Monday that is no holiday, and office hours saturate at the
// largest Duration. (It counts whole days arithmetically, a few steps per
// change of the zone's offset; BenchmarkSLAStatusLongSpan measures the
// speed.)
func TestCalendarLongSpan(t *testing.T) {
	ber, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	// One working hour a week, on Mondays (1 January of the year 1 is a
	// Monday), less a holiday every 181 days: over ten millennia the
	// working time stays within a Duration.
	cal := &complaint.Calendar{Location: ber, Open: 9 * time.Hour, Close: 10 * time.Hour}
	cal.Workdays[time.Monday] = true
	from := time.Date(1, 1, 1, 0, 0, 0, 0, ber)
	const weeks = 520000
	to := time.Date(1, 1, 1+7*weeks, 0, 0, 0, 0, ber)
	mondays := weeks
	for d := customer.DateOf(from); d < customer.DateOf(to); d += 181 {
		cal.Holidays = append(cal.Holidays, d)
		if d.Time().Weekday() == time.Monday {
			mondays--
		}
	}
	require.Equal(t, time.Monday, from.Weekday())
	assert.Equal(t, time.Duration(mondays)*time.Hour, cal.Working(from, to))
	// Office hours saturate: more than a Duration holds.
	office := complaint.OfficeHours(ber, 9*time.Hour, 17*time.Hour, cal.Holidays...)
	assert.Equal(t, time.Duration(1<<63-1), office.Working(from, to))
}

// Working time is additive, Add is its inverse, and the whole-day
// arithmetic agrees with the walk over single days: the sum over pieces
// shorter than a day (which never hold a whole day) equals the working
// time of the whole span, in zones with daylight-saving changes at and
// around midnight and with holidays.
func TestCalendarWholeDaysAgreeWithDayWalk(t *testing.T) {
	locs := zones(t, "UTC", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "America/New_York", "Pacific/Apia", "Asia/Kolkata")
	rapid.Check(t, func(t *rapid.T) {
		loc := rapid.SampledFrom(locs).Draw(t, "loc")
		open := time.Duration(rapid.IntRange(0, 47).Draw(t, "open")) * 30 * time.Minute
		close := open + time.Duration(rapid.IntRange(1, 48-int(open/(30*time.Minute))).Draw(t, "close"))*30*time.Minute
		cal := &complaint.Calendar{Location: loc, Open: open, Close: close}
		for d := range cal.Workdays {
			cal.Workdays[d] = rapid.Bool().Draw(t, "workday")
		}
		cal.Workdays[rapid.IntRange(0, 6).Draw(t, "one workday")] = true
		base := time.Date(rapid.IntRange(1880, 2100).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month")), 1, 0, 0, 0, 0, loc)
		for range rapid.IntRange(0, 12).Draw(t, "holidays") {
			d := customer.DateOf(base) + customer.Date(rapid.IntRange(-5, 800).Draw(t, "holiday"))
			cal.Holidays = append(cal.Holidays, d, d) // repeated dates count once
		}
		from := base.Add(time.Duration(rapid.Int64Range(0, int64(40*24*time.Hour)).Draw(t, "from")))
		to := from.Add(time.Duration(rapid.Int64Range(0, int64(700*24*time.Hour)).Draw(t, "span")))
		piece := time.Duration(rapid.Int64Range(int64(time.Hour), int64(13*time.Hour)).Draw(t, "piece"))
		var sum time.Duration
		for a := from; a.Before(to); a = a.Add(piece) {
			sum += cal.Working(a, earlier(a.Add(piece), to))
		}
		w := cal.Working(from, to)
		if w != sum {
			t.Fatalf("Working(%s, %s) = %s, the sum over pieces of %s is %s", from, to, w, piece, sum)
		}
		if w > 0 {
			if end := cal.Add(from, w); cal.Working(from, end) != w || end.After(to) {
				t.Fatalf("Add(%s, %s) = %s, Working to it %s", from, w, end, cal.Working(from, end))
			}
		}
	})
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// A receipt time before customer.MinRecordYear is refused for new input
// but loads from an old log: it is another system's placeholder for a
// missing date, not when the customer complained. The clocks of such a
// case start at the recording, as for an intake without a receipt time,
// rather than centuries overdue; the analytics and the churn signals read
// the same clocks and count no breach.
func TestPlaceholderReceiptStartsTheClocksAtTheRecording(t *testing.T) {
	ok := intakeReceived(t0)
	_, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &ok}, agent, hours(2))
	for _, placeholder := range []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600)), // not the zero time
		time.Date(1, 1, 1, 9, 0, 0, 0, time.UTC),
		time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC),
		time.Date(customer.MinRecordYear, 1, 1, 0, 0, 0, -1, time.UTC),
	} {
		old := ev.Clone()
		old.Command.Intake.Received = placeholder
		evs := []complaint.Event{old}
		_, err := complaint.Rebuild(evs)
		require.NoError(t, err, "a stored log keeps loading")
		for _, cal := range []*complaint.Calendar{nil, longSpanCalendar(t)} {
			sla := complaint.DefaultSLA()
			sla.Calendar = cal
			var st complaint.SLAStatus
			st, err = sla.Status(evs, hours(3))
			require.NoError(t, err)
			assert.Equal(t, hours(2), st.Step.Started, "%s: the judging clock starts at the recording", placeholder)
			assert.Equal(t, hours(2), st.Resolution.Started, "%s", placeholder)
			assert.False(t, st.Overdue(), "%s", placeholder)
			assert.Zero(t, st.Breaches, "%s", placeholder)
		}
		r, err := complaint.Analyze([][]complaint.Event{evs}, hours(2), hours(3), 0, nil)
		require.NoError(t, err)
		assert.Equal(t, 1, r.Cases, "%s: the case counts in the period it was recorded in", placeholder)
		assert.Zero(t, r.Breached)
		sig, err := complaint.Signals([][]complaint.Event{evs}, hours(3), 0, nil)
		require.NoError(t, err)
		assert.Zero(t, sig["cust-C-1"].SLABreaches)
		assert.Equal(t, hours(2), sig["cust-C-1"].Last)
	}
}
