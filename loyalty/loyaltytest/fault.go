package loyaltytest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// ErrInjected is the error a [FaultStore] returns by default.
var ErrInjected = errors.New("loyaltytest: injected fault")

// Fault says which calls of one method of a [FaultStore] fail.
type Fault struct {
	// Call fails the Call-th call (from 1); 0 fails none by number.
	Call int
	// Every fails every Every-th call; 0 fails none by period.
	Every int
	// AfterWrite, for Append, performs the append before returning the
	// error: the write happened but the caller never heard of it, as when
	// a connection drops after the commit. Otherwise the call fails
	// before it reaches the store.
	AfterWrite bool
}

func (f Fault) hits(n int) bool {
	return (f.Call > 0 && n == f.Call) || (f.Every > 0 && n%f.Every == 0)
}

// FaultStore wraps a [loyalty.Store] and fails chosen calls, to prove that
// a failed append changes nothing and that redelivering an event after a
// fault takes effect exactly once. It is safe for concurrent use. One
// that wraps no store (Store nil, or a nil pointer) refuses every call
// with an error matching [customer.ErrInvalid] naming the field.
type FaultStore struct {
	// Store is the wrapped store.
	Store loyalty.Store
	// FailAppend and FailEntries choose the failing calls of each
	// method; FailAppend counts the calls of Erase with those of Append.
	FailAppend  Fault
	FailEntries Fault
	// Err is the error returned; nil means [ErrInjected].
	Err error

	mu                         sync.Mutex
	appendCalls, entriesCalls  int
	injectedAppend, injectedEn int
}

var _ loyalty.Eraser = (*FaultStore)(nil)

// missing returns the error of a call on a FaultStore whose Store is
// nil or a nil pointer, nil when it has one.
func (f *FaultStore) missing(op string, member customer.ID) error {
	if f.Store != nil {
		if v := reflect.ValueOf(f.Store); v.Kind() != reflect.Pointer || !v.IsNil() {
			return nil
		}
	}
	return customer.Invalid(fmt.Sprintf("loyaltytest: %s for member %q", op, member), []customer.FieldError{{
		Field: "FaultStore.Store", Code: customer.CodeRequired,
		Message: fmt.Sprintf("is a nil %T: give the FaultStore a store to wrap, such as loyalty.NewMemStore()", f.Store)}})
}

func (f *FaultStore) err() error {
	if f.Err != nil {
		return f.Err
	}
	return ErrInjected
}

// Injected returns how many faults were injected so far, by method.
func (f *FaultStore) Injected() (appends, entries int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.injectedAppend, f.injectedEn
}

// Entries implements [loyalty.Store].
func (f *FaultStore) Entries(ctx context.Context, member customer.ID, after int64) ([]loyalty.Entry, error) {
	if err := f.missing("entries", member); err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.entriesCalls++
	fail := f.FailEntries.hits(f.entriesCalls)
	if fail {
		f.injectedEn++
	}
	f.mu.Unlock()
	if fail {
		return nil, f.err()
	}
	return f.Store.Entries(ctx, member, after)
}

// Append implements [loyalty.Store].
func (f *FaultStore) Append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	if err := f.missing("append", member); err != nil {
		return err
	}
	return f.append(ctx, member, expected, entries, f.Store.Append)
}

// Erase implements [loyalty.Eraser] when the wrapped store does; it
// counts and fails as an Append (FailAppend). Over a store that is not
// an Eraser it returns an error matching [errors.ErrUnsupported] and
// changes nothing.
func (f *FaultStore) Erase(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry) error {
	if err := f.missing("erase", member); err != nil {
		return err
	}
	er, ok := f.Store.(loyalty.Eraser)
	if !ok {
		return fmt.Errorf("loyaltytest: %T is not a loyalty.Eraser: %w", f.Store, errors.ErrUnsupported)
	}
	return f.append(ctx, member, expected, entries, er.Erase)
}

func (f *FaultStore) append(ctx context.Context, member customer.ID, expected int64, entries []loyalty.Entry,
	write func(context.Context, customer.ID, int64, []loyalty.Entry) error) error {
	f.mu.Lock()
	f.appendCalls++
	fail := f.FailAppend.hits(f.appendCalls)
	if fail {
		f.injectedAppend++
	}
	f.mu.Unlock()
	if !fail {
		return write(ctx, member, expected, entries)
	}
	if f.FailAppend.AfterWrite {
		if err := write(ctx, member, expected, entries); err != nil {
			return err
		}
	}
	return f.err()
}
