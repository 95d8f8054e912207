package complaint_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// proposedIn returns case C-1, in currency cur, proposed a compensation
// of amount at hour 4.
func proposedIn(t *testing.T, cur customer.Currency, amount string) complaint.Case {
	t.Helper()
	money := func(s string) customer.Money {
		m, err := customer.NewMoney(s, string(cur))
		require.NoError(t, err)
		return m
	}
	in := complainttest.Intake("C-1", t0)
	in.Currency = cur
	in.OrderValue = money("5000.00")
	in.Demand.Amount = money("5000.00")
	c, _ := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	steps := complainttest.HappyPath()[:3]
	for i, s := range steps {
		c, _ = do(t, c, s.Command, s.Actor, hours(float64(i+1)))
	}
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: money(amount), Detail: "voucher"}}, handler, hours(4))
	return c
}

// TestDefaultPolicyThresholds pins the approval thresholds that
// DefaultPolicy documents (domain rules §5 step 6, approval by the
// relevant department): a supervisor approves up to 100 EUR, USD, GBP or
// CHF and 800 CNY, the threshold itself included; one minor unit more
// needs a manager.
func TestDefaultPolicyThresholds(t *testing.T) {
	for cur, limit := range map[customer.Currency]string{"EUR": "100", "USD": "100", "GBP": "100", "CHF": "100", "CNY": "800"} {
		t.Run(string(cur), func(t *testing.T) {
			do(t, proposedIn(t, cur, limit+".00"), complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(5))
			over := proposedIn(t, cur, limit+".01")
			refused(t, complaint.DefaultPolicy(), over, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(5), gAuthority)
			do(t, over, complaint.Command{Kind: complaint.CmdApprove}, manager, hours(5))
		})
	}
}
