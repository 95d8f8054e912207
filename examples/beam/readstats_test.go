package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"pgregory.net/rapid"
)

// TestReadStatsCombiner checks that the read statistics of a file are the
// same however its lines are split into shards and whatever the order in
// which the shards are added and merged: the file's currency, the counts
// (of the rows left out for their currency, by currency, among them) and
// the first errors, which the writer reports.
func TestReadStatsCombiner(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 60).Draw(t, "lines")
		lines := make([]lineInfo, n)
		for i := range lines {
			li := lineInfo{Kind: uint8(rapid.IntRange(int(lineData), int(lineOther)).Draw(t, "kind")), Offset: int64(10 * (i + 1))}
			switch li.Kind {
			case lineOther:
				li.Currency = rapid.SampledFrom([]string{"CHF", "GBP", "JPY"}).Draw(t, "other currency")
			case lineData:
				li.Currency = rapid.SampledFrom([]string{"EUR", "USD", "JPY"}).Draw(t, "currency")
				li.Given = rapid.Bool().Draw(t, "given")
				li.Later = rapid.Bool().Draw(t, "later")
			case lineBad, lineRejected:
				li.Err = rowError{File: "orders.csv", Offset: li.Offset, Column: salesrow.ColAmount, Reason: "bad"}
			}
			lines[i] = li
		}
		fn := &readStatsFn{}
		whole := fn.CreateAccumulator()
		for _, li := range lines {
			whole = fn.AddInput(whole, li)
		}
		shards := make([]readStats, rapid.IntRange(1, 5).Draw(t, "shards"))
		for _, k := range rapid.Permutation(lines).Draw(t, "order") {
			i := rapid.IntRange(0, len(shards)-1).Draw(t, "shard")
			shards[i] = fn.AddInput(shards[i], k)
		}
		shards = rapid.Permutation(shards).Draw(t, "merge order")
		got := shards[0]
		for _, s := range shards[1:] {
			got = fn.MergeAccumulators(got, s)
		}
		got = fn.ExtractOutput(got)
		wn, werrs := whole.problems("orders.csv", "USD")
		gn, gerrs := got.problems("orders.csv", "USD")
		if wn != gn || !assert.ObjectsAreEqual(werrs, gerrs) || whole.currency() != got.currency() ||
			whole.rows() != got.rows() || !assert.ObjectsAreEqual(whole.others(), got.others()) || whole.later() != got.later() || whole.Blank != got.Blank || whole.Headers != got.Headers {
			t.Fatalf("merged statistics differ from the whole:\n%+v\n%+v", whole, got)
		}
		// The file's currency is the first data row's; the errors are
		// the first in file order.
		for _, li := range lines {
			if li.Kind == lineData {
				if got.currency() != li.Currency {
					t.Fatalf("currency %q, want that of the first row, %q", got.currency(), li.Currency)
				}
				break
			}
		}
		for i := 1; i < len(gerrs); i++ {
			if gerrs[i-1].Offset >= gerrs[i].Offset {
				t.Fatalf("errors out of order: %v", gerrs)
			}
		}
		if gn > 0 && len(gerrs) != int(min(gn, maxReported)) {
			t.Fatalf("%d errors kept of %d", len(gerrs), gn)
		}
	})
}

// A file of blank rows and headers says so, in crm's words.
func TestNoRows(t *testing.T) {
	var r readStats
	require.EqualError(t, r.noRows("orders.csv"), "orders.csv: no data rows (only a header, or nothing)")
	r.add(&lineInfo{Kind: lineBlank})
	r.add(&lineInfo{Kind: lineHeader})
	r.add(&lineInfo{Kind: lineHeader})
	require.EqualError(t, r.noRows("orders.csv"), "orders.csv: no data rows (only a header, 1 blank row and 2 repeated header rows)")
}

// The rows left out for their currency are rows read, counted by
// currency, most first, then by code, as crm lists them.
func TestOthers(t *testing.T) {
	var r readStats
	for i, c := range []string{"USD", "CHF", "USD", "JPY", "CHF", "USD"} {
		r.add(&lineInfo{Kind: lineOther, Offset: int64(i), Currency: c})
	}
	r.add(&lineInfo{Kind: lineData, Offset: 9, Currency: "EUR"})
	assert.Equal(t, int64(7), r.rows())
	assert.Equal(t, []currencyRows{{"USD", 3}, {"CHF", 2}, {"JPY", 1}}, r.others())
	n, errs := r.problems("orders.csv", "USD")
	assert.Zero(t, n)
	assert.Empty(t, errs)
}
