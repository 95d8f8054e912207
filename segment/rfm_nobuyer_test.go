package segment_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// Customers without a purchase in the history have no RFM segment
// (value.NoRFMSegment) and, as before they had it, the lifecycle stage,
// shop type, playbook actions and KPIs that their history gives: none of
// these read the segment. Before, they were in the lost cell (1, 1) of
// the grid, which the results still decode as when stored so.
func TestNonBuyersHaveNoRFMSegmentAndClassifyAsBefore(t *testing.T) {
	all := customer.Consent{Marketing: true, Profiling: true}
	specs := []spec{
		{ID: "big", Buys: []buy{{DaysAgo: 5, Qty: 3, Cents: 30000}, {DaysAgo: 45, Qty: 3, Cents: 30000}, {DaysAgo: 85, Qty: 3, Cents: 30000}}},
		{ID: "gone", Buys: []buy{{DaysAgo: 900, Qty: 1, Cents: 2000}}, Consent: &all},
		{ID: "casual", Buys: []buy{{DaysAgo: 150, Qty: 1, Cents: 1500}}},
		{ID: "browser", Visits: []int{3, 10}, Consent: &all},
		{ID: "stranger", Visits: []int{400}, Consent: &all},
		{ID: "registered", Consent: &all},
	}
	for i := range specs {
		specs[i].Kind = customer.Consumer
	}
	ins := inputs(t, specs, 1)
	for _, visit := range []bool{false, true} {
		id := map[bool]customer.ID{false: "refund", true: "refund-visit"}[visit]
		s := customer.NewSummary(id, customer.Consumer, asOf, nil)
		m, err := customer.NewMoney("80", "EUR")
		require.NoError(t, err)
		require.NoError(t, s.AddRefund(asOf.AddDate(0, 0, -200), m, 1))
		if visit {
			require.NoError(t, s.AddInteraction(customer.Interaction{CustomerID: id, Time: asOf.AddDate(0, 0, -5), Kind: customer.StoreVisit}))
		}
		ins = append(ins, segment.Input{Summary: s, Customer: &customer.Customer{ID: id, Kind: customer.Consumer, Consent: all}})
	}
	_, res := classify(t, ins, nil)

	type class struct {
		stage segment.Stage
		shop  segment.ShopType
	}
	want := map[customer.ID]class{
		"browser":      {segment.StageNew, segment.ShopPotential},
		"stranger":     {segment.StageDormant, segment.ShopDrifting},
		"registered":   {segment.StageDormant, segment.ShopDrifting},
		"refund":       {segment.StageLost, segment.ShopLost},
		"refund-visit": {segment.StageLost, segment.ShopPotential}, // bought before: not new
	}
	book := segment.DefaultPlaybook()
	var results, stored []segment.Result
	for id, w := range want {
		r := res[id]
		assert.Equal(t, value.RFMScore{R: 1, F: 1, M: 1, AOV: 1, Segment: value.NoRFMSegment}, r.RFM, id)
		assert.Equal(t, w, class{r.Stage, r.ShopType}, id)
		old := r
		old.RFM.Segment = value.Lost
		assert.Equal(t, book.Actions(&old), book.Actions(&r), "%s: the same actions as in the lost cell", id)
		assert.NotEmpty(t, book.Actions(&r), id)
	}
	for _, id := range []customer.ID{"big", "gone", "casual"} {
		assert.True(t, res[id].RFM.Segment.Valid(), "%s bought: it has a segment", id)
	}
	for _, r := range res {
		results = append(results, r)
		if r.PurchaseDays == 0 {
			r.RFM.Segment = value.Lost
		}
		stored = append(stored, r)
	}
	now, err := segment.Migrate(nil, results)
	require.NoError(t, err)
	was, err := segment.Migrate(nil, stored)
	require.NoError(t, err)
	assert.Equal(t, was, now, "the KPIs do not read the RFM segment")

	// The RFM score of a non-buyer's result encodes its segment as
	// "none" and decodes back; one stored with the lost cell still
	// decodes as that.
	r := res["browser"]
	b, err := json.Marshal(r.RFM)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"Segment":"none"`)
	back := value.RFMScore{Segment: value.Lost}
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r.RFM, back)
	old := r.RFM
	old.Segment = value.Lost
	b, err = json.Marshal(old)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, value.Lost, back.Segment)
}
