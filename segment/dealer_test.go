package segment_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// dealerInput is an intermediary that ordered for cents on each of the
// days ago given, with a trade record whose cooperation started at
// start (none when zero).
func dealerInput(t *testing.T, id string, start time.Time, daysAgo ...int) segment.Input {
	t.Helper()
	s := customer.NewSummary(customer.ID(id), customer.Intermediary, asOf, nil)
	for i, d := range daysAgo {
		require.NoError(t, s.AddOrder(customer.Order{ID: fmt.Sprintf("%s-%d", id, i), CustomerID: customer.ID(id),
			Time: asOf.AddDate(0, 0, -d), Channel: customer.Wholesale, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Quantity: 50, UnitPrice: decimal.NewFromInt(40)}}}))
	}
	c := &customer.Customer{ID: customer.ID(id), Kind: customer.Intermediary,
		Trade: &customer.Trade{Outlets: 2, Rating: customer.RatingBBB, CooperationStart: start}}
	return segment.Input{Summary: s, Customer: c}
}

// A dealer that has sold the brand for years is not a new customer because
// the sales history at hand starts with its latest order: the
// cooperation start of its trade record (domain rules §2, cooperation
// loyalty) tells how long it has bought, and a known cooperation longer
// than the new-customer window makes it active, not new, so that the
// playbook does not onboard an eight-year partner. A dealer whose
// cooperation started within the window, or whose start is unknown, is
// new by its first order as before. Without an order in the history, a
// recent contact makes a recruit new but a partner of long standing
// dormant, one to wake up.
func TestLongStandingDealerIsNotNew(t *testing.T) {
	ins := []segment.Input{
		dealerInput(t, "veteran", asOf.AddDate(-8, 0, 0), 20),
		dealerInput(t, "recruit", asOf.AddDate(0, 0, -40), 20),
		dealerInput(t, "unknown", time.Time{}, 20),
		dealerInput(t, "steady", asOf.AddDate(-3, 0, 0), 30, 120, 210, 300),
	}
	// Partners without an order in the history, who called on the
	// brand last week: the recruit is new, the veteran is not.
	for _, c := range []struct {
		id    string
		start time.Time
	}{{"quiet-veteran", asOf.AddDate(-8, 0, 0)}, {"quiet-recruit", asOf.AddDate(0, 0, -40)}} {
		in := dealerInput(t, c.id, c.start)
		require.NoError(t, in.Summary.AddInteraction(customer.Interaction{CustomerID: customer.ID(c.id),
			Time: asOf.AddDate(0, 0, -7), Kind: customer.StoreVisit}))
		ins = append(ins, in)
	}
	_, rs := classify(t, ins, nil)
	want := map[customer.ID]segment.Stage{"veteran": segment.StageActive, "recruit": segment.StageNew,
		"unknown": segment.StageNew, "steady": segment.StageActive,
		"quiet-veteran": segment.StageDormant, "quiet-recruit": segment.StageNew}
	for id, st := range want {
		assert.Equal(t, st, rs[id].Stage, "%s", id)
	}
	codes := func(r segment.Result) []string {
		var out []string
		for _, a := range segment.DefaultPlaybook().Actions(&r) {
			out = append(out, a.Code)
		}
		return out
	}
	assert.NotContains(t, codes(rs["veteran"]), "partner-onboarding")
	assert.NotContains(t, codes(rs["quiet-veteran"]), "partner-onboarding")
	assert.Contains(t, codes(rs["recruit"]), "partner-onboarding")
}

// Long cooperation is one that began more than NewWindow days before the
// as-of day (90 by default): a dealer whose cooperation began exactly 90
// days ago, with its first order in the window, is still new; one day
// earlier, it is active.
func TestDealerCooperationNewWindowBoundary(t *testing.T) {
	ins := []segment.Input{
		dealerInput(t, "at-window", asOf.AddDate(0, 0, -90), 20),
		dealerInput(t, "past-window", asOf.AddDate(0, 0, -91), 20),
	}
	_, rs := classify(t, ins, nil)
	assert.Equal(t, segment.StageNew, rs["at-window"].Stage)
	assert.Equal(t, segment.StageActive, rs["past-window"].Stage)
}
