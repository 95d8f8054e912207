package complaint_test

import (
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// The money a resolved case paid the customer, as credits for the
// customer's history: the happy path of complainttest settles with a price
// reduction of 40.00 EUR on order O-1, carried out in event 7.
func ExampleCredits() {
	_, events := complainttest.Run("C-1", complainttest.T0, 8)
	credits, err := complaint.Credits(events)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range credits {
		fmt.Println(c.ID, c.Kind, c.Amount, "order", c.OrderID, "from", c.Source)
	}
	// Output:
	// C-1#7 price-reduction 40.00 EUR order O-1 from complaint "C-1"
}

// The commands the table allows for a case just recorded.
func ExamplePermitted() {
	c, _ := complainttest.Record("C-1", complainttest.T0)
	fmt.Println(complaint.Permitted(c))
	// Output:
	// [accept reject wait escalate withdraw]
}

// SLA clocks under office hours with a holiday, paused while the case
// waits for the customer.
func ExampleSLAPolicy_Status() {
	cet := time.FixedZone("CET", 3600)
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, cet) }
	agent := complaint.Actor{ID: "A-1", Role: complaint.RoleAgent}

	in := complainttest.Intake("C-1", at(2, 15)) // Monday 15:00
	c, e1, _ := complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, at(2, 15))
	c, e2, _ := complaint.Apply(c, complaint.Command{Kind: complaint.CmdWait, Reason: "receipt photo"}, agent, at(2, 16))
	_, e3, _ := complaint.Apply(c, complaint.Command{Kind: complaint.CmdResume}, agent, at(4, 9)) // Wednesday 9:00

	sla := complaint.DefaultSLA()
	sla.Calendar = complaint.OfficeHours(cet, 9*time.Hour, 17*time.Hour, customer.DateFromYMD(2026, 3, 5)) // Thursday off
	st, _ := sla.Status([]complaint.Event{e1, e2, e3}, at(4, 12))
	fmt.Println("step", st.Step.State, "elapsed", st.Step.Elapsed, "of", st.Step.Target)
	// 20 working hours left on Wednesday 12:00: 5 on Wednesday, 8 on
	// Friday, 7 on Monday.
	fmt.Println("due", st.Step.Due.Format("Mon 15:04"), "overdue", st.Overdue())
	fmt.Println("paused for", st.PausedFor)
	// Output:
	// step recorded elapsed 4h0m0s of 24h0m0s
	// due Mon 16:00 overdue false
	// paused for 41h0m0s
}

// Per-customer complaint signals, in the form the churn risk consumes.
func ExampleSignals() {
	_, open := complainttest.Run("C-1", complainttest.T0, 2)
	_, closed := complainttest.Run("C-2", complainttest.T0.Add(24*time.Hour), 8)
	asOf := complainttest.T0.Add(10 * 24 * time.Hour)
	sig, _ := complaint.Signals([][]complaint.Event{open, closed}, asOf, 0, nil)
	for _, id := range []customer.ID{"cust-C-1", "cust-C-2"} {
		s := sig[id]
		fmt.Printf("%s: total %d, unresolved %d, SLA breaches %d, max severity %d\n", id, s.Total, s.Unresolved, s.SLABreaches, s.MaxSeverity)
	}
	// Output:
	// cust-C-1: total 1, unresolved 1, SLA breaches 1, max severity 2
	// cust-C-2: total 1, unresolved 0, SLA breaches 0, max severity 2
}

// Complaint analytics of a month.
func ExampleAnalyze() {
	var logs [][]complaint.Event
	for i := 0; i < 3; i++ {
		_, evs := complainttest.Run(complaint.ID(fmt.Sprintf("C-%d", i)), complainttest.T0.Add(time.Duration(i)*time.Hour), 8)
		logs = append(logs, evs)
	}
	r, _ := complaint.Analyze(logs, complainttest.T0, complainttest.T0.AddDate(0, 1, 0), 1200, nil)
	fmt.Printf("%d cases, %.1f per 1,000 orders\n", r.Cases, r.RatePer1000)
	fmt.Printf("first-contact resolution %.0f%%, reopen rate %.0f%%\n", 100*r.FirstContact, 100*r.ReopenRate)
	fmt.Printf("satisfaction %.2f, CSAT %.0f%%\n", r.Satisfaction.MeanRatio, 100*r.Satisfaction.CSAT)
	for _, s := range r.StepTimes[:2] {
		fmt.Printf("%s: median %s, p90 %s\n", s.State, s.Median, s.P90)
	}
	// Output:
	// 3 cases, 2.5 per 1,000 orders
	// first-contact resolution 100%, reopen rate 0%
	// satisfaction 1.00, CSAT 100%
	// recorded: median 1h0m0s, p90 1h0m0s
	// accepted: median 1h0m0s, p90 1h0m0s
}

// The notices the complainant gets along the happy path: every step but
// the brand's own (the proposal before its approval, the feedback the
// customer gave).
func ExampleNotices() {
	_, events := complainttest.Run("C-9", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), len(complainttest.HappyPath()))
	notices, err := complaint.Notices(events)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range notices {
		fmt.Printf("event %d, %s: %s", n.Seq, n.At.Format("Jan 2 15:04"), n.Topic)
		if n.Resolution != nil {
			fmt.Printf(" (%s, %s)", n.Resolution.Kind, n.Resolution.Amount)
		}
		fmt.Println()
	}
	// Output:
	// event 1, Mar 2 09:00: received
	// event 2, Mar 2 10:00: accepted
	// event 3, Mar 2 11:00: assigned
	// event 4, Mar 2 12:00: investigating
	// event 6, Mar 2 14:00: resolution-decided (price-reduction, 40.00 EUR)
	// event 7, Mar 2 15:00: resolved (price-reduction, 40.00 EUR)
	// event 9, Mar 2 17:00: closed
}
