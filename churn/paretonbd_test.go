package churn

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mathext"

	"github.com/stretchr/testify/require"
)

func TestFitParetoNBD_CDNOW(t *testing.T) {
	fit, err := FitParetoNBD(groupsOf(t, cdnowExactWeeks(t).cal), nil)
	require.NoError(t, err)
	require.True(t, fit.Converged)
	t.Logf("%+v iters=%d evals=%d ll=%.6f g=%.3g", fit.Params(), fit.Iterations, fit.Evaluations, fit.LogLikelihood, fit.GradientNorm)
	// CLVTools: r 0.55327, α 10.5778, s 0.60602, β 11.66391, LL −9594.9762.
	// lifetimes: r 0.553277, α 10.577732, s 0.606209, β 11.667659.
	closeTo(t, 0.553277, fit.Model.R, 1e-6)
	relClose(t, 10.577732, fit.Model.Alpha, 2e-5)
	relClose(t, 0.606209, fit.Model.S, 2e-4) // s and β lie on a flat ridge
	relClose(t, 11.667659, fit.Model.Beta, 2e-4)
	relClose(t, 0.55327, fit.Model.R, 1e-3)
	relClose(t, 10.5778, fit.Model.Alpha, 1e-3)
	relClose(t, 0.60602, fit.Model.S, 1e-3)
	relClose(t, 11.66391, fit.Model.Beta, 1e-3)
	closeTo(t, -9594.9762, fit.LogLikelihood, 1e-8)
	require.True(t, fit.StdErrOK)
	// Our optimum is at least as good as both references'.
	g := groupsOf(t, cdnowExactWeeks(t).cal)
	for _, ref := range []ParetoNBD{{0.55327, 10.5778, 0.60602, 11.66391}, {0.553277, 10.577732, 0.606209, 11.667659}} {
		ll, err := ref.TotalLogLikelihood(g)
		require.NoError(t, err)
		require.LessOrEqual(t, ll, fit.LogLikelihood+1e-9)
		closeTo(t, fit.LogLikelihood, ll, 1e-8)
	}
}

func TestLog2F1ParetoAgainstGonum(t *testing.T) {
	for _, tc := range []struct{ a, b, z float64 }{
		{1.2, 1.6, 0.1}, {3.5, 1.6, 0.5}, {20, 0.6, 0.9}, {1.16, 1.61, 0.94}, {5, 2, 0.3}, {0.7, 3.2, 0.8},
	} {
		want := math.Log(mathext.Hypergeo(tc.a, tc.b, tc.a+1, tc.z))
		got, ok := log2F1Pareto(tc.a, tc.b, tc.z)
		require.True(t, ok)
		closeTo(t, want, got, 1e-12, tc)
	}
}

// The quadrature branch agrees with the series where both apply, and the
// series in turn with gonum.
func TestLog2F1ParetoQuadratureMatchesSeries(t *testing.T) {
	for _, a := range []float64{0.3, 1.2, 5, 40, 600} {
		for _, b := range []float64{0.2, 1.6, 7} {
			for _, z := range []float64{0.5, 0.8, 0.93} {
				series, ok := log2F1Pareto(a, b, z)
				require.True(t, ok)
				quad, ok := log2F1ParetoQuad(a, b, z)
				require.True(t, ok)
				closeTo(t, series, quad, 1e-11, a, b, z)
			}
		}
	}
	// Near 1 the value stays finite and increasing in z.
	prev := 0.0
	for _, z := range []float64{0.96, 0.99, 0.999, 1 - 1e-6, 1 - 1e-12} {
		v, ok := log2F1Pareto(2, 1.5, z)
		require.True(t, ok)
		require.Greater(t, v, prev)
		prev = v
	}
}

func TestParetoAnalyticGradient(t *testing.T) {
	p := prepare(groupsOf(t, cdnowExactWeeks(t).cal))
	f := paretoObjective(p)
	for _, th := range [][]float64{{-0.59, 2.36, -0.5, 2.46}, {0, 0, 0, 0}, {0.5, 1, -1, 3}, {-1, 3, 0.5, 0.2}} {
		checkGradient(t, 4, f, th)
	}
}

// The series derivatives of ln ₂F₁(a, b; a+1; z) agree with central
// differences of the value, on both branches.
func TestLog2F1ParetoGradient(t *testing.T) {
	for _, tc := range []struct{ a, b, z float64 }{
		{3.16, 1.61, 0.05}, {1.2, 0.6, 0.5}, {40, 3, 0.9}, {600, 500, 0.3}, {2, 1.5, 0.97}, {0.8, 2.5, 0.99},
	} {
		lf, da, db, dz, ok := log2F1ParetoGrad(tc.a, tc.b, tc.z)
		require.True(t, ok)
		want, ok := log2F1Pareto(tc.a, tc.b, tc.z)
		require.True(t, ok)
		closeTo(t, want, lf, 1e-12, tc)
		num := func(f func(h float64) float64, h float64) float64 { return (f(h) - f(-h)) / (2 * h) }
		at := func(a, b, z float64) float64 { v, _ := log2F1Pareto(a, b, z); return v }
		closeTo(t, num(func(h float64) float64 { return at(tc.a+h, tc.b, tc.z) }, 1e-5*tc.a), da, 1e-6, "da", tc)
		closeTo(t, num(func(h float64) float64 { return at(tc.a, tc.b+h, tc.z) }, 1e-5*tc.b), db, 1e-6, "db", tc)
		closeTo(t, num(func(h float64) float64 { return at(tc.a, tc.b, tc.z+h) }, 1e-6*(1-tc.z)), dz, 1e-5, "dz", tc)
	}
}

// On the ridge a fit follows when nearly everybody buys once and stops
// (s and β near e^25 ≈ 7e10, r and α large: one dropout rate and one
// purchase rate for all), the objective keeps its digits: counting time
// in days rather than weeks, with the parameters relative to the data's
// time scales as the fit sees them, only adds ln 7 per repeat purchase
// (the density of the purchase times), to 1e-13 of the value; and the
// analytic gradient agrees with central differences. The same holds on
// the way to a dropout rate → ∞ and where α > β with s, β, r, α all
// large. Taken directly, s ln β against s ln(β+T) and the ln ₂F₁ terms
// against (r+s+x) ln(β+t) left a noise of about 1e-6 per customer there,
// and so did relL1 + D where the death term dominates (D ≫ 1).
func TestParetoObjectiveUnitFreeOnRidge(t *testing.T) {
	obs := onceThenNever(300, 40, 1)
	pw, pd := prepare(groupsOf(t, obs)), prepare(groupsOf(t, inDays(obs)))
	names := []string{"r", "alpha", "s", "beta"}
	fw := paretoObjectiveAt(pw, edgeScales(pw, names))
	fd := paretoObjectiveAt(pd, edgeScales(pd, names))
	shift := math.Log(7) * pw.sumX / pw.n
	ref := edgeScales(pw, names)
	for _, abs := range [][4]float64{
		{2068.52, 19651.9, 7e10, 7.8e10}, // about where the fit stops
		{3e5, 2.9e6, 1e10, 1.1e10},
		{35, 1130, 1.2e9, 1.3e9},
		{0.5, 10, 0.6, 12},
		{0.5, 10, 1e9, 3e7}, // towards a dropout rate → ∞ (every purchase the last)
		{0.5, 10, 3e6, 1e5},
		{3e8, 3e8, 1e10, 3e8}, // α > β, both rates the same for everybody
	} {
		th := make([]float64, 4)
		for i := range th {
			th[i] = math.Log(abs[i]) - ref[i]
		}
		gw, gd := make([]float64, 4), make([]float64, 4)
		vw, vd := fw(th, gw), fd(th, gd)
		require.True(t, finite(vw) && finite(vd), abs)
		closeTo(t, vw+shift, vd, 1e-13, "objective in days", abs)
		for i := range gw {
			closeTo(t, gw[i], gd[i], 1e-9, "gradient in days ", i, abs)
		}
		num := make([]float64, 4)
		require.True(t, centralGradientStep(4, func(th []float64) float64 { return fw(th, nil) }, th, num, 1e-4))
		for i := range gw {
			closeTo(t, num[i], gw[i], 1e-6, "gradient ", i, abs)
		}
	}
}

// Where s·ln(α/β) (or (r+x)·ln(β/α)) is large, P(alive) and the
// likelihood come from the integral rather than from the ₂F₁ series,
// whose term (1−b)·ln(1−z) of that size they would cancel: with s = 1e9
// and α/β = 1.5 the series left D off by 4e-8, and with r below the
// rounding unit of s the parameter a+1−b = r of its Euler
// transformation rounded away and the series failed (ErrNumerical from
// P(alive)). Where that term is small the series stays, and both agree
// with the integral.
func TestParetoTinyRBesideHugeS(t *testing.T) {
	for _, tc := range []struct {
		m      ParetoNBD
		o      Observation
		series bool
	}{
		{ParetoNBD{R: 1e-7, Alpha: 2.0000004e10, S: 1e9, Beta: 2e10}, Observation{ID: "a", T: 39}, true},
		{ParetoNBD{R: 3e-8, Alpha: 4.9000005e9, S: 4e8, Beta: 4.9e9}, Observation{ID: "b", Frequency: 2, Recency: 20, T: 39}, true},
		{ParetoNBD{R: 1e-7, Alpha: 3e10, S: 1e9, Beta: 2e10}, Observation{ID: "c", T: 39}, false},
		{ParetoNBD{R: 1.072400947751383e-08, Alpha: 1.913612088511669e-07, S: 6.383113300946739e+08, Beta: 3.0094632546972e-08}, Observation{ID: "d", T: 5.788362954404192}, false},
	} {
		m, o := tc.m, tc.o
		pa, err := m.PAlive(o)
		require.NoError(t, err, m)
		d, l2, ok := m.directD(o.Frequency, o.Recency, o.T, nil, nil)
		require.True(t, ok)
		closeTo(t, logistic(-d), pa, 1e-12, m)
		ll, err := m.LogLikelihood(o)
		require.NoError(t, err)
		l1 := m.relL1(o.Frequency, o.T, math.Log(m.Alpha+o.T), math.Log1p(o.T/m.Alpha), math.Log1p(o.T/m.Beta), nil)
		closeTo(t, lgammaDiff(m.R, o.Frequency)+logAddExp(l1, l2), ll, 1e-12, m)
		require.Equal(t, tc.series, m.seriesOK(o.Frequency, o.Recency, false) && m.seriesOK(o.Frequency, o.T, false), m)
	}
}
