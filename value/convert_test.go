package value_test

import (
	"fmt"
	"math"
	"math/big"
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
			assert.Equal(t, value.Float(decimal.NewFromFloat(w).Mul(rate)), v, "%v", i)
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
		{"overflow", "EUR", decimal.New(1, 10), `value: customer "d-jp": indicator revenue = +Inf: 1e300 JPY at rate 10000000000 is 1e310 EUR: an amount too large for the indicator (beyond the range of float64)`},
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

// A converted amount is the float64 nearest its exact equivalent in the
// other currency, so that it ties with an amount paid in that currency:
// USD 1.50 at 0.8 is EUR 1.20, and 1.5 × 0.8 in float64 is not 1.2.
func TestIndicatorsConvertExact(t *testing.T) {
	for _, rs := range []string{"0.8", "0.9217", "1.085", "0.00625", "0.0061", "153.27"} {
		rate := decimal.RequireFromString(rs)
		for c := int64(-2000); c <= 2000; c += 7 {
			d := decimal.New(c*37, -2)
			x := value.Indicators{ID: "c", Kind: customer.Consumer, Currency: "USD"}
			x.Set(value.Revenue, value.Float(d))
			x.Set(value.AverageOrderValue, value.Float(d.Div(decimal.NewFromInt(3))))
			require.NoError(t, x.Convert("EUR", rate))
			want := value.Float(d.Mul(rate))
			require.Equal(t, want, x.Values[value.Revenue], "%s × %s", d, rate)
		}
	}
}

// The spend per purchase of a converted customer is the float64 nearest
// its converted net ÷ orders, as [value.Extract] gives it to a customer
// who paid that net in the other currency: converting the rounded
// quotient instead can split the tie by one unit in the last place.
func TestIndicatorsConvertAverageOrderValueExact(t *testing.T) {
	quo := func(d decimal.Decimal, n int64) float64 {
		f, _ := new(big.Rat).Quo(d.Rat(), big.NewRat(n, 1)).Float64()
		return f
	}
	rate := decimal.RequireFromString("0.00625")
	for c := int64(1000); c < 60000; c += 37 {
		for _, n := range []int64{3, 7, 11} {
			d := decimal.NewFromInt(c)
			x := value.Indicators{ID: "c", Kind: customer.Consumer, Currency: "JPY"}
			x.Set(value.Revenue, value.Float(d))
			x.Set(value.Orders, float64(n))
			x.Set(value.AverageOrderValue, quo(d, n))
			require.NoError(t, x.Convert("EUR", rate))
			require.Equal(t, quo(d.Mul(rate), n), x.Values[value.AverageOrderValue], "%s ÷ %d × %s", d, n, rate)
		}
	}
	// Indicators set by hand whose spend per purchase is not net ÷
	// orders convert it as any other amount.
	x := value.Indicators{ID: "c", Kind: customer.Consumer, Currency: "JPY"}
	x.Set(value.Revenue, 900)
	x.Set(value.Orders, 3)
	x.Set(value.AverageOrderValue, 1000)
	require.NoError(t, x.Convert("EUR", rate))
	assert.Equal(t, 6.25, x.Values[value.AverageOrderValue])
}

// Growth is the quotient of the exact yearly nets, so two customers
// whose amounts differ by a factor grow alike: a customer converted into
// another currency grows as its twin who paid the converted amounts
// there. The quotient of the rounded floats can differ in the last place.
func TestGrowthScaleFree(t *testing.T) {
	sum := func(last, prior decimal.Decimal) value.Indicators {
		s := customer.NewSummary("c", customer.Consumer, asOf, nil)
		for i, a := range []struct {
			days  int
			price decimal.Decimal
		}{{500, prior}, {30, last}} {
			require.NoError(t, s.AddOrder(customer.Order{ID: fmt.Sprint(i), CustomerID: "c", Time: asOf.AddDate(0, 0, -a.days),
				Channel: customer.Store, Currency: "EUR",
				Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 1, UnitPrice: a.price}}}))
		}
		var x value.Indicators
		require.NoError(t, value.Extract(s, nil, &x))
		return x
	}
	for _, f := range []int64{3, 7, 8, 10, 13} {
		for l := int64(1); l < 400; l += 3 {
			for _, p := range []int64{1, 3, 7, 10, 11, 29} {
				x := sum(decimal.New(l, -2), decimal.New(p, -2))
				y := sum(decimal.New(l*f, -2), decimal.New(p*f, -2))
				gx, _ := x.Get(value.Growth)
				gy, _ := y.Get(value.Growth)
				require.Equal(t, gx, gy, "last %d, prior %d cents, × %d", l, p, f)
			}
		}
	}
}
