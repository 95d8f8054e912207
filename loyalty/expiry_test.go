package loyalty_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

// monthProgramme expires points one month after they were earned, makes
// them available at once, has one tier, no multipliers and no minimum
// redemption, so that a purchase of n euros earns n points.
func monthProgramme(t testing.TB) *loyalty.Programme {
	c := club(t).Config()
	c.ExpiryMonths, c.PendingDays = 1, 0
	c.Earn.Multipliers, c.Earn.Birthday = nil, loyalty.BirthdayConfig{}
	c.Redeem.MinPoints = 0
	c.Tiers = loyalty.TierConfig{}
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

// Points earned on 31 January expire at the end of February (31 January
// + 1 month, on the month's last day as it has no 31st), those earned a
// day later on 1 March: expiry dates follow earning dates. Spending and
// expiry both follow each lot's own expiry date, so the member spends
// first what expires first and loses only what is left of each lot on
// its date.
func TestLotsEarnedAtAMonthsEndExpireAtTheNextMonthsEnd(t *testing.T) {
	p := monthProgramme(t)
	a := apply(t, p, loyalty.Account{}, day(2027, 1, 5), loyalty.Join{Member: "M1", Time: day(2027, 1, 5)})
	a = apply(t, p, a, day(2027, 2, 1),
		loyalty.Purchase{Order: order("JAN31", "M1", day(2027, 1, 31), line("A", "coats", "100", 1))},
		loyalty.Purchase{Order: order("FEB1", "M1", day(2027, 2, 1), line("B", "coats", "100", 1))})
	lots := a.Lots()
	require.Len(t, lots, 2)
	assert.Equal(t, "order:JAN31", lots[0].ID, "nearest expiry first")
	assert.Equal(t, day(2027, 2, 28), lots[0].ExpiresAt)
	assert.Equal(t, day(2027, 3, 1), lots[1].ExpiresAt)

	a, entries, err := p.Apply(a, loyalty.Redemption{Member: "M1", ID: "R1", Points: 120, Time: day(2027, 2, 10)}, day(2027, 2, 10))
	require.NoError(t, err)
	assert.Equal(t, []loyalty.LotPart{{Lot: "order:JAN31", Points: 100}, {Lot: "order:FEB1", Points: 20}}, entries[0].Parts)

	a, entries, err = p.Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 2, 28))
	require.NoError(t, err)
	assert.Empty(t, entries, "the lot expiring on 28 February was spent; 1 February's lives until 1 March")
	assert.Equal(t, loyalty.Points(80), a.Available)
	a, entries, err = p.Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 3, 1))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, []loyalty.LotPart{{Lot: "order:FEB1", Points: 80}}, entries[0].Parts)
	assert.Equal(t, loyalty.Points(0), a.Balance())
}

// oneMonthAfter is t plus one calendar month, on t's day of the month or
// the next month's last day when it is shorter, at t's time of day.
func oneMonthAfter(t time.Time) time.Time {
	y, m, d := t.Date()
	if last := time.Date(y, m+2, 0, 0, 0, 0, 0, t.Location()).Day(); d > last {
		d = last
	}
	return time.Date(y, m+1, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// Around month ends, a redemption draws the lots in the order of their
// expiry dates (each the order time plus one calendar month, on the
// month's last day when it is shorter, so never on an earlier day than an
// earlier lot's),
// and an expiry takes
// exactly what is left of each lot on its date, never another's: the
// balance is what a simple model of lots predicts.
func TestExpiryFollowsEachLotsOwnDate(t *testing.T) {
	p := monthProgramme(t)
	rapid.Check(t, func(rt *rapid.T) {
		// Near the end of a month whose next month is shorter, mostly.
		month := rapid.SampledFrom([]time.Month{time.January, time.March, time.May, time.July, time.August, time.October, time.December}).Draw(rt, "month")
		now := time.Date(rapid.IntRange(2026, 2028).Draw(rt, "year"), month, rapid.IntRange(25, 31).Draw(rt, "day"), rapid.IntRange(0, 23).Draw(rt, "hour"), 0, 0, 0, time.UTC)
		a, _, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Time: now}, now)
		require.NoError(rt, err)
		type lot struct {
			id              string
			earned, expires time.Time
			left            loyalty.Points
		}
		var lots []*lot
		fifo := func() {
			slices.SortStableFunc(lots, func(x, y *lot) int {
				return cmp.Or(x.expires.Compare(y.expires), x.earned.Compare(y.earned), cmp.Compare(x.id, y.id))
			})
		}
		var balance loyalty.Points
		for i := range rapid.IntRange(1, 30).Draw(rt, "steps") {
			now = now.Add(time.Duration(rapid.IntRange(0, 36).Draw(rt, "hours")) * time.Hour)
			var e loyalty.Event
			var pts loyalty.Points
			redeem := balance > 0 && rapid.Bool().Draw(rt, "redeem")
			if redeem {
				pts = loyalty.Points(rapid.Int64Range(1, int64(balance)).Draw(rt, "points"))
				e = loyalty.Redemption{Member: "M1", ID: fmt.Sprint("R", i), Points: pts, Time: now}
			} else {
				pts = loyalty.Points(rapid.Int64Range(1, 99).Draw(rt, "euros"))
				e = loyalty.Purchase{Order: order(fmt.Sprint("O", i), "M1", now, line("A", "coats", fmt.Sprint(pts), 1))}
			}
			next, entries, err := p.Apply(a, e, now)
			require.NoError(rt, err)
			// What expires by now goes first, lot by lot, each at its own date.
			fifo()
			var gone []loyalty.LotPart
			for len(lots) > 0 && !lots[0].expires.After(now) {
				if lots[0].left > 0 {
					gone = append(gone, loyalty.LotPart{Lot: lots[0].id, Points: lots[0].left})
				}
				balance -= lots[0].left
				lots = lots[1:]
			}
			var expired []loyalty.LotPart
			for _, x := range ofKind(entries, loyalty.EntryExpire) {
				require.True(rt, !x.Effective.After(now))
				expired = append(expired, x.Parts...)
			}
			require.Equal(rt, gone, expired, "expired at %v", now)
			if redeem {
				var want []loyalty.LotPart
				need := pts
				for _, l := range lots {
					if x := min(need, l.left); x > 0 {
						want = append(want, loyalty.LotPart{Lot: l.id, Points: x})
						l.left -= x
						need -= x
					}
				}
				require.Equal(rt, want, ofKind(entries, loyalty.EntryRedeem)[0].Parts, "nearest expiry first")
				balance -= pts
			} else {
				earn := ofKind(entries, loyalty.EntryEarn)[0]
				want := oneMonthAfter(now)
				require.True(rt, earn.ExpiresAt.Equal(want), "expires %v, one month after %v is %v", earn.ExpiresAt, now, want)
				// Never on an earlier day than a lot earned before (on the
				// same last day of a month, the times of day may cross).
				for _, l := range lots {
					require.False(rt, want.Truncate(24*time.Hour).Before(l.expires.Truncate(24*time.Hour)),
						"earned later, expires on an earlier day: %v after %v", want, l.expires)
				}
				lots = append(lots, &lot{id: earn.Lot, earned: now, expires: want, left: pts})
				balance += pts
			}
			a = next
			require.Equal(rt, balance, a.Balance())
		}
	})
}

// Points expire on the day of the month they were earned, at their time
// of day; on a day whose clock skips that hour, an hour later that day,
// never the day before: earned in Santiago at 00:30 on 7 August 2025,
// they are still there at 23:45 on 6 September and expire at 01:30 on 7
// September, the clocks having gone from 00:00 to 01:00.
func TestPointsExpireOnTheirDayThroughAClockChange(t *testing.T) {
	for _, tc := range []struct {
		zone, earned, expires, before string
	}{
		{"America/Santiago", "2025-08-07 00:30", "2025-09-07 01:30", "2025-09-06 23:45"},
		{"Europe/Berlin", "2027-02-28 02:30", "2027-03-28 03:30", "2027-03-28 01:59"},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			loc := loadZone(t, tc.zone)
			at := func(s string) time.Time {
				x, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
				require.NoError(t, err)
				return x
			}
			c := monthProgramme(t).Config()
			c.Location = loc
			p, err := loyalty.Compile(c)
			require.NoError(t, err)
			earned := at(tc.earned)
			a := apply(t, p, loyalty.Account{}, earned, loyalty.Join{Member: "M1", Time: earned},
				loyalty.Purchase{Order: order("O1", "M1", earned, line("A", "coats", "100", 1))})
			require.Len(t, a.Lots(), 1)
			assert.Equal(t, at(tc.expires).Format(time.DateTime+" MST"), a.Lots()[0].ExpiresAt.In(loc).Format(time.DateTime+" MST"))
			a = apply(t, p, a, at(tc.before), loyalty.Tick{Member: "M1"})
			assert.Equal(t, loyalty.Points(100), a.Available, "alive the day before")
			a = apply(t, p, a, at(tc.expires), loyalty.Tick{Member: "M1"})
			assert.Equal(t, loyalty.Points(0), a.Balance(), "expired on their day")
		})
	}
}
