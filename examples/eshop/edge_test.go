package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An adjustment delivered again later, with the same content, is the same
// adjustment (200, nothing added), although the server stamps each
// delivery with its own time; another content under its ID is 409.
func TestAdjustmentRedeliveredLater(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-2")
		adj := map[string]any{"id": "ADJ-1", "points": 500, "reason": "goodwill after a lost parcel"}
		r := e.do("POST", "/v1/members/C-2/adjustments", "supervisor-1", adj)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		e.advance(90 * time.Second)
		r = e.do("POST", "/v1/members/C-2/adjustments", "supervisor-1", adj)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, true, r.Body["duplicate"])
		assert.EqualValues(t, 500, e.balance("C-2"))

		for _, other := range []map[string]any{
			{"id": "ADJ-1", "points": 500, "reason": "another reason"},
			{"id": "ADJ-1", "points": 400, "reason": "goodwill after a lost parcel"},
		} {
			r = e.do("POST", "/v1/members/C-2/adjustments", "supervisor-1", other)
			require.Equal(t, http.StatusConflict, r.Status, r.String())
			assert.Equal(t, "id", r.field())
		}
		r = e.do("POST", "/v1/members/C-2/adjustments", "manager-1", adj)
		require.Equal(t, http.StatusConflict, r.Status, "another operator: %s", r)
		assert.EqualValues(t, 500, e.balance("C-2"))
	})
}

// The coupon uses a shop passes with a basket are read as documented
// ("total"; "by_member" only for a buyer who is not a member, whose
// uses the member's ledger counts) and count; bad counts name the
// coupon; an unknown member is named as "member".
func TestBasketCouponUses(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-3")
	basket := func(uses any) map[string]any {
		b := map[string]any{"member": "C-3", "currency": "EUR", "coupons": []string{"WELCOME10"},
			"items": []map[string]any{{"id": "1", "sku": "CO-7", "category": "coats", "quantity": 1, "unit_price": "249.00"}}}
		if uses != nil {
			b["uses"] = uses
		}
		return b
	}
	r := e.do("POST", "/v1/baskets/price", "shop", basket(map[string]any{"WELCOME10": map[string]int{"total": 3, "by_member": 0}}))
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "24.90", r.Body["discount"])

	// A member's own uses are its ledger's: a count from the request is
	// refused for a member's basket.
	r = e.do("POST", "/v1/baskets/price", "shop", basket(map[string]any{"WELCOME10": map[string]int{"total": 3, "by_member": 1}}))
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "uses[WELCOME10].by_member", r.field())

	// The uses by everyone the request gives count (uses the shop knows
	// of elsewhere; the server's stored count is the least): a bearer
	// coupon used up by other buyers is refused.
	extra, err := decodeCoupons(e.srv.programme, []byte(`[{"code": "FIRST3", "kind": "percent", "percent": "5",
		"scope": {"kind": "all"}, "max_uses": 3, "stacking": "combinable"}]`))
	require.NoError(t, err)
	e.srv.coupons["FIRST3"] = extra["FIRST3"]
	b3 := basket(map[string]any{"FIRST3": map[string]int{"total": 3}})
	b3["coupons"] = []string{"FIRST3"}
	r = e.do("POST", "/v1/baskets/price", "shop", b3)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "FIRST3 was used 3 times: %s", r)
	assert.Equal(t, "coupons", r.field())
	assert.Contains(t, r.Body["error"], "max_uses")
	b3["uses"] = map[string]any{"FIRST3": map[string]int{"total": 2}}
	r = e.do("POST", "/v1/baskets/price", "shop", b3)
	require.Equal(t, http.StatusOK, r.Status, r.String())

	r = e.do("POST", "/v1/baskets/price", "shop", basket(map[string]any{"WELCOME10": map[string]int{"total": -1}}))
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "uses[WELCOME10]", r.field())

	r = e.do("POST", "/v1/baskets/price", "shop", basket(map[string]any{"WELCOME10": map[string]any{"total": "x"}}))
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "uses.total", r.field())

	b := basket(nil)
	b["member"] = "C-404"
	r = e.do("POST", "/v1/baskets/price", "shop", b)
	require.Equal(t, http.StatusNotFound, r.Status, r.String())
	assert.Equal(t, "member", r.field())
}

// Money of a complaint must fit the order it is for: a complaint is in
// the shop's currency, and a price reduction that would take the order's
// reductions above its net refuses the carry-out (422, case unchanged),
// so that the customer's history stays summable and the insight works.
func TestComplaintCreditMustFitItsOrder(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-8")
	r := e.do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	_, err := e.srv.Refresh(t.Context())
	require.NoError(t, err)

	r = e.do("POST", "/v1/complaints", "shop", map[string]any{
		"complainant": "C-8", "channel": "web", "received": testNow.Add(-time.Hour).Format(time.RFC3339),
		"subject": map[string]any{"kind": "product", "sku": "KN-100", "order": "O-8"}, "category": "seams",
		"severity": "medium", "currency": "USD", "order_value": "89.90",
		"demand": map[string]any{"kind": "apology"}, "description": "The seams came apart.",
	})
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "currency", r.field())

	// The order's net is 89.90 + 54.90 = 144.80: 80 and then 80 more
	// is too much.
	path := e.resolveComplaint("C-8", "O-8", "price-reduction", "80.00")
	r = e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	path = e.resolveComplaint("C-8", "O-8", "price-reduction", "80.00")
	r = e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	assert.Equal(t, "proposal.amount", r.field())
	r = e.do("GET", strings.TrimSuffix(path, "/commands"), "agent-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "approved", r.Body["case"].(map[string]any)["state"])

	r = e.do("GET", "/v1/customers/C-8/insight", "analyst-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "64.80", r.Body["summary"].(map[string]any)["net"])
}

// A known path with a method it does not serve is 405 with Allow and a
// JSON error, not 404; a body that is not JSON by its media type is 415.
func TestWrongMethodAndMediaType(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	for _, c := range []struct{ method, path, allow string }{
		{"GET", "/v1/orders", "POST"},
		{"DELETE", "/v1/customers/C-1", "GET, HEAD, PUT"},
		{"PATCH", "/v1/complaints/C-1:1", "GET, HEAD"},
		{"POST", "/v1/members/C-1/points", "GET, HEAD"},
	} {
		req, err := http.NewRequest(c.method, e.ts.URL+c.path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+e.keys["manager-1"])
		resp, err := e.client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, "%s %s", c.method, c.path)
		assert.Equal(t, c.allow, resp.Header.Get("Allow"), "%s %s", c.method, c.path)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	}
	r := e.do("GET", "/v1/nothing", "shop", nil)
	assert.Equal(t, http.StatusNotFound, r.Status, r.String())

	for _, ct := range []string{"application/jsonp", "application/json-seq", "text/plain"} {
		req, err := http.NewRequest("POST", e.ts.URL+"/v1/orders",
			strings.NewReader(`{"id":"O-1","customer_id":"C-1","time":"2026-03-01T10:00:00Z","channel":"online","currency":"EUR",`+
				`"lines":[{"id":"1","quantity":1,"unit_price":"10.00"}]}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+e.keys["shop"])
		req.Header.Set("Content-Type", ct)
		resp, err := e.client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode, ct)
	}
	assert.Empty(t, e.orders("C-1"))
	r = e.do("POST", "/v1/orders", "shop", order("O-2", "C-1", testNow.Add(-time.Hour), 1, "10.00"))
	assert.Equal(t, http.StatusCreated, r.Status, "application/json is fine: %s", r)
}

// An order whose points would overflow the ledger is a valid order the
// programme cannot reward: it is recorded and earns nothing, with a note,
// and the member's points stay readable, for later orders too.
func TestOrderPointsOverflow(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	r := e.do("POST", "/v1/orders", "shop", order("O-BIG", "C-1", testNow.Add(-time.Hour), 1000000000, "999999999999.00"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.EqualValues(t, 0, num(r.Body["points_earned"]))
	assert.Contains(t, r.Body["note"], "earns no points")
	assert.Len(t, e.orders("C-1"), 1, "recorded")

	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	r = e.do("POST", "/v1/orders", "shop", order("O-2", "C-1", testNow.Add(-time.Hour), 1, "10.00"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.EqualValues(t, 64, num(r.Body["points_earned"]))
	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.EqualValues(t, 64, num(r.Body["pending"]))
}

// A hand adjustment up to the ledger's limit leaves the member's later
// orders recorded and the points readable: an order that no longer fits
// earns nothing, with a note.
func TestOrderAfterAdjustmentToTheLimit(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	r := e.do("POST", "/v1/members/C-1/adjustments", "supervisor-1", `{"id":"A-1","points":9223372036854775807,"reason":"typo"}`)
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = e.do("POST", "/v1/orders", "shop", order("O-1", "C-1", testNow.Add(-time.Hour), 1, "10.00"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.Contains(t, r.Body["note"], "earns no points")
	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	r = e.do("POST", "/v1/members/C-1/adjustments", "supervisor-1", `{"id":"A-2","points":-9223372036854775807,"reason":"undo the typo"}`)
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.EqualValues(t, 0, num(r.Body["points"].(map[string]any)["available"]))
}

// A key twice in one object is refused naming it, whatever its case
// (encoding/json matches keys without regard to case and keeps the last
// value): a proxy that reads the first value must not see another order
// than the one recorded. The same key in two objects is fine.
func TestDuplicateKeysRefused(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	at := testNow.Add(-time.Hour).Format(time.RFC3339)
	line := `{"id":"1","quantity":1,"unit_price":"10.00"}`
	for _, c := range []struct{ name, body, field string }{
		{"same key", `{"id":"O-1","id":"O-2","customer_id":"C-1","time":"` + at + `","channel":"online","currency":"EUR","lines":[` + line + `]}`, "id"},
		{"other case", `{"id":"O-1","ID":"O-2","customer_id":"C-1","time":"` + at + `","channel":"online","currency":"EUR","lines":[` + line + `]}`, "ID"},
		{"in a line", `{"id":"O-1","customer_id":"C-1","time":"` + at + `","channel":"online","currency":"EUR","lines":[` + line + `,` +
			`{"id":"2","quantity":1,"unit_price":"10.00","unit_price":"0.01"}]}`, "lines[1].unit_price"},
	} {
		r := e.do("POST", "/v1/orders", "shop", c.body)
		require.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", c.name, r)
		assert.Equal(t, c.field, r.field(), c.name)
	}
	assert.Empty(t, e.orders("C-1"))
	r := e.do("POST", "/v1/orders", "shop", `{"id":"O-1","customer_id":"C-1","time":"`+at+`","channel":"online","currency":"EUR","lines":[`+
		line+`,{"id":"2","quantity":1,"unit_price":"10.00"}]}`)
	require.Equal(t, http.StatusCreated, r.Status, r.String())
}

// A key is matched to its field exactly: one spelt in another letter
// case ("ID", "Unit_Price"), which encoding/json would take for the
// field, is refused naming it as sent and the field it resembles, on
// every endpoint with a body and at any depth; nothing is stored.
func TestMiscasedKeysRefused(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	at := testNow.Add(-time.Hour).Format(time.RFC3339)
	line := `{"id":"1","quantity":1,"unit_price":"10.00"}`
	for _, c := range []struct{ name, method, path, body, field, want string }{
		{"order ID", "POST", "/v1/orders", `{"ID":"O-1","customer_id":"C-1","time":"` + at + `","channel":"online","currency":"EUR","lines":[` + line + `]}`,
			"ID", "id"},
		{"line price", "POST", "/v1/orders", `{"id":"O-1","customer_id":"C-1","time":"` + at + `","channel":"online","currency":"EUR","lines":[` + line +
			`,{"id":"2","quantity":1,"Unit_Price":"10.00"}]}`, "lines[1].Unit_Price", "unit_price"},
		{"customer", "PUT", "/v1/customers/C-2", `{"kind":"consumer","Name":"Ann"}`, "Name", "name"},
		{"consent", "PUT", "/v1/customers/C-2", `{"kind":"consumer","consent":{"Marketing":true}}`, "consent.Marketing", "marketing"},
		{"adjustment", "POST", "/v1/members/C-1/adjustments", `{"id":"A-1","Points":5,"reason":"goodwill"}`, "Points", "points"},
	} {
		key := "shop"
		if strings.Contains(c.path, "adjustments") {
			key = "supervisor-1"
		}
		r := e.do(c.method, c.path, key, c.body)
		require.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", c.name, r)
		assert.Equal(t, c.field, r.field(), c.name)
		assert.Contains(t, r.Body["error"], `"`+c.want+`"`, c.name)
	}
	assert.Empty(t, e.orders("C-1"))
	r := e.do("GET", "/v1/customers/C-2", "agent-1", nil)
	assert.Equal(t, http.StatusNotFound, r.Status, "customer stored: %s", r)
	assert.EqualValues(t, 0, e.balance("C-1"))
}

// A price reduction is checked against what the order's refunds left of
// its net before the carry-out, as the history will check it: the
// proposal of the complaint is named in the refusal (422, case
// unchanged).
func TestComplaintReductionAfterARefund(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-8")
	r := e.do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	// Line 1 (89.90) refunded: 54.90 of the net of 144.80 is left.
	r = e.do("POST", "/v1/returns", "shop", map[string]any{"id": "R-8", "order_id": "O-8", "customer_id": "C-8",
		"time": testNow.Add(-24 * time.Hour).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
		"lines": []map[string]any{{"line_id": "1", "quantity": -1}}})
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	_, err := e.srv.Refresh(t.Context())
	require.NoError(t, err)

	path := e.resolveComplaint("C-8", "O-8", "price-reduction", "80.00")
	r = e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	assert.Equal(t, "proposal.amount", r.field())
	assert.Contains(t, r.String(), "complaint ")
	assert.Contains(t, r.String(), "refunds of 89.90")
	r = e.do("GET", strings.TrimSuffix(path, "/commands"), "agent-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "approved", r.Body["case"].(map[string]any)["state"])

	path = e.resolveComplaint("C-8", "O-8", "price-reduction", "54.90")
	r = e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusOK, r.Status, r.String())
}
