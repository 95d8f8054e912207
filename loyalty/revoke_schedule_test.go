package loyalty_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// silverMember joins on 5 January 2026 and reaches silver on 10 January
// with a coat of 600: reviewed yearly from then, on 10 January.
func silverMember(t *testing.T, p *loyalty.Programme, log *[]loyalty.Entry) loyalty.Account {
	t.Helper()
	a, es := applyAll(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	*log = append(*log, es...)
	a, es = applyAll(t, p, a, day(2026, 1, 10), loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("COAT", "coats", "600", 1))})
	*log = append(*log, es...)
	require.Equal(t, 1, a.Level)
	require.Equal(t, day(2027, 1, 10), a.NextReview)
	return a
}

// stepper applies events to a ledger kept in log.
func stepper(t *testing.T, p *loyalty.Programme, log *[]loyalty.Entry) func(a loyalty.Account, now time.Time, e loyalty.Event) (loyalty.Account, []loyalty.Entry) {
	return func(a loyalty.Account, now time.Time, e loyalty.Event) (loyalty.Account, []loyalty.Entry) {
		t.Helper()
		a, es := applyAll(t, p, a, now, e)
		*log = append(*log, es...)
		return a, es
	}
}

// A tier bought and refunded does not move the review of the tier held
// before: the revocation takes back the upgrade's new review schedule
// with it, and the member is reviewed when it would have been.
func TestRevokeRestoresTheReviewOfTheTierHeldBefore(t *testing.T) {
	p := revoking(t, 30)
	var log []loyalty.Entry
	step := stepper(t, p, &log)
	a := silverMember(t, p, &log)
	// Two days before the review that O1 leaving the window would fail,
	// gold is bought (a new schedule, from 8 January) and refunded.
	a, _ = step(a, day(2027, 1, 8), loyalty.Purchase{Order: order("O2", "M1", day(2027, 1, 8), line("SUIT", "suits", "1500", 1))})
	require.Equal(t, 2, a.Level)
	require.Equal(t, day(2028, 1, 8), a.NextReview)
	a, es := step(a, day(2027, 1, 9), loyalty.Returned{Return: ret("X1", "O2", "M1", day(2027, 1, 9), customer.ReturnLine{LineID: "SUIT", Quantity: -1})})
	tiers := ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, 1, tiers[0].To)
	assert.Equal(t, day(2027, 1, 10), tiers[0].NextReview, "silver's review stays where it was")
	assert.Contains(t, tiers[0].Note, "review schedule of silver restored, next review 2027-01-10")
	assert.Equal(t, day(2027, 1, 10), a.NextReview)
	requireReplays(t, a, log)
	// The review of 10 January finds too little: grace, then member.
	a, _ = step(a, day(2027, 1, 11), loyalty.Tick{Member: "M1"})
	assert.Equal(t, day(2027, 2, 9), a.GraceUntil)
	assert.Equal(t, day(2028, 1, 10), a.NextReview, "on silver's schedule")
	a, _ = step(a, day(2027, 2, 10), loyalty.Tick{Member: "M1"})
	assert.Equal(t, 0, a.Level)
	requireReplays(t, a, log)

	// A replayed account continues the same schedule.
	r, err := loyalty.Replay(log[:len(log)-2])
	require.NoError(t, err)
	r, _ = applyAll(t, p, r, day(2027, 1, 11), loyalty.Tick{Member: "M1"})
	assert.Equal(t, day(2028, 1, 10), r.NextReview)
}

// A tier bought and refunded during a grace does not end the grace.
func TestRevokeRestoresTheGraceUnderWay(t *testing.T) {
	p := revoking(t, 30)
	var log []loyalty.Entry
	step := stepper(t, p, &log)
	a := silverMember(t, p, &log)
	a, _ = step(a, day(2027, 1, 11), loyalty.Tick{Member: "M1"})
	require.Equal(t, day(2027, 2, 9), a.GraceUntil)
	a, _ = step(a, day(2027, 1, 20), loyalty.Purchase{Order: order("O2", "M1", day(2027, 1, 20), line("SUIT", "suits", "1500", 1))})
	require.Equal(t, 2, a.Level)
	require.True(t, a.GraceUntil.IsZero())
	a, es := step(a, day(2027, 1, 21), loyalty.Returned{Return: ret("X1", "O2", "M1", day(2027, 1, 21), customer.ReturnLine{LineID: "SUIT", Quantity: -1})})
	tiers := ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, 1, tiers[0].To)
	assert.Equal(t, day(2027, 2, 9), a.GraceUntil, "the grace goes on")
	assert.Equal(t, day(2028, 1, 10), a.NextReview)
	a, _ = step(a, day(2027, 2, 10), loyalty.Tick{Member: "M1"})
	assert.Equal(t, 0, a.Level, "the grace ends as it would have")
	requireReplays(t, a, log)
}

// A review that fell due between the upgrade and its revocation is held
// at the revocation.
func TestRevokeHoldsTheReviewDueMeanwhile(t *testing.T) {
	p := revoking(t, 30)
	var log []loyalty.Entry
	step := stepper(t, p, &log)
	a := silverMember(t, p, &log)
	a, _ = step(a, day(2027, 1, 8), loyalty.Purchase{Order: order("O2", "M1", day(2027, 1, 8), line("SUIT", "suits", "1500", 1))})
	a, es := step(a, day(2027, 1, 12), loyalty.Returned{Return: ret("X1", "O2", "M1", day(2027, 1, 12), customer.ReturnLine{LineID: "SUIT", Quantity: -1})})
	tiers := ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, day(2027, 1, 12), tiers[0].NextReview)
	reviews := ofKind(es, loyalty.EntryReview)
	require.Len(t, reviews, 1)
	assert.Equal(t, day(2027, 1, 12), reviews[0].Effective)
	assert.Equal(t, 1, a.Level)
	assert.Equal(t, day(2027, 2, 11), a.GraceUntil)
	assert.Equal(t, day(2028, 1, 10), a.NextReview)
	requireReplays(t, a, log)
}

// A revocation that finds both the end of the grace and the review
// fallen due holds the review at once, and the grace, over, is not
// given again.
func TestRevokeHoldsTheReviewAfterTheGraceEnded(t *testing.T) {
	p := revoking(t, 400)
	var log []loyalty.Entry
	step := stepper(t, p, &log)
	a := silverMember(t, p, &log)
	a, _ = step(a, day(2027, 1, 11), loyalty.Tick{Member: "M1"})
	require.Equal(t, day(2027, 2, 9), a.GraceUntil)
	a, _ = step(a, day(2027, 1, 20), loyalty.Purchase{Order: order("O2", "M1", day(2027, 1, 20), line("SUIT", "suits", "1500", 1))})
	require.Equal(t, day(2028, 1, 20), a.NextReview)
	a, es := step(a, day(2028, 1, 15), loyalty.Returned{Return: ret("X1", "O2", "M1", day(2028, 1, 15), customer.ReturnLine{LineID: "SUIT", Quantity: -1})})
	tiers := ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 2, "the revocation, then the review")
	assert.Equal(t, 1, tiers[0].To)
	assert.Equal(t, day(2028, 1, 15), tiers[0].NextReview)
	assert.Equal(t, day(2028, 1, 15), tiers[0].GraceUntil)
	assert.Equal(t, day(2028, 1, 15), tiers[1].Effective)
	assert.Equal(t, 0, tiers[1].To)
	assert.Equal(t, 0, a.Level)
	assert.True(t, a.GraceUntil.IsZero(), "no second grace")
	assert.Equal(t, day(2029, 1, 10), a.NextReview)
	requireReplays(t, a, log)
}

// A tier lost at the end of a grace within RevokeDays before the refund
// does not come back by buying a higher tier and refunding it: the
// refund moves the member down to the tier held before the upgrade it
// takes back, not to the one held RevokeDays before.
func TestRevokeNotAboveTheTierHeldBeforeTheUpgrade(t *testing.T) {
	p := revoking(t, 60)
	var log []loyalty.Entry
	step := stepper(t, p, &log)
	a := silverMember(t, p, &log)
	a, _ = step(a, day(2027, 2, 10), loyalty.Tick{Member: "M1"})
	require.Equal(t, 0, a.Level, "silver lost at the end of the grace, 9 February")
	a, _ = step(a, day(2027, 2, 15), loyalty.Purchase{Order: order("O2", "M1", day(2027, 2, 15), line("SUIT", "suits", "1500", 1))})
	require.Equal(t, 2, a.Level)
	a, es := step(a, day(2027, 2, 16), loyalty.Returned{Return: ret("X1", "O2", "M1", day(2027, 2, 16), customer.ReturnLine{LineID: "SUIT", Quantity: -1})})
	tiers := ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, 0, tiers[0].To, "member was held before gold was bought")
	assert.Equal(t, 0, a.Level)
	assert.Equal(t, day(2028, 1, 10), a.NextReview)
	requireReplays(t, a, log)
}

// A refund that leaves a tier the upgrade reached keeps the schedule
// that upgrade started: the member holds a tier reached then.
func TestRevokeKeepsTheScheduleOfATierStillReached(t *testing.T) {
	p := revoking(t, 30)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "1000", 2))})
	require.Equal(t, 2, a.Level)
	a, es := applyAll(t, p, a, day(2026, 2, 5), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 5), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	require.Len(t, ofKind(es, loyalty.EntryTier), 1)
	assert.Equal(t, 1, a.Level)
	assert.Equal(t, day(2027, 2, 1), a.NextReview, "silver was reached on 1 February")
}

// Replay refuses a revocation whose schedule is neither the one held nor
// the one it restores, and replays one written when revocations kept
// the schedule as written.
func TestRevokeReplayRefusesAnotherSchedule(t *testing.T) {
	p := revoking(t, 30)
	var log []loyalty.Entry
	a := silverMember(t, p, &log)
	a, es := applyAll(t, p, a, day(2027, 1, 8), loyalty.Purchase{Order: order("O2", "M1", day(2027, 1, 8), line("SUIT", "suits", "1500", 1))})
	log = append(log, es...)
	_, es = applyAll(t, p, a, day(2027, 1, 9), loyalty.Returned{Return: ret("X1", "O2", "M1", day(2027, 1, 9), customer.ReturnLine{LineID: "SUIT", Quantity: -1})})
	log = append(log, es...)
	i := len(log) - 1
	require.Equal(t, "revoke:X1", log[i].Key)
	old := append([]loyalty.Entry(nil), log...)
	old[i].NextReview = day(2028, 1, 8)
	r, err := loyalty.Replay(old)
	require.NoError(t, err)
	assert.Equal(t, day(2028, 1, 8), r.NextReview)
	for name, change := range map[string]func(e *loyalty.Entry){
		"another review":        func(e *loyalty.Entry) { e.NextReview = day(2027, 6, 1) },
		"a grace from nowhere":  func(e *loyalty.Entry) { e.GraceUntil = day(2027, 2, 1) },
		"review of another day": func(e *loyalty.Entry) { e.NextReview = day(2027, 1, 11) },
	} {
		t.Run(name, func(t *testing.T) {
			bad := append([]loyalty.Entry(nil), log...)
			change(&bad[i])
			_, err := loyalty.Replay(bad)
			require.ErrorIs(t, err, loyalty.ErrCorrupt)
			require.ErrorContains(t, err, "revoke:X1")
			require.ErrorContains(t, err, "NextReview")
		})
	}
}
