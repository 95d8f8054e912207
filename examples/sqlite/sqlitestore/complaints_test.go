package sqlitestore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// A file of schema version 3, with complaint cases, is upgraded by Open:
// the cases are listed by customer, in order, and the index on the
// complainant alone gives way to the one on (complainant, opened, id).
func TestComplaintListingMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v3.db")
	old, err := open(ctx, path, nil, 3)
	require.NoError(t, err)
	for _, r := range []struct {
		id     complaint.ID
		opened time.Time
	}{{"K-2", complainttest.T0.Add(time.Nanosecond)}, {"K-3", complainttest.T0}, {"K-1", complainttest.T0.Add(time.Hour)}} {
		c, ev := complainttest.RecordFor(r.id, "anna", r.opened)
		require.NoError(t, old.Complaints().Save(ctx, c, ev))
	}
	c, ev := complainttest.RecordFor("K-9", "bob", complainttest.T0)
	require.NoError(t, old.Complaints().Save(ctx, c, ev))
	require.Contains(t, tables(t, old), "complaint_cases_by_complainant")
	require.NoError(t, old.Close())

	db, err := Open(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, LatestSchema, v)
	names := tables(t, db)
	assert.NotContains(t, names, "complaint_cases_by_complainant")
	assert.Contains(t, names, "complaint_cases_by_complainant_opened")
	cases, err := db.Complaints().Cases(ctx, "anna")
	require.NoError(t, err)
	var ids []complaint.ID
	for _, c := range cases {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []complaint.ID{"K-3", "K-2", "K-1"}, ids)
}

// The listing query reads the customer's rows from the index, already in
// order: no scan of the table, no sort.
func TestComplaintListingUsesTheIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.r.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT id, doc FROM complaint_cases WHERE complainant = ? ORDER BY opened, id`, "anna")
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	text := strings.Join(plan, "; ")
	assert.Contains(t, text, "USING INDEX complaint_cases_by_complainant_opened (complainant=?)", text)
	assert.NotContains(t, text, "TEMP B-TREE", "the rows are sorted after reading: %s", text)
}
