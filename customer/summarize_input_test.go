package customer

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A nil history is an empty one: Summarize gives the summary of no
// records, not a panic.
func TestSummarizeNilHistoryIsEmpty(t *testing.T) {
	s, err := Summarize("C-1", Consumer, vNow, nil, nil)
	require.NoError(t, err)
	empty, err := Summarize("C-1", Consumer, vNow, seqOf(nil), nil)
	require.NoError(t, err)
	assertSameSummary(t, empty, s)
	assert.Zero(t, s.Orders)
	_, ok := s.LastPurchase()
	assert.False(t, ok)
}

// nilHistory is a store whose History returns a nil iterator.
type nilHistory struct{}

func (nilHistory) History(context.Context, ID) iter.Seq2[Event, error] { return nil }

// SummarizeHistory treats a nil iterator from the store as an empty
// history.
func TestSummarizeHistoryNilIteratorIsEmpty(t *testing.T) {
	s, err := SummarizeHistory(context.Background(), nilHistory{}, "C-1", Consumer, vNow, nil)
	require.NoError(t, err)
	assert.Zero(t, s.Orders)
	assert.Equal(t, ID("C-1"), s.CustomerID)
}

// bufferedHistory yields the events of evs as a streaming reader that
// decodes every record into one buffer does: each order is copied into
// the same Order value, lines included (the slice reused), and each
// return into the same Return.
func bufferedHistory(evs []Event) iter.Seq[Event] {
	return func(yield func(Event) bool) {
		var o Order
		var r Return
		for _, e := range evs {
			switch {
			case e.Order != nil:
				lines := append(o.Lines[:0], e.Order.Lines...)
				o = *e.Order
				o.Lines = lines
				if !yield(Event{Order: &o}) {
					return
				}
			case e.Return != nil:
				lines := append(r.Lines[:0], e.Return.Lines...)
				r = *e.Return
				r.Lines = lines
				if !yield(Event{Return: &r}) {
					return
				}
			default:
				if !yield(e) {
					return
				}
			}
		}
	}
}

// Summarize keeps copies of what it keeps: a reader that reuses its
// decode buffer gets the summary of the records it yielded.
func TestSummarizeCopiesTheRecordsItKeeps(t *testing.T) {
	o1 := Order{ID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -20), Channel: Store, Currency: "EUR",
		Lines: []Line{{ID: "1", Quantity: 2, UnitPrice: d("50")}}}
	r1 := Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: o1.Time.Add(time.Hour), Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -2}}}
	o2 := Order{ID: "O-2", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -18), Channel: Store, Currency: "EUR",
		Lines: []Line{{ID: "1", Quantity: 2, UnitPrice: d("10")}}}
	r2 := Return{ID: "R-2", OrderID: "O-2", CustomerID: "C-1", Time: o2.Time.Add(time.Hour), Kind: Exchange, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -1}}}
	// O-3 sells one unit: had O-1's lines been overwritten by it, R-1's
	// two units would be more than the line sold.
	o3 := Order{ID: "O-3", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -15), Channel: Store, Currency: "EUR",
		Lines: []Line{{ID: "1", Quantity: 1, UnitPrice: d("5")}}}
	for _, evs := range [][]Event{
		{evO(o1), evR(r1), evO(o2)},
		{evO(o1), evR(r1), evO(o2), evR(r2)},
		{evR(r1), evO(o1), evR(r2), evO(o2), evO(o3)},
		{evO(o1), evR(r1), evO(o3)},
	} {
		want := summarizeC1(t, evs)
		got, err := Summarize("C-1", Consumer, vNow, bufferedHistory(evs), nil)
		require.NoError(t, err)
		assertSameSummary(t, want, got)
	}
	// O-1 2×50 refunded in full, then O-2 2×10 decoded into the same buffer.
	got, err := Summarize("C-1", Consumer, vNow, bufferedHistory([]Event{evO(o1), evR(r1), evO(o2)}), nil)
	require.NoError(t, err)
	assert.Equal(t, "100", got.Refunded.String())
	assert.Equal(t, "20", got.Net().String())
}

// A redelivery is still recognised when the first delivery's buffer was
// reused: Summarize compares with its own copy.
func TestSummarizeRecognisesARedeliveryAfterTheBufferChanged(t *testing.T) {
	o := validOrder()
	other := validOrder()
	other.ID = "O-2"
	other.Lines[0].Quantity = 1
	s, err := Summarize("C-1", Consumer, vNow, bufferedHistory([]Event{evO(o), evO(other), evO(o)}), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Orders)
	changed := validOrder()
	changed.Lines[0].Quantity = 1
	_, err = Summarize("C-1", Consumer, vNow, bufferedHistory([]Event{evO(o), evO(other), evO(changed)}), nil)
	assert.ErrorIs(t, err, ErrDuplicate)
}
