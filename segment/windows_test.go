package segment_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"pgregory.net/rapid"
)

// A marketer asking why a customer is dormant gets the numbers that
// decided it: the customer's rhythm and the windows it gives (domain
// rules §3.3, §7: windows follow the customer's own rhythm).
func TestLifecycleWindowsExplainTheStage(t *testing.T) {
	var monthly []buy
	for i := range 6 {
		monthly = append(monthly, buy{DaysAgo: 200 + 30*i, Qty: 1, Cents: 5000})
	}
	specs := []spec{
		{ID: "monthly", Kind: customer.Consumer, Buys: monthly},
		{ID: "yearly", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 800, Qty: 1, Cents: 9000}, {DaysAgo: 1165, Qty: 1, Cents: 9000}}},
		{ID: "once", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 300, Qty: 1, Cents: 3000}}},
		{ID: "browser", Kind: customer.Consumer, Visits: []int{10}},
	}
	ins := inputs(t, specs, 1)
	m, obs, err := segment.FitInputs(ins, nil)
	require.NoError(t, err)
	want := map[customer.ID]segment.LifecycleWindows{
		"monthly": {Rhythm: 30, Own: true, New: 90, DormantAfter: 180, LostAfter: 365, SinceLastPurchase: 200, Bought: true},
		"yearly":  {Rhythm: 365, Own: true, New: 90, DormantAfter: 730, LostAfter: 1095, SinceLastPurchase: 800, Bought: true},
		"once":    {Rhythm: 120, New: 90, DormantAfter: 240, LostAfter: 480, SinceLastPurchase: 300, Bought: true},
		"browser": {Rhythm: 120, New: 90, DormantAfter: 240, LostAfter: 480},
	}
	for i := range obs {
		var r segment.Result
		require.NoError(t, m.Classify(&r, &obs[i]))
		w, err := m.LifecycleWindows(&obs[i])
		require.NoError(t, err)
		assert.Equal(t, want[r.ID], w, r.ID)
		if r.ID != "browser" {
			assert.Equal(t, segment.StageDormant, r.Stage, r.ID)
		}
	}
	w := want["monthly"]
	assert.Equal(t, "buys about every 30 days: dormant after 180 days without a purchase, lost after 365; last purchase 200 days ago", w.String())

	// Windows taken with another occasion window are refused, as by Classify.
	m2, _, err := segment.FitInputs(ins, &segment.Options{Lifecycle: segment.LifecycleOptions{OccasionWindow: 3 * 24 * time.Hour}})
	require.NoError(t, err)
	_, err = m2.LifecycleWindows(&obs[0])
	require.ErrorIs(t, err, segment.ErrInvalidOptions)
}

// The windows a customer is given are the ones its stage follows: a
// buyer is lost beyond LostAfter days since its last purchase, dormant
// beyond DormantAfter, new or active otherwise.
func TestPropertyStageFollowsItsWindows(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ins := inputs(t, genPopulation(t), 1)
		m, obs, err := segment.FitInputs(ins, nil)
		require.NoError(t, err)
		for i := range obs {
			var r segment.Result
			require.NoError(t, m.Classify(&r, &obs[i]))
			w, err := m.LifecycleWindows(&obs[i])
			require.NoError(t, err)
			require.LessOrEqual(t, w.DormantAfter, w.LostAfter)
			if !w.Bought {
				continue
			}
			since := float64(w.SinceLastPurchase)
			want := map[bool]segment.Stage{true: segment.StageLost}[since > w.LostAfter]
			if want == 0 && since > w.DormantAfter {
				want = segment.StageDormant
			}
			if want != 0 {
				require.Equal(t, want, r.Stage, "%s: %v", r.ID, w)
				continue
			}
			require.Contains(t, []segment.Stage{segment.StageNew, segment.StageActive}, r.Stage, "%s: %v", r.ID, w)
		}
	})
}
