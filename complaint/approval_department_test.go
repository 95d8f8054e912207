package complaint_test

import (
	"encoding/json"
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
