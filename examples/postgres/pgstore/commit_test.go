package pgstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// batchAborter is a pgx tracer that, once armed, lets skip batches end
// as they are and then, at the end of the next batch that succeeded,
// runs a failing statement on its connection: the transaction is left
// aborted though every statement of the store's own succeeded, so that
// the server answers the store's COMMIT with ROLLBACK.
type batchAborter struct {
	mu    sync.Mutex
	armed bool
	skip  int
	fired int
}

func (a *batchAborter) arm(skip int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.armed, a.skip, a.fired = true, skip, 0
}

func (a *batchAborter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}
func (a *batchAborter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (a *batchAborter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}
func (a *batchAborter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (a *batchAborter) TraceBatchEnd(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchEndData) {
	a.mu.Lock()
	fire := a.armed && data.Err == nil
	if fire && a.skip > 0 {
		a.skip--
		fire = false
	}
	if fire {
		a.armed = false
		a.fired++
	}
	a.mu.Unlock()
	if fire {
		_, _ = conn.Exec(ctx, `SELECT 1/0`)
	}
}

// tracedCustomers returns the customer store of a new schema, and the
// schema, on a pool of its own whose connections report their queries to
// tracer.
func tracedCustomers(t *testing.T, tracer pgx.QueryTracer) (*pgstore.CustomerStore, string) {
	t.Helper()
	schema := newDB(t).Schema()
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.ConnConfig.Tracer = tracer
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return pgstore.New(p, &pgstore.Options{Schema: schema}).Customers(), schema
}

// A write whose transaction the server rolls back at COMMIT (it answers
// ROLLBACK, not an error, when an earlier statement of the transaction
// failed) is an error, matching pgx.ErrTxCommitRollback, not a success:
// for the one-statement writes and for AppendChecked. Nothing is stored.
func TestCommitAnsweredWithRollbackIsAnError(t *testing.T) {
	ctx := context.Background()
	tracer := &batchAborter{}
	s, _ := tracedCustomers(t, tracer)
	joined := time.Date(2025, 3, 2, 9, 0, 0, 0, time.UTC)

	tracer.arm(0)
	err := s.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: joined})
	require.Equal(t, 1, tracer.fired, "the tracer did not run")
	require.ErrorIs(t, err, pgx.ErrTxCommitRollback)
	assert.Contains(t, err.Error(), "C-1")
	_, err = s.Get(ctx, "C-1")
	require.ErrorIs(t, err, customer.ErrNotFound, "the customer was stored")

	require.NoError(t, s.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: joined}))
	order := customer.Order{ID: "O-1", CustomerID: "C-1", Time: joined.Add(time.Hour), Currency: "EUR"}
	tracer.arm(1) // the batch reading the history, then the append's
	err = s.AppendChecked(ctx, customer.Event{Order: &order}, func([]customer.Event) error { return nil })
	require.Equal(t, 1, tracer.fired, "the tracer did not run")
	require.ErrorIs(t, err, pgx.ErrTxCommitRollback)
	assert.Contains(t, err.Error(), "O-1")
	for e, err := range s.History(ctx, "C-1") {
		require.NoError(t, err)
		t.Errorf("an event was stored: %+v", e)
	}
}
