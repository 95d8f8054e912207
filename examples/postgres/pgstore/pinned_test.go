package pgstore_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// withParams returns dsn (a URL) with the query parameters params added.
func withParams(t *testing.T, dsn string, params map[string]string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	require.NoError(t, err, "the test DSN must be a URL")
	q := u.Query()
	for k, v := range params {
		q.Set(k, v)
	}
	// Spaces as %20: pgx reads a + of the query as itself.
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String()
}

// openWith returns a DB that Open made with the DSN of the tests plus
// params, in a new schema dropped when t ends.
func openWith(t *testing.T, params map[string]string) *pgstore.DB {
	t.Helper()
	shared := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, shared, schema) })
	db, err := pgstore.Open(context.Background(), withParams(t, testDSN(t), params), &pgstore.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(db.Close)
	return db
}

// touchSessions sets the search_path of every session of p to
// searchPath, as a caller of the pool may: it holds all of the pool's
// connections at once (p.Config().MaxConns) so that each one is set.
func touchSessions(t *testing.T, p *pgxpool.Pool, searchPath string) {
	t.Helper()
	ctx := context.Background()
	n := int(p.Config().MaxConns)
	conns := make([]*pgxpool.Conn, 0, n)
	for range n {
		c, err := p.Acquire(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	for _, c := range conns {
		_, err := c.Exec(ctx, `SELECT pg_catalog.set_config('search_path', $1, false)`, searchPath)
		require.NoError(t, err)
		c.Release()
	}
}

// The sessions of the pool Open makes have the search_path pg_catalog,
// pg_temp from the start (a parameter of the connection), whatever the
// DSN names — a search_path parameter, or one in options — so that the
// stores' statements run on them without setting it; a DB of New keeps
// setting it for each statement, as the sessions of a caller's pool are
// the caller's.
func TestOpenPinsTheSessionsSearchPath(t *testing.T) {
	ctx := context.Background()
	for name, params := range map[string]map[string]string{
		"plain DSN":                 nil,
		"search_path in the DSN":    {"search_path": "public, pg_catalog"},
		"search_path in options":    {"options": "-c search_path=public,pg_catalog"},
		"both, and another setting": {"search_path": `"$user", public`, "options": "-c statement_timeout=60s -csearch_path=public"},
	} {
		t.Run(name, func(t *testing.T) {
			db := openWith(t, params)
			assert.True(t, pgstore.Pinned(db), "a DB of Open")
			var got string
			require.NoError(t, db.Pool().QueryRow(ctx, `SHOW search_path`).Scan(&got))
			assert.Equal(t, "pg_catalog, pg_temp", got, "the session's search_path")
			if params["options"] != "" {
				require.NoError(t, db.Pool().QueryRow(ctx, `SHOW statement_timeout`).Scan(&got))
				if name == "both, and another setting" {
					assert.Equal(t, "1min", got, "the other setting of options")
				}
			}
			require.NoError(t, db.Customers().Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer}))
			_, err := db.Customers().Get(ctx, "C-1")
			require.NoError(t, err)
		})
	}
	assert.False(t, pgstore.Pinned(pgstore.New(sharedPool(t), nil)), "a DB of New")
}

// A caller of the pool of an Open()ed DB may change a session's
// search_path (a SET, or set_config, of the session): the DB sets it
// back before the stores' next statement on that connection. Here each
// session names, before pg_catalog, a schema whose = on text holds for
// any two texts, before each of the stores' calls; each Get returns the
// record asked for, and the session's search_path is pinned again after
// the DB used it.
func TestOpenRepinsASessionTheCallerChanged(t *testing.T) {
	ctx := context.Background()
	evil := evilEquality(t)
	db := openWith(t, map[string]string{"pool_max_conns": "2", "search_path": evil + ", pg_catalog, public"})
	p := db.Pool()
	for _, id := range []customer.ID{"C-1", "C-2"} {
		touchSessions(t, p, evil+", pg_catalog, public")
		require.NoError(t, db.Customers().Put(ctx, customer.Customer{ID: id, Kind: customer.Consumer, Name: "name of " + string(id)}))
		touchSessions(t, p, evil+", pg_catalog, public")
		c, ev := complainttest.RecordFor(complaint.ID("K-"+string(id)), id, complainttest.T0)
		require.NoError(t, db.Complaints().Save(ctx, c, ev))
	}
	for _, id := range []customer.ID{"C-1", "C-2"} {
		touchSessions(t, p, evil+", pg_catalog, public")
		c, err := db.Customers().Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, id, c.ID, "Get(%s)", id)
		touchSessions(t, p, evil+", pg_catalog, public")
		k, err := db.Complaints().Get(ctx, complaint.ID("K-"+string(id)))
		require.NoError(t, err)
		assert.Equal(t, complaint.ID("K-"+string(id)), k.ID, "the case of %s", id)
	}
	touchSessions(t, p, evil+", pg_catalog, public")
	_, err := db.Customers().Get(ctx, "C-3")
	require.ErrorIs(t, err, customer.ErrNotFound)

}

// evilEquality makes a schema with an operator = on text that holds for
// any two texts and returns its quoted name; it is dropped when t ends.
func evilEquality(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	shared := sharedPool(t)
	evil := "evil_" + newSchemaName()
	t.Cleanup(func() { dropSchema(t, shared, evil) })
	for _, q := range []string{
		`CREATE SCHEMA ` + pgx.Identifier{evil}.Sanitize(),
		`CREATE FUNCTION ` + pgx.Identifier{evil, "always"}.Sanitize() + `(pg_catalog.text, pg_catalog.text)
			RETURNS pg_catalog.bool LANGUAGE sql AS 'SELECT true'`,
		`CREATE OPERATOR ` + pgx.Identifier{evil}.Sanitize() + `.= (leftarg = pg_catalog.text, rightarg = pg_catalog.text,
			function = ` + pgx.Identifier{evil, "always"}.Sanitize() + `)`,
	} {
		_, err := shared.Exec(ctx, q)
		require.NoError(t, err)
	}
	return pgx.Identifier{evil}.Sanitize()
}
