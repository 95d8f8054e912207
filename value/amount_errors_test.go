package value_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// An amount too large for the float64 of its indicator reads the same
// whether it was given so (SetCustomAmount, SetAmount) or became so by
// a conversion (Convert): the indicator, the amount (and, converted, the
// amount it came from and the rate), and that it is too large for the
// indicator. The error carries the indicator, and x is left as it was.
func TestAmountTooLargeOneMessage(t *testing.T) {
	m := storesModel()
	const tooLarge = "an amount too large for the indicator (beyond the range of float64)"
	for _, c := range []struct {
		name string
		do   func(x *value.Indicators) error
		ind  value.Indicator
		decl string
		val  float64
		want string
	}{
		{"SetCustomAmount", func(x *value.Indicators) error {
			return m.SetCustomAmount(x, "bureau-limit", money(t, decimal.New(1, 309), "EUR"))
		}, value.Custom(2), "bureau-limit", math.Inf(1),
			`value: customer "d": indicator bureau-limit (custom-2) = +Inf: 1e309 EUR: ` + tooLarge},
		{"SetCustomAmount negative", func(x *value.Indicators) error {
			return m.SetCustomAmount(x, "bureau-limit", money(t, decimal.New(-25, 308), "EUR"))
		}, value.Custom(2), "bureau-limit", math.Inf(-1),
			`value: customer "d": indicator bureau-limit (custom-2) = -Inf: -25e308 EUR: ` + tooLarge},
		{"SetAmount built-in", func(x *value.Indicators) error {
			return x.SetAmount(value.Revenue, money(t, decimal.New(1, 309), "EUR"))
		}, value.Revenue, "", math.Inf(1),
			`value: customer "d": indicator revenue = +Inf: 1e309 EUR: ` + tooLarge},
		{"Convert custom", func(x *value.Indicators) error {
			require.NoError(t, m.SetCustomAmount(x, "bureau-limit", money(t, decimal.New(1, 308), "EUR")))
			return x.Convert("USD", decimal.NewFromInt(10))
		}, value.Custom(2), "", math.Inf(1),
			`value: customer "d": indicator custom-2 = +Inf: 1e308 EUR at rate 10 is 1e309 USD: ` + tooLarge},
		{"Convert built-in", func(x *value.Indicators) error {
			x.Set(value.Revenue, 1e300)
			return x.Convert("JPY", decimal.New(1, 10))
		}, value.Revenue, "", math.Inf(1),
			`value: customer "d": indicator revenue = +Inf: 1e300 EUR at rate 10000000000 is 1e310 JPY: ` + tooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := dealer(t, "d", 1000, 2, map[string]float64{"stores": 3})
			err := c.do(&x)
			var ie *value.InputError
			require.ErrorAs(t, err, &ie)
			assert.ErrorIs(t, err, value.ErrInvalidInput)
			assert.Equal(t, c.want, err.Error())
			assert.Equal(t, c.ind, ie.Indicator)
			assert.Equal(t, c.decl, ie.Name)
			assert.Equal(t, c.val, ie.Value)
		})
	}
	// Convert leaves x as it was.
	x := dealer(t, "d", 1000, 2, nil)
	require.NoError(t, m.SetCustomAmount(&x, "bureau-limit", money(t, decimal.New(1, 308), "EUR")))
	keep := x
	require.Error(t, x.Convert("USD", decimal.NewFromInt(10)))
	assert.Equal(t, keep, x)
}

// A known value that is not a finite number is refused by Convert as by
// every other check of the indicators, not a panic.
func TestConvertNotFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		x := value.Indicators{ID: "c", Kind: customer.Consumer, Currency: "EUR"}
		x.Set(value.Revenue, v)
		keep := x
		var err error
		require.NotPanics(t, func() { err = x.Convert("USD", decimal.NewFromInt(2)) })
		var ie *value.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, value.Revenue, ie.Indicator)
		assert.ErrorContains(t, err, `customer "c": indicator revenue`)
		assert.ErrorContains(t, err, "not a finite number")
		assert.Equal(t, fmt.Sprint(keep), fmt.Sprint(x), "x is left as it was")
	}
}

// A custom amount replaced by a number, or unset, no longer gives the
// customer its currency: a customer whose currency came from its custom
// amounts has none again once no custom amount is left, and statistics
// of any currency take it. A currency the customer had otherwise (its
// summary's, one set by the caller, that of a built-in amount given with
// SetAmount) stays, and so does one that another custom amount still
// holds.
func TestNumberReplacingAmountClearsItsCurrency(t *testing.T) {
	m := creditLineModel()
	m.Custom = append(m.Custom, value.CustomIndicator{Name: "deposit", Money: true}, value.CustomIndicator{Name: "stores"})
	eur := money(t, decimal.NewFromInt(5000), "EUR")
	for name, drop := range map[string]func(x *value.Indicators){
		"Set":   func(x *value.Indicators) { x.Set(value.Custom(0), 7) },
		"Unset": func(x *value.Indicators) { x.Unset(value.Custom(0)) },
	} {
		t.Run(name, func(t *testing.T) {
			x := value.Indicators{ID: "prospect", Kind: customer.Intermediary}
			x.Set(value.Revenue, 0) // as Extract gives a customer without orders
			require.NoError(t, m.SetCustomAmount(&x, "credit-line", eur))
			require.Equal(t, customer.Currency("EUR"), x.Currency)
			drop(&x)
			assert.False(t, x.IsAmount(value.Custom(0)))
			assert.Equal(t, customer.Currency(""), x.Currency, "no custom amount left")
			// It may take another currency now.
			require.NoError(t, m.SetCustomAmount(&x, "credit-line", money(t, decimal.NewFromInt(9), "USD")))
			assert.Equal(t, customer.Currency("USD"), x.Currency)

			// Another custom amount still known keeps the currency, until
			// it goes too.
			y := value.Indicators{ID: "p2", Kind: customer.Intermediary}
			require.NoError(t, m.SetCustomAmount(&y, "credit-line", eur))
			require.NoError(t, m.SetCustomAmount(&y, "deposit", eur))
			drop(&y)
			assert.Equal(t, customer.Currency("EUR"), y.Currency)
			require.NoError(t, m.SetCustom(&y, "stores", 2))
			assert.Equal(t, customer.Currency("EUR"), y.Currency, "a number of another indicator")
			y.Set(value.Custom(1), 3)
			assert.Equal(t, customer.Currency(""), y.Currency, "the last custom amount gone")

			// A built-in amount given in the currency keeps it.
			w := value.Indicators{ID: "p3", Kind: customer.Intermediary}
			require.NoError(t, m.SetCustomAmount(&w, "credit-line", eur))
			require.NoError(t, w.SetAmount(value.Turnover, eur))
			drop(&w)
			assert.Equal(t, customer.Currency("EUR"), w.Currency)

			// A currency the customer had before any amount stays.
			z := value.Indicators{ID: "p4", Kind: customer.Intermediary, Currency: "EUR"}
			require.NoError(t, m.SetCustomAmount(&z, "credit-line", eur))
			drop(&z)
			assert.Equal(t, customer.Currency("EUR"), z.Currency)

			// So does the analysis currency of a converted customer,
			// whose amounts were all converted into it... only while an
			// amount is left: the currency was that of the custom amount.
			v := value.Indicators{ID: "p5", Kind: customer.Intermediary}
			require.NoError(t, m.SetCustomAmount(&v, "credit-line", eur))
			require.NoError(t, v.Convert("USD", decimal.NewFromInt(2)))
			require.Equal(t, customer.Currency("USD"), v.Currency)
			drop(&v)
			assert.Equal(t, customer.Currency(""), v.Currency)
		})
	}

	// Statistics of USD customers take the customer once its amount is
	// gone: it has no money to mix with theirs.
	st, err := value.NewStats(m)
	require.NoError(t, err)
	u := value.Indicators{ID: "u", Kind: customer.Intermediary, Currency: "USD"}
	u.Set(value.Revenue, 10)
	require.NoError(t, st.Add(&u))
	x := value.Indicators{ID: "prospect", Kind: customer.Intermediary}
	x.Set(value.Revenue, 0)
	require.NoError(t, m.SetCustomAmount(&x, "credit-line", eur))
	x.Unset(value.Custom(0))
	require.NoError(t, m.SetCustom(&x, "stores", 3))
	assert.NoError(t, st.Add(&x))
}

// CheckRate refuses exactly the rates that Convert refuses, with its
// error; CheckConverted gives Convert's error for an amount converted
// beyond float64, and nil for one within.
func TestCheckRateAndConvertedAsConvert(t *testing.T) {
	for _, r := range []decimal.Decimal{decimal.Zero, decimal.NewFromInt(-1), decimal.New(1, -400), decimal.New(1, 400),
		decimal.New(1, -330), decimal.New(5, -324), decimal.New(1, -323), decimal.New(18, 307), decimal.New(17, 307),
		decimal.RequireFromString("0.00625"), decimal.NewFromInt(160)} {
		x := value.Indicators{ID: "c", Kind: customer.Consumer, Currency: "JPY"}
		x.Set(value.Revenue, 1)
		convErr := x.Convert("EUR", r)
		err := value.CheckRate("c", "JPY", "EUR", r)
		if convErr == nil {
			assert.NoError(t, err, "rate %s", r)
			continue
		}
		require.Error(t, err, "rate %s", r)
		assert.Equal(t, convErr.Error(), err.Error())
		assert.ErrorIs(t, err, value.ErrInvalidInput)
	}
	assert.EqualError(t, value.CheckRate("c", "GBP", "EUR", decimal.New(1, -400)),
		`value: customer "c": rate 1e-400 from GBP to EUR: must be positive and within the range of float64`)

	a := money(t, decimal.New(1, 308), "GBP")
	err := value.CheckConverted("d", value.Turnover, a, decimal.NewFromInt(10), "USD")
	var ie *value.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, value.Turnover, ie.Indicator)
	assert.EqualError(t, err, `value: customer "d": indicator turnover = +Inf: 1e308 GBP at rate 10 is 1e309 USD: `+
		"an amount too large for the indicator (beyond the range of float64)")
	assert.NoError(t, value.CheckConverted("d", value.Turnover, a, decimal.NewFromInt(1), "USD"))
}
