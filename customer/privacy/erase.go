package privacy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// RecordStore is the customer directory as [Erase] uses it: it reads the
// record and stores it anonymised. [customer.Directory] and
// [customer.MemStore] have these methods, with the obligations written
// on [customer.Getter] and [customer.Directory]: Get of an unknown
// customer is an error matching [customer.ErrNotFound], and Put keeps
// the history of the customer it replaces.
type RecordStore interface {
	customer.Getter
	Put(ctx context.Context, c customer.Customer) error
}

// Targets are the stores [Erase] erases in. Each is optional: a nil
// target is not consulted, and its [Outcome] in the [ErasureReport] stays
// [NotDone]. An interface field holding a nil pointer (a typed nil, such
// as a nil *customer.MemStore) is not a nil target: Erase refuses it.
type Targets struct {
	// Customers is the customer directory: the record is replaced by
	// its [customer.Customer.AnonymizeAt] form.
	Customers RecordStore
	// Interactions is the history store: the customer's interactions
	// are deleted from it ([customer.InteractionEraser]), its orders,
	// returns and credits kept. [customer.MemStore] is one.
	Interactions customer.InteractionEraser
	// Loyalty applies a [loyalty.Erasure] to the member's ledger. Its
	// store must implement [loyalty.Eraser] ([loyalty.MemStore] does),
	// or the erasure fails and the ledger is unchanged.
	Loyalty *loyalty.Service
	// Complaints holds the customer's complaint cases. When it is a
	// [complaint.Eraser] ([complaint.MemStore] is) and none of the cases
	// is open, Erase blanks the customer's own words in them
	// ([complaint.EraseCase]); otherwise it lists the cases as kept
	// ([ErasureReport].KeptCases) for the caller to deal with: an open
	// case is a claim still being handled (GDPR art. 17(3)(e)), and a
	// later Erase, once it is closed, erases them.
	Complaints CaseReader
}

// LedgerErasureID is the ID of the [loyalty.Erasure] that [Erase]
// applies: its entry in the ledger has key "erase:" + LedgerErasureID.
// One fixed ID makes two erasures racing for the same ledger append one
// entry: the second is a redelivery.
const LedgerErasureID = "privacy"

// Outcome is what [Erase] did in one store.
type Outcome uint8

// The outcomes of an erasure in a store.
const (
	// NotDone: the store was not consulted (its target is nil), or the
	// erasure stopped before it could finish there (see [ErasureError]).
	NotDone Outcome = iota
	// NothingHeld: the store holds nothing about the customer.
	NothingHeld
	// Erased: the personal data the store held was erased by this call.
	Erased
	// AlreadyErased: the store held the customer without personal data
	// (an earlier erasure); nothing was written.
	AlreadyErased
	// Kept: the store holds personal data of the customer that it
	// cannot erase (the complaint cases); nothing was written.
	Kept
)

var outcomeNames = [...]string{"not done", "nothing held", "erased", "already erased", "kept"}

// String returns the outcome's name ("erased"), or "Outcome(n)" for an
// undefined value.
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// MarshalText implements [encoding.TextMarshaler]: the name; an undefined
// value is an error.
func (o Outcome) MarshalText() ([]byte, error) {
	if int(o) >= len(outcomeNames) {
		return nil, fmt.Errorf("privacy: undefined outcome %d", o)
	}
	return []byte(outcomeNames[o]), nil
}

// ErasureReport says what [Erase] did, store by store. After an error it
// says what was done before it: an outcome other than [NotDone] is a
// fact of the stores.
type ErasureReport struct {
	// Customer is the customer whose data was erased.
	Customer customer.ID `json:"customer"`
	// Made is the now given to [Erase]: the time of the erasure in the
	// record's consent history and in the ledger.
	Made time.Time `json:"made"`
	// Customers, Loyalty and Complaints are the outcomes in the stores
	// of [Targets] of the same names.
	Customers  Outcome `json:"customers"`
	Loyalty    Outcome `json:"loyalty"`
	Complaints Outcome `json:"complaints"`
	// Interactions is the outcome in the history store of
	// Targets.Interactions: [Erased] when the call deleted interactions,
	// [AlreadyErased] when the store holds the customer without any (none
	// recorded, or erased by an earlier call), [NothingHeld] when it does
	// not hold the customer.
	Interactions Outcome `json:"interactions"`
	// Withdrawn are the consents the erasure withdrew, recorded in the
	// consent history with Source [customer.SourceErasure]; empty when
	// none was given or the record was not erased by this call.
	Withdrawn []customer.Purpose `json:"withdrawn"`
	// KeptCases are the customer's complaint cases when they were kept
	// with the customer's own words in them (outcome [Kept]: a case is
	// open, or the store cannot erase; see [Erase]), in the order the
	// store lists them ([complaint.Store].Cases: by Opened, then ID);
	// empty otherwise.
	KeptCases []complaint.ID `json:"kept_cases"`
}

// ErasureError is the error of [Erase] when a store fails or refuses the
// erasure: it names the store ([SourceCustomers], [SourceHistory] for
// Targets.Interactions, [SourceLoyalty], [SourceComplaints]) and the
// customer, and wraps the store's error.
type ErasureError struct {
	Store    string
	Customer customer.ID
	Err      error
}

// Error names the customer and the store.
func (e *ErasureError) Error() string {
	return "privacy: erasure of customer " + strconv.Quote(string(e.Customer)) + ": " + e.Store + " store: " + e.Err.Error()
}

// Unwrap returns the store's error.
func (e *ErasureError) Unwrap() error { return e.Err }

// Erase erases the personal data of customer id in the stores of t, at
// now, for an erasure request (GDPR art. 17, PIPL art. 47), and reports
// what it did in each ([ErasureReport]).
//
// What is erased:
//
//   - In Customers, the record is replaced by
//     [customer.Customer.AnonymizeAt] of it: name, contact details,
//     birthday, the clothing profile and the household (the names,
//     birthdays and profiles of the people the customer buys for) are
//     gone, and each consent given is withdrawn.
//   - In Loyalty, a [loyalty.Erasure] (ID [LedgerErasureID]) blanks the
//     birthday, the only personal data of a ledger, in every stored
//     entry and in the account; later birthday benefits end.
//   - In Interactions, the customer's interactions (store and site
//     visits, wish lists, carts, survey answers, events attended) are
//     deleted ([customer.InteractionEraser]): no law requires keeping
//     them, and what they say of a person's habits is personal data.
//     One recorded after the erasure (the customer comes back) is a new
//     fact, which a later Erase deletes.
//
// What is kept, and why:
//
//   - The customer ID, kind, role, region, join date and the trade facts
//     of an intermediary, which identify no person.
//   - The consent history, with the withdrawals: the proof that the
//     processing before the erasure had consent (GDPR art. 7(1), art.
//     5(2)), which erasure does not reach (art. 17(3)(e)).
//   - The orders, returns and credits of the history and the points of
//     the ledger: financial and accounting records that the law requires
//     to be kept (GDPR art. 17(3)(b); PIPL art. 47 leaves retention to
//     the laws that require it). Interactions are no such records: they
//     are kept only when Targets.Interactions is nil (outcome [NotDone]),
//     and a caller that passes no interactions target must erase them in
//     its own store. The orders, returns and credits hold no personal
//     data beyond the customer ID and the household member IDs of order
//     lines. When the caller's IDs are themselves personal data (an
//     e-mail address as member number, a first name as member ID), the
//     caller must replace them by pseudonyms, as package customer says
//     on [customer.Customer.Anonymize].
//   - Of the complaint cases, the business record: states, times,
//     amounts, scores, findings, what was paid (art. 17(3)(b) and (e)).
//     The customer's own words in them (the intake's description, demand
//     and attachments, the feedback's comment, notes of the audit trail)
//     are erased when the store is a [complaint.Eraser] and no case is
//     open; while one is open, or when the store cannot erase, every
//     case is kept as it is and listed ([ErasureReport].KeptCases,
//     outcome [Kept]): the caller decides whether a case is still needed
//     to defend a legal claim, and a later Erase finishes the job.
//
// Erase reads every target and anonymises the record before writing
// anything, then erases the ledger first, the complaint cases next, the
// interactions then and stores the record last: a store failing to read
// or a refused erasure (now before the last consent change of the
// record or before its Joined, before the member joined the programme
// or before the last event of a complaint case to erase
// ([complaint.CheckErase]), or a
// loyalty store that is not a [loyalty.Eraser]) changes nothing, and a
// record without personal data means that the erasure is complete;
// until then the directory keeps what a caller needs to find the
// customer again. The interactions store has nothing to check: its
// EraseInteractions is one atomic step that refuses nothing but an
// unknown customer, and an interaction recorded while Erase runs is
// either deleted with the others or kept, for the next Erase. On a directory that is a
// [customer.Updater] ([customer.MemStore] is), the record is anonymised
// and stored in one atomic step from the record as it is then, so that a
// change made while Erase runs (a consent given at the till) is not
// overwritten: its evidence stays in the consent history, with its
// withdrawal. Otherwise the record read first is stored with Put.
//
// Erase is idempotent: a store that holds the customer without personal
// data is not written ([AlreadyErased]; a complaint case counts as
// erased when nothing was recorded in it since its erasure; the
// interactions store deletes nothing when it holds none), so erasing
// twice is a no-op the second time, and calling Erase again after an
// error completes the erasure. When a store fails, Erase returns an [*ErasureError] naming
// it, with the report of what was done before.
//
// A customer no target holds anything about is an
// [*UnknownCustomerError]. A record or case of another customer returned
// by a store is an error matching [ErrForeignRecord]. An empty or blank
// id, a zero now, or a target of t that holds a nil pointer or func (a
// typed nil, not a nil interface) is an error matching
// [customer.ErrInvalid], naming each such field ("Targets.Interactions"),
// returned before any store is read or written. The
// Withdrawn and KeptCases of the report are never nil.
func Erase(ctx context.Context, id customer.ID, t Targets, now time.Time) (ErasureReport, error) {
	if strings.TrimSpace(string(id)) == "" {
		return ErasureReport{}, fmt.Errorf("privacy: erasure: customer id %q is empty or blank: %w", id, customer.ErrInvalid)
	}
	if now.IsZero() {
		return ErasureReport{}, fmt.Errorf("privacy: erasure of customer %q: now is zero: the time of the erasure is required, since the consent history and the ledger record it: %w", id, customer.ErrInvalid)
	}
	if err := checkStores("erasure", id,
		// Targets.Loyalty is a pointer: nil is a nil target.
		store{"Targets.Customers", t.Customers}, store{"Targets.Interactions", t.Interactions},
		store{"Targets.Complaints", t.Complaints}); err != nil {
		return ErasureReport{}, err
	}
	r := ErasureReport{Customer: id, Made: now, Withdrawn: []customer.Purpose{}, KeptCases: []complaint.ID{}}
	fail := func(store string, err error) (ErasureReport, error) {
		return r, &ErasureError{Store: store, Customer: id, Err: err}
	}
	known := false

	// Read and check everything first.
	var record, anonymised *customer.Customer
	if t.Customers != nil {
		c, err := t.Customers.Get(ctx, id)
		switch {
		case errors.Is(err, customer.ErrNotFound):
			r.Customers = NothingHeld
		case err != nil:
			return fail(SourceCustomers, err)
		case c.ID != id:
			return fail(SourceCustomers, foreign("customer", "", c.ID))
		case anonymous(c):
			known, r.Customers = true, AlreadyErased
		default:
			a, err := c.AnonymizeAt(now)
			if err != nil {
				return fail(SourceCustomers, err)
			}
			known, record, anonymised = true, &c, &a
		}
	}
	erasure := loyalty.Erasure{Member: id, ID: LedgerErasureID, Time: now}
	eraseLedger, eraseCases := false, false
	if t.Loyalty != nil {
		a, err := t.Loyalty.Account(ctx, id)
		switch {
		case err != nil:
			return fail(SourceLoyalty, err)
		case a.Version == 0:
			r.Loyalty = NothingHeld
		case !a.Erased.IsZero():
			known, r.Loyalty = true, AlreadyErased
		default:
			// Checked as it is written: the ledger is written first.
			known, eraseLedger = true, true
		}
	}
	if t.Complaints != nil {
		cases, err := t.Complaints.Cases(ctx, id)
		if err != nil {
			return fail(SourceComplaints, err)
		}
		kept := make([]complaint.ID, 0, len(cases))
		open, erased := false, 0
		for _, c := range cases {
			if c.Intake.Complainant != id {
				return fail(SourceComplaints, foreign("complaint case", string(c.ID), c.Intake.Complainant))
			}
			kept = append(kept, c.ID)
			open = open || c.Open()
			// Erased, and nothing recorded since: a case reopened after
			// an erasure holds new words ([complaint.Case].Erased).
			if !c.Erased.IsZero() && !c.Updated.After(c.Erased) {
				erased++
			}
		}
		_, canErase := t.Complaints.(complaint.Eraser)
		switch {
		case len(kept) == 0:
			r.Complaints = NothingHeld
		case erased == len(kept):
			known, r.Complaints = true, AlreadyErased
		case canErase && !open:
			// Checked before anything is written, as the store
			// checks it: a case whose last event is after now.
			for _, c := range cases {
				if err := complaint.CheckErase(c, now); err != nil {
					return fail(SourceComplaints, err)
				}
			}
			known, eraseCases = true, true
		default:
			known, r.KeptCases, r.Complaints = true, kept, Kept
		}
	}
	if !known && t.Interactions == nil {
		return ErasureReport{}, &UnknownCustomerError{ID: id}
	}

	// Then write: the ledger first, the complaint cases, the
	// interactions, the record last. (A customer no other target holds
	// is written nowhere before the interactions: their store says
	// whether it holds the customer.)
	if eraseLedger {
		_, _, err := t.Loyalty.Apply(ctx, erasure, now)
		var dup *loyalty.DuplicateError
		switch {
		case errors.As(err, &dup) && dup.Key == erasure.Key():
			r.Loyalty = AlreadyErased // erased by another call since it was read
		case err != nil:
			return fail(SourceLoyalty, err)
		default:
			r.Loyalty = Erased
		}
	}
	if eraseCases {
		if err := t.Complaints.(complaint.Eraser).Erase(ctx, id, now); err != nil {
			return fail(SourceComplaints, err)
		}
		r.Complaints = Erased
	}
	if t.Interactions != nil {
		n, err := t.Interactions.EraseInteractions(ctx, id)
		switch {
		case errors.Is(err, customer.ErrNotFound):
			r.Interactions = NothingHeld
		case err != nil:
			return fail(SourceHistory, err)
		case n > 0:
			known, r.Interactions = true, Erased
		default:
			known, r.Interactions = true, AlreadyErased
		}
		if !known {
			return ErasureReport{}, &UnknownCustomerError{ID: id}
		}
	}
	if anonymised != nil {
		if u, ok := t.Customers.(customer.Updater); ok {
			// Anonymise the record as it is now: a change made since it
			// was read (a consent given at the till) stays in the
			// consent history instead of being overwritten.
			record, anonymised = nil, nil
			err := u.Update(ctx, id, func(c *customer.Customer) error {
				if anonymous(*c) {
					return nil
				}
				a, err := c.AnonymizeAt(now)
				if err != nil {
					return err
				}
				before := *c
				record, anonymised, *c = &before, &a, a
				return nil
			})
			switch {
			case errors.Is(err, customer.ErrNotFound):
				r.Customers = NothingHeld // deleted meanwhile
				return r, nil
			case err != nil:
				return fail(SourceCustomers, err)
			case anonymised == nil:
				r.Customers = AlreadyErased // erased by another call meanwhile
				return r, nil
			}
		} else if err := t.Customers.Put(ctx, *anonymised); err != nil {
			return fail(SourceCustomers, err)
		}
		r.Customers = Erased
		for _, ch := range anonymised.ConsentHistory[len(record.ConsentHistory):] {
			r.Withdrawn = append(r.Withdrawn, ch.Purpose)
		}
	}
	return r, nil
}

// anonymous reports whether c holds no personal data and no consent to
// withdraw: [customer.Customer.AnonymizeAt] of it would change nothing.
func anonymous(c customer.Customer) bool {
	a := c.Anonymize()
	a.ConsentHistory = c.ConsentHistory
	if !a.Equal(c) {
		return false
	}
	for _, p := range customer.Purposes() {
		if last, ok := c.LatestConsent(p); ok && last.Given {
			return false
		}
	}
	return true
}
