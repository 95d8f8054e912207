package churn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
}

// The rule at its edges, on fits made by hand: q − 1 against 1.96
// standard errors of q.
func TestMeanSpendDeterminedRule(t *testing.T) {
	fit := func(q, se float64, ok bool) GammaGammaFit {
		f := GammaGammaFit{Model: GammaGamma{P: 0.5, Q: q, V: 100}}
		f.StdErrOK = ok
		f.params = []Param{{Name: "p", Value: 0.5, StdErr: 0.01}, {Name: "q", Value: q, StdErr: se}, {Name: "v", Value: 100, StdErr: 5}}
		return f
	}
	for _, tc := range []struct {
		q, se float64
		ok    bool
		want  bool
	}{
		{1.00005, 0.0114, true, false}, // the mean is 10,000·pγ, or infinite
		{1.5, 0.25, true, true},        // 0.5 > 0.49
		{1.5, 0.26, true, false},       // 0.5 < 0.5096
		{3.74, 0.29, true, true},
		{1, 0, true, false},
		{0.8, 0.01, true, false},
		{0.8, 0, false, false}, // no standard errors: q > 1 alone
		{1.00005, 0, false, true},
	} {
		assert.Equal(t, tc.want, fit(tc.q, tc.se, tc.ok).MeanSpendDetermined(), "q=%v se=%v ok=%v", tc.q, tc.se, tc.ok)
	}
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
