package loyalty

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/tailorcrm/tailor/customer"
)

// Store keeps members' ledgers. It is the driver a caller writes for its
// database; [Service] holds the behaviour. loyaltytest.TestStore checks an
// implementation against every sentence below.
//
// ctx is never nil. Implementations must be safe for concurrent use.
type Store interface {
	// Entries returns the member's entries with Seq > after, in Seq order.
	// An unknown member has no entries: Entries returns an empty slice and
	// a nil error. The caller may keep and change the returned slice.
	Entries(ctx context.Context, member customer.ID, after int64) ([]Entry, error)
	// Append appends entries to the member's ledger atomically: all or
	// none. entries[i].Seq is expected+i+1 and entries[i].Member is
	// member. When any entry's Key is already in the member's ledger (or
	// twice in entries), Append returns an error matching [ErrDuplicate];
	// otherwise, when the ledger's version (the Seq of its last entry, 0
	// when empty) is not expected, it returns an error matching
	// [ErrConflict]. On any error the ledger is unchanged. Append must not
	// retain entries.
	Append(ctx context.Context, member customer.ID, expected int64, entries []Entry) error
}

// MemStore is an in-memory [Store], safe for concurrent use. The zero
// value is ready to use.
type MemStore struct {
	mu      sync.RWMutex
	ledgers map[customer.ID]*memLedger
}

type memLedger struct {
	entries []Entry
	keys    map[string]struct{}
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore { return &MemStore{} }

// Entries implements [Store].
func (s *MemStore) Entries(ctx context.Context, member customer.ID, after int64) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.ledgers[member]
	if l == nil || after >= int64(len(l.entries)) {
		return []Entry{}, nil
	}
	if after < 0 {
		after = 0
	}
	return slices.Clone(l.entries[after:]), nil
}

// Append implements [Store].
func (s *MemStore) Append(ctx context.Context, member customer.ID, expected int64, entries []Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.ledgers[member]
	var version int64
	if l != nil {
		version = int64(len(l.entries))
	}
	batch := make(map[string]struct{}, len(entries))
	for _, e := range entries {
		_, seen := batch[e.Key]
		if l != nil {
			_, old := l.keys[e.Key]
			seen = seen || old
		}
		if seen {
			return fmt.Errorf("loyalty: member %q key %q: %w", member, e.Key, ErrDuplicate)
		}
		batch[e.Key] = struct{}{}
	}
	if version != expected {
		return fmt.Errorf("loyalty: member %q at version %d, expected %d: %w", member, version, expected, ErrConflict)
	}
	for i, e := range entries {
		if e.Seq != expected+int64(i)+1 || e.Member != member {
			return fmt.Errorf("loyalty: member %q: entry %d has seq %d and member %q", member, i, e.Seq, e.Member)
		}
	}
	if l == nil {
		if s.ledgers == nil {
			s.ledgers = map[customer.ID]*memLedger{}
		}
		l = &memLedger{keys: map[string]struct{}{}}
		s.ledgers[member] = l
	}
	for _, e := range entries {
		l.entries = append(l.entries, e)
		l.keys[e.Key] = struct{}{}
	}
	return nil
}
