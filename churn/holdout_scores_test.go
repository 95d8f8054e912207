package churn

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// callerModel is a transaction model of a caller's own that checks
// nothing: its score of every observation is score(o), whatever the
// observation.
type callerModel struct {
	score func(o Observation) Score
}

func (c callerModel) Name() string { return "caller" }

func (c callerModel) PAlive(o Observation) (float64, error) { return c.score(o).PAlive, nil }

func (c callerModel) ExpectedPurchases(t float64) (float64, error) { return t / 10, nil }

func (c callerModel) ConditionalExpectedPurchases(o Observation, t float64) (float64, error) {
	return c.score(o).ExpectedPurchases, nil
}

func (c callerModel) Score(o Observation, t float64) (Score, error) { return c.score(o), nil }

// badAt is a caller's model whose score is {0.5, 1} but for the
// customer of ID "bad", whose score is s.
func badAt(s Score) callerModel {
	return callerModel{score: func(o Observation) Score {
		if o.ID == "bad" {
			return s
		}
		return Score{PAlive: 0.5, ExpectedPurchases: 1}
	}}
}

// evaluateNoPanic is EvaluateHoldout, a panic of which fails t.
func evaluateNoPanic(t *testing.T, m TransactionModel, cal []Observation, actual []float64) (ev HoldoutEvaluation, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic: %v", r)
		}
	}()
	return EvaluateHoldout(m, cal, actual, 26, 7)
}

// TestHoldoutRefusesBadScores checks that an expected purchase count of a
// caller's model that is NaN, infinite or negative, a calibration
// frequency that is no bin (not a non-negative integer up to 1e7) of a
// model that does not check its observations, and a customer whose
// squared error is not a float64 are each an *InputError naming the
// customer and the field, from EvaluateHoldout and from the accumulator
// in any parts, instead of a NaN or an Inf in the evaluation or a panic.
func TestHoldoutRefusesBadScores(t *testing.T) {
	good := Observation{ID: "g", Frequency: 1, Recency: 3, T: 10}
	bad := Observation{ID: "bad", Frequency: 2, Recency: 4, T: 10}
	fair := badAt(Score{PAlive: 0.5, ExpectedPurchases: 1})
	cases := []struct {
		name   string
		m      TransactionModel
		bad    Observation
		actual float64
		field  string
	}{
		{"expected NaN", badAt(Score{PAlive: 0.3, ExpectedPurchases: math.NaN()}), bad, 1, "expected"},
		{"expected +Inf", badAt(Score{PAlive: 0.3, ExpectedPurchases: math.Inf(1)}), bad, 1, "expected"},
		{"expected -Inf", badAt(Score{PAlive: 0.3, ExpectedPurchases: math.Inf(-1)}), bad, 1, "expected"},
		{"expected negative", badAt(Score{PAlive: 0.3, ExpectedPurchases: -2}), bad, 1, "expected"},
		{"expected too large", badAt(Score{PAlive: 0.3, ExpectedPurchases: 1e200}), bad, 1, "expected"},
		{"frequency negative", fair, Observation{ID: "bad", Frequency: -1, T: 10}, 1, "frequency"},
		{"frequency NaN", fair, Observation{ID: "bad", Frequency: math.NaN(), T: 10}, 1, "frequency"},
		{"frequency huge", fair, Observation{ID: "bad", Frequency: 1e300, T: 10}, 1, "frequency"},
		{"frequency fraction", fair, Observation{ID: "bad", Frequency: 2.5, Recency: 4, T: 10}, 1, "frequency"},
		{"actual too large", MBGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}, bad, 1e300, "actual"},
	}
	for _, tc := range cases {
		cal := []Observation{good, tc.bad, good}
		actual := []float64{0, tc.actual, 2}
		ev, err := evaluateNoPanic(t, tc.m, cal, actual)
		var ie *InputError
		require.ErrorAs(t, err, &ie, "%s: evaluation %+v", tc.name, ev)
		require.Equal(t, 1, ie.Index, tc.name)
		require.Equal(t, "bad", ie.ID, tc.name)
		require.Equal(t, tc.field, ie.Fields[0].Field, tc.name)
		for _, parts := range [][]int{{1}, {1, 1}, {2}, {0, 1}} {
			var got error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s in parts %v: panic: %v", tc.name, parts, r)
					}
				}()
				_, got = accumulate(tc.m, cal, actual, 26, 7, parts)
			}()
			require.EqualError(t, got, err.Error(), "%s in parts %v", tc.name, parts)
		}
	}
	// Of two bad customers the first is named, whatever is wrong with each.
	m := callerModel{score: func(o Observation) Score {
		if o.ID == "e" {
			return Score{PAlive: math.NaN(), ExpectedPurchases: math.NaN()}
		}
		return Score{PAlive: 0.5, ExpectedPurchases: 1}
	}}
	cal := []Observation{good, {ID: "f", Frequency: -1, T: 10}, {ID: "e", Frequency: 1, Recency: 1, T: 10}}
	_, err := evaluateNoPanic(t, m, cal, []float64{0, 1, 1})
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "f", ie.ID)
	cal[1], cal[2] = cal[2], cal[1]
	_, err = evaluateNoPanic(t, m, cal, []float64{0, 1, 1})
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "e", ie.ID)
	require.Equal(t, "p_alive", ie.Fields[0].Field, "P(alive) before the expected purchases")
}

// accumulatorState is what an accumulator has added: every field that a
// part changes, but the error and the scratch of Add.
type accumulatorState struct {
	n                                           int
	bins                                        []FrequencyBin
	totalExpected, totalActual, sae, sse, brier float64
	keys                                        []uint64
	expected, actual, pAlive                    []float64
}

func stateOf(h *HoldoutAccumulator) accumulatorState {
	return accumulatorState{h.n, slices.Clone(h.bins), h.totalExpected, h.totalActual, h.sae, h.sse, h.brier,
		slices.Clone(h.keys), slices.Clone(h.expected), slices.Clone(h.actual), slices.Clone(h.pAlive)}
}

// TestHoldoutAccumulatorFailedPartChangesNothing checks that a part that
// fails, at any of its customers and for any reason, changes nothing the
// accumulator has added (its sums, bins, P(alive) store, count and the
// per-customer values EvaluateHoldout keeps), after an Evaluation sorted
// the store; and that a later Add and Evaluation return its error.
func TestHoldoutAccumulatorFailedPartChangesNothing(t *testing.T) {
	mb := MBGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	good := []Observation{
		{ID: "a", Frequency: 3, Recency: 8, T: 10}, {ID: "b", Frequency: 0, T: 12},
		{ID: "c", Frequency: 1, Recency: 2, T: 9}, {ID: "d", Frequency: 9, Recency: 9, T: 10},
	}
	goodActual := []float64{2, 0, 1, 0}
	badOf := func(o Observation) Score {
		s, err := mb.Score(o, 26)
		if err != nil {
			return Score{PAlive: math.NaN(), ExpectedPurchases: math.NaN()}
		}
		switch o.ID {
		case "nan-p":
			s.PAlive = math.NaN()
		case "nan-e":
			s.ExpectedPurchases = math.NaN()
		case "huge-e":
			s.ExpectedPurchases = 1e300
		}
		return s
	}
	caller := callerModel{score: badOf}
	flaky := flakyModel{m: mb, errX: 7, nanX: -2}
	faults := []struct {
		name string
		m    TransactionModel
		o    Observation
		a    float64
	}{
		{"bad count", mb, Observation{ID: "x", Frequency: 1, Recency: 1, T: 10}, -1},
		{"bad observation", mb, Observation{ID: "x", Frequency: 1, Recency: 11, T: 10}, 1},
		{"model error", flaky, Observation{ID: "x", Frequency: 7, Recency: 8, T: 10}, 1},
		{"NaN P(alive)", caller, Observation{ID: "nan-p", Frequency: 1, Recency: 1, T: 10}, 1},
		{"NaN expected", caller, Observation{ID: "nan-e", Frequency: 1, Recency: 1, T: 10}, 1},
		{"huge expected", caller, Observation{ID: "huge-e", Frequency: 1, Recency: 1, T: 10}, 1},
		{"bad frequency", caller, Observation{ID: "x", Frequency: -3, T: 10}, 1},
		{"huge count", mb, Observation{ID: "x", Frequency: 1, Recency: 1, T: 10}, 1e300},
	}
	for _, f := range faults {
		for at := range 3 {
			h, err := NewHoldoutAccumulator(f.m, 26, 7)
			require.NoError(t, err)
			h.keep = true
			require.NoError(t, h.Add(good[:2], goodActual[:2]), f.name)
			_, err = h.Evaluation()
			require.NoError(t, err, f.name)
			before := stateOf(h)
			part := slices.Clone(good[2:])
			act := slices.Clone(goodActual[2:])
			part = slices.Insert(part, at, f.o)
			act = slices.Insert(act, at, f.a)
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s at %d: panic: %v", f.name, at, r)
					}
				}()
				err = h.Add(part, act)
			}()
			require.Error(t, err, "%s at %d", f.name, at)
			require.Equal(t, before, stateOf(h), "%s at %d", f.name, at)
			require.Equal(t, err, h.Add(good[:1], goodActual[:1]), "%s at %d", f.name, at)
			_, got := h.Evaluation()
			require.Equal(t, err, got, "%s at %d", f.name, at)
			require.Equal(t, before, stateOf(h), "%s at %d", f.name, at)
		}
	}
}

// specialPAlive are P(alive)s at the edges of the float64 numbers in
// [0, 1]: the zeros, subnormals, the least normal and its neighbours,
// one half and its neighbours, and 1 and its predecessor.
var specialPAlive = []float64{
	0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, 2 * math.SmallestNonzeroFloat64,
	math.Nextafter(0x1p-1022, 0), 0x1p-1022, math.Nextafter(0x1p-1022, 1),
	math.Nextafter(0.5, 0), 0.5, math.Nextafter(0.5, 1), math.Nextafter(1, 0), 1,
}

// genPAlive draws a P(alive) in [0, 1]: one of specialPAlive or any.
func genPAlive(t *rapid.T, label string) float64 {
	if rapid.Bool().Draw(t, label+" special") {
		return rapid.SampledFrom(specialPAlive).Draw(t, label)
	}
	return rapid.Float64Range(0, 1).Draw(t, label)
}

// TestPropertyLapseKeyOrder checks that the keys of lapseKey order as
// their P(alive)s, whatever the lapse bits, and are equal but for the
// lapse bit exactly when the P(alive)s are equal (0 and −0 included).
func TestPropertyLapseKeyOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, q := genPAlive(t, "p"), genPAlive(t, "q")
		lp, lq := rapid.Bool().Draw(t, "lp"), rapid.Bool().Draw(t, "lq")
		kp, kq := lapseKey(p, lp), lapseKey(q, lq)
		if (kp&1 == 1) != lp || (kq&1 == 1) != lq {
			t.Fatalf("lapse bits of %x, %x", kp, kq)
		}
		switch {
		case p < q && !(kp>>1 < kq>>1), p > q && !(kp>>1 > kq>>1), p == q && kp>>1 != kq>>1:
			t.Fatalf("P(alive) %v, %v: keys %x, %x", p, q, kp, kq)
		}
	})
}

// TestPropertyLapseAUCEdgeValues checks LapseAUC, and the accumulator's
// AUC, against the pair share of its definition counted pair by pair
// (ties one half), over P(alive)s at the edges of the numbers in [0, 1],
// few distinct ones so that most pairs tie, and one or two customers.
func TestPropertyLapseAUCEdgeValues(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "n")
		pool := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) float64 { return genPAlive(t, "p") }), 1, 4).Draw(t, "pool")
		p := make([]float64, n)
		lapsed := make([]bool, n)
		for i := range n {
			p[i] = rapid.SampledFrom(pool).Draw(t, "pick")
			lapsed[i] = rapid.Bool().Draw(t, "lapsed")
		}
		wins, pairs := pairShareAUC(p, lapsed)
		auc, ok, err := LapseAUC(p, func(i int) bool { return lapsed[i] })
		if err != nil {
			t.Fatalf("P(alive) %v: %v", p, err)
		}
		if ok != (pairs > 0) || ok && auc != wins/pairs {
			t.Fatalf("P(alive) %v, lapsed %v: AUC %v (defined %v), pair share %v of %v", p, lapsed, auc, ok, wins, pairs)
		}
		// The accumulator's AUC of the same customers, in two parts,
		// with an Evaluation between.
		m := callerModel{score: func(o Observation) Score {
			var i int
			fmt.Sscan(o.ID, &i)
			return Score{PAlive: p[i], ExpectedPurchases: 1}
		}}
		cal := make([]Observation, n)
		actual := make([]float64, n)
		for i := range n {
			cal[i] = Observation{ID: fmt.Sprint(i), T: 1}
			if !lapsed[i] {
				actual[i] = 1
			}
		}
		h, err := NewHoldoutAccumulator(m, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		cut := rapid.IntRange(0, n).Draw(t, "cut")
		if err := h.Add(cal[:cut], actual[:cut]); err != nil {
			t.Fatal(err)
		}
		if cut > 0 {
			if _, err := h.Evaluation(); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.Add(cal[cut:], actual[cut:]); err != nil {
			t.Fatal(err)
		}
		ev, err := h.Evaluation()
		if err != nil {
			t.Fatal(err)
		}
		if ev.AUCDefined != ok || ev.AUC != auc {
			t.Fatalf("accumulator AUC %v (defined %v), LapseAUC %v (%v)", ev.AUC, ev.AUCDefined, auc, ok)
		}
	})
}

// TestHoldoutBGBBHorizon checks that a horizon that is not a whole number
// of opportunities is refused for BG/BB by NewHoldoutAccumulator, as an
// error of the field "t" and not of a customer, before any part is
// added, and by EvaluateHoldout the same.
func TestHoldoutBGBBHorizon(t *testing.T) {
	m := BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78}
	cal := []Observation{{ID: "a", Frequency: 1, Recency: 3, T: 5}, {ID: "b", Frequency: 0, T: 5}}
	for _, mm := range []TransactionModel{m, &m} {
		_, err := NewHoldoutAccumulator(mm, 2.5, 7)
		var ie *InputError
		require.ErrorAs(t, err, &ie)
		require.Equal(t, -1, ie.Index)
		require.Equal(t, "t", ie.Fields[0].Field)
		_, want := EvaluateHoldout(mm, cal, []float64{1, 0}, 2.5, 7)
		require.Equal(t, want, err)
		h, err := NewHoldoutAccumulator(mm, 3, 7)
		require.NoError(t, err)
		require.NoError(t, h.Add(cal, []float64{1, 0}))
	}
}

// pairShareAUC counts, over the pairs of a lapsed customer i and one j
// who did not lapse, those in which i has the lower P(alive), a tie
// counting one half: wins ÷ pairs is the AUC of 1 − P(alive) by its
// definition, which LapseAUC computes from ranks.
func pairShareAUC(p []float64, lapsed []bool) (wins, pairs float64) {
	for i := range p {
		for j := range p {
			if !lapsed[i] || lapsed[j] {
				continue
			}
			pairs++
			switch {
			case p[i] < p[j]:
				wins++
			case p[i] == p[j]:
				wins += 0.5
			}
		}
	}
	return wins, pairs
}
