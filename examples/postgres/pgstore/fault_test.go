package pgstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

// hook is a pgx query and batch tracer that runs action once, just
// before the first statement (or batch with a statement) whose SQL
// contains match is sent.
type hook struct {
	mu     sync.Mutex
	match  string
	action func(conn *pgx.Conn)
	fired  bool
}

func (h *hook) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	h.maybeFire(conn, data.SQL)
	return ctx
}

func (h *hook) TraceBatchStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	for _, q := range data.Batch.QueuedQueries {
		if h.maybeFire(conn, q.SQL) {
			break
		}
	}
	return ctx
}

func (h *hook) maybeFire(conn *pgx.Conn, sql string) bool {
	h.mu.Lock()
	fire := h.action != nil && !h.fired && strings.Contains(sql, h.match)
	if fire {
		h.fired = true
	}
	h.mu.Unlock()
	if fire {
		h.action(conn)
	}
	return fire
}

func (h *hook) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData)     {}
func (h *hook) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (h *hook) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// arm sets the statement to catch and what to do then.
func (h *hook) arm(match string, action func(conn *pgx.Conn)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.match, h.action, h.fired = match, action, false
}

func (h *hook) hasFired() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.fired
}

// faultyDB returns two DBs over one new schema: one on its own pool,
// traced by the returned hook, to break; and one on the shared pool, to
// look at what the broken calls left behind.
func faultyDB(t *testing.T) (broken, check *pgstore.DB, h *hook) {
	t.Helper()
	check = newDB(t)
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	h = &hook{}
	cfg.ConnConfig.Tracer = h
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return pgstore.New(p, &pgstore.Options{Schema: check.Schema()}), check, h
}

// terminate ends conn's server process from another connection, as a
// crashed server, a restarted proxy or a network failure would.
func terminate(t *testing.T) func(conn *pgx.Conn) {
	return func(conn *pgx.Conn) {
		var ok bool
		err := sharedPool(t).QueryRow(context.Background(), `SELECT pg_terminate_backend($1, 10000)`, conn.PgConn().PID()).Scan(&ok)
		if err != nil || !ok {
			t.Errorf("pg_terminate_backend: %v, %v", ok, err)
		}
	}
}

func sampleOrder(id string, c customer.ID) customer.Order {
	return customer.Order{ID: id, CustomerID: c, Time: time.Date(2025, 5, 1, 12, 0, 0, 123456789, time.UTC),
		Channel: customer.Online, Store: "web", Currency: "EUR",
		Lines: []customer.Line{
			{ID: "1", SKU: "COAT-1", Quantity: 1, UnitPrice: decimal.RequireFromString("199.90")},
			{ID: "2", SKU: "SCARF-3", Quantity: 2, UnitPrice: decimal.RequireFromString("39.95")},
		}}
}

func historyLen(t *testing.T, s *pgstore.CustomerStore, id customer.ID) int {
	t.Helper()
	n := 0
	for _, err := range s.History(context.Background(), id) {
		require.NoError(t, err)
		n++
	}
	return n
}

// A connection that drops after the order and its lines were written, but
// before the commit, leaves no order behind; the same order delivered
// again is then stored whole.
func TestDroppedConnectionAppendOrder(t *testing.T) {
	broken, check, h := faultyDB(t)
	ctx := context.Background()
	require.NoError(t, check.Customers().Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
	h.arm("COMMIT", terminate(t))
	o := sampleOrder("O-1", "C-1")
	err := broken.Customers().AppendOrder(ctx, o)
	t.Logf("AppendOrder over a dropped connection: %v", err)
	require.Error(t, err)
	assert.True(t, h.hasFired())
	assert.NotErrorIs(t, err, customer.ErrDuplicate)
	assert.NotErrorIs(t, err, customer.ErrNotFound)
	assert.Zero(t, historyLen(t, check.Customers(), "C-1"), "a half-applied order was stored")
	// The pool replaces the dead connection; a redelivery succeeds.
	require.NoError(t, broken.Customers().AppendOrder(ctx, o))
	var got []customer.Event
	for e, err := range check.Customers().History(ctx, "C-1") {
		require.NoError(t, err)
		got = append(got, e)
	}
	require.Len(t, got, 1)
	assert.True(t, got[0].Order.Equal(o))
}

// A context cancelled after the return was written, before the commit,
// leaves no return behind.
func TestCanceledAppendReturn(t *testing.T) {
	broken, check, h := faultyDB(t)
	ctx := context.Background()
	require.NoError(t, check.Customers().Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
	require.NoError(t, check.Customers().AppendOrder(ctx, sampleOrder("O-1", "C-1")))
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h.arm("COMMIT", func(*pgx.Conn) { cancel() })
	r := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: time.Date(2025, 5, 3, 0, 0, 0, 0, time.UTC),
		Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "2", Quantity: -1}}}
	err := broken.Customers().AppendReturn(cctx, r)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, historyLen(t, check.Customers(), "C-1"), "a half-applied return was stored")
	require.NoError(t, broken.Customers().AppendReturn(ctx, r))
	assert.Equal(t, 2, historyLen(t, check.Customers(), "C-1"))
}

// A connection that drops after the case was updated and its event
// inserted, but before the commit, leaves the case at its old version; a
// retry of the same save then succeeds.
func TestDroppedConnectionComplaintSave(t *testing.T) {
	broken, check, h := faultyDB(t)
	ctx := context.Background()
	_, evs := complainttest.Run("C-1", complainttest.T0, 2)
	for i := range evs[:2] {
		c, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, check.Complaints().Save(ctx, c, evs[i]))
	}
	next, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	h.arm("COMMIT", terminate(t))
	err = broken.Complaints().Save(ctx, next, evs[2])
	t.Logf("Save over a dropped connection: %v", err)
	require.Error(t, err)
	assert.True(t, h.hasFired())
	assert.NotErrorIs(t, err, complaint.ErrConflict)
	got, err := check.Complaints().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, 2, got.Version, "the case moved on without its event")
	stored, err := check.Complaints().Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, stored, 2)
	require.NoError(t, broken.Complaints().Save(ctx, next, evs[2]))
	got, err = check.Complaints().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.True(t, complainttest.Same(next, got))
}

// A Save blocked behind another transaction's lock on the case, whose
// context is then cancelled, returns the context's error and changes
// nothing.
func TestCanceledComplaintSaveWhileBlocked(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	_, evs := complainttest.Run("C-1", complainttest.T0, 1)
	first, err := complaint.Rebuild(evs[:1])
	require.NoError(t, err)
	require.NoError(t, db.Complaints().Save(ctx, first, evs[0]))
	next, err := complaint.Rebuild(evs)
	require.NoError(t, err)

	blocker, err := sharedPool(t).Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = blocker.Rollback(ctx) }()
	_, err = blocker.Exec(ctx, `SELECT 1 FROM `+pgx.Identifier{db.Schema(), "complaint_cases"}.Sanitize()+` WHERE id = 'C-1' FOR UPDATE`)
	require.NoError(t, err)

	cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err = db.Complaints().Save(cctx, next, evs[1])
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NoError(t, blocker.Rollback(ctx))
	got, err := db.Complaints().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, 1, got.Version)
	stored, err := db.Complaints().Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, stored, 1)
}

// loyaltyHistory applies a join and n purchases to member through svc.
func loyaltyHistory(t *testing.T, svc *loyalty.Service, member customer.ID, n int) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: member, Time: now.Add(-24 * time.Hour)}, now)
	require.NoError(t, err)
	for i := range n {
		_, _, err := svc.Apply(ctx, loyalty.Purchase{Order: loyaltytest.Order(fmt.Sprintf("O%d", i), member, 50, i)}, now)
		require.NoError(t, err)
	}
}

// An Append blocked behind another writer's uncommitted entry, whose
// connection then drops, returns an error; the ledger is as before.
func TestDroppedConnectionLoyaltyAppendWhileBlocked(t *testing.T) {
	broken, check, h := faultyDB(t)
	ctx := context.Background()
	svc := loyalty.NewService(loyaltytest.Programme(), check.Loyalty(), &loyalty.ServiceOptions{NoCache: true})
	loyaltyHistory(t, svc, "M1", 2)
	before, err := check.Loyalty().Entries(ctx, "M1", 0)
	require.NoError(t, err)
	version := int64(len(before))

	// Another writer holds seq version+1 in an open transaction: the
	// insert below waits for it on the primary key.
	blocker, err := sharedPool(t).Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = blocker.Rollback(ctx) }()
	_, err = blocker.Exec(ctx, `INSERT INTO `+pgx.Identifier{check.Schema(), "loyalty_entries"}.Sanitize()+`
		(member, seq, key, fingerprint, kind, at_ns, effective_ns, points, order_id, spend, detail)
		VALUES ('M1', $1, 'other-writer', 0, 1, 0, 0, 0, '', 0, '{}')`, version+1)
	require.NoError(t, err)

	batch := []loyalty.Entry{
		{Seq: version + 1, Member: "M1", Key: "adj-1", Kind: loyalty.EntryAdjust, Points: 5, Time: time.Now().UTC()},
		{Seq: version + 2, Member: "M1", Key: "adj-2", Kind: loyalty.EntryAdjust, Points: 7, Time: time.Now().UTC()},
	}
	h.arm("INSERT INTO", func(conn *pgx.Conn) {
		pid := conn.PgConn().PID()
		go func() {
			// Wait until the insert is blocked on the lock, then kill it.
			waitBlocked(t, pid)
			terminate(t)(conn)
		}()
	})
	err = broken.Loyalty().Append(ctx, "M1", version, batch)
	t.Logf("Append over a dropped connection: %v", err)
	require.Error(t, err)
	assert.NotErrorIs(t, err, loyalty.ErrConflict)
	assert.NotErrorIs(t, err, loyalty.ErrDuplicate)
	require.NoError(t, blocker.Rollback(ctx))
	after, err := check.Loyalty().Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Len(t, after, len(before), "a failed append changed the ledger")
	require.NoError(t, broken.Loyalty().Append(ctx, "M1", version, batch), "the ledger still accepts the batch")
}

// waitBlocked waits until the server process pid waits for a lock.
func waitBlocked(t *testing.T, pid uint32) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var waiting bool
		err := sharedPool(t).QueryRow(context.Background(),
			`SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&waiting)
		if err == nil && waiting {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("server process %d never waited for the lock", pid)
}

// A context cancelled after the entries were written, before the commit,
// leaves the ledger as it was.
func TestCanceledLoyaltyAppend(t *testing.T) {
	broken, check, h := faultyDB(t)
	ctx := context.Background()
	batch := []loyalty.Entry{
		{Seq: 1, Member: "M1", Key: "adj-1", Kind: loyalty.EntryAdjust, Points: 5},
		{Seq: 2, Member: "M1", Key: "adj-2", Kind: loyalty.EntryAdjust, Points: 7},
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h.arm("COMMIT", func(*pgx.Conn) { cancel() })
	require.ErrorIs(t, broken.Loyalty().Append(cctx, "M1", 0, batch), context.Canceled)
	got, err := check.Loyalty().Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Empty(t, got, "a cancelled append changed the ledger")
	require.NoError(t, broken.Loyalty().Append(ctx, "M1", 0, batch))
	got, err = check.Loyalty().Entries(ctx, "M1", 0)
	require.NoError(t, err)
	assert.Len(t, got, 2)
}

// Closing the pool while writers are busy: every call returns nil or an
// error (no panic), every acknowledged append is stored, and the ledger
// replays.
func TestPoolClosedUnderLoad(t *testing.T) {
	check := newDB(t)
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	db := pgstore.New(p, &pgstore.Options{Schema: check.Schema()})
	svc := loyalty.NewService(loyaltytest.Programme(), db.Loyalty(), &loyalty.ServiceOptions{NoCache: true, Retries: 1000})
	loyaltyHistory(t, svc, "M1", 0)

	ctx := context.Background()
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		acked = map[string]bool{}
		fails int
	)
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				id := fmt.Sprintf("W%d-%d", w, i)
				_, _, err := svc.Apply(ctx, loyalty.Purchase{Order: loyaltytest.Order(id, "M1", 10, i)}, now)
				mu.Lock()
				if err == nil {
					acked[id] = true
				} else {
					fails++
				}
				mu.Unlock()
			}
		})
	}
	time.Sleep(150 * time.Millisecond)
	p.Close()
	wg.Wait()
	assert.Positive(t, fails, "closing the pool failed no call")

	entries, err := check.Loyalty().Entries(ctx, "M1", 0)
	require.NoError(t, err)
	a, err := loyalty.Replay(entries)
	require.NoError(t, err, "the ledger replays")
	for id := range acked {
		_, _, ok := a.OrderPoints(id)
		assert.True(t, ok, "acknowledged purchase %s is missing", id)
	}
	earns := 0
	for _, e := range entries {
		if e.Kind == loyalty.EntryEarn {
			earns++
		}
	}
	assert.GreaterOrEqual(t, earns, len(acked))
	assert.Equal(t, loyalty.Points(10*earns), a.Balance(), "balance = the stored earns")

	// The closed pool answers with errors, not panics.
	_, err = db.Customers().Get(ctx, "C-1")
	assert.Error(t, err)
	assert.NotErrorIs(t, err, customer.ErrNotFound)
	assert.Error(t, db.Loyalty().Append(ctx, "M1", 0, nil))
	_, err = db.Complaints().Events(ctx, "C-1")
	assert.Error(t, err)
	assert.NotErrorIs(t, err, complaint.ErrNotFound)
}
