package loyaltytest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

// foldingKeys is a store that compares idempotency keys as a database
// column with a case- and accent-insensitive collation that ignores
// trailing spaces does: "order:A1" is taken for "order:a1", so the
// second of two orders whose IDs differ only so is refused as a
// redelivery and never earns.
type foldingKeys struct {
	*loyalty.MemStore
	mu *sync.Mutex
}

// fold is the collation of foldingKeys.
func fold(k string) string {
	return strings.NewReplacer("ä", "a", "ö", "o", "ü", "u").Replace(strings.ToLower(strings.TrimRight(k, " ")))
}

func (s foldingKeys) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.MemStore.Entries(ctx, member, 0)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(stored)+len(entries))
	for _, e := range stored {
		seen[fold(e.Key)] = true
	}
	for _, e := range entries {
		if seen[fold(e.Key)] {
			return fmt.Errorf("key %q: %w", e.Key, loyalty.ErrDuplicate)
		}
		seen[fold(e.Key)] = true
	}
	return s.MemStore.Append(ctx, member, expected, entries)
}

// invalidFirst is a store that checks the numbering and the member of a
// batch before its keys and the ledger's version, as an adapter does
// that validates its arguments before it asks the database: a batch
// that repeats a known key, or is sent at a stale version, and is also
// misnumbered is reported as invalid, where loyalty.Store says it is a
// duplicate, or a conflict.
type invalidFirst struct{ *loyalty.MemStore }

// check returns the error invalidFirst reports for a misnumbered batch
// or one holding another member's entry, before any other check.
func (invalidFirst) check(member customer.ID, expected int64, entries []loyalty.Entry) error {
	for i, e := range entries {
		if e.Seq != expected+int64(i)+1 || e.Member != member {
			return fmt.Errorf("member %q: entries[%d] misnumbered or foreign: %w", member, i, customer.ErrInvalid)
		}
	}
	return nil
}

func (s invalidFirst) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	if err := s.check(member, expected, entries); err != nil {
		return err
	}
	return s.MemStore.Append(ctx, member, expected, entries)
}

func (s invalidFirst) Erase(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	if err := s.check(member, expected, entries); err != nil {
		return err
	}
	return s.MemStore.Erase(ctx, member, expected, entries)
}

// alsoConflict is a store that reports a known key as a duplicate and
// as a version conflict at once: a caller that tests for ErrConflict
// first retries an append that can never succeed, or takes a
// redelivery for a lost race.
type alsoConflict struct{ *loyalty.MemStore }

func (s alsoConflict) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	err := s.MemStore.Append(ctx, member, expected, entries)
	if errors.Is(err, loyalty.ErrDuplicate) {
		return errors.Join(err, loyalty.ErrConflict)
	}
	return err
}

// nulCutting keeps member IDs, keys and order IDs only up to their
// first NUL byte, as a driver that passes text to the database as C
// strings does: "M-1\x00" is taken for "M-1", and the key "join\x00"
// for "join".
type nulCutting struct{ *loyalty.MemStore }

// cut returns s up to its first NUL byte.
func cut[T ~string](s T) T {
	if i := strings.IndexByte(string(s), 0); i >= 0 {
		return s[:i]
	}
	return s
}

// cutEntries returns a copy of entries with the member, key and order
// ID of each cut at a NUL byte.
func cutEntries(entries []loyalty.Entry) []loyalty.Entry {
	out := slices.Clone(entries)
	for i := range out {
		out[i].Member, out[i].Key, out[i].OrderID = cut(out[i].Member), cut(out[i].Key), cut(out[i].OrderID)
	}
	return out
}

func (s nulCutting) Entries(ctx context.Context, member customer.ID, after int64) ([]loyalty.Entry, error) {
	es, err := s.MemStore.Entries(ctx, cut(member), after)
	for i := range es {
		es[i].Member = member
	}
	return es, err
}

func (s nulCutting) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	return s.MemStore.Append(ctx, cut(member), expected, cutEntries(entries))
}

func (s nulCutting) Erase(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	return s.MemStore.Erase(ctx, cut(member), expected, cutEntries(entries))
}

// badText reports whether s is text a database may not hold as given:
// not UTF-8, with a NUL byte, or longer than an index entry.
func badText(s string) bool {
	return !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 || len(s) > 1024
}

// refusingFirst refuses an entry whose member, key or order ID it cannot
// hold with a *customer.ValidationError naming the entry and the field,
// before any other check, as an adapter does that validates its
// arguments before it asks the database: an append to a member it
// cannot hold, at a version other than 0, is refused as invalid where
// loyalty.Store says it is a conflict, as for any unknown member. With
// unnamed set, the refusal is an error matching customer.ErrInvalid that
// names neither the entry nor the field, as a database's error does.
type refusingFirst struct {
	*loyalty.MemStore
	unnamed bool
}

func (s refusingFirst) check(member customer.ID, entries []loyalty.Entry) error {
	for _, e := range entries {
		for _, f := range []struct{ name, value string }{{"member", string(member)}, {"member", string(e.Member)}, {"key", e.Key}, {"orderid", e.OrderID}} {
			if badText(f.value) && s.unnamed {
				return fmt.Errorf("invalid byte sequence for encoding \"UTF8\": %w", customer.ErrInvalid)
			}
			if badText(f.value) {
				return &customer.ValidationError{Record: fmt.Sprintf("loyalty entry %d of member %q", e.Seq, member),
					Fields: []customer.FieldError{{Field: f.name, Code: customer.CodeFormat, Message: "cannot be stored"}}}
			}
		}
	}
	return nil
}

func (s refusingFirst) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	if err := s.check(member, entries); err != nil {
		return err
	}
	return s.MemStore.Append(ctx, member, expected, entries)
}

func (s refusingFirst) Erase(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	if err := s.check(member, entries); err != nil {
		return err
	}
	return s.MemStore.Erase(ctx, member, expected, entries)
}

// jsonReplacing keeps the keys and order IDs of entries as encoding/json
// writes them into a document: each byte that is not UTF-8 replaced by
// U+FFFD, so that the key "\xff" comes back as "\ufffd".
type jsonReplacing struct{ *loyalty.MemStore }

func (s jsonReplacing) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	es := slices.Clone(entries)
	for i := range es {
		es[i].Key, es[i].OrderID = strings.ToValidUTF8(es[i].Key, "\ufffd"), strings.ToValidUTF8(es[i].OrderID, "\ufffd")
	}
	return s.MemStore.Append(ctx, member, expected, es)
}

// tierNameDropping keeps every field of an entry but the tier name, as
// an adapter does that copies entries field by field into a document of
// its own written before entries named their tiers: a restructured
// programme no longer tells which tier its members hold.
type tierNameDropping struct{ *loyalty.MemStore }

func (s tierNameDropping) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	es := slices.Clone(entries)
	for i := range es {
		es[i].TierName = ""
	}
	return s.MemStore.Append(ctx, member, expected, es)
}

// rowOpening opens a member's ledger row on every append, also one of
// no entries or one it refuses, as an adapter does that inserts the
// row (INSERT … ON CONFLICT DO NOTHING) before it checks the batch; and
// it reads a member with a row but no entries as a nil slice, as a
// loop over the rows of an empty result leaves it, where a member
// without a row is an empty slice. The row is a trace of a write that
// stored nothing.
type rowOpening struct {
	*loyalty.MemStore
	mu   *sync.Mutex
	rows map[customer.ID]bool
}

func (s rowOpening) Entries(ctx context.Context, member customer.ID, after int64) ([]loyalty.Entry, error) {
	es, err := s.MemStore.Entries(ctx, member, after)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && len(es) == 0 && s.rows[member] {
		return nil, nil
	}
	return es, err
}

func (s rowOpening) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	s.mu.Lock()
	s.rows[member] = true
	s.mu.Unlock()
	return s.MemStore.Append(ctx, member, expected, entries)
}

// TestBrokenStoreHelper runs the kit on the broken store named by
// $LOYALTYTEST_BROKEN; it is a helper of TestKitDetectsBrokenStores and
// does nothing otherwise.
func TestBrokenStoreHelper(t *testing.T) {
	switch os.Getenv("LOYALTYTEST_BROKEN") {
	case "nilStore":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return (*loyalty.MemStore)(nil) })
	case "invalidFirst":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return invalidFirst{loyalty.NewMemStore()} })
	case "alsoConflict":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return alsoConflict{loyalty.NewMemStore()} })
	case "nulCutting":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return nulCutting{loyalty.NewMemStore()} })
	case "refusingFirst":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return refusingFirst{loyalty.NewMemStore(), false} })
	case "unnamedRefusal":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return refusingFirst{loyalty.NewMemStore(), true} })
	case "jsonReplacing":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return jsonReplacing{loyalty.NewMemStore()} })
	case "tierNameDropping":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return tierNameDropping{loyalty.NewMemStore()} })
	case "rowOpening":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store {
			return rowOpening{loyalty.NewMemStore(), &sync.Mutex{}, map[customer.ID]bool{}}
		})
	case "foldingKeys":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store {
			return foldingKeys{loyalty.NewMemStore(), &sync.Mutex{}}
		})
	}
}

// TestKitDetectsBrokenStores runs the kit on stores that break a promise
// of loyalty.Store in a way the other checks do not see, and expects the
// named checks to fail.
func TestKitDetectsBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary once per broken store")
	}
	for broken, wantFailed := range map[string][]string{
		"foldingKeys":      {"KeysAreExact"},
		"rowOpening":       {"EmptyOrRefusedAppendLeavesNoTrace"},
		"tierNameDropping": {"EveryFieldRoundTrips"},
		"nulCutting":       {"OddIDsAreUnknown", "OddIDsKeptOrRefused"},
		"refusingFirst":    {"OddIDsAreUnknown"},
		"unnamedRefusal":   {"OddIDsAreUnknown", "OddIDsKeptOrRefused"},
		"jsonReplacing":    {"OddIDsKeptOrRefused"},
		"invalidFirst":     {"FaultsInContractOrder", "ModelBased"},
		"alsoConflict":     {"FaultsInContractOrder", "ModelBased"},
		"nilStore":         {"EntriesOfUnknownMemberAreEmpty", "AppendIsAllOrNothing", "ModelBased", "EraseBlanksBirthday"},
	} {
		t.Run(broken, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenStoreHelper$", "-test.v", "-rapid.nofailfile")
			cmd.Env = append(os.Environ(), "LOYALTYTEST_BROKEN="+broken)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the kit passed a store that breaks a promise (%s):\n%s", broken, out)
			}
			if broken == "nilStore" && (strings.Contains(string(out), "panic:") || !strings.Contains(string(out), "newStore returned a nil store")) {
				t.Errorf("the kit did not say that newStore returned a nil store:\n%s", out)
			}
			for _, name := range wantFailed {
				if !strings.Contains(string(out), "--- FAIL: TestBrokenStoreHelper/"+name+" ") {
					t.Errorf("the kit did not fail %s on the %s store:\n%s", name, broken, out)
				}
			}
		})
	}
}
