package value_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// moneyColumn returns customers with the revenues given, all bought on
// one day a week ago, so that only the M column tells them apart.
func moneyColumn(revenues ...float64) []value.Indicators {
	pop := make([]value.Indicators, len(revenues))
	for i, m := range revenues {
		pop[i] = rfmx(fmt.Sprintf("c%02d", i), 7, 1, m)
	}
	return pop
}

// mScores fits RFM with bins on pop and returns the M scores in order.
func mScores(t *testing.T, bins int, pop []value.Indicators) []uint8 {
	t.Helper()
	sc := rfmFit(t, &value.RFMOptions{Bins: bins}, pop)
	out := make([]uint8, len(pop))
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		out[i] = s.M
	}
	return out
}

// TestRFMSmallPopulationsByHand: a column of n ≥ 2 fitted values with
// n < B spreads its competition ranks evenly over 1 … B, score
// 1 + ⌈(B − 1)·#below ÷ (n − 1) − ½⌉ (nearest, halves down), so that the
// least value scores 1 and a greatest value held by one customer scores
// B; with n ≥ B the quantile score min(B, 1 + ⌊B·#below ÷ n⌋) is kept.
func TestRFMSmallPopulationsByHand(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bins     int
		revenues []float64
		want     []uint8
	}{
		// 4·k ÷ 3 = 0, 1.33, 2.67, 4 → 0, 1, 3, 4.
		{"four distinct, 5 bins", 5, []float64{10, 20, 30, 40}, []uint8{1, 2, 4, 5}},
		{"two distinct, 5 bins", 5, []float64{10, 40}, []uint8{1, 5}},
		// 2·k = 0, 2, 4.
		{"three distinct, 5 bins", 5, []float64{10, 20, 30}, []uint8{1, 3, 5}},
		// 1.5·k = 0, 1.5, 3 → 0, 1 (a half rounds down), 3.
		{"three distinct, 4 bins", 4, []float64{10, 20, 30}, []uint8{1, 2, 4}},
		// 3·k = 0, 3, 6, 9.
		{"four distinct, 10 bins", 10, []float64{10, 20, 30, 40}, []uint8{1, 4, 7, 10}},
		// 40 has 3 of 4 below: 4·3 ÷ 3 = 4.
		{"a lone top value, 5 bins", 5, []float64{10, 10, 10, 40}, []uint8{1, 1, 1, 5}},
		// 20 ×2 has 1 below: 4·1 ÷ 2 = 2: a tie block scores by its
		// least favourable position.
		{"a tied top block, 5 bins", 5, []float64{10, 20, 20}, []uint8{1, 3, 3}},
		{"two customers, 2 bins", 2, []float64{10, 40}, []uint8{1, 2}},
		// n = B: the quantile score, 1 + ⌊5·k ÷ 5⌋.
		{"five distinct, 5 bins", 5, []float64{10, 20, 30, 40, 50}, []uint8{1, 2, 3, 4, 5}},
		// n > B: 1 + ⌊5·k ÷ 6⌋.
		{"six distinct, 5 bins", 5, []float64{10, 20, 30, 40, 50, 60}, []uint8{1, 1, 2, 3, 4, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, mScores(t, tc.bins, moneyColumn(tc.revenues...)))
		})
	}

	sc := rfmFit(t, nil, moneyColumn(10, 20, 30, 40))
	_, _, m := sc.Cuts()
	assert.Equal(t, []float64{20, 30, 30, 40}, m, "no cut is left at +Inf")
	s, err := sc.Score(&moneyColumn(35)[0])
	require.NoError(t, err)
	assert.Equal(t, uint8(4), s.M, "an unseen value scores like the fitted value below it")
}

// TestRFMTwoBinsReadOnTheWholeGrid: with 2 bins, the lower half reads as
// cell 1 of the segment grid and the upper half as 5, as the lowest and
// highest scores do with any number of bins, so that the corners of the
// grid (lost, new, cant-lose, champions) are reachable; before, the two
// scores read as 2 and 4 and the F = 1 column (new, promising, lost)
// stayed empty.
func TestRFMTwoBinsReadOnTheWholeGrid(t *testing.T) {
	pop := []value.Indicators{
		rfmx("old-once", 300, 1, 10),
		rfmx("old-often", 280, 9, 10),
		rfmx("new-once", 3, 1, 10),
		rfmx("new-often", 5, 9, 10),
	}
	sc := rfmFit(t, &value.RFMOptions{Bins: 2}, pop)
	want := map[customer.ID]value.RFMSegment{"old-once": value.Lost, "old-often": value.CantLose,
		"new-once": value.New, "new-often": value.Champions}
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		g := sc.OnGrid(s)
		for _, pair := range [][2]uint8{{s.R, g.R}, {s.F, g.F}} {
			assert.Equal(t, map[uint8]uint8{1: 1, 2: 5}[pair[0]], pair[1], "%s: score %d read on the grid", pop[i].ID, pair[0])
		}
		assert.Equal(t, want[pop[i].ID], s.Segment, "%s", pop[i].ID)
	}
}

// oldRFMScore is the quantile score of the rule before small populations
// were spread over the scale: min(B, 1 + ⌊B·#below ÷ n⌋).
func oldRFMScore(below, n, bins int) uint8 { return uint8(min(bins, 1+bins*below/n)) }

// oldGridCell is the reading on the 1–5 grid before 2 bins read on the
// whole grid: 1 + ⌊5·(2v − 1) ÷ 2B⌋.
func oldGridCell(v uint8, bins int) uint8 { return uint8(1 + 5*(2*int(v)-1)/(2*bins)) }

// TestPropertyRFMSmallPopulationRule: in a column of n fitted values and
// B bins, every score is in 1 … B; equal values score equally and a larger
// value never less; a non-constant column gives its least value 1 and a
// greatest value held by one customer B; with n ≤ B distinct values
// score distinctly; and with n ≥ B every score and every reading on the
// grid (for B ≥ 3) is that of the quantile rule, reimplemented here.
func TestPropertyRFMSmallPopulationRule(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bins := rapid.IntRange(2, 10).Draw(t, "bins")
		n := rapid.IntRange(2, 3*bins).Draw(t, "n")
		revenues := make([]float64, n)
		for i := range revenues {
			revenues[i] = float64(rapid.IntRange(0, 2*n).Draw(t, "revenue"))
		}
		pop := moneyColumn(revenues...)
		st, err := value.NewRFMStats(customer.Consumer, &value.RFMOptions{Bins: bins})
		if err != nil {
			t.Fatal(err)
		}
		for i := range pop {
			if err := st.Add(&pop[i]); err != nil {
				t.Fatal(err)
			}
		}
		sc := st.Scorer()
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range revenues {
			lo, hi = min(lo, v), max(hi, v)
		}
		distinct := map[float64]bool{}
		for _, v := range revenues {
			distinct[v] = true
		}
		scores := make([]uint8, n)
		for i := range pop {
			s, err := sc.Score(&pop[i])
			if err != nil {
				t.Fatal(err)
			}
			scores[i] = s.M
		}
		for i, v := range revenues {
			s := scores[i]
			if s < 1 || int(s) > bins {
				t.Fatalf("score %d of %v outside 1 … %d", s, v, bins)
			}
			below, top := 0, 0
			for j, w := range revenues {
				if w < v {
					below++
				}
				if w == hi {
					top++
				}
				switch {
				case w == v && scores[j] != s:
					t.Fatalf("equal values %v score %d and %d", v, s, scores[j])
				case w > v && scores[j] < s:
					t.Fatalf("%v > %v scores %d < %d", w, v, scores[j], s)
				case w != v && n <= bins && len(distinct) == n && scores[j] == s:
					t.Fatalf("distinct %v and %v of %d ≤ %d score both %d", v, w, n, bins, s)
				}
			}
			if lo < hi && v == lo && s != 1 {
				t.Fatalf("least value %v scores %d", v, s)
			}
			if lo < hi && v == hi && top == 1 && int(s) != bins {
				t.Fatalf("lone greatest value %v scores %d of %d", v, s, bins)
			}
			if n >= bins && lo < hi {
				if want := oldRFMScore(below, n, bins); s != want {
					t.Fatalf("%d ≥ %d customers: %v scores %d, the quantile rule %d", n, bins, v, s, want)
				}
				if g := sc.OnGrid(value.RFMScore{R: 1, F: 1, M: s, AOV: 1}); bins >= 3 && g.M != oldGridCell(s, bins) {
					t.Fatalf("%d bins: score %d reads %d, before %d", bins, s, g.M, oldGridCell(s, bins))
				}
			}
		}
	})
}
