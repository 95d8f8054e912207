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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// ComplaintStore lists the logs of many cases ([complaint.LogLister]).
var _ complaint.LogLister = (*pgstore.ComplaintStore)(nil)

// queryCounter counts the statements run through a pool, alone or in a
// batch, but those that begin or end a transaction or set its
// search_path.
type queryCounter struct {
	mu  sync.Mutex
	sql []string
}

func (c *queryCounter) add(sql string) {
	for _, control := range []string{"BEGIN", "COMMIT", "ROLLBACK", "SET LOCAL search_path"} {
		if strings.HasPrefix(sql, control) {
			return
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sql = append(c.sql, sql)
}

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	c.add(data.SQL)
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *queryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (c *queryCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	c.add(data.SQL)
}

func (c *queryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (c *queryCounter) reset() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.sql
	c.sql = nil
	return out
}

// Service.Logs over PostgreSQL reads the logs of every case of a period,
// of every complainant, in one query, whatever the number of cases, and
// gives each whole and in order.
func TestComplaintLogsOneQuery(t *testing.T) {
	ctx := context.Background()
	check := newDB(t)
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	counter := &queryCounter{}
	cfg.ConnConfig.Tracer = counter
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	s := pgstore.New(p, &pgstore.Options{Schema: check.Schema()}).Complaints()
	svc := &complaint.Service{Store: s}

	const n = 300
	want := make(map[complaint.ID][]complaint.Event, n)
	for i := range n {
		// IDs descend as openings ascend, and nanoseconds tell openings
		// apart, so that neither the ID nor the microsecond gives the order.
		id := complaint.ID(fmt.Sprintf("C-%03d", n-i))
		opened := complainttest.T0.Add(time.Duration(i/2)*time.Minute + time.Duration(i%2)*time.Nanosecond)
		_, evs := complainttest.RunFor(id, customer.ID(fmt.Sprint("cust-", i%7)), opened, i%9)
		for j := range evs {
			c, err := complaint.Rebuild(evs[:j+1])
			require.NoError(t, err)
			require.NoError(t, check.Complaints().Save(ctx, c, evs[j]))
		}
		want[id] = evs
	}
	for _, r := range []struct {
		from, to time.Time
		first, n int
	}{
		{complainttest.T0, complainttest.T0.Add(time.Hour), 0, 120},
		{complainttest.T0.Add(time.Nanosecond), complainttest.T0.Add(10 * time.Minute), 1, 19},
		{time.Time{}, complainttest.T0.AddDate(1, 0, 0), 0, n},
		{complainttest.T0.Add(time.Hour).Add(time.Nanosecond), complainttest.T0.AddDate(100000, 0, 0), 121, n - 121},
	} {
		counter.reset()
		logs, err := svc.Logs(ctx, r.from, r.to)
		require.NoError(t, err)
		queries := counter.reset()
		assert.Len(t, queries, 1, "statements for %d cases: %s", len(logs), strings.Join(queries, "; "))
		require.Len(t, logs, r.n, "from %s to %s", r.from, r.to)
		for k, log := range logs {
			id := complaint.ID(fmt.Sprintf("C-%03d", n-r.first-k))
			require.Equal(t, id, log[0].Case, "log %d from %s", k, r.from)
			assert.True(t, complainttest.SameEvents(want[id], log), "log of %s", id)
		}
	}
}

// The query of Logs finds the period's cases by the index on
// (opened, opened_ns, id), its bounds an index condition, not by a scan
// of the cases. (How it joins their events is the planner's choice by
// the tables' sizes: a small table of events is read whole.)
func TestComplaintLogsUseTheIndex(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	for i := range 2000 {
		_, ev := complainttest.RecordFor(complaint.ID(fmt.Sprint("K-", i)), "cust-a", complainttest.T0.Add(time.Duration(i)*time.Minute))
		c, err := complaint.Rebuild([]complaint.Event{ev})
		require.NoError(t, err)
		require.NoError(t, db.Complaints().Save(ctx, c, ev))
	}
	conn, err := db.Pool().Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `ANALYZE `+pgx.Identifier{db.Schema(), "complaint_cases"}.Sanitize()+`, `+pgx.Identifier{db.Schema(), "complaint_events"}.Sanitize())
	require.NoError(t, err)
	var plan []string
	rows, err := conn.Query(ctx, `EXPLAIN `+pgstore.LogsQuery(db, true, true), complainttest.T0, 0, complainttest.T0.Add(time.Hour), 0)
	require.NoError(t, err)
	plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	text := strings.Join(plan, "\n")
	assert.Contains(t, text, "using complaint_cases_opened on complaint_cases", text)
	assert.Contains(t, text, "Index Cond: ((ROW(opened, opened_ns) >= ROW(", text)
	assert.NotContains(t, text, "Seq Scan on complaint_cases", text)
}
