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

// An upgrade from schema 7 alters customers and order_lines (migration
// 8), which it takes in ACCESS EXCLUSIVE mode, a mode plain reads
// conflict with, before its first step: it waits for one of them, then
// takes the other without waiting, and when that one is read it lets go
// of both and waits for the other. Readers that take turns so that,
// whenever the migration holds one table, the other is being read — each
// of its waits ends well within Options.MigrationLockTimeout — do not
// keep it going round until the context ends, queueing every reader of
// the table it waits for behind itself turn after turn: it gives up
// after MigrationLockTimeout in all, with ErrMigrationLocked, the schema
// as it was; once the readers are gone, Migrate applies it.
func TestMigrateGivesUpTakingTurnsWithReaders(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	const timeout = 600 * time.Millisecond
	db := pgstore.New(p, &pgstore.Options{Schema: schema, MigrationLockTimeout: timeout})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 7))
	insertOldCustomer(t, db, "C-1")
	insertOldOrder(t, db, sampleOrder("O-1", "C-1"))

	// read begins a transaction that reads table (ACCESS SHARE, held
	// until it ends) and returns it with its backend's PID.
	read := func(table string) (pgx.Tx, int32) {
		tx, err := p.Begin(ctx)
		require.NoError(t, err)
		t.Cleanup(func() { tx.Rollback(ctx) })
		var pid int32
		require.NoError(t, tx.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&pid))
		var n int
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{schema, table}.Sanitize()).Scan(&n))
		return tx, pid
	}
	// waited reports whether a backend waits for backend pid.
	waited := func(pid int32) bool {
		var n int
		require.NoError(t, p.QueryRow(ctx, `SELECT count(*) FROM pg_catalog.pg_stat_activity
			WHERE $1 = ANY(pg_catalog.pg_blocking_pids(pid))`, pid).Scan(&n))
		return n > 0
	}

	// order_lines read before the migration starts: it takes customers,
	// finds order_lines read, lets go of customers and waits for it.
	tables := [2]string{"customers", "order_lines"}
	reader, pid := read(tables[1])
	wait, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	migrated := make(chan error, 1)
	start := time.Now()
	go func() { migrated <- db.Migrate(wait) }()
	var err error
	turns := 0
	for done := false; !done; {
		select {
		case err = <-migrated:
			done = true
			continue
		default:
		}
		if time.Since(start) > 10*timeout {
			// Still going round: let it have the tables.
			require.NoError(t, reader.Rollback(ctx))
			err = returned(t, migrated, "Migrate")
			t.Fatalf("Migrate went round for %v, %d turns, past MigrationLockTimeout %v (then: %v)", time.Since(start), turns, timeout, err)
		}
		if !waited(pid) {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		// The migration waits for the table the reader reads, holding
		// none: a quarter of its timeout later the other table is read,
		// then the reader's ends, and the migration, given that one,
		// finds the other read.
		time.Sleep(timeout / 4)
		turns++
		next, nextPID := read(tables[(turns+1)%2])
		require.NoError(t, reader.Rollback(ctx))
		reader, pid = next, nextPID
	}
	elapsed := time.Since(start)
	t.Logf("%d turns, %v: %v", turns, elapsed, err)
	require.ErrorIs(t, err, pgstore.ErrMigrationLocked)
	assert.Positive(t, turns, "the readers took turns")
	assert.Contains(t, err.Error(), schema)
	assert.Equal(t, allVersions()[:7], versions(t, schema), "the migration was rolled back")

	require.NoError(t, reader.Rollback(ctx))
	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
}
