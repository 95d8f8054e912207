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

func rfmx(id string, recency, freq, money float64) value.Indicators {
	x := value.Indicators{ID: customer.ID(id), Kind: customer.Consumer}
	x.Set(value.Recency, recency)
	x.Set(value.PurchaseDays, freq)
	x.Set(value.Revenue, money)
	return x
}

func rfmFit(t *testing.T, opts *value.RFMOptions, pop []value.Indicators) *value.RFMScorer {
	t.Helper()
	s, err := value.NewRFMStats(customer.Consumer, opts)
	require.NoError(t, err)
	for i := range pop {
		require.NoError(t, s.Add(&pop[i]))
	}
	return s.Scorer()
}

func TestRFMQuintiles(t *testing.T) {
	var pop []value.Indicators
	for i := 1; i <= 10; i++ {
		pop = append(pop, rfmx(fmt.Sprint(i), float64(11-i), 1, float64(i)))
	}
	sc := rfmFit(t, nil, pop)
	want := []uint8{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		assert.Equal(t, want[i], s.M, "M of %d", i+1)
		assert.Equal(t, want[i], s.R, "R: fewer days is better")
		assert.Equal(t, uint8(1), s.F, "one-time buyers, though the column is constant")
	}
	r, f, m := sc.Cuts()
	assert.Equal(t, []float64{8, 6, 4, 2}, r)
	above1 := math.Nextafter(1, 2)
	assert.Equal(t, []float64{above1, above1, math.Inf(1), math.Inf(1)}, f, "more purchase days than one score the middle")
	assert.Equal(t, []float64{3, 5, 7, 9}, m)
	// A value not seen in the fit scores like the fitted value below it.
	x := rfmx("new", 0, 100, 8.5)
	s, _ := sc.Score(&x)
	assert.Equal(t, value.RFMScore{R: 5, F: 3, M: 4, AOV: 1, Segment: value.PotentialLoyalist}, s, "no spend per purchase known: AOV 1")
}

func TestRFMFewerDistinctValuesThanBins(t *testing.T) {
	pop := []value.Indicators{rfmx("a", 1, 1, 5), rfmx("b", 1, 1, 5), rfmx("c", 1, 1, 5), rfmx("d", 1, 2, 5)}
	sc := rfmFit(t, nil, pop)
	var fs []uint8
	for i := range pop {
		s, _ := sc.Score(&pop[i])
		fs = append(fs, s.F)
		assert.Equal(t, uint8(3), s.R)
	}
	// Fewer customers (4) than bins (5): 1 has none below → 1; 2 has 3
	// of 4 below, the most there can be: 1 + (5 − 1)·3 ÷ 3 = 5.
	assert.Equal(t, []uint8{1, 1, 1, 5}, fs)
}

func TestRFMSegmentGrid(t *testing.T) {
	var pop []value.Indicators
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			pop = append(pop, rfmx(fmt.Sprint(r, f), float64(6-r), float64(f), 1))
		}
	}
	sc := rfmFit(t, nil, pop)
	want := [5][5]string{ // [R-1][F-1]
		{"lost", "hibernating", "at-risk", "at-risk", "cant-lose"},
		{"hibernating", "hibernating", "at-risk", "at-risk", "cant-lose"},
		{"about-to-sleep", "about-to-sleep", "needs-attention", "loyal", "loyal"},
		{"promising", "potential-loyalist", "potential-loyalist", "loyal", "loyal"},
		{"new", "potential-loyalist", "potential-loyalist", "champions", "champions"},
	}
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		require.Equal(t, fmt.Sprint(s.R, s.F), string(pop[i].ID))
		assert.Equal(t, want[s.R-1][s.F-1], s.Segment.String(), "R=%d F=%d", s.R, s.F)
	}
}

func TestRFMOptions(t *testing.T) {
	pop := []value.Indicators{rfmx("a", 1, 1, 1), rfmx("b", 2, 2, 2), rfmx("c", 3, 3, 3)}
	sc := rfmFit(t, &value.RFMOptions{Bins: 10}, pop)
	s, _ := sc.Score(&pop[2])
	// 10 bins, 3 customers, 2 below, the most there can be:
	// F = M = 1 + (10 − 1)·2 ÷ 2 = 10, read as F 5; nobody bought
	// longer ago: R = 1, read as R 1.
	assert.Equal(t, value.RFMScore{R: 1, F: 10, M: 10, AOV: 1, Segment: value.CantLose}, s, "10 bins: R 1 → 1, F 10 → 5")
	assert.Equal(t, 10, sc.Bins())

	for _, tc := range []struct {
		name string
		opts value.RFMOptions
		msg  string
	}{
		{"one bin", value.RFMOptions{Bins: 1}, "bins"},
		{"eleven bins", value.RFMOptions{Bins: 11}, "bins"},
		{"gap in the grid", value.RFMOptions{Rules: value.DefaultRFMRules()[:10]}, "R=5, F=4"},
		{"bad range", value.RFMOptions{Rules: []value.RFMRule{{Segment: value.Lost, RMin: 0, RMax: 5, FMin: 1, FMax: 5}}}, "rules[0]"},
		{"bad segment", value.RFMOptions{Rules: []value.RFMRule{{Segment: 0, RMin: 1, RMax: 5, FMin: 1, FMax: 5}}}, "rules[0]"},
		// Every bound of a rule is checked against the 1–5 grid, after a
		// rule that covers it all: the error names the bad rule.
		{"R above 5", value.RFMOptions{Rules: []value.RFMRule{{Segment: value.Loyal, RMin: 1, RMax: 5, FMin: 1, FMax: 5}, {Segment: value.Lost, RMin: 1, RMax: 6, FMin: 1, FMax: 5}}}, "rules[1]"},
		{"F above 5", value.RFMOptions{Rules: []value.RFMRule{{Segment: value.Loyal, RMin: 1, RMax: 5, FMin: 1, FMax: 5}, {Segment: value.Lost, RMin: 1, RMax: 5, FMin: 1, FMax: 6}}}, "rules[1]"},
		{"F below 1", value.RFMOptions{Rules: []value.RFMRule{{Segment: value.Loyal, RMin: 1, RMax: 5, FMin: 1, FMax: 5}, {Segment: value.Lost, RMin: 1, RMax: 5, FMin: 0, FMax: 5}}}, "rules[1]"},
		{"R range reversed", value.RFMOptions{Rules: []value.RFMRule{{Segment: value.Loyal, RMin: 1, RMax: 5, FMin: 1, FMax: 5}, {Segment: value.Lost, RMin: 3, RMax: 2, FMin: 1, FMax: 5}}}, "rules[1]"},
		{"F range reversed", value.RFMOptions{Rules: []value.RFMRule{{Segment: value.Loyal, RMin: 1, RMax: 5, FMin: 1, FMax: 5}, {Segment: value.Lost, RMin: 1, RMax: 5, FMin: 4, FMax: 3}}}, "rules[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := value.NewRFMStats(customer.Consumer, &tc.opts)
			require.ErrorIs(t, err, value.ErrInvalidModel)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	// Custom rules: one segment for everybody.
	s2, err := value.NewRFMStats(customer.Consumer, &value.RFMOptions{Rules: []value.RFMRule{{Segment: value.Loyal, RMin: 1, RMax: 5, FMin: 1, FMax: 5}}})
	require.NoError(t, err)
	require.NoError(t, s2.Add(&pop[0]))
	got, _ := s2.Scorer().Score(&pop[0])
	assert.Equal(t, value.Loyal, got.Segment)
}

func TestRFMNoPurchaseAndBadInput(t *testing.T) {
	s, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	none := value.Indicators{ID: "browser", Kind: customer.Consumer}
	require.NoError(t, s.Add(&none))
	bad := rfmx("nan", math.NaN(), 1, 1)
	require.ErrorIs(t, s.Add(&bad), value.ErrInvalidInput)
	other := value.Indicators{ID: "d", Kind: customer.Intermediary}
	require.ErrorIs(t, s.Add(&other), value.ErrInvalidInput)
	sc := s.Scorer()
	got, err := sc.Score(&none)
	require.NoError(t, err)
	assert.Equal(t, value.RFMScore{R: 1, F: 1, M: 1, AOV: 1, Segment: value.NoRFMSegment}, got,
		"a customer who never bought has no segment, not lost")
	_, err = sc.Score(&other)
	require.Error(t, err)
}

// rfmScores fits RFM over shards of pop and returns every customer's
// score.
func rfmScores(t tb, pop []value.Indicators, shards int) map[customer.ID]value.RFMScore {
	out, _ := rfmScoresBins(t, pop, shards, 0)
	return out
}

// rfmScoresBins fits RFM with bins (0: the default) over shards of pop
// and returns every customer's score and its reading on the 1–5 grid.
func rfmScoresBins(t tb, pop []value.Indicators, shards, bins int) (scores, grid map[customer.ID]value.RFMScore) {
	var all *value.RFMStats
	for sh := 0; sh < shards; sh++ {
		s, err := value.NewRFMStats(pop[0].Kind, &value.RFMOptions{Bins: bins})
		require.NoError(t, err)
		for i := range pop {
			if i%shards == sh {
				require.NoError(t, s.Add(&pop[i]))
			}
		}
		if sh%2 == 1 {
			s.Compact()
		}
		if all == nil {
			all = s
		} else {
			require.NoError(t, all.Merge(s))
		}
	}
	sc := all.Scorer()
	scores, grid = map[customer.ID]value.RFMScore{}, map[customer.ID]value.RFMScore{}
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		g := sc.OnGrid(s)
		require.Equal(t, s.Segment, g.Segment)
		for _, v := range []uint8{g.R, g.F, g.M, g.AOV} {
			require.True(t, v >= 1 && v <= 5, "grid reading %+v", g)
		}
		scores[pop[i].ID], grid[pop[i].ID] = s, g
	}
	return scores, grid
}

func TestRFMInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := kindOf(t)
		specs := genPopulation(t, k, 1)
		c := rapid.SampledFrom([]int64{2, 3, 100, 12345}).Draw(t, "scale")
		pop, scaled := make([]value.Indicators, len(specs)), make([]value.Indicators, len(specs))
		for i, s := range specs {
			pop[i], scaled[i] = extract(t, s, 1), extract(t, s, c)
		}
		bins := rapid.IntRange(2, 10).Draw(t, "bins")
		want, wantGrid := rfmScoresBins(t, pop, 1, bins)
		for name, p := range map[string][]value.Indicators{"scaling amounts": scaled, "permutation": rapid.Permutation(pop).Draw(t, "perm")} {
			got, grid := rfmScoresBins(t, p, 1, bins)
			require.Equal(t, want, got, name)
			require.Equal(t, wantGrid, grid, name)
		}
		got, grid := rfmScoresBins(t, pop, rapid.IntRange(2, 4).Draw(t, "shards"), bins)
		require.Equal(t, want, got, "merged shards")
		require.Equal(t, wantGrid, grid, "merged shards")
	})
}

// rfmxa is rfmx with a spend per purchase.
func rfmxa(id string, recency, freq, money, aov float64) value.Indicators {
	x := rfmx(id, recency, freq, money)
	x.Set(value.AverageOrderValue, aov)
	return x
}

// Spend per purchase is scored by the same quantiles as R, F
// and M, over the buyers whose spend per purchase is known: a frequent
// small spender has the top M and the bottom AOV.
func TestRFMSpendPerPurchase(t *testing.T) {
	var pop []value.Indicators
	for i := 1; i <= 9; i++ {
		pop = append(pop, rfmxa(fmt.Sprint(i), 10, 1, float64(100*i), float64(100*i)))
	}
	pop = append(pop, rfmxa("frequent", 1, 40, 1000, 25))
	// A buyer without orders known is left out of the AOV quantiles.
	pop = append(pop, rfmx("unknown", 5, 1, 50))
	sc := rfmFit(t, nil, pop)
	// AOVs 25, 100, …, 900: shares strictly below i ÷ 10.
	assert.Equal(t, []float64{200, 400, 600, 800}, sc.AOVCuts())
	want := map[customer.ID]uint8{"frequent": 1, "1": 1, "2": 2, "3": 2, "4": 3, "5": 3, "6": 4, "7": 4, "8": 5, "9": 5, "unknown": 1}
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		assert.Equal(t, want[pop[i].ID], s.AOV, "AOV of %s", pop[i].ID)
		if pop[i].ID == "frequent" {
			assert.Equal(t, value.RFMScore{R: 5, F: 5, M: 5, AOV: 1, Segment: value.Champions}, s)
		}
	}
	x := rfmxa("between", 10, 1, 650, 650)
	s, err := sc.Score(&x)
	require.NoError(t, err)
	assert.Equal(t, uint8(4), s.AOV, "scores like the fitted value below it")

	// A non-finite spend per purchase is rejected and changes nothing.
	st, err := value.NewRFMStats(customer.Consumer, nil)
	require.NoError(t, err)
	require.NoError(t, st.Add(&pop[0]))
	before, err := st.MarshalBinary()
	require.NoError(t, err)
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		bad := rfmxa("bad", 1, 1, 1, v)
		err := st.Add(&bad)
		require.ErrorIs(t, err, value.ErrInvalidInput)
		assert.ErrorContains(t, err, "average-order-value")
		assert.ErrorContains(t, err, `"bad"`)
		_, err = st.Scorer().Score(&bad)
		require.ErrorIs(t, err, value.ErrInvalidInput)
	}
	after, err := st.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

// Against a fitted scorer, and after a refit with the customer changed,
// less spend per purchase never scores more; the other scores do not
// move.
func TestPropertyLowerSpendPerPurchaseNeverScoresHigher(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := kindOf(t)
		specs := genPopulation(t, k, 1)
		pop := extractAll(t, specs)
		j := rapid.IntRange(0, len(pop)-1).Draw(t, "customer")
		aov, ok := pop[j].Get(value.AverageOrderValue)
		if !ok {
			t.Skip("no purchase")
		}
		lower := append([]value.Indicators(nil), pop...)
		lower[j].Set(value.AverageOrderValue, aov-rapid.Float64Range(0, 1e6).Draw(t, "less"))
		want := rfmScores(t, pop, 1)[pop[j].ID]
		st, err := value.NewRFMStats(k, nil)
		require.NoError(t, err)
		for i := range pop {
			require.NoError(t, st.Add(&pop[i]))
		}
		same, err := st.Scorer().Score(&lower[j])
		require.NoError(t, err)
		refit := rfmScores(t, lower, 1)[pop[j].ID]
		for _, got := range []value.RFMScore{same, refit} {
			require.LessOrEqual(t, got.AOV, want.AOV)
			got.AOV = want.AOV
			require.Equal(t, want, got)
		}
	})
}

// TestRFMConstantColumnsReadAsMiddleForEveryBinCount: a column on which
// every customer is equal says nothing about anybody, so on the 1–5 grid
// of the segment rules it reads as the middle, 3, whatever the number of
// bins: a population that all bought on two days, the same number of
// days ago, needs attention (R = 3, F = 3) with 2 … 10 bins alike, as
// with 5. One purchase day is the exception: it is the fewest a buyer
// can have, so a population that all bought once is of one-time buyers
// (F = 1), about to sleep at the middle recency.
func TestRFMConstantColumnsReadAsMiddleForEveryBinCount(t *testing.T) {
	for bins := 2; bins <= 10; bins++ {
		for _, n := range []int{1, 2, 7} {
			for _, days := range []float64{2, 1} {
				var pop []value.Indicators
				for i := range n {
					pop = append(pop, rfmx(fmt.Sprint(i), 30, days, float64(10*(i+1))))
				}
				sc := rfmFit(t, &value.RFMOptions{Bins: bins}, pop)
				for i := range pop {
					s, err := sc.Score(&pop[i])
					require.NoError(t, err)
					assert.Equal(t, uint8(1+bins/2), s.R, "%d bins: the documented score of a constant column", bins)
					g := sc.OnGrid(s)
					assert.Equal(t, uint8(3), g.R, "%d bins", bins)
					if days == 1 {
						assert.Equal(t, uint8(1), s.F, "%d bins, %d one-time buyers", bins, n)
						assert.Equal(t, uint8(1), g.F, "%d bins", bins)
						assert.Equal(t, value.AboutToSleep, s.Segment, "%d bins, %d one-time buyers", bins, n)
						continue
					}
					assert.Equal(t, value.NeedsAttention, s.Segment, "%d bins, %d customers", bins, n)
					assert.Equal(t, uint8(3), g.F, "%d bins", bins)
				}
			}
		}
	}
}

// TestRFMGridReadingIsSymmetric: with B bins, score s and score B + 1 − s
// cover mirrored shares of the population, so they read as mirrored
// cells of the 1–5 grid; the lowest score reads as 1 whenever a bin fits
// within the lowest fifth, so that every segment of the grid, "lost"
// included, is reachable with 3 bins or more.
func TestRFMGridReadingIsSymmetric(t *testing.T) {
	for bins := 2; bins <= 10; bins++ {
		var pop []value.Indicators
		for i := 1; i <= bins; i++ {
			pop = append(pop, rfmx(fmt.Sprint(i), float64(bins+1-i), float64(i), float64(i)))
		}
		sc := rfmFit(t, &value.RFMOptions{Bins: bins}, pop)
		var reads []uint8
		for i := range pop {
			s, err := sc.Score(&pop[i])
			require.NoError(t, err)
			require.Equal(t, uint8(i+1), s.F, "%d bins: one customer per bin", bins)
			g := sc.OnGrid(s)
			require.Equal(t, g.R, g.F)
			reads = append(reads, g.F)
		}
		for i := range reads {
			assert.Equal(t, uint8(6), reads[i]+reads[bins-1-i], "%d bins: %v", bins, reads)
		}
		if bins >= 3 {
			s, _ := sc.Score(&pop[0])
			assert.Equal(t, value.Lost, s.Segment, "%d bins: the least recent, least frequent", bins)
		}
	}
}

// TestSpendPerPurchaseTiesSurviveScaling: two customers who spend the
// same per purchase (0.09 € in 3 orders, 0.06 € in 2) tie in
// AverageOrderValue, and so in the AOV score, in any currency unit:
// multiplying every amount by the same constant splits no tie.
func TestSpendPerPurchaseTiesSurviveScaling(t *testing.T) {
	three := spec{ID: "three", Kind: customer.Consumer}
	two := spec{ID: "two", Kind: customer.Consumer}
	for i := range 3 {
		three.Buys = append(three.Buys, buy{DaysAgo: 10 + 30*i, Qty: 1, Cents: 3})
	}
	for i := range 2 {
		two.Buys = append(two.Buys, buy{DaysAgo: 10 + 30*i, Qty: 1, Cents: 3})
	}
	for _, c := range []int64{1, 3, 7, 11, 1000, 123456789} {
		pop := []value.Indicators{extract(t, three, c), extract(t, two, c)}
		a, _ := pop[0].Get(value.AverageOrderValue)
		b, _ := pop[1].Get(value.AverageOrderValue)
		require.Equal(t, a, b, "×%d", c)
		got := rfmScores(t, pop, 1)
		assert.Equal(t, got["three"].AOV, got["two"].AOV, "×%d", c)
	}
}

// oneTimerPopulation returns 20 buyers, customer i (1 … 20) having
// bought i days ago, once unless i is in repeat (then i % 4 + 2 days).
func oneTimerPopulation(repeat ...int) []value.Indicators {
	var pop []value.Indicators
	for i := 1; i <= 20; i++ {
		f := 1
		for _, r := range repeat {
			if r == i {
				f = i%4 + 2
			}
		}
		pop = append(pop, rfmx(fmt.Sprint(i), float64(i), float64(f), float64(10*i)))
	}
	return pop
}

// TestRFMOneTimeBuyersScoreF1: in a clothing shop most buyers buy once.
// The customers with the fewest purchase days score F = 1 whatever their
// share (nobody bought on fewer days), so the F = 1 column of the grid
// holds them, with 5 bins and with any other number of bins of which the
// lowest score reads as 1 (3 or more): the recent one-time buyers are
// "new", the next "promising", those from long ago "lost", never
// "potential-loyalist" (bought a few times) nor "at-risk" (bought often).
func TestRFMOneTimeBuyersScoreF1(t *testing.T) {
	column := map[uint8]value.RFMSegment{5: value.New, 4: value.Promising, 3: value.AboutToSleep, 2: value.Hibernating, 1: value.Lost}
	for _, tc := range []struct {
		name   string
		repeat []int
	}{
		{"40% one-time", []int{3, 4, 7, 8, 10, 11, 12, 13, 14, 15, 16, 18}},
		{"60% one-time", []int{3, 4, 7, 8, 11, 12, 15, 16}},
		{"85% one-time", []int{3, 8, 12}},
		// A new shop, or a cohort, whose buyers all bought once: the
		// one-time buyers are no less so because nobody bought twice.
		{"100% one-time", nil},
	} {
		for _, bins := range []int{5, 3, 4, 10} {
			t.Run(fmt.Sprintf("%s, %d bins", tc.name, bins), func(t *testing.T) {
				pop := oneTimerPopulation(tc.repeat...)
				sc := rfmFit(t, &value.RFMOptions{Bins: bins}, pop)
				seen := map[value.RFMSegment]int{}
				for i := range pop {
					s, err := sc.Score(&pop[i])
					require.NoError(t, err)
					g := sc.OnGrid(s)
					days := i + 1
					if bins == 5 {
						// 20 distinct recencies: R = 1 + ⌊5·(20 − days) ÷ 20⌋.
						require.Equal(t, uint8(1+(20-days)/4), s.R, "R of %d", days)
					}
					if pop[i].Values[value.PurchaseDays] != 1 {
						assert.Greater(t, s.F, uint8(1), "repeat buyer %d", days)
						continue
					}
					assert.Equal(t, uint8(1), s.F, "one-time buyer %d", days)
					assert.Equal(t, uint8(1), g.F, "one-time buyer %d on the grid", days)
					assert.Equal(t, column[g.R], s.Segment, "one-time buyer %d days ago, R=%d", days, g.R)
					seen[s.Segment]++
				}
				assert.Positive(t, seen[value.New], "the recent one-time buyers are new")
				assert.Positive(t, seen[value.Lost], "the one-time buyers of long ago are lost")
			})
		}
	}
}

// TestRFMTiedPopulationByHand: a tie block scores by the share of the
// population strictly below it, p = #below ÷ n, as min(5, 1 + ⌊5·p⌋);
// recency is scored on "fewer days is better", so the block of the most
// recent buyers has the least recent ones below it.
func TestRFMTiedPopulationByHand(t *testing.T) {
	pop := []value.Indicators{
		rfmxa("a", 5, 7, 100, 40),
		rfmxa("b", 5, 3, 50, 40),
		rfmxa("c", 5, 1, 20, 20),
		rfmxa("d", 30, 2, 20, 20),
		rfmxa("e", 30, 1, 20, 20),
		rfmxa("f", 60, 2, 20, 10),
		rfmxa("g", 90, 1, 10, 10),
		rfmxa("h", 90, 1, 10, 10),
	}
	// R: 90 days ×2 has 0 below → 1; 60 has 2 → 1 + ⌊1.25⌋ = 2;
	//    30 ×2 has 3 → 1 + ⌊1.875⌋ = 2; 5 ×3 has 5 → 1 + ⌊3.125⌋ = 4.
	// F: 1 ×4 → 1; 2 ×2 has 4 below → 3; 3 has 6 → 4; 7 has 7 → 5.
	// M: 10 ×2 → 1; 20 ×4 has 2 below → 2; 50 has 6 → 4; 100 has 7 → 5.
	// AOV: 10 ×3 → 1; 20 ×3 has 3 below → 2; 40 ×2 has 6 → 4.
	want := map[customer.ID]value.RFMScore{
		"a": {R: 4, F: 5, M: 5, AOV: 4, Segment: value.Loyal},
		"b": {R: 4, F: 4, M: 4, AOV: 4, Segment: value.Loyal},
		"c": {R: 4, F: 1, M: 2, AOV: 2, Segment: value.Promising},
		"d": {R: 2, F: 3, M: 2, AOV: 2, Segment: value.AtRisk},
		"e": {R: 2, F: 1, M: 2, AOV: 2, Segment: value.Hibernating},
		"f": {R: 2, F: 3, M: 2, AOV: 1, Segment: value.AtRisk},
		"g": {R: 1, F: 1, M: 1, AOV: 1, Segment: value.Lost},
		"h": {R: 1, F: 1, M: 1, AOV: 1, Segment: value.Lost},
	}
	for shards := 1; shards <= 3; shards++ {
		assert.Equal(t, want, rfmScores(t, pop, shards), "%d shards", shards)
	}
	sc := rfmFit(t, nil, pop)
	r, f, m := sc.Cuts()
	assert.Equal(t, []float64{60, 5, 5, math.Inf(-1)}, r)
	assert.Equal(t, []float64{2, 2, 3, 7}, f)
	assert.Equal(t, []float64{20, 50, 50, 100}, m)
	assert.Equal(t, []float64{20, 40, 40, math.Inf(1)}, sc.AOVCuts())
}

// TestPropertyRFMCompetitionRanking: in every column, over populations
// rich in ties and any number of bins, fitted in one pass or merged from
// shards: equal values score equally; a larger value never scores less;
// a value with nobody below scores 1, unless the column is constant
// (then everybody scores the middle, 1 + ⌊B ÷ 2⌋); and every score is
// min(B, 1 + ⌊B·#below ÷ n⌋) with n ≥ B, and the nearest integer to
// 1 + (B − 1)·#below ÷ (n − 1), halves down, with n < B, counted here by
// brute force. With 10 bins, the reading on the 1–5 grid of a column of
// 10 customers or more is the score with 5 bins.
func TestPropertyRFMCompetitionRanking(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		pop := make([]value.Indicators, n)
		for i := range pop {
			r := float64(rapid.IntRange(0, 6).Draw(t, "recency"))
			f := float64(rapid.IntRange(1, 4).Draw(t, "days"))
			m := rapid.SampledFrom([]float64{0, 9.9, 10, 250, 1e6}).Draw(t, "revenue")
			pop[i] = rfmx(fmt.Sprintf("c%02d", i), r, f, m)
			if rapid.Bool().Draw(t, "aov known") {
				pop[i].Set(value.AverageOrderValue, rapid.SampledFrom([]float64{-5, 0, 1, 2.5, 80}).Draw(t, "aov"))
			}
		}
		bins := rapid.IntRange(2, 10).Draw(t, "bins")
		got, grid := rfmScoresBins(t, pop, 1, bins)
		merged, mergedGrid := rfmScoresBins(t, pop, rapid.IntRange(2, 5).Draw(t, "shards"), bins)
		require.Equal(t, got, merged, "merged shards")
		require.Equal(t, grid, mergedGrid, "merged shards")

		cols := []struct {
			name  string
			ind   value.Indicator
			sign  float64 // higher is better after multiplying by sign
			score func(value.RFMScore) uint8
		}{
			{"R", value.Recency, -1, func(s value.RFMScore) uint8 { return s.R }},
			{"F", value.PurchaseDays, 1, func(s value.RFMScore) uint8 { return s.F }},
			{"M", value.Revenue, 1, func(s value.RFMScore) uint8 { return s.M }},
			{"AOV", value.AverageOrderValue, 1, func(s value.RFMScore) uint8 { return s.AOV }},
		}
		for _, c := range cols {
			var vals []float64
			for i := range pop {
				if v, ok := pop[i].Get(c.ind); ok {
					vals = append(vals, c.sign*v)
				}
			}
			constant := true
			for _, v := range vals {
				constant = constant && v == vals[0]
			}
			for i := range pop {
				v, ok := pop[i].Get(c.ind)
				if !ok {
					require.Equal(t, uint8(1), c.score(got[pop[i].ID]), "%s unknown scores 1", c.name)
					continue
				}
				v *= c.sign
				below := 0
				for _, w := range vals {
					if w < v {
						below++
					}
				}
				s := c.score(got[pop[i].ID])
				want := min(bins, 1+bins*below/len(vals))
				if n := len(vals); n < bins && n > 1 {
					q, r := (bins-1)*below/(n-1), (bins-1)*below%(n-1)
					want = 1 + q
					if 2*r > n-1 { // above a half: up; a half: down
						want++
					}
				}
				switch {
				case constant && c.ind == value.PurchaseDays && v == 1:
					want = 1 // one-time buyers, however many
				case constant:
					want = 1 + bins/2
				case below == 0:
					require.Equal(t, uint8(1), s, "%s: nobody below %v", c.name, v)
				}
				require.Equal(t, uint8(want), s, "%s of %s = %v: %d of %d below, %d bins", c.name, pop[i].ID, v, below, len(vals), bins)
				for j := range pop {
					w, ok := pop[j].Get(c.ind)
					if !ok {
						continue
					}
					w *= c.sign
					sj := c.score(got[pop[j].ID])
					if w == v {
						require.Equal(t, s, sj, "%s: equal values %v", c.name, v)
					} else if w > v {
						require.GreaterOrEqual(t, sj, s, "%s: %v > %v", c.name, w, v)
					}
				}
			}
		}
		if bins == 10 && n >= 10 {
			aovs := 0
			for i := range pop {
				if pop[i].Known(value.AverageOrderValue) {
					aovs++
				}
			}
			five, _ := rfmScoresBins(t, pop, 1, 5)
			for id, g := range grid {
				s := five[id]
				s.Segment = g.Segment
				if aovs < 10 {
					s.AOV = g.AOV
				}
				require.Equal(t, s, g, "%s: 10 bins read on the grid = 5 bins", id)
			}
		}
	})
}
