package pgstore_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// dsnVar names the environment variable with the test server's DSN.
const dsnVar = "TAILOR_POSTGRES_DSN"

// openMode makes newDB return DBs that [pgstore.Open] made (a pool of
// their own, whose sessions' search_path is pinned) rather than DBs of
// [pgstore.New] over the shared pool: run the package's tests with
// -args -pgstore.open to test every store on such DBs.
var openMode = flag.Bool("pgstore.open", false, "newDB returns DBs made by pgstore.Open instead of pgstore.New over the shared pool")

var (
	poolOnce sync.Once
	pool     *pgxpool.Pool
	poolErr  error
	schemas  atomic.Int64
)

// defaultChecks is the number of cases each rapid model-based kit test
// runs unless -rapid.checks is given: every case builds a new schema
// (tens of milliseconds of DDL), so the kits' default of 100 would make
// this package slow. Run with -rapid.checks=100 (or more) for the full
// strength.
const defaultChecks = "25"

func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "rapid.checks" })
	if !explicit {
		checks := defaultChecks
		if testing.Short() {
			checks = "10"
		}
		if err := flag.Set("rapid.checks", checks); err != nil {
			fmt.Fprintln(os.Stderr, "pgstore tests:", err)
			os.Exit(2)
		}
	}
	code := m.Run()
	if pool != nil {
		pool.Close()
	}
	os.Exit(code)
}

// testDSN returns the DSN of the test server, or skips t when none is
// configured.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(dsnVar)
	if dsn == "" {
		t.Skip(dsnVar + " not set: no PostgreSQL server configured")
	}
	return dsn
}

// sharedPool returns the pool the tests share; each test works in its own
// schema of it.
func sharedPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := testDSN(t)
	poolOnce.Do(func() {
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			poolErr = err
			return
		}
		cfg.MaxConns = 24
		pool, poolErr = pgxpool.NewWithConfig(context.Background(), cfg)
		if poolErr == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			poolErr = pool.Ping(ctx)
		}
	})
	require.NoError(t, poolErr, "connecting to $%s", dsnVar)
	return pool
}

// newSchemaName returns a schema name no other test, test binary or
// earlier run uses.
func newSchemaName() string {
	return fmt.Sprintf("tailor_test_%d_%d_%d", time.Now().UnixNano()%1e9, os.Getpid(), schemas.Add(1))
}

// newDB returns a migrated DB in a new, empty schema of the shared pool
// (or one that [pgstore.Open] made: see openMode); the schema is dropped
// when t ends.
func newDB(t testing.TB) *pgstore.DB {
	t.Helper()
	if *openMode {
		return openDB(t)
	}
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, db.Migrate(context.Background()))
	return db
}

// openDB returns a DB that [pgstore.Open] made, with a pool of its own,
// in a new schema; it is closed, and the schema dropped, when t ends.
func openDB(t testing.TB) *pgstore.DB {
	t.Helper()
	shared := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, shared, schema) })
	db, err := pgstore.Open(context.Background(), testDSN(t), &pgstore.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(db.Close) // before the drop: cleanups run last added first
	return db
}

func dropSchema(t testing.TB, p *pgxpool.Pool, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := p.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
	}
}
