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

// refAt is the first instant at or after the wall-clock time off past
// midnight of the date y-m-d in loc, a skipped wall-clock time giving
// the instant of the change (the rule of the Calendar's doc).
func refAt(loc *time.Location, y int, m time.Month, d int, off time.Duration) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, int(off), loc)
	want := time.Date(y, m, d, 0, 0, 0, int(off), time.UTC)
	ty, tm, td := t.Date()
	h, mi, s := t.Clock()
	got := time.Date(ty, tm, td, h, mi, s, t.Nanosecond(), time.UTC)
	switch start, end := t.ZoneBounds(); {
	case got.Before(want) && !end.IsZero():
		return end
	case got.After(want) && !start.IsZero():
		return start
	}
	return t
}

// refWorking is the working time of [from, to) under cal, summed one
// calendar day at a time: the overlap of [from, to) with each date's
// hours, a date without hours on a day off or a holiday (looked up in
// the list as given).
func refWorking(cal *complaint.Calendar, from, to time.Time) time.Duration {
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	var sum time.Duration
	y, m, d := from.In(loc).Date()
	for refAt(loc, y, m, d, 0).Before(to) {
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		off := !cal.Workdays[day.Weekday()]
		for _, h := range cal.Holidays {
			if h.Time().Equal(day) {
				off = true
			}
		}
		if !off {
			a := refAt(loc, y, m, d, cal.Open)
			b := refAt(loc, y, m, d, cal.Close)
			if a.Before(from) {
				a = from
			}
			if b.After(to) {
				b = to
			}
			if b.After(a) {
				sum += b.Sub(a)
			}
		}
		y, m, d = day.AddDate(0, 0, 1).Date()
	}
	return sum
}

// refAdd is the instant at which d of working time has passed after t
// under cal, found by walking one calendar day at a time with the days'
// hours as refWorking takes them; the zero time once 800 days in a row
// had no working hours after t.
func refAdd(cal *complaint.Calendar, t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, dd := t.In(loc).Date()
	for idle := 0; idle < 800; {
		day := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		off := !cal.Workdays[day.Weekday()]
		for _, h := range cal.Holidays {
			if h.Time().Equal(day) {
				off = true
			}
		}
		if o, c := refAt(loc, y, m, dd, cal.Open), refAt(loc, y, m, dd, cal.Close); !off && c.After(t) {
			if o.Before(t) {
				o = t
			}
			if avail := c.Sub(o); d <= avail {
				return o.Add(d)
			} else {
				d -= avail
			}
			idle = 0
		} else {
			idle++
		}
		y, m, dd = day.AddDate(0, 0, 1).Date()
	}
	return time.Time{}
}

// Calendar.Working agrees with the walk over single days, is additive
// over any split point, and Add is its inverse and agrees with the walk
// too: in zones whose offset
// changes by an hour at 02:00 (Berlin), at midnight (Santiago), by half
// an hour (Lord Howe), across the date line (Apia, which skipped
// 30 December 2011), and in zones that dropped daylight-saving time
// (Tehran, 2022); with hours that open or close inside a changed hour,
// holidays on days off and repeated, instants not at midnight, and spans
// from a few hours to 50 years, some beyond the last transition of the
// zone database (its rule for the future).
func TestCalendarWorkingAgreesWithReference(t *testing.T) {
	locs := zones(t, "UTC", "Europe/Berlin", "America/Santiago", "Pacific/Apia", "Australia/Lord_Howe", "Asia/Tehran")
	rapid.Check(t, func(t *rapid.T) {
		loc := rapid.SampledFrom(locs).Draw(t, "loc")
		// Hours on a 10-minute grid, often at the day's ends and at,
		// inside and just after the hours the zones change at (00:00,
		// 02:00, 03:00, 24:00, and half past for Lord Howe).
		grid := func(label string, lo int) time.Duration {
			if rapid.Bool().Draw(t, label+" at a change") {
				var at []int
				for _, x := range []int{0, 3, 6, 12, 15, 18, 21, 135, 138, 141, 144} {
					if x >= lo {
						at = append(at, x)
					}
				}
				return time.Duration(rapid.SampledFrom(at).Draw(t, label)) * 10 * time.Minute
			}
			return time.Duration(rapid.IntRange(lo, 144).Draw(t, label)) * 10 * time.Minute
		}
		open := grid("open", 0)
		if open == 24*time.Hour {
			open -= 10 * time.Minute
		}
		close := grid("close", int(open/(10*time.Minute))+1)
		cal := &complaint.Calendar{Location: loc, Open: open, Close: close}
		for d := range cal.Workdays {
			cal.Workdays[d] = rapid.Bool().Draw(t, "workday")
		}
		cal.Workdays[rapid.IntRange(0, 6).Draw(t, "one workday")] = true
		year := rapid.SampledFrom([]int{1890, 1970, 2010, 2011, 2020, 2022, 2024, 2040, 2100}).Draw(t, "year") + rapid.IntRange(-2, 2).Draw(t, "year shift")
		base := time.Date(year, time.Month(rapid.IntRange(1, 12).Draw(t, "month")), rapid.IntRange(1, 28).Draw(t, "day"), 0, 0, 0, 0, loc)
		// Spans in days (rapid draws small numbers most often, so days
		// and the time of day are drawn apart) up to 50 years, and a
		// part of a day to the second or the nanosecond.
		maxDays := rapid.SampledFrom([]int{3, 60, 3 * 366, 50 * 366}).Draw(t, "max days")
		span := time.Duration(rapid.IntRange(0, maxDays).Draw(t, "days")) * 24 * time.Hour
		span += time.Duration(rapid.IntRange(0, 86399).Draw(t, "seconds")) * time.Second
		span += time.Duration(rapid.IntRange(0, 999999999).Draw(t, "nanoseconds"))
		var from time.Time
		if rapid.Bool().Draw(t, "from at midnight") {
			from = base
		} else {
			from = base.Add(time.Duration(rapid.IntRange(0, 86399).Draw(t, "from seconds"))*time.Second +
				time.Duration(rapid.IntRange(0, 999999999).Draw(t, "from nanoseconds")))
		}
		to := from.Add(span)
		if rapid.Bool().Draw(t, "to at midnight") {
			to = time.Date(to.In(loc).Year(), to.In(loc).Month(), to.In(loc).Day(), 0, 0, 0, 0, loc)
		}
		if to.Before(from) {
			to = from
		}
		span = to.Sub(from)
		days := int(to.Sub(from)/(24*time.Hour)) + 2
		for range rapid.IntRange(0, 30).Draw(t, "holidays") {
			h := customer.DateOf(from.In(loc)) + customer.Date(rapid.IntRange(-3, days+3).Draw(t, "holiday"))
			cal.Holidays = append(cal.Holidays, h)
			if rapid.Bool().Draw(t, "repeated") {
				cal.Holidays = append(cal.Holidays, h)
			}
		}
		w := cal.Working(from, to)
		if ref := refWorking(cal, from, to); w != ref {
			t.Fatalf("Working(%s, %s) = %s, the day walk gives %s", from, to, w, ref)
		}
		// Additive over a split point b in [from, to].
		b := from
		if span > 0 {
			b = from.Add(time.Duration(float64(span) * rapid.Float64Range(0, 1).Draw(t, "split")))
			if b.After(to) {
				b = to
			}
		}
		if l, r := cal.Working(from, b), cal.Working(b, to); l+r != w {
			t.Fatalf("Working(%s, %s) + Working(%s, %s) = %s + %s, the whole span %s", from, b, b, to, l, r, w)
		}
		// Add inverts Working: the instant at which w has passed is
		// within [from, to], and the working time up to it is w. Add
		// stops looking after 800 idle days, so spans are kept where a
		// workday without a holiday comes within them.
		if w > 0 {
			end := cal.Add(from, w)
			if end.IsZero() || end.After(to) || cal.Working(from, end) != w {
				t.Fatalf("Add(%s, %s) = %s, Working to it %s, to %s", from, w, end, cal.Working(from, end), to)
			}
			if ref := refAdd(cal, from, w); !end.Equal(ref) {
				t.Fatalf("Add(%s, %s) = %s, the day walk gives %s", from, w, end, ref)
			}
			// And so at any part of it.
			part := time.Duration(float64(w) * rapid.Float64Range(0, 1).Draw(t, "part"))
			if part > 0 && part <= w {
				end := cal.Add(from, part)
				if got := cal.Working(from, end); got != part {
					t.Fatalf("Working(%s, Add(%s, %s)) = %s", from, from, part, got)
				}
				if ref := refAdd(cal, from, part); !end.Equal(ref) {
					t.Fatalf("Add(%s, %s) = %s, the day walk gives %s", from, part, end, ref)
				}
			}
		}
	})
}

// Calendar.Add gives the instant the walk over single days gives for
// any working time, also where that walk gives up: blocks of hundreds
// of holidays in a row (800 days without working hours give the zero
// time, fewer do not), in zones with and without daylight-saving time.
// A calendar that Validate refuses (hours that do not open before they
// close or end after 24:00, a week without a workday) gives the zero
// time: on it the walk would go on for ever.
func TestCalendarAddAgreesWithDayWalk(t *testing.T) {
	locs := zones(t, "UTC", "Europe/Berlin", "America/Santiago", "Pacific/Apia", "Australia/Lord_Howe")
	rapid.Check(t, func(t *rapid.T) {
		loc := rapid.SampledFrom(locs).Draw(t, "loc")
		open := time.Duration(rapid.IntRange(0, 143).Draw(t, "open")) * 10 * time.Minute
		close := open + time.Duration(rapid.IntRange(1, 144-int(open/(10*time.Minute))).Draw(t, "close"))*10*time.Minute
		if rapid.IntRange(0, 9).Draw(t, "invalid hours") == 0 {
			close = time.Duration(rapid.IntRange(0, 150).Draw(t, "any close")) * 10 * time.Minute
		}
		cal := &complaint.Calendar{Location: loc, Open: open, Close: close}
		for d := range cal.Workdays {
			cal.Workdays[d] = rapid.IntRange(0, 9).Draw(t, "workday") > 1
		}
		year := rapid.SampledFrom([]int{1970, 2011, 2024, 2100}).Draw(t, "year")
		from := time.Date(year, time.Month(rapid.IntRange(1, 12).Draw(t, "month")), rapid.IntRange(1, 28).Draw(t, "day"), 0, 0, 0, 0, loc).
			Add(time.Duration(rapid.IntRange(0, 86399).Draw(t, "from seconds")) * time.Second)
		for range rapid.IntRange(0, 3).Draw(t, "holiday blocks") {
			h := customer.DateOf(from.In(loc)) + customer.Date(rapid.IntRange(-3, 1500).Draw(t, "block start"))
			n := rapid.SampledFrom([]int{1, 30, 150, 790, 799, 800, 801, 900}).Draw(t, "block days")
			for i := range n {
				cal.Holidays = append(cal.Holidays, h+customer.Date(i))
			}
		}
		d := time.Duration(rapid.IntRange(0, 3000).Draw(t, "hours"))*time.Hour +
			time.Duration(rapid.IntRange(0, 3599).Draw(t, "seconds"))*time.Second +
			time.Duration(rapid.IntRange(0, 999999999).Draw(t, "nanoseconds"))
		if cal.Validate() != nil {
			if got := cal.Add(from, d); d > 0 && !got.IsZero() {
				t.Fatalf("Add(%s, %s) on a calendar Validate refuses = %s", from, d, got)
			}
			return
		}
		if got, ref := cal.Add(from, d), refAdd(cal, from, d); !got.Equal(ref) {
			t.Fatalf("Add(%s, %s) = %s, the day walk gives %s", from, d, got, ref)
		}
	})
}

// Add gives up, with the zero time, after 800 days in a row without
// working hours, and not after 799: here holidays on every day from the
// day after a Monday on, then a working Wednesday. The year's target
// passes the working days arithmetically before the gap, and the gap
// counts from the last working day it passed.
func TestCalendarAddIdleDays(t *testing.T) {
	for _, gap := range []int{799, 800} {
		cal := complaint.OfficeHours(time.UTC, 9*time.Hour, 17*time.Hour)
		mon := time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC) // a Monday
		for i := 1; i <= gap; i++ {
			cal.Holidays = append(cal.Holidays, customer.DateOf(mon)+customer.Date(i))
		}
		from := mon.AddDate(-1, 0, 0)
		before := cal.Working(from, mon.Add(17*time.Hour))
		got := cal.Add(from, before+time.Hour)
		ref := refAdd(cal, from, before+time.Hour)
		assert.True(t, got.Equal(ref), "gap %d: Add %s, the day walk %s", gap, got, ref)
		if gap == 800 {
			assert.True(t, got.IsZero(), "800 idle days")
		} else {
			assert.Equal(t, mon.AddDate(0, 0, gap+1).Add(10*time.Hour), got, "the first working day after the gap")
		}
		assert.Equal(t, mon.Add(17*time.Hour), cal.Add(from, before), "the last working day before the gap")
	}
}

// A calendar that Validate refuses has no working time: Working gives 0
// rather than hours counted backward (saturated to 292 years) or twice,
// and Add returns the zero time, as for a calendar without working
// hours, rather than walking the days for ever (hours that close before
// they open take time back each day).
func TestCalendarAddInvalid(t *testing.T) {
	from := time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)
	for _, cal := range []*complaint.Calendar{
		complaint.OfficeHours(time.UTC, 17*time.Hour, 9*time.Hour),
		complaint.OfficeHours(time.UTC, 9*time.Hour, 9*time.Hour),
		complaint.OfficeHours(time.UTC, 9*time.Hour, 25*time.Hour),
		{Open: 9 * time.Hour, Close: 17 * time.Hour},
	} {
		require.Error(t, cal.Validate())
		assert.Zero(t, cal.Working(from, from.AddDate(0, 0, 30)), "%+v", cal)
		got := cal.Add(from, 8*time.Hour)
		assert.True(t, got.IsZero(), "%+v: %s", cal, got)
	}
}
