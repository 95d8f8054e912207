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
		assert.Equal(t, uint8(3), s.F, "a constant column gets the middle score")
	}
	r, f, m := sc.Cuts()
	assert.Equal(t, []float64{8, 6, 4, 2}, r)
	assert.Equal(t, []float64{1, 1, math.Inf(1), math.Inf(1)}, f)
	assert.Equal(t, []float64{3, 5, 7, 9}, m)
	// A value not seen in the fit scores like the fitted value below it.
	x := rfmx("new", 0, 100, 8.5)
	s, _ := sc.Score(&x)
	assert.Equal(t, value.RFMScore{R: 5, F: 3, M: 4, Segment: value.PotentialLoyalist}, s)
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
	// p(1) = 1.5/4 → 1 + ⌊1.875⌋ = 2; p(2) = 3.5/4 → 1 + ⌊4.375⌋ = 5.
	assert.Equal(t, []uint8{2, 2, 2, 5}, fs)
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
	assert.Equal(t, value.RFMScore{R: 2, F: 9, M: 9, Segment: value.CantLose}, s, "10 bins: 2 → R 1, 9 → F 5")
	assert.Equal(t, 10, sc.Bins())

	for _, tc := range []struct {
		name string
		opts value.RFMOptions
		msg  string
	}{
		{"one bin", value.RFMOptions{Bins: 1}, "bins"},
		{"eleven bins", value.RFMOptions{Bins: 11}, "bins"},
		{"gap in the grid", value.RFMOptions{Rules: value.DefaultRFMRules()[:10]}, "R=5, F=4"},
		{"bad range", value.RFMOptions{Rules: []value.RFMRule{{value.Lost, 0, 5, 1, 5}}}, "rules[0]"},
		{"bad segment", value.RFMOptions{Rules: []value.RFMRule{{0, 1, 5, 1, 5}}}, "rules[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := value.NewRFMStats(customer.Consumer, &tc.opts)
			require.ErrorIs(t, err, value.ErrInvalidModel)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	// Custom rules: one segment for everybody.
	s2, err := value.NewRFMStats(customer.Consumer, &value.RFMOptions{Rules: []value.RFMRule{{value.Loyal, 1, 5, 1, 5}}})
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
	assert.Equal(t, value.RFMScore{R: 1, F: 1, M: 1, Segment: value.Lost}, got)
	_, err = sc.Score(&other)
	require.Error(t, err)
}

// rfmScores fits RFM on the population and returns the scores by ID.
// Split into shards, the odd shards are compacted before they merge.
func rfmScores(t tb, pop []value.Indicators, shards int) map[customer.ID]value.RFMScore {
	var all *value.RFMStats
	for sh := 0; sh < shards; sh++ {
		s, err := value.NewRFMStats(pop[0].Kind, nil)
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
	out := map[customer.ID]value.RFMScore{}
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		out[pop[i].ID] = s
	}
	return out
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
		want := rfmScores(t, pop, 1)
		require.Equal(t, want, rfmScores(t, scaled, 1), "scaling amounts")
		require.Equal(t, want, rfmScores(t, rapid.Permutation(pop).Draw(t, "perm"), 1), "permutation")
		require.Equal(t, want, rfmScores(t, pop, rapid.IntRange(2, 4).Draw(t, "shards")), "merged shards")
	})
}
