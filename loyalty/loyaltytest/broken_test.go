package loyaltytest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

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

// TestBrokenStoreHelper runs the kit on the broken store named by
// $LOYALTYTEST_BROKEN; it is a helper of TestKitDetectsBrokenStores and
// does nothing otherwise.
func TestBrokenStoreHelper(t *testing.T) {
	switch os.Getenv("LOYALTYTEST_BROKEN") {
	case "nilStore":
		loyaltytest.TestStore(t, func(*testing.T) loyalty.Store { return (*loyalty.MemStore)(nil) })
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
		"foldingKeys": {"KeysAreExact"},
		"nilStore":    {"EntriesOfUnknownMemberAreEmpty", "AppendIsAllOrNothing", "ModelBased", "EraseBlanksBirthday"},
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
