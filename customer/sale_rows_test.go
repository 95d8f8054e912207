package customer

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A row with a zero amount and no units is a sale of nothing, as the
// sales-export rows of package salesrow count it: a transaction (an
// order and a day) that moved no money and no units.
func TestSaleOfNothingIsATransaction(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -3), NewOrder: true, Amount: eur("50"), Units: 5}))
	before := s.Clone()
	require.NoError(t, s.AddSale(Sale{Time: vNow, Amount: Zero("EUR"), NewOrder: true}))
	assert.Equal(t, before.Orders+1, s.Orders)
	assert.Equal(t, before.Units, s.Units)
	assert.True(t, s.Net().Equal(before.Net()), "no money moved")
	require.Len(t, s.Days, 2)
	assert.Equal(t, DateOf(vNow), s.Days[1].Date)
	assert.True(t, s.Days[1].Net.IsZero())

	// After AsOf it is left out and counted, as any row.
	require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, 1), Amount: Zero("EUR"), NewOrder: true}))
	assert.Equal(t, 1, s.Later)
}

// A row with a zero amount and negative units brings units back without
// money: it counts as the returned units of a refund row do (in
// ReturnedUnits and Returns), never as negative units bought.
func TestZeroAmountReturnCountsReturnedUnits(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -3), NewOrder: true, Amount: eur("50"), Units: 5, Category: "coats"}))
	before := s.Clone()
	require.NoError(t, s.AddSale(Sale{Time: vNow, Amount: Zero("EUR"), Units: -5, NewOrder: true, Category: "shoes"}))
	assert.Equal(t, 5, s.Units, "units bought are unchanged")
	assert.Equal(t, 5, s.ReturnedUnits)
	assert.Equal(t, 1, s.Returns)
	assert.Equal(t, 1, s.Orders, "a return opens no order")
	assert.Equal(t, 1.0, s.ReturnRate())
	assert.True(t, s.Net().Equal(before.Net()), "no money moved")
	assert.True(t, s.Cost.Equal(before.Cost))
	assert.Equal(t, before.Days, s.Days, "no day without money or orders")
	assert.Equal(t, before.Categories, s.Categories)

	// As a refund row of the same units counts them.
	refund := before.Clone()
	require.NoError(t, refund.AddSale(Sale{Time: vNow, Amount: eur("-50"), Units: -5}))
	assert.Equal(t, refund.ReturnedUnits, s.ReturnedUnits)
	assert.Equal(t, refund.Returns, s.Returns)
	assert.Equal(t, refund.Units, s.Units)

	// A cost given with the row comes back, as on a refund row.
	withCost := before.Clone()
	require.NoError(t, withCost.AddSale(Sale{Time: vNow, Amount: Zero("EUR"), Units: -1, Cost: decimal.NewNullDecimal(d("4"))}))
	assert.True(t, withCost.Cost.Equal(before.Cost.Sub(d("4"))), "%s", withCost.Cost)
	negCost := before.Clone()
	require.NoError(t, negCost.AddSale(Sale{Time: vNow, Amount: Zero("EUR"), Units: -1, Cost: decimal.NewNullDecimal(d("-4"))}))
	assert.True(t, negCost.Cost.Equal(withCost.Cost), "the sign of a returned cost does not matter: %s", negCost.Cost)
}

// Free goods, a zero amount with positive units, are still a sale.
func TestFreeGoodsAreASale(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow, NewOrder: true, Amount: Zero("EUR"), Units: 2, Category: "socks"}))
	assert.Equal(t, 2, s.Units)
	assert.Equal(t, 1, s.Orders)
	assert.Equal(t, []string{"socks"}, s.Categories)
}

// Amounts finer than the currency's minor unit are kept exactly by
// AddSale and AddRefund, the documented rule of sales-export rows.
func TestSaleAndRefundKeepFineAmounts(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow, NewOrder: true, Amount: eur("12.345"), Units: 1}))
	require.NoError(t, s.AddRefund(vNow, eur("0.005"), 0))
	assert.Equal(t, "12.345", s.Gross.String())
	assert.Equal(t, "0.005", s.Refunded.String())
	assert.Equal(t, "12.34", s.Net().String())
	y := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, y.AddSale(Sale{Time: vNow, Amount: mustMoney("0.5", "JPY"), Units: 1}))
	assert.Equal(t, "0.5", y.Gross.String())
}

// A summary without a customer ID refuses sales rows and refunds, as
// Summarize refuses an empty ID, and stays empty.
func TestSummaryWithoutCustomerIDRefusesRows(t *testing.T) {
	s := NewSummary("", Consumer, vNow, nil)
	requireFields(t, requireRejected(t, s, func() error {
		return s.AddSale(Sale{Time: vNow, NewOrder: true, Amount: eur("10"), Units: 1})
	}), fe("customer_id", CodeRequired))
	requireFields(t, requireRejected(t, s, func() error { return s.AddRefund(vNow, eur("10"), 1) }), fe("customer_id", CodeRequired))
	_, err := s.Merge(*NewSummary("", Consumer, vNow, nil))
	requireFields(t, err, fe("customer_id", CodeRequired))
}
