package sqlitestore_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// bulkEntries returns n adjustments of member numbered from after+1, with
// keys prefix-1, prefix-2, ...
func bulkEntries(member customer.ID, after int64, n int, prefix string) []loyalty.Entry {
	out := make([]loyalty.Entry, n)
	for i := range out {
		seq := after + int64(i) + 1
		out[i] = loyalty.Entry{Seq: seq, Member: member, Key: fmt.Sprintf("%s-%d", prefix, seq),
			Kind: loyalty.EntryAdjust, Time: day0, Points: 1, Reason: "import"}
	}
	return out
}

// SQLite allows at most 32766 bound parameters in one statement; a batch
// larger than that is still one all-or-nothing append.
const beyondParameterLimit = 40_000

func TestLedgerBatchBeyondTheParameterLimit(t *testing.T) {
	t.Parallel()
	ls := newDB(t).Loyalty()
	batch := bulkEntries("M", 0, beyondParameterLimit, "k")
	require.NoError(t, ls.Append(ctx, "M", 0, batch))
	got, err := ls.Entries(ctx, "M", 0)
	require.NoError(t, err)
	require.Len(t, got, beyondParameterLimit)
	require.Equal(t, int64(beyondParameterLimit), got[len(got)-1].Seq)
	require.Equal(t, batch[len(batch)-1].Key, got[len(got)-1].Key)
}

func TestLedgerLargeBatchWithTakenKeyChangesNothing(t *testing.T) {
	t.Parallel()
	ls := newDB(t).Loyalty()
	require.NoError(t, ls.Append(ctx, "M", 0, []loyalty.Entry{
		{Seq: 1, Member: "M", Key: "taken", Kind: loyalty.EntryAdjust, Time: day0, Points: 1}}))
	batch := bulkEntries("M", 1, beyondParameterLimit, "k")
	// The taken key is in the last part of the batch, past any one
	// statement's worth of parameters.
	batch[len(batch)-1].Key = "taken"
	err := ls.Append(ctx, "M", 1, batch)
	require.ErrorIs(t, err, loyalty.ErrDuplicate)
	require.ErrorContains(t, err, `"taken"`)
	got, err := ls.Entries(ctx, "M", 0)
	require.NoError(t, err)
	require.Len(t, got, 1, "a refused batch writes nothing")

	// A conflicting version is refused just as whole.
	err = ls.Append(ctx, "M", 0, bulkEntries("M", 0, beyondParameterLimit, "c"))
	require.ErrorIs(t, err, loyalty.ErrConflict)
	got, err = ls.Entries(ctx, "M", 0)
	require.NoError(t, err)
	require.Len(t, got, 1, "a refused batch writes nothing")
}
