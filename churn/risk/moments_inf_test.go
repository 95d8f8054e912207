package risk

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// Moments.Add ignores a NaN and an infinite value of either sign, as its
// doc says: the moments of a population stay finite.
func TestMomentsIgnoreNonFinite(t *testing.T) {
	m := Moments{}.Add(2).Add(4)
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		require.Equal(t, m, m.Add(x), "%v", x)
	}
}
