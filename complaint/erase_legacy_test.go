package complaint_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// A case erased once, as a store holds it (rejected, erased in another
// zone than its events'), loads, rebuilds, is not changed by another
// erasure and goes on: Case.Erased, the time of the latest erasure that
// reached new events, is for it the time of its only erasure.
func TestCaseErasedOnceStillLoads(t *testing.T) {
	const stored = `{"id":"C-1","version":2,"state":"rejected","intake":{"id":"C-1","complainant":"cust-C-1","channel":"web","received":"2026-03-02T09:00:00Z","subject":{"kind":"product","order":"O-1","sku":"JKT-01-M"},"category":"seams","severity":"medium","currency":"EUR","order_value":"189.00 EUR","demand":{"kind":"refund","amount":"189.00 EUR"},"description":""},"priority":"normal","opened":"2026-03-02T09:00:00Z","updated":"2026-03-02T10:00:00Z","decided":"2026-03-02T10:00:00Z","erased":"2026-03-02T13:00:00+01:00"}`
	storedEvs := []string{
		`{"case":"C-1","seq":1,"at":"2026-03-02T09:00:00Z","actor":{"id":"agent-1","role":"agent"},"to":"recorded","command":{"kind":"record","intake":{"id":"C-1","complainant":"cust-C-1","channel":"web","received":"2026-03-02T09:00:00Z","subject":{"kind":"product","order":"O-1","sku":"JKT-01-M"},"category":"seams","severity":"medium","currency":"EUR","order_value":"189.00 EUR","demand":{"kind":"refund","amount":"189.00 EUR"},"description":""}},"priority":"normal","erased":"2026-03-02T13:00:00+01:00"}`,
		`{"case":"C-1","seq":2,"at":"2026-03-02T10:00:00Z","actor":{"id":"agent-1","role":"agent"},"from":"recorded","to":"rejected","command":{"kind":"reject"},"priority":"normal","erased":"2026-03-02T13:00:00+01:00"}`,
	}
	var c complaint.Case
	require.NoError(t, json.Unmarshal([]byte(stored), &c))
	evs := make([]complaint.Event, len(storedEvs))
	for i, doc := range storedEvs {
		require.NoError(t, json.Unmarshal([]byte(doc), &evs[i]))
	}
	erasedAt := hours(3)
	require.True(t, c.Erased.Equal(erasedAt))

	r, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, r), "rebuilt %+v", r)
	assert.Equal(t, c, complaint.EraseCase(c, hours(10)), "another erasure changed the case")

	ctx := t.Context()
	s := complaint.NewMemStore()
	first, err := complaint.Rebuild(evs[:1])
	require.NoError(t, err)
	require.NoError(t, s.Save(ctx, first, evs[0]))
	require.NoError(t, s.Save(ctx, c, evs[1]))
	require.NoError(t, s.Erase(ctx, c.Intake.Complainant, hours(10)))
	got, err := s.Get(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, c, got, "another erasure changed the stored case")
	svc := &complaint.Service{Store: s}
	next, _, err := svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdReopen, Reason: "contested"}, supervisor, erasedAt.Add(time.Minute))
	require.NoError(t, err)
	assert.True(t, next.Erased.Equal(erasedAt))
	require.NoError(t, svc.Verify(ctx, "C-1"))
}
