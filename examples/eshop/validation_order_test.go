package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A request that is invalid in itself is refused with 400 naming its
// field, whether or not the customer it names exists: the body is checked
// before the stores are asked about the customer, so a shop learns what
// to fix first, and an unknown customer is 404 only for a valid body.
func TestInvalidBodyBeforeUnknownCustomer(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		at := testNow.Add(-time.Hour)

		bad := order("O-1", "NOBODY", at, 0, "89.90") // quantity 0
		r := e.do("POST", "/v1/orders", "shop", bad)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "lines[0].quantity", r.field(), r.String())

		bad = order("O-1", "NOBODY", at, 1, "-5.00")
		r = e.do("POST", "/v1/orders", "shop", bad)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "lines[0].unit_price", r.field(), r.String())

		bad = couponOrder("O-1", "NOBODY", at, "WELCOME10")
		bad["lines"].([]map[string]any)[0]["quantity"] = 0
		r = e.do("POST", "/v1/orders", "shop", bad)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "lines[0].quantity", r.field(), r.String())

		future := order("O-1", "NOBODY", testNow.Add(time.Hour), 1, "89.90")
		r = e.do("POST", "/v1/orders", "shop", future)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "time", r.field(), r.String())

		// Valid, for an unknown customer: 404.
		r = e.do("POST", "/v1/orders", "shop", order("O-1", "NOBODY", at, 1, "89.90"))
		require.Equal(t, http.StatusNotFound, r.Status, r.String())
		assert.Equal(t, "customer_id", r.field(), r.String())

		ret := func(lines []map[string]any, refund string) map[string]any {
			m := map[string]any{"id": "R-1", "order_id": "O-1", "customer_id": "NOBODY",
				"time": at.Format(time.RFC3339), "kind": "refund", "reason": "size-fit", "lines": lines}
			if refund != "" {
				m["refund"] = refund
			}
			return m
		}
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{ret(nil, ""), "lines"},
			{ret([]map[string]any{{"line_id": "1", "quantity": 1}}, ""), "lines[0].quantity"},
			{ret([]map[string]any{{"line_id": "", "quantity": -1}}, ""), "lines[0].line_id"},
			{ret([]map[string]any{{"line_id": "1", "quantity": -1}, {"line_id": "1", "quantity": -1}}, ""), "lines[1].line_id"},
			{ret([]map[string]any{{"line_id": "1", "quantity": -1}}, "-1.00"), "refund"},
		} {
			r = e.do("POST", "/v1/returns", "shop", c.body)
			require.Equal(t, http.StatusBadRequest, r.Status, r.String())
			assert.Equal(t, c.field, r.field(), r.String())
		}
		late := ret([]map[string]any{{"line_id": "1", "quantity": -1}}, "")
		late["time"] = testNow.Add(time.Hour).Format(time.RFC3339)
		r = e.do("POST", "/v1/returns", "shop", late)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "time", r.field(), r.String())
		r = e.do("POST", "/v1/returns", "shop", ret([]map[string]any{{"line_id": "1", "quantity": -1}}, ""))
		require.Equal(t, http.StatusNotFound, r.Status, r.String())

		// A bad return of an order the customer does not have.
		e.register("C-1")
		unknownOrder := ret([]map[string]any{{"line_id": "1", "quantity": 1}}, "")
		unknownOrder["customer_id"], unknownOrder["order_id"] = "C-1", "O-404"
		r = e.do("POST", "/v1/returns", "shop", unknownOrder)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "lines[0].quantity", r.field(), r.String())
		unknownOrder["lines"] = []map[string]any{{"line_id": "1", "quantity": -1}}
		r = e.do("POST", "/v1/returns", "shop", unknownOrder)
		require.Equal(t, http.StatusNotFound, r.Status, r.String())
		assert.Equal(t, "order_id", r.field(), r.String())

		// A bad command to a case that does not exist.
		r = e.do("POST", "/v1/complaints/C-1:9/commands", "agent-1", map[string]any{"kind": "bogus"})
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "kind", r.field(), r.String())
		r = e.do("POST", "/v1/complaints/C-1:9/commands", "agent-1", map[string]any{"kind": "accept"})
		require.Equal(t, http.StatusNotFound, r.Status, r.String())

		// A complaint of an unknown complainant with a bad field.
		r = e.do("POST", "/v1/complaints", "shop", map[string]any{
			"complainant": "NOBODY", "channel": "email", "received": testNow.Format(time.RFC3339),
			"subject": map[string]any{"kind": "product"}, "category": "bogus", "severity": "low",
			"currency": "EUR", "demand": map[string]any{"kind": "refund"}, "description": "torn seam"})
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "category", r.field(), r.String())

		// An adjustment of an unknown member with a bad field.
		r = e.do("POST", "/v1/members/NOBODY/adjustments", "supervisor-1", map[string]any{"id": "A-1", "points": 0, "reason": "x"})
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "points", r.field(), r.String())
	})
}

// Times sent with an offset are stored and answered in UTC, as every time
// the API writes: a complaint received at 13:00+02:00 is answered as
// received at 11:00Z, on every backend.
func TestTimesAnsweredInUTC(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		cest := time.FixedZone("CEST", 2*3600)
		form := complaintForm("C-1", "O-1", testNow.Add(-time.Hour).In(cest))
		r := e.do("POST", "/v1/complaints", "agent-1", form)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		want := testNow.Add(-time.Hour).UTC().Format(time.RFC3339)
		assert.Equal(t, want, r.Body["case"].(map[string]any)["intake"].(map[string]any)["received"], r.String())
		r = e.do("GET", "/v1/complaints/C-1:1", "agent-1", nil)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, want, r.Body["case"].(map[string]any)["intake"].(map[string]any)["received"], r.String())
	})
}

// fieldsOf returns the fields an error response lists.
func fieldsOf(r response) []string {
	var out []string
	list, _ := r.Body["fields"].([]any)
	for _, f := range list {
		out = append(out, f.(map[string]any)["field"].(string))
	}
	return out
}

// An order or return bad in a field that cannot be read (an unknown
// channel, a reason) and in one its own checks refuse (a quantity of
// zero, of the wrong sign) lists both in one answer: the shop fixes the
// request in one round.
func TestEveryBadFieldListedAtOnce(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	at := testNow.Add(-time.Hour)
	o := order("O-1", "C-1", at, 0, "89.90")
	o["channel"] = "carrier-pigeon"
	r := e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.ElementsMatch(t, []string{"channel", "lines[0].quantity"}, fieldsOf(r), r.String())

	ret := map[string]any{"id": "R-1", "order_id": "O-1", "customer_id": "C-1", "time": at.Format(time.RFC3339),
		"kind": "refund", "reason": "bogus", "lines": []map[string]any{{"line_id": "1", "quantity": 1}}}
	r = e.do("POST", "/v1/returns", "shop", ret)
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.ElementsMatch(t, []string{"reason", "lines[0].quantity"}, fieldsOf(r), r.String())
	assert.Empty(t, e.orders("C-1"))
}

// The problems of a request are listed as the library lists a record's
// (customer.Invalid): lines[2] before lines[10], and the first of them is
// the field of the 400.
func TestProblemsInIndexOrder(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		body := order("O-1", "NOBODY", testNow.Add(-time.Hour), 1, "10.00")
		var lines []map[string]any
		for i := range 11 {
			price := "10.00"
			if i == 2 || i == 10 {
				price = "ten"
			}
			lines = append(lines, map[string]any{"id": fmt.Sprint(i + 1), "sku": "S", "quantity": 1, "unit_price": price})
		}
		body["lines"] = lines
		r := e.do("POST", "/v1/orders", "shop", body)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "lines[2].unit_price", r.field(), r.String())
	})
}
