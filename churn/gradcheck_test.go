package churn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkGradient compares an objective's analytic gradient with central
// differences at theta.
func checkGradient(t *testing.T, n int, f objective, theta []float64) {
	t.Helper()
	g := make([]float64, n)
	f0 := f(theta, g)
	require.True(t, finite(f0))
	fd := make([]float64, n)
	require.True(t, centralGradient(n, func(th []float64) float64 { return f(th, nil) }, theta, fd))
	for i := range g {
		require.InDelta(t, fd[i], g[i], 1e-7*math.Max(1, math.Abs(fd[i])), "component %d: analytic %g, numeric %g", i, g[i], fd[i])
	}
}

func TestAnalyticGradients(t *testing.T) {
	p := prepare(groupsOf(t, cdnowExactWeeks(t).cal))
	for _, th := range [][]float64{{-1.4, 1.5, -0.2, 0.9}, {0.3, -0.5, 1.2, -0.7}, {0, 0, 0, 0}} {
		checkGradient(t, 4, betaGeoObjective(p, 0), th)
		checkGradient(t, 4, betaGeoObjective(p, 1), th)
	}
}

func TestAnalyticGradientGammaGamma(t *testing.T) {
	g, err := GroupSpend(cdnowSpend(t))
	require.NoError(t, err)
	f, _ := gammaGammaObjective(g)
	for _, th := range [][]float64{{1.8, 1.3, 2.7}, {0, 0, 0}, {-1, 2, 1}} {
		checkGradient(t, 3, f, th)
	}
}

// TestAnalyticGradientBetaGeoHugeAB checks the BG/NBD gradient where a and
// b run to 1e8–1e10, as on data where hardly anyone drops out: the digamma
// differences there are taken without subtracting ψ(a+b) ≈ ln(a+b) from
// ψ(a+b+k), which lost five digits of ∂/∂b.
func TestAnalyticGradientBetaGeoHugeAB(t *testing.T) {
	p := prepare(groupsOf(t, cdnowExactWeeks(t).cal))
	for _, th := range [][]float64{{-1.4, 1.5, 20, 21}, {-1.4, 1.5, 23, 23.5}} {
		checkGradient(t, 4, betaGeoObjective(p, 0), th)
		checkGradient(t, 4, betaGeoObjective(p, 1), th)
	}
}
