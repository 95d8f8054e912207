package customer

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecorderRefundable checks that Refundable is the bound the
// Recorder puts on credits and refunds of an order: the order's net (210)
// less its price reductions and the refunds paid back, compensations
// aside; a price reduction of exactly that much is recorded, one cent
// more refused, and the answer never drops below zero.
func TestRecorderRefundable(t *testing.T) {
	ctx := context.Background()
	for name := range map[string]bool{"checked": true, "locked": true} {
		t.Run(name, func(t *testing.T) {
			st, recs := boundFixture(t)
			rec := recs[name]
			left := func() string {
				t.Helper()
				m, err := rec.Refundable(ctx, "C-1", "O-1")
				require.NoError(t, err)
				assert.Equal(t, Currency("EUR"), m.Currency())
				return m.Amount().StringFixed(2)
			}
			assert.Equal(t, "210.00", left())

			k := validCredit()
			k.Amount = eur("25.00")
			k.Time = vNow.AddDate(0, 0, -8)
			require.NoError(t, rec.RecordCredit(ctx, k, vNow))
			assert.Equal(t, "185.00", left())

			comp := validCredit()
			comp.ID, comp.Kind, comp.Amount = "K-2", Compensation, eur("40.00")
			comp.Time = vNow.AddDate(0, 0, -7)
			require.NoError(t, rec.RecordCredit(ctx, comp, vNow))
			assert.Equal(t, "185.00", left(), "a compensation is not a price")

			r := Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -6), Kind: Refund,
				Reason: SizeFit, Lines: []ReturnLine{{LineID: "2", Quantity: -1}}}
			require.NoError(t, rec.RecordReturn(ctx, r, vNow))
			bound := left()
			assert.Equal(t, "155.00", bound, "the refund of line 2 paid back its 30")

			over := validCredit()
			over.ID, over.Time = "K-3", vNow.AddDate(0, 0, -5)
			over.Amount = eur(mustAdd(t, bound, "0.01"))
			before := events(t, st)
			var ve *ValidationError
			require.ErrorAs(t, rec.RecordCredit(ctx, over, vNow), &ve)
			assert.True(t, ve.Has("amount", CodeTooMany), "%v", ve)
			assert.Equal(t, before, events(t, st))
			over.Amount = eur(bound)
			require.NoError(t, rec.RecordCredit(ctx, over, vNow))
			assert.Equal(t, "0.00", left())
		})
	}
}

func mustAdd(t *testing.T, a, b string) string {
	t.Helper()
	x, err := ParseAmount(a)
	require.NoError(t, err)
	y, err := ParseAmount(b)
	require.NoError(t, err)
	return x.Add(y).StringFixed(2)
}

// TestRecorderRefundableErrors: an order or a customer the history lacks
// is ErrNotFound, naming the order.
func TestRecorderRefundableErrors(t *testing.T) {
	ctx := context.Background()
	_, recs := boundFixture(t)
	_, err := recs["checked"].Refundable(ctx, "C-1", "O-404")
	require.ErrorIs(t, err, ErrNotFound)
	assert.Contains(t, err.Error(), `"O-404"`)
	_, err = recs["checked"].Refundable(ctx, "C-404", "O-1")
	require.True(t, errors.Is(err, ErrNotFound), "%v", err)
	assert.Contains(t, err.Error(), `"O-1"`)
}
