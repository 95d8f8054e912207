package value_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/value"
)

// Near the float64 limit the range b − a of a min–max measure, the gap
// between two knots of a percentile rank and the sum of a z-score
// overflow, and the fit computes in halves or in units of a power of two
// instead (see normalize.go). The scores are still those of the formulas
// of [value.Method]: min–max (x − a) ÷ (b − a); the percentile rank
// interpolated linearly between the mid-rank shares of the knots; the
// mean of the transformed values for the z-score.
func TestIndicatorsNearTheFloatLimitScoreByTheFormulas(t *testing.T) {
	score := func(t *testing.T, meth value.Method, fit []float64, x float64) float64 {
		t.Helper()
		sc, err := value.Fit(oneLeaf(value.Measure{Indicator: value.Revenue, Transform: value.Linear, Method: meth}), revenues(fit...))
		require.NoError(t, err)
		s, err := sc.Score(&revenues(x)[0])
		require.NoError(t, err)
		return s.Normalized[0]
	}
	ends := []float64{-1.5e308, 1.5e308} // b − a = 3e308 overflows
	t.Run("min-max", func(t *testing.T) {
		// (x − a) ÷ (b − a) = (0.75e308 + 1.5e308) ÷ 3e308 = 0.75.
		assert.InDelta(t, 0.75, score(t, value.MinMax, ends, 0.75e308), 1e-12)
		assert.InDelta(t, 0.5, score(t, value.MinMax, ends, 0), 1e-12)
		assert.InDelta(t, 0.25, score(t, value.MinMax, ends, -0.75e308), 1e-12)
	})
	t.Run("percentile rank", func(t *testing.T) {
		// Mid-rank shares 0.25 and 0.75 at the two knots; 0.75e308 lies
		// three quarters of the way: 0.25 + 0.75 · 0.5 = 0.625.
		assert.InDelta(t, 0.625, score(t, value.PercentileRank, ends, 0.75e308), 1e-12)
		assert.InDelta(t, 0.5, score(t, value.PercentileRank, ends, 0), 1e-12)
		assert.InDelta(t, 0.375, score(t, value.PercentileRank, ends, -0.75e308), 1e-12)
	})
	t.Run("z-score mean", func(t *testing.T) {
		vs := []float64{1e308, 1.5e308, 1.7e308} // their sum overflows
		sc, err := value.Fit(oneLeaf(value.Measure{Indicator: value.Revenue, Transform: value.Linear, Method: value.ZScore}), revenues(vs...))
		require.NoError(t, err)
		f, _ := sc.Fitted(0)
		assert.InEpsilon(t, 1.4e308, f.Mean, 1e-12)
		// SD with divisor n: √(((−0.4)² + 0.1² + 0.3²) ÷ 3) · 1e308.
		assert.InEpsilon(t, 0.2943920288775949e308, f.SD, 1e-12)
	})
}
