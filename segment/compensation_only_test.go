package segment_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// A customer who never bought but was paid a compensation of no order (a
// credit for "an unkind answer", customer.Credit) has a negative net
// without having bought anything: it is not lost. In contact within the
// new-customer window it is new, out of contact dormant, as any customer
// who never bought; a refund besides the compensation still makes it lost.
func TestCompensationOnlyCustomerNeverBought(t *testing.T) {
	comp := func(visit, refund bool) segment.Input {
		s := customer.NewSummary("k", customer.Consumer, asOf, nil)
		m, err := customer.NewMoney("25", "EUR")
		require.NoError(t, err)
		require.NoError(t, s.AddCredit(customer.Credit{ID: "K1", CustomerID: "k", Time: asOf.AddDate(0, 0, -20),
			Kind: customer.Compensation, Amount: m, Source: "complaint 7"}))
		if refund {
			require.NoError(t, s.AddRefund(asOf.AddDate(0, 0, -200), m, 1))
		}
		if visit {
			require.NoError(t, s.AddInteraction(customer.Interaction{CustomerID: "k", Time: asOf.AddDate(0, 0, -5), Kind: customer.StoreVisit}))
		}
		require.True(t, s.Net().IsNegative())
		return segment.Input{Summary: s}
	}
	others := input(t, spec{ID: "b", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 3, Qty: 1, Cents: 5000}}}, 1)
	for _, tt := range []struct {
		visit, refund bool
		stage         segment.Stage
		lost          bool
	}{
		{true, false, segment.StageNew, false},
		{false, false, segment.StageDormant, false},
		{true, true, segment.StageLost, false},
		{false, true, segment.StageLost, true},
	} {
		_, res := classify(t, []segment.Input{comp(tt.visit, tt.refund), others}, nil)
		r := res["k"]
		assert.Equal(t, tt.stage, r.Stage, "visit %v, refund %v", tt.visit, tt.refund)
		assert.Equal(t, tt.lost, r.ShopType == segment.ShopLost, "visit %v, refund %v: %v", tt.visit, tt.refund, r.ShopType)
	}
}
