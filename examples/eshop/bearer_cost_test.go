package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// countingLedgers counts the entries read from the ledgers of bearer
// coupons.
type countingLedgers struct {
	loyalty.Store
	read atomic.Int64
}

func (c *countingLedgers) Entries(ctx context.Context, m customer.ID, after int64) ([]loyalty.Entry, error) {
	es, err := c.Store.Entries(ctx, m, after)
	if strings.HasPrefix(string(m), "coupon:") {
		c.read.Add(int64(len(es)))
	}
	return es, err
}

// preloadUses stores n uses of bearer coupon code by other members
// (claimed at testNow less a day), as claimBearer stores them.
func preloadUses(tb testing.TB, store loyalty.Store, code string, n int) {
	tb.Helper()
	at := testNow.Add(-24 * time.Hour)
	var batch []loyalty.Entry
	for i := 1; i <= n; i++ {
		batch = append(batch, loyalty.Entry{Seq: int64(i), Member: couponLedger(code), Key: fmt.Sprintf("use:P-%d/O-%d#1", i, i),
			Kind: loyalty.EntryAdjust, Points: 1, Time: at, Effective: at, OrderID: fmt.Sprintf("O-%d", i),
			Reason: "bearer coupon use", Operator: fmt.Sprintf("P-%d", i)})
		if len(batch) == 1000 || i == n {
			require.NoError(tb, store.Append(context.Background(), couponLedger(code), batch[0].Seq-1, batch))
			batch = batch[:0]
		}
	}
}

// The server reads a coupon ledger whole once: after that, an order with
// the coupon, and a basket priced with it, read only the entries
// appended since, not the coupon's every use.
func TestBearerUsesReadOnce(t *testing.T) {
	base := memoryStores()
	ledgers := &countingLedgers{Store: base.Ledgers}
	e := newEnv(t, &Stores{Name: "counting", Customers: base.Customers, Complaints: base.Complaints, Ledgers: ledgers})
	withBearer(t, e, "MANY", 1_000_000)
	preloadUses(t, ledgers, "MANY", 5000)
	for i := range 3 {
		e.register(fmt.Sprintf("C-%d", i))
	}
	r := e.do("POST", "/v1/orders", "shop", couponOrder("O-0", "C-0", testNow.Add(-time.Hour), "MANY"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	require.GreaterOrEqual(t, ledgers.read.Load(), int64(5000), "the first order reads the uses stored")

	for i := 1; i < 3; i++ {
		before := ledgers.read.Load()
		r = e.do("POST", "/v1/orders", "shop", couponOrder(fmt.Sprintf("O-%d", i), fmt.Sprintf("C-%d", i), testNow.Add(-time.Hour), "MANY"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		assert.LessOrEqual(t, ledgers.read.Load()-before, int64(2), "order %d read the coupon's %d uses again", i, 5000+i)
	}
	before := ledgers.read.Load()
	r = e.do("POST", "/v1/baskets/price", "shop", map[string]any{"member": "C-0", "currency": "EUR", "coupons": []string{"MANY"},
		"items": []map[string]any{{"id": "1", "sku": "CO-7", "category": "coats", "quantity": 1, "unit_price": "100.00"}}})
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Zero(t, ledgers.read.Load()-before, "a basket read the coupon's uses again")
	uses, err := e.srv.bearerUses(t.Context(), "MANY")
	require.NoError(t, err)
	assert.Equal(t, 5003, uses)
}

// The uses another server appends to a coupon ledger are read on: of two
// servers on one store, each sees the other's uses, also after it read
// the ledger, so the limit holds across them.
func TestBearerUsesOfAnotherServer(t *testing.T) {
	a := newEnv(t, memoryStores())
	b := newEnv(t, a.stores)
	for _, e := range []*testEnv{a, b} {
		withBearer(t, e, "TWICE", 2)
	}
	for i := range 3 {
		a.register(fmt.Sprintf("C-%d", i))
	}
	r := a.do("POST", "/v1/orders", "shop", couponOrder("O-0", "C-0", testNow.Add(-time.Hour), "TWICE"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = b.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "TWICE"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = a.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "TWICE"))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	assert.Equal(t, "coupons[0]", r.field())
	r = a.do("POST", "/v1/orders/O-1/release", "shop", map[string]any{"customer_id": "C-1"})
	require.Equal(t, http.StatusConflict, r.Status, "a recorded order is not released: %s", r)
}

// BenchmarkBearerOrder records orders with a bearer coupon used 100,000
// times before, one after the other, and prices baskets with it:
//
//	go test -run '^$' -bench BearerOrder -benchtime 200x ./examples/eshop
func BenchmarkBearerOrder(b *testing.B) {
	for _, backend := range []string{"memory", "sqlite"} {
		b.Run(backend, func(b *testing.B) {
			var e *testEnv
			if backend == "memory" {
				e = newEnv(b, memoryStores())
			} else {
				e, _ = sqliteEnv(b)
			}
			withBearer(b, e, "FLASH", 1_000_000)
			preloadUses(b, e.stores.Ledgers, "FLASH", 100_000)
			e.register("C-1")
			basket := map[string]any{"member": "C-1", "currency": "EUR", "coupons": []string{"FLASH"},
				"items": []map[string]any{{"id": "1", "sku": "CO-7", "category": "coats", "quantity": 1, "unit_price": "100.00"}}}
			b.ResetTimer()
			for i := range b.N {
				r := e.do("POST", "/v1/orders", "shop", couponOrder(fmt.Sprintf("B-%d", i), "C-1", testNow.Add(-time.Hour), "FLASH"))
				if r.Status != http.StatusCreated {
					b.Fatal(r.String())
				}
				if r = e.do("POST", "/v1/baskets/price", "shop", basket); r.Status != http.StatusOK {
					b.Fatal(r.String())
				}
			}
		})
	}
}

// Orders racing for the last uses of a bearer coupon at two servers on
// one SQLite file, each of which has read the coupon's ledger before:
// exactly max_uses of them are recorded, the others refused (422).
func TestBearerCouponLimitAcrossServers(t *testing.T) {
	envs, _ := twoServers(t, nil)
	const n, limit = 16, 5
	for _, e := range envs {
		withBearer(t, e, "FIRST5", limit)
	}
	for i := range n {
		envs[0].register(fmt.Sprintf("C-%d", i))
	}
	for _, e := range envs {
		uses, err := e.srv.bearerUses(t.Context(), "FIRST5")
		require.NoError(t, err)
		require.Zero(t, uses)
	}
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			o := couponOrder(fmt.Sprintf("O-%d", i), fmt.Sprintf("C-%d", i), testNow.Add(-time.Hour), "FIRST5")
			r, err := envs[i%2].try("POST", "/v1/orders", envs[i%2].keys["shop"], o)
			if err == nil {
				statuses[i] = r.Status
			}
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for i, st := range statuses {
		switch st {
		case http.StatusCreated:
			created++
		case http.StatusUnprocessableEntity:
			assert.Empty(t, envs[0].orders(fmt.Sprintf("C-%d", i)))
		default:
			t.Errorf("order %d: status %d", i, st)
		}
	}
	assert.Equal(t, limit, created, "%v", statuses)
	for _, e := range envs {
		uses, err := e.srv.bearerUses(t.Context(), "FIRST5")
		require.NoError(t, err)
		assert.Equal(t, limit, uses)
	}
}
