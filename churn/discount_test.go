package churn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// termByTerm is the definition of DiscountedExpectedPurchases, one
// conditional expectation per period.
func termByTerm(m TransactionModel, o Observation, n int, d float64) (float64, error) {
	prev, sum := 0.0, 0.0
	for k := 1; k <= n; k++ {
		e, err := m.ConditionalExpectedPurchases(o, float64(k))
		if err != nil {
			return 0, err
		}
		if e > prev { // increments of the running maximum
			sum += (e - prev) / math.Pow(1+d, float64(k))
			prev = e
		}
	}
	return sum, nil
}

// unfactored hides the factorisation of a model, so that the generic
// path is taken.
type unfactored struct{ TransactionModel }

func TestPropertyDiscountedFactorisation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		o := genObservation(t, "c")
		n := rapid.IntRange(1, 150).Draw(t, "n") // across batches of periods
		d := rapid.Float64Range(0, 0.05).Draw(t, "d")
		want, err := termByTerm(m, o, n, d)
		require.NoError(t, err)
		got, err := DiscountedExpectedPurchases(m, o, n, d)
		require.NoError(t, err)
		require.InDelta(t, want, got, 1e-12*math.Max(1, want))
		generic, err := DiscountedExpectedPurchases(unfactored{m}, o, n, d)
		require.NoError(t, err)
		require.InDelta(t, want, generic, 1e-12*math.Max(1, want))
	})
}

// genBatchModel draws a model with a batched conditional expectation and
// the agreement expected of its batch: the ranges of genModel to 1e-13,
// or BG/NBD and MBG/NBD over wide ranges (a up to 1e6, b down to 1e-3, r
// up to 200) to 1e-12, where the batched and the single Euler series
// round differently, each accepted only where the bound of its rounding
// error (eulerErr, which grows with the number of terms) is below
// eulerMaxErr.
func genBatchModel(t *rapid.T) (m aliveBatched, tol float64, ok bool) {
	if rapid.Bool().Draw(t, "wide") {
		r, alpha := logUniform(0.01, 200).Draw(t, "r"), logUniform(0.1, 1e3).Draw(t, "alpha")
		a, b := logUniform(0.01, 1e6).Draw(t, "a"), logUniform(1e-3, 1e4).Draw(t, "b")
		if rapid.Bool().Draw(t, "mbgnbd") {
			return MBGNBD{R: r, Alpha: alpha, A: a, B: b}, 1e-12, true
		}
		return BGNBD{R: r, Alpha: alpha, A: a, B: b}, 1e-12, true
	}
	m, ok = genModel(t).(aliveBatched)
	return m, 1e-13, ok
}

// genBatchObservation draws (x, T): those of genObservation, a new
// customer (x = 0) observed for a vanishing time, or x into the
// thousands.
func genBatchObservation(t *rapid.T) (x, T float64) {
	switch rapid.IntRange(0, 2).Draw(t, "customer") {
	case 0:
		return 0, logUniform(1e-12, 1e-3).Draw(t, "T")
	case 1:
		return float64(rapid.IntRange(0, 5000).Draw(t, "x")), logUniform(1e-3, 3650).Draw(t, "T")
	}
	o := genObservation(t, "")
	return o.Frequency, o.T
}

// The batched series of BG/NBD and MBG/NBD give g(x, T, t) of each
// period as the series of one period does (to the tolerance of
// genBatchModel).
func TestPropertyAliveExpectationsBatched(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m, tol, ok := genBatchModel(t)
		if !ok {
			t.Skip("Pareto/NBD: one period at a time")
		}
		x, T := genBatchObservation(t)
		t0 := rapid.IntRange(1, 2000).Draw(t, "first period")
		out := make([]float64, rapid.IntRange(1, maxBatch).Draw(t, "periods"))
		require.True(t, m.aliveExpectations(x, T, t0, out))
		f := m.(aliveFactored)
		for j, got := range out {
			want, ok := f.aliveExpectation(x, T, float64(t0+j))
			require.True(t, ok)
			require.InDelta(t, want, got, tol*math.Max(1, math.Abs(want)), "period %d", t0+j)
		}
	})
	var g [maxBatch + 1]float64
	require.False(t, BGNBD{R: 1, Alpha: 1, A: 1, B: 1}.aliveExpectations(1, 10, 1, g[:]), "more periods than a batch")
	require.False(t, BGNBD{R: 1, Alpha: 1, A: 1, B: 1}.aliveExpectations(1, 10, 0, g[:1]), "period 0")
}

func TestPropertyDiscountedAllEqualsOne(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		// Few distinct (x, T), many customers: the shared sums are used.
		base := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Observation { return genObservation(t, "") }), 1, 4).Draw(t, "base")
		obs := make([]Observation, rapid.IntRange(1, 3000).Draw(t, "customers"))
		for i := range obs {
			o := base[i%len(base)]
			o.Recency = o.Recency * float64(i%7+1) / 8
			obs[i] = o
		}
		n := rapid.IntRange(1, 30).Draw(t, "n")
		d := rapid.Float64Range(0, 0.05).Draw(t, "d")
		for _, mm := range []TransactionModel{m, unfactored{m}} {
			out := make([]float64, len(obs))
			require.NoError(t, DiscountedExpectedPurchasesAll(mm, obs, n, d, out))
			for i, o := range obs {
				one, err := DiscountedExpectedPurchases(mm, o, n, d)
				require.NoError(t, err)
				require.Equal(t, math.Float64bits(one), math.Float64bits(out[i]), "customer %d: %v vs %v", i, one, out[i])
			}
		}
	})
}

func TestDiscountedExpectedPurchasesAllErrors(t *testing.T) {
	m := BGNBD{R: 0.24, Alpha: 4.41, A: 0.79, B: 2.43}
	obs := make([]Observation, 5000)
	for i := range obs {
		obs[i] = Observation{Frequency: float64(i % 5), Recency: float64(i % 5), T: 40}
	}
	out := make([]float64, len(obs))

	require.ErrorIs(t, DiscountedExpectedPurchasesAll(nil, obs, 52, 0.01, out), ErrInvalidParams)
	require.ErrorIs(t, DiscountedExpectedPurchasesAll(m, obs, 52, 0.01, out[:1]), ErrInvalidInput)
	require.ErrorIs(t, DiscountedExpectedPurchasesAll(BGNBD{R: -1, Alpha: 1, A: 1, B: 1}, obs, 52, 0.01, out), ErrInvalidParams)

	var ie *InputError
	require.ErrorAs(t, DiscountedExpectedPurchasesAll(m, obs, 0, 0.01, out), &ie)
	require.Equal(t, "periods", ie.Fields[0].Field)
	require.ErrorAs(t, DiscountedExpectedPurchasesAll(m, obs, 52, math.NaN(), out), &ie)
	require.Equal(t, "discount_rate", ie.Fields[0].Field)

	// The first bad observation is named by its index, on every path.
	bad := append([]Observation(nil), obs...)
	bad[3001] = Observation{ID: "x", Frequency: 2, Recency: 50, T: 40}
	bad[4002] = Observation{ID: "y", Frequency: -1, T: 40}
	for _, mm := range []TransactionModel{m, unfactored{m}} {
		err := DiscountedExpectedPurchasesAll(mm, bad, 52, 0.01, out)
		require.ErrorAs(t, err, &ie, "%T", mm)
		require.Equal(t, 3001, ie.Index)
		require.Equal(t, "x", ie.ID)
	}
	require.NoError(t, DiscountedExpectedPurchasesAll(m, obs, 52, 0.01, out))
	one, err := DiscountedExpectedPurchases(m, obs[4999], 52, 0.01)
	require.NoError(t, err)
	require.Equal(t, one, out[4999])
}

// TestCLVErrorNamesCustomer: a bad mean spend or a spend model without a
// finite mean is reported with the customer's ID, as a bad observation is.
func TestCLVErrorNamesCustomer(t *testing.T) {
	m := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	o := Observation{ID: "c-17", Frequency: 2, Recency: 30, T: 38}
	for _, z := range []float64{math.NaN(), math.Inf(1), 2e15} {
		var ie *InputError
		_, err := CLV(m, gg, o, z, 52, 0.002)
		require.ErrorAs(t, err, &ie, "mean spend %v", z)
		require.Equal(t, "c-17", ie.ID)
		require.Equal(t, "mean_spend", ie.Fields[0].Field)
		require.Contains(t, err.Error(), "c-17")
	}
	_, err := CLV(m, GammaGamma{P: 1, Q: 0.5, V: 1}, Observation{ID: "new-3", T: 10}, 0, 52, 0.002)
	require.ErrorIs(t, err, ErrInvalidParams)
	require.Contains(t, err.Error(), "new-3")
}

// genSmoothModel draws BG/NBD or MBG/NBD parameters over wide ranges
// (log-uniform), the models summed by discountedSmooth.
func genSmoothModel(t *rapid.T) aliveFactored {
	logU := func(lo, hi float64, name string) float64 {
		return math.Exp(rapid.Float64Range(math.Log(lo), math.Log(hi)).Draw(t, name))
	}
	r, alpha := logU(0.01, 100, "r"), logU(0.1, 1e4, "alpha")
	a, b := logU(0.02, 1e6, "a"), logU(1e-3, 1000, "b")
	if rapid.Bool().Draw(t, "mbgnbd") {
		return MBGNBD{R: r, Alpha: alpha, A: a, B: b}
	}
	return BGNBD{R: r, Alpha: alpha, A: a, B: b}
}

// The discounted sum over long horizons agrees with the sum period by
// period (discountedPeriods, the definition) to 1e-9 relative, for
// d = 0 and d up to 0.1 per period.
func TestPropertyDiscountedLongHorizon(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genSmoothModel(t)
		x, T := genBatchObservation(t)
		n := rapid.IntRange(1, 3000).Draw(t, "n")
		d := 0.0
		if rapid.Bool().Draw(t, "discounted") {
			d = rapid.Float64Range(0, 0.1).Draw(t, "d")
		}
		want, _, err := discountedPeriods(m, x, T, n, d)
		require.NoError(t, err)
		got, err := discountedAlive(m, x, T, n, d)
		require.NoError(t, err)
		require.InDelta(t, want, got, 1e-9*want, "n=%d d=%v", n, d)
	})
}

// TestDiscountedLongHorizonCDNOW compares the discounted sums of CDNOW-like
// customers (the published BG/NBD fit of Fader, Hardie & Lee 2005 and the
// MBG/NBD fit of the same data, in weeks) with the sum period by period
// for horizons of 1 to 100,000 periods, and checks that they were summed
// by discountedSmooth (not its fallback).
func TestDiscountedLongHorizonCDNOW(t *testing.T) {
	models := []aliveFactored{
		BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591},
		MBGNBD{R: 0.524843, Alpha: 6.183082, A: 0.891360, B: 1.614003},
	}
	week, day := math.Pow(1.1, 1.0/52)-1, math.Pow(1.1, 1.0/365)-1
	for _, m := range models {
		for _, o := range [][2]float64{{0, 38}, {2, 30.43}, {7, 35.86}, {25, 39}} {
			for _, n := range []int{1, 52, 257, 520, 3650, 5200} {
				for _, d := range []float64{0, day, week, 0.1} {
					want, _, err := discountedPeriods(m, o[0], o[1], n, d)
					require.NoError(t, err)
					got, err := discountedAlive(m, o[0], o[1], n, d)
					require.NoError(t, err)
					require.InDelta(t, want, got, 1e-9*want, "%T x=%v T=%v n=%d d=%v", m, o[0], o[1], n, d)
					if n > smoothMin {
						_, ok := discountedSmooth(m, m.(aliveSmooth), o[0], o[1], n, d)
						require.True(t, ok, "%T x=%v T=%v n=%d d=%v: summed period by period", m, o[0], o[1], n, d)
					}
				}
			}
		}
	}
}

// TestDiscountedLongHorizon100k is TestDiscountedLongHorizonCDNOW at the
// longest horizon allowed, 100,000 periods, for one customer (the sum
// period by period takes seconds).
func TestDiscountedLongHorizon100k(t *testing.T) {
	if testing.Short() {
		t.Skip("the reference sums 100,000 periods one by one")
	}
	day := math.Pow(1.1, 1.0/365) - 1
	for _, m := range []aliveFactored{
		BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591},
		MBGNBD{R: 0.524843, Alpha: 6.183082, A: 0.891360, B: 1.614003},
	} {
		want, _, err := discountedPeriods(m, 2, 30.43, 100000, day)
		require.NoError(t, err)
		got, ok := discountedSmooth(m, m.(aliveSmooth), 2, 30.43, 100000, day)
		require.True(t, ok, "%T: summed period by period", m)
		require.InDelta(t, want, got, 1e-9*want, "%T", m)
	}
}

// TestDiscountedLongHorizonLargeShapes: at the parameters of boundary
// fits (see TestProbPurchasesLargeShapesKeepDigits), where the bracket
// takes its robust methods, the long sums still agree with the sums period
// by period.
func TestDiscountedLongHorizonLargeShapes(t *testing.T) {
	for _, p := range [][4]float64{{0.8, 30, 2.3e7, 7.7e9}, {7.2e10, 5.28e11, 1.19e-8, 740.866}, {0.5, 10, 1e8, 3e8}, {0.01, 0.01, 0.01, 0.01}} {
		for _, m := range []aliveFactored{BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}, MBGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}} {
			for _, o := range [][2]float64{{0, 5}, {3, 40}, {200, 3650}} {
				for _, d := range []float64{0, 1e-4, 0.05} {
					want, _, err := discountedPeriods(m, o[0], o[1], 3000, d)
					require.NoError(t, err)
					got, err := discountedAlive(m, o[0], o[1], 3000, d)
					require.NoError(t, err)
					require.InDelta(t, want, got, 1e-9*want, "%+v x=%v T=%v d=%v", m, o[0], o[1], d)
				}
			}
		}
	}
}

// countingBGNBD counts the horizons at which g of aliveFactored is
// evaluated, and fails beyond failAfter (if positive).
type countingBGNBD struct {
	BGNBD
	evals     *int
	failAfter float64
}

func (c countingBGNBD) fails(ts ...float64) bool {
	*c.evals += len(ts)
	for _, t := range ts {
		if c.failAfter > 0 && t > c.failAfter {
			return true
		}
	}
	return false
}

func (c countingBGNBD) aliveExpectation(x, T, t float64) (float64, bool) {
	if c.fails(t) {
		return 0, false
	}
	return c.BGNBD.aliveExpectation(x, T, t)
}

func (c countingBGNBD) aliveExpectations(x, T float64, t0 int, out []float64) bool {
	ts := make([]float64, len(out))
	for j := range ts {
		ts[j] = float64(t0 + j)
	}
	if c.fails(ts...) {
		return false
	}
	return c.BGNBD.aliveExpectations(x, T, t0, out)
}

// wrapsOwnModel keeps the fast paths of the BG/NBD it wraps (own).
func (countingBGNBD) wrapsOwnModel() {}

func (c countingBGNBD) aliveExpectationsAt(x, T float64, ts, out []float64) bool {
	if c.fails(ts...) {
		return false
	}
	return c.BGNBD.aliveExpectationsAt(x, T, ts, out)
}

// TestDiscountedLongHorizonEvaluations: the discounted sum over n periods
// evaluates g at a number of horizons that grows like ln n (the first
// smoothHead periods, then at most 27 per panel of width 1 in ln t), not
// at every period, and gives the value of the model itself.
func TestDiscountedLongHorizonEvaluations(t *testing.T) {
	m := BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591}
	o := Observation{ID: "c", Frequency: 2, Recency: 30.43, T: 38.86}
	for _, n := range []int{520, 5200, 100000} {
		evals := 0
		got, err := DiscountedExpectedPurchases(countingBGNBD{m, &evals, 0}, o, n, 0.0018)
		require.NoError(t, err)
		want, err := DiscountedExpectedPurchases(m, o, n, 0.0018)
		require.NoError(t, err)
		require.Equal(t, want, got)
		panels := math.Ceil(math.Log(float64(n) / smoothHead))
		require.LessOrEqual(t, float64(evals), smoothHead+1+panels*(smoothDeg+3), "n=%d", n)
	}
}

// TestDiscountedLongHorizonErrors: a failed evaluation of g beyond the
// first periods is ErrNumerical, with the customer's index in
// DiscountedExpectedPurchasesAll, not a sum without those periods; bad
// horizons and rates are InputErrors on the long path too.
func TestDiscountedLongHorizonErrors(t *testing.T) {
	evals := 0
	m := countingBGNBD{BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591}, &evals, 2000}
	o := Observation{ID: "c-9", Frequency: 2, Recency: 30, T: 38}
	_, err := DiscountedExpectedPurchases(m, o, 5200, 0.0018)
	require.ErrorIs(t, err, ErrNumerical)
	require.Contains(t, err.Error(), "c-9")
	_, err = DiscountedExpectedPurchases(m, o, 1999, 0.0018)
	require.NoError(t, err)

	obs := make([]Observation, 3000)
	for i := range obs {
		obs[i] = Observation{Frequency: float64(i % 3), Recency: float64(i % 3), T: 38}
	}
	out := make([]float64, len(obs))
	err = DiscountedExpectedPurchasesAll(m, obs, 5200, 0.0018, out)
	require.ErrorIs(t, err, ErrNumerical)
	var ie *InputError
	require.ErrorAs(t, DiscountedExpectedPurchasesAll(m.BGNBD, obs, 100001, 0.0018, out), &ie)
	require.Equal(t, "periods", ie.Fields[0].Field)
	_, err = DiscountedExpectedPurchases(m.BGNBD, o, 5200, -1e-3)
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "discount_rate", ie.Fields[0].Field)
	_, err = DiscountedExpectedPurchases(BGNBD{R: 1, Alpha: math.Inf(1), A: 1, B: 1}, o, 5200, 0.0018)
	require.ErrorIs(t, err, ErrInvalidParams)

	// Long horizons: the shared sums of DiscountedExpectedPurchasesAll are
	// those of DiscountedExpectedPurchases to the last bit.
	require.NoError(t, DiscountedExpectedPurchasesAll(m.BGNBD, obs[:1500], 5200, 0.0018, out[:1500]))
	for i := range 3 {
		one, err := DiscountedExpectedPurchases(m.BGNBD, obs[i], 5200, 0.0018)
		require.NoError(t, err)
		require.Equal(t, math.Float64bits(one), math.Float64bits(out[i]))
	}
}

// TestDiscountedFlatRoundingDoesNotAccumulate: where g is flat (a large,
// b small: nearly every customer drops out at the first purchase, so g
// reaches its limit within a few periods), the true increments of g fall
// below its rounding, which makes g dip from period to period. The dips
// must not be counted as purchases: d = 0 still gives g(n) = E[Y(n)]/P(alive)
// period by period as by parts, the two methods agree, and a longer
// horizon is never worth less, across the switch from one to the other
// at smoothMin periods.
func TestDiscountedFlatRoundingDoesNotAccumulate(t *testing.T) {
	for _, m := range []aliveFactored{
		BGNBD{R: 35.25625864817688, Alpha: 1.2951968796707922, A: 584.2669503427644, B: 0.08227174265412182},
		MBGNBD{R: 35.25625864817688, Alpha: 1.2951968796707922, A: 584.2669503427644, B: 0.08227174265412182},
	} {
		const x, T = 0, 32.442366707699655
		for _, n := range []int{smoothMin, 3000} {
			g, ok := m.aliveExpectation(x, T, float64(n))
			require.True(t, ok)
			periods, _, err := discountedPeriods(m, x, T, n, 0)
			require.NoError(t, err)
			require.InDelta(t, g, periods, 1e-12*g, "%T n=%d: d = 0 period by period", m, n)
			for _, d := range []float64{0, 1e-12, 1e-6} {
				want, _, err := discountedPeriods(m, x, T, n, d)
				require.NoError(t, err)
				got, err := discountedAlive(m, x, T, n, d)
				require.NoError(t, err)
				require.InDelta(t, want, got, 1e-12*want, "%T n=%d d=%v", m, n, d)
			}
		}
		o := Observation{ID: "c", T: T}
		for _, d := range []float64{0, 1e-12, 1e-6} {
			short, err := DiscountedExpectedPurchases(m.(TransactionModel), o, smoothMin, d)
			require.NoError(t, err)
			long, err := DiscountedExpectedPurchases(m.(TransactionModel), o, smoothMin+1, d)
			require.NoError(t, err)
			require.GreaterOrEqual(t, long, short*(1-1e-12), "%T d=%v: %d periods worth less than %d", m, d, smoothMin+1, smoothMin)
		}
	}
}
