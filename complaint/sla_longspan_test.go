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

// Dates beyond the range of a customer.Date (int32 days, about 5.9
// million years from 1970), which a calendar with second-long working
// hours reaches within a Duration of working time, keep their weekdays
// and are no holidays of dates 2³² days earlier: Add and Working count
// one second per Monday to the last one, as the Mondays are counted by
// hand, and a holiday counts on its own date only.
func TestCalendarBeyondDateRange(t *testing.T) {
	mondays := &complaint.Calendar{Open: 9 * time.Hour, Close: 9*time.Hour + time.Second}
	mondays.Workdays[time.Monday] = true
	from := time.Date(2026, time.January, 5, 10, 0, 0, 0, time.UTC) // a Monday, after its second
	for _, k := range []int{1000, 300_000_000, 400_000_000, 3_000_000_000, 9_000_000_000} {
		d := time.Duration(k) * time.Second
		want := time.Date(2026, time.January, 5+7*k, 9, 0, 1, 0, time.UTC) // the k-th Monday after
		require.Equal(t, time.Monday, want.Weekday())
		assert.Equal(t, want, mondays.Add(from, d), "%d Mondays", k)
		assert.Equal(t, d, mondays.Working(from, want), "%d Mondays", k)
		assert.Equal(t, d-1, mondays.Working(from, want.Add(-1)), "%d Mondays", k)
	}

	allWeek := &complaint.Calendar{Open: 9 * time.Hour, Close: 9*time.Hour + time.Second, Workdays: [7]bool{true, true, true, true, true, true, true}}
	h := customer.DateFromYMD(2026, time.January, 12)
	allWeek.Holidays = []customer.Date{h}
	far := h.Time().AddDate(0, 0, 1<<32) // the date a Date of h+2³² would wrap to h
	assert.Equal(t, time.Second, allWeek.Working(far.Add(8*time.Hour), far.Add(10*time.Hour)), "%s is no holiday", far)
	assert.Equal(t, far.Add(9*time.Hour+time.Second), allWeek.Add(far.Add(8*time.Hour), time.Second))
	assert.Zero(t, allWeek.Working(h.Time().Add(8*time.Hour), h.Time().Add(10*time.Hour)), "%s is a holiday", h)
}

// Near the ends of a time.Time the day after a date wraps around to the
// distant past: the calendar covers the dates within 2⁴⁵ days of 1970
// and counts them exactly, and refuses instants beyond them (Working 0,
// Add the zero time, Status ErrBeyondCalendar) rather than walking the
// wrapped days for ever or passing a wrong answer off as right. Hours of
// a nanosecond a day reach beyond them within a Duration.
func TestCalendarBeyondItsDates(t *testing.T) {
	cal := &complaint.Calendar{Open: 9 * time.Hour, Close: 9*time.Hour + time.Nanosecond, Workdays: [7]bool{true, true, true, true, true, true, true}}
	last := time.Unix((1<<45)*86400, 0).UTC() // the last date covered
	from := time.Date(2026, time.January, 5, 10, 0, 0, 0, time.UTC)
	assert.True(t, cal.Covers(last.Add(24*time.Hour-1)))
	assert.False(t, cal.Covers(last.Add(24*time.Hour)))
	assert.True(t, cal.Covers(last.AddDate(0, 0, -(1<<46))))
	assert.False(t, cal.Covers(last.AddDate(0, 0, -(1<<46)-1)))
	assert.True(t, (*complaint.Calendar)(nil).Covers(last.Add(24*time.Hour)))

	assert.Equal(t, time.Nanosecond, cal.Working(last, last.Add(24*time.Hour-1)), "the last date counts")
	assert.Equal(t, last.Add(9*time.Hour+1), cal.Add(last, 1))
	whole := int64(1<<45) - int64(customer.DateOf(from)) // the dates from the day after from to last, one nanosecond each
	assert.Equal(t, time.Duration(whole), cal.Working(from, last.Add(24*time.Hour-1)))
	assert.Equal(t, last.Add(9*time.Hour+1), cal.Add(from, time.Duration(whole)))

	end := time.Unix(1<<63-1-62135596800, 999999999) // the latest time.Time
	for _, to := range []time.Time{last.Add(24 * time.Hour), end} {
		assert.Zero(t, cal.Working(from, to), "to %s", to)
		assert.True(t, cal.Add(to, time.Nanosecond).IsZero(), "from %s", to)
	}
	assert.True(t, cal.Add(from, time.Duration(whole)+1).IsZero(), "the next nanosecond falls beyond the dates")
	assert.True(t, cal.Add(from, 1<<63-1).IsZero())

	_, evs := reach(1)
	p := complaint.DefaultSLA()
	p.Calendar = cal
	_, err := p.Status(evs, end)
	require.ErrorIs(t, err, complaint.ErrBeyondCalendar)
	st, err := p.Status(evs, last)
	require.NoError(t, err)
	assert.Equal(t, cal.Working(evs[0].At, last), st.Resolution.Elapsed)
}
