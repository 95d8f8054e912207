package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// A coupon order whose request failed after its member's ledger took it
// (the history append failed, or the ledger's answer was lost: 503) holds
// its ID until it is sent again or released. A plain order under that ID
// that the ledger cannot tell from it (the same order time, line IDs,
// quantities and nets: another SKU, or the order itself sent without its
// coupons) is refused (409 on "id") and stores nothing: not in the
// history, not in the member's ledger, not in the coupon's ledger. The
// coupon order sent again as it was is then recorded, with its coupons.
func TestPlainOrderUnderAPendingCouponOrderIDStoresNothing(t *testing.T) {
	for _, fault := range []string{"history fails", "ledger answer lost"} {
		t.Run(fault, func(t *testing.T) {
			backends(t, func(t *testing.T, base *testEnv) {
				history := &flakyHistory{CustomerStore: base.stores.Customers}
				ledgers := &memberFaults{Store: base.stores.Ledgers}
				e := newEnv(t, &Stores{Name: "faults", Customers: history, Complaints: base.stores.Complaints, Ledgers: ledgers})
				withBearer(t, e, "FEW", 2)
				e.register("C-1")
				o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10", "FEW")
				if fault == "history fails" {
					history.fail.Store(true)
				} else {
					ledgers.fault.Store(lostReply)
				}
				r := e.do("POST", "/v1/orders", "shop", o)
				require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
				history.fail.Store(false)
				ledgers.fault.Store(noFault)
				require.Empty(t, e.orders("C-1"))
				before := ledgerEntries(t, e, "C-1")
				require.Equal(t, 1, e.bearerUses("FEW"))

				otherSKU := orderInFrom(o)
				otherSKU.Coupons = nil
				otherSKU.Lines[0].SKU = "KN-999"
				sameNoCoupons := orderInFrom(o)
				sameNoCoupons.Coupons = nil
				for name, plain := range map[string]orderIn{"another SKU": otherSKU, "without its coupons": sameNoCoupons} {
					for range 2 {
						r = e.do("POST", "/v1/orders", "shop", plain)
						require.Equal(t, http.StatusConflict, r.Status, "%s: %s", name, r)
						assert.Equal(t, "id", r.field(), r.String())
						assert.Empty(t, e.orders("C-1"), "%s: a refused order is in the history", name)
						assert.Equal(t, before, ledgerEntries(t, e, "C-1"), "%s: a refused order wrote the member's ledger", name)
						assert.Equal(t, 1, e.bearerUses("FEW"), name)
					}
				}
				r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
				require.Equal(t, http.StatusOK, r.Status, r.String())
				assert.Equal(t, []any{map[string]any{"order_id": "O-1", "since": testNow.Format(time.RFC3339Nano)}},
					r.Body["unrecorded_orders"], "the coupon order is still to be sent again or released: %s", r)

				r = e.do("POST", "/v1/orders", "shop", o)
				require.Equal(t, http.StatusOK, r.Status, r.String())
				assert.Equal(t, []any{"FEW", "WELCOME10"}, r.Body["coupons"], r.String())
				require.Contains(t, e.orders("C-1"), "O-1")
				assert.Equal(t, "KN-100", e.orders("C-1")["O-1"].Lines[0].SKU, "the history holds the coupon order")
				assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))
				assert.Equal(t, 1, e.bearerUses("FEW"))
				a := e.account("C-1")
				earned, clawed, _ := a.OrderPoints("O-1")
				assert.Positive(t, earned)
				assert.Zero(t, clawed)
				assert.EqualValues(t, earned, a.Balance())
			})
		})
	}
}

// ledgerEntries returns the keys of member's ledger entries, in order.
func ledgerEntries(t *testing.T, e *testEnv, member string) []string {
	t.Helper()
	entries, err := e.stores.Ledgers.Entries(context.Background(), customer.ID(member), 0)
	require.NoError(t, err)
	keys := make([]string, len(entries))
	for i, en := range entries {
		keys[i] = en.Kind.String() + " " + en.Key
	}
	return keys
}

// A return delivered again with its lines in another sequence is the
// same return to the history (lines by ID): a redelivery, answered 200
// with what the first delivery clawed back, not 409; nothing is stored
// again. Another return under its ID is still 409, and stores nothing.
func TestReturnRedeliveredInAnotherSequence(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		r := e.do("POST", "/v1/orders", "shop", order("O-1", "C-1", testNow.Add(-time.Hour), 1, "100.00"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		ret := func(reason string, lines ...string) map[string]any {
			var ls []map[string]any
			for _, l := range lines {
				ls = append(ls, map[string]any{"line_id": l, "quantity": -1})
			}
			return map[string]any{"id": "R-1", "order_id": "O-1", "customer_id": "C-1",
				"time": testNow.Add(-30 * time.Minute).Format(time.RFC3339), "kind": "refund", "reason": reason, "lines": ls}
		}
		r = e.do("POST", "/v1/returns", "shop", ret("size-fit", "1", "2"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		clawed := num(r.Body["points_clawed_back"])
		require.Positive(t, clawed)
		before := ledgerEntries(t, e, "C-1")
		r = e.do("POST", "/v1/returns", "shop", ret("size-fit", "2", "1"))
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, true, r.Body["duplicate"], r.String())
		assert.Equal(t, clawed, num(r.Body["points_clawed_back"]), r.String())
		assert.Equal(t, before, ledgerEntries(t, e, "C-1"))
		r = e.do("POST", "/v1/returns", "shop", ret("quality-defect", "2", "1"))
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, "id", r.field(), r.String())
		assert.Equal(t, before, ledgerEntries(t, e, "C-1"))
	})
}

// A coupon order released after its request failed between its ledger
// entry and its history record holds its ID no longer: the order sent
// without its coupons afterwards is recorded and earns (201, under its
// reissue ID in the ledger), and sent again is a redelivery (200); the
// coupon order sent again is still refused (409).
func TestPlainOrderUnderAReleasedCouponOrderIDEarns(t *testing.T) {
	backends(t, func(t *testing.T, base *testEnv) {
		history := &flakyHistory{CustomerStore: base.stores.Customers}
		e := newEnv(t, &Stores{Name: "faults", Customers: history, Complaints: base.stores.Complaints, Ledgers: base.stores.Ledgers})
		e.register("C-1")
		o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10")
		history.fail.Store(true)
		r := e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
		history.fail.Store(false)
		r = e.do("POST", "/v1/orders/O-1/release", "shop", map[string]any{"customer_id": "C-1"})
		require.Equal(t, http.StatusOK, r.Status, r.String())
		require.EqualValues(t, 0, e.balance("C-1"))

		plain := orderInFrom(o)
		plain.Coupons = nil
		r = e.do("POST", "/v1/orders", "shop", plain)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		earned := num(r.Body["points_earned"])
		assert.Positive(t, earned, r.String())
		assert.Nil(t, r.Body["coupons"], r.String())
		r = e.do("POST", "/v1/orders", "shop", plain)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, true, r.Body["duplicate"], r.String())
		assert.Equal(t, earned, num(r.Body["points_earned"]), r.String())
		r = e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, "id", r.field(), r.String())
		assert.Equal(t, 0, e.couponUses("C-1", "WELCOME10"))
		assert.Equal(t, earned, e.balance("C-1"))
	})
}

// Only the member's ledger holds a coupon order's ID. A coupon order
// whose request failed after it claimed a use of a bearer coupon and
// before the member's ledger took it holds that claim, not its ID: the
// order sent without its coupons is recorded (201), and the coupon order
// sent again is refused (409), giving its claim back. Nor does a coupon
// order held in one member's ledger hold its ID against another member's
// order (order IDs are the shop's, and the history takes each once): that
// order is recorded, and the coupon order sent again is refused (409),
// its entry taken back.
func TestCouponOrderIDHeldOnlyInItsMembersLedger(t *testing.T) {
	t.Run("bearer claim only", func(t *testing.T) {
		e, ledgers := faultEnv(t)
		withBearer(t, e, "FEW", 2)
		e.register("C-1")
		o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "FEW")
		ledgers.fault.Store(failFirst)
		r := e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
		ledgers.fault.Store(noFault)
		require.Equal(t, 1, e.bearerUses("FEW"))

		plain := orderInFrom(o)
		plain.Coupons = nil
		r = e.do("POST", "/v1/orders", "shop", plain)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		earned := num(r.Body["points_earned"])
		r = e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, "id", r.field(), r.String())
		assert.Zero(t, e.bearerUses("FEW"), "the refused coupon order's claim is given back")
		assert.Equal(t, earned, e.balance("C-1"))
	})
	t.Run("another member", func(t *testing.T) {
		base := newEnv(t, memoryStores())
		history := &flakyHistory{CustomerStore: base.stores.Customers}
		e := newEnv(t, &Stores{Name: "faults", Customers: history, Complaints: base.stores.Complaints, Ledgers: base.stores.Ledgers})
		e.register("C-1")
		e.register("C-2")
		o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10")
		history.fail.Store(true)
		r := e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
		history.fail.Store(false)

		other := orderInFrom(o)
		other.Coupons, other.CustomerID = nil, "C-2"
		r = e.do("POST", "/v1/orders", "shop", other)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		earned := num(r.Body["points_earned"])
		r = e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, "id", r.field(), r.String())
		assert.Equal(t, 0, e.couponUses("C-1", "WELCOME10"))
		assert.EqualValues(t, 0, e.balance("C-1"))
		assert.Equal(t, earned, e.balance("C-2"))
	})
}
