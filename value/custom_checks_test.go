package value_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// Every InputError of a custom value reads as its doc says, carries the
// indicator, its declared name and its value, and is found by errors.As
// and errors.Is; the refused operation leaves x as it was.
func TestCustomInputErrorCases(t *testing.T) {
	m := storesModel()
	eur := func(s string) customer.Money { return money(t, decimal.RequireFromString(s), "EUR") }
	for _, c := range []struct {
		do   func(x *value.Indicators) error
		ind  value.Indicator
		name string
		val  float64
		want string
		cm   bool
	}{
		{func(x *value.Indicators) error { return m.SetCustom(x, "nope", 1) }, 0, "", 0,
			`value: customer "d": custom indicator "nope": the intermediary model declares none of that name`, false},
		{func(x *value.Indicators) error { return m.SetCustomAmount(x, "nope", eur("1")) }, 0, "", 0,
			`value: customer "d": custom indicator "nope": the intermediary model declares none of that name`, false},
		{func(x *value.Indicators) error { return m.SetCustom(x, "stores", math.Inf(-1)) }, value.Custom(0), "stores", math.Inf(-1),
			`value: customer "d": indicator stores (custom-0) = -Inf: not a finite number`, false},
		{func(x *value.Indicators) error { return m.SetCustom(x, "survey", -0.5) }, value.Custom(1), "survey", -0.5,
			`value: customer "d": indicator survey (custom-1) = -0.5: outside [0, 1], the scale it is declared on (unit_scale)`, false},
		{func(x *value.Indicators) error { return m.SetCustom(x, "bureau-limit", 7) }, value.Custom(2), "bureau-limit", 7,
			`value: customer "d": indicator bureau-limit (custom-2) = 7: a number where the model declares an amount of money (set it with Model.SetCustomAmount)`, false},
		{func(x *value.Indicators) error { return m.SetCustomAmount(x, "stores", eur("7")) }, value.Custom(0), "stores", 7,
			`value: customer "d": indicator stores (custom-0) = 7: an amount of money where the model declares a number (set it with Model.SetCustom)`, false},
		{func(x *value.Indicators) error { return m.SetCustomAmount(x, "bureau-limit", customer.Money{}) }, value.Custom(2), "bureau-limit", 0,
			`value: customer "d": indicator bureau-limit (custom-2) = 0: an amount of money without a currency`, false},
		{func(x *value.Indicators) error {
			return m.SetCustomAmount(x, "bureau-limit", money(t, decimal.RequireFromString("7.5"), "GBP"))
		}, value.Custom(2), "bureau-limit", 7.5,
			`value: customer "d": indicator bureau-limit (custom-2) = 7.5: an amount in another currency than the customer's: customer: currency mismatch: EUR and GBP`, true},
		{func(x *value.Indicators) error {
			return m.SetCustomAmount(x, "bureau-limit", money(t, decimal.New(-1, 309), "EUR"))
		},
			value.Custom(2), "bureau-limit", math.Inf(-1),
			`value: customer "d": indicator bureau-limit (custom-2) = -Inf: -1e309 EUR: an amount too large for the indicator (beyond the range of float64)`, false},
		{func(x *value.Indicators) error {
			return x.SetAmount(value.Custom(2), money(t, decimal.New(1, 309), "EUR"))
		},
			value.Custom(2), "", math.Inf(1),
			`value: customer "d": indicator custom-2 = +Inf: 1e309 EUR: an amount too large for the indicator (beyond the range of float64)`, false},
	} {
		x := dealer(t, "d", 1000, 2, map[string]float64{"stores": 3})
		before := x
		err := c.do(&x)
		var ie *value.InputError
		require.ErrorAs(t, err, &ie, c.want)
		assert.ErrorIs(t, err, value.ErrInvalidInput)
		assert.Equal(t, c.want, err.Error())
		assert.Equal(t, c.ind, ie.Indicator, c.want)
		assert.Equal(t, c.name, ie.Name, c.want)
		assert.Equal(t, c.val, ie.Value, c.want)
		var cm *customer.CurrencyMismatchError
		assert.Equal(t, c.cm, errors.As(err, &cm), c.want)
		assert.Equal(t, before, x, "refused: x unchanged: %s", c.want)
	}
}

// A customer without a currency takes the currency of its first custom
// amount and refuses a second one in another currency, whichever comes
// first; the refused one changes nothing.
func TestSetCustomAmountSecondCurrency(t *testing.T) {
	m := storesModel()
	m.Custom = append(m.Custom, value.CustomIndicator{Name: "deposit", Money: true})
	e := money(t, decimal.NewFromInt(100), "EUR")
	g := money(t, decimal.NewFromInt(200), "GBP")
	for _, order := range [][2]customer.Money{{e, g}, {g, e}} {
		x := value.Indicators{ID: "p", Kind: customer.Intermediary}
		require.NoError(t, m.SetCustomAmount(&x, "bureau-limit", order[0]))
		assert.Equal(t, order[0].Currency(), x.Currency)
		before := x
		err := m.SetCustomAmount(&x, "deposit", order[1])
		var cm *customer.CurrencyMismatchError
		require.ErrorAs(t, err, &cm)
		assert.Equal(t, order[0].Currency(), cm.A)
		assert.Equal(t, order[1].Currency(), cm.B)
		assert.Equal(t, before, x)
	}
}

// Stats.Add and ScoreInto take and refuse the same customers: a value of
// a custom slot the model does not declare, or of a built-in indicator
// no leaf reads, finite or not, is taken by both or refused by both.
func TestUndeclaredCustomSlot(t *testing.T) {
	m := creditLineModel() // declares custom-0 only
	st, err := value.NewStats(m)
	require.NoError(t, err)
	for i := range 3 {
		d := dealer(t, string(rune('a'+i)), float64(1000*(i+1)), 1+i, nil)
		require.NoError(t, m.SetCustomAmount(&d, "credit-line", money(t, decimal.NewFromInt(int64(500*(i+1))), "EUR")))
		require.NoError(t, st.Add(&d))
	}
	sc, err := st.Scorer()
	require.NoError(t, err)
	for _, i := range []value.Indicator{value.Custom(5), value.Units} { // undeclared; built-in unread
		for _, v := range []float64{42, math.NaN(), math.Inf(1)} {
			x := dealer(t, "x", 1500, 2, nil)
			x.Set(i, v)
			n := st.N()
			addErr := st.Add(&x)
			var s value.Score
			scoreErr := sc.ScoreInto(&s, &x)
			assert.Equal(t, addErr == nil, scoreErr == nil, "%v = %v: Stats.Add %v, ScoreInto %v", i, v, addErr, scoreErr)
			if addErr != nil {
				assert.Equal(t, n, st.N())
				assert.Equal(t, addErr.Error(), scoreErr.Error())
			}
		}
	}
}

// The check of every declared custom value costs ScoreInto no
// allocation, with values set on slots declared and read, declared and
// unread, and undeclared.
func TestScoreIntoAllocsWithUnreadCustom(t *testing.T) {
	m := creditLineModel()
	m.Custom = append(m.Custom, value.CustomIndicator{Name: "deposit", Money: true}, value.CustomIndicator{Name: "poll", UnitScale: true})
	var pop []value.Indicators
	for i := range 8 {
		d := dealer(t, string(rune('a'+i)), float64(1000*(i+1)), 1+i%3, nil)
		require.NoError(t, m.SetCustomAmount(&d, "credit-line", money(t, decimal.NewFromInt(int64(500*(i+1))), "EUR")))
		require.NoError(t, m.SetCustomAmount(&d, "deposit", money(t, decimal.NewFromInt(int64(50*(i+1))), "EUR")))
		require.NoError(t, m.SetCustom(&d, "poll", float64(i)/8))
		d.Set(value.Custom(7), 3)
		pop = append(pop, d)
	}
	sc, err := value.Fit(m, pop)
	require.NoError(t, err)
	var s value.Score
	assert.Zero(t, testing.AllocsPerRun(200, func() {
		for i := range pop {
			if sc.ScoreInto(&s, &pop[i]) != nil {
				panic("refused")
			}
		}
	}))
}

// Set and Unset of a number that is no indicator panic, naming it: the
// zero Indicator, one between the built-in and the custom ones, one
// beyond them.
func TestSetOfNoIndicatorPanics(t *testing.T) {
	for _, i := range []value.Indicator{0, value.Indicator(value.NumIndicators), value.Custom(0) - 1, value.Custom(value.MaxCustom-1) + 1} {
		var x value.Indicators
		assert.PanicsWithValue(t, fmt.Sprintf("value: Indicators.Set: %d is no indicator", uint8(i)), func() { x.Set(i, 1) }, "%d", i)
		assert.PanicsWithValue(t, fmt.Sprintf("value: Indicators.Unset: %d is no indicator", uint8(i)), func() { x.Unset(i) }, "%d", i)
		assert.False(t, x.Known(i))
	}
	var x value.Indicators
	x.Set(value.Custom(0), 2)
	assert.True(t, x.Known(value.Custom(0)))
}
