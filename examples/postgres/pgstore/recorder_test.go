package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// slowChecks holds each check of its AppendChecked for 5 ms, so that a
// store that let other writers in between a check and its append would
// let them in.
type slowChecks struct{ *pgstore.CustomerStore }

func (s slowChecks) AppendChecked(ctx context.Context, e customer.Event, check func([]customer.Event) error) error {
	return s.CustomerStore.AppendChecked(ctx, e, func(h []customer.Event) error {
		time.Sleep(5 * time.Millisecond)
		return check(h)
	})
}

// Six DBs on one schema, each with a pool of its own — six processes, as
// far as PostgreSQL can tell — and each with its own customer.Recorder,
// record at once refunds of all the units of one order: the store checks
// and appends each in one transaction that holds the customer's row
// locked (customer.CheckedAppender), so exactly one refund is accepted
// and the history still summarises.
func TestRecorderAcrossConnections(t *testing.T) {
	dsn := testDSN(t)
	ctx := context.Background()
	schema := newDB(t).Schema()
	var recs [6]*customer.Recorder
	var stores [6]*pgstore.CustomerStore
	for i := range recs {
		p, err := pgxpool.New(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(p.Close)
		stores[i] = pgstore.New(p, &pgstore.Options{Schema: schema}).Customers()
		recs[i] = &customer.Recorder{Customers: stores[i], History: slowChecks{stores[i]}}
	}
	at := time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)
	require.NoError(t, stores[0].Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: at.AddDate(-1, 0, 0)}))
	require.NoError(t, recs[0].RecordOrder(ctx, customer.Order{ID: "O-1", CustomerID: "C-1", Time: at, Channel: customer.Online,
		Currency: "EUR", Lines: []customer.Line{{ID: "1", Quantity: 2, UnitPrice: decimal.RequireFromString("10.00")}}}, at))

	now := at.Add(time.Hour)
	const workers = len(recs)
	errs := make([]error, workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			<-start
			errs[w] = recs[w].RecordReturn(ctx, customer.Return{ID: fmt.Sprintf("R-%d", w), OrderID: "O-1", CustomerID: "C-1",
				Time: now, Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -2}}}, now)
		})
	}
	close(start)
	wg.Wait()
	accepted := 0
	for w, err := range errs {
		var v *customer.ValidationError
		switch {
		case err == nil:
			accepted++
		case errors.As(err, &v) && (v.Has("lines[0].quantity", customer.CodeTooMany) || v.Has("time", customer.CodeOrder)):
		default:
			t.Errorf("RecordReturn R-%d: unexpected error %v", w, err)
		}
	}
	if accepted != 1 {
		t.Errorf("%d of %d refunds of all the units accepted, want 1", accepted, workers)
	}
	_, err := customer.SummarizeHistory(ctx, stores[1], "C-1", customer.Consumer, now, nil)
	require.NoError(t, err, "the history no longer summarises")
}

// While AppendChecked holds a customer's row locked, a plain append of
// that customer through another connection waits for it (its FOR KEY
// SHARE conflicts with FOR UPDATE), so it cannot slip in between the
// check and the append; one of another customer does not wait.
func TestAppendCheckedHoldsPlainAppends(t *testing.T) {
	dsn := testDSN(t)
	ctx := context.Background()
	db := newDB(t)
	s := db.Customers()
	p, err := pgxpool.New(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	other := pgstore.New(p, &pgstore.Options{Schema: db.Schema()}).Customers()
	at := time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)
	for _, id := range []customer.ID{"C-1", "C-2"} {
		require.NoError(t, s.Put(ctx, customer.Customer{ID: id, Kind: customer.Consumer, Joined: at.AddDate(-1, 0, 0)}))
	}
	order := func(id string, cust customer.ID) customer.Order {
		return customer.Order{ID: id, CustomerID: cust, Time: at, Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.RequireFromString("10.00")}}}
	}
	mine, theirs, checked := order("O-1", "C-1"), order("O-2", "C-2"), order("O-3", "C-1")
	var waited, passed error
	err = s.AppendChecked(ctx, customer.Event{Order: &checked}, func([]customer.Event) error {
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		waited = other.AppendOrder(short, mine)
		long, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		passed = other.AppendOrder(long, theirs)
		return nil
	})
	require.NoError(t, err)
	require.ErrorIs(t, waited, context.DeadlineExceeded, "a plain append of the locked customer did not wait")
	require.NoError(t, passed, "a plain append of another customer")
	var ids []string
	for e, err := range s.History(ctx, "C-1") {
		require.NoError(t, err)
		ids = append(ids, e.Order.ID)
	}
	require.Equal(t, []string{"O-3"}, ids, "the history of C-1 holds only the checked order")
	require.NoError(t, other.AppendOrder(ctx, mine), "the plain append once the lock is released")
}

// An AppendChecked whose connection drops after the statement, before
// the commit, leaves nothing behind; the same record appended again is
// then stored.
func TestDroppedConnectionAppendChecked(t *testing.T) {
	broken, check, h := faultyDB(t)
	ctx := context.Background()
	require.NoError(t, check.Customers().Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
	h.arm("COMMIT", terminate(t))
	o := sampleOrder("O-1", "C-1")
	pass := func([]customer.Event) error { return nil }
	err := broken.Customers().AppendChecked(ctx, customer.Event{Order: &o}, pass)
	t.Logf("AppendChecked over a dropped connection: %v", err)
	require.Error(t, err)
	require.True(t, h.hasFired())
	require.NotErrorIs(t, err, customer.ErrDuplicate)
	require.NotErrorIs(t, err, customer.ErrNotFound)
	require.Zero(t, historyLen(t, check.Customers(), "C-1"), "a half-applied order was stored")
	require.NoError(t, broken.Customers().AppendChecked(ctx, customer.Event{Order: &o}, pass))
	require.Equal(t, 1, historyLen(t, check.Customers(), "C-1"))
}

// An AppendChecked whose context is cancelled after the statement,
// before the commit, returns the context's error and leaves nothing
// behind.
func TestCanceledAppendChecked(t *testing.T) {
	broken, check, h := faultyDB(t)
	ctx := context.Background()
	require.NoError(t, check.Customers().Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
	require.NoError(t, check.Customers().AppendOrder(ctx, sampleOrder("O-1", "C-1")))
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h.arm("COMMIT", func(*pgx.Conn) { cancel() })
	r := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: time.Date(2025, 5, 3, 0, 0, 0, 0, time.UTC),
		Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "2", Quantity: -1}}}
	err := broken.Customers().AppendChecked(cctx, customer.Event{Return: &r}, func([]customer.Event) error { return nil })
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, historyLen(t, check.Customers(), "C-1"), "a half-applied return was stored")
}

// An AppendChecked blocked behind another transaction's lock on the
// customer's row, whose context then ends, returns the context's error
// without calling check, and stores nothing.
func TestCanceledAppendCheckedWhileBlocked(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	s := db.Customers()
	require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
	blocker, err := sharedPool(t).Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = blocker.Rollback(ctx) }()
	_, err = blocker.Exec(ctx, `SELECT 1 FROM `+pgx.Identifier{db.Schema(), "customers"}.Sanitize()+` WHERE id = 'C-1' FOR UPDATE`)
	require.NoError(t, err)

	cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	o := sampleOrder("O-1", "C-1")
	calls := 0
	err = s.AppendChecked(cctx, customer.Event{Order: &o}, func([]customer.Event) error { calls++; return nil })
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Zero(t, calls, "check was called without the lock")
	require.NoError(t, blocker.Rollback(ctx))
	require.Zero(t, historyLen(t, s, "C-1"))
}
