package segment_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// A value strictly above the mean of its kind is high even when the mean,
// rounded to a float64, equals it: in a population of 2²³ + 1 consumers
// of whom all but one score 0.5 and one scores 0.5 − Unit, the mean is
// 0.5 − Unit ÷ (2²³ + 1), which rounds to 0.5, and the customers at 0.5
// are above it (domain rules §3.1: above the average is high). The
// customer below stays low, and a value exactly at the mean stays low.
func TestQuadrantAgainstTheExactMean(t *testing.T) {
	if testing.Short() {
		t.Skip("adds 2²³ + 1 scores")
	}
	m, _ := classify(t, inputs(t, []spec{{ID: "a", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 3, Qty: 1, Cents: 1000}}}}, 1), nil)
	ts := m.Scoring.NewThresholdStats()
	const n = 1<<23 + 1
	top := value.Score{Current: 0.5, Potential: 0.5, Total: 1}
	for range n - 1 {
		if err := ts.AddScore(customer.Consumer, top); err != nil {
			t.Fatal(err)
		}
	}
	low := value.Score{Current: 0.5 - value.Unit, Potential: 0.5 - value.Unit, Total: 1 - 2*value.Unit}
	require.NoError(t, ts.AddScore(customer.Consumer, low))
	fitted, err := ts.Model()
	require.NoError(t, err)
	require.Equal(t, segment.HighValue, fitted.Quadrant(customer.Consumer, top), "0.5 is above the mean 0.5 − Unit ÷ n")
	require.Equal(t, segment.LowValue, fitted.Quadrant(customer.Consumer, low))
	// Only the current value above the mean: secondary value.
	require.Equal(t, segment.SecondaryValue, fitted.Quadrant(customer.Consumer, value.Score{Current: 0.5, Potential: 0.5 - value.Unit}))

	// Everybody at 0.5: the mean is 0.5 exactly, and nobody is above it.
	ts = m.Scoring.NewThresholdStats()
	for range n {
		if err := ts.AddScore(customer.Consumer, top); err != nil {
			t.Fatal(err)
		}
	}
	fitted, err = ts.Model()
	require.NoError(t, err)
	require.Equal(t, segment.LowValue, fitted.Quadrant(customer.Consumer, top))
}
