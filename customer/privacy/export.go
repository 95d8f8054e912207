package privacy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// LedgerReader reads a member's loyalty ledger. [loyalty.Store] and
// [loyalty.MemStore] have this method, with the obligations written on
// [loyalty.Store].Entries: an unknown member has no entries and no error.
type LedgerReader interface {
	Entries(ctx context.Context, member customer.ID, after int64) ([]loyalty.Entry, error)
}

// CaseReader reads a customer's complaint cases and their audit trails.
// [complaint.Store] and [complaint.MemStore] have these methods, with the
// obligations written on [complaint.Store]: Cases of a customer without
// cases is empty, not an error.
type CaseReader interface {
	Cases(ctx context.Context, complainant customer.ID) ([]complaint.Case, error)
	Events(ctx context.Context, id complaint.ID) ([]complaint.Event, error)
}

// Sources are the stores [Export] reads. Each is optional: a nil source is
// not consulted, and the report lists the sources that were
// ([Report].Sources), so that the person can see what the export covers.
// A field holding a nil pointer (a typed nil, such as a nil
// *customer.MemStore) is not a nil source: Export refuses it.
type Sources struct {
	// Customers is the customer directory ([customer.Directory] has it).
	Customers customer.Getter
	// History holds the orders, returns, credits and interactions
	// ([customer.HistoryStore] has it).
	History customer.HistoryReader
	// Loyalty holds the points ledgers ([loyalty.Store] has it).
	Loyalty LedgerReader
	// Complaints holds the complaint cases ([complaint.Store] has it).
	Complaints CaseReader
}

// The names of the sources, as [Report].Sources and [*SourceError] give
// them.
const (
	SourceCustomers  = "customers"
	SourceHistory    = "history"
	SourceLoyalty    = "loyalty"
	SourceComplaints = "complaints"
)

// ErrForeignRecord is matched by the error of [Export] when a source
// returns a record of another customer than the one asked for: handing
// it out would disclose that customer's data, so the export fails. It is
// matched too by the error of [Report.UnmarshalJSON] for a document
// holding such a record.
var ErrForeignRecord = errors.New("privacy: a source returned another customer's record")

// UnknownCustomerError is the error of [Export] when no source consulted
// holds anything about the customer, and of [Erase] when no target does.
// It matches [customer.ErrNotFound] with errors.Is.
type UnknownCustomerError struct {
	ID customer.ID
}

// Error names the customer.
func (e *UnknownCustomerError) Error() string {
	return "privacy: no store consulted holds anything about customer " + strconv.Quote(string(e.ID))
}

// Unwrap returns [customer.ErrNotFound].
func (e *UnknownCustomerError) Unwrap() error { return customer.ErrNotFound }

// SourceError is the error of [Export] when a source fails: it names the
// source ([SourceCustomers], [SourceHistory], [SourceLoyalty],
// [SourceComplaints]) and the customer, and wraps the source's error.
type SourceError struct {
	Source   string
	Customer customer.ID
	Err      error
}

// Error names the customer and the source.
func (e *SourceError) Error() string {
	return "privacy: export of customer " + strconv.Quote(string(e.Customer)) + ": " + e.Source + " store: " + e.Err.Error()
}

// Unwrap returns the source's error.
func (e *SourceError) Unwrap() error { return e.Err }

// Report is what the stores hold about one customer, for a subject-access
// request (GDPR art. 15 and 20, PIPL art. 45). Its JSON form
// ([Report.MarshalJSON], described in the package documentation) is what
// a person is handed; the Go fields are for a caller that renders it
// otherwise.
type Report struct {
	// Customer is the customer the report is about.
	Customer customer.ID
	// Made is when the export was made: the now given to [Export].
	Made time.Time
	// Sources are the sources consulted, in the order of [Sources].
	Sources []string
	// Record is the customer record, personal data, household, consent
	// history and profile included; nil when the directory was not
	// consulted or does not hold the customer (after an erasure, say,
	// while a loyalty ledger is kept).
	Record *customer.Customer
	// Orders, Returns, Credits and Interactions are the customer's
	// history, each in the order of [customer.CompareEvents].
	Orders       []customer.Order
	Returns      []customer.Return
	Credits      []customer.Credit
	Interactions []customer.Interaction
	// Loyalty is the customer's points ledger; nil when the loyalty
	// store was not consulted or holds no entry of the customer.
	Loyalty *Loyalty
	// Complaints are the customer's complaint cases, by Opened then ID.
	Complaints []Complaint
}

// Loyalty is a member's points ledger: the entries as stored and the
// account they fold into ([loyalty.Replay]).
type Loyalty struct {
	// Account is the state of the ledger; its Level is an index into the
	// programme's levels as they were when the ledger recorded it, and
	// [loyalty.Account.LevelName] the tier's name, by which a programme
	// that restructured its tiers since reads the tier held.
	Account loyalty.Account
	// Entries are the ledger's entries, in Seq order.
	Entries []loyalty.Entry
}

// Complaint is one complaint case with its audit trail.
type Complaint struct {
	// Case is the case as last saved.
	Case complaint.Case `json:"case"`
	// Events are its events, in Seq order.
	Events []complaint.Event `json:"events"`
}

// Export gathers what src holds about customer id into one [Report] made
// at now. It reads each source that is not nil: the record from
// Customers, the history from History, the ledger from Loyalty (and
// replays it into the account), the cases and their events from
// Complaints.
//
// A customer unknown to one source may be known to another (the
// directory may have erased a customer whose ledger is kept): the report
// holds what there is. When no source consulted holds anything, Export
// returns an [*UnknownCustomerError]. When a source fails, it returns a
// [*SourceError] naming the source, and no report. When a source returns
// a record of another customer, the error also matches
// [ErrForeignRecord]. An empty or blank id, a zero now, or a source of
// src that holds a nil pointer or func (a typed nil, not a nil
// interface) is an error matching [customer.ErrInvalid], naming each such
// field ("Sources.History"). Every slice of the report is non-nil,
// ordered as documented on [Report] whatever order a source returned, so
// that the same stores give the same report, byte for byte.
func Export(ctx context.Context, id customer.ID, src Sources, now time.Time) (Report, error) {
	if strings.TrimSpace(string(id)) == "" {
		return Report{}, fmt.Errorf("privacy: export: customer id %q is empty or blank: %w", id, customer.ErrInvalid)
	}
	if now.IsZero() {
		return Report{}, fmt.Errorf("privacy: export of customer %q: now is zero: the report records when it was made: %w", id, customer.ErrInvalid)
	}
	if err := checkStores("export", id,
		store{"Sources.Customers", src.Customers}, store{"Sources.History", src.History},
		store{"Sources.Loyalty", src.Loyalty}, store{"Sources.Complaints", src.Complaints}); err != nil {
		return Report{}, err
	}
	r := Report{
		Customer:     id,
		Made:         now,
		Sources:      []string{},
		Orders:       []customer.Order{},
		Returns:      []customer.Return{},
		Credits:      []customer.Credit{},
		Interactions: []customer.Interaction{},
		Complaints:   []Complaint{},
	}
	known := false
	fail := func(source string, err error) (Report, error) {
		return Report{}, &SourceError{Source: source, Customer: id, Err: err}
	}
	if src.Customers != nil {
		r.Sources = append(r.Sources, SourceCustomers)
		c, err := src.Customers.Get(ctx, id)
		switch {
		case errors.Is(err, customer.ErrNotFound):
		case err != nil:
			return fail(SourceCustomers, err)
		case c.ID != id:
			return fail(SourceCustomers, foreign("customer", "", c.ID))
		default:
			r.Record, known = &c, true
		}
	}
	if src.History != nil {
		r.Sources = append(r.Sources, SourceHistory)
		events, err := history(ctx, src.History, id)
		if err != nil {
			return fail(SourceHistory, err)
		}
		for _, e := range events {
			switch {
			case e.Order != nil:
				r.Orders = append(r.Orders, *e.Order)
			case e.Return != nil:
				r.Returns = append(r.Returns, *e.Return)
			case e.Credit != nil:
				r.Credits = append(r.Credits, *e.Credit)
			case e.Interaction != nil:
				r.Interactions = append(r.Interactions, *e.Interaction)
			}
		}
		known = known || len(events) > 0
	}
	if src.Loyalty != nil {
		r.Sources = append(r.Sources, SourceLoyalty)
		l, err := ledger(ctx, src.Loyalty, id)
		if err != nil {
			return fail(SourceLoyalty, err)
		}
		r.Loyalty = l
		known = known || l != nil
	}
	if src.Complaints != nil {
		r.Sources = append(r.Sources, SourceComplaints)
		cs, err := complaints(ctx, src.Complaints, id)
		if err != nil {
			return fail(SourceComplaints, err)
		}
		r.Complaints = cs
		known = known || len(cs) > 0
	}
	if !known {
		return Report{}, &UnknownCustomerError{ID: id}
	}
	return r, nil
}

// foreign returns the error for a record of another customer.
func foreign(record, recordID string, owner customer.ID) error {
	if recordID != "" {
		record += " " + strconv.Quote(recordID)
	}
	return fmt.Errorf("%s of customer %q: %w", record, owner, ErrForeignRecord)
}

// history reads the events of id, checks that each is id's and has
// exactly one record, and sorts them by [customer.CompareEvents]. A
// customer the store does not know has no events.
func history(ctx context.Context, h customer.HistoryReader, id customer.ID) ([]customer.Event, error) {
	var out []customer.Event
	seq := h.History(ctx, id)
	if seq == nil {
		return nil, nil
	}
	for e, err := range seq {
		if errors.Is(err, customer.ErrNotFound) && len(out) == 0 {
			return nil, nil // a customer the store does not know
		}
		if err != nil {
			return nil, err
		}
		var owner customer.ID
		var record, recordID string
		n := 0
		if o := e.Order; o != nil {
			owner, record, recordID, n = o.CustomerID, "order", o.ID, n+1
		}
		if x := e.Return; x != nil {
			owner, record, recordID, n = x.CustomerID, "return", x.ID, n+1
		}
		if c := e.Credit; c != nil {
			owner, record, recordID, n = c.CustomerID, "credit", c.ID, n+1
		}
		if i := e.Interaction; i != nil {
			owner, record, recordID, n = i.CustomerID, "interaction", i.Subject, n+1
		}
		if n != 1 {
			return nil, fmt.Errorf("an event of the history has %d records, want 1: %w", n, customer.ErrInvalid)
		}
		if owner != id {
			return nil, foreign(record, recordID, owner)
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, customer.CompareEvents)
	return out, nil
}

// ledger reads the entries of member id and folds them into its
// account; nil when there are none.
func ledger(ctx context.Context, s LedgerReader, id customer.ID) (*Loyalty, error) {
	entries, err := s.Entries(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, nil
	}
	for i := range entries {
		if e := &entries[i]; e.Member != id {
			return nil, foreign("ledger entry", strconv.FormatInt(e.Seq, 10), e.Member)
		}
	}
	slices.SortStableFunc(entries, func(a, b loyalty.Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	a, err := loyalty.Replay(entries)
	if err != nil {
		return nil, err
	}
	return &Loyalty{Account: a, Entries: entries}, nil
}

// complaints reads the cases of id with their events, ordered by Opened
// then ID, events by Seq, with the data of staff left out
// ([withoutStaff]).
func complaints(ctx context.Context, s CaseReader, id customer.ID) ([]Complaint, error) {
	cases, err := s.Cases(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]Complaint, 0, len(cases))
	for _, c := range cases {
		if c.Intake.Complainant != id {
			return nil, foreign("complaint case", string(c.ID), c.Intake.Complainant)
		}
		evs, err := s.Events(ctx, c.ID)
		if err != nil {
			return nil, fmt.Errorf("events of case %q: %w", c.ID, err)
		}
		for i := range evs {
			if evs[i].Case != c.ID {
				return nil, fmt.Errorf("events of case %q: event %d is of case %q: %w", c.ID, evs[i].Seq, evs[i].Case, ErrForeignRecord)
			}
			evs[i] = eventWithoutStaff(evs[i])
		}
		slices.SortStableFunc(evs, func(a, b complaint.Event) int { return cmp.Compare(a.Seq, b.Seq) })
		out = append(out, Complaint{Case: caseWithoutStaff(c), Events: evs})
	}
	slices.SortStableFunc(out, func(a, b Complaint) int {
		if d := a.Case.Opened.Compare(b.Case.Opened); d != 0 {
			return d
		}
		return strings.Compare(string(a.Case.ID), string(b.Case.ID))
	})
	return out, nil
}

// caseWithoutStaff returns a copy of c without the personal data of the
// brand's staff that a case keeps: the staff member a finding holds
// responsible and the measures taken with staff (pay deductions among
// them). They are about employees, not the complainant, and handing them
// out would harm their rights (GDPR art. 15(4)).
func caseWithoutStaff(c complaint.Case) complaint.Case {
	c = c.Clone()
	if c.Finding != nil {
		c.Finding.Staff = ""
	}
	if c.Execution != nil {
		c.Execution.Accountability = nil
	}
	return c
}

// eventWithoutStaff is [caseWithoutStaff] for the payload of an event.
func eventWithoutStaff(e complaint.Event) complaint.Event {
	e = e.Clone()
	if f := e.Command.Finding; f != nil {
		f.Staff = ""
	}
	if x := e.Command.Execution; x != nil {
		x.Accountability = nil
	}
	return e
}
