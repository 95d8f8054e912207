package report

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
)

// calibrationPopulations runs the passes of Build over in up to the
// calibration populations, and returns them with the customers as of the
// calibration end they index.
func calibrationPopulations(t *testing.T, in *Input) (map[customer.Kind]*calPopulation, Summaries) {
	t.Helper()
	o := (&Options{}).withDefaults()
	rep := &Report{RFM: newRFMGrid(5)}
	kinds, idx, _ := rep.firstPass(in, &o)
	require.NotNil(t, idx)
	cal, _ := in.calibration()
	return calibrationPass(cal, &o, kinds, idx), cal
}

// TestCalibrationPopulationIsObservations checks the calibration
// populations, kept as triples in days, against the observations of the
// customers as of the calibration end read again: the same observation
// in weeks for each (that of Summary.BTYD), the same MBG/NBD fit as
// churn.GroupObservations of them gives, and the same holdout check as
// churn.EvaluateHoldout (every figure, but the per-customer ones it does
// not keep), scored in one part and in parts of fewer customers than
// churn.ScoreAll caches its values for.
func TestCalibrationPopulationIsObservations(t *testing.T) {
	in, _, _ := fixture(t)
	cals, cal := calibrationPopulations(t, in)
	require.Len(t, cals, 2)
	horizon := float64(in.AsOf-in.CalibrationEnd) / 7
	for kind, c := range cals {
		require.Positive(t, len(c.cal), "%s", kind)
		require.Len(t, c.tri, len(c.cal))
		require.Len(t, c.actual, len(c.cal))
		obs, actual := c.observations(cal)
		var s customer.Summary
		for j, i := range c.cal {
			cal.Summary(int(i), &s)
			require.Equal(t, kind, s.Kind)
			ob, ok := observation(&s)
			require.True(t, ok)
			require.Equal(t, ob, obs[j])
			ob.ID = ""
			require.Equal(t, ob, c.tri[j].observation(), "%s", s.CustomerID)
		}

		want, wantDesc, err := fitMBG(obs)
		require.NoError(t, err)
		m, desc, err := c.fitMBG(cal)
		require.NoError(t, err)
		require.Equal(t, want, m)
		require.Equal(t, wantDesc, desc)

		ref, err := churn.EvaluateHoldout(m, obs, actual, horizon, HoldoutBins)
		require.NoError(t, err)
		require.True(t, ref.AUCDefined)
		for _, part := range []int{holdoutPart, 1000, 37} {
			func() {
				defer func(p int) { holdoutPart = p }(holdoutPart)
				holdoutPart = part
				ev, err := c.evaluateHoldout(m, cal, horizon)
				require.NoError(t, err)
				want := ref
				want.Expected, want.Actual, want.PAlive = nil, nil, nil
				require.Equal(t, want, ev, "parts of %d", part)
			}()
		}
	}
}

// TestEvaluateHoldoutErrors checks that a holdout check that fails
// returns the error of churn.EvaluateHoldout: of a population without a
// customer, and of a horizon that is not positive.
func TestEvaluateHoldoutErrors(t *testing.T) {
	in, _, _ := fixture(t)
	cals, cal := calibrationPopulations(t, in)
	c := cals[customer.Consumer]
	obs, actual := c.observations(cal)
	m, _, err := c.fitMBG(cal)
	require.NoError(t, err)

	_, want := churn.EvaluateHoldout(m, nil, nil, 26, HoldoutBins)
	require.Error(t, want)
	_, got := (&calPopulation{}).evaluateHoldout(m, cal, 26)
	require.Equal(t, want, got)

	_, want = churn.EvaluateHoldout(m, obs, actual, -1, HoldoutBins)
	require.Error(t, want)
	_, got = c.evaluateHoldout(m, cal, -1)
	require.Equal(t, want, got)
}

// nanModel is the MBG/NBD model m whose P(alive) is NaN for customers
// with a repeat purchase: a model whose scores are not all numbers. It
// does not embed m, whose scoring of many customers at once would
// bypass Score.
type nanModel struct{ m churn.MBGNBD }

func (n nanModel) Name() string { return "nan" }

func (n nanModel) PAlive(o churn.Observation) (float64, error) {
	s, err := n.Score(o, 0)
	return s.PAlive, err
}

func (n nanModel) ExpectedPurchases(t float64) (float64, error) {
	return n.m.ExpectedPurchases(t)
}

func (n nanModel) ConditionalExpectedPurchases(o churn.Observation, t float64) (float64, error) {
	return n.m.ConditionalExpectedPurchases(o, t)
}

func (n nanModel) Score(o churn.Observation, t float64) (churn.Score, error) {
	s, err := n.m.Score(o, t)
	if o.Frequency > 0 {
		s.PAlive = math.NaN()
	}
	return s, err
}

// TestEvaluateHoldoutBadPAlive checks that a holdout check whose model
// scores a P(alive) that is not a number returns the error of
// churn.EvaluateHoldout, which names the customer, in one part and in
// several.
func TestEvaluateHoldoutBadPAlive(t *testing.T) {
	in, _, _ := fixture(t)
	cals, cal := calibrationPopulations(t, in)
	c := cals[customer.Consumer]
	obs, actual := c.observations(cal)
	fit, _, err := c.fitMBG(cal)
	require.NoError(t, err)
	m := nanModel{fit}

	_, want := churn.EvaluateHoldout(m, obs, actual, 26, HoldoutBins)
	var ie *churn.InputError
	require.ErrorAs(t, want, &ie)
	require.NotEmpty(t, ie.ID)
	for _, part := range []int{holdoutPart, 37} {
		func() {
			defer func(p int) { holdoutPart = p }(holdoutPart)
			holdoutPart = part
			_, got := c.evaluateHoldout(m, cal, 26)
			// The value NaN is not equal to itself: the errors are
			// compared by their text.
			require.EqualError(t, got, want.Error(), "parts of %d", part)
		}()
	}
}

// TestPointsAreTheSegments checks that the points of each kind are the
// current and potential values of its customers, in their order.
func TestPointsAreTheSegments(t *testing.T) {
	in, rep, _ := fixture(t)
	want := map[customer.Kind][][2]float64{}
	var s customer.Summary
	for i, c := range in.Segments {
		in.Summaries.Summary(i, &s)
		want[s.Kind] = append(want[s.Kind], [2]float64{finite(c.Current), finite(c.Potential)})
	}
	require.Len(t, rep.Kinds, len(want))
	for _, k := range rep.Kinds {
		require.Equal(t, want[k.Kind], k.Points, "%s", k.Kind)
		require.Equal(t, len(k.Points), cap(k.Points), "%s", k.Kind)
	}
}
