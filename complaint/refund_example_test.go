package complaint_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// A case settled with a refund of 150.00 EUR for a jacket of 189.00 EUR
// (the rest kept for the wear) brings the jacket back: the return goes
// into the customer's history through a Recorder, delivered twice, and
// the summary counts one return, one unit back and the money paid back.
func ExampleRefunds() {
	ctx := context.Background()
	t0 := complainttest.T0
	st := customer.NewMemStore()
	rec := &customer.Recorder{Customers: st, History: st}
	if err := st.Put(ctx, customer.Customer{ID: "cust-C-1", Kind: customer.Consumer, Joined: t0.AddDate(-1, 0, 0)}); err != nil {
		fmt.Println(err)
		return
	}
	order := customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{
			{ID: "1", SKU: "JKT-01-M", Category: "jackets", Quantity: 1, UnitPrice: decimal.RequireFromString("189.00")},
			{ID: "2", SKU: "SCF-07", Category: "scarves", Quantity: 2, UnitPrice: decimal.RequireFromString("25.00")},
		}}
	if err := rec.RecordOrder(ctx, order, order.Time); err != nil {
		fmt.Println(err)
		return
	}

	// Case C-1 is about the jacket, SKU JKT-01-M of order O-1; once
	// investigated, a refund is proposed, approved and carried out.
	c, events := complainttest.Run("C-1", t0, 3)
	refund := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: mustMoney("150.00", "EUR"), Detail: "money back, less the wear"}
	for i, step := range []complainttest.Step{
		{Command: complaint.Command{Kind: complaint.CmdPropose, Proposal: &refund}, Actor: complainttest.Handler},
		{Command: complaint.Command{Kind: complaint.CmdApprove}, Actor: complainttest.Manager},
		{Command: complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail}}, Actor: complainttest.Handler},
	} {
		var ev complaint.Event
		var err error
		if c, ev, err = complaint.Apply(c, step.Command, step.Actor, t0.Add(time.Duration(5+i)*time.Hour)); err != nil {
			fmt.Println(err)
			return
		}
		events = append(events, ev)
	}

	for delivery := 1; delivery <= 2; delivery++ {
		// The customer's history so far: the order's returns, for the
		// units still held, and its price reductions, for the money
		// left to pay back.
		var history []customer.Event
		for ev, err := range st.History(ctx, "cust-C-1") {
			if err != nil {
				fmt.Println(err)
				return
			}
			history = append(history, ev)
		}
		returns, err := complaint.Refunds(events, order, history)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, r := range returns {
			stored, err := rec.RecordReturnStored(ctx, r, t0.Add(24*time.Hour))
			fmt.Println(r.ID, r.Kind, r.Reason, r.Lines, "refund", r.Refund.Decimal.StringFixed(2), "stored", stored, err)
		}
	}

	s, err := customer.SummarizeHistory(ctx, st, "cust-C-1", customer.Consumer, t0.Add(24*time.Hour), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("returns", s.Returns, "units back", s.ReturnedUnits, "refunded", s.Refunded.StringFixed(2), "net", s.Net().StringFixed(2))
	// Output:
	// C-1#7 refund quality-defect [{1 -1}] refund 150.00 stored true <nil>
	// C-1#7 refund quality-defect [{1 -1}] refund 150.00 stored false <nil>
	// returns 1 units back 1 refunded 150.00 net 89.00
}
