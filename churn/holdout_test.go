package churn

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// accumulate is the evaluation of an accumulator of m given cal and
// actual in parts of the sizes parts (the rest in one last part), and
// the error of the first Add or of Evaluation that fails.
func accumulate(m TransactionModel, cal []Observation, actual []float64, horizon float64, maxBin int, parts []int) (HoldoutEvaluation, error) {
	h, err := NewHoldoutAccumulator(m, horizon, maxBin)
	if err != nil {
		return HoldoutEvaluation{}, err
	}
	lo := 0
	for _, p := range append(parts, len(cal)) {
		hi := min(lo+p, len(cal))
		if err := h.Add(cal[lo:hi], actual[lo:hi]); err != nil {
			return HoldoutEvaluation{}, err
		}
		lo = hi
	}
	return h.Evaluation()
}

// withoutPerCustomer is ev without the fields the accumulator does not
// keep.
func withoutPerCustomer(ev HoldoutEvaluation) HoldoutEvaluation {
	ev.Expected, ev.Actual, ev.PAlive = nil, nil, nil
	return ev
}

// TestHoldoutAccumulatorCDNOW checks the accumulator against
// EvaluateHoldout on the CDNOW holdout check, for the three models fitted
// on its calibration period, in parts of several sizes: the same
// evaluation to the last bit.
func TestHoldoutAccumulatorCDNOW(t *testing.T) {
	hc := cdnowExactWeeks(t)
	g := groupsOf(t, hc.cal)
	bg, err := FitBGNBD(g, nil)
	require.NoError(t, err)
	mb, err := FitMBGNBD(g, nil)
	require.NoError(t, err)
	pn, err := FitParetoNBD(g, nil)
	require.NoError(t, err)
	for _, m := range []TransactionModel{bg.Model, mb.Model, pn.Model} {
		ref, err := EvaluateHoldout(m, hc.cal, hc.actual, hc.horizon, 7)
		require.NoError(t, err)
		require.True(t, ref.AUCDefined)
		want := withoutPerCustomer(ref)
		for _, parts := range [][]int{nil, {1}, {37, 1500}, {1000, 1000}, {0, 2357, 0}} {
			ev, err := accumulate(m, hc.cal, hc.actual, hc.horizon, 7, parts)
			require.NoError(t, err)
			require.Equal(t, want, ev, "%s in parts %v", m.Name(), parts)
		}
		// The evaluation is that of LapseAUC too.
		auc, ok, err := LapseAUC(ref.PAlive, func(i int) bool { return hc.actual[i] == 0 })
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, ref.AUC, auc)
	}
}

// TestHoldoutAccumulatorEvaluationAgain checks that Evaluation may be
// called between parts: each is the evaluation of the customers added
// until then.
func TestHoldoutAccumulatorEvaluationAgain(t *testing.T) {
	hc := cdnowExactWeeks(t)
	m := BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591}
	h, err := NewHoldoutAccumulator(m, hc.horizon, 7)
	require.NoError(t, err)
	for _, hi := range []int{500, 1200, 2357} {
		lo := h.Len()
		require.NoError(t, h.Add(hc.cal[lo:hi], hc.actual[lo:hi]))
		require.Equal(t, hi, h.Len())
		want, err := EvaluateHoldout(m, hc.cal[:hi], hc.actual[:hi], hc.horizon, 7)
		require.NoError(t, err)
		for range 2 {
			ev, err := h.Evaluation()
			require.NoError(t, err)
			require.Equal(t, withoutPerCustomer(want), ev, "first %d", hi)
		}
	}
}

// flakyModel is the MBG/NBD model m whose score is an error for customers
// of frequency errX and whose P(alive) is NaN for those of frequency nanX.
type flakyModel struct {
	m          MBGNBD
	errX, nanX float64
}

var errFlaky = errors.New("flaky")

func (f flakyModel) Name() string { return "flaky" }

func (f flakyModel) PAlive(o Observation) (float64, error) {
	s, err := f.Score(o, 0)
	return s.PAlive, err
}

func (f flakyModel) ExpectedPurchases(t float64) (float64, error) {
	return f.m.ExpectedPurchases(t)
}

func (f flakyModel) ConditionalExpectedPurchases(o Observation, t float64) (float64, error) {
	s, err := f.Score(o, t)
	return s.ExpectedPurchases, err
}

func (f flakyModel) Score(o Observation, t float64) (Score, error) {
	if o.Frequency == f.errX {
		return Score{}, errFlaky
	}
	s, err := f.m.Score(o, t)
	if o.Frequency == f.nanX {
		s.PAlive = math.NaN()
	}
	return s, err
}

// TestHoldoutAccumulatorNamesFirstBadCustomer checks that of several bad
// customers the first by index is named, whatever is wrong with each, by
// EvaluateHoldout and by the accumulator in any parts; and that a
// horizon the model refuses is an error before any customer's.
func TestHoldoutAccumulatorNamesFirstBadCustomer(t *testing.T) {
	m := MBGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	good := Observation{Frequency: 1, Recency: 3, T: 10}
	cases := []struct {
		name   string
		model  TransactionModel
		cal    []Observation
		actual []float64
		index  int
		field  string // "" for an error of the model's
	}{
		{"observation before count", m,
			[]Observation{good, {ID: "b", Frequency: -1, T: 10}, good, good},
			[]float64{0, 1, -1, 0}, 1, "frequency"},
		{"count before observation", m,
			[]Observation{good, good, {ID: "b", Frequency: 2, Recency: 20, T: 10}, good},
			[]float64{0, math.NaN(), 1, 0}, 1, "actual"},
		{"count of a bad observation", m,
			[]Observation{good, {ID: "b", Frequency: -1, T: 10}},
			[]float64{0, -2}, 1, "actual"},
		{"P(alive) before score", flakyModel{m: m, errX: 3, nanX: 2},
			[]Observation{good, {ID: "b", Frequency: 2, Recency: 5, T: 10}, {ID: "c", Frequency: 3, Recency: 5, T: 10}},
			[]float64{0, 1, 1}, 1, "p_alive"},
		{"score before P(alive)", flakyModel{m: m, errX: 3, nanX: 2},
			[]Observation{good, {ID: "b", Frequency: 3, Recency: 5, T: 10}, {ID: "c", Frequency: 2, Recency: 5, T: 10}},
			[]float64{0, 1, 1}, 1, ""},
		{"P(alive) before count", flakyModel{m: m, errX: 3, nanX: 2},
			[]Observation{good, {ID: "b", Frequency: 2, Recency: 5, T: 10}, good},
			[]float64{0, 1, -1}, 1, "p_alive"},
	}
	for _, tc := range cases {
		_, want := EvaluateHoldout(tc.model, tc.cal, tc.actual, 26, 7)
		require.Error(t, want, tc.name)
		if tc.field == "" {
			require.ErrorIs(t, want, errFlaky, tc.name)
			require.Contains(t, want.Error(), fmt.Sprintf("customer index %d:", tc.index), tc.name)
		} else {
			var ie *InputError
			require.ErrorAs(t, want, &ie, tc.name)
			require.Equal(t, tc.index, ie.Index, tc.name)
			require.Equal(t, tc.cal[tc.index].ID, ie.ID, tc.name)
			require.Equal(t, tc.field, ie.Fields[0].Field, tc.name)
		}
		for _, parts := range [][]int{{1}, {1, 1}, {2}, {0, 1, 1, 1}} {
			_, got := accumulate(tc.model, tc.cal, tc.actual, 26, 7, parts)
			// A NaN is not equal to itself: the errors are compared by
			// their text.
			require.EqualError(t, got, want.Error(), "%s in parts %v", tc.name, parts)
		}
	}

	// A horizon the model refuses comes before a bad customer.
	_, err := EvaluateHoldout(m, []Observation{good, good}, []float64{-1, 0}, -1, 7)
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "t", ie.Fields[0].Field)
	_, err = NewHoldoutAccumulator(m, -1, 7)
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "t", ie.Fields[0].Field)
}

// TestHoldoutAccumulatorBadInput checks the errors of the accumulator's
// own: those of EvaluateHoldout for a nil model, a maxBin out of range,
// parts of unequal lengths and no customer; and that a part with an
// error adds nothing and its error stays.
func TestHoldoutAccumulatorBadInput(t *testing.T) {
	m := BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4}
	obs := []Observation{{ID: "a", Frequency: 1, Recency: 2, T: 5}, {ID: "b", Frequency: 0, T: 3}}

	_, err := NewHoldoutAccumulator(nil, 39, 7)
	require.ErrorIs(t, err, ErrInvalidParams)
	_, want := EvaluateHoldout(nil, obs, []float64{1, 2}, 39, 7)
	require.Equal(t, want, err)
	for _, k := range []int{0, maxHoldoutBin + 1} {
		_, err := NewHoldoutAccumulator(m, 39, k)
		_, want := EvaluateHoldout(m, obs, []float64{1, 2}, 39, k)
		require.Equal(t, want, err)
		var ie *InputError
		require.ErrorAs(t, err, &ie)
		require.Equal(t, "max_bin", ie.Fields[0].Field)
	}
	_, err = NewHoldoutAccumulator(BGNBD{R: -1, Alpha: 4.4, A: 0.79, B: 2.4}, 39, 7)
	require.ErrorIs(t, err, ErrInvalidParams)

	h, err := NewHoldoutAccumulator(m, 39, 7)
	require.NoError(t, err)
	_, err = h.Evaluation()
	require.ErrorIs(t, err, ErrInsufficientData)
	_, want = EvaluateHoldout(m, nil, nil, 39, 7)
	require.Equal(t, want, err)
	require.NoError(t, h.Add(nil, nil))
	require.NoError(t, h.Add(obs[:1], []float64{1}))
	require.Equal(t, 1, h.Len())

	err = h.Add(obs, []float64{1})
	require.ErrorIs(t, err, ErrInvalidInput)
	require.Equal(t, 1, h.Len(), "a rejected part adds nothing")
	require.Equal(t, err, h.Add(obs[1:], []float64{0}), "the error stays")
	require.Equal(t, 1, h.Len())
	_, got := h.Evaluation()
	require.Equal(t, err, got)

	h, err = NewHoldoutAccumulator(m, 39, 7)
	require.NoError(t, err)
	require.NoError(t, h.Add(obs[:1], []float64{1}))
	err = h.Add(obs[1:], []float64{math.Inf(1)})
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 1, ie.Index, "counted across parts")
	require.Equal(t, "b", ie.ID)
	require.Equal(t, "actual", ie.Fields[0].Field)
	require.Equal(t, 1, h.Len())
}

// TestPropertyHoldoutAccumulatorParts checks, over random customers,
// holdout counts and splits into parts, that the accumulator's evaluation
// is EvaluateHoldout's to the last bit, and that with a bad customer or
// two its error is EvaluateHoldout's.
func TestPropertyHoldoutAccumulatorParts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var m TransactionModel = genModel(t)
		n := rapid.IntRange(1, 80).Draw(t, "n")
		cal := make([]Observation, n)
		actual := make([]float64, n)
		for i := range n {
			// Few distinct observations, so that P(alive) ties.
			cal[i] = genObservation(t, "")
			cal[i].ID = fmt.Sprint("c", i)
			actual[i] = float64(rapid.IntRange(0, 4).Draw(t, "actual"))
		}
		for range rapid.IntRange(0, 2).Draw(t, "bad") {
			i := rapid.IntRange(0, n-1).Draw(t, "at")
			switch rapid.IntRange(0, 2).Draw(t, "fault") {
			case 0:
				actual[i] = rapid.SampledFrom([]float64{-1, math.NaN(), math.Inf(1)}).Draw(t, "bad actual")
			case 1:
				cal[i].Recency = cal[i].T + 1
			default:
				if mb, ok := m.(MBGNBD); ok {
					m = flakyModel{m: mb, errX: -1, nanX: cal[i].Frequency}
				}
			}
		}
		horizon := rapid.Float64Range(0, 200).Draw(t, "horizon")
		maxBin := rapid.IntRange(1, 10).Draw(t, "maxBin")
		parts := rapid.SliceOfN(rapid.IntRange(0, n), 0, 6).Draw(t, "parts")

		ref, refErr := EvaluateHoldout(m, cal, actual, horizon, maxBin)
		ev, err := accumulate(m, cal, actual, horizon, maxBin, parts)
		if refErr != nil {
			if err == nil || err.Error() != refErr.Error() {
				t.Fatalf("error %v, EvaluateHoldout's %v", err, refErr)
			}
			return
		}
		if err != nil {
			t.Fatalf("error %v", err)
		}
		require.Equal(t, withoutPerCustomer(ref), ev)
	})
}

// onceFailing fails its first score of a customer of frequency errX and
// then scores it as the model m, and the others as flakyModel does: a
// caller's model that is not deterministic.
type onceFailing struct {
	flakyModel
	failed *bool
}

func (f onceFailing) Score(o Observation, t float64) (Score, error) {
	if o.Frequency == f.errX && !*f.failed {
		*f.failed = true
		return Score{}, errFlaky
	}
	if o.Frequency == f.errX {
		return f.m.Score(o, t)
	}
	return f.flakyModel.Score(o, t)
}

// TestHoldoutAccumulatorOnceFailingModel checks that when the model fails
// a customer once and then scores it, so that scoring again one by one
// finds no failure, the model's error still names the customer by its
// index among all the customers added, not within its part, and the
// part adds nothing.
func TestHoldoutAccumulatorOnceFailingModel(t *testing.T) {
	m := MBGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	good := Observation{Frequency: 1, Recency: 3, T: 10}
	model := onceFailing{flakyModel{m: m, errX: 3}, new(bool)}
	h, err := NewHoldoutAccumulator(model, 26, 7)
	require.NoError(t, err)
	require.NoError(t, h.Add([]Observation{good, good, good}, []float64{0, 1, 0}))
	err = h.Add([]Observation{good, {ID: "b", Frequency: 3, Recency: 5, T: 10}}, []float64{0, 1})
	require.ErrorIs(t, err, errFlaky)
	require.Contains(t, err.Error(), "customer index 4:")
	require.Equal(t, 3, h.Len())
}

// TestHoldoutAccumulatorOnceFailingModelBeforeABadScore: when the model
// fails a customer once and a later customer of the part has a P(alive)
// the check cannot take, the model's error is the one returned: it came
// first.
func TestHoldoutAccumulatorOnceFailingModelBeforeABadScore(t *testing.T) {
	m := MBGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	good := Observation{Frequency: 1, Recency: 3, T: 10}
	model := onceFailing{flakyModel{m: m, errX: 3, nanX: 2}, new(bool)}
	h, err := NewHoldoutAccumulator(model, 26, 7)
	require.NoError(t, err)
	err = h.Add([]Observation{good, {ID: "b", Frequency: 3, Recency: 5, T: 10}, {ID: "c", Frequency: 2, Recency: 5, T: 10}}, []float64{0, 1, 1})
	require.ErrorIs(t, err, errFlaky)
	require.Contains(t, err.Error(), "customer index 1:")
	require.Equal(t, 0, h.Len())
}
