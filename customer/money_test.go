package customer

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestNewMoneyRejects(t *testing.T) {
	for _, tc := range []struct{ amount, cur string }{
		{"", "EUR"}, {"NaN", "EUR"}, {"nan", "EUR"}, {"Inf", "EUR"}, {"-Inf", "EUR"}, {"+Infinity", "EUR"},
		{"1e400", "EUR"}, {"1E3", "EUR"}, {"12x", "EUR"}, {"1,000.00", "EUR"}, {"1 000", "EUR"}, {" 1", "EUR"},
		{"1.2.3", "EUR"}, {"+", "EUR"}, {"-", "EUR"}, {".", "EUR"}, {"--1", "EUR"}, {"0x10", "EUR"},
		{"1234567890123456789012345678901", "EUR"}, {"0." + string(make([]byte, 0)) + "1234567890123456789012345678901", "EUR"},
		{"10", "XXX"}, {"10", "eur"}, {"10", ""}, {"10", "EURO"},
	} {
		_, err := NewMoney(tc.amount, tc.cur)
		assert.Error(t, err, "NewMoney(%q, %q)", tc.amount, tc.cur)
	}
	_, err := NewMoney("1", "ABC")
	assert.ErrorIs(t, err, ErrUnknownCurrency)
}

func TestNewMoneyAccepts(t *testing.T) {
	for in, want := range map[string]string{"49.90": "49.90 EUR", "-3": "-3.00 EUR", "+7.5": "7.50 EUR", ".5": "0.50 EUR", "0.125": "0.125 EUR", "1200": "1200.00 EUR"} {
		m, err := NewMoney(in, "EUR")
		require.NoError(t, err, in)
		assert.Equal(t, want, m.String(), in)
	}
	m, err := NewMoney("1500", "JPY")
	require.NoError(t, err)
	assert.Equal(t, "1500 JPY", m.String())
}

func TestMoneyCurrencyMismatch(t *testing.T) {
	eur, usd := mustMoney("1", "EUR"), mustMoney("1", "USD")
	_, err := eur.Add(usd)
	var cm *CurrencyMismatchError
	require.ErrorAs(t, err, &cm)
	assert.Equal(t, CurrencyMismatchError{A: "EUR", B: "USD"}, *cm)
	_, err = eur.Sub(usd)
	assert.ErrorAs(t, err, &cm)
	_, err = eur.Cmp(usd)
	assert.ErrorAs(t, err, &cm)
	assert.False(t, eur.Equal(usd))
	sum, err := Money{}.Add(eur)
	require.NoError(t, err, "the zero Money adds to any currency")
	assert.True(t, sum.Equal(eur))
}

func TestAllocate(t *testing.T) {
	m := mustMoney("100", "EUR")
	parts, err := m.Split(3)
	require.NoError(t, err)
	assert.Equal(t, []string{"33.34 EUR", "33.33 EUR", "33.33 EUR"}, moneyStrings(parts))
	parts, err = mustMoney("0.02", "EUR").Allocate(d("0"), d("1"), d("1"), d("1"))
	require.NoError(t, err)
	assert.Equal(t, []string{"0.00 EUR", "0.01 EUR", "0.01 EUR", "0.00 EUR"}, moneyStrings(parts), "a zero ratio gets nothing")
	// The unit left over goes to the share that lost most to rounding:
	// 10 % of 100.01 over lines of 0.01 and 100.00.
	parts, err = mustMoney("10.00", "EUR").Allocate(d("0.01"), d("100.00"))
	require.NoError(t, err)
	assert.Equal(t, []string{"0.00 EUR", "10.00 EUR"}, moneyStrings(parts))
	parts, err = mustMoney("-10", "EUR").Split(3)
	require.NoError(t, err)
	assert.Equal(t, []string{"-3.34 EUR", "-3.33 EUR", "-3.33 EUR"}, moneyStrings(parts))
	_, err = m.Split(0)
	assert.Error(t, err)
	_, err = m.Allocate()
	assert.Error(t, err)
	_, err = m.Allocate(d("1"), d("-1"))
	assert.Error(t, err)
	_, err = m.Allocate(d("0"), d("0"))
	assert.Error(t, err)
}

func moneyStrings(ms []Money) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String()
	}
	return out
}

var genCurrency = rapid.SampledFrom([]Currency{"EUR", "JPY", "KWD", "CNY"})

func genMoney(cur Currency) *rapid.Generator[Money] {
	return rapid.Custom(func(t *rapid.T) Money {
		units := rapid.Int64Range(-1_000_000_000, 1_000_000_000).Draw(t, "units")
		exp := rapid.Int32Range(-5, 2).Draw(t, "exp")
		return Money{amount: decimal.New(units, exp), currency: cur}
	})
}

// TestPropAllocateConserves: the parts of Allocate and Split sum exactly
// to the amount rounded to the minor unit, each part is a whole number of
// minor units, and Split's parts differ by at most one minor unit.
func TestPropAllocateConserves(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency.Draw(t, "currency")
		m := genMoney(cur).Draw(t, "m")
		ratios := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) decimal.Decimal {
			return decimal.New(rapid.Int64Range(0, 1000).Draw(t, "r"), -rapid.Int32Range(0, 3).Draw(t, "e"))
		}), 1, 12).Draw(t, "ratios")
		ratios[rapid.IntRange(0, len(ratios)-1).Draw(t, "nonzero")] = d("1")
		want := m.Amount().Round(cur.Digits())
		for _, parts := range [][]Money{must(m.Allocate(ratios...)), must(m.Split(len(ratios)))} {
			require.Len(t, parts, len(ratios))
			sum := Zero(cur)
			for _, p := range parts {
				assert.Equal(t, cur, p.Currency())
				assert.True(t, p.Amount().Equal(p.Amount().Round(cur.Digits())), "part %s is not whole minor units", p)
				sum = must(sum.Add(p))
			}
			assert.True(t, sum.Amount().Equal(want), "parts sum to %s, want %s", sum, want)
		}
		split := must(m.Split(len(ratios)))
		unit := decimal.New(1, -cur.Digits())
		for _, p := range split {
			assert.True(t, p.Amount().Sub(split[len(split)-1].Amount()).Abs().LessThanOrEqual(unit))
		}
		// Largest remainders: the parts' errors against their exact
		// shares, part − whole × ratio ÷ Σ ratios, span at most one
		// minor unit.
		total := decimal.Zero
		for _, r := range ratios {
			total = total.Add(r)
		}
		var lo, hi decimal.Decimal
		for i, p := range must(m.Allocate(ratios...)) {
			if ratios[i].IsZero() {
				assert.True(t, p.IsZero(), "ratio 0 got %s", p)
			}
			e := p.Amount().Sub(want.Mul(ratios[i]).DivRound(total, 30))
			if i == 0 || e.LessThan(lo) {
				lo = e
			}
			if i == 0 || e.GreaterThan(hi) {
				hi = e
			}
		}
		// (The exact shares are rounded to 30 decimals.)
		assert.True(t, hi.Sub(lo).LessThanOrEqual(unit.Add(decimal.New(1, -25))), "errors from %s to %s", lo, hi)
	})
}

// TestPropAddCommutes: Add is commutative and associative, and Sub undoes
// it; amounts of two currencies never add.
func TestPropAddCommutes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := genCurrency.Draw(t, "currency")
		a, b, c := genMoney(cur).Draw(t, "a"), genMoney(cur).Draw(t, "b"), genMoney(cur).Draw(t, "c")
		assert.True(t, must(a.Add(b)).Equal(must(b.Add(a))))
		assert.True(t, must(must(a.Add(b)).Add(c)).Equal(must(a.Add(must(b.Add(c))))))
		assert.True(t, must(must(a.Add(b)).Sub(b)).Equal(a))
		other := genCurrency.Filter(func(c Currency) bool { return c != cur }).Draw(t, "other")
		x := genMoney(other).Filter(func(m Money) bool { return !m.IsZero() }).Draw(t, "x")
		if !a.IsZero() {
			_, err := a.Add(x)
			var cm *CurrencyMismatchError
			assert.ErrorAs(t, err, &cm)
		}
	})
}

// TestPropMoneyTextRoundTrip: MarshalText then UnmarshalText gives the
// same money.
func TestPropMoneyTextRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMoney(genCurrency.Draw(t, "currency")).Draw(t, "m")
		b, err := m.MarshalText()
		require.NoError(t, err)
		var back Money
		require.NoError(t, back.UnmarshalText(b))
		assert.True(t, back.Equal(m), "%s → %s", b, back)
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestCurrencyFormat(t *testing.T) {
	for _, c := range []struct {
		cur    Currency
		amount string
		want   string
	}{
		{"EUR", "19.8", "19.80"},
		{"EUR", "100", "100.00"},
		{"EUR", "-0.5", "-0.50"},
		{"EUR", "0", "0.00"},
		{"EUR", "19.800", "19.80"},
		{"EUR", "0.125", "0.125"},   // more digits than cents: all shown, not rounded
		{"EUR", "0.1250", "0.125"},  // trailing zeros beyond the cents dropped
		{"JPY", "1200", "1200"},     // no minor unit
		{"JPY", "1200.5", "1200.5"}, // a fraction a yen amount cannot have is still shown
		{"KWD", "1.5", "1.500"},
		{"XXX", "1.5", "1.50"}, // unknown: two digits, as Digits
		{"EUR", "12e3", "12000.00"},
	} {
		got := c.cur.Format(decimal.RequireFromString(c.amount))
		assert.Equal(t, c.want, got, "%s %s", c.amount, c.cur)
		back, err := decimal.NewFromString(got)
		require.NoError(t, err)
		assert.True(t, back.Equal(decimal.RequireFromString(c.amount)), "%s %s: %s is another amount", c.amount, c.cur, got)
	}
}

// Format writes the same amount it is given, never rounded, with at least
// the currency's minor-unit digits.
func TestPropCurrencyFormat(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cur := rapid.SampledFrom([]Currency{"EUR", "JPY", "KWD", "CZK"}).Draw(rt, "cur")
		amount := decimal.New(rapid.Int64().Draw(rt, "coef"), rapid.Int32Range(-12, 6).Draw(rt, "exp"))
		got := cur.Format(amount)
		back, err := decimal.NewFromString(got)
		require.NoError(rt, err, got)
		require.True(rt, back.Equal(amount), "%s is not %s", got, amount)
		decimals := 0
		if i := strings.IndexByte(got, '.'); i >= 0 {
			decimals = len(got) - i - 1
		}
		require.GreaterOrEqual(rt, decimals, int(cur.Digits()), got)
		if decimals > int(cur.Digits()) {
			require.NotEqual(rt, byte('0'), got[len(got)-1], "%s: a trailing zero beyond the minor unit", got)
		}
	})
}
