package sqlitestore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
)

// Complaints lists the logs of many cases ([complaint.LogLister]), so
// that Service.Logs reads them in one query.
var _ complaint.LogLister = (*sqlitestore.Complaints)(nil)

// Service.Logs over the SQLite store gives the logs of every case opened
// in the period, of every complainant, whole and in order.
func TestComplaintLogs(t *testing.T) {
	ctx := context.Background()
	db, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "logs.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	s := db.Complaints()
	svc := &complaint.Service{Store: s}
	const n = 200
	want := make(map[complaint.ID][]complaint.Event, n)
	for i := range n {
		id := complaint.ID(fmt.Sprintf("C-%03d", n-i))
		_, evs := complainttest.RunFor(id, customer.ID("cust-"+complaintCustomer(i)), complainttest.T0.Add(time.Duration(i)*time.Minute), i%9)
		for j := range evs {
			c, err := complaint.Rebuild(evs[:j+1])
			require.NoError(t, err)
			require.NoError(t, s.Save(ctx, c, evs[j]))
		}
		want[id] = evs
	}
	from, to := complainttest.T0.Add(10*time.Minute), complainttest.T0.Add(110*time.Minute)
	logs, err := svc.Logs(ctx, from, to)
	require.NoError(t, err)
	require.Len(t, logs, 100)
	for i, log := range logs {
		id := complaint.ID(fmt.Sprintf("C-%03d", n-10-i))
		require.Equal(t, id, log[0].Case, "log %d", i)
		assert.True(t, complainttest.SameEvents(want[id], log), "log of %s", id)
	}
}

func complaintCustomer(i int) string { return fmt.Sprint(i % 7) }
