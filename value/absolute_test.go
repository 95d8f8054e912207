package value_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// ratedDealer returns the indicators of a dealer that buys like every
// other one and has credit rating r (0: unknown).
func ratedDealer(t tb, id string, r customer.CreditRating) value.Indicators {
	t.Helper()
	sum := summarize(t, spec{ID: id, Kind: customer.Intermediary, Buys: []buy{{DaysAgo: 400, Qty: 100, Cents: 2000}, {DaysAgo: 10, Qty: 50, Cents: 2000}}}, 1)
	turnover, err := customer.NewMoney("2500000", "EUR")
	require.NoError(t, err)
	c := &customer.Customer{ID: customer.ID(id), Kind: customer.Intermediary, Trade: &customer.Trade{
		AnnualTurnover: turnover, Outlets: 3, Rating: r, CooperationStart: asOf.AddDate(-3, 0, 0)}}
	var x value.Indicators
	require.NoError(t, value.Extract(sum, c, &x))
	return x
}

const creditPath = "potential/creditworthiness/credit"

// TestUnratedDealerScoresBelowAA is the integrator's case: of dealers
// rated AA, AA, AAA, AAA and one unrated, the unrated one scores the
// middle of the rating scale (BB), below both AA dealers on credit and on
// potential value, however the rated ones are spread.
func TestUnratedDealerScoresBelowAA(t *testing.T) {
	pop := []value.Indicators{
		ratedDealer(t, "aa1", customer.RatingAA), ratedDealer(t, "aa2", customer.RatingAA),
		ratedDealer(t, "aaa1", customer.RatingAAA), ratedDealer(t, "aaa2", customer.RatingAAA),
		ratedDealer(t, "unrated", 0),
	}
	sc, err := value.Fit(value.DefaultModel(customer.Intermediary), pop)
	require.NoError(t, err)
	aa, aaa, unrated := partOf(t, sc, &pop[0], creditPath), partOf(t, sc, &pop[2], creditPath), partOf(t, sc, &pop[4], creditPath)
	assert.Equal(t, customer.RatingAA.Score(), aa.Normalized, "AA is 7/8 of the scale whoever else is rated")
	assert.Equal(t, 1.0, aaa.Normalized)
	assert.Equal(t, value.FromMissing, unrated.Source)
	assert.Equal(t, customer.RatingBB.Score(), unrated.Normalized, "an unknown rating is the middle of the scale, BB")
	assert.Less(t, unrated.Normalized, aa.Normalized)
	sAA, err := sc.Score(&pop[0])
	require.NoError(t, err)
	sUn, err := sc.Score(&pop[4])
	require.NoError(t, err)
	assert.Less(t, sUn.Potential, sAA.Potential, "unrated below AA on potential")
	assert.Less(t, sUn.Total, sAA.Total)
}

// TestUnratedNeverAboveInvestmentGrade: an unrated dealer's credit score
// is below that of every dealer rated BBB or better, in any population.
func TestUnratedNeverAboveInvestmentGrade(t *testing.T) {
	for r := customer.RatingBBB; r <= customer.RatingAAA; r++ {
		pop := []value.Indicators{ratedDealer(t, "rated", r), ratedDealer(t, "unrated", 0)}
		sc, err := value.Fit(value.DefaultModel(customer.Intermediary), pop)
		require.NoError(t, err)
		assert.Less(t, partOf(t, sc, &pop[1], creditPath).Normalized, partOf(t, sc, &pop[0], creditPath).Normalized, r)
	}
}

// TestDefaultCreditIsAbsolute: the default intermediary model scores the
// credit rating on its own scale, unclipped; the shares keep min-max.
func TestDefaultCreditIsAbsolute(t *testing.T) {
	m := value.DefaultModel(customer.Intermediary)
	s, err := value.NewStats(m)
	require.NoError(t, err)
	x := ratedDealer(t, "d", customer.RatingA)
	require.NoError(t, s.Add(&x))
	sc, err := s.Scorer()
	require.NoError(t, err)
	for _, l := range sc.Leaves() {
		if l.Measure.Indicator == value.Credit {
			assert.Equal(t, value.Absolute, l.Measure.Method)
			assert.Equal(t, value.Linear, l.Measure.Transform)
			assert.Zero(t, l.Measure.Winsor)
			assert.Equal(t, 0.5, l.Measure.Missing)
		}
	}
	for _, l := range mustLeaves(t, value.DefaultModel(customer.Consumer)) {
		if l.Measure.Indicator == value.FullPriceShare || l.Measure.Indicator == value.ReturnRate {
			assert.Equal(t, value.MinMax, l.Measure.Method, l.Path)
		}
	}
}

func mustLeaves(t *testing.T, m value.Model) []value.Leaf {
	t.Helper()
	s, err := value.NewStats(m)
	require.NoError(t, err)
	x := value.Indicators{Kind: m.Kind}
	require.NoError(t, s.Add(&x))
	sc, err := s.Scorer()
	require.NoError(t, err)
	return sc.Leaves()
}

// absModel is a consumer model of three absolute leaves: the full-price
// share, the return rate (lower is better, unknown 0.5) and, to show
// that an absolute leaf sits beside population-fitted ones, revenue.
func absModel() value.Model {
	return value.Model{Kind: customer.Consumer,
		Current: value.Node{Name: "current", Weight: 0.5, Children: []value.Node{
			{Name: "revenue", Weight: 1, Measure: &value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax, Winsor: value.DefaultWinsor}},
		}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{
			{Name: "shares", Weight: 1, Children: []value.Node{
				{Name: "full-price", Weight: 0.5, Measure: &value.Measure{Indicator: value.FullPriceShare, Transform: value.Linear, Method: value.Absolute}},
				{Name: "returns", Weight: 0.5, Measure: &value.Measure{Indicator: value.ReturnRate, Transform: value.Linear, Method: value.Absolute, LowerIsBetter: true, Missing: 0.5}},
			}},
		}}}
}

// genShares draws a consumer whose shares are set by hand (unknown at
// times, and at times outside [0, 1], which an absolute leaf clamps).
func genShares(t *rapid.T, id string) value.Indicators {
	x := value.Indicators{ID: customer.ID(id), Kind: customer.Consumer}
	x.Set(value.Revenue, rapid.Float64Range(-100, 1e6).Draw(t, "revenue"))
	share := rapid.OneOf(rapid.Float64Range(0, 1), rapid.SampledFrom([]float64{0, 0.25, 0.5, 1, -0.5, 1.5}))
	if rapid.Bool().Draw(t, "fp known") {
		x.Set(value.FullPriceShare, share.Draw(t, "fp"))
	}
	if rapid.Bool().Draw(t, "rr known") {
		x.Set(value.ReturnRate, share.Draw(t, "rr"))
	}
	return x
}

// TestPropertyAbsoluteIgnoresThePopulation: the score of an absolute leaf
// is the customer's own value, clamped to [0, 1] (1 − it when lower is
// better), or Missing when unknown: the same in any population the
// customer is fitted with, alone, or in a population without the
// indicator at all; a population where everybody is equal does not
// force 0.5.
func TestPropertyAbsoluteIgnoresThePopulation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		me := genShares(t, "me")
		n := rapid.IntRange(0, 10).Draw(t, "others")
		pop := []value.Indicators{me}
		for i := range n {
			pop = append(pop, genShares(t, fmt.Sprint("o", i)))
		}
		want := func(i value.Indicator, lowerIsBetter bool, missing float64) float64 {
			v, ok := me.Get(i)
			if !ok {
				return missing
			}
			v = min(max(v, 0), 1)
			if lowerIsBetter {
				v = 1 - v
			}
			return v
		}
		var blank value.Indicators
		blank.ID, blank.Kind = "blank", customer.Consumer
		blank.Set(value.Revenue, 1)
		for _, p := range [][]value.Indicators{pop, pop[:1], {blank}} {
			sc, err := value.Fit(absModel(), p)
			require.NoError(t, err)
			s, err := sc.Score(&me)
			require.NoError(t, err)
			assert.Equal(t, want(value.FullPriceShare, false, 0), s.Normalized[1], "full-price share")
			assert.Equal(t, want(value.ReturnRate, true, 0.5), s.Normalized[2], "return rate")
		}
	})
}

// TestAbsoluteConstantPopulation: dealers all rated AA score AA's 0.875,
// not the 0.5 of a constant min-max indicator.
func TestAbsoluteConstantPopulation(t *testing.T) {
	pop := []value.Indicators{ratedDealer(t, "a", customer.RatingAA), ratedDealer(t, "b", customer.RatingAA)}
	sc, err := value.Fit(value.DefaultModel(customer.Intermediary), pop)
	require.NoError(t, err)
	assert.Equal(t, 0.875, partOf(t, sc, &pop[0], creditPath).Normalized)
	for k, l := range sc.Leaves() {
		if l.Path == creditPath {
			f, _ := sc.Fitted(k)
			assert.False(t, f.Constant, "an absolute leaf is never constant")
			assert.Equal(t, int64(2), f.N)
			assert.Equal(t, 0.875, f.Min)
			assert.Equal(t, 0.875, f.Max)
			assert.Equal(t, 0.0, f.Lo)
			assert.Equal(t, 1.0, f.Hi)
		}
	}
}

// genRatedDealer draws a dealer with a random rating (unknown at times)
// and random purchases.
func genRatedDealer(t *rapid.T, id string) value.Indicators {
	s := genSpec(t, id, customer.Intermediary)
	r := customer.CreditRating(rapid.IntRange(0, int(customer.RatingAAA)).Draw(t, "rating"))
	c := &customer.Customer{ID: customer.ID(id), Kind: customer.Intermediary, Trade: &customer.Trade{Rating: r}}
	var x value.Indicators
	require.NoError(t, value.Extract(summarize(t, s, 1), c, &x))
	return x
}

// TestPropertyAbsoluteShardsMergeIntoOnePass: statistics of a model with
// absolute leaves gathered in shards, some shipped encoded, merged in any
// order, equal those of one pass, and score alike.
func TestPropertyAbsoluteShardsMergeIntoOnePass(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 10).Draw(t, "n")
		xs := make([]value.Indicators, n)
		for i := range xs {
			xs[i] = genRatedDealer(t, fmt.Sprint("d", i))
		}
		m := value.DefaultModel(customer.Intermediary)
		whole, err := value.NewStats(m)
		require.NoError(t, err)
		for i := range xs {
			require.NoError(t, whole.Add(&xs[i]))
		}
		shards := rapid.IntRange(1, 4).Draw(t, "shards")
		parts := make([]*value.Stats, shards)
		for i := range parts {
			parts[i], err = value.NewStats(m)
			require.NoError(t, err)
		}
		for i := range xs {
			require.NoError(t, parts[rapid.IntRange(0, shards-1).Draw(t, "shard")].Add(&xs[i]))
		}
		merged, err := value.NewStats(m)
		require.NoError(t, err)
		for _, i := range rapid.Permutation(indexes(shards)).Draw(t, "order") {
			p := parts[i]
			if rapid.Bool().Draw(t, "ship") {
				d, err := value.NewStats(m)
				require.NoError(t, err)
				require.NoError(t, d.UnmarshalBinary(encode(t, p)))
				p = d
			}
			require.NoError(t, merged.Merge(p))
		}
		require.Equal(t, encode(t, whole), encode(t, merged))
		want, err := whole.Scorer()
		require.NoError(t, err)
		got, err := merged.Scorer()
		require.NoError(t, err)
		for k := range want.Leaves() {
			wf, wb := want.Fitted(k)
			gf, gb := got.Fitted(k)
			require.Equal(t, wf, gf)
			require.Equal(t, wb, gb)
		}
		for i := range xs {
			a, err := want.Score(&xs[i])
			require.NoError(t, err)
			b, err := got.Score(&xs[i])
			require.NoError(t, err)
			require.Equal(t, a, b)
		}
	})
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestAbsoluteEncodes: the method's name round-trips as text and in a
// model's JSON, and statistics of a model with absolute leaves round-trip
// through their binary encoding.
func TestAbsoluteEncodes(t *testing.T) {
	assert.Equal(t, "absolute", value.Absolute.String())
	p, err := value.ParseMethod("absolute")
	require.NoError(t, err)
	assert.Equal(t, value.Absolute, p)
	b, err := value.Absolute.MarshalText()
	require.NoError(t, err)
	var m value.Method
	require.NoError(t, m.UnmarshalText(b))
	assert.Equal(t, value.Absolute, m)
	_, err = value.Method(value.Absolute + 1).MarshalText()
	assert.Error(t, err, "no method after absolute")

	ms := value.Measure{Indicator: value.FullPriceShare, Transform: value.Linear, Method: value.Absolute, Fallback: value.ReturnRate, Missing: 0.5}
	js, err := json.Marshal(ms)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"method":"absolute"`)
	var back value.Measure
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, ms, back)

	model := absModel()

	s, err := value.NewStats(model)
	require.NoError(t, err)
	pop := []value.Indicators{{ID: "a", Kind: customer.Consumer}, {ID: "b", Kind: customer.Consumer}}
	pop[0].Set(value.FullPriceShare, 0.3)
	pop[1].Set(value.ReturnRate, 0.1)
	for i := range pop {
		require.NoError(t, s.Add(&pop[i]))
	}
	d, err := value.NewStats(model)
	require.NoError(t, err)
	require.NoError(t, d.UnmarshalBinary(encode(t, s)))
	assert.Equal(t, encode(t, s), encode(t, d))
	// Statistics of the same model with min-max in place of absolute are
	// another model's.
	other := absModel()
	other.Potential.Children[0].Children[0].Measure.Method = value.MinMax
	o, err := value.NewStats(other)
	require.NoError(t, err)
	require.ErrorIs(t, o.UnmarshalBinary(encode(t, s)), value.ErrInvalidInput)
}

// TestAbsoluteRefusals: an absolute leaf measures an indicator already on
// [0, 1] as it is; a log transform, clipping, or an indicator or fallback
// on another scale make no sense with it and are refused, naming the leaf.
func TestAbsoluteRefusals(t *testing.T) {
	const path = "potential/shares/full-price"
	for _, tc := range []struct {
		name   string
		change func(m *value.Measure)
		msg    string
	}{
		{"log", func(m *value.Measure) { m.Transform = value.Log }, "log transform"},
		{"winsor", func(m *value.Measure) { m.Winsor = 0.01 }, "winsor"},
		{"money", func(m *value.Measure) { m.Indicator = value.Profit }, "profit"},
		{"growth in [-1, 1]", func(m *value.Measure) { m.Indicator = value.Growth }, "growth"},
		{"days", func(m *value.Measure) { m.Indicator = value.Tenure }, "tenure"},
		{"fallback of another scale", func(m *value.Measure) { m.Fallback = value.Recency }, "fallback indicator recency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := absModel()
			tc.change(m.Potential.Children[0].Children[0].Measure)
			_, err := value.NewStats(m)
			require.ErrorIs(t, err, value.ErrInvalidModel)
			var me *value.ModelError
			require.ErrorAs(t, err, &me)
			assert.Equal(t, path, me.Path)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Contains(t, err.Error(), "absolute")
		})
	}
	// A fallback on [0, 1] is taken.
	m := absModel()
	m.Potential.Children[0].Children[0].Measure.Fallback = value.ReturnRate
	_, err := value.NewStats(m)
	require.NoError(t, err)
	m = value.DefaultModel(customer.Intermediary)
	m.Potential.Children[1].Children[0].Measure.Method = value.Method(9)
	_, err = value.NewStats(m)
	require.ErrorIs(t, err, value.ErrInvalidModel)
}
