package complaint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// conduct is a finding that a staff member's conduct caused the
// complaint, naming staff (none when empty).
func conduct(staff complaint.ActorID) complaint.Command {
	return complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseStaffConduct, Responsible: complaint.PartyStore, Staff: staff, Detail: "rude at the till"}}
}

// Domain rules §5 step 7 penalises the staff directly responsible: a
// finding of staff conduct names the staff member, so that the carry-out
// needs an accountability entry for them. One that names nobody would
// let the penalty step be skipped without a trace, and is refused.
func TestStaffConductFindingNamesStaff(t *testing.T) {
	assigned, _ := reach(2)
	invalid(t, assigned, conduct(""), handler, hours(3), "command.finding.staff", customer.CodeRequired)
	_, _, err := complaint.Apply(assigned, conduct(""), handler, hours(3))
	for _, want := range []string{`"C-1"`, "investigate", "command.finding.staff"} {
		assert.Contains(t, err.Error(), want)
	}

	// Named, it is taken; the carry-out then needs the entry.
	c, _ := do(t, assigned, conduct("clerk-9"), handler, hours(3))
	assert.Equal(t, complaint.ActorID("clerk-9"), c.Finding.Staff)

	// Other causes may name nobody.
	other := conduct("")
	other.Finding.Cause = complaint.CauseManufacturing
	_, _ = do(t, assigned, other, handler, hours(3))

	// A later investigation may not drop the name either.
	invalid(t, c, conduct(""), handler, hours(4), "command.finding.staff", customer.CodeRequired)
}

// Logs written before the rule still rebuild: the rule is Apply's, not
// Rebuild's, as for a receipt before customer.MinRecordYear. A case so
// rebuilt, whose finding blames staff conduct without a name, carries
// out only with an accountability entry.
func TestStaffConductOldLogRebuilds(t *testing.T) {
	assigned, evs := reach(2)
	c, ev := do(t, assigned, conduct("clerk-9"), handler, hours(3))
	ev.Command.Finding.Staff = "" // as an old log holds it
	evs = append(evs, ev)
	c, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	require.Equal(t, complaint.CauseStaffConduct, c.Finding.Cause)
	require.Empty(t, c.Finding.Staff)

	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "call"}}, handler, hours(4))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(5))
	carry := func(acc ...complaint.Accountability) complaint.Command {
		return complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelPhone, Accountability: acc}}
	}
	refused(t, nil, c, carry(), handler, hours(6), gAccount)
	next, _ := do(t, c, carry(complaint.Accountability{Staff: "clerk-9", Action: complaint.ActionWarning}), handler, hours(6))
	assert.Equal(t, complaint.StateCarriedOut, next.State)
}
