package complaint_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// Amounts beyond the bounds of customer.AmountInRange are refused with a
// range error before anything rounds or compares them, which for such
// exponents would not end.
func TestAmountsOutOfBounds(t *testing.T) {
	extreme := func(exp int32) customer.Money {
		m, err := customer.MoneyFromDecimal(decimal.New(1, exp), "EUR")
		require.NoError(t, err)
		return m
	}
	investigated, _ := reach(3)
	approved, _ := reach(5)
	for _, exp := range []int32{-2147483647, -31, 31, 2147483647} {
		for _, k := range []complaint.ResolutionKind{complaint.ResolutionRefund, complaint.ResolutionCompensation} {
			cmd := complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: k, Amount: extreme(exp), Detail: "x"}}
			invalid(t, investigated, cmd, handler, hours(10), "command.proposal.amount", customer.CodeRange)
		}
		in := complainttest.Intake("C-9", t0)
		in.OrderValue = extreme(exp)
		in.Demand.Amount = extreme(exp)
		invalid(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0,
			"command.intake.order_value", customer.CodeRange, "command.intake.demand.amount", customer.CodeRange)
		exec := complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail,
			Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionPayDeduction, Deduction: extreme(exp)}}}}
		invalid(t, approved, exec, handler, hours(10), "command.execution.accountability[0].deduction", customer.CodeRange)
	}
}
