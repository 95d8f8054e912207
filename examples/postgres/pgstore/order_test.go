package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// loyalty.Store gives the order of Append's checks: a key already in the
// ledger is ErrDuplicate, then a version other than expected is
// ErrConflict, and only then is an entry whose Seq or Member is not as
// required ErrInvalid. Each refusal leaves the ledger as it was.
func TestLedgerChecksInTheInterfaceOrder(t *testing.T) {
	for name, erase := range map[string]bool{"Append": false, "Erase": true} {
		t.Run(name, func(t *testing.T) {
			ls := newDB(t).Loyalty()
			ctx := context.Background()
			day0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			write := ls.Append
			if erase {
				write = ls.Erase
			}
			require.NoError(t, ls.Append(ctx, "M", 0, []loyalty.Entry{{Seq: 1, Member: "M", Key: "k", Kind: loyalty.EntryAdjust, Time: day0}}))
			misnumbered := func(key string) []loyalty.Entry {
				return []loyalty.Entry{{Seq: 9, Member: "M", Key: key, Kind: loyalty.EntryAdjust, Time: day0}}
			}
			require.ErrorIs(t, write(ctx, "M", 1, misnumbered("k")), loyalty.ErrDuplicate)
			require.ErrorIs(t, write(ctx, "M", 0, misnumbered("new")), loyalty.ErrConflict)
			require.ErrorIs(t, write(ctx, "M", 5, misnumbered("new")), loyalty.ErrConflict)
			require.ErrorIs(t, write(ctx, "M", 1, misnumbered("new")), customer.ErrInvalid)
			got, err := ls.Entries(ctx, "M", 0)
			require.NoError(t, err)
			require.Len(t, got, 1)
		})
	}
}
