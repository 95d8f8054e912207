package customer

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// An intermediary whose master data has no credit rating and no start
// of cooperation (an ERP that does not keep them) is valid: both are
// unknown, as an unknown turnover or market size is, and it can be
// stored and sent orders. A rating that is set must still be one of the
// scale, and a start that is set must still be a date of a record.
func TestIntermediaryWithoutRatingOrCooperationStart(t *testing.T) {
	c := validIntermediary()
	c.Trade.Rating = 0
	c.Trade.CooperationStart = time.Time{}
	require.NoError(t, c.Validate(vNow))

	ctx := context.Background()
	st := NewMemStore()
	require.NoError(t, st.Put(ctx, c))
	rec := &Recorder{Customers: st, History: st}
	o := validOrder()
	o.CustomerID = c.ID
	require.NoError(t, rec.RecordOrder(ctx, o, vNow))
	s, err := SummarizeHistory(ctx, st, c.ID, Intermediary, vNow, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Orders)

	bad := validIntermediary()
	bad.Trade.Rating = RatingAAA + 1
	bad.Trade.CooperationStart = time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("UTC+1", 3600))
	requireFields(t, bad.Validate(vNow), fe("trade.rating", CodeUnknown), fe("trade.cooperation_start", CodeRange))
}

// reordered returns o with its lines in reverse order.
func reordered(o Order) Order {
	o = o.Clone()
	slices.Reverse(o.Lines)
	return o
}

// An order whose lines carry IDs is the same order when it comes again
// with the same lines in another sequence: Equal, no conflict, and a
// no-op in a store, a Recorder and a summary.
func TestOrderRedeliveryLinesReordered(t *testing.T) {
	o := validOrder()
	p := reordered(o)
	assert.True(t, o.Equal(p))
	assert.True(t, p.Equal(o))
	require.NoError(t, o.Conflict(p))

	ctx := context.Background()
	st := NewMemStore()
	require.NoError(t, st.Put(ctx, validConsumer()))
	rec := &Recorder{Customers: st, History: st}
	require.NoError(t, rec.RecordOrder(ctx, o, vNow))
	stored, err := rec.RecordOrderStored(ctx, p, vNow)
	require.NoError(t, err)
	assert.False(t, stored, "a redelivery with reordered lines stores nothing")
	require.NoError(t, rec.RecordOrder(ctx, p, vNow))
	n := 0
	for e, err := range st.History(ctx, "C-1") {
		require.NoError(t, err)
		if e.Order != nil {
			n++
		}
	}
	assert.Equal(t, 1, n)

	one, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{{Order: &o}}), nil)
	require.NoError(t, err)
	two, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{{Order: &o}, {Order: &p}}), nil)
	require.NoError(t, err)
	assertSameSummary(t, one, two)
}

// A reordered redelivery that also changes a line is still a conflict,
// naming the changed field of the line with that ID as the redelivery
// numbers it; one that drops or adds a line names the lines.
func TestOrderRedeliveryLinesReorderedConflict(t *testing.T) {
	o := validOrder()
	p := reordered(o)
	p.Lines[1].Quantity = 3 // line "1", now lines[1]
	var dup *DuplicateError
	require.ErrorAs(t, o.Conflict(p), &dup)
	assert.Equal(t, "lines[1].quantity", dup.Field)
	assert.False(t, o.Equal(p))

	q := reordered(o)
	q.Lines[0].ID = "3" // line "2" renamed
	require.ErrorAs(t, o.Conflict(q), &dup)
	assert.Equal(t, "lines[0].id", dup.Field)

	r := reordered(o)
	r.Lines = append(r.Lines, Line{ID: "3", SKU: "HAT", Category: "accessories", Quantity: 1, UnitPrice: d("5")})
	require.ErrorAs(t, o.Conflict(r), &dup)
	assert.Equal(t, "lines", dup.Field)
	require.ErrorAs(t, r.Conflict(o), &dup)
	assert.Equal(t, "lines", dup.Field)
}

// Lines without IDs (or with an ID twice, in an order no check let
// through) are compared by position: the same lines in another
// sequence are another order.
func TestOrderLinesWithoutIDsPositional(t *testing.T) {
	o := validOrder()
	o.Lines[0].ID, o.Lines[1].ID = "", ""
	p := reordered(o)
	assert.False(t, o.Equal(p))
	var dup *DuplicateError
	require.ErrorAs(t, o.Conflict(p), &dup)
	assert.Equal(t, "lines[0].sku", dup.Field)

	q := validOrder()
	q.Lines[1].ID = q.Lines[0].ID
	q.Lines[1] = q.Lines[0]
	q.Lines[1].Quantity = 1
	assert.False(t, q.Equal(reordered(q)))
}

// RecordOrderStored tells a stored order from a redelivery, also when
// the store is not a CheckedAppender; a refused order is neither.
func TestRecordOrderStored(t *testing.T) {
	ctx := context.Background()
	for _, checked := range []bool{true, false} {
		st := NewMemStore()
		require.NoError(t, st.Put(ctx, validConsumer()))
		var h HistoryStore = st
		if !checked {
			h = plainHistory{st}
		}
		rec := &Recorder{Customers: st, History: h}
		o := validOrder()
		stored, err := rec.RecordOrderStored(ctx, o, vNow)
		require.NoError(t, err)
		assert.True(t, stored, "first delivery (checked store %v)", checked)
		stored, err = rec.RecordOrderStored(ctx, o, vNow)
		require.NoError(t, err)
		assert.False(t, stored, "redelivery (checked store %v)", checked)

		other := o.Clone()
		other.Lines[0].Quantity = 5
		stored, err = rec.RecordOrderStored(ctx, other, vNow)
		assert.True(t, errors.Is(err, ErrDuplicate), "%v", err)
		assert.False(t, stored)

		bad := validOrder()
		bad.ID = "O-2"
		bad.Lines[0].Quantity = 0
		stored, err = rec.RecordOrderStored(ctx, bad, vNow)
		assert.True(t, errors.Is(err, ErrInvalid), "%v", err)
		assert.False(t, stored)

		unknown := validOrder()
		unknown.ID, unknown.CustomerID = "O-3", "C-404"
		stored, err = rec.RecordOrderStored(ctx, unknown, vNow)
		assert.True(t, errors.Is(err, ErrNotFound), "%v", err)
		assert.False(t, stored)
	}
}

// TestPropReorderedRedeliveryIsNoOp: delivering any order of a history a
// second time with its lines in another sequence changes nothing in a
// summary; the order is Equal to its first delivery and no conflict.
func TestPropReorderedRedeliveryIsNoOp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := histGen().Draw(t, "history")
		var again []Event
		for _, e := range evs {
			again = append(again, e)
			if e.Order != nil && rapid.Bool().Draw(t, "redeliver") {
				o := e.Order.Clone()
				o.Lines = rapid.Permutation(o.Lines).Draw(t, "lines")
				if !e.Order.Equal(o) || e.Order.Conflict(o) != nil {
					t.Fatalf("order %q with lines reordered is not the same order", o.ID)
				}
				again = append(again, Event{Order: &o})
			}
			if e.Return != nil && rapid.Bool().Draw(t, "redeliver_return") {
				r := *e.Return
				r.Lines = rapid.Permutation(r.Lines).Draw(t, "return_lines")
				if !e.Return.Equal(r) || !r.Equal(*e.Return) || e.Return.Conflict(r) != nil {
					t.Fatalf("return %q with lines reordered is not the same return", r.ID)
				}
				again = append(again, Event{Return: &r})
			}
		}
		assertSameSummary(t, summarizeT(t, evs), summarizeT(t, again))
	})
}

// A return delivered again with its lines in another sequence is the
// same return, as an order is: the Recorder stores nothing and reports
// no conflict. One that changes a quantity names that line as the
// redelivery numbers it; one that returns another line names its
// line_id; one with more or fewer lines names the lines.
func TestReturnRedeliveryLinesReordered(t *testing.T) {
	r := fullRefund("R-1", vNow.AddDate(0, 0, -5)) // lines "1" (−2) and "2" (−1)
	s := r
	s.Lines = []ReturnLine{r.Lines[1], r.Lines[0]}
	assert.True(t, r.Equal(s))
	assert.True(t, s.Equal(r))
	require.NoError(t, r.Conflict(s))

	ctx := context.Background()
	st, recs := boundFixture(t)
	rec := recs["checked"]
	require.NoError(t, rec.RecordReturn(ctx, r, vNow))
	before := events(t, st)
	require.NoError(t, rec.RecordReturn(ctx, s, vNow), "a redelivery with reordered lines")
	assert.Equal(t, before, events(t, st), "stores nothing")

	var dup *DuplicateError
	q := s
	q.Lines = []ReturnLine{{LineID: "2", Quantity: -1}, {LineID: "1", Quantity: -1}}
	require.ErrorAs(t, r.Conflict(q), &dup)
	assert.Equal(t, "lines[1].quantity", dup.Field)
	assert.False(t, q.Equal(r))
	require.ErrorAs(t, rec.RecordReturn(ctx, q, vNow), &dup)
	assert.Equal(t, before, events(t, st))

	q.Lines = []ReturnLine{{LineID: "2", Quantity: -1}, {LineID: "3", Quantity: -2}}
	require.ErrorAs(t, r.Conflict(q), &dup)
	assert.Equal(t, "lines[1].line_id", dup.Field)

	q.Lines = []ReturnLine{{LineID: "2", Quantity: -1}}
	require.ErrorAs(t, r.Conflict(q), &dup)
	assert.Equal(t, "lines", dup.Field)

	// Lines naming one order line twice (invalid) compare by position.
	a := Return{Lines: []ReturnLine{{LineID: "1", Quantity: -1}, {LineID: "1", Quantity: -2}}}
	b := Return{Lines: []ReturnLine{{LineID: "1", Quantity: -2}, {LineID: "1", Quantity: -1}}}
	assert.False(t, a.Equal(b))
}
