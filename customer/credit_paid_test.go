package customer

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// RefundsPaid adds up what an order's refunds paid back as ValidateAfter
// does (exchanges and returns of other orders pay nothing, a Refund set
// pays itself), and ValidateAfterPaid given that sum gives ValidateAfter's
// verdict and message, without adding the returns up again.
func TestRefundsPaidAndValidateAfterPaid(t *testing.T) {
	o := validOrder() // net 210: line "1" 2 × 90, line "2" 30
	at := vNow.AddDate(0, 0, -5)
	share := Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: at.Add(-2 * time.Hour), Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "2", Quantity: -1}}}
	set := Return{ID: "R-2", OrderID: "O-1", CustomerID: "C-1", Time: at.Add(-time.Hour), Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -1}}, Refund: decimal.NewNullDecimal(d("50.00"))}
	exchange := Return{ID: "R-3", OrderID: "O-1", CustomerID: "C-1", Time: at.Add(-time.Hour), Kind: Exchange, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -1}}}
	other := share
	other.ID, other.OrderID = "R-4", "O-2"
	returns := []Return{set, exchange, other, share}
	order := []string{set.ID, exchange.ID, other.ID, share.ID}

	paid := RefundsPaid(o, returns)
	assert.Equal(t, "80", paid.String(), "30 for line 2 and the 50 set")
	for i, r := range returns {
		assert.Equal(t, order[i], r.ID, "returns is not modified")
	}
	assert.True(t, RefundsPaid(o, []Return{exchange, other}).IsZero())

	for _, tc := range []struct {
		kind   CreditKind
		amount string
	}{
		{PriceReduction, "90.00"}, {PriceReduction, "90.01"}, {PriceReduction, "130.00"}, {Compensation, "500.00"},
	} {
		k := validCredit()
		k.Kind, k.Amount, k.Time = tc.kind, eur(tc.amount), at
		want := k.ValidateAfter(o, eur("40.00"), returns, vNow)
		got := k.ValidateAfterPaid(o, eur("40.00"), paid, vNow)
		if want == nil {
			assert.NoError(t, got, "%s %s", tc.kind, tc.amount)
			continue
		}
		require.Error(t, got, "%s %s", tc.kind, tc.amount)
		assert.Equal(t, want.Error(), got.Error())
	}
}
