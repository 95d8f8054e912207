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

// An order earns points once; a redelivery is a no-op; another order
// under the same ID is a conflict; a return claws back.
func TestOrderLifecycle(t *testing.T) {
	for _, backend := range []string{"memory", "sqlite"} {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, memoryStores())
			if backend == "sqlite" {
				e, _ = sqliteEnv(t)
			}
			e.register("C-1")
			o := order("O-1", "C-1", testNow.Add(-2*time.Hour), 2, "89.90")
			r := e.do("POST", "/v1/orders", "shop", o)
			require.Equal(t, http.StatusCreated, r.Status, r.String())
			// (2 × 89.90 + 59.90 − 5.00) × 1 point per euro, rounded down.
			assert.EqualValues(t, 234, num(r.Body["points_earned"]))
			assert.Equal(t, false, r.Body["duplicate"])

			r = e.do("POST", "/v1/orders", "shop", o)
			require.Equal(t, http.StatusOK, r.Status, r.String())
			assert.Equal(t, true, r.Body["duplicate"])
			assert.EqualValues(t, 234, num(r.Body["points_earned"]))

			o2 := order("O-1", "C-1", testNow.Add(-2*time.Hour), 3, "89.90")
			r = e.do("POST", "/v1/orders", "shop", o2)
			require.Equal(t, http.StatusConflict, r.Status, r.String())
			assert.Equal(t, "id", r.field())
			assert.EqualValues(t, 234, e.balance("C-1"))

			ret := map[string]any{"id": "R-1", "order_id": "O-1", "customer_id": "C-1",
				"time": testNow.Add(-time.Hour).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
				"lines": []map[string]any{{"line_id": "1", "quantity": -1}}}
			r = e.do("POST", "/v1/returns", "shop", ret)
			require.Equal(t, http.StatusCreated, r.Status, r.String())
			clawed := num(r.Body["points_clawed_back"])
			assert.Greater(t, clawed, int64(80))
			r = e.do("POST", "/v1/returns", "shop", ret)
			require.Equal(t, http.StatusOK, r.Status, r.String())
			assert.Equal(t, true, r.Body["duplicate"])
			// Returning more than was sold is refused, naming the line.
			ret2 := map[string]any{"id": "R-2", "order_id": "O-1", "customer_id": "C-1",
				"time": testNow.Add(-time.Hour).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
				"lines": []map[string]any{{"line_id": "1", "quantity": -2}}}
			r = e.do("POST", "/v1/returns", "shop", ret2)
			require.Equal(t, http.StatusBadRequest, r.Status, r.String())
			assert.Equal(t, "lines[0].quantity", r.field())

			r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
			require.Equal(t, http.StatusOK, r.Status, r.String())
			assert.EqualValues(t, 234-clawed, num(r.Body["balance"]))
			assert.EqualValues(t, 234-clawed, num(r.Body["pending"]), "points stay pending for the return window")

			// After the return window the points are available, and
			// a basket can be paid partly with them.
			e.advance(31 * 24 * time.Hour)
			r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
			require.Equal(t, http.StatusOK, r.Status, r.String())
			assert.EqualValues(t, 234-clawed, num(r.Body["available"]))
			basket := map[string]any{"member": "C-1", "currency": "EUR", "coupons": []string{"WELCOME10"}, "points": 100,
				"items": []map[string]any{{"id": "1", "sku": "KN-100", "category": "knitwear", "quantity": 1, "unit_price": "100.00"}}}
			r = e.do("POST", "/v1/baskets/price", "shop", basket)
			require.Equal(t, http.StatusOK, r.Status, r.String())
			// 100 − 10% = 90, 100 points pay 1.00.
			assert.Equal(t, "89.00", r.Body["total"])
			assert.EqualValues(t, 100, num(r.Body["points_used"]))
			basket["points"] = 100000
			r = e.do("POST", "/v1/baskets/price", "shop", basket)
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
			assert.Equal(t, "points", r.field())
			basket["points"] = 0
			basket["coupons"] = []string{"KNIT20", "WELCOME10"}
			r = e.do("POST", "/v1/baskets/price", "shop", basket)
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
			assert.Equal(t, "coupons", r.field())
			assert.Contains(t, r.Body["error"], "stacking")
		})
	}
}

// The complaint workflow with the actor from the key: the shop opens on
// the customer's behalf but cannot move the case; only the assigned handler
// investigates; a supervisor cannot approve compensation over the
// threshold, a manager can.
func TestComplaintWorkflow(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-7")
	r := e.do("POST", "/v1/complaints", "shop", map[string]any{
		"complainant": "C-7", "channel": "web", "received": testNow.Add(-time.Hour).Format(time.RFC3339),
		"subject": map[string]any{"kind": "product", "sku": "KN-100", "order": "O-7"}, "category": "seams",
		"severity": "high", "currency": "EUR", "order_value": "189.90",
		"demand":      map[string]any{"kind": "compensation", "amount": "150.00"},
		"description": "The seams came apart after one wear.",
	})
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	c := r.Body["case"].(map[string]any)
	id := c["id"].(string)
	assert.Equal(t, "C-7:1", id)
	assert.Equal(t, "recorded", c["state"])
	path := "/v1/complaints/" + id + "/commands"

	steps := []struct {
		key    string
		cmd    map[string]any
		status int
		state  string
	}{
		{"shop", map[string]any{"kind": "accept"}, http.StatusForbidden, ""},
		{"analyst-1", map[string]any{"kind": "accept"}, http.StatusForbidden, ""},
		{"agent-1", map[string]any{"kind": "accept", "note": "defect within warranty"}, http.StatusOK, "accepted"},
		{"agent-1", map[string]any{"kind": "assign", "assignment": map[string]any{"department": "quality", "handler": "handler-1"}}, http.StatusOK, "assigned"},
		{"handler-2", map[string]any{"kind": "investigate", "finding": map[string]any{"cause": "manufacturing", "responsible": "supplier", "detail": "narrow seam allowance"}}, http.StatusForbidden, ""},
		{"handler-1", map[string]any{"kind": "investigate", "finding": map[string]any{"cause": "bogus", "responsible": "supplier", "detail": "x"}}, http.StatusBadRequest, ""},
		{"handler-1", map[string]any{"kind": "investigate", "finding": map[string]any{"cause": "manufacturing", "responsible": "supplier", "detail": "narrow seam allowance"}}, http.StatusOK, "investigated"},
		{"handler-1", map[string]any{"kind": "propose", "proposal": map[string]any{"kind": "compensation", "amount": "150.00", "detail": "voucher"}}, http.StatusOK, "proposed"},
		{"supervisor-1", map[string]any{"kind": "approve"}, http.StatusForbidden, ""},
		{"manager-1", map[string]any{"kind": "approve"}, http.StatusOK, "approved"},
		{"manager-1", map[string]any{"kind": "approve"}, http.StatusConflict, ""},
	}
	for i, st := range steps {
		r := e.do("POST", path, st.key, st.cmd)
		require.Equal(t, st.status, r.Status, "step %d: %s", i, r)
		if st.state != "" {
			assert.Equal(t, st.state, r.Body["case"].(map[string]any)["state"], "step %d", i)
		} else {
			assert.NotEmpty(t, r.Body["error"])
		}
	}
	r = e.do("GET", "/v1/complaints/"+id, "agent-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	evs := r.Body["events"].([]any)
	require.Len(t, evs, 6, "refused commands leave no event")
	actors := []string{}
	for _, ev := range evs {
		a := ev.(map[string]any)["actor"].(map[string]any)
		actors = append(actors, a["role"].(string)+":"+a["id"].(string))
	}
	assert.Equal(t, []string{"customer:C-7", "agent:agent-1", "agent:agent-1", "handler:handler-1", "handler:handler-1", "manager:manager-1"}, actors)
	r = e.do("GET", "/v1/complaints/"+id, "shop", nil)
	assert.Equal(t, http.StatusForbidden, r.Status, r.String())
	r = e.do("GET", "/v1/complaints/C-7:9", "agent-1", nil)
	assert.Equal(t, http.StatusNotFound, r.Status, r.String())
}

// Points are adjusted by hand only by a supervisor or manager, once per
// adjustment ID, with the key as the operator.
func TestAdjustments(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-2")
	adj := map[string]any{"id": "ADJ-1", "points": 500, "reason": "goodwill after a lost parcel"}
	for _, k := range []string{"shop", "agent-1", "handler-1", "analyst-1"} {
		r := e.do("POST", "/v1/members/C-2/adjustments", k, adj)
		assert.Equal(t, http.StatusForbidden, r.Status, "%s: %s", k, r)
	}
	assert.EqualValues(t, 0, e.balance("C-2"))
	r := e.do("POST", "/v1/members/C-2/adjustments", "supervisor-1", adj)
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = e.do("POST", "/v1/members/C-2/adjustments", "supervisor-1", adj)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	adj["points"] = 600
	r = e.do("POST", "/v1/members/C-2/adjustments", "manager-1", adj)
	require.Equal(t, http.StatusConflict, r.Status, r.String())
	assert.Equal(t, "id", r.field())
	assert.EqualValues(t, 500, e.balance("C-2"))
	r = e.do("POST", "/v1/members/C-9/adjustments", "manager-1", map[string]any{"id": "ADJ-2", "points": 5, "reason": "x"})
	assert.Equal(t, http.StatusNotFound, r.Status, r.String())
}

// A wrong or missing key is 401 and a missing right 403, and neither
// changes anything.
func TestAuthentication(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	body := order("O-1", "C-1", testNow.Add(-time.Hour), 1, "10.00")
	shop := e.keys["shop"]
	id, secret, _ := strings.Cut(shop, ".")
	other := e.keys["agent-1"]
	for name, key := range map[string]string{
		"missing":         "",
		"garbage":         "not-a-key",
		"wrong secret":    id + "." + strings.Repeat("A", len(secret)),
		"unknown id":      "nobody." + secret,
		"secret of other": id + "." + other[strings.IndexByte(other, '.')+1:],
		"truncated":       shop[:len(shop)-1],
		"id only":         id,
		"key with suffix": shop + "x",
	} {
		r, err := e.try("POST", "/v1/orders", key, body)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, r.Status, "%s: %s", name, r)
		assert.NotEmpty(t, r.Body["error"])
	}
	// A valid key in another scheme is refused too.
	req, _ := http.NewRequest("GET", e.ts.URL+"/v1/members/C-1/points", nil)
	req.Header.Set("Authorization", "Basic "+shop)
	resp, err := e.client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Empty(t, e.orders("C-1"))
	assert.EqualValues(t, 0, e.balance("C-1"))

	forbidden := []struct{ key, method, path string }{
		{"analyst-1", "POST", "/v1/orders"},
		{"agent-1", "POST", "/v1/orders"},
		{"handler-1", "POST", "/v1/returns"},
		{"analyst-1", "PUT", "/v1/customers/C-1"},
		{"shop", "GET", "/v1/customers/C-1"},
		{"analyst-1", "GET", "/v1/customers/C-1"},
		{"shop", "GET", "/v1/customers/C-1/insight"},
		{"agent-1", "GET", "/v1/customers/C-1/insight"},
		{"handler-1", "GET", "/v1/members/C-1/points"},
		{"analyst-1", "GET", "/v1/members/C-1/points"},
		{"shop", "POST", "/v1/members/C-1/adjustments"},
		{"handler-1", "POST", "/v1/complaints"},
		{"analyst-1", "POST", "/v1/complaints"},
		{"shop", "POST", "/v1/complaints/C-1:1/commands"},
		{"shop", "POST", "/v1/models/refresh"},
		{"supervisor-1", "POST", "/v1/models/refresh"},
		{"agent-1", "POST", "/v1/baskets/price"},
	}
	for _, f := range forbidden {
		r := e.do(f.method, f.path, f.key, body)
		assert.Equal(t, http.StatusForbidden, r.Status, "%s %s %s: %s", f.key, f.method, f.path, r)
	}
	assert.Empty(t, e.orders("C-1"))
	assert.EqualValues(t, 0, e.balance("C-1"))
	// The record with personal data is readable with the right.
	r := e.do("GET", "/v1/customers/C-1", "agent-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "jane.doe@example.com", r.Body["email"])
}

// Bad requests are 4xx with a JSON error naming the field, and change
// nothing.
func TestBadRequests(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	at := testNow.Add(-time.Hour)
	with := func(f func(o map[string]any)) map[string]any {
		o := order("O-1", "C-1", at, 1, "10.00")
		f(o)
		return o
	}
	line := func(o map[string]any) map[string]any { return o["lines"].([]map[string]any)[0] }
	cases := []struct {
		name   string
		path   string
		body   any
		status int
		field  string
	}{
		{"empty body", "/v1/orders", "", 400, "body"},
		{"not JSON", "/v1/orders", "{id: 1}", 400, "body"},
		{"truncated", "/v1/orders", `{"id": "O-1"`, 400, "body"},
		{"trailing data", "/v1/orders", `{"id": "O-1"} {}`, 400, "body"},
		{"array", "/v1/orders", `[]`, 400, "body"},
		{"unknown field", "/v1/orders", with(func(o map[string]any) { o["coupon"] = "X" }), 400, "coupon"},
		{"wrong type", "/v1/orders", with(func(o map[string]any) { o["id"] = 17 }), 400, "id"},
		{"quantity as string", "/v1/orders", with(func(o map[string]any) { line(o)["quantity"] = "2" }), 400, "lines[0].quantity"},
		{"missing id", "/v1/orders", with(func(o map[string]any) { delete(o, "id") }), 400, "id"},
		{"id with slash", "/v1/orders", with(func(o map[string]any) { o["id"] = "O/1" }), 400, "id"},
		{"unknown customer", "/v1/orders", with(func(o map[string]any) { o["customer_id"] = "C-404" }), 404, "customer_id"},
		{"unknown channel", "/v1/orders", with(func(o map[string]any) { o["channel"] = "telepathy" }), 400, "channel"},
		{"unknown currency", "/v1/orders", with(func(o map[string]any) { o["currency"] = "XXX" }), 400, "currency"},
		{"other currency", "/v1/orders", with(func(o map[string]any) { o["currency"] = "USD" }), 400, "currency"},
		{"bad time", "/v1/orders", with(func(o map[string]any) { o["time"] = "yesterday" }), 400, "time"},
		{"future time", "/v1/orders", with(func(o map[string]any) { o["time"] = testNow.Add(time.Hour).Format(time.RFC3339) }), 400, "time"},
		{"NaN price", "/v1/orders", with(func(o map[string]any) { line(o)["unit_price"] = "NaN" }), 400, "lines[0].unit_price"},
		{"huge price", "/v1/orders", with(func(o map[string]any) { line(o)["unit_price"] = "1e400" }), 400, "lines[0].unit_price"},
		{"price as number", "/v1/orders", with(func(o map[string]any) { line(o)["unit_price"] = 10.5 }), 400, "lines[0].unit_price"},
		{"second line's quantity as string", "/v1/orders", with(func(o map[string]any) { o["lines"].([]map[string]any)[1]["quantity"] = "1" }), 400, "lines[1].quantity"},
		{"line as string", "/v1/orders", with(func(o map[string]any) { o["lines"] = []any{o["lines"].([]map[string]any)[0], "KN-100"} }), 400, "lines[1]"},
		{"return line's quantity as string", "/v1/returns", map[string]any{"id": "R-1", "order_id": "O-9", "customer_id": "C-1",
			"time": at.Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
			"lines": []map[string]any{{"line_id": "1", "quantity": -1}, {"line_id": "2", "quantity": "-1"}}}, 400, "lines[1].quantity"},
		{"coupon as number", "/v1/baskets/price", map[string]any{"currency": "EUR", "coupons": []any{"WELCOME10", 10},
			"items": []map[string]any{{"id": "1", "quantity": 1, "unit_price": "10.00"}}}, 400, "coupons[1]"},
		{"cents", "/v1/orders", with(func(o map[string]any) { line(o)["unit_price"] = "10.001" }), 400, "lines[0].unit_price"},
		{"zero quantity", "/v1/orders", with(func(o map[string]any) { line(o)["quantity"] = 0 }), 400, "lines[0].quantity"},
		{"discount too big", "/v1/orders", with(func(o map[string]any) { line(o)["discount"] = "11.00" }), 400, "lines[0].discount"},
		{"no lines", "/v1/orders", with(func(o map[string]any) { o["lines"] = []any{} }), 400, "lines"},
		{"return of unknown order", "/v1/returns", map[string]any{"id": "R-1", "order_id": "O-9", "customer_id": "C-1",
			"time": at.Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
			"lines": []map[string]any{{"line_id": "1", "quantity": -1}}}, 404, "order_id"},
		{"return reason", "/v1/returns", map[string]any{"id": "R-1", "order_id": "O-9", "customer_id": "C-1",
			"time": at.Format(time.RFC3339), "kind": "refund", "reason": "whim",
			"lines": []map[string]any{{"line_id": "1", "quantity": -1}}}, 400, "reason"},
		{"basket without items", "/v1/baskets/price", map[string]any{"currency": "EUR"}, 400, "items"},
		{"unknown coupon", "/v1/baskets/price", map[string]any{"currency": "EUR", "coupons": []string{"FREE"},
			"items": []map[string]any{{"id": "1", "quantity": 1, "unit_price": "10.00"}}}, 400, "coupons[0]"},
		{"complaint severity", "/v1/complaints", map[string]any{"complainant": "C-1", "channel": "web",
			"received": at.Format(time.RFC3339), "subject": map[string]any{"kind": "service"}, "category": "other",
			"severity": "apocalyptic", "currency": "EUR", "demand": map[string]any{"kind": "apology"}, "description": "x"}, 400, "severity"},
		{"complaint without description", "/v1/complaints", map[string]any{"complainant": "C-1", "channel": "web",
			"received": at.Format(time.RFC3339), "subject": map[string]any{"kind": "service"}, "category": "other",
			"severity": "low", "currency": "EUR", "demand": map[string]any{"kind": "apology"}}, 400, "description"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", c.path, "shop", c.body)
			require.Equal(t, c.status, r.Status, r.String())
			assert.Equal(t, c.field, r.field(), r.String())
			assert.NotEmpty(t, r.Body["error"])
		})
	}
	r := e.do("PUT", "/v1/customers/C-2", "shop", map[string]any{"kind": "consumer", "birthday": "1990-02-31", "email": "nope"})
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "birthday", r.field())
	assert.Len(t, r.Body["fields"], 2, "every bad field is listed")
	r = e.do("PUT", "/v1/customers/C%2F2", "shop", map[string]any{"kind": "consumer"})
	assert.Equal(t, http.StatusBadRequest, r.Status, r.String())
	r = e.do("POST", "/v1/orders", "shop", strings.Repeat(" ", DefaultMaxBody+1)+"{}")
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.Status, r.String())
	assert.Equal(t, "body", r.field())
	big := order("O-2", "C-1", at, 1, "10.00")
	big["store"] = strings.Repeat("x", DefaultMaxBody)
	r = e.do("POST", "/v1/orders", "shop", big)
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.Status, r.String())
	r = e.do("GET", "/v1/nothing", "shop", nil)
	assert.Equal(t, http.StatusNotFound, r.Status, r.String())

	assert.Empty(t, e.orders("C-1"), "no bad request stored anything")
	assert.EqualValues(t, 0, e.balance("C-1"))
	_, err := e.stores.Customers.Get(t.Context(), "C-2")
	assert.Error(t, err)
}

// An order placed before the customer joined the programme is recorded
// (it is part of the history the models learn from) and earns nothing;
// its return claws back nothing. Neither is refused.
func TestOrderBeforeJoining(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1") // joined a year before testNow
	at := testNow.AddDate(-2, 0, 0)
	r := e.do("POST", "/v1/orders", "shop", order("O-old", "C-1", at, 1, "80.00"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.EqualValues(t, 0, num(r.Body["points_earned"]))
	assert.Contains(t, r.Body["note"], "before the member joined")
	assert.Len(t, e.orders("C-1"), 1)
	r = e.do("POST", "/v1/returns", "shop", map[string]any{"id": "R-old", "order_id": "O-old", "customer_id": "C-1",
		"time": at.Add(time.Hour).Format(time.RFC3339), "kind": "refund", "reason": "changed-mind",
		"lines": []map[string]any{{"line_id": "2", "quantity": -1}}})
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.EqualValues(t, 0, num(r.Body["points_clawed_back"]))
	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.EqualValues(t, 0, num(r.Body["balance"]))
}

// An exchange leaves the units with the customer: both units of a line
// of two can be refunded after one was exchanged for another size, and
// no more.
func TestExchangeThenRefund(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	r := e.do("POST", "/v1/orders", "shop", order("O-1", "C-1", testNow.Add(-3*time.Hour), 2, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	ret := func(id, kind string, qty int) map[string]any {
		return map[string]any{"id": id, "order_id": "O-1", "customer_id": "C-1",
			"time": testNow.Add(-time.Hour).Format(time.RFC3339), "kind": kind, "reason": "size-fit",
			"lines": []map[string]any{{"line_id": "1", "quantity": -qty}}}
	}
	r = e.do("POST", "/v1/returns", "shop", ret("R-1", "exchange", 1))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = e.do("POST", "/v1/returns", "shop", ret("R-2", "refund", 2))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = e.do("POST", "/v1/returns", "shop", ret("R-3", "refund", 1))
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "lines[0].quantity", r.field())
}

// A return may pay less than the units' share when the shop keeps a fee;
// more is refused, naming the field.
func TestReturnWithAFee(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-3")
	r := e.do("POST", "/v1/orders", "shop", order("O-3", "C-3", testNow.Add(-2*time.Hour), 2, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	ret := map[string]any{"id": "R-3", "order_id": "O-3", "customer_id": "C-3",
		"time": testNow.Add(-time.Hour).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
		"lines": []map[string]any{{"line_id": "1", "quantity": -1}}, "refund": "89.91"}
	r = e.do("POST", "/v1/returns", "shop", ret)
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "refund", r.field())
	ret["refund"] = "84.90" // 5.00 kept for the return label
	r = e.do("POST", "/v1/returns", "shop", ret)
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	var returns []customer.Return
	for ev, err := range e.stores.Customers.History(context.Background(), "C-3") {
		require.NoError(t, err)
		if ev.Return != nil {
			returns = append(returns, *ev.Return)
		}
	}
	require.Len(t, returns, 1, "the refused return was not stored")
	assert.True(t, returns[0].Refund.Valid)
	assert.Equal(t, "84.9", returns[0].Refund.Decimal.String())
}
