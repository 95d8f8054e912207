package segment_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// The second pass of a Model or Scoring that no fit made — the
// ThresholdStats of the zero Model's nil Scoring, or a zero
// ThresholdStats — has no first pass to score with: adding a customer or
// a score is an error wrapping ErrNotFitted, as for a kind without
// customers in a fit, and Model is one too, rather than a panic.
func TestUnfittedThresholdStatsRefuseWithoutPanic(t *testing.T) {
	buyer := summarize(t, spec{ID: "C-1", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 30, Qty: 1, Cents: 9900}}}, 1)
	var o segment.Observation
	require.NoError(t, segment.Observe(segment.Input{Summary: buyer}, &o))
	var zero segment.Model
	for name, ts := range map[string]*segment.ThresholdStats{"of the zero Model": zero.NewThresholdStats(), "zero": {}} {
		t.Run(name, func(t *testing.T) {
			err := ts.Add(&o)
			require.True(t, errors.Is(err, segment.ErrNotFitted), "%v", err)
			require.Contains(t, err.Error(), `"C-1"`)
			err = ts.AddScore(customer.Consumer, value.Score{Current: 0.5, Potential: 0.5, Total: 1})
			require.True(t, errors.Is(err, segment.ErrNotFitted), "%v", err)
			m, err := ts.Model()
			require.True(t, errors.Is(err, segment.ErrNotFitted), "%v", err)
			require.Nil(t, m)
		})
	}
}
