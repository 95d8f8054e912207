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
	"time"

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

// consentDropping stores customers without their consent history, as an
// adapter written before the history existed does.
type consentDropping struct{ *customer.MemStore }

func (s consentDropping) Put(ctx context.Context, c customer.Customer) error {
	c.ConsentHistory = nil
	return s.MemStore.Put(ctx, c)
}

// consentAliasing copies every field but the consent history, which it
// shares with its callers, as an adapter that clones field by field and
// missed the newest one.
type consentAliasing struct {
	*customer.MemStore
	mu   *sync.Mutex
	kept map[customer.ID][]customer.ConsentChange
}

func (s consentAliasing) Put(ctx context.Context, c customer.Customer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.MemStore.Put(ctx, c); err != nil {
		return err
	}
	s.kept[c.ID] = c.ConsentHistory
	return nil
}

func (s consentAliasing) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.MemStore.Get(ctx, id)
	c.ConsentHistory = s.kept[id]
	return c, err
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

// returnSharing yields, for each return, the same lines on every History
// call, so that a caller changing them changes what later calls yield.
type returnSharing struct {
	*customer.MemStore
	mu    *sync.Mutex
	lines map[string][]customer.ReturnLine
}

func (s returnSharing) History(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	return func(yield func(customer.Event, error) bool) {
		for e, err := range s.MemStore.History(ctx, id) {
			if e.Return != nil {
				s.mu.Lock()
				if l, ok := s.lines[e.Return.ID]; ok {
					e.Return.Lines = l
				} else {
					s.lines[e.Return.ID] = e.Return.Lines
				}
				s.mu.Unlock()
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

// scaleStrict compares a redelivered order's amounts as written, so that
// 199 and 199.00 differ, as a store comparing stored text would.
type scaleStrict struct {
	*customer.MemStore
	mu    *sync.Mutex
	first map[string]customer.Order
}

func (s scaleStrict) AppendOrder(ctx context.Context, o customer.Order) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.first[o.ID]; ok && len(prev.Lines) == len(o.Lines) {
		for i, l := range prev.Lines {
			if l.UnitPrice.String() != o.Lines[i].UnitPrice.String() || l.UnitPrice.Exponent() != o.Lines[i].UnitPrice.Exponent() {
				return fmt.Errorf("order %q: %w", o.ID, customer.ErrDuplicate)
			}
		}
	}
	if err := s.MemStore.AppendOrder(ctx, o); err != nil {
		return err
	}
	if _, ok := s.first[o.ID]; !ok {
		s.first[o.ID] = o.Clone()
	}
	return nil
}

// batchSharing reads each customer once in GetMany and returns the same
// value for each time its ID is asked, its slices and Trade shared.
type batchSharing struct{ *customer.MemStore }

func (s batchSharing) GetMany(ctx context.Context, ids []customer.ID) ([]customer.Customer, error) {
	read := map[customer.ID]customer.Customer{}
	out := make([]customer.Customer, len(ids))
	for i, id := range ids {
		c, ok := read[id]
		if !ok {
			var err error
			if c, err = s.MemStore.Get(ctx, id); err != nil {
				return nil, err
			}
			read[id] = c
		}
		out[i] = c
	}
	return out, nil
}

// cascadingPut replaces a customer by deleting it first, which erases its
// history, as a REPLACE or DELETE and INSERT with a cascading foreign key
// would.
type cascadingPut struct{ *customer.MemStore }

func (s cascadingPut) Put(ctx context.Context, c customer.Customer) error {
	if _, err := s.MemStore.Get(ctx, c.ID); err == nil {
		if err := s.MemStore.Delete(ctx, c.ID); err != nil {
			return err
		}
	}
	return s.MemStore.Put(ctx, c)
}

// lockedList holds a lock while List yields, which writers wait for: a
// Put or Delete inside the loop never returns.
type lockedList struct {
	*customer.MemStore
	mu *sync.RWMutex
}

func (s lockedList) List(ctx context.Context) iter.Seq2[customer.Customer, error] {
	return func(yield func(customer.Customer, error) bool) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		for c, err := range s.MemStore.List(ctx) {
			if !yield(c, err) {
				return
			}
		}
	}
}

func (s lockedList) Put(ctx context.Context, c customer.Customer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.MemStore.Put(ctx, c)
}

func (s lockedList) Delete(ctx context.Context, id customer.ID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.MemStore.Delete(ctx, id)
}

// checkThenAppend looks for an order's customer, then inserts the order
// in a step of its own, without a foreign key: an order whose customer is
// deleted in between is kept apart and comes back when the customer is
// put again.
type checkThenAppend struct {
	*customer.MemStore
	mu      *sync.Mutex
	orphans map[customer.ID][]customer.Order
}

func (s checkThenAppend) AppendOrder(ctx context.Context, o customer.Order) error {
	if _, err := s.MemStore.Get(ctx, o.CustomerID); err != nil {
		return err
	}
	time.Sleep(time.Millisecond) // between the look-up and the insert
	err := s.MemStore.AppendOrder(ctx, o)
	if errors.Is(err, customer.ErrNotFound) {
		s.mu.Lock()
		s.orphans[o.CustomerID] = append(s.orphans[o.CustomerID], o)
		s.mu.Unlock()
		return nil
	}
	return err
}

func (s checkThenAppend) Put(ctx context.Context, c customer.Customer) error {
	if err := s.MemStore.Put(ctx, c); err != nil {
		return err
	}
	s.mu.Lock()
	orphans := s.orphans[c.ID]
	delete(s.orphans, c.ID)
	s.mu.Unlock()
	for _, o := range orphans {
		_ = s.MemStore.AppendOrder(ctx, o)
	}
	return nil
}

// lastWriterWins updates a customer in three steps, Get, change and
// Put, as a caller without customer.Updater does: between its read and
// its write other writers' changes are lost.
type lastWriterWins struct{ *customer.MemStore }

func (s lastWriterWins) Update(ctx context.Context, id customer.ID, change func(*customer.Customer) error) error {
	c, err := s.MemStore.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := change(&c); err != nil {
		return err
	}
	if c.ID != id {
		return customer.IDChanged(id, c.ID)
	}
	return s.MemStore.Put(ctx, c)
}

// changeIgnoring stores what change made of the customer even when
// change fails, and returns the failure.
type changeIgnoring struct{ *customer.MemStore }

func (s changeIgnoring) Update(ctx context.Context, id customer.ID, change func(*customer.Customer) error) error {
	var failed error
	err := s.MemStore.Update(ctx, id, func(c *customer.Customer) error {
		failed = change(c)
		return nil
	})
	if failed != nil {
		return failed
	}
	return err
}

// updateRetaining keeps the customer it gave change, sharing its slices
// with the caller, and returns it from Get.
type updateRetaining struct {
	*customer.MemStore
	mu   *sync.Mutex
	kept map[customer.ID]*customer.Customer
}

func (s updateRetaining) Update(ctx context.Context, id customer.ID, change func(*customer.Customer) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var given *customer.Customer
	err := s.MemStore.Update(ctx, id, func(c *customer.Customer) error {
		given = c
		return change(c)
	})
	if err == nil {
		s.kept[id] = given
	}
	return err
}

func (s updateRetaining) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.MemStore.Get(ctx, id)
	if k, ok := s.kept[id]; ok && err == nil {
		return *k, nil
	}
	return c, err
}

func (s updateRetaining) Put(ctx context.Context, c customer.Customer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.kept, c.ID)
	return s.MemStore.Put(ctx, c)
}

func (s updateRetaining) Delete(ctx context.Context, id customer.ID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.kept, id)
	return s.MemStore.Delete(ctx, id)
}

// TestBrokenStoreHelper runs the kit on the broken store named by
// $CUSTOMERTEST_BROKEN; it is a helper of TestKitDetectsBrokenStores and
// does nothing otherwise.
// checkApart reads the history, checks and appends in three steps: two
// calls of one customer both pass checks that only one should.
type checkApart struct{ *customer.MemStore }

func (s checkApart) AppendChecked(ctx context.Context, e customer.Event, check func([]customer.Event) error) error {
	var h []customer.Event
	for ev, err := range s.MemStore.History(ctx, e.CustomerID()) {
		if err != nil {
			return err
		}
		h = append(h, ev)
	}
	if err := check(h); err != nil {
		return err
	}
	return customer.Append(ctx, s.MemStore, e)
}

// checkIgnoring appends whatever its check says.
type checkIgnoring struct{ *customer.MemStore }

func (s checkIgnoring) AppendChecked(ctx context.Context, e customer.Event, check func([]customer.Event) error) error {
	err := s.MemStore.AppendChecked(ctx, e, check)
	if err != nil && !errors.Is(err, customer.ErrNotFound) && !errors.Is(err, customer.ErrInvalid) && ctx.Err() == nil {
		customer.Append(ctx, s.MemStore, e)
	}
	return err
}

// insertApart looks the ID up and puts the customer in two steps: two
// Inserts of one new ID both succeed.
type insertApart struct{ *customer.MemStore }

func (s insertApart) Insert(ctx context.Context, c customer.Customer) error {
	if prev, err := s.Get(ctx, c.ID); err == nil {
		if prev.Equal(c) {
			return nil
		}
		return customer.CustomerTaken(c.ID)
	}
	time.Sleep(time.Millisecond) // between the look-up and the write
	return s.Put(ctx, c)
}

// insertReplacing is an Insert that is a Put.
type insertReplacing struct{ *customer.MemStore }

func (s insertReplacing) Insert(ctx context.Context, c customer.Customer) error { return s.Put(ctx, c) }

// eraseFirstOnly deletes only the first interaction of the customer, and
// says it deleted them all.
type eraseFirstOnly struct{ *customer.MemStore }

func (s eraseFirstOnly) EraseInteractions(ctx context.Context, id customer.ID) (int, error) {
	var rest []customer.Interaction
	for e, err := range s.History(ctx, id) {
		if err != nil {
			return 0, err
		}
		if e.Interaction != nil {
			rest = append(rest, *e.Interaction)
		}
	}
	n, err := s.MemStore.EraseInteractions(ctx, id)
	if err != nil || len(rest) == 0 {
		return n, err
	}
	for _, i := range rest[1:] {
		if err := s.AppendInteraction(ctx, i); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// eraseNeighbours deletes the interactions of every customer, counting
// those of the one asked for.
type eraseNeighbours struct{ *customer.MemStore }

func (s eraseNeighbours) EraseInteractions(ctx context.Context, id customer.ID) (int, error) {
	n, err := s.MemStore.EraseInteractions(ctx, id)
	if err != nil {
		return n, err
	}
	for c, err := range s.List(ctx) {
		if err != nil {
			return 0, err
		}
		if c.ID != id {
			_, _ = s.MemStore.EraseInteractions(ctx, c.ID)
		}
	}
	return n, nil
}

// eraseApart counts the interactions with History and deletes them in a
// second step: concurrent calls count the same interactions.
type eraseApart struct{ *customer.MemStore }

func (s eraseApart) EraseInteractions(ctx context.Context, id customer.ID) (int, error) {
	n := 0
	for e, err := range s.History(ctx, id) {
		if err != nil {
			return 0, err
		}
		if e.Interaction != nil {
			n++
		}
	}
	time.Sleep(5 * time.Millisecond) // between the count and the deletion
	if _, err := s.MemStore.EraseInteractions(ctx, id); err != nil {
		return 0, err
	}
	return n, nil
}

// eraseRemembering deletes interactions but still takes one delivered
// again for a redelivery of a stored one, and drops it.
type eraseRemembering struct {
	*customer.MemStore
	mu     *sync.Mutex
	erased map[string]bool
}

func interactionKey(i customer.Interaction) string {
	return fmt.Sprintf("%s|%d|%d|%s", i.CustomerID, i.Time.UnixNano(), i.Kind, i.Subject)
}

func (s eraseRemembering) EraseInteractions(ctx context.Context, id customer.ID) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for e, err := range s.History(ctx, id) {
		if err != nil {
			return 0, err
		}
		if e.Interaction != nil {
			s.erased[interactionKey(*e.Interaction)] = true
		}
	}
	return s.MemStore.EraseInteractions(ctx, id)
}

func (s eraseRemembering) AppendInteraction(ctx context.Context, i customer.Interaction) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.erased[interactionKey(i)] {
		return nil
	}
	return s.MemStore.AppendInteraction(ctx, i)
}

// nulCutting keeps customer IDs only up to their first NUL byte, as a
// driver that passes text to the database as C strings does: "C-1\x00"
// is taken for "C-1".
type nulCutting struct{ *customer.MemStore }

// cut returns id up to its first NUL byte.
func cut(id customer.ID) customer.ID {
	if i := strings.IndexByte(string(id), 0); i >= 0 {
		return id[:i]
	}
	return id
}

func (s nulCutting) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	c, err := s.MemStore.Get(ctx, cut(id))
	if err == nil {
		c.ID = id
	}
	return c, err
}

func (s nulCutting) Put(ctx context.Context, c customer.Customer) error {
	c.ID = cut(c.ID)
	return s.MemStore.Put(ctx, c)
}

func (s nulCutting) Delete(ctx context.Context, id customer.ID) error {
	return s.MemStore.Delete(ctx, cut(id))
}

// goneTaken answers a redelivery of an order, return or credit whose
// customer was deleted meanwhile with an error matching
// customer.ErrDuplicate, as a store does that finds the ID taken and the
// record that held it gone when it reads it to compare, and passes that
// on instead of appending again.
type goneTaken struct {
	*customer.MemStore
	mu   *sync.Mutex
	seen map[string]bool
}

func (s goneTaken) append(ctx context.Context, id string, c customer.ID, appendIt func() error) error {
	err := appendIt()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.seen[id] = true
	} else if errors.Is(err, customer.ErrNotFound) && s.seen[id] {
		return fmt.Errorf("%s of %s: its ID was taken by a record gone before it could be compared: %w", id, c, customer.ErrDuplicate)
	}
	return err
}

func (s goneTaken) AppendOrder(ctx context.Context, o customer.Order) error {
	return s.append(ctx, "order "+o.ID, o.CustomerID, func() error { return s.MemStore.AppendOrder(ctx, o) })
}

func (s goneTaken) AppendReturn(ctx context.Context, r customer.Return) error {
	return s.append(ctx, "return "+r.ID, r.CustomerID, func() error { return s.MemStore.AppendReturn(ctx, r) })
}

func (s goneTaken) AppendCredit(ctx context.Context, k customer.Credit) error {
	return s.append(ctx, "credit "+k.ID, k.CustomerID, func() error { return s.MemStore.AppendCredit(ctx, k) })
}

func TestBrokenStoreHelper(t *testing.T) {
	switch os.Getenv("CUSTOMERTEST_BROKEN") {
	case "insertApart":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return insertApart{customer.NewMemStore()} })
	case "insertReplacing":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return insertReplacing{customer.NewMemStore()} })
	case "checkApart":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, checkApart{s}
		})
	case "eraseFirstOnly":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, eraseFirstOnly{s}
		})
	case "eraseNeighbours":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, eraseNeighbours{s}
		})
	case "eraseApart":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, eraseApart{s}
		})
	case "eraseRemembering":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, eraseRemembering{s, &sync.Mutex{}, map[string]bool{}}
		})
	case "checkIgnoring":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, checkIgnoring{s}
		})
	case "unsorted":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return unsorted{customer.NewMemStore()} })
	case "retaining":
		customertest.TestStore(t, func(*testing.T) customer.Directory {
			return retaining{customer.NewMemStore(), &sync.Mutex{}, map[customer.ID]customer.Customer{}}
		})
	case "consentDropping":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return consentDropping{customer.NewMemStore()} })
	case "consentAliasing":
		customertest.TestStore(t, func(*testing.T) customer.Directory {
			return consentAliasing{customer.NewMemStore(), &sync.Mutex{}, map[customer.ID][]customer.ConsentChange{}}
		})
	case "silentDelete":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return silentDelete{customer.NewMemStore()} })
	case "conflictBlind":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, conflictBlind{s}
		})
	case "batchSharing":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return batchSharing{customer.NewMemStore()} })
	case "cascadingPut":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return cascadingPut{s}, s
		})
	case "lockedList":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return lockedList{customer.NewMemStore(), &sync.RWMutex{}} })
	case "checkThenAppend":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := checkThenAppend{customer.NewMemStore(), &sync.Mutex{}, map[customer.ID][]customer.Order{}}
			return s, s
		})
	case "returnSharing":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, returnSharing{s, &sync.Mutex{}, map[string][]customer.ReturnLine{}}
		})
	case "scaleStrict":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, scaleStrict{s, &sync.Mutex{}, map[string]customer.Order{}}
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
	case "lastWriterWins":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return lastWriterWins{customer.NewMemStore()} })
	case "changeIgnoring":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return changeIgnoring{customer.NewMemStore()} })
	case "updateRetaining":
		customertest.TestStore(t, func(*testing.T) customer.Directory {
			return updateRetaining{customer.NewMemStore(), &sync.Mutex{}, map[customer.ID]*customer.Customer{}}
		})
	case "nulCutting":
		customertest.TestStore(t, func(*testing.T) customer.Directory { return nulCutting{customer.NewMemStore()} })
	case "goneTaken":
		customertest.TestHistoryStore(t, func(*testing.T) (customer.Directory, customer.HistoryStore) {
			s := customer.NewMemStore()
			return s, goneTaken{s, &sync.Mutex{}, map[string]bool{}}
		})
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
		"unsorted":         {"ListSortedByID", "StateMachine"},
		"retaining":        {"PutDoesNotRetainCallerMemory", "GetReturnsIndependentCopy"},
		"consentDropping":  {"PutThenReadKeepsConsentHistory", "PutThenReadKeepsEveryField", "PutThenGetReturnsEqualCustomer"},
		"consentAliasing":  {"PutDoesNotRetainCallerMemory", "GetReturnsIndependentCopy"},
		"silentDelete":     {"DeleteRemoves", "DeleteMissingReturnsErrNotFound", "StateMachine"},
		"conflictBlind":    {"AppendOrderIsIdempotent", "StateMachine"},
		"historyKeeping":   {"DeleteErasesHistory"},
		"returnSharing":    {"HistoryIsolation"},
		"checkThenAppend":  {"DeleteRacingAppends"},
		"lockedList":       {"ListWhileWriting"},
		"cascadingPut":     {"PutKeepsHistory"},
		"batchSharing":     {"BatchGetter"},
		"scaleStrict":      {"AppendOrderIsIdempotent"},
		"fieldless":        {"order_lines[0].quantity", "return_reason"},
		"creditLax":        {"AppendCreditRules", "credit_amount", "credit_source"},
		"lastWriterWins":   {"UpdateKeepsConcurrentChanges", "UpdateAtomicWithPutAndDelete"},
		"changeIgnoring":   {"UpdateChangeErrorStoresNothing"},
		"updateRetaining":  {"UpdateDoesNotRetainCallerMemory"},
		"checkApart":       {"AppendCheckedSerialisesOneCustomer"},
		"insertApart":      {"InsertOneWinner"},
		"insertReplacing":  {"InsertKeepsTheFirst", "InsertOneWinner", "StateMachine"},
		"checkIgnoring":    {"AppendCheckedRefusalStoresNothing"},
		"eraseFirstOnly":   {"EraseInteractionsErasesOnlyThem", "EraseInteractionsStateMachine"},
		"eraseNeighbours":  {"EraseInteractionsErasesOnlyThem", "EraseInteractionsStateMachine"},
		"eraseApart":       {"EraseInteractionsRacingAppends"},
		"eraseRemembering": {"EraseInteractionsThenAppendStoresAgain", "EraseInteractionsStateMachine"},
		"nulCutting":       {"OddIDsAreUnknown", "OddIDsKeptOrRefused"},
		"goneTaken":        {"DeleteRacingRedeliveries"},
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
