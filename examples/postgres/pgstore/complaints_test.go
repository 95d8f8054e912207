package pgstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/examples/postgres/pgstore"
)

func listedIDs(t *testing.T, cases []complaint.Case) []complaint.ID {
	t.Helper()
	ids := []complaint.ID{}
	for _, c := range cases {
		ids = append(ids, c.ID)
	}
	return ids
}

// A schema of version 3 holding complaint cases (written as that version
// wrote them: opened to the microsecond, no opened_ns) is upgraded: the
// nanoseconds come from each case's JSON, the cases are listed in the
// exact order of their opening, and the store keeps working on them.
func TestMigrateListsExistingComplaints(t *testing.T) {
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	ctx := context.Background()
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 3))

	table := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	opened := map[complaint.ID]time.Time{
		"K-1": complainttest.T0.Add(time.Hour),
		"K-2": complainttest.T0.Add(time.Nanosecond),
		"K-3": complainttest.T0,
		"K-4": complainttest.T0.Add(1500 * time.Nanosecond),
		"K-5": complainttest.T0.Add(time.Microsecond).In(time.FixedZone("UTC+2", 7200)),
	}
	for id, at := range opened {
		c, ev := complainttest.RecordFor(id, "anna", at)
		body, err := json.Marshal(c)
		require.NoError(t, err)
		evBody, err := json.Marshal(ev)
		require.NoError(t, err)
		_, err = p.Exec(ctx, `INSERT INTO `+table("complaint_cases")+`
			(id, version, state, priority, complainant, handler, opened, updated, body)
			VALUES ($1, 1, $2, $3, 'anna', '', $4, $4, $5)`,
			string(id), c.State.String(), c.Priority.String(), at.Truncate(time.Microsecond), string(body))
		require.NoError(t, err)
		_, err = p.Exec(ctx, `INSERT INTO `+table("complaint_events")+`
			(case_id, seq, at, actor, role, command, from_state, to_state, body)
			VALUES ($1, 1, $2, $3, $4, 'record', '', $5, $6)`,
			string(id), at.Truncate(time.Microsecond), string(ev.Actor.ID), ev.Actor.Role.String(), ev.To.String(), string(evBody))
		require.NoError(t, err)
	}

	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
	rows, err := p.Query(ctx, `SELECT id, opened_ns FROM `+table("complaint_cases"))
	require.NoError(t, err)
	ns := map[string]int16{}
	for rows.Next() {
		var id string
		var n int16
		require.NoError(t, rows.Scan(&id, &n))
		ns[id] = n
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, map[string]int16{"K-1": 0, "K-2": 1, "K-3": 0, "K-4": 500, "K-5": 0}, ns)

	s := db.Complaints()
	got, err := s.Cases(ctx, "anna")
	require.NoError(t, err)
	assert.Equal(t, []complaint.ID{"K-3", "K-2", "K-5", "K-4", "K-1"}, listedIDs(t, got))

	c, err := s.Get(ctx, "K-2")
	require.NoError(t, err)
	next, ev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdAccept}, complainttest.Agent, complainttest.T0.Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, s.Save(ctx, next, ev))
	fresh, evs := complainttest.RunFor("K-0", "anna", complainttest.T0.Add(999*time.Nanosecond), 0)
	require.NoError(t, s.Save(ctx, fresh, evs[0]))
	got, err = s.Cases(ctx, "anna")
	require.NoError(t, err)
	assert.Equal(t, []complaint.ID{"K-3", "K-2", "K-0", "K-5", "K-4", "K-1"}, listedIDs(t, got))
	assert.True(t, complainttest.Same(next, got[1]), "K-2 is listed at its last version")
}

// The listing's ORDER BY is the order of the index on (complainant,
// opened, opened_ns, id): the server can answer it from the index without
// sorting, and the index on the complainant alone is gone.
func TestComplaintListingIndex(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	rows, err := db.Pool().Query(ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'complaint_cases'`, db.Schema())
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	assert.Contains(t, names, "complaint_cases_complainant_opened")
	assert.NotContains(t, names, "complaint_cases_complainant")

	tx, err := db.Pool().Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	// A table this small is best read whole or by bitmap and sorted: with
	// those plans priced out, an index that gives the order is taken
	// without a sort, and one that does not still needs a Sort node.
	_, err = tx.Exec(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off`)
	require.NoError(t, err)
	// The query of ComplaintStore.Cases.
	rows, err = tx.Query(ctx, `EXPLAIN SELECT id, body FROM `+pgx.Identifier{db.Schema(), "complaint_cases"}.Sanitize()+`
		WHERE complainant = $1 ORDER BY opened NULLS FIRST, opened_ns, id`, "anna")
	require.NoError(t, err)
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	text := strings.Join(plan, "\n")
	assert.Contains(t, text, "Index Scan using complaint_cases_complainant_opened", text)
	assert.NotContains(t, text, "Sort", text)
}

// columnInstant reads an instant column and its *_ns companion of the row
// of table whose key columns are as given, as the store reads instants.
func columnInstant(t *testing.T, db *pgstore.DB, table, column, where string, args ...any) time.Time {
	t.Helper()
	var (
		at time.Time
		ns int16
	)
	err := db.Pool().QueryRow(context.Background(), `SELECT `+column+`, `+column+`_ns FROM `+
		pgx.Identifier{db.Schema(), table}.Sanitize()+` WHERE `+where, args...).Scan(&at, &ns)
	require.NoError(t, err, "%s.%s with its nanoseconds", table, column)
	require.True(t, ns >= 0 && ns < 1000, "%s.%s_ns = %d, not 0–999", table, column, ns)
	require.Equal(t, at, at.Truncate(time.Microsecond), "%s.%s keeps microseconds", table, column)
	return at.Add(time.Duration(ns))
}

// sameInstant asserts that got is want to the nanosecond.
func sameInstant(t *testing.T, want, got time.Time, what string) {
	t.Helper()
	assert.True(t, got.Equal(want), "%s: got %s, want %s", what, got, want)
	assert.Equal(t, want.Nanosecond(), got.Nanosecond(), "%s: nanoseconds", what)
}

// A case's instants keep their nanoseconds in every column, as the case
// and its events do: updated (with updated_ns) is the last event's time
// and each event's at (with at_ns) its own, to the nanosecond, whatever
// the zone; Get, Events and Cases give the times saved.
func TestComplaintInstantsKeepNanoseconds(t *testing.T) {
	db := newDB(t)
	s := db.Complaints()
	ctx := context.Background()
	zone := time.FixedZone("NPT", 5*3600+45*60)
	start := complainttest.T0.Add(123456789 * time.Nanosecond).In(zone)
	c, ev := complainttest.RecordFor("K-1", "anna", start)
	require.NoError(t, s.Save(ctx, c, ev))
	saved := []complaint.Event{ev}
	for i, step := range complainttest.HappyPath()[:3] {
		at := start.Add(time.Duration(i+1)*time.Hour + time.Duration(i*111+1)*time.Nanosecond)
		var err error
		c, ev, err = complaint.Apply(c, step.Command, step.Actor, at)
		require.NoError(t, err)
		require.NoError(t, s.Save(ctx, c, ev))
		saved = append(saved, ev)
	}
	require.NotZero(t, c.Updated.Nanosecond()%1000, "the last event's time has nanoseconds below the microsecond")

	where := `id = $1`
	sameInstant(t, c.Opened, columnInstant(t, db, "complaint_cases", "opened", where, "K-1"), "column opened")
	sameInstant(t, c.Updated, columnInstant(t, db, "complaint_cases", "updated", where, "K-1"), "column updated")
	for _, e := range saved {
		sameInstant(t, e.At, columnInstant(t, db, "complaint_events", "at", `case_id = $1 AND seq = $2`, "K-1", e.Seq),
			fmt.Sprintf("column at of event %d", e.Seq))
	}

	got, err := s.Get(ctx, "K-1")
	require.NoError(t, err)
	sameInstant(t, c.Opened, got.Opened, "Get: Opened")
	sameInstant(t, c.Updated, got.Updated, "Get: Updated")
	evs, err := s.Events(ctx, "K-1")
	require.NoError(t, err)
	require.Len(t, evs, len(saved))
	for i, e := range evs {
		sameInstant(t, saved[i].At, e.At, fmt.Sprintf("Events: event %d", e.Seq))
	}
	listed, err := s.Cases(ctx, "anna")
	require.NoError(t, err)
	require.Len(t, listed, 1)
	sameInstant(t, c.Updated, listed[0].Updated, "Cases: Updated")
}

// A schema of version 4 holding complaint cases and events written as
// that version wrote them (updated and at to the microsecond, without
// nanosecond columns) is upgraded: updated_ns and at_ns come from the
// JSON of each case and event, so the columns hold the exact instants,
// and the store keeps working on the cases.
func TestMigrateKeepsComplaintNanoseconds(t *testing.T) {
	p := sharedPool(t)
	schema := newSchemaName()
	t.Cleanup(func() { dropSchema(t, p, schema) })
	ctx := context.Background()
	db := pgstore.New(p, &pgstore.Options{Schema: schema})
	require.NoError(t, pgstore.MigrateTo(ctx, db, 4))

	table := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	// A recorded case (updated = opened) and one with three events, in
	// zones other than UTC and with 0, 1, 500 and 999 nanoseconds below
	// the microsecond.
	type stored struct {
		c   complaint.Case
		evs []complaint.Event
	}
	one, oneEv := complainttest.RecordFor("K-1", "anna", complainttest.T0.Add(time.Nanosecond).In(time.FixedZone("UTC+2", 7200)))
	two, twoEvs := complainttest.RunFor("K-2", "anna", complainttest.T0.Add(1500*time.Nanosecond).In(time.FixedZone("HST", -10*3600)), 2)
	twoEvs[1].At = twoEvs[1].At.Add(-500 * time.Nanosecond) // …00.000001
	twoEvs[2].At = twoEvs[2].At.Add(499 * time.Nanosecond)  // …00.000001999
	two.Updated = twoEvs[2].At
	cases := []stored{{one, []complaint.Event{oneEv}}, {two, twoEvs}}
	for _, s := range cases {
		c := s.c
		body, err := json.Marshal(c)
		require.NoError(t, err)
		_, err = p.Exec(ctx, `INSERT INTO `+table("complaint_cases")+`
			(id, version, state, priority, complainant, handler, opened, opened_ns, updated, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			string(c.ID), c.Version, c.State.String(), c.Priority.String(), string(c.Intake.Complainant), string(c.Handler),
			c.Opened.Truncate(time.Microsecond), c.Opened.Nanosecond()%1000, c.Updated.Truncate(time.Microsecond), string(body))
		require.NoError(t, err)
		for _, ev := range s.evs {
			evBody, err := json.Marshal(ev)
			require.NoError(t, err)
			from := ""
			if ev.From != 0 {
				from = ev.From.String()
			}
			_, err = p.Exec(ctx, `INSERT INTO `+table("complaint_events")+`
				(case_id, seq, at, actor, role, command, from_state, to_state, body)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				string(ev.Case), ev.Seq, ev.At.Truncate(time.Microsecond), string(ev.Actor.ID), ev.Actor.Role.String(),
				ev.Command.Kind.String(), from, ev.To.String(), string(evBody))
			require.NoError(t, err)
		}
	}

	require.NoError(t, db.Migrate(ctx))
	assert.Equal(t, allVersions(), versions(t, schema))
	nsOf := func(tm time.Time) int { return tm.Nanosecond() % 1000 }
	assert.Equal(t, []int{1, 500}, []int{nsOf(one.Updated), nsOf(two.Opened)}, "the fixture's nanoseconds")
	for _, s := range cases {
		id := string(s.c.ID)
		sameInstant(t, s.c.Updated, columnInstant(t, db, "complaint_cases", "updated", `id = $1`, id), id+": column updated")
		for _, ev := range s.evs {
			sameInstant(t, ev.At, columnInstant(t, db, "complaint_events", "at", `case_id = $1 AND seq = $2`, id, ev.Seq),
				fmt.Sprintf("%s: column at of event %d", id, ev.Seq))
		}
	}
	var nonzero int
	require.NoError(t, p.QueryRow(ctx, `SELECT count(*) FROM `+table("complaint_events")+` WHERE at_ns <> 0`).Scan(&nonzero))
	assert.Equal(t, 3, nonzero, "events with nanoseconds below the microsecond: 1, 500, 999")

	s := db.Complaints()
	got, err := s.Get(ctx, "K-2")
	require.NoError(t, err)
	assert.True(t, complainttest.Same(two, got))
	evs, err := s.Events(ctx, "K-2")
	require.NoError(t, err)
	assert.True(t, complainttest.SameEvents(twoEvs, evs))
	at := two.Updated.Add(time.Hour + 7*time.Nanosecond)
	next, ev, err := complaint.Apply(got, complainttest.HappyPath()[2].Command, complainttest.HappyPath()[2].Actor, at)
	require.NoError(t, err)
	require.NoError(t, s.Save(ctx, next, ev))
	sameInstant(t, at, columnInstant(t, db, "complaint_cases", "updated", `id = $1`, "K-2"), "column updated after a save")
	sameInstant(t, at, columnInstant(t, db, "complaint_events", "at", `case_id = $1 AND seq = $2`, "K-2", ev.Seq), "column at of the new event")
	listed, err := s.Cases(ctx, "anna")
	require.NoError(t, err)
	assert.Equal(t, []complaint.ID{"K-1", "K-2"}, listedIDs(t, listed))
}
