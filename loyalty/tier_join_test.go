package loyalty_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A tier is held from the join on: a basket priced with the member's
// account and dated before the join holds none, whether its Tier is left
// empty (no members' sale) or named, which is refused naming the basket
// and the field, rather than giving the sale of a tier not yet held.
func TestBasketBeforeJoinHoldsNoTier(t *testing.T) {
	c := club(t).Config()
	c.Pricing.Seasonal = append(c.Pricing.Seasonal,
		loyalty.SeasonalDiscount{Name: "members' sale", Seasons: []string{"2026-SS"}, Percent: dec("10"),
			Tiers: []string{"member", "silver", "gold"}, From: day(2026, 6, 1), Until: day(2026, 7, 1)})
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	a := joined(t, p, day(2026, 6, 10))
	basket := func(tier string, d int) loyalty.Basket {
		return loyalty.Basket{Member: "M1", Tier: tier, Time: day(2026, 6, d), Currency: "EUR",
			Items: []loyalty.Item{item("DRESS", "dresses", "2026-SS", "100.00", 1)}, Account: &a}
	}

	q, err := p.Price(basket("", 2))
	require.NoError(t, err)
	assert.Equal(t, "100.00", q.Total.StringFixed(2), "no tier before the join: no members' sale")

	for _, tier := range []string{"member", "silver"} {
		_, err = p.Price(basket(tier, 2))
		var ve *customer.ValidationError
		require.True(t, errors.As(err, &ve), "tier %q before the join: %v", tier, err)
		require.Len(t, ve.Fields, 1, "%v", err)
		assert.Equal(t, "tier", ve.Fields[0].Field, "%v", err)
		assert.ErrorIs(t, err, customer.ErrInvalid)
		assert.Contains(t, err.Error(), `basket of member "M1"`)
		assert.Contains(t, err.Error(), `"`+tier+`"`)
	}

	for _, tier := range []string{"", "member"} {
		q, err = p.Price(basket(tier, 10))
		require.NoError(t, err, "tier %q from the join on", tier)
		assert.Equal(t, "90.00", q.Total.StringFixed(2), "tier %q from the join on: the members' sale", tier)
	}
}
