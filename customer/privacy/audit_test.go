package privacy_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
)

// An erasure dated before the customer joined (a clock or time-zone
// error of the caller) is refused by the record's
// [customer.Customer.AnonymizeAt] before any store is written: the
// ledger, the cases and the interactions are untouched too.
func TestEraseBeforeJoinedRefused(t *testing.T) {
	ctx := context.Background()
	s := newErasureShop(t)
	s.person(t, "anna", 0)
	require.NoError(t, s.customers.MemStore.Update(ctx, "anna", func(c *customer.Customer) error {
		c.Joined = now.Add(time.Hour) // joined after the erasure's now
		return nil
	}))
	_, before := s.export(t, "anna")

	r, err := privacy.Erase(ctx, "anna", s.targets(), now)
	require.Error(t, err)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	assert.Contains(t, err.Error(), `customer "anna"`)
	assert.Contains(t, err.Error(), "joined")
	assert.Equal(t, privacy.NotDone, r.Loyalty)
	assert.Equal(t, privacy.NotDone, r.Interactions)
	_, after := s.export(t, "anna")
	assert.Equal(t, before, after, "a refused erasure changes nothing")
}

// A document holding a record of another customer than the one it is
// about is not a report [privacy.Export] makes: importing it would file
// that customer's data under this one. It is refused, like a source
// returning such a record, and the report is unchanged.
func TestReportDecodeForeignRecord(t *testing.T) {
	s := newErasureShop(t)
	s.person(t, "anna", 0)
	_, doc := s.export(t, "anna")
	for name, bad := range map[string]string{
		"record":      strings.Replace(doc, `"record":{"id":"anna"`, `"record":{"id":"ben"`, 1),
		"order":       strings.Replace(doc, `"customer_id":"anna","time"`, `"customer_id":"ben","time"`, 1),
		"interaction": strings.Replace(doc, `{"customer_id":"anna","time":"2026-01-11T12:00:00Z","kind":"wishlist"`, `{"customer_id":"ben","time":"2026-01-11T12:00:00Z","kind":"wishlist"`, 1),
		"ledger":      strings.ReplaceAll(doc, `"member":"anna"`, `"member":"ben"`),
		"case":        strings.Replace(doc, `"complainant":"anna"`, `"complainant":"ben"`, 1),
		"event":       strings.Replace(doc, `"events":[{"case":"C-anna"`, `"events":[{"case":"C-ben"`, 1),
	} {
		require.NotEqual(t, doc, bad, "%s: the fixture has the key", name)
		got := privacy.Report{Customer: "kept"}
		err := json.Unmarshal([]byte(bad), &got)
		assert.ErrorIs(t, err, privacy.ErrForeignRecord, name)
		assert.Equal(t, privacy.Report{Customer: "kept"}, got, "%s: a refused document changes nothing", name)
	}
	got := privacy.Report{Customer: "kept"}
	err := json.Unmarshal([]byte(strings.Replace(doc, `"customer":"anna"`, `"customer":" "`, 1)), &got)
	assert.ErrorIs(t, err, customer.ErrInvalid, "a blank customer")
	assert.Equal(t, privacy.Report{Customer: "kept"}, got)
}
