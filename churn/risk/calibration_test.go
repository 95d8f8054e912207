package risk

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// Evaluate reports calibration: the mean risk against the churn rate,
// overall and for every band, so that a manager sees whether "critical"
// customers leave as often as their risk says.
func TestEvaluateCalibration(t *testing.T) {
	m := unresolvedModel(t)
	// risks ½ (none), ⅔ (one), ¾ (two), ⅘ (three unresolved)
	var ex []Example
	for u, labels := range [][]bool{{false, true}, {true, true, false}, {true}, {true, true, true, false}} {
		for _, y := range labels {
			s := steady("C", 10, 30)
			s.Complaints = customer.ComplaintSignals{Total: u, Unresolved: u}
			ex = append(ex, Example{Signals: s, Churned: y})
		}
	}
	ev, err := Evaluate(m, ex)
	require.NoError(t, err)
	want := (2*0.5 + 3*2.0/3 + 0.75 + 4*0.8) / 10
	assert.InDelta(t, want, ev.MeanRisk, 1e-12)
	assert.Equal(t, 7, ev.Churned)
	require.Len(t, ev.Calibration, 4)
	for i, b := range []Band{BandLow, BandWatch, BandHigh, BandCritical} {
		assert.Equal(t, b, ev.Calibration[i].Band)
	}
	// bands 0.3, 0.6, 0.7: ½ is watched, ⅔ high, ¾ and ⅘ critical
	assert.Equal(t, BandCalibration{Band: BandLow}, ev.Calibration[0])
	watch, high, crit := ev.Calibration[1], ev.Calibration[2], ev.Calibration[3]
	assert.Equal(t, 2, watch.N)
	assert.Equal(t, 1, watch.Churned)
	assert.InDelta(t, 0.5, watch.MeanRisk, 1e-12)
	assert.Equal(t, 3, high.N)
	assert.Equal(t, 2, high.Churned)
	assert.InDelta(t, 2.0/3, high.MeanRisk, 1e-12)
	assert.Equal(t, 5, crit.N)
	assert.Equal(t, 4, crit.Churned)
	assert.InDelta(t, (0.75+4*0.8)/5, crit.MeanRisk, 1e-12)
	assert.False(t, math.IsNaN(ev.Calibration[0].MeanRisk))
}

// unresolvedModel is a rule model whose log-odds is ln(1 + u), u the
// unresolved complaints, banded at 0.3, 0.6 and 0.7.
func unresolvedModel(t *testing.T) *Model {
	var w RuleWeights
	w.Features[FeatureUnresolved] = Rule{Weight: 1}
	m, err := Rules(&Options{Rules: &w, Bands: Bands{Watch: 0.3, High: 0.6, Critical: 0.7}})
	require.NoError(t, err)
	return m
}
