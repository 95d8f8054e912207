package churn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mathext"
)

// On CDNOW q = 3.74 with a standard error of 0.29: the population mean
// spend pγ/(q−1) is well determined.
func TestMeanSpendDeterminedCDNOW(t *testing.T) {
	g, err := GroupSpend(cdnowSpend(t))
	require.NoError(t, err)
	fit, err := FitGammaGamma(g, nil)
	require.NoError(t, err)
	require.True(t, fit.StdErrOK)
	assert.True(t, fit.MeanSpendDetermined())
	// The least standard error of q on these customers, which serves a
	// fit without errors of its own, is below the fit's own (0.29).
	own := fit.MeanSpendStdErr()
	fit.StdErrOK = false
	assert.Less(t, fit.MeanSpendStdErr(), own)
	assert.Greater(t, fit.MeanSpendStdErr(), own/3)
}

// The Wald rule at its edges, on fits made by hand, which have no fit at
// q = 1 for the likelihood ratio: q − 1 against 1.96 standard errors of
// q, the fit's own or, without them, the least a fit on n customers can
// have (MeanSpendStdErr).
func TestMeanSpendDeterminedRule(t *testing.T) {
	fit := func(q, se float64, ok bool, n int64) GammaGammaFit {
		f := GammaGammaFit{Model: GammaGamma{P: 0.5, Q: q, V: 100}}
		f.StdErrOK, f.Customers = ok, n
		f.params = []Param{{Name: "p", Value: 0.5, StdErr: 0.01}, {Name: "q", Value: q, StdErr: se}, {Name: "v", Value: 100, StdErr: 5}}
		return f
	}
	for _, tc := range []struct {
		q, se float64
		ok    bool
		n     int64
		want  bool
	}{
		{1.00005, 0.0114, true, 3000, false}, // the mean is 10,000·pγ, or infinite
		{1.5, 0.25, true, 3000, true},        // 0.5 > 0.49
		{1.5, 0.26, true, 3000, false},       // 0.5 < 0.5096
		{3.74, 0.29, true, 946, true},
		{1, 0, true, 3000, false},
		{0.8, 0.01, true, 3000, false},
		// No standard errors of the fit's own: the least one on n
		// customers, √(q/(n(qψ′(q) − 1))), 0.0227 for q = 1.00005 and
		// n = 3000, 0.0353 for q = 1.5.
		{0.8, 0, false, 3000, false},
		{1.00005, 0, false, 3000, false},
		{1.04, 0, false, 3000, false}, // 0.04 < 1.96 · 0.0233
		{1.05, 0, false, 3000, true},  // 0.05 > 1.96 · 0.0234
		{1.5, 0, false, 3000, true},
		{1.5, 0, false, 20, false}, // se 0.43 on 20 customers
		{1.5, 0, false, 0, false},  // no customers, no error known
		{2e4, 0, false, 2, true},   // q on the edge q → ∞
		{2e4, 1e9, true, 2, true},
	} {
		assert.Equal(t, tc.want, fit(tc.q, tc.se, tc.ok, tc.n).MeanSpendDetermined(), "q=%v se=%v ok=%v n=%v", tc.q, tc.se, tc.ok, tc.n)
	}
	assert.InDelta(t, 0.0227, fit(1.00005, 0, false, 3000).MeanSpendStdErr(), 5e-5)
	assert.InDelta(t, 0.0353, fit(1.5, 0, false, 3000).MeanSpendStdErr(), 5e-5)
	assert.Equal(t, 0.29, fit(3.74, 0.29, true, 946).MeanSpendStdErr(), "the fit's own")
	assert.True(t, math.IsInf(fit(1.5, 0, false, 0).MeanSpendStdErr(), 1))
}

// trigamma against known values: ψ′(1) = π²/6, ψ′(1/2) = π²/2,
// ψ′(n+1) = π²/6 − Σ_{k≤n} 1/k², and 1/x + 1/(2x²) + … far out.
func TestTrigamma(t *testing.T) {
	assert.InEpsilon(t, math.Pi*math.Pi/6, trigamma(1), 1e-13)
	assert.InEpsilon(t, math.Pi*math.Pi/2, trigamma(0.5), 1e-13)
	want := math.Pi * math.Pi / 6
	for n := 1; n <= 30; n++ {
		want -= 1 / float64(n*n)
		assert.InEpsilon(t, want, trigamma(float64(n+1)), 5e-13, "ψ′(%d)", n+1)
	}
	assert.InEpsilon(t, 1e12+math.Pi*math.Pi/6, trigamma(1e-6), 1e-15)
	assert.InEpsilon(t, 1e-4+0.5e-8+1e-12/6, trigamma(1e4), 1e-14)
	// q·ψ′(q) − 1 stays positive, and near 1/(2q) for large q.
	for _, q := range []float64{1e-3, 0.5, 1, 2, 10, 100, 1e4} {
		assert.Positive(t, q*trigamma(q)-1, "q=%v", q)
	}
	assert.InEpsilon(t, 1/(2*1e4), 1e4*trigamma(1e4)-1, 1e-3)
}

// Mean spends spread over orders of magnitude across customers
// (log-normal with σ = 1.4) are fitted with q near 1 (1.066 with a
// standard error of 0.046 here), where the data do not determine the
// population mean, though the fit itself converges.
func TestMeanSpendUndeterminedHeavyTail(t *testing.T) {
	sigma := 1.4
	r := rand.New(rand.NewPCG(5, 9))
	obs := make([]SpendObservation, 0, 3000)
	for range 3000 {
		x := float64(1 + r.IntN(6))
		obs = append(obs, SpendObservation{Frequency: x, MeanSpend: math.Round(100*math.Exp(sigma*r.NormFloat64())*100) / 100})
	}
	g, err := GroupSpend(obs)
	require.NoError(t, err)
	fit, err := FitGammaGamma(g, nil)
	require.NoError(t, err)
	t.Logf("%+v", fit.Params())
	require.Greater(t, fit.Model.Q, 1.0, "a finite mean, undetermined")
	require.True(t, fit.StdErrOK)
	assert.False(t, fit.MeanSpendDetermined(), "q=%v", fit.Model.Q)
	// A repeat customer's expected spend stays finite and positive.
	z, err := fit.Model.ConditionalExpectedSpend(1, 50)
	require.NoError(t, err)
	assert.Greater(t, z, 0.0)
}

// When every customer spends the same on each order, and the customers'
// spends are inverse-gamma with shape q0 across customers, the fit ends
// on the edge p → ∞, v → 0 with q near q0 and no standard errors. The
// mean spend pγ/(q−1) is then that of the inverse-gamma limit, as little
// determined near q = 1 as inside the parameter space: q0 = 1 (an
// infinite mean, fitted q = 1.0003) must not pass for a determined one,
// and q0 = 1.5 still does.
func TestMeanSpendDeterminedAtTheEdge(t *testing.T) {
	for _, tc := range []struct {
		q0   float64
		want bool
	}{{1, false}, {1.02, false}, {1.5, true}} {
		const n = 3000
		obs := make([]SpendObservation, n)
		for i := range obs {
			u := (float64(i) + 0.5) / n
			obs[i] = SpendObservation{Frequency: float64(1 + (i*7919)%6), MeanSpend: 100 / mathext.GammaIncRegInv(tc.q0, u)}
		}
		fit, be := fitSpendEdge(t, obs, fmt.Sprint(tc.q0))
		require.Contains(t, be.Names, "p", "the edge p → ∞")
		require.False(t, fit.StdErrOK)
		require.Greater(t, fit.Model.Q, 1.0)
		assert.Equal(t, tc.want, fit.MeanSpendDetermined(), "q0=%v q=%v", tc.q0, fit.Model.Q)
	}
}
