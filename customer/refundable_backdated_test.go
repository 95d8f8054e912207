package customer

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecorderRefundableBoundsARefund checks Refundable against
// RecordReturn on a line of 3 units of net 100.00 after a price reduction
// of 33.34 and a refund of one unit (33.33): 33.33 is left. A refund
// dated after the other return may pay exactly that, a cent more is
// refused; one dated before it is counted first, the later refund's
// share grows to 33.34, and it may pay 33.32, as Refundable's doc says.
func TestRecorderRefundableBoundsARefund(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (*MemStore, *Recorder) {
		st := NewMemStore()
		require.NoError(t, st.Put(ctx, validConsumer()))
		rec := &Recorder{Customers: st, History: st}
		o := validOrder()
		o.Lines = []Line{{ID: "1", SKU: "COAT", Category: "coats", Quantity: 3, UnitPrice: d("40.00"), Discount: d("20")}}
		require.NoError(t, rec.RecordOrder(ctx, o, vNow))
		k := validCredit()
		k.Amount, k.Time = eur("33.34"), vNow.AddDate(0, 0, -8)
		require.NoError(t, rec.RecordCredit(ctx, k, vNow))
		require.NoError(t, rec.RecordReturn(ctx, oneUnit("R-1", -4, ""), vNow))
		m, err := rec.Refundable(ctx, "C-1", "O-1")
		require.NoError(t, err)
		require.Equal(t, "33.33", m.Amount().StringFixed(2))
		return st, rec
	}
	refused := func(t *testing.T, st *MemStore, rec *Recorder, r Return) *ValidationError {
		t.Helper()
		before := events(t, st)
		var ve *ValidationError
		require.ErrorAs(t, rec.RecordReturn(ctx, r, vNow), &ve)
		assert.True(t, ve.Has("refund", CodeTooMany), "%v", ve)
		assert.Equal(t, before, events(t, st))
		return ve
	}
	t.Run("after", func(t *testing.T) {
		st, rec := setup(t)
		refused(t, st, rec, oneUnit("R-2", -2, "33.34"))
		require.NoError(t, rec.RecordReturn(ctx, oneUnit("R-2", -2, "33.33"), vNow))
	})
	t.Run("before", func(t *testing.T) {
		st, rec := setup(t)
		ve := refused(t, st, rec, oneUnit("R-0", -6, "33.33"))
		assert.Contains(t, ve.Error(), "set refund to at most 33.32")
		require.NoError(t, rec.RecordReturn(ctx, oneUnit("R-0", -6, "33.32"), vNow))
	})
}

// oneUnit is a refund of one unit of line 1 of order O-1, days from vNow,
// paying refund when it is not "".
func oneUnit(id string, days int, refund string) Return {
	r := Return{ID: id, OrderID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, days), Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -1}}}
	if refund != "" {
		r.Refund = refundOf(refund)
	}
	return r
}
