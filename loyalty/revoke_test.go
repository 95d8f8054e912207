package loyalty_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// revoking is the club programme (silver from 500, gold from 1500,
// yearly review, 30 days of grace) with tiers taken back by a refund
// within days of reaching them.
func revoking(t *testing.T, days int) *loyalty.Programme {
	t.Helper()
	c := club(t).Config()
	c.Tiers.RevokeDays = days
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

// applyAll applies e at now and returns the account and its entries.
func applyAll(t *testing.T, p *loyalty.Programme, a loyalty.Account, now time.Time, e loyalty.Event) (loyalty.Account, []loyalty.Entry) {
	t.Helper()
	next, entries, err := p.Apply(a, e, now)
	require.NoError(t, err, "%T %s", e, e.Key())
	return next, entries
}

// requireReplays checks that the entries replay to the account.
func requireReplays(t *testing.T, a loyalty.Account, log []loyalty.Entry) {
	t.Helper()
	r, err := loyalty.Replay(log)
	require.NoError(t, err)
	assert.Equal(t, a.Level, r.Level)
	assert.Equal(t, a.LevelSince, r.LevelSince)
	assert.Equal(t, a.NextReview, r.NextReview)
	assert.Equal(t, a.GraceUntil, r.GraceUntil)
	assert.Equal(t, a.Balance(), r.Balance())
}

// goldThenRefund joins on 5 January 2026, buys a coat of 1500 on
// 1 February (gold at once) and refunds it on 2 February.
func goldThenRefund(t *testing.T, p *loyalty.Programme) (loyalty.Account, []loyalty.Entry, []loyalty.Entry) {
	t.Helper()
	var log []loyalty.Entry
	a, es := applyAll(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	log = append(log, es...)
	a, es = applyAll(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "1500", 1))})
	log = append(log, es...)
	require.Equal(t, 2, a.Level, "gold at once")
	a, es = applyAll(t, p, a, day(2026, 2, 2), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 2), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	log = append(log, es...)
	return a, es, log
}

func TestRevokeTierBoughtAndRefunded(t *testing.T) {
	p := revoking(t, 30)
	a, es, log := goldThenRefund(t, p)
	require.Equal(t, 0, a.Level, "the refund takes back the gold it bought")
	require.Len(t, es, 2)
	c, r := es[0], es[1]
	assert.Equal(t, loyalty.EntryClawback, c.Kind)
	assert.Equal(t, loyalty.EntryTier, r.Kind)
	assert.Equal(t, "revoke:X1", r.Key)
	assert.Equal(t, "O1", r.OrderID)
	assert.Equal(t, 2, r.From)
	assert.Equal(t, 0, r.To)
	assert.Equal(t, day(2026, 2, 2), r.Effective)
	assert.Equal(t, day(2027, 1, 5), r.NextReview, "the review schedule before the upgrade comes back")
	assert.True(t, r.GraceUntil.IsZero())
	assert.Contains(t, r.Note, `refund "X1" of order "O1": gold revoked, reached 2026-02-01, within 30 days; qualifying 0 below 1500; moved down to member`)
	assert.Equal(t, day(2026, 2, 2), a.LevelSince)
	assert.Equal(t, day(2027, 1, 5), a.NextReview)
	requireReplays(t, a, log)

	// The zero value keeps today's rule: gold until the review.
	kept, es, _ := goldThenRefund(t, club(t))
	assert.Equal(t, 2, kept.Level)
	assert.Empty(t, ofKind(es, loyalty.EntryTier))
}

func TestRevokeNeverBelowTheTierHeldBefore(t *testing.T) {
	p := revoking(t, 30)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 1, 10), loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("COAT", "coats", "600", 1))})
	require.Equal(t, 1, a.Level, "silver")
	a = apply(t, p, a, day(2026, 4, 1), loyalty.Purchase{Order: order("O2", "M1", day(2026, 4, 1), line("SUIT", "suits", "1500", 1))})
	require.Equal(t, 2, a.Level, "gold")
	// Refunding the silver purchase leaves 1500: gold still qualifies.
	a, es := applyAll(t, p, a, day(2026, 4, 2), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 4, 2), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	assert.Empty(t, ofKind(es, loyalty.EntryTier))
	assert.Equal(t, 2, a.Level)
	// Refunding the gold purchase leaves nothing, but silver was held
	// before gold was bought: the refund takes back gold only.
	a, es = applyAll(t, p, a, day(2026, 4, 3), loyalty.Returned{Return: ret("X2", "O2", "M1", day(2026, 4, 3), customer.ReturnLine{LineID: "SUIT", Quantity: -1})})
	tiers := ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, 2, tiers[0].From)
	assert.Equal(t, 1, tiers[0].To)
	assert.Contains(t, tiers[0].Note, "moved down to silver, the tier held before")
	assert.Equal(t, 1, a.Level)
}

func TestRevokeToTheTierTheRestReaches(t *testing.T) {
	p := revoking(t, 30)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "1000", 2))})
	require.Equal(t, 2, a.Level)
	a, es := applyAll(t, p, a, day(2026, 2, 5), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 5), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	tiers := ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, 1, tiers[0].To, "1000 kept reaches silver")
	assert.Equal(t, 1, a.Level)
}

func TestRevokeOnlyWithinTheDays(t *testing.T) {
	p := revoking(t, 30)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "1500", 1))})
	// 30 days of 24 hours after the upgrade: the tier is held.
	late, es := applyAll(t, p, a, day(2026, 3, 3), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 3, 3), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	assert.Empty(t, ofKind(es, loyalty.EntryTier))
	assert.Equal(t, 2, late.Level)
	// One hour less: within the days, taken back.
	at := day(2026, 3, 3).Add(-time.Hour)
	in, es := applyAll(t, p, a, at, loyalty.Returned{Return: ret("X1", "O1", "M1", at, customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	assert.Len(t, ofKind(es, loyalty.EntryTier), 1)
	assert.Equal(t, 0, in.Level)
	// An exchange keeps the spend: nothing is taken back.
	x := ret("X2", "O1", "M1", day(2026, 2, 2), customer.ReturnLine{LineID: "COAT", Quantity: -1})
	x.Kind = customer.Exchange
	ex, es := applyAll(t, p, a, day(2026, 2, 2), loyalty.Returned{Return: x})
	assert.Empty(t, ofKind(es, loyalty.EntryTier))
	assert.Equal(t, 2, ex.Level)
}

// A purchase recorded after the revocation, dated before it, that
// brings the qualifying value back moves the member up again, as of the
// revocation at the earliest.
func TestRevokeThenPurchaseRecordedLate(t *testing.T) {
	p := revoking(t, 30)
	a, _, log := goldThenRefund(t, p)
	require.Equal(t, 0, a.Level)
	a, es := applyAll(t, p, a, day(2026, 2, 3), loyalty.Purchase{Order: order("O2", "M1", day(2026, 1, 20), line("SUIT", "suits", "1600", 1))})
	log = append(log, es...)
	tiers := ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, 2, tiers[0].To)
	assert.Equal(t, day(2026, 2, 2), tiers[0].Effective, "not before the revocation")
	requireReplays(t, a, log)
}

// A revocation during a grace keeps the grace, whose end judges the
// tier left: here the member qualifies for none and goes down again.
func TestRevokeDuringGrace(t *testing.T) {
	p := revoking(t, 400)
	var log []loyalty.Entry
	step := func(a loyalty.Account, now time.Time, e loyalty.Event) (loyalty.Account, []loyalty.Entry) {
		a, es := applyAll(t, p, a, now, e)
		log = append(log, es...)
		return a, es
	}
	a, _ := step(loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	a, _ = step(a, day(2026, 1, 10), loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("COAT", "coats", "600", 1))})
	require.Equal(t, 1, a.Level)
	a, _ = step(a, day(2027, 1, 20), loyalty.Purchase{Order: order("O2", "M1", day(2027, 1, 20), line("SUIT", "suits", "1600", 1))})
	require.Equal(t, 2, a.Level)
	// The review of 20 January 2028 finds O2 out of the window: grace.
	a, _ = step(a, day(2028, 1, 21), loyalty.Tick{Member: "M1"})
	require.Equal(t, 2, a.Level)
	require.Equal(t, day(2028, 2, 19), a.GraceUntil)
	a, es := step(a, day(2028, 2, 1), loyalty.Returned{Return: ret("X1", "O2", "M1", day(2028, 2, 1), customer.ReturnLine{LineID: "SUIT", Quantity: -1})})
	tiers := ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, 1, tiers[0].To, "silver was held before gold")
	assert.Equal(t, day(2028, 2, 19), tiers[0].GraceUntil)
	assert.Equal(t, day(2028, 2, 19), a.GraceUntil, "the grace goes on")
	a, es = step(a, day(2028, 2, 20), loyalty.Tick{Member: "M1"})
	tiers = ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, day(2028, 2, 19), tiers[0].Effective)
	assert.Equal(t, 0, a.Level)
	requireReplays(t, a, log)
}

// A refund recorded late, dated before the last tier change, takes the
// tier back as of that change, and an erasure changes nothing of it.
func TestRevokeRefundRecordedLateAndErased(t *testing.T) {
	p := revoking(t, 30)
	var log []loyalty.Entry
	step := func(a loyalty.Account, now time.Time, e loyalty.Event) (loyalty.Account, []loyalty.Entry) {
		a, es := applyAll(t, p, a, now, e)
		log = append(log, es...)
		return a, es
	}
	a, _ := step(loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.May, Day: 1}, Time: day(2026, 1, 5)})
	a, _ = step(a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))})
	a, _ = step(a, day(2026, 2, 10), loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 10), line("SUIT", "suits", "900", 1))})
	require.Equal(t, 2, a.Level)
	a, es := step(a, day(2026, 2, 12), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 5), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	tiers := ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, day(2026, 2, 10), tiers[0].Effective, "as of the upgrade it takes back, not before")
	assert.Equal(t, 1, tiers[0].To, "the 900 left reaches silver")
	a, _ = step(a, day(2026, 3, 1), loyalty.Erasure{Member: "M1", ID: "E1", Time: day(2026, 3, 1)})
	requireReplays(t, a, log)
	erased := make([]loyalty.Entry, len(log))
	for i, e := range log {
		erased[i] = e.Erased()
	}
	requireReplays(t, a, erased)
}

func TestRevokeReplayRefusesCorruptRecords(t *testing.T) {
	p := revoking(t, 30)
	_, _, log := goldThenRefund(t, p)
	i := len(log) - 1
	require.Equal(t, "revoke:X1", log[i].Key)
	for name, change := range map[string]func(e *loyalty.Entry){
		"moves up":                func(e *loyalty.Entry) { e.To = 2 },
		"from a tier not held":    func(e *loyalty.Entry) { e.From = 1 },
		"below the lowest tier":   func(e *loyalty.Entry) { e.To = -1 },
		"another refund":          func(e *loyalty.Entry) { e.Key = "revoke:X9" },
		"another order":           func(e *loyalty.Entry) { e.OrderID = "O9" },
		"a review":                func(e *loyalty.Entry) { e.Kind = loyalty.EntryReview },
		"dated before the refund": func(e *loyalty.Entry) { e.Effective = day(2026, 2, 1).Add(time.Hour) },
		"moves the next review":   func(e *loyalty.Entry) { e.NextReview = day(2026, 3, 1) },
		"starts a grace":          func(e *loyalty.Entry) { e.GraceUntil = day(2026, 3, 1) },
		"draws points":            func(e *loyalty.Entry) { e.Qualifying = -1 },
	} {
		t.Run(name, func(t *testing.T) {
			bad := append([]loyalty.Entry(nil), log...)
			change(&bad[i])
			_, err := loyalty.Replay(bad)
			require.ErrorIs(t, err, loyalty.ErrCorrupt)
		})
	}
	// Not right after its refund's claw-back.
	bad := append([]loyalty.Entry(nil), log[:i]...)
	tick := loyalty.Entry{Seq: log[i].Seq, Member: "M1", Key: "review:x", Kind: loyalty.EntryReview, Time: log[i].Time,
		Effective: log[i].Time, From: 2, To: 2, NextReview: log[i].NextReview}
	moved := log[i]
	moved.Seq++
	bad = append(bad, tick, moved)
	_, err := loyalty.Replay(bad)
	require.ErrorIs(t, err, loyalty.ErrCorrupt)
	// The key of a revocation on another kind of entry.
	bad = append([]loyalty.Entry(nil), log...)
	j := len(bad) - 2
	require.Equal(t, loyalty.EntryClawback, bad[j].Kind)
	bad[j].Key = "revoke:X1"
	_, err = loyalty.Replay(bad[:j+1])
	require.ErrorIs(t, err, loyalty.ErrCorrupt)
	require.True(t, strings.Contains(err.Error(), "revocation"), err)
	// The untouched ledger replays.
	_, err = loyalty.Replay(log)
	require.NoError(t, err)
}

func TestRevokeDaysRange(t *testing.T) {
	for _, days := range []int{-1, 3651} {
		c := club(t).Config()
		c.Tiers.RevokeDays = days
		_, err := loyalty.Compile(c)
		var ve *customer.ValidationError
		require.True(t, errors.As(err, &ve), "%d: %v", days, err)
		require.Contains(t, err.Error(), "tiers.revoke_days")
	}
	_, err := loyalty.DecodeProgramme([]byte(`{"name":"x","currency":"EUR","earn":{"points_per_unit":"1"},"redeem":{"points_per_unit":"100"},
		"tiers":{"window_months":12,"review_months":12,"revoke_days":14,"levels":[{"name":"a","min":"0"},{"name":"b","min":"10"}]}}`))
	require.NoError(t, err)
}
