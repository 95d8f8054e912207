package complaint_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// A case about two jackets of one order refunds one, is reopened and
// refunds the other. Each event goes through MarkLastUnits before it is
// saved, which changes only the carry-out of a refund: the first leaves
// a jacket with the customer and is not marked; the second takes back
// the last one, is marked and sets RefundedAll, so that the case refuses
// another refund proposal; a compensation is still possible.
func ExampleMarkLastUnits() {
	t0 := complainttest.T0
	order := customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "JKT-01-M", Category: "jackets", Quantity: 2, UnitPrice: decimal.RequireFromString("94.50")}}}
	history := []customer.Event{{Order: &order}} // the customer's history, as the store holds it

	c, events := complainttest.Run("C-1", t0, 3) // investigated
	at := t0.Add(5 * time.Hour)
	do := func(cmd complaint.Command, actor complaint.Actor) error {
		next, ev, err := complaint.Apply(c, cmd, actor, at)
		if err != nil {
			return err
		}
		at = at.Add(time.Hour)
		if next, ev, err = complaint.MarkLastUnits(next, ev, events, order, history); err != nil {
			return err
		}
		c, events = next, append(events, ev) // saved together (Store.Save)
		if cmd.Kind == complaint.CmdCarryOut {
			fmt.Println("refund carried out: last units", ev.LastUnits, "refunded all", c.RefundedAll)
		}
		return nil
	}
	refund := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: mustMoney("80.00", "EUR"), Units: 1, Detail: "one jacket back, less the wear"}
	propose := complaint.Command{Kind: complaint.CmdPropose, Proposal: &refund}
	for _, step := range []complainttest.Step{
		{Command: propose, Actor: complainttest.Handler},
		{Command: complaint.Command{Kind: complaint.CmdApprove}, Actor: complainttest.Manager},
		{Command: complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}, Actor: complainttest.Handler},
		{Command: complaint.Command{Kind: complaint.CmdReopen, Feedback: &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2}, Reason: "the other seam split too"},
			Actor: complaint.Actor{ID: "cust-C-1", Role: complaint.RoleCustomer}},
		{Command: complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
			Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "the same seam"}}, Actor: complainttest.Handler},
		{Command: propose, Actor: complainttest.Handler},
		{Command: complaint.Command{Kind: complaint.CmdApprove}, Actor: complainttest.Manager},
		{Command: complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}, Actor: complainttest.Handler},
		{Command: complaint.Command{Kind: complaint.CmdReopen, Feedback: &complaint.Feedback{Perceived: 4, Expected: 8, CSAT: 3}, Reason: "still unhappy"},
			Actor: complaint.Actor{ID: "cust-C-1", Role: complaint.RoleCustomer}},
		{Command: complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
			Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "no jacket left"}}, Actor: complainttest.Handler},
	} {
		if err := do(step.Command, step.Actor); err != nil {
			fmt.Println(err)
			return
		}
	}

	more := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: mustMoney("20.00", "EUR"), Detail: "the wear back too"}
	err := do(complaint.Command{Kind: complaint.CmdPropose, Proposal: &more}, complainttest.Handler)
	fmt.Println(err)
	fmt.Println(c.State)
	// Output:
	// refund carried out: last units false refunded all false
	// refund carried out: last units true refunded all true
	// complaint "C-1": propose: command.proposal.kind: a refund the case carried out left the customer none of the subject's units, so none is left to bring back; propose a price reduction of what is left of the order's price or a compensation instead
	// investigated
}
