package value_test

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// oneLeaf is a model whose current value is the single measure m and whose
// potential value is the order count.
func oneLeaf(m value.Measure) value.Model {
	return value.Model{Kind: customer.Consumer,
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{{Name: "x", Weight: 1, Measure: &m}}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{{Name: "orders", Weight: 1,
			Measure: &value.Measure{Indicator: value.Orders, Transform: value.Linear, Method: value.MinMax}}}},
	}
}

func revenues(vs ...float64) []value.Indicators {
	out := make([]value.Indicators, len(vs))
	for i, v := range vs {
		out[i] = value.Indicators{ID: customer.ID(fmt.Sprint("c", i)), Kind: customer.Consumer}
		out[i].Set(value.Revenue, v)
		out[i].Set(value.Orders, 1)
	}
	return out
}

// normalized fits m on the revenues and returns each customer's
// normalised current leaf.
func normalized(t *testing.T, m value.Measure, vs ...float64) []float64 {
	t.Helper()
	pop := revenues(vs...)
	sc, err := value.Fit(oneLeaf(m), pop)
	require.NoError(t, err)
	out := make([]float64, len(pop))
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		requireFinite01(t, s)
		out[i] = s.Normalized[0]
		assert.Equal(t, s.Current, s.Part[0])
		assert.Equal(t, s.Total, s.Current+s.Potential)
	}
	return out
}

func TestNormalisationMethods(t *testing.T) {
	lin := func(meth value.Method) value.Measure {
		return value.Measure{Indicator: value.Revenue, Transform: value.Linear, Method: meth}
	}
	assert.InDeltaSlice(t, []float64{0, 1.0 / 3, 2.0 / 3, 1}, normalized(t, lin(value.MinMax), 1, 2, 3, 4), 1e-15)
	// Values computed with Python 3.11 statistics.NormalDist().cdf.
	assert.InDeltaSlice(t, []float64{0.08985624743949994, 0.3273604230092885, 0.6726395769907114, 0.9101437525605001},
		normalized(t, lin(value.ZScore), 1, 2, 3, 4), 1e-12)
	assert.InDeltaSlice(t, []float64{0.125, 0.5, 0.5, 0.875}, normalized(t, lin(value.PercentileRank), 1, 2, 2, 3), 1e-15)
	lower := lin(value.MinMax)
	lower.LowerIsBetter = true
	assert.InDeltaSlice(t, []float64{1, 0.5, 0}, normalized(t, lower, 10, 20, 30), 1e-15)
	// log1p(x / median) with median 100 of the non-zero values; computed
	// with Python 3.11 math.log1p.
	logm := value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax}
	assert.InDeltaSlice(t, []float64{0, 0.039747432210872506, 0.2890648263178878, 1},
		normalized(t, logm, 0, 10, 100, 1000), 1e-12)
	// Negative profit keeps its order under the signed log.
	got := normalized(t, logm, -50, 0, 50, 500)
	assert.True(t, got[0] < got[1] && got[1] < got[2] && got[2] < got[3], "%v", got)
	for _, tc := range []struct {
		vs    []float64
		scale float64
	}{{[]float64{-50, 0, 50, 500}, 50}, {[]float64{-300, -2, 0, 0, 5, 7}, 5}, {[]float64{-9, -4, -1}, 4}, {[]float64{0, 0}, 1}, {[]float64{3, 1, 2, -2, -2}, 2}} {
		sc, err := value.Fit(oneLeaf(logm), revenues(tc.vs...))
		require.NoError(t, err)
		f, _ := sc.Fitted(0)
		assert.Equal(t, tc.scale, f.Scale, "lower median of the non-zero |x| of %v", tc.vs)
	}
}

func TestWinsorClipsAtFittedQuantiles(t *testing.T) {
	vs := make([]float64, 0, 201)
	for i := 1; i <= 200; i++ {
		vs = append(vs, float64(i))
	}
	vs = append(vs, 1e9)
	m := value.Measure{Indicator: value.Revenue, Transform: value.Linear, Method: value.MinMax, Winsor: 0.01}
	pop := revenues(vs...)
	sc, err := value.Fit(oneLeaf(m), pop)
	require.NoError(t, err)
	f, _ := sc.Fitted(0)
	assert.Equal(t, 3.0, f.Lo, "Q(0.01) is the value at sorted position ⌊0.01·200⌋ = 2")
	assert.Equal(t, 199.0, f.Hi)
	s, _ := sc.Score(&pop[100]) // 101
	assert.InDelta(t, 98.0/196, s.Normalized[0], 1e-15)
	s, _ = sc.Score(&pop[200]) // the outlier
	assert.Equal(t, 1.0, s.Normalized[0])
}

func TestConstantIndicatorAndPopulationOfOne(t *testing.T) {
	for _, meth := range []value.Method{value.MinMax, value.ZScore, value.PercentileRank} {
		for _, tr := range []value.Transform{value.Linear, value.Log} {
			m := value.Measure{Indicator: value.Revenue, Transform: tr, Method: meth, Winsor: 0.01}
			assert.Equal(t, []float64{0.5, 0.5, 0.5}, normalized(t, m, 7, 7, 7), "%v %v", meth, tr)
			assert.Equal(t, []float64{0.5}, normalized(t, m, 0), "%v %v", meth, tr)
			m.LowerIsBetter = true
			assert.Equal(t, []float64{0.5}, normalized(t, m, -3), "%v %v", meth, tr)
		}
	}
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		x := extract(t, spec{ID: "solo", Kind: k, Buys: []buy{{DaysAgo: 3, Qty: 2, Cents: 4990}}}, 1)
		sc, err := value.Fit(value.DefaultModel(k), []value.Indicators{x})
		require.NoError(t, err)
		s, err := sc.Score(&x)
		require.NoError(t, err)
		requireFinite01(t, s)
		assert.InDelta(t, 0.25, s.Current, 4*value.Unit, "a population of one scores 0.5 on every current indicator")
		for k := 0; k < s.N; k++ {
			assert.Equal(t, 0.5, s.Normalized[k])
		}
	}
}

func TestEmptyPopulation(t *testing.T) {
	_, err := value.Fit(value.DefaultModel(customer.Consumer), nil)
	require.ErrorIs(t, err, value.ErrEmpty)
}

func TestBadInputChangesNothing(t *testing.T) {
	s, err := value.NewStats(value.DefaultModel(customer.Consumer))
	require.NoError(t, err)
	good := revenues(10)[0]
	require.NoError(t, s.Add(&good))
	for _, tc := range []struct {
		name string
		x    value.Indicators
		msg  string
	}{
		{"NaN", func() value.Indicators { x := revenues(1)[0]; x.Set(value.Profit, math.NaN()); return x }(), "profit"},
		{"Inf", func() value.Indicators { x := revenues(1)[0]; x.Set(value.Revenue, math.Inf(1)); return x }(), "revenue"},
		{"kind", value.Indicators{ID: "d1", Kind: customer.Intermediary}, "intermediary"},
		{"currency", value.Indicators{ID: "u1", Kind: customer.Consumer, Currency: "USD"}, "USD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "currency" {
				eur := revenues(1)[0]
				eur.Currency = "EUR"
				require.NoError(t, s.Add(&eur))
			}
			n := s.N()
			err := s.Add(&tc.x)
			require.ErrorIs(t, err, value.ErrInvalidInput)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Contains(t, err.Error(), string(tc.x.ID))
			assert.Equal(t, n, s.N())
		})
	}
	var ce *customer.CurrencyMismatchError
	x := value.Indicators{ID: "u2", Kind: customer.Consumer, Currency: "USD"}
	assert.True(t, errors.As(s.Add(&x), &ce))
}

func TestExtractRejectsHugeAmounts(t *testing.T) {
	sum := summarize(t, spec{ID: "big", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 1, Qty: 1, Cents: 100}}}, 1)
	var x value.Indicators
	require.NoError(t, value.Extract(sum, nil, &x))
	before := x
	sum.Gross = sum.Gross.Shift(400)
	err := value.Extract(sum, nil, &x)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.Contains(t, err.Error(), `"big"`)
	assert.Equal(t, before, x, "a rejected extract leaves dst as it was")

	// A trade turnover beyond float64 too.
	d := summarize(t, spec{ID: "d1", Kind: customer.Intermediary, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 100}}}, 1)
	huge, err := customer.MoneyFromDecimal(decimal.New(1, 400), "EUR")
	require.NoError(t, err)
	c := &customer.Customer{ID: "d1", Kind: customer.Intermediary, Trade: &customer.Trade{AnnualTurnover: huge}}
	require.ErrorIs(t, value.Extract(d, c, &x), value.ErrInvalidInput)
	assert.Equal(t, before, x)

	require.ErrorIs(t, value.Extract(nil, nil, &x), value.ErrInvalidInput)
	assert.Equal(t, before, x)
}

// Scoring refuses indicators that are not finite numbers, which
// Indicators.Set lets a caller write, rather than scoring NaN.
func TestScoreRefusesNonFiniteIndicators(t *testing.T) {
	pop := []value.Indicators{
		extract(t, spec{ID: "a", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 1000}}}, 1),
		extract(t, spec{ID: "b", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 40, Qty: 2, Cents: 5000}}}, 1),
	}
	sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
	require.NoError(t, err)
	rs, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	for i := range pop {
		require.NoError(t, rs.Add(&pop[i]))
	}
	rfm := rs.Scorer()
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		for _, ind := range []value.Indicator{value.Revenue, value.Recency, value.PurchaseDays} {
			x := pop[0]
			x.Set(ind, bad)
			dst, err := sc.Score(&pop[1])
			require.NoError(t, err)
			before := dst
			err = sc.ScoreInto(&dst, &x)
			var ie *value.InputError
			require.ErrorAs(t, err, &ie, "%v %v", ind, bad)
			assert.Equal(t, ind, ie.Indicator)
			assert.Equal(t, before, dst, "a rejected score leaves dst as it was")
			_, err = rfm.Score(&x)
			require.ErrorAs(t, err, &ie, "rfm %v %v", ind, bad)
		}
	}
}

func TestExtractTradeFactsAndFallbacks(t *testing.T) {
	sum := summarize(t, spec{ID: "d1", Kind: customer.Intermediary, Buys: []buy{{DaysAgo: 400, Qty: 100, Cents: 2000}, {DaysAgo: 10, Qty: 50, Cents: 2000}}}, 1)
	turnover, _ := customer.NewMoney("2500000", "EUR")
	c := &customer.Customer{ID: "d1", Kind: customer.Intermediary, Trade: &customer.Trade{AnnualTurnover: turnover, Outlets: 4,
		Rating: customer.RatingA, CooperationStart: asOf.AddDate(-3, 0, 0)}}
	var x value.Indicators
	require.NoError(t, value.Extract(sum, c, &x))
	v, ok := x.Get(value.Turnover)
	assert.True(t, ok)
	assert.Equal(t, 2.5e6, v)
	v, _ = x.Get(value.Credit)
	assert.Equal(t, customer.RatingA.Score(), v)
	v, _ = x.Get(value.Cooperation)
	assert.Equal(t, 1096.0, v)
	_, ok = x.Get(value.MarketSize)
	assert.False(t, ok, "a zero market size is unknown")
	v, _ = x.Get(value.Growth)
	assert.Equal(t, -1.0/3, v, "(1000 this year − 2000 the year before) ÷ 3000")
	usd, _ := customer.NewMoney("1", "USD")
	c.Trade.MarketSize = usd
	var ce *customer.CurrencyMismatchError
	require.True(t, errors.As(value.Extract(sum, c, &x), &ce))
	require.ErrorIs(t, value.Extract(sum, c, &x), value.ErrInvalidInput, "an input that does not fit, as documented on InputError")
	c.ID = "other"
	require.ErrorIs(t, value.Extract(sum, c, &x), customer.ErrWrongCustomer)

	// Without records, operating strength falls back to revenue and
	// credit is neutral.
	var a, b value.Indicators
	require.NoError(t, value.Extract(sum, nil, &a))
	require.NoError(t, value.Extract(summarize(t, spec{ID: "d2", Kind: customer.Intermediary, Buys: []buy{{DaysAgo: 5, Qty: 1, Cents: 100}}}, 1), nil, &b))
	sc, err := value.Fit(value.DefaultModel(customer.Intermediary), []value.Indicators{a, b})
	require.NoError(t, err)
	s, _ := sc.Score(&a)
	parts := sc.Explain(&a, &s)
	total := 0.0
	for _, p := range parts {
		total += p.Contribution
		switch p.Path {
		case "potential/operating-strength/turnover":
			assert.Equal(t, value.FromFallback, p.Source)
			assert.Equal(t, value.Revenue, p.Indicator)
			assert.Equal(t, 1.0, p.Normalized)
		case "potential/creditworthiness/credit":
			assert.Equal(t, value.FromMissing, p.Source)
			assert.Equal(t, 0.5, p.Normalized)
		case "potential/cooperation/cooperation":
			assert.Equal(t, value.FromFallback, p.Source)
			assert.Equal(t, value.Tenure, p.Indicator)
		}
	}
	assert.Equal(t, s.Total, total, "the breakdown sums to the total")
}

func TestOutlierDoesNotFlattenTheRest(t *testing.T) {
	var pop []value.Indicators
	for i := 0; i < 300; i++ {
		cents := int64(1000 + (i*7919)%500000) // 10 € … 5 000 €
		pop = append(pop, extract(t, spec{ID: fmt.Sprint("c", i), Kind: customer.Consumer,
			Buys: []buy{{DaysAgo: 1 + i%700, Qty: 1 + i%3, Cents: cents}}}, 1))
	}
	pop = append(pop, extract(t, spec{ID: "whale", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 1, Qty: 1, Cents: 1e11}}}, 1))
	sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
	require.NoError(t, err)
	lo, hi := 1.0, 0.0
	for i := range pop[:300] {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		requireFinite01(t, s)
		lo, hi = min(lo, s.Current), max(hi, s.Current)
	}
	assert.Greater(t, hi-lo, 0.3, "current values of ordinary customers still spread out")
	w, _ := sc.Score(&pop[300])
	assert.Equal(t, 1.0, w.Normalized[0], "the whale tops profit")
}

// scores fits the default model of k on the population and returns the
// scores by customer ID.
func scores(t tb, k customer.Kind, pop []value.Indicators) map[customer.ID]value.Score {
	sc, err := value.Fit(value.DefaultModel(k), pop)
	require.NoError(t, err)
	out := map[customer.ID]value.Score{}
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		requireFinite01(t, s)
		out[pop[i].ID] = s
	}
	return out
}

func kindOf(t *rapid.T) customer.Kind {
	return rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(t, "kind")
}

func TestPermutationChangesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := kindOf(t)
		specs := genPopulation(t, k, 1)
		pop := extractAll(t, specs)
		perm := rapid.Permutation(pop).Draw(t, "perm")
		require.Equal(t, scores(t, k, pop), scores(t, k, perm))
	})
}

func TestMergedShardsEqualWhole(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := kindOf(t)
		specs := genPopulation(t, k, 1)
		pop := extractAll(t, specs)
		m := value.DefaultModel(k)
		shards := rapid.IntRange(1, 4).Draw(t, "shards")
		var all *value.Stats
		for sh := 0; sh < shards; sh++ {
			st, err := value.NewStats(m)
			require.NoError(t, err)
			for i := range pop {
				if i%shards == sh {
					require.NoError(t, st.Add(&pop[i]))
				}
			}
			if rapid.Bool().Draw(t, "compact") {
				st.Compact()
			}
			if all == nil {
				all = st
			} else {
				require.NoError(t, all.Merge(st))
			}
		}
		sc, err := all.Scorer()
		require.NoError(t, err)
		whole := scores(t, k, pop)
		for i := range pop {
			s, err := sc.Score(&pop[i])
			require.NoError(t, err)
			require.Equal(t, whole[pop[i].ID], s)
		}
	})
}

func TestMergeRejectsOtherModel(t *testing.T) {
	a, _ := value.NewStats(value.DefaultModel(customer.Consumer))
	b, _ := value.NewStats(value.DefaultModel(customer.Intermediary))
	require.ErrorIs(t, a.Merge(b), value.ErrInvalidModel)
	require.ErrorIs(t, a.CheckMerge(b), value.ErrInvalidModel)
}

// Shards in two currencies do not merge; the error is about the
// statistics, not about a customer, and names none.
func TestMergeRejectsAnotherCurrency(t *testing.T) {
	shard := func(cur customer.Currency) *value.Stats {
		s, err := value.NewStats(value.DefaultModel(customer.Consumer))
		require.NoError(t, err)
		x := revenues(10)[0]
		x.Currency = cur
		require.NoError(t, s.Add(&x))
		return s
	}
	a, b := shard("EUR"), shard("USD")
	require.NoError(t, a.CheckMerge(shard("EUR")))
	err := a.CheckMerge(b)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	require.EqualError(t, a.Merge(b), err.Error())
	require.EqualError(t, err, "value: merge the statistics of consumer customers: customer: currency mismatch: EUR and USD")
	require.Equal(t, int64(1), a.N())
}

func TestScalingAmountsChangesNoScore(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := kindOf(t)
		specs := genPopulation(t, k, 1)
		c := rapid.SampledFrom([]int64{2, 3, 7, 100, 12345}).Draw(t, "scale")
		pop, scaled := make([]value.Indicators, len(specs)), make([]value.Indicators, len(specs))
		for i, s := range specs {
			pop[i], scaled[i] = extract(t, s, 1), extract(t, s, c)
		}
		a, b := scores(t, k, pop), scores(t, k, scaled)
		for id, s := range a {
			require.InDelta(t, s.Current, b[id].Current, 1e-9, id)
			require.InDelta(t, s.Potential, b[id].Potential, 1e-9, id)
		}
	})
}

func TestBuyingMoreNeverLowersCurrentValue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := kindOf(t)
		specs := genPopulation(t, k, 1)
		pop := extractAll(t, specs)
		who := rapid.IntRange(0, len(specs)-1).Draw(t, "who")
		more := specs[who]
		more.Buys = append(append([]buy(nil), more.Buys...), buy{DaysAgo: rapid.IntRange(0, 900).Draw(t, "daysAgo"),
			Qty: rapid.IntRange(1, 5).Draw(t, "qty"), Cents: rapid.Int64Range(1, 1e6).Draw(t, "cents")})
		after := extract(t, more, 1)

		// The same fitted population: the apply step is monotone.
		sc, err := value.Fit(value.DefaultModel(k), pop)
		require.NoError(t, err)
		s0, _ := sc.Score(&pop[who])
		s1, _ := sc.Score(&after)
		require.GreaterOrEqual(t, s1.Current, s0.Current)

		// Refitted with the customer's new history.
		pop2 := append([]value.Indicators(nil), pop...)
		pop2[who] = after
		require.GreaterOrEqual(t, scores(t, k, pop2)[after.ID].Current, scores(t, k, pop)[after.ID].Current)
	})
}

func TestScoreIntoClearsOldBreakdown(t *testing.T) {
	small := oneLeaf(value.Measure{Indicator: value.Revenue, Transform: value.Linear, Method: value.MinMax})
	pop := revenues(1, 2)
	sc1, err := value.Fit(small, pop)
	require.NoError(t, err)
	sc2, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
	require.NoError(t, err)
	var s value.Score
	require.NoError(t, sc2.ScoreInto(&s, &pop[1]))
	require.NoError(t, sc1.ScoreInto(&s, &pop[1]))
	fresh, _ := sc1.Score(&pop[1])
	assert.Equal(t, fresh, s)
	assert.Error(t, sc1.ScoreInto(&s, &value.Indicators{Kind: customer.Intermediary}))
}

func TestFloatConversion(t *testing.T) {
	for _, s := range []string{"0", "0.1", "-12.34", "1e9", "123456789012.34", "0.000000001", "1234567890123456789.5", "1e30"} {
		d := mustDecimal(t, s)
		want, _ := d.Float64()
		assert.Equal(t, want, value.Float(d), s)
	}
}

func TestExtractMatchesSummary(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sp := genSpec(t, "c", kindOf(t))
		sum := summarize(t, sp, rapid.SampledFrom([]int64{1, 1000000007}).Draw(t, "scale"))
		if rapid.Bool().Draw(t, "huge") {
			sum.Gross = sum.Gross.Add(mustDecimal(t, "123456789012345678901234.5"))
		}
		var x value.Indicators
		require.NoError(t, value.Extract(sum, nil, &x))
		v, _ := x.Get(value.Revenue)
		require.Equal(t, value.Float(sum.Net()), v)
		v, _ = x.Get(value.Profit)
		require.Equal(t, value.Float(sum.GrossProfit()), v)
		v, _ = x.Get(value.RecentSpend)
		require.Equal(t, value.Float(sum.SpendLast12Months()), v)
		v, _ = x.Get(value.PurchaseDays)
		require.Equal(t, float64(sum.PurchaseDays()), v)
		if r, ok := sum.DaysSinceLastPurchase(); ok {
			v, _ = x.Get(value.Recency)
			require.Equal(t, float64(r), v)
		} else {
			require.False(t, x.Known(value.Recency))
		}
		if sum.Orders > 0 {
			// The nearest float64 of the exact quotient Net ÷ Orders.
			want, _ := new(big.Rat).Quo(sum.Net().Rat(), big.NewRat(int64(sum.Orders), 1)).Float64()
			v, _ = x.Get(value.AverageOrderValue)
			require.Equal(t, want, v)
		}
	})
}

// TestLargePopulationCompaction crosses the incremental compaction of the
// statistics (65,536 values) and checks it changes nothing: shards (below it) and
// reversed order give the same scores.
func TestLargePopulationCompaction(t *testing.T) {
	if testing.Short() {
		t.Skip("80,000 customers")
	}
	pop := synthetic(80_000)
	m := value.DefaultModel(customer.Consumer)
	whole, err := value.Fit(m, pop)
	require.NoError(t, err)
	rev := make([]value.Indicators, len(pop))
	for i := range pop {
		rev[len(pop)-1-i] = pop[i]
	}
	a, err := value.NewStats(m)
	require.NoError(t, err)
	b, err := value.NewStats(m)
	require.NoError(t, err)
	for i := range rev {
		if i < 30_000 {
			require.NoError(t, a.Add(&rev[i]))
		} else {
			require.NoError(t, b.Add(&rev[i]))
		}
	}
	require.NoError(t, b.Merge(a))
	merged, err := b.Scorer()
	require.NoError(t, err)
	for i := 0; i < len(pop); i += 997 {
		s1, _ := whole.Score(&pop[i])
		s2, _ := merged.Score(&pop[i])
		require.Equal(t, s1, s2)
	}
}

// TestExtractRefundsBeyondTheWindowsSales: a refund of more than the
// window sold (the sale came before the data window) gives a return rate
// of 1, not 500.5, negative revenue, profit and units kept, and finite
// scores in [0, 1].
func TestExtractRefundsBeyondTheWindowsSales(t *testing.T) {
	sum := summarize(t, spec{ID: "r", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 10000}}}, 1)
	refund, err := customer.NewMoney("5000", "EUR")
	require.NoError(t, err)
	require.NoError(t, sum.AddRefund(asOf.AddDate(0, 0, -5), refund, 1000))
	var x value.Indicators
	require.NoError(t, value.Extract(sum, nil, &x))
	v, _ := x.Get(value.ReturnRate)
	assert.Equal(t, 1.0, v)
	v, _ = x.Get(value.Revenue)
	assert.Equal(t, -4900.0, v)
	v, _ = x.Get(value.Units)
	assert.Equal(t, -999.0, v)
	v, _ = x.Get(value.RecentSpend)
	assert.Equal(t, -4900.0, v)
	_, ok := x.Get(value.Growth)
	assert.False(t, ok, "ten days of history: no prior year to grow from")

	other := extract(t, spec{ID: "o", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 30, Qty: 2, Cents: 5000, Refund: 1}}}, 1)
	sc, err := value.Fit(value.DefaultModel(customer.Consumer), []value.Indicators{x, other})
	require.NoError(t, err)
	for _, in := range []value.Indicators{x, other} {
		s, err := sc.Score(&in)
		require.NoError(t, err)
		requireFinite01(t, s)
	}
}

// TestExtractRejectsAKindMismatch: a customer record of another kind than
// its summary is not scored as the summary's kind; the error names both.
func TestExtractRejectsAKindMismatch(t *testing.T) {
	sum := summarize(t, spec{ID: "d1", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 10000}}}, 1)
	turnover, _ := customer.NewMoney("2500000", "EUR")
	c := &customer.Customer{ID: "d1", Kind: customer.Intermediary, Trade: &customer.Trade{AnnualTurnover: turnover, Outlets: 4}}
	var x value.Indicators
	err := value.Extract(sum, c, &x)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.ErrorContains(t, err, `"d1"`)
	assert.ErrorContains(t, err, "intermediary")
	assert.ErrorContains(t, err, "consumer")

	c.Kind = customer.Consumer
	require.NoError(t, value.Extract(sum, c, &x))
}

// The units indicator counts the units the customer keeps: an exchange
// swaps units and keeps their number, a refund takes them back.
func TestUnitsKeptAfterExchanges(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	o := customer.Order{ID: "o1", CustomerID: "c", Time: at, Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "l1", Category: "knitwear", Quantity: 3, UnitPrice: decimal.NewFromInt(30)}}}
	s := customer.NewSummary("c", customer.Consumer, at.AddDate(0, 1, 0), nil)
	require.NoError(t, s.AddOrder(o))
	for _, r := range []customer.Return{
		{ID: "r1", OrderID: "o1", CustomerID: "c", Time: at.AddDate(0, 0, 3), Kind: customer.Exchange, Reason: customer.SizeFit,
			Lines: []customer.ReturnLine{{LineID: "l1", Quantity: -1}}},
		{ID: "r2", OrderID: "o1", CustomerID: "c", Time: at.AddDate(0, 0, 5), Kind: customer.Refund, Reason: customer.SizeFit,
			Lines: []customer.ReturnLine{{LineID: "l1", Quantity: -1}}},
	} {
		require.NoError(t, s.AddReturn(r, o))
	}
	require.Equal(t, 2, s.ReturnedUnits)
	var x value.Indicators
	require.NoError(t, value.Extract(s, nil, &x))
	v, ok := x.Get(value.Units)
	require.True(t, ok)
	assert.Equal(t, 2.0, v, "three bought, one exchanged, one refunded")
	assert.Equal(t, float64(s.KeptUnits()), v)
}

// A dealer signed before its first order has no currency from the
// summary: its trade amounts give it one, so that statistics in another
// currency refuse it, and two trade amounts in two currencies are an
// error. A cooperation that starts after the as-of day is not known then.
func TestExtractTradeOfADealerWithoutOrders(t *testing.T) {
	empty := customer.NewSummary("new", customer.Intermediary, asOf, nil)
	jpy, _ := customer.NewMoney("15000000", "JPY")
	c := &customer.Customer{ID: "new", Kind: customer.Intermediary, Trade: &customer.Trade{AnnualTurnover: jpy, Outlets: 1,
		CooperationStart: asOf.AddDate(1, 0, 0)}}
	var x value.Indicators
	require.NoError(t, value.Extract(empty, c, &x))
	assert.Equal(t, customer.Currency("JPY"), x.Currency)
	_, ok := x.Get(value.Cooperation)
	assert.False(t, ok, "a cooperation that starts after the as-of day")

	st, err := value.NewStats(value.DefaultModel(customer.Intermediary))
	require.NoError(t, err)
	var eur value.Indicators
	require.NoError(t, value.Extract(summarize(t, spec{ID: "d1", Kind: customer.Intermediary, Buys: []buy{{DaysAgo: 10, Qty: 5, Cents: 2000}}}, 1), nil, &eur))
	require.NoError(t, st.Add(&eur))
	err = st.Add(&x)
	var ce *customer.CurrencyMismatchError
	require.ErrorAs(t, err, &ce, "statistics in EUR refuse a dealer whose turnover is in JPY")

	usd, _ := customer.NewMoney("1", "USD")
	c.Trade.MarketSize = usd
	before := x
	err = value.Extract(empty, c, &x)
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	assert.Equal(t, before, x, "a refused extraction leaves dst as it was")
}
