package segment_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

func codes(as []segment.Action) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Code)
	}
	return out
}

func TestPlaybookFiltersByConsent(t *testing.T) {
	p := segment.DefaultPlaybook()
	r := segment.Result{Quadrant: segment.HighValue, ShopType: segment.ShopLoyal, Stage: segment.StageActive}
	assert.Equal(t, []string{"vip-service"}, codes(p.Actions(&r)), "no consent: service only")
	r.Consent = customer.Consent{Profiling: true}
	assert.Equal(t, []string{"vip-service", "learn-needs", "personal-recommendations"}, codes(p.Actions(&r)))
	r.Consent = customer.Consent{Marketing: true, Profiling: true}
	assert.Equal(t, []string{"vip-service", "learn-needs", "early-access", "personal-recommendations", "priority-benefits", "member-events"},
		codes(p.Actions(&r)))
	for _, a := range p.Actions(&segment.Result{Quadrant: segment.PotentialValue, ShopType: segment.ShopDrifting,
		Stage: segment.StageDormant, Consent: customer.Consent{Profiling: true}}) {
		assert.Zero(t, a.Needs&segment.NeedsMarketing, "%s is marketing without consent", a.Code)
	}
}

func TestDefaultPlaybookCoversEverySegment(t *testing.T) {
	p := segment.DefaultPlaybook()
	all := customer.Consent{Marketing: true, Profiling: true}
	for q := segment.HighValue; q <= segment.LowValue; q++ {
		assert.NotEmpty(t, p.Quadrants[q], q)
		assert.NotEmpty(t, p.Actions(&segment.Result{Quadrant: q, ShopType: segment.ShopDrifting, Stage: segment.StageActive}), "a service action for %v", q)
	}
	for s := segment.ShopLoyal; s <= segment.ShopLost; s++ {
		assert.NotEmpty(t, p.ShopTypes[s], s)
	}
	seen := map[string]bool{}
	for _, r := range []segment.Result{{Quadrant: segment.HighValue, ShopType: segment.ShopLoyal, Stage: segment.StageNew, Consent: all},
		{Quadrant: segment.LowValue, ShopType: segment.ShopLost, Stage: segment.StageDormant, Consent: all}} {
		for _, a := range p.Actions(&r) {
			assert.NotEmpty(t, a.Description)
			seen[a.Code] = true
		}
	}
}

func res(id string, q segment.Quadrant, st segment.Stage, days int, net string, total float64) segment.Result {
	return segment.Result{ID: customer.ID(id), Kind: customer.Consumer, Quadrant: q, Stage: st, ShopType: segment.ShopDrifting,
		PurchaseDays: days, Net: decimal.RequireFromString(net), Currency: "EUR", Value: value.Score{Total: total}}
}

func TestMigrate(t *testing.T) {
	before := []segment.Result{
		res("a", segment.PotentialValue, segment.StageActive, 2, "100", 0.5),
		res("b", segment.PotentialValue, segment.StageActive, 1, "50", 0.25),
		res("c", segment.HighValue, segment.StageActive, 5, "900", 0.75),
		res("d", segment.LowValue, segment.StageLost, 1, "10", 0.125),
		res("e", segment.LowValue, segment.StageDormant, 1, "20", 0.125),
	}
	after := []segment.Result{
		res("a", segment.HighValue, segment.StageActive, 4, "300", 0.75),
		res("b", segment.PotentialValue, segment.StageDormant, 1, "50", 0.25),
		res("c", segment.HighValue, segment.StageActive, 6, "1000", 0.75),
		res("d", segment.LowValue, segment.StageLost, 1, "10", 0.125),
		res("f", segment.LowValue, segment.StageNew, 1, "40", 0.125),
	}
	m, err := segment.Migrate(before, after)
	require.NoError(t, err)
	assert.Equal(t, segment.Rate{Num: 3, Den: 4, Value: 0.75}, m.Retention, "a, b, c stay; e disappeared")
	assert.Equal(t, segment.Rate{Num: 2, Den: 4, Value: 0.5}, m.Repurchase, "a and c bought again")
	assert.Equal(t, segment.Rate{Num: 1, Den: 5, Value: 0.2}, m.NewCustomers)
	assert.Equal(t, segment.Rate{Num: 1, Den: 2, Value: 0.5}, m.Conversion, "a: potential → high")
	assert.Equal(t, 1, m.Quadrants[segment.PotentialValue][segment.HighValue])
	assert.Equal(t, 1, m.Quadrants[segment.LowValue][0], "e left")
	assert.Equal(t, 1, m.Quadrants[0][segment.LowValue], "f is new")
	assert.Equal(t, 1, m.Stages[segment.StageActive][segment.StageDormant])
	total := 0
	for _, row := range m.Quadrants {
		for _, n := range row {
			total += n
		}
	}
	assert.Equal(t, 6, total, "every customer of either period once")
	hv := m.Contribution[segment.HighValue]
	assert.Equal(t, 2, hv.Customers)
	assert.True(t, hv.Revenue.Equal(decimal.NewFromInt(1300)))
	assert.InDelta(t, 1300.0/1400, hv.RevenueShare, 1e-12)
	assert.InDelta(t, 10.0/13, hv.PurchaseShare, 1e-12)
	assert.InDelta(t, 1.5/2, hv.ValueShare, 1e-12)
	assert.Equal(t, customer.Currency("EUR"), m.Currency)

	rev, err := segment.Migrate(after, before)
	require.NoError(t, err)
	assert.Equal(t, 1, rev.Quadrants[segment.HighValue][segment.PotentialValue])

	_, err = segment.Migrate(append(before, before[0]), after)
	require.ErrorIs(t, err, segment.ErrDuplicate)
	_, err = segment.Migrate(before, []segment.Result{{ID: "z"}})
	require.ErrorIs(t, err, segment.ErrInvalidResult)
	empty, err := segment.Migrate(nil, nil)
	require.NoError(t, err)
	assert.Equal(t, segment.Rate{}, empty.Retention, "no customer: 0, not NaN")
}
