package churn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// steppedSmooth is the aliveSmooth of a model whose values at the
// horizons in [lo, hi] carry a relative error step: an error spread over
// the nodes of a panel that lie there.
type steppedSmooth struct {
	aliveSmooth
	lo, hi, step float64
}

func (s steppedSmooth) aliveExpectationsAt(x, T float64, ts, out []float64) bool {
	if !s.aliveSmooth.aliveExpectationsAt(x, T, ts, out) {
		return false
	}
	for j, t := range ts {
		if t >= s.lo && t <= s.hi {
			out[j] *= 1 + s.step
		}
	}
	return true
}

// Errors of 3e-10 relative in the values of g at the nodes in a range of
// horizons, which can leave the two check points of their panel within
// smoothTol, moved the discounted sum by up to 3e-12 relative:
// discountedSmooth either reports them (false) or stays within 1e-12 of
// the sum of the exact g period by period.
func TestDiscountedSmoothDetectsSteppedNodes(t *testing.T) {
	m := BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591}
	week := math.Pow(1.1, 1.0/52) - 1
	const x, T, n = 2, 30.43, 5200
	want, _, err := discountedPeriods(m, x, T, n, week)
	require.NoError(t, err)
	got, ok := discountedSmooth(m, m, x, T, n, week)
	require.True(t, ok)
	require.InDelta(t, want, got, 1e-12*want, "unperturbed")
	reported := 0
	worst := 0.0
	for lo := 65.0; lo < n; lo *= 1.05 {
		for _, width := range []float64{1.05, 1.2, 1.5} {
			got, ok := discountedSmooth(m, steppedSmooth{m, lo, lo * width, 3e-10}, x, T, n, week)
			if !ok {
				reported++
				continue
			}
			worst = math.Max(worst, math.Abs(got/want-1))
			require.InDelta(t, want, got, 1e-12*want, "errors at t in [%v, %v]", lo, lo*width)
		}
	}
	t.Logf("%d perturbations reported, the others moved the sum by at most %.2g", reported, worst)
}
