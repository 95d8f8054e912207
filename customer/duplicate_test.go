package customer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// orderChanges change validOrder; field is the path the duplicate error
// must name, the first field changed.
var orderChanges = []struct {
	field  string
	change func(o *Order)
}{
	{"customer_id", func(o *Order) { o.CustomerID = "C-2" }},
	{"time", func(o *Order) { o.Time = o.Time.Add(time.Second) }},
	{"channel", func(o *Order) { o.Channel = Store }},
	{"store", func(o *Order) { o.Store = "Berlin 2" }},
	{"currency", func(o *Order) { o.Currency = "CZK" }},
	{"lines", func(o *Order) { o.Lines = o.Lines[:1] }},
	{"lines[0].id", func(o *Order) { o.Lines[0].ID = "9" }},
	{"lines[0].sku", func(o *Order) { o.Lines[0].SKU = "PARKA" }},
	{"lines[0].category", func(o *Order) { o.Lines[0].Category = "jackets" }},
	{"lines[0].season", func(o *Order) { o.Lines[0].Season = "2026-AW" }},
	{"lines[0].size", func(o *Order) { o.Lines[0].Size = "M" }},
	{"lines[0].colour", func(o *Order) { o.Lines[0].Colour = "navy" }},
	{"lines[0].quantity", func(o *Order) { o.Lines[0].Quantity = 3 }},
	{"lines[0].unit_price", func(o *Order) { o.Lines[0].UnitPrice = d("99.99") }},
	{"lines[0].unit_cost", func(o *Order) { o.Lines[0].UnitCost = decimal.NewNullDecimal(d("40")) }},
	{"lines[1].unit_cost", func(o *Order) { o.Lines[1].UnitCost = decimal.NullDecimal{} }},
	{"lines[1].discount", func(o *Order) { o.Lines[1].Discount = d("5") }},
	// Two fields differ: the first is named.
	{"lines[0].unit_price", func(o *Order) { o.Lines[0].UnitPrice, o.Lines[1].Quantity = d("1"), 4 }},
}

// returnChanges are orderChanges for validReturn.
var returnChanges = []struct {
	field  string
	change func(r *Return)
}{
	{"order_id", func(r *Return) { r.OrderID = "O-2" }},
	{"customer_id", func(r *Return) { r.CustomerID = "C-2" }},
	{"time", func(r *Return) { r.Time = r.Time.Add(time.Minute) }},
	{"kind", func(r *Return) { r.Kind = Exchange }},
	{"reason", func(r *Return) { r.Reason = QualityDefect }},
	{"lines", func(r *Return) { r.Lines = append(r.Lines, ReturnLine{LineID: "2", Quantity: -1}) }},
	{"lines[0].line_id", func(r *Return) { r.Lines[0].LineID = "2" }},
	{"lines[0].quantity", func(r *Return) { r.Lines[0].Quantity = -2 }},
	{"refund", func(r *Return) { r.Refund = decimal.NewNullDecimal(d("80")) }},
}

// checkDuplicate checks that err reports record under a taken ID with a
// different field, once, in the message `record: duplicate ID with
// different field`.
func checkDuplicate(t *testing.T, err error, record, field string) {
	t.Helper()
	require.ErrorIs(t, err, ErrDuplicate)
	var de *DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, record, de.Record)
	assert.Equal(t, field, de.Field)
	assert.Equal(t, record+": duplicate ID with different "+field, err.Error())
}

// An order delivered twice with different content is refused with an
// error that names the order once and the first field that differs, by
// Summarize and by the memory store.
func TestDuplicateOrderNamesTheFirstFieldThatDiffers(t *testing.T) {
	ctx := context.Background()
	for _, tc := range orderChanges {
		field := tc.field
		t.Run(field, func(t *testing.T) {
			o, other := validOrder(), validOrder()
			tc.change(&other)
			require.False(t, o.Equal(other))
			assert.Equal(t, field, o.diff(&other))
			assert.Equal(t, field, other.diff(&o))
			checkDuplicate(t, o.Conflict(other), `order "O-1"`, field)
			require.NoError(t, o.Conflict(o.Clone()), "a redelivery")

			_, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o), evO(other)}), nil)
			checkDuplicate(t, err, `order "O-1"`, field)

			m := NewMemStore()
			for _, id := range []ID{"C-1", "C-2"} {
				require.NoError(t, m.Put(ctx, Customer{ID: id, Kind: Consumer}))
			}
			require.NoError(t, m.AppendOrder(ctx, o))
			checkDuplicate(t, m.AppendOrder(ctx, other), `order "O-1"`, field)
		})
	}
}

// A return delivered twice with different content is refused in the
// same way as an order.
func TestDuplicateReturnNamesTheFirstFieldThatDiffers(t *testing.T) {
	ctx := context.Background()
	for _, tc := range returnChanges {
		field := tc.field
		t.Run(field, func(t *testing.T) {
			r, other := validReturn(), validReturn()
			tc.change(&other)
			require.False(t, r.Equal(other))
			assert.Equal(t, field, r.diff(&other))
			assert.Equal(t, field, other.diff(&r))
			checkDuplicate(t, r.Conflict(other), `return "R-1"`, field)
			require.NoError(t, r.Conflict(r.Clone()), "a redelivery")

			_, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(validOrder()), evR(r), evR(other)}), nil)
			checkDuplicate(t, err, `return "R-1"`, field)

			m := NewMemStore()
			for _, id := range []ID{"C-1", "C-2"} {
				require.NoError(t, m.Put(ctx, Customer{ID: id, Kind: Consumer}))
			}
			require.NoError(t, m.AppendOrder(ctx, validOrder()))
			require.NoError(t, m.AppendReturn(ctx, r))
			checkDuplicate(t, m.AppendReturn(ctx, other), `return "R-1"`, field)
		})
	}
}

// diff finds no field in records that are equal, amounts compared by
// value, and a field in every pair of generated records that are not.
func TestDiffAgreesWithEqual(t *testing.T) {
	o, same := validOrder(), validOrder()
	same.Lines[0].UnitPrice = d("100.0000")
	same.Time = same.Time.In(time.FixedZone("CEST", 2*60*60))
	assert.True(t, o.Equal(same))
	assert.Empty(t, o.diff(&same))
	r := validReturn()
	assert.Empty(t, r.diff(new(r.Clone())))

	g := newGenShop(7, vNow)
	var orders []Order
	var returns []Return
	for _, e := range g.history("C-1", 40) {
		switch {
		case e.Order != nil:
			orders = append(orders, *e.Order)
		case e.Return != nil:
			returns = append(returns, *e.Return)
		}
	}
	for i := range orders {
		for j := range orders {
			assert.Equal(t, orders[i].Equal(orders[j]), orders[i].diff(&orders[j]) == "", "%s and %s", orders[i].ID, orders[j].ID)
		}
	}
	for i := range returns {
		for j := range returns {
			assert.Equal(t, returns[i].Equal(returns[j]), returns[i].diff(&returns[j]) == "", "%s and %s", returns[i].ID, returns[j].ID)
		}
	}
}

// The error of a duplicate says "duplicate" once and carries no package
// prefix twice, however it is reached.
func TestDuplicateMessageSaysItOnce(t *testing.T) {
	o, other := validOrder(), validOrder()
	other.Lines[0].Quantity = 1
	_, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o), evO(other)}), nil)
	require.Error(t, err)
	msg := err.Error()
	assert.Equal(t, 1, strings.Count(msg, "duplicate"), msg)
	assert.Equal(t, 1, strings.Count(msg, `"O-1"`), msg)
	assert.Zero(t, strings.Count(msg, "customer:"), msg)
	assert.False(t, errors.Is(err, ErrInvalid), "a conflicting redelivery is not an invalid record")
}
