package pgstore_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/customertest"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

// typeShadowedPool returns a pool whose every session has a temporary
// type named like each type the stores' queries and the migrations cast
// to or declare a column of, which PostgreSQL searches before
// pg_catalog unless the search_path names pg_temp: text a varchar(4)
// (an amount or an ID read or written as text is cut to 4 characters),
// timestamptz one rounded to the second, and int2, int4, int8 and jsonb
// ones no value but NULL fits.
func typeShadowedPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.MaxConns = 4
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		for _, q := range []string{
			`CREATE DOMAIN pg_temp.text AS pg_catalog.varchar(4)`,
			`CREATE DOMAIN pg_temp.timestamptz AS pg_catalog.timestamptz(0)`,
			`CREATE DOMAIN pg_temp.int2 AS pg_catalog.int2 CHECK (VALUE IS NULL)`,
			`CREATE DOMAIN pg_temp.int4 AS pg_catalog.int4 CHECK (VALUE IS NULL)`,
			`CREATE DOMAIN pg_temp.int8 AS pg_catalog.int8 CHECK (VALUE IS NULL)`,
			`CREATE DOMAIN pg_temp.jsonb AS pg_catalog.jsonb CHECK (VALUE IS NULL)`,
		} {
			if _, err := conn.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	var cut string
	require.NoError(t, p.QueryRow(context.Background(), `SELECT (12345.678::numeric::text)::pg_catalog.text`).Scan(&cut))
	require.Equal(t, "1234", cut, "the session's temporary type text")
	return p
}

// typeShadowedDB returns a DB over a new schema, migrated on a session of
// typeShadowedPool; the schema is dropped when t ends.
func typeShadowedDB(t *testing.T, p *pgxpool.Pool) *pgstore.DB {
	t.Helper()
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, sharedPool(t), schema) })
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, db.Migrate(context.Background()))
	return db
}

// A session with temporary types named like the built-in types the
// stores name (text, timestamptz, int2, int4, int8, jsonb), which
// PostgreSQL searches first for an unqualified type name, changes
// nothing: Migrate gives the schema's columns (schema_version's too) the
// built-in types, and every store passes its conformance kit on such
// sessions, as the queries name the types in pg_catalog. (numeric, a
// keyword of the grammar, is pg_catalog's whatever the session has.)
func TestStoresIgnoreTemporaryTypes(t *testing.T) {
	testDSN(t)
	t.Parallel()
	p := typeShadowedPool(t)
	t.Run("schema", func(t *testing.T) {
		db := typeShadowedDB(t, p)
		rows, err := sharedPool(t).Query(context.Background(), `SELECT c.relname || '.' || a.attname
			FROM pg_catalog.pg_attribute a
			JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
			JOIN pg_catalog.pg_type y ON y.oid = a.atttypid
			WHERE c.relnamespace = $1::pg_catalog.regnamespace AND c.relkind = 'r' AND a.attnum > 0
				AND NOT a.attisdropped AND y.typnamespace <> 'pg_catalog'::pg_catalog.regnamespace
			ORDER BY 1`, pgx.Identifier{db.Schema()}.Sanitize())
		require.NoError(t, err)
		odd, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		assert.Empty(t, odd, "columns of a type outside pg_catalog")
	})
	t.Run("customers", func(t *testing.T) {
		customertest.TestStore(t, func(t *testing.T) customer.Directory { return typeShadowedDB(t, p).Customers() })
	})
	t.Run("histories", func(t *testing.T) {
		customertest.TestHistoryStore(t, func(t *testing.T) (customer.Directory, customer.HistoryStore) {
			s := typeShadowedDB(t, p).Customers()
			return s, s
		})
	})
	t.Run("complaints", func(t *testing.T) {
		complainttest.TestStore(t, func(t *testing.T) complaint.Store { return typeShadowedDB(t, p).Complaints() })
	})
	t.Run("loyalty", func(t *testing.T) {
		loyaltytest.TestStore(t, func(t *testing.T) loyalty.Store { return typeShadowedDB(t, p).Loyalty() })
	})
}
