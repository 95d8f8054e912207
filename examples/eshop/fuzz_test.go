package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzPostOrder sends arbitrary bodies to the order endpoint. Whatever the
// body, the answer is 201, 200 or a 4xx JSON error naming a field, never a
// 5xx or a panic; and only a 201 adds an order.
func FuzzPostOrder(f *testing.F) {
	valid, _ := json.Marshal(order("O-1", "C-1", testNow.Add(-time.Hour), 1, "49.90"))
	for _, seed := range []string{
		string(valid), "", "{}", "[]", "null", `{"id":1}`, `{"id":"O-1"} {}`, `{"lines":[{"quantity":"x"}]}`,
		strings.Replace(string(valid), "49.90", "NaN", 1), strings.Replace(string(valid), "49.90", "1e400", 1),
		strings.Replace(string(valid), "49.90", "-1", 1), strings.Replace(string(valid), `"online"`, `"moon"`, 1),
		strings.Replace(string(valid), `"C-1"`, `"C-2"`, 1), strings.Replace(string(valid), `"quantity":1`, `"quantity":-3`, 1),
		strings.Replace(string(valid), "2026-03-02", "2027-03-02", 1), `{"id":"O-1","unknown":true}`,
		strings.Replace(string(valid), `"id":"O-1"`, `"id":"O-1","coupons":["WELCOME10"]`, 1),
		strings.Replace(string(valid), `"id":"O-1"`, `"id":"O-2","coupons":["WELCOME10","NOPE"]`, 1),
	} {
		f.Add([]byte(seed))
	}
	e := newEnv(f, memoryStores())
	e.register("C-1")
	key := e.keys["shop"]
	count := func(t *testing.T) int {
		n := 0
		for ev, err := range e.stores.Customers.History(t.Context(), "C-1") {
			require.NoError(t, err)
			if ev.Order != nil {
				n++
			}
		}
		return n
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := count(t)
		req := httptest.NewRequest("POST", "/v1/orders", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		var out map[string]any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
		after := count(t)
		switch {
		case rec.Code == http.StatusCreated:
			require.LessOrEqual(t, after, before+1)
		case rec.Code == http.StatusOK:
			require.Equal(t, true, out["duplicate"])
			require.Equal(t, before, after)
		case rec.Code >= 400 && rec.Code < 500:
			require.NotEmpty(t, out["error"])
			if rec.Code != http.StatusUnsupportedMediaType {
				require.NotEmpty(t, out["field"], rec.Body.String())
			}
			require.Equal(t, before, after, "a refused order stored nothing")
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	})
}

// FuzzKeyring checks arbitrary presented keys: only the exact key is
// accepted.
func FuzzKeyring(f *testing.F) {
	key, entry, err := NewKey("shop", RoleShop)
	require.NoError(f, err)
	ring, err := NewKeyring([]KeyEntry{entry})
	require.NoError(f, err)
	for _, s := range []string{key, "", ".", "shop", "shop.", key + "=", strings.ToUpper(key), key[:len(key)-1]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := ring.Check(s)
		require.Equal(t, s == key, ok)
		if ok {
			require.Equal(t, Caller{ID: "shop", Role: RoleShop}, c)
		}
	})
}
