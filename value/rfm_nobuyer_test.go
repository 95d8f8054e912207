package value_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// referenceGrid is the R × F grid of DefaultRFMRules as its doc draws it,
// row R = 5 … 1, column F = 1 … 5: the rule that places buyers.
var referenceGrid = [5][5]string{
	{"new", "potential-loyalist", "potential-loyalist", "champions", "champions"},
	{"promising", "potential-loyalist", "potential-loyalist", "loyal", "loyal"},
	{"about-to-sleep", "about-to-sleep", "needs-attention", "loyal", "loyal"},
	{"hibernating", "hibernating", "at-risk", "at-risk", "cant-lose"},
	{"lost", "hibernating", "at-risk", "at-risk", "cant-lose"},
}

// referenceSegment is the segment of the grid cell (r, f), both 1 … 5.
func referenceSegment(t tb, r, f uint8) value.RFMSegment {
	t.Helper()
	s, err := value.ParseRFMSegment(referenceGrid[5-r][f-1])
	require.NoError(t, err)
	return s
}

// A customer without a purchase (one who only browsed, or whose history
// holds only refunds of goods bought before it) has no recency,
// frequency or monetary value: RFM analysis places buyers, so it has no
// segment rather than the lost corner of the grid. Its scores stay the
// lowest, 1.
func TestRFMNonBuyersHaveNoSegment(t *testing.T) {
	browser := extract(t, spec{ID: "browser", Kind: customer.Consumer, Interactions: 2}, 1)
	sum := customer.NewSummary("refund-only", customer.Consumer, asOf, nil)
	m, err := customer.NewMoney("80", "EUR")
	require.NoError(t, err)
	require.NoError(t, sum.AddRefund(asOf.AddDate(0, 0, -30), m, 1))
	var refund value.Indicators
	require.NoError(t, value.Extract(sum, nil, &refund))
	pop := []value.Indicators{
		browser, refund,
		// The buyer who bought least often, longest ago: lost.
		rfmxa("old-once", 400, 1, 20, 20),
		rfmxa("recent-often", 5, 9, 900, 100),
		rfmxa("mid", 60, 3, 200, 60),
	}
	for _, bins := range []int{2, 3, 5, 10} {
		sc := rfmFit(t, &value.RFMOptions{Bins: bins}, pop)
		for _, x := range pop[:2] {
			got, err := sc.Score(&x)
			require.NoError(t, err)
			assert.Equal(t, value.RFMScore{R: 1, F: 1, M: 1, AOV: 1, Segment: value.NoRFMSegment}, got, "%s, %d bins", x.ID, bins)
			assert.Equal(t, got, sc.OnGrid(got), "%s, %d bins: read on the grid", x.ID, bins)
		}
		got, err := sc.Score(&pop[2])
		require.NoError(t, err)
		assert.Equal(t, value.Lost, got.Segment, "%d bins: the buyer of long ago is still lost", bins)
	}
	// A population of non-buyers only: nobody has a segment.
	sc := rfmFit(t, nil, pop[:2])
	for _, x := range pop[:2] {
		got, err := sc.Score(&x)
		require.NoError(t, err)
		assert.Equal(t, value.NoRFMSegment, got.Segment, x.ID)
	}
}

// The zero RFMSegment, NoRFMSegment, is "none" in every text form and
// round-trips through them and JSON; it is not a segment of the grid
// (Valid is false), so no rule may assign it.
func TestRFMNoSegmentText(t *testing.T) {
	assert.Equal(t, "none", value.NoRFMSegment.String())
	assert.False(t, value.NoRFMSegment.Valid())
	b, err := value.NoRFMSegment.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "none", string(b))
	for s := value.NoRFMSegment; s <= value.Lost; s++ {
		p, err := value.ParseRFMSegment(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, p)
		text, err := s.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, s.String(), string(text))
		u := value.Champions
		if s == value.Champions {
			u = value.Lost
		}
		require.NoError(t, u.UnmarshalText(text))
		assert.Equal(t, s, u)
	}
	j, err := json.Marshal(value.RFMScore{R: 1, F: 1, M: 1, AOV: 1})
	require.NoError(t, err)
	assert.JSONEq(t, `{"R":1,"F":1,"M":1,"AOV":1,"Segment":"none"}`, string(j))
	back := value.RFMScore{Segment: value.Lost}
	require.NoError(t, json.Unmarshal(j, &back))
	assert.Equal(t, value.RFMScore{R: 1, F: 1, M: 1, AOV: 1}, back)
	// Scores stored before a customer without a purchase had no
	// segment still decode, as what they said.
	require.NoError(t, json.Unmarshal([]byte(`{"R":1,"F":1,"M":1,"AOV":1,"Segment":"lost"}`), &back))
	assert.Equal(t, value.Lost, back.Segment)

	for _, bad := range []string{"", "None", "no-segment", "RFMSegment(0)"} {
		_, err := value.ParseRFMSegment(bad)
		assert.Error(t, err, "%q", bad)
		u := value.Loyal
		assert.Error(t, u.UnmarshalText([]byte(bad)), "%q", bad)
		assert.Equal(t, value.Loyal, u, "%q: a rejected text changes nothing", bad)
	}
	_, err = value.RFMSegment(15).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "RFMSegment(15)", value.RFMSegment(15).String())

	rules := value.DefaultRFMRules()
	rules = append([]value.RFMRule{{Segment: value.NoRFMSegment, RMin: 1, RMax: 1, FMin: 1, FMax: 1}}, rules...)
	_, err = value.NewRFMStats(customer.Consumer, &value.RFMOptions{Rules: rules})
	assert.ErrorContains(t, err, "rules[0]", "no rule assigns no segment")
}

// Buyers keep their scores and segments: a buyer's segment is the cell of
// the default grid (referenceGrid) at its R and F read on the 1–5 grid,
// and neither its scores nor its segment depend on the customers without
// a purchase fitted with it, who all have no segment and score 1.
func TestPropertyRFMBuyersKeepTheReferenceSegment(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := kindOf(t)
		pop := extractAll(t, genPopulation(t, k, 1))
		for i := range rapid.IntRange(0, 4).Draw(t, "browsers") {
			pop = append(pop, extract(t, spec{ID: fmt.Sprintf("b%02d", i), Kind: k, Interactions: i}, 1))
		}
		var buyers []value.Indicators
		for _, x := range pop {
			if _, ok := x.Get(value.Recency); ok {
				buyers = append(buyers, x)
			}
		}
		bins := rapid.IntRange(2, 10).Draw(t, "bins")
		got, grid := rfmScoresBins(t, pop, rapid.IntRange(1, 3).Draw(t, "shards"), bins)
		var alone map[customer.ID]value.RFMScore
		if len(buyers) > 0 {
			alone, _ = rfmScoresBins(t, buyers, 1, bins)
		}
		for _, x := range pop {
			s, g := got[x.ID], grid[x.ID]
			if _, ok := x.Get(value.Recency); !ok {
				require.Equal(t, value.RFMScore{R: 1, F: 1, M: 1, AOV: 1}, s, "%s never bought", x.ID)
				continue
			}
			require.Equal(t, alone[x.ID], s, "%s: scored as among the buyers alone", x.ID)
			require.True(t, s.Segment.Valid(), "%s: a buyer has a segment", x.ID)
			require.Equal(t, referenceSegment(t, g.R, g.F), s.Segment, "%s: R %d F %d on the grid", x.ID, g.R, g.F)
		}
	})
}
