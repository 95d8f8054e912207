package segment_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// A purchase and a later store visit on the evening of AsOf's day, 29
// June in UTC: written in CEST, both fall on 30 June. The purchase counts
// on AsOf's day (see Days on customer.Summary), and so does the visit:
// the interaction is as many days old as the purchase, not −1 day, and
// the customer is classified alike in either zone — the visit on the
// day of the purchase is not interest after it.
func TestInteractionInAZoneAheadOfAsOf(t *testing.T) {
	at := time.Date(2026, 6, 29, 23, 30, 0, 0, time.UTC)
	cest := time.FixedZone("CEST", 2*3600)
	for _, z := range []*time.Location{time.UTC, cest} {
		s := customer.NewSummary("x", customer.Consumer, at, nil)
		require.NoError(t, s.AddOrder(customer.Order{ID: "o", CustomerID: "x", Time: time.Date(2026, 6, 29, 22, 30, 0, 0, time.UTC).In(z),
			Channel: customer.Store, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 1, UnitPrice: decimal.NewFromInt(50)}}}))
		require.NoError(t, s.AddInteraction(customer.Interaction{CustomerID: "x",
			Time: time.Date(2026, 6, 29, 23, 0, 0, 0, time.UTC).In(z), Kind: customer.StoreVisit}))
		m, obs, err := segment.FitInputs([]segment.Input{{Summary: s}}, nil)
		require.NoError(t, err)
		assert.Equal(t, 0, obs[0].SinceInteraction, "in %v", z)
		var r segment.Result
		require.NoError(t, m.Classify(&r, &obs[0]))
		assert.Equal(t, segment.StageNew, r.Stage, "in %v", z)
		assert.Equal(t, segment.ShopDrifting, r.ShopType, "in %v", z)
	}
}
