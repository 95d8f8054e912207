package pgstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

// insertClosedCase stores, in schema at version 9, case id of
// complainant, opened at opened and rejected an hour later, with its two
// events, as migrations 4 and 5 left such rows under
// standard_conforming_strings = off: every nanosecond column 0, whatever
// the JSON says. Rows are inserted in the order of the calls, which is
// the order a sequential scan of the new tables reads them in. It
// returns the rejected case and its events.
func insertClosedCase(t *testing.T, p *pgxpool.Pool, schema string, id complaint.ID, complainant customer.ID, opened time.Time) (complaint.Case, []complaint.Event) {
	t.Helper()
	ctx := context.Background()
	c, ev := complainttest.RecordFor(id, complainant, opened)
	rejected, rev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdReject, Reply: "not a defect"},
		complainttest.Agent, opened.Add(time.Hour+300*time.Nanosecond))
	require.NoError(t, err)
	body, err := json.Marshal(rejected)
	require.NoError(t, err)
	_, err = p.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "complaint_cases"}.Sanitize()+`
		(id, version, state, priority, complainant, handler, opened, opened_ns, updated, updated_ns, body)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, 0, $9)`,
		string(id), rejected.Version, rejected.State.String(), rejected.Priority.String(), string(complainant),
		string(rejected.Handler), rejected.Opened.Truncate(time.Microsecond), rejected.Updated.Truncate(time.Microsecond), string(body))
	require.NoError(t, err)
	events := []complaint.Event{ev, rev}
	for _, e := range events {
		from := ""
		if e.From != 0 {
			from = e.From.String()
		}
		evBody, err := json.Marshal(e)
		require.NoError(t, err)
		_, err = p.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "complaint_events"}.Sanitize()+`
			(case_id, seq, at, at_ns, actor, role, command, from_state, to_state, body)
			VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $8, $9)`,
			string(id), e.Seq, e.At.Truncate(time.Microsecond), string(e.Actor.ID), e.Actor.Role.String(),
			e.Command.Kind.String(), from, e.To.String(), string(evBody))
		require.NoError(t, err)
	}
	return rejected, events
}

// blockedBy waits until a backend of the server waits for a lock that
// backend pid holds (or is queued for ahead of it), and returns its pid.
func blockedBy(t *testing.T, p *pgxpool.Pool, pid int32, what string) int32 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var blocked []int32
		rows, err := p.Query(context.Background(), `SELECT pid FROM pg_catalog.pg_stat_activity
			WHERE $1 = ANY(pg_catalog.pg_blocking_pids(pid))`, pid)
		require.NoError(t, err)
		blocked, err = pgx.CollectRows(rows, pgx.RowTo[int32])
		require.NoError(t, err)
		if len(blocked) == 1 {
			return blocked[0]
		}
		require.Empty(t, blocked, "%s: more than one backend waits for backend %d", what, pid)
		require.True(t, time.Now().Before(deadline), "%s: no backend waits for backend %d", what, pid)
		time.Sleep(5 * time.Millisecond)
	}
}

// Migration 10 rewrites the nanoseconds of complaint cases, then of
// their events, in the order of the tables' rows on disk; an erasure
// locks a customer's cases in the order of their opening, then rewrites
// their events. Forced to interleave so that each holds a case row the
// other waits for — the migration has locked the customer's case stored
// first (opened last) and waits for a third case another transaction
// holds; the erasure has locked the case opened first and waits for the
// migration's — neither is aborted as a deadlock: the erasure and the
// migration both complete, and the erased cases and their events keep
// the nanoseconds of their JSON.
func TestMigrateBesideAnErasure(t *testing.T) {
	ctx := context.Background()
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 9))
	t0 := complainttest.T0
	late, lateEvs := insertClosedCase(t, p, schema, "K-b", "anna", t0.Add(2*time.Hour+700*time.Nanosecond))
	insertClosedCase(t, p, schema, "K-m", "bob", t0.Add(time.Hour+300*time.Nanosecond))
	early, earlyEvs := insertClosedCase(t, p, schema, "K-a", "anna", t0.Add(500*time.Nanosecond))
	rows, err := p.Query(ctx, `SELECT id FROM `+pgx.Identifier{schema, "complaint_cases"}.Sanitize()+` ORDER BY ctid`)
	require.NoError(t, err)
	onDisk, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"K-b", "K-m", "K-a"}, onDisk, "the order a sequential scan reads the cases in")

	// Another transaction holds bob's case, which the migration reaches
	// after anna's K-b and before her K-a.
	holder, err := p.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { holder.Rollback(ctx) })
	var holderPID int32
	require.NoError(t, holder.QueryRow(ctx, `SELECT pg_catalog.pg_backend_pid()`).Scan(&holderPID))
	_, err = holder.Exec(ctx, `SELECT FROM `+pgx.Identifier{schema, "complaint_cases"}.Sanitize()+` WHERE id = 'K-m' FOR UPDATE`)
	require.NoError(t, err)

	migrated := make(chan error, 1)
	go func() { migrated <- db.Migrate(ctx) }()
	migrator := blockedBy(t, p, holderPID, "the migration")
	erased := make(chan error, 1)
	go func() { erased <- db.Complaints().Erase(ctx, "anna", t0.Add(48*time.Hour+7*time.Nanosecond)) }()
	blockedBy(t, p, migrator, "the erasure")
	require.NoError(t, holder.Rollback(ctx))

	assert.NoError(t, returned(t, migrated, "Migrate"), "the migration")
	assert.NoError(t, returned(t, erased, "Erase"), "the erasure")
	assert.Equal(t, allVersions(), versions(t, schema))
	for _, c := range []complaint.Case{early, late} {
		got, err := db.Complaints().Get(ctx, c.ID)
		require.NoError(t, err)
		assert.False(t, got.Erased.IsZero(), "%s is erased", c.ID)
		id := string(c.ID)
		sameInstant(t, c.Opened, columnInstant(t, db, "complaint_cases", "opened", `id = $1`, id), id+": column opened")
		sameInstant(t, c.Updated, columnInstant(t, db, "complaint_cases", "updated", `id = $1`, id), id+": column updated")
	}
	for _, ev := range append(earlyEvs, lateEvs...) {
		sameInstant(t, ev.At, columnInstant(t, db, "complaint_events", "at", `case_id = $1 AND seq = $2`, string(ev.Case), ev.Seq),
			fmt.Sprintf("%s: column at of event %d", ev.Case, ev.Seq))
	}
}

// returned returns the error that ch delivers, failing t when none comes
// within 30 seconds (what names the call that did not return).
func returned(t *testing.T, ch <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not return", what)
		return nil
	}
}
