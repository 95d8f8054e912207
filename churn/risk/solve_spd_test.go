package risk

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// solveSPD solves A·v = b by Cholesky factorisation (the Newton step of
// fitLogistic): for A = [[4 2 0] [2 5 1] [0 1 3]] and b = A·(1, 2, 3) =
// (8, 15, 11) it gives (1, 2, 3); a matrix that is not positive definite
// is reported, for the gradient step to take over.
func TestSolveSPD(t *testing.T) {
	a := []float64{4, 2, 0, 2, 5, 1, 0, 1, 3}
	b := []float64{8, 15, 11}
	require.True(t, solveSPD(a, b, 3))
	for i, want := range []float64{1, 2, 3} {
		require.InDelta(t, want, b[i], 1e-12, "v[%d]: %v", i, b)
	}
	require.Equal(t, []float64{4, 2, 0, 2, 5, 1, 0, 1, 3}, a, "A is left as it was")

	for _, m := range [][]float64{
		{1, 2, 2, 1},  // indefinite
		{1, 1, 1, 1},  // singular
		{-1, 0, 0, 1}, // negative diagonal
	} {
		require.False(t, solveSPD(m, []float64{1, 1}, 2), "%v is not positive definite", m)
	}
}
