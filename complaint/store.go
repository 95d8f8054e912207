package complaint

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// ErrNotFound is returned by a [Store] for an unknown case. Listing the
// cases of a customer who has none is not an error: [Store.Cases] returns
// an empty result.
var ErrNotFound = errors.New("complaint: case not found")

// ErrConflict is returned by [Store.Save] when the stored version of the
// case is not the one the new state was computed from: someone else saved
// first. Reload the case and apply the command again.
var ErrConflict = errors.New("complaint: version conflict")

// ErrMismatch is returned by [Store.Save] when the case and the event do
// not belong together (different case IDs, or the event's sequence number
// is not the case's version).
var ErrMismatch = errors.New("complaint: case and event do not match")

// caseError is an error about case id: what was done (op, may be empty)
// and the error err it wraps. Its text names the case once: a leading
// `complaint "<id>": ` of err's text, as a store's or a nested caseError's
// text begins, and the "complaint: " of a bare sentinel such as
// [ErrNotFound] are left out, so that
// `complaint "C-1": accept: case not found` does not read
// `complaint "C-1": accept: complaint "C-1": complaint: case not found`.
type caseError struct {
	id  ID
	op  string
	err error
}

// caseErr returns err about case id and what was done, op, naming the
// case once (see caseError).
func caseErr(id ID, op string, err error) error { return &caseError{id: id, op: op, err: err} }

// Error implements error.
func (e *caseError) Error() string {
	msg := strings.TrimPrefix(e.err.Error(), fmt.Sprintf("complaint %q: ", e.id))
	msg = strings.TrimPrefix(msg, "complaint: ")
	if e.op == "" {
		return fmt.Sprintf("complaint %q: %s", e.id, msg)
	}
	return fmt.Sprintf("complaint %q: %s: %s", e.id, e.op, msg)
}

// Unwrap returns the wrapped error, so that errors.Is finds the sentinel.
func (e *caseError) Unwrap() error { return e.err }

// Store persists cases and their audit trails with optimistic
// concurrency. Implementations must be safe for concurrent use; ctx is
// never nil. The conformance kit complainttest.TestStore checks every
// sentence below.
//
// Case and customer IDs are kept as given, byte for byte: a Save of a
// case whose ID or complainant the store cannot hold as given (a NUL
// byte, text that is not UTF-8, or too long for an index) returns a
// [*customer.ValidationError] (matching [customer.ErrInvalid]) that names
// the case and the field, and stores nothing, rather than keep the case
// under another ID; an ID never stored is an unknown ID, whatever it
// holds.
type Store interface {
	// Get returns the current case. For an unknown ID it returns an error
	// for which errors.Is(err, ErrNotFound) is true.
	Get(ctx context.Context, id ID) (Case, error)
	// Save stores c and ev together, atomically: afterwards both are
	// stored or neither is. It requires ev.Case == c.ID and
	// ev.Seq == c.Version, else it returns an error matching
	// ErrMismatch. It succeeds only when the stored version is
	// c.Version-1 (0: the case does not exist yet); otherwise it stores
	// nothing and returns an error matching ErrConflict; a store that is
	// an [Eraser] also requires c.Erased to be the stored case's instant,
	// whatever its time zone, to the nanosecond. Of several
	// concurrent Saves of the same version exactly one succeeds. Save
	// must not retain c's or ev's slices or pointers.
	Save(ctx context.Context, c Case, ev Event) error
	// Events returns the case's events ordered by Seq (1, 2, …,
	// Version). For an unknown ID it returns an error matching
	// ErrNotFound. The caller may modify the result.
	Events(ctx context.Context, id ID) ([]Event, error)
	// Cases returns the cases whose current Intake.Complainant is
	// complainant, each as Get returns it (the last saved version),
	// ordered by Opened (the instant; earliest first), then by ID (as
	// Go compares strings). A customer without cases, known or not,
	// gives an empty result and a nil error, not ErrNotFound. A Save
	// that returns an error changes no listing. The caller may modify
	// the result.
	Cases(ctx context.Context, complainant customer.ID) ([]Case, error)
}

// LogLister is implemented by a [Store] that can read the event logs of
// many cases at once: what [Analyze] and [Signals] take, for a whole
// period or the whole population, without one [Store.Cases] call per
// customer and one [Store.Events] call per case. It is optional:
// [Service.Logs] uses it when the Store has it, and says so (an error
// matching errors.ErrUnsupported) when it does not. complainttest.TestStore checks
// an implementation against every sentence below.
type LogLister interface {
	// Logs yields the event log of each case opened in [from, to)
	// (Case.Opened, the time of its recording, compared as an instant,
	// whatever its time zone, to the nanosecond), each log once and
	// whole: every event of the case ordered by Seq, as [Store.Events]
	// returns them, those after to included. Cases come in the order
	// of [Store.Cases]: by Opened, then by ID (as Go compares strings).
	// When to is not after from it yields no log (a done ctx may still
	// yield its error). The logs are one
	// snapshot: they show the store as it was at one instant during the
	// call, each case at one version, and a Save that completes while
	// the iteration runs, by the loop's body too, changes nothing
	// yielded. An error (ctx done, a failing read, a stored event that
	// does not decode) is yielded once, with a nil log, as the last
	// element. The caller may modify the logs yielded. Stopping the
	// iteration early releases whatever it holds.
	Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]Event, error]
}

// MemStore is the in-memory [Store], [Eraser] and [LogLister]. The zero
// value is ready to use.
// It keeps an index of each customer's cases, so that [MemStore.Cases]
// reads only that customer's.
type MemStore struct {
	mu    sync.RWMutex
	cases map[ID]*memEntry
	// byComplainant holds each customer's entries ordered by Opened,
	// then ID; Save keeps it in step with cases.
	byComplainant map[customer.ID][]*memEntry
}

type memEntry struct {
	c      Case
	events []Event
}

var (
	_ Eraser    = (*MemStore)(nil)
	_ LogLister = (*MemStore)(nil)
)

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore { return &MemStore{} }

// Get implements [Store].
func (s *MemStore) Get(_ context.Context, id ID) (Case, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.cases[id]
	if !ok {
		return Case{}, caseErr(id, "", ErrNotFound)
	}
	return e.c.Clone(), nil
}

// Save implements [Store].
func (s *MemStore) Save(_ context.Context, c Case, ev Event) error {
	if ev.Case != c.ID || ev.Seq != c.Version || c.ID == "" {
		return caseErr(c.ID, fmt.Sprintf("event %q/%d for version %d", ev.Case, ev.Seq, c.Version), ErrMismatch)
	}
	c, ev = c.Clone(), ev.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.cases[c.ID]
	stored := 0
	if e != nil {
		stored = e.c.Version
	}
	if stored != c.Version-1 {
		return caseErr(c.ID, fmt.Sprintf("saving version %d over version %d", c.Version, stored), ErrConflict)
	}
	if e != nil && !e.c.Erased.Equal(c.Erased) {
		return caseErr(c.ID, fmt.Sprintf("saving version %d computed from the case before its erasure", c.Version), ErrConflict)
	}
	if e == nil {
		if s.cases == nil {
			s.cases = make(map[ID]*memEntry)
			s.byComplainant = make(map[customer.ID][]*memEntry)
		}
		e = &memEntry{c: c}
		s.cases[c.ID] = e
		s.index(e)
	} else if old := e.c; old.Intake.Complainant != c.Intake.Complainant || !old.Opened.Equal(c.Opened) {
		// The case moves to another customer's list or place.
		s.unindex(e)
		e.c = c
		s.index(e)
	}
	e.c = c
	e.events = append(e.events, ev)
	return nil
}

// casesBefore reports whether a is listed before b: by Opened, then ID.
func casesBefore(a, b Case) bool {
	if d := a.Opened.Compare(b.Opened); d != 0 {
		return d < 0
	}
	return a.ID < b.ID
}

// index inserts e into its complainant's list, in order. s.mu is held.
func (s *MemStore) index(e *memEntry) {
	who := e.c.Intake.Complainant
	list := s.byComplainant[who]
	i := sort.Search(len(list), func(i int) bool { return casesBefore(e.c, list[i].c) })
	s.byComplainant[who] = slices.Insert(list, i, e)
}

// unindex removes e, as it is now, from its complainant's list. s.mu is
// held.
func (s *MemStore) unindex(e *memEntry) {
	who := e.c.Intake.Complainant
	list := s.byComplainant[who]
	if i := slices.Index(list, e); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(s.byComplainant, who)
		return
	}
	s.byComplainant[who] = list
}

// Events implements [Store].
func (s *MemStore) Events(_ context.Context, id ID) ([]Event, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.cases[id]
	if !ok {
		return nil, caseErr(id, "", ErrNotFound)
	}
	out := make([]Event, len(e.events))
	for i, ev := range e.events {
		out[i] = ev.Clone()
	}
	return out, nil
}

// Cases implements [Store]. It reads the customer's cases from an index
// that Save keeps, not by looking at every case.
func (s *MemStore) Cases(_ context.Context, complainant customer.ID) ([]Case, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	list := s.byComplainant[complainant]
	out := make([]Case, len(list))
	for i, e := range list {
		out[i] = e.c.Clone()
	}
	return out, nil
}

// Logs implements [LogLister]. It copies the logs of the cases opened in
// [from, to) under the store's lock, a snapshot, and yields them after
// releasing it, so that the loop's body may use the store.
func (s *MemStore) Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]Event, error] {
	return func(yield func([]Event, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		if !to.After(from) {
			return
		}
		type opened struct {
			c      Case
			events []Event
		}
		var sel []opened
		s.mu.RLock()
		for _, e := range s.cases {
			if !e.c.Opened.Before(from) && e.c.Opened.Before(to) {
				sel = append(sel, opened{e.c, e.events})
			}
		}
		// The events of a stored entry are appended to, never changed in
		// place, except by Erase, which replaces them: copy them under
		// the lock.
		for i := range sel {
			evs := make([]Event, len(sel[i].events))
			for j, ev := range sel[i].events {
				evs[j] = ev.Clone()
			}
			sel[i].events = evs
		}
		s.mu.RUnlock()
		slices.SortFunc(sel, func(a, b opened) int {
			if d := a.c.Opened.Compare(b.c.Opened); d != 0 {
				return d
			}
			return strings.Compare(string(a.c.ID), string(b.c.ID))
		})
		for _, o := range sel {
			if !yield(o.events, nil) {
				return
			}
		}
	}
}

// IDs returns the IDs of the stored cases, sorted.
func (s *MemStore) IDs() []ID {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]ID, 0, len(s.cases))
	for id := range s.cases {
		out = append(out, id)
	}
	sortIDs(out)
	return out
}

// Erase implements [Eraser].
func (s *MemStore) Erase(ctx context.Context, complainant customer.ID, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.byComplainant[complainant]
	for _, e := range list {
		if err := CheckErase(e.c, at); err != nil {
			return err
		}
	}
	for _, e := range list {
		e.c = EraseCase(e.c, at)
		for i, ev := range e.events {
			e.events[i] = EraseEvent(ev, at)
		}
	}
	return nil
}
