package segment_test

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// Grade options out of range are refused with an error that wraps
// ErrInvalidOptions and names the field.
func TestGradeOptionsRejected(t *testing.T) {
	for _, tc := range []struct {
		name  string
		g     segment.GradeOptions
		field string
	}{
		{"negative A", segment.GradeOptions{AShare: -0.1}, "Grades.AShare"},
		{"A of one", segment.GradeOptions{AShare: 1}, "Grades.AShare"},
		{"A above one", segment.GradeOptions{AShare: 1.5}, "Grades.AShare"},
		{"A NaN", segment.GradeOptions{AShare: math.NaN()}, "Grades.AShare"},
		{"A infinite", segment.GradeOptions{AShare: math.Inf(1)}, "Grades.AShare"},
		{"negative B", segment.GradeOptions{BShare: -0.3}, "Grades.BShare"},
		{"B of one", segment.GradeOptions{BShare: 1}, "Grades.BShare"},
		{"B NaN", segment.GradeOptions{BShare: math.NaN()}, "Grades.BShare"},
		{"A + B = 1", segment.GradeOptions{AShare: 0.5, BShare: 0.5}, "Grades.AShare + Grades.BShare"},
		{"A + default B above 1", segment.GradeOptions{AShare: 0.8}, "Grades.AShare + Grades.BShare"},
		{"default A + B = 1", segment.GradeOptions{BShare: 0.8}, "Grades.AShare + Grades.BShare"},
		{"A + B = 1 in decimals", segment.GradeOptions{AShare: 0.7, BShare: 0.3}, "Grades.AShare + Grades.BShare"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := segment.NewStats(&segment.Options{Grades: &tc.g})
			require.ErrorIs(t, err, segment.ErrInvalidOptions)
			require.ErrorContains(t, err, tc.field)
			_, _, err = segment.FitInputs([]segment.Input{input(t, spec{ID: "a", Kind: customer.Consumer, Visits: []int{1}}, 1)},
				&segment.Options{Grades: &tc.g})
			require.ErrorIs(t, err, segment.ErrInvalidOptions)
		})
	}
	for _, g := range []segment.GradeOptions{{}, {AShare: 0.1, BShare: 0.6}, {AShare: 0.69, BShare: 0.3}, {NoPotentialB: true}} {
		_, err := segment.NewStats(&segment.Options{Grades: &g})
		require.NoError(t, err, "%+v", g)
	}
}

// The grade options are read when the statistics are made: changing
// them afterwards changes nothing.
func TestGradeOptionsCopied(t *testing.T) {
	g := &segment.GradeOptions{AShare: 0.5}
	st, err := segment.NewStats(&segment.Options{Grades: g})
	require.NoError(t, err)
	var o segment.Observation
	for i := range 4 {
		require.NoError(t, segment.Observe(input(t, spec{ID: fmt.Sprint(i), Kind: customer.Consumer,
			Buys: []buy{{DaysAgo: 10 * (i + 1), Qty: 1, Cents: int64(1000 * (i + 1))}}}, 1), &o))
		require.NoError(t, st.Add(&o))
	}
	g.AShare = 2 // invalid: would fail validation
	sc, err := st.Scoring()
	require.NoError(t, err)
	ts := sc.NewThresholdStats()
	for _, v := range []float64{1, 2, 3, 4} {
		require.NoError(t, ts.AddScore(customer.Consumer, value.Score{Current: v / 64}))
	}
	m, err := ts.Model()
	require.NoError(t, err)
	assert.Equal(t, int64(2), m.GradeThresholds(customer.Consumer).TopA, "⌈0.5 · 4⌉")
}

// gradeModel fits a consumer model whose second pass holds exactly the
// given scores (current, potential, in 64ths).
func gradeModel(t *testing.T, g segment.GradeOptions, scores [][2]int) *segment.Model {
	t.Helper()
	ins := []segment.Input{
		input(t, spec{ID: "a", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 2000}}}, 1),
		input(t, spec{ID: "b", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 50, Qty: 2, Cents: 9000}}}, 1),
	}
	m, _, err := segment.FitInputs(ins, &segment.Options{Grades: &g})
	require.NoError(t, err)
	ts := m.Scoring.NewThresholdStats()
	for _, s := range scores {
		require.NoError(t, ts.AddScore(customer.Consumer, value.Score{Current: float64(s[0]) / 64, Potential: float64(s[1]) / 64}))
	}
	m, err = ts.Model()
	require.NoError(t, err)
	return m
}

// The grades by rank of total value: the top AShare (rounded up) A, the
// next BShare B; ties take the better grade; potential-value customers
// are at least B unless turned off.
func TestGradesByRank(t *testing.T) {
	desc := func(vs ...int) [][2]int {
		var out [][2]int
		for _, v := range vs {
			out = append(out, [2]int{v, 0})
		}
		return out
	}
	// Nine by current value, and one with no current value but the only
	// potential value: potential-value quadrant, total 4 of 64.
	potential := append(desc(9, 8, 7, 6, 5, 4, 3, 2, 1), [2]int{0, 4})
	for _, tc := range []struct {
		name        string
		g           segment.GradeOptions
		scores      [][2]int
		want        string // grade per score, in order
		topA, topAB int64
	}{
		{"ten", segment.GradeOptions{}, desc(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), "AABBBCCCCC", 2, 5},
		{"ten in another order", segment.GradeOptions{}, desc(1, 6, 10, 3, 8, 2, 9, 4, 7, 5), "CBACBCACBC", 2, 5},
		{"tie at the A cut", segment.GradeOptions{}, desc(10, 9, 9, 9, 5, 4, 3, 2, 1, 0), "AAAABCCCCC", 2, 5},
		{"tie at the B cut", segment.GradeOptions{}, desc(10, 9, 8, 7, 6, 6, 6, 2, 1, 0), "AABBBBBCCC", 2, 5},
		{"all equal", segment.GradeOptions{}, desc(5, 5, 5), "AAA", 1, 2},
		{"one", segment.GradeOptions{}, desc(0), "A", 1, 1},
		{"three", segment.GradeOptions{}, desc(3, 2, 1), "ABC", 1, 2},
		{"other shares", segment.GradeOptions{AShare: 0.1, BShare: 0.6}, desc(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), "ABBBBBBCCC", 1, 7},
		{"potential is B", segment.GradeOptions{}, potential, "AABBBCCCCB", 2, 5},
		{"potential by rank only", segment.GradeOptions{NoPotentialB: true}, potential, "AABBBCCCCC", 2, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := gradeModel(t, tc.g, tc.scores)
			th := m.GradeThresholds(customer.Consumer)
			assert.Equal(t, int64(len(tc.scores)), th.N)
			assert.Equal(t, tc.topA, th.TopA, "TopA")
			assert.Equal(t, tc.topAB, th.TopAB, "TopAB")
			assert.Equal(t, !tc.g.NoPotentialB, th.PotentialB)
			var got []byte
			for _, s := range tc.scores {
				v := value.Score{Current: float64(s[0]) / 64, Potential: float64(s[1]) / 64}
				got = append(got, "?ABC"[m.Grade(customer.Consumer, v)])
			}
			assert.Equal(t, tc.want, string(got))
		})
	}
	m := gradeModel(t, segment.GradeOptions{}, desc(10, 9, 8, 7, 6, 5, 4, 3, 2, 1))
	assert.Zero(t, m.Grade(customer.Intermediary, value.Score{Current: 1}), "no intermediary in the fit")
	assert.Zero(t, m.Grade(customer.Kind(0), value.Score{Current: 1}), "no kind")
	assert.Zero(t, m.Grade(customer.Consumer, value.Score{Current: math.NaN()}), "not a number")
	assert.Equal(t, segment.GradeThresholds{Kind: customer.Intermediary, PotentialB: true}, m.GradeThresholds(customer.Intermediary))
	// A customer outside the fit is graded against the cuts.
	th := m.GradeThresholds(customer.Consumer)
	assert.Equal(t, []float64{9.0 / 64, 6.0 / 64}, []float64{th.A, th.B})
	assert.Equal(t, segment.GradeA, m.Grade(customer.Consumer, value.Score{Current: 9.5 / 64}))
	assert.Equal(t, segment.GradeB, m.Grade(customer.Consumer, value.Score{Current: 8.5 / 64}))
	assert.Equal(t, segment.GradeC, m.Grade(customer.Consumer, value.Score{Current: 5.5 / 64}))
}

func genGradeOptions(t *rapid.T) *segment.Options {
	return &segment.Options{
		Rule: rapid.SampledFrom([]segment.Rule{segment.Mean, segment.Median}).Draw(t, "rule"),
		Grades: &segment.GradeOptions{
			AShare:       rapid.SampledFrom([]float64{0, 0.1, 0.2, 0.25, 1.0 / 3, 0.5, 0.6}).Draw(t, "aShare"),
			BShare:       rapid.SampledFrom([]float64{0, 0.1, 0.3, 0.25, 0.35}).Draw(t, "bShare"),
			NoPotentialB: rapid.Bool().Draw(t, "noPotentialB"),
		},
	}
}

// genTiedPopulation is genPopulation with some customers repeated under
// other IDs, so that total values tie.
func genTiedPopulation(t *rapid.T) []spec {
	specs := genPopulation(t)
	for i := range rapid.IntRange(0, 5).Draw(t, "copies") {
		c := rapid.SampledFrom(specs).Draw(t, "copy")
		c.ID = fmt.Sprintf("d%02d", i)
		specs = append(specs, c)
	}
	return specs
}

// Grades fitted from shards — customers spread over shards at random,
// added in any order, shards merged in any order, in both passes — are
// those of one fit of the whole population.
func TestPropertyGradesFromShardsEqualOneFit(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := genGradeOptions(t)
		ins := inputs(t, genTiedPopulation(t), 1)
		whole, want := classify(t, ins, opts)
		obs := make([]segment.Observation, len(ins))
		for i := range ins {
			require.NoError(t, segment.ObserveWith(ins[i], &obs[i], opts))
		}
		n := rapid.IntRange(1, 4).Draw(t, "shards")
		shardOf := make([]int, len(obs))
		for i := range shardOf {
			shardOf[i] = rapid.IntRange(0, n-1).Draw(t, "shard")
		}
		order := make([]int, len(obs))
		for i := range order {
			order[i] = i
		}
		order = rapid.Permutation(order).Draw(t, "order")
		merges := make([]int, n)
		for i := range merges {
			merges[i] = i
		}
		merges = rapid.Permutation(merges).Draw(t, "merge order")

		stats := make([]*segment.Stats, n)
		for s := range stats {
			var err error
			stats[s], err = segment.NewStats(opts)
			require.NoError(t, err)
		}
		for _, i := range order {
			require.NoError(t, stats[shardOf[i]].Add(&obs[i]))
		}
		for _, s := range merges[1:] {
			require.NoError(t, stats[merges[0]].Merge(stats[s]))
		}
		sc, err := stats[merges[0]].Scoring()
		require.NoError(t, err)

		ts := make([]*segment.ThresholdStats, n)
		for s := range ts {
			ts[s] = sc.NewThresholdStats()
		}
		for _, i := range slices.Backward(order) {
			require.NoError(t, ts[shardOf[i]].Add(&obs[i]))
		}
		for _, s := range merges[1:] {
			require.NoError(t, ts[merges[0]].Merge(ts[s]))
		}
		m, err := ts[merges[0]].Model()
		require.NoError(t, err)
		for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
			require.Equal(t, whole.GradeThresholds(k), m.GradeThresholds(k), "%v", k)
		}
		for i := range obs {
			var r segment.Result
			require.NoError(t, m.Classify(&r, &obs[i]))
			require.True(t, r.Grade.Valid(), "%s", r.ID)
			require.Equal(t, want[r.ID].Grade, r.Grade, "%s", r.ID)
		}
	})
}

// Permuting the population or scaling every amount keeps the grades
// (domain rules: bad inputs (P)).
func TestPropertyPermutationAndScalingKeepGrades(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := genGradeOptions(t)
		specs := genTiedPopulation(t)
		_, want := classify(t, inputs(t, specs, 1), opts)
		_, perm := classify(t, rapid.Permutation(inputs(t, specs, 1)).Draw(t, "perm"), opts)
		_, scaled := classify(t, inputs(t, specs, rapid.SampledFrom([]int64{2, 3, 1000}).Draw(t, "scale")), opts)
		for id, r := range want {
			require.Equal(t, r.Grade, perm[id].Grade, "%s permuted", id)
			require.Equal(t, r.Grade, scaled[id].Grade, "%s scaled", id)
		}
	})
}

// ceilShare returns ⌈(Σ shares) · n⌉, reading each share as the
// shortest decimal that denotes it.
func ceilShare(t *rapid.T, n int, shares ...float64) int {
	r := new(big.Rat)
	for _, s := range shares {
		x, ok := new(big.Rat).SetString(strconv.FormatFloat(s, 'g', -1, 64))
		require.True(t, ok)
		r.Add(r, x)
	}
	r.Mul(r, new(big.Rat).SetInt64(int64(n)))
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if m.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return int(q.Int64())
}

// The share of A is the configured share, rounded up to whole customers,
// and larger only when customers tie at the cut; likewise A and B
// together. Each grade is the one of the customer's rank by total value
// within its kind (one plus the customers of the kind with a larger
// total value), raised to B for a potential-value customer unless the
// options turn that off.
func TestPropertyGradeSharesAreTheConfiguredShares(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := genGradeOptions(t)
		_, res := classify(t, inputs(t, genTiedPopulation(t), 1), opts)
		a, b := opts.Grades.AShare, opts.Grades.BShare
		if a == 0 {
			a = 0.2
		}
		if b == 0 {
			b = 0.3
		}
		for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
			var tots []float64
			for _, r := range res {
				if r.Kind == k {
					tots = append(tots, r.Value.Total)
				}
			}
			n := len(tots)
			if n == 0 {
				continue
			}
			slices.Sort(tots)
			slices.Reverse(tots)
			topA, topAB := ceilShare(t, n, a), ceilShare(t, n, a, b)

			count := map[segment.Grade]int{}
			byRank := 0 // A or B by rank alone
			for id, r := range res {
				if r.Kind != k {
					continue
				}
				rank := 1
				for _, x := range tots {
					if x > r.Value.Total {
						rank++
					}
				}
				want := segment.GradeC
				switch {
				case rank <= topA:
					want = segment.GradeA
				case rank <= topAB:
					want = segment.GradeB
				case !opts.Grades.NoPotentialB && r.Quadrant == segment.PotentialValue:
					want = segment.GradeB
				}
				require.Equal(t, want, r.Grade, "%s: rank %d of %d, %v", id, rank, n, r.Quadrant)
				count[r.Grade]++
				if rank <= topAB {
					byRank++
				}
			}
			require.GreaterOrEqual(t, count[segment.GradeA], topA)
			if count[segment.GradeA] != topA {
				require.Equal(t, tots[topA-1], tots[topA], "more A than the share only for a tie at the cut")
			}
			require.GreaterOrEqual(t, byRank, topAB)
			if byRank != topAB {
				require.Equal(t, tots[topAB-1], tots[topAB], "more A and B by rank than the shares only for a tie at the cut")
			}
			if opts.Grades.NoPotentialB {
				require.Equal(t, byRank, count[segment.GradeA]+count[segment.GradeB])
			}
		}
	})
}

// Without Options.Grades nobody is graded: the results, and so the
// playbook's actions, are those of a segmentation without grades.
func TestNoGradesWithoutTheOption(t *testing.T) {
	specs := []spec{
		{ID: "a", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 2000}}},
		{ID: "b", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 50, Qty: 2, Cents: 9000}, {DaysAgo: 5, Qty: 1, Cents: 100}}},
		{ID: "c", Kind: customer.Intermediary, Buys: []buy{{DaysAgo: 30, Qty: 20, Cents: 5000}}},
	}
	m, plain := classify(t, inputs(t, specs, 1), nil)
	_, graded := classify(t, inputs(t, specs, 1), &segment.Options{Grades: &segment.GradeOptions{}})
	book := segment.DefaultPlaybook()
	for id, r := range plain {
		assert.Zero(t, r.Grade, id)
		g := graded[id]
		assert.True(t, g.Grade.Valid(), id)
		g.Grade = 0
		assert.Equal(t, r, g, "%s: grading changes nothing else", id)
		assert.Equal(t, codes(book.Actions(&r)), codes(book.Actions(&g)), id)
		assert.Zero(t, m.Grade(r.Kind, r.Value), id)
		assert.Equal(t, segment.GradeThresholds{Kind: r.Kind}, m.GradeThresholds(r.Kind), id)
	}
}

func TestGradeText(t *testing.T) {
	assert.Equal(t, []string{"strategic", "important", "ordinary"},
		[]string{segment.GradeA.String(), segment.GradeB.String(), segment.GradeC.String()})
	for g := segment.GradeA; g <= segment.GradeC; g++ {
		require.True(t, g.Valid())
		b, err := g.MarshalText()
		require.NoError(t, err)
		var p segment.Grade
		require.NoError(t, p.UnmarshalText(b))
		assert.Equal(t, g, p)
	}
	assert.False(t, segment.Grade(0).Valid())
	assert.Equal(t, "Grade(4)", segment.Grade(4).String())
	// The zero Grade (options that grade nobody) is the empty text both
	// ways; another undefined value is an error, and a refused text
	// leaves the value as it was.
	b, err := segment.Grade(0).MarshalText()
	require.NoError(t, err)
	assert.Empty(t, b)
	_, err = segment.Grade(4).MarshalText()
	assert.Error(t, err)
	p := segment.GradeB
	assert.Error(t, p.UnmarshalText([]byte("A")))
	assert.Equal(t, segment.GradeB, p)
	require.NoError(t, p.UnmarshalText(nil))
	assert.Equal(t, segment.Grade(0), p)
	_, err = segment.ParseGrade("vip")
	assert.Error(t, err)
}

// Each grade has its strategy: one-to-one care for strategic customers,
// regular follow-up for important ones (a contact that needs marketing
// consent for a shopper, business for a trade partner), standard low-cost
// service for ordinary ones, which a high-value customer skips. A result
// without a grade gets no grade action.
func TestPlaybookGrades(t *testing.T) {
	p := segment.DefaultPlaybook()
	all := customer.Consent{Marketing: true, Profiling: true}
	for _, tc := range []struct {
		kind    customer.Kind
		q       segment.Quadrant
		g       segment.Grade
		consent customer.Consent
		has     string
		hasNot  string
	}{
		{customer.Consumer, segment.SecondaryValue, segment.GradeA, customer.Consent{}, "vip-service", ""},
		{customer.Consumer, segment.SecondaryValue, 0, all, "", "vip-service"},
		{customer.Consumer, segment.LowValue, segment.GradeB, all, "regular-follow-up", ""},
		{customer.Consumer, segment.LowValue, segment.GradeB, customer.Consent{}, "", "regular-follow-up"},
		{customer.Consumer, segment.LowValue, segment.GradeC, customer.Consent{}, "standard-service", ""},
		{customer.Consumer, segment.HighValue, segment.GradeC, all, "vip-service", "standard-service"},
		{customer.Intermediary, segment.SecondaryValue, segment.GradeA, customer.Consent{}, "key-account-service", ""},
		{customer.Intermediary, segment.LowValue, segment.GradeB, customer.Consent{}, "regular-partner-reviews", ""},
		{customer.Intermediary, segment.PotentialValue, segment.GradeC, customer.Consent{}, "standard-terms", ""},
		{customer.Intermediary, segment.HighValue, segment.GradeC, all, "key-account-service", "standard-terms"},
	} {
		r := segment.Result{Kind: tc.kind, Quadrant: tc.q, Grade: tc.g, Stage: segment.StageActive, ShopType: segment.ShopDrifting, Consent: tc.consent}
		got := codes(p.Actions(&r))
		if tc.has != "" {
			assert.Contains(t, got, tc.has, "%+v", tc)
		}
		if tc.hasNot != "" {
			assert.NotContains(t, got, tc.hasNot, "%+v", tc)
		}
	}
	for _, book := range []segment.Playbook{p, *p.Intermediary} {
		for g := segment.GradeA; g <= segment.GradeC; g++ {
			require.NotEmpty(t, book.Grades[g], g)
			for _, a := range book.Grades[g] {
				assert.NotEmpty(t, a.Description, a.Code)
			}
		}
	}
}

// A value that is no score — NaN or infinite current or potential
// value — gets no grade, as the doc of Model.Grade says, rather than the
// best or the worst; Classify never produces one.
func TestGradeOfNoScore(t *testing.T) {
	m := gradeModel(t, segment.GradeOptions{}, [][2]int{{10, 0}, {9, 0}, {8, 0}, {1, 0}, {0, 0}})
	for _, v := range []value.Score{
		{Current: math.NaN()},
		{Current: math.Inf(1)},
		{Potential: math.Inf(1)},
		{Current: math.Inf(-1)},
		{Current: math.Inf(1), Potential: math.Inf(-1)},
	} {
		assert.Zero(t, m.Grade(customer.Consumer, v), "current %v, potential %v", v.Current, v.Potential)
	}
	assert.Equal(t, segment.GradeA, m.Grade(customer.Consumer, value.Score{Current: 10.0 / 64}))
	assert.Equal(t, segment.GradeC, m.Grade(customer.Consumer, value.Score{}))
}

// Two customers with the same history are one customer twice: whatever
// the population, they get the same values, quadrant, RFM scores and
// segment, stage, shop type and grade, so a campaign list never splits
// them.
func TestPropertyTwinsClassifyAlike(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		specs := genPopulation(t)
		i := rapid.IntRange(0, len(specs)-1).Draw(t, "twin of")
		twin := specs[i]
		twin.ID = "twin"
		specs = append(specs, twin)
		_, res := classify(t, inputs(t, rapid.Permutation(specs).Draw(t, "order"), 1), &segment.Options{Grades: &segment.GradeOptions{}})
		a, b := res[customer.ID(specs[i].ID)], res["twin"]
		b.ID = a.ID
		require.Equal(t, a, b)
	})
}
