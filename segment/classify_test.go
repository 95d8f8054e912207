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

// A quadrant needs the thresholds of the customer's kind. When the second
// pass saw no customer of the kind (a lost shard, a pass that was never
// run), the mean or median of nobody is no threshold: Classify refuses
// the customer with ErrNotFitted and leaves dst as it was, and Quadrant
// gives the zero Quadrant, as Grade gives the zero Grade — rather than
// comparing with 0 and calling everybody who scores anything high-value.
// The Fixed rule needs no second pass.
func TestQuadrantNeedsCustomersOfTheKindInTheFit(t *testing.T) {
	specs := []spec{
		{ID: "a", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 3, Qty: 1, Cents: 1000}}},
		{ID: "b", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 30, Qty: 2, Cents: 5000}}},
	}
	ins := inputs(t, specs, 1)
	obs := make([]segment.Observation, len(ins))
	for i := range ins {
		require.NoError(t, segment.Observe(ins[i], &obs[i]))
	}
	for _, rule := range []segment.Rule{segment.Mean, segment.Median, segment.Fixed} {
		opts := &segment.Options{Rule: rule, FixedCurrent: 0.1, FixedPotential: 0.1, Grades: &segment.GradeOptions{}}
		st, err := segment.NewStats(opts)
		require.NoError(t, err)
		for i := range obs {
			require.NoError(t, st.Add(&obs[i]))
		}
		sc, err := st.Scoring()
		require.NoError(t, err)
		m, err := sc.NewThresholdStats().Model() // an empty second pass
		require.NoError(t, err)
		var probe segment.Result
		require.NoError(t, sc.Classify(&probe, &obs[1]))
		require.Positive(t, probe.Value.Current)
		for i := range obs {
			dst := segment.Result{ID: "untouched"}
			err := m.Classify(&dst, &obs[i])
			if rule == segment.Fixed {
				require.NoError(t, err)
				require.True(t, dst.Quadrant.Valid())
				continue
			}
			require.ErrorIs(t, err, segment.ErrNotFitted, "%v", rule)
			require.Contains(t, err.Error(), string(obs[i].ID))
			require.Equal(t, segment.Result{ID: "untouched"}, dst, "%v: a refused customer changes nothing", rule)
		}
		if rule != segment.Fixed {
			require.Zero(t, m.Quadrant(customer.Consumer, probe.Value), "%v", rule)
		}
		// No intermediary in either pass: none can be placed, whatever the rule.
		require.Zero(t, m.Quadrant(customer.Intermediary, probe.Value), "%v", rule)
		require.Zero(t, m.Grade(customer.Intermediary, probe.Value), "%v", rule)
	}
}

// AddScore takes the scores of this Scoring only: a kind the first pass
// had no customer of has no scorer, so its scores cannot be this
// Scoring's and would give thresholds to a kind Classify refuses.
func TestAddScoreRefusesAKindNotFitted(t *testing.T) {
	m, _ := classify(t, inputs(t, []spec{{ID: "a", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 3, Qty: 1, Cents: 1000}}}}, 1), nil)
	ts := m.Scoring.NewThresholdStats()
	err := ts.AddScore(customer.Intermediary, value.Score{Current: 0.25, Potential: 0.25, Total: 0.5})
	require.ErrorIs(t, err, segment.ErrNotFitted)
	m2, err := ts.Model()
	require.NoError(t, err)
	require.Zero(t, m2.Thresholds(customer.Intermediary).N, "a refused score changes nothing")
}

// A value that is no score (NaN) has no quadrant, as it has no grade.
func TestQuadrantOfNoScoreIsZero(t *testing.T) {
	m, res := classify(t, inputs(t, []spec{
		{ID: "a", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 3, Qty: 1, Cents: 1000}}},
		{ID: "b", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 30, Qty: 2, Cents: 5000}}},
	}, 1), nil)
	v := res["b"].Value
	require.True(t, m.Quadrant(customer.Consumer, v).Valid())
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		w := v
		w.Current = bad
		require.Zero(t, m.Quadrant(customer.Consumer, w), "current %v", bad)
		w = v
		w.Potential = bad
		require.Zero(t, m.Quadrant(customer.Consumer, w), "potential %v", bad)
	}
}
