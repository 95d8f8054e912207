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

// TestAnalyticGradientBetaGeoRidges checks the BG/NBD gradient where a and
// b run to 1e8–1e10, as on data where hardly anyone drops out, and where
// r and α run to 1e3–1e6 together, as where purchase rates do not vary:
// the digamma differences there are taken without subtracting
// ψ(a+b) ≈ ln(a+b) from ψ(a+b+k), which lost five digits of ∂/∂b, and
// the likelihood without subtracting r ln(α+T) from r ln α, which left
// the likelihood itself six digits.
func TestAnalyticGradientBetaGeoRidges(t *testing.T) {
	p := prepare(groupsOf(t, cdnowExactWeeks(t).cal))
	for _, th := range [][]float64{{-1.4, 1.5, 20, 21}, {-1.4, 1.5, 23, 23.5}, {8, 9, 1, 2}, {12, 13, 1, 2}, {8, 9, 22, 23}} {
		checkGradient(t, 4, betaGeoObjective(p, 0), th)
		checkGradient(t, 4, betaGeoObjective(p, 1), th)
	}
}

// TestAnalyticGradientGammaGammaRidge checks the Gamma-Gamma likelihood
// and gradient where q and γ grow together (mean spends that hardly vary
// between customers): q ln γ and ln Γ(q) reach 1e10 there, and the form
// that subtracted them kept the likelihood to four digits.
func TestAnalyticGradientGammaGammaRidge(t *testing.T) {
	g, err := GroupSpend(cdnowSpend(t))
	require.NoError(t, err)
	f, _ := gammaGammaObjective(g)
	for _, th := range [][]float64{{1.8, 15, 16}, {1.8, 20, 21}, {8, 2, 3}} {
		checkGradient(t, 3, f, th)
	}
}

// TestAnalyticGradientBGBBRidges checks the BG/BB gradient where α and β,
// or γ and δ, run to 1e7–1e9 together (purchase or dropout probabilities
// that do not vary between customers): there the digamma differences
// ψ(α+x) − ψ(α) and the like must not subtract ψ(α) ≈ ln α, which the
// chain rule multiplies by α.
func TestAnalyticGradientBGBBRidges(t *testing.T) {
	gs := append([]Group(nil), donations...)
	for _, th := range [][]float64{{17.8, 19.7, -0.4, 0.9}, {-0.5, 0.6, 17, 19}, {15, 16, 14, 17}} {
		checkGradient(t, 4, bgbbObjective(gs, 11104), th)
	}
}
