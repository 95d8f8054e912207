package main

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// couponOrder is order() naming the coupons it used.
func couponOrder(id, cust string, at time.Time, coupons ...string) map[string]any {
	o := order(id, cust, at, 1, "120.00")
	o["coupons"] = coupons
	return o
}

// couponUses returns member's stored uses of coupon code.
func (e *testEnv) couponUses(member, code string) int {
	a := e.account(member)
	return a.CouponUses(code)
}

// couponBasket is a basket of member presenting WELCOME10 on one coat.
func couponBasket(member string) map[string]any {
	return map[string]any{"member": member, "currency": "EUR", "coupons": []string{"WELCOME10"},
		"items": []map[string]any{{"id": "1", "sku": "CO-7", "category": "coats", "quantity": 1, "unit_price": "249.00"}}}
}

// An order names the coupons it used; they are recorded in the member's
// ledger with the order. WELCOME10 is once per member: a second order
// with it is 422 naming the coupon and stores nothing (no order in the
// history, no points); the first order delivered again is a redelivery
// that counts no second use.
func TestOrderCouponUsedOnce(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		o1 := couponOrder("O-1", "C-1", testNow.Add(-2*time.Hour), "WELCOME10")
		r := e.do("POST", "/v1/orders", "shop", o1)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		assert.Equal(t, []any{"WELCOME10"}, r.Body["coupons"])
		assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))

		r = e.do("POST", "/v1/orders", "shop", o1)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, true, r.Body["duplicate"])
		assert.Equal(t, []any{"WELCOME10"}, r.Body["coupons"])
		assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"), "a redelivery counts no second use")

		balance := e.balance("C-1")
		r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-1", testNow.Add(-time.Hour), "WELCOME10", "KNIT20"))
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
		assert.Equal(t, "coupons[0]", r.field(), "the element of the request")
		assert.Contains(t, r.Body["error"], `coupons[0]: order "O-2" of member "C-1": loyalty: coupon "WELCOME10" refused (uses)`)
		assert.NotContains(t, e.orders("C-1"), "O-2", "a refused order is not in the history")
		a := e.account("C-1")
		_, _, ok := a.OrderPoints("O-2")
		assert.False(t, ok, "a refused order earns nothing")
		assert.Equal(t, balance, e.balance("C-1"))
		assert.Equal(t, 0, e.couponUses("C-1", "KNIT20"))

		// The same order again with other coupons is other content.
		o1["coupons"] = []string{"KNIT20"}
		r = e.do("POST", "/v1/orders", "shop", o1)
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, "id", r.field())

		// An order without coupons is recorded as before.
		r = e.do("POST", "/v1/orders", "shop", order("O-3", "C-1", testNow.Add(-time.Hour), 1, "10.00"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		assert.Nil(t, r.Body["coupons"])
	})
}

// Coupon codes of an order are checked against the programme's coupons
// before anything is stored: an unknown code or one named twice is 400
// naming the element.
func TestOrderCouponCodesChecked(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	for _, tc := range []struct {
		coupons []string
		field   string
	}{
		{[]string{"NOPE"}, "coupons[0]"},
		{[]string{"WELCOME10", ""}, "coupons[1]"},
		{[]string{"WELCOME10", "WELCOME10"}, "coupons[1]"},
	} {
		r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), tc.coupons...))
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, tc.field, r.field(), "%v", tc.coupons)
	}
	r := e.do("POST", "/v1/orders", "shop", `{"id":"O-1","coupons":"WELCOME10"}`)
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "coupons", r.field())
	assert.Empty(t, e.orders("C-1"))
	assert.EqualValues(t, 0, e.balance("C-1"))
}

// Orders of a customer that is not a member of the programme (an
// intermediary, a reseller) cannot have their coupon uses counted: 422, nothing stored.
func TestOrderCouponNeedsAMember(t *testing.T) {
	e := newEnv(t, memoryStores())
	// Intermediaries are registered in the ERP, not through the shop.
	require.NoError(t, e.stores.Customers.Put(t.Context(), customer.Customer{ID: "B-1", Kind: customer.Intermediary,
		Role: customer.Dealer, Region: "Bavaria", Joined: testNow.AddDate(-1, 0, 0),
		Trade: &customer.Trade{Outlets: 2, Rating: customer.RatingA, CooperationStart: testNow.AddDate(-1, 0, 0)}}))
	r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "B-1", testNow.Add(-time.Hour), "WELCOME10"))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	assert.Equal(t, "coupons", r.field())
	assert.Empty(t, e.orders("B-1"))
}

// Concurrent orders of one member with the same single-use coupon:
// exactly one is recorded, the others are 422, and the history and the
// ledger hold that one order alone.
func TestConcurrentSingleUseCoupon(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		const n = 16
		statuses := make([]int, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				o := couponOrder(fmt.Sprintf("O-%d", i), "C-1", testNow.Add(-time.Duration(i+1)*time.Minute), "WELCOME10")
				if r, err := e.try("POST", "/v1/orders", e.keys["shop"], o); err == nil {
					statuses[i] = r.Status
				}
			})
		}
		close(start)
		wg.Wait()
		count := map[int]int{}
		for _, s := range statuses {
			count[s]++
		}
		assert.Equal(t, map[int]int{http.StatusCreated: 1, http.StatusUnprocessableEntity: n - 1}, count)
		assert.Len(t, e.orders("C-1"), 1)
		a := e.account("C-1")
		assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))
		assert.EqualValues(t, 174, a.Balance(), "one order's points") // 120 + 54.90
	})
}

// Two servers on one SQLite file do not share the member lock: the
// ledger's optimistic concurrency alone decides, and still only one of
// the orders with the single-use coupon is recorded, in the ledger and
// in the history.
func TestTwoServersOneCoupon(t *testing.T) {
	envs, _ := twoServers(t, nil)
	envs[0].register("C-1")
	const n = 16
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			e := envs[i%2]
			o := couponOrder(fmt.Sprintf("O-%d", i), "C-1", testNow.Add(-time.Duration(i+1)*time.Minute), "WELCOME10")
			if r, err := e.try("POST", "/v1/orders", e.keys["shop"], o); err == nil {
				statuses[i] = r.Status
			}
		})
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	assert.Equal(t, map[int]int{http.StatusCreated: 1, http.StatusUnprocessableEntity: n - 1}, count)
	assert.Len(t, envs[0].orders("C-1"), 1)
	assert.Equal(t, 1, envs[0].couponUses("C-1", "WELCOME10"))
}

// A refund of every unit of an order gives its coupon's use back: the
// member may use WELCOME10 again. A partial refund does not.
func TestRefundGivesCouponUseBack(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-3*time.Hour), "WELCOME10"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		ret := func(id, line string) map[string]any {
			return map[string]any{"id": id, "order_id": "O-1", "customer_id": "C-1",
				"time": testNow.Add(-2 * time.Hour).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
				"lines": []map[string]any{{"line_id": line, "quantity": -1}}}
		}
		r = e.do("POST", "/v1/returns", "shop", ret("R-1", "1"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		assert.Nil(t, r.Body["coupons_given_back"])
		assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"), "a partial refund gives no use back")
		r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())

		r = e.do("POST", "/v1/returns", "shop", ret("R-2", "2"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		assert.Equal(t, []any{"WELCOME10"}, r.Body["coupons_given_back"])
		assert.Equal(t, 0, e.couponUses("C-1", "WELCOME10"))
		r = e.do("POST", "/v1/returns", "shop", ret("R-2", "2"))
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, 0, e.couponUses("C-1", "WELCOME10"), "a redelivered return gives nothing back twice")

		r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))
	})
}

// Pricing a member's basket takes the member's coupon uses from the
// ledger: WELCOME10 prices before the member used it, is refused after
// (422, "coupons") and prices again once the order is refunded. A
// by_member count from the request is refused for a member's basket
// (400 naming it); total from the request still counts (above the
// uses the server stored).
func TestPricingTakesUsesFromTheLedger(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-1")
	r := e.do("POST", "/v1/baskets/price", "shop", couponBasket("C-1"))
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "24.90", r.Body["discount"])

	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-3*time.Hour), "WELCOME10"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = e.do("POST", "/v1/baskets/price", "shop", couponBasket("C-1"))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "the ledger holds the member's use: %s", r)
	assert.Equal(t, "coupons", r.field())
	assert.Contains(t, r.Body["error"], "max_uses_per_member")

	b := couponBasket("C-1")
	b["uses"] = map[string]any{"WELCOME10": map[string]int{"total": 5, "by_member": 1}}
	r = e.do("POST", "/v1/baskets/price", "shop", b)
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "uses[WELCOME10].by_member", r.field())

	r = e.do("POST", "/v1/returns", "shop", map[string]any{"id": "R-1", "order_id": "O-1", "customer_id": "C-1",
		"time": testNow.Add(-2 * time.Hour).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
		"lines": []map[string]any{{"line_id": "1", "quantity": -1}, {"line_id": "2", "quantity": -1}}})
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	b["uses"] = map[string]any{"WELCOME10": map[string]int{"total": 5}}
	r = e.do("POST", "/v1/baskets/price", "shop", b)
	require.Equal(t, http.StatusOK, r.Status, "the refund gave the use back: %s", r)
	assert.Equal(t, "24.90", r.Body["discount"])

	// An anonymous basket has no ledger: its counts are the request's.
	b["member"] = ""
	b["uses"] = map[string]any{"WELCOME10": map[string]int{"total": 5, "by_member": 1}}
	r = e.do("POST", "/v1/baskets/price", "shop", b)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
}

// An order with a coupon is written to the ledger first. The ledger
// failing stores nothing; the history failing after the ledger answers
// 503 and holds the coupon's use, so that no other order can take it
// meanwhile, and the shop's retry appends the order to the history.
func TestCouponOrderStoreFails(t *testing.T) {
	base := newEnv(t, memoryStores())
	ledger := &flakyLedger{Store: base.stores.Ledgers}
	history := &flakyHistory{CustomerStore: base.stores.Customers}
	e := newEnv(t, &Stores{Name: "flaky", Customers: history, Complaints: base.stores.Complaints, Ledgers: ledger})
	e.register("C-1")
	o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10")

	ledger.fail.Store(true)
	r := e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	ledger.fail.Store(false)
	assert.Empty(t, e.orders("C-1"))
	assert.Equal(t, 0, e.couponUses("C-1", "WELCOME10"))

	history.fail.Store(true)
	r = e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	history.fail.Store(false)
	assert.Empty(t, e.orders("C-1"))
	assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))
	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())

	r = e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, true, r.Body["duplicate"])
	assert.Contains(t, e.orders("C-1"), "O-1")
	assert.NotContains(t, e.orders("C-1"), "O-2")
	assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))
	assert.EqualValues(t, 174, e.balance("C-1"))
}

// A coupon order answered 503 after its ledger entry, which the shop will
// not send again, is listed with the member's points and released: its
// points are clawed back and its coupon given back, once; sent again
// afterwards it is refused (409), so that no recorded order used a
// coupon the ledger does not count. A recorded order is not released (a
// return takes it back), an unknown one is 404.
func TestReleaseUnrecordedCouponOrder(t *testing.T) {
	base := newEnv(t, memoryStores())
	history := &flakyHistory{CustomerStore: base.stores.Customers}
	e := newEnv(t, &Stores{Name: "flaky", Customers: history, Complaints: base.stores.Complaints, Ledgers: base.stores.Ledgers})
	e.register("C-1")
	o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10")
	history.fail.Store(true)
	r := e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	history.fail.Store(false)
	require.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))
	held := e.balance("C-1")
	require.Positive(t, held)

	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, []any{map[string]any{"order_id": "O-1", "since": testNow.Format(time.RFC3339Nano)}}, r.Body["unrecorded_orders"], r.String())

	release := map[string]any{"customer_id": "C-1"}
	r = e.do("POST", "/v1/orders/O-1/release", "agent-1", release)
	require.Equal(t, http.StatusForbidden, r.Status, r.String())
	for i := range 2 {
		r = e.do("POST", "/v1/orders/O-1/release", "shop", release)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, i > 0, r.Body["duplicate"], r.String())
		assert.EqualValues(t, held, num(r.Body["points_clawed_back"]), r.String())
		assert.Equal(t, []any{"WELCOME10"}, r.Body["coupons_given_back"], r.String())
		assert.Equal(t, 0, e.couponUses("C-1", "WELCOME10"))
		assert.EqualValues(t, 0, e.balance("C-1"))
	}
	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.NotContains(t, r.Body, "unrecorded_orders", r.String())

	r = e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusConflict, r.Status, r.String())
	assert.Equal(t, "id", r.field())
	assert.NotContains(t, e.orders("C-1"), "O-1")
	assert.Equal(t, 0, e.couponUses("C-1", "WELCOME10"))

	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	for _, c := range []struct {
		path   string
		body   any
		status int
		field  string
	}{
		{"/v1/orders/O-2/release", release, http.StatusConflict, "id"},
		{"/v1/orders/O-9/release", release, http.StatusNotFound, "id"},
		{"/v1/orders/O-1/release", map[string]any{"customer_id": "C-9"}, http.StatusNotFound, "customer_id"},
		{"/v1/orders/O-1/release", map[string]any{"customer_id": "C/1"}, http.StatusBadRequest, "customer_id"},
		{"/v1/orders/O-1/release", map[string]any{}, http.StatusBadRequest, "customer_id"},
	} {
		r = e.do("POST", c.path, "shop", c.body)
		require.Equal(t, c.status, r.Status, "%s %v: %s", c.path, c.body, r)
		assert.Equal(t, c.field, r.field(), "%s %v", c.path, c.body)
	}
	assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))
}

// A coupon order answered 503 after its ledger entry, which the shop will
// not send again, while another writer records another order under its ID
// in the history: the history will never hold the coupon order, so it is
// listed with the member's points as unrecorded (the history's order
// under the ID is not it), and its release takes its entry back, gives
// its coupon back and lets the history's order earn under its reissue ID.
// Orders the history holds as the ledger does, at any precision of
// their time, are not listed.
func TestUnrecordedCouponOrderUnderAnIDTheHistoryHoldsIsListed(t *testing.T) {
	backends(t, func(t *testing.T, base *testEnv) {
		history := &flakyHistory{CustomerStore: base.stores.Customers}
		e := newEnv(t, &Stores{Name: "flaky", Customers: history, Complaints: base.stores.Complaints, Ledgers: base.stores.Ledgers})
		e.register("C-1")
		at := testNow.Add(-3*time.Hour + 123456789)
		r := e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-1", at, "WELCOME10"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		r = e.do("POST", "/v1/orders", "shop", order("O-3", "C-1", at, 1, "10.10"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		history.fail.Store(true)
		r = e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "KNIT20"))
		require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
		history.fail.Store(false)
		before := e.balance("C-1")
		other := order("O-1", "C-1", testNow.Add(-2*time.Hour), 1, "30.00")
		other["lines"] = other["lines"].([]map[string]any)[:1]
		in := orderInFrom(other)
		var p problems
		require.NoError(t, base.stores.Customers.AppendOrder(t.Context(), in.order(&p)))

		r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, []any{map[string]any{"order_id": "O-1", "since": testNow.Format(time.RFC3339Nano)}}, r.Body["unrecorded_orders"],
			"the coupon order the history will never hold: %s", r)

		r = e.do("POST", "/v1/orders/O-1/release", "shop", map[string]any{"customer_id": "C-1"})
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, 0, e.couponUses("C-1", "KNIT20"))
		assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))
		a := e.account("C-1")
		earned, clawed, _ := a.OrderPoints(reissueID("O-1"))
		assert.EqualValues(t, 30, earned-clawed, "the history's order earns under its reissue ID")
		assert.Greater(t, before, e.balance("C-1")-30, "the coupon order's points are clawed back")
		r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.NotContains(t, r.Body, "unrecorded_orders", r.String())
	})
}
