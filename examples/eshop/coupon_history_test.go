package main

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// hookLedger runs after, once, after the first successful Append that
// writes the earn of order id: another writer acting between an order's
// ledger entry and its history record.
type hookLedger struct {
	loyalty.Store
	id    string
	after func()
	done  atomic.Bool
}

func (h *hookLedger) Append(ctx context.Context, m customer.ID, expected int64, entries []loyalty.Entry) error {
	if err := h.Store.Append(ctx, m, expected, entries); err != nil {
		return err
	}
	for _, e := range entries {
		if e.Key == "order:"+h.id && !h.done.Swap(true) {
			h.after()
		}
	}
	return nil
}

// A coupon order that the customer's history refuses — in another
// currency than the history holds — is refused before the member's
// ledger is written: the coupon stays unused and the order earns
// nothing.
func TestCouponOrderRefusedByHistoryUsesNoCoupon(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		// The ERP recorded an order in dollars before.
		usd := customer.Order{ID: "ERP-1", CustomerID: "C-1", Time: testNow.Add(-48 * time.Hour), Channel: customer.Online,
			Currency: customer.Currency("USD"), Lines: []customer.Line{{ID: "1", SKU: "X", Quantity: 1, UnitPrice: decimal.NewFromInt(10)}}}
		require.NoError(t, e.stores.Customers.AppendOrder(t.Context(), usd))

		r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "currency", r.field(), r.String())
		assert.NotContains(t, e.orders("C-1"), "O-1")
		assert.Equal(t, 0, e.couponUses("C-1", "WELCOME10"), "the coupon of an order not recorded is used")
		a := e.account("C-1")
		assert.False(t, a.HasKey("order:O-1"), "an order not recorded earned points")
	})
}

// Another writer records another order under the ID of a coupon order
// after the coupon order's ledger entry and before its history record:
// the history refuses the coupon order (409), and its ledger entry is
// compensated — its points taken back and its coupon given back — so
// that no coupon is used, and no point earned, by an order that does not
// exist. Sending it again answers the same, and changes nothing more.
func TestCouponOrderRefusedAfterLedgerIsCompensated(t *testing.T) {
	backends(t, func(t *testing.T, base *testEnv) {
		hook := &hookLedger{Store: base.stores.Ledgers, id: "O-1"}
		e := newEnv(t, &Stores{Name: "hooked", Customers: base.stores.Customers, Complaints: base.stores.Complaints, Ledgers: hook})
		e.register("C-1")
		other := customer.Order{ID: "O-1", CustomerID: "C-1", Time: testNow.Add(-2 * time.Hour), Channel: customer.Store,
			Currency: customer.Currency("EUR"), Lines: []customer.Line{{ID: "1", SKU: "SH-1", Quantity: 1, UnitPrice: decimal.NewFromInt(30)}}}
		hook.after = func() { require.NoError(t, e.stores.Customers.AppendOrder(context.Background(), other)) }
		o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10")

		for range 2 {
			r := e.do("POST", "/v1/orders", "shop", o)
			require.Equal(t, http.StatusConflict, r.Status, r.String())
			assert.Equal(t, "id", r.field(), r.String())
			assert.True(t, e.orders("C-1")["O-1"].Equal(other), "the history keeps the other order")
			a := e.account("C-1")
			assert.Equal(t, 0, a.CouponUses("WELCOME10"), "the coupon is used by an order the history refused")
			earned, clawed, _ := a.OrderPoints("O-1")
			assert.Equal(t, earned, clawed, "the refused order keeps its points")
		}
		r := e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))
	})
}

// The compensation of a coupon order the history refused fails with the
// store (503): the order's resend completes it, once.
func TestCouponOrderCompensationResumed(t *testing.T) {
	base := newEnv(t, memoryStores())
	flaky := &flakyLedger{Store: base.stores.Ledgers}
	hook := &hookLedger{Store: flaky, id: "O-1"}
	e := newEnv(t, &Stores{Name: "hooked", Customers: base.stores.Customers, Complaints: base.stores.Complaints, Ledgers: hook})
	e.register("C-1")
	other := customer.Order{ID: "O-1", CustomerID: "C-1", Time: testNow.Add(-2 * time.Hour), Channel: customer.Store,
		Currency: customer.Currency("EUR"), Lines: []customer.Line{{ID: "1", SKU: "SH-1", Quantity: 1, UnitPrice: decimal.NewFromInt(30)}}}
	hook.after = func() {
		require.NoError(t, e.stores.Customers.AppendOrder(context.Background(), other))
		flaky.fail.Store(true)
	}
	o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10")
	r := e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"), "the compensation failed")
	flaky.fail.Store(false)
	for range 2 {
		r = e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		a := e.account("C-1")
		assert.Equal(t, 0, a.CouponUses("WELCOME10"), "the resend completes the compensation")
		earned, clawed, _ := a.OrderPoints("O-1")
		assert.Equal(t, earned, clawed)
		assert.EqualValues(t, 0, a.Balance())
	}
}

// The compensation of a coupon order that the history refused for its
// currency (another writer recorded the customer's first order, in
// another currency, between the order's ledger entry and its history
// record) fails with the store (503): the order's resend, which the
// history's currency refuses (400) before the ledger, completes it,
// once.
func TestCouponOrderCompensationResumedAfterCurrencyRefusal(t *testing.T) {
	base := newEnv(t, memoryStores())
	flaky := &flakyLedger{Store: base.stores.Ledgers}
	hook := &hookLedger{Store: flaky, id: "O-1"}
	e := newEnv(t, &Stores{Name: "hooked", Customers: base.stores.Customers, Complaints: base.stores.Complaints, Ledgers: hook})
	e.register("C-1")
	usd := customer.Order{ID: "ERP-1", CustomerID: "C-1", Time: testNow.Add(-2 * time.Hour), Channel: customer.Store,
		Currency: customer.Currency("USD"), Lines: []customer.Line{{ID: "1", SKU: "SH-1", Quantity: 1, UnitPrice: decimal.NewFromInt(30)}}}
	hook.after = func() {
		require.NoError(t, e.stores.Customers.AppendOrder(context.Background(), usd))
		flaky.fail.Store(true)
	}
	o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10")
	r := e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"), "the compensation failed")
	flaky.fail.Store(false)
	for range 2 {
		r = e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "currency", r.field(), r.String())
		assert.NotContains(t, e.orders("C-1"), "O-1")
		a := e.account("C-1")
		assert.Equal(t, 0, a.CouponUses("WELCOME10"), "the resend completes the compensation")
		earned, clawed, _ := a.OrderPoints("O-1")
		assert.Equal(t, earned, clawed, "the refused order keeps its points")
	}
}

// The order of another writer recorded in the history under the ID of a
// coupon order whose ledger entry was taken back (ledger-only return
// "void:<order>") earns its points under its reissue ID: on the next
// read of the member's points, and answered so when it is delivered
// through the API; a return of it claws them back.
func TestOrderUnderTheIDOfAnUndoneCouponOrderEarns(t *testing.T) {
	backends(t, func(t *testing.T, base *testEnv) {
		hook := &hookLedger{Store: base.stores.Ledgers, id: "O-1"}
		e := newEnv(t, &Stores{Name: "hooked", Customers: base.stores.Customers, Complaints: base.stores.Complaints, Ledgers: hook})
		e.register("C-1")
		other := order("O-1", "C-1", testNow.Add(-2*time.Hour), 1, "30.00")
		other["lines"] = other["lines"].([]map[string]any)[:1]
		hook.after = func() {
			o := orderInFrom(other)
			var p problems
			require.NoError(t, e.stores.Customers.AppendOrder(context.Background(), o.order(&p)))
		}
		r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, 0, e.couponUses("C-1", "WELCOME10"))

		r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.EqualValues(t, 30, num(r.Body["balance"]), "the history's order earns nothing: %s", r)

		r = e.do("POST", "/v1/orders", "shop", other)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, true, r.Body["duplicate"])
		assert.EqualValues(t, 30, num(r.Body["points_earned"]), r.String())

		r = e.do("POST", "/v1/returns", "shop", map[string]any{"id": "R-1", "order_id": "O-1", "customer_id": "C-1",
			"time": testNow.Add(-30 * time.Minute).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
			"lines": []map[string]any{{"line_id": "1", "quantity": -1}}})
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		assert.EqualValues(t, 30, num(r.Body["points_clawed_back"]), r.String())
		assert.EqualValues(t, 0, e.balance("C-1"))
		r = e.do("POST", "/v1/returns", "shop", map[string]any{"id": "R-1", "order_id": "O-1", "customer_id": "C-1",
			"time": testNow.Add(-30 * time.Minute).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
			"lines": []map[string]any{{"line_id": "1", "quantity": -1}}})
		require.Equal(t, http.StatusOK, r.Status, "a redelivered return: %s", r)
		assert.EqualValues(t, 30, num(r.Body["points_clawed_back"]), r.String())
	})
}

// Another server records a plain order under the ID of a coupon order
// between the coupon order's ledger entry and its history record: the
// plain order is in the history, so the coupon order's entry is taken
// back at once, the plain order earns its points (201), and the coupon
// order is refused (409) with its coupon given back.
func TestPlainOrderRacingACouponOrderEarns(t *testing.T) {
	backends(t, func(t *testing.T, base *testEnv) {
		hook := &hookLedger{Store: base.stores.Ledgers, id: "O-1"}
		e := newEnv(t, &Stores{Name: "hooked", Customers: base.stores.Customers, Complaints: base.stores.Complaints, Ledgers: hook})
		other := newEnv(t, base.stores)
		e.register("C-1")
		plain := order("O-1", "C-1", testNow.Add(-2*time.Hour), 1, "30.00")
		plain["lines"] = plain["lines"].([]map[string]any)[:1]
		var plainResp response
		hook.after = func() { plainResp = other.do("POST", "/v1/orders", "shop", plain) }
		r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		require.Equal(t, http.StatusCreated, plainResp.Status, plainResp.String())
		assert.EqualValues(t, 30, num(plainResp.Body["points_earned"]), plainResp.String())
		assert.Equal(t, 0, e.couponUses("C-1", "WELCOME10"))
		assert.EqualValues(t, 30, e.balance("C-1"))
		r = other.do("POST", "/v1/orders", "shop", plain)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.EqualValues(t, 30, num(r.Body["points_earned"]), r.String())
		assert.EqualValues(t, 30, e.balance("C-1"))
	})
}

// A recorded coupon order sent again without its coupons is the same
// order under other coupons: 409, and its ledger entry, coupon use and
// points stay as they are (it is not taken for another order under its
// ID); a release of it is refused too.
func TestCouponOrderSentWithoutCouponsKeepsItsEntry(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10")
		r := e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		before := e.balance("C-1")
		delete(o, "coupons")
		r = e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, "id", r.field())
		r = e.do("POST", "/v1/orders/O-1/release", "shop", map[string]any{"customer_id": "C-1"})
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, "id", r.field())
		a := e.account("C-1")
		assert.Equal(t, 1, a.CouponUses("WELCOME10"))
		assert.False(t, a.HasKey("return:"+voidID("O-1")), "the recorded order's entry was taken back")
		assert.Equal(t, before, e.balance("C-1"))
	})
}
