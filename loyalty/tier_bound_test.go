package loyalty_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// fourTiers returns the club with a fourth tier, platinum from 3000,
// above gold: the programme before a restructuring back to three tiers.
func fourTiers(t *testing.T) *loyalty.Programme {
	t.Helper()
	c := club(t).Config()
	c.Tiers.Levels[2].Max = decimal.NewNullDecimal(dec("3000"))
	c.Tiers.Levels = append(c.Tiers.Levels, loyalty.TierLevel{Name: "platinum", Min: dec("3000"),
		Multiplier: dec("2"), BirthdayGift: 500, EarlyAccess: true, FreeAlterations: true})
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

// platinumLedger returns the entries of a member who joined the
// four-tier club and bought enough to reach platinum (tier 3), with the
// account they replay to.
func platinumLedger(t *testing.T) ([]loyalty.Entry, loyalty.Account) {
	t.Helper()
	p := fourTiers(t)
	var a loyalty.Account
	var all []loyalty.Entry
	for _, ev := range []loyalty.Event{
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5), Birthday: customer.Birthday{Month: time.March, Day: 10}},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "4000", 1))},
	} {
		next, es, err := p.Apply(a, ev, day(2026, 2, 1))
		require.NoError(t, err)
		a, all = next, append(all, es...)
	}
	require.Equal(t, 3, a.Level, "the purchase reaches platinum")
	return all, a
}

// dropped returns the tier entry of es that moves the member off a tier
// the programme dropped, and fails the test unless there is exactly one.
func dropped(t *testing.T, es []loyalty.Entry) loyalty.Entry {
	t.Helper()
	var out []loyalty.Entry
	for _, e := range es {
		if e.Kind == loyalty.EntryTier && e.From == 3 {
			out = append(out, e)
		}
	}
	require.Len(t, out, 1, "one tier entry leaves the dropped tier: %v", es)
	return out[0]
}

// A programme restructured from four tiers to three (platinum dropped)
// reads a member whose ledger names platinum as a member of its top
// tier, gold, rather than refusing every operation on it: a purchase
// earns with gold's multiplier, and the first event applied records the
// move to gold with the reason, once; the points, the review schedule
// and the replay of the ledger are unchanged.
func TestDroppedTierReadAsTop(t *testing.T) {
	p := club(t)
	require.Len(t, p.Levels(), 3)
	all, a := platinumLedger(t)
	assert.Equal(t, "gold", p.Tier(a).Name, "the top tier stands for a dropped one above it")
	assert.Equal(t, "gold", p.TierAt(a, day(2026, 2, 15)).Name)

	buy := loyalty.Purchase{Order: order("O2", "M1", day(2026, 4, 1), line("A", "coats", "100", 1))}
	b, es, err := p.Apply(a, buy, day(2026, 4, 1))
	require.NoError(t, err)
	d := dropped(t, es)
	assert.Equal(t, 2, d.To)
	assert.Equal(t, es[0], d, "the move comes first, before the event")
	assert.Zero(t, d.Points)
	assert.Equal(t, a.NextReview, d.NextReview, "the review schedule stays")
	assert.Equal(t, a.AsOf, d.Effective, "effective from the ledger's last time")
	assert.Contains(t, d.Note, "tier 3")
	assert.Contains(t, d.Note, `"tailor club" has 3 tiers`)
	assert.Contains(t, d.Note, "gold")
	assert.Equal(t, 2, b.Level)
	earn := es[len(es)-1]
	require.Equal(t, loyalty.EntryEarn, earn.Kind)
	assert.Equal(t, loyalty.Points(150), earn.Points, "gold's ×1.5 on 100")

	// The ledger with the move replays to the same account, and the
	// next event records no second move.
	r, err := loyalty.Replay(append(append([]loyalty.Entry(nil), all...), es...))
	require.NoError(t, err)
	assert.Equal(t, b.Balance(), r.Balance())
	assert.Equal(t, 2, r.Level)
	_, es2, err := p.Apply(b, loyalty.Tick{Member: "M1"}, day(2026, 4, 2))
	require.NoError(t, err)
	for _, e := range es2 {
		assert.NotEqual(t, loyalty.EntryTier, e.Kind, "moved once: %v", e)
	}

	// The ledger as written replays unchanged without the programme.
	again, err := loyalty.Replay(all)
	require.NoError(t, err)
	assert.Equal(t, 3, again.Level)
}

// The birthday gift and a basket's tier read a dropped tier as the top
// one, as do the points available and a Service over the stored ledger.
func TestDroppedTierBenefitsAndService(t *testing.T) {
	p := club(t)
	all, a := platinumLedger(t)

	_, es, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 3, 10)}, day(2026, 3, 10))
	require.NoError(t, err)
	dropped(t, es)
	gift := es[len(es)-1]
	assert.Equal(t, loyalty.Points(400), gift.Points, "100 of the programme and 300 of gold")

	q, err := p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 3, 1), Currency: "EUR", Tier: "gold",
		Items: []loyalty.Item{item("A", "coats", "2026-AW", "100.00", 1)}, Account: &a})
	require.NoError(t, err)
	assert.True(t, q.Total.Equal(dec("100")), "%s", q.Total)
	_, err = p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 3, 1), Currency: "EUR", Tier: "member",
		Items: []loyalty.Item{item("A", "coats", "2026-AW", "100.00", 1)}, Account: &a})
	require.Error(t, err, "the account holds gold, not member")

	avail, err := p.AvailableAt(a, day(2026, 3, 10))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(4000), avail, "earned in the lowest tier, released after 30 days")

	ctx := context.Background()
	s := loyalty.NewMemStore()
	require.NoError(t, s.Append(ctx, "M1", 0, all))
	svc := loyalty.NewService(p, s, nil)
	got, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	assert.Equal(t, "gold", p.Tier(got).Name)
	b, es, err := svc.Apply(ctx, loyalty.Purchase{Order: order("O2", "M1", day(2026, 4, 1), line("A", "coats", "100", 1))}, day(2026, 4, 1))
	require.NoError(t, err)
	assert.Equal(t, 2, b.Level)
	dropped(t, es)
	stored, err := s.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Len(t, stored, len(all)+len(es))
}

// Programme configuration never blocks an erasure: a member whose
// ledger names a dropped tier is erased, on a Service too.
func TestDroppedTierErasure(t *testing.T) {
	p := club(t)
	all, _ := platinumLedger(t)
	ctx := context.Background()
	s := loyalty.NewMemStore()
	require.NoError(t, s.Append(ctx, "M1", 0, all))
	svc := loyalty.NewService(p, s, nil)
	a, es, err := svc.Apply(ctx, loyalty.Erasure{Member: "M1", ID: "gdpr-1", Time: day(2026, 5, 1)}, day(2026, 5, 1))
	require.NoError(t, err)
	assert.False(t, a.Erased.IsZero())
	assert.True(t, a.Birthday.IsZero())
	assert.Equal(t, loyalty.EntryErase, es[len(es)-1].Kind)
	stored, err := s.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.True(t, stored[0].Birthday.IsZero(), "the join's birthday is blanked")
}

// A tier the programme lacks that a later tier entry left is history:
// an order recorded late, dated when the member held it, earns with the
// top tier's multiplier, and the current tier needs no move off it.
func TestDroppedTierInHistory(t *testing.T) {
	p := club(t)
	all, _ := platinumLedger(t)
	back := all[len(all)-1]
	require.Equal(t, loyalty.EntryTier, back.Kind)
	back.Seq, back.Key, back.From, back.To, back.TierName = int64(len(all)+1), "tier:back", 3, 1, "silver"
	back.Time, back.Effective = day(2026, 2, 20), day(2026, 2, 20)
	back.Note = "moved down by hand"
	all = append(all, back)
	a, err := loyalty.Replay(all)
	require.NoError(t, err)
	require.Equal(t, 1, a.Level)
	_, es, err := p.Apply(a, loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 10), line("A", "coats", "100", 1))}, day(2026, 2, 21))
	require.NoError(t, err)
	for _, e := range es {
		assert.False(t, e.Kind == loyalty.EntryTier && e.From == 3, "no move off platinum: %v", e)
	}
	require.Equal(t, loyalty.EntryEarn, es[0].Kind)
	assert.Equal(t, loyalty.Points(150), es[0].Points, "gold's ×1.5, the top tier, on 100")
}

// An entry keyed as the move off a dropped tier that moves anything but
// the tier down is refused by Replay.
func TestDroppedTierEntryChecked(t *testing.T) {
	p := club(t)
	all, a := platinumLedger(t)
	_, es, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	d := dropped(t, es)
	for name, bad := range map[string]func(e *loyalty.Entry){
		"up":       func(e *loyalty.Entry) { e.From, e.To = 3, 4 },
		"schedule": func(e *loyalty.Entry) { e.NextReview = e.NextReview.AddDate(0, 1, 0) },
		"grace":    func(e *loyalty.Entry) { e.GraceUntil = e.Effective.AddDate(0, 1, 0) },
		"kind":     func(e *loyalty.Entry) { e.Kind = loyalty.EntryReview; e.To = e.From },
		"from":     func(e *loyalty.Entry) { e.From, e.To = 2, 1 },
		"points":   func(e *loyalty.Entry) { e.Qualifying = 10 },
		"early":    func(e *loyalty.Entry) { e.Effective = e.Effective.Add(-time.Hour) },
	} {
		e := d
		bad(&e)
		_, err := loyalty.Replay(append(append([]loyalty.Entry(nil), all...), e))
		require.ErrorIs(t, err, loyalty.ErrCorrupt, name)
		assert.Contains(t, err.Error(), d.Key, name)
	}
	_, err = loyalty.Replay(append(append([]loyalty.Entry(nil), all...), d))
	require.NoError(t, err)
}

// An Account made by hand whose Level no tier entry of its ledger
// reached, beyond the programme's tiers or negative, is refused by Apply
// with an error naming the field.
func TestAccountLevelBeyondProgrammeRefused(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	for _, level := range []int{3, -1} {
		b := a
		b.Level = level
		var err error
		require.NotPanics(t, func() {
			_, _, err = p.Apply(b, loyalty.Purchase{Order: order("O1", "M1", day(2026, 3, 1), line("A", "coats", "100", 1))}, day(2027, 6, 1))
		})
		var ve *customer.ValidationError
		require.True(t, errors.As(err, &ve), "level %d: %v", level, err)
		assert.Equal(t, "account.level", ve.Fields[0].Field)
		assert.Contains(t, err.Error(), `"M1"`)
	}
	// The programme's own tiers are accepted.
	_, _, err := p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", day(2026, 3, 1), line("A", "coats", "100", 1))}, day(2026, 3, 1))
	require.NoError(t, err)
}

// The move off a dropped tier is not a review: a refund that takes back
// the upgrade to the dropped tier ([loyalty.TierConfig].RevokeDays)
// restores the review schedule of the tier held before that upgrade, as
// it would without the move.
func TestDroppedTierMoveIsNoReview(t *testing.T) {
	four := fourTiers(t).Config()
	four.Tiers.RevokeDays = 30
	p4, err := loyalty.Compile(four)
	require.NoError(t, err)
	three := club(t).Config()
	three.Tiers.RevokeDays = 30
	p3, err := loyalty.Compile(three)
	require.NoError(t, err)

	a := apply(t, p4, loyalty.Account{}, day(2026, 2, 1),
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O0", "M1", day(2026, 1, 10), line("A", "coats", "600", 1))},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("B", "coats", "3000", 1))})
	require.Equal(t, 3, a.Level)
	silverReview := day(2027, 1, 10)

	b, es, err := p3.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	dropped(t, es)
	b, es, err = p3.Apply(b, loyalty.Returned{Return: ret("R1", "O1", "M1", day(2026, 2, 5),
		customer.ReturnLine{LineID: "B", Quantity: -1})}, day(2026, 2, 5))
	require.NoError(t, err)
	rev := es[len(es)-1]
	require.Equal(t, "revoke:R1", rev.Key)
	assert.Equal(t, 2, rev.From)
	assert.Equal(t, 1, rev.To)
	assert.Equal(t, silverReview, rev.NextReview, "silver's schedule, held before the upgrade taken back")
	assert.Equal(t, silverReview, b.NextReview)
}

// A member in the grace of a failed review of the dropped tier keeps
// the grace when moved to the top tier, and at its end is judged by the
// top tier's Min: kept with a qualifying value that reaches gold, moved
// down to the tier reached otherwise.
func TestDroppedTierGraceUnderWay(t *testing.T) {
	p4, p3 := fourTiers(t), club(t)
	a := apply(t, p4, loyalty.Account{}, day(2026, 2, 1),
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "4000", 1))})
	// The review a year on fails platinum: a grace of 30 days.
	a = apply(t, p4, a, day(2027, 2, 3), loyalty.Tick{Member: "M1"})
	require.Equal(t, 3, a.Level)
	grace := day(2027, 3, 3)
	require.Equal(t, grace, a.GraceUntil)

	for _, tc := range []struct {
		spend string
		level int
	}{{"2000", 2}, {"600", 1}} {
		b, es, err := p3.Apply(a, loyalty.Purchase{Order: order("O2", "M1", day(2027, 2, 10), line("A", "coats", tc.spend, 1))}, day(2027, 2, 10))
		require.NoError(t, err)
		d := dropped(t, es)
		assert.Equal(t, grace, d.GraceUntil, "the grace under way is kept")
		assert.Equal(t, grace, b.GraceUntil)
		assert.Equal(t, 2, b.Level)
		b, es, err = p3.Apply(b, loyalty.Tick{Member: "M1"}, day(2027, 3, 4))
		require.NoError(t, err)
		assert.Equal(t, tc.level, b.Level, "spend %s at the grace's end: %v", tc.spend, es)
		assert.True(t, b.GraceUntil.IsZero(), "the grace ended")
	}
}
