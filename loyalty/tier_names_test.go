package loyalty_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// restructured returns the club with its tiers replaced by levels.
func restructured(t *testing.T, levels ...loyalty.TierLevel) *loyalty.Programme {
	t.Helper()
	c := club(t).Config()
	c.Tiers.Levels = levels
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

// clubTier returns the club's tier called name.
func clubTier(t *testing.T, name string) loyalty.TierLevel {
	t.Helper()
	for _, l := range club(t).Levels() {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no tier %q", name)
	return loyalty.TierLevel{}
}

// tierLedger returns the entries of a member of the club who joined on
// 5 January 2026 and spent spend on 1 February, and the account they
// replay to.
func tierLedger(t *testing.T, member customer.ID, spend string) ([]loyalty.Entry, loyalty.Account) {
	t.Helper()
	p := club(t)
	var a loyalty.Account
	var all []loyalty.Entry
	for _, ev := range []loyalty.Event{
		loyalty.Join{Member: member, Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", member, day(2026, 2, 1), line("COAT", "coats", spend, 1))},
	} {
		next, es, err := p.Apply(a, ev, day(2026, 2, 1))
		require.NoError(t, err)
		a, all = next, append(all, es...)
	}
	return all, a
}

// tierMoves returns the tier entries of es keyed with prefix.
func tierMoves(es []loyalty.Entry, prefix string) []loyalty.Entry {
	var out []loyalty.Entry
	for _, e := range es {
		if e.Kind == loyalty.EntryTier && strings.HasPrefix(e.Key, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// Tier entries record the name of the tier they move to, and the
// account the name of the tier it holds.
func TestTierEntriesRecordNames(t *testing.T) {
	all, a := tierLedger(t, "M1", "600")
	require.Equal(t, loyalty.EntryJoin, all[0].Kind)
	assert.Equal(t, "member", all[0].TierName)
	up := tierMoves(all, "tier:")
	require.Len(t, up, 1)
	assert.Equal(t, "silver", up[0].TierName)
	assert.Equal(t, 1, a.Level)
	assert.Equal(t, "silver", a.LevelName())
	earn := all[1]
	require.Equal(t, loyalty.EntryEarn, earn.Kind)
	assert.Empty(t, earn.TierName, "an earn names no tier")

	// A review records the name of the tier kept.
	b, es, err := club(t).Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 2, 2))
	require.NoError(t, err)
	var reviews int
	for _, e := range es {
		if e.Kind == loyalty.EntryReview || e.Kind == loyalty.EntryTier {
			reviews++
			assert.Equal(t, club(t).Levels()[e.To].Name, e.TierName, "%+v", e)
		}
	}
	assert.Positive(t, reviews)
	r, err := loyalty.Replay(append(all, es...))
	require.NoError(t, err)
	assert.Equal(t, b.LevelName(), r.LevelName())
}

// With silver dropped from member, silver and gold, a silver member
// holds member (the nearest tier below the one dropped that remains:
// no one is upgraded by a restructuring) and a gold member still holds
// gold, now the second tier. The first event applied records each move,
// moving no points and keeping the review schedule.
func TestMiddleTierDropped(t *testing.T) {
	p := restructured(t, clubTier(t, "member"), clubTier(t, "gold"))

	silverAll, silver := tierLedger(t, "M1", "600")
	require.Equal(t, "silver", silver.LevelName())
	assert.Equal(t, "member", p.Tier(silver).Name, "silver is gone: the tier below it")
	assert.Equal(t, "member", p.TierAt(silver, day(2026, 3, 1)).Name)
	assert.Equal(t, "member", p.TierAt(silver, day(2026, 1, 20)).Name, "before the upgrade too")

	basket := func(tier string, a *loyalty.Account) loyalty.Basket {
		return loyalty.Basket{Member: a.Member, Time: day(2026, 3, 1), Currency: "EUR", Tier: tier,
			Items: []loyalty.Item{item("A", "coats", "2026-AW", "100.00", 1)}, Account: a}
	}
	_, err := p.Price(basket("member", &silver))
	require.NoError(t, err, "a silver member is priced as member")
	_, err = p.Price(basket("gold", &silver))
	require.Error(t, err, "not as gold")

	buy := loyalty.Purchase{Order: order("O2", "M1", day(2026, 4, 1), line("A", "coats", "100", 1))}
	b, es, err := p.Apply(silver, buy, day(2026, 4, 1))
	require.NoError(t, err)
	moves := tierMoves(es, "dropped-tier:")
	require.Len(t, moves, 1, "%v", es)
	d := moves[0]
	assert.Equal(t, es[0], d, "the move comes first")
	assert.Equal(t, 1, d.From)
	assert.Equal(t, 0, d.To)
	assert.Equal(t, "member", d.TierName)
	assert.Contains(t, d.Note, "silver")
	assert.Zero(t, d.Points)
	assert.Equal(t, silver.NextReview, d.NextReview)
	assert.Equal(t, silver.GraceUntil, d.GraceUntil)
	assert.Equal(t, 0, b.Level)
	assert.Equal(t, "member", b.LevelName())
	earn := es[len(es)-1]
	require.Equal(t, loyalty.EntryEarn, earn.Kind)
	assert.Equal(t, loyalty.Points(100), earn.Points, "member's ×1")
	r, err := loyalty.Replay(append(append([]loyalty.Entry(nil), silverAll...), es...))
	require.NoError(t, err)
	assert.Equal(t, b.Balance(), r.Balance())
	assert.Equal(t, "member", r.LevelName())

	goldAll, gold := tierLedger(t, "M2", "2000")
	require.Equal(t, 2, gold.Level)
	require.Equal(t, "gold", gold.LevelName())
	assert.Equal(t, "gold", p.Tier(gold).Name)
	_, err = p.Price(basket("gold", &gold))
	require.NoError(t, err, "a gold member is priced as gold")
	buy = loyalty.Purchase{Order: order("O2", "M2", day(2026, 4, 1), line("A", "coats", "100", 1))}
	g, es, err := p.Apply(gold, buy, day(2026, 4, 1))
	require.NoError(t, err)
	assert.Empty(t, tierMoves(es, "dropped-tier:"), "gold is not dropped: %v", es)
	moves = tierMoves(es, "renamed-tier:")
	require.Len(t, moves, 1, "%v", es)
	m := moves[0]
	assert.Equal(t, es[0], m)
	assert.Equal(t, 2, m.From)
	assert.Equal(t, 1, m.To)
	assert.Equal(t, "gold", m.TierName)
	assert.Zero(t, m.Points)
	assert.Equal(t, gold.NextReview, m.NextReview)
	assert.Equal(t, 1, g.Level)
	assert.Equal(t, gold.LevelSince, g.LevelSince, "gold is held since it was reached")
	earn = es[len(es)-1]
	assert.Equal(t, loyalty.Points(150), earn.Points, "gold's ×1.5")
	r, err = loyalty.Replay(append(append([]loyalty.Entry(nil), goldAll...), es...))
	require.NoError(t, err)
	assert.Equal(t, 1, r.Level)
	assert.Equal(t, g.LevelSince, r.LevelSince)

	// The review a year on reviews gold, with gold's Min, and moves once.
	_, es, err = p.Apply(g, loyalty.Tick{Member: "M2"}, day(2027, 2, 2))
	require.NoError(t, err)
	assert.Empty(t, tierMoves(es, "renamed-tier:"))
	rv := reviewOf(t, es)
	assert.Equal(t, loyalty.EntryReview, rv.Kind, "2100 spent keeps gold: %v", es)
	assert.Equal(t, "gold", rv.TierName)
}

// A tier added below the one a member holds moves no one: a silver
// member holds silver, now the third tier, with its benefits.
func TestTierInsertedBelow(t *testing.T) {
	member, silver, gold := clubTier(t, "member"), clubTier(t, "silver"), clubTier(t, "gold")
	member.Max = decimal.NewNullDecimal(dec("200"))
	bronze := loyalty.TierLevel{Name: "bronze", Min: dec("200"), Max: decimal.NewNullDecimal(dec("500")), Multiplier: dec("1.1")}
	p := restructured(t, member, bronze, silver, gold)

	all, a := tierLedger(t, "M1", "600")
	assert.Equal(t, "silver", p.Tier(a).Name)
	b, es, err := p.Apply(a, loyalty.Purchase{Order: order("O2", "M1", day(2026, 4, 1), line("A", "coats", "100", 1))}, day(2026, 4, 1))
	require.NoError(t, err)
	moves := tierMoves(es, "renamed-tier:")
	require.Len(t, moves, 1, "%v", es)
	assert.Equal(t, 1, moves[0].From)
	assert.Equal(t, 2, moves[0].To)
	assert.Equal(t, "silver", moves[0].TierName)
	assert.Equal(t, 2, b.Level)
	assert.Equal(t, loyalty.Points(125), es[len(es)-1].Points, "silver's ×1.25")
	assert.Equal(t, a.LevelSince, b.LevelSince)
	assert.Equal(t, a.NextReview, b.NextReview, "a renumbering restarts no review clock")
	_, err = loyalty.Replay(append(all, es...))
	require.NoError(t, err)
}

// A tier renamed in place is told from a tier dropped by its former
// names: silver renamed argent with FormerNames silver keeps its
// members, who record the new name; renamed without, silver is dropped
// and its members hold the tier below.
func TestTierRenamed(t *testing.T) {
	member, silver, gold := clubTier(t, "member"), clubTier(t, "silver"), clubTier(t, "gold")
	silver.Name, silver.FormerNames = "argent", []string{"silver"}
	p := restructured(t, member, silver, gold)
	all, a := tierLedger(t, "M1", "600")
	assert.Equal(t, "argent", p.Tier(a).Name)
	b, es, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.True(t, strings.HasPrefix(es[0].Key, "renamed-tier:"), es[0].Key)
	assert.Equal(t, 1, es[0].From)
	assert.Equal(t, 1, es[0].To)
	assert.Equal(t, "argent", es[0].TierName)
	assert.Contains(t, es[0].Note, "silver")
	assert.Equal(t, "argent", b.LevelName())
	_, err = loyalty.Replay(append(all, es...))
	require.NoError(t, err)

	// The same tier renamed without saying so: silver is dropped.
	silver.FormerNames = nil
	p = restructured(t, member, silver, gold)
	assert.Equal(t, "member", p.Tier(a).Name)
	_, es, err = p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.True(t, strings.HasPrefix(es[0].Key, "dropped-tier:"), es[0].Key)
	assert.Equal(t, 0, es[0].To)
}

// A programme that drops silver and says where its members go, listing
// it among member's FormerNames, moves them there; gold is renumbered.
func TestTierMerged(t *testing.T) {
	member := clubTier(t, "member")
	member.FormerNames = []string{"silver"}
	p := restructured(t, member, clubTier(t, "gold"))
	all, a := tierLedger(t, "M1", "600")
	assert.Equal(t, "member", p.Tier(a).Name)
	_, es, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.True(t, strings.HasPrefix(es[0].Key, "renamed-tier:"), es[0].Key)
	assert.Equal(t, 0, es[0].To)
	assert.Equal(t, "member", es[0].TierName)
	r, err := loyalty.Replay(append(all, es...))
	require.NoError(t, err)
	assert.Equal(t, "member", r.LevelName())
}

// FormerNames are checked: none empty, none the name of a tier or a
// former name of another.
func TestTierFormerNamesChecked(t *testing.T) {
	member, silver, gold := clubTier(t, "member"), clubTier(t, "silver"), clubTier(t, "gold")
	for _, tc := range []struct {
		name   string
		change func()
		field  string
	}{
		{"empty", func() { silver.FormerNames = []string{""} }, "tiers.levels[1].former_names[0]"},
		{"a tier's name", func() { silver.FormerNames = []string{"gold"} }, "tiers.levels[1].former_names[0]"},
		{"its own name", func() { silver.FormerNames = []string{"silver"} }, "tiers.levels[1].former_names[0]"},
		{"twice", func() { silver.FormerNames = []string{"a"}; gold.FormerNames = []string{"b", "a"} }, "tiers.levels[2].former_names[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			member, silver, gold = clubTier(t, "member"), clubTier(t, "silver"), clubTier(t, "gold")
			tc.change()
			c := club(t).Config()
			c.Tiers.Levels = []loyalty.TierLevel{member, silver, gold}
			_, err := loyalty.Compile(c)
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, err.Error(), tc.field)
		})
	}
}

// reviewOf returns the one tier or review entry of es.
func reviewOf(t *testing.T, es []loyalty.Entry) loyalty.Entry {
	t.Helper()
	var out []loyalty.Entry
	for _, e := range es {
		if e.Kind == loyalty.EntryReview || e.Kind == loyalty.EntryTier {
			out = append(out, e)
		}
	}
	require.Len(t, out, 1, "%v", es)
	return out[0]
}

// stripNames returns entries as written before tier names were
// recorded.
func stripNames(es []loyalty.Entry) []loyalty.Entry {
	out := append([]loyalty.Entry(nil), es...)
	for i := range out {
		switch out[i].Kind {
		case loyalty.EntryJoin, loyalty.EntryTier, loyalty.EntryReview:
			out[i].TierName = ""
		}
	}
	return out
}

// A ledger written before tier names were recorded names tiers by index
// only, as before: with silver dropped, its silver member holds the
// tier now at index 1, gold, and nothing is recorded for it by a
// programme that does not name ledgers (the default); the next tier
// entry records the name.
func TestTierOldLedgerWithoutNames(t *testing.T) {
	all, _ := tierLedger(t, "M1", "600")
	old, err := loyalty.Replay(stripNames(all))
	require.NoError(t, err)
	assert.Empty(t, old.LevelName())
	p := restructured(t, clubTier(t, "member"), clubTier(t, "gold"))
	assert.Equal(t, "gold", p.Tier(old).Name)
	_, es, err := p.Apply(old, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	assert.Empty(t, es)

	// Gold of three tiers dropped from an old ledger: the top rule.
	goldAll, _ := tierLedger(t, "M2", "2000")
	oldGold, err := loyalty.Replay(stripNames(goldAll))
	require.NoError(t, err)
	b, es, err := p.Apply(oldGold, loyalty.Tick{Member: "M2"}, day(2026, 2, 2))
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.True(t, strings.HasPrefix(es[0].Key, "dropped-tier:"))
	assert.Equal(t, "gold", es[0].TierName, "the move records the name")
	assert.Equal(t, "gold", b.LevelName())
}

// Replay checks the renamed-tier entries as it checks dropped-tier ones,
// and the names of tier entries against the tier held.
func TestTierNamesReplayChecked(t *testing.T) {
	p := restructured(t, clubTier(t, "member"), clubTier(t, "gold"))
	goldAll, gold := tierLedger(t, "M2", "2000")
	_, es, err := p.Apply(gold, loyalty.Tick{Member: "M2"}, day(2026, 2, 2))
	require.NoError(t, err)
	require.Len(t, es, 1)
	good := es[0]
	for _, tc := range []struct {
		name   string
		change func(e *loyalty.Entry)
	}{
		{"moves points", func(e *loyalty.Entry) { e.Points = 5; e.Lot = "x" }},
		{"from another tier", func(e *loyalty.Entry) { e.From = 1 }},
		{"no name", func(e *loyalty.Entry) { e.TierName = "" }},
		{"same tier and name", func(e *loyalty.Entry) { e.To = 2 }},
		{"moves the review", func(e *loyalty.Entry) { e.NextReview = e.NextReview.Add(time.Hour) }},
		{"dated before the ledger", func(e *loyalty.Entry) { e.Effective = day(2026, 1, 6) }},
		{"a review", func(e *loyalty.Entry) { e.Kind = loyalty.EntryReview }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := good
			tc.change(&bad)
			_, err := loyalty.Replay(append(append([]loyalty.Entry(nil), goldAll...), bad))
			require.Error(t, err)
			assert.True(t, errors.Is(err, loyalty.ErrCorrupt), "%v", err)
		})
	}

	// A review naming a tier other than the one held.
	_, es, err = club(t).Apply(gold, loyalty.Tick{Member: "M2"}, day(2027, 2, 2))
	require.NoError(t, err)
	rv := reviewOf(t, es)
	require.Equal(t, loyalty.EntryReview, rv.Kind)
	for i := range es {
		if es[i].Seq == rv.Seq {
			es[i].TierName = "silver"
		}
	}
	_, err = loyalty.Replay(append(append([]loyalty.Entry(nil), goldAll...), es...))
	assert.ErrorIs(t, err, loyalty.ErrCorrupt)

	// A dropped-tier entry with names that keeps the name held.
	silverAll, silver := tierLedger(t, "M1", "600")
	_, es, err = p.Apply(silver, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	require.Len(t, es, 1)
	es[0].TierName = "silver"
	_, err = loyalty.Replay(append(append([]loyalty.Entry(nil), silverAll...), es...))
	assert.ErrorIs(t, err, loyalty.ErrCorrupt)
}

// FormerNames are part of the programme's JSON form.
func TestTierFormerNamesJSON(t *testing.T) {
	p, err := loyalty.DecodeProgramme([]byte(`{"name": "club", "currency": "EUR",
  "earn": {"points_per_unit": "1"}, "redeem": {"points_per_unit": "100"},
  "tiers": {"window_months": 12, "review_months": 12, "levels": [
    {"name": "member", "min": "0"},
    {"name": "argent", "min": "500", "former_names": ["silver"]}]}}`))
	require.NoError(t, err)
	assert.Equal(t, []string{"silver"}, p.Levels()[1].FormerNames)
	assert.Nil(t, p.Levels()[0].FormerNames)
	// The programme's copy is its own.
	p.Levels()[1].FormerNames[0] = "x"
	assert.Equal(t, []string{"silver"}, p.Levels()[1].FormerNames)
}

// The tiers a programme returns are copies: changing their FormerNames
// changes no programme.
func TestTierFormerNamesCopied(t *testing.T) {
	silver := clubTier(t, "silver")
	silver.FormerNames = []string{"argent"}
	p := restructured(t, clubTier(t, "member"), silver, clubTier(t, "gold"))
	_, a := tierLedger(t, "M1", "600")
	p.Tier(a).FormerNames[0] = "x"
	p.TierAt(a, day(2026, 3, 1)).FormerNames[0] = "x"
	p.Config().Tiers.Levels[1].FormerNames[0] = "x"
	assert.Equal(t, []string{"argent"}, p.Levels()[1].FormerNames)
}
