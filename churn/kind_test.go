package churn

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestModelKind(t *testing.T) {
	for _, k := range []ModelKind{ModelBGNBD, ModelParetoNBD, ModelMBGNBD, ModelGammaGamma, ModelBGBB} {
		got, err := ParseModelKind(k.String())
		require.NoError(t, err)
		require.Equal(t, k, got)
		b, err := json.Marshal(k)
		require.NoError(t, err)
		var back ModelKind
		require.NoError(t, json.Unmarshal(b, &back))
		require.Equal(t, k, back)
	}
	require.Equal(t, "ModelKind(0)", ModelKind(0).String())
	require.Equal(t, "ModelKind(9)", ModelKind(9).String())
	_, err := ParseModelKind("BGNBD")
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = ModelKind(0).MarshalText()
	require.ErrorIs(t, err, ErrInvalidInput)
	var k ModelKind
	require.Error(t, k.UnmarshalText([]byte("bg/bb")))
	require.Equal(t, ModelKind(0), k)
}

func TestFitTransactionModel(t *testing.T) {
	g := groupsOf(t, cdnowExactWeeks(t).cal)
	want := map[ModelKind]float64{ModelBGNBD: -9582.4292, ModelParetoNBD: -9594.9762, ModelMBGNBD: -9582.1357}
	for k, ll := range want {
		fit, err := FitTransactionModel(k, g, nil)
		require.NoError(t, err)
		closeTo(t, ll, fit.Diagnostics().LogLikelihood, 1e-8, k)
		require.Equal(t, k.String(), fit.Transactions().Name())
		require.Len(t, fit.Params(), 4)
	}
	_, err := FitTransactionModel(ModelGammaGamma, g, nil)
	require.ErrorIs(t, err, ErrInvalidInput)
	fit, err := FitTransactionModel(ModelBGNBD, &Groups{}, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
	require.Nil(t, fit)
	fit, err = FitTransactionModel(ModelParetoNBD, g, &FitOptions{MaxIterations: 1})
	require.ErrorIs(t, err, ErrNoConvergence)
	require.NotNil(t, fit)
}
