package churn_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/churn"
)

func TestLapseAUCTies(t *testing.T) {
	// Scores 1 − P(alive): 0.1, 0.8, 0.5, 0.5; lapsed: the second and
	// third. Of the four pairs (lapsed, not) three are ordered right and
	// one is tied: AUC = 3.5/4.
	pAlive := []float64{0.9, 0.2, 0.5, 0.5}
	lapsed := []bool{false, true, true, false}
	auc, ok, err := churn.LapseAUC(pAlive, func(i int) bool { return lapsed[i] })
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, 0.875, auc)

	_, ok, err = churn.LapseAUC(pAlive, func(int) bool { return true })
	require.NoError(t, err)
	require.False(t, ok, "all lapsed: no AUC")
	_, ok, err = churn.LapseAUC(nil, func(int) bool { return true })
	require.NoError(t, err)
	require.False(t, ok, "no customers: no AUC")
}

// TestPropertyLapseAUCIsPairShare checks the rank-sum AUC against its
// definition: the share of (lapsed, not lapsed) pairs whose lapsed
// customer has the lower P(alive), ties counting one half.
func TestPropertyLapseAUCIsPairShare(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 40).Draw(t, "n")
		// Few distinct values, so that ties are common.
		levels := rapid.IntRange(1, 6).Draw(t, "levels")
		p := make([]float64, n)
		lapsed := make([]bool, n)
		for i := range n {
			p[i] = float64(rapid.IntRange(0, levels).Draw(t, "p")) / float64(levels)
			lapsed[i] = rapid.Bool().Draw(t, "lapsed")
		}
		wins, pairs := churn.PairShareAUC(p, lapsed)
		auc, ok, err := churn.LapseAUC(p, func(i int) bool { return lapsed[i] })
		if err != nil {
			t.Fatalf("P(alive) %v: %v", p, err)
		}
		if pairs == 0 {
			if ok {
				t.Fatalf("AUC %v defined without a pair", auc)
			}
			return
		}
		if !ok || math.Abs(auc-wins/pairs) > 1e-12 {
			t.Fatalf("AUC %v (defined %v), pair share %v", auc, ok, wins/pairs)
		}
	})
}

// returns runs f and fails t when it has not returned within a minute.
func returns(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("no return within a minute")
	}
}

// TestLapseAUCRejectsBadPAlive checks that a P(alive) outside [0, 1],
// NaN included, is an error naming its index and field, and a nil
// lapsed an ErrInvalidInput, instead of a result or no return at all.
func TestLapseAUCRejectsBadPAlive(t *testing.T) {
	lapsed := func(i int) bool { return i == 0 }
	for _, bad := range []float64{math.NaN(), -0.25, 1.5, math.Inf(1), math.Inf(-1)} {
		p := []float64{0.5, 0.2, bad, 0.9}
		var err error
		returns(t, func() { _, _, err = churn.LapseAUC(p, lapsed) })
		var ie *churn.InputError
		require.ErrorAs(t, err, &ie, "%v", bad)
		require.Equal(t, 2, ie.Index, "%v", bad)
		require.Len(t, ie.Fields, 1)
		require.Equal(t, "p_alive", ie.Fields[0].Field, "%v", bad)
	}
	_, _, err := churn.LapseAUC([]float64{0.5}, nil)
	require.ErrorIs(t, err, churn.ErrInvalidInput)
	for _, p := range [][]float64{{0, 1}, {1, 0}} {
		_, ok, err := churn.LapseAUC(p, lapsed)
		require.NoError(t, err, "the bounds are P(alive)s")
		require.True(t, ok)
	}
}

// nanModel is an MBG/NBD model whose P(alive) is NaN for customers of
// frequency 3: a model of the caller's whose scores are not all numbers.
type nanModel struct{ churn.MBGNBD }

func (m nanModel) Score(o churn.Observation, t float64) (churn.Score, error) {
	s, err := m.MBGNBD.Score(o, t)
	if o.Frequency == 3 {
		s.PAlive = math.NaN()
	}
	return s, err
}

// TestEvaluateHoldoutNaNPAlive checks that EvaluateHoldout of a model
// that scores a NaN P(alive) returns an error naming the customer
// instead of an AUC, or of not returning.
func TestEvaluateHoldoutNaNPAlive(t *testing.T) {
	m := nanModel{churn.MBGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}}
	var obs []churn.Observation
	var actual []float64
	for i := range 20 {
		x := float64(i % 5)
		tx := 0.0
		if x > 0 {
			tx = 10 + float64(i)
		}
		obs = append(obs, churn.Observation{ID: fmt.Sprintf("c%d", i), Frequency: x, Recency: tx, T: 40})
		actual = append(actual, float64(i%3))
	}
	var err error
	returns(t, func() { _, err = churn.EvaluateHoldout(m, obs, actual, 26, 7) })
	var ie *churn.InputError
	require.True(t, errors.As(err, &ie), "%v", err)
	require.Equal(t, 3, ie.Index)
	require.Equal(t, "c3", ie.ID)
	require.Equal(t, "p_alive", ie.Fields[0].Field)
}

func ExampleLapseAUC() {
	// P(alive) at the calibration end of four customers, and whether
	// each made no purchase in the holdout period.
	pAlive := []float64{0.9, 0.2, 0.5, 0.5}
	lapsed := []bool{false, true, true, false}
	auc, ok, err := churn.LapseAUC(pAlive, func(i int) bool { return lapsed[i] })
	fmt.Println(auc, ok, err)
	// Output: 0.875 true <nil>
}
