package value_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// absRel reports whether a and b agree within tol, absolutely or
// relatively.
func absRel(a, b, tol float64) bool {
	d := math.Abs(a - b)
	return d <= tol || d <= tol*math.Max(math.Abs(a), math.Abs(b))
}

func TestAHPConsistentMatrixReproducesWeights(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, value.MaxAHPOrder).Draw(t, "n")
		w := make([]float64, n)
		sum := 0.0
		for i := range w {
			// Within a factor of 9 of each other, so that every ratio
			// is on Saaty's scale.
			w[i] = rapid.Float64Range(1, 9).Draw(t, "w")
			sum += w[i]
		}
		for i := range w {
			w[i] /= sum
		}
		a := make([][]float64, n)
		for i := range a {
			a[i] = make([]float64, n)
			for j := range a[i] {
				a[i][j] = w[i] / w[j]
			}
			a[i][i] = 1
		}
		r, err := value.AHP(a)
		require.NoError(t, err)
		total := 0.0
		for i := range w {
			require.True(t, absRel(r.Weights[i], w[i], 1e-12), "weight %d: got %v want %v", i, r.Weights[i], w[i])
			total += r.Weights[i]
		}
		require.InDelta(t, 1, total, 1e-12)
		require.InDelta(t, float64(n), r.LambdaMax, 1e-9)
		require.InDelta(t, 0, r.CR, 1e-9)
	})
}

func TestAHPSaatyExample(t *testing.T) {
	// A classic 3×3 example: weights and λmax computed with numpy 1.26
	// (numpy.linalg.eig, principal eigenvector normalised to sum 1).
	a := [][]float64{{1, 3, 5}, {1.0 / 3, 1, 3}, {1.0 / 5, 1.0 / 3, 1}}
	r, err := value.AHP(a)
	require.NoError(t, err)
	want := []float64{0.63698557, 0.25828499, 0.10472943}
	for i := range want {
		assert.InDelta(t, want[i], r.Weights[i], 1e-8)
	}
	assert.InDelta(t, 3.0385110905581727, r.LambdaMax, 1e-12)
	assert.InDelta(t, 0.01925554527908635, r.CI, 1e-12)
	assert.InDelta(t, 0.03319921599842474, r.CR, 1e-12)
}

func TestAHPDefaults(t *testing.T) {
	r, err := value.AHP(value.ConsumerPotentialComparisons())
	require.NoError(t, err)
	// Values computed with numpy 1.24 as in TestAHPSaatyExample.
	assert.InDeltaSlice(t, []float64{0.29696133, 0.53961455, 0.16342412}, r.Weights, 1e-8)
	assert.InDelta(t, 0.007933373029549594, r.CR, 1e-12)
	r, err = value.AHP(value.IntermediaryPotentialComparisons())
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float64{0.35091289, 0.18906042, 0.35091289, 0.1091138}, r.Weights, 1e-8)
	assert.InDelta(t, 0.0038381119410738998, r.CR, 1e-12)
}

func TestAHPBadMatrices(t *testing.T) {
	big := make([][]float64, value.MaxAHPOrder+1)
	for i := range big {
		big[i] = make([]float64, len(big))
		for j := range big[i] {
			big[i][j] = 1
		}
	}
	for _, tc := range []struct {
		name string
		a    [][]float64
		msg  string
	}{
		{"empty", nil, "empty"},
		{"not square", [][]float64{{1, 2}, {0.5}}, "not square"},
		{"zero entry", [][]float64{{1, 0}, {0, 1}}, "positive"},
		{"negative entry", [][]float64{{1, -2}, {-0.5, 1}}, "positive"},
		{"NaN entry", [][]float64{{1, math.NaN()}, {1, 1}}, "positive"},
		{"infinite entry", [][]float64{{1, math.Inf(1)}, {0, 1}}, "positive"},
		{"diagonal not 1", [][]float64{{2, 1}, {1, 1}}, "diagonal"},
		{"not reciprocal", [][]float64{{1, 3}, {3, 1}}, "not reciprocal"},
		{"too large", big, "at most"},
		{"beyond 9", [][]float64{{1, 12}, {1.0 / 12, 1}}, "[0][1] = 12: beyond Saaty's scale 1/9 … 9"},
		{"below 1/9", [][]float64{{1, 0.05}, {20, 1}}, "[0][1] = 0.05: beyond Saaty's scale 1/9 … 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := value.AHP(tc.a)
			require.ErrorIs(t, err, value.ErrInvalidModel)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

// The ends of the scale, typed to three decimals, are on it.
func TestAHPScaleEnds(t *testing.T) {
	r, err := value.AHP([][]float64{{1, 9}, {0.1111, 1}})
	require.NoError(t, err)
	assert.InDelta(t, 0.9, r.Weights[0], 1e-3)
}

func TestAHPInconsistentGivesCR(t *testing.T) {
	// A prefers B, B prefers C, but C strongly preferred to A.
	a := [][]float64{{1, 5, 1.0 / 5}, {1.0 / 5, 1, 5}, {5, 1.0 / 5, 1}}
	r, err := value.AHP(a)
	require.ErrorIs(t, err, value.ErrInconsistent)
	var ce *value.ConsistencyError
	require.True(t, errors.As(err, &ce))
	assert.GreaterOrEqual(t, ce.CR, 0.1)
	assert.Equal(t, r.CR, ce.CR)
	assert.Contains(t, err.Error(), "consistency ratio")
}

func TestAHPReciprocalTolerance(t *testing.T) {
	// 1/3 typed as 0.3333 is accepted.
	_, err := value.AHP([][]float64{{1, 3}, {0.3333, 1}})
	require.NoError(t, err)
}

// TestAHPNearlyReciprocalLambdaBelowN pins the documented floor of CI: a
// matrix accepted within the reciprocity tolerance may have λmax a little
// below n (numpy.linalg.eig: 2.99973331), and CI is then 0, not negative.
func TestAHPNearlyReciprocalLambdaBelowN(t *testing.T) {
	r, err := value.AHP([][]float64{{1, 3, 0.5}, {0.333, 1, 0.1667}, {2, 6, 1}})
	require.NoError(t, err)
	assert.Less(t, r.LambdaMax, 3.0)
	assert.InDelta(t, 2.9997333096, r.LambdaMax, 1e-9)
	assert.Zero(t, r.CI)
	assert.Zero(t, r.CR)
}
