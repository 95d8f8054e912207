package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// complaintForm is a complaint of cust about order, received at.
func complaintForm(cust, order string, at time.Time) map[string]any {
	return map[string]any{
		"complainant": cust, "channel": "web", "received": at.Format(time.RFC3339),
		"subject": map[string]any{"kind": "product", "sku": "KN-100", "order": order}, "category": "seams",
		"severity": "medium", "currency": "EUR", "order_value": "89.90",
		"demand":      map[string]any{"kind": "price-reduction", "amount": "10.00"},
		"description": "The seams came apart after one wear.",
		"note":        "sent from the web form",
	}
}

// A complaint form sent again — the shop retries after a timeout — is
// the complaint recorded before: 200 with the same case (its path in
// Location, as the 201 of the first delivery has it), and no second
// case. Another form, or the same form sent by another key, opens a case
// of its own.
func TestComplaintRetryOpensOneCase(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		form := complaintForm("C-1", "O-1", testNow.Add(-time.Hour))
		first := e.do("POST", "/v1/complaints", "shop", form)
		require.Equal(t, http.StatusCreated, first.Status, first.String())
		assert.Equal(t, "/v1/complaints/C-1:1", first.Header.Get("Location"), "the case created")
		e.advance(time.Minute)
		again := e.do("POST", "/v1/complaints", "shop", form)
		require.Equal(t, http.StatusOK, again.Status, again.String())
		assert.Equal(t, first.Body["case"], again.Body["case"], "the retry answers the case recorded")
		assert.Equal(t, "/v1/complaints/C-1:1", again.Header.Get("Location"), "the case recorded before")

		r := e.do("GET", "/v1/complaints/C-1:2", "agent-1", nil)
		assert.Equal(t, http.StatusNotFound, r.Status, "a retry opened a second case: %s", r)

		other := complaintForm("C-1", "O-1", testNow.Add(-30*time.Minute))
		r = e.do("POST", "/v1/complaints", "shop", other)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		assert.Equal(t, "C-1:2", r.Body["case"].(map[string]any)["id"])
		r = e.do("POST", "/v1/complaints", "agent-1", form)
		require.Equal(t, http.StatusCreated, r.Status, "another key's form: %s", r)
		assert.Equal(t, "C-1:3", r.Body["case"].(map[string]any)["id"])
	})
}

// doKeyed is do with an Idempotency-Key header.
func (e *testEnv) doKeyed(method, path, keyID, idem string, body any) response {
	e.t.Helper()
	data, err := json.Marshal(body)
	require.NoError(e.t, err)
	req, err := http.NewRequest(method, e.ts.URL+path, bytes.NewReader(data))
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+e.keys[keyID])
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", idem)
	resp, err := e.client.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	out := response{Status: resp.StatusCode, Raw: string(raw)}
	require.NoError(e.t, json.Unmarshal(raw, &out.Body), string(raw))
	return out
}

// A workflow command sent again under its Idempotency-Key — the shop or
// a back office retrying after a timeout — is applied once and answered
// as the first time (200, the same event); the key with another command
// is 409 naming the header. A carry-out sent again under its key pays
// once. A complaint form under a key is recorded once per key, even when
// another form under another key has the same content.
func TestKeyedRetriesApplyOnce(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-8")
		r := e.do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())

		form := complaintForm("C-8", "O-8", testNow.Add(-time.Hour))
		first := e.doKeyed("POST", "/v1/complaints", "shop", "form-1", form)
		require.Equal(t, http.StatusCreated, first.Status, first.String())
		again := e.doKeyed("POST", "/v1/complaints", "shop", "form-1", form)
		require.Equal(t, http.StatusOK, again.Status, again.String())
		assert.Equal(t, first.Body["case"], again.Body["case"])
		other := complaintForm("C-8", "O-8", testNow.Add(-30*time.Minute))
		r = e.doKeyed("POST", "/v1/complaints", "shop", "form-1", other)
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, "Idempotency-Key", r.field(), r.String())
		r = e.doKeyed("POST", "/v1/complaints", "shop", "form-2", form)
		require.Equal(t, http.StatusCreated, r.Status, "the same content under another key is another complaint: %s", r)
		r = e.doKeyed("POST", "/v1/complaints", "shop", "bad key", form)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "Idempotency-Key", r.field(), r.String())

		id := first.Body["case"].(map[string]any)["id"].(string)
		path := "/v1/complaints/" + id + "/commands"
		accept := map[string]any{"kind": "accept"}
		a1 := e.doKeyed("POST", path, "agent-1", "cmd-1", accept)
		require.Equal(t, http.StatusOK, a1.Status, a1.String())
		a2 := e.doKeyed("POST", path, "agent-1", "cmd-1", accept)
		require.Equal(t, http.StatusOK, a2.Status, "a retried accept: %s", a2)
		assert.Equal(t, a1.Body["events"], a2.Body["events"], "the retry answers the event of the first delivery")
		r = e.doKeyed("POST", path, "agent-1", "cmd-1", map[string]any{"kind": "reject", "reply": "no"})
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, "Idempotency-Key", r.field(), r.String())

		for i, st := range []struct {
			key string
			cmd map[string]any
		}{
			{"agent-1", map[string]any{"kind": "assign", "assignment": map[string]any{"department": "quality", "handler": "handler-1"}}},
			{"handler-1", map[string]any{"kind": "investigate", "finding": map[string]any{"cause": "manufacturing", "responsible": "supplier", "detail": "narrow seam allowance"}}},
			{"handler-1", map[string]any{"kind": "propose", "proposal": map[string]any{"kind": "price-reduction", "amount": "10.00", "detail": "keep it"}}},
			{"manager-1", map[string]any{"kind": "approve"}},
		} {
			r := e.doKeyed("POST", path, st.key, fmt.Sprintf("step-%d", i), st.cmd)
			require.Equal(t, http.StatusOK, r.Status, r.String())
		}
		c1 := e.doKeyed("POST", path, "handler-1", "pay-1", carryOutCmd)
		require.Equal(t, http.StatusOK, c1.Status, c1.String())
		c2 := e.doKeyed("POST", path, "handler-1", "pay-1", carryOutCmd)
		require.Equal(t, http.StatusOK, c2.Status, "a retried carry-out: %s", c2)
		assert.Equal(t, c1.Body["events"], c2.Body["events"])
		assert.Len(t, e.creditsOf("C-8"), 1, "one credit")
	})
}

// A return sent again answers what the return clawed back and which
// coupon uses it gave back, as the first delivery did: a shop that lost
// the first answer learns it from the retry.
func TestReturnRetryAnswersTheSame(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-2*time.Hour), "WELCOME10"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		ret := map[string]any{"id": "R-1", "order_id": "O-1", "customer_id": "C-1",
			"time": testNow.Add(-time.Hour).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
			"lines": []map[string]any{{"line_id": "1", "quantity": -1}, {"line_id": "2", "quantity": -1}}}
		first := e.do("POST", "/v1/returns", "shop", ret)
		require.Equal(t, http.StatusCreated, first.Status, first.String())
		require.NotZero(t, num(first.Body["points_clawed_back"]), first.String())
		require.Equal(t, []any{"WELCOME10"}, first.Body["coupons_given_back"], first.String())
		again := e.do("POST", "/v1/returns", "shop", ret)
		require.Equal(t, http.StatusOK, again.Status, again.String())
		assert.Equal(t, true, again.Body["duplicate"])
		assert.Equal(t, first.Body["points_clawed_back"], again.Body["points_clawed_back"], again.String())
		assert.Equal(t, first.Body["coupons_given_back"], again.Body["coupons_given_back"], again.String())
	})
}

// hiddenCases is a complaint store whose listing misses every case, as
// one made before another process stored a case does.
type hiddenCases struct{ complaint.Store }

func (hiddenCases) Cases(context.Context, customer.ID) ([]complaint.Case, error) { return nil, nil }

// A case number another process took after the listing is skipped, with
// or without an Idempotency-Key: the complaint takes the next number.
func TestComplaintNumberTakenMeanwhile(t *testing.T) {
	base := newEnv(t, memoryStores())
	e := newEnv(t, &Stores{Name: "hidden", Customers: base.stores.Customers, Ledgers: base.stores.Ledgers,
		Complaints: hiddenCases{base.stores.Complaints}})
	e.register("C-1")
	r := e.do("POST", "/v1/complaints", "agent-1", complaintForm("C-1", "O-1", testNow.Add(-time.Hour)))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.Equal(t, "C-1:1", r.Body["case"].(map[string]any)["id"])
	r = e.doKeyed("POST", "/v1/complaints", "agent-1", "k-2", complaintForm("C-1", "O-1", testNow.Add(-50*time.Minute)))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.Equal(t, "C-1:2", r.Body["case"].(map[string]any)["id"])
	r = e.do("POST", "/v1/complaints", "agent-1", complaintForm("C-1", "O-1", testNow.Add(-40*time.Minute)))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.Equal(t, "C-1:3", r.Body["case"].(map[string]any)["id"])
}
