package segment_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// TestQuadrantsAgreeWithPrintedMeans recomputes, as an outside check
// would, each kind's mean from the values printed with full round-trip
// precision, and finds every quadrant by the rule "above the mean is
// high".
func TestQuadrantsAgreeWithPrintedMeans(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m, res := classify(t, inputs(t, genPopulation(t), 1), nil)
		type acc struct {
			cur, pot float64
			n        int
		}
		sums := map[customer.Kind]*acc{customer.Consumer: {}, customer.Intermediary: {}}
		parse := func(v float64) float64 {
			f, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', -1, 64), 64)
			require.NoError(t, err)
			return f
		}
		for _, r := range res {
			a := sums[r.Kind]
			a.cur += parse(r.Value.Current)
			a.pot += parse(r.Value.Potential)
			a.n++
			require.Equal(t, r.Value.Total, r.Value.Current+r.Value.Potential)
		}
		for k, a := range sums {
			th := m.Thresholds(k)
			require.Equal(t, int64(a.n), th.N)
			if a.n == 0 {
				continue
			}
			require.Equal(t, a.cur/float64(a.n), th.Current, "%v", k)
			require.Equal(t, a.pot/float64(a.n), th.Potential, "%v", k)
		}
		for _, r := range res {
			a := sums[r.Kind]
			hiC := r.Value.Current > a.cur/float64(a.n)
			hiP := r.Value.Potential > a.pot/float64(a.n)
			want := map[[2]bool]segment.Quadrant{{true, true}: segment.HighValue, {false, true}: segment.PotentialValue,
				{true, false}: segment.SecondaryValue, {false, false}: segment.LowValue}[[2]bool{hiC, hiP}]
			require.Equal(t, want, r.Quadrant, "%s", r.ID)
			require.True(t, r.Stage.Valid() && r.ShopType.Valid())
			// A buyer is in a cell of the RFM grid; a customer without a
			// purchase in none.
			require.Equal(t, r.PurchaseDays > 0, r.RFM.Segment.Valid(), "%s: RFM segment %v, %d purchase days", r.ID, r.RFM.Segment, r.PurchaseDays)
			if r.PurchaseDays == 0 {
				require.Equal(t, value.NoRFMSegment, r.RFM.Segment, r.ID)
			}
		}
	})
}

func TestPermutationAndScalingKeepSegments(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		specs := genPopulation(t)
		opts := &segment.Options{RFM: &value.RFMOptions{Bins: rapid.IntRange(2, 10).Draw(t, "bins")}}
		_, want := classify(t, inputs(t, specs, 1), opts)
		_, perm := classify(t, rapid.Permutation(inputs(t, specs, 1)).Draw(t, "perm"), opts)
		require.Equal(t, want, perm, "permutation")
		c := rapid.SampledFrom([]int64{2, 3, 1000}).Draw(t, "scale")
		_, scaled := classify(t, inputs(t, specs, c), opts)
		for id, r := range want {
			s := scaled[id]
			require.Equal(t, r.Quadrant, s.Quadrant, "%s quadrant", id)
			require.Equal(t, r.RFM, s.RFM, "%s RFM", id)
			require.Equal(t, r.Stage, s.Stage, "%s stage", id)
			require.Equal(t, r.ShopType, s.ShopType, "%s shop type", id)
		}
	})
}

func TestShardedFitEqualsWhole(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := &segment.Options{Rule: rapid.SampledFrom([]segment.Rule{segment.Mean, segment.Median}).Draw(t, "rule")}
		ins := inputs(t, genPopulation(t), 1)
		whole, want := classify(t, ins, opts)
		obs := make([]segment.Observation, len(ins))
		for i := range ins {
			require.NoError(t, segment.Observe(ins[i], &obs[i]))
		}
		shards := rapid.IntRange(1, 4).Draw(t, "shards")
		var st *segment.Stats
		for sh := 0; sh < shards; sh++ {
			s, err := segment.NewStats(opts)
			require.NoError(t, err)
			for i := range obs {
				if i%shards == sh {
					require.NoError(t, s.Add(&obs[i]))
				}
			}
			if rapid.Bool().Draw(t, "compact") {
				s.Compact()
			}
			if st == nil {
				st = s
			} else {
				require.NoError(t, st.Merge(s))
			}
		}
		sc, err := st.Scoring()
		require.NoError(t, err)
		var ts *segment.ThresholdStats
		for sh := 0; sh < shards; sh++ {
			s := sc.NewThresholdStats()
			for i := len(obs) - 1; i >= 0; i-- {
				if i%shards == sh {
					require.NoError(t, s.Add(&obs[i]))
				}
			}
			if ts == nil {
				ts = s
			} else {
				require.NoError(t, ts.Merge(s))
			}
		}
		m, err := ts.Model()
		require.NoError(t, err)
		for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
			require.Equal(t, whole.Thresholds(k), m.Thresholds(k))
		}
		for i := range obs {
			var r segment.Result
			require.NoError(t, m.Classify(&r, &obs[i]))
			require.Equal(t, want[r.ID], r)
		}
	})
}

func TestLifecycleFollowsOwnRhythm(t *testing.T) {
	monthly := func(last int) []buy {
		var b []buy
		for i := 0; i < 6; i++ {
			b = append(b, buy{DaysAgo: last + 30*i, Qty: 1, Cents: 5000})
		}
		return b
	}
	seasonal := func(last int) []buy { // every autumn
		return []buy{{DaysAgo: last, Qty: 1, Cents: 20000}, {DaysAgo: last + 365, Qty: 1, Cents: 20000}, {DaysAgo: last + 730, Qty: 1, Cents: 20000}}
	}
	for _, tc := range []struct {
		name string
		s    spec
		want segment.Stage
	}{
		{"first purchase a month ago", spec{Buys: []buy{{DaysAgo: 30, Qty: 1, Cents: 100}}}, segment.StageNew},
		{"monthly buyer, last 20 days ago", spec{Buys: monthly(20)}, segment.StageActive},
		{"monthly buyer, silent 200 days (floor 180)", spec{Buys: monthly(200)}, segment.StageDormant},
		{"monthly buyer, silent 400 days (floor 365)", spec{Buys: monthly(400)}, segment.StageLost},
		{"seasonal buyer, silent 300 days", spec{Buys: seasonal(300)}, segment.StageActive},
		{"seasonal buyer, silent 800 days", spec{Buys: seasonal(800)}, segment.StageDormant},
		{"seasonal buyer, silent 1100 days", spec{Buys: seasonal(1100)}, segment.StageLost},
		{"one purchase 200 days ago (default gap 120 → 240)", spec{Buys: []buy{{DaysAgo: 200, Qty: 1, Cents: 100}}}, segment.StageActive},
		{"one purchase 300 days ago", spec{Buys: []buy{{DaysAgo: 300, Qty: 1, Cents: 100}}}, segment.StageDormant},
		{"one purchase 500 days ago", spec{Buys: []buy{{DaysAgo: 500, Qty: 1, Cents: 100}}}, segment.StageLost},
		{"no purchase, visited last week", spec{Visits: []int{7}}, segment.StageNew},
		{"no purchase, visited long ago: asleep, not lost", spec{Visits: []int{200}}, segment.StageDormant},
		{"nothing at all: registered, asleep", spec{}, segment.StageDormant},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.s.ID, tc.s.Kind = "x", customer.Consumer
			_, res := classify(t, inputs(t, []spec{tc.s}, 1), nil)
			assert.Equal(t, tc.want, res["x"].Stage)
		})
	}
	t.Run("options", func(t *testing.T) {
		s := spec{ID: "x", Kind: customer.Consumer, Buys: monthly(100)}
		_, res := classify(t, inputs(t, []spec{s}, 1), &segment.Options{Lifecycle: segment.LifecycleOptions{DormantFloor: 60 * 24 * time.Hour}})
		assert.Equal(t, segment.StageDormant, res["x"].Stage, "dormant after max(2×30, 60) days")
	})
}

// Lost (流失, domain rules §3.2 and §3.3) is a customer who bought and stopped:
// one who never bought is never lost, in lifecycle stage or shop type,
// but new while in contact and dormant (asleep) otherwise.
func TestPropertyNeverBoughtIsNeverLost(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		specs := genPopulation(t)
		_, res := classify(t, inputs(t, specs, 1), nil)
		for _, s := range specs {
			if len(s.Buys) > 0 {
				continue
			}
			r := res[customer.ID(s.ID)]
			recent := false
			for _, d := range s.Visits {
				recent = recent || d <= 90
			}
			want := map[bool]segment.Stage{true: segment.StageNew, false: segment.StageDormant}[recent]
			require.Equal(t, want, r.Stage, "%s, visits %v days ago", s.ID, s.Visits)
			require.NotEqual(t, segment.ShopLost, r.ShopType, s.ID)
		}
	})
}

// A customer whose history holds only a refund of goods bought before it
// did buy: lost when out of contact, as the shop type says too.
func TestRefundOnlyCustomerBoughtBefore(t *testing.T) {
	refund := func(visit bool) segment.Input {
		s := customer.NewSummary("r", customer.Consumer, asOf, nil)
		m, err := customer.NewMoney("80", "EUR")
		require.NoError(t, err)
		require.NoError(t, s.AddRefund(asOf.AddDate(0, 0, -200), m, 1))
		if visit {
			require.NoError(t, s.AddInteraction(customer.Interaction{CustomerID: "r", Time: asOf.AddDate(0, 0, -5), Kind: customer.StoreVisit}))
		}
		return segment.Input{Summary: s}
	}
	others := input(t, spec{ID: "b", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 3, Qty: 1, Cents: 5000}}}, 1)
	_, res := classify(t, []segment.Input{refund(false), others}, nil)
	assert.Equal(t, segment.StageLost, res["r"].Stage)
	assert.Equal(t, segment.ShopLost, res["r"].ShopType)
	// The history holds no purchase to score: no RFM segment.
	assert.Equal(t, value.RFMScore{R: 1, F: 1, M: 1, AOV: 1, Segment: value.NoRFMSegment}, res["r"].RFM)
	// In contact again, it is still a customer who bought and stopped,
	// as a buyer of long ago who visits again is: lost by lifecycle,
	// potential by shop type (interest not yet turned into buying) — not
	// new, which would welcome an old customer as a recruit.
	lapsed := input(t, spec{ID: "l", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 900, Qty: 1, Cents: 8000}}, Visits: []int{5}}, 1)
	_, res = classify(t, []segment.Input{refund(true), lapsed, others}, nil)
	for _, id := range []customer.ID{"r", "l"} {
		assert.Equal(t, segment.StageLost, res[id].Stage, "%s: in contact again, but bought before", id)
		assert.Equal(t, segment.ShopPotential, res[id].ShopType, id)
		r := res[id]
		r.Consent = customer.Consent{Marketing: true, Profiling: true}
		assert.NotContains(t, codes(segment.DefaultPlaybook().Actions(&r)), "welcome", id)
	}
	assert.Equal(t, value.NoRFMSegment, res["r"].RFM.Segment)
}

func TestShopTypes(t *testing.T) {
	// A population where "big" buys most often and most; "browser" has
	// only visits; "gone" bought once long ago; "curious" bought long ago
	// but visited recently; "casual" bought once recently; "mid" twice,
	// which in this population is F 4, M 4.
	var bigBuys []buy
	for i := 0; i < 8; i++ {
		bigBuys = append(bigBuys, buy{DaysAgo: 5 + 40*i, Qty: 3, Cents: 30000})
	}
	specs := []spec{
		{ID: "big", Buys: bigBuys},
		{ID: "browser", Visits: []int{3, 10}},
		{ID: "gone", Buys: []buy{{DaysAgo: 900, Qty: 1, Cents: 2000}}},
		{ID: "curious", Buys: []buy{{DaysAgo: 900, Qty: 1, Cents: 2000}}, Visits: []int{15}},
		{ID: "casual", Buys: []buy{{DaysAgo: 150, Qty: 1, Cents: 1500}}},
		{ID: "mid", Buys: []buy{{DaysAgo: 100, Qty: 1, Cents: 9000}, {DaysAgo: 60, Qty: 1, Cents: 9000}}},
		// Never bought: not lost (nobody left), not won yet.
		{ID: "stranger", Visits: []int{400}},
		{ID: "registered"},
	}
	for i := range specs {
		specs[i].Kind = customer.Consumer
	}
	_, res := classify(t, inputs(t, specs, 1), nil)
	want := map[customer.ID]segment.ShopType{"big": segment.ShopLoyal, "browser": segment.ShopPotential,
		"gone": segment.ShopLost, "curious": segment.ShopPotential, "casual": segment.ShopDrifting, "mid": segment.ShopLoyal,
		"stranger": segment.ShopDrifting, "registered": segment.ShopDrifting}
	for id, st := range want {
		assert.Equal(t, st, res[id].ShopType, "%s (stage %v, RFM %+v)", id, res[id].Stage, res[id].RFM)
	}
	// Nor is anyone who never bought in an RFM segment: the grid places
	// buyers.
	for _, id := range []customer.ID{"browser", "stranger", "registered"} {
		assert.Equal(t, value.RFMScore{R: 1, F: 1, M: 1, AOV: 1, Segment: value.NoRFMSegment}, res[id].RFM, id)
	}
	assert.Equal(t, value.Lost, res["gone"].RFM.Segment, "the buyer of long ago is")
	// No win-back for someone who never came.
	for _, a := range segment.DefaultPlaybook().ShopTypes[res["registered"].ShopType] {
		assert.NotContains(t, []string{"reason-survey", "win-back-offer"}, a.Code)
	}
}

func TestThresholdRules(t *testing.T) {
	specs := []spec{
		{ID: "a", Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 100}}},
		{ID: "b", Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 200}}},
		{ID: "c", Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 300}}},
		{ID: "d", Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 100000}}},
	}
	for i := range specs {
		specs[i].Kind = customer.Consumer
	}
	ins := inputs(t, specs, 1)
	mMean, rMean := classify(t, ins, nil)
	mMed, rMed := classify(t, ins, &segment.Options{Rule: segment.Median})
	thMean, thMed := mMean.Thresholds(customer.Consumer), mMed.Thresholds(customer.Consumer)
	assert.Equal(t, segment.Mean, thMean.Rule)
	assert.Equal(t, rMed["b"].Value.Current, thMed.Current, "the lower median")
	assert.Greater(t, thMean.Current, thMed.Current, "the whale pulls the mean up")
	assert.Equal(t, segment.LowValue, rMed["b"].Quadrant)
	assert.True(t, rMed["c"].Value.Current > thMed.Current)
	// The whale is clipped to twice c's reach (value.Measure's gap cap),
	// so it no longer squeezes c below the mean.
	assert.True(t, rMean["c"].Value.Current > thMean.Current)

	mFix, rFix := classify(t, ins, &segment.Options{Rule: segment.Fixed, FixedCurrent: 0, FixedPotential: 0.5})
	assert.Equal(t, segment.Thresholds{Kind: customer.Consumer, Rule: segment.Fixed, N: 4, Current: 0, Potential: 0.5}, mFix.Thresholds(customer.Consumer))
	assert.Equal(t, segment.SecondaryValue, rFix["d"].Quadrant)
	for id, r := range rFix {
		assert.NotEqual(t, segment.HighValue, r.Quadrant, "%s: no potential value is above 0.5, the potential node's weight", id)
	}
}

func TestErrors(t *testing.T) {
	_, err := segment.Fit(nil, nil)
	require.ErrorIs(t, err, segment.ErrEmpty)

	for _, o := range []segment.Options{
		{Rule: 9},
		{Rule: segment.Fixed, FixedCurrent: 2},
		{Lifecycle: segment.LifecycleOptions{DormantFactor: -1}},
		{Lifecycle: segment.LifecycleOptions{DormantFloor: 800 * 24 * time.Hour}},
		{ShopTypes: segment.ShopTypeOptions{LoyalMinF: 6}},
	} {
		_, err := segment.NewStats(&o)
		require.ErrorIs(t, err, segment.ErrInvalidOptions, "%+v", o)
	}
	// Every shop-type score floor is on the 1–5 grid of the RFM scores
	// (domain rules §3.2, §2 RFM), and the error names the options.
	for _, o := range []segment.ShopTypeOptions{{LoyalMinAOV: 6}, {LoyalMinM: 6}} {
		_, err := segment.NewStats(&segment.Options{ShopTypes: o})
		require.ErrorIs(t, err, segment.ErrInvalidOptions, "%+v", o)
		require.ErrorContains(t, err, "LoyalMinAOV")
		require.ErrorContains(t, err, "LoyalMinM")
	}
	// A floor equal to its ceiling fixes the threshold: dormant (lost)
	// after exactly that many days, whatever the rhythm; it is not above
	// the ceiling, and is valid.
	for _, l := range []segment.LifecycleOptions{
		{DormantFloor: 200 * 24 * time.Hour, DormantCeiling: 200 * 24 * time.Hour},
		{LostFloor: 400 * 24 * time.Hour, LostCeiling: 400 * 24 * time.Hour},
	} {
		_, err := segment.NewStats(&segment.Options{Lifecycle: l})
		require.NoError(t, err, "%+v", l)
	}
	m := value.DefaultModel(customer.Intermediary)
	_, err = segment.NewStats(&segment.Options{Consumer: &m})
	require.ErrorIs(t, err, segment.ErrInvalidOptions)
	bad := value.DefaultModel(customer.Consumer)
	bad.Current.Weight = 0.9
	_, err = segment.NewStats(&segment.Options{Consumer: &bad})
	require.ErrorIs(t, err, value.ErrInvalidModel)

	var o segment.Observation
	require.ErrorIs(t, segment.Observe(segment.Input{}, &o), value.ErrInvalidInput)
	sum := customer.NewSummary("k", 0, asOf, nil)
	require.ErrorIs(t, segment.Observe(segment.Input{Summary: sum}, &o), value.ErrInvalidInput)

	// Only consumers in the fit: an intermediary cannot be placed.
	model, _ := classify(t, inputs(t, []spec{{ID: "a", Kind: customer.Consumer, Visits: []int{1}}}, 1), nil)
	require.NoError(t, segment.Observe(input(t, spec{ID: "d", Kind: customer.Intermediary, Visits: []int{1}}, 1), &o))
	var r segment.Result
	require.ErrorIs(t, model.Classify(&r, &o), segment.ErrNotFitted)
	o.Kind = 7
	require.ErrorIs(t, model.Classify(&r, &o), value.ErrInvalidInput)
}

func TestPopulationOfOneAndIdenticalCustomers(t *testing.T) {
	one := spec{ID: "solo", Kind: customer.Intermediary, Buys: []buy{{DaysAgo: 3, Qty: 100, Cents: 990}}}
	m, res := classify(t, inputs(t, []spec{one}, 1), nil)
	r := res["solo"]
	assert.Equal(t, segment.LowValue, r.Quadrant, "nobody is above their own mean")
	assert.Equal(t, r.Value.Current, m.Thresholds(customer.Intermediary).Current)
	assert.Equal(t, uint8(3), r.RFM.R)

	var same []spec
	for _, id := range []string{"a", "b", "c"} {
		same = append(same, spec{ID: id, Kind: customer.Consumer, Buys: []buy{{DaysAgo: 3, Qty: 1, Cents: 1000}}})
	}
	_, res = classify(t, inputs(t, same, 1), nil)
	for _, r := range res {
		assert.Equal(t, res["a"].Value, r.Value)
		assert.Equal(t, segment.LowValue, r.Quadrant)
	}
}

func TestEnumText(t *testing.T) {
	for q := segment.HighValue; q <= segment.LowValue; q++ {
		b, err := q.MarshalText()
		require.NoError(t, err)
		var p segment.Quadrant
		require.NoError(t, p.UnmarshalText(b))
		assert.Equal(t, q, p)
	}
	assert.Equal(t, []string{"high-value", "potential-value", "secondary-value", "low-value"},
		[]string{segment.HighValue.String(), segment.PotentialValue.String(), segment.SecondaryValue.String(), segment.LowValue.String()})
	for s := segment.StageNew; s <= segment.StageLost; s++ {
		p, err := segment.ParseStage(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, p)
	}
	for s := segment.ShopLoyal; s <= segment.ShopLost; s++ {
		p, err := segment.ParseShopType(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, p)
	}
	for _, r := range []segment.Rule{segment.Mean, segment.Median, segment.Fixed} {
		p, err := segment.ParseRule(r.String())
		require.NoError(t, err)
		assert.Equal(t, r, p)
	}
	_, err := segment.ParseQuadrant("vip")
	assert.Error(t, err)
	// The zero Quadrant, that of a score against no thresholds, is the
	// empty text both ways; another undefined value is an error, and a
	// refused text leaves the value as it was.
	b, err := segment.Quadrant(0).MarshalText()
	require.NoError(t, err)
	assert.Empty(t, b)
	q := segment.LowValue
	require.NoError(t, q.UnmarshalText(nil))
	assert.Equal(t, segment.Quadrant(0), q)
	_, err = segment.Quadrant(9).MarshalText()
	assert.Error(t, err)
	q = segment.HighValue
	assert.Error(t, q.UnmarshalText([]byte("vip")))
	assert.Equal(t, segment.HighValue, q)
}

// A text an enum refuses leaves the value as it was: a rejected decode
// changes nothing.
func TestEnumTextRefusedLeavesValue(t *testing.T) {
	st := segment.StageDormant
	assert.Error(t, st.UnmarshalText([]byte("asleep")))
	assert.Equal(t, segment.StageDormant, st)
	sh := segment.ShopPotential
	assert.Error(t, sh.UnmarshalText([]byte("vip")))
	assert.Equal(t, segment.ShopPotential, sh)
	r := segment.Median
	assert.Error(t, r.UnmarshalText([]byte("mode")))
	assert.Equal(t, segment.Median, r)
	require.NoError(t, r.UnmarshalText([]byte("mean")))
	assert.Equal(t, segment.Mean, r)
}
