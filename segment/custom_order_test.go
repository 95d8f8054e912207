package segment_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// twoLinesModel is creditLineModel with a second money indicator.
func twoLinesModel() value.Model {
	m := creditLineModel()
	m.Custom = append(m.Custom, value.CustomIndicator{Name: "deposit", Money: true})
	return m
}

// The same input with its custom values listed in another order is
// observed the same: a dealer without orders or trade amounts whose two
// custom amounts are in EUR and GBP ends in USD with the same values
// whichever is listed first.
func TestCustomAmountsOrderIndependent(t *testing.T) {
	m := twoLinesModel()
	opts := &segment.Options{Intermediary: &m, Currency: "USD", Rates: rateTable{
		{"EUR", "USD"}: decimal.RequireFromString("1.1"), {"GBP", "USD"}: decimal.RequireFromString("1.3")}}
	blank := dealerInput(t, "prospect", asOf.AddDate(-3, 0, 0))
	line := amount(t, "credit-line", "1000.1234567890125246483", "EUR") // more than 15 significant digits
	dep := amount(t, "deposit", "10", "GBP")
	var a, b segment.Observation
	require.NoError(t, segment.ObserveWith(withCustom(blank, line, dep), &a, opts))
	require.NoError(t, segment.ObserveWith(withCustom(blank, dep, line), &b, opts))
	assert.Equal(t, customer.Currency("USD"), a.Currency)
	assert.Equal(t, customer.Currency("USD"), b.Currency)
	va, _ := a.Get(value.Custom(0))
	vb, _ := b.Get(value.Custom(0))
	assert.Equal(t, va, vb, "credit-line: EUR listed first %v, GBP listed first %v", va, vb)
	// The customer is in EUR, the currency of the first indicator the
	// model declares: the EUR amount is converted as Revenue would be,
	// within float64's precision of the exact equivalent.
	exact := value.Float(decimal.RequireFromString("1000.1234567890125246483").Mul(decimal.RequireFromString("1.1")))
	assert.InEpsilon(t, exact, va, 1e-15)
}

// The same, with amounts of at most 15 significant digits: here the
// order changes nothing, and missing rates refuse either order naming
// the customer and the pair, and changing nothing.
func TestCustomAmountsOrderShortAmountsAndMissingRate(t *testing.T) {
	m := twoLinesModel()
	opts := &segment.Options{Intermediary: &m, Currency: "USD", Rates: rateTable{
		{"EUR", "USD"}: decimal.RequireFromString("1.1"), {"GBP", "USD"}: decimal.RequireFromString("1.3")}}
	blank := dealerInput(t, "prospect", asOf.AddDate(-3, 0, 0))
	line := amount(t, "credit-line", "1000.17", "EUR")
	dep := amount(t, "deposit", "10.03", "GBP")
	var a, b segment.Observation
	require.NoError(t, segment.ObserveWith(withCustom(blank, line, dep), &a, opts))
	require.NoError(t, segment.ObserveWith(withCustom(blank, dep, line), &b, opts))
	assert.Equal(t, a, b)

	chf := amount(t, "deposit", "10", "CHF")
	for _, vals := range [][]value.CustomValue{{line, chf}, {chf, line}} {
		o := segment.Observation{MedianGap: 42}
		err := segment.ObserveWith(withCustom(blank, vals...), &o, opts)
		require.ErrorIs(t, err, errNoRate)
		assert.Contains(t, err.Error(), `customer "prospect": no rate from CHF to USD`)
		assert.Equal(t, segment.Observation{MedianGap: 42}, o)
	}

	// Without rates, the currency of the indicator declared later is
	// refused whatever the order of the list, as a CurrencyMismatchError
	// the caller can take out.
	plain := &segment.Options{Intermediary: &m}
	for _, vals := range [][]value.CustomValue{{line, dep}, {dep, line}} {
		o := segment.Observation{MedianGap: 42}
		err := segment.ObserveWith(withCustom(blank, vals...), &o, plain)
		var cm *customer.CurrencyMismatchError
		require.ErrorAs(t, err, &cm)
		var ie *value.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "deposit", ie.Name)
		assert.Equal(t, segment.Observation{MedianGap: 42}, o)
	}
}

// A custom amount and a trade amount in another currency than the
// customer's follow one rule: the same amount, at the same rate, gives
// the same indicator value, and a rate that is not positive is refused
// the same way.
func TestCustomAndTradeConvertAlike(t *testing.T) {
	m := creditLineModel()
	opts := &segment.Options{Intermediary: &m, Currency: "USD", Rates: rateTable{
		{"EUR", "USD"}: decimal.RequireFromString("1.1"), {"GBP", "USD"}: decimal.RequireFromString("1.3")}}
	for _, s := range []string{"1000.1234567890125246483", "0.01", "123456789.123"} {
		in := dealerInput(t, "d", asOf.AddDate(-3, 0, 0), 30) // EUR orders
		g, err := customer.NewMoney(s, "GBP")
		require.NoError(t, err)
		in.Customer.Trade.AnnualTurnover = g
		in = withCustom(in, value.CustomValue{Name: "credit-line", Amount: g})
		var o segment.Observation
		require.NoError(t, segment.ObserveWith(in, &o, opts))
		tv, _ := o.Get(value.Turnover)
		cv, _ := o.Get(value.Custom(0))
		assert.Equal(t, tv, cv, s)
	}
	bad := &segment.Options{Intermediary: &m, Currency: "USD", Rates: rateTable{
		{"EUR", "USD"}: decimal.RequireFromString("1.1"), {"GBP", "USD"}: decimal.Zero}}
	for _, trade := range []bool{true, false} {
		in := dealerInput(t, "d", asOf.AddDate(-3, 0, 0), 30)
		g, _ := customer.NewMoney("5", "GBP")
		if trade {
			in.Customer.Trade.AnnualTurnover = g
		} else {
			in = withCustom(in, value.CustomValue{Name: "credit-line", Amount: g})
		}
		o := segment.Observation{MedianGap: 42}
		err := segment.ObserveWith(in, &o, bad)
		require.ErrorIs(t, err, value.ErrInvalidInput)
		assert.Contains(t, err.Error(), "rate 0 from GBP to USD: must be positive")
		assert.True(t, errors.As(err, new(*value.InputError)))
		assert.Equal(t, segment.Observation{MedianGap: 42}, o)
	}
}
