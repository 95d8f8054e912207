package segment_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// A custom amount that its conversion takes beyond the float64 range
// reads alike whether it is in the customer's currency (converted with
// the customer) or in another (converted at its own rate): the
// indicator by its declared name, the amount, the rate and the amount it
// became, too large for the indicator. So does a trade amount in another
// currency. The error carries the indicator.
func TestConvertOverflowOneMessage(t *testing.T) {
	m := creditLineModel()
	opts := &segment.Options{Intermediary: &m, Currency: "USD", Rates: rateTable{
		{"EUR", "USD"}: decimal.RequireFromString("10"), {"GBP", "USD"}: decimal.RequireFromString("10")}}
	for _, cur := range []customer.Currency{"EUR", "GBP"} {
		huge, err := customer.MoneyFromDecimal(decimal.New(1, 308), cur)
		require.NoError(t, err)
		for _, trade := range []bool{false, true} {
			if trade && cur == "EUR" {
				continue // a trade amount in the customer's currency is within 10^30
			}
			in := dealerInput(t, "huge", asOf.AddDate(-3, 0, 0), 30) // EUR orders
			ind, name, what := value.Custom(0), "credit-line", "credit-line (custom-0)"
			if trade {
				c := *in.Customer
				tr := *c.Trade
				tr.AnnualTurnover = huge
				c.Trade, in.Customer = &tr, &c
				ind, name, what = value.Turnover, "", "turnover"
			} else {
				in = withCustom(in, value.CustomValue{Name: "credit-line", Amount: huge})
			}
			o := segment.Observation{MedianGap: 42}
			err = segment.ObserveWith(in, &o, opts)
			require.ErrorIs(t, err, value.ErrInvalidInput, cur)
			assert.EqualError(t, err, fmt.Sprintf(`value: customer "huge": indicator %s = +Inf: 1e308 %s at rate 10 is 1e309 USD: `+
				"an amount too large for the indicator (beyond the range of float64)", what, cur))
			var ie *value.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, ind, ie.Indicator)
			assert.Equal(t, name, ie.Name)
			assert.Equal(t, math.Inf(1), ie.Value)
			assert.Equal(t, segment.Observation{MedianGap: 42}, o)
		}
	}
}

// A custom value given twice, or with both a number and an amount, is
// an error that carries the indicator and its declared name, as every
// other error about a declared custom indicator does; one of a name the
// model does not declare carries none.
func TestCustomGivenTwiceCarriesIndicator(t *testing.T) {
	m := staffModel()
	opts := &segment.Options{Intermediary: &m}
	base := dealerInput(t, "d9", asOf.AddDate(-3, 0, 0), 30)
	for _, c := range []struct {
		vals []value.CustomValue
		ind  value.Indicator
		name string
		val  float64
		want string
	}{
		{[]value.CustomValue{{Name: "staff-trained", Value: 3}, {Name: "staff-trained", Value: 4}}, value.Custom(0), "staff-trained", 4,
			`value: customer "d9": indicator staff-trained (custom-0) = 4: given twice (the other time = 3)`},
		{[]value.CustomValue{amount(t, "credit-line", "5000", "EUR"), {Name: "target-customer", Value: 1}, amount(t, "credit-line", "70.5", "EUR")},
			value.Custom(2), "credit-line", 70.5,
			`value: customer "d9": indicator credit-line (custom-2) = 70.5: given twice (the other time = 5000.00 EUR)`},
		{[]value.CustomValue{{Name: "credit-line", Value: 5000, Amount: amount(t, "", "5000", "EUR").Amount}}, value.Custom(2), "credit-line", 5000,
			`value: customer "d9": indicator credit-line (custom-2) = 5000: both a number (Value 5000) and an amount (Amount 5000 EUR)`},
		{[]value.CustomValue{{Name: "staff", Value: 1}, {Name: "staff", Value: 2}}, 0, "", 0,
			`value: customer "d9": custom indicator "staff": given twice (the other time = 1)`},
	} {
		o := segment.Observation{MedianGap: 42}
		err := segment.ObserveWith(withCustom(base, c.vals...), &o, opts)
		var ie *value.InputError
		require.ErrorAs(t, err, &ie, c.want)
		assert.Equal(t, c.want, err.Error())
		assert.Equal(t, c.ind, ie.Indicator, c.want)
		assert.Equal(t, c.name, ie.Name, c.want)
		assert.Equal(t, c.val, ie.Value, c.want)
		assert.Equal(t, customer.ID("d9"), ie.Customer)
		assert.Equal(t, segment.Observation{MedianGap: 42}, o)
	}
}

// A rate that Indicators.Convert would refuse — not positive, or with
// no positive float64 (1e-400, 1e400) — is refused up front, naming the
// customer, the currencies and the rate, for a trade amount and a custom
// amount in another currency as for the customer's own currency, even
// when the customer needs no conversion itself; nothing is observed.
func TestRateBeyondFloat64Refused(t *testing.T) {
	m := creditLineModel()
	for _, r := range []decimal.Decimal{decimal.New(1, -400), decimal.New(1, 400), decimal.New(-3, -2), decimal.Zero} {
		for _, where := range []string{"customer", "trade", "custom"} {
			opts := &segment.Options{Intermediary: &m, Currency: "EUR", Rates: rateTable{{"GBP", "EUR"}: r}}
			in := dealerInput(t, "d", asOf.AddDate(-3, 0, 0), 30) // EUR orders
			g, err := customer.NewMoney("5000", "GBP")
			require.NoError(t, err)
			switch where {
			case "customer":
				in = inCurrency(t, "d", "GBP")
			case "trade":
				in.Customer.Trade.AnnualTurnover = g
			case "custom":
				in = withCustom(in, value.CustomValue{Name: "credit-line", Amount: g})
			}
			o := segment.Observation{MedianGap: 42}
			err = segment.ObserveWith(in, &o, opts)
			require.ErrorIs(t, err, value.ErrInvalidInput, "%s %s", where, r)
			text := r.String()
			if r.Exponent() < -30 || r.Exponent() > 30 {
				text = fmt.Sprintf("1e%d", r.Exponent())
			}
			assert.EqualError(t, err, fmt.Sprintf(`value: customer "d": rate %s from GBP to EUR: must be positive and within the range of float64`, text), where)
			assert.Equal(t, segment.Observation{MedianGap: 42}, o, where)
			_, _, err = segment.FitInputs([]segment.Input{in}, opts)
			assert.ErrorIs(t, err, value.ErrInvalidInput, where)
		}
	}
}

// A trade amount in the currency of the options, not the customer's,
// needs no rate, and one beyond the float64 range is refused as one
// converted is, never kept as +Inf.
func TestTradeAmountInTargetCurrencyTooLarge(t *testing.T) {
	m := creditLineModel()
	opts := &segment.Options{Intermediary: &m, Currency: "USD", Rates: rateTable{{"EUR", "USD"}: decimal.RequireFromString("10")}}
	huge, err := customer.MoneyFromDecimal(decimal.New(1, 309), "USD")
	require.NoError(t, err)
	in := dealerInput(t, "huge", asOf.AddDate(-3, 0, 0), 30) // EUR orders
	c := *in.Customer
	tr := *c.Trade
	tr.AnnualTurnover = huge
	c.Trade, in.Customer = &tr, &c
	o := segment.Observation{MedianGap: 42}
	err = segment.ObserveWith(in, &o, opts)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.EqualError(t, err, `value: customer "huge": indicator turnover = +Inf: 1e309 USD: an amount too large for the indicator (beyond the range of float64)`)
	assert.Equal(t, segment.Observation{MedianGap: 42}, o)
}
