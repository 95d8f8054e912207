package complaint_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/complaint"
	"pgregory.net/rapid"
)

// A quantile lies between the order statistics it interpolates, and
// grows with q, over the whole range of time.Duration.
func TestQuantileWithinOrderStatistics(t *testing.T) {
	assert.Equal(t, time.Duration(0), complaint.Quantile([]time.Duration{-1 << 62, 1 << 62}, 0.5))
	assert.Greater(t, complaint.Quantile([]time.Duration{math.MinInt64, math.MaxInt64}, 0.9), time.Duration(0))
	rapid.Check(t, func(t *rapid.T) {
		xs := rapid.SliceOfN(rapid.Int64(), 1, 20).Draw(t, "xs")
		d := make([]time.Duration, len(xs))
		for i, x := range xs {
			d[i] = time.Duration(x)
		}
		slices.Sort(d)
		q1 := rapid.Float64Range(0, 1).Draw(t, "q1")
		q2 := rapid.Float64Range(q1, 1).Draw(t, "q2")
		a, b := complaint.Quantile(d, q1), complaint.Quantile(d, q2)
		h := float64(len(d)-1) * q1
		lo, hi := d[int(math.Floor(h))], d[min(int(math.Ceil(h)), len(d)-1)]
		if a < lo || a > hi {
			t.Fatalf("Quantile(%v, %v) = %v, outside [%v, %v]", d, q1, a, lo, hi)
		}
		if b < a {
			t.Fatalf("Quantile(%v, %v) = %v < Quantile(…, %v) = %v", d, q2, b, q1, a)
		}
	})
}

// Where b − a overflows, Quantile interpolates in float64, which cannot
// hold every Duration near the limits: a result that rounds to the float
// of the lower bound is that bound, not the Duration below it that the
// float stands for (type 7 of Hyndman & Fan 1996 lies within
// [x[⌊h⌋], x[⌊h⌋+1]]).
func TestQuantileRoundsToTheLowerBoundNearTheLimits(t *testing.T) {
	lo := time.Duration(math.MinInt64 + 1) // float64(lo) is −2⁶³, below it
	assert.Equal(t, lo, complaint.Quantile([]time.Duration{lo, math.MaxInt64}, 1e-30))
}
