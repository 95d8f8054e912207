package loyalty

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
)

// Store keeps members' ledgers. It is the driver a caller writes for its
// database; [Service] holds the behaviour. loyaltytest.TestStore checks an
// implementation against every sentence below.
//
// Member IDs and keys are compared exactly, byte for byte: IDs or keys
// that differ only in case, accents or trailing spaces, which a
// case- or accent-insensitive or space-padding database collation would
// take for one another, are different members or keys ("order:A1" and
// "order:a1" are two orders, both earning). They are kept as given, as
// are order IDs: an entry whose member, key or order ID the store cannot
// hold as given (a NUL byte, text that is not UTF-8, or too long for an
// index) is refused with a [*customer.ValidationError] (matching
// [customer.ErrInvalid]) that names the entry and the field, and nothing
// is stored, rather than kept under another ID or key; a member ID never
// stored is an unknown member, whatever it holds.
//
// ctx is never nil. Implementations must be safe for concurrent use.
type Store interface {
	// Entries returns the member's entries with Seq > after, in Seq order.
	// An unknown member has no entries: Entries returns an empty slice and
	// a nil error. The caller may keep and change the returned slice.
	Entries(ctx context.Context, member customer.ID, after int64) ([]Entry, error)
	// Append appends entries to the member's ledger atomically: all or
	// none. entries[i].Seq must be expected+i+1 and entries[i].Member
	// must be member. When any entry's Key is already in the member's
	// ledger (or twice in entries), Append returns an error matching
	// [ErrDuplicate]; otherwise, when the ledger's version (the Seq of its
	// last entry, 0 when empty) is not expected, it returns an error
	// matching [ErrConflict]; otherwise, when an entry's Seq or Member is
	// not as required, it returns an error matching [customer.ErrInvalid]
	// that names the entry. On any error the ledger is unchanged. An
	// append of no entries at the ledger's version returns nil and
	// changes nothing: the version stays, and a member unknown before is
	// unknown after, as after a refused append. Append must not retain
	// entries.
	Append(ctx context.Context, member customer.ID, expected int64, entries []Entry) error
}

// Eraser is a [Store] that can erase the personal data its entries hold
// (the birthday of a join entry or a birthday change) when an [Erasure] is recorded: a store
// keeps entries as they are, but for this. loyaltytest.TestStore checks
// an implementation against every sentence below.
type Eraser interface {
	Store
	// Erase appends entries to the member's ledger as [Store.Append]
	// does, with the same conditions, errors and checks in the same
	// order, and in the same atomic step replaces each of the member's
	// entries with Seq ≤ expected by its [Entry.Erased] form, so that no
	// stored entry of the member holds its birthday afterwards. Entries
	// already erased are left as they are. On any error the ledger is
	// unchanged, erased or not as it was. With no entries, Erase only
	// erases, still conditioned on expected; for a member unknown before
	// (expected 0) that is nothing, and the member stays unknown, as
	// after an append of no entries. Erase must not retain entries.
	Erase(ctx context.Context, member customer.ID, expected int64, entries []Entry) error
}

// MemStore is an in-memory [Store] and [Eraser], safe for concurrent use. The zero
// value is ready to use.
type MemStore struct {
	mu      sync.RWMutex
	ledgers map[customer.ID]*memLedger
}

type memLedger struct {
	// batches are the appended batches, each sized exactly, so that the
	// ledger holds no spare capacity; batches[i][0].Seq grows with i.
	batches [][]memEntry
	n       int64 // entries in all batches: the version
	keys    map[string]struct{}
}

// memEntry is an [Entry] as MemStore keeps it: the member is the
// ledger's, and the fields that most kinds leave zero are in x, nil when
// they are all zero. It converts back to the same Entry.
type memEntry struct {
	Seq         int64
	Key         string
	Fingerprint Fingerprint
	Points      Points
	Time        time.Time
	Effective   time.Time
	Parts       []LotPart
	Note        string
	Kind        EntryKind
	x           *memExtra
}

type memExtra struct {
	Lot                    string
	AvailableAt, ExpiresAt time.Time
	Debt, Forgiven         Points
	OrderID                string
	Lines                  []LineRecord
	Spend                  decimal.Decimal
	Qualifying             Points
	Bonus                  BonusKind
	Year                   int
	Reason, Operator       string
	From, To               int
	TierName               string
	NextReview, GraceUntil time.Time
	Birthday               customer.Birthday
	Coupons                []string
}

func (x *memExtra) zero() bool {
	// == on the times and the decimal, not IsZero: the Entry must come
	// back identical, location and all.
	var zt time.Time
	return x.Lot == "" && x.AvailableAt == zt && x.ExpiresAt == zt && x.Debt == 0 && x.Forgiven == 0 &&
		x.OrderID == "" && x.Lines == nil && x.Spend == (decimal.Decimal{}) && x.Qualifying == 0 && x.Bonus == 0 &&
		x.Year == 0 && x.Reason == "" && x.Operator == "" && x.From == 0 && x.To == 0 && x.TierName == "" &&
		x.NextReview == zt && x.GraceUntil == zt && x.Birthday == (customer.Birthday{}) && x.Coupons == nil
}

func packEntry(e *Entry) memEntry {
	// The caller's Parts, Lines and Coupons are copied: Append must not retain
	// them, and unpack copies them again for each reader.
	m := memEntry{Seq: e.Seq, Key: e.Key, Fingerprint: e.Fingerprint, Points: e.Points, Time: e.Time,
		Effective: e.Effective, Parts: slices.Clone(e.Parts), Note: e.Note, Kind: e.Kind}
	x := memExtra{Lot: e.Lot, AvailableAt: e.AvailableAt, ExpiresAt: e.ExpiresAt, Debt: e.Debt, Forgiven: e.Forgiven,
		OrderID: e.OrderID, Lines: slices.Clone(e.Lines), Spend: e.Spend, Qualifying: e.Qualifying, Bonus: e.Bonus, Year: e.Year,
		Reason: e.Reason, Operator: e.Operator, From: e.From, To: e.To, TierName: e.TierName, NextReview: e.NextReview,
		GraceUntil: e.GraceUntil, Birthday: e.Birthday, Coupons: slices.Clone(e.Coupons)}
	if !x.zero() {
		m.x = &x
	}
	return m
}

func (m *memEntry) unpack(member customer.ID) Entry {
	e := Entry{Seq: m.Seq, Member: member, Key: m.Key, Fingerprint: m.Fingerprint, Kind: m.Kind, Time: m.Time,
		Effective: m.Effective, Points: m.Points, Parts: slices.Clone(m.Parts), Note: m.Note}
	if x := m.x; x != nil {
		e.Lot, e.AvailableAt, e.ExpiresAt, e.Debt, e.Forgiven = x.Lot, x.AvailableAt, x.ExpiresAt, x.Debt, x.Forgiven
		e.OrderID, e.Lines, e.Spend, e.Qualifying, e.Bonus, e.Year = x.OrderID, slices.Clone(x.Lines), x.Spend, x.Qualifying, x.Bonus, x.Year
		e.Reason, e.Operator, e.From, e.To, e.TierName = x.Reason, x.Operator, x.From, x.To, x.TierName
		e.NextReview, e.GraceUntil, e.Birthday, e.Coupons = x.NextReview, x.GraceUntil, x.Birthday, slices.Clone(x.Coupons)
	}
	return e
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
	if l == nil || after >= l.n {
		return []Entry{}, nil
	}
	if after < 0 {
		after = 0
	}
	out := make([]Entry, 0, l.n-after)
	// The first batch holding Seq after+1: the last whose first Seq <= after+1.
	i, found := slices.BinarySearchFunc(l.batches, after+1, func(b []memEntry, seq int64) int { return cmp.Compare(b[0].Seq, seq) })
	if !found {
		i--
	}
	for _, b := range l.batches[i:] {
		for j := range b {
			if b[j].Seq > after {
				out = append(out, b[j].unpack(member))
			}
		}
	}
	return out, nil
}

// Append implements [Store].
func (s *MemStore) Append(ctx context.Context, member customer.ID, expected int64, entries []Entry) error {
	return s.append(ctx, member, expected, entries, false)
}

// Erase implements [Eraser].
func (s *MemStore) Erase(ctx context.Context, member customer.ID, expected int64, entries []Entry) error {
	return s.append(ctx, member, expected, entries, true)
}

// append appends entries as [Store.Append] says and, when erase is set,
// replaces the entries that were in the ledger by their erased form.
func (s *MemStore) append(ctx context.Context, member customer.ID, expected int64, entries []Entry, erase bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.ledgers[member]
	var version int64
	if l != nil {
		version = l.n
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
			return fmt.Errorf("loyalty: member %q: entries[%d] has seq %d and member %q, want seq %d and member %q: %w",
				member, i, e.Seq, e.Member, expected+int64(i)+1, member, customer.ErrInvalid)
		}
	}
	if l == nil {
		if len(entries) == 0 {
			// Nothing to append and, in a ledger never written, nothing
			// to erase: an unknown member stays unknown, leaving no
			// empty ledger behind.
			return nil
		}
		if s.ledgers == nil {
			s.ledgers = map[customer.ID]*memLedger{}
		}
		l = &memLedger{keys: map[string]struct{}{}}
		s.ledgers[member] = l
	}
	if erase {
		l.erase(member)
	}
	if len(entries) == 0 {
		return nil
	}
	b := make([]memEntry, len(entries))
	for i := range entries {
		b[i] = packEntry(&entries[i])
		l.keys[entries[i].Key] = struct{}{}
	}
	l.batches = append(l.batches, b)
	l.n += int64(len(b))
	return nil
}

// erase replaces the entries of member's ledger that hold personal data
// by their erased form ([Entry.Erased]). A batch is copied before it
// changes, never changed in place.
func (l *memLedger) erase(member customer.ID) {
	for i, b := range l.batches {
		var nb []memEntry
		for j := range b {
			if b[j].Kind != EntryJoin && (b[j].x == nil || b[j].x.Birthday == customer.Birthday{}) {
				continue
			}
			e := b[j].unpack(member)
			er := e.Erased()
			if er.Fingerprint == e.Fingerprint && er.Birthday == e.Birthday {
				continue
			}
			if nb == nil {
				nb = slices.Clone(b)
			}
			nb[j] = packEntry(&er)
		}
		if nb != nil {
			l.batches[i] = nb
		}
	}
}
