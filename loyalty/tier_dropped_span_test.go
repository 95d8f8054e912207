package loyalty_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// withRevokeDays returns p with tiers taken back by a refund within
// days of reaching them.
func withRevokeDays(t *testing.T, p *loyalty.Programme, days int) *loyalty.Programme {
	t.Helper()
	c := p.Config()
	c.Tiers.RevokeDays = days
	q, err := loyalty.Compile(c)
	require.NoError(t, err)
	return q
}

// A dropped tier held twice is read, at a time it was held, by what the
// member's qualifying value reached while it held it then, not while it
// held it another time: gold first held from a refund that took back
// platinum (moved down to gold, the tier held before, with nothing
// left), then reached again by a purchase of 1600 a year later. With
// gold dropped, the member holds silver now, and held bronze in the
// first stretch: its value never reached silver's Min then. The tier of
// a time is the same whatever the ledger recorded after it.
func TestDroppedTierHeldTwiceReadsItsOwnStretch(t *testing.T) {
	p := withRevokeDays(t, bpgpTiers(t), 30)
	var a loyalty.Account
	var log []loyalty.Entry
	step := func(p *loyalty.Programme, now time.Time, ev loyalty.Event) {
		t.Helper()
		next, es, err := p.Apply(a, ev, now)
		require.NoError(t, err, "%T %s", ev, ev.Key())
		a, log = next, append(log, es...)
	}
	refund := func(id, orderID string, at time.Time) loyalty.Event {
		return loyalty.Returned{Return: ret(id, orderID, "M1", at, customer.ReturnLine{LineID: "COAT", Quantity: -1})}
	}
	step(p, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	step(p, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "1600", 1))})
	require.Equal(t, "gold", a.LevelName())
	step(p, day(2026, 3, 20), refund("X1", "O1", day(2026, 3, 20)))
	require.Equal(t, "gold", a.LevelName(), "gold reached more than 30 days before the refund")
	step(p, day(2026, 4, 1), loyalty.Purchase{Order: order("O2", "M1", day(2026, 4, 1), line("COAT", "coats", "3000", 1))})
	require.Equal(t, "platinum", a.LevelName())
	step(p, day(2026, 4, 5), refund("X2", "O2", day(2026, 4, 5)))
	require.Equal(t, "gold", a.LevelName(), "platinum taken back to gold, the tier held before")
	require.True(t, p.Qualifying(a, day(2026, 4, 5)).IsZero())
	// The first stretch in gold (from 5 April) ends at the review: no
	// qualifying value, a grace, then bronze.
	step(p, day(2027, 2, 2), loyalty.Tick{Member: "M1"})
	step(p, day(2027, 3, 10), loyalty.Tick{Member: "M1"})
	require.Equal(t, "bronze", a.LevelName())
	step(p, day(2027, 4, 1), loyalty.Purchase{Order: order("O3", "M1", day(2027, 4, 1), line("COAT", "coats", "1600", 1))})
	require.Equal(t, "gold", a.LevelName())

	q := withRevokeDays(t, bpgpTiers(t, "bronze", "silver", "platinum"), 30)
	assert.Equal(t, "silver", q.Tier(a).Name, "gold reached with 1600")
	assert.Equal(t, "silver", q.TierAt(a, day(2027, 4, 2)).Name)
	assert.Equal(t, "bronze", q.TierAt(a, day(2026, 5, 1)).Name, "gold held from 5 April 2026 with nothing qualifying")
	assert.Equal(t, "silver", q.TierAt(a, day(2026, 2, 15)).Name, "gold reached on 1 February 2026 with 1600")
	// A purchase of that time recorded late earns with the tier of its
	// time: bronze, no multiplier.
	b, es, err := q.Apply(a, loyalty.Purchase{Order: order("LATE", "M1", day(2026, 5, 1), line("SCARF", "scarves", "100", 1))}, day(2027, 4, 3))
	require.NoError(t, err)
	earn := ofKind(es, loyalty.EntryEarn)
	require.Len(t, earn, 1, "%v", es)
	assert.Equal(t, loyalty.Points(100), earn[0].Points, earn[0].Note)
	assert.Equal(t, "silver", q.Tier(b).Name)
	r, err := loyalty.Replay(append(log, es...))
	require.NoError(t, err)
	assert.Equal(t, "bronze", q.TierAt(r, day(2026, 5, 1)).Name, "replayed")
}

// The move off a dropped tier reads the qualifying values by the
// programme's window, which the ledger does not record: a programme that
// lengthens the window as it drops tiers may move a member up. Gold,
// with 1600, 1000 and 1400 bought within two years but never 3000
// within one, holds bronze when silver and gold are dropped, and
// platinum when the window becomes 24 months too.
func TestDroppedTierReadsTheProgrammesWindow(t *testing.T) {
	p := bpgpTiers(t)
	a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "1600", 1))})
	a = apply(t, p, a, day(2027, 1, 15), loyalty.Purchase{Order: order("O2", "M1", day(2027, 1, 15), line("COAT", "coats", "1000", 1))})
	a = apply(t, p, a, day(2027, 2, 2), loyalty.Tick{Member: "M1"})
	a = apply(t, p, a, day(2027, 2, 15), loyalty.Purchase{Order: order("O3", "M1", day(2027, 2, 15), line("COAT", "coats", "1400", 1))})
	a = apply(t, p, a, day(2027, 3, 10), loyalty.Tick{Member: "M1"})
	require.Equal(t, "gold", a.LevelName(), "kept after the grace")
	c := bpgpTiers(t, "bronze", "platinum").Config()
	q, err := loyalty.Compile(c)
	require.NoError(t, err)
	assert.Equal(t, "bronze", q.Tier(a).Name)
	c.Tiers.WindowMonths = 24
	q, err = loyalty.Compile(c)
	require.NoError(t, err)
	assert.Equal(t, "platinum", q.Tier(a).Name)
}

// A dropped tier is read by what the member's qualifying value reached
// while it held it: from the time it reached the tier up to, not
// including, the purchase that moved it on (Programme.reached, the
// stretch of Account.heldSpan). Gold reached with 1600 and left for
// platinum by a purchase that took the value to 3200: with gold dropped
// and silver from 2000, the member held bronze in gold's stretch, not
// silver, which only the purchase that moved it to platinum reached.
func TestDroppedTierStretchEndsBeforeTheNextChange(t *testing.T) {
	p := bpgpTiers(t)
	var a loyalty.Account
	a = apply(t, p, a, day(2026, 3, 1),
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "1600", 1))},
		loyalty.Purchase{Order: order("O2", "M1", day(2026, 3, 1), line("COAT", "coats", "1600", 1))})
	require.Equal(t, "platinum", a.LevelName())
	require.Equal(t, "gold", p.TierAt(a, day(2026, 2, 15)).Name)

	c := p.Config()
	c.Tiers.Levels = []loyalty.TierLevel{
		{Name: "bronze", Min: dec("0")},
		{Name: "silver", Min: dec("2000"), Multiplier: dec("1.25")},
		{Name: "platinum", Min: dec("3000"), Multiplier: dec("2")},
	}
	q, err := loyalty.Compile(c)
	require.NoError(t, err)
	assert.Equal(t, "platinum", q.Tier(a).Name)
	assert.Equal(t, "bronze", q.TierAt(a, day(2026, 2, 15)).Name, "gold held with 1600, below silver's 2000")

	// A value equal to a tier's Min reaches it.
	c.Tiers.Levels[1].Min = dec("1600")
	q, err = loyalty.Compile(c)
	require.NoError(t, err)
	assert.Equal(t, "silver", q.TierAt(a, day(2026, 2, 15)).Name, "gold held with 1600, silver's Min")
}
