package pgstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
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

// oldSave saves version c.Version of a case and its event ev in schema
// the way the release of this package at schema version release (3 or
// 4) did: the statements of its ComplaintStore.Save, word for word, with
// the arguments it passed. Schema 3 wrote no nanosecond column, schema 4
// opened_ns only.
func oldSave(t *testing.T, p *pgxpool.Pool, schema string, release int, c complaint.Case, ev complaint.Event) {
	t.Helper()
	q, args := oldSaveStatement(t, schema, release, c, ev)
	tag, err := p.Exec(context.Background(), q, args...)
	require.NoError(t, err, "schema %d's save of complaint %q version %d", release, c.ID, c.Version)
	require.EqualValues(t, 1, tag.RowsAffected(), "schema %d's save of complaint %q version %d: the event inserted", release, c.ID, c.Version)
}

// oldSaveStatement returns the statement, and its arguments, by which
// the release at schema version release saved c and ev (see oldSave).
func oldSaveStatement(t *testing.T, schema string, release int, c complaint.Case, ev complaint.Event) (string, []any) {
	t.Helper()
	cases := pgx.Identifier{schema, "complaint_cases"}.Sanitize()
	events := pgx.Identifier{schema, "complaint_events"}.Sanitize()
	caseBody, err := json.Marshal(c)
	require.NoError(t, err)
	evBody, err := json.Marshal(ev)
	require.NoError(t, err)
	instant := func(tm time.Time) (any, int16) {
		if tm.IsZero() {
			return nil, 0
		}
		us := tm.Truncate(time.Microsecond)
		return us, int16(tm.Sub(us))
	}
	opened, openedNs := instant(c.Opened)
	updated, _ := instant(c.Updated)
	at, _ := instant(ev.At)
	from := ""
	if ev.From != 0 {
		from = ev.From.String()
	}
	args := []any{string(c.ID), c.Version, c.State.String(), c.Priority.String(),
		string(c.Intake.Complainant), string(c.Handler), opened, updated, caseBody,
		at, string(ev.Actor.ID), ev.Actor.Role.String(), ev.Command.Kind.String(), from, ev.To.String(), evBody}
	var q string
	switch {
	case release == 3 && c.Version == 1:
		q = `WITH c AS (
				INSERT INTO ` + cases + ` (id, version, state, priority, complainant, handler, opened, updated, body)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING id)`
	case release == 3:
		q = `WITH c AS (
				UPDATE ` + cases + ` SET version = $2, state = $3, priority = $4, complainant = $5,
					handler = $6, opened = $7, updated = $8, body = $9
				WHERE id = $1 AND version = $2 - 1 RETURNING id)`
	case release == 4 && c.Version == 1:
		q = `WITH c AS (
				INSERT INTO ` + cases + ` (id, version, state, priority, complainant, handler, opened, opened_ns, updated, body)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $17, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING id)`
		args = append(args, openedNs)
	case release == 4:
		q = `WITH c AS (
				UPDATE ` + cases + ` SET version = $2, state = $3, priority = $4, complainant = $5,
					handler = $6, opened = $7, opened_ns = $17, updated = $8, body = $9
				WHERE id = $1 AND version = $2 - 1 RETURNING id)`
		args = append(args, openedNs)
	default:
		t.Fatalf("no release at schema version %d", release)
	}
	return q + `
		INSERT INTO ` + events + ` (case_id, seq, at, actor, role, command, from_state, to_state, body)
		SELECT c.id, $2, $10, $11, $12, $13, $14, $15, $16 FROM c`, args
}

// A process of the release at schema 3 or 4, still running beside one
// that migrated the schema to the newest version, saves complaint cases
// and their events as it always did, without the nanosecond columns of
// later steps: the saves succeed, the columns hold the exact instants of
// the cases' and events' JSON (so the cases are listed in the exact
// order of their opening, among cases the new code saved), and the new
// code reads and goes on saving the cases.
func TestOldReleaseSavesComplaintsAfterUpgrade(t *testing.T) {
	for _, release := range []int{3, 4} {
		t.Run(fmt.Sprintf("schema %d", release), func(t *testing.T) {
			oldReleaseSaves(t, newDB(t), release)
		})
	}
}

// oldReleaseSaves checks db, at the newest schema, with the saves of the
// release at schema version release (see
// TestOldReleaseSavesComplaintsAfterUpgrade).
func oldReleaseSaves(t *testing.T, db *pgstore.DB, release int) {
	t.Helper()
	ctx := context.Background()
	s := db.Complaints()
	// Opened 700 ns after T0 by the old release, 500 ns after by the new
	// code: the old case is listed second, as only its nanoseconds tell.
	zone := time.FixedZone("UTC+2", 7200)
	old, oldEv := complainttest.RecordFor("K-old", "anna", complainttest.T0.Add(700*time.Nanosecond).In(zone))
	oldSave(t, db.Pool(), db.Schema(), release, old, oldEv)
	fresh, freshEv := complainttest.RecordFor("K-new", "anna", complainttest.T0.Add(500*time.Nanosecond))
	require.NoError(t, s.Save(ctx, fresh, freshEv))
	next, nextEv, err := complaint.Apply(old, complaint.Command{Kind: complaint.CmdAccept}, complainttest.Agent,
		complainttest.T0.Add(time.Hour+3*time.Nanosecond).In(zone))
	require.NoError(t, err)
	oldSave(t, db.Pool(), db.Schema(), release, next, nextEv)

	got, err := s.Get(ctx, "K-old")
	require.NoError(t, err)
	assert.True(t, complainttest.Same(next, got), "Get gives the case the old release saved")
	evs, err := s.Events(ctx, "K-old")
	require.NoError(t, err)
	assert.True(t, complainttest.SameEvents([]complaint.Event{oldEv, nextEv}, evs), "Events gives the events the old release saved")
	sameInstant(t, next.Opened, columnInstant(t, db, "complaint_cases", "opened", `id = $1`, "K-old"), "column opened")
	sameInstant(t, next.Updated, columnInstant(t, db, "complaint_cases", "updated", `id = $1`, "K-old"), "column updated")
	for _, ev := range []complaint.Event{oldEv, nextEv} {
		sameInstant(t, ev.At, columnInstant(t, db, "complaint_events", "at", `case_id = $1 AND seq = $2`, "K-old", ev.Seq),
			fmt.Sprintf("column at of event %d", ev.Seq))
	}
	listed, err := s.Cases(ctx, "anna")
	require.NoError(t, err)
	assert.Equal(t, []complaint.ID{"K-new", "K-old"}, listedIDs(t, listed))

	// The new code goes on from the old release's version.
	third, thirdEv, err := complaint.Apply(got, complainttest.HappyPath()[1].Command, complainttest.HappyPath()[1].Actor,
		next.Updated.Add(time.Hour+11*time.Nanosecond))
	require.NoError(t, err)
	require.NoError(t, s.Save(ctx, third, thirdEv))
	sameInstant(t, third.Updated, columnInstant(t, db, "complaint_cases", "updated", `id = $1`, "K-old"), "column updated after the new code's save")
	got, err = s.Get(ctx, "K-old")
	require.NoError(t, err)
	assert.True(t, complainttest.Same(third, got))
}

// scratchDatabase creates a database of its own on the test server,
// applies each of settings to it (ALTER DATABASE … SET, such as
// "standard_conforming_strings = off") and returns a pool on it; the
// database is dropped when t ends.
func scratchDatabase(t *testing.T, settings ...string) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	admin := sharedPool(t)
	name := fmt.Sprintf("tailor_scratch_%d_%d", os.Getpid(), schemas.Add(1))
	ident := pgx.Identifier{name}.Sanitize()
	_, err := admin.Exec(ctx, `CREATE DATABASE `+ident)
	require.NoError(t, err)
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), `DROP DATABASE IF EXISTS `+ident); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	for _, s := range settings {
		_, err := admin.Exec(ctx, `ALTER DATABASE `+ident+` SET `+s)
		require.NoError(t, err)
	}
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.ConnConfig.Database = name
	cfg.MaxConns = 4
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(p.Close) // before the drop: cleanups run last added first
	return p
}

// On a database whose sessions run with standard_conforming_strings =
// off, migrating a schema of version 3 that holds complaint cases and
// events (written as that version wrote them) to the newest version
// gives every case and event the nanoseconds of its JSON, as with the
// setting on; and an older release's saves work there too.
func TestMigrateWithoutStandardConformingStrings(t *testing.T) {
	p := scratchDatabase(t, "standard_conforming_strings = off")
	ctx := context.Background()
	var scs string
	require.NoError(t, p.QueryRow(ctx, `SHOW standard_conforming_strings`).Scan(&scs))
	require.Equal(t, "off", scs, "the setting of the scratch database's sessions")

	db := pgstore.New(p, &pgstore.Options{Schema: "tailor"})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 3))
	zone := time.FixedZone("HST", -10*3600)
	one, oneEv := complainttest.RecordFor("K-1", "anna", complainttest.T0.Add(1500*time.Nanosecond).In(zone))
	two, twoEvs := complainttest.RunFor("K-2", "anna", complainttest.T0.Add(999*time.Nanosecond), 2)
	twoEvs[2].At = twoEvs[2].At.Add(42 * time.Nanosecond)
	two.Updated = twoEvs[2].At
	oldSave(t, p, db.Schema(), 3, one, oneEv)
	for i, ev := range twoEvs {
		c := two
		c.Version, c.Updated = ev.Seq, ev.At
		if i == len(twoEvs)-1 {
			c = two
		}
		oldSave(t, p, db.Schema(), 3, c, ev)
	}

	require.NoError(t, db.Migrate(ctx))
	var n int
	require.NoError(t, p.QueryRow(ctx, `SELECT count(*) FROM tailor.schema_version`).Scan(&n))
	require.Equal(t, pgstore.SchemaVersion(), n)
	for _, c := range []complaint.Case{one, two} {
		id := string(c.ID)
		sameInstant(t, c.Opened, columnInstant(t, db, "complaint_cases", "opened", `id = $1`, id), id+": column opened")
		sameInstant(t, c.Updated, columnInstant(t, db, "complaint_cases", "updated", `id = $1`, id), id+": column updated")
	}
	for _, ev := range append([]complaint.Event{oneEv}, twoEvs...) {
		sameInstant(t, ev.At, columnInstant(t, db, "complaint_events", "at", `case_id = $1 AND seq = $2`, string(ev.Case), ev.Seq),
			fmt.Sprintf("%s: column at of event %d", ev.Case, ev.Seq))
	}
	listed, err := db.Complaints().Cases(ctx, "anna")
	require.NoError(t, err)
	assert.Equal(t, []complaint.ID{"K-2", "K-1"}, listedIDs(t, listed), "listed in the order of opening: …00.000000999, …00.0000015")

	// The defaults taken from the JSON work under the setting too.
	_, err = p.Exec(ctx, `DELETE FROM tailor.complaint_cases`)
	require.NoError(t, err)
	oldReleaseSaves(t, db, 3)
}

// A writer whose search_path puts a schema of its own before pg_catalog,
// one holding a function named like a built-in that the triggers of
// migration 10 call (an rpad that pads on the left), still gets the
// nanoseconds of the JSON when it leaves the columns out: the trigger
// functions resolve every name in pg_catalog, whatever the search_path
// of the session whose statement fires them.
func TestTriggersIgnoreTheWritersSearchPath(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	admin := sharedPool(t)
	shadow := newSchemaName()
	t.Cleanup(func() { dropSchema(t, admin, shadow) })
	ident := pgx.Identifier{shadow}.Sanitize()
	_, err := admin.Exec(ctx, `CREATE SCHEMA `+ident)
	require.NoError(t, err)
	_, err = admin.Exec(ctx, `CREATE FUNCTION `+ident+`.rpad(text, integer, text) RETURNS text
		LANGUAGE sql IMMUTABLE AS 'SELECT pg_catalog.lpad($1, $2, $3)'`)
	require.NoError(t, err)

	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.ConnConfig.RuntimeParams["search_path"] = ident + ", pg_catalog"
	cfg.MaxConns = 2
	writer, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(writer.Close)
	var padded string
	require.NoError(t, writer.QueryRow(ctx, `SELECT rpad('7', 3, '0')`).Scan(&padded))
	require.Equal(t, "007", padded, "the writer's sessions call the schema's rpad")

	c, ev := complainttest.RecordFor("K-1", "anna", complainttest.T0.Add(700*time.Nanosecond))
	oldSave(t, writer, db.Schema(), 3, c, ev)
	next, nextEv, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdAccept}, complainttest.Agent,
		complainttest.T0.Add(time.Hour+30*time.Nanosecond))
	require.NoError(t, err)
	oldSave(t, writer, db.Schema(), 3, next, nextEv)

	sameInstant(t, next.Opened, columnInstant(t, db, "complaint_cases", "opened", `id = $1`, "K-1"), "column opened")
	sameInstant(t, next.Updated, columnInstant(t, db, "complaint_cases", "updated", `id = $1`, "K-1"), "column updated")
	for _, e := range []complaint.Event{ev, nextEv} {
		sameInstant(t, e.At, columnInstant(t, db, "complaint_events", "at", `case_id = $1 AND seq = $2`, "K-1", e.Seq),
			fmt.Sprintf("column at of event %d", e.Seq))
	}
}

// Erasing a customer's complaints rewrites the JSON of their cases and
// events, not their instants: the nanosecond columns stay those of the
// JSON (no trigger of migration 10 takes them from elsewhere), for a
// case the new code saved and one an older release saved without the
// columns, in a zone other than UTC, with nanoseconds that end in zeros.
func TestEraseKeepsTheNanosecondColumns(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	s := db.Complaints()
	zone := time.FixedZone("UTC-3", -3*3600)
	var all []complaint.Case
	var events []complaint.Event
	for i, opened := range []time.Time{complainttest.T0.Add(120 * time.Nanosecond), complainttest.T0.Add(time.Minute + 4500*time.Nanosecond).In(zone)} {
		id := complaint.ID(fmt.Sprintf("K-%d", i))
		c, ev := complainttest.RecordFor(id, "anna", opened)
		rejected, rev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdReject, Reply: "not a defect"},
			complainttest.Agent, opened.Add(time.Hour+300*time.Nanosecond))
		require.NoError(t, err)
		if i == 0 {
			require.NoError(t, s.Save(ctx, c, ev))
			require.NoError(t, s.Save(ctx, rejected, rev))
		} else {
			oldSave(t, db.Pool(), db.Schema(), 3, c, ev)
			oldSave(t, db.Pool(), db.Schema(), 3, rejected, rev)
		}
		all, events = append(all, rejected), append(events, ev, rev)
	}
	require.NoError(t, s.Erase(ctx, "anna", complainttest.T0.Add(48*time.Hour+7*time.Nanosecond)))
	for _, c := range all {
		got, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		require.False(t, got.Erased.IsZero(), "%s is erased", c.ID)
		id := string(c.ID)
		sameInstant(t, c.Opened, columnInstant(t, db, "complaint_cases", "opened", `id = $1`, id), id+": column opened")
		sameInstant(t, c.Updated, columnInstant(t, db, "complaint_cases", "updated", `id = $1`, id), id+": column updated")
	}
	for _, ev := range events {
		sameInstant(t, ev.At, columnInstant(t, db, "complaint_events", "at", `case_id = $1 AND seq = $2`, string(ev.Case), ev.Seq),
			fmt.Sprintf("%s: column at of event %d", ev.Case, ev.Seq))
	}
}
