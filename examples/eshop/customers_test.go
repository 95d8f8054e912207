package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// A second PUT of a customer keeps what the shop does not collect (the
// profile, the household) and records each consent that changes as
// evidence, which GET lists.
func TestPutCustomerKeepsWhatTheShopDoesNotCollect(t *testing.T) {
	e := newEnv(t, memoryStores())
	ctx := context.Background()
	e.register("C-1")
	stored, err := e.stores.Customers.Get(ctx, "C-1")
	require.NoError(t, err)
	require.Len(t, stored.ConsentHistory, 2, "both consents given at registration")
	for _, ch := range stored.ConsentHistory {
		assert.True(t, ch.Given)
		assert.Equal(t, customer.SourceWebShop, ch.Source)
		assert.Equal(t, "privacy v4", ch.Notice)
	}
	// The ERP adds a profile and a household.
	stored.Profile = customer.Profile{TopSize: "M", HeightCM: 172}
	stored.Household = []customer.Member{{ID: "dad", Relation: customer.Parent, Profile: customer.Profile{TopSize: "XL"}}}
	require.NoError(t, e.stores.Customers.Put(ctx, stored))

	// A day later the shop updates the address and withdraws the
	// marketing consent.
	e.advance(24 * time.Hour)
	later := testNow.Add(24 * time.Hour)
	r := e.do("PUT", "/v1/customers/C-1", "shop", map[string]any{
		"kind": "consumer", "name": "Jane Doe", "email": "jane.doe@example.com", "address": "Neue Straße 1, 10115 Berlin",
		"birthday": "1990-04-12", "consent": map[string]any{"marketing": false, "profiling": true},
	})
	require.Equal(t, http.StatusOK, r.Status, r.String())
	got, err := e.stores.Customers.Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, "Neue Straße 1, 10115 Berlin", got.Contact.Address)
	assert.True(t, got.Profile.Equal(stored.Profile), "profile kept: %+v", got.Profile)
	require.Len(t, got.Household, 1)
	assert.True(t, got.Household[0].Equal(stored.Household[0]), "household kept")
	assert.Equal(t, stored.Joined, got.Joined, "joined kept when not given")
	assert.False(t, got.Consent.Marketing)
	assert.True(t, got.Consent.Profiling)
	require.Len(t, got.ConsentHistory, 3, "only the change is recorded")
	last, ok := got.LatestConsent(customer.PurposeMarketing)
	require.True(t, ok)
	assert.False(t, last.Given)
	assert.Equal(t, later, last.Time.UTC())

	r = e.do("GET", "/v1/customers/C-1", "agent-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	consent := r.Body["consent"].(map[string]any)
	assert.Equal(t, false, consent["marketing"])
	history := consent["history"].([]any)
	require.Len(t, history, 3)
	assert.Equal(t, map[string]any{"purpose": "marketing", "given": false, "time": later.Format(time.RFC3339Nano), "source": "web"},
		history[2])
}

// Giving a consent needs the notice the customer saw; without it nothing
// changes.
func TestPutCustomerConsentNeedsNotice(t *testing.T) {
	e := newEnv(t, memoryStores())
	ctx := context.Background()
	body := map[string]any{"kind": "consumer", "name": "Ann", "consent": map[string]any{"marketing": true}}
	r := e.do("PUT", "/v1/customers/C-2", "shop", body)
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "consent.notice", r.field())
	_, err := e.stores.Customers.Get(ctx, "C-2")
	assert.ErrorIs(t, err, customer.ErrNotFound, "nothing stored")

	// Without consents no notice is needed; given later, it is.
	r = e.do("PUT", "/v1/customers/C-2", "shop", map[string]any{"kind": "consumer", "name": "Ann"})
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = e.do("PUT", "/v1/customers/C-2", "shop", body)
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	c, err := e.stores.Customers.Get(ctx, "C-2")
	require.NoError(t, err)
	assert.False(t, c.Consent.Marketing)
	assert.Empty(t, c.ConsentHistory)
}

// Errors of a customer's record name the request's fields: "email", not
// the record's "contact.email"; a notice too long is "consent.notice".
func TestPutCustomerErrorsNameRequestFields(t *testing.T) {
	e := newEnv(t, memoryStores())
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"kind": "consumer", "email": "nope"}, "email"},
		{map[string]any{"kind": "consumer", "phone": "x"}, "phone"},
		{map[string]any{"kind": "consumer", "consent": map[string]any{"marketing": true, "notice": strings.Repeat("v", 500)}}, "consent.notice"},
		{map[string]any{"kind": "consumer", "joined": testNow.Add(time.Hour).Format(time.RFC3339)}, "joined"},
	} {
		r := e.do("PUT", "/v1/customers/C-3", "shop", c.body)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, c.field, r.field(), r.String())
		for _, f := range r.Body["fields"].([]any) {
			assert.Equal(t, c.field, f.(map[string]any)["field"], r.String())
		}
	}
	_, err := e.stores.Customers.Get(t.Context(), "C-3")
	assert.ErrorIs(t, err, customer.ErrNotFound, "nothing stored")
}

// The member joined the programme when the customer was first registered;
// a later PUT that names another joining time is refused (the ledger keeps
// the first), and one that names the same instant in another zone is not.
func TestPutCustomerKeepsJoined(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	stored, err := e.stores.Customers.Get(t.Context(), "C-1")
	require.NoError(t, err)
	body := func(joined time.Time) map[string]any {
		return map[string]any{"kind": "consumer", "name": "Jane Roe", "joined": joined.Format(time.RFC3339),
			"consent": map[string]any{"marketing": true, "profiling": true, "notice": "privacy v4"}}
	}
	r := e.do("PUT", "/v1/customers/C-1", "shop", body(testNow.Add(-time.Hour)))
	require.Equal(t, http.StatusConflict, r.Status, r.String())
	assert.Equal(t, "joined", r.field())
	got, err := e.stores.Customers.Get(t.Context(), "C-1")
	require.NoError(t, err)
	assert.Equal(t, "Jane Doe", got.Name, "nothing changed")
	assert.True(t, got.Joined.Equal(stored.Joined))
	assert.True(t, e.account("C-1").Joined.Equal(got.Joined), "ledger and record agree")

	r = e.do("PUT", "/v1/customers/C-1", "shop", body(stored.Joined.In(time.FixedZone("CET", 3600))))
	require.Equal(t, http.StatusOK, r.Status, r.String())
}

// A consent given again under a new privacy notice is evidence too: a PUT
// that keeps a consent given and names another notice than the one it
// was last given under records it again, once; a PUT without a notice, or
// with the same one, records nothing. Withdrawing both at once records
// both withdrawals at the request's time.
func TestPutCustomerConsentUnderNewNotice(t *testing.T) {
	e := newEnv(t, memoryStores())
	ctx := context.Background()
	e.register("C-1")
	put := func(consent map[string]any) {
		t.Helper()
		r := e.do("PUT", "/v1/customers/C-1", "shop", map[string]any{"kind": "consumer", "name": "Jane Doe", "consent": consent})
		require.Equal(t, http.StatusOK, r.Status, r.String())
	}
	history := func() []customer.ConsentChange {
		t.Helper()
		c, err := e.stores.Customers.Get(ctx, "C-1")
		require.NoError(t, err)
		return c.ConsentHistory
	}
	e.advance(time.Hour)
	put(map[string]any{"marketing": true, "profiling": true, "notice": "privacy v5"})
	h := history()
	require.Len(t, h, 4)
	for _, ch := range h[2:] {
		assert.True(t, ch.Given)
		assert.Equal(t, "privacy v5", ch.Notice)
		assert.Equal(t, testNow.Add(time.Hour), ch.Time.UTC())
	}
	put(map[string]any{"marketing": true, "profiling": true, "notice": "privacy v5"})
	put(map[string]any{"marketing": true, "profiling": true})
	assert.Len(t, history(), 4, "nothing new")

	e.advance(time.Hour)
	put(map[string]any{"marketing": false, "profiling": false, "notice": "privacy v5"})
	h = history()
	require.Len(t, h, 6)
	for _, ch := range h[4:] {
		assert.False(t, ch.Given)
		assert.Equal(t, testNow.Add(2*time.Hour), ch.Time.UTC())
	}
	put(map[string]any{"notice": "privacy v6"})
	assert.Len(t, history(), 6, "a withdrawn consent stays withdrawn whatever the notice")
}
