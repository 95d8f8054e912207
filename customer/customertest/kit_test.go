package customertest_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/customertest"
)

// Broken stores, each breaking one promise, to show that the kit notices.

// unsorted lists customers in reverse order.
type unsorted struct{ *customer.MemStore }

func (s unsorted) List(ctx context.Context) iter.Seq2[customer.Customer, error] {
	return func(yield func(customer.Customer, error) bool) {
		var all []customer.Customer
		for c, err := range s.MemStore.List(ctx) {
			if err != nil {
				yield(c, err)
				return
			}
			all = append(all, c)
		}
		slices.Reverse(all)
		for _, c := range all {
			if !yield(c, nil) {
				return
			}
		}
	}
}

// retaining keeps the caller's customer as given, sharing its slices. It
// is safe for concurrent use (the kit's concurrent case must not crash
// it): only the retaining is broken.
type retaining struct {
	*customer.MemStore
	mu   *sync.Mutex
	kept map[customer.ID]customer.Customer
}

func (s retaining) Put(ctx context.Context, c customer.Customer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.MemStore.Put(ctx, c); err != nil {
		return err
	}
	s.kept[c.ID] = c
	return nil
}

func (s retaining) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.MemStore.Get(ctx, id); err != nil {
		return customer.Customer{}, err
	}
	return s.kept[id], nil
}

// silentDelete returns nil for unknown IDs.
type silentDelete struct{ *customer.MemStore }

func (s silentDelete) Delete(ctx context.Context, id customer.ID) error {
	_ = s.MemStore.Delete(ctx, id)
	return nil
}

// conflictBlind accepts a second version of an order without complaint.
type conflictBlind struct{ *customer.MemStore }

func (s conflictBlind) AppendOrder(ctx context.Context, o customer.Order) error {
	_ = s.MemStore.AppendOrder(ctx, o)
	return nil
}

// fieldless refuses a second version of an order or a return with a
// plain error matching customer.ErrDuplicate, which does not name the
// field that differs.
type fieldless struct{ *customer.MemStore }

func (s fieldless) AppendOrder(ctx context.Context, o customer.Order) error {
	err := s.MemStore.AppendOrder(ctx, o)
	if errors.Is(err, customer.ErrDuplicate) {
		return fmt.Errorf("order %q: %w", o.ID, customer.ErrDuplicate)
	}
	return err
}

func (s fieldless) AppendReturn(ctx context.Context, r customer.Return) error {
	err := s.MemStore.AppendReturn(ctx, r)
	if errors.Is(err, customer.ErrDuplicate) {
		return fmt.Errorf("return %q: %w", r.ID, customer.ErrDuplicate)
	}
	return err
}

// creditLax stores a credit without looking for its order, and refuses a
// second version of a credit with a plain error matching
// customer.ErrDuplicate.
type creditLax struct {
	*customer.MemStore
	mu   *sync.Mutex
	seen map[string]customer.Credit
}

func (s creditLax) AppendCredit(ctx context.Context, c customer.Credit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.seen[c.ID]; ok {
		if prev.Equal(c) {
			return nil
		}
		return fmt.Errorf("credit %q: %w", c.ID, customer.ErrDuplicate)
	}
	order := c.OrderID
	c.OrderID = "" // so that the store does not look for it
	if c.Kind == customer.PriceReduction {
		c.Kind = customer.Compensation
	}
	if err := s.MemStore.AppendCredit(ctx, c); err != nil {
		return err
	}
	c.OrderID = order
	s.seen[c.ID] = c
	return nil
}

// historyKeeping deletes a customer from the directory but keeps its
// history: Delete only hides the customer until it is Put again.
type historyKeeping struct {
	*customer.MemStore
	mu     *sync.Mutex
	hidden map[customer.ID]bool
}

func (s historyKeeping) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hidden[id] {
		return customer.Customer{}, customer.ErrNotFound
	}
	return s.MemStore.Get(ctx, id)
}

func (s historyKeeping) Put(ctx context.Context, c customer.Customer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.hidden, c.ID)
	return s.MemStore.Put(ctx, c)
}

func (s historyKeeping) Delete(ctx context.Context, id customer.ID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.MemStore.Get(ctx, id); err != nil || s.hidden[id] {
		return customer.ErrNotFound
	}
	s.hidden[id] = true
	return nil
}

// TestBrokenStoreHelper runs the kit on the broken store named by
// $CUSTOMERTEST_BROKEN; it is a helper of TestKitDetectsBrokenStores and
// does nothing otherwise.
func TestBrokenStoreHelper(t *testing.T) {
	switch os.Getenv("CUSTOMERTEST_BROKEN") {
	case "unsorted":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return unsorted{customer.NewMemStore()} })
	case "retaining":
		customertest.TestStore(t, func(*testing.T) customer.Directory {
			return retaining{customer.NewMemStore(), &sync.Mutex{}, map[customer.ID]customer.Customer{}}
		})
	case "silentDelete":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return silentDelete{customer.NewMemStore()} })
	case "conflictBlind":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, conflictBlind{s}
		})
	case "fieldless":
		customertest.TestHistoryConflicts(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, fieldless{s}
		})
	case "creditLax":
		newLax := func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, creditLax{s, &sync.Mutex{}, map[string]customer.Credit{}}
		}
		customertest.TestHistoryStore(t, newLax)
		customertest.TestHistoryConflicts(t, newLax)
	case "nilStore":
		customertest.TestStore(t, nil)
	case "nilHistoryStore":
		customertest.TestHistoryStore(t, nil)
	case "nilConflictStore":
		customertest.TestHistoryConflicts(t, nil)
	case "historyKeeping":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return historyKeeping{s, &sync.Mutex{}, map[customer.ID]bool{}}, s
		})
	}
}

// TestKitDetectsBrokenStores runs the kit on stores that break one
// promise each and checks that the kit fails the subtests of that promise.
func TestKitDetectsBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary once per broken store")
	}
	for broken, wantFailed := range map[string][]string{
		"unsorted":       {"ListSortedByID", "StateMachine"},
		"retaining":      {"PutDoesNotRetainCallerMemory", "GetReturnsIndependentCopy"},
		"silentDelete":   {"DeleteRemoves", "DeleteMissingReturnsErrNotFound", "StateMachine"},
		"conflictBlind":  {"AppendOrderIsIdempotent", "StateMachine"},
		"historyKeeping": {"DeleteErasesHistory"},
		"fieldless":      {"order_lines[0].quantity", "return_reason"},
		"creditLax":      {"AppendCreditRules", "credit_amount", "credit_source"},
	} {
		t.Run(broken, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenStoreHelper$", "-test.v", "-rapid.nofailfile")
			cmd.Env = append(os.Environ(), "CUSTOMERTEST_BROKEN="+broken)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the kit passed a store that breaks a promise (%s):\n%s", broken, out)
			}
			for _, name := range wantFailed {
				if !strings.Contains(string(out), "--- FAIL: TestBrokenStoreHelper/"+name+" ") {
					t.Errorf("the kit did not fail %s on the %s store", name, broken)
				}
			}
			if n := strings.Count(string(out), "    --- "); n < 10 {
				t.Errorf("the kit ran %d checks: it stops at the first fault instead of running every check:\n%s", n, out)
			}
		})
	}
}

// TestKitRefusesNilConstructors: the kit given no function to build a
// store fails with a message that says so, not with a panic.
func TestKitRefusesNilConstructors(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary once per kit")
	}
	for broken, want := range map[string]string{
		"nilStore":         "customertest.TestStore: newStore is nil",
		"nilHistoryStore":  "customertest.TestHistoryStore: newStores is nil",
		"nilConflictStore": "customertest.TestHistoryConflicts: newStores is nil",
	} {
		t.Run(broken, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenStoreHelper$", "-test.v", "-rapid.nofailfile")
			cmd.Env = append(os.Environ(), "CUSTOMERTEST_BROKEN="+broken)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the kit passed with a nil constructor:\n%s", out)
			}
			if !strings.Contains(string(out), want) {
				t.Errorf("the output does not say %q:\n%s", want, out)
			}
			if strings.Contains(string(out), "panic:") {
				t.Errorf("the kit panicked:\n%s", out)
			}
		})
	}
}
