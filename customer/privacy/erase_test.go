package privacy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
	"github.com/tailorcrm/tailor/loyalty"
)

var _ privacy.RecordStore = customer.Directory(nil)

// tester is what the helpers need of a *testing.T or a *rapid.T.
type tester interface {
	require.TestingT
	Helper()
}

// faultyDirectory is a customer directory and history store whose Get
// fails while getErr is set, Put and Update while putErr is, and
// EraseInteractions while eraseErr is.
type faultyDirectory struct {
	*customer.MemStore
	getErr, putErr, eraseErr error
}

func (d *faultyDirectory) EraseInteractions(ctx context.Context, id customer.ID) (int, error) {
	if d.eraseErr != nil {
		return 0, d.eraseErr
	}
	return d.MemStore.EraseInteractions(ctx, id)
}

func (d *faultyDirectory) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	if d.getErr != nil {
		return customer.Customer{}, d.getErr
	}
	return d.MemStore.Get(ctx, id)
}

func (d *faultyDirectory) Put(ctx context.Context, c customer.Customer) error {
	if d.putErr != nil {
		return d.putErr
	}
	return d.MemStore.Put(ctx, c)
}

func (d *faultyDirectory) Update(ctx context.Context, id customer.ID, change func(*customer.Customer) error) error {
	if d.putErr != nil {
		return d.putErr
	}
	return d.MemStore.Update(ctx, id, change)
}

// faultyLedgers is a loyalty store and eraser whose Entries and Erase
// fail while their error is set. Once set, afterRead runs once after
// Entries has read, before it returns what it read: another writer in
// between.
type faultyLedgers struct {
	*loyalty.MemStore
	entriesErr, eraseErr error
	afterRead            func()
}

func (l *faultyLedgers) Entries(ctx context.Context, m customer.ID, after int64) ([]loyalty.Entry, error) {
	if l.entriesErr != nil {
		return nil, l.entriesErr
	}
	entries, err := l.MemStore.Entries(ctx, m, after)
	if f := l.afterRead; f != nil {
		l.afterRead = nil
		f()
	}
	return entries, err
}

func (l *faultyLedgers) Erase(ctx context.Context, m customer.ID, expected int64, entries []loyalty.Entry) error {
	if l.eraseErr != nil {
		return l.eraseErr
	}
	return l.MemStore.Erase(ctx, m, expected, entries)
}

// faultyCases is a complaint store whose Cases fails while its error is
// set.
type faultyCases struct {
	*complaint.MemStore
	casesErr error
}

func (c *faultyCases) Cases(ctx context.Context, id customer.ID) ([]complaint.Case, error) {
	if c.casesErr != nil {
		return nil, c.casesErr
	}
	return c.MemStore.Cases(ctx, id)
}

// foreignDirectory returns customer "ben" whatever customer is asked for.
type foreignDirectory struct{ *customer.MemStore }

func (foreignDirectory) Get(context.Context, customer.ID) (customer.Customer, error) {
	return customer.Customer{ID: "ben", Kind: customer.Consumer, Name: "Ben"}, nil
}

// erasureShop holds customers with every kind of personal data in
// stores whose faults a test can switch on.
type erasureShop struct {
	customers *faultyDirectory
	ledgers   *faultyLedgers
	cases     *faultyCases
	club      *loyalty.Service
}

func newErasureShop(t tester) erasureShop {
	t.Helper()
	p, err := loyalty.DecodeProgramme([]byte(programme))
	require.NoError(t, err)
	s := erasureShop{
		customers: &faultyDirectory{MemStore: customer.NewMemStore()},
		ledgers:   &faultyLedgers{MemStore: loyalty.NewMemStore()},
		cases:     &faultyCases{MemStore: complaint.NewMemStore()},
	}
	s.club = loyalty.NewService(p, s.ledgers, nil)
	return s
}

func (s erasureShop) targets() privacy.Targets {
	return privacy.Targets{Customers: s.customers, Interactions: s.customers, Loyalty: s.club, Complaints: s.cases}
}

func (s erasureShop) sources() privacy.Sources {
	return privacy.Sources{Customers: s.customers, History: s.customers, Loyalty: s.ledgers, Complaints: s.cases}
}

// person gives customer id of s a record with name, contact, birthday,
// profile, a household member with name and birthday and a marketing
// consent, an order, two interactions (a store visit and a wish list),
// a loyalty ledger joined with the birthday, and a complaint case; n
// spaces the times.
func (s erasureShop) person(t tester, id customer.ID, n int) {
	t.Helper()
	ctx := context.Background()
	at := t0.Add(time.Duration(n) * time.Minute)
	bday := customer.Birthday{Year: 1990, Month: time.Month(n%12 + 1), Day: 7}
	c := customer.Customer{ID: id, Kind: customer.Consumer, Name: "Name of " + string(id),
		Contact:  customer.Contact{Email: customer.Email(string(id) + "@example.com"), Phone: "+49 30 1234567", Address: "Street of " + string(id)},
		Birthday: bday, Region: "Berlin", Joined: at,
		Profile:   customer.Profile{TopSize: "M", HeightCM: 170, Styles: []string{"classic"}},
		Household: []customer.Member{{ID: "kid", Relation: customer.Child, Name: "Kid of " + string(id), Birthday: customer.Birthday{Year: 2015, Month: time.June, Day: 3}}}}
	c, err := c.RecordConsent(customer.ConsentChange{Purpose: customer.PurposeMarketing, Given: true,
		Time: at, Source: customer.SourceWebShop, Notice: "notice v1"}, at)
	require.NoError(t, err)
	require.NoError(t, s.customers.MemStore.Put(ctx, c))
	o := customer.Order{ID: "O-" + string(id), CustomerID: id, Time: at.Add(24 * time.Hour), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "COAT", Quantity: 1, UnitPrice: decimalOf("120.00"), Member: "kid"}}}
	require.NoError(t, s.customers.AppendOrder(ctx, o))
	require.NoError(t, s.customers.AppendInteraction(ctx, customer.Interaction{CustomerID: id, Time: o.Time, Kind: customer.StoreVisit, Subject: "Berlin 1"}))
	require.NoError(t, s.customers.AppendInteraction(ctx, customer.Interaction{CustomerID: id, Time: o.Time.Add(time.Hour), Kind: customer.Wishlist, Subject: "SCARF"}))
	_, _, err = s.club.Apply(ctx, loyalty.Join{Member: id, Time: at, Birthday: bday}, at)
	require.NoError(t, err)
	_, _, err = s.club.Apply(ctx, loyalty.Purchase{Order: o}, o.Time)
	require.NoError(t, err)
	desk := &complaint.Service{Store: s.cases.MemStore}
	_, _, err = desk.Record(ctx, complaint.Intake{ID: complaint.ID("C-" + string(id)), Complainant: id, Channel: complaint.ChannelEmail,
		Received: at.Add(48 * time.Hour), Subject: complaint.Subject{Kind: complaint.SubjectProduct, Order: o.ID, SKU: "COAT"},
		Category: complaint.CategorySeams, Severity: complaint.SeverityLow, Currency: "EUR",
		Demand: complaint.Demand{Kind: complaint.ResolutionRepair}, Description: "seam came loose"},
		"", complaint.Actor{ID: "A-7", Role: complaint.RoleAgent}, at.Add(48*time.Hour))
	require.NoError(t, err)
}

// export returns the JSON export of id from s.
func (s erasureShop) export(t tester, id customer.ID) (privacy.Report, string) {
	t.Helper()
	r, err := privacy.Export(context.Background(), id, s.sources(), now)
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	return r, string(b)
}

// personalDataIn returns what of the personal data that person gave id
// the report r and its JSON form doc still hold: in the record (and so
// in the document) and in the ledger.
func personalDataIn(r privacy.Report, doc string, id customer.ID) []string {
	return append(recordDataIn(r, doc, id), ledgerDataIn(r)...)
}

func recordDataIn(r privacy.Report, doc string, id customer.ID) []string {
	var found []string
	for _, s := range []string{"Name of " + string(id), "Kid of " + string(id), string(id) + "@example.com", "1234567", "Street of " + string(id)} {
		if strings.Contains(doc, s) {
			found = append(found, fmt.Sprintf("%q in the document", s))
		}
	}
	if c := r.Record; c != nil {
		if c.Name != "" || c.Contact != (customer.Contact{}) || !c.Birthday.IsZero() || c.Profile.HeightCM != 0 {
			found = append(found, "name, contact, birthday or height in the record")
		}
		for _, m := range c.Household {
			if m.Name != "" || !m.Birthday.IsZero() {
				found = append(found, "household member "+m.ID+" with name or birthday")
			}
		}
		if c.Consent.Marketing || c.Consent.Profiling {
			found = append(found, "a consent still given")
		}
	}
	return found
}

func ledgerDataIn(r privacy.Report) []string {
	var found []string
	if l := r.Loyalty; l != nil {
		if !l.Account.Birthday.IsZero() {
			found = append(found, "the account's birthday")
		}
		for _, e := range l.Entries {
			if !e.Birthday.IsZero() {
				found = append(found, fmt.Sprintf("the birthday of ledger entry %d", e.Seq))
			}
		}
	}
	return found
}

func TestErase(t *testing.T) {
	ctx := context.Background()
	s := newErasureShop(t)
	s.person(t, "anna", 0)
	s.person(t, "ben", 1)
	_, benBefore := s.export(t, "ben")
	before, _ := s.export(t, "anna")
	require.NotEmpty(t, personalDataIn(before, mustJSON(t, before), "anna"), "the fixture holds personal data")
	require.Len(t, before.Interactions, 2, "the export lists the interactions before the erasure")

	r, err := privacy.Erase(ctx, "anna", s.targets(), now)
	require.NoError(t, err)
	assert.Equal(t, privacy.ErasureReport{Customer: "anna", Made: now,
		Customers: privacy.Erased, Interactions: privacy.Erased, Loyalty: privacy.Erased, Complaints: privacy.Kept,
		Withdrawn: []customer.Purpose{customer.PurposeMarketing}, KeptCases: []complaint.ID{"C-anna"}}, r)

	after, doc := s.export(t, "anna")
	assert.Empty(t, personalDataIn(after, doc, "anna"))
	assert.Empty(t, after.Interactions, "the interactions are erased")
	// What is kept: the ID, the join date, the consent proof with its
	// withdrawal, the orders and the points.
	require.NotNil(t, after.Record)
	assert.Equal(t, before.Record.Joined, after.Record.Joined)
	assert.Equal(t, "Berlin", after.Record.Region)
	require.Len(t, after.Record.ConsentHistory, 2)
	assert.Equal(t, customer.SourceErasure, after.Record.ConsentHistory[1].Source)
	assert.Equal(t, before.Orders, after.Orders)
	require.NotNil(t, after.Loyalty)
	assert.Equal(t, before.Loyalty.Account.Balance(), after.Loyalty.Account.Balance())
	assert.Equal(t, now, after.Loyalty.Account.Erased)
	assert.Len(t, after.Complaints, 1)

	_, benAfter := s.export(t, "ben")
	assert.Equal(t, benBefore, benAfter, "another customer is untouched")

	// Erasing again is a no-op.
	again, err := privacy.Erase(ctx, "anna", s.targets(), now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, privacy.ErasureReport{Customer: "anna", Made: now.Add(time.Hour),
		Customers: privacy.AlreadyErased, Interactions: privacy.AlreadyErased, Loyalty: privacy.AlreadyErased, Complaints: privacy.Kept,
		Withdrawn: []customer.Purpose{}, KeptCases: []complaint.ID{"C-anna"}}, again)
	_, doc2 := s.export(t, "anna")
	assert.Equal(t, doc, doc2, "a second erasure changes nothing")
}

func mustJSON(t tester, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// A failing store makes Erase fail with an error naming it, the report
// saying what was done; calling Erase again once the store works
// completes the erasure, and a third call does nothing.
func TestEraseStoreFails(t *testing.T) {
	boom := errors.New("connection reset")
	tests := []struct {
		name    string
		fault   func(s erasureShop)
		store   string
		partial privacy.ErasureReport // what the failed call reports
		retry   privacy.ErasureReport // what the retry reports
	}{
		{name: "directory read", fault: func(s erasureShop) { s.customers.getErr = boom }, store: privacy.SourceCustomers,
			retry: privacy.ErasureReport{Customers: privacy.Erased, Interactions: privacy.Erased, Loyalty: privacy.Erased, Complaints: privacy.Kept}},
		{name: "directory write", fault: func(s erasureShop) { s.customers.putErr = boom }, store: privacy.SourceCustomers,
			partial: privacy.ErasureReport{Interactions: privacy.Erased, Loyalty: privacy.Erased, Complaints: privacy.Kept},
			retry:   privacy.ErasureReport{Customers: privacy.Erased, Interactions: privacy.AlreadyErased, Loyalty: privacy.AlreadyErased, Complaints: privacy.Kept}},
		{name: "history write", fault: func(s erasureShop) { s.customers.eraseErr = boom }, store: privacy.SourceHistory,
			partial: privacy.ErasureReport{Loyalty: privacy.Erased, Complaints: privacy.Kept},
			retry:   privacy.ErasureReport{Customers: privacy.Erased, Interactions: privacy.Erased, Loyalty: privacy.AlreadyErased, Complaints: privacy.Kept}},
		{name: "ledger read", fault: func(s erasureShop) { s.ledgers.entriesErr = boom }, store: privacy.SourceLoyalty,
			retry: privacy.ErasureReport{Customers: privacy.Erased, Interactions: privacy.Erased, Loyalty: privacy.Erased, Complaints: privacy.Kept}},
		{name: "ledger write", fault: func(s erasureShop) { s.ledgers.eraseErr = boom }, store: privacy.SourceLoyalty,
			retry: privacy.ErasureReport{Customers: privacy.Erased, Interactions: privacy.Erased, Loyalty: privacy.Erased, Complaints: privacy.Kept}},
		{name: "complaints read", fault: func(s erasureShop) { s.cases.casesErr = boom }, store: privacy.SourceComplaints,
			retry: privacy.ErasureReport{Customers: privacy.Erased, Interactions: privacy.Erased, Loyalty: privacy.Erased, Complaints: privacy.Kept}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := newErasureShop(t)
			s.person(t, "anna", 0)
			s.person(t, "ben", 1)
			_, benBefore := s.export(t, "ben")
			// The end state of an uninterrupted erasure at the retry's
			// time, in a shop like s.
			whole := newErasureShop(t)
			whole.person(t, "anna", 0)
			whole.person(t, "ben", 1)
			_, err := privacy.Erase(ctx, "anna", whole.targets(), now.Add(time.Minute))
			require.NoError(t, err)
			wholeAfter, _ := whole.export(t, "anna")

			tc.fault(s)
			r, err := privacy.Erase(ctx, "anna", s.targets(), now)
			var ee *privacy.ErasureError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tc.store, ee.Store)
			assert.Equal(t, customer.ID("anna"), ee.Customer)
			assert.ErrorIs(t, err, boom)
			assert.Contains(t, err.Error(), `customer "anna"`)
			assert.Contains(t, err.Error(), tc.store+" store")
			assert.Equal(t, tc.partial.Customers, r.Customers, "customers outcome of the failed call")
			assert.Equal(t, tc.partial.Loyalty, r.Loyalty, "loyalty outcome of the failed call")
			assert.Equal(t, tc.partial.Interactions, r.Interactions, "interactions outcome of the failed call")

			*s.customers, *s.ledgers, *s.cases = faultyDirectory{MemStore: s.customers.MemStore},
				faultyLedgers{MemStore: s.ledgers.MemStore}, faultyCases{MemStore: s.cases.MemStore}
			after, doc := s.export(t, "anna")
			if tc.partial.Customers == privacy.NotDone {
				assert.Equal(t, "Name of anna", after.Record.Name, "the record is erased last")
			}
			if tc.partial.Loyalty == privacy.NotDone {
				assert.False(t, after.Loyalty.Account.Birthday.IsZero(), "a ledger not erased keeps its birthday")
			}
			if tc.partial.Interactions == privacy.NotDone {
				assert.Len(t, after.Interactions, 2, "interactions not erased are kept")
			} else {
				assert.Empty(t, after.Interactions, "the interactions erased before the failure")
			}

			r, err = privacy.Erase(ctx, "anna", s.targets(), now.Add(time.Minute))
			require.NoError(t, err)
			assert.Equal(t, tc.retry.Customers, r.Customers)
			assert.Equal(t, tc.retry.Loyalty, r.Loyalty)
			assert.Equal(t, tc.retry.Complaints, r.Complaints)
			assert.Equal(t, tc.retry.Interactions, r.Interactions)
			after, doc = s.export(t, "anna")
			assert.Empty(t, personalDataIn(after, doc, "anna"))
			assert.Empty(t, after.Interactions, "the retry erased the interactions")
			assert.Equal(t, wholeAfter.Record, after.Record, "the record as an uninterrupted erasure leaves it")
			assert.Equal(t, wholeAfter.Orders, after.Orders, "the orders as an uninterrupted erasure leaves them")
			assert.Len(t, after.Record.ConsentHistory, 2, "one withdrawal recorded")
			n := 0
			for _, e := range after.Loyalty.Entries {
				if e.Kind == loyalty.EntryErase {
					n++
				}
			}
			assert.Equal(t, 1, n, "one erasure entry in the ledger")

			r, err = privacy.Erase(ctx, "anna", s.targets(), now.Add(time.Hour))
			require.NoError(t, err)
			assert.Equal(t, privacy.AlreadyErased, r.Customers)
			assert.Equal(t, privacy.AlreadyErased, r.Loyalty)
			assert.Equal(t, privacy.AlreadyErased, r.Interactions)
			_, doc2 := s.export(t, "anna")
			assert.Equal(t, doc, doc2, "a third call changes nothing")
			_, benAfter := s.export(t, "ben")
			assert.Equal(t, benBefore, benAfter, "another customer is untouched")
		})
	}
}

func TestEraseRefused(t *testing.T) {
	ctx := context.Background()
	newShop := func(t *testing.T) (erasureShop, string) {
		s := newErasureShop(t)
		s.person(t, "anna", 0)
		_, doc := s.export(t, "anna")
		return s, doc
	}
	unchanged := func(t *testing.T, s erasureShop, doc string) {
		t.Helper()
		_, got := s.export(t, "anna")
		assert.Equal(t, doc, got, "a refused erasure changes nothing")
	}

	t.Run("unknown customer", func(t *testing.T) {
		s, doc := newShop(t)
		r, err := privacy.Erase(ctx, "nobody", s.targets(), now)
		var unknown *privacy.UnknownCustomerError
		require.ErrorAs(t, err, &unknown)
		assert.Equal(t, customer.ID("nobody"), unknown.ID)
		assert.ErrorIs(t, err, customer.ErrNotFound)
		assert.Zero(t, r)
		unchanged(t, s, doc)
		_, err = s.customers.Get(ctx, "nobody")
		assert.ErrorIs(t, err, customer.ErrNotFound, "no record created")
		a, err := s.club.Account(ctx, "nobody")
		require.NoError(t, err)
		assert.Zero(t, a.Version, "no ledger created")
	})
	t.Run("no targets", func(t *testing.T) {
		_, err := privacy.Erase(ctx, "anna", privacy.Targets{}, now)
		assert.ErrorIs(t, err, customer.ErrNotFound)
	})
	t.Run("blank id", func(t *testing.T) {
		s, doc := newShop(t)
		_, err := privacy.Erase(ctx, " ", s.targets(), now)
		assert.ErrorIs(t, err, customer.ErrInvalid)
		unchanged(t, s, doc)
	})
	t.Run("zero now", func(t *testing.T) {
		s, doc := newShop(t)
		_, err := privacy.Erase(ctx, "anna", s.targets(), time.Time{})
		assert.ErrorIs(t, err, customer.ErrInvalid)
		unchanged(t, s, doc)
	})
	t.Run("now before the last consent change", func(t *testing.T) {
		s, doc := newShop(t)
		_, err := privacy.Erase(ctx, "anna", s.targets(), t0.Add(-time.Hour))
		var ee *privacy.ErasureError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, privacy.SourceCustomers, ee.Store)
		var ve *customer.ValidationError
		assert.ErrorAs(t, err, &ve)
		unchanged(t, s, doc)
	})
	t.Run("now before the member joined", func(t *testing.T) {
		s, doc := newShop(t)
		// Only the ledger: the record's consent check would refuse first.
		_, err := privacy.Erase(ctx, "anna", privacy.Targets{Loyalty: s.club}, t0.Add(-time.Hour))
		var ee *privacy.ErasureError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, privacy.SourceLoyalty, ee.Store)
		unchanged(t, s, doc)
	})
	t.Run("ledger store cannot erase", func(t *testing.T) {
		s, doc := newShop(t)
		club := loyalty.NewService(s.club.Programme(), struct{ loyalty.Store }{s.ledgers.MemStore}, nil)
		tg := s.targets()
		tg.Loyalty = club
		r, err := privacy.Erase(ctx, "anna", tg, now)
		var ee *privacy.ErasureError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, privacy.SourceLoyalty, ee.Store)
		assert.ErrorIs(t, err, errors.ErrUnsupported)
		assert.Equal(t, privacy.NotDone, r.Customers, "the record is erased after the ledger")
		unchanged(t, s, doc)
	})
	t.Run("foreign record", func(t *testing.T) {
		s, doc := newShop(t)
		tg := s.targets()
		tg.Customers = foreignDirectory{s.customers.MemStore}
		_, err := privacy.Erase(ctx, "anna", tg, now)
		assert.ErrorIs(t, err, privacy.ErrForeignRecord)
		unchanged(t, s, doc)
	})
}

// Only some stores hold the customer: each is erased where held, and the
// others report nothing held.
func TestEraseSomeStores(t *testing.T) {
	ctx := context.Background()
	s := newErasureShop(t)
	_, _, err := s.club.Apply(ctx, loyalty.Join{Member: "anna", Time: t0, Birthday: customer.Birthday{Month: time.May, Day: 2}}, t0)
	require.NoError(t, err)
	r, err := privacy.Erase(ctx, "anna", s.targets(), now)
	require.NoError(t, err)
	assert.Equal(t, privacy.ErasureReport{Customer: "anna", Made: now,
		Customers: privacy.NothingHeld, Interactions: privacy.NothingHeld, Loyalty: privacy.Erased, Complaints: privacy.NothingHeld,
		Withdrawn: []customer.Purpose{}, KeptCases: []complaint.ID{}}, r)
	a, err := s.club.Account(ctx, "anna")
	require.NoError(t, err)
	assert.True(t, a.Birthday.IsZero())
	entries, err := s.ledgers.Entries(ctx, "anna", 0)
	require.NoError(t, err)
	for _, e := range entries {
		assert.True(t, e.Birthday.IsZero(), "entry %d", e.Seq)
	}

	// A nil target is not consulted.
	s.person(t, "ben", 1)
	r, err = privacy.Erase(ctx, "ben", privacy.Targets{Loyalty: s.club}, now)
	require.NoError(t, err)
	assert.Equal(t, privacy.NotDone, r.Customers)
	assert.Equal(t, privacy.Erased, r.Loyalty)
	assert.Equal(t, privacy.NotDone, r.Complaints)
	assert.Equal(t, privacy.NotDone, r.Interactions)
	c, err := s.customers.Get(ctx, "ben")
	require.NoError(t, err)
	assert.Equal(t, "Name of ben", c.Name)
	ben, _ := s.export(t, "ben")
	assert.Len(t, ben.Interactions, 2, "without the interactions target they are kept")
}

// Two erasures racing for one ledger append one erasure entry: the one
// that finds the ledger erased since it read it reports it erased
// already.
func TestEraseRace(t *testing.T) {
	ctx := context.Background()
	s := newErasureShop(t)
	s.person(t, "anna", 0)
	other := loyalty.NewService(s.club.Programme(), s.ledgers, nil)
	s.ledgers.afterRead = func() {
		_, err := privacy.Erase(ctx, "anna", privacy.Targets{Loyalty: other}, now.Add(-time.Minute))
		require.NoError(t, err)
	}
	r, err := privacy.Erase(ctx, "anna", s.targets(), now)
	require.NoError(t, err)
	assert.Equal(t, privacy.AlreadyErased, r.Loyalty)
	assert.Equal(t, privacy.Erased, r.Customers)
	entries, err := s.ledgers.Entries(ctx, "anna", 0)
	require.NoError(t, err)
	n := 0
	for _, e := range entries {
		if e.Kind == loyalty.EntryErase {
			n++
		}
		assert.True(t, e.Birthday.IsZero(), "entry %d", e.Seq)
	}
	assert.Equal(t, 1, n, "one erasure entry")
}

// A ledger erased by the caller's own [loyalty.Erasure], as before this
// package could erase, is left alone: no second erasure entry.
func TestEraseLedgerErasedBefore(t *testing.T) {
	ctx := context.Background()
	s := newErasureShop(t)
	s.person(t, "anna", 0)
	_, _, err := s.club.Apply(ctx, loyalty.Erasure{Member: "anna", ID: "request-1", Time: now}, now)
	require.NoError(t, err)
	before, err := s.ledgers.Entries(ctx, "anna", 0)
	require.NoError(t, err)
	r, err := privacy.Erase(ctx, "anna", s.targets(), now)
	require.NoError(t, err)
	assert.Equal(t, privacy.AlreadyErased, r.Loyalty)
	assert.Equal(t, privacy.Erased, r.Customers)
	after, err := s.ledgers.Entries(ctx, "anna", 0)
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

func TestOutcomeText(t *testing.T) {
	for o, want := range map[privacy.Outcome]string{privacy.NotDone: "not done", privacy.NothingHeld: "nothing held",
		privacy.Erased: "erased", privacy.AlreadyErased: "already erased", privacy.Kept: "kept"} {
		assert.Equal(t, want, o.String())
		b, err := o.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, want, string(b))
	}
	assert.Equal(t, "Outcome(9)", privacy.Outcome(9).String())
	_, err := privacy.Outcome(9).MarshalText()
	assert.Error(t, err)
}

// After Erase, an export of the customer holds none of their personal
// data, and every other customer's export is as before, whichever
// customer of a random shop is erased and whichever stores are given.
func TestEraseLeavesNoPersonalData(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		ctx := context.Background()
		s := newErasureShop(rt)
		n := rapid.IntRange(1, 5).Draw(rt, "customers")
		ids := make([]customer.ID, n)
		docs := map[customer.ID]string{}
		for i := range ids {
			ids[i] = customer.ID(fmt.Sprintf("c%02d", i))
			s.person(rt, ids[i], i)
			_, docs[ids[i]] = s.export(rt, ids[i])
		}
		target := rapid.SampledFrom(ids).Draw(rt, "target")
		tg := privacy.Targets{}
		if rapid.Bool().Draw(rt, "customers") {
			tg.Customers = s.customers
		}
		if rapid.Bool().Draw(rt, "interactions") {
			tg.Interactions = s.customers
		}
		if rapid.Bool().Draw(rt, "loyalty") {
			tg.Loyalty = s.club
		}
		if rapid.Bool().Draw(rt, "complaints") {
			tg.Complaints = s.cases
		}
		times := rapid.IntRange(1, 3).Draw(rt, "times")
		for i := range times {
			_, err := privacy.Erase(ctx, target, tg, now.Add(time.Duration(i)*time.Hour))
			if tg == (privacy.Targets{}) {
				if !errors.Is(err, customer.ErrNotFound) {
					rt.Fatalf("erase %q without targets: got %v, want an unknown customer", target, err)
				}
				continue
			}
			if err != nil {
				rt.Fatalf("erase %q: %v", target, err)
			}
		}
		r, doc := s.export(rt, target)
		if found := recordDataIn(r, doc, target); tg.Customers != nil && len(found) > 0 {
			rt.Fatalf("after erasure, the export of %q holds %v", target, found)
		}
		if found := ledgerDataIn(r); tg.Loyalty != nil && len(found) > 0 {
			rt.Fatalf("after erasure, the export of %q holds %v", target, found)
		}
		if tg.Customers == nil && r.Record.Name == "" {
			rt.Fatalf("the record of %q was erased without its target", target)
		}
		if tg.Loyalty == nil && r.Loyalty.Account.Birthday.IsZero() {
			rt.Fatalf("the ledger of %q was erased without its target", target)
		}
		if n := len(r.Interactions); (tg.Interactions != nil) != (n == 0) {
			rt.Fatalf("after erasure with the interactions target %v, %q has %d interactions", tg.Interactions != nil, target, n)
		}
		if len(r.Orders) != 1 {
			rt.Fatalf("after erasure %q has %d orders, want its one order kept", target, len(r.Orders))
		}
		for _, id := range ids {
			if id == target {
				continue
			}
			if _, doc := s.export(rt, id); doc != docs[id] {
				rt.Fatalf("erasing %q changed the export of %q", target, id)
			}
		}
	})
}

// readOnlyCases is a complaint store that cannot erase.
type readOnlyCases struct{ m *complaint.MemStore }

func (r readOnlyCases) Cases(ctx context.Context, id customer.ID) ([]complaint.Case, error) {
	return r.m.Cases(ctx, id)
}

func (r readOnlyCases) Events(ctx context.Context, id complaint.ID) ([]complaint.Event, error) {
	return r.m.Events(ctx, id)
}

// A closed case is erased through a complaint.Eraser: the customer's
// words are gone from the export, the case stays; an open case, or a
// store that cannot erase, keeps every case and lists it.
func TestEraseComplaintCases(t *testing.T) {
	ctx := context.Background()
	s := newErasureShop(t)
	s.person(t, "anna", 0)
	// Open: kept, listed.
	r, err := privacy.Erase(ctx, "anna", s.targets(), now)
	require.NoError(t, err)
	assert.Equal(t, privacy.Kept, r.Complaints)
	assert.Equal(t, []complaint.ID{"C-anna"}, r.KeptCases)
	_, js := s.export(t, "anna")
	assert.Contains(t, js, "seam came loose")

	// Withdrawn by the customer: closed, so erased by the next call.
	desk := &complaint.Service{Store: s.cases.MemStore}
	_, _, err = desk.Do(ctx, "C-anna", complaint.Command{Kind: complaint.CmdWithdraw, Reason: "sorted it out myself"},
		complaint.Actor{ID: "anna", Role: complaint.RoleCustomer}, now.Add(-time.Hour))
	require.NoError(t, err)
	ro := s.targets()
	ro.Complaints = readOnlyCases{s.cases.MemStore}
	r, err = privacy.Erase(ctx, "anna", ro, now)
	require.NoError(t, err)
	assert.Equal(t, privacy.Kept, r.Complaints, "a store that cannot erase keeps the case")
	assert.Equal(t, []complaint.ID{"C-anna"}, r.KeptCases)

	r, err = privacy.Erase(ctx, "anna", s.targets(), now)
	require.NoError(t, err)
	assert.Equal(t, privacy.Erased, r.Complaints)
	assert.Empty(t, r.KeptCases)
	rep, js := s.export(t, "anna")
	require.Len(t, rep.Complaints, 1, "the case is kept, without the words")
	assert.NotContains(t, js, "seam came loose")
	assert.NotContains(t, js, "sorted it out myself")

	r, err = privacy.Erase(ctx, "anna", s.targets(), now)
	require.NoError(t, err)
	assert.Equal(t, privacy.AlreadyErased, r.Complaints)
}
