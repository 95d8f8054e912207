package loyalty_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A basket that gives the member's account prices with the tier that
// account holds at the basket's time: a tier it does not hold is
// refused, so a members' sale goes to its tiers' members only.
func TestBasketTierIsTheAccountsTier(t *testing.T) {
	p := tierSale(t)
	a := joined(t, p, day(2026, 1, 5))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))})
	require.Equal(t, "silver", p.Tier(a).Name)
	items := []loyalty.Item{item("DRESS", "dresses", "2026-SS", "100.00", 1)}
	basket := func(tier string) loyalty.Basket {
		return loyalty.Basket{Member: "M1", Tier: tier, Time: day(2026, 6, 2), Currency: "EUR", Items: items, Account: &a}
	}
	q, err := p.Price(basket("silver"))
	require.NoError(t, err)
	assert.Equal(t, "100.00", q.Total.StringFixed(2))
	q, err = p.Price(basket(""))
	require.NoError(t, err, "no tier given: no priority")
	assert.Equal(t, "100.00", q.Total.StringFixed(2))

	_, err = p.Price(basket("gold"))
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "tier", ve.Fields[0].Field, "%v", err)
	assert.Contains(t, err.Error(), `"gold"`)
	assert.Contains(t, err.Error(), `"silver"`)

	// The tier held at the basket's time: member before 1 February.
	b := basket("silver")
	b.Time = day(2026, 1, 20)
	_, err = p.Price(b)
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "tier", ve.Fields[0].Field, "%v", err)
	assert.Equal(t, "member", p.TierAt(a, b.Time).Name, "TierAt gives the tier a basket of that time names")
	assert.Equal(t, "silver", p.TierAt(a, day(2026, 2, 1)).Name, "from the change on")
	b.Tier = p.TierAt(a, b.Time).Name
	_, err = p.Price(b)
	require.NoError(t, err)
}
