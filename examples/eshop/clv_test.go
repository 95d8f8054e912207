package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
)

// A customer without a repeat purchase is given the spend model's mean
// spend p·v/(q−1): with q = 1.00005 that is 10,000·p·v, and when the fit
// does not determine it (Models.SpendMean false) the insight leaves the
// clv out rather than show a number of any size. A repeat customer keeps
// a clv either way.
func TestCLVWithoutADeterminedMeanSpend(t *testing.T) {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	sum := *customer.NewSummary("C-1", customer.Consumer, asOf, nil)
	m := &Models{
		Alive: churn.BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4},
		Spend: &churn.GammaGamma{P: 0.46, Q: 1.00005, V: 29954},
	}
	once := churn.Observation{ID: "C-1", Frequency: 0, Recency: 0, T: 20}
	again := churn.Observation{ID: "C-1", Frequency: 2, Recency: 10, T: 20}

	assert.Nil(t, m.clv(once, sum), "no repeat purchase, mean not determined")
	require.NotNil(t, m.clv(again, sum), "a repeat customer keeps a clv")

	m.SpendMean = true
	v := m.clv(once, sum)
	require.NotNil(t, v, "a determined mean")
	assert.Greater(t, *v, 1e6, "the mean spend of this model is 10,000·p·v")

	m.Spend = nil
	assert.Nil(t, m.clv(again, sum))
}

// When the spend model does not determine the mean spend, the models say
// so in their notes (GET /v1/models), which is where an analyst looks
// for why one-time buyers have no clv_52w; a determined mean adds none.
func TestSpendMeanNote(t *testing.T) {
	fit := func(sigma float64) churn.GammaGammaFit {
		r := rand.New(rand.NewPCG(5, 9))
		obs := make([]churn.SpendObservation, 0, 3000)
		for range 3000 {
			x := float64(1 + r.IntN(6))
			obs = append(obs, churn.SpendObservation{Frequency: x, MeanSpend: math.Round(100*math.Exp(sigma*r.NormFloat64())*100) / 100})
		}
		g, err := churn.GroupSpend(obs)
		require.NoError(t, err)
		f, err := churn.FitGammaGamma(g, nil)
		require.NoError(t, err)
		return f
	}
	wide := fit(1.4) // q = 1.066 ± 0.046
	require.False(t, wide.MeanSpendDetermined())
	r, ok := wide.MeanSpendSignedRoot()
	require.True(t, ok)
	assert.InDelta(t, 1.48, r, 0.01)
	assert.Equal(t, "gamma-gamma: q = 1.07 cannot be told from 1 (signed root of the likelihood ratio 1.5, not above 1.96), so the mean spend p·v/(q−1) is not determined: customers without a repeat purchase have no clv_52w", spendMeanNote(wide))
	// A fit without the signed root (here one made by hand) is judged
	// by the standard error of q, and its note gives that.
	hand := churn.GammaGammaFit{Model: churn.GammaGamma{P: 1, Q: 1.05, V: 10}}
	hand.Customers = 400
	assert.Equal(t, fmt.Sprintf("gamma-gamma: q = 1.05 is within 1.96 standard errors (%.2g) of 1, so the mean spend p·v/(q−1) is not determined: customers without a repeat purchase have no clv_52w", hand.MeanSpendStdErr()), spendMeanNote(hand))
	narrow := fit(0.5)
	require.True(t, narrow.MeanSpendDetermined())
	assert.Empty(t, spendMeanNote(narrow))
}
