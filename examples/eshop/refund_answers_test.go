package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A proposal's units that are not an integer the server can read say
// what is wrong with them, naming the field as the other answers on the
// units do (field and fields): beyond the largest count, below the
// smallest, a fraction, or an integer written with an exponent.
func TestProposalUnitsOutOfRangeSaySo(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.threeJumpers()
	path := e.resolveWith("C-8", "O-8", "price-reduction", "10.00", "324.60", 0)
	for _, tc := range []struct{ units, want string }{
		{"1e20", "1e20 is more than the largest number this field takes, 9223372036854775807"},
		{"100000000000000000000", "100000000000000000000 is more than the largest number this field takes, 9223372036854775807"},
		{"9223372036854775808", "9223372036854775808 is more than the largest number this field takes, 9223372036854775807"},
		{"-1e20", "-1e20 is less than the smallest number this field takes, -9223372036854775808"},
		{"1e999999999", "1e999999999 is more than the largest number this field takes, 9223372036854775807"},
		{"1.5", "must be an integer, not 1.5"},
		{"5e-1", "must be an integer, not 5e-1"},
		{"1e-999999999", "must be an integer, not 1e-999999999"},
		{"1e2", "must be written as an integer without a fraction or an exponent: 100, not 1e2"},
		{"2.0", "must be written as an integer without a fraction or an exponent: 2, not 2.0"},
	} {
		r := e.do("POST", path, "handler-1", `{"kind":"revise","reason":"x","proposal":{"kind":"refund","amount":"89.90","units":`+tc.units+`}}`)
		require.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", tc.units, r)
		assert.Equal(t, "proposal.units", r.field(), r.String())
		assert.Equal(t, "proposal.units: "+tc.want, r.Body["error"], tc.units)
		fields, _ := r.Body["fields"].([]any)
		require.Len(t, fields, 1, r.String())
		assert.Equal(t, "proposal.units", fields[0].(map[string]any)["field"], r.String())
		assert.Equal(t, tc.want, fields[0].(map[string]any)["error"], r.String())
	}
	// A string is of another type: said as before.
	r := e.do("POST", path, "handler-1", `{"kind":"revise","reason":"x","proposal":{"kind":"refund","amount":"89.90","units":"two"}}`)
	require.Equal(t, http.StatusBadRequest, r.Status, r.String())
	assert.Equal(t, "proposal.units: must be an integer", r.Body["error"])
	assert.Equal(t, "approved", e.caseOf(path)["state"], "nothing changed")
}

// corruptLedger is a ledger store whose reads fail as a ledger that
// cannot be replayed does, while corrupt is set.
type corruptLedger struct {
	loyalty.Store
	corrupt atomic.Bool
}

func (c *corruptLedger) Entries(ctx context.Context, m customer.ID, after int64) ([]loyalty.Entry, error) {
	if c.corrupt.Load() {
		return nil, fmt.Errorf("%w: member %q entry 3: a lot of another member", loyalty.ErrCorrupt, m)
	}
	return c.Store.Entries(ctx, m, after)
}

// A claw-back that no read of the points will complete is answered as
// what it is, with what the operator does, not as one the next read
// completes: a ledger that holds another claw-back under the return's
// key, and a ledger that cannot be replayed. One that failed for a
// passing fault of the store is still completed by the next read.
func TestRefundPointsNoteSaysWhatNoReadFixes(t *testing.T) {
	t.Run("other claw-back under the key", func(t *testing.T) {
		e := newEnv(t, memoryStores())
		e.threeJumpers()
		path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
		id := string(caseIDOf(path)) + "#7"
		// The ledger holds a claw-back under the return's key that is not
		// the return's: 2 units, where the refund takes back 1.
		_, _, err := e.srv.ledger.Apply(t.Context(), loyalty.Returned{Return: customer.Return{ID: id, OrderID: "O-8", CustomerID: "C-8",
			Time: testNow.Add(-time.Minute), Kind: customer.Refund, Reason: customer.QualityDefect,
			Lines: []customer.ReturnLine{{LineID: "1", Quantity: -2}}}}, testNow)
		require.NoError(t, err)
		before := e.balance("C-8")

		r := e.do("POST", path, "handler-1", carryOutCmd)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		refund := r.Body["refund"].(map[string]any)
		note, _ := refund["note"].(string)
		assert.NotContains(t, note, "next read")
		assert.Contains(t, note, fmt.Sprintf("points not clawed back: the member's ledger holds another claw-back under the key of return %q", id))
		assert.Contains(t, note, "/v1/members/C-8/adjustments")
		assert.Contains(t, e.logs.String(), "complaint refund: points not clawed back, needs a correction")
		// Indeed no read does it.
		r = e.do("GET", "/v1/members/C-8/points", "shop", nil)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, before, e.balance("C-8"))
	})
	t.Run("ledger that cannot be replayed", func(t *testing.T) {
		base := memoryStores()
		ledger := &corruptLedger{Store: base.Ledgers}
		e := newEnv(t, &Stores{Name: "corrupt", Customers: base.Customers, Complaints: base.Complaints, Ledgers: ledger})
		e.threeJumpers()
		path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
		ledger.corrupt.Store(true)
		r := e.do("POST", path, "handler-1", carryOutCmd)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		note, _ := r.Body["refund"].(map[string]any)["note"].(string)
		assert.NotContains(t, note, "next read of the member's points does it")
		assert.Contains(t, note, "points not clawed back: the member's ledger cannot be replayed")
		assert.Contains(t, note, "repair")
		assert.Contains(t, e.logs.String(), "complaint refund: points not clawed back, needs a correction")
	})
	t.Run("passing fault", func(t *testing.T) {
		base := memoryStores()
		ledger := &flakyLedger{Store: base.Ledgers}
		e := newEnv(t, &Stores{Name: "flaky", Customers: base.Customers, Complaints: base.Complaints, Ledgers: ledger})
		e.threeJumpers()
		earned := e.balance("C-8")
		path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
		ledger.fail.Store(true)
		r := e.do("POST", path, "handler-1", carryOutCmd)
		ledger.fail.Store(false)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		note, _ := r.Body["refund"].(map[string]any)["note"].(string)
		assert.Equal(t, "points not clawed back yet: the next read of the member's points does it", note)
		assert.Equal(t, earned, e.balance("C-8"))
		r = e.do("GET", "/v1/members/C-8/points", "shop", nil)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Less(t, e.balance("C-8"), earned, "the read clawed back")
	})
}

// A case whose refunds cannot be read against the history (here a till
// return written past the Recorder that leaves the case's return more
// units than sold) has its returns reported as not read, not as returns
// without a carry-out.
func TestSyncCreditsUnreadReturnsNotCalledOrphans(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.threeJumpers()
	path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
	r := e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	id := string(caseIDOf(path)) + "#7"
	require.NoError(t, e.stores.Customers.AppendReturn(t.Context(), customer.Return{ID: "R-till", OrderID: "O-8", CustomerID: "C-8",
		Time: testNow.Add(time.Minute), Kind: customer.Refund, Reason: customer.SizeFit,
		Lines: []customer.ReturnLine{{LineID: "1", Quantity: -3}}}))

	require.NoError(t, e.srv.syncCredits(t.Context(), "C-8"))
	logs := e.logs.String()
	assert.NotContains(t, logs, "complaint return without a carry-out")
	assert.Contains(t, logs, "complaint refund not in the history")
	var line string
	for l := range strings.SplitSeq(logs, "\n") {
		if strings.Contains(l, id) && strings.Contains(l, "could not be read") {
			line = l
		}
	}
	require.NotEmpty(t, line, "the case's return is reported as not read: %s", logs)
	assert.Contains(t, line, "complaint return of a case whose refunds could not be read")
	assert.Contains(t, line, "R-till")
}

// A refund of the last units the customer holds, by units, closes the
// case to another refund as a refund of every unit does: the case says
// refunded_all, its event last_units, and a refund proposed on the
// reopened case is refused; a refund that leaves units held does not.
func TestComplaintRefundOfTheLastUnitsClosesRefunds(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.threeJumpers()
		path := e.resolveWith("C-8", "O-8", "refund", "89.90", "324.60", 1)
		r := e.do("POST", path, "handler-1", carryOutCmd)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Nil(t, r.Body["case"].(map[string]any)["refunded_all"], "2 units are still held")

		reopenAndPropose := func(amount string, units int) response {
			t.Helper()
			e.advance(time.Minute)
			for _, st := range []struct {
				key string
				cmd map[string]any
			}{
				{"agent-1", map[string]any{"kind": "reopen", "reason": "the others tore too",
					"feedback": map[string]any{"perceived": 3, "expected": 8, "csat": 2}}},
				{"handler-1", map[string]any{"kind": "investigate", "finding": map[string]any{"cause": "manufacturing", "responsible": "supplier", "detail": "the batch"}}},
			} {
				r := e.do("POST", path, st.key, st.cmd)
				require.Equal(t, http.StatusOK, r.Status, "%v: %s", st.cmd["kind"], r)
			}
			return e.do("POST", path, "handler-1", map[string]any{"kind": "propose",
				"proposal": map[string]any{"kind": "refund", "amount": amount, "units": units, "detail": "the rest"}})
		}
		r = reopenAndPropose("179.80", 2)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		r = e.do("POST", path, "manager-1", map[string]any{"kind": "approve"})
		require.Equal(t, http.StatusOK, r.Status, r.String())
		r = e.do("POST", path, "handler-1", carryOutCmd)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, true, r.Body["case"].(map[string]any)["refunded_all"], r.String())
		assert.Equal(t, true, r.Body["events"].([]any)[0].(map[string]any)["last_units"], r.String())
		assert.Len(t, e.returnsOf("C-8"), 2)

		r = reopenAndPropose("10.00", 1)
		require.Equal(t, http.StatusBadRequest, r.Status, r.String())
		assert.Equal(t, "command.proposal.kind", r.field(), r.String())
		assert.Contains(t, r.Body["error"], "left the customer none of the subject's units")
		assert.Equal(t, "investigated", e.caseOf(path)["state"])

		// The log, as a sync reads it, still gives the returns recorded.
		require.NoError(t, e.srv.syncCredits(t.Context(), "C-8"))
		assert.Len(t, e.returnsOf("C-8"), 2)
		assert.NotContains(t, e.logs.String(), "complaint refund not in the history")
	})
}

// The adjustments path a note names escapes the member's ID.
func TestAdjustmentsPathEscapesTheID(t *testing.T) {
	assert.Equal(t, "/v1/members/C-8/adjustments", adjustmentsPath("C-8"))
	assert.Equal(t, "/v1/members/shop%2F7%20north/adjustments", adjustmentsPath("shop/7 north"))
}
