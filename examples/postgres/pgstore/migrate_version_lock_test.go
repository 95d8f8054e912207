package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// behindVersionHolder returns a DB over a new schema migrated up to the
// last migration but one (the last creates an index on complaint_cases,
// which it locks in EXCLUSIVE mode, a mode every writer waits for), the
// number of the last migration, and an open transaction of another
// session with its backend's PID, rolled back at the latest when the
// test ends.
func behindVersionHolder(t *testing.T) (*pgstore.DB, string, int, pgx.Tx, int32) {
	t.Helper()
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	last := pgstore.SchemaVersion()
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, pgstore.MigrateTo(ctx, db, last-1))
	other, err := p.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { other.Rollback(ctx) })
	var pid int32
	require.NoError(t, other.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&pid))
	return db, schema, last, other, pid
}

// A transaction that holds schema_version in SHARE mode (a DBA's LOCK
// TABLE, a non-concurrent CREATE INDEX of it), which the row Migrate
// records a migration with waits for, and then writes a table the
// migration locks: forced to interleave so that the migration has
// started, waiting for schema_version, when the transaction writes
// complaint_cases. Had the migration locked complaint_cases (EXCLUSIVE)
// and run its step before waiting for schema_version, each would wait
// for the other and the server abort one as a deadlock (SQLSTATE 40P01);
// taking schema_version in the rounds that take the steps' tables, it
// waits holding none of them: the write goes through, and once the
// transaction ends the migration is applied.
func TestMigrateBesideAVersionTableHolderThatWrites(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	db, schema, _, other, pid := behindVersionHolder(t)
	_, err := other.Exec(ctx, `LOCK TABLE `+pgx.Identifier{schema, "schema_version"}.Sanitize()+` IN SHARE MODE`)
	require.NoError(t, err)

	migrated := make(chan error, 1)
	go func() { migrated <- db.Migrate(ctx) }()
	blockedBy(t, p, pid, "the migration")
	wrote := make(chan error, 1)
	go func() {
		_, err := other.Exec(ctx, `UPDATE `+pgx.Identifier{schema, "complaint_cases"}.Sanitize()+` SET state = state`)
		wrote <- err
	}()
	require.NoError(t, returned(t, wrote, "the write"), "the write beside the migration")
	require.NoError(t, other.Rollback(ctx))

	require.NoError(t, returned(t, migrated, "Migrate"), "the migration")
	assert.Equal(t, allVersions(), versions(t, schema))
}

// A transaction that writes a table the migration locks (complaint_cases)
// and then takes schema_version in ACCESS EXCLUSIVE mode (a DBA's LOCK
// TABLE, an ALTER TABLE of it): forced to interleave so that the
// migration has read the schema's version and waits for complaint_cases
// when the transaction asks for schema_version. Had the migration kept
// the lock its reading of the version took (ACCESS SHARE, which ACCESS
// EXCLUSIVE waits for) while waiting for complaint_cases, each would
// wait for the other, a deadlock; it waits holding none of the schema's
// tables, so the transaction gets schema_version, and once it ends the
// migration is applied.
func TestMigrateBesideAWriterThatLocksTheVersionTable(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	db, schema, _, other, pid := behindVersionHolder(t)
	_, err := other.Exec(ctx, `UPDATE `+pgx.Identifier{schema, "complaint_cases"}.Sanitize()+` SET state = state`)
	require.NoError(t, err)

	migrated := make(chan error, 1)
	go func() { migrated <- db.Migrate(ctx) }()
	blockedBy(t, p, pid, "the migration")
	locked := make(chan error, 1)
	go func() {
		_, err := other.Exec(ctx, `LOCK TABLE `+pgx.Identifier{schema, "schema_version"}.Sanitize()+` IN ACCESS EXCLUSIVE MODE`)
		locked <- err
	}()
	require.NoError(t, returned(t, locked, "the LOCK TABLE"), "schema_version locked beside the migration")
	require.NoError(t, other.Rollback(ctx))

	require.NoError(t, returned(t, migrated, "Migrate"), "the migration")
	assert.Equal(t, allVersions(), versions(t, schema))
}

// A migration recorded in schema_version by another session while
// Migrate waits for the tables its steps lock (the DBA who applied the
// last step by hand) is not applied again: Migrate reads the version
// once more when it holds the tables and schema_version, and finds the
// schema up to date.
func TestMigrateRereadsTheVersionAfterWaiting(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	db, schema, last, other, pid := behindVersionHolder(t)
	_, err := other.Exec(ctx, `UPDATE `+pgx.Identifier{schema, "complaint_cases"}.Sanitize()+` SET state = state`)
	require.NoError(t, err)

	migrated := make(chan error, 1)
	go func() { migrated <- db.Migrate(ctx) }()
	blockedBy(t, p, pid, "the migration")
	_, err = other.Exec(ctx, `LOCK TABLE `+pgx.Identifier{schema, "schema_version"}.Sanitize()+` IN ACCESS EXCLUSIVE MODE`)
	require.NoError(t, err)
	_, err = other.Exec(ctx, `CREATE INDEX complaint_cases_opened ON `+pgx.Identifier{schema, "complaint_cases"}.Sanitize()+
		` (opened NULLS FIRST, opened_ns, id)`)
	require.NoError(t, err)
	_, err = other.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "schema_version"}.Sanitize()+
		` (version, description) VALUES ($1, 'applied by hand')`, last)
	require.NoError(t, err)
	require.NoError(t, other.Commit(ctx))

	require.NoError(t, returned(t, migrated, "Migrate"), "the migration")
	assert.Equal(t, allVersions(), versions(t, schema))
	var description string
	require.NoError(t, p.QueryRow(ctx, `SELECT description FROM `+pgx.Identifier{schema, "schema_version"}.Sanitize()+
		` WHERE version = $1`, last).Scan(&description))
	assert.Equal(t, "applied by hand", description, "the row of the migration applied by hand")
}

// A migration recorded by another session while Migrate waits for its
// tables has Migrate take the tables of the shorter run; that retry
// waits within what is left of Options.MigrationLockTimeout, as the
// rounds of one run do, not a whole lock_timeout of its own. Forced to
// interleave: Migrate, two steps behind, waits for complaint_cases,
// which a writer holds; another writer queues behind it for the same
// table; the next step is recorded by hand; the first writer ends well
// into the timeout. Migrate gets the tables, finds the version changed
// and gives them back, which lets the queued writer have
// complaint_cases, so the retry waits for it until the timeout is spent:
// ErrMigrationLocked once the one timeout is over, the schema as it was.
func TestMigrateRetryWaitsWithinTheLockTimeout(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	last := pgstore.SchemaVersion()
	const timeout = 3 * time.Second
	db := pgstore.New(p, &pgstore.Options{Schema: schema, MigrationLockTimeout: timeout})
	require.NoError(t, pgstore.MigrateTo(ctx, db, last-2))
	cases := pgx.Identifier{schema, "complaint_cases"}.Sanitize()

	first, err := p.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { first.Rollback(ctx) })
	var firstPID int32
	require.NoError(t, first.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&firstPID))
	_, err = first.Exec(ctx, `LOCK TABLE `+cases+` IN ROW EXCLUSIVE MODE`)
	require.NoError(t, err)

	start := time.Now()
	migrated := make(chan error, 1)
	go func() { migrated <- db.Migrate(ctx) }()
	migrator := blockedBy(t, p, firstPID, "the migration")

	second, err := p.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { second.Rollback(ctx) })
	queued := make(chan error, 1)
	go func() {
		_, err := second.Exec(ctx, `LOCK TABLE `+cases+` IN ROW EXCLUSIVE MODE`)
		queued <- err
	}()
	blockedBy(t, p, migrator, "the second writer")
	_, err = p.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "schema_version"}.Sanitize()+
		` (version, description) VALUES ($1, 'recorded by hand')`, last-1)
	require.NoError(t, err)

	time.Sleep(time.Until(start.Add(timeout * 2 / 3)))
	require.NoError(t, first.Rollback(ctx))
	require.NoError(t, returned(t, queued, "the second writer"))

	err = returned(t, migrated, "Migrate")
	elapsed := time.Since(start)
	require.ErrorIs(t, err, pgstore.ErrMigrationLocked)
	assert.Less(t, elapsed, timeout+timeout/3, "Migrate waited %v with MigrationLockTimeout %v", elapsed, timeout)
	require.NoError(t, second.Rollback(ctx))
	assert.Equal(t, allVersions()[:last-1], versions(t, schema), "the schema is as it was")
}
