package pgstore_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// A migration that must alter a table another transaction is using
// gives up after Options.MigrationLockTimeout instead of queueing every
// later query of the table behind itself: ErrMigrationLocked, the schema
// as it was; once that transaction is gone, Migrate applies it.
func TestMigrateGivesUpWaitingForATableLock(t *testing.T) {
	ctx := context.Background()
	db, schema, last, user := behindAUser(t, 100*time.Millisecond)
	err := db.Migrate(ctx)
	require.ErrorIs(t, err, pgstore.ErrMigrationLocked)
	assert.Contains(t, err.Error(), schema)
	assert.Equal(t, allVersions()[:last-1], versions(t, schema), "the migration was rolled back")

	require.NoError(t, user.Rollback(ctx))
	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
}

// behindAUser returns a DB over a new schema migrated up to the last
// migration but one, with MigrationLockTimeout d, the number of the last
// migration, and a transaction using every table of the schema but
// schema_version as a writer does (ROW EXCLUSIVE, the lock INSERT and
// UPDATE take; it conflicts with the locks of ALTER TABLE, CREATE INDEX
// and CREATE TRIGGER, whichever the last migration runs), holding it
// until it is rolled back (at the latest when the test ends).
func behindAUser(t *testing.T, d time.Duration) (*pgstore.DB, string, int, pgx.Tx) {
	t.Helper()
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	last := pgstore.SchemaVersion()
	db := pgstore.New(p, &pgstore.Options{Schema: schema, MigrationLockTimeout: d})
	require.NoError(t, pgstore.MigrateTo(ctx, db, last-1))
	rows, err := p.Query(ctx, `SELECT tablename FROM pg_catalog.pg_tables
		WHERE schemaname = $1 AND tablename <> 'schema_version' ORDER BY tablename`, schema)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.NotEmpty(t, names)
	user, err := p.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { user.Rollback(ctx) })
	for _, name := range names {
		_, err = user.Exec(ctx, `LOCK TABLE `+pgx.Identifier{schema, name}.Sanitize()+` IN ROW EXCLUSIVE MODE`)
		require.NoError(t, err)
	}
	return db, schema, last, user
}

// A MigrationLockTimeout too long for the server's lock_timeout waits as
// long as the server allows, not a millisecond, and a negative one as
// long as the server's setting says (here no limit): a migration behind
// a writer still waits when the context ends first.
func TestMigrateLockTimeoutLongestWaits(t *testing.T) {
	ctx := context.Background()
	for _, d := range []time.Duration{math.MaxInt64, math.MaxInt64 - time.Millisecond + 2, 1 << 62, -1} {
		t.Run(d.String(), func(t *testing.T) {
			db, schema, last, _ := behindAUser(t, d)
			wait, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := db.Migrate(wait)
			require.Error(t, err)
			assert.NotErrorIs(t, err, pgstore.ErrMigrationLocked)
			assert.GreaterOrEqual(t, time.Since(start), 250*time.Millisecond, "gave up before the context ended: %v", err)
			assert.Equal(t, allVersions()[:last-1], versions(t, schema), "the migration was rolled back")
		})
	}
}

// A MigrationLockTimeout under a millisecond still bounds the wait (the
// server's lock_timeout is in milliseconds, and 0 there means no limit).
func TestMigrateLockTimeoutUnderAMillisecond(t *testing.T) {
	ctx := context.Background()
	db, schema, last, _ := behindAUser(t, time.Nanosecond)
	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	require.ErrorIs(t, db.Migrate(wait), pgstore.ErrMigrationLocked)
	assert.Equal(t, allVersions()[:last-1], versions(t, schema))
}

// MigrationLockTimeout bounds the wait for the tables, not for the
// advisory lock of the schema: a migrator waits for another one however
// long its migrations take.
func TestMigrateLockTimeoutLeavesTheAdvisoryWait(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	db := pgstore.New(p, &pgstore.Options{Schema: schema, MigrationLockTimeout: 50 * time.Millisecond})

	// Another migrator: the schema's advisory lock, as Migrate takes it
	// (class 0x7a11, the hash of the schema name), held for 300 ms.
	other, err := p.Begin(ctx)
	require.NoError(t, err)
	defer other.Rollback(ctx)
	_, err = other.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, 0x7a11, schema)
	require.NoError(t, err)
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- db.Migrate(ctx) }()
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Migrate returned while the advisory lock was held: %v", err)
	default:
	}
	require.NoError(t, other.Rollback(ctx))
	require.NoError(t, <-done)
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
	assert.Equal(t, allVersions(), versions(t, schema))
}

// A migration whose tables are free but whose row in schema_version
// would wait for that table (a transaction holding it in SHARE mode, as
// a DBA's LOCK TABLE or a non-concurrent CREATE INDEX does), which it
// takes with its tables, gives up after Options.MigrationLockTimeout
// too: ErrMigrationLocked, naming the migration, the schema as it was.
func TestMigrateGivesUpWaitingForTheVersionTable(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	last := pgstore.SchemaVersion()
	db := pgstore.New(p, &pgstore.Options{Schema: schema, MigrationLockTimeout: 100 * time.Millisecond})
	require.NoError(t, pgstore.MigrateTo(ctx, db, last-1))
	holder, err := p.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { holder.Rollback(ctx) })
	_, err = holder.Exec(ctx, `LOCK TABLE `+pgx.Identifier{schema, "schema_version"}.Sanitize()+` IN SHARE MODE`)
	require.NoError(t, err)

	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = db.Migrate(wait)
	require.ErrorIs(t, err, pgstore.ErrMigrationLocked)
	assert.Contains(t, err.Error(), schema)
	assert.Contains(t, err.Error(), fmt.Sprintf("migration %d", last))
	require.NoError(t, holder.Rollback(ctx))
	assert.Equal(t, allVersions()[:last-1], versions(t, schema), "the migration was rolled back")
	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
}

// A DBA's transaction holding schema_version in ACCESS EXCLUSIVE mode
// (LOCK TABLE, or an ALTER TABLE of it) blocks even the reading of the
// schema's version: Migrate gives up after Options.MigrationLockTimeout
// there too, with an up-to-date schema as with one that needs a
// migration, and leaves the schema as it was.
func TestMigrateGivesUpReadingTheVersionTable(t *testing.T) {
	ctx := context.Background()
	for _, behind := range []int{0, 1} {
		t.Run(fmt.Sprintf("behind%d", behind), func(t *testing.T) {
			p := sharedPool(t)
			schema := newSchemaName()
			t.Cleanup(func() { dropSchema(t, p, schema) })
			at := pgstore.SchemaVersion() - behind
			db := pgstore.New(p, &pgstore.Options{Schema: schema, MigrationLockTimeout: 100 * time.Millisecond})
			require.NoError(t, pgstore.MigrateTo(ctx, db, at))
			holder, err := p.Begin(ctx)
			require.NoError(t, err)
			t.Cleanup(func() { holder.Rollback(ctx) })
			_, err = holder.Exec(ctx, `LOCK TABLE `+pgx.Identifier{schema, "schema_version"}.Sanitize()+` IN ACCESS EXCLUSIVE MODE`)
			require.NoError(t, err)

			wait, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			start := time.Now()
			err = db.Migrate(wait)
			require.ErrorIs(t, err, pgstore.ErrMigrationLocked)
			assert.Less(t, time.Since(start), 4*time.Second, "waited for the context, not the lock timeout")
			assert.Contains(t, err.Error(), schema)
			require.NoError(t, holder.Rollback(ctx))
			assert.Equal(t, allVersions()[:at], versions(t, schema), "the schema is as it was")
			require.NoError(t, db.Migrate(ctx))
			assert.Equal(t, allVersions(), versions(t, schema))
		})
	}
}
