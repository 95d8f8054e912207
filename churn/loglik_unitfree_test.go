package churn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBetaGeoLogLikelihoodUnitFree: the BG/NBD and MBG/NBD log-likelihood
// of a customer in days is that in weeks less x·ln 7 (the density of x
// purchase times, each 7 times finer), with α in the same unit. Where r
// and α grow together (purchase rates that do not vary between
// customers) the likelihood must keep that identity as the fit's
// objective does, and agree with the fit's own log-likelihood: r ln α
// and (r+x) ln(α+T) taken apart at r, α ≈ 1e9 kept six digits.
func TestBetaGeoLogLikelihoodUnitFree(t *testing.T) {
	week := Observation{Frequency: 2, Recency: 30.43, T: 38.86}
	day := Observation{Frequency: 2, Recency: 30.43 * 7, T: 38.86 * 7}
	for _, p := range [][4]float64{{0.24, 4.41, 0.79, 2.43}, {3e6, 1e7, 1.5, 3}, {1e9, 2e9, 0.8, 2.4}, {2e12, 3e12, 0.5, 5}} {
		for _, m := range []interface {
			LogLikelihood(Observation) (float64, error)
		}{BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}, MBGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}} {
			lw, err := m.LogLikelihood(week)
			require.NoError(t, err)
			var ld float64
			switch m := m.(type) {
			case BGNBD:
				m.Alpha *= 7
				ld, err = m.LogLikelihood(day)
			case MBGNBD:
				m.Alpha *= 7
				ld, err = m.LogLikelihood(day)
			}
			require.NoError(t, err)
			assert.InDelta(t, lw-2*math.Log(7), ld, 1e-9, "%T %v", m, p)
		}
	}
	// the per-customer log-likelihood agrees with the fit's objective
	var g Groups
	require.NoError(t, g.AddGroup(Group{Frequency: week.Frequency, Recency: week.Recency, T: week.T}, 3))
	require.NoError(t, g.AddGroup(Group{Frequency: 0, Recency: 0, T: 38}, 2))
	for _, shift := range []float64{0, 1} {
		f := betaGeoObjective(prepare(&g), shift)
		p := [4]float64{1e9, 2e9, 0.8, 2.4}
		want := -5 * f([]float64{math.Log(p[0]), math.Log(p[1]), math.Log(p[2]), math.Log(p[3])}, nil)
		m := betaGeo{r: p[0], alpha: p[1], a: p[2], b: p[3], shift: shift}
		got := 3*m.logLik(week.Frequency, week.Recency, week.T) + 2*m.logLik(0, 0, 38)
		assert.InDelta(t, want, got, 1e-9, "shift %v", shift)
	}
}
