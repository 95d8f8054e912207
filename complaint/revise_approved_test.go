package complaint_test

import (
	"encoding/json"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
)

// The case keeps when its resolution was approved and by whom, from the
// approval until a send-back, a revision or a reopening takes the
// resolution away; a carry-out keeps it.
func TestCaseKeepsTheApproval(t *testing.T) {
	c, evs := reach(5) // approved
	approval := evs[len(evs)-1]
	require.Equal(t, complaint.CmdApprove, approval.Command.Kind)
	assert.True(t, c.Approved.Equal(approval.At), "approved %v, the approval at %v", c.Approved, approval.At)
	assert.Equal(t, approval.Actor.ID, c.ApprovedBy)
	assert.Contains(t, c.String(), ", approved "+approval.At.Format(time.RFC3339Nano)+" by \""+string(c.ApprovedBy)+"\"")
	assert.True(t, slogHas(c, "approved", approval.At), "LogValue of the case has the approval time")

	// The proposal before its approval has none.
	p, _ := reach(4)
	assert.True(t, p.Approved.IsZero())

	// Carried out: kept.
	co, ev := do(t, c, complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail, Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionCoaching}}}}, handler, hours(7))
	assert.True(t, co.Approved.Equal(approval.At))
	r, err := complaint.Rebuild(append(slices.Clone(evs), ev))
	require.NoError(t, err)
	assert.Equal(t, co, r)

	// Revised: cleared with the proposal.
	rv, _ := do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out"}, handler, hours(7))
	assert.True(t, rv.Approved.IsZero())
	assert.Empty(t, rv.ApprovedBy)
}

// Approved on day A, revised on day B: the revision's event and the
// customer's notice name day A's decision and its approver; Rebuild
// gives the same case, and the texts for logs show it.
func TestReviseNamesWhenTheResolutionWasDecided(t *testing.T) {
	c, evs := reach(5) // approved at hour 5 of day A
	dayA := c.Approved
	require.False(t, dayA.IsZero())
	dayB := dayA.Add(26 * time.Hour)
	c2, ev := do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "size M sold out"}, handler, dayB)
	assert.True(t, ev.RevisedApproved.Equal(dayA), "event: %v, want %v", ev.RevisedApproved, dayA)
	assert.Equal(t, c.ApprovedBy, ev.RevisedApprovedBy)
	assert.True(t, c2.Approved.IsZero(), "the case no longer has an approved resolution")

	n, told, err := complaint.NoticeOf(c2, ev)
	require.NoError(t, err)
	require.True(t, told)
	assert.True(t, n.RevisedApproved.Equal(dayA), "notice: %v, want %v", n.RevisedApproved, dayA)
	assert.True(t, n.At.Equal(dayB))

	stamp := dayA.Format(time.RFC3339Nano)
	assert.Contains(t, ev.String(), "approved "+stamp+" by \""+string(c.ApprovedBy)+"\"")
	assert.Contains(t, n.String(), "approved "+stamp)
	assert.True(t, slogHas(ev, "revised_approved", dayA), "event LogValue")
	assert.True(t, slogHasString(ev, "revised_approved_by", string(c.ApprovedBy)), "event LogValue")
	assert.True(t, slogHas(n, "revised_approved", dayA), "notice LogValue")

	evs = append(evs, ev)
	r, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.Equal(t, c2, r)
	ns, err := complaint.Notices(evs)
	require.NoError(t, err)
	assert.Equal(t, n, ns[len(ns)-1])

	// The erasure keeps it: the brand's decision, not the customer's words.
	er := complaint.EraseEvent(ev, dayB.Add(time.Hour))
	assert.True(t, er.RevisedApproved.Equal(dayA))
	assert.Equal(t, ev.RevisedApprovedBy, er.RevisedApprovedBy)
}

// Sent back and approved again: the revision names the later approval,
// by its approver; the send-back clears the approval.
func TestReviseNamesTheLaterApproval(t *testing.T) {
	c, evs := reach(4) // proposed
	prop := *c.Proposal
	c, ev := do(t, c, complaint.Command{Kind: complaint.CmdSendBack, Reason: "offer less"}, supervisor, hours(5))
	evs = append(evs, ev)
	assert.True(t, c.Approved.IsZero())
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &prop}, handler, hours(6))
	evs = append(evs, ev)
	assert.True(t, c.Approved.IsZero(), "a new proposal is not approved")
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, manager, hours(30))
	evs = append(evs, ev)
	require.True(t, c.Approved.Equal(hours(30)))
	require.Equal(t, manager.ID, c.ApprovedBy)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out"}, handler, hours(50))
	evs = append(evs, ev)
	assert.True(t, ev.RevisedApproved.Equal(hours(30)))
	assert.Equal(t, manager.ID, ev.RevisedApprovedBy)
	n, _, err := complaint.NoticeOf(c, ev)
	require.NoError(t, err)
	assert.True(t, n.RevisedApproved.Equal(hours(30)))
	r, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.Equal(t, c, r)

	// Proposed, approved and revised a second time: the second revision
	// names the third approval, not the first revision's.
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &prop}, handler, hours(51))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(52))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out again"}, handler, hours(53))
	evs = append(evs, ev)
	assert.True(t, ev.RevisedApproved.Equal(hours(52)))
	assert.Equal(t, supervisor.ID, ev.RevisedApprovedBy)
	r, err = complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.Equal(t, c, r)
}

// Reopened after the carry-out: the reopening clears the approval, and a
// revision of the resolution approved after it names that approval.
func TestReopenThenReviseNamesTheNewApproval(t *testing.T) {
	c, evs := reach(7) // carried out, with unsatisfied feedback
	require.Equal(t, complaint.StateCarriedOut, c.State)
	first := c.Approved
	require.False(t, first.IsZero())
	c, ev := do(t, c, complaint.Command{Kind: complaint.CmdReopen, Reason: "still split", Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1}}, complainant, hours(20))
	evs = append(evs, ev)
	assert.True(t, c.Approved.IsZero(), "reopened: no resolution approved")
	assert.Empty(t, c.ApprovedBy)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdInvestigate, Finding: c.Finding}, handler, hours(21))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionExchange, Detail: "new jacket"}}, handler, hours(22))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, manager, hours(23))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out"}, handler, hours(48))
	evs = append(evs, ev)
	assert.True(t, ev.RevisedApproved.Equal(hours(23)), "%v, first approval %v", ev.RevisedApproved, first)
	assert.Equal(t, manager.ID, ev.RevisedApprovedBy)
	r, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.Equal(t, c, r)
}

// A log written before events recorded the approval of the resolution a
// revision takes back rebuilds; Notices reads the approval from the
// case, NoticeOf (only the event) leaves it out. A case stored before
// cases kept the approval time is revised without it.
func TestReviseOldLogAndOldStoredCase(t *testing.T) {
	c, evs := reach(5)
	approvedAt := c.Approved
	c2, ev := do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out"}, handler, hours(30))
	evs = append(evs, ev)
	ns, err := complaint.Notices(evs)
	require.NoError(t, err)

	old := make([]complaint.Event, len(evs))
	for i, e := range evs {
		old[i] = e.Clone()
		old[i].RevisedApproved, old[i].RevisedApprovedBy = time.Time{}, ""
		b, err := json.Marshal(old[i])
		require.NoError(t, err)
		assert.NotContains(t, string(b), `"revised_approved`)
	}
	r, err := complaint.Rebuild(old)
	require.NoError(t, err)
	assert.Equal(t, c2, r)
	mid, err := complaint.Rebuild(old[:6])
	require.NoError(t, err)
	assert.True(t, mid.Approved.Equal(approvedAt), "an old log's approval event gives the time")
	oldNotices, err := complaint.Notices(old)
	require.NoError(t, err)
	assert.Equal(t, ns, oldNotices, "Notices reads the approval from the case")
	legacy, told, err := complaint.NoticeOf(c2, old[len(old)-1])
	require.NoError(t, err)
	require.True(t, told)
	assert.True(t, legacy.RevisedApproved.IsZero(), "NoticeOf has only the event")
	assert.NotContains(t, legacy.String(), "approved")

	// A case stored as JSON before cases kept the approval time.
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &doc))
	require.Contains(t, doc, "approved")
	delete(doc, "approved")
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	var stored complaint.Case
	require.NoError(t, json.Unmarshal(b, &stored))
	require.True(t, stored.Approved.IsZero())
	s2, sev := do(t, stored, complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out"}, handler, hours(30))
	assert.True(t, sev.RevisedApproved.IsZero(), "decided at a time the case does not know")
	assert.Equal(t, c.ApprovedBy, sev.RevisedApprovedBy)
	n, told, err := complaint.NoticeOf(s2, sev)
	require.NoError(t, err)
	require.True(t, told)
	assert.True(t, n.RevisedApproved.IsZero())
	assert.NotNil(t, n.Revised)
	assert.NotContains(t, n.String(), "approved")
	assert.NotContains(t, sev.String(), "approved 0001")
	_, err = complaint.Rebuild(append(slices.Clone(evs[:6]), sev))
	require.NoError(t, err, "the log of the old stored case rebuilds")
}

// The approval time and approver of the resolution taken back, in the
// JSON of the event, the notice and the case, read back the same.
func TestReviseApprovalJSON(t *testing.T) {
	c, _ := reach(5)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"approved":"`+c.Approved.Format(time.RFC3339Nano)+`"`)
	var cb complaint.Case
	require.NoError(t, json.Unmarshal(b, &cb))
	assert.True(t, cb.Approved.Equal(c.Approved))

	c2, ev := do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out"}, handler, hours(30))
	b, err = json.Marshal(c2)
	require.NoError(t, err)
	assert.NotContains(t, string(b), `"approved"`, "no approval, no field")
	b, err = json.Marshal(ev)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"revised_approved":"`+c.Approved.Format(time.RFC3339Nano)+`"`)
	assert.Contains(t, string(b), `"revised_approved_by":"`+string(c.ApprovedBy)+`"`)
	var back complaint.Event
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.RevisedApproved.Equal(ev.RevisedApproved))
	assert.Equal(t, ev.RevisedApprovedBy, back.RevisedApprovedBy)

	n, _, err := complaint.NoticeOf(c2, ev)
	require.NoError(t, err)
	b, err = json.Marshal(n)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"revised_approved":"`)
	assert.NotContains(t, string(b), `revised_approved_by`, "the customer's notice names no staff")
	var nb complaint.Notice
	require.NoError(t, json.Unmarshal(b, &nb))
	assert.True(t, nb.RevisedApproved.Equal(n.RevisedApproved))
}

// An event naming an approval the case did not have, or naming one on
// another command than a revision, is a log the workflow did not write.
func TestReviseApprovalBadLog(t *testing.T) {
	c, evs := reach(5)
	_, ev := do(t, c, complaint.Command{Kind: complaint.CmdRevise, Reason: "sold out"}, handler, hours(30))
	evs = append(evs, ev)
	for name, change := range map[string]func(*complaint.Event){
		"a second off":   func(e *complaint.Event) { e.RevisedApproved = e.RevisedApproved.Add(time.Second) },
		"other approver": func(e *complaint.Event) { e.RevisedApprovedBy = "supervisor-2" },
	} {
		bad := slices.Clone(evs)
		bad[6] = ev.Clone()
		change(&bad[6])
		_, err := complaint.Rebuild(bad)
		require.ErrorIs(t, err, complaint.ErrBadLog, name)
		assert.Contains(t, err.Error(), "event 7", name)
		_, err = complaint.Notices(bad)
		require.ErrorIs(t, err, complaint.ErrBadLog, name)
	}
	// The same instant in another zone is the same approval.
	same := slices.Clone(evs)
	same[6] = ev.Clone()
	same[6].RevisedApproved = ev.RevisedApproved.In(time.FixedZone("UTC+9", 9*3600))
	_, err := complaint.Rebuild(same)
	require.NoError(t, err)

	for name, change := range map[string]func(*complaint.Event){
		"time": func(e *complaint.Event) { e.RevisedApproved = hours(5) },
		"by":   func(e *complaint.Event) { e.RevisedApprovedBy = supervisor.ID },
	} {
		bad := slices.Clone(evs)
		bad[5] = bad[5].Clone() // the approval
		change(&bad[5])
		_, err := complaint.Rebuild(bad)
		require.ErrorIs(t, err, complaint.ErrBadLog, name)
		assert.Contains(t, err.Error(), "event 6", name)
	}
}

// slogHas reports whether v's LogValue has a time attribute key equal to at.
func slogHas(v slog.LogValuer, key string, at time.Time) bool {
	for _, a := range v.LogValue().Group() {
		if a.Key == key && a.Value.Kind() == slog.KindTime && a.Value.Time().Equal(at) {
			return true
		}
	}
	return false
}

// slogHasString reports whether v's LogValue has a string attribute key
// equal to s.
func slogHasString(v slog.LogValuer, key, s string) bool {
	for _, a := range v.LogValue().Group() {
		if a.Key == key && a.Value.String() == s {
			return true
		}
	}
	return false
}
