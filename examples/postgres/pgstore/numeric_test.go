package pgstore_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// outOfNumeric are decimals that a NUMERIC column cannot hold — more
// than 131072 integer digits or more than 16383 decimals — some with
// exponents whose plain text (decimal.Decimal.String) would take
// gigabytes or never be written.
var outOfNumeric = []struct {
	name string
	d    decimal.Decimal
}{
	{"New(1,MaxInt32)", decimal.New(1, math.MaxInt32)},
	{"New(1,MinInt32)", decimal.New(1, math.MinInt32)},
	{"-New(7,MinInt32)", decimal.New(-7, math.MinInt32)},
	{"New(0,MaxInt32)", decimal.New(0, math.MaxInt32)},
	{"1e131072", decimal.New(1, 131072)},
	{"1e-16384", decimal.New(1, -16384)},
}

// checkRefusedField asserts that err is a validation error of record
// with one field, field, of code CodeRange.
func checkRefusedField(t *testing.T, err error, record, field string) {
	t.Helper()
	require.ErrorIs(t, err, customer.ErrInvalid, "%s %s", record, field)
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve, "%s %s", record, field)
	assert.Equal(t, record, ve.Record)
	if assert.Len(t, ve.Fields, 1, "%s", record) {
		assert.Equal(t, field, ve.Fields[0].Field, "%s", record)
		assert.Equal(t, customer.CodeRange, ve.Fields[0].Code, "%s", record)
	}
}

// A decimal that NUMERIC cannot hold is refused before anything is sent
// (and before it is written out as text, which for an exponent such as
// math.MaxInt32 never ends), with a validation error naming the record
// and the field, and nothing is stored; the decimals at NUMERIC's limits
// are stored and read back by value.
func TestDecimalsBeyondNumericAreRefused(t *testing.T) {
	db := newDB(t)
	s := db.Customers()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
	require.NoError(t, s.AppendOrder(ctx, sampleOrder("O-1", "C-1")))
	for _, x := range outOfNumeric {
		t.Run(x.name, func(t *testing.T) {
			o := sampleOrder("O-2", "C-1")
			o.Lines[1].UnitPrice = x.d
			checkRefusedField(t, s.AppendOrder(ctx, o), `order "O-2"`, "lines[1].unit_price")
			o = sampleOrder("O-2", "C-1")
			o.Lines[0].UnitCost = decimal.NewNullDecimal(x.d)
			checkRefusedField(t, s.AppendOrder(ctx, o), `order "O-2"`, "lines[0].unit_cost")

			r := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: complainttest.T0,
				Lines: []customer.ReturnLine{{LineID: "1", Quantity: 1}}, Refund: decimal.NewNullDecimal(x.d)}
			checkRefusedField(t, s.AppendReturn(ctx, r), `return "R-1"`, "refund")

			m, err := customer.MoneyFromDecimal(x.d, "EUR")
			require.NoError(t, err)
			k := customer.Credit{ID: "K-1", CustomerID: "C-1", Time: complainttest.T0, Kind: customer.Compensation, Amount: m}
			checkRefusedField(t, s.AppendCredit(ctx, k), `credit "K-1"`, "amount")

			c := customer.Customer{ID: "C-2", Kind: customer.Intermediary, Trade: &customer.Trade{AnnualTurnover: m}}
			checkRefusedField(t, s.Put(ctx, c), `customer "C-2"`, "trade.annual_turnover")

			e := loyalty.Entry{Seq: 1, Member: "M-1", Key: "k", Kind: loyalty.EntryAdjust, Time: complainttest.T0, Spend: x.d}
			checkRefusedField(t, db.Loyalty().Append(ctx, "M-1", 0, []loyalty.Entry{e}), `loyalty entry 1 of member "M-1"`, "spend")
			e = loyalty.Entry{Seq: 1, Member: "M-1", Key: "k", Kind: loyalty.EntryAdjust, Time: complainttest.T0,
				Lines: []loyalty.LineRecord{{LineID: "1", Quantity: 1, Net: decimal.NewFromInt(5), Weight: x.d}}}
			checkRefusedField(t, db.Loyalty().Append(ctx, "M-1", 0, []loyalty.Entry{e}), `loyalty entry 1 of member "M-1"`, "lines[0].weight")
		})
	}
	require.NoError(t, ctx.Err(), "the refusals took too long")
	assert.Equal(t, 1, historyLen(t, s, "C-1"), "only O-1 is stored")
	_, err := s.Get(ctx, "C-2")
	assert.ErrorIs(t, err, customer.ErrNotFound)
	entries, err := db.Loyalty().Entries(ctx, "M-1", 0)
	require.NoError(t, err)
	assert.Empty(t, entries)

	// At NUMERIC's limits: stored, and read back by value.
	big := decimal.New(9, 131072-1) // 131072 integer digits, the most NUMERIC holds
	small := decimal.New(-3, -16383)
	o := sampleOrder("O-3", "C-1")
	o.Lines[0].UnitPrice, o.Lines[1].Discount = big, small
	require.NoError(t, s.AppendOrder(ctx, o))
	var got *customer.Order
	for e, err := range s.History(ctx, "C-1") {
		require.NoError(t, err)
		if e.Order != nil && e.Order.ID == "O-3" {
			got = e.Order
		}
	}
	require.NotNil(t, got)
	assert.True(t, got.Lines[0].UnitPrice.Equal(big))
	assert.True(t, got.Lines[1].Discount.Equal(small))
}

// A complaint case's amounts are kept in its JSON body, which writes an
// amount beyond the bounds of customer.ParseAmount (30 integer digits,
// 30 decimals) in a form that it cannot read back: such a case is
// refused, naming the field, rather than stored unreadable.
func TestComplaintAmountsBeyondParseAmountAreRefused(t *testing.T) {
	db := newDB(t)
	ks := db.Complaints()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, d := range []decimal.Decimal{decimal.New(1, 30), decimal.New(1, -31), decimal.New(1, math.MaxInt32)} {
		c, ev := complainttest.Record("K-1", complainttest.T0)
		m, err := customer.MoneyFromDecimal(d, "EUR")
		require.NoError(t, err)
		c.Paid = m
		checkRefusedField(t, ks.Save(ctx, c, ev), `complaint "K-1"`, "paid")
		_, err = ks.Get(ctx, "K-1")
		require.ErrorIs(t, err, complaint.ErrNotFound, "nothing stored for %s", d.Coefficient().String())
	}
	require.NoError(t, ctx.Err(), "the refusals took too long")
	// The largest amount ParseAmount reads is stored and read back.
	c, ev := complainttest.Record("K-1", complainttest.T0)
	m, err := customer.NewMoney("999999999999999999999999999999.5", "EUR")
	require.NoError(t, err)
	c.Paid = m
	require.NoError(t, ks.Save(ctx, c, ev))
	got, err := ks.Get(ctx, "K-1")
	require.NoError(t, err)
	assert.True(t, got.Paid.Equal(m), "%v", got.Paid)
}
