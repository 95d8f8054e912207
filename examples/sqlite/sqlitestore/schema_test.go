package sqlitestore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

func tables(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.r.QueryContext(context.Background(), `SELECT name FROM sqlite_schema ORDER BY name`)
	require.NoError(t, err)
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(t, rows.Err())
	return names
}

// Opening a migrated file again applies nothing and changes no table.
func TestMigratingTwiceIsANoOp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(ctx, path, nil)
	require.NoError(t, err)
	schema := tables(t, db)
	require.NoError(t, db.Close())

	db, err = Open(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	assert.Equal(t, schema, tables(t, db))
	n, err := migrate(ctx, db.w, len(migrations))
	require.NoError(t, err)
	assert.Zero(t, n, "migrations applied to a current file")
	var rows int
	require.NoError(t, db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_version`).Scan(&rows))
	assert.Equal(t, LatestSchema, rows, "one schema_version row per migration")
	v, err := db.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, LatestSchema, v)
}

// A file of schema version 1 (customers only) with data is upgraded by
// Open: the data stays, the later stores work.
func TestOldVersionIsUpgraded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := open(ctx, path, nil, 1)
	require.NoError(t, err)
	c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}
	require.NoError(t, old.Customers().Put(ctx, c))
	_, err = old.Loyalty().Entries(ctx, "C-1", 0)
	require.Error(t, err, "a version-1 file has no ledgers")
	v, err := old.SchemaVersion(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, v)
	require.NoError(t, old.Close())

	db, err := Open(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	v, err = db.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, LatestSchema, v)
	got, err := db.Customers().Get(ctx, "C-1")
	require.NoError(t, err)
	assert.True(t, got.Equal(c))
	require.NoError(t, db.Loyalty().Append(ctx, "C-1", 0, []loyalty.Entry{{Seq: 1, Member: "C-1", Key: "k", Kind: loyalty.EntryAdjust, Points: 5}}))
	_, err = db.Complaints().Get(ctx, "K-1")
	assert.ErrorContains(t, err, "not found")
}

// A file of schema version 4, the last without credits, with a history
// is upgraded by Open: it gains the credits table and its indexes, the
// history stays, and credits can be appended and read beside it.
func TestVersion4FileGainsCredits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v4.db")
	old, err := open(ctx, path, nil, 4)
	require.NoError(t, err)
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Ana"}
	o := customer.Order{ID: "O-1", CustomerID: "C-1", Time: day, Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "COAT-1", Quantity: 1, UnitPrice: decimal.RequireFromString("199.00")}}}
	r := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: day.Add(time.Hour), Kind: customer.Refund,
		Reason: customer.QualityDefect, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	amount, err := customer.NewMoney("5.50", "EUR")
	require.NoError(t, err)
	cr := customer.Credit{ID: "CR-1", CustomerID: "C-1", OrderID: "O-1", Time: day.Add(30 * time.Minute),
		Kind: customer.PriceReduction, Amount: amount, Source: "K-1"}
	cs := old.Customers()
	require.NoError(t, cs.Put(ctx, c))
	require.NoError(t, cs.AppendOrder(ctx, o))
	require.NoError(t, cs.AppendReturn(ctx, r))
	require.Error(t, cs.AppendCredit(ctx, cr), "a version-4 file has no credits")
	assert.NotContains(t, tables(t, old), "credits")
	require.NoError(t, old.Close())

	db, err := Open(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, LatestSchema, v)
	names := tables(t, db)
	for _, n := range []string{"credits", "credits_by_customer", "credits_by_order"} {
		assert.Contains(t, names, n)
	}
	var name string
	require.NoError(t, db.r.QueryRowContext(ctx, `SELECT name FROM schema_version WHERE version = 5`).Scan(&name))
	assert.Equal(t, "credits", name)

	cs = db.Customers()
	require.NoError(t, cs.AppendCredit(ctx, cr))
	var evs []customer.Event
	for e, err := range cs.History(ctx, "C-1") {
		require.NoError(t, err)
		evs = append(evs, e)
	}
	require.Len(t, evs, 3)
	assert.True(t, evs[0].Order.Equal(o), "the order written at version 4")
	assert.True(t, evs[1].Credit.Equal(cr))
	assert.True(t, evs[2].Return.Equal(r), "the return written at version 4")
}

// A file written by a newer program is refused, unchanged.
func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := Open(ctx, path, nil)
	require.NoError(t, err)
	_, err = db.w.ExecContext(ctx, `INSERT INTO schema_version (version, name) VALUES (?, 'from the future')`, LatestSchema+1)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = Open(ctx, path, nil)
	require.ErrorIs(t, err, ErrSchemaTooNew)
}

// The connections run in WAL mode with foreign keys and a busy time-out;
// the readers cannot write.
func TestConnectionSettings(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), &Options{BusyTimeout: 1500 * time.Millisecond, Readers: 2, Durable: true})
	require.NoError(t, err)
	defer db.Close()
	pragma := func(pool *sql.DB, name string) string {
		var v string
		require.NoError(t, pool.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v))
		return v
	}
	for _, pool := range []*sql.DB{db.w, db.r} {
		assert.Equal(t, "wal", pragma(pool, "journal_mode"))
		assert.Equal(t, "1", pragma(pool, "foreign_keys"))
		assert.Equal(t, "1500", pragma(pool, "busy_timeout"))
	}
	assert.Equal(t, "2", pragma(db.w, "synchronous"), "Durable is synchronous = FULL")
	assert.Equal(t, "1", pragma(db.r, "query_only"))
	_, err = db.r.ExecContext(ctx, `DELETE FROM customers`)
	assert.Error(t, err, "a reader connection writes")
}

// A writer that waits for the writing connection stops waiting when its
// context ends, with the context's error, and writes nothing.
func TestContextEndsTheWaitForTheWriter(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	busy, err := db.w.BeginTx(ctx, nil) // holds the one writing connection
	require.NoError(t, err)
	wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = db.Loyalty().Append(wctx, "M", 0, []loyalty.Entry{{Seq: 1, Member: "M", Key: "k", Kind: loyalty.EntryAdjust}})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second, "the wait ended with the context, not the busy time-out")
	require.NoError(t, busy.Rollback())
	entries, err := db.Loyalty().Entries(ctx, "M", 0)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

// The schema itself refuses a second entry at one (member, seq) or with
// one (member, key), a second event at one (case, seq), and a history
// record of an unknown customer; constraint tells these violations apart
// for the stores to map them to their sentinels.
func TestSchemaConstraints(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	exec := func(q string, args ...any) error {
		_, err := db.w.ExecContext(ctx, q, args...)
		return err
	}
	entry := `INSERT INTO loyalty_entries (member, seq, key, kind, at, points, order_id, doc) VALUES (?, ?, ?, 'adjust', '', 0, '', '{}')`
	require.NoError(t, exec(entry, "M", 1, "k1"))
	assert.Equal(t, violatedPrimaryKey, constraint(exec(entry, "M", 1, "k2")), "same (member, seq)")
	assert.Equal(t, violatedUnique, constraint(exec(entry, "M", 2, "k1")), "same (member, key)")
	require.NoError(t, exec(entry, "N", 1, "k1"), "another member's ledger")

	require.NoError(t, exec(`INSERT INTO complaint_cases (id, version, state, priority, complainant, opened, updated, doc)
		VALUES ('K', 1, 'recorded', 'low', 'C', '', '', '{}')`))
	event := `INSERT INTO complaint_events (case_id, seq, at, command, actor, doc) VALUES (?, 1, '', 'record', '', '{}')`
	require.NoError(t, exec(event, "K"))
	assert.Equal(t, violatedPrimaryKey, constraint(exec(event, "K")), "same (case, seq)")
	assert.Equal(t, violatedForeignKey, constraint(exec(event, "nobody")), "event of an unknown case")

	assert.Equal(t, violatedForeignKey, constraint(exec(`INSERT INTO orders (id, customer_id, at, currency, doc)
		VALUES ('O', 'nobody', '', 'EUR', '{}')`)), "order of an unknown customer")
	require.NoError(t, exec(`INSERT INTO customers (id, kind, region, doc) VALUES ('C', '', '', '{}')`))
	credit := `INSERT INTO credits (id, customer_id, order_id, at, kind, amount, currency, source)
		VALUES ('CR', ?, ?, '', 'compensation', '1.00', 'EUR', '')`
	assert.Equal(t, violatedForeignKey, constraint(exec(credit, "nobody", nil)), "credit of an unknown customer")
	assert.Equal(t, violatedForeignKey, constraint(exec(credit, "C", "nothing")), "credit for an unknown order")
	require.NoError(t, exec(credit, "C", nil), "a credit for no order")
	assert.Zero(t, constraint(nil))
	assert.Zero(t, constraint(context.Canceled))
}

func TestLatestSchemaCountsTheMigrations(t *testing.T) {
	assert.Len(t, migrations, LatestSchema)
}
