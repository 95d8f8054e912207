package churn

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// spendScaled returns obs with every mean spend multiplied by k.
func spendScaled(obs []SpendObservation, k float64) []SpendObservation {
	out := make([]SpendObservation, len(obs))
	for i, o := range obs {
		o.MeanSpend *= k
		out[i] = o
	}
	return out
}

// fitSpendEdge fits Gamma-Gamma to obs and requires a usable
// *BoundaryError whose Limits match its Names.
func fitSpendEdge(t *testing.T, obs []SpendObservation, msg string) (GammaGammaFit, *BoundaryError) {
	t.Helper()
	g, err := GroupSpend(obs)
	require.NoError(t, err, msg)
	fit, err := FitGammaGamma(g, nil)
	var be *BoundaryError
	require.ErrorAs(t, err, &be, msg)
	require.ErrorIs(t, err, ErrBoundary, msg)
	require.True(t, be.Usable(), msg)
	require.Equal(t, "gammagamma", be.Model, msg)
	require.Len(t, be.Limits, len(be.Names), msg)
	require.Equal(t, fit.Params(), be.Params, msg)
	require.Equal(t, fit.LogLikelihood, be.LogLikelihood, msg)
	require.NotEmpty(t, be.Meaning, msg)
	require.Contains(t, err.Error(), be.Meaning, msg)
	return fit, be
}

// edges returns the verdict of be as "name→end" strings.
func edges(be *BoundaryError) []string {
	out := make([]string, len(be.Names))
	for i, n := range be.Names {
		out[i] = fmt.Sprintf("%s→%v", n, be.Limits[i])
	}
	return out
}

// Every repeat customer spends exactly the same on every transaction: the
// spend varies neither within nor between customers, and the likelihood
// of the mean spends grows without bound as p and q → ∞. The fit says so
// (p → ∞, q → ∞), its model is usable, every expected spend is the
// common spend, and none of it depends on the currency unit.
func TestFitGammaGammaIdenticalSpend(t *testing.T) {
	var obs []SpendObservation
	for i := 0; i < 50; i++ {
		obs = append(obs, SpendObservation{ID: fmt.Sprint("c", i), Frequency: float64(1 + i%5), MeanSpend: 10})
	}
	for _, k := range []float64{1, 1e-3, 0.01, 7, 1e3, 1e6, 1e8} {
		msg := fmt.Sprint("k=", k)
		fit, be := fitSpendEdge(t, spendScaled(obs, k), msg)
		require.Subset(t, edges(be), []string{"p→+Inf", "q→+Inf"}, msg)
		require.NotContains(t, be.Names, "v", msg) // γ follows p/q: not at an edge of its own
		require.Contains(t, be.Meaning, "neither between a customer's transactions nor between customers", msg)
		for x := 1.0; x <= 5; x++ {
			z, err := fit.Model.ConditionalExpectedSpend(x, 10*k)
			require.NoError(t, err, msg)
			closeTo(t, 10, z/k, 1e-6, msg, x)
		}
		z, err := fit.Model.ExpectedSpend()
		require.NoError(t, err, msg)
		closeTo(t, 10, z/k, 1e-6, msg)
	}
}

// Spend does not vary between a customer's transactions but does between
// customers (shoppers at 10.00 a transaction and a few dealers at a
// larger amount, pooled): p → ∞ and γ → 0 with p·γ finite. The verdict
// names both, with their ends, whatever the currency unit and wherever on
// the ridge the optimiser stops; before, it named p alone, v alone or
// both, depending on the unit. Each customer's expected spend is the
// customer's own mean.
func TestFitGammaGammaDeterministicSpend(t *testing.T) {
	for _, dz := range []float64{20, 50, 100, 500, 5000} {
		var obs []SpendObservation
		for i := 0; i < 50; i++ {
			obs = append(obs, SpendObservation{Frequency: float64(1 + i%5), MeanSpend: 10})
		}
		for i := 0; i < 5; i++ {
			obs = append(obs, SpendObservation{Frequency: 3, MeanSpend: dz})
		}
		var q float64
		for _, k := range []float64{1, 1e-3, 0.01, 100, 1e4, 1e6, 1e8} {
			msg := fmt.Sprint("dealers at ", dz, ", k=", k)
			fit, be := fitSpendEdge(t, spendScaled(obs, k), msg)
			require.Equal(t, []string{"p→+Inf", "v→0"}, edges(be), msg)
			require.Contains(t, be.Meaning, "own mean spend", msg)
			// q, the shape of the spread of the mean spends, is identified.
			if k == 1 {
				q = fit.Model.Q
			}
			relClose(t, q, fit.Model.Q, 1e-3, msg)
			for _, c := range []struct{ x, z float64 }{{1, 10}, {5, 10}, {3, dz}} {
				z, err := fit.Model.ConditionalExpectedSpend(c.x, c.z*k)
				require.NoError(t, err, msg)
				relClose(t, c.z, z/k, 1e-5, msg, c)
			}
		}
	}
}

// Mean spends that differ by a cent or two, as rounding leaves them: the
// fit is at the edge with the same verdict in every currency unit, and
// every expected spend is finite and within the spread of the data.
func TestFitGammaGammaTinySpread(t *testing.T) {
	var obs []SpendObservation
	for i := 0; i < 50; i++ {
		obs = append(obs, SpendObservation{Frequency: float64(1 + i%5), MeanSpend: 10 + 0.01*float64(i%3)})
	}
	var ref []string
	for _, k := range []float64{1, 0.01, 1e3, 1e6} {
		msg := fmt.Sprint("k=", k)
		fit, be := fitSpendEdge(t, spendScaled(obs, k), msg)
		if ref == nil {
			ref = edges(be)
		}
		require.Equal(t, ref, edges(be), msg)
		require.Contains(t, be.Names, "p", msg)
		for _, o := range obs[:15] {
			z, err := fit.Model.ConditionalExpectedSpend(o.Frequency, o.MeanSpend*k)
			require.NoError(t, err, msg)
			require.True(t, z/k >= 10-1e-9 && z/k <= 10.02+1e-9, "%s: x=%v z=%v: %v", msg, o.Frequency, o.MeanSpend, z/k)
		}
	}
}

// The transaction models say which end each boundary parameter runs to.
// Here everyone buys every week to the end: nobody drops out (the
// dropout probability's a → 0 and b → ∞, the dropout rate's s → 0 and
// beta → ∞), and the purchase rates do not vary (r, alpha → ∞).
func TestFitBoundaryLimits(t *testing.T) {
	var obs []Observation
	for i := 0; i < 200; i++ {
		T := float64(20 + i%20)
		obs = append(obs, Observation{Frequency: T, Recency: T, T: T})
	}
	g := groupsOf(t, obs)
	want := map[string]float64{"r": math.Inf(1), "alpha": math.Inf(1), "a": 0, "b": math.Inf(1), "s": 0, "beta": math.Inf(1)}
	for _, fit := range []func() error{
		func() error { _, err := FitBGNBD(g, nil); return err },
		func() error { _, err := FitMBGNBD(g, nil); return err },
		func() error { _, err := FitParetoNBD(g, nil); return err },
	} {
		var be *BoundaryError
		require.True(t, errors.As(fit(), &be))
		require.Len(t, be.Limits, len(be.Names), be.Model)
		for i, n := range be.Names {
			end, ok := want[n]
			require.True(t, ok, "%s: %s", be.Model, n)
			require.Equal(t, end, be.Limits[i], "%s: %s", be.Model, n)
		}
	}
}
