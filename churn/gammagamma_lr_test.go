package churn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dealerSpend draws 200 repeat customers as dealers spend (p = 0.48,
// γ = 26,700, few transactions each) with the given q, from seed.
func dealerSpend(t *testing.T, q float64, seed uint64) *SpendGroups {
	t.Helper()
	g, err := GroupSpend(simulateGammaGamma(rand.New(rand.NewPCG(7, seed)), 200, 0.48, q, 26700, 0))
	require.NoError(t, err)
	return g
}

// On 200 dealers drawn with q = 3 the fit gives q = 4.30 with a standard
// error of 2.37: q is within 1.96 standard errors of 1, but the
// likelihood at q = 1 is far below the fit's (the standard error of q
// grows with q, the likelihood in q is skewed). The likelihood ratio
// determines the mean spend; the Wald rule, its fallback, would not.
func TestMeanSpendDeterminedLikelihoodRatio(t *testing.T) {
	g := dealerSpend(t, 3, 1)
	fit, err := FitGammaGamma(g, nil)
	require.NoError(t, err)
	require.True(t, fit.StdErrOK)
	q, se := fit.Model.Q, fit.MeanSpendStdErr()
	require.InDelta(t, 4.30, q, 0.01)
	require.Less(t, q-1, 1.96*se, "the Wald interval reaches below 1")
	r, ok := fit.MeanSpendSignedRoot()
	require.True(t, ok)
	assert.Greater(t, r, 1.96)
	assert.True(t, fit.MeanSpendDetermined())
	// r² is twice the log-likelihood the fit loses at q = 1, where no
	// (p, γ) does better than the fit at q = 1 found.
	ll1 := fit.LogLikelihood - r*r/2
	for _, dp := range []float64{0.9, 1, 1.1} {
		for _, dv := range []float64{0.8, 1, 1.25} {
			m := GammaGamma{P: fit.Model.P * dp, Q: 1, V: fit.Model.V / q * dv}
			ll, err := m.TotalLogLikelihood(g)
			require.NoError(t, err)
			assert.LessOrEqual(t, ll, ll1+1e-6, "p=%v v=%v", m.P, m.V)
		}
	}
	// Without the fit at q = 1 (a fit made by hand), the Wald rule.
	fit.haveQ1 = false
	_, ok = fit.MeanSpendSignedRoot()
	assert.False(t, ok)
	assert.False(t, fit.MeanSpendDetermined())
}

// How often the likelihood ratio calls the dealers' mean spend
// determined: at q = 1, where the mean is infinite, about 3% of samples
// (the 2.5% of the test, and the error of order n^−1/2 of the normal
// approximation of the signed root on 200 customers: 3.1% of 9,000
// samples, 41 of these 1,000); at q = 3 all of them. The Wald rule it
// replaced called 3 of these 1,000 determined at q = 1, and 509 at q = 3.
func TestMeanSpendDeterminedRate(t *testing.T) {
	reps := 1000
	rate := func(q float64) (lr, wald int) {
		for s := range reps {
			fit, err := FitGammaGamma(dealerSpend(t, q, 1000+uint64(s)), nil)
			if err != nil {
				var be *BoundaryError
				require.ErrorAs(t, err, &be)
				require.True(t, be.Usable())
			}
			if fit.MeanSpendDetermined() {
				lr++
			}
			if q := fit.Model.Q; q > 1 && (q > math.Exp(ridgeTheta) || q-1 > meanSpendZ*fit.MeanSpendStdErr()) {
				wald++
			}
		}
		return lr, wald
	}
	lr, wald := rate(1)
	t.Logf("q=1: lr %d wald %d of %d", lr, wald, reps)
	assert.LessOrEqual(t, lr, reps*5/100, "q = 1")
	assert.Less(t, wald, lr)
	lr, wald = rate(3)
	t.Logf("q=3: lr %d wald %d of %d", lr, wald, reps)
	assert.GreaterOrEqual(t, lr, reps*99/100, "q = 3")
	assert.Less(t, wald, reps*3/4)
	assert.Less(t, wald, lr)
}

// A fit with q ≤ 1 has no signed root, nor one on the edge q → ∞, and
// neither needs it: the mean is infinite, or determined. Nor has a fit
// made by hand, or one that did not converge.
func TestMeanSpendSignedRootNone(t *testing.T) {
	fit, err := FitGammaGamma(dealerSpend(t, 0.8, 1), nil)
	require.NoError(t, err)
	require.Less(t, fit.Model.Q, 1.0)
	_, ok := fit.MeanSpendSignedRoot()
	assert.False(t, ok)
	assert.False(t, fit.MeanSpendDetermined())
	// A fit made by hand, with the log-likelihood of one and q well above
	// 1: no signed root (ℓ₁ is 0, not the likelihood at q = 1), and the
	// Wald rule.
	hand := GammaGammaFit{Model: GammaGamma{P: 1, Q: 2, V: 1}}
	hand.LogLikelihood = 50
	_, ok = hand.MeanSpendSignedRoot()
	assert.False(t, ok)
	assert.Equal(t, 2-1 > meanSpendZ*hand.MeanSpendStdErr(), hand.MeanSpendDetermined())
	// A fit that did not converge is judged by the Wald rule.
	fit, err = FitGammaGamma(dealerSpend(t, 3, 1), &FitOptions{MaxIterations: 2})
	var ce *ConvergenceError
	require.ErrorAs(t, err, &ce)
	require.Greater(t, fit.Model.Q, 1.0)
	_, ok = fit.MeanSpendSignedRoot()
	assert.False(t, ok)
}

// On CDNOW the likelihood at q = 1 is far below the fit's (q = 3.74).
func TestMeanSpendSignedRootCDNOW(t *testing.T) {
	g, err := GroupSpend(cdnowSpend(t))
	require.NoError(t, err)
	fit, err := FitGammaGamma(g, nil)
	require.NoError(t, err)
	r, ok := fit.MeanSpendSignedRoot()
	require.True(t, ok)
	t.Logf("r=%v", r)
	assert.Greater(t, r, 5.0)
	assert.True(t, fit.MeanSpendDetermined())
}

// The fit at q = 1 runs on the caller's iteration budget. When that
// budget lets the fit converge but ends the fit at q = 1 before its
// maximum (on CDNOW, 16 to 29 iterations), ℓ₁ is too low and r too
// large: the fit then has no signed root and is judged by the Wald rule,
// rather than by an r that overstates the evidence against q = 1.
func TestMeanSpendSignedRootNeedsTheMaximumAtQ1(t *testing.T) {
	g, err := GroupSpend(cdnowSpend(t))
	require.NoError(t, err)
	ref, err := FitGammaGamma(g, nil)
	require.NoError(t, err)
	rRef, ok := ref.MeanSpendSignedRoot()
	require.True(t, ok)
	converged := 0
	for it := 12; it <= 40; it++ {
		fit, err := FitGammaGamma(g, &FitOptions{MaxIterations: it})
		if err != nil {
			continue
		}
		converged++
		r, ok := fit.MeanSpendSignedRoot()
		if !ok {
			assert.Equal(t, fit.Model.Q-1 > meanSpendZ*fit.MeanSpendStdErr(), fit.MeanSpendDetermined(), "MaxIterations %d: the Wald rule", it)
			continue
		}
		assert.LessOrEqual(t, r, rRef+1e-6, "MaxIterations %d: r above that of the maximum at q = 1", it)
	}
	require.Positive(t, converged)
}
