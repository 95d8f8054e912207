package loyalty_test

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

// zoned returns the club programme deciding dates in loc.
func zoned(t testing.TB, loc *time.Location) *loyalty.Programme {
	t.Helper()
	c := club(t).Config()
	c.Location = loc
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

var shanghai = time.FixedZone("CST", 8*3600)

// The birthday month is the programme's, not the one of the zone a time
// happens to carry: 1 October 01:00 in Shanghai is 30 September 17:00
// UTC, the birthday month of a member born on 30 September only in a
// programme that counts in UTC.
func TestBirthdayMonthInTheProgrammeZone(t *testing.T) {
	instant := time.Date(2026, 10, 1, 1, 0, 0, 0, shanghai)
	for _, tc := range []struct {
		loc      *time.Location
		birthday bool
	}{{nil, true}, {time.UTC, true}, {shanghai, false}} {
		p := zoned(t, tc.loc)
		for _, at := range []time.Time{instant, instant.UTC(), instant.In(time.FixedZone("PDT", -7*3600))} {
			name := fmt.Sprintf("programme in %v, time in %v", p.Location(), at.Location())
			a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.September, Day: 30}, Time: day(2026, 1, 5)})
			_, entries, err := p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", at, line("COAT", "coats", "100", 1))}, at)
			require.NoError(t, err, name)
			_, claimed, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: at}, at)
			if tc.birthday {
				assert.Equal(t, loyalty.Points(200), entries[0].Points, "%s: double points in the birthday month", name)
				require.NoError(t, err, name)
				assert.Equal(t, "birthday:2026", claimed[0].Key, name)
			} else {
				assert.Equal(t, loyalty.Points(100), entries[0].Points, name)
				var ve *customer.ValidationError
				require.ErrorAs(t, err, &ve, name)
				assert.True(t, ve.Has("time", customer.CodeRange), "%s: %v", name, err)
				assert.Contains(t, err.Error(), "2026-10-01 is not in the birthday month", name)
			}
		}
	}
}

// The year of a birthday benefit, and so the claim's key, is the year in
// the programme's zone, and Programme.Key says which it is.
func TestBirthdayYearInTheProgrammeZone(t *testing.T) {
	// 31 December 2026 20:00 UTC is 1 January 2027 04:00 in Shanghai.
	instant := time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		loc   *time.Location
		month time.Month
		key   string
	}{{nil, time.December, "birthday:2026"}, {shanghai, time.January, "birthday:2027"}} {
		p := zoned(t, tc.loc)
		a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: tc.month, Day: 1}, Time: day(2026, 1, 5)})
		for _, at := range []time.Time{instant, instant.In(shanghai)} {
			e := loyalty.BirthdayClaim{Member: "M1", Time: at}
			assert.Equal(t, tc.key, p.Key(e))
			_, entries, err := p.Apply(a, e, at)
			require.NoError(t, err)
			assert.Equal(t, tc.key, entries[0].Key)
			assert.Equal(t, tc.key, fmt.Sprint("birthday:", entries[0].Year))
			assert.Contains(t, entries[0].Note, "birthday gift "+tc.key[len("birthday:"):])
		}
	}
	// Without a programme, a claim's own key is the year in UTC.
	assert.Equal(t, "birthday:2026", loyalty.BirthdayClaim{Member: "M1", Time: instant.In(shanghai)}.Key())
}

// A 29 February birthday is claimed in February of the programme's zone,
// also in a year without 29 February.
func TestLeapDayBirthdayInTheProgrammeZone(t *testing.T) {
	p := zoned(t, shanghai)
	a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: customer.Birthday{Year: 2000, Month: time.February, Day: 29}, Time: day(2026, 1, 5)})
	late := time.Date(2027, 2, 28, 20, 0, 0, 0, time.UTC) // 1 March 04:00 in Shanghai
	_, _, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: late}, late)
	require.Error(t, err)
	inTime := time.Date(2027, 2, 28, 10, 0, 0, 0, time.UTC) // 28 February 18:00 in Shanghai
	_, entries, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: inTime}, inTime)
	require.NoError(t, err)
	bonus := ofKind(entries, loyalty.EntryBonus)
	require.Len(t, bonus, 1)
	assert.Equal(t, 2027, bonus[0].Year)
}

// Expiry dates and tier reviews add calendar months in the programme's
// zone: 31 January 23:30 UTC is 1 February in Berlin's winter time, so a
// month later is 1 March there (not 3 March, as 31 January + 1 month is),
// whatever zone the order time carries.
func TestMonthsAddedInTheProgrammeZone(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	c := club(t).Config()
	c.Location, c.ExpiryMonths, c.PendingDays, c.Tiers.ReviewMonths, c.Tiers.GraceDays = cet, 1, 0, 1, 0
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	instant := time.Date(2027, 1, 31, 23, 30, 0, 0, time.UTC)
	for _, at := range []time.Time{instant, instant.In(cet), instant.In(shanghai)} {
		a, entries, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Time: at}, at)
		require.NoError(t, err)
		want := time.Date(2027, 3, 1, 0, 30, 0, 0, cet)
		assert.True(t, entries[0].NextReview.Equal(want), "review %v, want %v", entries[0].NextReview, want)
		_, entries, err = p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", at, line("COAT", "coats", "100", 1))}, at)
		require.NoError(t, err)
		assert.True(t, entries[0].ExpiresAt.Equal(want), "expiry %v, want %v", entries[0].ExpiresAt, want)
	}
}

// The same event delivered again with its times in another zone is a
// redelivery, not a key reused for another event; so is an event whose
// entry was fingerprinted with the zone it carried.
func TestRedeliveryInAnotherZone(t *testing.T) {
	p := club(t)
	cet := time.FixedZone("CET", 3600)
	at := time.Date(2026, 2, 1, 10, 0, 0, 0, cet)
	a := joined(t, p, day(2026, 1, 5))
	buy := loyalty.Purchase{Order: order("O1", "M1", at, line("COAT", "coats", "100", 1))}
	next, entries, err := p.Apply(a, buy, at)
	require.NoError(t, err)
	again := buy
	again.Order.Time = at.UTC()
	_, _, err = p.Apply(next, again, at)
	var de *loyalty.DuplicateError
	require.ErrorAs(t, err, &de)
	assert.True(t, de.Same, "same instant, other zone: %v", err)

	// An entry whose fingerprint hashed the event's JSON as given.
	data, err := json.Marshal(buy)
	require.NoError(t, err)
	h := fnv.New64a()
	h.Write([]byte(fmt.Sprintf("%T", buy)))
	h.Write(data)
	entries[0].Fingerprint = loyalty.Fingerprint(h.Sum64())
	older, err := a.With(entries...)
	require.NoError(t, err)
	_, _, err = p.Apply(older, buy, at)
	require.ErrorAs(t, err, &de)
	assert.True(t, de.Same, "redelivery of an entry fingerprinted with its zone: %v", err)

	// Another instant is another event.
	again.Order.Time = at.Add(time.Second)
	_, _, err = p.Apply(next, again, at.Add(time.Second))
	require.ErrorAs(t, err, &de)
	assert.False(t, de.Same)
}

// The zones the times of a history carry change nothing: the same
// instants in any zones give the same entries (times compared as
// instants), the same errors and the same account.
func TestZoneOfTimesChangesNothing(t *testing.T) {
	base := club(t).Config()
	rapid.Check(t, func(rt *rapid.T) {
		offset := func(label string) *time.Location {
			h := rapid.IntRange(-24, 28).Draw(rt, label)
			return time.FixedZone(fmt.Sprint("Z", h), h*1800)
		}
		c := base
		c.Location = offset("programme zone")
		// Short periods, so that month ends come up often.
		c.ExpiryMonths = rapid.IntRange(1, 13).Draw(rt, "expiry months")
		c.PendingDays = rapid.IntRange(0, 27).Draw(rt, "pending days")
		c.Tiers.ReviewMonths = rapid.IntRange(1, 12).Draw(rt, "review months")
		c.Tiers.WindowMonths = rapid.IntRange(1, 12).Draw(rt, "window months")
		c.Tiers.GraceDays = rapid.IntRange(0, 27).Draw(rt, "grace days")
		p, err := loyalty.Compile(c)
		require.NoError(rt, err)
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		bd := customer.Birthday{Month: time.Month(rapid.IntRange(1, 12).Draw(rt, "birth month")), Day: rapid.IntRange(1, 28).Draw(rt, "birth day")}
		var events []loyalty.Event
		events = append(events, loyalty.Join{Member: "M1", Birthday: bd, Time: start})
		at := start
		for i := range rapid.IntRange(1, 12).Draw(rt, "events") {
			at = at.Add(time.Duration(rapid.IntRange(1, 24*60).Draw(rt, "hours later"))*time.Hour + time.Duration(rapid.IntRange(0, 59).Draw(rt, "minutes"))*time.Minute)
			switch rapid.IntRange(0, 3).Draw(rt, "kind") {
			case 0, 1:
				events = append(events, loyalty.Purchase{Order: order(fmt.Sprint("O", i), "M1", at, line("COAT", "coats", fmt.Sprint(rapid.IntRange(1, 900).Draw(rt, "price")), 1))})
			case 2:
				events = append(events, loyalty.BirthdayClaim{Member: "M1", Time: at})
			default:
				events = append(events, loyalty.Tick{Member: "M1"})
			}
		}
		var utc, other loyalty.Account
		when := start
		for _, e := range events {
			if t := eventTime(e); !t.IsZero() {
				when = t
			}
			zone := offset("zone")
			a1, e1, err1 := p.Apply(utc, e, when.UTC())
			a2, e2, err2 := p.Apply(other, inZone(e, zone), when.In(zone))
			require.Equal(rt, err1 == nil, err2 == nil, "%T: %v / %v", e, err1, err2)
			if err1 != nil {
				require.Equal(rt, err1.Error(), err2.Error())
				continue
			}
			require.Equal(rt, len(e1), len(e2))
			for i := range e1 {
				require.Equal(rt, utcEntry(e1[i]), utcEntry(e2[i]))
			}
			utc, other = a1, a2
		}
		require.Equal(rt, utc.Balance(), other.Balance())
		require.Equal(rt, utc.Level, other.Level)
	})
}

func eventTime(e loyalty.Event) time.Time {
	switch v := e.(type) {
	case loyalty.Join:
		return v.Time
	case loyalty.Purchase:
		return v.Order.Time
	case loyalty.BirthdayClaim:
		return v.Time
	}
	return time.Time{}
}

func inZone(e loyalty.Event, loc *time.Location) loyalty.Event {
	switch v := e.(type) {
	case loyalty.Join:
		v.Time = v.Time.In(loc)
		return v
	case loyalty.Purchase:
		v.Order.Time = v.Order.Time.In(loc)
		return v
	case loyalty.BirthdayClaim:
		v.Time = v.Time.In(loc)
		return v
	}
	return e
}

// utcEntry returns e with its times in UTC, to compare entries by instant.
func utcEntry(e loyalty.Entry) loyalty.Entry {
	for _, t := range []*time.Time{&e.Time, &e.Effective, &e.AvailableAt, &e.ExpiresAt, &e.NextReview, &e.GraceUntil} {
		*t = t.UTC()
	}
	return e
}
