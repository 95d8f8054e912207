package customer

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Three price reductions of one order, each a valid amount: when
// Summarize summed the reductions before each one (the reduced it passed
// to AddCreditFor), once that sum left the bounds of an amount the
// history stopped summarising, with an error on "reduced", a field that
// no stored record has. A summary keeps such money as recorded.
func TestReductionsBeyondTheAmountBoundSummarise(t *testing.T) {
	o := tillOrder()
	big := "900000000000000000000000000000" // 9 × 10²⁹, within the bounds of an amount
	var evs []Event
	evs = append(evs, Event{Order: &o})
	for i, id := range []string{"K-1", "K-2", "K-3"} {
		c := tillCredit(id, PriceReduction, "O-1", i+1, big)
		require.NoError(t, c.Validate(vNow), "each record is valid on its own")
		evs = append(evs, Event{Credit: &c})
	}
	s, err := Summarize("C-1", Consumer, vNow, seqOf(evs), nil)
	require.NoError(t, err)
	assert.Equal(t, "2700000000000000000000000000000", s.Credited.String())
}

// A line of 3 units and net 100.00 (3 × 35.00 less 5.00) refunds one unit
// at a time for 33.33, 33.34 and 33.33. A Recorder writes the first two
// refunds, the second with its Refund set to the 33.34 it paid (its share
// after the first: valid when written). A refund of the third unit,
// imported later from a till and dated before both, is kept as an
// over-refund of one cent (100.01 paid back for 100.00). But it moves the
// Recorder's refund to the third place in time, where its share after is
// 33.33 and its share on its own 33.33 too: the summary of the customer
// would stop at a record the Recorder accepted, for one cent, if a
// summary compared a Refund with a share, which depends on the times of
// the other refunds of its line: it keeps the money as recorded.
func TestBackdatedImportedRefundKeepsTheRecordedOnes(t *testing.T) {
	ctx := t.Context()
	o := splitOrder("EUR", 3, "35.00", "5.00") // net 100.00
	first := splitReturn(1, 1)                 // 33.33
	second := splitReturn(2, 1)
	second.Refund = refundOf("33.34") // its share after the first
	st := NewMemStore()
	require.NoError(t, st.Put(ctx, validConsumer()))
	rec := &Recorder{Customers: st, History: st}
	require.NoError(t, rec.RecordOrder(ctx, o, vNow))
	require.NoError(t, rec.RecordReturn(ctx, first, vNow))
	require.NoError(t, rec.RecordReturn(ctx, second, vNow))
	s, err := SummarizeHistory(ctx, st, "C-1", Consumer, vNow, nil)
	require.NoError(t, err)
	require.Equal(t, "66.67", s.Refunded.String())

	imported := splitReturn(0, 1) // dated before both, valid on its own
	require.NoError(t, imported.Validate(o, vNow))
	require.NoError(t, Append(ctx, st, Event{Return: &imported}))
	s, err = SummarizeHistory(ctx, st, "C-1", Consumer, vNow, nil)
	require.NoError(t, err, "an over-refund of one cent, kept as recorded")
	assert.Equal(t, "100.01", s.Refunded.String())
	assert.Equal(t, "-0.01", s.Net().String())
}
