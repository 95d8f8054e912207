package customertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/subtest"
)

// testInserter checks the promises of [customer.Inserter] on the stores
// newStore makes; every subtest skips when the store does not offer the
// capability.
func testInserter(t *testing.T, newStore func(t *testing.T) customer.Directory) {
	ctx := context.Background()
	inserter := func(t *testing.T) (customer.Directory, customer.Inserter) {
		t.Helper()
		s := newStore(t)
		in, ok := s.(customer.Inserter)
		if !ok {
			t.Skip("the store does not implement customer.Inserter")
		}
		return s, in
	}

	// Insert stores a new customer; the same customer inserted again is nil and changes nothing; another customer under the ID fails with customer.ErrDuplicate and the first stays (customer.Inserter).
	subtest.Run(t, "InsertKeepsTheFirst", func(t *testing.T) {
		s, in := inserter(t)
		c := sampleCustomer("C-1")
		if err := in.Insert(ctx, c.Clone()); err != nil {
			t.Fatalf("Insert of a new customer = %v", err)
		}
		readsBack(ctx, t, s, c)
		if err := in.Insert(ctx, c.Clone()); err != nil {
			t.Errorf("Insert of the same customer again = %v, want nil", err)
		}
		other := c.Clone()
		other.Name = "Somebody Else"
		if err := in.Insert(ctx, other); !errors.Is(err, customer.ErrDuplicate) {
			t.Errorf("Insert of another customer under a taken ID = %v, want an error matching customer.ErrDuplicate", err)
		}
		readsBack(ctx, t, s, c)
		if err := s.Delete(ctx, "C-1"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if err := in.Insert(ctx, other.Clone()); err != nil {
			t.Errorf("Insert under the ID of a deleted customer = %v, want nil", err)
		}
		readsBack(ctx, t, s, other)
	})

	// Of concurrent Inserts of one ID with different customers, exactly one succeeds and its customer is the one stored (customer.Inserter).
	subtest.Run(t, "InsertOneWinner", func(t *testing.T) {
		s, in := inserter(t)
		const workers = 8
		errs := make([]error, workers)
		cs := make([]customer.Customer, workers)
		begin := make(chan struct{})
		var wg sync.WaitGroup
		for w := range workers {
			cs[w] = sampleCustomer("C-1")
			cs[w].Name = fmt.Sprintf("Registration %d", w)
			wg.Go(func() {
				<-begin
				errs[w] = in.Insert(ctx, cs[w].Clone())
			})
		}
		close(begin)
		wg.Wait()
		winner := -1
		for w, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("Inserts %d and %d of one ID with different customers both succeeded", winner, w)
			case err == nil:
				winner = w
			case !errors.Is(err, customer.ErrDuplicate):
				t.Errorf("Insert %d = %v, want nil or an error matching customer.ErrDuplicate", w, err)
			}
		}
		if winner < 0 {
			t.Fatal("no Insert of a new ID succeeded")
		}
		readsBack(ctx, t, s, cs[winner])
	})

	// Insert refuses an empty ID with customer.ErrInvalid, and a done context with its error; neither stores anything (customer.Inserter).
	subtest.Run(t, "InsertRefusals", func(t *testing.T) {
		s, in := inserter(t)
		if err := in.Insert(ctx, sampleCustomer("")); !errors.Is(err, customer.ErrInvalid) {
			t.Errorf("Insert with an empty ID = %v, want an error matching customer.ErrInvalid", err)
		}
		done, cancel := context.WithCancel(ctx)
		cancel()
		if err := in.Insert(done, sampleCustomer("C-1")); !errors.Is(err, context.Canceled) {
			t.Errorf("Insert with a done context = %v, want an error matching context.Canceled", err)
		}
		if ids := listIDs(t, s); len(ids) != 0 {
			t.Errorf("after refused Inserts the store holds %q, want nothing", ids)
		}
	})

	// Insert must not retain the customer's slices or Trade: changing them afterwards does not change the store (customer.Inserter).
	subtest.Run(t, "InsertDoesNotRetainCallerMemory", func(t *testing.T) {
		s, in := inserter(t)
		c := sampleCustomer("C-1")
		c.Household = householdCustomer("C-1").Household
		want := c.Clone()
		if err := in.Insert(ctx, c); err != nil {
			t.Fatalf("Insert: %v", err)
		}
		c.Household[0].ID = "changed"
		c.Household[0].Profile.Styles[0] = "changed"
		c.ConsentHistory[0].Notice = "changed"
		c.Profile.Colours[0] = "changed"
		c.Trade.Outlets += 7
		readsBack(ctx, t, s, want)
	})
}
