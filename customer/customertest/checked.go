package customertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/subtest"
)

// testCheckedAppender checks the promises of [customer.CheckedAppender]
// on the history stores setup makes, each with the customers it is given;
// every subtest skips when the store does not offer the capability.
func testCheckedAppender(t *testing.T, setup func(t *testing.T, ids ...customer.ID) customer.HistoryStore) {
	ctx := context.Background()
	checked := func(t *testing.T, ids ...customer.ID) (customer.HistoryStore, customer.CheckedAppender) {
		t.Helper()
		h := setup(t, ids...)
		a, ok := h.(customer.CheckedAppender)
		if !ok {
			t.Skip("the store does not implement customer.CheckedAppender")
		}
		return h, a
	}
	noReturnYet := func(h []customer.Event) error {
		for _, e := range h {
			if e.Return != nil {
				return &refusedError{reason: fmt.Sprintf("return %q is stored", e.Return.ID)}
			}
		}
		return nil
	}

	// Concurrent AppendChecked calls of one customer check one after the other: of returns that each may be appended only when no return is stored, exactly one is (customer.CheckedAppender).
	subtest.Run(t, "AppendCheckedSerialisesOneCustomer", func(t *testing.T) {
		h, a := checked(t, "C-1", "C-2")
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		mustAppendOrder(t, h, sampleOrder("O-2", "C-2", day0))
		const workers = 6
		errs := make([]error, workers)
		begin := make(chan struct{})
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				<-begin
				r := sampleReturn(fmt.Sprintf("R-%d", w), "O-1", "C-1", day0.Add(time.Hour))
				errs[w] = a.AppendChecked(ctx, customer.Event{Return: &r}, func(h []customer.Event) error {
					// A moment between the check and the append, in which a
					// store that does not hold the customer lets other
					// checks in.
					time.Sleep(5 * time.Millisecond)
					return noReturnYet(h)
				})
			})
		}
		close(begin)
		wg.Wait()
		appended := 0
		for w, err := range errs {
			var refused *refusedError
			switch {
			case err == nil:
				appended++
			case !errors.As(err, &refused):
				t.Errorf("AppendChecked of return R-%d = %v, want nil or the check's error", w, err)
			}
		}
		if appended != 1 {
			t.Errorf("%d of %d returns appended, each checked for no return stored: the store does not make the check and the append one step", appended, workers)
		}
		returns := 0
		for _, e := range history(t, h, "C-1") {
			if e.Return != nil {
				returns++
			}
		}
		if returns != appended {
			t.Errorf("the history holds %d returns, AppendChecked reported %d appended", returns, appended)
		}
	})

	// The check is given the customer's history as History yields it, and nothing else (customer.CheckedAppender).
	subtest.Run(t, "AppendCheckedSeesTheHistory", func(t *testing.T) {
		h, a := checked(t, "C-1", "C-2")
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		mustAppendOrder(t, h, sampleOrder("O-2", "C-2", day0))
		if err := h.AppendReturn(ctx, sampleReturn("R-1", "O-1", "C-1", day0.Add(2*time.Hour))); err != nil {
			t.Fatalf("AppendReturn: %v", err)
		}
		c := sampleCredit("K-1", "O-1", "C-1", day0.Add(time.Hour), "5")
		if err := h.AppendCredit(ctx, c); err != nil {
			t.Fatalf("AppendCredit: %v", err)
		}
		want := history(t, h, "C-1")
		calls := 0
		i := customer.Interaction{CustomerID: "C-1", Time: day0.Add(3 * time.Hour), Kind: customer.StoreVisit, Subject: "fitting"}
		err := a.AppendChecked(ctx, customer.Event{Interaction: &i}, func(got []customer.Event) error {
			calls++
			if describe(got) != describe(want) {
				t.Errorf("check was given the history %s, History yields %s", describe(got), describe(want))
			}
			for k := range min(len(got), len(want)) {
				if !got[k].Equal(want[k]) {
					t.Errorf("check was given event %d %s, History yields %s", k, recordDiff(want[k], got[k]), names(want[k:k+1]))
				}
			}
			return nil
		})
		if err != nil || calls != 1 {
			t.Fatalf("AppendChecked = %v after %d calls of check, want nil after one", err, calls)
		}
		if got := history(t, h, "C-1"); len(got) != len(want)+1 {
			t.Errorf("after AppendChecked of an interaction the history has %d events, want %d", len(got), len(want)+1)
		}
	})

	// A check's error stores nothing and comes back so that errors.Is and errors.As find it; changing the records the check was given does not change the store (customer.CheckedAppender).
	subtest.Run(t, "AppendCheckedRefusalStoresNothing", func(t *testing.T) {
		h, a := checked(t, "C-1")
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		before := history(t, h, "C-1")
		r := sampleReturn("R-1", "O-1", "C-1", day0.Add(time.Hour))
		err := a.AppendChecked(ctx, customer.Event{Return: &r}, func(h []customer.Event) error {
			for _, e := range h {
				if e.Order != nil {
					e.Order.Lines[0].Quantity = 99
					e.Order.Store = "changed by the check"
				}
			}
			return &refusedError{reason: "refused"}
		})
		var refused *refusedError
		if !errors.As(err, &refused) {
			t.Errorf("AppendChecked with a refusing check = %v, want the check's error", err)
		}
		err = a.AppendChecked(ctx, customer.Event{Return: &r}, func([]customer.Event) error { return errRefused })
		if !errors.Is(err, errRefused) {
			t.Errorf("AppendChecked with a refusing check = %v, want an error matching the check's", err)
		}
		after := history(t, h, "C-1")
		if describe(after) != describe(before) || !after[0].Equal(before[0]) || after[0].Order.Store != before[0].Order.Store {
			t.Errorf("after refused AppendChecked calls the history is %s, want %s unchanged", describe(after), describe(before))
		}
		if err := h.AppendReturn(ctx, r); err != nil {
			t.Errorf("the refused return's ID was taken: AppendReturn = %v", err)
		}
	})

	// An unknown customer, an event with no record or two, and a done context are errors, and check is not called (customer.CheckedAppender).
	subtest.Run(t, "AppendCheckedRefusals", func(t *testing.T) {
		h, a := checked(t, "C-1")
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		called := false
		check := func([]customer.Event) error { called = true; return nil }
		o := sampleOrder("O-2", "nobody", day0)
		if err := a.AppendChecked(ctx, customer.Event{Order: &o}, check); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("AppendChecked of an unknown customer's order = %v, want an error matching customer.ErrNotFound", err)
		}
		if err := a.AppendChecked(ctx, customer.Event{}, check); !errors.Is(err, customer.ErrInvalid) {
			t.Errorf("AppendChecked of an empty event = %v, want an error matching customer.ErrInvalid", err)
		}
		mine := sampleOrder("O-3", "C-1", day0)
		r := sampleReturn("R-1", "O-1", "C-1", day0.Add(time.Hour))
		if err := a.AppendChecked(ctx, customer.Event{Order: &mine, Return: &r}, check); !errors.Is(err, customer.ErrInvalid) {
			t.Errorf("AppendChecked of an event with two records = %v, want an error matching customer.ErrInvalid", err)
		}
		done, cancel := context.WithCancel(ctx)
		cancel()
		if err := a.AppendChecked(done, customer.Event{Order: &mine}, check); !errors.Is(err, context.Canceled) {
			t.Errorf("AppendChecked with a done context = %v, want an error matching context.Canceled", err)
		}
		if called {
			t.Error("check was called for a call that fails before it")
		}
		if n := len(history(t, h, "C-1")); n != 1 {
			t.Errorf("after refused AppendChecked calls the history has %d events, want 1", n)
		}
	})

	// After the check, AppendChecked appends as the HistoryWriter method of the record's kind: a redelivery is a no-op, another record under a stored ID fails with customer.ErrDuplicate, a return of an unknown order with customer.ErrNotFound (customer.CheckedAppender).
	subtest.Run(t, "AppendCheckedKeepsAppendRules", func(t *testing.T) {
		h, a := checked(t, "C-1")
		pass := func([]customer.Event) error { return nil }
		o := sampleOrder("O-1", "C-1", day0)
		if err := a.AppendChecked(ctx, customer.Event{Order: &o}, pass); err != nil {
			t.Fatalf("AppendChecked of an order = %v", err)
		}
		again := o.Clone()
		if err := a.AppendChecked(ctx, customer.Event{Order: &again}, pass); err != nil {
			t.Errorf("AppendChecked of the same order again = %v, want nil", err)
		}
		changed := o.Clone()
		changed.Lines[0].Quantity = 5
		if err := a.AppendChecked(ctx, customer.Event{Order: &changed}, pass); !errors.Is(err, customer.ErrDuplicate) {
			t.Errorf("AppendChecked of another order under a stored ID = %v, want an error matching customer.ErrDuplicate", err)
		}
		r := sampleReturn("R-1", "O-9", "C-1", day0.Add(time.Hour))
		if err := a.AppendChecked(ctx, customer.Event{Return: &r}, pass); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("AppendChecked of a return of an unknown order = %v, want an error matching customer.ErrNotFound", err)
		}
		c := sampleCredit("K-1", "O-1", "C-1", day0.Add(time.Hour), "5")
		if err := a.AppendChecked(ctx, customer.Event{Credit: &c}, pass); err != nil {
			t.Errorf("AppendChecked of a credit = %v", err)
		}
		got := history(t, h, "C-1")
		if describe(got) != describe([]customer.Event{{Order: &o}, {Credit: &c}}) || !got[0].Equal(customer.Event{Order: &o}) {
			t.Errorf("after AppendChecked calls the history is %s, want the order and the credit", describe(got))
		}
	})
}
