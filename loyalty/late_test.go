package loyalty_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

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
func requireLedger(t *testing.T, a loyalty.Account, log []loyalty.Entry) {
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
// is given only for a claim in the birthday month recorded within
// LateDays of it, and a refused claim changes nothing.
func TestBirthdayClaimLatenessProperty(t *testing.T) {
	p := club(t)
	rapid.Check(t, func(rt *rapid.T) {
		bd := customer.Birthday{Month: time.Month(rapid.IntRange(1, 12).Draw(rt, "month")), Day: rapid.IntRange(1, 28).Draw(rt, "day")}
		a, _, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Birthday: bd, Time: day(2022, 1, 1)}, day(2022, 1, 1))
		require.NoError(rt, err)
		at := day(2022, 1, 1).Add(time.Duration(rapid.IntRange(0, 4*365*24).Draw(rt, "claim hour")) * time.Hour)
		now := at.Add(time.Duration(rapid.IntRange(0, 60*24*60).Draw(rt, "minutes late")) * time.Minute)
		next, entries, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: at}, now)
		inMonth := at.Month() == bd.Month
		onTime := now.Sub(at) <= 7*24*time.Hour
		if err != nil {
			require.False(rt, inMonth && onTime, "a claim in the birthday month recorded on time was refused: %v", err)
			require.Empty(rt, entries)
			require.Equal(rt, a.Version, next.Version)
			require.Equal(rt, a.Balance(), next.Balance())
			return
		}
		require.True(rt, inMonth && onTime, "claim of %v recorded %v accepted", at, now)
		require.True(rt, next.HasKey(fmt.Sprintf("birthday:%d", at.Year())))
	})
}
