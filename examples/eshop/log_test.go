package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// personal holds the personal data of the customers the test registers.
var personal = []string{"Jane", "Doe", "jane.doe", "1234567", "Hauptstraße", "10115", "1990-04-12", "04-12"}

// Personal data never reaches the logs: a full session — registration
// (logged with the customer's redacting LogValue), orders, a return, a
// bad request, a complaint, a read of the record — leaves none of it in
// the log output, which still records every request.
func TestLogsHoldNoPersonalData(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	r := e.do("POST", "/v1/orders", "shop", order("O-1", "C-1", testNow.Add(-time.Hour), 1, "49.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = e.do("PUT", "/v1/customers/C-2", "shop", map[string]any{"kind": "consumer", "name": "Jane Doe",
		"email": "jane.doe@example", "phone": "+49 170 1234567", "birthday": "1990-04-12"})
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "email", r.field())
	r = e.do("POST", "/v1/complaints", "shop", map[string]any{
		"complainant": "C-1", "channel": "web", "received": testNow.Format(time.RFC3339),
		"subject": map[string]any{"kind": "order", "order": "O-1"}, "category": "delivery", "severity": "low",
		"currency": "EUR", "demand": map[string]any{"kind": "apology"},
		"description": "Jane Doe, Hauptstraße 5: the parcel never came (call +49 170 1234567)",
	})
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = e.do("GET", "/v1/customers/C-1", "agent-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "Jane Doe", r.Body["name"], "the API itself returns the data to a key with the right")
	r = e.do("GET", "/v1/customers/C-1", "analyst-1", nil)
	require.Equal(t, http.StatusForbidden, r.Status, r.String())
	r, err := e.try("GET", "/v1/customers/C-1", "jane.doe@example.com", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, r.Status, r.String())

	out := e.logs.String()
	requests, registered := 0, 0
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var line map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line), sc.Text())
		switch line["msg"] {
		case "request":
			requests++
		case "customer registered":
			registered++
			c := line["customer"].(map[string]any)
			assert.Equal(t, "C-1", c["id"])
			assert.Equal(t, "[redacted]", c["personal_data"])
		}
	}
	assert.Equal(t, 7, requests, out)
	assert.Equal(t, 1, registered)
	for _, p := range personal {
		assert.NotContains(t, out, p)
	}
	assert.NotContains(t, out, e.keys["shop"][strings.IndexByte(e.keys["shop"], '.')+1:], "nor are keys")
}

// main's -newkey prints a key that a keys file made of its entry accepts,
// and the server started by run serves on the address given.
func TestRun(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-newkey", "shop-web:shop"}, &stdout, &stderr))
	var key string
	var entry KeyEntry
	for _, line := range strings.Split(stdout.String(), "\n") {
		if k, ok := strings.CutPrefix(line, "key:   "); ok {
			key = k
		}
		if e, ok := strings.CutPrefix(line, "entry: "); ok {
			require.NoError(t, json.Unmarshal([]byte(e), &entry))
		}
	}
	ring, err := NewKeyring([]KeyEntry{entry})
	require.NoError(t, err)
	c, ok := ring.Check(key)
	require.True(t, ok)
	assert.Equal(t, Caller{ID: "shop-web", Role: RoleShop}, c)

	keys := filepath.Join(t.TempDir(), "keys.json")
	data, _ := json.Marshal([]KeyEntry{entry})
	require.NoError(t, os.WriteFile(keys, data, 0o600))
	db := filepath.Join(t.TempDir(), "shop.db")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs syncBuffer
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", db, "-keys", keys, "-demo", "60"}, &stdout, &logs)
	}()
	var addr string
	require.Eventually(t, func() bool {
		for _, line := range strings.Split(logs.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "listening" {
				addr = m["addr"].(string)
				return true
			}
		}
		return false
	}, 20*time.Second, 10*time.Millisecond)
	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/baskets/price", strings.NewReader(
		`{"currency":"EUR","items":[{"id":"1","quantity":2,"unit_price":"30.00"}],"coupons":["WELCOME10"]}`))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var q map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&q))
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "54.00", q["total"])
	cancel()
	require.NoError(t, <-done)
	_, err = os.Stat(db)
	assert.NoError(t, err, "the SQLite file is the default store")

	assert.Error(t, run(context.Background(), []string{"-db", db}, &stdout, &stderr), "-keys is required")
	assert.Error(t, run(context.Background(), []string{"-newkey", "x:root"}, &stdout, &stderr))
}
