package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

// shopModel is what the API should hold: the orders recorded, with the
// units of each line still not returned, and the returns recorded.
type shopModel struct {
	orders  map[string][2]int // order → units left per line
	bodies  map[string]map[string]any
	returns map[string]map[string]any
}

// The API against a model, over random sequences of new orders,
// redeliveries, conflicting versions, returns (valid, too many units,
// redelivered) and reads: every answer has the status the model predicts,
// the history holds exactly the model's orders, every order has its points
// and the balance read is the ledger's.
func TestAPIModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		key, entry, err := NewKey("shop", RoleShop)
		if err != nil {
			rt.Fatal(err)
		}
		keys, _ := NewKeyring([]KeyEntry{entry})
		stores := memoryStores()
		now := testNow
		srv, err := NewServer(Config{Stores: stores, Keys: keys, Now: func() time.Time { return now }})
		if err != nil {
			rt.Fatal(err)
		}
		call := func(method, path string, body any) (int, map[string]any) {
			data, _ := json.Marshal(body)
			req := httptest.NewRequest(method, path, bytes.NewReader(data))
			req.Header.Set("Authorization", "Bearer "+key)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			var out map[string]any
			json.Unmarshal(rec.Body.Bytes(), &out)
			return rec.Code, out
		}
		if code, out := call("PUT", "/v1/customers/C-1", map[string]any{"kind": "consumer",
			"joined": testNow.AddDate(-1, 0, 0).Format(time.RFC3339)}); code != http.StatusCreated {
			rt.Fatalf("register: %d %v", code, out)
		}
		m := shopModel{orders: map[string][2]int{}, bodies: map[string]map[string]any{}, returns: map[string]map[string]any{}}
		ids := func() []string {
			var out []string
			for id := range m.orders {
				out = append(out, id)
			}
			return out
		}
		expect := func(what string, got, want int, out map[string]any) {
			if got != want {
				rt.Fatalf("%s: status %d, want %d: %v", what, got, want, out)
			}
		}
		n := 0
		rt.Repeat(map[string]func(*rapid.T){
			"order": func(t *rapid.T) {
				n++
				id := fmt.Sprintf("O-%d", n)
				qty := rapid.IntRange(1, 4).Draw(t, "qty")
				body := order(id, "C-1", testNow.Add(-time.Duration(n)*time.Minute), qty, "19.90")
				code, out := call("POST", "/v1/orders", body)
				expect("order", code, http.StatusCreated, out)
				m.orders[id], m.bodies[id] = [2]int{qty, 1}, body
			},
			"redeliver": func(t *rapid.T) {
				if len(m.orders) == 0 {
					t.Skip("no order")
				}
				id := rapid.SampledFrom(ids()).Draw(t, "order")
				code, out := call("POST", "/v1/orders", m.bodies[id])
				expect("redelivery", code, http.StatusOK, out)
			},
			"conflict": func(t *rapid.T) {
				if len(m.orders) == 0 {
					t.Skip("no order")
				}
				id := rapid.SampledFrom(ids()).Draw(t, "order")
				body := order(id, "C-1", testNow.Add(-time.Hour), 9, "29.90")
				code, out := call("POST", "/v1/orders", body)
				expect("conflict", code, http.StatusConflict, out)
			},
			"return": func(t *rapid.T) {
				if len(m.orders) == 0 {
					t.Skip("no order")
				}
				id := rapid.SampledFrom(ids()).Draw(t, "order")
				line := rapid.IntRange(0, 1).Draw(t, "line")
				units := rapid.IntRange(1, 3).Draw(t, "units")
				rid := fmt.Sprintf("R-%d", len(m.returns)+1)
				body := map[string]any{"id": rid, "order_id": id, "customer_id": "C-1",
					"time": testNow.Add(-time.Second).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
					"lines": []map[string]any{{"line_id": fmt.Sprint(line + 1), "quantity": -units}}}
				code, out := call("POST", "/v1/returns", body)
				left := m.orders[id]
				if units > left[line] {
					expect("return of too many units", code, http.StatusBadRequest, out)
					return
				}
				expect("return", code, http.StatusCreated, out)
				left[line] -= units
				m.orders[id], m.returns[rid] = left, body
			},
			"redeliver return": func(t *rapid.T) {
				if len(m.returns) == 0 {
					t.Skip("no return")
				}
				var rids []string
				for r := range m.returns {
					rids = append(rids, r)
				}
				rid := rapid.SampledFrom(rids).Draw(t, "return")
				code, out := call("POST", "/v1/returns", m.returns[rid])
				expect("return redelivery", code, http.StatusOK, out)
			},
			"": func(t *rapid.T) {
				stored := map[string]customer.Order{}
				for ev, err := range stores.Customers.History(t.Context(), "C-1") {
					if err != nil {
						t.Fatal(err)
					}
					if ev.Order != nil {
						stored[ev.Order.ID] = *ev.Order
					}
				}
				if len(stored) != len(m.orders) {
					t.Fatalf("history holds %d orders, the model %d", len(stored), len(m.orders))
				}
				code, out := call("GET", "/v1/members/C-1/points", nil)
				expect("points", code, http.StatusOK, out)
				a, err := srv.ledger.Account(t.Context(), "C-1")
				if err != nil {
					t.Fatal(err)
				}
				for id := range m.orders {
					if _, _, ok := a.OrderPoints(id); !ok {
						t.Fatalf("order %s has no points", id)
					}
				}
				if got := num(out["balance"]); got != int64(a.Balance()) || got < 0 {
					t.Fatalf("balance read %d, ledger %d", got, a.Balance())
				}
			},
		})
	})
}
