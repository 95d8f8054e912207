package sqlitestore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// oldReturnDoc is the document of a return as written before returns had
// a refund.
const oldReturnDoc = `{"kind":"refund","reason":"quality-defect","lines":[{"line_id":"1","quantity":-1}]}`

// A return with its refund unset is written as before the field existed,
// and a row written then reads back with its refund unset: delivered
// again unset it is a redelivery, with a refund (even zero) a duplicate
// naming "refund". A set refund, zero too, is a member of the document.
func TestReturnWithoutRefundMember(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: day.Add(time.Hour), Kind: customer.Refund,
		Reason: customer.QualityDefect, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	at, doc, err := encodeReturn(r)
	require.NoError(t, err)
	assert.JSONEq(t, oldReturnDoc, string(doc))
	for refund, want := range map[string]string{"0": `"0"`, "12.50": `"12.50"`, "-1.000": `"-1.000"`} {
		s := r
		s.Refund = decimal.NewNullDecimal(decimal.RequireFromString(refund))
		_, doc, err := encodeReturn(s)
		require.NoError(t, err)
		assert.Contains(t, string(doc), `"refund":`+want)
		back, err := decodeReturn("R-1", "O-1", "C-1", at, doc)
		require.NoError(t, err)
		assert.True(t, back.Equal(s), "refund %s read back as %v", refund, back.Refund)
	}
	for _, d := range []string{oldReturnDoc, `{"kind":"refund","refund":null}`} {
		back, err := decodeReturn("R-1", "O-1", "C-1", at, []byte(d))
		require.NoError(t, err, d)
		assert.False(t, back.Refund.Valid, "%s: refund unset", d)
	}
	_, err = decodeReturn("R-1", "O-1", "C-1", at, []byte(`{"refund":12.5}`))
	assert.ErrorContains(t, err, `return "R-1": stored document`, "a refund is a quoted decimal")

	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	cs := db.Customers()
	require.NoError(t, cs.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}))
	require.NoError(t, cs.AppendOrder(ctx, customer.Order{ID: "O-1", CustomerID: "C-1", Time: day, Channel: customer.Online,
		Currency: "EUR", Lines: []customer.Line{{ID: "1", SKU: "COAT-1", Quantity: 1, UnitPrice: decimal.RequireFromString("199.00")}}}))
	_, err = db.w.ExecContext(ctx, `INSERT INTO returns (id, order_id, customer_id, at, doc) VALUES (?, ?, ?, ?, ?)`,
		"R-1", "O-1", "C-1", at, []byte(oldReturnDoc))
	require.NoError(t, err)

	var got []customer.Return
	for e, err := range cs.History(ctx, "C-1") {
		require.NoError(t, err)
		if e.Return != nil {
			got = append(got, *e.Return)
		}
	}
	require.Len(t, got, 1)
	assert.True(t, got[0].Equal(r), "read back as %#v", got[0])
	assert.False(t, got[0].Refund.Valid)
	require.NoError(t, cs.AppendReturn(ctx, r), "the old row delivered again")
	zero := r
	zero.Refund = decimal.NewNullDecimal(decimal.Zero)
	err = cs.AppendReturn(ctx, zero)
	var de *customer.DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "refund", de.Field)
	assert.EqualError(t, err, `sqlitestore: return "R-1": duplicate ID with different refund`)
}
