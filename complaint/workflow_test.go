package complaint_test

import (
	"encoding"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	gAgent      = "actor is agent or above"
	gAgentOrC   = "actor is agent or above, or the complainant"
	gSupervisor = "actor is supervisor or above"
	gHandler    = "actor is the assigned handler or a supervisor"
	gOwner      = "actor is the assigned handler or a supervisor (any staff before assignment)"
	gEscalator  = "actor is agent or above, or the system"
	gAuthority  = "approver's authority covers the amount (manager above the approval threshold)"
	gFourEyes   = "approver is not the proposer"
	gAccount    = "accountability recorded for the responsible staff member"
	gFeedback   = "customer feedback collected, or none came within the feedback wait"
	gWindow     = "within the reopen window"
	gUnsat      = "customer is not satisfied"
)

func TestHappyPathReachesEveryStep(t *testing.T) {
	want := []complaint.State{
		complaint.StateRecorded, complaint.StateAccepted, complaint.StateAssigned, complaint.StateInvestigated,
		complaint.StateProposed, complaint.StateApproved, complaint.StateCarriedOut, complaint.StateCarriedOut, complaint.StateClosed,
	}
	c, evs := reach(len(complainttest.HappyPath()))
	require.Len(t, evs, len(want))
	for i, ev := range evs {
		assert.Equal(t, i+1, ev.Seq)
		assert.Equal(t, want[i], ev.To, "event %d", i+1)
		if i > 0 {
			assert.Equal(t, want[i-1], ev.From)
		}
	}
	assert.Equal(t, complaint.StateClosed, c.State)
	assert.False(t, c.Open())
	assert.Equal(t, 9, c.Version)
	assert.Equal(t, complaint.ActorID("handler-1"), c.Handler)
	assert.Equal(t, complaint.ActorID("supervisor-1"), c.ApprovedBy)
	assert.Equal(t, complaint.ActorID("handler-1"), c.ProposedBy)
	assert.Equal(t, hours(6), c.CarriedOut)
	assert.Equal(t, hours(8), c.Closed)
	assert.Equal(t, 1.0, c.Feedback.Satisfaction())
	r, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(c, r))
}

func TestApplyDoesNotAliasInput(t *testing.T) {
	c, _ := reach(0)
	before := c.Clone()
	in := complainttest.Intake("C-1", t0)
	cmd := complaint.Command{Kind: complaint.CmdAccept}
	next, ev := do(t, c, cmd, agent, hours(1))
	next.Intake.Attachments[0] = "changed"
	assert.Equal(t, before, c)
	assert.Equal(t, "photo-1", c.Intake.Attachments[0])
	_ = ev
	c2, ev2 := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	in.Attachments[0] = "changed"
	assert.Equal(t, "photo-1", c2.Intake.Attachments[0])
	assert.Equal(t, "photo-1", ev2.Command.Intake.Attachments[0])
}

func TestGuards(t *testing.T) {
	recorded, _ := reach(0)
	accepted, _ := reach(1)
	assigned, _ := reach(2)
	investigated, _ := reach(3)
	proposed, _ := reach(4)
	approved, _ := reach(5)
	carried, _ := reach(6)
	withFeedback, _ := reach(7)
	closed, _ := reach(8)
	later := hours(20)
	in := complainttest.Intake("C-1", t0)
	record := complaint.Command{Kind: complaint.CmdRecord, Intake: &in}
	accept := complaint.Command{Kind: complaint.CmdAccept}
	assign := complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: "handler-1"}}
	reassign := complaint.Command{Kind: complaint.CmdReassign, Assignment: &complaint.Assignment{Department: "logistics", Handler: "handler-2"}}
	investigate := complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseMaterial, Responsible: complaint.PartySupplier, Detail: "weak thread"}}
	escalate := complaint.Command{Kind: complaint.CmdEscalate, Reason: "customer called twice"}
	wait := complaint.Command{Kind: complaint.CmdWait, Reason: "photos"}
	withdraw := complaint.Command{Kind: complaint.CmdWithdraw}
	sendBack := complaint.Command{Kind: complaint.CmdSendBack, Reason: "too low"}
	closeCmd := complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "l", Improvement: "i"}}
	unhappy := &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2}
	reopen := complaint.Command{Kind: complaint.CmdReopen, Reason: "seam split again", Feedback: unhappy}
	rejected, _ := do(t, recorded, complaint.Command{Kind: complaint.CmdReject, Reply: "The jacket was washed at 60°; we are sorry we cannot help."}, agent, hours(1))

	type row struct {
		name   string
		c      complaint.Case
		cmd    complaint.Command
		actor  complaint.Actor
		at     time.Time
		guards []string // nil: accepted
		to     complaint.State
		noRule bool
	}
	rows := []row{
		{name: "agent records", c: complaint.Case{}, cmd: record, actor: agent, at: t0, to: complaint.StateRecorded},
		{name: "complainant records own complaint", c: complaint.Case{}, cmd: record, actor: complainant, at: t0, to: complaint.StateRecorded},
		{name: "stranger cannot record for another customer", c: complaint.Case{}, cmd: record, actor: stranger, at: t0, guards: []string{gAgentOrC}},
		{name: "record twice", c: recorded, cmd: record, actor: agent, at: later, noRule: true},
		{name: "customer cannot judge", c: recorded, cmd: accept, actor: complainant, at: later, guards: []string{gAgent}},
		{name: "system cannot judge", c: recorded, cmd: accept, actor: system, at: later, guards: []string{gAgent}},
		{name: "rejected case cannot be assigned", c: rejected, cmd: assign, actor: supervisor, at: later, noRule: true},
		{name: "recorded case cannot be assigned before judgement", c: recorded, cmd: assign, actor: agent, at: later, noRule: true},
		{name: "agent assigns", c: accepted, cmd: assign, actor: agent, at: later, to: complaint.StateAssigned},
		{name: "handler cannot reassign", c: assigned, cmd: reassign, actor: handler, at: later, guards: []string{gSupervisor}},
		{name: "supervisor reassigns", c: investigated, cmd: reassign, actor: supervisor, at: later, to: complaint.StateInvestigated},
		{name: "other handler cannot investigate", c: assigned, cmd: investigate, actor: handler2, at: later, guards: []string{gHandler}},
		{name: "agent not assigned cannot investigate", c: assigned, cmd: investigate, actor: agent, at: later, guards: []string{gHandler}},
		{name: "customer with the handler's ID cannot act", c: assigned, cmd: investigate, actor: complaint.Actor{ID: "handler-1", Role: complaint.RoleCustomer}, at: later, guards: []string{gHandler}},
		{name: "supervisor investigates", c: assigned, cmd: investigate, actor: supervisor, at: later, to: complaint.StateInvestigated},
		{name: "handler revises the finding", c: investigated, cmd: investigate, actor: handler, at: later, to: complaint.StateInvestigated},
		{name: "handler cannot approve", c: proposed, cmd: complaint.Command{Kind: complaint.CmdApprove}, actor: handler, at: later, guards: []string{gAuthority, gFourEyes}},
		{name: "handler cannot send back", c: proposed, cmd: sendBack, actor: handler, at: later, guards: []string{gSupervisor}},
		{name: "supervisor sends back", c: proposed, cmd: sendBack, actor: supervisor, at: later, to: complaint.StateInvestigated},
		{name: "close needs feedback", c: carried, cmd: closeCmd, actor: handler, at: later, guards: []string{gFeedback}},
		{name: "close by other handler", c: withFeedback, cmd: closeCmd, actor: handler2, at: later, guards: []string{gHandler}},
		{name: "close", c: withFeedback, cmd: closeCmd, actor: handler, at: later, to: complaint.StateClosed},
		{name: "satisfied customer's case is not reopened", c: closed, cmd: complaint.Command{Kind: complaint.CmdReopen, Reason: "r"}, actor: agent, at: later, guards: []string{gUnsat}},
		{name: "reopen with dissatisfied feedback", c: closed, cmd: reopen, actor: complainant, at: later, to: complaint.StateAssigned},
		{name: "reopen carried-out case", c: carried, cmd: reopen, actor: agent, at: later, to: complaint.StateAssigned},
		{name: "reopen after the window", c: closed, cmd: reopen, actor: agent, at: hours(6).Add(31 * 24 * time.Hour), guards: []string{gWindow}},
		{name: "stranger cannot reopen", c: closed, cmd: reopen, actor: stranger, at: later, guards: []string{gAgentOrC}},
		{name: "agent cannot reopen a rejection", c: rejected, cmd: complaint.Command{Kind: complaint.CmdReopen, Reason: "contests"}, actor: agent, at: later, guards: []string{gSupervisor}},
		{name: "supervisor reopens a rejection", c: rejected, cmd: complaint.Command{Kind: complaint.CmdReopen, Reason: "contests"}, actor: supervisor, at: later, to: complaint.StateRecorded},
		{name: "rejection reopened too late", c: rejected, cmd: complaint.Command{Kind: complaint.CmdReopen, Reason: "contests"}, actor: supervisor, at: hours(1).Add(30*24*time.Hour + time.Second), guards: []string{gWindow}},
		{name: "complainant withdraws", c: assigned, cmd: withdraw, actor: complainant, at: later, to: complaint.StateWithdrawn},
		{name: "stranger cannot withdraw", c: assigned, cmd: withdraw, actor: stranger, at: later, guards: []string{gAgentOrC}},
		{name: "carried-out case cannot be withdrawn", c: carried, cmd: withdraw, actor: complainant, at: later, noRule: true},
		{name: "closed case cannot be withdrawn", c: closed, cmd: withdraw, actor: complainant, at: later, noRule: true},
		{name: "agent pauses before assignment", c: accepted, cmd: wait, actor: agent, at: later, to: complaint.StateWaiting},
		{name: "agent cannot pause an assigned case", c: assigned, cmd: wait, actor: agent, at: later, guards: []string{gOwner}},
		{name: "handler pauses", c: approved, cmd: wait, actor: handler, at: later, to: complaint.StateWaiting},
		{name: "system escalates", c: investigated, cmd: escalate, actor: system, at: later, to: complaint.StateInvestigated},
		{name: "customer cannot escalate", c: investigated, cmd: escalate, actor: complainant, at: later, guards: []string{gEscalator}},
		{name: "closed case cannot be escalated", c: closed, cmd: escalate, actor: supervisor, at: later, noRule: true},
		{name: "feedback from the complainant", c: carried, cmd: complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: unhappy}, actor: complainant, at: later, to: complaint.StateCarriedOut},
		{name: "feedback from a stranger", c: carried, cmd: complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: unhappy}, actor: stranger, at: later, guards: []string{gAgentOrC}},
		{name: "approve before proposal", c: investigated, cmd: complaint.Command{Kind: complaint.CmdApprove}, actor: supervisor, at: later, noRule: true},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			if r.guards != nil || r.noRule {
				refused(t, nil, r.c, r.cmd, r.actor, r.at, r.guards...)
				return
			}
			next, ev := do(t, r.c, r.cmd, r.actor, r.at)
			assert.Equal(t, r.to, next.State)
			assert.Equal(t, r.to, ev.To)
			assert.Equal(t, r.c.Version+1, next.Version)
			assert.Equal(t, r.actor, ev.Actor)
		})
	}
}

func TestApprovalThreshold(t *testing.T) {
	investigated, _ := reach(3)
	propose := func(amount string, by complaint.Actor) complaint.Case {
		c, _ := do(t, investigated, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, amount), Detail: "voucher"}}, by, hours(10))
		return c
	}
	approve := complaint.Command{Kind: complaint.CmdApprove}
	big := propose("150.00", handler)
	refused(t, nil, big, approve, supervisor, hours(11), gAuthority)
	c, _ := do(t, big, approve, manager, hours(11))
	assert.Equal(t, complaint.ActorID("manager-1"), c.ApprovedBy)

	edge := propose("100.00", handler)
	_, _ = do(t, edge, approve, supervisor, hours(11))

	own := propose("20.00", supervisor)
	refused(t, nil, own, approve, supervisor, hours(11), gFourEyes)
	_, _ = do(t, own, approve, complaint.Actor{ID: "supervisor-2", Role: complaint.RoleSupervisor}, hours(11))

	// A stricter policy: supervisors approve nothing in EUR with money.
	strict := &complaint.Policy{ApprovalThresholds: map[customer.Currency]decimal.Decimal{"EUR": decimal.Zero}, ReopenWindow: time.Hour}
	refused(t, strict, own, approve, complaint.Actor{ID: "supervisor-2", Role: complaint.RoleSupervisor}, hours(11), gAuthority)
	// A currency missing from the thresholds always needs a manager.
	none := &complaint.Policy{}
	refused(t, none, edge, approve, supervisor, hours(11), gAuthority)
	// Resolutions without money need no manager.
	apology, _ := do(t, investigated, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "letter"}}, handler, hours(10))
	_, _, err := none.Apply(apology, approve, supervisor, hours(11))
	assert.NoError(t, err)
}

func TestAccountabilityGuard(t *testing.T) {
	assigned, _ := reach(2)
	c, _ := do(t, assigned, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseStaffConduct, Responsible: complaint.PartyStore, Staff: "clerk-9", Detail: "rude at the till"}}, handler, hours(3))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionApology, Detail: "call"}}, handler, hours(4))
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(5))
	carry := func(acc ...complaint.Accountability) complaint.Command {
		return complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelPhone, Accountability: acc}}
	}
	refused(t, nil, c, carry(), handler, hours(6), gAccount)
	refused(t, nil, c, carry(complaint.Accountability{Staff: "clerk-1", Action: complaint.ActionWarning}), handler, hours(6), gAccount)
	refused(t, nil, c, carry(), handler2, hours(6), gHandler, gAccount)
	paid := carry(complaint.Accountability{Staff: "clerk-9", Action: complaint.ActionPayDeduction, Deduction: eur(t, "30")})
	paid.Execution.Loss = eur(t, "30") // the apology pays nothing: the deduction needs a loss recorded
	next, _ := do(t, c, paid, handler, hours(6))
	assert.Equal(t, complaint.StateCarriedOut, next.State)
	assert.Len(t, next.Execution.Accountability, 1)
}

func TestWaitResumeEscalateReopen(t *testing.T) {
	c, _ := reach(2)
	require.Equal(t, complaint.PriorityNormal, c.Priority)
	c, _ = do(t, c, complaint.Command{Kind: complaint.CmdWait, Reason: "photos"}, handler, hours(3))
	assert.Equal(t, complaint.StateAssigned, c.ResumeTo)
	assert.Equal(t, "photos", c.WaitReason)
	assert.Equal(t, []complaint.CommandKind{complaint.CmdReassign, complaint.CmdResume, complaint.CmdEscalate, complaint.CmdWithdraw}, complaint.Permitted(c))
	c, ev := do(t, c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "no reply"}, system, hours(4))
	assert.Equal(t, complaint.StateWaiting, ev.To)
	assert.Equal(t, complaint.PriorityHigh, c.Priority)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdResume}, complainant, hours(5))
	assert.Equal(t, complaint.StateAssigned, ev.To)
	assert.Equal(t, complaint.State(0), c.ResumeTo)
	for i := 0; i < 4; i++ {
		c, _ = do(t, c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "again"}, supervisor, hours(6))
	}
	assert.Equal(t, complaint.PriorityUrgent, c.Priority, "escalation stops at urgent")
	assert.Equal(t, 5, c.Escalations)

	// Waiting then withdrawing clears the wait.
	w, _ := do(t, c, complaint.Command{Kind: complaint.CmdWait, Reason: "size"}, handler, hours(7))
	w, _ = do(t, w, complaint.Command{Kind: complaint.CmdWithdraw, Reason: "bought elsewhere"}, complainant, hours(8))
	assert.Equal(t, complaint.StateWithdrawn, w.State)
	assert.Equal(t, complaint.State(0), w.ResumeTo)
	assert.Empty(t, complaint.Permitted(w))

	// Reopening a closed case clears the resolution but keeps the finding.
	closed, _ := reach(8)
	r, _ := do(t, closed, complaint.Command{Kind: complaint.CmdReopen, Reason: "split again", Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1}}, agent, hours(30))
	assert.Equal(t, complaint.StateAssigned, r.State)
	assert.Nil(t, r.Proposal)
	assert.Nil(t, r.Execution)
	assert.Nil(t, r.Evaluation)
	assert.True(t, r.Closed.IsZero())
	assert.NotNil(t, r.Finding)
	assert.Equal(t, 2, r.Feedback.Perceived)
	assert.Equal(t, 1, r.Reopens)

	// With a zero reopen window nothing is reopened, not even at the
	// instant of the carry-out.
	reopen := complaint.Command{Kind: complaint.CmdReopen, Reason: "r", Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1}}
	refused(t, &complaint.Policy{}, closed, reopen, agent, hours(30), gWindow)
	carried, _ := reach(6)
	refused(t, &complaint.Policy{}, carried, reopen, agent, carried.CarriedOut, gWindow)
	// With a window, its last instant still counts.
	hour := &complaint.Policy{ReopenWindow: time.Hour}
	_, _, err := hour.Apply(carried, reopen, agent, carried.CarriedOut.Add(time.Hour))
	require.NoError(t, err)
	refused(t, hour, carried, reopen, agent, carried.CarriedOut.Add(time.Hour+time.Nanosecond), gWindow)
}

func TestBadInputs(t *testing.T) {
	investigated, _ := reach(3)
	carried, _ := reach(6)
	approved, _ := reach(5)
	propose := func(k complaint.ResolutionKind, m customer.Money) complaint.Command {
		return complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: k, Amount: m, Detail: "d"}}
	}
	usd, err := customer.NewMoney("10", "USD")
	require.NoError(t, err)
	at := hours(10)
	t.Run("zero amount", func(t *testing.T) {
		invalid(t, investigated, propose(complaint.ResolutionRefund, eur(t, "0")), handler, at, "command.proposal.amount", customer.CodeNotPos)
	})
	t.Run("negative amount", func(t *testing.T) {
		invalid(t, investigated, propose(complaint.ResolutionCompensation, eur(t, "-5")), handler, at, "command.proposal.amount", customer.CodeNotPos)
	})
	t.Run("no amount for a refund", func(t *testing.T) {
		invalid(t, investigated, propose(complaint.ResolutionRefund, customer.Money{}), handler, at, "command.proposal.amount", customer.CodeNotPos)
	})
	t.Run("other currency", func(t *testing.T) {
		invalid(t, investigated, propose(complaint.ResolutionPriceReduction, usd), handler, at, "command.proposal.amount", customer.CodeMismatch)
	})
	t.Run("refund above the order value", func(t *testing.T) {
		invalid(t, investigated, propose(complaint.ResolutionRefund, eur(t, "189.01")), handler, at, "command.proposal.amount", customer.CodeTooMany)
	})
	t.Run("more decimals than the currency", func(t *testing.T) {
		invalid(t, investigated, propose(complaint.ResolutionCompensation, eur(t, "10.005")), handler, at, "command.proposal.amount", customer.CodeFormat)
		jpy, err := customer.NewMoney("100.5", "JPY")
		require.NoError(t, err)
		in := complainttest.Intake("C-JPY", t0.Add(-time.Hour))
		in.Currency, in.Demand.Amount, in.OrderValue = "JPY", jpy, customer.Money{}
		_, _, err = complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("command.intake.demand.amount", customer.CodeFormat), "%v", err)
	})
	t.Run("amount on an exchange", func(t *testing.T) {
		invalid(t, investigated, propose(complaint.ResolutionExchange, eur(t, "5")), handler, at, "command.proposal.amount", customer.CodeMismatch)
	})
	t.Run("undefined resolution and empty detail", func(t *testing.T) {
		cmd := complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: 42}}
		invalid(t, investigated, cmd, handler, at, "command.proposal.kind", customer.CodeUnknown, "command.proposal.detail", customer.CodeRequired)
	})
	fb := func(p, e, csat int) complaint.Command {
		return complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: p, Expected: e, CSAT: csat}}
	}
	t.Run("expected value zero", func(t *testing.T) {
		invalid(t, carried, fb(5, 0, 3), agent, at, "command.feedback.expected", customer.CodeRange)
	})
	t.Run("values outside the scale", func(t *testing.T) {
		invalid(t, carried, fb(11, 11, 6), agent, at, "command.feedback.perceived", customer.CodeRange, "command.feedback.expected", customer.CodeRange, "command.feedback.csat", customer.CodeRange)
		invalid(t, carried, fb(-1, 5, 0), agent, at, "command.feedback.perceived", customer.CodeRange, "command.feedback.csat", customer.CodeRange)
	})
	t.Run("missing and unexpected payload", func(t *testing.T) {
		invalid(t, carried, complaint.Command{Kind: complaint.CmdRecordFeedback, Reply: "x"}, agent, at, "command.feedback", customer.CodeRequired, "command.reply", customer.CodeMismatch)
	})
	t.Run("undefined command", func(t *testing.T) {
		invalid(t, carried, complaint.Command{Kind: 99}, agent, at, "command.kind", customer.CodeUnknown)
	})
	t.Run("bad actor and time", func(t *testing.T) {
		invalid(t, carried, complaint.Command{Kind: complaint.CmdEscalate, Reason: "r"}, complaint.Actor{}, time.Time{}, "actor.id", customer.CodeRequired, "actor.role", customer.CodeUnknown, "now", customer.CodeRequired)
		invalid(t, carried, complaint.Command{Kind: complaint.CmdEscalate, Reason: "r"}, agent, hours(1), "now", customer.CodeOrder)
	})
	t.Run("accountability", func(t *testing.T) {
		cmd := complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Accountability: []complaint.Accountability{
			{Staff: "a", Action: complaint.ActionPayDeduction},
			{Staff: "", Action: complaint.ActionCoaching, Deduction: eur(t, "5")},
			{Staff: "c", Action: 0},
		}}}
		invalid(t, approved, cmd, handler, at,
			"command.execution.notified", customer.CodeUnknown,
			"command.execution.accountability[0].deduction", customer.CodeNotPos,
			"command.execution.accountability[1].staff", customer.CodeRequired,
			"command.execution.accountability[1].deduction", customer.CodeMismatch,
			"command.execution.accountability[2].action", customer.CodeUnknown)
	})
	t.Run("other payloads", func(t *testing.T) {
		assigned, _ := reach(2)
		accepted, _ := reach(1)
		invalid(t, accepted, complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{}}, agent, at,
			"command.assignment.department", customer.CodeRequired, "command.assignment.handler", customer.CodeRequired)
		invalid(t, assigned, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{}}, handler, at,
			"command.finding.cause", customer.CodeUnknown, "command.finding.responsible", customer.CodeUnknown, "command.finding.detail", customer.CodeRequired)
		withFb, _ := reach(7)
		invalid(t, withFb, complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{}}, handler, at,
			"command.evaluation.lessons", customer.CodeRequired, "command.evaluation.improvement", customer.CodeRequired)
	})
	t.Run("every bad intake field at once", func(t *testing.T) {
		in := complaint.Intake{
			Channel: 77, Received: t0.Add(time.Hour), Subject: complaint.Subject{Kind: complaint.SubjectProduct},
			Category: 0, Severity: 9, Value: 8, Currency: "XXX", Demand: complaint.Demand{Kind: 0},
			Attachments: []string{"ok", ""},
		}
		invalid(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0,
			"command.intake.id", customer.CodeRequired,
			"command.intake.complainant", customer.CodeRequired,
			"command.intake.channel", customer.CodeUnknown,
			"command.intake.category", customer.CodeUnknown,
			"command.intake.severity", customer.CodeUnknown,
			"command.intake.value", customer.CodeUnknown,
			"command.intake.currency", customer.CodeUnknown,
			"command.intake.received", customer.CodeFuture,
			"command.intake.subject.sku", customer.CodeRequired,
			"command.intake.demand.kind", customer.CodeUnknown,
			"command.intake.description", customer.CodeRequired,
			"command.intake.attachments[1]", customer.CodeRequired)
		err := in.Validate(t0)
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Len(t, ve.Fields, 12)
		assert.True(t, sort.SliceIsSorted(ve.Fields, func(i, j int) bool { return ve.Fields[i].Field < ve.Fields[j].Field }))
	})
	t.Run("intake subjects and amounts", func(t *testing.T) {
		base := complainttest.Intake("C-2", t0)
		cases := []struct {
			mod   func(*complaint.Intake)
			field string
			code  string
		}{
			{func(in *complaint.Intake) { in.Subject = complaint.Subject{Kind: complaint.SubjectOrder} }, "subject.order", customer.CodeRequired},
			{func(in *complaint.Intake) { in.Subject = complaint.Subject{Kind: complaint.SubjectStore} }, "subject.store", customer.CodeRequired},
			{func(in *complaint.Intake) { in.Subject = complaint.Subject{Kind: complaint.SubjectStaff} }, "subject.staff", customer.CodeRequired},
			{func(in *complaint.Intake) { in.Subject = complaint.Subject{Kind: complaint.SubjectDelivery} }, "subject.delivery", customer.CodeRequired},
			{func(in *complaint.Intake) { in.Subject = complaint.Subject{Kind: 0} }, "subject.kind", customer.CodeUnknown},
			{func(in *complaint.Intake) { in.Received = time.Time{} }, "received", customer.CodeRequired},
			{func(in *complaint.Intake) { in.OrderValue = eur(t, "0") }, "order_value", customer.CodeNotPos},
			{func(in *complaint.Intake) { in.Demand.Amount = usd }, "demand.amount", customer.CodeMismatch},
			{func(in *complaint.Intake) {
				in.Demand = complaint.Demand{Kind: complaint.ResolutionApology, Amount: eur(t, "1")}
			}, "demand.amount", customer.CodeMismatch},
		}
		for _, tc := range cases {
			in := base
			tc.mod(&in)
			err := in.Validate(t0)
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve, tc.field)
			assert.True(t, ve.Has(tc.field, tc.code), "%v", err)
			assert.Len(t, ve.Fields, 1, "%v", err)
		}
		ok := base
		ok.Subject = complaint.Subject{Kind: complaint.SubjectService}
		assert.NoError(t, ok.Validate(t0))
		ok.Subject = complaint.Subject{Kind: complaint.SubjectDelivery, Delivery: "DHL-1"}
		assert.NoError(t, ok.Validate(t0))
	})
}

func TestTransitionErrorMessage(t *testing.T) {
	proposed, _ := reach(4)
	_, _, err := complaint.Apply(proposed, complaint.Command{Kind: complaint.CmdApprove}, handler, hours(10))
	assert.EqualError(t, err, `complaint "C-1": approve in state proposed: refused by guard: `+gAuthority+"; "+gFourEyes)
	in := complainttest.Intake("C-7", t0)
	_, _, err = complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, stranger, t0)
	assert.EqualError(t, err, `complaint "C-7": record in a new case: refused by guard: `+gAgentOrC)
	_, _, err = complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdAccept}, agent, t0)
	assert.EqualError(t, err, `complaint "": accept is not a transition from a new case`)
}

func TestRebuildRejectsBadLogs(t *testing.T) {
	_, evs := reach(8)
	clone := func() []complaint.Event {
		out := make([]complaint.Event, len(evs))
		for i, e := range evs {
			out[i] = e.Clone()
		}
		return out
	}
	cases := map[string]func() []complaint.Event{
		"empty":          func() []complaint.Event { return nil },
		"gap":            func() []complaint.Event { e := clone(); return append(e[:3], e[4:]...) },
		"out of order":   func() []complaint.Event { e := clone(); e[2], e[3] = e[3], e[2]; return e },
		"duplicate":      func() []complaint.Event { e := clone(); return append(e[:4], e[3:]...) },
		"no record":      func() []complaint.Event { return clone()[1:] },
		"other case":     func() []complaint.Event { e := clone(); e[5].Case = "C-2"; return e },
		"time goes back": func() []complaint.Event { e := clone(); e[5].At = t0.Add(-time.Hour); return e },
		"wrong from":     func() []complaint.Event { e := clone(); e[4].From = complaint.StateRecorded; return e },
		"wrong to":       func() []complaint.Event { e := clone(); e[4].To = complaint.StateClosed; return e },
		"illegal": func() []complaint.Event {
			e := clone()
			e[2].Command = complaint.Command{Kind: complaint.CmdApprove}
			return e
		},
		"bad payload": func() []complaint.Event { e := clone(); e[3].Command.Finding = nil; return e },
		"bad actor":   func() []complaint.Event { e := clone(); e[3].Actor.Role = 0; return e },
		"priority":    func() []complaint.Event { e := clone(); e[3].Priority = complaint.PriorityUrgent; return e },
		"no priority": func() []complaint.Event { e := clone(); e[0].Priority = 0; return e },
		"escalation jump": func() []complaint.Event {
			c, _ := complaint.Rebuild(evs[:3])
			_, ev := do(t, c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "r"}, agent, hours(3))
			ev.Priority = complaint.PriorityUrgent
			return append(clone()[:3], ev)
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := complaint.Rebuild(mk())
			assert.ErrorIs(t, err, complaint.ErrBadLog)
		})
	}
	_, err := complaint.Rebuild(evs)
	assert.NoError(t, err)
}

func TestRebuildIgnoresPolicyChanges(t *testing.T) {
	// Approved under a lenient policy, the log still rebuilds although
	// today's default policy would refuse the approval.
	lenient := &complaint.Policy{ApprovalThresholds: map[customer.Currency]decimal.Decimal{"EUR": decimal.NewFromInt(10000)}}
	c, evs := reach(3)
	c, ev, err := lenient.Apply(c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "189"), Detail: "d"}}, handler, hours(4))
	require.NoError(t, err)
	evs = append(evs, ev)
	c, ev, err = lenient.Apply(c, complaint.Command{Kind: complaint.CmdApprove}, supervisor, hours(5))
	require.NoError(t, err)
	evs = append(evs, ev)
	r, err := complaint.Rebuild(evs)
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(c, r))
}

func TestPermittedIsSortedAndMatchesRules(t *testing.T) {
	assert.Equal(t, []complaint.CommandKind{complaint.CmdRecord}, complaint.Permitted(complaint.Case{}))
	for s := complaint.StateRecorded; s.Valid(); s++ {
		c := complaint.Case{State: s, Version: 3}
		got := complaint.Permitted(c)
		assert.True(t, sort.SliceIsSorted(got, func(i, j int) bool { return got[i] < got[j] }), "%s", s)
		var want []complaint.CommandKind
		for _, r := range complaint.Rules() {
			if r.From == s {
				want = append(want, r.On)
			}
		}
		assert.ElementsMatch(t, want, got, "%s", s)
	}
	c, _ := reach(0)
	assert.Equal(t, []complaint.CommandKind{complaint.CmdAccept, complaint.CmdReject, complaint.CmdWait, complaint.CmdEscalate, complaint.CmdWithdraw}, complaint.Permitted(c))
}

func TestRulesAreUniqueAndNamed(t *testing.T) {
	seen := map[[2]uint8]bool{}
	for _, r := range complaint.Rules() {
		k := [2]uint8{uint8(r.From), uint8(r.On)}
		assert.False(t, seen[k], "two rules for %s on %s", r.From, r.On)
		seen[k] = true
		assert.NotEmpty(t, r.Guards, "%s on %s has no guard", r.From, r.On)
		assert.True(t, r.On.Valid())
	}
}

func TestGraphGolden(t *testing.T) {
	got := complaint.Graph()
	path := filepath.Join("testdata", "golden", "workflow.mmd")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run TestGraphGolden -update")
	assert.Equal(t, string(want), got)
}

type enumValue interface {
	comparable
	encoding.TextMarshaler
	String() string
	Valid() bool
}

func checkEnum[T enumValue, P interface {
	*T
	encoding.TextUnmarshaler
}](t *testing.T, parse func(string) (T, error), from func(uint8) T) {
	t.Helper()
	n := 0
	for i := 1; i < 256; i++ {
		v := from(uint8(i))
		if !v.Valid() {
			break
		}
		n++
		s := v.String()
		got, err := parse(s)
		require.NoError(t, err)
		assert.Equal(t, v, got)
		b, err := v.MarshalText()
		require.NoError(t, err)
		var back T
		require.NoError(t, P(&back).UnmarshalText(b))
		assert.Equal(t, v, back)
	}
	assert.Positive(t, n)
	zero := from(0)
	assert.False(t, zero.Valid())
	_, err := zero.MarshalText()
	assert.Error(t, err)
	assert.Contains(t, from(200).String(), "(200)")
	_, err = parse("no-such-value")
	assert.Error(t, err)
	var back T
	assert.Error(t, P(&back).UnmarshalText([]byte("")))
}

func TestEnums(t *testing.T) {
	checkEnum(t, complaint.ParseState, func(i uint8) complaint.State { return complaint.State(i) })
	checkEnum(t, complaint.ParseCommandKind, func(i uint8) complaint.CommandKind { return complaint.CommandKind(i) })
	checkEnum(t, complaint.ParseRole, func(i uint8) complaint.Role { return complaint.Role(i) })
	checkEnum(t, complaint.ParseChannel, func(i uint8) complaint.Channel { return complaint.Channel(i) })
	checkEnum(t, complaint.ParseSubjectKind, func(i uint8) complaint.SubjectKind { return complaint.SubjectKind(i) })
	checkEnum(t, complaint.ParseCategory, func(i uint8) complaint.Category { return complaint.Category(i) })
	checkEnum(t, complaint.ParseSeverity, func(i uint8) complaint.Severity { return complaint.Severity(i) })
	checkEnum(t, complaint.ParsePriority, func(i uint8) complaint.Priority { return complaint.Priority(i) })
	checkEnum(t, complaint.ParseValueClass, func(i uint8) complaint.ValueClass { return complaint.ValueClass(i) })
	checkEnum(t, complaint.ParseResolutionKind, func(i uint8) complaint.ResolutionKind { return complaint.ResolutionKind(i) })
	checkEnum(t, complaint.ParseCause, func(i uint8) complaint.Cause { return complaint.Cause(i) })
	checkEnum(t, complaint.ParseParty, func(i uint8) complaint.Party { return complaint.Party(i) })
	checkEnum(t, complaint.ParseAccountabilityAction, func(i uint8) complaint.AccountabilityAction { return complaint.AccountabilityAction(i) })
	checkEnum(t, complaint.ParseTopic, func(i uint8) complaint.Topic { return complaint.Topic(i) })
	assert.Equal(t, 11, int(complaint.StateWithdrawn))
	assert.Equal(t, "supervisor:S-1", complaint.Actor{ID: "S-1", Role: complaint.RoleSupervisor}.String())
}

// The quadrant of a customer converts to the value class of the same
// meaning: the key customers get the highest priority.
func TestValueClassOf(t *testing.T) {
	for q, want := range map[segment.Quadrant]complaint.ValueClass{
		segment.HighValue: complaint.ValueHighBoth, segment.PotentialValue: complaint.ValueHighPotential,
		segment.SecondaryValue: complaint.ValueHighCurrent, segment.LowValue: complaint.ValueLow, 0: 0, 9: 0,
	} {
		assert.Equal(t, want, complaint.ValueClassOf(q), "%v", q)
	}
	p := complaint.DefaultPriority{}
	assert.Equal(t, complaint.PriorityUrgent, p.Priority(complaint.SeverityHigh, complaint.ValueClassOf(segment.HighValue)))
}

func TestPriorityPolicy(t *testing.T) {
	p := complaint.DefaultPriority{}
	assert.Equal(t, complaint.PriorityLow, p.Priority(complaint.SeverityLow, 0))
	assert.Equal(t, complaint.PriorityLow, p.Priority(complaint.SeverityLow, complaint.ValueHighPotential))
	assert.Equal(t, complaint.PriorityNormal, p.Priority(complaint.SeverityLow, complaint.ValueHighCurrent))
	assert.Equal(t, complaint.PriorityHigh, p.Priority(complaint.SeverityMedium, complaint.ValueHighBoth))
	assert.Equal(t, complaint.PriorityUrgent, p.Priority(complaint.SeverityHigh, complaint.ValueHighBoth))
	assert.Equal(t, complaint.PriorityUrgent, p.Priority(complaint.SeverityCritical, complaint.ValueHighBoth))
	assert.Equal(t, complaint.PriorityNormal, p.Priority(0, complaint.ValueLow))

	// A custom policy reaches the case; an undefined result becomes normal.
	in := complainttest.Intake("C-5", t0)
	allUrgent := &complaint.Policy{Priority: complaint.PriorityFunc(func(complaint.Severity, complaint.ValueClass) complaint.Priority { return complaint.PriorityUrgent })}
	c, _, err := allUrgent.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	require.NoError(t, err)
	assert.Equal(t, complaint.PriorityUrgent, c.Priority)
	broken := &complaint.Policy{Priority: complaint.PriorityFunc(func(complaint.Severity, complaint.ValueClass) complaint.Priority { return 0 })}
	c, _, err = broken.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	require.NoError(t, err)
	assert.Equal(t, complaint.PriorityNormal, c.Priority)
	def := &complaint.Policy{}
	c, _, err = def.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	require.NoError(t, err)
	assert.Equal(t, complaint.PriorityNormal, c.Priority)
}

func TestFeedbackSatisfaction(t *testing.T) {
	assert.Equal(t, 0.5, complaint.Feedback{Perceived: 4, Expected: 8, CSAT: 3}.Satisfaction())
	assert.Equal(t, 0.0, complaint.Feedback{Perceived: 4}.Satisfaction())
	assert.True(t, complaint.Feedback{Perceived: 8, Expected: 8, CSAT: 4}.Satisfied())
	assert.False(t, complaint.Feedback{Perceived: 9, Expected: 8, CSAT: 3}.Satisfied())
	assert.False(t, complaint.Feedback{Perceived: 7, Expected: 8, CSAT: 5}.Satisfied())
}
