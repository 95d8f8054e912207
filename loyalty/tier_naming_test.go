package loyalty_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// oldTierLedger returns the entries, as written before tier names were
// recorded, of a member of the club who joined on 5 January 2026, spent
// spend on 1 February and answered a survey on 10 February (the
// ledger's last time), and the account they replay to.
func oldTierLedger(t *testing.T, member customer.ID, spend string) ([]loyalty.Entry, loyalty.Account) {
	t.Helper()
	all, a := tierLedger(t, member, spend)
	_, es, err := club(t).Apply(a, loyalty.SurveyAnswered{Member: member, SurveyID: "S1", Time: day(2026, 2, 10)}, day(2026, 2, 10))
	require.NoError(t, err)
	require.NotEmpty(t, es)
	old := stripNames(append(all, es...))
	b, err := loyalty.Replay(old)
	require.NoError(t, err)
	require.Empty(t, b.LevelName())
	return old, b
}

// naming returns p naming the ledgers written before tier names were
// recorded ([loyalty.TierConfig].NameLedgers).
func naming(t testing.TB, p *loyalty.Programme) *loyalty.Programme {
	t.Helper()
	c := p.Config()
	c.Tiers.NameLedgers = true
	q, err := loyalty.Compile(c)
	require.NoError(t, err)
	return q
}

// namingClub returns the club naming old ledgers.
func namingClub(t testing.TB) *loyalty.Programme { return naming(t, club(t)) }

// A sweep of Ticks under the programme that wrote an old ledger, set to
// name ledgers (NameLedgers), names the tier it holds: a silver member of an old ledger so named holds
// member, not gold, once the programme drops silver.
func TestTierNamingSweepThenDrop(t *testing.T) {
	old, a := oldTierLedger(t, "M1", "600")
	require.Equal(t, 1, a.Level)
	named, es, err := namingClub(t).Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 11))
	require.NoError(t, err)
	require.Len(t, es, 1, "%v", es)
	e := es[0]
	assert.Equal(t, fmt.Sprintf("named-tier:%d", a.Version+1), e.Key)
	assert.Equal(t, loyalty.EntryTier, e.Kind)
	assert.Equal(t, 1, e.From)
	assert.Equal(t, 1, e.To)
	assert.Equal(t, "silver", e.TierName)
	assert.Zero(t, e.Points)
	assert.Empty(t, e.Parts)
	assert.Zero(t, e.Qualifying)
	assert.True(t, e.NextReview.Equal(a.NextReview), "keeps the review schedule")
	assert.True(t, e.GraceUntil.Equal(a.GraceUntil))
	assert.True(t, e.Effective.Equal(a.AsOf), "effective at the ledger's last time")
	assert.Contains(t, e.Note, "silver")
	assert.Equal(t, "silver", named.LevelName())
	assert.Equal(t, 1, named.Level)
	assert.True(t, named.LevelSince.Equal(a.LevelSince), "held since it was reached")
	assert.True(t, named.NextReview.Equal(a.NextReview))
	assert.Equal(t, a.Balance(), named.Balance())

	// Named once: a second Tick records nothing.
	_, again, err := namingClub(t).Apply(named, loyalty.Tick{Member: "M1"}, day(2026, 2, 12))
	require.NoError(t, err)
	assert.Empty(t, again)

	// The replay of the named ledger is the account.
	replayed, err := loyalty.Replay(append(append([]loyalty.Entry(nil), old...), es...))
	require.NoError(t, err)
	assert.Equal(t, "silver", replayed.LevelName())
	assert.True(t, replayed.LevelSince.Equal(named.LevelSince))
	assert.Equal(t, named.Version, replayed.Version)

	// Silver dropped: the silver member goes to member.
	p := restructured(t, clubTier(t, "member"), clubTier(t, "gold"))
	assert.Equal(t, "member", p.Tier(named).Name)
	after, es, err := p.Apply(named, loyalty.Tick{Member: "M1"}, day(2026, 2, 13))
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, fmt.Sprintf("dropped-tier:%d", named.Version+1), es[0].Key)
	assert.Equal(t, 0, after.Level)
	assert.Equal(t, "member", after.LevelName())

	// A gold member swept before keeps gold.
	_, g := oldTierLedger(t, "M2", "2000")
	g, es, err = namingClub(t).Apply(g, loyalty.Tick{Member: "M2"}, day(2026, 2, 11))
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, "gold", g.LevelName())
	assert.Equal(t, "gold", p.Tier(g).Name)
	g, _, err = p.Apply(g, loyalty.Tick{Member: "M2"}, day(2026, 2, 13))
	require.NoError(t, err)
	assert.Equal(t, "gold", g.LevelName())
	assert.Equal(t, 1, g.Level)
}

// The first event applied to an old ledger, a purchase say, names the
// tier before anything else; then the purchase earns.
func TestTierNamingBeforeAPurchase(t *testing.T) {
	old, a := oldTierLedger(t, "M1", "600")
	buy := loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 20), line("SCARF", "accessories", "100", 1))}
	b, es, err := namingClub(t).Apply(a, buy, day(2026, 2, 20))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(es), 2)
	assert.Equal(t, fmt.Sprintf("named-tier:%d", a.Version+1), es[0].Key)
	assert.Equal(t, "silver", es[0].TierName)
	assert.Equal(t, loyalty.EntryEarn, es[1].Kind)
	assert.Equal(t, loyalty.Points(125), es[1].Points, "earns as silver: 100 × 1.25")
	assert.Equal(t, "silver", b.LevelName())
	replayed, err := loyalty.Replay(append(append([]loyalty.Entry(nil), old...), es...))
	require.NoError(t, err)
	assert.Equal(t, b.Balance(), replayed.Balance())
	assert.Equal(t, b.LevelName(), replayed.LevelName())
	assert.Equal(t, b.Version, replayed.Version)
}

// A purchase recorded late, dated after the tier was reached but before
// the ledger named it, earns with the tier named: a silver member whose
// ledger was named and whose silver the programme since dropped earns
// as member, not with the multiplier of the tier now at silver's index.
func TestTierNamingReadsThePastBeforeIt(t *testing.T) {
	_, a := oldTierLedger(t, "M1", "600")
	a, _, err := namingClub(t).Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 11))
	require.NoError(t, err)
	p := restructured(t, clubTier(t, "member"), clubTier(t, "gold"))
	a, _, err = p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 12))
	require.NoError(t, err)
	late := loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 5), line("SCARF", "accessories", "100", 1))}
	_, es, err := p.Apply(a, late, day(2026, 2, 13))
	require.NoError(t, err)
	require.NotEmpty(t, es)
	assert.Equal(t, loyalty.EntryEarn, es[0].Kind)
	assert.Equal(t, loyalty.Points(100), es[0].Points, "member's multiplier, not gold's: %s", es[0].Note)
	assert.Equal(t, "member", p.TierAt(a, day(2026, 2, 5)).Name)
}

// An old ledger whose first event after the library names tiers comes
// after the programme restructured is named under the programme
// applying it: the tier at its index, as an old ledger is read without
// a name. Sweeping before restructuring avoids it.
func TestTierNamingAfterARestructureNamesByIndex(t *testing.T) {
	_, a := oldTierLedger(t, "M1", "600")
	p := naming(t, restructured(t, clubTier(t, "member"), clubTier(t, "gold")))
	b, es, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 11))
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, "gold", es[0].TierName)
	assert.Equal(t, "gold", b.LevelName())
}

// A single-tier programme names its old ledgers too, and an account
// without a join has nothing to name.
func TestTierNamingOneTier(t *testing.T) {
	c := club(t).Config()
	c.Tiers = loyalty.TierConfig{NameLedgers: true}
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	var a loyalty.Account
	var all []loyalty.Entry
	for _, ev := range []loyalty.Event{
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))},
	} {
		next, es, err := p.Apply(a, ev, day(2026, 2, 1))
		require.NoError(t, err)
		a, all = next, append(all, es...)
	}
	old, err := loyalty.Replay(stripNames(all))
	require.NoError(t, err)
	b, es, err := p.Apply(old, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, "member", b.LevelName())
	assert.True(t, es[0].NextReview.IsZero())
}

// Replay refuses naming entries that do more than name the tier held on
// a ledger without a name.
func TestTierNamingReplayChecked(t *testing.T) {
	old, a := oldTierLedger(t, "M1", "600")
	_, es, err := namingClub(t).Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 11))
	require.NoError(t, err)
	require.Len(t, es, 1)
	good := es[0]
	with := func(base []loyalty.Entry, more ...loyalty.Entry) error {
		_, err := loyalty.Replay(append(append([]loyalty.Entry(nil), base...), more...))
		return err
	}
	require.NoError(t, with(old, good))
	for _, tc := range []struct {
		name   string
		change func(e *loyalty.Entry)
	}{
		{"moves points", func(e *loyalty.Entry) { e.Points = 5; e.Lot = "x"; e.AvailableAt = e.Effective }},
		{"moves qualifying", func(e *loyalty.Entry) { e.Qualifying = 5 }},
		{"from another tier", func(e *loyalty.Entry) { e.From = 0 }},
		{"to another tier", func(e *loyalty.Entry) { e.To = 2 }},
		{"to another tier from it", func(e *loyalty.Entry) { e.From, e.To = 0, 0 }},
		{"no name", func(e *loyalty.Entry) { e.TierName = "" }},
		{"moves the review", func(e *loyalty.Entry) { e.NextReview = e.NextReview.Add(time.Hour) }},
		{"starts a grace", func(e *loyalty.Entry) { e.GraceUntil = e.Effective.Add(time.Hour) }},
		{"dated before the ledger", func(e *loyalty.Entry) { e.Effective = day(2026, 2, 2) }},
		{"a review", func(e *loyalty.Entry) { e.Kind = loyalty.EntryReview }},
		{"an earn", func(e *loyalty.Entry) { e.Kind = loyalty.EntryEarn; e.TierName = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := good
			tc.change(&bad)
			err := with(old, bad)
			require.Error(t, err)
			assert.True(t, errors.Is(err, loyalty.ErrCorrupt), "%v", err)
			assert.Contains(t, err.Error(), bad.Key, "names the entry")
		})
	}

	// On a ledger that names its tier.
	named, _ := tierLedger(t, "M1", "600")
	e := good
	e.Seq = int64(len(named)) + 1
	e.Key = fmt.Sprintf("named-tier:%d", e.Seq)
	e.Effective = day(2026, 2, 1)
	aNamed, err := loyalty.Replay(named)
	require.NoError(t, err)
	e.NextReview, e.GraceUntil = aNamed.NextReview, aNamed.GraceUntil
	assert.ErrorIs(t, with(named, e), loyalty.ErrCorrupt)

	// Twice.
	twice := good
	twice.Seq++
	twice.Key = fmt.Sprintf("named-tier:%d", twice.Seq)
	assert.ErrorIs(t, with(old, good, twice), loyalty.ErrCorrupt)
}

// Two services applying at once the first events to an old ledger name
// it once: the one that loses the race reloads the ledger, which names
// the tier already.
func TestTierNamingRecordedOnceByTwoServices(t *testing.T) {
	old, _ := oldTierLedger(t, "M1", "600")
	for range 20 {
		store := loyalty.NewMemStore()
		require.NoError(t, store.Append(context.Background(), "M1", 0, old))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			svc := loyalty.NewService(namingClub(t), store, nil)
			wg.Go(func() {
				var ev loyalty.Event = loyalty.Tick{Member: "M1"}
				if i == 1 {
					ev = loyalty.Purchase{Order: order("P1", "M1", day(2026, 4, 1), line("A", "coats", "100", 1))}
				}
				_, _, errs[i] = svc.Apply(context.Background(), ev, day(2026, 4, 1))
			})
		}
		wg.Wait()
		require.NoError(t, errors.Join(errs...))
		es, err := store.Entries(context.Background(), "M1", 0)
		require.NoError(t, err)
		assert.Len(t, tierMoves(es, "named-tier:"), 1, "%v", es)
		a, err := loyalty.Replay(es)
		require.NoError(t, err)
		assert.Equal(t, "silver", a.LevelName())
	}
}
