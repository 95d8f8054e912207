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

// Faults of memberFaults on the appends to members' ledgers.
const (
	noFault   int32 = iota
	failFirst       // the append fails, storing nothing
	lostReply       // the append is stored, but its answer is lost
)

// memberFaults fails the appends to members' ledgers (not to the
// ledgers of bearer coupons) as fault says.
type memberFaults struct {
	loyalty.Store
	fault atomic.Int32
}

func (f *memberFaults) Append(ctx context.Context, m customer.ID, expected int64, entries []loyalty.Entry) error {
	if strings.HasPrefix(string(m), "coupon:") {
		return f.Store.Append(ctx, m, expected, entries)
	}
	switch f.fault.Load() {
	case failFirst:
		return errInjected
	case lostReply:
		if err := f.Store.Append(ctx, m, expected, entries); err != nil {
			return err
		}
		return errInjected
	}
	return f.Store.Append(ctx, m, expected, entries)
}

// faultEnv is a test server whose members' ledgers fail as the returned
// memberFaults says.
func faultEnv(t *testing.T) (*testEnv, *memberFaults) {
	t.Helper()
	base := memoryStores()
	ledgers := &memberFaults{Store: base.Ledgers}
	e := newEnv(t, &Stores{Name: "faults", Customers: base.Customers, Complaints: base.Complaints, Ledgers: ledgers})
	return e, ledgers
}

func (e *testEnv) bearerUses(code string) int {
	e.t.Helper()
	n, err := e.srv.bearerUses(context.Background(), code)
	require.NoError(e.t, err)
	return n
}

// An order whose member's ledger took it but whose answer was lost
// (503) holds its use of a bearer coupon: another member's order for the
// last use is refused, and the order sent again is recorded with the use
// it claimed, so the coupon is used max_uses times, not more.
func TestBearerUseHeldWhenLedgerAnswerLost(t *testing.T) {
	e, ledgers := faultEnv(t)
	withBearer(t, e, "ONCE", 1)
	e.register("C-1")
	e.register("C-2")
	ledgers.fault.Store(lostReply)
	r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE"))
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	ledgers.fault.Store(noFault)
	require.Equal(t, 1, e.couponUses("C-1", "ONCE"), "the member's ledger took the order")
	assert.Equal(t, 1, e.bearerUses("ONCE"), "the use of the order the member's ledger holds")

	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "ONCE"))
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "the last use is held by O-1: %s", r)
	assert.Equal(t, "coupons[0]", r.field())

	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE"))
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, 1, e.bearerUses("ONCE"))
	assert.Len(t, e.orders("C-1"), 1)
	assert.Empty(t, e.orders("C-2"))
}

// A use claimed by a delivery whose member's ledger failed (503) is
// kept for the order's next delivery; when that one is refused for good
// (the member used up another of its coupons meanwhile), the use is
// given back, so another member may take it.
func TestBearerUseOfEarlierDeliveryGivenBackWhenRefused(t *testing.T) {
	e, ledgers := faultEnv(t)
	withBearer(t, e, "ONCE", 1)
	e.register("C-1")
	e.register("C-2")
	ledgers.fault.Store(failFirst)
	r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE", "WELCOME10"))
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	ledgers.fault.Store(noFault)

	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-3", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE", "WELCOME10"))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	assert.Equal(t, "coupons[1]", r.field())
	assert.Zero(t, e.bearerUses("ONCE"), "the refused order holds no use")

	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "ONCE"))
	assert.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.Equal(t, 1, e.bearerUses("ONCE"))
}

// An order whose request failed after it claimed a bearer use and
// before the member's ledger took it holds the use: the member's points
// list it among the unrecorded orders, and a release gives the use back
// (200, once; a second release is a duplicate: 200, "duplicate": true,
// nothing given back).
func TestBearerUseOfUnwrittenOrderReleased(t *testing.T) {
	e, ledgers := faultEnv(t)
	withBearer(t, e, "ONCE", 1)
	e.register("C-1")
	e.register("C-2")
	ledgers.fault.Store(failFirst)
	r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE"))
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	ledgers.fault.Store(noFault)
	assert.Equal(t, 1, e.bearerUses("ONCE"), "the use is held for the order's next delivery")

	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	unrecorded, _ := r.Body["unrecorded_orders"].([]any)
	require.Len(t, unrecorded, 1, r.String())
	assert.Equal(t, "O-1", unrecorded[0].(map[string]any)["order_id"])

	r = e.do("POST", "/v1/orders/O-1/release", "shop", map[string]any{"customer_id": "C-1"})
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, false, r.Body["duplicate"])
	assert.Equal(t, []any{"ONCE"}, r.Body["coupons_given_back"])
	assert.Zero(t, e.bearerUses("ONCE"))
	r = e.do("POST", "/v1/orders/O-1/release", "shop", map[string]any{"customer_id": "C-1"})
	require.Equal(t, http.StatusOK, r.Status, "released before: %s", r)
	assert.Equal(t, true, r.Body["duplicate"])
	assert.Nil(t, r.Body["coupons_given_back"])
	assert.Zero(t, e.bearerUses("ONCE"))
	r = e.do("GET", "/v1/members/C-1/points", "shop", nil)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Nil(t, r.Body["unrecorded_orders"], r.String())

	r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "ONCE"))
	assert.Equal(t, http.StatusCreated, r.Status, r.String())
}

// busyCoupon answers every append to the ledger of one bearer coupon
// with a conflict while busy is set, as when other servers always
// append first.
type busyCoupon struct {
	loyalty.Store
	code     string
	busy     atomic.Bool
	attempts atomic.Int64
}

func (b *busyCoupon) Append(ctx context.Context, m customer.ID, expected int64, entries []loyalty.Entry) error {
	if m == couponLedger(b.code) && b.busy.Load() {
		b.attempts.Add(1)
		return fmt.Errorf("busy: %w", loyalty.ErrConflict)
	}
	return b.Store.Append(ctx, m, expected, entries)
}

// A claim overtaken by other writers maxClaimAttempts times gives up:
// 503 with Retry-After, and nothing of the order is recorded, in the
// history or the member's ledger. The order sent again is recorded
// once, with one use of each bearer coupon, the one claimed before the
// busy coupon too.
func TestBearerClaimGivesUpWith503(t *testing.T) {
	base := memoryStores()
	ledgers := &busyCoupon{Store: base.Ledgers, code: "ZBUSY"}
	e := newEnv(t, &Stores{Name: "busy", Customers: base.Customers, Complaints: base.Complaints, Ledgers: ledgers})
	withBearer(t, e, "AFIRST", 5)
	withBearer(t, e, "ZBUSY", 5)
	e.register("C-1")
	ledgers.busy.Store(true)
	o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "AFIRST", "ZBUSY")
	r := e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	assert.Equal(t, "1", r.Header.Get("Retry-After"))
	assert.EqualValues(t, maxClaimAttempts, ledgers.attempts.Load())
	assert.Empty(t, e.orders("C-1"))
	assert.Zero(t, e.balance("C-1"))
	assert.Zero(t, e.couponUses("C-1", "AFIRST"))

	ledgers.busy.Store(false)
	r = e.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	assert.Equal(t, 1, e.bearerUses("AFIRST"))
	assert.Equal(t, 1, e.bearerUses("ZBUSY"))
	assert.Len(t, e.orders("C-1"), 1)
}

// pausedFailure holds the first append to a member's ledger until resume
// is closed, and then fails it, storing nothing.
type pausedFailure struct {
	loyalty.Store
	once    sync.Once
	reached chan struct{}
	resume  chan struct{}
}

func (p *pausedFailure) Append(ctx context.Context, m customer.ID, expected int64, entries []loyalty.Entry) error {
	if strings.HasPrefix(string(m), "coupon:") {
		return p.Store.Append(ctx, m, expected, entries)
	}
	first := false
	p.once.Do(func() { first = true })
	if !first {
		return p.Store.Append(ctx, m, expected, entries)
	}
	close(p.reached)
	<-p.resume
	return errInjected
}

// Two servers deliver one order with a bearer coupon: the first claims
// the use and fails at the member's ledger (503) after the second,
// finding the claim, recorded the order with it. The failing request
// gives nothing back: the recorded order keeps its use, and another
// member's order for the coupon's last use is refused.
func TestBearerUseOfRedeliveryKeptWhenFirstDeliveryFails(t *testing.T) {
	b := newEnv(t, memoryStores())
	paused := &pausedFailure{Store: b.stores.Ledgers, reached: make(chan struct{}), resume: make(chan struct{})}
	a := newEnv(t, &Stores{Name: "paused", Customers: b.stores.Customers, Complaints: b.stores.Complaints, Ledgers: paused})
	for _, e := range []*testEnv{a, b} {
		withBearer(t, e, "ONCE", 1)
	}
	b.register("C-1")
	b.register("C-2")
	o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE")
	first := make(chan response, 1)
	go func() {
		r, err := a.try("POST", "/v1/orders", a.keys["shop"], o)
		if err != nil {
			r.Status = -1
		}
		first <- r
	}()
	<-paused.reached
	r := b.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	close(paused.resume)
	r = <-first
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())

	assert.Equal(t, 1, b.bearerUses("ONCE"), "the recorded order's use")
	r = b.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "ONCE"))
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "O-1 holds the last use: %s", r)
	assert.Empty(t, b.orders("C-2"))
}
