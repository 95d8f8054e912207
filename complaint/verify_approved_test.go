package complaint_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// storedBefore returns c as a store that saved it before cases kept the
// approval time gives it back: its JSON form without "approved".
func storedBefore(t *testing.T, c complaint.Case) complaint.Case {
	t.Helper()
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &doc))
	delete(doc, "approved")
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	var old complaint.Case
	require.NoError(t, json.Unmarshal(b, &old))
	return old
}

// A case stored before cases kept the approval time, still approved (or
// carried out, closed, waiting with that approval), is not a corrupt
// case: Verify accepts it, also after the workflow went on from it, and
// still reports a stored approval time that the log does not give.
func TestVerifyCaseStoredBeforeTheApprovalTime(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{5, 6, 7, 8} { // approved, carried out, feedback, closed
		c, evs := complainttest.Run("C-1", t0, n)
		require.False(t, c.Approved.IsZero(), "step %d", n)
		mem := complaint.NewMemStore()
		for i, ev := range evs {
			next, err := complaint.Rebuild(evs[:i+1])
			require.NoError(t, err)
			require.NoError(t, mem.Save(ctx, storedBefore(t, next), ev))
		}
		svc := &complaint.Service{Store: mem}
		assert.NoError(t, svc.Verify(ctx, "C-1"), "step %d: a case stored before the approval time", n)

		// The workflow goes on from the stored case: still consistent.
		if n == 5 {
			next, _, err := svc.Do(ctx, "C-1", complainttest.HappyPath()[5].Command, handler, hours(9))
			require.NoError(t, err)
			require.True(t, next.Approved.IsZero(), "the carry-out keeps what the case knew")
			assert.NoError(t, svc.Verify(ctx, "C-1"), "carried out from a case stored before the approval time")
		}

		// A stored approval time that is not the log's is still reported,
		// and so is a stored approver that is not the log's.
		for field, alter := range map[string]func(*complaint.Case){
			"approved":    func(c *complaint.Case) { c.Approved = hours(5.5) },
			"approved_by": func(c *complaint.Case) { c.ApprovedBy = "supervisor-9" },
		} {
			err := (&complaint.Service{Store: alteredStore{mem, alter}}).Verify(ctx, "C-1")
			require.ErrorIs(t, err, complaint.ErrBadLog, "step %d: %s", n, field)
			assert.ErrorContains(t, err, "stored field "+field+" differs", "step %d", n)
		}
	}

	// A case with no approval that stores an approval time is reported.
	c, evs := complainttest.Run("C-1", t0, 4) // proposed
	require.True(t, c.Approved.IsZero())
	mem := complaint.NewMemStore()
	saveEach(t, mem, evs)
	err := (&complaint.Service{Store: alteredStore{mem, func(c *complaint.Case) { c.Approved = hours(4) }}}).Verify(ctx, "C-1")
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.ErrorContains(t, err, "stored field approved differs")
}

// saveEach stores each event of evs with the case rebuilt up to it.
func saveEach(t *testing.T, s complaint.Store, evs []complaint.Event) {
	t.Helper()
	for i, ev := range evs {
		next, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, s.Save(context.Background(), next, ev))
	}
}

// An event of another command than a revision that names the approval of
// a resolution taken back is a log the workflow did not write; the error
// names the event and the field.
func TestApprovalTakenBackOnlyByARevision(t *testing.T) {
	_, evs := complainttest.Run("C-1", t0, 6) // carried out
	for name, tc := range map[string]struct {
		change func(*complaint.Event)
		field  string
	}{
		"time": {func(e *complaint.Event) { e.RevisedApproved = e.At }, "revised_approved"},
		"by":   {func(e *complaint.Event) { e.RevisedApprovedBy = supervisor.ID }, "revised_approved_by"},
	} {
		for i := range evs {
			bad := append([]complaint.Event(nil), evs...)
			bad[i] = bad[i].Clone()
			tc.change(&bad[i])
			_, err := complaint.Rebuild(bad)
			require.ErrorIs(t, err, complaint.ErrBadLog, "%s on event %d", name, i+1)
			assert.ErrorContains(t, err, fmt.Sprintf("event %d: %s:", i+1, tc.field), name)
			_, err = complaint.Notices(bad)
			require.ErrorIs(t, err, complaint.ErrBadLog, "%s on event %d", name, i+1)
		}
	}
}

// The revision of a case stored before cases kept the approval time: the
// event and NoticeOf do not know the time, Notices reads it from the
// approval in the log, and Verify accepts the stored case.
func TestReviseCaseStoredBeforeTheApprovalTime(t *testing.T) {
	ctx := context.Background()
	c, evs := complainttest.Run("C-1", t0, 5) // approved at hour 5
	mem := complaint.NewMemStore()
	for i, ev := range evs {
		next, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, mem.Save(ctx, storedBefore(t, next), ev))
	}
	svc := &complaint.Service{Store: mem}
	next, ev, err := svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out"}, handler, hours(30))
	require.NoError(t, err)
	assert.True(t, ev.RevisedApproved.IsZero())
	assert.Equal(t, c.ApprovedBy, ev.RevisedApprovedBy)
	n, told, err := complaint.NoticeOf(next, ev)
	require.NoError(t, err)
	require.True(t, told)
	assert.True(t, n.RevisedApproved.IsZero(), "NoticeOf has only the event")
	log, err := svc.History(ctx, "C-1")
	require.NoError(t, err)
	ns, err := complaint.Notices(log)
	require.NoError(t, err)
	assert.True(t, ns[len(ns)-1].RevisedApproved.Equal(c.Approved), "Notices reads the approval in the log")
	require.NoError(t, svc.Verify(ctx, "C-1"))
}
