package main

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// complaintsOpened counts the complaints openComplaint opened, so that
// each is received a second after the one before: the same form sent
// again is the complaint recorded before.
var complaintsOpened atomic.Int64

// openComplaint opens a complaint of customer cust through the API and
// returns the ID the server gave it.
func (e *testEnv) openComplaint(cust string) string {
	e.t.Helper()
	received := testNow.Add(-time.Hour + time.Duration(complaintsOpened.Add(1))*time.Second)
	r := e.do("POST", "/v1/complaints", "shop", map[string]any{
		"complainant": cust, "channel": "web", "received": received.Format(time.RFC3339),
		"subject": map[string]any{"kind": "service"}, "category": "other", "severity": "low",
		"currency": "EUR", "demand": map[string]any{"kind": "apology"}, "description": "slow answer",
	})
	require.Equal(e.t, http.StatusCreated, r.Status, r.String())
	return r.Body["case"].(map[string]any)["id"].(string)
}

// A customer's complaints are numbered from the store's listing of their
// cases: 1, 2, … per customer, after the highest number they have (a case
// stored by another program, with a gap, counts); the complaint history
// that feeds the churn risk is every case of the customer, in the order
// the store lists them, and no other customer's.
func TestComplaintsOfACustomer(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		for _, id := range []string{"C-7", "C-77", "C-8"} {
			e.register(id)
		}
		assert.Equal(t, "C-7:1", e.openComplaint("C-7"))
		assert.Equal(t, "C-77:1", e.openComplaint("C-77"))
		assert.Equal(t, "C-7:2", e.openComplaint("C-7"))
		assert.Equal(t, "C-8:1", e.openComplaint("C-8"))

		// Recorded by another program, two days earlier, as number 5.
		earlier := testNow.Add(-48 * time.Hour)
		svc := &complaint.Service{Store: e.stores.Complaints}
		_, _, err := svc.Record(ctx, complaint.Intake{
			ID: "C-7:5", Complainant: "C-7", Channel: complaint.ChannelPhone, Received: earlier,
			Subject: complaint.Subject{Kind: complaint.SubjectService}, Category: complaint.CategoryOther,
			Severity: complaint.SeverityHigh, Currency: "EUR", Demand: complaint.Demand{Kind: complaint.ResolutionApology},
			Description: "parcel lost",
		}, "", complaint.Actor{ID: "backoffice", Role: complaint.RoleAgent}, earlier)
		require.NoError(t, err)
		assert.Equal(t, "C-7:6", e.openComplaint("C-7"))
		assert.Equal(t, "C-8:2", e.openComplaint("C-8"))

		logs, err := e.srv.casesOf(ctx, "C-7")
		require.NoError(t, err)
		var ids []complaint.ID
		for _, log := range logs {
			c, err := complaint.Rebuild(log)
			require.NoError(t, err)
			assert.Equal(t, customer.ID("C-7"), c.Intake.Complainant)
			ids = append(ids, c.ID)
		}
		assert.Equal(t, []complaint.ID{"C-7:5", "C-7:1", "C-7:2", "C-7:6"}, ids, "by opening time, then ID")
		sig, err := complaint.Signals(logs, testNow, 0, nil)
		require.NoError(t, err)
		assert.Equal(t, 4, sig["C-7"].Total)
		assert.Equal(t, 4, sig["C-7"].Unresolved)

		logs, err = e.srv.casesOf(ctx, "C-9")
		require.NoError(t, err)
		assert.Empty(t, logs, "a customer without complaints")
	})
}

// resolveComplaint opens a complaint of customer cust about order and
// takes it through a proposal of kind and amount to its approval; it
// returns the path of the case's commands.
func (e *testEnv) resolveComplaint(cust, order, kind, amount string) string {
	e.t.Helper()
	return e.resolveWith(cust, order, kind, amount, "89.90", 0)
}

// resolveWith is resolveComplaint with the order value of the complaint
// form and the units of the proposal (left out when 0).
func (e *testEnv) resolveWith(cust, order, kind, amount, orderValue string, units int) string {
	e.t.Helper()
	received := testNow.Add(-time.Hour + time.Duration(complaintsOpened.Add(1))*time.Second)
	r := e.do("POST", "/v1/complaints", "shop", map[string]any{
		"complainant": cust, "channel": "web", "received": received.Format(time.RFC3339),
		"subject": map[string]any{"kind": "product", "sku": "KN-100", "order": order}, "category": "seams",
		"severity": "medium", "currency": "EUR", "order_value": orderValue,
		"demand":      map[string]any{"kind": kind, "amount": amount},
		"description": "The seams came apart after one wear.",
	})
	require.Equal(e.t, http.StatusCreated, r.Status, r.String())
	path := "/v1/complaints/" + r.Body["case"].(map[string]any)["id"].(string) + "/commands"
	proposal := map[string]any{"kind": kind, "amount": amount, "detail": "keep it"}
	if units != 0 {
		proposal["units"] = units
	}
	for _, st := range []struct {
		key string
		cmd map[string]any
	}{
		{"agent-1", map[string]any{"kind": "accept"}},
		{"agent-1", map[string]any{"kind": "assign", "assignment": map[string]any{"department": "quality", "handler": "handler-1"}}},
		{"handler-1", map[string]any{"kind": "investigate", "finding": map[string]any{"cause": "manufacturing", "responsible": "supplier", "detail": "narrow seam allowance"}}},
		{"handler-1", map[string]any{"kind": "propose", "proposal": proposal}},
		{"manager-1", map[string]any{"kind": "approve"}},
	} {
		r := e.do("POST", path, st.key, st.cmd)
		require.Equal(e.t, http.StatusOK, r.Status, "%v: %s", st.cmd["kind"], r)
	}
	return path
}

var carryOutCmd = map[string]any{"kind": "carry-out", "execution": map[string]any{"notified": "email", "detail": "credited to the card"}}

// A price reduction carried out is money the customer got back: it is a
// credit of the customer's history, once, and lowers the summary's net.
func TestComplaintMoneyReachesTheHistory(t *testing.T) {
	e := newEnv(t, memoryStores())
	ctx := context.Background()
	e.register("C-8")
	r := e.do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	before, err := customer.SummarizeHistory(ctx, e.stores.Customers, "C-8", customer.Consumer, testNow, nil)
	require.NoError(t, err)

	path := e.resolveComplaint("C-8", "O-8", "price-reduction", "30.00")
	r = e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	require.NoError(t, e.srv.syncCredits(ctx, "C-8"), "a second append of the same credit is a no-op")

	var credits []customer.Credit
	for ev, err := range e.stores.Customers.History(ctx, "C-8") {
		require.NoError(t, err)
		if ev.Credit != nil {
			credits = append(credits, *ev.Credit)
		}
	}
	require.Len(t, credits, 1)
	assert.Equal(t, customer.PriceReduction, credits[0].Kind)
	assert.Equal(t, "O-8", credits[0].OrderID)
	after, err := customer.SummarizeHistory(ctx, e.stores.Customers, "C-8", customer.Consumer, testNow, nil)
	require.NoError(t, err)
	assert.Equal(t, before.Net().Sub(credits[0].Amount.Amount()).String(), after.Net().String())
	assert.Equal(t, "30", after.Credited.String())

	// The next read of the member's points settles the ledger: the price
	// reduction takes back its share of the order's points, 144 × 30 ÷
	// 144.80 = 29.8, rounded to 30.
	earned := e.balance("C-8")
	r = e.do("GET", "/v1/members/C-8/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, earned-30, e.balance("C-8"))
	acct := e.account("C-8")
	_, clawed, _ := acct.OrderPoints("O-8")
	assert.EqualValues(t, 30, clawed)
}

// A carry-out whose credit could never be recorded (the case's order is
// not in the customer's history) is refused and leaves the case approved.
func TestComplaintCreditNeedsItsOrder(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-9")
	path := e.resolveComplaint("C-9", "O-404", "price-reduction", "30.00")
	r := e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	assert.Equal(t, "subject.order", r.field())
	assert.Contains(t, r.Body["error"], `order "O-404" is not in the history of customer "C-9"`)
	r = e.do("GET", strings.TrimSuffix(path, "/commands"), "agent-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "approved", r.Body["case"].(map[string]any)["state"])
}

// The shop opens complaints as the complainant but may read neither
// complaints nor a customer's value: its answer names the case and its
// state, without the value class the server derived from the models nor
// the priority that follows from it. Staff who read complaints see both.
func TestShopComplaintAnswerHoldsNoValueClass(t *testing.T) {
	e := newEnv(t, memoryStores())
	e.register("C-7")
	r := e.do("POST", "/v1/orders", "shop", order("O-7", "C-7", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	_, err := e.srv.Refresh(t.Context())
	require.NoError(t, err)
	id := e.openComplaint("C-7")
	r = e.do("POST", "/v1/complaints", "shop", map[string]any{
		"complainant": "C-7", "channel": "web", "received": testNow.Add(-time.Hour).Format(time.RFC3339),
		"subject": map[string]any{"kind": "service"}, "category": "other", "severity": "low",
		"currency": "EUR", "demand": map[string]any{"kind": "apology"}, "description": "slow answer",
	})
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.Equal(t, "C-7:2", r.Body["case"].(map[string]any)["id"])
	assert.Equal(t, "recorded", r.Body["case"].(map[string]any)["state"])
	assert.NotContains(t, r.Raw, `"value"`)
	assert.NotContains(t, r.Raw, `"priority"`)

	r = e.do("GET", "/v1/complaints/"+id, "agent-1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	c := r.Body["case"].(map[string]any)
	assert.NotEmpty(t, c["intake"].(map[string]any)["value"], "staff see the value class")
	assert.NotEmpty(t, c["priority"])
}

// lostSaves is a complaint store whose next fail Saves fail, as a database
// that drops the connection does, and store nothing.
type lostSaves struct {
	complaint.Store
	fail atomic.Int32
}

func (s *lostSaves) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	if s.fail.Add(-1) >= 0 {
		return errors.New("complaint store: connection lost")
	}
	return s.Store.Save(ctx, c, ev)
}

// creditsOf returns the credits of customer id's history.
func (e *testEnv) creditsOf(id customer.ID) []customer.Credit {
	e.t.Helper()
	var credits []customer.Credit
	for ev, err := range e.stores.Customers.History(context.Background(), id) {
		require.NoError(e.t, err)
		if ev.Credit != nil {
			credits = append(credits, *ev.Credit)
		}
	}
	return credits
}

// A carry-out records its credit before the case: when the case cannot be
// saved after it (503), the credit waits in the history as the case's
// pending carry-out, every other command on the case is refused with 409
// and a summary's sync reports it, and the carry-out sent again, later,
// completes the case at the time of that credit, so that the case's log
// gives the very credit recorded and the history holds it once.
func TestCarryOutSentAgainAfterTheStoreFailed(t *testing.T) {
	base := memoryStores()
	cases := &lostSaves{Store: base.Complaints}
	e := newEnv(t, &Stores{Name: "lost saves", Customers: base.Customers, Complaints: cases, Ledgers: base.Ledgers})
	ctx := context.Background()
	e.register("C-8")
	r := e.do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	path := e.resolveComplaint("C-8", "O-8", "price-reduction", "30.00")
	id := complaint.ID(strings.TrimSuffix(strings.TrimPrefix(path, "/v1/complaints/"), "/commands"))

	cases.fail.Store(1)
	r = e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	c, err := base.Complaints.Get(ctx, id)
	require.NoError(t, err)
	require.Equal(t, complaint.StateApproved, c.State, "the case is not carried out")
	reserved := e.creditsOf("C-8")
	require.Len(t, reserved, 1, "the credit is recorded before the case")
	assert.Equal(t, string(id)+"#"+strconv.Itoa(c.Version+1), reserved[0].ID)
	assert.True(t, reserved[0].Time.Equal(testNow))

	require.NoError(t, e.srv.syncCredits(ctx, "C-8"))
	assert.Contains(t, e.logs.String(), "complaint carry-out pending")
	r = e.do("POST", path, "agent-1", map[string]any{"kind": "withdraw", "reason": "the customer keeps the jumper as it is"})
	require.Equal(t, http.StatusConflict, r.Status, r.String())
	assert.Equal(t, "kind", r.field())
	assert.Contains(t, r.Body["error"], "send the carry-out again")

	e.advance(time.Hour)
	r = e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "carried-out", r.Body["case"].(map[string]any)["state"])
	evs, err := base.Complaints.Events(ctx, id)
	require.NoError(t, err)
	assert.True(t, evs[len(evs)-1].At.Equal(testNow), "the case is carried out when its money was recorded")
	given, err := complaint.Credits(evs)
	require.NoError(t, err)
	credits := e.creditsOf("C-8")
	require.Len(t, credits, 1, "the credit is recorded once")
	require.Len(t, given, 1)
	assert.True(t, given[0].Equal(credits[0]), "the case's log gives the credit recorded: %+v, %+v", given[0], credits[0])
	sum, err := customer.SummarizeHistory(ctx, e.stores.Customers, "C-8", customer.Consumer, testNow.Add(time.Hour), nil)
	require.NoError(t, err)
	assert.Equal(t, "30", sum.Credited.String())
}

// A credit recorded for a carry-out whose case another writer, not going
// through the server, moved on without it is money the history holds and
// no carry-out gave: the sync before every summary reports it.
func TestCreditWithoutACarryOutIsReported(t *testing.T) {
	base := memoryStores()
	cases := &lostSaves{Store: base.Complaints}
	e := newEnv(t, &Stores{Name: "lost saves", Customers: base.Customers, Complaints: cases, Ledgers: base.Ledgers})
	ctx := context.Background()
	e.register("C-8")
	r := e.do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	path := e.resolveComplaint("C-8", "O-8", "price-reduction", "30.00")
	id := complaint.ID(strings.TrimSuffix(strings.TrimPrefix(path, "/v1/complaints/"), "/commands"))
	cases.fail.Store(1)
	r = e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())

	other := &complaint.Service{Store: base.Complaints}
	_, _, err := other.Do(ctx, id, complaint.Command{Kind: complaint.CmdWithdraw, Reason: "the customer keeps the jumper as it is"},
		complaint.Actor{ID: "agent-1", Role: complaint.RoleAgent}, testNow.Add(time.Minute))
	require.NoError(t, err)
	require.NoError(t, e.srv.syncCredits(ctx, "C-8"))
	assert.Contains(t, e.logs.String(), `"msg":"complaint credit without a carry-out","credit":"`+string(id)+`#`)
}
