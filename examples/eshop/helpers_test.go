package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
	"github.com/tailorcrm/tailor/loyalty"
)

// testNow is the instant the test server's clock starts at.
var testNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// testEnv is a server on loopback with one key per role.
type testEnv struct {
	t      testing.TB
	ts     *httptest.Server
	srv    *Server
	stores *Stores
	keys   map[string]string // by key ID
	logs   *syncBuffer
	now    atomic.Int64
	client *http.Client
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The keys of the test server, by ID; the role is the ID's prefix.
var testKeyIDs = []struct {
	id   string
	role Role
}{
	{"shop", RoleShop}, {"agent-1", RoleAgent}, {"handler-1", RoleHandler}, {"handler-2", RoleHandler},
	{"supervisor-1", RoleSupervisor}, {"manager-1", RoleManager}, {"analyst-1", RoleAnalyst},
}

func newEnv(t testing.TB, stores *Stores) *testEnv {
	t.Helper()
	e := &testEnv{t: t, stores: stores, keys: map[string]string{}, logs: &syncBuffer{}}
	e.now.Store(testNow.UnixNano())
	var entries []KeyEntry
	for _, k := range testKeyIDs {
		key, entry, err := NewKey(k.id, k.role)
		require.NoError(t, err)
		e.keys[k.id] = key
		entries = append(entries, entry)
	}
	ring, err := NewKeyring(entries)
	require.NoError(t, err)
	srv, err := NewServer(Config{
		Stores: stores, Keys: ring,
		Now:    func() time.Time { return time.Unix(0, e.now.Load()).UTC() },
		Logger: slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: noClock})),
	})
	require.NoError(t, err)
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 128, MaxConnsPerHost: 0}
	e.client = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	t.Cleanup(tr.CloseIdleConnections)
	return e
}

// sqliteEnv is a test server on a fresh SQLite file.
func sqliteEnv(t testing.TB) (*testEnv, *sqlitestore.DB) {
	t.Helper()
	db, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "shop.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return newEnv(t, liteStores(db)), db
}

// advance moves the clock on by d.
func (e *testEnv) advance(d time.Duration) { e.now.Add(int64(d)) }

// response is a decoded response.
type response struct {
	Status int
	Body   map[string]any
	Raw    string
	Header http.Header
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.Status, r.Raw) }

// field returns the "field" of an error response.
func (r response) field() string { s, _ := r.Body["field"].(string); return s }

// do sends a request with the key of keyID ("" for none); body is marshalled
// to JSON unless it is a string or []byte, sent as is.
func (e *testEnv) do(method, path, keyID string, body any) response {
	e.t.Helper()
	r, err := e.try(method, path, e.keys[keyID], body)
	require.NoError(e.t, err)
	return r
}

// try is do with a raw key, returning transport errors.
func (e *testEnv) try(method, path, key string, body any) (response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return response{}, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		return response{}, err
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	out := response{Status: resp.StatusCode, Raw: string(raw), Header: resp.Header}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.Body); err != nil {
			return out, fmt.Errorf("response is not a JSON object: %w: %s", err, raw)
		}
	}
	return out, nil
}

// register registers consumer id through the API: a first registration,
// 201 Created.
func (e *testEnv) register(id string) {
	e.t.Helper()
	r := e.do("PUT", "/v1/customers/"+id, "shop", map[string]any{
		"kind": "consumer", "name": "Jane Doe", "email": "jane.doe@example.com", "phone": "+49 170 1234567",
		"address": "Hauptstraße 5, 10115 Berlin", "birthday": "1990-04-12", "region": "Berlin",
		"joined":  testNow.AddDate(-1, 0, 0).Format(time.RFC3339),
		"consent": map[string]any{"marketing": true, "profiling": true, "notice": "privacy v4"},
	})
	require.Equal(e.t, http.StatusCreated, r.Status, r.String())
}

// order is an order body of customer cust: one line of qty units at price.
func order(id, cust string, at time.Time, qty int, price string) map[string]any {
	return map[string]any{
		"id": id, "customer_id": cust, "time": at.Format(time.RFC3339Nano), "channel": "online",
		"currency": "EUR", "store": "web",
		"lines": []map[string]any{
			{"id": "1", "sku": "KN-100", "category": "knitwear", "season": "2026-SS", "size": "M", "colour": "navy",
				"quantity": qty, "unit_price": price},
			{"id": "2", "sku": "TR-200", "category": "trousers", "season": "2026-SS", "size": "32/34", "colour": "black",
				"quantity": 1, "unit_price": "59.90", "discount": "5.00"},
		},
	}
}

// account returns member's account as stored, without settling.
func (e *testEnv) account(member string) loyalty.Account {
	e.t.Helper()
	entries, err := e.stores.Ledgers.Entries(context.Background(), customer.ID(member), 0)
	require.NoError(e.t, err)
	a, err := loyalty.Replay(entries)
	require.NoError(e.t, err)
	return a
}

// balance returns member's stored net balance.
func (e *testEnv) balance(member string) int64 {
	a := e.account(member)
	return int64(a.Balance())
}

// orders returns the IDs of the orders in member's history.
func (e *testEnv) orders(member string) map[string]customer.Order {
	e.t.Helper()
	out := map[string]customer.Order{}
	for ev, err := range e.stores.Customers.History(context.Background(), customer.ID(member)) {
		require.NoError(e.t, err)
		if ev.Order != nil {
			out[ev.Order.ID] = *ev.Order
		}
	}
	return out
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// noClock leaves the time and the durations out of the test server's log
// lines, so that their digits cannot be taken for leaked personal data.
func noClock(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && (a.Key == slog.TimeKey || a.Value.Kind() == slog.KindDuration) {
		return slog.Attr{}
	}
	return a
}
