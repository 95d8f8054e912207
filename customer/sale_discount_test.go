package customer

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func discount(s string) decimal.NullDecimal { return decimal.NewNullDecimal(d(s)) }

// A sale row with a discount counts at its list price in Gross and at the
// discount in Discounts, so the net is what was paid; only rows sold
// without a discount count in FullPriceNet.
func TestAddSaleDiscount(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -9), NewOrder: true, Amount: eur("55.21"), Units: 1, Discount: discount("9.74")}))
	require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -5), NewOrder: true, Amount: eur("73.95"), Units: 1, Discount: discount("0.00")}))
	assert.Equal(t, "138.9", s.Gross.String(), "55.21 + 9.74 + 73.95")
	assert.Equal(t, "9.74", s.Discounts.String())
	assert.Equal(t, "129.16", s.Net().String())
	assert.Equal(t, "73.95", s.FullPriceNet.String())
	assert.InDelta(t, 73.95/129.16, s.FullPriceShare(), 1e-12)
	require.Len(t, s.Days, 2)
	assert.Equal(t, "55.21", s.Days[0].Net.String(), "a day's net is what was paid")

	// A refund of goods sold at full price (discount zero) comes off
	// FullPriceNet; one of discounted goods (discount of either sign)
	// does not.
	full := s.Clone()
	require.NoError(t, full.AddSale(Sale{Time: vNow, Amount: eur("-73.95"), Units: -1, Discount: discount("0")}))
	assert.True(t, full.FullPriceNet.IsZero(), "%s", full.FullPriceNet)
	assert.Equal(t, 0.0, full.FullPriceShare())
	assert.Equal(t, s.Discounts, full.Discounts, "a refund changes no discount")
	assert.Equal(t, s.Gross, full.Gross)
	for _, sign := range []string{"-9.74", "9.74"} {
		marked := s.Clone()
		require.NoError(t, marked.AddSale(Sale{Time: vNow, Amount: eur("-55.21"), Units: -1, Discount: discount(sign)}))
		assert.Equal(t, "73.95", marked.FullPriceNet.String(), "discount %s", sign)
		assert.Equal(t, 1.0, marked.FullPriceShare())
	}
	// Without a discount, a refund leaves FullPriceNet as it is.
	unknown := s.Clone()
	require.NoError(t, unknown.AddSale(Sale{Time: vNow, Amount: eur("-73.95"), Units: -1}))
	assert.Equal(t, "73.95", unknown.FullPriceNet.String())
}

// Without a discount a sale counts as sold at full price, as before the
// field existed.
func TestAddSaleWithoutDiscountIsFullPrice(t *testing.T) {
	a := NewSummary("C-1", Consumer, vNow, nil)
	b := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, a.AddSale(Sale{Time: vNow, NewOrder: true, Amount: eur("40"), Units: 2}))
	require.NoError(t, b.AddSale(Sale{Time: vNow, NewOrder: true, Amount: eur("40"), Units: 2, Discount: discount("0")}))
	assert.Equal(t, a.Gross, b.Gross)
	assert.Equal(t, a.FullPriceNet, b.FullPriceNet)
	assert.True(t, a.Discounts.IsZero() && b.Discounts.IsZero())
}

// A free item (amount zero, all of its price taken off) counts its list
// price in Gross and Discounts and nothing in FullPriceNet.
func TestAddSaleFreeItemWithDiscount(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow, NewOrder: true, Amount: Zero("EUR"), Units: 1, Discount: discount("19.95")}))
	assert.Equal(t, "19.95", s.Gross.String())
	assert.Equal(t, "19.95", s.Discounts.String())
	assert.True(t, s.Net().IsZero())
	assert.True(t, s.FullPriceNet.IsZero())
}

// A discount is ignored on a return of units without money, as its cost
// is not.
func TestAddSaleDiscountOnUnitsBackWithoutMoney(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -3), NewOrder: true, Amount: eur("50"), Units: 5}))
	before := s.Clone()
	require.NoError(t, s.AddSale(Sale{Time: vNow, Amount: Zero("EUR"), Units: -1, Discount: discount("0")}))
	assert.Equal(t, before.FullPriceNet, s.FullPriceNet)
	assert.Equal(t, before.Gross, s.Gross)
	assert.Equal(t, before.Discounts, s.Discounts)
}

// A discount written as a negative number is the same discount: its
// size counts.
func TestAddSaleNegativeDiscountIsItsSize(t *testing.T) {
	a := NewSummary("C-1", Consumer, vNow, nil)
	b := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, a.AddSale(Sale{Time: vNow, NewOrder: true, Amount: eur("55.21"), Units: 1, Discount: discount("9.74")}))
	require.NoError(t, b.AddSale(Sale{Time: vNow, NewOrder: true, Amount: eur("55.21"), Units: 1, Discount: discount("-9.74")}))
	assert.Equal(t, "64.95", b.Gross.String())
	assert.Equal(t, "9.74", b.Discounts.String())
	assert.True(t, b.FullPriceNet.IsZero())
	assert.Equal(t, a.Gross, b.Gross)
	assert.Equal(t, a.Discounts.String(), b.Discounts.String())
}

// A discount beyond the bounds of an amount is an error naming the
// customer and the field, and changes nothing.
func TestAddSaleRejectsBadDiscount(t *testing.T) {
	for _, tc := range []struct {
		name, amount, discount, want string
	}{
		{"too many digits", "10", "1e30", `sale of customer "C-1": discount`},
		{"too many digits, negative", "10", "-1e30", "discount"},
		{"too many decimals", "-10", "0.1234567890123456789012345678901", "discount"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -1), NewOrder: true, Amount: eur("20"), Units: 1}))
			before := s.Clone()
			units := 1
			if d(tc.amount).Sign() < 0 {
				units = -1
			}
			err := s.AddSale(Sale{Time: vNow, NewOrder: true, Amount: eur(tc.amount), Units: units, Discount: discount(tc.discount)})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "discount", ve.Fields[0].Field)
			assert.Equal(t, before, *s, "a rejected row changes nothing")
		})
	}
}
