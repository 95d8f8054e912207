package churn_test

import (
	"math"
	"testing"

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
	auc, ok := churn.LapseAUC(pAlive, func(i int) bool { return lapsed[i] })
	require.True(t, ok)
	require.Equal(t, 0.875, auc)

	_, ok = churn.LapseAUC(pAlive, func(int) bool { return true })
	require.False(t, ok, "all lapsed: no AUC")
	_, ok = churn.LapseAUC(nil, func(int) bool { return true })
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
		var pairs, wins float64
		for i := range n {
			for j := range n {
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
		auc, ok := churn.LapseAUC(p, func(i int) bool { return lapsed[i] })
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
