package loyalty_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"pgregory.net/rapid"
)

// lateLedger is a member with 300 points of order O1 expiring
// 2026-03-01 12:00 and 100 of order O2 expiring 2026-06-01, brought to
// asOf; points are available at once and LateDays is the default 7. It
// returns the account and its entries.
func lateLedger(t *testing.T, p *loyalty.Programme, asOf time.Time) (loyalty.Account, []loyalty.Entry) {
	t.Helper()
	var a loyalty.Account
	var log []loyalty.Entry
	for _, step := range []struct {
		now time.Time
		e   loyalty.Event
	}{
		{day(2025, 1, 5), loyalty.Join{Member: "M1", Time: day(2025, 1, 5)}},
		{day(2025, 6, 1), loyalty.Purchase{Order: order("O1", "M1", day(2025, 3, 1), line("COAT", "coats", "300", 1))}},
		{day(2025, 6, 1), loyalty.Purchase{Order: order("O2", "M1", day(2025, 6, 1), line("KNIT", "coats", "100", 1))}},
		{asOf, loyalty.Tick{Member: "M1"}},
	} {
		next, entries, err := p.Apply(a, step.e, step.now)
		require.NoError(t, err)
		a, log = next, append(log, entries...)
	}
	return a, log
}

// requireLedger checks that log replays to a and sums to its balance.
func requireLedger(t interface {
	require.TestingT
	Helper()
}, a loyalty.Account, log []loyalty.Entry) {
	t.Helper()
	var sum loyalty.Points
	for _, e := range log {
		sum += e.Points
	}
	assert.Equal(t, sum, a.Balance(), "balance = sum of entries")
	r, err := loyalty.Replay(log)
	require.NoError(t, err)
	assert.Equal(t, a.Balance(), r.Balance())
	assert.Equal(t, a.Lots(), r.Lots())
}

// A till sells on 28 February for 250 points and syncs on 2 March, after
// 300 points expired on 1 March. Judged at its own time the redemption
// spends the points that were alive then, whether or not the ledger
// recorded the expiry before the redemption arrived; the expiry writes
// off only what it left, and the two orders of delivery end alike.
func TestLateRedemptionSpendsThePointsAliveAtItsTime(t *testing.T) {
	p := debtProgramme(t, "debt")
	sold, synced := day(2026, 2, 28), day(2026, 3, 2)
	r := loyalty.Redemption{Member: "M1", ID: "R1", Points: 250, Time: sold}

	// The expiry is not in the ledger yet: it waits for the redemption.
	before, log := lateLedger(t, p, day(2026, 2, 27))
	require.Equal(t, loyalty.Points(400), before.Available)
	waited, entries, err := p.Apply(before, r, synced)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.Equal(t, loyalty.EntryRedeem, entries[0].Kind)
	assert.Equal(t, []loyalty.LotPart{{Lot: "order:O1", Points: 250}}, entries[0].Parts)
	assert.True(t, entries[0].Effective.Equal(sold))
	assert.Equal(t, loyalty.EntryExpire, entries[1].Kind)
	assert.Equal(t, loyalty.Points(-50), entries[1].Points, "the expiry writes off what the redemption left")
	assert.True(t, entries[1].Effective.Equal(day(2026, 3, 1)))
	assert.Equal(t, loyalty.Points(100), waited.Available)
	requireLedger(t, waited, append(log, entries...))

	// The expiry is in the ledger already: the points are put back for
	// the redemption, which spends them wholly.
	expired, log := lateLedger(t, p, day(2026, 3, 1).Add(6*time.Hour))
	require.Equal(t, loyalty.Points(100), expired.Available)
	reopened, entries, err := p.Apply(expired, r, synced)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.Equal(t, loyalty.EntryReopen, entries[0].Kind)
	assert.Equal(t, "reopen:R1", entries[0].Key)
	assert.Equal(t, loyalty.Points(250), entries[0].Points)
	assert.Equal(t, []loyalty.LotPart{{Lot: "order:O1", Points: 250}}, entries[0].Parts)
	assert.True(t, entries[0].ExpiresAt.Equal(day(2026, 3, 1)), "the points put back keep their expiry")
	assert.Equal(t, loyalty.EntryRedeem, entries[1].Kind)
	assert.Equal(t, []loyalty.LotPart{{Lot: "reopen:R1", Points: 250}}, entries[1].Parts)
	assert.Equal(t, waited.Available, reopened.Available)
	assert.Equal(t, waited.Balance(), reopened.Balance())
	assert.Equal(t, waited.Lots(), reopened.Lots())
	log = append(log, entries...)
	requireLedger(t, reopened, log)

	// Delivered again: the same redemption, nothing more.
	again, entries, err := p.Apply(reopened, r, synced.Add(time.Hour))
	var de *loyalty.DuplicateError
	require.True(t, errors.As(err, &de) && de.Same, "%v", err)
	assert.Empty(t, entries)
	assert.Equal(t, reopened.Balance(), again.Balance())

	// A second late redemption finds only what is left: 50 expired
	// points and the 100 available.
	r2 := loyalty.Redemption{Member: "M1", ID: "R2", Points: 151, Time: sold}
	_, _, err = p.Apply(reopened, r2, synced)
	var ie *loyalty.InsufficientError
	require.True(t, errors.As(err, &ie), "%v", err)
	assert.Equal(t, loyalty.Points(150), ie.Available)
	r2.Points = 150
	a, entries, err := p.Apply(reopened, r2, synced)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(50), ofKind(entries, loyalty.EntryReopen)[0].Points)
	assert.Equal(t, loyalty.Points(0), a.Balance())
	requireLedger(t, a, append(log, entries...))
	_, _, err = p.Apply(a, loyalty.Redemption{Member: "M1", ID: "R3", Points: 100, Time: sold}, synced)
	require.ErrorIs(t, err, loyalty.ErrInsufficient, "no point is put back twice")
}

// Recorded later than LateDays after its time, a redemption spends only
// the points available when it is recorded, and a refusal changes
// nothing.
func TestLateRedemptionBeyondTheBound(t *testing.T) {
	p := debtProgramme(t, "debt")
	a, _ := lateLedger(t, p, day(2026, 3, 2))
	late := loyalty.Redemption{Member: "M1", ID: "R1", Points: 250, Time: day(2026, 2, 28)}
	_, _, err := p.Apply(a, late, day(2026, 3, 7)) // 7 days: within
	require.NoError(t, err)
	after, entries, err := p.Apply(a, late, day(2026, 3, 7).Add(time.Second))
	var ie *loyalty.InsufficientError
	require.True(t, errors.As(err, &ie), "%v", err)
	assert.Equal(t, loyalty.Points(100), ie.Available)
	assert.Empty(t, entries)
	assert.Equal(t, a.Version, after.Version)

	c := p.Config()
	c.Redeem.LateDays = 1
	strict, err := loyalty.Compile(c)
	require.NoError(t, err)
	_, _, err = strict.Apply(a, late, day(2026, 3, 2))
	require.ErrorIs(t, err, loyalty.ErrInsufficient, "LateDays is the programme's")
	for _, days := range []int{-1, 32} {
		c.Redeem.LateDays = days
		_, err := loyalty.Compile(c)
		assert.Contains(t, fieldsOf(t, err), "redeem.late_days")
	}
}

// The points of an order's lot that a refund already left alone because
// they had expired are not put back: the claw-back took nothing for
// them, and putting them back would let them be spent twice.
func TestLateRedemptionDoesNotReopenWhatAClawbackWroteOff(t *testing.T) {
	p := debtProgramme(t, "debt")
	a, _ := lateLedger(t, p, day(2026, 3, 1).Add(6*time.Hour))
	a, entries, err := p.Apply(a, loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 3, 1).Add(7*time.Hour),
		customer.ReturnLine{LineID: "COAT", Quantity: -1})}, day(2026, 3, 1).Add(7*time.Hour))
	require.NoError(t, err)
	claw := ofKind(entries, loyalty.EntryClawback)[0]
	require.Equal(t, loyalty.Points(300), claw.Forgiven, "all 300 had expired")
	require.Equal(t, loyalty.Points(0), claw.Debt)

	late := loyalty.Redemption{Member: "M1", ID: "R1", Points: 100, Time: day(2026, 2, 28)}
	_, _, err = p.Apply(a, loyalty.Redemption{Member: "M1", ID: "R0", Points: 101, Time: day(2026, 2, 28)}, day(2026, 3, 2))
	require.ErrorIs(t, err, loyalty.ErrInsufficient)
	a, entries, err = p.Apply(a, late, day(2026, 3, 2))
	require.NoError(t, err)
	assert.Empty(t, ofKind(entries, loyalty.EntryReopen))
	assert.Equal(t, []loyalty.LotPart{{Lot: "order:O2", Points: 100}}, ofKind(entries, loyalty.EntryRedeem)[0].Parts)
	assert.Equal(t, loyalty.Points(0), a.Balance())
}

// Points put back for a late redemption that paid for an order keep
// their expiry: a refund of the order after it gives them back expired.
func TestLateRedemptionForAnOrderRefundedAfterTheExpiry(t *testing.T) {
	p := debtProgramme(t, "debt")
	a, _ := lateLedger(t, p, day(2026, 3, 1).Add(6*time.Hour))
	sold, synced := day(2026, 2, 28), day(2026, 3, 2)
	a = apply(t, p, a, synced,
		loyalty.Redemption{Member: "M1", ID: "P1", Points: 250, Time: sold, Order: "P1"},
		loyalty.Purchase{Order: order("P1", "M1", sold, line("SHOE", "shoes", "10", 1))})
	a, entries, err := p.Apply(a, loyalty.Returned{Return: ret("X1", "P1", "M1", synced, customer.ReturnLine{LineID: "SHOE", Quantity: -1})}, synced)
	require.NoError(t, err)
	restore := ofKind(entries, loyalty.EntryRestore)
	require.Len(t, restore, 1)
	assert.Equal(t, loyalty.Points(250), restore[0].Points)
	assert.True(t, restore[0].ExpiresAt.Equal(synced), "given back expired: the points it replaces expired on 1 March")
	redeemed, restored := a.OrderRedemption("P1")
	assert.Equal(t, loyalty.Points(250), redeemed)
	assert.Equal(t, loyalty.Points(250), restored)
	assert.Equal(t, loyalty.Points(100), a.Balance(), "O2's 100 points: P1's 10 were clawed back, the 250 given back expired")
}

// A birthday claim is for this year's birthday: one recorded more than
// BirthdayConfig.LateDays after its time — the gift of October 2023
// claimed in March 2026 — is refused, naming the member and the field,
// and changes nothing; a till that syncs a few days late still delivers
// the claim of the month's last day, across a year end too.
func TestBirthdayClaimOfAPastYearIsRefused(t *testing.T) {
	p := club(t)
	a := apply(t, p, loyalty.Account{}, day(2022, 1, 5), loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.October, Day: 3}, Time: day(2022, 1, 5)})
	claim := func(a loyalty.Account, at, now time.Time) (loyalty.Account, []loyalty.Entry, error) {
		return p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: at}, now)
	}
	after, entries, err := claim(a, day(2023, 10, 5), day(2026, 3, 1))
	assert.Contains(t, fieldsOf(t, err), "time")
	assert.ErrorContains(t, err, `member "M1"`)
	assert.ErrorContains(t, err, "the birthday benefit of 2023 can no longer be claimed")
	assert.Empty(t, entries)
	assert.Equal(t, a.Version, after.Version)
	assert.False(t, after.HasKey("birthday:2023"))

	lastDay := time.Date(2025, 10, 31, 23, 0, 0, 0, time.UTC)
	got, _, err := claim(a, lastDay, lastDay.Add(7*24*time.Hour))
	require.NoError(t, err, "7 days late: the default allows it")
	assert.True(t, got.HasKey("birthday:2025"))
	_, _, err = claim(a, lastDay, lastDay.Add(7*24*time.Hour+time.Second))
	assert.Contains(t, fieldsOf(t, err), "time")

	c := p.Config()
	c.Earn.Birthday.LateDays = 31
	lenient, err := loyalty.Compile(c)
	require.NoError(t, err)
	_, _, err = lenient.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2025, 10, 3)}, day(2025, 11, 3))
	require.NoError(t, err, "31 days late, allowed by the programme")
	_, _, err = lenient.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2024, 10, 3)}, day(2025, 11, 3))
	assert.Contains(t, fieldsOf(t, err), "time", "no bound lets a past year's gift be claimed")
	for _, days := range []int{-1, 32} {
		c.Earn.Birthday.LateDays = days
		_, err := loyalty.Compile(c)
		assert.Contains(t, fieldsOf(t, err), "earn.birthday.late_days")
	}

	dec := apply(t, p, loyalty.Account{}, day(2022, 1, 5), loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.December, Day: 30}, Time: day(2022, 1, 5)})
	got, _, err = p.Apply(dec, loyalty.BirthdayClaim{Member: "M1", Time: day(2025, 12, 31)}, day(2026, 1, 2))
	require.NoError(t, err, "the claim of 31 December delivered on 2 January")
	assert.True(t, got.HasKey("birthday:2025"))
}

// Whatever a claim's time and whenever it is recorded, a birthday gift
// is given only for a claim in the birthday month, in the programme's
// zone, recorded within LateDays (periods of 24 hours) of it, once per
// calendar year of that zone: around the ends of months and years, for
// members born on 29 February too, whatever LateDays. A refused claim
// changes nothing, and its error names the member and the field.
func TestBirthdayClaimLatenessProperty(t *testing.T) {
	zones := []*time.Location{time.UTC, loadZone(t, "Europe/Paris"), loadZone(t, "Pacific/Kiritimati"),
		loadZone(t, "Pacific/Pago_Pago"), loadZone(t, "America/Santiago")}
	rapid.Check(t, func(rt *rapid.T) {
		c := club(t).Config()
		c.Location = rapid.SampledFrom(zones).Draw(rt, "zone")
		c.Earn.Birthday.LateDays = rapid.IntRange(0, 31).Draw(rt, "late days")
		p, err := loyalty.Compile(c)
		require.NoError(rt, err)
		loc, lateness := p.Location(), time.Duration(p.Config().Earn.Birthday.LateDays)*24*time.Hour
		m := time.Month(rapid.IntRange(1, 12).Draw(rt, "birthday month"))
		bd := customer.Birthday{Month: m, Day: rapid.IntRange(1, daysIn(2028, m)).Draw(rt, "birthday")}
		join := time.Date(2024, 1, 1, 0, 0, 0, 0, loc)
		a, _, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Birthday: bd, Time: join}, join)
		require.NoError(rt, err)
		claimed := map[int]bool{}
		for range rapid.IntRange(1, 12).Draw(rt, "claims") {
			// Near the start or the end of a month, in the zone.
			first := time.Date(rapid.IntRange(2024, 2029).Draw(rt, "year"), time.Month(rapid.IntRange(1, 12).Draw(rt, "month")), 1, 0, 0, 0, 0, loc)
			at := first.Add(time.Duration(rapid.IntRange(0, 4*3600).Draw(rt, "seconds into the month")) * time.Second)
			if rapid.Bool().Draw(rt, "at the month's end") {
				at = first.AddDate(0, 1, 0).Add(-time.Duration(rapid.IntRange(1, 4*3600).Draw(rt, "seconds before its end")) * time.Second)
			}
			now := at.Add(time.Duration(rapid.IntRange(0, 40*24*3600).Draw(rt, "seconds late")) * time.Second)
			if now.Before(a.AsOf) {
				now = a.AsOf // as Apply takes it
			}
			if at.Before(join) {
				continue
			}
			local := at.In(loc)
			next, entries, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: at}, now)
			ok := local.Month() == m && now.Sub(at) <= lateness && !claimed[local.Year()]
			if err != nil {
				require.False(rt, ok, "a claim of %v recorded %v later was refused: %v", local, now.Sub(at), err)
				require.Empty(rt, entries)
				require.Equal(rt, a.Version, next.Version)
				require.Equal(rt, a.Balance(), next.Balance())
				require.ErrorContains(rt, err, `member "M1"`)
				var ve *customer.ValidationError
				var de *loyalty.DuplicateError
				require.True(rt, errors.As(err, &de) || errors.As(err, &ve) && ve.Has("time", ""), "%v", err)
				continue
			}
			require.True(rt, ok, "a claim of %v recorded %v later was accepted", local, now.Sub(at))
			require.True(rt, next.HasKey(fmt.Sprintf("birthday:%d", local.Year())))
			claimed[local.Year()] = true
			a = next
		}
	})
}

// Judged at its own time, a redemption recorded late draws what it would
// have drawn had it been recorded then: first, nearest expiry first, the
// points it could spend at its time, and only then points that came
// after it, even those that expire sooner — points a refund gave back in
// between, keeping the early expiry of the points they replace, or
// points whose return window ended in between. Recorded late or on time,
// the member is left with the same points, expiring on the same dates.
func TestLateRedemptionDrawsThePointsOfItsTimeFirst(t *testing.T) {
	refund := ret("X1", "P", "M1", day(2027, 2, 3), customer.ReturnLine{LineID: "X", Quantity: -1})
	for _, tc := range []struct {
		name    string
		pending int
		history []loyalty.Event // each recorded at its own time
		redeem  loyalty.Redemption
		between []loyalty.Event // after the redemption's time, before its recording
		synced  time.Time
		want    []loyalty.LotPart
		check   time.Time // when the balances are compared
	}{{
		// On 6 January 100 points expiring on 5 February pay for order P,
		// refunded on 3 February: they come back expiring on 5 February.
		// The redemption of 1 February spends the points alive then, A's
		// and B's, not those given back on 3 February.
		name: "points given back by a refund in between",
		history: []loyalty.Event{
			loyalty.Purchase{Order: order("D", "M1", day(2027, 1, 5), line("D", "coats", "100", 1))},
			loyalty.Redemption{Member: "M1", ID: "P", Order: "P", Points: 100, Time: day(2027, 1, 6)},
			loyalty.Purchase{Order: order("P", "M1", day(2027, 1, 6), line("X", "coats", "0", 1))},
			loyalty.Purchase{Order: order("A", "M1", day(2027, 1, 14), line("A", "coats", "30", 1))},
			loyalty.Purchase{Order: order("B", "M1", day(2027, 1, 20), line("B", "coats", "100", 1))},
		},
		redeem:  loyalty.Redemption{Member: "M1", ID: "R1", Points: 50, Time: day(2027, 2, 1)},
		between: []loyalty.Event{loyalty.Returned{Return: refund}},
		synced:  day(2027, 2, 4),
		want:    []loyalty.LotPart{{Lot: "order:A", Points: 30}, {Lot: "order:B", Points: 20}},
		check:   day(2027, 2, 15),
	}, {
		// Order O's 40 points are pending until 8 January, after the
		// redemption of 6 January: it spends the adjustment's points,
		// available then, though O's expire sooner.
		name:    "points released in between",
		pending: 3,
		history: []loyalty.Event{
			loyalty.Purchase{Order: order("O", "M1", day(2027, 1, 5), line("O", "coats", "40", 1))},
			loyalty.Adjustment{Member: "M1", ID: "A1", Points: 40, Reason: "goodwill", Operator: "shop 3", Time: day(2027, 1, 5).Add(time.Hour)},
		},
		redeem: loyalty.Redemption{Member: "M1", ID: "R1", Points: 30, Time: day(2027, 1, 6)},
		synced: day(2027, 1, 9),
		want:   []loyalty.LotPart{{Lot: "adjust:A1", Points: 30}},
		check:  day(2027, 2, 5).Add(30 * time.Minute), // O's lot expired, the adjustment's not

	}} {
		t.Run(tc.name, func(t *testing.T) {
			c := monthProgramme(t).Config()
			c.PendingDays = tc.pending
			p, err := loyalty.Compile(c)
			require.NoError(t, err)
			start := apply(t, p, loyalty.Account{}, day(2027, 1, 1), loyalty.Join{Member: "M1", Time: day(2027, 1, 1)})
			record := func(a loyalty.Account, e loyalty.Event, now time.Time) loyalty.Account {
				t.Helper()
				next, _, err := p.Apply(a, e, now)
				require.NoError(t, err, "%T %s", e, e.Key())
				return next
			}
			at := func(e loyalty.Event) time.Time {
				switch e := e.(type) {
				case loyalty.Purchase:
					return e.Order.Time
				case loyalty.Returned:
					return e.Return.Time
				case loyalty.Redemption:
					return e.Time
				case loyalty.Adjustment:
					return e.Time
				}
				t.Fatalf("no time for %T", e)
				return time.Time{}
			}
			a := start
			for _, e := range tc.history {
				a = record(a, e, at(e))
			}
			onTime := record(a, tc.redeem, tc.redeem.Time)
			for _, e := range tc.between {
				onTime = record(onTime, e, at(e))
			}
			onTime = record(onTime, loyalty.Tick{Member: "M1"}, tc.check)

			late := a
			for _, e := range tc.between {
				late = record(late, e, at(e))
			}
			late, entries, err := p.Apply(late, tc.redeem, tc.synced)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ofKind(entries, loyalty.EntryRedeem)[0].Parts, "the points it could spend at its time first")
			late = record(late, loyalty.Tick{Member: "M1"}, tc.check)
			assert.Equal(t, onTime.Balance(), late.Balance(), "recorded late or on time, the same balance on %v", tc.check)
			assert.Equal(t, onTime.Lots(), late.Lots())
		})
	}
}

// requireSameLateness checks that the account log replays to is a's
// also in what late redemptions may spend, which the balance and the lots
// do not show (the points that expired and were not put back), and that
// no points put back for a late redemption outlived it.
func requireSameLateness(t require.TestingT, p *loyalty.Programme, a loyalty.Account, log []loyalty.Entry) {
	for _, l := range a.Lots() {
		require.False(t, strings.HasPrefix(l.ID, "reopen"), "lot %s put back for a redemption outlived it", l.ID)
	}
	r, err := loyalty.Replay(log)
	require.NoError(t, err)
	window := time.Duration(p.Config().Redeem.LateDays) * 24 * time.Hour
	for _, back := range []time.Duration{0, time.Hour, window / 3, window / 2, window - time.Hour, window} {
		at := a.AsOf.Add(-back)
		if at.Before(a.Joined) {
			continue
		}
		e := loyalty.Redemption{Member: a.Member, ID: "probe", Points: loyalty.MaxPoints, Time: at}
		_, live, err := p.Apply(a, e, a.AsOf)
		_, replayed, rerr := p.Apply(r, e, a.AsOf)
		require.Equal(t, fmt.Sprint(err), fmt.Sprint(rerr), "a redemption of %v", at)
		require.Equal(t, live, replayed)
		e.Points = 1
		_, live, err = p.Apply(a, e, a.AsOf)
		_, replayed, rerr = p.Apply(r, e, a.AsOf)
		require.Equal(t, fmt.Sprint(err), fmt.Sprint(rerr), "a redemption of %v", at)
		require.Equal(t, live, replayed)
	}
}

// recorded is an event of a history, with the time it happened and the
// time a till recorded it (its events are recorded together).
type recorded struct {
	id       string
	at, rec  time.Time
	events   []loyalty.Event
	spending bool
}

// Redemptions recorded late, up to the programme's LateDays, are judged
// at their own time: recorded in the order they reach the ledger or each
// at its own time, the same history leaves the same balance and debt at
// every later time, the same points expiring on each date and the same
// points paid on and given back to each order, in any zone and under
// either debt policy. The history has purchases, orders paid with points
// and their refunds (points given back with the early expiry of the
// points they replace), orders whose points a till syncs late, after
// refunds of the order went through (given back when the points come),
// refunds of orders that earned (claw-backs), adjustments either way and
// redemptions, some recorded late, across expiries and return windows.
// What another spend recorded between a late redemption's time and its
// recording drew is not judged again (see [loyalty.Redemption]), so no
// other spend falls in that interval. Both ledgers add up to their
// balance and replay to the same account, and a refused event changes
// nothing.
func TestLateRedemptionsInAnyRecordingOrder(t *testing.T) {
	zones := []*time.Location{time.UTC, loadZone(t, "Europe/Paris"), loadZone(t, "America/Santiago")}
	rapid.Check(t, func(rt *rapid.T) {
		loc := rapid.SampledFrom(zones).Draw(rt, "zone")
		lateDays := rapid.IntRange(0, 31).Draw(rt, "late days")
		policy := rapid.SampledFrom([]loyalty.DebtPolicy{loyalty.DebtRecord, loyalty.DebtCapAtZero}).Draw(rt, "policy")
		p, err := loyalty.Compile(loyalty.Config{Name: "late", Currency: "EUR", Location: loc,
			Earn:         loyalty.EarnConfig{PointsPerUnit: dec("1")},
			Redeem:       loyalty.RedeemConfig{PointsPerUnit: dec("1"), LateDays: lateDays},
			ExpiryMonths: 1, PendingDays: rapid.SampledFrom([]int{0, 3}).Draw(rt, "pending days"), DebtPolicy: policy})
		require.NoError(rt, err)
		window := p.Config().Redeem.LateDays
		start := time.Date(rapid.IntRange(2026, 2028).Draw(rt, "year"), time.Month(rapid.IntRange(1, 12).Draw(rt, "month")),
			rapid.IntRange(1, 31).Draw(rt, "day"), rapid.IntRange(0, 23).Draw(rt, "hour"), 0, 0, 0, loc)

		type sold struct {
			id         string
			rec        time.Time
			units, ret int
			earned     bool // paid in money: a refund claws back
		}
		var history []recorded
		var orders []*sold
		now, busy := start, start // no spend dated before busy: a late one is not recorded yet
		for i := range rapid.IntRange(1, 60).Draw(rt, "events") {
			now = now.Add(time.Duration(rapid.IntRange(1, 2*24).Draw(rt, "hours later")) * time.Hour)
			id := fmt.Sprint("E", i)
			delay := time.Duration(rapid.IntRange(0, window*24).Draw(rt, "hours late")) * time.Hour
			r := recorded{id: id, at: now, rec: now}
			units := rapid.IntRange(1, 3).Draw(rt, "units")
			lines := func(price int64) []customer.Line {
				return []customer.Line{{ID: "L", SKU: "L", Category: "coats", Quantity: units, UnitPrice: decimal.NewFromInt(price)}}
			}
			switch rapid.SampledFrom([]string{"buy", "buy with points", "buy, the points synced late", "refund", "redeem", "adjust"}).Draw(rt, "event") {
			case "buy":
				o := order(id, "M1", now)
				o.Lines = lines(rapid.Int64Range(1, 100).Draw(rt, "price"))
				r.events = []loyalty.Event{loyalty.Purchase{Order: o}}
				orders = append(orders, &sold{id: id, rec: now, units: units, earned: true})
			case "buy with points": // paid wholly with points: it earns none
				o := order(id, "M1", now)
				o.Lines = lines(0)
				r.rec, r.spending = now.Add(delay), true
				r.events = []loyalty.Event{loyalty.Redemption{Member: "M1", ID: id, Order: id, Time: now,
					Points: loyalty.Points(rapid.Int64Range(1, 150).Draw(rt, "points"))}, loyalty.Purchase{Order: o}}
				orders = append(orders, &sold{id: id, rec: r.rec, units: units})
			case "buy, the points synced late":
				// Paid at the till, points first (as Quote.Checkout does);
				// the order is recorded at once, the points paid on it
				// when the till syncs: refunds of it may come in between.
				if now.Before(busy) {
					continue
				}
				var price int64 // paid wholly with points: a refund claws back nothing
				if rapid.Bool().Draw(rt, "partly paid in money") {
					price = rapid.Int64Range(1, 100).Draw(rt, "price in money")
				}
				o := order(id, "M1", now)
				o.Lines = lines(price)
				history = append(history, recorded{id: id + "-points", at: now, rec: now.Add(delay), spending: true, events: []loyalty.Event{loyalty.Redemption{Member: "M1",
					ID: id, Order: id, Time: now, Points: loyalty.Points(rapid.Int64Range(1, 60).Draw(rt, "points"))}}},
					recorded{id: id, at: now, rec: now, events: []loyalty.Event{loyalty.Purchase{Order: o}}})
				orders = append(orders, &sold{id: id, rec: now, units: units, earned: price > 0})
				busy = now.Add(delay)
				continue
			case "refund":
				var open []*sold
				for _, o := range orders {
					if o.ret < o.units && !o.rec.After(now) {
						open = append(open, o)
					}
				}
				if len(open) == 0 {
					continue
				}
				o := open[len(open)-1] // often the latest, whose points a till may not have synced yet
				if rapid.Bool().Draw(rt, "an older order") {
					o = rapid.SampledFrom(open).Draw(rt, "order")
				}
				n := rapid.IntRange(1, o.units-o.ret).Draw(rt, "units back")
				o.ret += n
				r.events = []loyalty.Event{loyalty.Returned{Return: ret(id, o.id, "M1", now, customer.ReturnLine{LineID: "L", Quantity: -n})}}
				r.spending = o.earned // a claw-back takes points; points paid come back
			case "redeem":
				r.rec, r.spending = now.Add(delay), true
				r.events = []loyalty.Event{loyalty.Redemption{Member: "M1", ID: id, Time: now,
					Points: loyalty.Points(rapid.Int64Range(1, 150).Draw(rt, "points"))}}
			case "adjust":
				n := loyalty.Points(rapid.Int64Range(-100, 100).Draw(rt, "adjustment"))
				if n == 0 {
					continue
				}
				r.spending = n < 0
				r.events = []loyalty.Event{loyalty.Adjustment{Member: "M1", ID: id, Points: n, Reason: "goodwill", Operator: "shop 3", Time: now}}
			}
			if r.spending && now.Before(busy) {
				continue
			}
			if r.spending {
				busy = r.rec
			}
			history = append(history, r)
		}

		// run records the history at the times late says, in that order.
		run := func(late bool) (loyalty.Account, map[string]bool) {
			a, log, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Time: start}, start)
			require.NoError(rt, err)
			steps := slices.Clone(history)
			if late {
				slices.SortStableFunc(steps, func(x, y recorded) int { return x.rec.Compare(y.rec) })
			}
			done := map[string]bool{}
			for _, s := range steps {
				at := s.at
				if late {
					at = s.rec
				}
				b, out := a, log
				for _, e := range s.events {
					next, entries, err := p.Apply(b, e, at)
					if err != nil {
						if !errors.Is(err, loyalty.ErrInsufficient) && !errors.Is(err, loyalty.ErrUnknownOrder) {
							rt.Fatalf("%s: %v", s.id, err)
						}
						require.Empty(rt, entries)
						require.Equal(rt, b.Version, next.Version, "a refused %T changes nothing", e)
						require.Equal(rt, b.Balance(), next.Balance())
						require.Equal(rt, b.Lots(), next.Lots())
						b = a
						break
					}
					b, out = next, append(out, entries...)
				}
				if b.Version != a.Version {
					a, log, done[s.id] = b, out, true
				}
			}
			requireLedger(rt, a, log)
			requireSameLateness(rt, p, a, log)
			return a, done
		}
		onTime, okOnTime := run(false)
		late, okLate := run(true)
		if !maps.Equal(okOnTime, okLate) {
			// Recorded late, a redemption may spend the points available
			// when it is recorded, which it could not at its time: the
			// histories differ.
			return
		}
		from := onTime.AsOf
		if late.AsOf.After(from) {
			from = late.AsOf
		}
		for h := 0; h <= 40*24; h += 7 {
			at := from.Add(time.Duration(h) * time.Hour)
			onTime, _, err = p.Apply(onTime, loyalty.Tick{Member: "M1"}, at)
			require.NoError(rt, err)
			late, _, err = p.Apply(late, loyalty.Tick{Member: "M1"}, at)
			require.NoError(rt, err)
			if onTime.Balance() != late.Balance() || onTime.Debt != late.Debt {
				rt.Fatalf("at %v: balance %d, debt %d recorded on time; %d, %d recorded late", at, onTime.Balance(), onTime.Debt, late.Balance(), late.Debt)
			}
			if a, b := byExpiry(onTime), byExpiry(late); !maps.Equal(a, b) {
				rt.Fatalf("at %v: points by expiry %v recorded on time, %v recorded late", at, a, b)
			}
		}
		// The points paid on each order and given back by its refunds.
		for _, o := range orders {
			r1, g1 := onTime.OrderRedemption(o.id)
			r2, g2 := late.OrderRedemption(o.id)
			if r1 != r2 || g1 != g2 {
				rt.Fatalf("order %s: %d points paid, %d given back recorded on time; %d, %d recorded late", o.id, r1, g1, r2, g2)
			}
		}
	})
}

// byExpiry returns a's open points by expiry date, pending or not.
func byExpiry(a loyalty.Account) map[time.Time]loyalty.Points {
	out := map[time.Time]loyalty.Points{}
	for _, l := range a.Lots() {
		out[l.ExpiresAt.UTC()] += l.Remaining
	}
	return out
}

// A redemption refused, late or not, says whose points and which field:
// dated after it was recorded or before the member joined, too few points
// asked or too few to spend. A refusal changes nothing.
func TestLateRedemptionErrorsNameTheMemberAndTheField(t *testing.T) {
	p := debtProgramme(t, "debt")
	a, _ := lateLedger(t, p, day(2026, 3, 1).Add(6*time.Hour))
	synced := day(2026, 3, 2)
	for _, tc := range []struct {
		name  string
		r     loyalty.Redemption
		field string
	}{
		{"dated after it was recorded", loyalty.Redemption{ID: "R1", Points: 100, Time: synced.Add(time.Hour)}, "time"},
		{"dated before the member joined", loyalty.Redemption{ID: "R1", Points: 100, Time: day(2025, 1, 4)}, "time"},
		{"no time", loyalty.Redemption{ID: "R1", Points: 100}, "time"},
		{"below the minimum", loyalty.Redemption{ID: "R1", Points: 99, Time: day(2026, 2, 28)}, "points"},
		{"no id", loyalty.Redemption{Points: 100, Time: day(2026, 2, 28)}, "id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.Member = "M1"
			after, entries, err := p.Apply(a, tc.r, synced)
			assert.Contains(t, fieldsOf(t, err), tc.field)
			assert.ErrorContains(t, err, `member "M1"`)
			assert.Empty(t, entries)
			assert.Equal(t, a.Version, after.Version)
			assert.Equal(t, a.Lots(), after.Lots())
		})
	}
	_, _, err := p.Apply(a, loyalty.Redemption{Member: "M1", ID: "R1", Points: 401, Time: day(2026, 2, 28)}, synced)
	var ie *loyalty.InsufficientError
	require.True(t, errors.As(err, &ie), "%v", err)
	assert.Equal(t, customer.ID("M1"), ie.Member)
	assert.Equal(t, loyalty.Points(400), ie.Available, "the 300 expired since and the 100 available")
	assert.Equal(t, `redemption "R1"`, ie.Record)
	assert.ErrorContains(t, err, `redemption "R1" of member "M1"`)
	assert.ErrorContains(t, err, "401 points requested")
}

// Two jumpers of 30.00 are bought on 8 January, 50.00 paid with 500
// points (300 expiring on 10 January, 200 on 1 March) and 10.00 in money;
// one comes back on 9 January, the other on 11 or 14 January. The till
// syncs the redemption on 12 January, after the refunds went through
// online. Recorded late, the redemption gives back at once what the
// refunds recorded before it would have given back had it come first,
// each refund's share as of the refund, with the same keys and expiries;
// a refund after it gives back only the rest. The two recording orders
// end alike: the same balance, lots, points given back and expiries. A
// redemption for the order refused for too few points changes nothing.
func TestRedemptionRecordedAfterTheRefundOfItsOrder(t *testing.T) {
	bought, synced := day(2027, 1, 8), day(2027, 1, 12)
	for _, tc := range []struct {
		name   string
		second time.Time
	}{{"both refunds before the sync", day(2027, 1, 11)}, {"one refund before, one after", day(2027, 1, 14)}} {
		t.Run(tc.name, func(t *testing.T) {
			p := payProgramme(t, loyalty.DebtRecord)
			start := day(2026, 1, 10)
			base := &ledger{t: t, p: p}
			base.do(start, loyalty.Join{Member: "M1", Time: start},
				loyalty.Adjustment{Member: "M1", ID: "A", Points: 300, Reason: "gift", Operator: "ops", Time: start})
			base.do(day(2026, 3, 1), loyalty.Adjustment{Member: "M1", ID: "B", Points: 300, Reason: "gift", Operator: "ops", Time: day(2026, 3, 1)})
			evs := payWithPoints(t, p, base.a, "O1", bought, 500, item("KNIT", "knitwear", "2026-AW", "30.00", 2))
			redeem, buy := evs[0].(loyalty.Redemption), evs[1]
			refund := func(id string, at time.Time) step {
				return step{loyalty.Returned{Return: ret(id, "O1", "M1", at, customer.ReturnLine{LineID: "KNIT", Quantity: -1})}, at}
			}
			run := func(steps []step) (*ledger, []loyalty.Entry) {
				l := &ledger{t: t, p: p, a: base.a, log: slices.Clone(base.log)}
				var late []loyalty.Entry
				for _, s := range steps {
					out := l.do(s.at, s.e)
					if s.e.Key() == redeem.Key() {
						late = out
					}
				}
				return l, late
			}
			onTime, _ := run([]step{{redeem, bought}, {buy, bought}, refund("X1", day(2027, 1, 9)), refund("X2", tc.second)})
			steps := []step{{buy, bought}, refund("X1", day(2027, 1, 9)), {redeem, synced}}
			if tc.second.Before(synced) {
				steps = slices.Insert(steps, 2, refund("X2", tc.second))
			} else {
				steps = append(steps, refund("X2", tc.second))
			}

			// Too many points: refused, nothing changes.
			late, _ := run(steps[:slices.IndexFunc(steps, func(s step) bool { return s.e.Key() == redeem.Key() })])
			tooMany := redeem
			tooMany.ID, tooMany.OrderTotal, tooMany.Points = "R9", customer.Money{}, 700
			after, refused, err := p.Apply(late.a, tooMany, synced)
			require.ErrorIs(t, err, loyalty.ErrInsufficient)
			assert.Empty(t, refused)
			assert.Equal(t, late.a.Version, after.Version)
			redeemed, restored := after.OrderRedemption("O1")
			assert.Equal(t, [2]loyalty.Points{0, 0}, [2]loyalty.Points{redeemed, restored})

			late, entries := run(steps)
			// At the sync, the first refund's 250 points come back as of 9
			// January, latest expiry first; the 50 expiring on 10 January
			// expire then. A second refund already in the ledger gives back
			// the other 250, expired on 11 January.
			var got []moved
			for _, e := range ofKind(entries, loyalty.EntryRestore) {
				got = append(got, movedBy(e))
			}
			want := []moved{{"restore:X1", 200, "2027-01-09 12:00:00", "2027-03-01 12:00:00"}, {"restore-2:X1", 50, "2027-01-09 12:00:00", "2027-01-10 12:00:00"}}
			if tc.second.Before(synced) {
				want = append(want, moved{"restore:X2", 250, "2027-01-11 12:00:00", "2027-01-11 12:00:00"})
			}
			assert.Equal(t, want, got)
			redeemed, restored = late.a.OrderRedemption("O1")
			assert.Equal(t, [2]loyalty.Points{500, 500}, [2]loyalty.Points{redeemed, restored})

			// Delivered again, nothing more comes back.
			_, again, err := p.Apply(late.a, redeem, synced.Add(time.Hour))
			require.ErrorIs(t, err, loyalty.ErrDuplicate)
			assert.Empty(t, again)

			// Recorded late or in time order: the same account, and the
			// same points given back and expired, each on the same date.
			for _, at := range []time.Time{day(2027, 1, 15), day(2027, 3, 5)} {
				onTime.do(at, loyalty.Tick{Member: "M1"})
				late.do(at, loyalty.Tick{Member: "M1"})
				assert.Equal(t, onTime.a.Balance(), late.a.Balance(), "on %v", at)
				assert.Equal(t, onTime.a.Debt, late.a.Debt)
				assert.Equal(t, onTime.a.Lots(), late.a.Lots())
			}
			assert.Equal(t, pointMoves(onTime.log), pointMoves(late.log))
			late.requireReplays()
			requireLedger(t, late.a, late.log)
		})
	}
}

// step is an event and the time it is recorded.
type step struct {
	e  loyalty.Event
	at time.Time
}

// moved is an entry that gives back or expires points: its key, points,
// effective time and, for a lot given back, its expiry.
type moved struct {
	key                string
	points             loyalty.Points
	effective, expires string
}

func movedBy(e loyalty.Entry) moved {
	m := moved{e.Key, e.Points, e.Effective.UTC().Format(time.DateTime), ""}
	if e.Kind == loyalty.EntryRestore {
		m.expires = e.ExpiresAt.UTC().Format(time.DateTime)
	}
	return m
}

// pointMoves returns the entries of log that give back points paid for
// refunded goods and the expiries of those points, by key.
func pointMoves(log []loyalty.Entry) []moved {
	var out []moved
	for _, e := range log {
		if e.Kind == loyalty.EntryRestore || e.Kind == loyalty.EntryExpire && strings.HasPrefix(e.Parts[0].Lot, "restore") {
			out = append(out, movedBy(e))
		}
	}
	slices.SortFunc(out, func(a, b moved) int { return strings.Compare(a.key, b.key) })
	return out
}
