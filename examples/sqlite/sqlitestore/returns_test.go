package sqlitestore_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// refunded returns a refund of one coat of order O-1 of customer C-1 at
// day0 plus h hours, paying back refund when it is not empty.
func refunded(id string, h int, refund string) customer.Return {
	r := customer.Return{ID: id, OrderID: "O-1", CustomerID: "C-1", Time: day0.Add(time.Duration(h) * time.Hour),
		Kind: customer.Refund, Reason: customer.QualityDefect, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	if refund != "" {
		r.Refund = decimal.NewNullDecimal(decimal.RequireFromString(refund))
	}
	return r
}

// A return's refund comes back as it was given: unset stays unset, zero
// stays a set zero, and an amount keeps its value and its scale.
func TestReturnRefundRoundTrip(t *testing.T) {
	cs := newDB(t).Customers()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	require.NoError(t, cs.AppendOrder(ctx, coat("O-1", "C-1", day0)))
	want := []customer.Return{refunded("R-1", 1, ""), refunded("R-2", 2, "0"), refunded("R-3", 3, "12.50")}
	for _, r := range want {
		require.NoError(t, cs.AppendReturn(ctx, r))
	}

	hist := historyOf(t, cs, "C-1")
	require.Len(t, hist, 4)
	for i, w := range want {
		g := hist[i+1].Return
		require.NotNil(t, g, "event %d", i+1)
		assert.True(t, g.Equal(w), "return %s read back as %#v", w.ID, *g)
		assert.Equal(t, w.Refund.Valid, g.Refund.Valid, "return %s: refund set", w.ID)
		assert.True(t, g.Refund.Decimal.Equal(w.Refund.Decimal), "return %s: refund %s, want %s", w.ID, g.Refund.Decimal, w.Refund.Decimal)
		assert.Equal(t, w.Refund.Decimal.Exponent(), g.Refund.Decimal.Exponent(), "return %s: scale of the refund", w.ID)
	}
	assert.False(t, hist[1].Return.Refund.Valid, "an unset refund")
	assert.True(t, hist[2].Return.Refund.Valid, "a zero refund is set")
	assert.True(t, hist[2].Return.Refund.Decimal.IsZero())
	r3 := hist[3].Return.Refund.Decimal
	assert.Equal(t, "12.50", r3.StringFixed(-r3.Exponent()))
}

// A return delivered again with the same refund, written otherwise, is
// nil; one that differs only in its refund (another amount, zero, or set
// where the stored one is unset and back) is ErrDuplicate naming
// "refund", and the stored return stays as first written.
func TestReturnRefundDuplicates(t *testing.T) {
	cs := newDB(t).Customers()
	require.NoError(t, cs.Put(ctx, consumer("C-1")))
	require.NoError(t, cs.AppendOrder(ctx, coat("O-1", "C-1", day0)))
	set, unset := refunded("R-1", 1, "12.50"), refunded("R-2", 2, "")
	require.NoError(t, cs.AppendReturn(ctx, set))
	require.NoError(t, cs.AppendReturn(ctx, unset))
	require.NoError(t, cs.AppendReturn(ctx, refunded("R-1", 1, "12.5")), "the same refund, written otherwise")
	require.NoError(t, cs.AppendReturn(ctx, refunded("R-2", 2, "")), "unset again")

	for _, tc := range []struct {
		id     string
		h      int
		refund string
	}{
		{"R-1", 1, ""},
		{"R-1", 1, "0"},
		{"R-1", 1, "12.49"},
		{"R-2", 2, "0"},
		{"R-2", 2, "12.50"},
	} {
		err := cs.AppendReturn(ctx, refunded(tc.id, tc.h, tc.refund))
		require.ErrorIs(t, err, customer.ErrDuplicate, "%s with refund %q", tc.id, tc.refund)
		var de *customer.DuplicateError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "refund", de.Field)
		assert.EqualError(t, err, `sqlitestore: return "`+tc.id+`": duplicate ID with different refund`)
	}

	hist := historyOf(t, cs, "C-1")
	require.Len(t, hist, 3)
	require.NotNil(t, hist[1].Return)
	require.NotNil(t, hist[2].Return)
	assert.True(t, hist[1].Return.Equal(set))
	assert.Equal(t, "12.50", hist[1].Return.Refund.Decimal.StringFixed(2))
	assert.Equal(t, int32(-2), hist[1].Return.Refund.Decimal.Exponent(), "the scale first written")
	assert.True(t, hist[2].Return.Equal(unset))
	assert.False(t, hist[2].Return.Refund.Valid)
}
