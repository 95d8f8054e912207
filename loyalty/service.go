package loyalty

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// Service applies events to members' ledgers kept in a [Store]: it loads
// the account, applies the event with [Programme.Apply], and appends the
// entries conditioned on the version it loaded. When another writer got
// there first ([ErrConflict]), it reloads and tries again, up to
// [ServiceOptions.Retries] times. It is safe for concurrent use.
//
// The Service caches each member's account and reads only the entries
// appended since, so an operation costs the new entries, not the whole
// ledger. The cache is only an optimisation: the store is the truth.
//
// A Service needs a compiled programme and a store: one made by
// [NewService] without either (nil, or a nil pointer such as a nil
// *MemStore held in the Store), the zero Service and a nil *Service
// refuse every call with an error matching [customer.ErrInvalid] that
// names what is missing ("programme", "store"); nothing is stored.
//
// The service trusts the now it is given unless the host wires its
// clock ([ServiceOptions].Clock): a now in the future brings the ledger
// up to it for good (see "A wrong now" in the package documentation).
type Service struct {
	programme *Programme
	store     Store
	retries   int
	// clock and maxAhead are the guard of [ServiceOptions].Clock; nil
	// clock: none.
	clock    func() time.Time
	maxAhead time.Duration
	// nilStore is set by NewService when store holds a nil pointer, func
	// or chan (not nil as an interface, yet unusable).
	nilStore bool

	mu    sync.Mutex
	cache map[customer.ID]Account
}

// ServiceOptions configures a [Service]; nil means the defaults.
type ServiceOptions struct {
	// Retries is how many times an append that lost a race is retried.
	// Default 32.
	Retries int
	// NoCache makes every operation replay the member's whole ledger.
	NoCache bool
	// Clock, when set, is the host's clock, and guards the service
	// against a now in the future (a till with a wrong clock, a unit
	// mix-up): [Service.Apply], [Service.ApplyAll] and [Service.TakeGift]
	// read it once per call and refuse a now later than Clock() +
	// MaxAhead with a [*NowAheadError] (matching [ErrNowAhead] and
	// [customer.ErrInvalid]) before the store is read: nothing is read
	// or stored. A now at most MaxAhead ahead, or in the past, is taken
	// as before. The library itself reads no clock: a host passes
	// time.Now, or its own clock. A clock that returns the zero time (1
	// January of year 1: a clock not set) refuses every present-day now.
	//
	// Nil (the default): no guard, as before. A now in the future is
	// then trusted: the ledger is brought up to it (pending points
	// released, lots expired, tier reviews held as of then), and every
	// later call with an earlier now is taken as at that now, since
	// time never runs backwards in a ledger ([Programme.Apply]); see "A
	// wrong now" in the package documentation.
	Clock func() time.Time
	// MaxAhead is how far after Clock() a now may be: the clock drift
	// between the machines that give the now and the host's clock. Zero
	// means [DefaultMaxAhead]; a negative MaxAhead allows none (now may
	// not be after Clock()). Without a Clock it is not used.
	MaxAhead time.Duration
}

// DefaultMaxAhead is the [ServiceOptions].MaxAhead of a service with a
// Clock and no MaxAhead: five minutes, well above the drift of machines
// whose clocks are kept in step (NTP keeps them within a second) and
// the time a message takes to arrive, and far below the errors the
// guard is for (a clock set to another day or year, seconds taken for
// milliseconds). Within it, a now ahead of the real time moves the
// ledger at most that much early: events applied meanwhile at the real
// time are taken as at that now.
const DefaultMaxAhead = 5 * time.Minute

// NewService returns a service for programme p on store s. Without
// either (nil, or s a nil pointer), the service refuses every call with
// an error naming what is missing (see [Service]).
func NewService(p *Programme, s Store, opts *ServiceOptions) *Service {
	sv := &Service{programme: p, store: s, retries: 32, nilStore: isNilValue(s)}
	if opts != nil && opts.Retries > 0 {
		sv.retries = opts.Retries
	}
	if opts != nil && opts.Clock != nil {
		sv.clock, sv.maxAhead = opts.Clock, opts.MaxAhead
		switch {
		case sv.maxAhead == 0:
			sv.maxAhead = DefaultMaxAhead
		case sv.maxAhead < 0:
			sv.maxAhead = 0
		}
	}
	if opts == nil || !opts.NoCache {
		sv.cache = map[customer.ID]Account{}
	}
	return sv
}

// isNilValue reports whether v holds a nil pointer, func or chan: a
// value that is not a nil interface, yet has nothing behind it. A nil
// map or slice is not refused: reading one is well defined (it holds
// nothing), as customer/privacy treats a store kept in one.
func isNilValue(v any) bool {
	if v == nil {
		return false
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return r.IsNil()
	}
	return false
}

// usable returns nil when the service has a compiled programme and a
// store, and otherwise an error matching [customer.ErrInvalid] naming
// every dependency missing, for the operation op on member.
func (s *Service) usable(op string, member customer.ID) error {
	var pr problems
	if s == nil {
		pr.add("service", customer.CodeRequired, "is nil: make one with NewService")
	} else {
		if err := s.programme.usable(); err != nil {
			pr.add("programme", customer.CodeRequired, "is nil or not compiled: give NewService one built by Compile or DecodeProgramme")
		}
		switch {
		case s.store == nil:
			pr.add("store", customer.CodeRequired, "is nil: give NewService a Store, such as NewMemStore()")
		case s.nilStore:
			pr.add("store", customer.CodeRequired, "is a nil %T: give NewService a Store, such as NewMemStore()", s.store)
		}
	}
	return pr.err(fmt.Sprintf("loyalty service: %s for member %q", op, member))
}

// ahead returns a [*NowAheadError] when s has a clock and now is later
// than its reading plus the tolerance, for the operation op on member;
// nil otherwise. It reads the clock once.
func (s *Service) ahead(op string, member customer.ID, now time.Time) error {
	if s.clock == nil {
		return nil
	}
	if c := s.clock(); now.After(c.Add(s.maxAhead)) {
		return &NowAheadError{Op: op, Member: member, Now: now, Clock: c, MaxAhead: s.maxAhead}
	}
	return nil
}

// Programme returns the service's programme; nil for a nil Service.
func (s *Service) Programme() *Programme {
	if s == nil {
		return nil
	}
	return s.programme
}

// Account returns the member's account as stored, without bringing it up
// to any time. An unknown member has the zero Account. A ledger that
// does not replay ([Replay]) returns an error wrapping [ErrCorrupt] that
// names the entry, and so does every operation on the member. The tier
// of a member that the programme dropped, renamed or renumbered since
// the ledger named it is as stored (Level, [Account.LevelName]) until the next
// event applied records the move; [Programme.Tier] reads the tier held
// ([TierConfig].Levels).
func (s *Service) Account(ctx context.Context, member customer.ID) (Account, error) {
	if err := s.usable("account", member); err != nil {
		return Account{}, err
	}
	return s.load(ctx, member)
}

func (s *Service) load(ctx context.Context, member customer.ID) (Account, error) {
	var a Account
	if s.cache != nil {
		s.mu.Lock()
		a = s.cache[member]
		s.mu.Unlock()
	}
	entries, err := s.store.Entries(ctx, member, a.Version)
	if err != nil {
		return Account{}, fmt.Errorf("loyalty: load member %q: %w", member, err)
	}
	if len(entries) == 0 {
		return a, nil
	}
	next, err := a.With(entries...)
	if err != nil {
		return Account{}, fmt.Errorf("loyalty: load member %q: %w", member, err)
	}
	s.remember(next)
	return next, nil
}

func (s *Service) remember(a Account) {
	if s.cache == nil || a.Member == "" {
		return
	}
	s.mu.Lock()
	if old, ok := s.cache[a.Member]; !ok || old.Version < a.Version {
		s.cache[a.Member] = a
	}
	s.mu.Unlock()
}

// Apply applies e to its member's ledger at time now and stores the
// entries. It returns the account after them and the entries appended.
// Errors are those of [Programme.Apply] (a redelivered event returns a
// [*DuplicateError] and changes nothing), the store's errors wrapped, or
// an error matching [ErrConflict] when every retry lost a race.
//
// An [Erasure] is stored with [Eraser.Erase], which blanks the birthday
// in the stored entries as it appends the erasure entry, and the entries
// appended with it are stored and returned in their [Entry.Erased] form
// (a join or a birthday change applied in one [Service.ApplyAll] with
// the erasure keeps no birthday either); on a store that
// is not an [Eraser] it is refused with an error matching
// [errors.ErrUnsupported] and nothing is stored. An Erasure delivered
// again returns its [*DuplicateError] as any event, after erasing again
// what a ledger written otherwise (its erasure entry appended by
// [Store.Append]) may still hold.
//
// With a Clock ([ServiceOptions].Clock), a now later than the clock's
// reading plus MaxAhead is refused with a [*NowAheadError] naming the
// operation "apply" and the member, before the store is read: nothing is
// stored, and a redelivered event is not answered either. Without one,
// a now in the future is trusted (see [ServiceOptions].Clock).
func (s *Service) Apply(ctx context.Context, e Event, now time.Time) (Account, []Entry, error) {
	if e == nil {
		return Account{}, nil, errors.New("loyalty: nil event")
	}
	if err := s.usable("apply", e.MemberID()); err != nil {
		return Account{}, nil, err
	}
	if err := s.ahead("apply", e.MemberID(), now); err != nil {
		return Account{}, nil, err
	}
	return s.apply(ctx, e, now)
}

// apply is [Service.Apply] of e, not nil, on a usable service, now
// checked.
func (s *Service) apply(ctx context.Context, e Event, now time.Time) (Account, []Entry, error) {
	a, entries, err := s.append(ctx, e.MemberID(), func(a Account) (Account, []Entry, error) {
		return s.programme.Apply(a, e, now)
	})
	var dup *DuplicateError
	if _, ok := e.(Erasure); ok && errors.As(err, &dup) && dup.Same {
		if er, ok := s.store.(Eraser); ok {
			if ferr := er.Erase(ctx, dup.Member, a.Version, nil); ferr != nil && !errors.Is(ferr, ErrConflict) {
				return a, nil, fmt.Errorf("loyalty: erase member %q again: %w", dup.Member, ferr)
			}
		}
	}
	return a, entries, err
}

// ApplyAll applies events, in order, to one member's ledger at time now,
// each seeing the entries of those before it, and stores all their
// entries in one [Store.Append]: they take effect together or not at all.
// A checkout that pays with points is a [Redemption] followed by the
// [Purchase] of the order ([Quote.Checkout] makes both); applied with ApplyAll, a
// purchase that is refused leaves the points unspent, and a store fault
// leaves neither.
//
// Every event must be about the same member. An event that
// [Programme.Apply] refuses, including one already in the ledger (a
// [*DuplicateError]: delivering the same batch twice takes effect once),
// refuses the whole batch: the error names the event and wraps
// Programme.Apply's, and nothing is stored. Store errors and retries are
// as for [Service.Apply], and so is the storing of an [Erasure], and the
// guard of a Clock, which names the operation "apply all".
func (s *Service) ApplyAll(ctx context.Context, events []Event, now time.Time) (Account, []Entry, error) {
	if len(events) == 0 {
		return Account{}, nil, errors.New("loyalty: no events to apply")
	}
	for i, e := range events {
		switch {
		case e == nil:
			return Account{}, nil, fmt.Errorf("loyalty: events[%d] is nil", i)
		case e.MemberID() != events[0].MemberID():
			return Account{}, nil, fmt.Errorf("loyalty: events[%d] (%T) is for member %q, events[0] (%T) for %q",
				i, e, e.MemberID(), events[0], events[0].MemberID())
		}
	}
	if err := s.usable("apply all", events[0].MemberID()); err != nil {
		return Account{}, nil, err
	}
	if err := s.ahead("apply all", events[0].MemberID(), now); err != nil {
		return Account{}, nil, err
	}
	return s.append(ctx, events[0].MemberID(), func(a Account) (Account, []Entry, error) {
		var all []Entry
		for i, e := range events {
			next, entries, err := s.programme.Apply(a, e, now)
			if err != nil {
				return a, nil, fmt.Errorf("loyalty: events[%d] (%T): %w", i, e, err)
			}
			a, all = next, append(all, entries...)
		}
		return a, all, nil
	})
}

// append loads the member's account, makes entries from it with apply,
// and appends them conditioned on the version loaded, retrying from the
// load when another writer appended first.
func (s *Service) append(ctx context.Context, member customer.ID, apply func(Account) (Account, []Entry, error)) (Account, []Entry, error) {
	var last error
	for attempt := 0; attempt <= s.retries; attempt++ {
		a, err := s.load(ctx, member)
		if err != nil {
			return Account{}, nil, err
		}
		next, entries, err := apply(a)
		if err != nil {
			return a, nil, err
		}
		if len(entries) == 0 {
			return next, nil, nil
		}
		if slices.ContainsFunc(entries, func(e Entry) bool { return e.Kind == EntryErase }) {
			er, ok := s.store.(Eraser)
			if !ok {
				return a, nil, fmt.Errorf("loyalty: erasure for member %q: store %T cannot erase the stored birthday (no Eraser): %w",
					member, s.store, errors.ErrUnsupported)
			}
			// The batch's own entries before the erasure (a join, a
			// birthday change applied with it) are stored erased too.
			erased := make([]Entry, len(entries))
			for i, e := range entries {
				erased[i] = e.Erased()
			}
			entries = erased
			err = er.Erase(ctx, member, a.Version, entries)
		} else {
			err = s.store.Append(ctx, member, a.Version, entries)
		}
		if err == nil {
			s.remember(next)
			return next, entries, nil
		}
		if !errors.Is(err, ErrConflict) && !errors.Is(err, ErrDuplicate) {
			return a, nil, fmt.Errorf("loyalty: append for member %q: %w", member, err)
		}
		last = err
		runtime.Gosched()
	}
	return Account{}, nil, fmt.Errorf("loyalty: member %q: gave up after %d retries: %w", member, s.retries, last)
}
