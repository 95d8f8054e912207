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
