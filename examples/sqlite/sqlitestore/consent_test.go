package sqlitestore

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// Documents written before customers had a consent history read back
// with none, and a customer without one is written as before.
func TestDocumentsWithoutConsentHistoryStayReadable(t *testing.T) {
	c, err := decodeCustomer("C-1", []byte(`{"kind":"consumer","name":"Ana","consent":{"Marketing":true,"Profiling":false}}`))
	require.NoError(t, err)
	assert.Nil(t, c.ConsentHistory)
	assert.True(t, c.Consent.Marketing)
	_, ok := c.LatestConsent(customer.PurposeMarketing)
	assert.False(t, ok, "no evidence")
	_, doc, err := encodeCustomer(customer.Customer{ID: "C-1", Kind: customer.Consumer, Consent: customer.Consent{Marketing: true}})
	require.NoError(t, err)
	assert.NotContains(t, string(doc), "consent_history")
}

// A consent history comes back change for change through the document:
// purposes and sources by name, instants in UTC with their nanoseconds.
func TestConsentHistoryDocument(t *testing.T) {
	at := time.Date(2026, 2, 3, 4, 5, 6, 789012345, time.FixedZone("UTC+8", 8*3600))
	c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Consent: customer.Consent{Profiling: true},
		ConsentHistory: []customer.ConsentChange{
			{Purpose: customer.PurposeMarketing, Given: true, Time: at, Source: customer.SourceTill, Notice: "隐私政策 v2"},
			{Purpose: customer.PurposeProfiling, Given: true, Time: at, Source: customer.SourceForm, Notice: "v2"},
			{Purpose: customer.PurposeMarketing, Time: at.Add(time.Nanosecond), Source: customer.SourceEmail},
		}}
	_, doc, err := encodeCustomer(c)
	require.NoError(t, err)
	assert.Contains(t, string(doc), `"purpose":"marketing"`)
	assert.Contains(t, string(doc), `"source":"till"`)
	assert.Contains(t, string(doc), `"time":"2026-02-02T20:05:06.789012345Z"`)
	back, err := decodeCustomer("C-1", doc)
	require.NoError(t, err)
	assert.True(t, back.Equal(c), "%s", doc)
}

// A change whose purpose or source has no name, or whose time SQLite's
// documents cannot hold, is refused: the error names the customer and
// each field, and nothing is kept.
func TestUndefinedConsentChangeIsRejected(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "shop.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	cs := db.Customers()
	ok := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, field string
		change      customer.ConsentChange
	}{
		{"purpose", "consent_history[1].purpose", customer.ConsentChange{Purpose: 9, Time: ok, Source: customer.SourceApp}},
		{"source", "consent_history[1].source", customer.ConsentChange{Purpose: customer.PurposeMarketing, Time: ok, Source: 77}},
		{"time", "consent_history[1].time", customer.ConsentChange{Purpose: customer.PurposeMarketing,
			Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Source: customer.SourceApp}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: ok,
				ConsentHistory: []customer.ConsentChange{{Purpose: customer.PurposeProfiling, Time: ok, Source: customer.SourceWebShop}, tc.change}}
			err := cs.Put(t.Context(), c)
			require.ErrorIs(t, err, customer.ErrInvalid)
			var ve *customer.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			assert.Equal(t, `customer "C-1"`, ve.Record)
			assert.True(t, ve.Has(tc.field, customer.CodeUnknown) || ve.Has(tc.field, customer.CodeRange), "%v", err)
			_, err = cs.Get(t.Context(), "C-1")
			assert.ErrorIs(t, err, customer.ErrNotFound, "a rejected Put stores nothing")
		})
	}
}
