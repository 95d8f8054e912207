package loyalty_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// tierSale is the club programme with a members' sale of last summer's
// collection: 25% off for gold members only from 1 June, and a 20% sale
// open to everyone from 15 June that the early-access tiers (silver and
// gold) enter from 8 June.
func tierSale(t testing.TB) *loyalty.Programme {
	t.Helper()
	c := club(t).Config()
	c.Pricing.Seasonal = append(c.Pricing.Seasonal,
		loyalty.SeasonalDiscount{Name: "gold members' sale", Seasons: []string{"2026-SS"}, Percent: dec("25"),
			Tiers: []string{"gold"}, From: day(2026, 6, 1), Until: day(2026, 7, 1)},
		loyalty.SeasonalDiscount{Name: "summer sale", Seasons: []string{"2026-SS"}, Percent: dec("20"),
			EarlyFrom: day(2026, 6, 8), From: day(2026, 6, 15), Until: day(2026, 7, 15)})
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

// Exclusive discounts and priority rights for loyal customers (domain
// rules §6): a seasonal discount limited to some tiers applies only to
// their members, and a tier with early access enters a sale at its
// EarlyFrom, before everyone else.
func TestSeasonalDiscountForTiersAndEarlyAccess(t *testing.T) {
	p := tierSale(t)
	price := func(member customer.ID, tier string, at time.Time) loyalty.Quote {
		t.Helper()
		q, err := p.Price(loyalty.Basket{Member: member, Tier: tier, Time: at, Currency: "EUR",
			Items: []loyalty.Item{item("DRESS", "dresses", "2026-SS", "100.00", 1)}})
		require.NoError(t, err)
		return q
	}
	for _, tc := range []struct {
		member customer.ID
		tier   string
		at     time.Time
		total  string
	}{
		{"M1", "gold", day(2026, 6, 2), "75.00"},    // gold members' sale
		{"M1", "silver", day(2026, 6, 2), "100.00"}, // not for silver
		{"M1", "member", day(2026, 6, 2), "100.00"},
		{"", "", day(2026, 6, 2), "100.00"},         // nor for an anonymous buyer
		{"M1", "silver", day(2026, 6, 9), "80.00"},  // early access to the summer sale
		{"M1", "gold", day(2026, 6, 9), "75.00"},    // the larger of the two
		{"M1", "member", day(2026, 6, 9), "100.00"}, // no early access
		{"M1", "", day(2026, 6, 9), "100.00"},       // tier not given: no priority
		{"M1", "member", day(2026, 6, 15), "80.00"}, // the sale opens to everyone
		{"", "", day(2026, 6, 15), "80.00"},
		{"M1", "gold", day(2026, 7, 2), "80.00"}, // the members' sale is over
	} {
		q := price(tc.member, tc.tier, tc.at)
		assert.Equal(t, tc.total, q.Total.StringFixed(2), "%s %q on %s", tc.member, tc.tier, tc.at.Format(time.DateOnly))
	}
}

// A basket names the member's tier by a name the programme has, and
// only for a member; a tier-limited discount names the programme's
// tiers, and early access comes before the sale's start.
func TestTierPricingRefusesBadInput(t *testing.T) {
	p := tierSale(t)
	items := []loyalty.Item{item("DRESS", "dresses", "2026-SS", "100.00", 1)}
	for _, tc := range []struct {
		b     loyalty.Basket
		field string
	}{
		{loyalty.Basket{Member: "M1", Tier: "platinum", Time: day(2026, 6, 2), Currency: "EUR", Items: items}, "tier"},
		{loyalty.Basket{Tier: "gold", Time: day(2026, 6, 2), Currency: "EUR", Items: items}, "tier"},
	} {
		before := tc.b
		_, err := p.Price(tc.b)
		var ve *customer.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		assert.Equal(t, tc.field, ve.Fields[0].Field, "%v", err)
		assert.Contains(t, err.Error(), "basket")
		assert.Equal(t, before, tc.b)
	}

	c := p.Config()
	c.Pricing.Seasonal[1].Tiers = []string{"gold", "platinum", " "}
	c.Pricing.Seasonal[2].EarlyFrom = c.Pricing.Seasonal[2].From
	c.Pricing.Seasonal[0].EarlyFrom = day(2026, 2, 1) // after its From
	_, err := loyalty.Compile(c)
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	assert.ElementsMatch(t, []string{"pricing.seasonal[1].tiers[1]", "pricing.seasonal[1].tiers[2]",
		"pricing.seasonal[2].early_from", "pricing.seasonal[0].early_from"}, fields, "%v", err)

	// A programme whose tiers grant no early access has nothing to open early.
	c = p.Config()
	for i := range c.Tiers.Levels {
		c.Tiers.Levels[i].EarlyAccess = false
	}
	_, err = loyalty.Compile(c)
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "pricing.seasonal[2].early_from", ve.Fields[0].Field)
}

// A basket priced with its member's account and no tier holds the tier
// the account holds at the basket's time: a gold member's account
// enters the gold members' sale and a silver one's the summer sale
// early, as with their tier given, rather than losing the benefits for
// want of a name the account already tells.
func TestBasketTierFromAccount(t *testing.T) {
	p := tierSale(t)
	a := joined(t, p, day(2026, 1, 5))
	silver := apply(t, p, a, day(2026, 5, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 5, 1), line("A", "coats", "600", 1))})
	gold := apply(t, p, a, day(2026, 5, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 5, 1), line("A", "coats", "1600", 1))})
	require.Equal(t, "silver", p.Tier(silver).Name)
	require.Equal(t, "gold", p.Tier(gold).Name)
	items := []loyalty.Item{item("DRESS", "dresses", "2026-SS", "100.00", 1)}
	for _, tc := range []struct {
		a     loyalty.Account
		at    time.Time
		total string
	}{
		{gold, day(2026, 6, 2), "75.00"},    // gold members' sale
		{silver, day(2026, 6, 2), "100.00"}, // not for silver
		{silver, day(2026, 6, 9), "80.00"},  // early access to the summer sale
		{a, day(2026, 6, 9), "100.00"},      // no early access for the lowest tier
		{gold, day(2026, 4, 1), "100.00"},   // the tier held then: none yet
	} {
		acct := tc.a
		q, err := p.Price(loyalty.Basket{Member: "M1", Time: tc.at, Currency: "EUR", Items: items, Account: &acct})
		require.NoError(t, err)
		assert.Equal(t, tc.total, q.Total.StringFixed(2), "%s on %s", p.TierAt(acct, tc.at).Name, tc.at.Format(time.DateOnly))
	}
}

// A basket dated before its member joined, priced with the member's
// account and no tier, holds no tier: a sale for the members of every
// tier is not for a buyer who was no member then, as for the same basket
// without the account, and the points it may pay with are none
// ([loyalty.Programme.AvailableAt]). From the join on, the account's
// lowest tier enters it.
func TestBasketTierFromAccountBeforeJoin(t *testing.T) {
	c := club(t).Config()
	c.Pricing.Seasonal = append(c.Pricing.Seasonal,
		loyalty.SeasonalDiscount{Name: "members' sale", Seasons: []string{"2026-SS"}, Percent: dec("25"),
			Tiers: []string{"member", "silver", "gold"}, From: day(2026, 6, 1), Until: day(2026, 7, 1)})
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	a := joined(t, p, day(2026, 6, 20))
	items := []loyalty.Item{item("DRESS", "dresses", "2026-SS", "100.00", 1)}
	for _, tc := range []struct {
		at      time.Time
		account *loyalty.Account
		total   string
	}{
		{day(2026, 6, 10), nil, "100.00"},
		{day(2026, 6, 10), &a, "100.00"}, // not a member yet
		{day(2026, 6, 20), &a, "75.00"},  // joined
		{day(2026, 6, 25), &a, "75.00"},
	} {
		q, err := p.Price(loyalty.Basket{Member: "M1", Time: tc.at, Currency: "EUR", Items: items, Account: tc.account})
		require.NoError(t, err)
		assert.Equal(t, tc.total, q.Total.StringFixed(2), "on %s, account %t", tc.at.Format(time.DateOnly), tc.account != nil)
	}
	avail, err := p.AvailableAt(a, day(2026, 6, 10))
	require.NoError(t, err)
	assert.Zero(t, avail, "no member then")
}
