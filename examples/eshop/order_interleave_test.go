package main

import (
	"context"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
	"github.com/tailorcrm/tailor/loyalty"
)

// betweenLedger is a ledger store whose first read of a member's ledger
// after arm, once the member's history (history) holds an order, runs a
// step of the test before it reads: the step runs after the request that
// reads has recorded its order in the history and before it earns, as
// another server's work can fall between the two. A step that returns an
// error fails the read, and so the request, before anything reaches the
// ledger: the server dies between history and ledger.
type betweenLedger struct {
	loyalty.Store
	history CustomerStore
	step    atomic.Pointer[func() error]
}

// arm makes step run at the next read once the history holds an order.
func (l *betweenLedger) arm(step func() error) { l.step.Store(&step) }

// holdsOrder reports whether member m's history holds an order.
func (l *betweenLedger) holdsOrder(ctx context.Context, m customer.ID) bool {
	for ev, err := range l.history.History(ctx, m) {
		if err == nil && ev.Order != nil {
			return true
		}
	}
	return false
}

func (l *betweenLedger) Entries(ctx context.Context, m customer.ID, after int64) ([]loyalty.Entry, error) {
	if l.step.Load() == nil || !l.holdsOrder(ctx, m) {
		return l.Store.Entries(ctx, m, after)
	}
	if step := l.step.Swap(nil); step != nil {
		if err := (*step)(); err != nil {
			return nil, err
		}
	}
	return l.Store.Entries(ctx, m, after)
}

// interleavedServers returns two servers on one database — memory stores
// shared by both, or one SQLite file with a connection pool each — and
// the ledger of the first, to arm.
func interleavedServers(t *testing.T, backend string) (a, b *testEnv, gate *betweenLedger) {
	t.Helper()
	var sa, sb *Stores
	switch backend {
	case "memory":
		shared := memoryStores()
		sa, sb = shared, &Stores{Name: "memory", Customers: shared.Customers, Complaints: shared.Complaints, Ledgers: shared.Ledgers}
	case "sqlite":
		path := filepath.Join(t.TempDir(), "shop.db")
		opts := &sqlitestore.Options{BusyTimeout: time.Minute}
		var dbs [2]*sqlitestore.DB
		for i := range dbs {
			db, err := sqlitestore.Open(t.Context(), path, opts)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			dbs[i] = db
		}
		sa, sb = liteStores(dbs[0]), liteStores(dbs[1])
	}
	gate = &betweenLedger{Store: sa.Ledgers, history: sa.Customers}
	sa.Ledgers = gate
	return newEnv(t, sa), newEnv(t, sb), gate
}

// earns counts the earn entries of order id in member's ledger.
func earns(t *testing.T, e *testEnv, member, id string) int {
	t.Helper()
	entries, err := e.stores.Ledgers.Entries(t.Context(), customer.ID(member), 0)
	require.NoError(t, err)
	key := loyalty.Purchase{Order: customer.Order{ID: id}}.Key()
	n := 0
	for _, en := range entries {
		if en.Key == key && en.Kind == loyalty.EntryEarn {
			n++
		}
	}
	return n
}

// An order posted to two servers on one database is stored in the
// history by exactly one delivery, and that one answers 201 also when
// the other server's delivery, or a read it settles, earns the order's
// points between this delivery's history record and its earn: the
// ledger's "already applied" then means another server applied the order
// this request stored. Every other delivery answers 200 with "duplicate":
// true, every one reports the order's points, which are earned once. A
// server that dies between history and ledger loses nothing: the
// redelivery to the other server earns the points and answers 200 with
// "duplicate": true, since the history held the order.
func TestOrderStoredFirstAnswersCreatedWhenTheOtherServerEarnsIt(t *testing.T) {
	for _, backend := range []string{"memory", "sqlite"} {
		t.Run(backend, func(t *testing.T) {
			t.Run("redelivery earns in between", func(t *testing.T) {
				a, b, gate := interleavedServers(t, backend)
				a.register("C-1")
				o := order("O-1", "C-1", testNow.Add(-time.Hour), 1, "120.00")
				var second response
				gate.arm(func() error {
					var err error
					second, err = b.try("POST", "/v1/orders", b.keys["shop"], o)
					return err
				})
				first := a.do("POST", "/v1/orders", "shop", o)
				require.Equal(t, http.StatusOK, second.Status, "the redelivery, which found the order in the history: %s", second)
				assert.Equal(t, true, second.Body["duplicate"])
				assert.EqualValues(t, 174, num(second.Body["points_earned"])) // 120 + 54.90
				require.Equal(t, http.StatusCreated, first.Status, "the delivery that stored the order: %s", first)
				assert.Equal(t, false, first.Body["duplicate"])
				assert.EqualValues(t, 174, num(first.Body["points_earned"]))

				third := b.do("POST", "/v1/orders", "shop", o)
				require.Equal(t, http.StatusOK, third.Status, third.String())
				assert.Equal(t, true, third.Body["duplicate"])
				assert.Equal(t, 1, earns(t, a, "C-1", "O-1"))
				assert.EqualValues(t, 174, a.balance("C-1"))
				assert.Len(t, a.orders("C-1"), 1)
			})
			t.Run("read settles in between", func(t *testing.T) {
				a, b, gate := interleavedServers(t, backend)
				a.register("C-1")
				o := order("O-1", "C-1", testNow.Add(-time.Hour), 1, "120.00")
				var read response
				gate.arm(func() error {
					var err error
					read, err = b.try("GET", "/v1/members/C-1/points", b.keys["shop"], nil)
					return err
				})
				first := a.do("POST", "/v1/orders", "shop", o)
				require.Equal(t, http.StatusOK, read.Status, read.String())
				assert.EqualValues(t, 174, num(read.Body["balance"]), "the read settles the order the history holds")
				require.Equal(t, http.StatusCreated, first.Status, "the delivery that stored the order: %s", first)
				assert.Equal(t, false, first.Body["duplicate"])
				assert.EqualValues(t, 174, num(first.Body["points_earned"]))
				assert.Equal(t, 1, earns(t, a, "C-1", "O-1"))
				assert.EqualValues(t, 174, a.balance("C-1"))
			})
			t.Run("server dies in between", func(t *testing.T) {
				a, b, gate := interleavedServers(t, backend)
				a.register("C-1")
				o := order("O-1", "C-1", testNow.Add(-time.Hour), 1, "120.00")
				gate.arm(func() error { return errInjected })
				lost := a.do("POST", "/v1/orders", "shop", o)
				require.Equal(t, http.StatusServiceUnavailable, lost.Status, lost.String())
				assert.Len(t, a.orders("C-1"), 1, "the history holds the order")
				assert.Equal(t, 0, earns(t, a, "C-1", "O-1"), "the ledger does not yet")

				again := b.do("POST", "/v1/orders", "shop", o)
				require.Equal(t, http.StatusOK, again.Status, again.String())
				assert.Equal(t, true, again.Body["duplicate"])
				assert.EqualValues(t, 174, num(again.Body["points_earned"]))
				again = a.do("POST", "/v1/orders", "shop", o)
				require.Equal(t, http.StatusOK, again.Status, again.String())
				assert.Equal(t, true, again.Body["duplicate"])
				assert.EqualValues(t, 174, num(again.Body["points_earned"]))
				assert.Equal(t, 1, earns(t, a, "C-1", "O-1"))
				assert.EqualValues(t, 174, a.balance("C-1"))
				assert.Len(t, a.orders("C-1"), 1)
			})
		})
	}
}
