package pgstore_test

import (
	"context"
	"encoding/json"
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
			string(id), c.State.String(), c.Priority.String(), at.Truncate(time.Microsecond), body)
		require.NoError(t, err)
		_, err = p.Exec(ctx, `INSERT INTO `+table("complaint_events")+`
			(case_id, seq, at, actor, role, command, from_state, to_state, body)
			VALUES ($1, 1, $2, $3, $4, 'record', '', $5, $6)`,
			string(id), at.Truncate(time.Microsecond), string(ev.Actor.ID), ev.Actor.Role.String(), ev.To.String(), evBody)
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
