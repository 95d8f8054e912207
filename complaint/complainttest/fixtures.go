package complainttest

import (
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// Actors used by the fixtures.
var (
	Agent      = complaint.Actor{ID: "agent-1", Role: complaint.RoleAgent}
	Handler    = complaint.Actor{ID: "handler-1", Role: complaint.RoleHandler}
	Supervisor = complaint.Actor{ID: "supervisor-1", Role: complaint.RoleSupervisor}
	Manager    = complaint.Actor{ID: "manager-1", Role: complaint.RoleManager}
)

// Step is one command of a script and who gives it.
type Step struct {
	Command complaint.Command // what
	Actor   complaint.Actor   // who
}

func money(amount string) customer.Money {
	m, err := customer.NewMoney(amount, "EUR")
	if err != nil {
		panic("complainttest: " + err.Error())
	}
	return m
}

// Intake returns a valid complaint form with the given ID, received at
// the given time from customer "cust-<id>": a jacket with a split seam,
// in EUR, with an attachment (so that stores must copy slices).
func Intake(id complaint.ID, received time.Time) complaint.Intake {
	return intakeFor(id, complainantOf(id), received)
}

// complainantOf is the customer of the fixture case id: "cust-<id>".
func complainantOf(id complaint.ID) customer.ID { return customer.ID("cust-" + string(id)) }

// intakeFor is Intake with complainant as the customer.
func intakeFor(id complaint.ID, complainant customer.ID, received time.Time) complaint.Intake {
	return complaint.Intake{
		ID:          id,
		Complainant: complainant,
		Channel:     complaint.ChannelWeb,
		Received:    received,
		Subject:     complaint.Subject{Kind: complaint.SubjectProduct, SKU: "JKT-01-M", Order: "O-1"},
		Category:    complaint.CategorySeams,
		Severity:    complaint.SeverityMedium,
		Currency:    "EUR",
		OrderValue:  money("189.00"),
		Demand:      complaint.Demand{Kind: complaint.ResolutionRefund, Amount: money("189.00")},
		Description: "seam split after two wears",
		Attachments: []string{"photo-1", "photo-2"},
	}
}

// HappyPath returns the commands that take a recorded case through every
// step to closed, with the fixture actors.
func HappyPath() []Step {
	return []Step{
		{complaint.Command{Kind: complaint.CmdAccept}, Agent},
		{complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: Handler.ID}}, Agent},
		{complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "short seam allowance"}}, Handler},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionPriceReduction, Amount: money("40.00"), Detail: "keep and repair at our cost"}}, Handler},
		{complaint.Command{Kind: complaint.CmdApprove}, Supervisor},
		{complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail, Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionCoaching}}}}, Handler},
		{complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 8, Expected: 8, CSAT: 4}}, Agent},
		{complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "check seams", Improvement: "seam gauge at goods-in"}}, Handler},
	}
}

// Record returns a new case with the fixture intake (customer
// "cust-<id>") and its first event.
func Record(id complaint.ID, at time.Time) (complaint.Case, complaint.Event) {
	return RecordFor(id, complainantOf(id), at)
}

// RecordFor is [Record] with complainant as the customer.
func RecordFor(id complaint.ID, complainant customer.ID, at time.Time) (complaint.Case, complaint.Event) {
	in := intakeFor(id, complainant, at)
	c, ev, err := complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, Agent, at)
	if err != nil {
		panic("complainttest: fixture: " + err.Error())
	}
	return c, ev
}

// Run records case id at start and applies the first n steps of
// HappyPath one hour apart (n is clamped to 0…len(HappyPath())). It
// returns the case and all its events.
func Run(id complaint.ID, start time.Time, n int) (complaint.Case, []complaint.Event) {
	return RunFor(id, complainantOf(id), start, n)
}

// RunFor is [Run] with complainant as the customer.
func RunFor(id complaint.ID, complainant customer.ID, start time.Time, n int) (complaint.Case, []complaint.Event) {
	c, ev := RecordFor(id, complainant, start)
	evs := []complaint.Event{ev}
	steps := HappyPath()
	for i, s := range steps[:min(max(n, 0), len(steps))] {
		var err error
		c, ev, err = complaint.Apply(c, s.Command, s.Actor, start.Add(time.Duration(i+1)*time.Hour))
		if err != nil {
			panic("complainttest: fixture: " + err.Error())
		}
		evs = append(evs, ev)
	}
	return c, evs
}
