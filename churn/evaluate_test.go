package churn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEvaluateHoldoutCDNOW(t *testing.T) {
	hc := cdnowExactWeeks(t)
	m := BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591}
	ev, err := EvaluateHoldout(m, hc.cal, hc.actual, hc.horizon, 7)
	require.NoError(t, err)
	require.Equal(t, 2357, ev.Customers)
	// README: expected 1653.41 against 1,882 actual, MAE 0.78545.
	closeTo(t, 1653.41, ev.TotalExpected, 1e-5)
	closeTo(t, 1882, ev.TotalActual, 0)
	closeTo(t, 0.78545, ev.MAE, 1e-5)
	t.Logf("RMSE %.6f AUC %.6f Brier %.6f", ev.RMSE, ev.AUC, ev.Brier)
	// Independent checks: AUC by counting pairs, per-bin sums.
	var pairs, wins float64
	for i := range hc.cal {
		if hc.actual[i] != 0 {
			continue
		}
		for j := range hc.cal {
			if hc.actual[j] == 0 {
				continue
			}
			pairs++
			si, sj := 1-ev.PAlive[i], 1-ev.PAlive[j]
			switch {
			case si > sj:
				wins++
			case si == sj:
				wins += 0.5
			}
		}
	}
	require.True(t, ev.AUCDefined)
	closeTo(t, wins/pairs, ev.AUC, 1e-12)
	// BG/NBD gives P(alive) = 1 to every customer without a repeat
	// purchase, and those are the likeliest to stay silent in the holdout,
	// so 1 − P(alive) ranks worse than chance here (values pinned after the
	// pairwise check above).
	closeTo(t, 0.315790, ev.AUC, 1e-6)
	closeTo(t, 0.608294, ev.Brier, 1e-6)
	closeTo(t, 1.607982, ev.RMSE, 1e-6)
	require.Len(t, ev.ByFrequency, 8)
	var custs int
	var sumE, sumA float64
	for _, b := range ev.ByFrequency {
		custs += b.Customers
		sumE += b.MeanExpected * float64(b.Customers)
		sumA += b.MeanActual * float64(b.Customers)
	}
	require.Equal(t, 2357, custs)
	closeTo(t, ev.TotalExpected, sumE, 1e-9)
	closeTo(t, ev.TotalActual, sumA, 1e-9)
	require.Equal(t, 1411, ev.ByFrequency[0].Customers)
	require.True(t, ev.ByFrequency[7].AndAbove)
}

// MBG/NBD and Pareto/NBD let one-time buyers drop out, and P(alive) becomes
// a useful churn score.
func TestEvaluateHoldoutCDNOWOtherModels(t *testing.T) {
	hc := cdnowExactWeeks(t)
	g := groupsOf(t, hc.cal)
	mb, err := FitMBGNBD(g, nil)
	require.NoError(t, err)
	pn, err := FitParetoNBD(g, nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		m                      TransactionModel
		total, mae, auc, brier float64
	}{
		{mb.Model, 1576.728, 0.76478, 0.686648, 0.205669},
		{pn.Model, 1665.513, 0.75452, 0.726217, 0.193760},
	} {
		ev, err := EvaluateHoldout(tc.m, hc.cal, hc.actual, hc.horizon, 7)
		require.NoError(t, err)
		closeTo(t, tc.total, ev.TotalExpected, 1e-6, tc.m.Name())
		closeTo(t, tc.mae, ev.MAE, 1e-5, tc.m.Name())
		closeTo(t, tc.auc, ev.AUC, 1e-5, tc.m.Name())
		closeTo(t, tc.brier, ev.Brier, 1e-5, tc.m.Name())
	}
}

func TestEvaluateHoldoutBadInput(t *testing.T) {
	m := BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4}
	obs := []Observation{{Frequency: 1, Recency: 2, T: 5}, {Frequency: 0, T: 3}}
	_, err := EvaluateHoldout(m, obs, []float64{1}, 39, 7)
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = EvaluateHoldout(m, obs, []float64{1, -1}, 39, 7)
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 1, ie.Index)
	_, err = EvaluateHoldout(m, obs, []float64{1, 0}, 39, 0)
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = EvaluateHoldout(m, nil, nil, 39, 7)
	require.ErrorIs(t, err, ErrInsufficientData)
	ev, err := EvaluateHoldout(m, obs, []float64{1, 2}, 39, 7)
	require.NoError(t, err)
	require.False(t, ev.AUCDefined)
	require.Zero(t, ev.AUC)
}

// TestEvaluateHoldoutUndefined pins the documented values of the
// undefined parts: AUC with one class only, the means of an empty bin.
func TestEvaluateHoldoutUndefined(t *testing.T) {
	m := BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591}
	cal := []Observation{{Frequency: 0, T: 30}, {Frequency: 3, Recency: 20, T: 30}}
	for _, actual := range [][]float64{{0, 0}, {1, 2}} {
		ev, err := EvaluateHoldout(m, cal, actual, 39, 2)
		require.NoError(t, err)
		require.False(t, ev.AUCDefined, "one class: %v", actual)
		require.Zero(t, ev.AUC)
		require.Len(t, ev.ByFrequency, 3)
		require.Zero(t, ev.ByFrequency[1].Customers)
		require.Zero(t, ev.ByFrequency[1].MeanExpected)
		require.Zero(t, ev.ByFrequency[1].MeanActual)
		require.Equal(t, 1, ev.ByFrequency[2].Customers)
	}
}

// TestEvaluateHoldoutHugeMaxBin: a maxBin beyond any frequency the package
// accepts is an input error naming the field, not a panic or an
// allocation of that many bins.
func TestEvaluateHoldoutHugeMaxBin(t *testing.T) {
	m := BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4}
	obs := []Observation{{Frequency: 1, Recency: 2, T: 5}}
	for _, k := range []int{maxHoldoutBin + 1, math.MaxInt} {
		var ie *InputError
		_, err := EvaluateHoldout(m, obs, []float64{1}, 39, k)
		require.ErrorAs(t, err, &ie, "maxBin %d", k)
		require.Equal(t, "max_bin", ie.Fields[0].Field)
	}
	ev, err := EvaluateHoldout(m, obs, []float64{1}, 39, maxHoldoutBin)
	require.NoError(t, err)
	require.Len(t, ev.ByFrequency, maxHoldoutBin+1)
}
