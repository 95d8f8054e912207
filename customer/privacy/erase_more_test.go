package privacy_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
)

// A case erased and then reopened holds new words of the customer, and
// is open again: the next Erase keeps it while open and erases the new
// words once it is closed, instead of taking it for erased.
func TestEraseReopenedCase(t *testing.T) {
	ctx := context.Background()
	s := newErasureShop(t)
	s.person(t, "anna", 0)
	desk := &complaint.Service{Store: s.cases.MemStore}
	recorded := t0.Add(48 * time.Hour)
	_, _, err := desk.Do(ctx, "C-anna", complaint.Command{Kind: complaint.CmdReject, Reply: "the seam was cut on purpose"},
		complaint.Actor{ID: "A-7", Role: complaint.RoleAgent}, recorded.Add(time.Hour))
	require.NoError(t, err)
	first := recorded.Add(2 * time.Hour)
	r, err := privacy.Erase(ctx, "anna", s.targets(), first)
	require.NoError(t, err)
	require.Equal(t, privacy.Erased, r.Complaints)

	// The customer contests: a supervisor reopens, the customer adds words.
	_, _, err = desk.Do(ctx, "C-anna", complaint.Command{Kind: complaint.CmdReopen, Reason: "customer contests", Note: "she sent photos of the torn seam"},
		complaint.Actor{ID: "S-1", Role: complaint.RoleSupervisor}, first.Add(time.Hour))
	require.NoError(t, err)

	r, err = privacy.Erase(ctx, "anna", s.targets(), first.Add(2*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, privacy.Kept, r.Complaints, "the reopened case is open: kept")
	assert.Equal(t, []complaint.ID{"C-anna"}, r.KeptCases)

	_, _, err = desk.Do(ctx, "C-anna", complaint.Command{Kind: complaint.CmdWithdraw, Reason: "I give up on this shop"},
		complaint.Actor{ID: "anna", Role: complaint.RoleCustomer}, first.Add(3*time.Hour))
	require.NoError(t, err)
	r, err = privacy.Erase(ctx, "anna", s.targets(), first.Add(4*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, privacy.Erased, r.Complaints, "the words written after the first erasure are erased")
	_, js := s.export(t, "anna")
	assert.NotContains(t, js, "torn seam")
	assert.NotContains(t, js, "I give up")

	r, err = privacy.Erase(ctx, "anna", s.targets(), first.Add(5*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, privacy.AlreadyErased, r.Complaints)
}

// A closed case whose last event is after the time of the erasure cannot
// be erased at that time: the erasure is refused before anything is
// written, the ledger included, as for the other refusals.
func TestEraseRefusedByCase(t *testing.T) {
	ctx := context.Background()
	s := newErasureShop(t)
	s.person(t, "anna", 0)
	desk := &complaint.Service{Store: s.cases.MemStore}
	withdrawn := now.Add(time.Hour)
	_, _, err := desk.Do(ctx, "C-anna", complaint.Command{Kind: complaint.CmdWithdraw, Reason: "sorted it out myself"},
		complaint.Actor{ID: "anna", Role: complaint.RoleCustomer}, withdrawn)
	require.NoError(t, err)
	_, doc := s.export(t, "anna")

	r, err := privacy.Erase(ctx, "anna", s.targets(), now)
	var ee *privacy.ErasureError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, privacy.SourceComplaints, ee.Store)
	var ve *customer.ValidationError
	assert.ErrorAs(t, err, &ve, "the case's error names the field")
	assert.Equal(t, privacy.NotDone, r.Loyalty, "nothing written")
	assert.Equal(t, privacy.NotDone, r.Customers)
	assert.Equal(t, privacy.NotDone, r.Interactions)
	_, got := s.export(t, "anna")
	assert.Equal(t, doc, got, "a refused erasure changes nothing")

	r, err = privacy.Erase(ctx, "anna", s.targets(), withdrawn)
	require.NoError(t, err)
	assert.Equal(t, privacy.ErasureReport{Customer: "anna", Made: withdrawn,
		Customers: privacy.Erased, Interactions: privacy.Erased, Loyalty: privacy.Erased, Complaints: privacy.Erased,
		Withdrawn: []customer.Purpose{customer.PurposeMarketing}, KeptCases: []complaint.ID{}}, r)
}

// A consent recorded while Erase runs, between its reading the record
// and its storing the anonymised one, stays in the consent history with
// its withdrawal: on a directory that updates atomically, the record
// stored is the anonymised form of the record as it is then.
func TestEraseKeepsConsentRecordedMeanwhile(t *testing.T) {
	ctx := context.Background()
	s := newErasureShop(t)
	s.person(t, "anna", 0)
	given := now.Add(-time.Minute)
	s.ledgers.afterRead = func() { // runs after Erase has read the record
		require.NoError(t, s.customers.MemStore.Update(ctx, "anna", func(c *customer.Customer) error {
			x, err := c.RecordConsent(customer.ConsentChange{Purpose: customer.PurposeProfiling, Given: true,
				Time: given, Source: customer.SourceTill, Notice: "notice v2"}, given)
			*c = x
			return err
		}))
	}
	r, err := privacy.Erase(ctx, "anna", s.targets(), now)
	require.NoError(t, err)
	assert.Equal(t, privacy.Erased, r.Customers)
	assert.Equal(t, []customer.Purpose{customer.PurposeMarketing, customer.PurposeProfiling}, r.Withdrawn)
	c, err := s.customers.Get(ctx, "anna")
	require.NoError(t, err)
	require.NoError(t, c.Validate(now))
	got, ok := c.LatestConsent(customer.PurposeProfiling)
	require.True(t, ok, "the consent given meanwhile is kept as evidence")
	assert.Equal(t, customer.SourceErasure, got.Source)
	assert.Len(t, c.ConsentHistory, 4, "marketing given, profiling given, both withdrawn")
	assert.Empty(t, c.Name)
}

// putOnly is a directory without the Updater capability.
type putOnly struct{ m *customer.MemStore }

func (p putOnly) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	return p.m.Get(ctx, id)
}
func (p putOnly) Put(ctx context.Context, c customer.Customer) error { return p.m.Put(ctx, c) }

// A directory without Update is written with Put; a record erased by
// another call while Erase runs is not erased twice.
func TestEraseDirectoryKinds(t *testing.T) {
	ctx := context.Background()
	t.Run("put only", func(t *testing.T) {
		s := newErasureShop(t)
		s.person(t, "anna", 0)
		tg := s.targets()
		tg.Customers = putOnly{s.customers.MemStore}
		r, err := privacy.Erase(ctx, "anna", tg, now)
		require.NoError(t, err)
		assert.Equal(t, privacy.Erased, r.Customers)
		assert.Equal(t, []customer.Purpose{customer.PurposeMarketing}, r.Withdrawn)
		after, doc := s.export(t, "anna")
		assert.Empty(t, personalDataIn(after, doc, "anna"))
	})
	t.Run("erased meanwhile", func(t *testing.T) {
		s := newErasureShop(t)
		s.person(t, "anna", 0)
		s.ledgers.afterRead = func() {
			require.NoError(t, s.customers.MemStore.Update(ctx, "anna", func(c *customer.Customer) error {
				a, err := c.AnonymizeAt(now.Add(-time.Minute))
				*c = a
				return err
			}))
		}
		r, err := privacy.Erase(ctx, "anna", s.targets(), now)
		require.NoError(t, err)
		assert.Equal(t, privacy.AlreadyErased, r.Customers)
		assert.Empty(t, r.Withdrawn)
		c, err := s.customers.Get(ctx, "anna")
		require.NoError(t, err)
		assert.Len(t, c.ConsentHistory, 2, "one withdrawal")
	})
}

// The interactions target erases the customer's interactions, and only
// those: without it they stay and its outcome is NotDone; alone, it
// erases them and leaves the record as it is; an interaction recorded
// after an erasure is erased by the next call.
func TestEraseInteractions(t *testing.T) {
	ctx := context.Background()
	t.Run("without the target", func(t *testing.T) {
		s := newErasureShop(t)
		s.person(t, "anna", 0)
		tg := s.targets()
		tg.Interactions = nil
		r, err := privacy.Erase(ctx, "anna", tg, now)
		require.NoError(t, err)
		assert.Equal(t, privacy.NotDone, r.Interactions)
		assert.Equal(t, privacy.Erased, r.Customers)
		after, _ := s.export(t, "anna")
		assert.Len(t, after.Interactions, 2, "not consulted, the history keeps them")
	})
	t.Run("alone", func(t *testing.T) {
		s := newErasureShop(t)
		s.person(t, "anna", 0)
		s.person(t, "ben", 1)
		before, _ := s.export(t, "anna")
		_, benBefore := s.export(t, "ben")
		r, err := privacy.Erase(ctx, "anna", privacy.Targets{Interactions: s.customers}, now)
		require.NoError(t, err)
		assert.Equal(t, privacy.ErasureReport{Customer: "anna", Made: now, Interactions: privacy.Erased,
			Withdrawn: []customer.Purpose{}, KeptCases: []complaint.ID{}}, r)
		after, _ := s.export(t, "anna")
		assert.Empty(t, after.Interactions)
		assert.Equal(t, before.Record, after.Record, "the record is not a target")
		assert.Equal(t, before.Orders, after.Orders, "orders are kept")
		_, benAfter := s.export(t, "ben")
		assert.Equal(t, benBefore, benAfter, "another customer is untouched")

		r, err = privacy.Erase(ctx, "anna", privacy.Targets{Interactions: s.customers}, now)
		require.NoError(t, err)
		assert.Equal(t, privacy.AlreadyErased, r.Interactions, "held without interactions")
	})
	t.Run("recorded after an erasure", func(t *testing.T) {
		s := newErasureShop(t)
		s.person(t, "anna", 0)
		_, err := privacy.Erase(ctx, "anna", s.targets(), now)
		require.NoError(t, err)
		// The anonymised customer comes back to the shop.
		require.NoError(t, s.customers.AppendInteraction(ctx, customer.Interaction{CustomerID: "anna", Time: now.Add(time.Hour), Kind: customer.StoreVisit, Subject: "Berlin 1"}))
		r, err := privacy.Erase(ctx, "anna", s.targets(), now.Add(2*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, privacy.Erased, r.Interactions)
		assert.Equal(t, privacy.AlreadyErased, r.Customers)
		after, _ := s.export(t, "anna")
		assert.Empty(t, after.Interactions)
	})
	t.Run("unknown customer", func(t *testing.T) {
		s := newErasureShop(t)
		s.person(t, "anna", 0)
		r, err := privacy.Erase(ctx, "nobody", privacy.Targets{Interactions: s.customers}, now)
		var unknown *privacy.UnknownCustomerError
		require.ErrorAs(t, err, &unknown)
		assert.Zero(t, r)
	})
	t.Run("refused erasure keeps them", func(t *testing.T) {
		s := newErasureShop(t)
		s.person(t, "anna", 0)
		// The record refuses: now is before its last consent change.
		_, err := privacy.Erase(ctx, "anna", s.targets(), t0.Add(-time.Hour))
		require.Error(t, err)
		after, _ := s.export(t, "anna")
		assert.Len(t, after.Interactions, 2, "a refused erasure changes nothing")
	})
}
