package segment_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// Classifying in the second pass with Scoring.Classify and setting the
// quadrant and the grade afterwards with Model.Quadrant and Model.Grade
// gives Model.Classify's result.
func TestPropertyTwoStepClassifyEqualsClassify(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ins := inputs(t, genPopulation(t), 100)
		rule := rapid.SampledFrom([]segment.Rule{segment.Mean, segment.Median}).Draw(t, "rule")
		m, obs, err := segment.FitInputs(ins, &segment.Options{Rule: rule, Grades: &segment.GradeOptions{}})
		require.NoError(t, err)
		ts := m.Scoring.NewThresholdStats()
		for i := range obs {
			var want, got segment.Result
			require.NoError(t, m.Classify(&want, &obs[i]))
			got.Quadrant, got.Grade = segment.HighValue, segment.GradeA // overwritten
			require.NoError(t, m.Scoring.Classify(&got, &obs[i]))
			require.Zero(t, got.Quadrant)
			require.Zero(t, got.Grade)
			require.NoError(t, ts.AddScore(got.Kind, got.Value))
			got.Quadrant = m.Quadrant(got.Kind, got.Value)
			got.Grade = m.Grade(got.Kind, got.Value)
			require.Equal(t, want, got)
		}
		// The thresholds from the scores of the two-step classification
		// are those of the fit, which scored every observation again.
		m2, err := ts.Model()
		require.NoError(t, err)
		for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
			require.Equal(t, m.Thresholds(k), m2.Thresholds(k))
			require.Equal(t, m.GradeThresholds(k), m2.GradeThresholds(k))
		}
	})
}

// AddScore rejects what no scorer gives, and a rejected score changes
// nothing.
func TestAddScoreRejectsWhatNoScorerGives(t *testing.T) {
	ins := []segment.Input{
		input(t, spec{ID: "a", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 2000}}}, 100),
		input(t, spec{ID: "b", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 5, Qty: 2, Cents: 9000}, {DaysAgo: 50, Qty: 1, Cents: 4000}}}, 100),
	}
	for _, rule := range []segment.Rule{segment.Mean, segment.Median} {
		m, obs, err := segment.FitInputs(ins, &segment.Options{Rule: rule})
		require.NoError(t, err)
		ts := m.Scoring.NewThresholdStats()
		for i := range obs {
			require.NoError(t, ts.Add(&obs[i]))
		}
		for _, tc := range []struct {
			name string
			k    customer.Kind
			v    value.Score
		}{
			{"no kind", customer.Kind(0), value.Score{Current: 0.5, Potential: 0.25}},
			{"unknown kind", customer.Kind(9), value.Score{Current: 0.5, Potential: 0.25}},
			{"off the grid", customer.Consumer, value.Score{Current: 0.1, Potential: 0.25}},
			{"negative", customer.Consumer, value.Score{Current: -0.5, Potential: 0.25}},
			{"above one", customer.Consumer, value.Score{Current: 0.5, Potential: 2}},
			{"NaN", customer.Consumer, value.Score{Current: math.NaN(), Potential: 0.25}},
			{"infinite", customer.Consumer, value.Score{Current: 0.5, Potential: math.Inf(1)}},
		} {
			err := ts.AddScore(tc.k, tc.v)
			require.ErrorIs(t, err, value.ErrInvalidInput, tc.name)
			require.ErrorContains(t, err, "threshold statistics", tc.name)
		}
		got, err := ts.Model()
		require.NoError(t, err)
		require.Equal(t, m.Thresholds(customer.Consumer), got.Thresholds(customer.Consumer), "rule %v", rule)
	}
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
