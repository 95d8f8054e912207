package segment_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// Classifying in the second pass with Scoring.Classify and setting the
// quadrant afterwards with Model.Quadrant gives Model.Classify's result.
func TestPropertyTwoStepClassifyEqualsClassify(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ins := inputs(t, genPopulation(t), 100)
		rule := rapid.SampledFrom([]segment.Rule{segment.Mean, segment.Median}).Draw(t, "rule")
		m, obs, err := segment.FitInputs(ins, &segment.Options{Rule: rule})
		require.NoError(t, err)
		for i := range obs {
			var want, got segment.Result
			require.NoError(t, m.Classify(&want, &obs[i]))
			got.Quadrant = segment.HighValue // overwritten
			require.NoError(t, m.Scoring.Classify(&got, &obs[i]))
			require.Zero(t, got.Quadrant)
			got.Quadrant = m.Quadrant(got.Kind, got.Value)
			require.Equal(t, want, got)
		}
	})
}

func TestQuadrantOfInvalidKind(t *testing.T) {
	ins := []segment.Input{
		input(t, spec{ID: "a", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 2000}}}, 100),
		input(t, spec{ID: "b", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 5, Qty: 2, Cents: 9000}, {DaysAgo: 50, Qty: 1, Cents: 4000}}}, 100),
	}
	m, _, err := segment.FitInputs(ins, nil)
	require.NoError(t, err)
	require.Zero(t, m.Quadrant(customer.Kind(0), value.Score{Current: 1, Potential: 1}))
	th := m.Thresholds(customer.Consumer)
	require.Equal(t, segment.HighValue, m.Quadrant(customer.Consumer, value.Score{Current: th.Current + 0.1, Potential: th.Potential + 0.1}))
	require.Equal(t, segment.LowValue, m.Quadrant(customer.Consumer, value.Score{Current: th.Current, Potential: th.Potential}))
	require.Equal(t, segment.PotentialValue, m.Quadrant(customer.Consumer, value.Score{Current: th.Current, Potential: th.Potential + 0.1}))
	require.Equal(t, segment.SecondaryValue, m.Quadrant(customer.Consumer, value.Score{Current: th.Current + 0.1, Potential: th.Potential}))
}
