package main

import (
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memoryAndSQLite holds, by name, a maker of a test server over each kind
// of store.
var memoryAndSQLite = map[string]func(t *testing.T) *testEnv{
	"memory": func(t *testing.T) *testEnv { return newEnv(t, memoryStores()) },
	"sqlite": func(t *testing.T) *testEnv { e, _ := sqliteEnv(t); return e },
}

// An order the programme does not reward (placed before the member
// joined) has no ledger entry to tell a redelivery: the history does.
// Sent again, it answers 200 with "duplicate": true, stores nothing
// more, and still earns nothing; on every store.
func TestRedeliveryOfUnrewardedOrder(t *testing.T) {
	for name, env := range memoryAndSQLite {
		t.Run(name, func(t *testing.T) {
			e := env(t)
			e.register("C-1") // joined a year before testNow
			o := order("O-old", "C-1", testNow.AddDate(-2, 0, 0), 1, "80.00")
			r := e.do("POST", "/v1/orders", "shop", o)
			require.Equal(t, http.StatusCreated, r.Status, r.String())
			assert.Equal(t, false, r.Body["duplicate"])
			assert.Contains(t, r.Body["note"], "before the member joined")

			r = e.do("POST", "/v1/orders", "shop", o)
			require.Equal(t, http.StatusOK, r.Status, r.String())
			assert.Equal(t, true, r.Body["duplicate"])
			assert.EqualValues(t, 0, num(r.Body["points_earned"]))
			assert.Len(t, e.orders("C-1"), 1)
			assert.EqualValues(t, 0, e.balance("C-1"))

			// A new order after joining is still 201.
			r = e.do("POST", "/v1/orders", "shop", order("O-new", "C-1", testNow.AddDate(0, -1, 0), 1, "80.00"))
			require.Equal(t, http.StatusCreated, r.Status, r.String())
			assert.Equal(t, false, r.Body["duplicate"])
		})
	}
}

// An order sent again with its lines in another sequence (an ERP's
// re-export) is the same order: lines carry IDs. It answers 200 with
// "duplicate": true and earns nothing more.
func TestRedeliveryWithLinesReordered(t *testing.T) {
	for name, env := range memoryAndSQLite {
		t.Run(name, func(t *testing.T) {
			e := env(t)
			e.register("C-1")
			at := testNow.AddDate(0, -1, 0)
			r := e.do("POST", "/v1/orders", "shop", order("O-1", "C-1", at, 1, "80.00"))
			require.Equal(t, http.StatusCreated, r.Status, r.String())
			earned := num(r.Body["points_earned"])
			require.Positive(t, earned)

			again := order("O-1", "C-1", at, 1, "80.00")
			slices.Reverse(again["lines"].([]map[string]any))
			r = e.do("POST", "/v1/orders", "shop", again)
			require.Equal(t, http.StatusOK, r.Status, r.String())
			assert.Equal(t, true, r.Body["duplicate"])
			assert.Equal(t, earned, num(r.Body["points_earned"]))
			assert.Len(t, e.orders("C-1"), 1)
			assert.Equal(t, earned, e.balance("C-1"))
		})
	}
}
