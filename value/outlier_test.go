package value_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// currentRange fits the default consumer model on pop and returns the
// smallest and largest current value of pop[:n].
func currentRange(t *testing.T, pop []value.Indicators, n int) (lo, hi float64) {
	t.Helper()
	sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
	require.NoError(t, err)
	lo, hi = 1, 0
	for i := range pop[:n] {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		requireFinite01(t, s)
		lo, hi = min(lo, s.Current), max(hi, s.Current)
	}
	return lo, hi
}

// TestLoneOutlierInASmallPopulation: 60 customers spending 20 … 2,380 €
// and one spending 1e9 €. The quantiles alone clip nothing below 101
// customers, so the outlier used to squeeze the current values of the 60
// from 0.040 … 0.460 into 0.040 … 0.073; the gap cap clips it to twice
// the reach of the runner-up, which leaves the 60 half their range.
func TestLoneOutlierInASmallPopulation(t *testing.T) {
	var pop []value.Indicators
	for i := 0; i < 60; i++ {
		pop = append(pop, extract(t, spec{ID: fmt.Sprint("c", i), Kind: customer.Consumer,
			Buys: []buy{{DaysAgo: 1 + i, Qty: 1, Cents: int64(2000 + 4000*i)}}}, 1))
	}
	lo0, hi0 := currentRange(t, pop, 60)
	pop = append(pop, extract(t, spec{ID: "whale", Kind: customer.Consumer,
		Buys: []buy{{DaysAgo: 1, Qty: 1, Cents: 1e11}}}, 1))
	lo1, hi1 := currentRange(t, pop, 60)
	t.Logf("current values of the 60: without the outlier %.3f … %.3f, with it %.3f … %.3f", lo0, hi0, lo1, hi1)
	assert.InDelta(t, 0.040, lo1, 5e-4)
	assert.InDelta(t, 0.250, hi1, 5e-4)
	assert.Greater(t, (hi1-lo1)/(hi0-lo0), 0.49, "the outlier leaves the others at least half their range")

	sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
	require.NoError(t, err)
	w, err := sc.Score(&pop[60])
	require.NoError(t, err)
	top, _ := sc.Score(&pop[59])
	assert.Equal(t, 1.0, w.Normalized[0], "the outlier still tops profit")
	assert.InDelta(t, 0.5, top.Normalized[0], 1e-9, "the runner-up reaches half as far")
	assert.GreaterOrEqual(t, w.Current, top.Current)
	f, _ := sc.Fitted(0)
	wProfit, _ := pop[60].Get(value.Profit)
	assert.Equal(t, wProfit, f.Max)
	assert.Less(t, f.Hi, 1e5, "clipped")
}

// TestRareSignalIsNotClippedAway: in 102 customers, the only one with
// interactions used to score like everybody else (the 99 % quantile is
// 0, so the indicator collapsed to a constant 0.5).
func TestRareSignalIsNotClippedAway(t *testing.T) {
	for _, n := range []int{60, 101, 102, 150, 1000} {
		var pop []value.Indicators
		for i := 0; i < n; i++ {
			sp := spec{ID: fmt.Sprint("c", i), Kind: customer.Consumer,
				Buys: []buy{{DaysAgo: 1 + i%300, Qty: 1, Cents: int64(2000 + 4000*(i%60))}}}
			if i == 7 {
				sp.Interactions = 3
			}
			pop = append(pop, extract(t, sp, 1))
		}
		sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
		require.NoError(t, err)
		k := leafIndex(t, sc, "potential/consumption/interactions")
		one, err := sc.Score(&pop[7])
		require.NoError(t, err)
		other, err := sc.Score(&pop[8])
		require.NoError(t, err)
		assert.Equal(t, 1.0, one.Normalized[k], "n=%d: the one with interactions", n)
		assert.Equal(t, 0.0, other.Normalized[k], "n=%d: the others", n)
		f, _ := sc.Fitted(k)
		assert.False(t, f.Constant, "n=%d", n)
	}
}

func leafIndex(t *testing.T, sc *value.Scorer, path string) int {
	t.Helper()
	for k, l := range sc.Leaves() {
		if l.Path == path {
			return k
		}
	}
	t.Fatalf("no leaf %s", path)
	return -1
}

// TestOuterFences checks the clipping bounds on linear and log measures
// against values worked out by hand.
func TestOuterFences(t *testing.T) {
	lin := value.Measure{Indicator: value.Revenue, Transform: value.Linear, Method: value.MinMax, Winsor: 0.01}
	// n = 9, k = 0: a = 1 (or −40), hinge depth 3: H₁ = 3, H₃ = 7.
	for _, tc := range []struct {
		vs     []float64
		lo, hi float64
	}{
		// Gap cap 1 + 2·(8 − 1) = 15, fence 7 + 3·(7 − 1) = 25.
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 15}, 1, 15},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 20}, 1, 15},
		// Two far-out values: the gap cap 1 + 2·(50 − 1) does not bite,
		// the fence 25 does.
		{[]float64{1, 2, 3, 4, 5, 6, 7, 50, 50}, 1, 25},
		// A low outlier: gap cap 9 − 2·(9 − 2) = −5, fence
		// 3 − 3·(9 − 3) = −15; above, the fence −40 + 4·47 and the gap
		// cap −40 + 2·48 exceed 9.
		{[]float64{-40, 2, 3, 4, 5, 6, 7, 8, 9}, -5, 9},
		// n = 4: the hinges include the extremes, so no fence; gap cap
		// 1 + 2·(3 − 1) = 5.
		{[]float64{1, 2, 3, 100}, 1, 5},
		// n = 3: one runner-up for both ends: nothing is clipped.
		{[]float64{1, 2, 100}, 1, 100},
		// H₃ = a: no fence; the gap cap meets the lower bound at 0, so
		// the bounds widen to the values next to the median.
		{[]float64{0, 0, 0, 0, 0, 0, 0, 1e9}, 0, 1e9},
	} {
		sc, err := value.Fit(oneLeaf(lin), revenues(tc.vs...))
		require.NoError(t, err)
		f, _ := sc.Fitted(0)
		assert.Equal(t, [2]float64{tc.lo, tc.hi}, [2]float64{f.Lo, f.Hi}, "%v", tc.vs)
	}

	// Log: t(x) = ln(1 + x ÷ s), s the median of the non-zero values.
	// 0, 0, 100, 300, 700, 1500, top: s = 700, a = 0, runner-up
	// t(1500) = ln(22 ÷ 7), gap cap 2·ln(22 ÷ 7), that is
	// x = 700·((22 ÷ 7)² − 1) = 6214.2857…; H₃ = (ln 2 + ln(22 ÷ 7)) ÷ 2,
	// fence 4·H₃ is wider.
	logm := value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax, Winsor: 0.01}
	for _, tc := range []struct{ top, hi float64 }{{6000, 6000}, {6300, 6214.285714285714}, {1e9, 6214.285714285714}} {
		sc, err := value.Fit(oneLeaf(logm), revenues(0, 0, 100, 300, 700, 1500, tc.top))
		require.NoError(t, err)
		f, _ := sc.Fitted(0)
		assert.InDelta(t, tc.hi, f.Hi, 1e-9, "top %v", tc.top)
		assert.Equal(t, 0.0, f.Lo)
	}
	// 0, 100, 100, 100, 300: s = 100; the gap cap 2·ln 2 = ln 4 = t(300):
	// nothing clipped (up to rounding).
	sc, err := value.Fit(oneLeaf(logm), revenues(0, 100, 100, 100, 300))
	require.NoError(t, err)
	f, _ := sc.Fitted(0)
	assert.Equal(t, 0.0, f.Lo)
	assert.InDelta(t, 300, f.Hi, 1e-9)

	// Without Winsor a measure clips nothing.
	sc, err = value.Fit(oneLeaf(value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: value.MinMax}),
		revenues(1, 2, 3, 4, 5, 6, 7, 8, 1e9))
	require.NoError(t, err)
	f, _ = sc.Fitted(0)
	assert.Equal(t, 1e9, f.Hi)
}

// TestCollapsedQuantilesWiden: when the clipping bounds meet while the
// values differ, they move out to the nearest distinct values, on the
// side that has them.
func TestCollapsedQuantilesWiden(t *testing.T) {
	m := value.Measure{Indicator: value.Revenue, Transform: value.Linear, Method: value.MinMax, Winsor: 0.01}
	mk := func(lows, zeros, highs []float64) []float64 {
		return append(append(append([]float64(nil), lows...), zeros...), highs...)
	}
	zeros := make([]float64, 200) // with 202 customers or more, 2 are clipped at each end
	for _, tc := range []struct {
		vs     []float64
		lo, hi float64
	}{
		{mk(nil, zeros, []float64{2, 5}), 0, 2},
		{mk([]float64{-4, -1}, zeros, nil), -1, 0},
		{mk([]float64{-4}, zeros, []float64{5}), -4, 5},
		{mk([]float64{-4, -1}, zeros, []float64{3, 5}), -1, 3},
	} {
		sc, err := value.Fit(oneLeaf(m), revenues(tc.vs...))
		require.NoError(t, err)
		f, _ := sc.Fitted(0)
		assert.Equal(t, [2]float64{tc.lo, tc.hi}, [2]float64{f.Lo, f.Hi}, "%v", tc.vs)
		assert.False(t, f.Constant)
	}
}

// TestWholesaleSpreadScoresFinite: spend log-uniform over five orders of
// magnitude is not an outlier: nothing is clipped by the fences and the
// current values spread over a good part of [0, 1].
func TestWholesaleSpreadScoresFinite(t *testing.T) {
	for _, n := range []int{20, 80, 500} {
		var pop []value.Indicators
		for i := 0; i < n; i++ {
			eur := math.Round(10 * math.Pow(10, 5*float64(i)/float64(n-1))) // 10 … 1,000,000 €
			pop = append(pop, extract(t, spec{ID: fmt.Sprint("w", i), Kind: customer.Intermediary,
				Buys: []buy{{DaysAgo: 1 + i%200, Qty: 1 + i%5, Cents: int64(eur * 100)}}}, 1))
		}
		sc, err := value.Fit(value.DefaultModel(customer.Intermediary), pop)
		require.NoError(t, err)
		lo, hi, tlo, thi := 1.0, 0.0, 1.0, 0.0
		for i := range pop {
			s, err := sc.Score(&pop[i])
			require.NoError(t, err)
			requireFinite01(t, s)
			lo, hi = min(lo, s.Current), max(hi, s.Current)
			tlo, thi = min(tlo, s.Total), max(thi, s.Total)
		}
		t.Logf("n=%d: current %.3f … %.3f, total %.3f … %.3f", n, lo, hi, tlo, thi)
		assert.Greater(t, hi-lo, 0.4, "n=%d: current values span most of [0, 0.5]", n)
		assert.Greater(t, thi-tlo, 0.5, "n=%d", n)
		// The fences clip nothing: the bounds are the 1 % quantiles, the
		// values at sorted positions k and n − 1 − k, k = ⌊0.01·(n − 1)⌋.
		profits := make([]float64, n)
		for i := range pop {
			profits[i], _ = pop[i].Get(value.Profit)
		}
		slices.Sort(profits)
		k := (n - 1) / 100
		f, _ := sc.Fitted(0)
		assert.Equal(t, [2]float64{profits[k], profits[n-1-k]}, [2]float64{f.Lo, f.Hi}, "n=%d", n)
	}
}

// Indicators beyond the int range (a revenue of 1e20) fit and score
// finite, with the lookup table of log-transformed leaves bounded.
func TestHugeIndicatorsFit(t *testing.T) {
	for _, big := range []float64{1e19, 1e20, math.MaxFloat64 / 4} {
		pop := make([]value.Indicators, 2)
		for i, rev := range []float64{10, big} {
			x := &pop[i]
			x.ID, x.Kind, x.Currency = customer.ID(fmt.Sprint("c", i)), customer.Consumer, "EUR"
			for _, ind := range []value.Indicator{value.Revenue, value.Profit, value.AverageOrderValue} {
				x.Set(ind, rev)
			}
			x.Set(value.PurchaseDays, 1)
			x.Set(value.Units, 1)
		}
		sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
		require.NoError(t, err, "%g", big)
		for i := range pop {
			s, err := sc.Score(&pop[i])
			require.NoError(t, err)
			requireFinite01(t, s)
		}
	}
}

// Amounts near the float64 limit, whose range, sum or squares overflow,
// still score finite on every method, seen or not, in their order.
func TestIndicatorsNearTheFloatLimitScoreFinite(t *testing.T) {
	for _, vs := range [][]float64{
		{-1.5e308, -1, 0, 1, 1.5e308},
		{1e308, 1.5e308, 1.7e308},
		{-1.7e308, -1e308},
		{-1e160, 0, 1e160, 3e160},
	} {
		for _, meth := range []value.Method{value.MinMax, value.ZScore, value.PercentileRank} {
			for _, tr := range []value.Transform{value.Linear, value.Log} {
				m := oneLeaf(value.Measure{Indicator: value.Revenue, Transform: tr, Method: meth, Winsor: value.DefaultWinsor})
				pop := revenues(append(vs, -1e308, 1e308, 1.6e308)...)
				sc, err := value.Fit(m, pop[:len(vs)])
				require.NoError(t, err)
				prev := -1.0
				for i := range pop {
					s, err := sc.Score(&pop[i])
					require.NoError(t, err)
					requireFinite01(t, s)
					if i > 0 && i < len(vs) {
						require.GreaterOrEqual(t, s.Normalized[0], prev, "%v %v %v: %v", vs, meth, tr, pop[i].Values[value.Revenue])
					}
					prev = s.Normalized[0]
				}
				if meth == value.MinMax && tr == value.Linear {
					s, _ := sc.Score(&pop[len(vs)-1])
					assert.Equal(t, 1.0, s.Normalized[0], "%v: the largest", vs)
				}
			}
		}
	}
}

// TestFencesKeepTheProperties: permuted and scaled populations with a
// lone outlier give the same scores, and a customer whose own value rises
// never scores lower on a refit.
func TestFencesKeepTheProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		vs := make([]float64, n)
		for i := range vs {
			vs[i] = float64(rapid.IntRange(-50, 5000).Draw(t, "v"))
		}
		for range rapid.IntRange(0, 2).Draw(t, "outliers") {
			vs = append(vs, rapid.SampledFrom([]float64{1e9, -1e9, 7e5, 0}).Draw(t, "big"))
		}
		meth := rapid.SampledFrom([]value.Method{value.MinMax, value.ZScore}).Draw(t, "method")
		tr := rapid.SampledFrom([]value.Transform{value.Linear, value.Log}).Draw(t, "transform")
		m := oneLeaf(value.Measure{Indicator: value.Revenue, Transform: tr, Method: meth, Winsor: value.DefaultWinsor})
		c := rapid.SampledFrom([]float64{3, 7, 100, 0.01}).Draw(t, "scale")
		pop := revenues(vs...)
		scaled := make([]float64, len(vs))
		for i, v := range vs {
			scaled[i] = v * c
		}
		pop2 := revenues(scaled...)
		perm := rapid.Permutation(pop).Draw(t, "perm")
		a, err := value.Fit(m, pop)
		require.NoError(t, err)
		b, err := value.Fit(m, perm)
		require.NoError(t, err)
		d, err := value.Fit(m, pop2)
		require.NoError(t, err)
		fa, _ := a.Fitted(0)
		fd, _ := d.Fitted(0)
		require.Equal(t, fa.Constant, fd.Constant)
		for i := range pop {
			sa, _ := a.Score(&pop[i])
			sb, _ := b.Score(&pop[i])
			sd, _ := d.Score(&pop2[i])
			requireFinite01(t, sa)
			require.Equal(t, sa, sb)
			require.InDelta(t, sa.Normalized[0], sd.Normalized[0], 1e-9, "%v ×%v", vs[i], c)
		}

		// Own monotonicity, for min-max on amounts ≥ 0 as the default
		// current value of TestBuyingMoreNeverLowersCurrentValue is: with
		// negative amounts the log scale alone can break it (a customer
		// at the median |x| raises the scale and so shrinks the negative
		// end), and a z-score falls when a customer below the mean
		// narrows the spread by rising towards it.
		if meth != value.MinMax {
			return
		}
		abs := make([]float64, len(vs))
		for i, v := range vs {
			abs[i] = math.Abs(v)
		}
		who := rapid.IntRange(0, len(vs)-1).Draw(t, "who")
		more := append([]float64(nil), abs...)
		more[who] += float64(rapid.IntRange(1, 100000).Draw(t, "more"))
		pop3, pop4 := revenues(abs...), revenues(more...)
		e, err := value.Fit(m, pop3)
		require.NoError(t, err)
		g, err := value.Fit(m, pop4)
		require.NoError(t, err)
		before, _ := e.Score(&pop3[who])
		after, _ := g.Score(&pop4[who])
		require.GreaterOrEqual(t, after.Normalized[0], before.Normalized[0]-1e-12, "%v → %v", abs[who], more[who])
	})
}

// A log scale (the median |x|) so small that |x| ÷ scale overflows for
// the largest values, or that 1 ÷ scale does, still gives finite scores
// in the customers' order: the transform takes ln|x| − ln(scale) where
// 1 + |x| ÷ scale is beyond float64.
func TestTinyLogScaleWithHugeValuesScoresFinite(t *testing.T) {
	for _, vs := range [][]float64{
		{-math.MaxFloat64, 1e-300, 1e-300, 1e-200},
		{-math.MaxFloat64, 3e-308},
		{0, 5e-324, 5e-324, 1},
		{-1e308, 0, 5e-324, 5e-324, 1e-310, 60, 1e308},
	} {
		for _, meth := range []value.Method{value.MinMax, value.ZScore} {
			for _, w := range []float64{0, value.DefaultWinsor, 0.2} {
				m := oneLeaf(value.Measure{Indicator: value.Revenue, Transform: value.Log, Method: meth, Winsor: w})
				pop := revenues(vs...)
				sc, err := value.Fit(m, pop)
				require.NoError(t, err)
				f, _ := sc.Fitted(0)
				for _, b := range []float64{f.Lo, f.Hi, f.TMin, f.TMax, f.Mean, f.SD} {
					require.False(t, math.IsNaN(b) || math.IsInf(b, 0), "%v %v %v: fitted %+v", vs, meth, w, f)
				}
				prev := -1.0
				for i := range pop {
					s, err := sc.Score(&pop[i])
					require.NoError(t, err)
					requireFinite01(t, s)
					require.GreaterOrEqual(t, s.Normalized[0], prev, "%v %v %v: %v", vs, meth, w, vs[i])
					prev = s.Normalized[0]
				}
			}
		}
	}
}
