package segment_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// domain rules §3.2 (002): loyal is "large spend per purchase, high frequency".
// Among 50 customers buying 1–3 times at 200 €, one who buys 40 times at
// 25 € has the highest frequency and the highest total, but the smallest
// spend per purchase: a frequent small spender (domain rules §2, 001), drifting,
// not loyal. One who buys as often at 400 € is loyal.
func TestShopTypeSpendPerPurchase(t *testing.T) {
	var specs []spec
	for i := range 50 {
		var bs []buy
		for j := range 1 + i%3 {
			bs = append(bs, buy{DaysAgo: 20 + 60*j + i, Qty: 1, Cents: 20000})
		}
		specs = append(specs, spec{ID: fmt.Sprintf("c%02d", i), Kind: customer.Consumer, Buys: bs})
	}
	small := spec{ID: "small-spender", Kind: customer.Consumer}
	big := spec{ID: "big-spender", Kind: customer.Consumer}
	for j := range 40 {
		small.Buys = append(small.Buys, buy{DaysAgo: 5 + 7*j, Qty: 1, Cents: 2500})
		big.Buys = append(big.Buys, buy{DaysAgo: 5 + 7*j, Qty: 1, Cents: 40000})
	}
	_, res := classify(t, inputs(t, append(specs, small), 1), nil)
	r := res["small-spender"]
	assert.Equal(t, value.RFMScore{R: 5, F: 5, M: 5, AOV: 1, Segment: value.Champions}, r.RFM)
	assert.Equal(t, segment.StageActive, r.Stage)
	assert.Equal(t, segment.ShopDrifting, r.ShopType, "the smallest spend per purchase is not loyal")

	_, res = classify(t, inputs(t, append(specs, big), 1), nil)
	r = res["big-spender"]
	assert.Equal(t, value.RFMScore{R: 5, F: 5, M: 5, AOV: 5, Segment: value.Champions}, r.RFM)
	assert.Equal(t, segment.ShopLoyal, r.ShopType)

	// LoyalMinM adds a floor on total spend, LoyalMinAOV moves the one
	// on spend per purchase.
	ins := inputs(t, append(specs, small), 1)
	_, res = classify(t, ins, &segment.Options{ShopTypes: segment.ShopTypeOptions{LoyalMinAOV: 1}})
	assert.Equal(t, segment.ShopLoyal, res["small-spender"].ShopType, "any spend per purchase")
	_, res = classify(t, inputs(t, append(specs, big), 1), &segment.Options{ShopTypes: segment.ShopTypeOptions{LoyalMinM: 5}})
	assert.Equal(t, segment.ShopLoyal, res["big-spender"].ShopType, "M 5 passes a floor of 5")
}

// genSpecs draws a population of consumers, with a few frequent buyers.
func genSpecs(t *rapid.T) []spec {
	n := rapid.IntRange(2, 16).Draw(t, "n")
	out := make([]spec, n)
	for i := range out {
		s := spec{ID: fmt.Sprintf("c%02d", i), Kind: customer.Consumer}
		cents := rapid.Int64Range(100, 50000).Draw(t, "cents")
		for range rapid.IntRange(0, 9).Draw(t, "orders") {
			s.Buys = append(s.Buys, buy{DaysAgo: rapid.IntRange(0, 400).Draw(t, "daysAgo"),
				Qty: rapid.IntRange(1, 3).Draw(t, "qty"), Cents: cents})
		}
		if rapid.IntRange(0, 3).Draw(t, "visits") == 0 {
			s.Visits = []int{rapid.IntRange(0, 400).Draw(t, "visit")}
		}
		if len(s.Buys) == 0 && len(s.Visits) == 0 {
			s.Visits = []int{1}
		}
		out[i] = s
	}
	return out
}

// With everything else equal — the same orders on the same days, the
// same population — a customer who spends less per purchase never turns
// loyal, whatever the options.
func TestPropertyLowerSpendPerPurchaseNeverMakesLoyal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		specs := genSpecs(t)
		opts := &segment.Options{
			RFM: &value.RFMOptions{Bins: rapid.IntRange(2, 10).Draw(t, "bins")},
			ShopTypes: segment.ShopTypeOptions{
				LoyalMinF:   uint8(rapid.IntRange(0, 5).Draw(t, "minF")),
				LoyalMinAOV: uint8(rapid.IntRange(0, 5).Draw(t, "minAOV")),
				LoyalMinM:   uint8(rapid.IntRange(0, 5).Draw(t, "minM")),
			},
		}
		j := rapid.IntRange(0, len(specs)-1).Draw(t, "customer")
		pct := rapid.Int64Range(0, 99).Draw(t, "percent")
		lower := append([]spec(nil), specs...)
		lower[j].Buys = append([]buy(nil), specs[j].Buys...)
		for k := range lower[j].Buys {
			lower[j].Buys[k].Cents = lower[j].Buys[k].Cents * pct / 100
		}
		_, before := classify(t, inputs(t, specs, 1), opts)
		_, after := classify(t, inputs(t, lower, 1), opts)
		id := customer.ID(specs[j].ID)
		b, a := before[id], after[id]
		require.LessOrEqual(t, a.RFM.AOV, b.RFM.AOV, "spend-per-purchase score")
		require.Equal(t, b.RFM.F, a.RFM.F)
		require.Equal(t, b.Stage, a.Stage)
		if b.ShopType != segment.ShopLoyal {
			require.NotEqual(t, segment.ShopLoyal, a.ShopType, "%s: %v (RFM %+v) → loyal (RFM %+v) by spending less per purchase", id, b.ShopType, b.RFM, a.RFM)
		}
	})
}

// With the default options, a customer who spends less per purchase than
// at least half of the buyers of its kind is never loyal, however often
// and however much in total it buys.
func TestPropertyLoyalNeedsLargeSpendPerPurchase(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ins := inputs(t, genSpecs(t), 1)
		m, obs, err := segment.FitInputs(ins, nil)
		require.NoError(t, err)
		var aovs []float64
		for i := range obs {
			if v, ok := obs[i].Get(value.AverageOrderValue); ok {
				aovs = append(aovs, v)
			}
		}
		for i := range obs {
			var r segment.Result
			require.NoError(t, m.Classify(&r, &obs[i]))
			v, ok := obs[i].Get(value.AverageOrderValue)
			if !ok {
				require.NotEqual(t, segment.ShopLoyal, r.ShopType, "%s never bought", r.ID)
				continue
			}
			above := 0
			for _, w := range aovs {
				if w > v {
					above++
				}
			}
			if 2*above >= len(aovs) {
				require.NotEqual(t, segment.ShopLoyal, r.ShopType,
					"%s spends %v per purchase, less than %d of %d buyers (RFM %+v)", r.ID, v, above, len(aovs), r.RFM)
			}
		}
	})
}

// TestShopTypeConstantFrequencyIsNotLoyalWithAnyBins: in a shop whose
// customers have all bought on one day so far, they are one-time buyers
// (F = 1), as they would be beside a single repeat buyer; nobody is
// loyal ("high frequency", domain rules §3.2) because of it, whatever the
// number of RFM bins, as with the default 5, nor with a frequency bar
// lowered to 2: the big spenders per purchase are drifting, not loyal,
// until they come back. Their RFM segments are those of one-time buyers
// (new, promising, …), not "potential loyalist" (bought a few times).
func TestShopTypeConstantFrequencyIsNotLoyalWithAnyBins(t *testing.T) {
	var specs []spec
	for i := range 12 {
		specs = append(specs, spec{ID: fmt.Sprintf("c%02d", i), Kind: customer.Consumer,
			Buys: []buy{{DaysAgo: 10 + i, Qty: 1, Cents: int64(1000 * (i + 1))}}})
	}
	oneTime := []value.RFMSegment{value.New, value.Promising, value.AboutToSleep, value.Hibernating, value.Lost}
	for bins := 2; bins <= 10; bins++ {
		for _, minF := range []uint8{0, 2} {
			m, res := classify(t, inputs(t, specs, 1), &segment.Options{RFM: &value.RFMOptions{Bins: bins},
				ShopTypes: segment.ShopTypeOptions{LoyalMinF: minF}})
			sc := m.RFMScorer(customer.Consumer)
			for id, r := range res {
				assert.Equal(t, uint8(1), sc.OnGrid(r.RFM).F, "%d bins, %s", bins, id)
				assert.Contains(t, oneTime, r.RFM.Segment, "%d bins, %s", bins, id)
				assert.NotEqual(t, segment.ShopLoyal, r.ShopType, "%d bins, LoyalMinF %d, %s: %+v", bins, minF, id, r.RFM)
			}
		}
	}
}

// Loyal customers are those buying now (domain rules §3.2, 002: high
// frequency; §3.3: new and active stages): one who bought 40 times at
// 400 € but not for 300 days, past the 180-day dormancy floor and short
// of the 365-day lost floor, is dormant, and not loyal however high its
// frequency and spend per purchase.
func TestShopTypeDormantBigSpenderIsNotLoyal(t *testing.T) {
	var specs []spec
	for i := range 50 {
		var bs []buy
		for j := range 1 + i%3 {
			bs = append(bs, buy{DaysAgo: 20 + 60*j + i, Qty: 1, Cents: 20000})
		}
		specs = append(specs, spec{ID: fmt.Sprintf("c%02d", i), Kind: customer.Consumer, Buys: bs})
	}
	faded := spec{ID: "faded", Kind: customer.Consumer}
	for j := range 40 {
		faded.Buys = append(faded.Buys, buy{DaysAgo: 300 + 7*j, Qty: 1, Cents: 40000})
	}
	_, res := classify(t, inputs(t, append(specs, faded), 1), nil)
	r := res["faded"]
	require.Equal(t, segment.StageDormant, r.Stage)
	require.Equal(t, uint8(5), r.RFM.F)
	require.Equal(t, uint8(5), r.RFM.AOV)
	assert.Equal(t, segment.ShopDrifting, r.ShopType, "dormant: not loyal")
}
