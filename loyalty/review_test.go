package loyalty_test

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the review schedules, on any machine

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

// reviewProgramme is programme c with reviews every months calendar
// months in loc and 20 days of grace.
func reviewProgramme(t require.TestingT, c loyalty.Config, loc *time.Location, months int) *loyalty.Programme {
	c.Location, c.Tiers.ReviewMonths, c.Tiers.GraceDays = loc, months, 20
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// daysIn is the length of month m of year y by the Gregorian rule.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// refReview is the review n calendar months after the clock's start, in
// loc: start's day of the month and time of day, or the month's last day
// when the month is shorter. It is computed from start alone, never from
// an earlier review. A time of day the clock skips that day is as far
// after the change as it is after the clock's last reading before it.
func refReview(start time.Time, loc *time.Location, n int) time.Time {
	l := start.In(loc)
	i := l.Year()*12 + int(l.Month()) - 1 + n
	y, m := i/12, time.Month(i%12+1)
	d := min(l.Day(), daysIn(y, m))
	r := time.Date(y, m, d, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc)
	if w := r.In(loc); w.Day() == d && w.Hour() == l.Hour() && w.Minute() == l.Minute() {
		return r
	}
	// The clock skips that time: find the minute it changed (the first
	// whose reading is past the time) and the reading it skipped from.
	reading := func(x time.Time) time.Time {
		w := x.In(loc)
		return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC)
	}
	wall := time.Date(y, m, d, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
	change := wall.Add(-15 * time.Hour).Truncate(time.Minute)
	for !reading(change).After(wall) {
		change = change.Add(time.Minute)
	}
	from := reading(change.Add(-time.Minute)).Add(time.Minute)
	return change.Add(wall.Sub(from))
}

// reviewsOf returns the periodic reviews among entries, due being the
// review due before the first: the review and tier entries held at the
// review the entries before them set.
func reviewsOf(due time.Time, entries []loyalty.Entry) []loyalty.Entry {
	var out []loyalty.Entry
	for _, e := range entries {
		if e.Kind != loyalty.EntryReview && e.Kind != loyalty.EntryTier {
			continue
		}
		if e.Effective.Equal(due) {
			out = append(out, e)
		}
		due = e.NextReview
	}
	return out
}

// Reviews fall every ReviewMonths calendar months in the programme's
// zone on the day of the month the review clock started (joining, or an
// upgrade between reviews), or on the month's last day when it is
// shorter, and a shorter month does not move the reviews after it:
// joined on 31 January, a member is reviewed on 28 February and 31 March,
// not on 28 March or 3 March and 3 April. The time of day is the
// clock's, in the zone's time of that day; on a day whose clock skips
// that hour (Berlin, 28 March 2027, 02:00 → 03:00; Santiago, 7 September
// 2025, 00:00 → 01:00) the review is an hour later that day, never on
// the day before, and the next one is back at the clock's time.
func TestReviewScheduleKeepsTheClockDay(t *testing.T) {
	berlin, santiago := loadZone(t, "Europe/Berlin"), loadZone(t, "America/Santiago")
	for _, tc := range []struct {
		name    string
		loc     *time.Location
		months  int
		join    string // wall time in loc
		upgrade string // an upgrade between reviews, restarting the clock
		want    []string
	}{
		{name: "31 January monthly", loc: time.UTC, months: 1, join: "2027-01-31 10:00",
			want: []string{"2027-02-28 10:00", "2027-03-31 10:00", "2027-04-30 10:00", "2027-05-31 10:00", "2027-06-30 10:00",
				"2027-07-31 10:00", "2027-08-31 10:00", "2027-09-30 10:00", "2027-10-31 10:00", "2027-11-30 10:00",
				"2027-12-31 10:00", "2028-01-31 10:00", "2028-02-29 10:00", "2028-03-31 10:00"}},
		{name: "30 January monthly", loc: time.UTC, months: 1, join: "2027-01-30 10:00",
			want: []string{"2027-02-28 10:00", "2027-03-30 10:00", "2027-04-30 10:00", "2027-05-30 10:00"}},
		{name: "31 August semi-annual", loc: time.UTC, months: 6, join: "2026-08-31 18:45",
			want: []string{"2027-02-28 18:45", "2027-08-31 18:45", "2028-02-29 18:45", "2028-08-31 18:45", "2029-02-28 18:45", "2029-08-31 18:45"}},
		{name: "30 November quarterly", loc: time.UTC, months: 3, join: "2026-11-30 09:00",
			want: []string{"2027-02-28 09:00", "2027-05-30 09:00", "2027-08-30 09:00", "2027-11-30 09:00", "2028-02-29 09:00", "2028-05-30 09:00"}},
		{name: "29 February yearly", loc: time.UTC, months: 12, join: "2028-02-29 12:00",
			want: []string{"2029-02-28 12:00", "2030-02-28 12:00", "2031-02-28 12:00", "2032-02-29 12:00", "2033-02-28 12:00"}},
		// 00:30 in Berlin is the day before in UTC: the schedule keeps
		// Berlin's 31st, across both changes of its clocks.
		{name: "Berlin 31 January 00:30 monthly", loc: berlin, months: 1, join: "2027-01-31 00:30",
			want: []string{"2027-02-28 00:30", "2027-03-31 00:30", "2027-04-30 00:30", "2027-05-31 00:30", "2027-06-30 00:30",
				"2027-07-31 00:30", "2027-08-31 00:30", "2027-09-30 00:30", "2027-10-31 00:30", "2027-11-30 00:30"}},
		{name: "Berlin 28 January 02:30 monthly, through the spring gap", loc: berlin, months: 1, join: "2027-01-28 02:30",
			want: []string{"2027-02-28 02:30", "2027-03-28 03:30", "2027-04-28 02:30", "2027-05-28 02:30"}},
		// Santiago's clocks go from 00:00 to 01:00 on 7 September 2025:
		// the review of that day is at 01:30, not at 23:30 the day before.
		{name: "Santiago 7th 00:30 monthly, through a gap at midnight", loc: santiago, months: 1, join: "2025-07-07 00:30",
			want: []string{"2025-08-07 00:30", "2025-09-07 01:30", "2025-10-07 00:30", "2025-11-07 00:30"}},
		{name: "upgrade on 31 March restarts the clock", loc: time.UTC, months: 1, join: "2026-01-05 12:00", upgrade: "2026-03-31 15:00",
			want: []string{"2026-02-05 12:00", "2026-03-05 12:00", "2026-04-30 15:00", "2026-05-31 15:00", "2026-06-30 15:00", "2026-07-31 15:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := reviewProgramme(t, club(t).Config(), tc.loc, tc.months)
			at := func(s string) time.Time {
				x, err := time.ParseInLocation("2006-01-02 15:04", s, tc.loc)
				require.NoError(t, err)
				return x
			}
			var want []time.Time
			for _, s := range tc.want {
				want = append(want, at(s))
			}
			join := at(tc.join)
			a, log, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Time: join}, join)
			require.NoError(t, err)
			if tc.upgrade != "" {
				u := at(tc.upgrade)
				var out []loyalty.Entry
				a, out, err = p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", u, line("COAT", "coats", "600", 1))}, u)
				require.NoError(t, err)
				require.Equal(t, 1, a.Level, "silver at once")
				log = append(log, out...)
			}
			last := want[len(want)-1]

			// Brought up to date once, long after: every review is held at
			// its own date, in order.
			_, out, err := p.Apply(a, loyalty.Tick{Member: "M1"}, last)
			require.NoError(t, err)
			requireSchedule(t, want, append(reviewsOf(log[0].NextReview, log), reviewsOf(a.NextReview, out)...))

			// Brought up to date at each review, replaying the stored
			// entries in between: the same schedule.
			b := a
			for _, w := range want {
				if !w.After(b.AsOf) {
					continue
				}
				b, err = loyalty.Replay(log)
				require.NoError(t, err)
				b, out, err = p.Apply(b, loyalty.Tick{Member: "M1"}, w)
				require.NoError(t, err)
				log = append(log, out...)
			}
			requireSchedule(t, want, reviewsOf(log[0].NextReview, log))
		})
	}
}

func requireSchedule(t *testing.T, want []time.Time, got []loyalty.Entry) {
	t.Helper()
	var eff []string
	for _, e := range got {
		eff = append(eff, e.Effective.In(want[0].Location()).Format(time.DateTime+" MST"))
	}
	var ws []string
	for _, w := range want {
		ws = append(ws, w.Format(time.DateTime+" MST"))
	}
	require.Equal(t, ws, eff, "review dates")
}

// The k-th review after the review clock starts at S is S plus
// k × ReviewMonths calendar months in the programme's zone, on S's day
// of the month or the month's last day when shorter (computed from S
// alone, not from the review before): whatever the zone, the start, the
// review period, upgrades that restart the clock, failed reviews and
// their grace, and however long the ledger goes without being brought up
// to date. Reviews never move backwards, every review due by now has
// been held, and a replay of the stored entries continues the same
// schedule.
func TestReviewScheduleIsCountedFromTheClockStart(t *testing.T) {
	zones := []*time.Location{time.UTC, loadZone(t, "Europe/Berlin"), loadZone(t, "America/New_York"),
		loadZone(t, "Australia/Lord_Howe"), loadZone(t, "America/Santiago"), shanghai}
	base := club(t).Config()
	rapid.Check(t, func(rt *rapid.T) {
		loc := rapid.SampledFrom(zones).Draw(rt, "zone")
		months := rapid.IntRange(1, 24).Draw(rt, "review months")
		p := reviewProgramme(rt, base, loc, months)
		y := rapid.IntRange(2024, 2030).Draw(rt, "year")
		mo := time.Month(rapid.IntRange(1, 12).Draw(rt, "month"))
		d := min(rapid.OneOf(rapid.IntRange(1, 31), rapid.IntRange(28, 31)).Draw(rt, "day"), daysIn(y, mo))
		join := time.Date(y, mo, d, rapid.IntRange(0, 23).Draw(rt, "hour"), rapid.IntRange(0, 59).Draw(rt, "minute"), 0, 0, loc)

		var (
			a     loyalty.Account
			log   []loyalty.Entry
			start time.Time // the clock's start
			k     int       // reviews since start
			due   time.Time // the review due, as the entries say
			grace time.Time
			prev  time.Time // the last review
		)
		check := func(now time.Time, e loyalty.Event) {
			next, out, err := p.Apply(a, e, now)
			if err != nil {
				rt.Fatalf("%T at %v: %v", e, now, err)
			}
			for _, x := range out {
				switch {
				case x.Kind == loyalty.EntryJoin:
					start, k = x.Effective, 0
				case x.Kind != loyalty.EntryReview && x.Kind != loyalty.EntryTier:
					continue
				case x.Effective.Equal(due):
					k++
					want := refReview(start, loc, k*months)
					if !x.Effective.Equal(want) {
						rt.Fatalf("review %d after %v at %v, want %v", k, start, x.Effective, want)
					}
					l, s := x.Effective.In(loc), start.In(loc)
					if l.Day() != min(s.Day(), daysIn(l.Year(), l.Month())) {
						rt.Fatalf("review on %v of a clock started on %v", l, s)
					}
					if !x.Effective.After(prev) {
						rt.Fatalf("review at %v after one at %v", x.Effective, prev)
					}
					prev = x.Effective
				case x.Kind == loyalty.EntryTier && x.To > x.From:
					if !x.Effective.Before(due) {
						rt.Fatalf("upgrade at %v, the review due %v not held", x.Effective, due)
					}
					start, k = x.Effective, 0
				default: // the end of a grace
					if !x.Effective.Equal(grace) || !x.NextReview.Equal(due) {
						rt.Fatalf("%s at %v: grace until %v, review due %v, next %v", x.Kind, x.Effective, grace, due, x.NextReview)
					}
				}
				if want := refReview(start, loc, (k+1)*months); !x.NextReview.Equal(want) {
					rt.Fatalf("%s at %v: next review %v, want %v (%d × %d months from %v)", x.Kind, x.Effective, x.NextReview, want, k+1, months, start)
				}
				due, grace = x.NextReview, x.GraceUntil
			}
			if !next.NextReview.After(now) {
				rt.Fatalf("at %v the review of %v is still due", now, next.NextReview)
			}
			a, log = next, append(log, out...)
		}
		check(join, loyalty.Join{Member: "M1", Time: join})
		now := join
		for i := range rapid.IntRange(1, 8).Draw(rt, "steps") {
			hours := rapid.OneOf(rapid.IntRange(1, 40*24), rapid.IntRange(1, 4*366*24)).Draw(rt, "hours")
			now = now.Add(time.Duration(hours) * time.Hour)
			if rapid.Bool().Draw(rt, "purchase") {
				price := rapid.SampledFrom([]string{"100", "600", "1600"}).Draw(rt, "price")
				id := fmt.Sprint("O", i)
				check(now, loyalty.Purchase{Order: customer.Order{ID: id, CustomerID: "M1", Time: now, Channel: customer.Store,
					Currency: "EUR", Lines: []customer.Line{line("COAT", "coats", price, 1)}}})
			} else {
				check(now, loyalty.Tick{Member: "M1"})
			}
		}
		// A replay of the stored entries holds the same reviews later on.
		r, err := loyalty.Replay(log)
		if err != nil {
			rt.Fatalf("replay: %v", err)
		}
		later := now.Add(time.Duration(rapid.IntRange(1, 3*366*24).Draw(rt, "hours later")) * time.Hour)
		_, live, err := p.Apply(a, loyalty.Tick{Member: "M1"}, later)
		require.NoError(rt, err)
		_, replayed, err := p.Apply(r, loyalty.Tick{Member: "M1"}, later)
		require.NoError(rt, err)
		require.Equal(rt, live, replayed)
		check(later, loyalty.Tick{Member: "M1"})
	})
}

// A review date a ledger already holds is kept on replay, whatever rule
// computed it: a join of 31 January 2027 recorded with its first monthly
// review on 3 March (31 February counted on into March) is reviewed on
// 3 March; the review after it is the schedule's next date, 31 March,
// and the schedule goes on from the join: 30 April, 31 May.
func TestReviewRecordedByAnEarlierRuleIsKept(t *testing.T) {
	p := reviewProgramme(t, club(t).Config(), time.UTC, 1)
	join := time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC)
	_, log, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Time: join}, join)
	require.NoError(t, err)
	recorded := time.Date(2027, 3, 3, 10, 0, 0, 0, time.UTC)
	log[0].NextReview = recorded
	a, err := loyalty.Replay(log)
	require.NoError(t, err)
	require.True(t, a.NextReview.Equal(recorded), "replayed next review %v", a.NextReview)
	_, out, err := p.Apply(a, loyalty.Tick{Member: "M1"}, time.Date(2027, 5, 31, 10, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	want := []time.Time{recorded, time.Date(2027, 3, 31, 10, 0, 0, 0, time.UTC),
		time.Date(2027, 4, 30, 10, 0, 0, 0, time.UTC), time.Date(2027, 5, 31, 10, 0, 0, 0, time.UTC)}
	requireSchedule(t, want, reviewsOf(recorded, out))
}
