package main

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withBearer adds to e's server the bearer coupon code, 5% off
// everything, usable max times by everyone together.
func withBearer(t testing.TB, e *testEnv, code string, max int) {
	t.Helper()
	c, err := decodeCoupons(e.srv.programme, fmt.Appendf(nil, `[{"code": %q, "kind": "percent", "percent": "5",
		"scope": {"kind": "all"}, "max_uses": %d, "stacking": "combinable"}]`, code, max))
	require.NoError(t, err)
	e.srv.coupons[code] = c[code]
}

// Orders of different members racing for the last uses of a bearer
// coupon: exactly max_uses of them are recorded, the others are refused
// (422 naming the coupon) and store nothing, in the history or the
// ledger; the uses stored are max_uses.
func TestBearerCouponLimitUnderRace(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		const n, limit = 12, 3
		withBearer(t, e, "FIRST3", limit)
		for i := range n {
			e.register(fmt.Sprintf("C-%d", i))
		}
		statuses := make([]int, n)
		fields := make([]string, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				o := couponOrder(fmt.Sprintf("O-%d", i), fmt.Sprintf("C-%d", i), testNow.Add(-time.Hour), "FIRST3")
				r, err := e.try("POST", "/v1/orders", e.keys["shop"], o)
				if err == nil {
					statuses[i], fields[i] = r.Status, r.field()
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
				assert.Equal(t, 1, e.couponUses(fmt.Sprintf("C-%d", i), "FIRST3"))
			case http.StatusUnprocessableEntity:
				assert.Equal(t, "coupons[0]", fields[i])
				assert.Empty(t, e.orders(fmt.Sprintf("C-%d", i)), "a refused order is not in the history")
				assert.Zero(t, e.couponUses(fmt.Sprintf("C-%d", i), "FIRST3"), "a refused order records no use")
				a := e.account(fmt.Sprintf("C-%d", i))
				assert.Zero(t, a.Balance(), "a refused order earns nothing")
			default:
				t.Errorf("order %d: status %d", i, st)
			}
		}
		assert.Equal(t, limit, created, "orders recorded with FIRST3 (max_uses %d): %v", limit, statuses)
		uses, err := e.srv.bearerUses(t.Context(), "FIRST3")
		require.NoError(t, err)
		assert.Equal(t, limit, uses)
	})
}

// The uses by everyone of a bearer coupon are those stored: a basket
// that claims fewer is priced with the stored count, so a coupon used
// up is refused whatever the request says; an order taken back as never
// recorded (released) gives its use back.
func TestBearerCouponUsesAreStored(t *testing.T) {
	e := newEnv(t, memoryStores())
	withBearer(t, e, "ONCE", 1)
	e.register("C-1")
	e.register("C-2")
	basket := func(member string, total int) map[string]any {
		return map[string]any{"member": member, "currency": "EUR", "coupons": []string{"ONCE"},
			"uses":  map[string]any{"ONCE": map[string]int{"total": total}},
			"items": []map[string]any{{"id": "1", "sku": "CO-7", "category": "coats", "quantity": 1, "unit_price": "100.00"}}}
	}
	r := e.do("POST", "/v1/baskets/price", "shop", basket("C-2", 0))
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "5.00", r.Body["discount"])

	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())

	for _, member := range []string{"C-2", ""} {
		r = e.do("POST", "/v1/baskets/price", "shop", basket(member, 0))
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, "basket of %q claiming no use of a coupon used up: %s", member, r)
		assert.Equal(t, "coupons", r.field())
		assert.Contains(t, r.Body["error"], "max_uses")
	}
	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "ONCE"))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	assert.Equal(t, "coupons[0]", r.field())
	assert.Empty(t, e.orders("C-2"), "the refused order is not in the history")

	// The first order sent again is a redelivery and takes no second use.
	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE"))
	require.Equal(t, http.StatusOK, r.Status, r.String())
	uses, err := e.srv.bearerUses(t.Context(), "ONCE")
	require.NoError(t, err)
	assert.Equal(t, 1, uses)
}

// A bearer coupon's use claimed by an order answered 503 after its
// ledger entry is held until the order is released: then another
// member's order may use the coupon, and the released order's claim is
// given back once.
func TestBearerCouponUseReleased(t *testing.T) {
	base := newEnv(t, memoryStores())
	history := &flakyHistory{CustomerStore: base.stores.Customers}
	e := newEnv(t, &Stores{Name: "flaky", Customers: history, Complaints: base.stores.Complaints, Ledgers: base.stores.Ledgers})
	withBearer(t, e, "ONCE", 1)
	e.register("C-1")
	e.register("C-2")
	history.fail.Store(true)
	r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE"))
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	history.fail.Store(false)

	o2 := couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "ONCE")
	r = e.do("POST", "/v1/orders", "shop", o2)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "the unrecorded order holds the use: %s", r)
	for range 2 {
		r = e.do("POST", "/v1/orders/O-1/release", "shop", map[string]any{"customer_id": "C-1"})
		require.Equal(t, http.StatusOK, r.Status, r.String())
		uses, err := e.srv.bearerUses(t.Context(), "ONCE")
		require.NoError(t, err)
		assert.Zero(t, uses, "the released order's use is given back, once")
	}
	r = e.do("POST", "/v1/orders", "shop", o2)
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	uses, err := e.srv.bearerUses(t.Context(), "ONCE")
	require.NoError(t, err)
	assert.Equal(t, 1, uses)
}
