package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
)

// returnsOf returns the returns of customer id's history.
func (e *testEnv) returnsOf(id customer.ID) []customer.Return {
	e.t.Helper()
	var out []customer.Return
	for ev, err := range e.stores.Customers.History(context.Background(), id) {
		require.NoError(e.t, err)
		if ev.Return != nil {
			out = append(out, *ev.Return)
		}
	}
	return out
}

// caseOf returns the case of a command path and its state as the API
// answers it.
func (e *testEnv) caseOf(path string) map[string]any {
	e.t.Helper()
	r := e.do("GET", strings.TrimSuffix(path, "/commands"), "agent-1", nil)
	require.Equal(e.t, http.StatusOK, r.Status, r.String())
	return r.Body["case"].(map[string]any)
}

// caseIDOf is the case ID of a command path.
func caseIDOf(path string) complaint.ID {
	return complaint.ID(strings.TrimSuffix(strings.TrimPrefix(path, "/v1/complaints/"), "/commands"))
}

// threeJumpers records order O-8 of customer C-8: three jumpers (line
// "1", KN-100, 3 × 89.90) and one pair of trousers (line "2", 54.90).
func (e *testEnv) threeJumpers() {
	e.t.Helper()
	e.register("C-8")
	r := e.do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 3, "89.90"))
	require.Equal(e.t, http.StatusCreated, r.Status, r.String())
}

// A refund carried out takes goods back: the customer's history holds its
// return, under the ID of the carry-out ("C-8:1#7"), of as many units as
// the proposal says (1 of 3, then every unit still held: the other 2), and
// the return claws back the order's points as a return sent to
// /v1/returns does, once.
func TestComplaintRefundReachesTheHistory(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.threeJumpers()
		earned := e.balance("C-8")

		path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
		assert.EqualValues(t, 1, e.caseOf(path)["proposal"].(map[string]any)["units"], "units on the wire")
		r := e.do("POST", path, "handler-1", carryOutCmd)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.EqualValues(t, 1, r.Body["case"].(map[string]any)["proposal"].(map[string]any)["units"])
		seq := num(r.Body["events"].([]any)[0].(map[string]any)["seq"])
		first := string(caseIDOf(path)) + "#" + strconv.FormatInt(seq, 10)
		assert.Equal(t, first, r.Body["refund"].(map[string]any)["return_id"], r.String())
		clawed := num(r.Body["refund"].(map[string]any)["points_clawed_back"])
		assert.Positive(t, clawed)

		rets := e.returnsOf("C-8")
		require.Len(t, rets, 1)
		assert.Equal(t, first, rets[0].ID)
		assert.Equal(t, "O-8", rets[0].OrderID)
		assert.Equal(t, customer.Refund, rets[0].Kind)
		assert.Equal(t, customer.QualityDefect, rets[0].Reason)
		assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}}, rets[0].Lines)
		assert.False(t, rets[0].Refund.Valid, "the share is paid")
		assert.True(t, rets[0].Time.Equal(testNow))
		assert.Equal(t, 1, clawbacks(t, e, "C-8", first))
		assert.Equal(t, earned-clawed, e.balance("C-8"))

		e.advance(time.Minute)
		path = e.resolveWith("C-8", "O-8", "refund", "179.80", "324.60", 0)
		r = e.do("POST", path, "handler-1", carryOutCmd)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, true, r.Body["case"].(map[string]any)["refunded_all"])
		rets = e.returnsOf("C-8")
		require.Len(t, rets, 2)
		assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -2}}, rets[1].Lines, "every unit still held")
		assert.Equal(t, 1, clawbacks(t, e, "C-8", rets[1].ID))
		acct := e.account("C-8")
		_, back, _ := acct.OrderPoints("O-8")
		assert.EqualValues(t, clawed+num(r.Body["refund"].(map[string]any)["points_clawed_back"]), back)

		// A sync before a summary records nothing more; the summary
		// counts the three jumpers returned.
		require.NoError(t, e.srv.syncCredits(t.Context(), "C-8"))
		assert.Len(t, e.returnsOf("C-8"), 2)
		sum, err := customer.SummarizeHistory(t.Context(), e.stores.Customers, "C-8", customer.Consumer, e.srv.now(), nil)
		require.NoError(t, err)
		assert.Equal(t, "54.9", sum.Net().String())
		assert.NotContains(t, e.logs.String(), "without a carry-out")
	})
}

// The units of a proposal are read and checked on the wire as the other
// fields are (400 naming "proposal.units"); more units than the customer
// still holds are refused at the carry-out (422, case unchanged, nothing
// recorded).
func TestComplaintRefundUnitsChecked(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.threeJumpers()
	path := e.resolveWith("C-8", "O-8", "price-reduction", "10.00", "324.60", 0)
	for _, units := range []any{"two", -1, 1.5} {
		r := e.do("POST", path, "handler-1", map[string]any{"kind": "revise", "reason": "the customer wants the money back",
			"proposal": map[string]any{"kind": "refund", "amount": "89.90", "units": units}})
		require.Equal(t, http.StatusBadRequest, r.Status, "%v: %s", units, r)
		assert.Equal(t, "proposal.units", r.field(), r.String())
	}
	r := e.do("POST", path, "handler-1", map[string]any{"kind": "revise", "reason": "no",
		"proposal": map[string]any{"kind": "price-reduction", "amount": "10.00", "units": 1}})
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "proposal.units", r.field(), r.String())

	path = e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 4)
	r = e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	assert.Equal(t, "proposal.units", r.field(), r.String())
	assert.Contains(t, r.Body["error"], "complaint ")
	assert.Equal(t, "approved", e.caseOf(path)["state"])
	assert.Empty(t, e.returnsOf("C-8"))
}

// A refund the history would refuse — a price reduction of the order
// already paid back more of its net than the refund leaves — refuses the
// carry-out with 422 naming the proposal's amount: the case stays
// approved, and the history and the points are unchanged.
func TestComplaintRefundAfterAPriceReduction(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.threeJumpers()
		path := e.resolveWith("C-8", "O-8", "price-reduction", "250.00", "324.60", 0)
		r := e.do("POST", path, "handler-1", carryOutCmd)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		before := e.balance("C-8")

		// 324.60 − 250.00 = 74.60 is left to pay back: 89.90 is too much.
		path = e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
		r = e.do("POST", path, "handler-1", carryOutCmd)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
		assert.Equal(t, "proposal.amount", r.field(), r.String())
		assert.Contains(t, r.Body["error"], "left to pay back")
		assert.Equal(t, "approved", e.caseOf(path)["state"])
		assert.Empty(t, e.returnsOf("C-8"))
		assert.Equal(t, before, e.balance("C-8"))
	})
}

// A refund's return is recorded before the case: when the case cannot be
// saved after it (503), the return waits in the history as the case's
// pending carry-out, every other command is refused with 409, and the
// carry-out sent again completes the case at the time of that return,
// whose second record is a no-op; the points are clawed back once.
func TestComplaintRefundSentAgainAfterTheStoreFailed(t *testing.T) {
	for _, backend := range []string{"memory", "sqlite"} {
		t.Run(backend, func(t *testing.T) {
			base := memoryStores()
			if backend == "sqlite" {
				e, _ := sqliteEnv(t)
				base = e.stores
			}
			cases := &lostSaves{Store: base.Complaints}
			e := newEnv(t, &Stores{Name: "lost saves", Customers: base.Customers, Complaints: cases, Ledgers: base.Ledgers})
			ctx := context.Background()
			e.threeJumpers()
			path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
			id := caseIDOf(path)

			cases.fail.Store(1)
			r := e.do("POST", path, "handler-1", carryOutCmd)
			require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
			c, err := base.Complaints.Get(ctx, id)
			require.NoError(t, err)
			require.Equal(t, complaint.StateApproved, c.State)
			rets := e.returnsOf("C-8")
			require.Len(t, rets, 1, "the return is recorded before the case")
			own := string(id) + "#" + strconv.Itoa(c.Version+1)
			assert.Equal(t, own, rets[0].ID)

			require.NoError(t, e.srv.syncCredits(ctx, "C-8"))
			assert.Contains(t, e.logs.String(), "complaint carry-out pending")
			r = e.do("POST", path, "agent-1", map[string]any{"kind": "withdraw", "reason": "the customer keeps the jumper"})
			require.Equal(t, http.StatusConflict, r.Status, r.String())
			assert.Contains(t, r.Body["error"], "send the carry-out again")

			e.advance(time.Hour)
			r = e.do("POST", path, "handler-1", carryOutCmd)
			require.Equal(t, http.StatusOK, r.Status, r.String())
			assert.Equal(t, "carried-out", r.Body["case"].(map[string]any)["state"])
			evs, err := base.Complaints.Events(ctx, id)
			require.NoError(t, err)
			assert.True(t, evs[len(evs)-1].At.Equal(testNow), "carried out when its return was recorded")
			rets = e.returnsOf("C-8")
			require.Len(t, rets, 1, "the return is recorded once")
			assert.Equal(t, own, rets[0].ID)
			e.do("GET", "/v1/members/C-8/points", "shop", nil)
			assert.Equal(t, 1, clawbacks(t, e, "C-8", own))
		})
	}
}

// A carry-out of a refund sent again under its Idempotency-Key is
// answered as the first time and records nothing more: one return, one
// claw-back.
func TestComplaintRefundRedelivered(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.threeJumpers()
		path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
		first := e.doKeyed("POST", path, "handler-1", "carry-1", carryOutCmd)
		require.Equal(t, http.StatusOK, first.Status, first.String())
		requireResentAlike(t, e, path, first)
	})
}

// requireResentAlike sends the carry-out of path again under the key of
// first, its answer, and requires the same events and refund in the
// answer, one return in C-8's history, clawed back once, and the points
// balance unchanged.
func requireResentAlike(t *testing.T, e *testEnv, path string, first response) {
	t.Helper()
	balance := e.balance("C-8")
	again := e.doKeyed("POST", path, "handler-1", "carry-1", carryOutCmd)
	require.Equal(t, http.StatusOK, again.Status, again.String())
	assert.Equal(t, first.Body["events"], again.Body["events"])
	assert.Equal(t, first.Body["refund"], again.Body["refund"], again.String())
	rets := e.returnsOf("C-8")
	require.Len(t, rets, 1)
	assert.Equal(t, 1, clawbacks(t, e, "C-8", rets[0].ID))
	assert.Equal(t, balance, e.balance("C-8"))
}

// A complaint's refund of every jumper and a return of one sent to
// /v1/returns at the same time: the history never takes back more than
// was sold. Either the return comes first and the refund, of the two
// jumpers left, pays back more than their share (422), or the refund
// comes first and the return finds no jumper left (400).
func TestComplaintRefundRacesAPlainReturn(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.threeJumpers()
		path := e.resolveWith("C-8", "O-8", "refund", "269.70", "324.60", 0)
		var wg sync.WaitGroup
		var carry, ret response
		wg.Go(func() { carry = e.do("POST", path, "handler-1", carryOutCmd) })
		wg.Go(func() {
			ret = e.do("POST", "/v1/returns", "shop", returnBody("R-1", "O-8", "C-8", testNow.Add(-time.Hour)))
		})
		wg.Wait()
		if ret.Status == http.StatusCreated {
			assert.Equal(t, http.StatusUnprocessableEntity, carry.Status, carry.String())
			assert.Equal(t, "approved", e.caseOf(path)["state"])
			assert.Len(t, e.returnsOf("C-8"), 1)
		} else {
			require.Equal(t, http.StatusOK, carry.Status, carry.String())
			assert.Equal(t, http.StatusBadRequest, ret.Status, ret.String())
			assert.Len(t, e.returnsOf("C-8"), 1)
		}
		_, err := customer.SummarizeHistory(t.Context(), e.stores.Customers, "C-8", customer.Consumer, testNow, nil)
		require.NoError(t, err)
	})
}

// A refund carried out by a writer that does not go through the server
// (another program on the complaint store) reaches the history with the
// sync before the customer's next summary, as a credit does.
func TestComplaintRefundSynced(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.threeJumpers()
	path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
	id := caseIDOf(path)
	other := &complaint.Service{Store: e.stores.Complaints}
	_, ev, err := other.Do(t.Context(), id, complaint.Command{Kind: complaint.CmdCarryOut,
		Execution: &complaint.Execution{Notified: complaint.ChannelEmail, Detail: "paid back"}},
		complaint.Actor{ID: "handler-1", Role: complaint.RoleHandler}, testNow)
	require.NoError(t, err)
	assert.Empty(t, e.returnsOf("C-8"))
	_, err = e.srv.Refresh(t.Context())
	require.NoError(t, err)
	r := e.do("GET", "/v1/customers/C-8/insight", "analyst-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	rets := e.returnsOf("C-8")
	require.Len(t, rets, 1)
	assert.Equal(t, string(id)+"#"+strconv.Itoa(ev.Seq), rets[0].ID)
}

// returnHook is a SQLite customer store that runs before, once, right
// before the first return of a case it appends, and after, once, right
// after it: another writer acting between a carry-out's check and its
// return, or between its return and the save of its case.
type returnHook struct {
	*sqlitestore.Customers
	before, after *func()
	done          *atomic.Bool
}

func (h returnHook) AppendChecked(ctx context.Context, e customer.Event, check func([]customer.Event) error) error {
	ours := e.Return != nil && strings.Contains(e.Return.ID, "#")
	if ours && *h.before != nil && !h.done.Load() {
		h.done.Store(true)
		(*h.before)()
	}
	if err := h.Customers.AppendChecked(ctx, e, check); err != nil {
		return err
	}
	if ours && *h.after != nil && !h.done.Swap(true) {
		(*h.after)()
	}
	return nil
}

// A return of the same order that another server records after the
// carry-out checked its refund, and before its return is recorded, leaves
// the customer fewer units than the refund takes back: the Recorder
// refuses the refund's return, and the carry-out is refused with 422 on
// the proposal's units, the case unchanged.
func TestComplaintRefundRefusedByTheRecorder(t *testing.T) {
	var before, after func()
	var done atomic.Bool
	envs, _ := twoServers(t, func(c *sqlitestore.Customers) CustomerStore { return returnHook{c, &before, &after, &done} })
	e := envs[0]
	e.threeJumpers()
	path := e.resolveWith("C-8", "O-8", "refund", "269.70", "324.60", 0)
	before = func() {
		r := envs[1].do("POST", "/v1/returns", "shop", returnBody("R-1", "O-8", "C-8", testNow.Add(-time.Hour)))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
	}
	r := e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	assert.Equal(t, "proposal.units", r.field(), r.String())
	assert.Equal(t, "approved", e.caseOf(path)["state"])
	rets := e.returnsOf("C-8")
	require.Len(t, rets, 1)
	assert.Equal(t, "R-1", rets[0].ID)
}

// A return recorded for a carry-out whose case another server's command
// moved on before it was saved stands in for the return of the carry-out
// retried on the case as the command left it: the goods come back once,
// the points are clawed back once, and a later sync records nothing more.
func TestComplaintRefundRetriedAfterItsReturnWasOrphaned(t *testing.T) {
	var before, after func()
	var done atomic.Bool
	envs, _ := twoServers(t, func(c *sqlitestore.Customers) CustomerStore { return returnHook{c, &before, &after, &done} })
	e := envs[0]
	e.threeJumpers()
	path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
	id := caseIDOf(path)
	other := &complaint.Service{Store: envs[1].stores.Complaints}
	after = func() {
		_, _, err := other.Do(context.Background(), id, complaint.Command{Kind: complaint.CmdEscalate, Reason: "customer called again"},
			complaint.Actor{ID: "supervisor-1", Role: complaint.RoleSupervisor}, testNow)
		require.NoError(t, err)
	}
	r := e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "carried-out", r.Body["case"].(map[string]any)["state"])
	rets := e.returnsOf("C-8")
	require.Len(t, rets, 1, "the refund took the goods back twice: %+v", rets)
	assert.Equal(t, rets[0].ID, r.Body["refund"].(map[string]any)["return_id"])
	assert.Equal(t, 1, clawbacks(t, e, "C-8", rets[0].ID))

	require.NoError(t, e.srv.syncCredits(t.Context(), "C-8"))
	assert.Len(t, e.returnsOf("C-8"), 1, "a sync records the case's return again")
	assert.NotContains(t, e.logs.String(), "without a carry-out")
	sum, err := customer.SummarizeHistory(t.Context(), e.stores.Customers, "C-8", customer.Consumer, testNow, nil)
	require.NoError(t, err)
	assert.Equal(t, "234.7", sum.Net().String())
}

// A carry-out whose goods came back with the return that stood in for
// its own, delivered again under its Idempotency-Key, is answered as the
// first time: with that return and its claw-back, which is not applied
// twice.
func TestComplaintRefundRedeliveredAfterItsReturnWasOrphaned(t *testing.T) {
	var before, after func()
	var done atomic.Bool
	envs, _ := twoServers(t, func(c *sqlitestore.Customers) CustomerStore { return returnHook{c, &before, &after, &done} })
	e := envs[0]
	e.threeJumpers()
	path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
	id := caseIDOf(path)
	other := &complaint.Service{Store: envs[1].stores.Complaints}
	after = func() {
		_, _, err := other.Do(context.Background(), id, complaint.Command{Kind: complaint.CmdEscalate, Reason: "customer called again"},
			complaint.Actor{ID: "supervisor-1", Role: complaint.RoleSupervisor}, testNow)
		require.NoError(t, err)
	}
	first := e.doKeyed("POST", path, "handler-1", "carry-1", carryOutCmd)
	require.Equal(t, http.StatusOK, first.Status, first.String())
	require.NotNil(t, first.Body["refund"], first.String())

	requireResentAlike(t, e, path, first)
}

// A refund of a jumper the customer already brought back to the shop (a
// return sent to /v1/returns of the order's one unit) is refused at the
// carry-out with 422 on the subject's SKU: the customer holds none to
// bring back, so the money is not paid back twice; the case stays
// approved, and the history and the points are unchanged.
func TestComplaintRefundAfterAReturnOfEveryUnit(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-8")
		r := e.do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		r = e.do("POST", "/v1/returns", "shop", returnBody("R-1", "O-8", "C-8", testNow.Add(-time.Hour)))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		before := e.balance("C-8")

		for _, units := range []int{0, 1} {
			path := e.resolveWith("C-8", "O-8", "refund", "89.90", "144.80", units)
			r = e.do("POST", path, "handler-1", carryOutCmd)
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, "units %d: %s", units, r)
			assert.Equal(t, "subject.sku", r.field(), r.String())
			assert.Contains(t, r.Body["error"], "holds none")
			assert.Equal(t, "approved", e.caseOf(path)["state"])
		}
		rets := e.returnsOf("C-8")
		require.Len(t, rets, 1)
		assert.Equal(t, "R-1", rets[0].ID)
		assert.Equal(t, before, e.balance("C-8"))
	})
}
