package complaint_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// The penalty of the staff member responsible is sized by the loss
// (domain rules §5 step 7): from 500 EUR this schedule asks a pay
// deduction of at least 5% of the loss. A carry-out with a warning is
// refused, naming what is missing; one with the deduction goes through.
func ExamplePenaltySchedule() {
	p := complaint.DefaultPolicy()
	p.Penalties = map[customer.Currency]complaint.PenaltySchedule{"EUR": {
		{From: decimal.NewFromInt(100), Action: complaint.ActionWarning},
		{From: decimal.NewFromInt(500), Action: complaint.ActionPayDeduction, Share: decimal.NewFromInt(5)},
	}}
	at := complainttest.T0
	c, _ := complainttest.Run("K-9", at, 2) // assigned to handler-1
	steps := []struct {
		cmd complaint.Command
		by  complaint.Actor
	}{
		{complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseStaffConduct, Responsible: complaint.PartyStore, Staff: "clerk-9", Detail: "sold a damaged coat as new"}}, complainttest.Handler},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionExchange, Detail: "a new coat"}}, complainttest.Handler},
		{complaint.Command{Kind: complaint.CmdApprove}, complainttest.Supervisor},
	}
	for i, s := range steps {
		c, _, _ = p.Apply(c, s.cmd, s.by, at.Add(time.Duration(i+3)*time.Hour))
	}
	loss, _ := customer.NewMoney("600", "EUR") // the damaged coat, written off
	warn := complaint.Accountability{Staff: "clerk-9", Action: complaint.ActionWarning}
	carry := complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail, Loss: loss, Accountability: []complaint.Accountability{warn}}}
	_, _, err := p.Apply(c, carry, complainttest.Handler, at.Add(8*time.Hour))
	fmt.Println(err)

	st, _ := p.Penalties["EUR"].Step(loss.Amount())
	least := st.LeastDeduction(loss)
	carry.Execution.Accountability = []complaint.Accountability{{Staff: "clerk-9", Action: complaint.ActionPayDeduction, Deduction: least}}
	c, _, err = p.Apply(c, carry, complainttest.Handler, at.Add(8*time.Hour))
	fmt.Println(c.State, least, err)
	// Output:
	// complaint "K-9": carry-out in state approved: refused by guard: measure with the responsible staff member sized by the loss (policy penalties): a pay deduction of at least 30.00 EUR for a loss of 600.00 EUR (5% of the loss, penalties["EUR"][1]) with staff member "clerk-9"
	// carried-out 30.00 EUR <nil>
}
