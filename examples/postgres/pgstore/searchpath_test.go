package pgstore_test

import (
	"context"
	"testing"
	"time"

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

// shadowSQL fills the schema named by the setting tailor.shadow with a
// function, operator or aggregate of the same name and argument types as
// each one of pg_catalog that PL/pgSQL can declare (every one but those
// taking or returning internal, cstring, "any" and the like), each
// raising an error naming what it shadows: a session whose search_path
// names that schema before pg_catalog calls it instead of the built-in.
const shadowSQL = `DO $do$
DECLARE
	s text := pg_catalog.current_setting('tailor.shadow');
	r record;
	body text;
BEGIN
	FOR r IN SELECT p.oid, p.proname, p.prokind,
			pg_catalog.pg_get_function_arguments(p.oid) AS args,
			pg_catalog.pg_get_function_identity_arguments(p.oid) AS ids,
			pg_catalog.pg_get_function_result(p.oid) AS result
		FROM pg_catalog.pg_proc p LEFT JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid
		WHERE p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace
			AND (p.prokind = 'f' OR p.prokind = 'a' AND a.aggkind = 'n')
	LOOP
		body := pg_catalog.format('$b$BEGIN RAISE EXCEPTION %L; END$b$', 'shadowed: ' || r.proname || '(' || r.ids || ')');
		BEGIN
			IF r.prokind = 'f' THEN
				EXECUTE pg_catalog.format('CREATE FUNCTION %I.%I(%s) RETURNS %s LANGUAGE plpgsql AS %s',
					s, r.proname, r.args, r.result, body);
			ELSE
				EXECUTE pg_catalog.format('CREATE FUNCTION %I.%I(pg_catalog.int8%s) RETURNS pg_catalog.int8 LANGUAGE plpgsql AS %s',
					s, 'agg_s_' || r.oid, CASE WHEN r.ids = '' THEN '' ELSE ', ' || r.ids END, body);
				EXECUTE pg_catalog.format('CREATE FUNCTION %I.%I(pg_catalog.int8%s) RETURNS %s LANGUAGE plpgsql AS %s',
					s, 'agg_f_' || r.oid, CASE WHEN r.ids = '' THEN '' ELSE ', ' || r.ids END, r.result, body);
				EXECUTE pg_catalog.format('CREATE AGGREGATE %I.%I(%s) (sfunc = %I.%I, stype = pg_catalog.int8, finalfunc = %I.%I, finalfunc_extra)',
					s, r.proname, CASE WHEN r.ids = '' THEN '*' ELSE r.ids END, s, 'agg_s_' || r.oid, s, 'agg_f_' || r.oid);
			END IF;
		EXCEPTION WHEN others THEN
			NULL; -- a signature PL/pgSQL cannot declare
		END;
	END LOOP;
	FOR r IN SELECT o.oid, o.oprname, o.oprleft, o.oprright, o.oprresult
		FROM pg_catalog.pg_operator o
		WHERE o.oprnamespace = 'pg_catalog'::pg_catalog.regnamespace AND o.oprcode <> 0
	LOOP
		body := pg_catalog.format('$b$BEGIN RAISE EXCEPTION %L; END$b$', 'shadowed: operator ' || r.oprname);
		BEGIN
			IF r.oprleft = 0 THEN
				EXECUTE pg_catalog.format('CREATE FUNCTION %I.%I(%s) RETURNS %s LANGUAGE plpgsql AS %s',
					s, 'op_' || r.oid, r.oprright::pg_catalog.regtype, r.oprresult::pg_catalog.regtype, body);
				EXECUTE pg_catalog.format('CREATE OPERATOR %I.%s (rightarg = %s, function = %I.%I)',
					s, r.oprname, r.oprright::pg_catalog.regtype, s, 'op_' || r.oid);
			ELSE
				EXECUTE pg_catalog.format('CREATE FUNCTION %I.%I(%s, %s) RETURNS %s LANGUAGE plpgsql AS %s',
					s, 'op_' || r.oid, r.oprleft::pg_catalog.regtype, r.oprright::pg_catalog.regtype, r.oprresult::pg_catalog.regtype, body);
				EXECUTE pg_catalog.format('CREATE OPERATOR %I.%s (leftarg = %s, rightarg = %s, function = %I.%I)',
					s, r.oprname, r.oprleft::pg_catalog.regtype, r.oprright::pg_catalog.regtype, s, 'op_' || r.oid);
			END IF;
		EXCEPTION WHEN others THEN
			NULL;
		END;
	END LOOP;
END
$do$`

// functionShadowedPool returns a pool whose sessions' search_path names a schema
// of shadowSQL's functions, operators and aggregates before pg_catalog
// (as a server, database or role setting, or the application's DSN, may:
// PostgreSQL searches pg_catalog first only when the search_path leaves
// it out), so that every function or operator a statement names without
// its schema, or uses by name without saying so (the = of IN, IS
// DISTINCT FROM, CASE), raises an error. It returns the search_path too.
// The schema is dropped when t ends.
func functionShadowedPool(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	ctx := context.Background()
	shared := sharedPool(t)
	shadow := "shadow_" + newSchemaName()
	_, err := shared.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{shadow}.Sanitize())
	require.NoError(t, err)
	t.Cleanup(func() { dropSchema(t, shared, shadow) })
	conn, err := shared.Acquire(ctx)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `SELECT pg_catalog.set_config('tailor.shadow', $1, false)`, shadow)
	require.NoError(t, err)
	start := time.Now()
	_, err = conn.Exec(ctx, shadowSQL)
	conn.Release()
	require.NoError(t, err)
	var funcs, ops int
	require.NoError(t, shared.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM pg_catalog.pg_proc WHERE pronamespace = $1::pg_catalog.regnamespace AND proname NOT LIKE 'agg\__%' AND proname NOT LIKE 'op\__%'),
		(SELECT count(*) FROM pg_catalog.pg_operator WHERE oprnamespace = $1::pg_catalog.regnamespace)`,
		pgx.Identifier{shadow}.Sanitize()).Scan(&funcs, &ops))
	t.Logf("%d functions and aggregates, %d operators shadowed in %v", funcs, ops, time.Since(start))

	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.MaxConns = 4
	searchPath := pgx.Identifier{shadow}.Sanitize() + ", pg_catalog, public"
	cfg.ConnConfig.RuntimeParams["search_path"] = searchPath
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	for _, q := range []string{
		`SELECT 'a'::pg_catalog.text = 'b'::pg_catalog.text`,
		`SELECT pg_catalog.count(*) FROM (VALUES (1)) AS v(x) WHERE x IN (1, 2)`,
		`SELECT max(x) FROM (VALUES (1::pg_catalog.int8)) AS v(x)`,
		`SELECT now()`,
		`SELECT '{"a": 1}'::pg_catalog.jsonb ->> 'a'`,
	} {
		_, err := p.Exec(ctx, q)
		require.ErrorContains(t, err, "shadowed", "%s on the shadowed pool", q)
	}
	return p, searchPath
}

// A session whose search_path names another schema before pg_catalog,
// which has functions, operators and aggregates named like the built-ins
// (sum, max, lower, now, =, ->>…), changes nothing: Migrate and every
// store pass on such sessions, as the statements run with a search_path
// of their own, pg_catalog first: on a DB of New over a pool of such
// sessions, and on a DB of Open whose DSN names that search_path and
// whose sessions a caller of its pool set to it.
func TestStoresIgnoreFunctionsBeforePgCatalog(t *testing.T) {
	testDSN(t)
	t.Parallel()
	p, searchPath := functionShadowedPool(t)
	t.Run("New", func(t *testing.T) {
		testStoresOn(t, func(t *testing.T) *pgstore.DB {
			schema := newSchemaName()
			t.Cleanup(func() { dropSchema(t, sharedPool(t), schema) })
			db := pgstore.New(p, &pgstore.Options{Schema: schema})
			require.NoError(t, db.Migrate(context.Background()))
			return db
		})
	})
	t.Run("Open", func(t *testing.T) {
		testStoresOn(t, func(t *testing.T) *pgstore.DB {
			db := openWith(t, map[string]string{"search_path": searchPath, "pool_max_conns": "2"})
			touchSessions(t, db.Pool(), searchPath)
			return db
		})
	})
}

// testStoresOn runs the kits of every store on DBs of newDB.
func testStoresOn(t *testing.T, newDB func(t *testing.T) *pgstore.DB) {
	t.Run("customers", func(t *testing.T) {
		customertest.TestStore(t, func(t *testing.T) customer.Directory { return newDB(t).Customers() })
	})
	t.Run("histories", func(t *testing.T) {
		customertest.TestHistoryStore(t, func(t *testing.T) (customer.Directory, customer.HistoryStore) {
			s := newDB(t).Customers()
			return s, s
		})
	})
	t.Run("history conflicts", func(t *testing.T) {
		customertest.TestHistoryConflicts(t, func(t *testing.T) (customer.Directory, customer.HistoryStore) {
			s := newDB(t).Customers()
			return s, s
		})
	})
	t.Run("complaints", func(t *testing.T) {
		complainttest.TestStore(t, func(t *testing.T) complaint.Store { return newDB(t).Complaints() })
	})
	t.Run("loyalty", func(t *testing.T) {
		loyaltytest.TestStore(t, func(t *testing.T) loyalty.Store { return newDB(t).Loyalty() })
	})
}

// A schema before pg_catalog in the session's search_path with an
// operator = on text that holds for any two texts: a store that let it
// compare IDs would read another customer's record for the one asked.
// Each Get returns the record asked for: on a DB of New over a pool of
// such sessions, and on a DB of Open whose DSN names that search_path
// and whose sessions a caller of its pool set to it.
func TestGetIgnoresAnEqualityBeforePgCatalog(t *testing.T) {
	ctx := context.Background()
	evil := evilEquality(t)
	searchPath := evil + ", pg_catalog, public"
	t.Run("New", func(t *testing.T) {
		cfg, err := pgxpool.ParseConfig(testDSN(t))
		require.NoError(t, err)
		cfg.ConnConfig.RuntimeParams["search_path"] = searchPath
		p, err := pgxpool.NewWithConfig(ctx, cfg)
		require.NoError(t, err)
		t.Cleanup(p.Close)
		var same bool
		require.NoError(t, p.QueryRow(ctx, `SELECT 'a'::pg_catalog.text = 'b'::pg_catalog.text`).Scan(&same))
		require.True(t, same, "the session's = on text")

		schema := newSchemaName()
		t.Cleanup(func() { dropSchema(t, sharedPool(t), schema) })
		db := pgstore.New(p, &pgstore.Options{Schema: schema})
		require.NoError(t, db.Migrate(ctx))
		testGetAsked(t, db)
	})
	t.Run("Open", func(t *testing.T) {
		db := openWith(t, map[string]string{"search_path": searchPath})
		touchSessions(t, db.Pool(), searchPath)
		var same bool
		require.NoError(t, db.Pool().QueryRow(ctx, `SELECT 'a'::pg_catalog.text = 'b'::pg_catalog.text`).Scan(&same))
		require.True(t, same, "the session's = on text, set by a caller of the pool")
		testGetAsked(t, db)
	})
}

// testGetAsked stores two customers and a case of each in db and checks
// that each Get returns the record asked for.
func testGetAsked(t *testing.T, db *pgstore.DB) {
	ctx := context.Background()
	for _, id := range []customer.ID{"C-1", "C-2"} {
		require.NoError(t, db.Customers().Put(ctx, customer.Customer{ID: id, Kind: customer.Consumer, Name: "name of " + string(id)}))
		c, ev := complainttest.RecordFor(complaint.ID("K-"+string(id)), id, complainttest.T0)
		require.NoError(t, db.Complaints().Save(ctx, c, ev))
	}
	for _, id := range []customer.ID{"C-1", "C-2"} {
		c, err := db.Customers().Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, id, c.ID, "Get(%s)", id)
		k, err := db.Complaints().Get(ctx, complaint.ID("K-"+string(id)))
		require.NoError(t, err)
		assert.Equal(t, complaint.ID("K-"+string(id)), k.ID, "the case of %s", id)
	}
	_, err := db.Customers().Get(ctx, "C-3")
	require.ErrorIs(t, err, customer.ErrNotFound)
}
