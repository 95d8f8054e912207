package loyalty_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

func TestTierUpgradeAtOnceDowngradeOnlyAtReviewAfterGrace(t *testing.T) {
	p := club(t) // silver from 500, gold from 1500; yearly review; 30 days grace
	a := joined(t, p, day(2026, 1, 5))

	a, entries, err := p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))}, day(2026, 2, 1))
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.Equal(t, loyalty.EntryTier, entries[1].Kind)
	assert.Equal(t, 1, a.Level, "silver at once")
	assert.Equal(t, day(2027, 2, 1), a.NextReview, "a new tier is held for a full period")

	// Silver earns 1.25 points per euro.
	a, entries, err = p.Apply(a, loyalty.Purchase{Order: order("O2", "M1", day(2026, 3, 10), line("HAT", "hats", "100", 1))}, day(2026, 3, 10))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(125), ofKind(entries, loyalty.EntryEarn)[0].Points)

	// A return lowers the qualifying spend but not the tier.
	a = apply(t, p, a, day(2026, 3, 12), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 3, 12), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	assert.Equal(t, 1, a.Level)
	assert.True(t, p.Qualifying(a, day(2026, 3, 12)).Equal(dec("100")))

	// Review on 2027-02-01: 100 < 500, grace until 2027-03-03.
	a, entries, err = p.Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 2, 2))
	require.NoError(t, err)
	var review *loyalty.Entry
	for i := range entries {
		if entries[i].Kind == loyalty.EntryReview {
			review = &entries[i]
		}
		assert.NotEqual(t, loyalty.EntryTier, entries[i].Kind, "no downgrade before grace ends")
	}
	require.NotNil(t, review)
	assert.Equal(t, 1, a.Level)
	assert.Equal(t, day(2027, 3, 3), a.GraceUntil)

	// The grace ends with the member still short: silver → member.
	down, entries, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 3, 4))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, loyalty.EntryTier, entries[0].Kind)
	assert.Equal(t, day(2027, 3, 3), entries[0].Effective)
	assert.Equal(t, 0, down.Level)
	assert.True(t, down.GraceUntil.IsZero())

	// Buying enough during the grace keeps the tier (and with 1600, goes to gold).
	kept := apply(t, p, a, day(2027, 2, 20), loyalty.Purchase{Order: order("O3", "M1", day(2027, 2, 20), line("SUIT", "suits", "1600", 1))})
	assert.Equal(t, 2, kept.Level)
	assert.True(t, kept.GraceUntil.IsZero())
	kept = apply(t, p, kept, day(2027, 3, 4), loyalty.Tick{Member: "M1"})
	assert.Equal(t, 2, kept.Level)
}

func TestTierOnPointsBasisAndWithoutGrace(t *testing.T) {
	c := club(t).Config()
	c.Tiers.Basis = loyalty.BasisPoints
	c.Tiers.GraceDays = 0
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	a := joined(t, p, day(2026, 1, 5))
	// 300 of knitwear earn 600 points (double): silver on points though spend is 300.
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("K", "knitwear", "300", 1))})
	assert.Equal(t, 1, a.Level)
	// Without grace, the review downgrades at once; the window has moved past O1.
	a, entries, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 2, 2))
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	last := entries[len(entries)-1]
	assert.Equal(t, loyalty.EntryTier, last.Kind)
	assert.Equal(t, day(2027, 2, 1), last.Effective)
	assert.Equal(t, 0, a.Level)
	assert.Equal(t, 0, p.QualifyingLevel(a, day(2027, 2, 2)))
}

func TestTierBenefitsBirthdayGift(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 9, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 9, 1), line("SUIT", "suits", "1600", 1))})
	require.Equal(t, 2, a.Level)
	assert.True(t, p.Tier(a).FreeAlterations)
	assert.True(t, p.Tier(a).EarlyAccess)
	assert.Equal(t, "gold", p.Tier(a).Name)
	a.Level = 9
	assert.Equal(t, "gold", p.Tier(a).Name, "a level above the programme's tiers (one dropped) is the top tier")
	a.Level = -1
	assert.Equal(t, "member", p.Tier(a).Name, "a negative level is the lowest tier")
	a.Level = 2
	_, entries, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 10, 3)}, day(2026, 10, 3))
	require.NoError(t, err)
	var gift loyalty.Points
	for _, e := range entries {
		if e.Kind == loyalty.EntryBonus {
			gift = e.Points
		}
	}
	assert.Equal(t, loyalty.Points(400), gift, "100 from the programme + 300 gold")
}

// ofKind returns the entries of kind k.
// The rolling window ends on the earlier month's last day when that
// month is shorter: on 30 August a six-month window still holds an
// order of 2 March, as it does on 1 September, and a review then keeps
// the tier the order earned.
func TestQualifyingWindowAtTheEndOfAShortMonth(t *testing.T) {
	c := club(t).Config()
	c.Tiers.WindowMonths, c.Tiers.ReviewMonths, c.Tiers.GraceDays = 6, 5, 0
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	a := joined(t, p, day(2026, 1, 5))
	// 300 on 2 March and 300 on 30 March: silver from 30 March, reviewed
	// on 30 August.
	a = apply(t, p, a, day(2026, 3, 2), loyalty.Purchase{Order: order("O1", "M1", day(2026, 3, 2), line("COAT", "coats", "300", 1))})
	a = apply(t, p, a, day(2026, 3, 30), loyalty.Purchase{Order: order("O2", "M1", day(2026, 3, 30), line("COAT", "coats", "300", 1))})
	require.Equal(t, 1, a.Level)
	require.Equal(t, day(2026, 8, 30), a.NextReview)
	for _, at := range []time.Time{day(2026, 8, 29), day(2026, 8, 30), day(2026, 8, 31), day(2026, 9, 1)} {
		assert.Equal(t, "600", p.Qualifying(a, at).String(), "qualifying on %s", at.Format(time.DateOnly))
	}
	assert.Equal(t, "300", p.Qualifying(a, day(2026, 9, 2)).String(), "the order of 2 March was six months before 2 September")
	a, entries, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 8, 30))
	require.NoError(t, err)
	assert.Empty(t, ofKind(entries, loyalty.EntryTier))
	require.Len(t, ofKind(entries, loyalty.EntryReview), 1)
	assert.Equal(t, 1, a.Level, "silver kept")
}

func ofKind(entries []loyalty.Entry, k loyalty.EntryKind) []loyalty.Entry {
	var out []loyalty.Entry
	for _, e := range entries {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// A qualifying value exactly at a tier's minimum reaches the tier, one
// cent below does not; at the review, exactly the minimum keeps it.
func TestTierExactlyAtTheMinimum(t *testing.T) {
	p := club(t) // silver from 500; yearly review
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "499.99", 1))})
	assert.Equal(t, 0, a.Level, "499.99 is below silver")
	a = apply(t, p, a, day(2026, 2, 2), loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 2), line("SOCK", "socks", "0.01", 1))})
	assert.Equal(t, 1, a.Level, "500.00 is silver")
	assert.Equal(t, 1, p.QualifyingLevel(a, day(2026, 2, 2)))

	// At the review a year on, the window (2026-02-02 12:00, 2027-02-02
	// 12:00] leaves out the purchases of a year ago and holds exactly
	// 500.00: silver is kept, with no grace.
	a = apply(t, p, a, day(2027, 1, 20), loyalty.Purchase{Order: order("O3", "M1", day(2027, 1, 20), line("COAT", "coats", "500.00", 1))})
	require.True(t, p.Qualifying(a, day(2027, 2, 2)).Equal(dec("500")))
	_, entries, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 2, 2))
	require.NoError(t, err)
	reviews := ofKind(entries, loyalty.EntryReview)
	require.Len(t, reviews, 1, "%v", entries)
	assert.Equal(t, 1, reviews[0].To)
	assert.True(t, reviews[0].GraceUntil.IsZero(), "no grace at exactly the minimum")
}

// A birthday claim recorded late (a till that syncs late) gives the gift
// of the tier the member held at the claim's time, as it would have had
// it been recorded then: a tier change recorded in between changes
// nothing, up or down.
func TestBirthdayGiftOfTheTierAtTheClaimsTime(t *testing.T) {
	gift := func(entries []loyalty.Entry) loyalty.Points {
		for _, e := range ofKind(entries, loyalty.EntryBonus) {
			return e.Points
		}
		return 0
	}
	p := club(t)
	a := joined(t, p, day(2026, 1, 5)) // born 3 October
	claim := loyalty.BirthdayClaim{Member: "M1", Time: day(2026, 10, 5)}
	_, onTime, err := p.Apply(a, claim, day(2026, 10, 5))
	require.NoError(t, err)
	require.Equal(t, loyalty.Points(100), gift(onTime), "member tier: the programme's 100")
	// Gold from 6 October; the claim of 5 October recorded on the 8th.
	up := apply(t, p, a, day(2026, 10, 6), loyalty.Purchase{Order: order("O1", "M1", day(2026, 10, 6), line("SUIT", "suits", "1600", 1))})
	require.Equal(t, 2, up.Level)
	_, late, err := p.Apply(up, claim, day(2026, 10, 8))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(100), gift(late), "the claim's time was before the upgrade")

	// Down: gold until the review of 6 January 2027 (no grace), the claim
	// of 5 January recorded on the 8th.
	c := p.Config()
	c.Tiers.GraceDays = 0
	p, err = loyalty.Compile(c)
	require.NoError(t, err)
	a = apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.January, Day: 2}, Time: day(2026, 1, 5)})
	a = apply(t, p, a, day(2026, 1, 6), loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 6), line("SUIT", "suits", "1600", 1))})
	require.Equal(t, 2, a.Level)
	down, late, err := p.Apply(a, loyalty.BirthdayClaim{Member: "M1", Time: day(2027, 1, 5)}, day(2027, 1, 8))
	require.NoError(t, err)
	require.Equal(t, 0, down.Level, "downgraded at the review of 6 January")
	assert.Equal(t, loyalty.Points(400), gift(late), "gold on 5 January: 100 + 300")
}

// An order recorded late (a till that syncs late) earns with the
// multiplier of the tier the member held at the order's time: a tier
// change recorded in between changes nothing.
func TestLateOrderEarnsWithTheTierAtItsTime(t *testing.T) {
	p := club(t) // silver ×1.25 from 500, gold ×1.5 from 1500
	a := joined(t, p, day(2026, 1, 5))
	late := loyalty.Purchase{Order: order("O1", "M1", day(2026, 9, 5), line("COAT", "coats", "100", 1))}
	_, onTime, err := p.Apply(a, late, day(2026, 9, 5))
	require.NoError(t, err)
	require.Equal(t, loyalty.Points(100), onTime[0].Points)
	up := apply(t, p, a, day(2026, 9, 6), loyalty.Purchase{Order: order("O2", "M1", day(2026, 9, 6), line("SUIT", "suits", "1600", 1))})
	require.Equal(t, 2, up.Level)
	_, entries, err := p.Apply(up, late, day(2026, 9, 8))
	require.NoError(t, err)
	assert.Equal(t, onTime[0].Points, entries[0].Points, "member tier on 5 September: ×1")
	assert.Equal(t, onTime[0].Note, entries[0].Note)
}

// A purchase recorded after a tier review dated after it was not counted
// at that review. Without grace the review moved the member down and the
// purchase moves it up again as of that review, the member's last tier
// change, restarting the review clock then; within a grace period the
// purchase counts at the grace's end, and the member keeps its tier and
// schedule as in time order.
func TestLateOrderAfterAReview(t *testing.T) {
	for _, grace := range []int{0, 30} {
		c := club(t).Config()
		c.Tiers.GraceDays = grace
		p, err := loyalty.Compile(c)
		require.NoError(t, err)
		a := joined(t, p, day(2026, 1, 5))
		a = apply(t, p, a, day(2026, 1, 10), loyalty.Purchase{Order: order("O1", "M1", day(2026, 1, 10), line("COAT", "coats", "600", 1))})
		require.Equal(t, 1, a.Level)
		require.Equal(t, day(2027, 1, 10), a.NextReview)
		o2 := loyalty.Purchase{Order: order("O2", "M1", day(2027, 1, 5), line("COAT", "coats", "600", 1))}
		onTime := apply(t, p, apply(t, p, a, day(2027, 1, 5), o2), day(2027, 3, 1), loyalty.Tick{Member: "M1"})
		late := apply(t, p, apply(t, p, a, day(2027, 1, 12), o2), day(2027, 3, 1), loyalty.Tick{Member: "M1"})
		assert.Equal(t, 1, onTime.Level, "grace %d", grace)
		assert.Equal(t, 1, late.Level, "grace %d", grace)
		assert.Equal(t, onTime.Balance(), late.Balance(), "grace %d", grace)
		assert.Equal(t, day(2028, 1, 10), onTime.NextReview, "grace %d", grace)
		if grace == 0 {
			assert.Equal(t, day(2028, 1, 10), late.NextReview, "moved down at the review, up again as of it")
			assert.Equal(t, day(2027, 1, 10), late.LevelSince)
		} else {
			assert.Equal(t, day(2028, 1, 10), late.NextReview, "counted at the grace's end")
			assert.Equal(t, onTime.LevelSince, late.LevelSince)
		}
	}
}
