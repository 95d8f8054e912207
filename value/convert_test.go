package value_test

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// Convert multiplies the money indicators, and only them, by the rate;
// unknown values stay unknown.
func TestIndicatorsConvert(t *testing.T) {
	x := value.Indicators{ID: "d-jp", Kind: customer.Intermediary, Currency: "JPY"}
	for i := value.Indicator(1); int(i) < value.NumIndicators; i++ {
		if i != value.MarketSize {
			x.Set(i, float64(i)*1000)
		}
	}
	x.SetAsOf(customer.DateOf(asOf))
	orig := x
	rate := decimal.RequireFromString("0.00625")
	require.NoError(t, x.Convert("EUR", rate))
	assert.Equal(t, customer.Currency("EUR"), x.Currency)
	for i := value.Indicator(1); int(i) < value.NumIndicators; i++ {
		v, ok := x.Get(i)
		w, wok := orig.Get(i)
		assert.Equal(t, wok, ok, "%v known", i)
		if i.Money() {
			assert.Equal(t, w*0.00625, v, "%v", i)
		} else {
			assert.Equal(t, w, v, "%v", i)
		}
	}
	assert.False(t, x.Known(value.MarketSize))
	d, ok := x.AsOf()
	assert.True(t, ok)
	assert.Equal(t, customer.DateOf(asOf), d)
	assert.Equal(t, orig.ID, x.ID)
	assert.Equal(t, orig.Kind, x.Kind)
}

// The money indicators are those of Indicator.Money.
func TestMoneyIndicators(t *testing.T) {
	var money []value.Indicator
	for i := value.Indicator(1); int(i) < value.NumIndicators; i++ {
		if i.Money() {
			money = append(money, i)
		}
	}
	assert.Equal(t, []value.Indicator{value.Profit, value.Revenue, value.AverageOrderValue,
		value.RecentSpend, value.Turnover, value.MarketSize}, money)
}

// A rate that is not positive, an invalid currency or a product beyond
// float64 is refused, naming the customer, and changes nothing.
func TestIndicatorsConvertRefused(t *testing.T) {
	x := value.Indicators{ID: "d-jp", Kind: customer.Intermediary, Currency: "JPY"}
	x.Set(value.Revenue, 1e300)
	x.Set(value.Orders, 3)
	for _, tc := range []struct {
		name string
		to   customer.Currency
		rate decimal.Decimal
		msg  string
	}{
		{"zero rate", "EUR", decimal.Zero, `value: customer "d-jp": rate 0 from JPY to EUR: must be positive and within the range of float64`},
		{"negative rate", "EUR", decimal.NewFromInt(-2), `value: customer "d-jp": rate -2 from JPY to EUR: must be positive and within the range of float64`},
		{"underflow", "EUR", decimal.New(1, -400), `from JPY to EUR: must be positive and within the range of float64`},
		{"huge", "EUR", decimal.New(1, 400), `from JPY to EUR: must be positive and within the range of float64`},
		{"invalid currency", "XXQ", decimal.NewFromInt(1), `value: customer "d-jp": convert to currency "XXQ": not a currency code`},
		{"overflow", "EUR", decimal.New(1, 10), `value: customer "d-jp": indicator revenue = +Inf: not a finite number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := x
			err := y.Convert(tc.to, tc.rate)
			require.ErrorIs(t, err, value.ErrInvalidInput)
			assert.ErrorContains(t, err, tc.msg)
			assert.ErrorContains(t, err, `customer "d-jp"`)
			assert.Equal(t, x, y)
		})
	}
	assert.False(t, math.IsInf(x.Values[value.Revenue], 0))
}
