package customer

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"
)

// Storage interfaces. The library never stores anything itself: callers
// bring their database through these small interfaces, and the
// conformance kit in package customertest checks that an implementation
// keeps every promise written below. [MemStore] is the in-memory
// implementation. Every method takes a non-nil context first; an
// implementation must return an error wrapping ctx.Err() when the context
// is already done when a call starts.

// Getter reads one customer.
type Getter interface {
	// Get returns the customer with id. It must return an error for which
	// errors.Is(err, ErrNotFound) is true when id is unknown. The customer
	// returned shares no memory with the store: the caller may change it.
	Get(ctx context.Context, id ID) (Customer, error)
}

// BatchGetter is an optional capability of a [Getter] that reads many
// customers in one round trip. [GetMany] uses it when available.
type BatchGetter interface {
	// GetMany returns the customers with ids, in the order of ids. It
	// must return an error for which errors.Is(err, ErrNotFound) is true,
	// and no customers, when any id is unknown.
	GetMany(ctx context.Context, ids []ID) ([]Customer, error)
}

// GetMany returns the customers with ids, in the order of ids, through
// g's [BatchGetter] method when it has one and one Get at a time
// otherwise. An unknown id gives an error wrapping [ErrNotFound].
func GetMany(ctx context.Context, g Getter, ids []ID) ([]Customer, error) {
	if b, ok := g.(BatchGetter); ok {
		return b.GetMany(ctx, ids)
	}
	out := make([]Customer, 0, len(ids))
	for _, id := range ids {
		c, err := g.Get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("customer: get %q: %w", id, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// Lister reads all customers.
type Lister interface {
	// List yields every customer, sorted by ID (byte-wise string order),
	// each once. An error is yielded as the last element, with a zero
	// Customer. Customers yielded share no memory with the store. A store
	// may be changed while a List is under way; the listing then reflects
	// the store at some instant during the call or, for a store that
	// pages, each page such an instant.
	List(ctx context.Context) iter.Seq2[Customer, error]
}

// Directory holds customers: the storage behind the customer directory
// of an ERP or shop. (It is not called Store because [Store] is the
// channel of a physical shop.)
//
// IDs are kept as given, byte for byte, in a Directory and in a
// [HistoryStore]: a write whose customer, order, return or credit ID, or
// whose interaction subject, the store cannot hold as given (a NUL byte,
// text that is not UTF-8, or too long for an index) returns a
// [*ValidationError] (matching ErrInvalid) that names the record and the
// field, and stores nothing, rather than keep the record under another
// ID; an ID never stored is an unknown ID, whatever it holds.
type Directory interface {
	Getter
	Lister
	// Put stores c, replacing the customer with the same ID. It must
	// reject an empty ID with an error for which errors.Is(err,
	// ErrInvalid) is true and store nothing. Put must not retain c's
	// slices or Trade: changing them afterwards does not change the
	// store. Checking the rest of c is the caller's job
	// ([Customer.Validate]). A store that also keeps histories
	// ([HistoryStore]) keeps the history of the customer that c
	// replaces: correcting a customer's data, withdrawing a consent or
	// erasing the personal data with [Customer.Anonymize] leaves the
	// orders, returns, credits and interactions in place (a store that is
	// an [InteractionEraser] deletes the interactions on request).
	Put(ctx context.Context, c Customer) error
	// Delete removes the customer with id. It must return an error for
	// which errors.Is(err, ErrNotFound) is true when id is unknown. A
	// store that also keeps the customer's history ([HistoryStore])
	// erases it in the same step, as a request to erase personal data
	// needs: afterwards History fails with ErrNotFound, and once the
	// customer is Put again it starts with an empty history, in which
	// the erased orders', returns' and credits' IDs may be used again.
	Delete(ctx context.Context, id ID) error
}

// Updater is an optional capability of a [Directory] that changes one
// customer in one atomic step. A Get, a change and a Put are three steps:
// two writers that each read a customer, change a different field and
// put it back lose one change, as Put replaces the whole record (a
// profile update read before a consent was withdrawn would give the
// consent back). Callers find the capability by type assertion, as
// [BatchGetter]; [MemStore] has it.
type Updater interface {
	// Update reads the customer with id, calls change once with a copy
	// that shares no memory with the store, and stores the changed copy
	// in its place, as Put does (a store that keeps histories keeps the
	// customer's history). The read and the write are one atomic step
	// with respect to every other Update, Put and Delete of the store —
	// for a store in a database, also those of other connections and
	// processes on that database — so concurrent Updates of one
	// customer each see the one before and every change is kept.
	//
	// It must return an error for which errors.Is(err, ErrNotFound) is
	// true, without calling change, when id is unknown. When change
	// returns an error, Update stores nothing and returns that error,
	// unchanged or wrapped so that errors.Is and errors.As find it. When
	// change alters the customer's ID, Update stores nothing and returns
	// an error for which errors.Is(err, ErrInvalid) is true ([IDChanged]
	// makes one): Update changes a customer, it does not rename one.
	// Update must not retain the slices or Trade of the copy it gave
	// change: changing them after Update returned does not change the
	// store.
	//
	// Like Put, Update does not validate the changed customer: that is
	// the caller's job, and change may return the error of
	// [Customer.Validate] to store nothing. A store refuses, as Put
	// does, what it cannot hold. change runs while the store holds the
	// customer (or the whole store) locked: it must be quick and must
	// not call the store, on which it would wait for itself. Update
	// must return an error wrapping ctx.Err(), without calling change,
	// when the context is done when the call starts; a store that waits
	// on a database for the lock stops waiting when the context is done,
	// and then stores nothing.
	Update(ctx context.Context, id ID, change func(*Customer) error) error
}

// Inserter is an optional capability of a [Directory] that stores a new
// customer only when its ID is free. Put replaces: two requests that
// each register a new customer under one ID (two shop servers, a retry
// racing the first attempt) both succeed, and the later one silently
// replaces the first registration, its consents with it. Callers find
// the capability by type assertion, as [Updater]; [MemStore] has it.
type Inserter interface {
	// Insert stores c when no customer with c.ID is stored. When one is,
	// Insert stores nothing and returns nil if the stored customer equals
	// c ([Customer.Equal]: the same registration delivered again) and
	// otherwise an error for which errors.Is(err, ErrDuplicate) is true.
	// The look-up and the write are one atomic step with respect to
	// every other Insert, Put, Update and Delete of the store — for a
	// store in a database, also those of other connections and processes
	// on that database — so of concurrent Inserts of one ID with
	// different customers exactly one stores its customer. It rejects an
	// empty ID as Put does, must not retain c's slices or Trade, and
	// must return an error wrapping ctx.Err(), storing nothing, when the
	// context is done when the call starts. Checking the rest of c is the
	// caller's job ([Customer.Validate]).
	Insert(ctx context.Context, c Customer) error
}

// CustomerTaken returns the error of an [Inserter] whose ID is taken by
// another customer: a [*DuplicateError] on customer id, for which
// errors.Is(err, ErrDuplicate) is true. The stores of this module return
// it; an adapter may too.
func CustomerTaken(id ID) error {
	return &DuplicateError{Record: fmt.Sprintf("customer %q", id), Field: "content"}
}

// IDChanged returns the error of an [Updater] whose change func altered
// the ID of customer id to to: a [*ValidationError] on field "id", for
// which errors.Is(err, ErrInvalid) is true. The stores of this module
// return it; an adapter may too.
func IDChanged(id, to ID) error {
	return &ValidationError{Record: fmt.Sprintf("customer %q", id), Fields: []FieldError{{Field: "id", Code: CodeMismatch,
		Message: fmt.Sprintf("changed to %q: an update keeps the customer's ID", to)}}}
}

// HistoryReader reads a customer's history.
type HistoryReader interface {
	// History yields the events of customer id in time order, each with
	// exactly one record set (see [CompareEvents] for the order of events
	// at the same instant). It must yield a single error wrapping
	// ErrNotFound when id is not a stored customer, and nothing for a
	// customer without history. Records yielded share no memory with the
	// store.
	History(ctx context.Context, id ID) iter.Seq2[Event, error]
}

// HistoryWriter appends to customers' histories. Appends are idempotent:
// delivering a record again is safe, also while the customer is being
// deleted: a record delivered again as its customer's Delete runs
// returns nil or an error wrapping ErrNotFound, never ErrDuplicate, and
// is stored whole or not at all.
type HistoryWriter interface {
	// AppendOrder stores o. It must return an error wrapping ErrNotFound
	// when o.CustomerID is not a stored customer, and one wrapping
	// ErrInvalid when o.ID is empty. When an order with o.ID is already
	// stored (order IDs are unique across customers), it must return nil
	// if that order equals o ([Order.Equal]) and an error wrapping
	// ErrDuplicate otherwise. A failed append stores nothing. Checking the
	// rest of o is the caller's job ([Order.Validate], or
	// [Order.ValidateFor], which also checks the household members its
	// lines name); a store keeps each line's Member as given.
	AppendOrder(ctx context.Context, o Order) error
	// AppendReturn stores r, with the obligations of AppendOrder (return
	// IDs are unique across customers), and must return an error wrapping
	// ErrNotFound when r.OrderID is not a stored order of r.CustomerID.
	// Checking the rest of r is the caller's job
	// ([Return.ValidateAfter]).
	AppendReturn(ctx context.Context, r Return) error
	// AppendCredit stores c, with the obligations of AppendOrder (credit
	// IDs are unique across customers; a credit delivered again is equal
	// by [Credit.Equal]), and must return an error wrapping ErrNotFound
	// when c.OrderID is set and is not a stored order of c.CustomerID.
	// Checking the rest of c is the caller's job ([Credit.Validate], and
	// [Credit.ValidateFor] against its order).
	AppendCredit(ctx context.Context, c Credit) error
	// AppendInteraction stores i. It must return an error wrapping
	// ErrNotFound when i.CustomerID is not a stored customer. An
	// interaction equal to one already stored ([Interaction.Equal]) is
	// the same fact delivered again: nil, and nothing stored.
	AppendInteraction(ctx context.Context, i Interaction) error
}

// HistoryStore reads and appends customers' histories.
type HistoryStore interface {
	HistoryReader
	HistoryWriter
}

// CheckedAppender is an optional capability of a [HistoryStore] that
// appends a record only when a check of the customer's history, made in
// the same atomic step, allows it. A History call, a check and an append
// are three steps: two writers that each read a history, find that an
// order still has units to return and append a return of them, bring
// back more than was sold between them. [Recorder] uses the capability,
// found by type assertion as [Updater], to check each record against the
// history it is appended to, across processes on one database.
type CheckedAppender interface {
	// AppendChecked reads the history of the customer of e's record (e
	// holds exactly one record), calls check once with it — the events
	// in time order, as History yields them, sharing no memory with the
	// store — and, when check returns nil, appends the record with the
	// obligations of the [HistoryWriter] method of its kind: a record
	// equal to a stored one is a no-op, another under a stored ID an
	// error wrapping ErrDuplicate, an unknown customer or order an error
	// wrapping ErrNotFound. The read and the append are one atomic step
	// with respect to every other AppendChecked of that customer — for a
	// store in a database, also those of other connections and processes
	// on that database — so the check sees every record such a call
	// appended before, and no record is appended between the check and
	// the append by another AppendChecked.
	//
	// It must return an error wrapping ErrNotFound, without calling
	// check, when the customer is unknown, and one wrapping ErrInvalid,
	// without calling check, when e holds no record or more than one.
	// When check returns an error, AppendChecked stores nothing and
	// returns that error, unchanged or wrapped so that errors.Is and
	// errors.As find it. check runs while the store holds the customer
	// (or the whole store) locked: it must be quick and must not call the
	// store. AppendChecked must return an error wrapping ctx.Err(),
	// without calling check, when the context is done when the call
	// starts.
	AppendChecked(ctx context.Context, e Event, check func(history []Event) error) error
}

// InteractionEraser is an optional capability of a [HistoryStore] that
// deletes a customer's interactions and keeps the rest of the history.
// Visits, wish lists, carts, survey answers and the other
// [Interaction]s are no records that a law requires to be kept, unlike
// orders, returns and credits (accounting); a request to erase personal
// data (GDPR art. 17, PIPL art. 47) that keeps the customer needs them
// gone. Callers find the capability by type assertion, as [Updater];
// [MemStore] has it, and package privacy's Erase uses it.
type InteractionEraser interface {
	// EraseInteractions deletes every interaction of customer id and
	// returns how many it deleted. The customer's orders, returns and
	// credits, and every record of other customers, stay as they are.
	// It must return an error wrapping ErrNotFound when id is not a
	// stored customer, and (0, nil) when the customer has no interaction:
	// calling it again is a no-op. A failed call deletes nothing.
	//
	// The deletion is one atomic step with respect to every append,
	// EraseInteractions and Delete of the store — for a store in a
	// database, also those of other connections and processes on that
	// database: an interaction appended concurrently is either stored
	// before the step, deleted with the others and counted, or stored
	// after it and kept; none is deleted without being counted, counted
	// by two calls, or half deleted. After the call, an interaction equal
	// to a deleted one is no longer stored: delivering it again
	// ([HistoryWriter.AppendInteraction]) stores it again, as a new fact.
	// It must return an error wrapping ctx.Err(), deleting nothing, when
	// the context is done when the call starts.
	EraseInteractions(ctx context.Context, id ID) (int, error)
}

// Append appends the one record e holds to w with the [HistoryWriter]
// method of its kind. An event with no record or more than one is an
// error wrapping [ErrInvalid], and w is not called.
func Append(ctx context.Context, w HistoryWriter, e Event) error {
	if err := e.checkOne(); err != nil {
		return err
	}
	switch {
	case e.Order != nil:
		return w.AppendOrder(ctx, *e.Order)
	case e.Return != nil:
		return w.AppendReturn(ctx, *e.Return)
	case e.Credit != nil:
		return w.AppendCredit(ctx, *e.Credit)
	default:
		return w.AppendInteraction(ctx, *e.Interaction)
	}
}

// CustomerID returns the customer of the record e holds; empty when it
// holds none.
func (e Event) CustomerID() ID {
	switch {
	case e.Order != nil:
		return e.Order.CustomerID
	case e.Return != nil:
		return e.Return.CustomerID
	case e.Credit != nil:
		return e.Credit.CustomerID
	case e.Interaction != nil:
		return e.Interaction.CustomerID
	}
	return ""
}

// checkOne returns an error wrapping [ErrInvalid] unless e holds exactly
// one record.
func (e Event) checkOne() error {
	if n := e.records(); n != 1 {
		return fmt.Errorf("customer: an event holds %d records, want one: %w", n, ErrInvalid)
	}
	return nil
}

// rank orders the kinds of events at one instant: an order before
// its returns, then credits, interactions last.
func (e Event) rank() int {
	switch {
	case e.Order != nil:
		return 0
	case e.Return != nil:
		return 1
	case e.Credit != nil:
		return 2
	}
	return 3
}

// CompareEvents orders events as [HistoryReader.History] yields them: by
// time; at the same instant orders first, then returns, then credits,
// then interactions; then orders, returns and credits by ID, interactions
// by kind and subject. It returns -1, 0 or +1.
func CompareEvents(a, b Event) int {
	if c := a.Time().Compare(b.Time()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.rank(), b.rank()); c != 0 {
		return c
	}
	switch {
	case a.Order != nil && b.Order != nil:
		return strings.Compare(a.Order.ID, b.Order.ID)
	case a.Return != nil && b.Return != nil:
		return strings.Compare(a.Return.ID, b.Return.ID)
	case a.Credit != nil && b.Credit != nil:
		return strings.Compare(a.Credit.ID, b.Credit.ID)
	case a.Interaction != nil && b.Interaction != nil:
		if c := cmp.Compare(a.Interaction.Kind, b.Interaction.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Interaction.Subject, b.Interaction.Subject)
	}
	return 0
}

// SummarizeHistory builds the summary of customer id as of asOf from its
// history in h, as [Summarize] does from a stream; a nil iterator from
// h.History is an empty history. An error of the store
// (such as one wrapping [ErrNotFound] for an unknown customer) stops it
// and is returned, wrapped in `customer: history of "id"` unless its
// message names the customer already (as the stores of this module do),
// so that the customer is named once.
func SummarizeHistory(ctx context.Context, h HistoryReader, id ID, k Kind, asOf time.Time, opts *SummaryOptions) (Summary, error) {
	var storeErr error
	events := func(yield func(Event) bool) {
		seq := h.History(ctx, id)
		if seq == nil {
			return
		}
		for e, err := range seq {
			if err != nil {
				storeErr = err
				return
			}
			if !yield(e) {
				return
			}
		}
	}
	s, err := Summarize(id, k, asOf, events, opts)
	if storeErr != nil {
		if strings.Contains(storeErr.Error(), strconv.Quote(string(id))) {
			return Summary{}, storeErr
		}
		return Summary{}, fmt.Errorf("customer: history of %q: %w", id, storeErr)
	}
	return s, err
}
