package main

import (
	"context"
	"net/http"
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
	require.Equal(t, http.StatusOK, r.Status, r.String())
	r = e.do("PUT", "/v1/customers/C-2", "shop", body)
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	c, err := e.stores.Customers.Get(ctx, "C-2")
	require.NoError(t, err)
	assert.False(t, c.Consent.Marketing)
	assert.Empty(t, c.ConsentHistory)
}
