package segment_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// rateTable is the caller's exchange rates of one day: table[{from, to}].
type rateTable map[[2]customer.Currency]decimal.Decimal

var errNoRate = errors.New("no rate")

func (r rateTable) Rate(from, to customer.Currency) (decimal.Decimal, error) {
	if v, ok := r[[2]customer.Currency{from, to}]; ok {
		return v, nil
	}
	return decimal.Decimal{}, fmt.Errorf("%s/%s: %w", from, to, errNoRate)
}

// moneyIn is a customer of kind k whose amounts are those of the cents
// times factor, in cur: three orders, a refund, and, for an
// intermediary, the trade amounts.
func moneyIn(t tb, id string, k customer.Kind, cur customer.Currency, cents []int64, factor decimal.Decimal) segment.Input {
	t.Helper()
	s := customer.NewSummary(customer.ID(id), k, asOf, nil)
	amount := func(c int64) decimal.Decimal { return decimal.New(c, -2).Mul(factor) }
	for i, c := range cents {
		require.NoError(t, s.AddOrder(customer.Order{ID: fmt.Sprintf("%s-%d", id, i), CustomerID: s.CustomerID,
			Time: asOf.AddDate(0, 0, -40-200*i), Channel: customer.Store, Currency: cur,
			Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 2, UnitPrice: amount(c)}}}))
	}
	m, err := customer.MoneyFromDecimal(amount(cents[0]), cur)
	require.NoError(t, err)
	require.NoError(t, s.AddRefund(asOf.AddDate(0, 0, -30), m, 1))
	in := segment.Input{Summary: s}
	if k == customer.Intermediary {
		turnover, err := customer.MoneyFromDecimal(amount(cents[0]*40), cur)
		require.NoError(t, err)
		market, err := customer.MoneyFromDecimal(amount(cents[1]*900), cur)
		require.NoError(t, err)
		in.Customer = &customer.Customer{ID: s.CustomerID, Kind: k, Trade: &customer.Trade{
			AnnualTurnover: turnover, MarketSize: market, Outlets: 2, Rating: customer.RatingBBB}}
	}
	return in
}

func classifyAll(t tb, m *segment.Model, obs []segment.Observation) []segment.Result {
	t.Helper()
	rs := make([]segment.Result, len(obs))
	for i := range obs {
		require.NoError(t, m.Classify(&rs[i], &obs[i]))
	}
	return rs
}

var (
	one    = decimal.NewFromInt(1)
	jpyEUR = decimal.RequireFromString("0.00625") // 1 JPY in EUR: 160 JPY to the euro
)

func eurDealers(t *testing.T) []segment.Input {
	return []segment.Input{
		moneyIn(t, "d1", customer.Intermediary, "EUR", []int64{120000, 90000, 40000}, one),
		moneyIn(t, "d2", customer.Intermediary, "EUR", []int64{520000, 310000, 80000}, one),
		moneyIn(t, "d3", customer.Intermediary, "EUR", []int64{30000, 12000, 9000}, one),
		moneyIn(t, "d4", customer.Intermediary, "EUR", []int64{900000, 700000, 650000}, one),
	}
}

// A dealer billed in JPY among EUR dealers: with the caller's rates the
// fit takes it, its money indicators are those of its EUR equivalent,
// and it is classified as that EUR dealer would be.
func TestFitInputsConvertsWithRates(t *testing.T) {
	dealers := eurDealers(t)
	jp := moneyIn(t, "d-jp", customer.Intermediary, "JPY", []int64{400000, 250000, 60000}, decimal.NewFromInt(160))
	eq := moneyIn(t, "d-jp", customer.Intermediary, "EUR", []int64{400000, 250000, 60000}, one)

	opts := &segment.Options{Currency: "EUR", Rates: rateTable{{"JPY", "EUR"}: jpyEUR}, Grades: &segment.GradeOptions{}}
	m, obs, err := segment.FitInputs(append(dealers[:4:4], jp), opts)
	require.NoError(t, err)
	want, wobs, err := segment.FitInputs(append(dealers[:4:4], eq), &segment.Options{Grades: &segment.GradeOptions{}})
	require.NoError(t, err)

	got, exp := obs[4], wobs[4]
	assert.Equal(t, customer.Currency("EUR"), got.Currency)
	for i := value.Indicator(1); int(i) < value.NumIndicators; i++ {
		v, ok := got.Get(i)
		w, wok := exp.Get(i)
		require.Equal(t, wok, ok, "%v known", i)
		if i.Money() && w != 0 {
			assert.InEpsilon(t, w, v, 1e-15, "%v", i)
		} else {
			assert.Equal(t, w, v, "%v", i)
		}
	}
	assert.True(t, got.Net.Equal(exp.Net), "net %s, want %s", got.Net, exp.Net)
	assert.True(t, got.Credited.Equal(exp.Credited))

	rs, ws := classifyAll(t, m, obs), classifyAll(t, want, wobs)
	for i := range rs {
		assert.Equal(t, ws[i].Quadrant, rs[i].Quadrant, "%s", rs[i].ID)
		assert.Equal(t, ws[i].Grade, rs[i].Grade, "%s", rs[i].ID)
		assert.Equal(t, ws[i].RFM, rs[i].RFM, "%s", rs[i].ID)
		assert.Equal(t, ws[i].Stage, rs[i].Stage, "%s", rs[i].ID)
		assert.InDelta(t, ws[i].Value.Total, rs[i].Value.Total, 1e-9, "%s", rs[i].ID)
		assert.Equal(t, customer.Currency("EUR"), rs[i].Currency)
	}
	// The KPIs of Migrate add up nets in the analysis currency.
	mg, err := segment.Migrate(nil, rs)
	require.NoError(t, err)
	assert.Equal(t, customer.Currency("EUR"), mg.Currency)

	// The EUR dealers are not asked for a rate: a table without EUR→EUR
	// and without JPY→EUR is enough for them alone.
	_, _, err = segment.FitInputs(dealers, &segment.Options{Currency: "EUR", Rates: rateTable{}})
	require.NoError(t, err)
}

// Without the option, a second currency is refused as before.
func TestFitInputsWithoutRatesRefusesCurrencies(t *testing.T) {
	jp := moneyIn(t, "d-jp", customer.Intermediary, "JPY", []int64{400000, 250000, 60000}, decimal.NewFromInt(160))
	_, _, err := segment.FitInputs(append(eurDealers(t), jp), nil)
	assert.EqualError(t, err, `value: customer "d-jp": currency: customer: currency mismatch: EUR and JPY`)
	var mm *customer.CurrencyMismatchError
	assert.ErrorAs(t, err, &mm)
}

// A missing rate is an error naming the customer and the pair; nothing
// is observed.
func TestFitInputsMissingRate(t *testing.T) {
	jp := moneyIn(t, "d-jp", customer.Intermediary, "JPY", []int64{400000, 250000, 60000}, decimal.NewFromInt(160))
	opts := &segment.Options{Currency: "EUR", Rates: rateTable{{"USD", "EUR"}: jpyEUR}}
	m, obs, err := segment.FitInputs(append(eurDealers(t), jp), opts)
	require.ErrorIs(t, err, errNoRate)
	assert.EqualError(t, err, `segment: customer "d-jp": no rate from JPY to EUR: JPY/EUR: no rate`)
	assert.Nil(t, m)
	assert.Nil(t, obs)

	dst := segment.Observation{Net: decimal.NewFromInt(7)}
	dst.ID = "before"
	keep := dst
	require.ErrorIs(t, segment.ObserveWith(jp, &dst, opts), errNoRate)
	assert.Equal(t, keep, dst)
}

// A rate that is not positive is an error naming the customer and the
// pair; nothing is observed.
func TestFitInputsBadRate(t *testing.T) {
	jp := moneyIn(t, "d-jp", customer.Intermediary, "JPY", []int64{400000, 250000, 60000}, decimal.NewFromInt(160))
	for _, r := range []decimal.Decimal{decimal.Zero, decimal.NewFromInt(-160), {}} {
		opts := &segment.Options{Currency: "EUR", Rates: rateTable{{"JPY", "EUR"}: r}}
		m, _, err := segment.FitInputs(append(eurDealers(t), jp), opts)
		require.ErrorIs(t, err, value.ErrInvalidInput, "rate %s", r)
		assert.ErrorContains(t, err, fmt.Sprintf(`customer "d-jp": rate %s from JPY to EUR: must be positive`, r))
		assert.Nil(t, m)

		dst := segment.Observation{Net: decimal.NewFromInt(7)}
		keep := dst
		require.Error(t, segment.ObserveWith(jp, &dst, opts))
		assert.Equal(t, keep, dst)
	}
}

// The currency and the rates come together, and the currency is a code.
func TestRatesOptionsInvalid(t *testing.T) {
	for _, tc := range []struct {
		opts segment.Options
		msg  string
	}{
		{segment.Options{Currency: "EUR"}, "segment: Currency EUR without Rates"},
		{segment.Options{Rates: rateTable{}}, "segment: Rates without a Currency"},
		{segment.Options{Currency: "EURO", Rates: rateTable{}}, `segment: Currency "EURO": not a currency code`},
	} {
		_, err := segment.NewStats(&tc.opts)
		require.ErrorIs(t, err, segment.ErrInvalidOptions)
		assert.ErrorContains(t, err, tc.msg)
		var dst segment.Observation
		err = segment.ObserveWith(moneyIn(t, "c1", customer.Consumer, "EUR", []int64{100, 200}, one), &dst, &tc.opts)
		require.ErrorIs(t, err, segment.ErrInvalidOptions)
		assert.ErrorContains(t, err, tc.msg)
		assert.Equal(t, segment.Observation{}, dst)
	}
}

// Scaling one customer's money by a rate r (into another currency) and
// converting it back at 1 ÷ r gives the same classification. The rates
// are powers of two, whose floats scale exactly, so the scores are equal,
// not merely close.
func TestConvertBackGivesSameScores(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 6).Draw(t, "n")
		kind := rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(t, "kind")
		cents := make([][]int64, n)
		for i := range cents {
			// Multiples of 2^12 cents stay whole cents at every rate 2^k, k ≥ −12.
			cents[i] = rapid.SliceOfN(rapid.Int64Range(1, 2_000), 2, 4).Draw(t, fmt.Sprintf("cents%d", i))
			for q := range cents[i] {
				cents[i][q] *= 1 << 12
			}
		}
		j := rapid.IntRange(0, n-1).Draw(t, "j")
		k := rapid.IntRange(-12, 12).Draw(t, "k")
		// r = 2^k and inv = 2^−k, as exact decimals (2^−a = 5^a × 10^−a).
		pow2 := func(a int) decimal.Decimal {
			if a >= 0 {
				return decimal.NewFromInt(1 << a)
			}
			return decimal.New(pow5(-a), int32(a))
		}
		r, inv := pow2(k), pow2(-k)
		base := make([]segment.Input, n)
		scaled := make([]segment.Input, n)
		for i := range n {
			id := fmt.Sprintf("c%d", i)
			base[i] = moneyIn(t, id, kind, "EUR", cents[i], one)
			scaled[i] = base[i]
			if i == j {
				scaled[i] = moneyIn(t, id, kind, "USD", cents[i], r)
			}
		}
		m, obs, err := segment.FitInputs(base, nil)
		require.NoError(t, err)
		m2, obs2, err := segment.FitInputs(scaled, &segment.Options{Currency: "EUR", Rates: rateTable{{"USD", "EUR"}: inv}})
		require.NoError(t, err)
		assert.Equal(t, obs[j].Indicators, obs2[j].Indicators)
		a, b := classifyAll(t, m, obs), classifyAll(t, m2, obs2)
		for i := range a {
			require.True(t, a[i].Net.Equal(b[i].Net), "%s net %s and %s", a[i].ID, a[i].Net, b[i].Net)
			a[i].Net = b[i].Net
		}
		require.Equal(t, a, b)
	})
}

func pow5(k int) int64 {
	p := int64(1)
	for range k {
		p *= 5
	}
	return p
}
