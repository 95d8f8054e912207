package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/privacy"
	"github.com/tailorcrm/tailor/loyalty"
)

// couponEntries returns the entries of the ledger of bearer coupon code.
func (e *testEnv) couponEntries(code string) []loyalty.Entry {
	e.t.Helper()
	entries, err := e.stores.Ledgers.Entries(context.Background(), couponLedger(code), 0)
	require.NoError(e.t, err)
	return entries
}

// An order released as never recorded is not recorded when it is sent
// again, whether its member's ledger held it (the answer to its ledger
// append was lost) or only its claims of bearer uses did (its member's
// ledger append failed): 409 on "id", with nothing stored and no use
// claimed. A second release is a duplicate (200, "duplicate": true).
func TestReleasedOrderSentAgainIsConflict(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault int32
	}{{"claims only", failFirst}, {"member's ledger", lostReply}} {
		t.Run(tc.name, func(t *testing.T) {
			e, ledgers := faultEnv(t)
			withBearer(t, e, "ONCE", 1)
			e.register("C-1")
			o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE")
			ledgers.fault.Store(tc.fault)
			r := e.do("POST", "/v1/orders", "shop", o)
			require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
			ledgers.fault.Store(noFault)

			release := map[string]any{"customer_id": "C-1"}
			r = e.do("POST", "/v1/orders/O-1/release", "shop", release)
			require.Equal(t, http.StatusOK, r.Status, r.String())
			assert.Equal(t, false, r.Body["duplicate"])
			assert.Contains(t, r.Body["coupons_given_back"], "ONCE")
			assert.Zero(t, e.bearerUses("ONCE"))
			written := len(e.couponEntries("ONCE"))

			r = e.do("POST", "/v1/orders", "shop", o)
			require.Equal(t, http.StatusConflict, r.Status, "a released order sent again: %s", r)
			assert.Equal(t, "id", r.field())
			assert.Contains(t, r.Body["error"], "O-1")
			assert.Empty(t, e.orders("C-1"))
			assert.Zero(t, e.couponUses("C-1", "ONCE"))
			assert.Zero(t, e.balance("C-1"))
			assert.Zero(t, e.bearerUses("ONCE"))
			assert.Len(t, e.couponEntries("ONCE"), written, "the refused delivery claims nothing")

			r = e.do("POST", "/v1/orders/O-1/release", "shop", release)
			require.Equal(t, http.StatusOK, r.Status, "released before: %s", r)
			assert.Equal(t, true, r.Body["duplicate"])
			assert.Zero(t, e.bearerUses("ONCE"))
		})
	}
}

// An order refused for good claims no use of its bearer coupons: neither
// when another of its bearer coupons is used up by everyone, nor when the
// member has used up one of its coupons. The ledgers of its other bearer
// coupons hold nothing of it.
func TestBearerRefusalClaimsNothing(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		withBearer(t, e, "AMANY", 100)
		withBearer(t, e, "ZONCE", 1)
		e.register("C-1")
		e.register("C-2")
		r := e.do("POST", "/v1/orders", "shop", couponOrder("O-10", "C-2", testNow.Add(-time.Hour), "ZONCE"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		r = e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
		require.Equal(t, http.StatusCreated, r.Status, r.String())

		r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-1", testNow.Add(-time.Hour), "AMANY", "ZONCE"))
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
		assert.Equal(t, "coupons[1]", r.field())
		r = e.do("POST", "/v1/orders", "shop", couponOrder("O-3", "C-1", testNow.Add(-time.Hour), "AMANY", "WELCOME10"))
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
		assert.Equal(t, "coupons[1]", r.field())

		assert.Empty(t, e.couponEntries("AMANY"), "a refused order claims no use")
		assert.Len(t, e.couponEntries("ZONCE"), 1)
		assert.Len(t, e.orders("C-1"), 1)
	})
}

// pausedAppend holds the first append to a member's ledger until resume
// is closed, and then makes it.
type pausedAppend struct {
	loyalty.Store
	once    sync.Once
	reached chan struct{}
	resume  chan struct{}
}

func (p *pausedAppend) Append(ctx context.Context, m customer.ID, expected int64, entries []loyalty.Entry) error {
	if !strings.HasPrefix(string(m), "coupon:") {
		first := false
		p.once.Do(func() { first = true })
		if first {
			close(p.reached)
			<-p.resume
		}
	}
	return p.Store.Append(ctx, m, expected, entries)
}

// One order ID sent with different coupons to two servers at once: the
// delivery refused for good (the member has used up its other coupon)
// gives back no use claimed by the other delivery, which is recorded with
// it. The coupon's single use is then held, and another member's order
// for it is refused.
func TestRefusedDeliveryKeepsTheOtherDeliveryClaim(t *testing.T) {
	a := newEnv(t, memoryStores())
	paused := &pausedAppend{Store: a.stores.Ledgers, reached: make(chan struct{}), resume: make(chan struct{})}
	b := newEnv(t, &Stores{Name: "paused", Customers: a.stores.Customers, Complaints: a.stores.Complaints, Ledgers: paused})
	for _, e := range []*testEnv{a, b} {
		withBearer(t, e, "ONCE", 1)
	}
	a.register("C-1")
	a.register("C-2")
	r := a.do("POST", "/v1/orders", "shop", couponOrder("O-0", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())

	// b claims the use for O-1 with ONCE and stops before the member's
	// ledger.
	second := make(chan response, 1)
	go func() {
		r, err := b.try("POST", "/v1/orders", b.keys["shop"], couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE"))
		if err != nil {
			r.Status = -1
		}
		second <- r
	}()
	<-paused.reached
	r = a.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE", "WELCOME10"))
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.String())
	close(paused.resume)
	r = <-second
	require.Equal(t, http.StatusCreated, r.Status, r.String())

	assert.Equal(t, 1, a.bearerUses("ONCE"), "the recorded order's use")
	r = a.do("POST", "/v1/orders", "shop", couponOrder("O-20", "C-2", testNow.Add(-time.Hour), "ONCE"))
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "O-1 of C-1 holds the only use: %s", r)
	assert.Empty(t, a.orders("C-2"))
}

// The coupon ledgers refer to a member by ID, as the member's ledger and
// history do, and hold nothing else of the member: an erasure
// (privacy.Erase) leaves the ID there as everywhere, and no personal data
// of the member is in them before or after it.
func TestCouponLedgerAfterErasure(t *testing.T) {
	e := newEnv(t, memoryStores())
	withBearer(t, e, "ONCE", 5)
	e.register("C-1")
	r := e.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	rep, err := privacy.Erase(t.Context(), "C-1", privacy.Targets{Customers: e.stores.Customers, Loyalty: e.srv.ledger}, testNow)
	require.NoError(t, err)
	require.Equal(t, privacy.Erased, rep.Customers)

	entries := e.couponEntries("ONCE")
	require.Len(t, entries, 1)
	var text strings.Builder
	for _, en := range entries {
		text.WriteString(en.Key + " " + en.Reason + " " + en.Operator + " " + en.OrderID + " " + string(en.Member) + "\n")
		assert.True(t, en.Birthday.IsZero())
	}
	for _, personal := range []string{"Jane", "Doe", "jane.doe", "example.com", "1234567", "Hauptstraße", "1990"} {
		assert.NotContains(t, text.String(), personal)
	}
	assert.Contains(t, text.String(), "C-1", "the member's ID, as its ledger and history keep it")
	assert.Len(t, e.orders("C-1"), 1)
}

// A claim is taken again by a delivery of the same content only: the
// same order with its lines in another sequence, its amounts written
// otherwise or its time in another zone has the claim's digest; other
// coupons, another quantity or another price have another.
func TestClaimDigest(t *testing.T) {
	base := func() customer.Order {
		at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		return customer.Order{ID: "O-1", CustomerID: "C-1", Time: at, Channel: customer.Online, Store: "web", Currency: "EUR",
			Lines: []customer.Line{
				{ID: "1", SKU: "KN-100", Quantity: 1, UnitPrice: decimal.RequireFromString("120.00")},
				{ID: "2", SKU: "TR-200", Quantity: 2, UnitPrice: decimal.RequireFromString("59.90"), Discount: decimal.RequireFromString("5")},
			}}
	}
	once := []loyalty.CouponUse{{Code: "ONCE"}}
	want := claimDigest(base(), once)
	require.Len(t, want, 16)

	same := base()
	same.Lines[0], same.Lines[1] = same.Lines[1], same.Lines[0]
	same.Lines[0].Discount = decimal.RequireFromString("5.00")
	same.Lines[1].UnitPrice = decimal.RequireFromString("120")
	same.Time = same.Time.In(time.FixedZone("CET", 3600))
	assert.Equal(t, want, claimDigest(same, once))

	other := map[string]func(o *customer.Order) []loyalty.CouponUse{
		"no coupon": func(o *customer.Order) []loyalty.CouponUse { return nil },
		"two coupons": func(o *customer.Order) []loyalty.CouponUse {
			return []loyalty.CouponUse{{Code: "ONCE"}, {Code: "WELCOME10"}}
		},
		"quantity": func(o *customer.Order) []loyalty.CouponUse { o.Lines[1].Quantity = 3; return once },
		"price": func(o *customer.Order) []loyalty.CouponUse {
			o.Lines[0].UnitPrice = decimal.RequireFromString("120.01")
			return once
		},
		"unit cost": func(o *customer.Order) []loyalty.CouponUse {
			o.Lines[0].UnitCost = decimal.NewNullDecimal(decimal.Zero)
			return once
		},
		"household": func(o *customer.Order) []loyalty.CouponUse { o.Lines[0].Member = "kid"; return once },
		"time":      func(o *customer.Order) []loyalty.CouponUse { o.Time = o.Time.Add(time.Second); return once },
		"store":     func(o *customer.Order) []loyalty.CouponUse { o.Store = "berlin"; return once },
		"a line more": func(o *customer.Order) []loyalty.CouponUse {
			o.Lines = append(o.Lines, customer.Line{ID: "3", Quantity: 1})
			return once
		},
		"lines unkeyed": func(o *customer.Order) []loyalty.CouponUse { o.Lines[0].ID, o.Lines[1].ID = "", ""; return once },
		"fields shifted": func(o *customer.Order) []loyalty.CouponUse {
			o.Lines[0].SKU, o.Lines[0].Category = "KN-", "100"
			return once
		},
	}
	for name, change := range other {
		o := base()
		uses := change(&o)
		assert.NotEqual(t, want, claimDigest(o, uses), name)
	}
}

// A server whose reading of a coupon ledger says the coupon is used up
// reads it on before it refuses an order: another server may have given
// the use back meanwhile.
func TestBearerCheckReadsOnBeforeRefusing(t *testing.T) {
	a := newEnv(t, memoryStores())
	faults := &memberFaults{Store: a.stores.Ledgers}
	b := newEnv(t, &Stores{Name: "faults", Customers: a.stores.Customers, Complaints: a.stores.Complaints, Ledgers: faults})
	for _, e := range []*testEnv{a, b} {
		withBearer(t, e, "ONCE", 1)
	}
	a.register("C-1")
	a.register("C-2")
	faults.fault.Store(failFirst)
	r := b.do("POST", "/v1/orders", "shop", couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE"))
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	faults.fault.Store(noFault)
	o2 := couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "ONCE")
	r = a.do("POST", "/v1/orders", "shop", o2)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "O-1 holds the use: %s", r)

	r = b.do("POST", "/v1/orders/O-1/release", "shop", map[string]any{"customer_id": "C-1"})
	require.Equal(t, http.StatusOK, r.Status, r.String())
	r = a.do("POST", "/v1/orders", "shop", o2)
	require.Equal(t, http.StatusCreated, r.Status, "the use given back on the other server: %s", r)
	assert.Equal(t, 1, a.bearerUses("ONCE"))
}

// memberEntries returns the entries of member's ledger.
func (e *testEnv) memberEntries(member string) []loyalty.Entry {
	e.t.Helper()
	entries, err := e.stores.Ledgers.Entries(context.Background(), customer.ID(member), 0)
	require.NoError(e.t, err)
	return entries
}

// reordered returns order o with its lines in reverse sequence.
func reordered(o map[string]any) map[string]any {
	r := maps.Clone(o)
	lines := slices.Clone(o["lines"].([]map[string]any))
	slices.Reverse(lines)
	r["lines"] = lines
	return r
}

// A delivery under the ID of an order that the member's ledger holds
// with a bearer coupon, refused as other content (409), gives back no use
// that the recorded order holds: not when it has the recorded order's
// digest (the same lines in another sequence, which the ledger compares
// in sequence), whether the history holds the order or only the
// member's ledger does (the answer to its append was lost), nor when
// the recorded order took a claim stored before claims named their
// content. The coupon's single use stays held, and another member's
// order for it is refused.
func TestRefusedDeliveryKeepsTheRecordedUse(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  int32
		legacy bool
		again  func(o map[string]any) map[string]any
	}{
		{name: "lines in another sequence", fault: noFault, again: reordered},
		{name: "lines in another sequence, answer lost", fault: lostReply, again: reordered},
		{name: "other content, claim without digest", fault: noFault, legacy: true, again: func(o map[string]any) map[string]any {
			return couponOrder("O-1", "C-1", testNow.Add(-2*time.Hour), "ONCE")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ledgers := faultEnv(t)
			withBearer(t, e, "ONCE", 1)
			e.register("C-1")
			e.register("C-2")
			if tc.legacy {
				// A claim of an earlier delivery, stored before claims
				// named their content, whose request failed before the
				// member's ledger.
				require.NoError(t, e.stores.Ledgers.Append(t.Context(), couponLedger("ONCE"), 0, []loyalty.Entry{{
					Seq: 1, Member: couponLedger("ONCE"), Key: "use:C-1/O-1#1", Kind: loyalty.EntryAdjust, Points: 1,
					Time: testNow.Add(-time.Hour), Effective: testNow.Add(-time.Hour), OrderID: "O-1",
					Reason: "bearer coupon use", Operator: "C-1"}}))
			}
			o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE")
			ledgers.fault.Store(tc.fault)
			r := e.do("POST", "/v1/orders", "shop", o)
			ledgers.fault.Store(noFault)
			if tc.fault == noFault {
				require.Equal(t, http.StatusCreated, r.Status, r.String())
			}
			require.Equal(t, 1, e.couponUses("C-1", "ONCE"), "the member's ledger holds the order")
			require.Equal(t, 1, e.bearerUses("ONCE"))

			r = e.do("POST", "/v1/orders", "shop", tc.again(o))
			require.Equal(t, http.StatusConflict, r.Status, r.String())
			assert.Equal(t, "id", r.field())
			assert.Equal(t, 1, e.bearerUses("ONCE"), "the recorded order's use stays counted")

			r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "ONCE"))
			assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "O-1 of C-1 holds the only use: %s", r)
			assert.Empty(t, e.orders("C-2"))
			assert.Equal(t, 1, e.bearerUses("ONCE"))
		})
	}
}

// A coupon order sent again without its coupons, its lines in another
// sequence, is other content (409 on "id"): the ledger entry of the
// recorded order is not taken back, so its uses of the coupons, the
// member's and everyone's, stay counted, and another member's order for
// the last use of the bearer coupon is refused. A plain order sent again
// with its lines in another sequence is a redelivery (200) that leaves
// its ledger entry as it is.
func TestRedeliveryInAnotherSequenceKeepsCouponUses(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		withBearer(t, e, "ONCE", 1)
		e.register("C-1")
		e.register("C-2")
		o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE", "WELCOME10")
		r := e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		entries := len(e.memberEntries("C-1"))

		plain := reordered(o)
		delete(plain, "coupons")
		r = e.do("POST", "/v1/orders", "shop", plain)
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, "id", r.field())
		assert.Len(t, e.memberEntries("C-1"), entries, "the recorded order's entry stays")
		assert.Equal(t, 1, e.couponUses("C-1", "ONCE"))
		assert.Equal(t, 1, e.couponUses("C-1", "WELCOME10"))
		assert.Equal(t, 1, e.bearerUses("ONCE"))
		r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "ONCE"))
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "O-1 of C-1 holds the only use: %s", r)
		r = e.do("POST", "/v1/orders", "shop", couponOrder("O-3", "C-1", testNow.Add(-time.Hour), "WELCOME10"))
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "C-1 used WELCOME10 with O-1: %s", r)

		p := order("O-4", "C-2", testNow.Add(-time.Hour), 1, "120.00")
		r = e.do("POST", "/v1/orders", "shop", p)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
		entries = len(e.memberEntries("C-2"))
		r = e.do("POST", "/v1/orders", "shop", reordered(p))
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, true, r.Body["duplicate"])
		assert.Len(t, e.memberEntries("C-2"), entries, "a redelivery writes nothing")
	})
}

// Orders of different members racing for the last uses of a bearer
// coupon at two servers on one database, each order delivered three
// times at once: twice as it is (one of them, for every third member,
// with its lines in another sequence) and once with other content under
// its ID. At most max_uses orders are recorded, and the coupon's ledger
// counts a use for each of them, never more than max_uses.
func TestBearerLimitAcrossServersWithRedeliveries(t *testing.T) {
	envs, _ := twoServers(t, nil)
	const n, limit = 12, 4
	for _, e := range envs {
		withBearer(t, e, "FIRST4", limit)
	}
	for i := range n {
		envs[0].register(fmt.Sprintf("C-%d", i))
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		for k := range 3 {
			wg.Go(func() {
				<-start
				member := fmt.Sprintf("C-%d", i)
				o := couponOrder("O-"+member, member, testNow.Add(-time.Hour), "FIRST4")
				switch {
				case k == 1 && i%3 == 0:
					o = reordered(o)
				case k == 2:
					o = couponOrder("O-"+member, member, testNow.Add(-2*time.Hour), "FIRST4")
				}
				e := envs[(i+k)%2]
				e.try("POST", "/v1/orders", e.keys["shop"], o)
			})
		}
	}
	close(start)
	wg.Wait()
	recorded := 0
	for i := range n {
		recorded += len(envs[0].orders(fmt.Sprintf("C-%d", i)))
	}
	assert.LessOrEqual(t, recorded, limit)
	for _, e := range envs {
		uses, err := e.srv.bearerUses(t.Context(), "FIRST4")
		require.NoError(t, err)
		assert.GreaterOrEqual(t, uses, recorded, "a use for each order recorded")
		assert.LessOrEqual(t, uses, limit)
	}
}

// couponReadFault fails the next read of a bearer coupon's ledger when
// fail is set.
type couponReadFault struct {
	loyalty.Store
	fail atomic.Bool
}

func (f *couponReadFault) Entries(ctx context.Context, m customer.ID, after int64) ([]loyalty.Entry, error) {
	if strings.HasPrefix(string(m), "coupon:") && f.fail.CompareAndSwap(true, false) {
		return nil, errInjected
	}
	return f.Store.Entries(ctx, m, after)
}

// A delivery whose read of a bearer coupon's ledger fails is answered
// 503 and gives back no claim: the same order, delivered at once to
// another server that claimed the use and is about to record it, keeps
// it. The coupon's single use stays held, and another member's order for
// it is refused.
func TestBearerReadFailureGivesNoClaimBack(t *testing.T) {
	a := newEnv(t, memoryStores())
	paused := &pausedAppend{Store: a.stores.Ledgers, reached: make(chan struct{}), resume: make(chan struct{})}
	b := newEnv(t, &Stores{Name: "paused", Customers: a.stores.Customers, Complaints: a.stores.Complaints, Ledgers: paused})
	faults := &couponReadFault{Store: a.stores.Ledgers}
	c := newEnv(t, &Stores{Name: "faults", Customers: a.stores.Customers, Complaints: a.stores.Complaints, Ledgers: faults})
	for _, e := range []*testEnv{a, b, c} {
		withBearer(t, e, "ONCE", 1)
	}
	a.register("C-1")
	a.register("C-2")
	o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "ONCE")

	// b claims the use for O-1 and stops before the member's ledger.
	first := make(chan response, 1)
	go func() {
		r, err := b.try("POST", "/v1/orders", b.keys["shop"], o)
		if err != nil {
			r.Status = -1
		}
		first <- r
	}()
	<-paused.reached
	faults.fail.Store(true)
	r := c.do("POST", "/v1/orders", "shop", o)
	require.Equal(t, http.StatusServiceUnavailable, r.Status, r.String())
	assert.Equal(t, 1, a.bearerUses("ONCE"), "the claim b is about to record the order with")
	close(paused.resume)
	r = <-first
	require.Equal(t, http.StatusCreated, r.Status, r.String())

	assert.Equal(t, 1, a.bearerUses("ONCE"), "the recorded order's use")
	r = a.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "ONCE"))
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "O-1 of C-1 holds the only use: %s", r)
	assert.Empty(t, a.orders("C-2"))
}

// The claim of a delivery with the content of the order its member's
// ledger holds (its lines in another sequence, which the ledger compares
// in sequence) is that order's: the refusal of the delivery gives back
// none of its claims, also while a delivery of other content under the
// ID holds a claim of its own. That one, refused in turn, gives its claim
// back, so the order holds one use, and the order sent again as it was
// recorded takes the use it holds: it claims no second one, which no
// release would ever give back.
func TestReorderedRedeliveryKeepsTheRecordedClaim(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		withBearer(t, e, "TWICE", 2)
		e.register("C-1")
		e.register("C-2")
		o := couponOrder("O-1", "C-1", testNow.Add(-time.Hour), "TWICE")
		r := e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusCreated, r.Status, r.String())

		// A delivery of other content under O-1, at another server,
		// claimed a use before the member's ledger took O-1, and has
		// not been refused yet.
		other := couponOrder("O-1", "C-1", testNow.Add(-2*time.Hour), "TWICE")
		var p problems
		in := orderIn{}
		raw, err := json.Marshal(other)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &in))
		oo := in.order(&p)
		uses, _ := e.srv.orderCoupons(&p, in.Coupons)
		require.Empty(t, p.list)
		ledger := couponLedger("TWICE")
		require.NoError(t, e.stores.Ledgers.Append(t.Context(), ledger, 1, []loyalty.Entry{{
			Seq: 2, Member: ledger, Key: "use:" + claimRef("C-1", "O-1", claimDigest(oo, uses)) + "#1",
			Kind: loyalty.EntryAdjust, Points: 1, Time: testNow, Effective: testNow, OrderID: "O-1",
			Reason: "bearer coupon use", Operator: "C-1"}}))
		require.Equal(t, 2, e.bearerUses("TWICE"))

		r = e.do("POST", "/v1/orders", "shop", reordered(o))
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		r = e.do("POST", "/v1/orders", "shop", other)
		require.Equal(t, http.StatusConflict, r.Status, r.String())
		assert.Equal(t, 1, e.bearerUses("TWICE"), "O-1 holds one use")

		r = e.do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		assert.Equal(t, 1, e.bearerUses("TWICE"), "the redelivery takes the use O-1 holds")
		r = e.do("POST", "/v1/orders", "shop", couponOrder("O-2", "C-2", testNow.Add(-time.Hour), "TWICE"))
		assert.Equal(t, http.StatusCreated, r.Status, "the second use is free: %s", r)
	})
}
