package value_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// A custom money value converts exactly as Revenue of the same amount.
func TestCustomMoneyConvertsAsRevenue(t *testing.T) {
	m := creditLineModel()
	rapid.Check(t, func(t *rapid.T) {
		cents := rapid.Int64Range(-1e12, 1e15).Draw(t, "cents")
		rate := decimal.New(rapid.Int64Range(1, 1e9).Draw(t, "rate"), -int32(rapid.IntRange(0, 12).Draw(t, "exp")))
		amount := decimal.New(cents, -2)
		x := value.Indicators{ID: "d", Kind: customer.Intermediary, Currency: "EUR"}
		x.Set(value.Revenue, value.Float(amount))
		require.NoError(t, m.SetCustomAmount(&x, "credit-line", money(t, amount, "EUR")))
		if x.Convert("USD", rate) != nil {
			return
		}
		got, ok := x.Get(value.Custom(0))
		require.True(t, ok)
		require.Equal(t, x.Values[value.Revenue], got)
		require.Equal(t, value.Float(amount.Mul(rate)), got)
	})
}

// A money value is a customer.Money, never a float64: SetCustom refuses
// a number for an indicator declared money, naming it. A customer
// without a currency (a dealer without orders or trade amounts) takes
// that of its custom amount, so that statistics of another currency
// refuse it rather than mix it unconverted with their amounts; an
// amount without a currency is refused.
func TestSetCustomAmountGivesTheCurrency(t *testing.T) {
	m := creditLineModel()
	x := value.Indicators{ID: "prospect", Kind: customer.Intermediary}
	var ie *value.InputError
	require.ErrorAs(t, m.SetCustom(&x, "credit-line", 1000), &ie, "a number for a money indicator")
	assert.Equal(t, value.Custom(0), ie.Indicator)
	assert.Contains(t, ie.Error(), `customer "prospect": indicator credit-line (custom-0) = 1000: a number where the model declares an amount of money`)
	assert.Equal(t, value.Indicators{ID: "prospect", Kind: customer.Intermediary}, x)

	require.ErrorAs(t, m.SetCustomAmount(&x, "credit-line", customer.Money{}), &ie)
	assert.Contains(t, ie.Error(), "credit-line (custom-0) = 0: an amount of money without a currency")
	assert.Equal(t, customer.Currency(""), x.Currency)

	require.NoError(t, m.SetCustomAmount(&x, "credit-line", money(t, decimal.NewFromInt(1000), "GBP")))
	assert.Equal(t, customer.Currency("GBP"), x.Currency)
	v, ok := x.Get(value.Custom(0))
	assert.True(t, ok)
	assert.Equal(t, 1000.0, v)
	assert.True(t, x.IsAmount(value.Custom(0)))

	st, err := value.NewStats(m)
	require.NoError(t, err)
	d := dealer(t, "eur", 5000, 2, nil) // EUR
	require.NoError(t, st.Add(&d))
	err = st.Add(&x)
	var cm *customer.CurrencyMismatchError
	require.ErrorAs(t, err, &cm)
	assert.Equal(t, int64(1), st.N())
}

// Indicators.SetAmount takes money for a custom indicator or a built-in
// money one, and refuses a built-in indicator that is no money.
func TestSetAmountBuiltin(t *testing.T) {
	x := value.Indicators{ID: "d", Kind: customer.Intermediary, Currency: "EUR"}
	require.NoError(t, x.SetAmount(value.Turnover, money(t, decimal.RequireFromString("1234.5"), "EUR")))
	v, _ := x.Get(value.Turnover)
	assert.Equal(t, 1234.5, v)
	before := x
	var ie *value.InputError
	require.ErrorAs(t, x.SetAmount(value.Outlets, money(t, decimal.NewFromInt(3), "EUR")), &ie)
	assert.Equal(t, value.Outlets, ie.Indicator)
	assert.Contains(t, ie.Error(), `customer "d": indicator outlets = 3: not an amount of money`)
	assert.Equal(t, before, x)
}

// An InputError about one custom indicator's value (off the unit scale,
// money set as a number) carries that indicator, as one about a
// non-finite value does, so that a caller can tell which one it was
// without parsing the text, and says what is wrong with it.
func TestCustomInputErrorCarriesIndicator(t *testing.T) {
	m := storesModel()
	x := dealer(t, "d1", 1000, 0, nil)
	var ie *value.InputError
	require.ErrorAs(t, m.SetCustom(&x, "survey", 1.5), &ie)
	assert.Equal(t, value.Custom(1), ie.Indicator, "off the unit scale")
	assert.Equal(t, "survey", ie.Name)
	assert.Equal(t, 1.5, ie.Value)
	assert.Equal(t, `value: customer "d1": indicator survey (custom-1) = 1.5: outside [0, 1], the scale it is declared on (unit_scale)`, ie.Error())

	st, err := value.NewStats(m)
	require.NoError(t, err)
	x.Set(value.Custom(2), 100) // money set as a number
	require.ErrorAs(t, st.Add(&x), &ie)
	assert.Equal(t, value.Custom(2), ie.Indicator, "money set as a number")
	assert.Equal(t, `value: customer "d1": indicator bureau-limit (custom-2) = 100: set as a number (Indicators.Set), the model declares an amount of money`, ie.Error())
}

// CustomIndicator.Money: a value set as a number where the model
// declares money, or the other way round, is refused by Stats.Add and
// Scorer.ScoreInto whether a leaf reads the indicator or not; so is one
// off the unit scale.
func TestCustomMismatchRefusedUnread(t *testing.T) {
	m := storesModel()
	m.Custom = append(m.Custom, value.CustomIndicator{Name: "deposit", Money: true}, value.CustomIndicator{Name: "poll", UnitScale: true}) // read by no leaf
	st, err := value.NewStats(m)
	require.NoError(t, err)
	d := dealer(t, "d0", 2000, 0, nil)
	require.NoError(t, st.Add(&d))
	sc, err := st.Scorer()
	require.NoError(t, err)
	for _, c := range []struct {
		set  func(x *value.Indicators)
		want string
	}{
		{func(x *value.Indicators) { x.Set(value.Custom(3), 100) }, "indicator deposit (custom-3) = 100: set as a number"},
		{func(x *value.Indicators) { x.Set(value.Custom(4), 2) }, "indicator poll (custom-4) = 2: outside [0, 1]"},
	} {
		x := dealer(t, "d1", 1000, 0, nil)
		c.set(&x)
		err := st.Add(&x)
		require.ErrorIs(t, err, value.ErrInvalidInput)
		assert.Contains(t, err.Error(), c.want)
		assert.Equal(t, int64(1), st.N())
		var s value.Score
		err = sc.ScoreInto(&s, &x)
		require.ErrorIs(t, err, value.ErrInvalidInput)
		assert.Contains(t, err.Error(), c.want)
	}
	x := dealer(t, "d2", 1000, 0, nil)
	require.NoError(t, m.SetCustomAmount(&x, "deposit", money(t, decimal.NewFromInt(100), "EUR")))
	require.NoError(t, st.Add(&x))
}
