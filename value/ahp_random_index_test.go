package value_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/value"
)

// saatyRI is Saaty's random consistency index RI(n), n = 1 … 15, as
// "The Analytic Hierarchy Process" (Saaty 1980) is usually reproduced:
// the table the doc comment of [value.RandomIndex] names.
var saatyRI = [...]float64{0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59}

// TestAHPRandomIndexIsSaatysTable pins every entry of the random index,
// and that the consistency ratio of a matrix of order n divides by
// RI(n) of that order: CR = CI ÷ RI(n) (Saaty 1980; domain rules §2,
// AHP with a consistency check). A mildly inconsistent matrix of every
// order 3 … 15 (one judgement off by a factor of 2 from a consistent
// matrix) is scored: every order of the table is accepted
// ([value.MaxAHPOrder] is 15).
func TestAHPRandomIndexIsSaatysTable(t *testing.T) {
	require.Len(t, value.RandomIndex, len(saatyRI))
	require.Equal(t, len(saatyRI)-1, value.MaxAHPOrder)
	for n := range saatyRI {
		assert.Equal(t, saatyRI[n], value.RandomIndex[n], "RI(%d)", n)
	}
	for n := 3; n < len(saatyRI); n++ {
		a := make([][]float64, n)
		for i := range a {
			a[i] = make([]float64, n)
			for j := range a[i] {
				a[i][j] = float64(j+1) / float64(i+1) // w_i ∝ 1 ÷ (i+1); ratios within 1/9 … 9 for n ≤ 9
				if n > 9 {
					a[i][j] = 1
				}
			}
		}
		a[0][1], a[1][0] = 2*a[0][1], a[1][0]/2
		r, err := value.AHP(a)
		if err != nil {
			require.ErrorIs(t, err, value.ErrInconsistent, "order %d", n)
		}
		require.Greater(t, r.CI, 0.0, "order %d", n)
		assert.InDelta(t, r.CI/saatyRI[n], r.CR, 1e-15, "order %d: CR = CI ÷ RI(%d)", n, n)
	}
}
