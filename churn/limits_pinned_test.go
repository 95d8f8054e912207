package churn

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBetaGeoUnconditionalNoSilentZero pins that BG/NBD and MBG/NBD
// E[X(t)] (FHL 2005 eq. 9; Batislam et al. 2007) never turn a bracket
// they cannot evaluate into 0: with α at the bottom of the float range,
// t/α overflows, and the result is either the limit of eq. 9 as
// t/α → ∞, E[1/p] · pOverC ((a+b−1)/(a−1) for BG/NBD, b/(a−1) for
// MBG/NBD), or an error; never a quiet 0 purchases.
func TestBetaGeoUnconditionalNoSilentZero(t *testing.T) {
	const a, b = 2.0, 3.0
	for _, c := range []struct {
		m     TransactionModel
		limit float64
	}{
		{BGNBD{R: 1, Alpha: 1e-310, A: a, B: b}, (a + b - 1) / (a - 1)},
		{MBGNBD{R: 1, Alpha: 1e-310, A: a, B: b}, b / (a - 1)},
	} {
		v, err := c.m.ExpectedPurchases(1e9)
		if err != nil {
			require.Zero(t, v, "%T", c.m)
			continue
		}
		require.InEpsilon(t, c.limit, v, 1e-6, "%T", c.m)
	}
}

// TestBGBBObservationAtMaxOpportunities pins the limit of BG/BB's
// validation: T = maxOpportunities (1e6) is allowed, so an observation
// that is wrong only in its frequency (more purchases than opportunities
// up to the last, x > t_x) names the frequency alone, not T.
func TestBGBBObservationAtMaxOpportunities(t *testing.T) {
	m := BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}
	_, err := m.PAlive(Observation{ID: "c1", Frequency: 3, Recency: 2, T: maxOpportunities})
	var ie *InputError
	require.True(t, errors.As(err, &ie), "%v", err)
	require.Len(t, ie.Fields, 1, "%v", err)
	require.Equal(t, "frequency", ie.Fields[0].Field)
	_, err = m.PAlive(Observation{Frequency: 2, Recency: 2, T: maxOpportunities + 1})
	require.True(t, errors.As(err, &ie), "%v", err)
	require.Equal(t, "T", ie.Fields[0].Field)
}

// TestTotalLogLikelihoodOfNoGroups pins the empty sum: Σ count · ln L
// over no groups (a nil *Groups) is 0 for every transaction model.
func TestTotalLogLikelihoodOfNoGroups(t *testing.T) {
	for _, m := range []interface {
		TotalLogLikelihood(*Groups) (float64, error)
	}{
		BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4},
		MBGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4},
		ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7},
		BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8},
	} {
		v, err := m.TotalLogLikelihood(nil)
		require.NoError(t, err, "%T", m)
		require.Zero(t, v, "%T", m)
	}
}

// TestNumericalErrorReturnsZero pins that a result which overflows is
// ErrNumerical with the value 0, not a number a caller who looks only at
// the value could take: E[Z] = pγ/(q−1) (note 025) beyond the float
// range.
func TestNumericalErrorReturnsZero(t *testing.T) {
	v, err := GammaGamma{P: 1e300, Q: 2, V: 1e300}.ExpectedSpend()
	require.ErrorIs(t, err, ErrNumerical)
	require.Zero(t, v)
}

// TestProbPurchasesCountLimit pins the range of n of ProbPurchases
// (FHL 2005 eq. 8 and its counterparts): n = 1e7, the largest frequency
// an observation may have, is a count like any other, and 1e7+1 is an
// *InputError of the field "n".
func TestProbPurchasesCountLimit(t *testing.T) {
	for _, m := range []interface {
		ProbPurchases(n int, t float64) (float64, error)
	}{
		BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4},
		MBGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4},
		ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7},
		BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8},
	} {
		p, err := m.ProbPurchases(1e7, 10)
		require.NoError(t, err, "%T", m)
		require.True(t, p >= 0 && p < 1e-9, "%T: %v", m, p)
		_, err = m.ProbPurchases(1e7+1, 10)
		var ie *InputError
		require.True(t, errors.As(err, &ie), "%T: %v", m, err)
		require.Equal(t, "n", ie.Fields[0].Field)
	}
}

// TestHoldoutMaxBinLimitLiteral pins the documented range of maxBin,
// 1 ≤ maxBin ≤ 100000, by its number rather than by the constant that
// implements it: 100000 is accepted and 100001 refused naming "max_bin".
func TestHoldoutMaxBinLimitLiteral(t *testing.T) {
	m := BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4}
	h, err := NewHoldoutAccumulator(m, 39, 100000)
	require.NoError(t, err)
	require.NoError(t, h.Add([]Observation{{Frequency: 1, Recency: 2, T: 5}}, []float64{1}))
	ev, err := h.Evaluation()
	require.NoError(t, err)
	require.Len(t, ev.ByFrequency, 100001)
	_, err = NewHoldoutAccumulator(m, 39, 100001)
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "max_bin", ie.Fields[0].Field)
}

// TestGammaGammaLogLikelihoodIsNote025Density pins GammaGamma's
// per-customer and total log-likelihood to the density of the mean
// spend of note 025 (Fader & Hardie, "The Gamma-Gamma Model of Monetary
// Value", 2013), written out term by term:
//
//	ln f(z̄ | p, q, γ; x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ
//	                      + (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄),
//
// and the total to the fit's log-likelihood at its optimum on CDNOW
// (−4055.9177, CLVTools). A frequency of 0 has no Gamma-Gamma density:
// an *InputError naming the frequency.
func TestGammaGammaLogLikelihoodIsNote025Density(t *testing.T) {
	m := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	for _, c := range [][2]float64{{1, 10}, {2, 35.5}, {7, 3.2}, {20, 120}} {
		x, z := c[0], c[1]
		px := m.P * x
		lgpq, _ := math.Lgamma(px + m.Q)
		lgp, _ := math.Lgamma(px)
		lgq, _ := math.Lgamma(m.Q)
		want := lgpq - lgp - lgq + m.Q*math.Log(m.V) + (px-1)*math.Log(z) + px*math.Log(x) - (px+m.Q)*math.Log(m.V+x*z)
		got, err := m.LogLikelihood(x, z)
		require.NoError(t, err)
		require.InDelta(t, want, got, 1e-12*math.Max(1, math.Abs(want)), "x=%v z=%v", x, z)
	}

	g, err := GroupSpend(cdnowExactWeeks(t).spend)
	require.NoError(t, err)
	fit, err := FitGammaGamma(g, nil)
	require.NoError(t, err)
	total, err := fit.Model.TotalLogLikelihood(g)
	require.NoError(t, err)
	require.InDelta(t, fit.LogLikelihood, total, 1e-8)
	require.InDelta(t, -4055.9177, total, 1e-4)

	_, err = m.LogLikelihood(0, 10)
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "frequency", ie.Fields[0].Field)
}

// TestGammaGammaExpectedSpendNeedsQAboveOne pins the condition of
// E[Z] = pγ/(q−1) (note 025): q = 1 exactly, where the mean is infinite,
// is ErrInvalidParams (the parameters), not a numerical failure.
func TestGammaGammaExpectedSpendNeedsQAboveOne(t *testing.T) {
	v, err := GammaGamma{P: 6.25, Q: 1, V: 15.44}.ExpectedSpend()
	require.ErrorIs(t, err, ErrInvalidParams)
	require.NotErrorIs(t, err, ErrNumerical)
	require.Zero(t, v)
	v, err = GammaGamma{P: 6.25, Q: 2, V: 15.44}.ExpectedSpend()
	require.NoError(t, err)
	require.InDelta(t, 6.25*15.44, v, 1e-12)
}

// TestGammaGammaConditionalSpendDenominator pins the condition of
// E[Z | z̄, x] = p(γ + x z̄)/(px + q − 1) (note 025): a denominator of
// exactly 0 is ErrInvalidParams, and any positive one, however small,
// gives the formula's value.
func TestGammaGammaConditionalSpendDenominator(t *testing.T) {
	_, err := GammaGamma{P: 0.5, Q: 0.5, V: 15}.ConditionalExpectedSpend(1, 20)
	require.ErrorIs(t, err, ErrInvalidParams)
	for _, m := range []GammaGamma{{P: 0.5, Q: 1, V: 15}, {P: 0.25, Q: 1.5, V: 15}} {
		got, err := m.ConditionalExpectedSpend(2, 20)
		require.NoError(t, err, "%+v", m)
		require.InDelta(t, m.P*(m.V+2*20)/(m.P*2+m.Q-1), got, 1e-12, "%+v", m)
	}
}

// TestFitGammaGammaTwoDistinctPairs pins the data FitGammaGamma needs:
// two distinct (frequency, mean spend) pairs are enough (no
// ErrInsufficientData), one is not.
func TestFitGammaGammaTwoDistinctPairs(t *testing.T) {
	obs := []SpendObservation{{Frequency: 1, MeanSpend: 20}, {Frequency: 3, MeanSpend: 35}, {Frequency: 1, MeanSpend: 20}}
	g, err := GroupSpend(obs)
	require.NoError(t, err)
	require.Equal(t, 2, g.Len())
	_, err = FitGammaGamma(g, nil)
	require.NotErrorIs(t, err, ErrInsufficientData)
	g, err = GroupSpend(obs[:1])
	require.NoError(t, err)
	_, err = FitGammaGamma(g, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
}
