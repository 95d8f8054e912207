package value_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// ruleMatches reports whether rule r holds for g, a score read on the
// 1–5 grid: R and F within their ranges, M and AOV within theirs, a zero
// bound of M or AOV leaving that end open.
func ruleMatches(r value.RFMRule, g value.RFMScore) bool {
	in := func(v, lo, hi uint8) bool { return (lo == 0 || v >= lo) && (hi == 0 || v <= hi) }
	return in(g.R, r.RMin, r.RMax) && in(g.F, r.FMin, r.FMax) && in(g.M, r.MMin, r.MMax) && in(g.AOV, r.AOVMin, r.AOVMax)
}

// firstRule is the reference reading of a rule list: the segment of the
// first rule that holds for g, or NoRFMSegment when none does.
func firstRule(rules []value.RFMRule, g value.RFMScore) value.RFMSegment {
	for _, r := range rules {
		if ruleMatches(r, g) {
			return r.Segment
		}
	}
	return value.NoRFMSegment
}

// rfmFitScores fits RFM with rules over pop and returns, for every
// customer, its score and that score read on the 1–5 grid.
func rfmFitScores(t tb, rules []value.RFMRule, bins int, pop []value.Indicators) (scores, grid map[customer.ID]value.RFMScore) {
	t.Helper()
	st, err := value.NewRFMStats(pop[0].Kind, &value.RFMOptions{Bins: bins, Rules: rules})
	require.NoError(t, err)
	for i := range pop {
		require.NoError(t, st.Add(&pop[i]))
	}
	sc := st.Scorer()
	scores, grid = map[customer.ID]value.RFMScore{}, map[customer.ID]value.RFMScore{}
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		scores[pop[i].ID], grid[pop[i].ID] = s, sc.OnGrid(s)
	}
	return scores, grid
}

// ranked returns ten buyers whose R, F, M and AOV ranks (0 … 9, higher
// is better) are given per customer: with five bins each column scores
// 1, 1, 2, 2, …, 5, 5, the score 1 + ⌊rank ÷ 2⌋.
func ranked(ranks [10][4]int) []value.Indicators {
	pop := make([]value.Indicators, len(ranks))
	for i, k := range ranks {
		pop[i] = rfmxa(fmt.Sprint("c", i), float64(100-10*k[0]), float64(1+k[1]), float64(100*(1+k[2])), float64(10*(1+k[3])))
	}
	return pop
}

// A rule may bound the total spend M and the spend per purchase AOV as
// well as R and F; the first rule that holds wins, and a customer whom
// no rule with such bounds catches falls to the rules after it.
func TestRFMRulesBoundMonetaryValueAndSpendPerPurchase(t *testing.T) {
	// R, F, M, AOV ranks: each column a permutation of 0 … 9.
	pop := ranked([10][4]int{
		{9, 9, 9, 5}, // c0: 5 5 5 3: the biggest spender
		{8, 8, 1, 0}, // c1: 5 5 1 1: frequent, small baskets
		{1, 7, 7, 7}, // c2: 1 4 4 4: a good customer long gone
		{0, 0, 8, 9}, // c3: 1 1 5 5: one big purchase long ago
		{7, 1, 0, 1}, // c4: 4 1 1 1
		{6, 6, 2, 2}, // c5: 4 4 2 2: frequent, small baskets
		{5, 5, 6, 6}, // c6: 3 3 4 4
		{4, 4, 5, 4}, // c7: 3 3 3 3
		{3, 3, 4, 3}, // c8: 2 2 3 2
		{2, 2, 3, 8}, // c9: 2 2 2 5
	})
	rules := append([]value.RFMRule{
		{Segment: value.AboutToChurn, RMin: 1, RMax: 2, FMin: 3, FMax: 5},
		{Segment: value.AboutToChurn, RMin: 1, RMax: 2, FMin: 1, FMax: 5, MMin: 4},
		{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 5, MMax: 5},
		{Segment: value.HighFrequencyLowSpend, RMin: 1, RMax: 5, FMin: 4, FMax: 5, AOVMax: 2},
	}, value.DefaultRFMRules()...)
	got, grid := rfmFitScores(t, rules, 5, pop)
	want := map[customer.ID]value.RFMSegment{
		"c0": value.HighNetWorth, "c1": value.HighFrequencyLowSpend, "c2": value.AboutToChurn,
		"c3": value.AboutToChurn, "c4": value.Promising, "c5": value.HighFrequencyLowSpend,
		"c6": value.NeedsAttention, "c7": value.NeedsAttention, "c8": value.Hibernating, "c9": value.Hibernating,
	}
	for id, w := range want {
		assert.Equal(t, w, got[id].Segment, "%s %+v", id, grid[id])
		assert.Equal(t, firstRule(rules, grid[id]), got[id].Segment, id)
	}
	assert.Equal(t, value.RFMScore{R: 5, F: 5, M: 5, AOV: 3, Segment: value.HighNetWorth}, got["c0"])

	// Order: the same rules after the defaults, which cover the whole
	// grid, catch nobody.
	after := append(value.DefaultRFMRules(), rules[:4]...)
	got2, _ := rfmFitScores(t, after, 5, pop)
	def, _ := rfmFitScores(t, nil, 5, pop)
	assert.Equal(t, def, got2, "rules after a covering grid are never reached")
	// Between the two: high net worth before high-frequency low-spend
	// takes a frequent small spender with the top M.
	swapped := []value.RFMRule{rules[3], rules[2]}
	swapped = append(swapped, value.DefaultRFMRules()...)
	whale := ranked([10][4]int{
		{9, 9, 9, 0}, {8, 8, 1, 1}, {1, 7, 7, 7}, {0, 0, 8, 9}, {7, 1, 0, 2},
		{6, 6, 2, 3}, {5, 5, 6, 6}, {4, 4, 5, 4}, {3, 3, 4, 5}, {2, 2, 3, 8},
	})
	a, ga := rfmFitScores(t, rules, 5, whale)
	b, _ := rfmFitScores(t, swapped, 5, whale)
	require.Equal(t, value.RFMScore{R: 5, F: 5, M: 5, AOV: 1}, value.RFMScore{R: ga["c0"].R, F: ga["c0"].F, M: ga["c0"].M, AOV: ga["c0"].AOV})
	assert.Equal(t, value.HighNetWorth, a["c0"].Segment, "high net worth first")
	assert.Equal(t, value.HighFrequencyLowSpend, b["c0"].Segment, "high-frequency low-spend first")
}

// Rules that bound M or AOV read those scores on the 1–5 grid, as R and
// F are read ([value.RFMScorer.OnGrid]), with any number of bins.
func TestRFMRulesReadMAndAOVOnTheGrid(t *testing.T) {
	pop := ranked([10][4]int{
		{9, 9, 9, 5}, {8, 8, 1, 0}, {1, 7, 7, 7}, {0, 0, 8, 9}, {7, 1, 0, 1},
		{6, 6, 2, 2}, {5, 5, 6, 6}, {4, 4, 5, 4}, {3, 3, 4, 3}, {2, 2, 3, 8},
	})
	rules := append([]value.RFMRule{{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 5}}, value.DefaultRFMRules()...)
	for _, bins := range []int{2, 3, 4, 5, 7, 10} {
		got, grid := rfmFitScores(t, rules, bins, pop)
		n := 0
		for id, s := range got {
			assert.Equal(t, firstRule(rules, grid[id]), s.Segment, "%d bins: %s %+v", bins, id, grid[id])
			if s.Segment == value.HighNetWorth {
				n++
			}
		}
		assert.Positive(t, n, "%d bins: the top M reads as 5", bins)
	}
}

// genRule draws a valid rule; with bounded, it may bound M and AOV.
func genRule(t *rapid.T, bounded bool, label string) value.RFMRule {
	rng := func(name string) (uint8, uint8) {
		lo := rapid.Uint8Range(1, 5).Draw(t, label+name+"min")
		return lo, rapid.Uint8Range(lo, 5).Draw(t, label+name+"max")
	}
	open := func(name string) (uint8, uint8) {
		lo := rapid.Uint8Range(0, 5).Draw(t, label+name+"min")
		hi := rapid.Uint8Range(0, 5).Draw(t, label+name+"max")
		if lo != 0 && hi != 0 && lo > hi {
			lo, hi = hi, lo
		}
		return lo, hi
	}
	r := value.RFMRule{Segment: value.RFMSegment(rapid.IntRange(1, int(value.HighFrequencyLowSpend)).Draw(t, label+"segment"))}
	r.RMin, r.RMax = rng("R")
	r.FMin, r.FMax = rng("F")
	if bounded {
		r.MMin, r.MMax = open("M")
		r.AOVMin, r.AOVMax = open("AOV")
	}
	return r
}

// Any rule list, with or without bounds on M and AOV, gives every buyer
// the segment of the first rule that holds for its scores read on the
// grid; a list that leaves some scores without a rule is refused, naming
// those scores. Rules without bounds on M or AOV segment as the R × F
// grid always did, and so do the same rules followed by rules with such
// bounds that nothing reaches.
func TestPropertyRFMRulesFirstMatchWins(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Buyers whose R, F, M and AOV are drawn apart, so that rules
		// reading M and AOV tell them apart, and a few who never bought.
		k := kindOf(t)
		var pop, buyers []value.Indicators
		for i := range rapid.IntRange(1, 20).Draw(t, "buyers") {
			x := rfmxa(fmt.Sprint("b", i), float64(rapid.IntRange(0, 30).Draw(t, "recency")), float64(rapid.IntRange(1, 8).Draw(t, "days")),
				float64(rapid.IntRange(0, 30).Draw(t, "net")), float64(rapid.IntRange(0, 30).Draw(t, "aov")))
			x.Kind = k
			buyers = append(buyers, x)
		}
		pop = append(pop, buyers...)
		for i := range rapid.IntRange(0, 2).Draw(t, "browsers") {
			pop = append(pop, value.Indicators{ID: customer.ID(fmt.Sprint("n", i)), Kind: k})
		}
		bins := rapid.IntRange(2, 10).Draw(t, "bins")
		bounded := rapid.Bool().Draw(t, "bounded")
		rules := []value.RFMRule{} // none: refused, not the defaults
		for i := range rapid.IntRange(0, 6).Draw(t, "rules") {
			rules = append(rules, genRule(t, bounded && rapid.Bool().Draw(t, fmt.Sprint("b", i)), fmt.Sprint(i)))
		}
		// Coverage: every cell of the grid, and every M and AOV in it.
		var gap *value.RFMScore
		for r := uint8(1); r <= 5 && gap == nil; r++ {
			for f := uint8(1); f <= 5 && gap == nil; f++ {
				for m := uint8(1); m <= 5 && gap == nil; m++ {
					for a := uint8(1); a <= 5 && gap == nil; a++ {
						if g := (value.RFMScore{R: r, F: f, M: m, AOV: a}); firstRule(rules, g) == value.NoRFMSegment {
							gap = &g
						}
					}
				}
			}
		}
		if gap != nil && rapid.Bool().Draw(t, "refused") {
			_, err := value.NewRFMStats(k, &value.RFMOptions{Bins: bins, Rules: rules})
			require.ErrorIs(t, err, value.ErrInvalidModel)
			require.ErrorContains(t, err, fmt.Sprintf("no rule for R=%d, F=%d", gap.R, gap.F))
			return
		}
		if gap != nil {
			rules = append(rules, value.RFMRule{Segment: value.Lost, RMin: 1, RMax: 5, FMin: 1, FMax: 5})
		}
		got, grid := rfmFitScores(t, rules, bins, pop)
		for _, x := range pop {
			s, g := got[x.ID], grid[x.ID]
			if _, ok := x.Get(value.Recency); !ok {
				require.Equal(t, value.RFMScore{R: 1, F: 1, M: 1, AOV: 1}, s, "%s never bought", x.ID)
				continue
			}
			require.Equal(t, firstRule(rules, g), s.Segment, "%s: %+v", x.ID, g)
		}
		if !bounded {
			// The same list followed by a rule with bounds that nothing
			// reaches takes the other path and gives the same scores.
			tail := append(append([]value.RFMRule(nil), rules...), value.RFMRule{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 5})
			got2, _ := rfmFitScores(t, tail, bins, pop)
			require.Equal(t, got, got2)
			// And the default rules, written out, are the reference grid.
			def, dgrid := rfmFitScores(t, value.DefaultRFMRules(), bins, buyers)
			for id, s := range def {
				require.Equal(t, referenceSegment(t, dgrid[id].R, dgrid[id].F), s.Segment, "%s", id)
			}
		}
	})
}

// A rule with a bad bound is refused, naming the rule and the field;
// every bad field of it is named at once, and every bad rule.
func TestRFMRulesBadBoundsAreRefused(t *testing.T) {
	all := value.RFMRule{Segment: value.Loyal, RMin: 1, RMax: 5, FMin: 1, FMax: 5}
	bad := func(r value.RFMRule) []value.RFMRule { return []value.RFMRule{all, r} }
	for _, tc := range []struct {
		name  string
		rules []value.RFMRule
		msgs  []string
	}{
		{"M min above 5", bad(value.RFMRule{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 6}), []string{"rules[1]", "MMin 6"}},
		{"M max above 5", bad(value.RFMRule{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMax: 9}), []string{"rules[1]", "MMax 9"}},
		{"AOV min above 5", bad(value.RFMRule{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, AOVMin: 6}), []string{"rules[1]", "AOVMin 6"}},
		{"AOV max above 5", bad(value.RFMRule{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, AOVMax: 255}), []string{"rules[1]", "AOVMax 255"}},
		{"M range reversed", bad(value.RFMRule{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 4, MMax: 2}), []string{"rules[1]", "MMin 4 > MMax 2"}},
		{"AOV range reversed", bad(value.RFMRule{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, AOVMin: 3, AOVMax: 1}), []string{"rules[1]", "AOVMin 3 > AOVMax 1"}},
		{"R below 1", bad(value.RFMRule{Segment: value.Lost, RMin: 0, RMax: 5, FMin: 1, FMax: 5}), []string{"rules[1]", "RMin 0"}},
		{"F above 5", bad(value.RFMRule{Segment: value.Lost, RMin: 1, RMax: 5, FMin: 1, FMax: 6}), []string{"rules[1]", "FMax 6"}},
		{"R reversed", bad(value.RFMRule{Segment: value.Lost, RMin: 3, RMax: 2, FMin: 1, FMax: 5}), []string{"rules[1]", "RMin 3 > RMax 2"}},
		{"no segment", bad(value.RFMRule{RMin: 1, RMax: 5, FMin: 1, FMax: 5}), []string{"rules[1]", "segment none"}},
		{"undefined segment", bad(value.RFMRule{Segment: 200, RMin: 1, RMax: 5, FMin: 1, FMax: 5}), []string{"rules[1]", "RFMSegment(200)"}},
		{"every bad field", bad(value.RFMRule{Segment: value.HighNetWorth, RMin: 0, RMax: 5, FMin: 1, FMax: 5, MMin: 7, AOVMin: 5, AOVMax: 4}),
			[]string{"rules[1]", "RMin 0", "MMin 7", "AOVMin 5 > AOVMax 4"}},
		{"every bad rule", []value.RFMRule{
			{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMax: 6}, all,
			{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, AOVMin: 6},
		}, []string{"rules[0]", "MMax 6", "rules[2]", "AOVMin 6"}},
		// A rule with bounds leaves the customers outside them to the
		// rules after it: some must take them.
		{"M bound leaves a gap", []value.RFMRule{{Segment: value.Loyal, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 2}}, []string{"no rule for R=1, F=1, M=1, AOV=1"}},
		{"AOV bound leaves a gap", []value.RFMRule{
			{Segment: value.Loyal, RMin: 1, RMax: 5, FMin: 1, FMax: 5, AOVMax: 4},
			{Segment: value.Lost, RMin: 1, RMax: 4, FMin: 1, FMax: 5},
		}, []string{"no rule for R=5, F=1, M=1, AOV=5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := value.NewRFMStats(customer.Consumer, &value.RFMOptions{Rules: tc.rules})
			require.ErrorIs(t, err, value.ErrInvalidModel)
			assert.Nil(t, st)
			for _, m := range tc.msgs {
				assert.ErrorContains(t, err, m)
			}
		})
	}
	// Rules with bounds that together leave no gap are a valid list.
	st, err := value.NewRFMStats(customer.Consumer, &value.RFMOptions{Rules: []value.RFMRule{
		{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 4},
		{Segment: value.HighFrequencyLowSpend, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMax: 3, AOVMax: 2},
		{Segment: value.Lost, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMax: 3, AOVMin: 3},
	}})
	require.NoError(t, err)
	require.NotNil(t, st)
}

// The groups that domain rules §2 (001) names RFM analysis for are
// segments a rule may assign, with text forms like every segment's.
func TestRFMSeedGroupSegments(t *testing.T) {
	for s, name := range map[value.RFMSegment]string{
		value.HighNetWorth: "high-net-worth", value.AboutToChurn: "about-to-churn",
		value.HighFrequencyLowSpend: "high-frequency-low-spend",
	} {
		assert.True(t, s.Valid(), name)
		assert.Equal(t, name, s.String())
		p, err := value.ParseRFMSegment(name)
		require.NoError(t, err)
		assert.Equal(t, s, p)
		b, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, `"`+name+`"`, string(b))
	}
	// DefaultRFMRules assign none of them.
	for _, r := range value.DefaultRFMRules() {
		assert.LessOrEqual(t, r.Segment, value.Lost, "%+v", r)
	}
	next := value.HighFrequencyLowSpend + 1
	assert.False(t, next.Valid())
	_, err := next.MarshalText()
	assert.Error(t, err)
}

// Rules keep as JSON, segments by name; a rule stored before M and AOV
// could be bounded decodes with those open.
func TestRFMRulesJSON(t *testing.T) {
	rules := []value.RFMRule{
		{Segment: value.HighFrequencyLowSpend, RMin: 1, RMax: 5, FMin: 4, FMax: 5, AOVMax: 2},
		{Segment: value.Lost, RMin: 1, RMax: 5, FMin: 1, FMax: 5},
	}
	b, err := json.Marshal(rules)
	require.NoError(t, err)
	assert.JSONEq(t, `[{"Segment":"high-frequency-low-spend","RMin":1,"RMax":5,"FMin":4,"FMax":5,"MMin":0,"MMax":0,"AOVMin":0,"AOVMax":2},
		{"Segment":"lost","RMin":1,"RMax":5,"FMin":1,"FMax":5,"MMin":0,"MMax":0,"AOVMin":0,"AOVMax":0}]`, string(b))
	var back []value.RFMRule
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, rules, back)
	var old value.RFMRule
	require.NoError(t, json.Unmarshal([]byte(`{"Segment":"champions","RMin":5,"RMax":5,"FMin":4,"FMax":5}`), &old))
	assert.Equal(t, value.RFMRule{Segment: value.Champions, RMin: 5, RMax: 5, FMin: 4, FMax: 5}, old)
}

// Statistics of rules with bounds on M or AOV merge and encode with
// those of the same rules only; those of rules without such bounds keep
// their encoding (version 4) byte for byte.
func TestRFMRulesWithBoundsMergeAndEncode(t *testing.T) {
	pop := []value.Indicators{rfmxa("a", 400, 1, 20, 20), rfmxa("b", 60, 3, 200, 60), rfmxa("c", 5, 9, 900, 100)}
	gather := func(rules []value.RFMRule, xs []value.Indicators) *value.RFMStats {
		st, err := value.NewRFMStats(customer.Consumer, &value.RFMOptions{Rules: rules})
		require.NoError(t, err)
		for i := range xs {
			require.NoError(t, st.Add(&xs[i]))
		}
		return st
	}
	plain := gather(nil, pop)
	golden := "747266040105000000000000000b0a080809000a0a08080900070706020200050303020200040303010100030300000000000079c00000000000004ec000000000000014c001010103000000000000f03f0000000000000840000000000000224001010103000000000000344000000000000069400000000000208c400101010300000000000034400000000000004e40000000000000594001010100"
	assert.Equal(t, golden, hex.EncodeToString(encode(t, plain)), "version 4, byte for byte")

	hnw := append([]value.RFMRule{{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 5}}, value.DefaultRFMRules()...)
	churn := append([]value.RFMRule{{Segment: value.AboutToChurn, RMin: 1, RMax: 2, FMin: 1, FMax: 5, MMin: 4}}, value.DefaultRFMRules()...)
	a, b := gather(hnw, pop[:2]), gather(hnw, pop[2:])
	require.NoError(t, a.Merge(b))
	whole := gather(hnw, pop)
	assert.Equal(t, encode(t, whole), encode(t, a))
	enc := encode(t, whole)
	require.Equal(t, "trf\x05", string(enc[:4]), "rules with bounds: version 5")

	dst := gather(hnw, nil)
	require.NoError(t, dst.UnmarshalBinary(enc))
	sc, want := dst.Scorer(), whole.Scorer()
	for i := range pop {
		g, err := sc.Score(&pop[i])
		require.NoError(t, err)
		w, err := want.Score(&pop[i])
		require.NoError(t, err)
		assert.Equal(t, w, g, pop[i].ID)
	}
	w, _ := want.Score(&pop[2])
	assert.Equal(t, value.HighNetWorth, w.Segment)

	// Other rules: no merge, no decode, and nothing changes.
	for name, other := range map[string]*value.RFMStats{"without bounds": gather(nil, pop[:1]), "other bounds": gather(churn, pop[:1])} {
		before := encode(t, other)
		require.ErrorIs(t, other.Merge(whole), value.ErrInvalidModel, name)
		require.ErrorIs(t, whole.Merge(other), value.ErrInvalidModel, name)
		require.ErrorIs(t, other.UnmarshalBinary(enc), value.ErrInvalidInput, name)
		assert.Equal(t, before, encode(t, other), name)
	}
	before := encode(t, whole)
	require.ErrorIs(t, whole.UnmarshalBinary(encode(t, plain)), value.ErrInvalidInput)
	assert.Equal(t, before, encode(t, whole))
	// A truncated or changed table is refused.
	for n := range len(enc) {
		require.Error(t, dst.UnmarshalBinary(enc[:n]), "truncated at %d", n)
	}
	at := len("trf") + 1 + 1 + 1 + 6*6
	bad := append([]byte(nil), enc...)
	bad[at] = 0
	require.Error(t, dst.UnmarshalBinary(bad), "a cell without a segment")
}
