package pgstore_test

import (
	"context"
	"fmt"
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

// reject returns case c rejected at at, and the event of it.
func reject(t *testing.T, c complaint.Case, at time.Time) (complaint.Case, complaint.Event) {
	t.Helper()
	next, ev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdReject, Reply: "not a defect"}, complainttest.Agent, at)
	require.NoError(t, err)
	return next, ev
}

// A complaint save that arrives while a migration that rewrites the
// complaint tables waits for the lock of complaint_cases (an erasure, or
// any transaction, holds a case row) queues behind the migration,
// holding the lock of complaint_events it took first (its statement
// prepared: see DB.lockTables); the migration then has complaint_cases
// and needs complaint_events. Neither is aborted as a deadlock: both
// complete, and the case is stored with its event. The save runs on a
// connection that has run it before (its statement prepared, as on any
// busy pool), for a new case and for a new version: this release's Save
// beside migration 10 (from schema 9), and the saves of the releases at
// schemas 4 and 3 beside an upgrade from their schema (migration 4 alters
// complaint_cases only, migration 5 both tables).
func TestMigrateBesideASave(t *testing.T) {
	for _, from := range []int{9, 4, 3} {
		for _, version := range []int{1, 2} {
			t.Run(fmt.Sprintf("from schema %d, version %d", from, version), func(t *testing.T) {
				migrateBesideASave(t, from, version)
			})
		}
	}
}

// migrateBesideASave is TestMigrateBesideASave for a schema at version
// from and a save of version version of a case.
func migrateBesideASave(t *testing.T, from, version int) {
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	require.NoError(t, pgstore.MigrateTo(ctx, pgstore.New(p, &pgstore.Options{Schema: schema}), from))

	cfg := p.Config().Copy()
	cfg.MaxConns = 1
	one, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(one.Close)
	writer := pgstore.New(one, &pgstore.Options{Schema: schema}).Complaints()
	save := func(c complaint.Case, ev complaint.Event) error {
		if from < 9 {
			q, args := oldSaveStatement(t, schema, from, c, ev)
			_, err := one.Exec(ctx, q, args...)
			return err
		}
		return writer.Save(ctx, c, ev)
	}
	t0 := complainttest.T0
	// Saves of the same statements before, on the writer's one
	// connection.
	for i := range 3 {
		c, ev := complainttest.RecordFor(complaint.ID(fmt.Sprintf("K-%d", i)), "bob", t0.Add(time.Duration(i)*time.Hour))
		require.NoError(t, save(c, ev))
		if version == 2 {
			next, nev := reject(t, c, t0.Add(time.Duration(i)*time.Hour+time.Minute))
			require.NoError(t, save(next, nev))
		}
	}
	c, ev := complainttest.RecordFor("K-new", "anna", t0.Add(3*time.Hour+700*time.Nanosecond))
	if version == 2 {
		require.NoError(t, save(c, ev))
		c, ev = reject(t, c, t0.Add(3*time.Hour+time.Minute+300*time.Nanosecond))
	}

	holder, err := p.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { holder.Rollback(ctx) })
	var holderPID int32
	require.NoError(t, holder.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&holderPID))
	_, err = holder.Exec(ctx, `SELECT FROM `+pgx.Identifier{schema, "complaint_cases"}.Sanitize()+` WHERE id = 'K-0' FOR UPDATE`)
	require.NoError(t, err)

	migrated := make(chan error, 1)
	go func() { migrated <- pgstore.New(p, &pgstore.Options{Schema: schema}).Migrate(ctx) }()
	migrator := blockedBy(t, p, holderPID, "the migration")
	saved := make(chan error, 1)
	go func() { saved <- save(c, ev) }()
	blockedBy(t, p, migrator, "the save")
	require.NoError(t, holder.Rollback(ctx))

	assert.NoError(t, returned(t, migrated, "Migrate"), "the migration")
	assert.NoError(t, returned(t, saved, "the save"), "the save")
	assert.Equal(t, allVersions(), versions(t, schema))
	got, err := writer.Get(ctx, c.ID)
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, got), "the saved case")
	evs, err := writer.Events(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, evs, int(c.Version))
	assert.True(t, complainttest.SameEvents([]complaint.Event{ev}, evs[c.Version-1:]), "the saved event")
	sameInstant(t, c.Opened, columnInstant(t, pgstore.New(p, &pgstore.Options{Schema: schema}), "complaint_cases", "opened", `id = $1`, string(c.ID)), "column opened")
	sameInstant(t, ev.At, columnInstant(t, pgstore.New(p, &pgstore.Options{Schema: schema}), "complaint_events", "at", `case_id = $1 AND seq = $2`, string(c.ID), ev.Seq), "column at")
}

// While the migration waits for one complaint table it holds the other
// not: a write of complaint_cases completes while the migration waits
// for a transaction holding complaint_events; the wait
// is bounded by MigrationLockTimeout (ErrMigrationLocked, nothing
// migrated), and once that transaction is gone the migration completes.
func TestMigrateWaitingForEventsHoldsNoCases(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	db := pgstore.New(p, &pgstore.Options{Schema: schema, MigrationLockTimeout: 2 * time.Second})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 9))
	insertClosedCase(t, p, schema, "K-a", "anna", complainttest.T0.Add(500*time.Nanosecond))

	holder, err := p.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { holder.Rollback(ctx) })
	var holderPID int32
	require.NoError(t, holder.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&holderPID))
	_, err = holder.Exec(ctx, `LOCK TABLE `+pgx.Identifier{schema, "complaint_events"}.Sanitize()+` IN ROW EXCLUSIVE MODE`)
	require.NoError(t, err)

	migrated := make(chan error, 1)
	go func() { migrated <- db.Migrate(ctx) }()
	migrator := blockedBy(t, p, holderPID, "the migration")
	// The write must not wait for the migration: told by the server
	// (the write's backend blocked by the migration's), not by a
	// deadline, which a loaded machine may miss without any wait.
	conn, err := p.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	var writerPID int32
	require.NoError(t, conn.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&writerPID))
	wrote := make(chan error, 1)
	go func() {
		_, err := conn.Exec(ctx, `UPDATE `+pgx.Identifier{schema, "complaint_cases"}.Sanitize()+` SET handler = handler WHERE id = 'K-a'`)
		wrote <- err
	}()
	for done := false; !done; {
		select {
		case err := <-wrote:
			require.NoError(t, err, "a write of complaint_cases while the migration waits")
			done = true
		case <-time.After(5 * time.Millisecond):
			var waits bool
			require.NoError(t, p.QueryRow(ctx, `SELECT $1::pg_catalog.int4 = ANY(pg_catalog.pg_blocking_pids($2))`, migrator, writerPID).Scan(&waits))
			if waits {
				require.NoError(t, holder.Rollback(ctx))
				returned(t, migrated, "Migrate")
				returned(t, wrote, "the write")
				t.Fatal("a write of complaint_cases waits for the migration, which waits for complaint_events")
			}
		}
	}
	select {
	case err := <-migrated:
		require.ErrorIs(t, err, pgstore.ErrMigrationLocked)
		assert.Contains(t, err.Error(), "migration 10 (")
	case <-time.After(30 * time.Second):
		t.Fatal("Migrate did not return")
	}
	assert.Equal(t, allVersions()[:9], versions(t, schema), "the migration was rolled back")

	require.NoError(t, holder.Rollback(ctx))
	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
}
