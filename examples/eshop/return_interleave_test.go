package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// clawbacks counts the claw-back entries of return id in member's ledger.
func clawbacks(t *testing.T, e *testEnv, member, id string) int {
	t.Helper()
	entries, err := e.stores.Ledgers.Entries(t.Context(), customer.ID(member), 0)
	require.NoError(t, err)
	key := loyalty.Returned{Return: customer.Return{ID: id}}.Key()
	n := 0
	for _, en := range entries {
		if en.Key == key && en.Kind == loyalty.EntryClawback {
			n++
		}
	}
	return n
}

// returnBody is the body of return id of line "1" of order orderID of
// customer cust at time at: a refund of one unit.
func returnBody(id, orderID, cust string, at time.Time) map[string]any {
	return map[string]any{"id": id, "order_id": orderID, "customer_id": cust,
		"time": at.Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
		"lines": []map[string]any{{"line_id": "1", "quantity": -1}}}
}

// returns counts the returns in member's history.
func (e *testEnv) returns(member string) int {
	e.t.Helper()
	n := 0
	for ev, err := range e.stores.Customers.History(context.Background(), customer.ID(member)) {
		require.NoError(e.t, err)
		if ev.Return != nil {
			n++
		}
	}
	return n
}

// A return of an order that earned no points (placed before the member
// joined, or worth more points than the ledger holds) has no claw-back in
// the ledger: whether a delivery of it is a redelivery is the history's
// answer. The first delivery answers 201, every redelivery, to the same
// server or another on the same database, 200 with "duplicate": true.
func TestReturnOfNoPointsOrderRedeliveredIsDuplicate(t *testing.T) {
	for _, backend := range []string{"memory", "sqlite"} {
		for _, c := range []struct {
			name      string
			at        time.Time
			qty       int
			price     string
			orderNote string
		}{
			{"before joining", testNow.AddDate(-2, 0, 0), 1, "80.00", "before the member joined"},
			{"points overflow", testNow.Add(-2 * time.Hour), 1000000000, "999999999999.00", "earns no points"},
		} {
			t.Run(backend+"/"+c.name, func(t *testing.T) {
				a, b, _ := interleavedServers(t, backend)
				a.register("C-1")
				r := a.do("POST", "/v1/orders", "shop", order("O-1", "C-1", c.at, c.qty, c.price))
				require.Equal(t, http.StatusCreated, r.Status, r.String())
				require.EqualValues(t, 0, num(r.Body["points_earned"]))
				require.Contains(t, r.Body["note"], c.orderNote)

				ret := returnBody("R-1", "O-1", "C-1", c.at.Add(time.Hour))
				first := a.do("POST", "/v1/returns", "shop", ret)
				require.Equal(t, http.StatusCreated, first.Status, first.String())
				assert.Equal(t, false, first.Body["duplicate"])
				assert.EqualValues(t, 0, num(first.Body["points_clawed_back"]))
				for i, srv := range []*testEnv{a, b, a} {
					again := srv.do("POST", "/v1/returns", "shop", ret)
					require.Equal(t, http.StatusOK, again.Status, "redelivery %d: %s", i+1, again)
					assert.Equal(t, true, again.Body["duplicate"], "redelivery %d", i+1)
					assert.EqualValues(t, 0, num(again.Body["points_clawed_back"]))
				}
				assert.Equal(t, 1, a.returns("C-1"))
				assert.Equal(t, 0, clawbacks(t, a, "C-1", "R-1"))
				assert.EqualValues(t, 0, a.balance("C-1"))
			})
		}
	}
}

// A return posted to two servers on one database is stored in the
// history by exactly one delivery, and that one answers 201 also when
// the other server's delivery, or a read it settles, claws back the
// return's points between this delivery's history record and its
// claw-back. Every other delivery answers 200 with "duplicate": true;
// every one reports the points clawed back, which are clawed back once.
// A server that dies between history and ledger loses nothing: the
// redelivery to the other server claws back and answers 200 with
// "duplicate": true, since the history held the return.
func TestReturnStoredFirstAnswersCreatedWhenTheOtherServerClawsBack(t *testing.T) {
	for _, backend := range []string{"memory", "sqlite"} {
		t.Run(backend, func(t *testing.T) {
			// setup registers C-1 and records order O-1 (174 points)
			// through a, before any step is armed.
			setup := func(t *testing.T) (a, b *testEnv, gate *betweenLedger, ret map[string]any) {
				a, b, gate = interleavedServers(t, backend)
				a.register("C-1")
				r := a.do("POST", "/v1/orders", "shop", order("O-1", "C-1", testNow.Add(-2*time.Hour), 1, "120.00"))
				require.Equal(t, http.StatusCreated, r.Status, r.String())
				require.EqualValues(t, 174, num(r.Body["points_earned"]))
				return a, b, gate, returnBody("R-1", "O-1", "C-1", testNow.Add(-time.Hour))
			}
			// The unit of line "1" is 120.00 of the order's 174.90, which
			// earned 174 points: its share, 174 × 120.00 / 174.90, is 119.
			const clawed = 119
			t.Run("redelivery claws back in between", func(t *testing.T) {
				a, b, gate, ret := setup(t)
				var second response
				gate.arm(func() error {
					var err error
					second, err = b.try("POST", "/v1/returns", b.keys["shop"], ret)
					return err
				})
				first := a.do("POST", "/v1/returns", "shop", ret)
				require.Equal(t, http.StatusOK, second.Status, "the redelivery, which found the return in the history: %s", second)
				assert.Equal(t, true, second.Body["duplicate"])
				assert.EqualValues(t, clawed, num(second.Body["points_clawed_back"]))
				require.Equal(t, http.StatusCreated, first.Status, "the delivery that stored the return: %s", first)
				assert.Equal(t, false, first.Body["duplicate"])
				assert.EqualValues(t, clawed, num(first.Body["points_clawed_back"]))

				third := b.do("POST", "/v1/returns", "shop", ret)
				require.Equal(t, http.StatusOK, third.Status, third.String())
				assert.Equal(t, true, third.Body["duplicate"])
				assert.Equal(t, 1, clawbacks(t, a, "C-1", "R-1"))
				assert.EqualValues(t, 174-clawed, a.balance("C-1"))
				assert.Equal(t, 1, a.returns("C-1"))
			})
			t.Run("read settles in between", func(t *testing.T) {
				a, b, gate, ret := setup(t)
				var read response
				gate.arm(func() error {
					var err error
					read, err = b.try("GET", "/v1/members/C-1/points", b.keys["shop"], nil)
					return err
				})
				first := a.do("POST", "/v1/returns", "shop", ret)
				require.Equal(t, http.StatusOK, read.Status, read.String())
				assert.EqualValues(t, 174-clawed, num(read.Body["balance"]), "the read settles the return the history holds")
				require.Equal(t, http.StatusCreated, first.Status, "the delivery that stored the return: %s", first)
				assert.Equal(t, false, first.Body["duplicate"])
				assert.EqualValues(t, clawed, num(first.Body["points_clawed_back"]))
				assert.Equal(t, 1, clawbacks(t, a, "C-1", "R-1"))
				assert.EqualValues(t, 174-clawed, a.balance("C-1"))
			})
			t.Run("server dies in between", func(t *testing.T) {
				a, b, gate, ret := setup(t)
				gate.arm(func() error { return errInjected })
				lost := a.do("POST", "/v1/returns", "shop", ret)
				require.Equal(t, http.StatusServiceUnavailable, lost.Status, lost.String())
				assert.Equal(t, 1, a.returns("C-1"), "the history holds the return")
				assert.Equal(t, 0, clawbacks(t, a, "C-1", "R-1"), "the ledger does not yet")

				for _, srv := range []*testEnv{b, a} {
					again := srv.do("POST", "/v1/returns", "shop", ret)
					require.Equal(t, http.StatusOK, again.Status, again.String())
					assert.Equal(t, true, again.Body["duplicate"])
					assert.EqualValues(t, clawed, num(again.Body["points_clawed_back"]))
				}
				assert.Equal(t, 1, clawbacks(t, a, "C-1", "R-1"))
				assert.EqualValues(t, 174-clawed, a.balance("C-1"))
				assert.Equal(t, 1, a.returns("C-1"))
			})
		})
	}
}
