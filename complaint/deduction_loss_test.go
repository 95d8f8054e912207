package complaint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// Pay deductions of responsible staff are sized by the loss (domain
// rules §5 step 7), so together they may not exceed it: the loss the
// carry-out records (Execution.Loss) or, without one, what the
// resolution pays the customer. A carry-out that deducts more is refused
// naming the case and the deduction, and the case is unchanged.
func TestPayDeductionsAreBoundedByTheLoss(t *testing.T) {
	approved, _ := reach(5) // a price reduction of 40 EUR, approved
	require.Equal(t, "40.00 EUR", approved.Proposal.Amount.String())
	carry := func(loss customer.Money, deductions ...string) complaint.Command {
		ex := &complaint.Execution{Notified: complaint.ChannelEmail, Loss: loss}
		for i, d := range deductions {
			ex.Accountability = append(ex.Accountability, complaint.Accountability{
				Staff: complaint.ActorID("staff-" + string(rune('a'+i))), Action: complaint.ActionPayDeduction, Deduction: eur(t, d)})
		}
		return complaint.Command{Kind: complaint.CmdCarryOut, Execution: ex}
	}
	var none customer.Money

	invalid(t, approved, carry(none, "50"), handler, hours(6), "command.execution.accountability[0].deduction", customer.CodeTooMany)
	invalid(t, approved, carry(none, "30", "20"), handler, hours(6), "command.execution.accountability[1].deduction", customer.CodeTooMany)
	invalid(t, approved, carry(eur(t, "30"), "35"), handler, hours(6), "command.execution.accountability[0].deduction", customer.CodeTooMany)
	_, _, err := complaint.Apply(approved, carry(none, "50"), handler, hours(6))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `complaint "C-1"`)
	assert.Contains(t, err.Error(), "40.00 EUR")

	c, _ := do(t, approved, carry(none, "30", "10"), handler, hours(6))
	assert.Equal(t, complaint.StateCarriedOut, c.State)
	c, _ = do(t, approved, carry(eur(t, "80"), "50", "30"), handler, hours(6))
	assert.Equal(t, "80.00 EUR", c.Execution.Loss.String(), "the loss recorded is kept")

	// The loss recorded is an amount of the case.
	usd, err := customer.NewMoney("80", "USD")
	require.NoError(t, err)
	invalid(t, approved, carry(usd, "10"), handler, hours(6), "command.execution.loss", customer.CodeMismatch)
	invalid(t, approved, carry(eur(t, "-5")), handler, hours(6), "command.execution.loss", customer.CodeNotPos)
}

// A resolution that pays nothing (an apology, an exchange, a repair)
// bounds a pay deduction only by the loss the carry-out records.
func TestPayDeductionWithoutMoneyPaid(t *testing.T) {
	assigned, _ := reach(2)
	c, _ := do(t, assigned, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseStaffConduct, Responsible: complaint.PartyStore, Staff: "clerk-9", Detail: "rude at the till"}}, handler, hours(3))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "call"}}, handler, hours(4))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(5))
	deduct := complaint.Accountability{Staff: "clerk-9", Action: complaint.ActionPayDeduction, Deduction: eur(t, "10")}
	invalid(t, c, complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelPhone,
		Accountability: []complaint.Accountability{deduct}}}, handler, hours(6), "command.execution.accountability[0].deduction", customer.CodeTooMany)
	next, _ := do(t, c, complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelPhone,
		Loss: eur(t, "25"), Accountability: []complaint.Accountability{deduct}}}, handler, hours(6))
	assert.Equal(t, complaint.StateCarriedOut, next.State)
}

// The bound is Apply's: a log written before it, with deductions above
// the loss, still rebuilds, as guards are not re-checked on rebuilding.
func TestRebuildKeepsOldDeductionsAboveTheLoss(t *testing.T) {
	_, events := reach(6) // carried out: a price reduction of 40 EUR
	carried := &events[len(events)-1]
	require.Equal(t, complaint.CmdCarryOut, carried.Command.Kind)
	ex := *carried.Command.Execution
	ex.Accountability = []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionPayDeduction, Deduction: eur(t, "90")}}
	carried.Command.Execution = &ex
	c, err := complaint.Rebuild(events)
	require.NoError(t, err)
	assert.Equal(t, "90.00 EUR", c.Execution.Accountability[0].Deduction.String())
}
