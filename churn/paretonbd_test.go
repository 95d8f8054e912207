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
