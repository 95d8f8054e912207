package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// openComplaint opens a complaint of customer cust through the API and
// returns the ID the server gave it.
func (e *testEnv) openComplaint(cust string) string {
	e.t.Helper()
	r := e.do("POST", "/v1/complaints", "shop", map[string]any{
		"complainant": cust, "channel": "web", "received": testNow.Add(-time.Hour).Format(time.RFC3339),
		"subject": map[string]any{"kind": "service"}, "category": "other", "severity": "low",
		"currency": "EUR", "demand": map[string]any{"kind": "apology"}, "description": "slow answer",
	})
	require.Equal(e.t, http.StatusCreated, r.Status, r.String())
	return r.Body["case"].(map[string]any)["id"].(string)
}

// A customer's complaints are numbered from the store's listing of their
// cases: 1, 2, … per customer, after the highest number they have (a case
// stored by another program, with a gap, counts); the complaint history
// that feeds the churn risk is every case of the customer, in the order
// the store lists them, and no other customer's.
func TestComplaintsOfACustomer(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		for _, id := range []string{"C-7", "C-77", "C-8"} {
			e.register(id)
		}
		assert.Equal(t, "C-7:1", e.openComplaint("C-7"))
		assert.Equal(t, "C-77:1", e.openComplaint("C-77"))
		assert.Equal(t, "C-7:2", e.openComplaint("C-7"))
		assert.Equal(t, "C-8:1", e.openComplaint("C-8"))

		// Recorded by another program, two days earlier, as number 5.
		earlier := testNow.Add(-48 * time.Hour)
		svc := &complaint.Service{Store: e.stores.Complaints}
		_, _, err := svc.Record(ctx, complaint.Intake{
			ID: "C-7:5", Complainant: "C-7", Channel: complaint.ChannelPhone, Received: earlier,
			Subject: complaint.Subject{Kind: complaint.SubjectService}, Category: complaint.CategoryOther,
			Severity: complaint.SeverityHigh, Currency: "EUR", Demand: complaint.Demand{Kind: complaint.ResolutionApology},
			Description: "parcel lost",
		}, "", complaint.Actor{ID: "backoffice", Role: complaint.RoleAgent}, earlier)
		require.NoError(t, err)
		assert.Equal(t, "C-7:6", e.openComplaint("C-7"))
		assert.Equal(t, "C-8:2", e.openComplaint("C-8"))

		logs, err := e.srv.casesOf(ctx, "C-7")
		require.NoError(t, err)
		var ids []complaint.ID
		for _, log := range logs {
			c, err := complaint.Rebuild(log)
			require.NoError(t, err)
			assert.Equal(t, customer.ID("C-7"), c.Intake.Complainant)
			ids = append(ids, c.ID)
		}
		assert.Equal(t, []complaint.ID{"C-7:5", "C-7:1", "C-7:2", "C-7:6"}, ids, "by opening time, then ID")
		sig, err := complaint.Signals(logs, testNow, 0, nil)
		require.NoError(t, err)
		assert.Equal(t, 4, sig["C-7"].Total)
		assert.Equal(t, 4, sig["C-7"].Unresolved)

		logs, err = e.srv.casesOf(ctx, "C-9")
		require.NoError(t, err)
		assert.Empty(t, logs, "a customer without complaints")
	})
}
