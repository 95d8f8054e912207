package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
)

// slowChecks holds each check of its AppendChecked for 5 ms, so that a
// store that let other writers in between a check and its append would
// let them in.
type slowChecks struct{ *sqlitestore.Customers }

func (s slowChecks) AppendChecked(ctx context.Context, e customer.Event, check func([]customer.Event) error) error {
	return s.Customers.AppendChecked(ctx, e, func(h []customer.Event) error {
		time.Sleep(5 * time.Millisecond)
		return check(h)
	})
}

// Six DBs on one file — six processes, as far as SQLite can tell — each
// with its own customer.Recorder, record at once refunds of all the units
// of one order: the store checks and appends each in one write
// transaction (customer.CheckedAppender), so exactly one refund is
// accepted and the history still summarises.
func TestRecorderAcrossConnections(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shop.db")
	opts := &sqlitestore.Options{BusyTimeout: time.Minute}
	var recs [6]*customer.Recorder
	var stores [6]*sqlitestore.Customers
	for i := range recs {
		db, err := sqlitestore.Open(ctx, path, opts)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		stores[i] = db.Customers()
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
