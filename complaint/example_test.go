package complaint_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

func mustMoney(amount, cur string) customer.Money {
	m, err := customer.NewMoney(amount, cur)
	if err != nil {
		panic(err)
	}
	return m
}

// A customer's jacket split at the shoulder seam after two wears. The
// case goes through every step of the procedure: recorded, judged valid,
// assigned, paused while the customer sends photos, investigated, a first
// proposal sent back, a second one approved by a manager (it is above the
// supervisor's threshold), carried out with the customer notified and the
// responsible staff member held to account, feedback collected, and closed
// with a lesson and an improvement measure.
func Example_jacket() {
	ctx := context.Background()
	svc := &complaint.Service{Store: complaint.NewMemStore()}
	t0 := time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }

	agent := complaint.Actor{ID: "A-7", Role: complaint.RoleAgent}
	handler := complaint.Actor{ID: "H-2", Role: complaint.RoleHandler}
	supervisor := complaint.Actor{ID: "S-1", Role: complaint.RoleSupervisor}
	manager := complaint.Actor{ID: "M-1", Role: complaint.RoleManager}
	anna := complaint.Actor{ID: "CUST-0042", Role: complaint.RoleCustomer}

	intake := complaint.Intake{
		ID:          "C-2026-0311",
		Complainant: "CUST-0042",
		Channel:     complaint.ChannelEmail,
		Received:    t0.Add(-40 * time.Minute),
		Subject:     complaint.Subject{Kind: complaint.SubjectProduct, SKU: "JKT-WOOL-NAVY-M", Order: "O-88123"},
		Category:    complaint.CategorySeams,
		Severity:    complaint.SeverityMedium,
		Value:       complaint.ValueHighBoth,
		Currency:    "EUR",
		OrderValue:  mustMoney("189.00", "EUR"),
		Demand:      complaint.Demand{Kind: complaint.ResolutionRefund, Amount: mustMoney("189.00", "EUR")},
		Description: "The left shoulder seam of my wool jacket split after I wore it twice.",
		Attachments: []string{"mail://inbox/5531"},
	}
	c, _, err := svc.Record(ctx, intake, "", agent, t0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("recorded with priority", c.Priority)

	steps := []struct {
		cmd   complaint.Command
		actor complaint.Actor
		hour  int
	}{
		{complaint.Command{Kind: complaint.CmdAccept, Note: "defect within warranty"}, agent, 1},
		{complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: "H-2"}}, agent, 2},
		{complaint.Command{Kind: complaint.CmdWait, Reason: "asked for photos of the seam"}, handler, 3},
		{complaint.Command{Kind: complaint.CmdResume, Note: "photos received"}, anna, 27},
		{complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
			Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Staff: "QC-5",
			Detail: "seam allowance 4 mm instead of 10 mm; batch passed inspection by QC-5"}}, handler, 30},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{
			Kind: complaint.ResolutionRepair, Detail: "re-sew the shoulder seam"}}, handler, 31},
		{complaint.Command{Kind: complaint.CmdSendBack, Reason: "a repaired new jacket will not meet her expectation; offer a refund"}, supervisor, 32},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{
			Kind: complaint.ResolutionRefund, Amount: mustMoney("189.00", "EUR"), Detail: "full refund, keep nothing"}}, handler, 33},
		{complaint.Command{Kind: complaint.CmdApprove}, manager, 34},
		{complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{
			Notified:       complaint.ChannelPhone,
			Accountability: []complaint.Accountability{{Staff: "QC-5", Action: complaint.ActionPayDeduction, Deduction: mustMoney("20.00", "EUR")}},
			Detail:         "refund issued to card; return label sent"}}, handler, 36},
		{complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 9, Expected: 8, CSAT: 5, Comment: "quick and fair"}}, agent, 60},
		{complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{
			Lessons:     "seam allowance not checked at goods-in",
			Improvement: "add seam-allowance gauge to the goods-in check for outerwear"}}, handler, 61},
	}
	for _, s := range steps {
		var ev complaint.Event
		c, ev, err = svc.Do(ctx, c.ID, s.cmd, s.actor, at(s.hour))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%2d %-16s %-12s → %s\n", ev.Seq, ev.Command.Kind, ev.From, ev.To)
	}
	fmt.Printf("satisfaction %.3f, CSAT %d\n", c.Feedback.Satisfaction(), c.Feedback.CSAT)

	events, _ := svc.History(ctx, c.ID)
	rebuilt, err := complaint.Rebuild(events)
	fmt.Println("rebuilt == live:", err == nil && reflect.DeepEqual(rebuilt, c))

	// The clocks run from the e-mail's arrival, 40 minutes before it was
	// recorded.
	st, _ := complaint.DefaultSLA().Status(events, at(61))
	fmt.Println("active time", st.Resolution.Elapsed, "paused", st.PausedFor)
	// Output:
	// recorded with priority high
	//  2 accept           recorded     → accepted
	//  3 assign           accepted     → assigned
	//  4 wait             assigned     → waiting
	//  5 resume           waiting      → assigned
	//  6 investigate      assigned     → investigated
	//  7 propose          investigated → proposed
	//  8 send-back        proposed     → investigated
	//  9 propose          investigated → proposed
	// 10 approve          proposed     → approved
	// 11 carry-out        approved     → carried-out
	// 12 record-feedback  carried-out  → carried-out
	// 13 close            carried-out  → closed
	// satisfaction 1.125, CSAT 5
	// rebuilt == live: true
	// active time 12h40m0s paused 24h0m0s
}

// A rejected complaint cannot be assigned: the command is refused with a
// typed error naming the state and the command, and the case is unchanged.
func ExampleApply_refused() {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	agent := complaint.Actor{ID: "A-7", Role: complaint.RoleAgent}
	c, _, _ := complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &complaint.Intake{
		ID: "C-9", Complainant: "CUST-1", Channel: complaint.ChannelStore, Received: now,
		Subject: complaint.Subject{Kind: complaint.SubjectStore, Store: "Vienna-1"}, Category: complaint.CategoryPrice,
		Severity: complaint.SeverityLow, Currency: "EUR", Demand: complaint.Demand{Kind: complaint.ResolutionPriceReduction},
		Description: "The sale price was not applied to a full-price item.",
	}}, agent, now)
	c, _, _ = complaint.Apply(c, complaint.Command{Kind: complaint.CmdReject,
		Reply: "Thank you for telling us. The item was not part of the sale; we have added a clearer sign."}, agent, now)

	_, _, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdAssign,
		Assignment: &complaint.Assignment{Department: "stores", Handler: "H-1"}}, agent, now)
	var te *complaint.TransitionError
	fmt.Println(errors.As(err, &te), te.From, te.Command)
	fmt.Println(err)
	fmt.Println(c.State, c.Version)
	// Output:
	// true rejected assign
	// complaint "C-9": assign is not a transition from state rejected
	// rejected 2
}

// The segment package's quadrant of a customer becomes the value class
// of an intake through ValueClassOf, which maps by meaning, not by number;
// with the default policy, a customer of high current value moves up one
// priority step.
func ExampleValueClassOf() {
	p := complaint.DefaultPriority{}
	for _, q := range []segment.Quadrant{segment.HighValue, segment.PotentialValue, segment.SecondaryValue, segment.LowValue, 0} {
		v := complaint.ValueClassOf(q)
		fmt.Printf("%-15s → %-14s medium severity: priority %s\n", q, v, p.Priority(complaint.SeverityMedium, v))
	}
	// Output:
	// high-value      → high-both      medium severity: priority high
	// potential-value → high-potential medium severity: priority normal
	// secondary-value → high-current   medium severity: priority high
	// low-value       → low            medium severity: priority normal
	// Quadrant(0)     → ValueClass(0)  medium severity: priority normal
}
