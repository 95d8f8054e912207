package loyalty_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A refund within RevokeDays after the naming of the tier held takes
// the tier back with the review schedule of the upgrade it takes back,
// as on a ledger that named its tiers from the start: the naming moves
// no tier, so it does not keep the schedule as the move of a renamed
// tier does.
func TestTierNamingKeepsARevocationsSchedule(t *testing.T) {
	p := naming(t, revoking(t, 30))
	var named loyalty.Account
	var all []loyalty.Entry
	for _, ev := range []loyalty.Event{
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))},
	} {
		next, es, err := p.Apply(named, ev, day(2026, 2, 1))
		require.NoError(t, err)
		named, all = next, append(all, es...)
	}
	require.Equal(t, "silver", named.LevelName())
	old, err := loyalty.Replay(stripNames(all))
	require.NoError(t, err)
	old, es, err := p.Apply(old, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	require.Len(t, tierMoves(es, "named-tier:"), 1)

	refund := loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 2, 10), customer.ReturnLine{LineID: "COAT", Quantity: -1})}
	want, wes, err := p.Apply(named, refund, day(2026, 2, 10))
	require.NoError(t, err)
	got, ges, err := p.Apply(old, refund, day(2026, 2, 10))
	require.NoError(t, err)
	wr, gr := tierMoves(wes, "revoke:"), tierMoves(ges, "revoke:")
	require.Len(t, wr, 1)
	require.Len(t, gr, 1)
	assert.Contains(t, gr[0].Note, "review schedule of member restored")
	assert.Equal(t, 0, got.Level)
	assert.True(t, got.NextReview.Equal(want.NextReview), "next review %v, on the named ledger %v", got.NextReview, want.NextReview)
	assert.True(t, got.NextReview.Equal(day(2027, 1, 5)), "the join's schedule: %v", got.NextReview)
	assert.Equal(t, want.LevelName(), got.LevelName())
}

// The naming names the tier held and the earlier stretches at its
// index, not the tiers held before at other indexes: those are read by
// index still. A restructure right after the sweep so reads a purchase
// recorded late, dated when the member held silver before moving up to
// gold, with the tier that now stands at silver's index (a bronze added
// below silver): the reason the restructure waits until no event dated
// before the sweep can still come ([TierConfig].Levels).
func TestTierNamingLeavesOtherIndexesUnnamed(t *testing.T) {
	p := namingClub(t)
	var a loyalty.Account
	var all []loyalty.Entry
	for _, ev := range []struct {
		e  loyalty.Event
		at time.Time
	}{
		{loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5)},
		{loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))}, day(2026, 2, 1)},
		{loyalty.Purchase{Order: order("O2", "M1", day(2026, 3, 1), line("SUIT", "suits", "1000", 1))}, day(2026, 3, 1)},
	} {
		next, es, err := p.Apply(a, ev.e, ev.at)
		require.NoError(t, err)
		a, all = next, append(all, es...)
	}
	require.Equal(t, "gold", a.LevelName())
	old, err := loyalty.Replay(stripNames(all))
	require.NoError(t, err)
	swept, es, err := p.Apply(old, loyalty.Tick{Member: "M1"}, day(2026, 3, 2))
	require.NoError(t, err)
	require.Len(t, tierMoves(es, "named-tier:"), 1)
	assert.Equal(t, "gold", swept.LevelName())

	bronze := loyalty.TierLevel{Name: "bronze", Min: dec("300"), Multiplier: dec("1.1")}
	member, silver := clubTier(t, "member"), clubTier(t, "silver")
	member.Max = decimal.NewNullDecimal(dec("300"))
	r := restructured(t, member, bronze, silver, clubTier(t, "gold"))
	assert.Equal(t, "gold", r.Tier(swept).Name)
	assert.Equal(t, "bronze", r.TierAt(swept, day(2026, 2, 15)).Name, "silver's stretch is read by its index")
	assert.Equal(t, "silver", p.TierAt(swept, day(2026, 2, 15)).Name)

	late := loyalty.Purchase{Order: order("O3", "M1", day(2026, 2, 15), line("SCARF", "accessories", "100", 1))}
	_, es, err = r.Apply(swept, late, day(2026, 3, 3))
	require.NoError(t, err)
	earn := ofKind(es, loyalty.EntryEarn)
	require.Len(t, earn, 1)
	assert.Equal(t, loyalty.Points(110), earn[0].Points, "bronze's multiplier: %s", earn[0].Note)
}

// The first event applied to a ledger without tier names changes
// nothing else: a redelivered purchase is a duplicate and names
// nothing; a price quote and the available points read the ledger
// without changing the account; an erasure as the first event follows
// the naming and replays in the form an Eraser stores; a level above
// the programme's top is moved by the dropped-tier entry, which names
// it.
func TestTierNamingFirstEventChangesNothingElse(t *testing.T) {
	old, a := oldTierLedger(t, "M1", "600")
	p := namingClub(t)

	o1 := loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))}
	_, es, err := p.Apply(a, o1, day(2026, 2, 20))
	require.ErrorIs(t, err, loyalty.ErrDuplicate)
	assert.Empty(t, es)
	buy := loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 20), line("SCARF", "accessories", "100", 1))}
	b, es, err := p.Apply(a, buy, day(2026, 2, 20))
	require.NoError(t, err)
	require.Len(t, tierMoves(es, "named-tier:"), 1)
	_, again, err := p.Apply(b, buy, day(2026, 2, 21))
	var dup *loyalty.DuplicateError
	require.True(t, errors.As(err, &dup), "%v", err)
	assert.True(t, dup.Same)
	assert.Empty(t, again)

	before := a
	_, err = p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 4, 1), Currency: "EUR",
		Items: []loyalty.Item{{Line: line("A", "coats", "100", 1)}}, Account: &a, Points: 100, Available: 1000})
	require.NoError(t, err)
	_, err = p.AvailableAt(a, day(2026, 4, 1))
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(before, a), "a quote changes no account")
	assert.Empty(t, a.LevelName())

	erased, es, err := p.Apply(a, loyalty.Erasure{ID: "E1", Member: "M1", Time: day(2026, 3, 1)}, day(2026, 3, 1))
	require.NoError(t, err)
	require.Len(t, es, 2)
	assert.Equal(t, loyalty.EntryTier, es[0].Kind)
	assert.Equal(t, loyalty.EntryErase, es[1].Kind)
	assert.Equal(t, "silver", erased.LevelName())
	log := append(append([]loyalty.Entry(nil), old...), es...)
	stored := make([]loyalty.Entry, len(log))
	for i, e := range log {
		stored[i] = e.Erased()
	}
	r1, err := loyalty.Replay(log)
	require.NoError(t, err)
	r2, err := loyalty.Replay(stored)
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(loyalty.WithoutOwnership(r1), loyalty.WithoutOwnership(r2)))
	assert.Equal(t, "silver", r2.LevelName())

	_, g := oldTierLedger(t, "M2", "2000")
	require.Equal(t, 2, g.Level)
	two := restructured(t, clubTier(t, "member"), clubTier(t, "silver"))
	g, es, err = two.Apply(g, loyalty.Tick{Member: "M2"}, day(2026, 2, 11))
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Len(t, tierMoves(es, "dropped-tier:"), 1)
	assert.Equal(t, "silver", g.LevelName())
}
