package value_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/value"
)

// Reciprocals typed to three decimals are 0.1 % off at most for 1/3,
// 1/7 and 1/9 (0.333 · 3 = 0.999, 0.143 · 7 = 1.001, 0.111 · 9 =
// 0.999): all three are within the tolerance of 0.1 % alike, whatever the
// rounding of the product in float64. 1/6 typed as 0.167 is 0.2 % off
// and refused.
func TestAHPReciprocalsTypedToThreeDecimals(t *testing.T) {
	for _, c := range []struct {
		x, typed float64
	}{{3, 0.333}, {7, 0.143}, {9, 0.111}} {
		r, err := value.AHP([][]float64{{1, c.x}, {c.typed, 1}})
		require.NoError(t, err, "1/%v typed as %v", c.x, c.typed)
		require.InDelta(t, 1, r.Weights[0]+r.Weights[1], 1e-12)
		_, err = value.AHP([][]float64{{1, c.typed}, {c.x, 1}})
		require.NoError(t, err, "1/%v typed as %v, below the diagonal", c.x, c.typed)
	}
	_, err := value.AHP([][]float64{{1, 6}, {0.167, 1}})
	require.ErrorIs(t, err, value.ErrInvalidModel)
	require.ErrorContains(t, err, "not reciprocal")
}
