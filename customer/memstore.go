package customer

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// MemStore is an in-memory [Directory] and [HistoryStore] (with
// [BatchGetter], [Updater], [Inserter], [CheckedAppender] and
// [InteractionEraser]), safe for
// concurrent use. It suits tests, examples and batch jobs that load a
// shop into memory. The zero MemStore is empty and ready to use; it must
// not be copied after first use.
//
// Deleting a customer deletes its history too.
type MemStore struct {
	mu        sync.RWMutex
	customers map[ID]Customer
	orders    map[string]Order
	returns   map[string]Return
	credits   map[string]Credit
	seen      map[interactionKey]bool
	history   map[ID][]Event
}

// interactionKey identifies an interaction by content: equal interactions
// (Interaction.Equal) have equal keys.
type interactionKey struct {
	customer ID
	sec      int64
	nsec     int
	kind     InteractionKind
	subject  string
}

func keyOf(i Interaction) interactionKey {
	return interactionKey{i.CustomerID, i.Time.Unix(), i.Time.Nanosecond(), i.Kind, i.Subject}
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore { return &MemStore{} }

var (
	_ Directory    = (*MemStore)(nil)
	_ HistoryStore = (*MemStore)(nil)
	_ BatchGetter  = (*MemStore)(nil)
	_ Updater      = (*MemStore)(nil)

	_ CheckedAppender = (*MemStore)(nil)
	_ Inserter        = (*MemStore)(nil)

	_ InteractionEraser = (*MemStore)(nil)
)

func ctxErr(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("customer: %s: %w", op, err)
	}
	return nil
}

func (m *MemStore) init() {
	if m.customers == nil {
		m.customers = make(map[ID]Customer)
		m.orders = make(map[string]Order)
		m.returns = make(map[string]Return)
		m.credits = make(map[string]Credit)
		m.seen = make(map[interactionKey]bool)
		m.history = make(map[ID][]Event)
	}
}

// Get implements [Getter].
func (m *MemStore) Get(ctx context.Context, id ID) (Customer, error) {
	if err := ctxErr(ctx, "get"); err != nil {
		return Customer{}, err
	}
	m.mu.RLock()
	c, ok := m.customers[id]
	m.mu.RUnlock()
	if !ok {
		return Customer{}, fmt.Errorf("customer: get %q: %w", id, ErrNotFound)
	}
	return c.Clone(), nil
}

// GetMany implements [BatchGetter].
func (m *MemStore) GetMany(ctx context.Context, ids []ID) ([]Customer, error) {
	if err := ctxErr(ctx, "get many"); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Customer, len(ids))
	for i, id := range ids {
		c, ok := m.customers[id]
		if !ok {
			return nil, fmt.Errorf("customer: get %q: %w", id, ErrNotFound)
		}
		out[i] = c.Clone()
	}
	return out, nil
}

// List implements [Lister]: a snapshot taken when iteration starts.
func (m *MemStore) List(ctx context.Context) iter.Seq2[Customer, error] {
	return func(yield func(Customer, error) bool) {
		if err := ctxErr(ctx, "list"); err != nil {
			yield(Customer{}, err)
			return
		}
		m.mu.RLock()
		cs := slices.Collect(maps.Values(m.customers))
		m.mu.RUnlock()
		slices.SortFunc(cs, func(a, b Customer) int { return strings.Compare(string(a.ID), string(b.ID)) })
		for _, c := range cs {
			if !yield(c.Clone(), nil) {
				return
			}
		}
	}
}

// Put implements [Directory].
func (m *MemStore) Put(ctx context.Context, c Customer) error { return m.store(ctx, "put", c, false) }

// Insert implements [Inserter].
func (m *MemStore) Insert(ctx context.Context, c Customer) error {
	return m.store(ctx, "insert", c, true)
}

// store stores a copy of c: in place of the customer with its ID, or,
// when only is set, only when the ID is free (an equal customer stored
// under it is a no-op, another one [CustomerTaken]).
func (m *MemStore) store(ctx context.Context, op string, c Customer, only bool) error {
	if err := ctxErr(ctx, op); err != nil {
		return err
	}
	if c.ID == "" {
		return emptyID("customer", "id")
	}
	c = c.Clone()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	if prev, ok := m.customers[c.ID]; ok && only {
		if prev.Equal(c) {
			return nil
		}
		return CustomerTaken(c.ID)
	}
	m.customers[c.ID] = c
	return nil
}

// Update implements [Updater]: change runs once, on a copy, while the
// store is locked for writing, so it must not call the store.
func (m *MemStore) Update(ctx context.Context, id ID, change func(*Customer) error) error {
	if err := ctxErr(ctx, "update"); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	stored, ok := m.customers[id]
	if !ok {
		return fmt.Errorf("customer: update %q: %w", id, ErrNotFound)
	}
	c := stored.Clone()
	if err := change(&c); err != nil {
		return err
	}
	if c.ID != id {
		return IDChanged(id, c.ID)
	}
	m.customers[id] = c.Clone()
	return nil
}

// Delete implements [Directory]; it deletes the customer's history too.
func (m *MemStore) Delete(ctx context.Context, id ID) error {
	if err := ctxErr(ctx, "delete"); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.customers[id]; !ok {
		return fmt.Errorf("customer: delete %q: %w", id, ErrNotFound)
	}
	for _, e := range m.history[id] {
		switch {
		case e.Order != nil:
			delete(m.orders, e.Order.ID)
		case e.Return != nil:
			delete(m.returns, e.Return.ID)
		case e.Credit != nil:
			delete(m.credits, e.Credit.ID)
		case e.Interaction != nil:
			delete(m.seen, keyOf(*e.Interaction))
		}
	}
	delete(m.history, id)
	delete(m.customers, id)
	return nil
}

func emptyID(record, field string) error {
	return &ValidationError{Record: record + ` ""`, Fields: []FieldError{{Field: field, Code: CodeRequired, Message: "is empty"}}}
}

// AppendOrder implements [HistoryWriter]. A second version of a stored
// order is a [*DuplicateError] naming the first field that differs. An
// equal order whose time, the same instant written in another zone, falls
// on an earlier calendar day ([DateOf]) moves the stored order to that
// day, as [Summarize] counts it, so that the stored history does not
// depend on which delivery came first; the stored lines stay as first
// received.
func (m *MemStore) AppendOrder(ctx context.Context, o Order) error {
	if err := ctxErr(ctx, "append order"); err != nil {
		return err
	}
	if o.ID == "" {
		return emptyID("order", "id")
	}
	o = o.Clone()
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.appendOrder(o)
}

// appendOrder appends o, a copy of the caller's, with m locked.
func (m *MemStore) appendOrder(o Order) error {
	if _, ok := m.customers[o.CustomerID]; !ok {
		return fmt.Errorf("customer: order %q: customer %q: %w", o.ID, o.CustomerID, ErrNotFound)
	}
	if prev, ok := m.orders[o.ID]; ok {
		if err := prev.Conflict(o); err != nil {
			return err
		}
		if DateOf(o.Time) < DateOf(prev.Time) {
			prev.Time = o.Time
			m.orders[o.ID] = prev
			m.retime(o.CustomerID, func(e Event) bool { return e.Order != nil && e.Order.ID == o.ID }, o.Time)
		}
		return nil
	}
	m.orders[o.ID] = o
	m.history[o.CustomerID] = append(m.history[o.CustomerID], Event{Order: &o})
	return nil
}

// retime sets to t, the same instant in another zone, the time of the
// first event of customer id that is picks. The event's record is
// replaced, not changed in place, so that it never shares memory with an
// event a History call has taken.
func (m *MemStore) retime(id ID, is func(Event) bool, t time.Time) {
	h := m.history[id]
	for i, e := range h {
		switch {
		case !is(e):
			continue
		case e.Order != nil:
			o := *e.Order
			o.Time = t
			h[i] = Event{Order: &o}
		case e.Credit != nil:
			c := *e.Credit
			c.Time = t
			h[i] = Event{Credit: &c}
		case e.Interaction != nil:
			x := *e.Interaction
			x.Time = t
			h[i] = Event{Interaction: &x}
		}
		return
	}
}

// earlierDay reports whether t falls on an earlier calendar day than the
// time of the first event of customer id that is picks.
func (m *MemStore) earlierDay(id ID, is func(Event) bool, t time.Time) bool {
	for _, e := range m.history[id] {
		if is(e) {
			return DateOf(t) < DateOf(e.Time())
		}
	}
	return false
}

// AppendReturn implements [HistoryWriter]. A second version of a stored
// return is a [*DuplicateError] naming the first field that differs.
func (m *MemStore) AppendReturn(ctx context.Context, r Return) error {
	if err := ctxErr(ctx, "append return"); err != nil {
		return err
	}
	if r.ID == "" {
		return emptyID("return", "id")
	}
	r = r.Clone()
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.appendReturn(r)
}

// appendReturn appends r, a copy of the caller's, with m locked.
func (m *MemStore) appendReturn(r Return) error {
	if _, ok := m.customers[r.CustomerID]; !ok {
		return fmt.Errorf("customer: return %q: customer %q: %w", r.ID, r.CustomerID, ErrNotFound)
	}
	if prev, ok := m.returns[r.ID]; ok {
		return prev.Conflict(r)
	}
	if o, ok := m.orders[r.OrderID]; !ok || o.CustomerID != r.CustomerID {
		return fmt.Errorf("customer: return %q: order %q of customer %q: %w", r.ID, r.OrderID, r.CustomerID, ErrNotFound)
	}
	m.returns[r.ID] = r
	m.history[r.CustomerID] = append(m.history[r.CustomerID], Event{Return: &r})
	return nil
}

// AppendCredit implements [HistoryWriter]. A second version of a stored
// credit is a [*DuplicateError] naming the first field that differs; an
// equal credit on an earlier calendar day moves the stored one to that
// day, as for orders.
func (m *MemStore) AppendCredit(ctx context.Context, c Credit) error {
	if err := ctxErr(ctx, "append credit"); err != nil {
		return err
	}
	if c.ID == "" {
		return emptyID("credit", "id")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.appendCredit(c)
}

// appendCredit appends c with m locked.
func (m *MemStore) appendCredit(c Credit) error {
	if _, ok := m.customers[c.CustomerID]; !ok {
		return fmt.Errorf("customer: credit %q: customer %q: %w", c.ID, c.CustomerID, ErrNotFound)
	}
	if prev, ok := m.credits[c.ID]; ok {
		if err := prev.Conflict(c); err != nil {
			return err
		}
		if DateOf(c.Time) < DateOf(prev.Time) {
			prev.Time = c.Time
			m.credits[c.ID] = prev
			m.retime(c.CustomerID, func(e Event) bool { return e.Credit != nil && e.Credit.ID == c.ID }, c.Time)
		}
		return nil
	}
	if c.OrderID != "" {
		if o, ok := m.orders[c.OrderID]; !ok || o.CustomerID != c.CustomerID {
			return fmt.Errorf("customer: credit %q: order %q of customer %q: %w", c.ID, c.OrderID, c.CustomerID, ErrNotFound)
		}
	}
	m.credits[c.ID] = c
	m.history[c.CustomerID] = append(m.history[c.CustomerID], Event{Credit: &c})
	return nil
}

// AppendInteraction implements [HistoryWriter]. An equal interaction
// whose time, the same instant written in another zone, falls on an
// earlier calendar day moves the stored one to that day, as for orders.
func (m *MemStore) AppendInteraction(ctx context.Context, i Interaction) error {
	if err := ctxErr(ctx, "append interaction"); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.appendInteraction(i)
}

// appendInteraction appends i with m locked.
func (m *MemStore) appendInteraction(i Interaction) error {
	if _, ok := m.customers[i.CustomerID]; !ok {
		return fmt.Errorf("customer: interaction: customer %q: %w", i.CustomerID, ErrNotFound)
	}
	k := keyOf(i)
	if m.seen[k] {
		if is := func(e Event) bool { return e.Interaction != nil && keyOf(*e.Interaction) == k }; m.earlierDay(i.CustomerID, is, i.Time) {
			m.retime(i.CustomerID, is, i.Time)
		}
		return nil
	}
	m.seen[k] = true
	m.history[i.CustomerID] = append(m.history[i.CustomerID], Event{Interaction: &i})
	return nil
}

// EraseInteractions implements [InteractionEraser] in one step under
// the store's write lock: it drops the customer's interactions from the
// history and forgets them as delivered, so that one delivered again is
// stored again.
func (m *MemStore) EraseInteractions(ctx context.Context, id ID) (int, error) {
	if err := ctxErr(ctx, "erase interactions"); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.customers[id]; !ok {
		return 0, fmt.Errorf("customer: erase the interactions of %q: %w", id, ErrNotFound)
	}
	h := m.history[id]
	kept := make([]Event, 0, len(h))
	n := 0
	for _, e := range h {
		if e.Interaction == nil {
			kept = append(kept, e)
			continue
		}
		delete(m.seen, keyOf(*e.Interaction))
		n++
	}
	if n > 0 {
		// A new slice: a History call's snapshot keeps the old one.
		m.history[id] = kept
	}
	return n, nil
}

// AppendChecked implements [CheckedAppender]: check runs once, on a copy
// of the history, while the store is locked for writing, so it must not
// call the store.
func (m *MemStore) AppendChecked(ctx context.Context, e Event, check func(history []Event) error) error {
	if err := ctxErr(ctx, "append"); err != nil {
		return err
	}
	if err := e.checkOne(); err != nil {
		return err
	}
	e = e.clone()
	switch {
	case e.Order != nil && e.Order.ID == "":
		return emptyID("order", "id")
	case e.Return != nil && e.Return.ID == "":
		return emptyID("return", "id")
	case e.Credit != nil && e.Credit.ID == "":
		return emptyID("credit", "id")
	}
	id := e.CustomerID()
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.customers[id]; !ok {
		return fmt.Errorf("customer: append to the history of %q: %w", id, ErrNotFound)
	}
	evs := slices.Clone(m.history[id])
	slices.SortStableFunc(evs, CompareEvents)
	for i := range evs {
		evs[i] = evs[i].clone()
	}
	if err := check(evs); err != nil {
		return err
	}
	switch {
	case e.Order != nil:
		return m.appendOrder(*e.Order)
	case e.Return != nil:
		return m.appendReturn(*e.Return)
	case e.Credit != nil:
		return m.appendCredit(*e.Credit)
	default:
		return m.appendInteraction(*e.Interaction)
	}
}

// History implements [HistoryReader]: a snapshot taken when iteration
// starts, sorted by [CompareEvents].
func (m *MemStore) History(ctx context.Context, id ID) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Event{}, fmt.Errorf("customer: history of %q: %w", id, err))
			return
		}
		m.mu.RLock()
		_, known := m.customers[id]
		evs := slices.Clone(m.history[id])
		m.mu.RUnlock()
		if !known {
			yield(Event{}, fmt.Errorf("customer: history of %q: %w", id, ErrNotFound))
			return
		}
		slices.SortStableFunc(evs, CompareEvents)
		for _, e := range evs {
			if !yield(e.clone(), nil) {
				return
			}
		}
	}
}

// clone returns a copy of e whose record shares no memory with e's.
func (e Event) clone() Event {
	switch {
	case e.Order != nil:
		o := e.Order.Clone()
		return Event{Order: &o}
	case e.Return != nil:
		r := e.Return.Clone()
		return Event{Return: &r}
	case e.Credit != nil:
		c := *e.Credit
		return Event{Credit: &c}
	case e.Interaction != nil:
		i := *e.Interaction
		return Event{Interaction: &i}
	}
	return Event{}
}
