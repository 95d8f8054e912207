package pgstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// tempShadowed is the JSON instant of the rows of the temporary tables
// shadowedPool makes: nanoseconds 789, which the rows' columns say are 0.
const tempShadowed = "2026-03-02T09:00:00.123456789Z"

// shadowedPool returns a pool of one connection whose session has a
// temporary table named like each table of the schema: a one-column table
// for most, and for complaint_cases and complaint_events the columns
// migration 10 rewrites, with a row whose nanosecond columns (0) are not
// those of its JSON (tempShadowed).
func shadowedPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.MaxConns = 1
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		for _, name := range []string{"schema_version", "customers", "orders", "order_lines", "returns",
			"return_lines", "interactions", "loyalty_entries", "credits"} {
			if _, err := conn.Exec(ctx, `CREATE TEMPORARY TABLE `+name+` (id text PRIMARY KEY)`); err != nil {
				return err
			}
		}
		for _, q := range []string{
			`CREATE TEMPORARY TABLE complaint_cases (id text PRIMARY KEY, opened_ns smallint, updated_ns smallint, body jsonb)`,
			`INSERT INTO complaint_cases VALUES ('K-temp', 0, 0, jsonb_build_object('opened', $1::text, 'updated', $1::text))`,
			`CREATE TEMPORARY TABLE complaint_events (case_id text, seq bigint, at_ns smallint, body jsonb)`,
			`INSERT INTO complaint_events VALUES ('K-temp', 1, 0, jsonb_build_object('at', $1::text))`,
		} {
			var args []any
			if strings.HasPrefix(q, "INSERT") {
				args = append(args, tempShadowed)
			}
			if _, err := conn.Exec(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	}
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	var n int
	require.NoError(t, p.QueryRow(context.Background(), `SELECT count(*) FROM pg_temp.complaint_cases`).Scan(&n))
	require.Equal(t, 1, n, "the session's temporary complaint_cases")
	return p
}

// checkTempTablesUntouched checks that the temporary tables of
// shadowedPool's session are as it made them: the rows' nanoseconds
// still 0, no trigger, no column added.
func checkTempTablesUntouched(t *testing.T, p *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	var opened, updated, at int16
	require.NoError(t, p.QueryRow(ctx, `SELECT opened_ns, updated_ns FROM pg_temp.complaint_cases`).Scan(&opened, &updated))
	require.NoError(t, p.QueryRow(ctx, `SELECT at_ns FROM pg_temp.complaint_events`).Scan(&at))
	assert.Equal(t, [3]int16{}, [3]int16{opened, updated, at}, "the temporary tables' rows are as they were")
	var triggers, columns int
	require.NoError(t, p.QueryRow(ctx, `SELECT count(*) FROM pg_catalog.pg_trigger
		WHERE tgrelid IN ('pg_temp.complaint_cases'::regclass, 'pg_temp.complaint_events'::regclass)`).Scan(&triggers))
	assert.Zero(t, triggers, "triggers on the temporary tables")
	require.NoError(t, p.QueryRow(ctx, `SELECT count(*) FROM pg_catalog.pg_attribute
		WHERE attrelid = 'pg_temp.customers'::regclass AND attnum > 0 AND NOT attisdropped`).Scan(&columns))
	assert.Equal(t, 1, columns, "columns of the temporary customers")
}

// checkSchemaTriggers checks that the instants triggers of migration 10
// are on the schema's complaint tables.
func checkSchemaTriggers(t *testing.T, schema string) {
	t.Helper()
	var n int
	require.NoError(t, sharedPool(t).QueryRow(context.Background(), `SELECT count(*) FROM pg_catalog.pg_trigger g
		JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = $1 AND g.tgname IN ('complaint_cases_instants', 'complaint_events_instants')`, schema).Scan(&n))
	assert.Equal(t, 2, n, "the instants triggers on the schema's tables")
}

// A session with temporary tables named like the schema's (which
// PostgreSQL searches before any schema unless the search_path names
// pg_temp) migrates the schema's tables, never its own: a new schema is
// created whole, and an upgrade through migration 10 fills the
// nanoseconds of the schema's complaint rows and puts its triggers on
// the schema's tables; the temporary tables are as they were.
func TestMigrateIgnoresTemporaryTables(t *testing.T) {
	ctx := context.Background()
	t.Run("new schema", func(t *testing.T) {
		p := shadowedPool(t)
		schema := newSchemaName()
		t.Cleanup(func() { dropSchema(t, sharedPool(t), schema) })
		db := pgstore.New(p, &pgstore.Options{Schema: schema})
		require.NoError(t, db.Migrate(ctx))
		assert.Equal(t, allVersions(), versions(t, schema))
		checkSchemaTriggers(t, schema)
		checkTempTablesUntouched(t, p)
		require.NoError(t, db.Migrate(ctx), "migrating again")
	})
	t.Run("upgrade", func(t *testing.T) {
		shared := sharedPool(t)
		schema := newSchemaName()
		t.Cleanup(func() { dropSchema(t, shared, schema) })
		require.NoError(t, pgstore.MigrateTo(ctx, pgstore.New(shared, &pgstore.Options{Schema: schema}), 9))
		c, evs := insertClosedCase(t, shared, schema, "K-1", "anna", complainttest.T0.Add(1500*time.Nanosecond))

		p := shadowedPool(t)
		db := pgstore.New(p, &pgstore.Options{Schema: schema})
		require.NoError(t, db.Migrate(ctx))
		assert.Equal(t, allVersions(), versions(t, schema))
		checkSchemaTriggers(t, schema)
		checkTempTablesUntouched(t, p)
		sameInstant(t, c.Opened, columnInstant(t, db, "complaint_cases", "opened", `id = $1`, "K-1"), "column opened")
		sameInstant(t, c.Updated, columnInstant(t, db, "complaint_cases", "updated", `id = $1`, "K-1"), "column updated")
		for _, ev := range evs {
			sameInstant(t, ev.At, columnInstant(t, db, "complaint_events", "at", `case_id = $1 AND seq = $2`, "K-1", ev.Seq),
				fmt.Sprintf("column at of event %d", ev.Seq))
		}
		// The stores, whose names are qualified, work on the session too.
		got, err := db.Complaints().Get(ctx, "K-1")
		require.NoError(t, err)
		assert.True(t, complainttest.Same(c, got))
		cases, err := db.Complaints().Cases(ctx, "anna")
		require.NoError(t, err)
		assert.Equal(t, []complaint.ID{"K-1"}, listedIDs(t, cases))
	})
}
