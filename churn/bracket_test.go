package churn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// betaGeoModel is BG/NBD or MBG/NBD with its shift (the reference needs it).
type betaGeoModel interface {
	TransactionModel
	core() (betaGeo, error)
}

// Parameter points for the reference checks: the published CDNOW fits,
// moderate ones, and large a and b (rare dropout, nearly the same for
// everybody), where the Euler-transformed series alone overflowed.
var refModels = []betaGeoModel{
	BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591},
	MBGNBD{R: 0.524843, Alpha: 6.183082, A: 0.891360, B: 1.614003},
	BGNBD{R: 2, Alpha: 3, A: 3, B: 5},
	MBGNBD{R: 0.5, Alpha: 3, A: 1.3, B: 2},
	BGNBD{R: 1, Alpha: 10, A: 300, B: 3000},
	MBGNBD{R: 1, Alpha: 10, A: 300, B: 3000},
	BGNBD{R: 1, Alpha: 10, A: 1000, B: 1e4},
	MBGNBD{R: 1, Alpha: 10, A: 1000, B: 1e4},
	BGNBD{R: 0.8, Alpha: 30, A: 2.3e7, B: 7.7e9},
	MBGNBD{R: 0.8, Alpha: 30, A: 2.3e7, B: 7.7e9},
	BGNBD{R: 3, Alpha: 100, A: 1e8, B: 1e8},
	BGNBD{R: 0.5, Alpha: 5, A: 1e8, B: 2},
	MBGNBD{R: 2, Alpha: 50, A: 5e4, B: 0.3},
	BGNBD{R: 0.1, Alpha: 4, A: 500, B: 1e8},
	BGNBD{R: 1, Alpha: 4, A: 1.5, B: 1e8},
	MBGNBD{R: 20, Alpha: 7, A: 0.2, B: 1e7},
}

var refObservations = []Observation{
	{Frequency: 0, Recency: 0, T: 39},
	{Frequency: 2, Recency: 30, T: 39},
	{Frequency: 7, Recency: 35, T: 38},
	{Frequency: 60, Recency: 1000, T: 3650},
	{Frequency: 500, Recency: 3000, T: 3650},
	{Frequency: 5, Recency: 10, T: 3650},
}

// ExpectedPurchases, PAlive and ConditionalExpectedPurchases against the
// published formulas evaluated with math/big (reference_test.go).
func TestExpectationsAgainstReference(t *testing.T) {
	if testing.Short() {
		t.Skip("high-precision reference")
	}
	worst := 0.0
	check := func(want, got float64, msg ...any) {
		t.Helper()
		rel := math.Abs(got-want) / math.Abs(want)
		worst = math.Max(worst, rel)
		relClose(t, want, got, 1e-10, msg...)
	}
	for _, m := range refModels {
		bg, err := m.core()
		require.NoError(t, err)
		for _, h := range []float64{1, 52, 273} {
			got, err := m.ExpectedPurchases(h)
			require.NoError(t, err, "%+v", m)
			check(refExpected(bg.r, bg.alpha, bg.a, bg.b, h, bg.shift), got, m, " E[X] t=", h)
			for _, o := range refObservations {
				s, err := m.Score(o, h)
				require.NoError(t, err, "%+v %+v", m, o)
				pa, e := refConditional(bg.r, bg.alpha, bg.a, bg.b, o.Frequency, o.Recency, o.T, h, bg.shift)
				closeTo(t, pa, s.PAlive, 1e-13, m, o)
				if pa > 1e-250 {
					check(e, s.ExpectedPurchases, m, o, " t=", h)
				}
				g, ok := bg.aliveExpectation(o.Frequency, o.T, h)
				require.True(t, ok)
				want, _ := refBracket(bf(bg.r+o.Frequency), bf(bg.a), bnew().Add(bf(bg.b), bf(o.Frequency+bg.shift)), bf(h), bnew().Add(bf(bg.alpha), bf(o.T))).Float64()
				check(want, g, m, o, " alive t=", h)
			}
		}
	}
	t.Logf("largest relative error against the reference: %.2g", worst)
}

// Each method of bgBracket on its own against the reference, also where
// eval would not choose it (the Euler series only where it is well
// conditioned).
func TestBracketMethodsAgainstReference(t *testing.T) {
	if testing.Short() {
		t.Skip("high-precision reference")
	}
	worst := [3]float64{}
	for _, m := range refModels {
		bg, _ := m.core()
		for _, o := range refObservations {
			for _, h := range []float64{0.5, 52, 273} {
				q := bg.aliveBracket(o.Frequency)
				z := h / (bg.alpha + o.T + h)
				want, _ := refBracket(bf(q.r), bf(q.a), bf(q.b), bf(h), bnew().Add(bf(bg.alpha), bf(o.T))).Float64()
				w := h / (bg.alpha + o.T)
				p, ok := bgPositive(q.r, q.a, q.b, w)
				require.True(t, ok)
				relClose(t, want, p, 1e-10, m, o, h, " positive series")
				worst[0] = math.Max(worst[0], math.Abs(p/want-1))
				v, ok := bgQuad(q.r, q.a, q.b, w)
				require.True(t, ok)
				relClose(t, want, v, 1e-10, m, o, h, " quadrature")
				worst[1] = math.Max(worst[1], math.Abs(v/want-1))
				if q.eulerFits(z) {
					e, rel, ok := bgExpect(q.P, q.pOverC, q.A, q.a-1, q.C, z)
					if ok && rel <= eulerMaxErr {
						relClose(t, want, e, 1e-12, m, o, h, " Euler series")
						worst[2] = math.Max(worst[2], math.Abs(e/want-1))
					}
				}
			}
		}
	}
	t.Logf("largest relative errors: positive series %.2g, quadrature %.2g, Euler series %.2g", worst[0], worst[1], worst[2])
}

// At a = 1 the published formula is 0/0; the model's definition (an
// integral over the beta distribution of p) is the reference there.
func TestExpectationsAtAOneAgainstQuadrature(t *testing.T) {
	for _, m := range []betaGeoModel{
		BGNBD{R: 0.5, Alpha: 3, A: 1, B: 2},
		MBGNBD{R: 0.5, Alpha: 3, A: 1, B: 2},
		BGNBD{R: 1, Alpha: 10, A: 1, B: 1e6},
		BGNBD{R: 4, Alpha: 10, A: 1, B: 0.5},
		BGNBD{R: 1, Alpha: 10, A: 400, B: 4000},
	} {
		bg, _ := m.core()
		for _, h := range []float64{0.5, 52, 1000} {
			got, err := m.ExpectedPurchases(h)
			require.NoError(t, err)
			want := refQuad(bg.r, bg.a, bg.b+bg.shift, h, bg.alpha)
			if bg.shift == 1 {
				want *= bg.b / (bg.a + bg.b)
			}
			relClose(t, want, got, 1e-10, m, h)
			for _, o := range refObservations {
				g, ok := bg.aliveExpectation(o.Frequency, o.T, h)
				require.True(t, ok)
				relClose(t, refQuad(bg.r+o.Frequency, bg.a, bg.b+o.Frequency+bg.shift, h, bg.alpha+o.T), g, 1e-10, m, o, h)
			}
		}
	}
}

// The audit's cases: large a used to give ErrNumerical from Score (which
// then dropped P(alive)), ExpectedPurchases, ScoreAll (at index 0) and the
// CLV paths, for BG/NBD and MBG/NBD alike.
func TestExpectationsLargeA(t *testing.T) {
	o := Observation{Frequency: 2, Recency: 30, T: 39}
	e, err := BGNBD{R: 1, Alpha: 10, A: 1000, B: 1e4}.ConditionalExpectedPurchases(o, 52)
	require.NoError(t, err)
	require.Greater(t, e, 0.0)
	e, err = BGNBD{R: 1, Alpha: 10, A: 300, B: 3000}.ExpectedPurchases(52)
	require.NoError(t, err)
	require.Greater(t, e, 0.0)

	obs := make([]Observation, 3000) // enough for ScoreAll's shared cache
	for i := range obs {
		x := float64(i % 40)
		T := 3650 - float64(i%500)
		obs[i] = Observation{Frequency: x, Recency: T * float64(i%7+1) / 8 * math.Min(x, 1), T: T}
	}
	spend := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	for _, m := range []TransactionModel{
		BGNBD{R: 1, Alpha: 10, A: 1000, B: 1e4}, MBGNBD{R: 1, Alpha: 10, A: 1000, B: 1e4},
		BGNBD{R: 0.8, Alpha: 30, A: 2.3e7, B: 7.7e9}, MBGNBD{R: 0.8, Alpha: 30, A: 2.3e7, B: 7.7e9},
	} {
		s, err := m.Score(o, 52)
		require.NoError(t, err, "%+v", m)
		pa, err := m.PAlive(o)
		require.NoError(t, err)
		require.Equal(t, pa, s.PAlive)

		out := make([]Score, len(obs))
		require.NoError(t, ScoreAll(m, obs, 52, out), "%+v", m)
		for i, o := range obs[:50] {
			one, err := m.Score(o, 52)
			require.NoError(t, err)
			require.Equal(t, one, out[i])
		}
		dep := make([]float64, len(obs))
		require.NoError(t, DiscountedExpectedPurchasesAll(m, obs, 150, 0.01, dep), "%+v", m)
		for i, o := range obs[:20] {
			want, err := termByTerm(m, o, 150, 0.01)
			require.NoError(t, err)
			require.InDelta(t, want, dep[i], 1e-11*math.Max(1, want), "%+v %+v", m, o)
			clv, err := CLV(m, spend, o, 30, 150, 0.01)
			require.NoError(t, err)
			require.True(t, finite(clv) && clv >= 0)
		}
	}
}

func logUniform(lo, hi float64) *rapid.Generator[float64] {
	return rapid.Custom(func(t *rapid.T) float64 {
		u := rapid.Float64Range(math.Log(lo), math.Log(hi)).Draw(t, "log")
		return math.Min(hi, math.Max(lo, math.Exp(u)))
	})
}

// genBetaGeoWide draws BG/NBD or MBG/NBD with parameters far beyond
// ordinary fits: a and b from 0.01 to 1e8 (log-uniform).
func genBetaGeoWide(t *rapid.T) TransactionModel {
	r := logUniform(0.01, 50).Draw(t, "r")
	alpha := logUniform(0.1, 1000).Draw(t, "alpha")
	a := logUniform(0.01, 1e8).Draw(t, "a")
	b := logUniform(0.01, 1e8).Draw(t, "b")
	if rapid.Bool().Draw(t, "mbg") {
		return MBGNBD{R: r, Alpha: alpha, A: a, B: b}
	}
	return BGNBD{R: r, Alpha: alpha, A: a, B: b}
}

// The bad-input property of BG/NBD and MBG/NBD over a wide parameter range: no
// error, P(alive) ∈ [0, 1] (as PAlive alone gives it), expectations finite
// and ≥ 0, and E[X(t)], E[Y(t) | …] non-decreasing in t.
func TestPropertyExpectationsWideParams(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genBetaGeoWide(t)
		o := genObservation(t, "")
		h1 := rapid.Float64Range(0, 400).Draw(t, "h1")
		h2 := h1 + rapid.Float64Range(0, 400).Draw(t, "dh")
		s1, err := m.Score(o, h1)
		require.NoError(t, err)
		pa, err := m.PAlive(o)
		require.NoError(t, err)
		require.Equal(t, pa, s1.PAlive)
		require.True(t, pa >= 0 && pa <= 1)
		s2, err := m.Score(o, h2)
		require.NoError(t, err)
		for _, e := range []float64{s1.ExpectedPurchases, s2.ExpectedPurchases} {
			require.True(t, finite(e) && e >= 0, "E %v", e)
		}
		require.LessOrEqual(t, s1.ExpectedPurchases, s2.ExpectedPurchases*(1+1e-10))
		u1, err := m.ExpectedPurchases(h1)
		require.NoError(t, err)
		u2, err := m.ExpectedPurchases(h2)
		require.NoError(t, err)
		require.True(t, finite(u1) && u1 >= 0 && finite(u2))
		require.LessOrEqual(t, u1, u2*(1+1e-10))
		d, err := DiscountedExpectedPurchases(m, o, rapid.IntRange(1, 100).Draw(t, "n"), 0.01)
		require.NoError(t, err)
		require.True(t, finite(d) && d >= 0)
	})
}

// The batched series agrees with the one-period evaluation over the wide
// range too (where it is not well conditioned, evalMany uses eval).
func TestPropertyAliveExpectationsBatchedWide(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genBetaGeoWide(t)
		o := genObservation(t, "")
		t0 := rapid.IntRange(1, 400).Draw(t, "first period")
		out := make([]float64, rapid.IntRange(1, maxBatch).Draw(t, "periods"))
		require.True(t, m.(aliveBatched).aliveExpectations(o.Frequency, o.T, t0, out))
		f := m.(aliveFactored)
		for j, got := range out {
			want, ok := f.aliveExpectation(o.Frequency, o.T, float64(t0+j))
			require.True(t, ok)
			require.InDelta(t, want, got, 1e-12*math.Max(1, math.Abs(want)), "period %d", t0+j)
		}
	})
}

// Where a or b is near 1 and the other large, the trapezoidal rule of
// bgQuad gains far less than the square of its error at its first
// halvings (at a = 2065, b = 1.309: 5e-9, then 3e-11); its result, and the
// conditional expectation that takes it, agree with the reference to
// 1e-13 all the same.
func TestBgQuadSkewedBetaAgainstReference(t *testing.T) {
	for _, c := range []struct{ r, a, b, w float64 }{
		{179.5, 2065, 1.309, 1000 / 5.51},
		{0.6381960120136733, 4015.96739072577, 0.9528214478183838, 51.28775381918994},
		{0.7439798262452261, 292.01234866849734, 1.2895351713276928, 503.4827234259174},
		{314.4809239167164, 142934.19141631553, 1.039608390567966, 5460.313548112887},
	} {
		want, _ := refBracket(bf(c.r), bf(c.a), bf(c.b), bf(c.w), bf(1)).Float64()
		got, ok := bgQuad(c.r, c.a, c.b, c.w)
		require.True(t, ok)
		require.InDelta(t, want, got, 1e-13*want, "r=%v a=%v b=%v w=%v", c.r, c.a, c.b, c.w)
	}
	// MBG/NBD, a new customer (x = 0, T ≈ 0): the bracket of
	// G(r, a, b+1), single and batched, at horizons where eval takes bgQuad.
	m := MBGNBD{R: 179.5, Alpha: 5.51, A: 2065, B: 0.309}
	bg, err := m.core()
	require.NoError(t, err)
	const T, t0 = 1e-9, 1000
	var out [maxBatch]float64
	require.True(t, bg.aliveExpectations(0, T, t0, out[:]))
	q := bg.aliveBracket(0)
	for j, got := range out {
		h := float64(t0 + j)
		want, _ := refBracket(bf(q.r), bf(q.a), bf(q.b), bf(h), bnew().Add(bf(bg.alpha), bf(T))).Float64()
		one, ok := bg.aliveExpectation(0, T, h)
		require.True(t, ok)
		require.InDelta(t, want, one, 1e-13*want, "period %v", h)
		require.InDelta(t, want, got, 1e-13*want, "period %v, batched", h)
	}
}
