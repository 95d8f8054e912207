package complaint_test

import (
	"testing"
	"time"

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

// Calendar.Working agrees with the walk over single days, is additive
// over any split point, and Add is its inverse: in zones whose offset
// changes by an hour at 02:00 (Berlin), at midnight (Santiago), by half
// an hour (Lord Howe), across the date line (Apia, which skipped
// 30 December 2011), and in zones that dropped daylight-saving time
// (Tehran, 2022); with hours that open or close inside a changed hour,
// holidays on days off and repeated, instants not at midnight, and spans
// from a few hours to 50 years, some beyond the last transition of the
// zone database (its rule for the future).
func TestCalendarWorkingAgreesWithReference(t *testing.T) {
	var locs []*time.Location
	for _, z := range []string{"UTC", "Europe/Berlin", "America/Santiago", "Pacific/Apia", "Australia/Lord_Howe", "Asia/Tehran"} {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Skip("no time zone database:", err)
		}
		locs = append(locs, loc)
	}
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
			// And so at any part of it.
			part := time.Duration(float64(w) * rapid.Float64Range(0, 1).Draw(t, "part"))
			if part > 0 && part <= w {
				if got := cal.Working(from, cal.Add(from, part)); got != part {
					t.Fatalf("Working(%s, Add(%s, %s)) = %s", from, from, part, got)
				}
			}
		}
	})
}
