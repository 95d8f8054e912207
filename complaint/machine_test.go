package complaint_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// workflowModel is the simple model of the workflow the rapid test
// checks Apply against. It restates the procedure of domain rules §5 from
// scratch, without the package's table or guards.
type workflowModel struct {
	state, resumeTo complaint.State
	handler         complaint.ActorID
	department      string
	proposer        complaint.ActorID
	amount          int  // EUR of the current proposal
	givesBack       bool // the current proposal is a refund or price reduction
	paid            int  // EUR given back of the order by carried-out proposals
	paidOut         int  // EUR paid by all carried-out proposals
	staff           complaint.ActorID
	feedback        *complaint.Feedback
	carriedAt       time.Time
	decidedAt       time.Time
	// approvedAt and approver are of the current proposal's approval,
	// zero while none is approved.
	approvedAt time.Time
	approver   complaint.ActorID
	priority   complaint.Priority
	version    int
	// erased is when the complainant's words were last erased by an
	// erasure that found events no earlier one had reached, zero if
	// never.
	erased time.Time
	// SLA bookkeeping: time in open non-waiting states, time waiting,
	// and time counting toward the resolution.
	active, paused, resolution time.Duration
	last                       time.Time
}

// orderValue is the value of the goods of complainttest.Intake, in EUR.
const orderValue = 189

var working = map[complaint.State]bool{
	complaint.StateRecorded: true, complaint.StateAccepted: true, complaint.StateAssigned: true,
	complaint.StateInvestigated: true, complaint.StateProposed: true, complaint.StateApproved: true,
	complaint.StateCarriedOut: true,
}

func rank(a complaint.Actor) int {
	switch a.Role {
	case complaint.RoleAgent:
		return 1
	case complaint.RoleHandler:
		return 2
	case complaint.RoleSupervisor:
		return 3
	case complaint.RoleManager:
		return 4
	}
	return 0
}

// predict returns whether the model accepts a well-formed command and
// the state it leads to.
func (m *workflowModel) predict(cmd complaint.Command, a complaint.Actor, now time.Time) (bool, complaint.State) {
	staff := rank(a) >= 1
	sup := rank(a) >= 3
	self := a.Role == complaint.RoleCustomer && a.ID == complainant.ID
	owner := sup || (staff && a.ID == m.handler)
	s := m.state
	switch cmd.Kind {
	case complaint.CmdAccept:
		return s == complaint.StateRecorded && staff, complaint.StateAccepted
	case complaint.CmdReject:
		return s == complaint.StateRecorded && staff, complaint.StateRejected
	case complaint.CmdAssign:
		return s == complaint.StateAccepted && staff, complaint.StateAssigned
	case complaint.CmdReassign:
		// A reassignment moves the case: to another department or handler.
		moves := cmd.Assignment.Department != m.department || cmd.Assignment.Handler != m.handler
		// A waiting case too, when it waits from one of those steps.
		from := s
		if s == complaint.StateWaiting {
			from = m.resumeTo
		}
		return (from == complaint.StateAssigned || from == complaint.StateInvestigated || from == complaint.StateApproved) && sup && moves, s
	case complaint.CmdInvestigate:
		// A finding of staff conduct names the staff member.
		named := cmd.Finding.Cause != complaint.CauseStaffConduct || cmd.Finding.Staff != ""
		return (s == complaint.StateAssigned || s == complaint.StateInvestigated) && owner && named, complaint.StateInvestigated
	case complaint.CmdPropose:
		// What is given back of the order, over all carry-outs, stays
		// within its value (complainttest.Intake: 189 EUR).
		k := cmd.Proposal.Kind
		within := !(k == complaint.ResolutionRefund || k == complaint.ResolutionPriceReduction) ||
			m.paid+int(cmd.Proposal.Amount.Amount().IntPart()) <= orderValue
		return s == complaint.StateInvestigated && owner && within, complaint.StateProposed
	case complaint.CmdApprove:
		// The supervisor's threshold bounds what the case paid out
		// before together with the proposal.
		// By the case's department, when the approver's is known, but
		// for a manager.
		dept := a.Department == "" || rank(a) == 4 || a.Department == m.department
		return s == complaint.StateProposed && sup && (m.amount == 0 || m.paidOut+m.amount <= 100 || rank(a) == 4) && a.ID != m.proposer && dept, complaint.StateApproved
	case complaint.CmdSendBack:
		// The approver's other answer, by the same departments.
		dept := a.Department == "" || rank(a) == 4 || a.Department == m.department
		return s == complaint.StateProposed && sup && dept, complaint.StateInvestigated
	case complaint.CmdRevise:
		// An approved resolution that cannot be carried out is taken
		// back by its owner, to be proposed and approved anew.
		return s == complaint.StateApproved && owner, complaint.StateInvestigated
	case complaint.CmdCarryOut:
		accountable := m.staff == ""
		// Pay deductions stay within the loss recorded, or else what the
		// resolution pays (nothing for one that moves no money).
		loss, deducted := m.loss(cmd), 0
		heaviest, theirs := complaint.AccountabilityAction(0), 0 // of the staff member the finding names
		for _, acc := range cmd.Execution.Accountability {
			accountable = accountable || acc.Staff == m.staff
			deducted += int(acc.Deduction.Amount().IntPart())
			if acc.Staff == m.staff {
				heaviest = max(heaviest, acc.Action)
				theirs += int(acc.Deduction.Amount().IntPart())
			}
		}
		return s == complaint.StateApproved && owner && accountable && deducted <= loss && m.sized(loss, heaviest, theirs), complaint.StateCarriedOut
	case complaint.CmdRecordFeedback:
		// After the close, a follow-up visit within the reopen window.
		followUp := s == complaint.StateClosed && !now.After(m.carriedAt.Add(30*24*time.Hour))
		return (s == complaint.StateCarriedOut || followUp) && (staff || self), s
	case complaint.CmdClose:
		// Without feedback once a day (the default feedback wait) has
		// passed since the carry-out.
		answered := m.feedback != nil || !now.Before(m.carriedAt.Add(24*time.Hour))
		return s == complaint.StateCarriedOut && owner && answered, complaint.StateClosed
	case complaint.CmdWait:
		return working[s] && ((m.handler == "" && staff) || (m.handler != "" && owner)), complaint.StateWaiting
	case complaint.CmdResume:
		return s == complaint.StateWaiting && (staff || self), m.resumeTo
	case complaint.CmdEscalate:
		return (working[s] || s == complaint.StateWaiting) && (staff || a.Role == complaint.RoleSystem), s
	case complaint.CmdWithdraw:
		// Not once carried out, nor while waiting after the carry-out.
		return (working[s] && s != complaint.StateCarriedOut || s == complaint.StateWaiting && m.resumeTo != complaint.StateCarriedOut) && (staff || self), complaint.StateWithdrawn
	case complaint.CmdReopen:
		window := 30 * 24 * time.Hour
		if s == complaint.StateRejected {
			return sup && !now.After(m.decidedAt.Add(window)), complaint.StateRecorded
		}
		fb := m.feedback
		if cmd.Feedback != nil {
			fb = cmd.Feedback
		}
		unhappy := fb != nil && (fb.Perceived < fb.Expected || fb.CSAT < 4)
		return (s == complaint.StateCarriedOut || s == complaint.StateClosed) && (staff || self) && !now.After(m.carriedAt.Add(window)) && unhappy, complaint.StateAssigned
	}
	return false, 0 // record on an existing case
}

// loss is the loss in EUR of a carry-out cmd: the loss it records or,
// without one, what the resolution pays.
func (m *workflowModel) loss(cmd complaint.Command) int {
	if l := cmd.Execution.Loss; !l.IsZero() {
		return int(l.Amount().IntPart())
	}
	return m.amount
}

// sized reports whether the measure with the staff member the finding
// names (the heaviest of their entries, and their deductions in EUR)
// meets the default policy's penalties for a loss in EUR: a warning at
// least from 100 EUR, a pay deduction of at least 5% of the loss from
// 500 EUR; no finding's staff member, no measure asked.
func (m *workflowModel) sized(loss int, heaviest complaint.AccountabilityAction, deducted int) bool {
	switch {
	case m.staff == "":
		return true
	case loss >= 500:
		return 100*deducted >= 5*loss
	case loss >= 100:
		return heaviest >= complaint.ActionWarning
	}
	return true
}

// modelTopic is what the complainant is told of a command cmd accepted
// in state from while the case was with department dept: 0 for nothing.
func modelTopic(cmd complaint.Command, from complaint.State, dept string) complaint.Topic {
	switch cmd.Kind {
	case complaint.CmdAccept:
		return complaint.TopicAccepted
	case complaint.CmdReject:
		return complaint.TopicRejected
	case complaint.CmdAssign:
		return complaint.TopicAssigned
	case complaint.CmdReassign:
		if cmd.Assignment.Department != dept {
			return complaint.TopicReassigned
		}
	case complaint.CmdInvestigate:
		if from == complaint.StateAssigned {
			return complaint.TopicInvestigating
		}
	case complaint.CmdApprove:
		return complaint.TopicResolutionDecided
	case complaint.CmdCarryOut:
		return complaint.TopicResolved
	case complaint.CmdClose:
		return complaint.TopicClosed
	case complaint.CmdWait:
		return complaint.TopicWaiting
	case complaint.CmdResume:
		return complaint.TopicResumed
	case complaint.CmdReopen:
		return complaint.TopicReopened
	case complaint.CmdWithdraw:
		return complaint.TopicWithdrawn
	case complaint.CmdRevise:
		return complaint.TopicResolutionRevised
	}
	return 0
}

// advance books the time from the last event to t in the model's state.
func (m *workflowModel) advance(t time.Time) {
	d := t.Sub(m.last)
	switch {
	case m.state == complaint.StateWaiting:
		m.paused += d
	case working[m.state]:
		m.active += d
	}
	if working[m.state] && m.state != complaint.StateCarriedOut {
		m.resolution += d
	}
	m.last = t
}

func (m *workflowModel) accept(cmd complaint.Command, a complaint.Actor, now time.Time, to complaint.State) {
	m.advance(now)
	switch cmd.Kind {
	case complaint.CmdAccept, complaint.CmdReject:
		m.decidedAt = now
	case complaint.CmdAssign, complaint.CmdReassign:
		m.handler, m.department = cmd.Assignment.Handler, cmd.Assignment.Department
	case complaint.CmdInvestigate:
		m.staff = cmd.Finding.Staff
	case complaint.CmdPropose:
		m.proposer = a.ID
		m.amount = int(cmd.Proposal.Amount.Amount().IntPart())
		k := cmd.Proposal.Kind
		m.givesBack = k == complaint.ResolutionRefund || k == complaint.ResolutionPriceReduction
	case complaint.CmdApprove:
		m.approvedAt, m.approver = now, a.ID
	case complaint.CmdSendBack, complaint.CmdRevise:
		m.proposer, m.amount, m.givesBack = "", 0, false
		m.approvedAt, m.approver = time.Time{}, ""
	case complaint.CmdCarryOut:
		m.carriedAt, m.feedback = now, nil
		if m.givesBack {
			m.paid += m.amount
		}
		m.paidOut += m.amount
	case complaint.CmdRecordFeedback:
		m.feedback = cmd.Feedback
	case complaint.CmdWait:
		m.resumeTo = m.state
	case complaint.CmdEscalate:
		m.priority = min(m.priority+1, complaint.PriorityUrgent)
	case complaint.CmdReopen:
		if cmd.Feedback != nil {
			m.feedback = cmd.Feedback
		}
		m.proposer, m.amount, m.givesBack = "", 0, false
		m.approvedAt, m.approver = time.Time{}, ""
	}
	m.state = to
	m.version++
}

var machineActors = []complaint.Actor{
	agent, handler, handler2, supervisor,
	{ID: "supervisor-2", Role: complaint.RoleSupervisor}, manager,
	complainant, stranger, system,
	// Approvers whose department is known.
	{ID: "supervisor-q", Role: complaint.RoleSupervisor, Department: "quality"},
	{ID: "supervisor-r", Role: complaint.RoleSupervisor, Department: "returns"},
	{ID: "manager-r", Role: complaint.RoleManager, Department: "returns"},
}

// natural returns the command a diligent team gives next in c's state,
// and who gives it.
func natural(c complaint.Case) (complaint.Command, complaint.Actor) {
	h := complaint.Actor{ID: c.Handler, Role: complaint.RoleHandler}
	eur20, _ := customer.NewMoney("20", "EUR")
	switch c.State {
	case complaint.StateRecorded:
		return complaint.Command{Kind: complaint.CmdAccept}, agent
	case complaint.StateAccepted:
		return complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: "handler-1"}}, agent
	case complaint.StateAssigned:
		return complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Staff: "qc-1", Detail: "d"}}, h
	case complaint.StateInvestigated:
		return complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur20, Detail: "d"}}, h
	case complaint.StateProposed:
		if c.SendBacks == 0 {
			return complaint.Command{Kind: complaint.CmdSendBack, Reason: "first proposals go back once"}, supervisor
		}
		return complaint.Command{Kind: complaint.CmdApprove}, manager
	case complaint.StateApproved:
		if c.Revisions == 0 && c.Version%3 == 0 {
			// Now and then the approved replacement is sold out.
			return complaint.Command{Kind: complaint.CmdRevise, Reason: "replacement sold out"}, h
		}
		if c.Version%2 == 0 {
			// Now and then the loss recorded asks a pay deduction of the
			// staff member responsible: 5% of 600 EUR (DefaultPolicy).
			eur600, _ := customer.NewMoney("600", "EUR")
			eur30, _ := customer.NewMoney("30", "EUR")
			return complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail, Loss: eur600, Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionPayDeduction, Deduction: eur30}}}}, h
		}
		return complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelEmail, Accountability: []complaint.Accountability{{Staff: "qc-1", Action: complaint.ActionCoaching}}}}, h
	case complaint.StateCarriedOut:
		if c.Feedback == nil {
			return complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 6, Expected: 8, CSAT: 3}}, complainant
		}
		return complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: "l", Improvement: "i"}}, h
	case complaint.StateWaiting:
		return complaint.Command{Kind: complaint.CmdResume}, complainant
	case complaint.StateRejected:
		return complaint.Command{Kind: complaint.CmdReopen, Reason: "contests"}, supervisor
	}
	return complaint.Command{Kind: complaint.CmdReopen, Reason: "not satisfied"}, complainant
}

// drawCommand draws a command of a random kind with a well-formed
// payload, or (broken = true) one with a payload Apply must reject.
// Most draws take a kind the table lists for the state, other than
// withdrawal (it ends the run); the rest take any kind.
func drawCommand(t *rapid.T, c complaint.Case) (cmd complaint.Command, broken bool) {
	var likely []complaint.CommandKind
	for _, k := range complaint.Permitted(c) {
		switch k {
		case complaint.CmdWithdraw:
		default:
			likely = append(likely, k)
		}
	}
	kind := complaint.CommandKind(rapid.IntRange(int(complaint.CmdRecord), int(complaint.CmdRevise)).Draw(t, "any kind"))
	if len(likely) > 0 && rapid.IntRange(0, 9).Draw(t, "likely") > 1 {
		kind = rapid.SampledFrom(likely).Draw(t, "kind")
	}
	cmd = complaint.Command{Kind: kind, Note: rapid.SampledFrom([]string{"", wordsNote}).Draw(t, "note")}
	money := func(s string) customer.Money {
		m, err := customer.NewMoney(s, "EUR")
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	switch kind {
	case complaint.CmdRecord:
		in := complainttest.Intake("C-1", t0)
		cmd.Intake = &in
	case complaint.CmdReject:
		cmd.Reply = wordsReply
	case complaint.CmdAssign, complaint.CmdReassign:
		cmd.Assignment = &complaint.Assignment{Department: rapid.SampledFrom([]string{"quality", "returns"}).Draw(t, "department"), Handler: rapid.SampledFrom([]complaint.ActorID{"handler-1", "handler-2"}).Draw(t, "handler")}
	case complaint.CmdInvestigate:
		cause := rapid.SampledFrom([]complaint.Cause{complaint.CauseMaterial, complaint.CauseStaffConduct}).Draw(t, "cause")
		cmd.Finding = &complaint.Finding{Cause: cause, Responsible: complaint.PartySupplier, Staff: rapid.SampledFrom([]complaint.ActorID{"", "qc-1"}).Draw(t, "staff"), Detail: "d"}
	case complaint.CmdPropose:
		k := complaint.ResolutionKind(rapid.IntRange(1, 6).Draw(t, "resolution"))
		cmd.Proposal = &complaint.Proposal{Kind: k, Detail: "d"}
		if k.MovesMoney() {
			cmd.Proposal.Amount = money(rapid.SampledFrom([]string{"20", "100", "150"}).Draw(t, "amount"))
		}
	case complaint.CmdCarryOut:
		cmd.Execution = &complaint.Execution{Notified: complaint.ChannelPhone}
		// A loss of 600 EUR asks a pay deduction of 30 EUR at least of
		// the staff member the finding names (DefaultPolicy).
		if loss := rapid.SampledFrom([]string{"", "50", "600", "600"}).Draw(t, "loss recorded"); loss != "" {
			cmd.Execution.Loss = money(loss)
		}
		if rapid.IntRange(0, 3).Draw(t, "accountable") > 0 {
			acc := complaint.Accountability{Staff: "qc-1", Action: rapid.SampledFrom([]complaint.AccountabilityAction{complaint.ActionCoaching, complaint.ActionWarning, complaint.ActionPayDeduction, complaint.ActionPayDeduction}).Draw(t, "measure")}
			if acc.Action == complaint.ActionPayDeduction {
				acc.Deduction = money(rapid.SampledFrom([]string{"10", "30", "120"}).Draw(t, "deduction"))
			}
			cmd.Execution.Accountability = []complaint.Accountability{acc}
		}
	case complaint.CmdRecordFeedback:
		cmd.Feedback = &complaint.Feedback{Perceived: rapid.IntRange(0, 10).Draw(t, "perceived"), Expected: rapid.IntRange(1, 10).Draw(t, "expected"), CSAT: rapid.IntRange(1, 5).Draw(t, "csat"), Comment: rapid.SampledFrom([]string{"", wordsComment}).Draw(t, "comment")}
	case complaint.CmdClose:
		cmd.Evaluation = &complaint.Evaluation{Lessons: "l", Improvement: "i"}
	case complaint.CmdWait:
		cmd.Reason = wordsWait
	case complaint.CmdEscalate, complaint.CmdSendBack, complaint.CmdRevise:
		cmd.Reason = staffReason
	case complaint.CmdReopen:
		cmd.Reason = staffReason
		if rapid.Bool().Draw(t, "with feedback") {
			cmd.Feedback = &complaint.Feedback{Perceived: rapid.IntRange(0, 10).Draw(t, "perceived"), Expected: rapid.IntRange(1, 10).Draw(t, "expected"), CSAT: rapid.IntRange(1, 5).Draw(t, "csat"), Comment: rapid.SampledFrom([]string{"", wordsComment}).Draw(t, "comment")}
		}
	case complaint.CmdWithdraw:
		cmd.Reason = rapid.SampledFrom([]string{"", wordsWithdraw}).Draw(t, "withdraw reason")
	}
	if rapid.IntRange(0, 9).Draw(t, "break") != 0 {
		return cmd, false
	}
	switch {
	case kind == complaint.CmdPropose && cmd.Proposal.Kind.MovesMoney():
		cmd.Proposal.Amount = money("0")
	case kind == complaint.CmdRecordFeedback:
		cmd.Feedback.Expected = 0
	case kind == complaint.CmdClose:
		cmd.Reply = "unexpected"
	default:
		cmd.Evaluation = &complaint.Evaluation{Lessons: "unexpected", Improvement: "payload"}
	}
	return cmd, true
}

// The texts drawCommand writes: the complainant's words, or the brand's
// correspondence with them, that an erasure blanks, and a staff reason
// it keeps.
const (
	wordsNote     = "words: a note"
	wordsReply    = "words: the reply"
	wordsWait     = "words: what the customer was asked"
	wordsWithdraw = "words: why the customer withdraws"
	wordsComment  = "words: the feedback's comment"
	staffReason   = "the staff's reason"
)

// erasedWords are the texts no erased case or event may hold: those
// above and the intake's of complainttest.Intake.
var erasedWords = []string{wordsNote, wordsReply, wordsWait, wordsWithdraw, wordsComment, "seam split after two wears", "photo-1"}

// modelEraseCase is c as the package documentation ("Privacy") says an
// erasure at at leaves it: the intake's description, demand text and
// attachments, the reply, the wait and withdrawal reasons and the
// feedback's comment blank, marked erased at at when fresh (the case
// has events no earlier erasure reached), everything else as it was.
func modelEraseCase(c complaint.Case, at time.Time, fresh bool) complaint.Case {
	c = c.Clone()
	c.Intake.Description, c.Intake.Demand.Text, c.Intake.Attachments = "", "", nil
	c.Reply, c.WaitReason, c.WithdrawReason = "", "", ""
	if c.Feedback != nil {
		c.Feedback.Comment = ""
	}
	if fresh {
		c.Erased = at
	}
	return c
}

// modelEraseEvent is ev as an erasure at at leaves it: the command's
// note, the texts modelEraseCase blanks and nothing else, marked erased
// at at unless it was before.
func modelEraseEvent(ev complaint.Event, at time.Time) complaint.Event {
	ev = ev.Clone()
	cmd := &ev.Command
	cmd.Note, cmd.Reply = "", ""
	if in := cmd.Intake; in != nil {
		in.Description, in.Demand.Text, in.Attachments = "", "", nil
	}
	if cmd.Kind == complaint.CmdWait || cmd.Kind == complaint.CmdWithdraw {
		cmd.Reason = ""
	}
	if cmd.Feedback != nil {
		cmd.Feedback.Comment = ""
	}
	if ev.Erased.IsZero() {
		ev.Erased = at
	}
	return ev
}

// holdsWords returns the first of erasedWords in the JSON form of v, or
// "".
func holdsWords(t *rapid.T, v any) string {
	doc, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range erasedWords {
		if strings.Contains(string(doc), w) {
			return w
		}
	}
	return ""
}

func TestWorkflowMatchesModel(t *testing.T) {
	// Coverage of the generated runs: states reached, commands accepted
	// and refused.
	reached := map[complaint.State]int{}
	accepted := map[complaint.CommandKind]int{}
	refusedN := 0
	// Erasures: done, refused as open, refused as dated too early.
	erasures := map[string]int{}
	// The approval by the case's department and the naming of the staff
	// member in a finding of staff conduct, each taken and refused.
	rules := map[string]int{}
	property := func(rt *rapid.T) {
		c, ev := complainttest.Record("C-1", t0)
		events := []complaint.Event{ev}
		m := &workflowModel{state: complaint.StateRecorded, version: 1, priority: c.Priority, last: t0}
		now := t0
		// The same commands go, with an idempotency key each, through a
		// Service, which must give what Apply gives and apply a
		// redelivered command only once. The Service is wired to a
		// clock that reads the time of each delivery, or as much before
		// it as the tolerance allows (DefaultMaxAhead).
		ctx := context.Background()
		store := complaint.NewMemStore()
		var clock time.Time
		svc := &complaint.Service{Store: store, Clock: func() time.Time { return clock }}
		atClock := func(t *rapid.T, at time.Time) {
			clock = at
			if rapid.IntRange(0, 3).Draw(t, "at the bound") == 0 {
				clock = at.Add(-complaint.DefaultMaxAhead)
			}
		}
		if err := store.Save(ctx, c, ev); err != nil {
			rt.Fatal(err)
		}
		type delivery struct {
			cmd complaint.Command
			a   complaint.Actor
			c   complaint.Case
			ev  complaint.Event
		}
		var delivered []*delivery
		sent := 0
		try := func(t *rapid.T, cmd complaint.Command, broken bool, a complaint.Actor, step time.Duration) {
			now = now.Add(step)
			atClock(t, now)
			sent++
			cmd.Key = fmt.Sprintf("msg-%d", sent)
			want, to := m.predict(cmd, a, now)
			// A command on an erased case is dated after the erasure.
			want = want && !broken && (m.erased.IsZero() || now.After(m.erased))
			next, ev, err := complaint.Apply(c, cmd, a, now)
			sc, sev, serr := svc.Do(ctx, c.ID, cmd, a, now)
			if (err == nil) != (serr == nil) || err == nil && (!reflect.DeepEqual(sc, next) || !reflect.DeepEqual(sev, ev)) {
				t.Fatalf("%s by %s in %s: service gives %v, Apply %v", cmd.Kind, a, m.state, serr, err)
			}
			if err != nil {
				if want {
					t.Fatalf("%s by %s in %s refused, model accepts: %v", cmd.Kind, a, m.state, err)
				}
				if !reflect.DeepEqual(next, c) || !reflect.DeepEqual(ev, complaint.Event{}) {
					t.Fatalf("refused %s changed the case", cmd.Kind)
				}
				refusedN++
				var te *complaint.TransitionError
				var ve *customer.ValidationError
				switch {
				case errors.As(err, &te) && cmd.Kind == complaint.CmdApprove && reflect.DeepEqual(te.FailedGuards, []string{"approver is of the case's department, an approving department, or a manager"}):
					rules["approval refused to another department"]++
				case errors.As(err, &te) && cmd.Kind == complaint.CmdSendBack && reflect.DeepEqual(te.FailedGuards, []string{"approver is of the case's department, an approving department, or a manager"}):
					rules["send-back refused to another department"]++
				case errors.As(err, &ve) && ve.Has("command.finding.staff", customer.CodeRequired):
					rules["unnamed staff conduct refused"]++
				case errors.As(err, &te) && cmd.Kind == complaint.CmdCarryOut && slices.Contains(te.FailedGuards, "measure with the responsible staff member sized by the loss (policy penalties)"):
					rules["penalty refused as too light for the loss"]++
				}
				return
			}
			delivered = append(delivered, &delivery{cmd, a, next, ev})
			if !want {
				t.Fatalf("%s by %s in %s accepted into %s, model refuses (broken payload: %v)", cmd.Kind, a, m.state, next.State, broken)
			}
			if next.State != to || ev.From != m.state || ev.To != to || ev.Seq != m.version+1 || ev.Actor != a || !ev.At.Equal(now) {
				t.Fatalf("%s: event %+v, model %s → %s", cmd.Kind, ev, m.state, to)
			}
			topic := modelTopic(cmd, m.state, m.department)
			channel := complaint.ChannelWeb // complainttest.Intake's
			if topic == complaint.TopicResolved {
				channel = cmd.Execution.Notified
			}
			if n, told, err := complaint.NoticeOf(next, ev); err != nil || told != (topic != 0) || told && (n.Topic != topic || n.Department != next.Department || n.Channel != channel) {
				t.Fatalf("%s from %s: notice %v %v, %v; model %v", cmd.Kind, m.state, n.Topic, told, err, topic)
			}
			// A revision names the approval it takes back, to its
			// event and to the customer.
			if cmd.Kind == complaint.CmdRevise {
				n, _, _ := complaint.NoticeOf(next, ev)
				if !ev.RevisedApproved.Equal(m.approvedAt) || ev.RevisedApprovedBy != m.approver || !n.RevisedApproved.Equal(m.approvedAt) {
					t.Fatalf("revise: event names the approval at %v by %q, notice at %v; model %v by %q", ev.RevisedApproved, ev.RevisedApprovedBy, n.RevisedApproved, m.approvedAt, m.approver)
				}
			} else if !ev.RevisedApproved.IsZero() || ev.RevisedApprovedBy != "" {
				t.Fatalf("%s names an approval taken back", cmd.Kind)
			}
			switch {
			case cmd.Kind == complaint.CmdApprove && a.Department != "" && a.Department == m.department:
				rules["approved by the case's department"]++
			case cmd.Kind == complaint.CmdApprove && a.Department != "":
				rules["approved by a manager of another department"]++
			case cmd.Kind == complaint.CmdInvestigate && cmd.Finding.Cause == complaint.CauseStaffConduct:
				rules["named staff conduct"]++
			case cmd.Kind == complaint.CmdCarryOut && m.staff != "" && m.loss(cmd) >= 100:
				rules["measure sized by the loss"]++
			}
			m.accept(cmd, a, now, to)
			if got := next.Paid.Amount(); got.IntPart() != int64(m.paid) || !got.Equal(got.Truncate(0)) {
				t.Fatalf("%s: paid %s, model %d EUR", cmd.Kind, next.Paid, m.paid)
			}
			reached[to]++
			accepted[cmd.Kind]++
			c = next
			events = append(events, ev)
		}
		rt.Repeat(map[string]func(*rapid.T){
			"act": func(t *rapid.T) {
				cmd, broken := drawCommand(t, c)
				a := rapid.SampledFrom(machineActors).Draw(t, "any actor")
				if rapid.IntRange(0, 3).Draw(t, "staff") > 0 {
					cur := complaint.Actor{ID: c.Handler, Role: complaint.RoleHandler}
					if c.Handler == "" {
						cur = agent
					}
					a = rapid.SampledFrom([]complaint.Actor{cur, cur, agent, supervisor, machineActors[4], manager, machineActors[9], machineActors[10], machineActors[11]}).Draw(t, "actor")
				}
				if (cmd.Kind == complaint.CmdApprove || cmd.Kind == complaint.CmdSendBack) && rapid.Bool().Draw(t, "approver of a department") {
					a = rapid.SampledFrom(machineActors[9:]).Draw(t, "department approver")
				}
				step := rapid.SampledFrom([]time.Duration{0, time.Minute, time.Hour, 20 * time.Hour}).Draw(t, "step")
				if rapid.IntRange(0, 19).Draw(t, "long") == 0 {
					step = 40 * 24 * time.Hour
				}
				try(t, cmd, broken, a, step)
			},
			"next": func(t *rapid.T) {
				cmd, a := natural(c)
				try(t, cmd, false, a, rapid.SampledFrom([]time.Duration{time.Minute, 5 * time.Hour}).Draw(t, "step"))
			},
			"redeliver": func(t *rapid.T) {
				// At-least-once delivery: an applied command comes again,
				// maybe much later; it is a no-op with the first result.
				if len(delivered) == 0 {
					t.Skip("nothing delivered yet")
				}
				d := rapid.SampledFrom(delivered).Draw(t, "delivery")
				later := now.Add(rapid.SampledFrom([]time.Duration{0, time.Hour, 40 * 24 * time.Hour}).Draw(t, "delay"))
				atClock(t, later)
				got, ev, err := svc.Do(ctx, c.ID, d.cmd, d.a, later)
				if err != nil || !reflect.DeepEqual(got, d.c) || !reflect.DeepEqual(ev, d.ev) {
					t.Fatalf("redelivered %s (key %s, event %d): %v, event %d", d.cmd.Kind, d.cmd.Key, d.ev.Seq, err, ev.Seq)
				}
			},
			"reuse": func(t *rapid.T) {
				// A key used again for another command is refused.
				if len(delivered) == 0 {
					t.Skip("nothing delivered yet")
				}
				d := rapid.SampledFrom(delivered).Draw(t, "delivery")
				cmd, a := d.cmd, d.a
				otherActor := rapid.Bool().Draw(t, "other actor")
				if otherActor {
					a = complaint.Actor{ID: a.ID + "-other", Role: a.Role}
				} else {
					cmd.Note += " (changed)"
				}
				atClock(t, now)
				got, ev, err := svc.Do(ctx, c.ID, cmd, a, now)
				if !otherActor && !d.ev.Erased.IsZero() {
					// The erased event keeps no note to tell the two
					// apart: the delivery is taken as the one recorded.
					if err != nil || !reflect.DeepEqual(got, d.c) || !reflect.DeepEqual(ev, d.ev) {
						t.Fatalf("key %s with another note after the erasure of event %d: %v, event %d", cmd.Key, d.ev.Seq, err, ev.Seq)
					}
					return
				}
				if !errors.Is(err, complaint.ErrKeyReused) || !strings.Contains(err.Error(), `"C-1"`) || !strings.Contains(err.Error(), `"`+cmd.Key+`"`) {
					t.Fatalf("key %s reused: %v", cmd.Key, err)
				}
			},
			"ahead": func(t *rapid.T) {
				// A command, or a redelivery, dated too far ahead of the
				// clock (a machine whose clock is wrong) is refused and
				// changes nothing; the case goes on at the real time.
				cmd, a := natural(c)
				if len(delivered) > 0 && rapid.Bool().Draw(t, "redelivery") {
					d := rapid.SampledFrom(delivered).Draw(t, "delivery")
					cmd, a = d.cmd, d.a
				}
				clock = now
				lead := rapid.SampledFrom([]time.Duration{complaint.DefaultMaxAhead + time.Nanosecond, time.Hour, 10 * 365 * 24 * time.Hour}).Draw(t, "lead")
				got, ev, err := svc.Do(ctx, c.ID, cmd, a, now.Add(lead))
				var ae *complaint.NowAheadError
				if !errors.As(err, &ae) || ae.Case != c.ID || ae.Op != cmd.Kind.String() || !ae.Clock.Equal(now) || !reflect.DeepEqual(got, complaint.Case{}) || !reflect.DeepEqual(ev, complaint.Event{}) {
					t.Fatalf("%s %s ahead of the clock: %v", cmd.Kind, lead, err)
				}
				rules["ahead of the clock refused"]++
			},
			"erase": func(t *rapid.T) {
				// The complainant (or a customer without cases) asks for
				// erasure, at about the time of the last event.
				who := customer.ID(complainant.ID)
				if rapid.IntRange(0, 4).Draw(t, "other customer") == 0 {
					who = customer.ID(stranger.ID)
				}
				at := now.Add(rapid.SampledFrom([]time.Duration{-time.Hour, 0, time.Minute, 30 * time.Hour}).Draw(t, "erase at"))
				stale := c
				credits, errC := complaint.Credits(events)
				status, errS := complaint.DefaultSLA().Status(events, now.Add(3*time.Hour))
				if errC != nil || errS != nil {
					t.Fatalf("before the erasure: %v, %v", errC, errS)
				}
				err := store.Erase(ctx, who, at)
				open := m.state != complaint.StateClosed && m.state != complaint.StateRejected && m.state != complaint.StateWithdrawn
				var ve *customer.ValidationError
				erasedNow := false
				switch {
				case who != customer.ID(complainant.ID):
					if err != nil {
						t.Fatalf("erasing %s, who has no case: %v", who, err)
					}
				case open:
					if !errors.Is(err, complaint.ErrOpen) || !strings.Contains(err.Error(), `"C-1"`) {
						t.Fatalf("erasure while the case is %s: %v", m.state, err)
					}
					erasures["open"]++
				case at.Before(m.last):
					if !errors.As(err, &ve) || !ve.Has("at", customer.CodeOrder) || !strings.Contains(err.Error(), `"C-1"`) {
						t.Fatalf("erasure at %s, before the last event at %s: %v", at, m.last, err)
					}
					erasures["too early"]++
				default:
					if err != nil {
						t.Fatalf("erasure of the %s case: %v", m.state, err)
					}
					erasedNow = true
					erasures["done"]++
					if !m.erased.IsZero() {
						erasures["again"]++
					}
					fresh := false
					for _, ev := range events {
						fresh = fresh || ev.Erased.IsZero()
					}
					if fresh && !m.erased.IsZero() {
						erasures["again, new events"]++
					}
					if fresh {
						m.erased = at
					}
					c = modelEraseCase(c, at, fresh)
					for i := range events {
						events[i] = modelEraseEvent(events[i], at)
					}
					for _, d := range delivered {
						if d.ev.Seq <= len(events) {
							d.c, d.ev = modelEraseCase(d.c, at, d.ev.Erased.IsZero()), modelEraseEvent(d.ev, at)
						}
					}
					if !c.Erased.Equal(m.erased) {
						t.Fatalf("case erased at %s, model last at %s", c.Erased, m.erased)
					}
				}
				// Refused or not, the store holds the model's case and
				// log; the "" check compares them.
				sc, err := store.Get(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				stored, err := store.Events(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(sc, c) || !reflect.DeepEqual(stored, events) {
					t.Fatalf("after erase(%s, %s) of the %s case: the store is not what the model says", who, at, m.state)
				}
				if !erasedNow {
					return
				}
				if w := holdsWords(t, sc); w != "" {
					t.Fatalf("erased case holds %q", w)
				}
				if w := holdsWords(t, stored); w != "" {
					t.Fatalf("erased log holds %q", w)
				}
				// What the brand computes from the log does not change.
				after, errC := complaint.Credits(stored)
				st, errS := complaint.DefaultSLA().Status(stored, now.Add(3*time.Hour))
				if errC != nil || errS != nil || !reflect.DeepEqual(after, credits) || !reflect.DeepEqual(st, status) {
					t.Fatalf("erasure changed credits or SLA: %v, %v", errC, errS)
				}
				// Erasing again, later, changes nothing.
				if err := store.Erase(ctx, who, at.Add(time.Hour)); err != nil {
					t.Fatalf("second erasure: %v", err)
				}
				again, _ := store.Events(ctx, c.ID)
				if sc2, _ := store.Get(ctx, c.ID); !reflect.DeepEqual(sc2, c) || !reflect.DeepEqual(again, events) {
					t.Fatalf("second erasure changed the case or its log")
				}
				// A case computed from the one before an erasure that
				// reached new events does not bring the texts back.
				if !stale.Erased.Equal(c.Erased) {
					cmd, a := natural(stale)
					if next, ev, err := complaint.Apply(stale, cmd, a, now); err == nil {
						if err := store.Save(ctx, next, ev); !errors.Is(err, complaint.ErrConflict) {
							t.Fatalf("save of %s computed before the erasure: %v", cmd.Kind, err)
						}
						if after, _ := store.Events(ctx, c.ID); !reflect.DeepEqual(after, events) {
							t.Fatalf("refused save changed the log")
						}
					}
				}
			},
			"": func(t *rapid.T) {
				if !c.Approved.Equal(m.approvedAt) || c.ApprovedBy != m.approver {
					t.Fatalf("case approved at %v by %q, model %v by %q", c.Approved, c.ApprovedBy, m.approvedAt, m.approver)
				}
				if c.State != m.state || c.Version != m.version || len(events) != c.Version || c.Priority != m.priority || c.Handler != m.handler || c.Department != m.department {
					t.Fatalf("case %s v%d %s handler %q of %q, model %s v%d %s handler %q of %q", c.State, c.Version, c.Priority, c.Handler, c.Department, m.state, m.version, m.priority, m.handler, m.department)
				}
				r, err := complaint.Rebuild(events)
				if err != nil {
					t.Fatalf("rebuild: %v", err)
				}
				// The service's store holds each applied command once.
				stored, err := store.Events(ctx, c.ID)
				if err != nil || !reflect.DeepEqual(stored, events) {
					t.Fatalf("stored log of %d events, applied %d: %v", len(stored), len(events), err)
				}
				if sc, err := store.Get(ctx, c.ID); err != nil || !reflect.DeepEqual(sc, c) {
					t.Fatalf("stored case differs from the live one: %v", err)
				}
				if !reflect.DeepEqual(r, c) {
					t.Fatalf("rebuilt case differs from the live one")
				}
				// The SLA clocks count exactly the non-waiting time, up to an
				// instant after the last event.
				asOf := now.Add(3 * time.Hour)
				st, err := complaint.DefaultSLA().Status(events, asOf)
				if err != nil {
					t.Fatalf("sla: %v", err)
				}
				mm := *m
				mm.advance(asOf)
				var sum time.Duration
				for _, v := range st.Visits {
					sum += v.Elapsed
				}
				if sum != mm.active || st.PausedFor != mm.paused || st.Resolution.Elapsed != mm.resolution {
					t.Fatalf("sla: visits %s paused %s resolution %s; model active %s paused %s resolution %s",
						sum, st.PausedFor, st.Resolution.Elapsed, mm.active, mm.paused, mm.resolution)
				}
				if st.Paused != (m.state == complaint.StateWaiting) {
					t.Fatalf("sla paused = %v in %s", st.Paused, m.state)
				}
			},
		})
	}
	// What no generated run reached yet.
	missing := func() []string {
		var miss []string
		for s := complaint.StateRecorded; s.Valid(); s++ {
			if reached[s] == 0 {
				miss = append(miss, "no generated run reached "+s.String())
			}
		}
		for k := complaint.CmdAccept; k.Valid(); k++ {
			if accepted[k] == 0 {
				miss = append(miss, "no generated run had "+k.String()+" accepted")
			}
		}
		for _, k := range []string{"done", "again", "open", "too early"} {
			if erasures[k] == 0 {
				miss = append(miss, "no generated run had an erasure "+k)
			}
		}
		for _, k := range []string{"approval refused to another department", "approved by the case's department", "approved by a manager of another department", "unnamed staff conduct refused", "named staff conduct", "send-back refused to another department", "penalty refused as too light for the loss", "measure sized by the loss", "ahead of the clock refused"} {
			if rules[k] == 0 {
				miss = append(miss, "no generated run had "+k)
			}
		}
		return miss
	}
	rapid.Check(t, property)
	if testing.Short() {
		// rapid makes a fifth of the runs, shorter, under -short: too few
		// to reach every state and command reliably.
		return
	}
	// The rarest paths (a withdrawal, an erasure dated too early) are
	// missed by a few runs in a hundred: those get more rounds, so that
	// a miss in all of them means the generator cannot reach them.
	for round := 1; round < 5 && len(missing()) > 0; round++ {
		rapid.Check(t, property)
	}
	t.Logf("states reached %v; commands accepted %v; refused %d; erasures %v; rules %v", reached, accepted, refusedN, erasures, rules)
	for _, m := range missing() {
		t.Error(m)
	}
}
