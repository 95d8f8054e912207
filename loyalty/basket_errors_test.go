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

// A basket refused names its member, and a refused coupon names its
// place among the coupons presented, as a refused purchase does; the
// coupon's own error stays reachable with errors.As.
func TestBasketErrorsNameMemberAndField(t *testing.T) {
	p := club(t)
	at := day(2026, 4, 1)
	basket := func(member customer.ID, coupons ...loyalty.Coupon) loyalty.Basket {
		return loyalty.Basket{Member: member, Time: at, Currency: "EUR", Coupons: coupons,
			Items: []loyalty.Item{{Line: customer.Line{ID: "1", SKU: "COAT", Category: "coats", Quantity: 1, UnitPrice: dec("120")}}}}
	}
	ok := loyalty.Coupon{Code: "A10", Kind: loyalty.CouponPercent, Percent: dec("10"), Scope: loyalty.Scope{Kind: loyalty.ScopeAll}, Stacking: loyalty.StackCombinable}
	expired := loyalty.Coupon{Code: "B20", Kind: loyalty.CouponPercent, Percent: dec("20"), Scope: loyalty.Scope{Kind: loyalty.ScopeAll},
		Stacking: loyalty.StackCombinable, ValidUntil: day(2026, 3, 1)}
	minSpend := loyalty.Coupon{Code: "C5", Kind: loyalty.CouponPercent, Percent: dec("5"), Scope: loyalty.Scope{Kind: loyalty.ScopeAll},
		Stacking: loyalty.StackCombinable, MinSpend: dec("200")}

	for _, c := range []struct {
		b     loyalty.Basket
		field string
		rule  string
	}{
		{basket("M1", expired, ok), "coupons[0]", loyalty.RuleValidity},
		{basket("M1", ok, minSpend), "coupons[1]", loyalty.RuleMinSpend},
		// A code presented twice is named at its second place.
		{basket("M1", ok, ok), "coupons[1]", loyalty.RuleRepeated},
		{basket("M1", ok, minSpend, ok), "coupons[2]", loyalty.RuleRepeated},
	} {
		_, err := p.Price(c.b)
		var ce *loyalty.CouponError
		require.True(t, errors.As(err, &ce), "%v", err)
		assert.Equal(t, c.rule, ce.Rule)
		assert.Contains(t, err.Error(), `"M1"`)
		assert.Contains(t, err.Error(), c.field)
		assert.ErrorIs(t, err, loyalty.ErrCouponRefused)
	}

	b := basket("M1")
	b.Time = time.Time{}
	_, err := p.Price(b)
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Contains(t, err.Error(), `"M1"`)
	assert.Contains(t, err.Error(), "time")
}
