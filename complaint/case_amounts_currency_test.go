package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// The checks of a case's amounts refuse no case a log leads to, in a
// currency of any minor unit (JPY none, KWD three decimals): a case
// reopened and paid three times (a refund with pay deductions and a
// loss, a price reduction carried out after a wait, a compensation)
// moves on at every step, and rebuilds from its log to the same sums.
func TestCaseAmountChecksAcceptEveryMinorUnit(t *testing.T) {
	for _, tc := range []struct{ cur, value, refund, reduction, compensation, loss, deduction, paid, paidOut string }{
		{"JPY", "18900", "4000", "3000", "500", "6000", "1500", "7000 JPY", "7500 JPY"},
		{"KWD", "189.125", "40.005", "30.010", "5.001", "60.000", "15.125", "70.015 KWD", "75.016 KWD"},
		{"EUR", "189.00", "40.05", "30.10", "5.01", "60.00", "15.25", "70.15 EUR", "75.16 EUR"},
	} {
		t.Run(tc.cur, func(t *testing.T) {
			money := func(s string) customer.Money { return eurIn(t, s, customer.Currency(tc.cur)) }
			in := complainttest.Intake("C-1", t0)
			in.Currency, in.OrderValue = customer.Currency(tc.cur), money(tc.value)
			in.Demand.Amount = money(tc.value)
			c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
			evs := []complaint.Event{ev}
			at := t0
			step := func(cmd complaint.Command, a complaint.Actor) {
				t.Helper()
				at = at.Add(time.Hour)
				c, ev = do(t, c, cmd, a, at)
				evs = append(evs, ev)
				r, err := complaint.Rebuild(evs)
				require.NoError(t, err)
				assert.True(t, r.PaidOut.Equal(c.PaidOut) && r.Paid.Equal(c.Paid), "rebuilt sums")
				if c.State != complaint.StateClosed {
					_, _, err = applyWithin(t, nil, c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow"}, supervisor, at.Add(time.Minute))
					require.NoError(t, err, "escalation in %s", c.State)
				}
			}
			propose := func(k complaint.ResolutionKind, amount string) complaint.Command {
				return complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: k, Amount: money(amount), Detail: "x"}}
			}
			approve := complaint.Command{Kind: complaint.CmdApprove}
			carryOut := complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}
			reopen := complaint.Command{Kind: complaint.CmdReopen, Reason: "again", Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1}}
			h := complainttest.HappyPath()
			for _, s := range h[:3] {
				step(s.Command, s.Actor)
			}
			step(propose(complaint.ResolutionRefund, tc.refund), handler)
			step(approve, manager)
			step(complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail, Loss: money(tc.loss),
				Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionPayDeduction, Deduction: money(tc.deduction)}}}}, handler)
			step(reopen, complainant)
			step(h[2].Command, h[2].Actor)
			step(propose(complaint.ResolutionPriceReduction, tc.reduction), handler)
			step(approve, manager)
			step(complaint.Command{Kind: complaint.CmdWait, Reason: "size"}, handler)
			step(complaint.Command{Kind: complaint.CmdResume}, complainant)
			step(carryOut, handler)
			step(reopen, complainant)
			step(h[2].Command, h[2].Actor)
			step(propose(complaint.ResolutionCompensation, tc.compensation), handler)
			step(approve, manager)
			step(carryOut, handler)
			assert.Equal(t, tc.paid, c.Paid.String())
			assert.Equal(t, tc.paidOut, c.PaidOut.String())
		})
	}
}
