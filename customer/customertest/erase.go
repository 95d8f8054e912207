package customertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/subtest"
	"pgregory.net/rapid"
)

// testInteractionEraser checks the promises of
// [customer.InteractionEraser] on the history stores setup makes, each
// with the customers it is given; every subtest skips when the store does
// not offer the capability.
func testInteractionEraser(t *testing.T, setup func(t *testing.T, ids ...customer.ID) customer.HistoryStore) {
	ctx := context.Background()
	eraser := func(t *testing.T, ids ...customer.ID) (customer.HistoryStore, customer.InteractionEraser) {
		t.Helper()
		h := setup(t, ids...)
		e, ok := h.(customer.InteractionEraser)
		if !ok {
			t.Skip("the store does not implement customer.InteractionEraser")
		}
		return h, e
	}
	interaction := func(c customer.ID, hour int, k customer.InteractionKind, subject string) customer.Interaction {
		return customer.Interaction{CustomerID: c, Time: day0.Add(time.Duration(hour) * time.Hour), Kind: k, Subject: subject}
	}
	mustAppend := func(t *testing.T, h customer.HistoryWriter, is ...customer.Interaction) {
		t.Helper()
		for _, i := range is {
			if err := h.AppendInteraction(ctx, i); err != nil {
				t.Fatalf("AppendInteraction %s %q of %s: %v", i.Kind, i.Subject, i.CustomerID, err)
			}
		}
	}
	// withoutInteractions is evs less its interactions.
	withoutInteractions := func(evs []customer.Event) []customer.Event {
		return slices.DeleteFunc(slices.Clone(evs), func(e customer.Event) bool { return e.Interaction != nil })
	}
	same := func(t *testing.T, what string, got, want []customer.Event) {
		t.Helper()
		if !slices.EqualFunc(got, want, customer.Event.Equal) {
			t.Errorf("%s: the history is %s, want %s", what, describe(got), describe(want))
		}
	}

	// EraseInteractions deletes every interaction of the customer, and only those: its orders, returns and credits stay, and so does every record of other customers; it returns how many it deleted (customer.InteractionEraser).
	subtest.Run(t, "EraseInteractionsErasesOnlyThem", func(t *testing.T) {
		h, e := eraser(t, "C-1", "C-2")
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		if err := h.AppendReturn(ctx, sampleReturn("R-1", "O-1", "C-1", day0.Add(48*time.Hour))); err != nil {
			t.Fatalf("AppendReturn: %v", err)
		}
		if err := h.AppendCredit(ctx, sampleCredit("K-1", "O-1", "C-1", day0.Add(72*time.Hour), "10")); err != nil {
			t.Fatalf("AppendCredit: %v", err)
		}
		// One at the instant of the order, one before it, two of one
		// instant and kind.
		mustAppend(t, h, interaction("C-1", 0, customer.StoreVisit, "Berlin 1"), interaction("C-1", -2, customer.SiteVisit, "home"),
			interaction("C-1", 5, customer.Wishlist, "COAT-1"), interaction("C-1", 5, customer.Wishlist, "SCARF-3"),
			interaction("C-1", 90, customer.SurveyAnswered, "nps 9"))
		mustAppendOrder(t, h, sampleOrder("O-2", "C-2", day0))
		mustAppend(t, h, interaction("C-2", 0, customer.StoreVisit, "Berlin 1"), interaction("C-2", 5, customer.Wishlist, "COAT-1"))
		before1, before2 := history(t, h, "C-1"), history(t, h, "C-2")

		n, err := e.EraseInteractions(ctx, "C-1")
		if err != nil {
			t.Fatalf("EraseInteractions of C-1 = %v", err)
		}
		if n != 5 {
			t.Errorf("EraseInteractions of C-1 deleted %d interactions, want 5", n)
		}
		same(t, "after EraseInteractions of C-1, C-1", history(t, h, "C-1"), withoutInteractions(before1))
		same(t, "after EraseInteractions of C-1, C-2", history(t, h, "C-2"), before2)
	})

	// A second call, and a call for a customer without interactions, delete nothing and return (0, nil); the history stays as it is (customer.InteractionEraser).
	subtest.Run(t, "EraseInteractionsIsIdempotent", func(t *testing.T) {
		h, e := eraser(t, "C-1", "C-2")
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		mustAppend(t, h, interaction("C-1", 1, customer.Cart, "COAT-1"))
		if n, err := e.EraseInteractions(ctx, "C-1"); err != nil || n != 1 {
			t.Fatalf("EraseInteractions of C-1 = (%d, %v), want (1, nil)", n, err)
		}
		after := history(t, h, "C-1")
		if n, err := e.EraseInteractions(ctx, "C-1"); err != nil || n != 0 {
			t.Errorf("EraseInteractions of C-1 again = (%d, %v), want (0, nil)", n, err)
		}
		same(t, "after a second EraseInteractions of C-1", history(t, h, "C-1"), after)
		if n, err := e.EraseInteractions(ctx, "C-2"); err != nil || n != 0 {
			t.Errorf("EraseInteractions of C-2, a customer without history = (%d, %v), want (0, nil)", n, err)
		}
	})

	// An unknown customer is an error matching customer.ErrNotFound, a done context one matching context.Canceled, and neither deletes anything (customer.InteractionEraser).
	subtest.Run(t, "EraseInteractionsRefusals", func(t *testing.T) {
		h, e := eraser(t, "C-1")
		mustAppend(t, h, interaction("C-1", 1, customer.Cart, "COAT-1"), interaction("C-1", 2, customer.Wishlist, "COAT-1"))
		before := history(t, h, "C-1")
		if _, err := e.EraseInteractions(ctx, "nobody"); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("EraseInteractions of an unknown customer = %v, want an error matching customer.ErrNotFound", err)
		}
		done, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := e.EraseInteractions(done, "C-1"); !errors.Is(err, context.Canceled) {
			t.Errorf("EraseInteractions with a done context = %v, want an error matching context.Canceled", err)
		}
		same(t, "after refused EraseInteractions calls", history(t, h, "C-1"), before)
	})

	// An interaction delivered again after it was erased is a new fact: it is stored again, once (customer.InteractionEraser).
	subtest.Run(t, "EraseInteractionsThenAppendStoresAgain", func(t *testing.T) {
		h, e := eraser(t, "C-1")
		visit := interaction("C-1", 3, customer.StoreVisit, "Berlin 1")
		mustAppend(t, h, visit)
		if n, err := e.EraseInteractions(ctx, "C-1"); err != nil || n != 1 {
			t.Fatalf("EraseInteractions of C-1 = (%d, %v), want (1, nil)", n, err)
		}
		mustAppend(t, h, visit, visit)
		same(t, "the erased interaction delivered twice again", history(t, h, "C-1"), []customer.Event{{Interaction: &visit}})
		if n, err := e.EraseInteractions(ctx, "C-1"); err != nil || n != 1 {
			t.Errorf("EraseInteractions of the interaction stored again = (%d, %v), want (1, nil)", n, err)
		}
	})

	// Concurrent EraseInteractions calls and appends of one customer: each interaction is deleted by one call, counted once, or kept whole; none is lost uncounted (run with -race; customer.InteractionEraser).
	subtest.Run(t, "EraseInteractionsRacingAppends", func(t *testing.T) {
		h, e := eraser(t, "C-1")
		const preloaded, writers, each, erasers = 20, 3, 10, 3
		for k := range preloaded {
			mustAppend(t, h, interaction("C-1", k, customer.SiteVisit, fmt.Sprintf("page %d", k)))
		}
		var wg sync.WaitGroup
		errs := make(chan error, writers*each+erasers)
		counts := make([]int, erasers)
		begin := make(chan struct{})
		for w := range writers {
			wg.Go(func() {
				<-begin
				for k := range each {
					i := interaction("C-1", 100+k, customer.Cart, fmt.Sprintf("writer %d item %d", w, k))
					if err := h.AppendInteraction(ctx, i); err != nil {
						errs <- fmt.Errorf("AppendInteraction %q while erasing: %w", i.Subject, err)
					}
				}
			})
		}
		for w := range erasers {
			wg.Go(func() {
				<-begin
				n, err := e.EraseInteractions(ctx, "C-1")
				if err != nil {
					errs <- fmt.Errorf("EraseInteractions while appending: %w", err)
				}
				counts[w] = n
			})
		}
		close(begin)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		erased := 0
		for _, n := range counts {
			erased += n
		}
		kept := len(history(t, h, "C-1"))
		if erased+kept != preloaded+writers*each {
			t.Errorf("of %d interactions %d were deleted (the calls counted %v) and %d are kept: EraseInteractions counts an interaction twice or deletes one it does not count",
				preloaded+writers*each, erased, counts, kept)
		}
		if erased < preloaded {
			t.Errorf("the EraseInteractions calls deleted %d interactions (%v), fewer than the %d stored before they began", erased, counts, preloaded)
		}
	})

	// Any sequence of appends, redeliveries, conflicts and EraseInteractions calls behaves as the model, in which EraseInteractions drops the customer's interactions and returns their number (rapid; customer.InteractionEraser).
	subtest.Run(t, "EraseInteractionsStateMachine", func(t *testing.T) {
		if _, ok := setup(t).(customer.InteractionEraser); !ok {
			t.Skip("the store does not implement customer.InteractionEraser")
		}
		rapid.Check(t, func(rt *rapid.T) {
			h, e := eraser(t, historyCustomers...)
			m := &historyMachine{h: h, orders: map[string]customer.Order{}, returns: map[string]customer.Return{}, credits: map[string]customer.Credit{}}
			rt.Repeat(map[string]func(*rapid.T){
				"AppendOrder":       m.appendOrder,
				"AppendReturn":      m.appendReturn,
				"AppendCredit":      m.appendCredit,
				"AppendInteraction": m.appendInteraction,
				"EraseInteractions": func(rt *rapid.T) { m.eraseInteractions(rt, e) },
				"":                  m.check,
			})
		})
	})
}

// eraseInteractions erases the interactions of a customer of the model
// through e and checks the number deleted.
func (m *historyMachine) eraseInteractions(t *rapid.T, e customer.InteractionEraser) {
	c := rapid.SampledFrom(historyCustomers).Draw(t, "customer")
	n, err := e.EraseInteractions(context.Background(), c)
	if err != nil {
		t.Fatalf("EraseInteractions %s: %v", c, err)
	}
	want := 0
	for _, i := range m.interactions {
		if i.CustomerID == c {
			want++
		}
	}
	if n != want {
		t.Fatalf("EraseInteractions %s deleted %d interactions, model %d", c, n, want)
	}
	m.interactions = slices.DeleteFunc(m.interactions, func(i customer.Interaction) bool { return i.CustomerID == c })
}
