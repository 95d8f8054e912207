package complaint_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

const gDept = "approver is of the case's department, an approving department, or a manager"

// Domain rules §5 step 6: the proposal is approved by the relevant
// department. An approver whose department is known approves a case of
// that department only; a manager approves any case, and so does a
// supervisor of a department the policy names as approving. An approver
// whose department is not known is checked as before.
func TestApprovalByTheCasesDepartment(t *testing.T) {
	proposed, _ := reach(4) // with department "quality", 40 EUR proposed by handler-1
	require.Equal(t, "quality", proposed.Department)
	approve := complaint.Command{Kind: complaint.CmdApprove}
	sup := func(dept string) complaint.Actor {
		return complaint.Actor{ID: "supervisor-9", Role: complaint.RoleSupervisor, Department: dept}
	}

	refused(t, nil, proposed, approve, sup("logistics"), hours(5), gDept)
	// Another department's supervisor fails both checks at once when
	// the amount is beyond a supervisor's and they proposed it.
	self := complaint.Actor{ID: handler.ID, Role: complaint.RoleSupervisor, Department: "logistics"}
	refused(t, &complaint.Policy{}, proposed, approve, self, hours(5), gAuthority, gFourEyes, gDept)

	for _, a := range []complaint.Actor{
		sup("quality"), sup(" Quality "), // the case's department, compared as a name
		sup(""), supervisor, // department not known: as before
		{ID: "manager-2", Role: complaint.RoleManager, Department: "logistics"},
	} {
		got, ev, err := complaint.Apply(proposed, approve, a, hours(5))
		require.NoError(t, err, "%s of %q", a, a.Department)
		assert.Equal(t, complaint.StateApproved, got.State)
		assert.Equal(t, a, ev.Actor, "the event keeps the approver's department")
	}

	// A policy may name departments that approve every case: a central
	// complaint desk.
	desk := complaint.DefaultPolicy()
	desk.ApprovingDepartments = []string{"Customer Service"}
	_, _, err := desk.Apply(proposed, approve, sup("customer  service"), hours(5))
	require.NoError(t, err)
	refused(t, desk, proposed, approve, sup("logistics"), hours(5), gDept)
}

// The department is optional in the wire form, and a log written before
// the rule rebuilds whatever department its approver had: guards are not
// re-checked on rebuilding.
func TestActorDepartmentWireAndOldLogs(t *testing.T) {
	doc, err := json.Marshal(supervisor)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"supervisor-1","role":"supervisor"}`, string(doc))
	a := complaint.Actor{ID: "s-2", Role: complaint.RoleSupervisor, Department: "quality"}
	doc, err = json.Marshal(a)
	require.NoError(t, err)
	var back complaint.Actor
	require.NoError(t, json.Unmarshal(doc, &back))
	assert.Equal(t, a, back)

	_, evs := reach(5)
	evs[5].Actor.Department = "logistics" // the approval, by another department
	c, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.Equal(t, complaint.StateApproved, c.State)
}

// A department the caller sets is a name: blank or not UTF-8, it is
// refused as the other texts are.
func TestActorDepartmentText(t *testing.T) {
	proposed, _ := reach(4)
	approve := complaint.Command{Kind: complaint.CmdApprove}
	invalid(t, proposed, approve, complaint.Actor{ID: "s-2", Role: complaint.RoleSupervisor, Department: " \t"}, hours(5), "actor.department", customer.CodeRequired)
	invalid(t, proposed, approve, complaint.Actor{ID: "s-2", Role: complaint.RoleSupervisor, Department: "qual\xffity"}, hours(5), "actor.department", customer.CodeFormat)
}

// The audit trail tells who approved and for which department: the
// event's text form names the approver's department, and its slog form
// carries it, where it is known; an event by an actor of unknown
// department prints as before.
func TestEventShowsTheActorsDepartment(t *testing.T) {
	proposed, _ := reach(4)
	approver := complaint.Actor{ID: "supervisor-9", Role: complaint.RoleSupervisor, Department: "quality"}
	_, ev := do(t, proposed, complaint.Command{Kind: complaint.CmdApprove}, approver, hours(5))
	assert.Contains(t, ev.String(), `by supervisor:supervisor-9 of department "quality":`)
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("audit", "event", ev)
	var doc struct {
		Event map[string]any `json:"event"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc), b.String())
	assert.Equal(t, "supervisor-9", doc.Event["actor"])
	assert.Equal(t, "quality", doc.Event["actor_department"])

	_, ev = do(t, proposed, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(5))
	assert.Contains(t, ev.String(), "by supervisor:supervisor-1: proposed → approved")
	b.Reset()
	slog.New(slog.NewJSONHandler(&b, nil)).Info("audit", "event", ev)
	assert.NotContains(t, b.String(), "actor_department")
}

// Sending a proposal back is the approver's other answer to it (domain
// rules §5 step 6): a supervisor of another department, who may not
// approve the case's proposal, may not turn it down either, which
// would let any department hold up any case's resolution. The case's
// department, an approving department, a manager and a supervisor of
// unknown department may.
func TestSendBackByTheCasesDepartment(t *testing.T) {
	proposed, _ := reach(4)
	back := complaint.Command{Kind: complaint.CmdSendBack, Reason: "offer less"}
	sup := func(dept string) complaint.Actor {
		return complaint.Actor{ID: "supervisor-9", Role: complaint.RoleSupervisor, Department: dept}
	}
	refused(t, nil, proposed, back, sup("logistics"), hours(5), gDept)

	desk := complaint.DefaultPolicy()
	desk.ApprovingDepartments = []string{"customer service"}
	for _, a := range []complaint.Actor{
		sup("Quality"), sup(""), supervisor, sup("customer service"),
		{ID: "manager-2", Role: complaint.RoleManager, Department: "logistics"},
	} {
		got, ev, err := desk.Apply(proposed, back, a, hours(5))
		require.NoError(t, err, "%s of %q", a, a.Department)
		assert.Equal(t, complaint.StateInvestigated, got.State)
		assert.Equal(t, a, ev.Actor)
	}
	refused(t, desk, proposed, back, sup("logistics"), hours(5), gDept)
}

// A redelivered approval (the same command with the same idempotency
// key) is the same actor's whatever the spelling of their department,
// which compares as a name, and whether the delivery knows the
// department or not: the consumer of a queue that learns the approver's
// department from a directory may give it one time and not the other
// (a directory edited, a consumer upgraded between the deliveries). A
// delivery naming another department is another actor's: the key is
// reused.
func TestRedeliveredApprovalAndTheApproversDepartment(t *testing.T) {
	ctx := context.Background()
	_, evs := reach(4)
	approve := complaint.Command{Kind: complaint.CmdApprove, Key: "msg-6"}
	sup := func(dept string) complaint.Actor {
		return complaint.Actor{ID: "supervisor-9", Role: complaint.RoleSupervisor, Department: dept}
	}
	for _, tc := range []struct{ first, again string }{
		{"quality", " Quality "}, {"quality", ""}, {"", "quality"}, {"Quality", "quality"},
	} {
		mem := complaint.NewMemStore()
		for i := range evs {
			c, err := complaint.Rebuild(evs[:i+1])
			require.NoError(t, err)
			require.NoError(t, mem.Save(ctx, c, evs[i]))
		}
		svc := &complaint.Service{Store: mem}
		done, ev, err := svc.Do(ctx, "C-1", approve, sup(tc.first), hours(5))
		require.NoError(t, err)
		again, ev2, err := svc.Do(ctx, "C-1", approve, sup(tc.again), hours(6))
		require.NoError(t, err, "%q, then %q", tc.first, tc.again)
		assert.Equal(t, ev, ev2, "the event of the first delivery")
		assert.Equal(t, done, again)
		_, _, err = svc.Do(ctx, "C-1", approve, sup("logistics"), hours(6))
		if tc.first == "" {
			require.NoError(t, err, "unknown, then %q", "logistics")
		} else {
			require.ErrorIs(t, err, complaint.ErrKeyReused, "%q, then logistics", tc.first)
		}
		stored, err := mem.Events(ctx, "C-1")
		require.NoError(t, err)
		assert.Len(t, stored, len(evs)+1, "one approval")
	}
}
