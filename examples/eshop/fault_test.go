package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
	"github.com/tailorcrm/tailor/loyalty"
)

var errInjected = errors.New("injected: connection reset by peer")

// flakyLedger fails Append while fail is set, as a dropped connection
// would, without appending anything.
type flakyLedger struct {
	loyalty.Store
	fail atomic.Bool
}

func (f *flakyLedger) Append(ctx context.Context, m customer.ID, expected int64, entries []loyalty.Entry) error {
	if f.fail.Load() {
		return errInjected
	}
	return f.Store.Append(ctx, m, expected, entries)
}

// flakyHistory fails AppendOrder while fail is set.
type flakyHistory struct {
	CustomerStore
	fail atomic.Bool
}

func (f *flakyHistory) AppendOrder(ctx context.Context, o customer.Order) error {
	if f.fail.Load() {
		return errInjected
	}
	return f.CustomerStore.AppendOrder(ctx, o)
}

// The store failing between the order and its points gives 503, and no
// read ever shows the order without its points: the next read settles the
// ledger, and the shop's retry is a no-op that reports the points.
func TestStoreFailsBetweenOrderAndPoints(t *testing.T) {
	backends(t, func(t *testing.T, base *testEnv) {
		ledger := &flakyLedger{Store: base.stores.Ledgers}
		history := &flakyHistory{CustomerStore: base.stores.Customers}
		e := newEnv(t, &Stores{Name: "flaky", Customers: history, Complaints: base.stores.Complaints, Ledgers: ledger})
		e.register("C-1")
		o := order("O-1", "C-1", testNow.Add(-time.Hour), 1, "100.00")

		// The history append fails: nothing is stored anywhere.
		history.fail.Store(true)
		r := e.do("POST", "/v1/orders", "shop", o)
		assert.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
		history.fail.Store(false)
		assert.Empty(t, e.orders("C-1"))
		assert.EqualValues(t, 0, e.balance("C-1"))

		// The ledger append fails after the order is stored.
		ledger.fail.Store(true)
		r = e.do("POST", "/v1/orders", "shop", o)
		assert.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
		r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
		assert.Equal(t, http.StatusServiceUnavailable, r.Status, "a read that cannot settle does not answer: %s", r)
		ledger.fail.Store(false)
		assert.Len(t, e.orders("C-1"), 1)
		assert.EqualValues(t, 0, e.balance("C-1"), "the stored ledger lags the history")
		r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.EqualValues(t, 154, num(r.Body["balance"]), "the read shows the order with its points")
		r = e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, true, r.Body["duplicate"])
		assert.EqualValues(t, 154, num(r.Body["points_earned"]))
		assert.EqualValues(t, 154, e.balance("C-1"))

		// A return whose clawback fails is completed by the retry.
		ret := map[string]any{"id": "R-1", "order_id": "O-1", "customer_id": "C-1",
			"time": testNow.Add(-30 * time.Minute).Format(time.RFC3339), "kind": "refund", "reason": "quality-defect",
			"lines": []map[string]any{{"line_id": "1", "quantity": -1}}}
		ledger.fail.Store(true)
		r = e.do("POST", "/v1/returns", "shop", ret)
		assert.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
		ledger.fail.Store(false)
		r = e.do("POST", "/v1/returns", "shop", ret)
		require.Contains(t, []int{http.StatusOK, http.StatusCreated}, r.Status, r.String())
		a := e.account("C-1")
		earned, clawed, _ := a.OrderPoints("O-1")
		assert.EqualValues(t, 154, earned)
		assert.InDelta(t, 100, int64(clawed), 1, "the line's share of the points, rounded")
		assert.EqualValues(t, earned-clawed, a.Balance())
	})
}

// dropRun records orders of many customers concurrently and drops the
// database (drop) while they are under way. Every response is 201 or 503,
// never a dropped connection or a panic; the server keeps answering. Then
// reopen gives stores on the same database again, and nothing is half
// applied: every stored order is whole, no points exist without their
// order, and a read shows each stored order with its points.
func dropRun(t *testing.T, e *testEnv, drop func(), reopen func() *Stores) {
	const clients, each = 32, 4
	for c := range clients {
		e.register(fmt.Sprintf("C-%d", c))
	}
	type result struct {
		status int
		err    error
	}
	results := make(map[string]result)
	var mu sync.Mutex
	var done atomic.Int64
	var wg sync.WaitGroup
	sent := map[string]map[string]any{}
	for c := range clients {
		for k := range each {
			id := fmt.Sprintf("O-%d-%d", c, k)
			sent[id] = order(id, fmt.Sprintf("C-%d", c), testNow.Add(-time.Duration(k+1)*time.Minute), 1+k, "49.90")
		}
	}
	dropped := make(chan struct{})
	go func() {
		for done.Load() < clients*each/4 {
			time.Sleep(100 * time.Microsecond)
		}
		drop()
		close(dropped)
	}()
	for c := range clients {
		wg.Go(func() {
			for k := range each {
				id := fmt.Sprintf("O-%d-%d", c, k)
				r, err := e.try("POST", "/v1/orders", e.keys["shop"], sent[id])
				mu.Lock()
				results[id] = result{r.Status, err}
				mu.Unlock()
				done.Add(1)
			}
		})
	}
	wg.Wait()
	<-dropped
	ok, unavailable := 0, 0
	for id, r := range results {
		require.NoError(t, r.err, id)
		switch r.status {
		case http.StatusCreated:
			ok++
		case http.StatusServiceUnavailable:
			unavailable++
		default:
			t.Fatalf("order %s: status %d", id, r.status)
		}
	}
	t.Logf("%d orders recorded, %d refused with 503 after the drop", ok, unavailable)
	assert.Positive(t, ok)
	assert.Positive(t, unavailable)
	r := e.do("GET", "/healthz", "", nil)
	assert.Equal(t, http.StatusOK, r.Status, "the server still answers")
	r = e.do("GET", "/v1/members/C-0/points", "shop", nil)
	assert.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())

	// The same database, reopened.
	e2 := newEnv(t, reopen())
	for c := range clients {
		member := fmt.Sprintf("C-%d", c)
		stored := e2.orders(member)
		a := e2.account(member)
		for k := range each {
			id := fmt.Sprintf("O-%d-%d", c, k)
			o, inHistory := stored[id]
			_, _, earned := a.OrderPoints(id)
			if earned {
				assert.True(t, inHistory, "%s: points without the order", id)
			}
			if results[id].status == http.StatusCreated {
				assert.True(t, inHistory && earned, "%s: acknowledged but not stored whole", id)
			}
			if inHistory {
				var p problems
				in := orderInFrom(sent[id])
				want := in.order(&p)
				assert.True(t, o.Equal(want), "%s: stored order differs from the one sent", id)
			}
		}
		// A read settles: every stored order has its points.
		r := e2.do("GET", "/v1/members/"+member+"/points", "shop", nil)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		a = e2.account(member)
		var sum int64
		for id := range stored {
			earned, _, ok := a.OrderPoints(id)
			assert.True(t, ok, "%s: stored but not earned after a read", id)
			sum += int64(earned)
		}
		assert.EqualValues(t, sum, num(r.Body["balance"]), member)
	}
}

// orderInFrom converts a test order body to the request type.
func orderInFrom(m map[string]any) orderIn {
	in := orderIn{ID: m["id"].(string), CustomerID: m["customer_id"].(string), Time: m["time"].(string),
		Channel: m["channel"].(string), Store: m["store"].(string), Currency: m["currency"].(string)}
	for _, l := range m["lines"].([]map[string]any) {
		li := lineIn{ID: l["id"].(string), SKU: l["sku"].(string), Category: l["category"].(string),
			Season: l["season"].(string), Size: l["size"].(string), Colour: l["colour"].(string),
			Quantity: l["quantity"].(int), UnitPrice: l["unit_price"].(string)}
		if d, ok := l["discount"].(string); ok {
			li.Discount = d
		}
		in.Lines = append(in.Lines, li)
	}
	return in
}

// Closing the SQLite database while orders are being recorded.
func TestSQLiteDropMidRequest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	db, err := sqlitestore.Open(context.Background(), path, nil)
	require.NoError(t, err)
	e := newEnv(t, liteStores(db))
	dropRun(t, e, func() { db.Close() }, func() *Stores {
		db2, err := sqlitestore.Open(context.Background(), path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { db2.Close() })
		return liteStores(db2)
	})
}

// postgresTestStores returns stores in a fresh schema of the server at
// TAILOR_POSTGRES_DSN, dropped at the end of the test.
func postgresTestStores(t testing.TB) *Stores {
	ctx := context.Background()
	dsn := os.Getenv("TAILOR_POSTGRES_DSN")
	schema := fmt.Sprintf("eshop_test_%d", time.Now().UnixNano())
	pool, err := pgxpool.New(ctx, dsn)
	require.NoError(t, err)
	db := pgstore.New(pool, &pgstore.Options{Schema: schema})
	require.NoError(t, db.Migrate(ctx))
	t.Cleanup(func() {
		pool.Exec(ctx, `DROP SCHEMA IF EXISTS "`+schema+`" CASCADE`)
		pool.Close()
	})
	return pgStores(db)
}

// Closing the PostgreSQL pool while orders are being recorded. It needs a
// server: TAILOR_POSTGRES_DSN, as for the pgstore tests.
func TestPostgresDropMidRequest(t *testing.T) {
	dsn := os.Getenv("TAILOR_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("TAILOR_POSTGRES_DSN is not set: no PostgreSQL server to test against")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("eshop_test_%d", time.Now().UnixNano())
	open := func() (*pgxpool.Pool, *pgstore.DB) {
		pool, err := pgxpool.New(ctx, dsn)
		require.NoError(t, err)
		db := pgstore.New(pool, &pgstore.Options{Schema: schema})
		require.NoError(t, db.Migrate(ctx))
		return pool, db
	}
	pool, db := open()
	t.Cleanup(func() {
		p, err := pgxpool.New(ctx, dsn)
		if err == nil {
			p.Exec(ctx, `DROP SCHEMA IF EXISTS "`+schema+`" CASCADE`)
			p.Close()
		}
	})
	e := newEnv(t, pgStores(db))
	dropRun(t, e, pool.Close, func() *Stores {
		pool2, db2 := open()
		t.Cleanup(pool2.Close)
		return pgStores(db2)
	})
}

// A 503 says when to send the request again (Retry-After), as a 401 says
// how to authenticate: the request was not applied, or applied whole.
func TestUnavailableSaysRetryAfter(t *testing.T) {
	base := newEnv(t, memoryStores())
	history := &flakyHistory{CustomerStore: base.stores.Customers}
	e := newEnv(t, &Stores{Name: "flaky", Customers: history, Complaints: base.stores.Complaints, Ledgers: base.stores.Ledgers})
	e.register("C-1")
	history.fail.Store(true)
	body, err := json.Marshal(order("O-1", "C-1", testNow.Add(-time.Hour), 1, "100.00"))
	require.NoError(t, err)
	req := httptest.NewRequest("POST", "/v1/orders", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.keys["shop"])
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	require.Equal(t, http.StatusServiceUnavailable, rec.Code, rec.Body.String())
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))

	req = httptest.NewRequest("GET", "/v1/members/C-1/points", nil)
	rec = httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Empty(t, rec.Header().Get("Retry-After"))
}
