package churn

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The errors of a fit on too little data say what is missing, and name
// the package once.
func TestInsufficientDataSaysWhatIsMissing(t *testing.T) {
	g := &Groups{}
	require.NoError(t, g.Add(Observation{Frequency: 0, Recency: 0, T: 10}))
	require.NoError(t, g.Add(Observation{Frequency: 0, Recency: 0, T: 20}))
	_, err := FitBGNBD(g, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
	require.EqualError(t, err, "churn: fit bgnbd: insufficient data to fit the model: none of 2 customers has a repeat purchase")
	_, err = FitParetoNBD(&Groups{}, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
	require.EqualError(t, err, "churn: fit paretonbd: insufficient data to fit the model: no customers")

	s := &SpendGroups{}
	require.NoError(t, s.Add(SpendObservation{Frequency: 2, MeanSpend: 30}))
	_, err = FitGammaGamma(s, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
	require.EqualError(t, err, "churn: fit gammagamma: insufficient data to fit the model: 1 distinct (frequency, mean spend) among 1 customers with repeat purchases and positive spend, want 2")
}

// A model left nil (after a failed fit, say) is an error from every
// function that takes one, never a panic.
func TestNilModel(t *testing.T) {
	o := Observation{ID: "c1", Frequency: 2, Recency: 10, T: 20}
	gg := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	checks := map[string]func() error{
		"ScoreAll": func() error { return ScoreAll(nil, []Observation{o}, 10, make([]Score, 1)) },
		"DiscountedExpectedPurchases": func() error {
			_, err := DiscountedExpectedPurchases(nil, o, 10, 0.01)
			return err
		},
		"DiscountedExpectedPurchasesAll": func() error {
			return DiscountedExpectedPurchasesAll(nil, []Observation{o}, 10, 0.01, make([]float64, 1))
		},
		"CLV": func() error {
			_, err := CLV(nil, gg, o, 35, 10, 0.01)
			return err
		},
		"PAliveAt": func() error {
			_, err := PAliveAt(nil, o, 5)
			return err
		},
		"EvaluateHoldout": func() error {
			_, err := EvaluateHoldout(nil, []Observation{o}, []float64{1}, 10, 7)
			return err
		},
	}
	for name, f := range checks {
		require.NotPanics(t, func() {
			err := f()
			require.ErrorIs(t, err, ErrInvalidParams, name)
			require.Contains(t, err.Error(), "nil model", name)
		}, name)
	}
}

// A function that takes one record names no index in its error; one that
// takes a slice names the position, and both name the ID when there is one.
func TestInputErrorNamesIndexOnlyForSlices(t *testing.T) {
	m := BGNBD{R: 0.24, Alpha: 4.41, A: 0.79, B: 2.43}
	_, err := m.PAlive(Observation{ID: "K-NEW", Frequency: 0, Recency: 0, T: 0})
	require.EqualError(t, err, `churn: customer "K-NEW": T 0: must be positive`)
	_, err = m.PAlive(Observation{T: -1})
	require.EqualError(t, err, `churn: T -1: must be positive`)
	obs := []Observation{{ID: "a", T: 5}, {ID: "b", T: 0}}
	err = ScoreAll(m, obs, 10, make([]Score, 2))
	require.EqualError(t, err, `churn: customer "b" (index 1): T 0: must be positive`)
	obs[1].ID = ""
	err = ScoreAll(m, obs, 10, make([]Score, 2))
	require.EqualError(t, err, `churn: customer index 1: T 0: must be positive`)
	_, err = m.ConditionalExpectedPurchases(obs[0], -1)
	require.ErrorIs(t, err, ErrInvalidInput)
	require.NotContains(t, err.Error(), "index")
}
