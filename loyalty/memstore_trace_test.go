package loyalty

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// An append or erasure of nothing, and every refused append or erasure,
// leaves no ledger behind in a MemStore: the member stays unknown, and
// the store holds no entry for it.
func TestMemStoreEmptyOrRefusedLeavesNoLedger(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	e := func(m customer.ID, seq int64, key string) Entry {
		return Entry{Seq: seq, Member: m, Key: key, Kind: EntryAdjust, Points: 1, Time: at}
	}
	s := NewMemStore()
	calls := []struct {
		name string
		call func(m customer.ID) error
	}{
		{"Append of nil", func(m customer.ID) error { return s.Append(ctx, m, 0, nil) }},
		{"Append of an empty slice", func(m customer.ID) error { return s.Append(ctx, m, 0, []Entry{}) }},
		{"Erase of nil", func(m customer.ID) error { return s.Erase(ctx, m, 0, nil) }},
		{"Append of nothing at version 2", func(m customer.ID) error { return s.Append(ctx, m, 2, nil) }},
		{"Erase of nothing at version 2", func(m customer.ID) error { return s.Erase(ctx, m, 2, nil) }},
		{"Append at version 1", func(m customer.ID) error { return s.Append(ctx, m, 1, []Entry{e(m, 2, "k")}) }},
		{"Append of a key twice", func(m customer.ID) error { return s.Append(ctx, m, 0, []Entry{e(m, 1, "k"), e(m, 2, "k")}) }},
		{"Append misnumbered", func(m customer.ID) error { return s.Append(ctx, m, 0, []Entry{e(m, 2, "k")}) }},
		{"Append of another member's entry", func(m customer.ID) error { return s.Append(ctx, m, 0, []Entry{e("other", 1, "k")}) }},
		{"Erase misnumbered", func(m customer.ID) error { return s.Erase(ctx, m, 0, []Entry{e(m, 2, "k")}) }},
	}
	for _, c := range calls {
		_ = c.call(customer.ID("M-" + c.name))
		s.mu.RLock()
		n := len(s.ledgers)
		s.mu.RUnlock()
		require.Zero(t, n, "%s of an unknown member left a ledger", c.name)
	}
	// Of a member with a ledger, the empty append keeps the version.
	require.NoError(t, s.Append(ctx, "M1", 0, []Entry{e("M1", 1, "a")}))
	require.NoError(t, s.Append(ctx, "M1", 1, nil))
	require.NoError(t, s.Erase(ctx, "M1", 1, nil))
	require.ErrorIs(t, s.Append(ctx, "M1", 2, nil), ErrConflict)
	require.NoError(t, s.Append(ctx, "M1", 1, []Entry{e("M1", 2, "b")}))
	s.mu.RLock()
	defer s.mu.RUnlock()
	require.Len(t, s.ledgers, 1)
	require.EqualValues(t, 2, s.ledgers["M1"].n)
}
