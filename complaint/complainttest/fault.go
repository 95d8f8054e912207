package complainttest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// ErrInjected is the error a [FaultStore] returns for an injected fault.
var ErrInjected = errors.New("complainttest: injected fault")

// FaultStore wraps a [complaint.Store] and fails chosen calls, to prove
// that a failed save leaves no half-applied case and that retrying gives
// the result a fault-free run gives. Calls to Get, Save, Events, Cases,
// Erase and Logs are counted together, from 1. It is safe for
// concurrent use.
//
// It is a [complaint.Eraser] and a [complaint.LogLister] whatever it
// wraps: Erase and Logs pass through to a wrapped store that is one, and
// refuse otherwise (see [FaultStore.Erase], [FaultStore.Logs]), so that
// code which finds these by a type assertion reaches the wrapped store's.
type FaultStore struct {
	// Store is the wrapped store.
	Store complaint.Store
	// FailCall fails the call with this number; 0 never.
	FailCall int
	// FailEvery fails every call whose number is a multiple of it; 0
	// never.
	FailEvery int
	// LoseAck makes a failing Save or Erase first reach the wrapped
	// store (the write happens, its acknowledgement is lost); otherwise a
	// failing call never reaches it.
	LoseAck bool

	mu     sync.Mutex
	calls  int
	faults int
}

var (
	_ complaint.Eraser    = (*FaultStore)(nil)
	_ complaint.LogLister = (*FaultStore)(nil)
)

// fail counts a call and reports whether it fails.
func (s *FaultStore) fail() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	f := s.calls == s.FailCall || (s.FailEvery > 0 && s.calls%s.FailEvery == 0)
	if f {
		s.faults++
	}
	return f
}

// Calls returns the number of calls so far, and Faults the number that
// failed.
func (s *FaultStore) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Faults returns the number of injected faults so far.
func (s *FaultStore) Faults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// Get implements [complaint.Store].
func (s *FaultStore) Get(ctx context.Context, id complaint.ID) (complaint.Case, error) {
	if s.fail() {
		return complaint.Case{}, ErrInjected
	}
	return s.Store.Get(ctx, id)
}

// Save implements [complaint.Store].
func (s *FaultStore) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	if s.fail() {
		if s.LoseAck {
			_ = s.Store.Save(ctx, c, ev)
		}
		return ErrInjected
	}
	return s.Store.Save(ctx, c, ev)
}

// Events implements [complaint.Store].
func (s *FaultStore) Events(ctx context.Context, id complaint.ID) ([]complaint.Event, error) {
	if s.fail() {
		return nil, ErrInjected
	}
	return s.Store.Events(ctx, id)
}

// Cases implements [complaint.Store].
func (s *FaultStore) Cases(ctx context.Context, complainant customer.ID) ([]complaint.Case, error) {
	if s.fail() {
		return nil, ErrInjected
	}
	return s.Store.Cases(ctx, complainant)
}

// Erase implements [complaint.Eraser] when the wrapped store does: it
// counts and fails as a Save (with LoseAck the erasure happens and its
// acknowledgement is lost). Over a store that is not an Eraser it
// returns an error matching [errors.ErrUnsupported], counts nothing and
// changes nothing.
func (s *FaultStore) Erase(ctx context.Context, complainant customer.ID, at time.Time) error {
	e, ok := s.Store.(complaint.Eraser)
	if !ok {
		return fmt.Errorf("complainttest: erase the cases of customer %q: %T is not a complaint.Eraser: %w", complainant, s.Store, errors.ErrUnsupported)
	}
	if s.fail() {
		if s.LoseAck {
			_ = e.Erase(ctx, complainant, at)
		}
		return ErrInjected
	}
	return e.Erase(ctx, complainant, at)
}

// Logs implements [complaint.LogLister] when the wrapped store does: the
// iteration counts as one call, and a failing one yields ErrInjected
// alone, without reaching the wrapped store. Over a store that is not a
// LogLister it yields one error matching [errors.ErrUnsupported] and
// counts nothing.
func (s *FaultStore) Logs(ctx context.Context, from, to time.Time) iter.Seq2[[]complaint.Event, error] {
	return func(yield func([]complaint.Event, error) bool) {
		ll, ok := s.Store.(complaint.LogLister)
		if !ok {
			yield(nil, fmt.Errorf("complainttest: logs: %T is not a complaint.LogLister: %w", s.Store, errors.ErrUnsupported))
			return
		}
		if s.fail() {
			yield(nil, ErrInjected)
			return
		}
		for log, err := range ll.Logs(ctx, from, to) {
			if !yield(log, err) {
				return
			}
		}
	}
}
