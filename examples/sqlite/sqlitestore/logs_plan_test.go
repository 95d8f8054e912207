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

// The query of Complaints.Logs reads the cases of the period from the
// index on (opened, id), already in order, and each case's events by the
// primary key: no scan of a table, no sort of the rows read (SQLite
// orders each case's few events by seq as it reads them, not the
// result).
func TestComplaintLogsUseTheIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.r.QueryContext(ctx, `EXPLAIN QUERY PLAN `+logsQuery, "2026-03-01", "2026-04-01")
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
	assert.Contains(t, text, "INDEX complaint_cases_by_opened (opened>? AND opened<?)", text)
	assert.Contains(t, text, "USING PRIMARY KEY (case_id=?)", text)
	assert.NotContains(t, text, "SCAN", text)
	assert.NotContains(t, text, "TEMP B-TREE FOR ORDER BY", "the rows are sorted after reading: %s", text)
}

// A file of schema version 6, with complaint cases, is upgraded by Open
// to one with the index on (opened, id), and its cases' logs are listed.
func TestComplaintLogsMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v6.db")
	old, err := open(ctx, path, nil, 6)
	require.NoError(t, err)
	for i, id := range []complaint.ID{"K-2", "K-1"} {
		_, evs := complainttest.Run(id, complainttest.T0.Add(time.Duration(i)*time.Hour), 2)
		for j := range evs {
			c, err := complaint.Rebuild(evs[:j+1])
			require.NoError(t, err)
			require.NoError(t, old.Complaints().Save(ctx, c, evs[j]))
		}
	}
	require.NoError(t, old.Close())

	db, err := Open(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'complaint_cases_by_opened'`).Scan(&n))
	assert.Equal(t, 1, n)
	logs, err := (&complaint.Service{Store: db.Complaints()}).Logs(ctx, complainttest.T0, complainttest.T0.Add(24*time.Hour))
	require.NoError(t, err)
	require.Len(t, logs, 2)
	assert.Equal(t, complaint.ID("K-2"), logs[0][0].Case)
	assert.Equal(t, complaint.ID("K-1"), logs[1][0].Case)
	assert.Len(t, logs[1], 3)
}
