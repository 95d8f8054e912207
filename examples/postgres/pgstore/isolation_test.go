package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"github.com/tailorcrm/tailor/loyalty"
)

// serializablePool returns a pool of its own whose sessions start with
// default_transaction_isolation = serializable, as on a server (or
// database, or role) that a DBA configured so.
func serializablePool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.ConnConfig.RuntimeParams["default_transaction_isolation"] = "serializable"
	cfg.MaxConns = 16
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	var iso string
	require.NoError(t, p.QueryRow(context.Background(), `SHOW default_transaction_isolation`).Scan(&iso))
	require.Equal(t, "serializable", iso)
	return p
}

// serializableDB returns a migrated DB in a new schema over a
// [serializablePool].
func serializableDB(t *testing.T) *pgstore.DB {
	t.Helper()
	p := serializablePool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, sharedPool(t), schema) })
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, db.Migrate(context.Background()))
	return db
}

// Processes migrating one new schema at once on a server whose default
// isolation is SERIALIZABLE: each migration is applied once and every
// Migrate succeeds. (A migrator that waited for the advisory lock must
// see the tables the first one committed meanwhile, which a snapshot
// taken before the wait would hide.)
func TestMigrateConcurrentlyUnderSerializableDefault(t *testing.T) {
	migrateConcurrently(t, serializablePool(t))
}

// The stores' concurrency rests on READ COMMITTED (a writer that waited
// for a row re-checks its condition on the committed row), so they pin
// it: on a server whose default isolation is SERIALIZABLE, concurrent
// writers still get the library's errors — one Save of a complaint
// version or one Append at a ledger version wins and the others get
// ErrConflict, concurrent Updates of one customer all apply, none lost,
// and so do concurrent Puts, Inserts and AppendChecked calls —
// never a serialization failure (SQLSTATE 40001).
func TestWritesUnderSerializableDefault(t *testing.T) {
	ctx := context.Background()
	db := serializableDB(t)
	const n = 12
	run := func(f func(i int) error) []error { return concurrently(n, f) }
	oneWins := func(t *testing.T, errs []error, conflict error) {
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			assert.ErrorIs(t, err, conflict)
		}
		assert.Equal(t, 1, won, "winners")
	}

	t.Run("complaint Save", func(t *testing.T) {
		cs := db.Complaints()
		for round := range 5 {
			id := complaint.ID(fmt.Sprintf("C-%d", round))
			c, ev := complainttest.Record(id, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			require.NoError(t, cs.Save(ctx, c, ev))
			next, nev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdAccept}, complainttest.Agent, c.Updated.Add(time.Hour))
			require.NoError(t, err)
			oneWins(t, run(func(int) error { return cs.Save(ctx, next, nev) }), complaint.ErrConflict)
		}
	})

	t.Run("loyalty Append", func(t *testing.T) {
		ls := db.Loyalty()
		for round := range 5 {
			member := customer.ID(fmt.Sprintf("M-%d", round))
			oneWins(t, run(func(i int) error {
				return ls.Append(ctx, member, 0, []loyalty.Entry{{Seq: 1, Member: member, Key: fmt.Sprintf("adjust:%d", i),
					Fingerprint: loyalty.Fingerprint(i), Kind: loyalty.EntryAdjust, Points: 1}})
			}), loyalty.ErrConflict)
		}
	})

	t.Run("customer Put", func(t *testing.T) {
		cs := db.Customers()
		for _, err := range run(func(i int) error {
			return cs.Put(ctx, customer.Customer{ID: "C-2", Kind: customer.Consumer, Name: fmt.Sprint(i)})
		}) {
			assert.NoError(t, err)
		}
	})

	t.Run("customer Insert", func(t *testing.T) {
		cs := db.Customers()
		for _, err := range run(func(int) error {
			return cs.Insert(ctx, customer.Customer{ID: "C-4", Kind: customer.Consumer, Name: "Ana"})
		}) {
			assert.NoError(t, err, "an insert of the same customer is a redelivery")
		}
	})

	t.Run("customer AppendChecked", func(t *testing.T) {
		cs := db.Customers()
		require.NoError(t, cs.Put(ctx, customer.Customer{ID: "C-3", Kind: customer.Consumer}))
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		for _, err := range run(func(i int) error {
			o := customer.Order{ID: fmt.Sprintf("O-%d", i), CustomerID: "C-3", Time: at, Currency: "EUR"}
			return cs.AppendChecked(ctx, customer.Event{Order: &o}, func([]customer.Event) error { return nil })
		}) {
			assert.NoError(t, err)
		}
		stored := 0
		for _, err := range cs.History(ctx, "C-3") {
			require.NoError(t, err)
			stored++
		}
		assert.Equal(t, n, stored, "orders stored")
	})

	t.Run("customer Update", func(t *testing.T) {
		cs := db.Customers()
		require.NoError(t, cs.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
		for _, err := range run(func(i int) error {
			return cs.Update(ctx, "C-1", func(c *customer.Customer) error {
				c.Profile.Styles = append(c.Profile.Styles, fmt.Sprint(i))
				return nil
			})
		}) {
			assert.NoError(t, err)
		}
		got, err := cs.Get(ctx, "C-1")
		require.NoError(t, err)
		assert.Len(t, got.Profile.Styles, n, "an update was lost")
	})

}
