package complaint

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Command is one request to move a case: a kind, an optional note, and
// the one payload the kind needs (see the table on each field). It is the
// wire form of the workflow: it encodes to JSON with the kind as text and
// is stored verbatim in the [Event] it produces.
type Command struct {
	Kind CommandKind `json:"kind"` // which transition
	// Note is free text kept in the audit trail; every kind accepts it.
	Note string `json:"note,omitempty"`
	// Key is an optional idempotency key, such as the ID of the queue
	// message that carries the command; every kind accepts it, and it is
	// kept in the [Event] the command produces. [Service.Do] applies a
	// keyed command at most once per case: a command whose key an event
	// of the case already carries is a redelivery, and returns that
	// event's result without applying anything; the same key with another
	// command or actor is an error matching [ErrKeyReused]. [Apply], which
	// sees no history, does not look at it.
	Key string `json:"key,omitempty"`

	// Intake is the complaint form; required by record.
	Intake *Intake `json:"intake,omitempty"`
	// Reply is the tactful reply to the customer; required by reject.
	Reply string `json:"reply,omitempty"`
	// Reason is required by send-back, wait, escalate, reopen and revise, and
	// optional for reassign and withdraw.
	Reason string `json:"reason,omitempty"`
	// Assignment is required by assign and reassign.
	Assignment *Assignment `json:"assignment,omitempty"`
	// Finding is required by investigate.
	Finding *Finding `json:"finding,omitempty"`
	// Proposal is required by propose.
	Proposal *Proposal `json:"proposal,omitempty"`
	// Execution is required by carry-out.
	Execution *Execution `json:"execution,omitempty"`
	// Feedback is required by record-feedback and optional for reopen
	// (the dissatisfied feedback that motivates it).
	Feedback *Feedback `json:"feedback,omitempty"`
	// Evaluation is required by close.
	Evaluation *Evaluation `json:"evaluation,omitempty"`
}

// clone returns a deep copy of cmd.
func (cmd Command) clone() Command {
	if cmd.Intake != nil {
		in := cmd.Intake.clone()
		cmd.Intake = &in
	}
	if cmd.Assignment != nil {
		a := *cmd.Assignment
		cmd.Assignment = &a
	}
	if cmd.Finding != nil {
		f := *cmd.Finding
		cmd.Finding = &f
	}
	if cmd.Proposal != nil {
		p := *cmd.Proposal
		cmd.Proposal = &p
	}
	if cmd.Execution != nil {
		e := cmd.Execution.clone()
		cmd.Execution = &e
	}
	if cmd.Feedback != nil {
		f := *cmd.Feedback
		cmd.Feedback = &f
	}
	if cmd.Evaluation != nil {
		e := *cmd.Evaluation
		cmd.Evaluation = &e
	}
	return cmd
}

// payload bits: which optional parts of a Command are present.
type payload uint16

const (
	pIntake payload = 1 << iota
	pReply
	pReason
	pAssignment
	pFinding
	pProposal
	pExecution
	pFeedback
	pEvaluation
)

var payloadNames = []struct {
	bit  payload
	name string
}{
	{pIntake, "intake"}, {pReply, "reply"}, {pReason, "reason"},
	{pAssignment, "assignment"}, {pFinding, "finding"}, {pProposal, "proposal"},
	{pExecution, "execution"}, {pFeedback, "feedback"}, {pEvaluation, "evaluation"},
}

func (cmd Command) present() payload {
	var b payload
	set := func(ok bool, bit payload) {
		if ok {
			b |= bit
		}
	}
	set(cmd.Intake != nil, pIntake)
	set(cmd.Reply != "", pReply)
	set(cmd.Reason != "", pReason)
	set(cmd.Assignment != nil, pAssignment)
	set(cmd.Finding != nil, pFinding)
	set(cmd.Proposal != nil, pProposal)
	set(cmd.Execution != nil, pExecution)
	set(cmd.Feedback != nil, pFeedback)
	set(cmd.Evaluation != nil, pEvaluation)
	return b
}

// shape is what a command kind requires and allows.
type shape struct{ required, allowed payload }

var shapes = [...]shape{
	CmdRecord:         {pIntake, pIntake},
	CmdAccept:         {0, 0},
	CmdReject:         {pReply, pReply},
	CmdAssign:         {pAssignment, pAssignment},
	CmdReassign:       {pAssignment, pAssignment | pReason},
	CmdInvestigate:    {pFinding, pFinding},
	CmdPropose:        {pProposal, pProposal},
	CmdApprove:        {0, 0},
	CmdSendBack:       {pReason, pReason},
	CmdCarryOut:       {pExecution, pExecution},
	CmdRecordFeedback: {pFeedback, pFeedback},
	CmdClose:          {pEvaluation, pEvaluation},
	CmdWait:           {pReason, pReason},
	CmdResume:         {0, 0},
	CmdEscalate:       {pReason, pReason},
	CmdReopen:         {pReason, pReason | pFeedback},
	CmdWithdraw:       {0, pReason},
	CmdRevise:         {pReason, pReason},
}

// checkCommand validates the payload of cmd against case c (for the
// currency and order value) at time now. It does not check guards.
func checkCommand(p *problems, c Case, cmd Command, now time.Time) {
	if !cmd.Kind.Valid() {
		p.enum("command.kind", cmd.Kind, uint8(cmd.Kind))
		return
	}
	sh := shapes[cmd.Kind]
	have := cmd.present()
	for _, pn := range payloadNames {
		switch {
		case sh.required&pn.bit != 0 && have&pn.bit == 0:
			p.add("command."+pn.name, customer.CodeRequired, "is required by "+cmd.Kind.String())
		case sh.allowed&pn.bit == 0 && have&pn.bit != 0:
			p.add("command."+pn.name, customer.CodeMismatch, "is not used by "+cmd.Kind.String())
		}
	}
	cur := c.Intake.Currency
	if cmd.Intake != nil {
		cur = cmd.Intake.Currency
		var q problems
		cmd.Intake.check(&q, now)
		for _, f := range q.fields {
			p.add("command.intake."+f.Field, f.Code, f.Message)
		}
	}
	if a := cmd.Assignment; a != nil {
		p.required("command.assignment.department", a.Department)
		p.required("command.assignment.handler", string(a.Handler))
	}
	if f := cmd.Finding; f != nil {
		p.enum("command.finding.cause", f.Cause, uint8(f.Cause))
		p.enum("command.finding.responsible", f.Responsible, uint8(f.Responsible))
		p.required("command.finding.detail", f.Detail)
	}
	if pr := cmd.Proposal; pr != nil {
		p.enum("command.proposal.kind", pr.Kind, uint8(pr.Kind))
		if pr.Kind.Valid() {
			p.money("command.proposal.amount", pr.Amount, pr.Kind.MovesMoney(), cur, pr.Kind.String())
		}
		p.required("command.proposal.detail", pr.Detail)
		// No log written before Units holds a value refused here, so
		// Rebuild refuses them as Apply does.
		switch {
		case pr.Units < 0:
			p.add("command.proposal.units", customer.CodeNegative, fmt.Sprintf("%d is below zero: a refund takes back 1 unit or more, or 0 for every unit held", pr.Units))
		case pr.Units != 0 && pr.Kind.Valid() && pr.Kind != ResolutionRefund:
			p.add("command.proposal.units", customer.CodeMismatch, fmt.Sprintf("%d given, but only a refund takes units back, not a %s", pr.Units, pr.Kind))
		}
		if pr.Kind == ResolutionPriceReduction && c.Intake.Subject.Order == "" {
			p.add("command.proposal.kind", customer.CodeMismatch, "a price reduction is of an order's price, and the case's subject names no order")
		}
		ov := c.Intake.OrderValue
		if pr.Kind.givesBack() && ov.Sign() > 0 && pr.Amount.Currency() == ov.Currency() && customer.AmountInRange(pr.Amount.Amount()) {
			switch total, err := pr.Amount.Add(c.Paid); {
			case err != nil:
				p.add("command.proposal.amount", customer.CodeMismatch, err.Error())
			case total.Amount().GreaterThan(ov.Amount()) && c.Paid.IsZero():
				p.add("command.proposal.amount", customer.CodeTooMany, fmt.Sprintf("%s exceeds the order value %s", pr.Amount, ov))
			case total.Amount().GreaterThan(ov.Amount()):
				p.add("command.proposal.amount", customer.CodeTooMany, fmt.Sprintf("%s and the %s the case paid back before exceed the order value %s", pr.Amount, c.Paid, ov))
			}
		}
	}
	if e := cmd.Execution; e != nil {
		p.enum("command.execution.notified", e.Notified, uint8(e.Notified))
		if !e.Loss.IsZero() || e.Loss.Currency() != "" {
			p.money("command.execution.loss", e.Loss, true, cur, "")
		}
		for i, a := range e.Accountability {
			f := fmt.Sprintf("command.execution.accountability[%d].", i)
			p.required(f+"staff", string(a.Staff))
			p.enum(f+"action", a.Action, uint8(a.Action))
			if a.Action.Valid() {
				p.money(f+"deduction", a.Deduction, a.Action == ActionPayDeduction, cur, a.Action.String())
			}
		}
	}
	if f := cmd.Feedback; f != nil {
		if f.Perceived < 0 || f.Perceived > ValueScaleMax {
			p.add("command.feedback.perceived", customer.CodeRange, fmt.Sprintf("%d is outside 0–%d", f.Perceived, ValueScaleMax))
		}
		if f.Expected < 1 || f.Expected > ValueScaleMax {
			p.add("command.feedback.expected", customer.CodeRange, fmt.Sprintf("%d is outside 1–%d (satisfaction divides by it)", f.Expected, ValueScaleMax))
		}
		if f.CSAT < 1 || f.CSAT > CSATMax {
			p.add("command.feedback.csat", customer.CodeRange, fmt.Sprintf("%d is outside 1–%d", f.CSAT, CSATMax))
		}
	}
	if e := cmd.Evaluation; e != nil {
		p.required("command.evaluation.lessons", e.Lessons)
		p.required("command.evaluation.improvement", e.Improvement)
	}
}

// checkDeductions reports the pay deductions of a carry-out on c that,
// added up in order, exceed the loss: the loss the execution records or,
// without one, what the proposal carried out pays the customer (zero for
// a resolution that moves no money). Domain rules §5 step 7 sizes the
// deduction "by the size of the loss", so together they may not exceed
// it. Deductions that checkCommand refuses are left to it. Only [Apply]
// checks this bound, not [Rebuild], so that logs written before it still
// rebuild.
func checkDeductions(p *problems, c Case, cmd Command) {
	e := cmd.Execution
	if cmd.Kind != CmdCarryOut || e == nil {
		return
	}
	cur := c.Intake.Currency
	loss, what, ok := lossOf(c, e)
	if !ok {
		return // refused by checkCommand
	}
	total := decimal.Zero
	for i, a := range e.Accountability {
		d := a.Deduction
		if a.Action != ActionPayDeduction || d.Currency() != cur || d.Sign() <= 0 || !customer.AmountInRange(d.Amount()) {
			continue // no deduction, or refused by checkCommand
		}
		total = total.Add(d.Amount())
		if !total.GreaterThan(loss.Amount()) {
			continue
		}
		msg := fmt.Sprintf("%s exceeds %s", d, what)
		if !total.Equal(d.Amount()) {
			msg = fmt.Sprintf("%s brings the deductions to %s %s, more than %s", d, total.StringFixed(cur.Digits()), cur, what)
		}
		p.add(fmt.Sprintf("command.execution.accountability[%d].deduction", i), customer.CodeTooMany, msg)
	}
}

// checkPaidOut reports a proposal on c that, carried out, would take
// what the case paid out ([Case].PaidOut) or paid back ([Case].Paid)
// beyond the bounds of an amount ([customer.AmountInRange]): a case
// reopened and paid again and again, each time within the bounds, whose
// sum is not. Apply refuses every command on a case holding such a sum
// (checkAmounts), so the carry-out would leave the case stuck. It
// checks the proposal of a propose command (command.proposal.amount)
// and, at the carry-out, the case's (case.proposal.amount), which a
// proposal made before this check may be. An amount that checkCommand
// or checkAmounts refuses is left to them. Only [Apply] checks this,
// not [Rebuild], so that logs written before it still rebuild; a case
// such a log leads to is refused by Apply.
func checkPaidOut(p *problems, c Case, cmd Command) {
	pr, field := cmd.Proposal, "command.proposal.amount"
	switch {
	case cmd.Kind == CmdCarryOut:
		pr, field = c.Proposal, "case.proposal.amount"
	case cmd.Kind != CmdPropose:
		return
	}
	if pr == nil || !pr.Kind.MovesMoney() || c.PaidOut.IsZero() && c.Paid.IsZero() {
		return
	}
	a := pr.Amount
	if a.Currency() != c.Intake.Currency || a.Sign() <= 0 || !customer.AmountInRange(a.Amount()) {
		return // refused by checkCommand
	}
	sums := [...]struct {
		m    customer.Money
		what string
		ok   bool
	}{{c.PaidOut, "paid out", true}, {c.Paid, "paid back", pr.Kind.givesBack()}}
	for _, s := range sums {
		if !s.ok || s.m.IsZero() {
			continue
		}
		if total, err := s.m.Add(a); err == nil && !customer.AmountInRange(total.Amount()) {
			p.add(field, customer.CodeRange, fmt.Sprintf("%s and the %s the case %s before come to %s, beyond the bounds of an amount (at most 30 integer digits and 30 decimals)", a, s.m, s.what, total))
			return
		}
	}
}

// lossOf returns the loss of a carry-out of e on c: the loss e records
// ([Execution].Loss) or, without one, what the proposal carried out pays
// the customer, zero (in the case's currency) for a resolution that
// moves no money; and the loss described for a message. It reports false
// for a loss recorded that checkCommand refuses (not positive, beyond
// the bounds of an amount, or in another currency than the case's).
// Domain rules §5 step 7 sizes the penalty of the staff responsible by
// this loss: the pay deductions stay within it (checkDeductions), and
// the policy's penalty schedule asks for a measure by its size
// (gPenalty).
func lossOf(c Case, e *Execution) (loss customer.Money, what string, ok bool) {
	cur := c.Intake.Currency
	loss = e.Loss
	switch pr := c.Proposal; {
	case !loss.IsZero():
		if loss.Currency() != cur || loss.Sign() <= 0 || !customer.AmountInRange(loss.Amount()) {
			return customer.Money{}, "", false
		}
		return loss, "the loss recorded (execution.loss) " + loss.String(), true
	case pr != nil && pr.Kind.MovesMoney():
		return pr.Amount, "the loss, without execution.loss the " + pr.Kind.String() + " paid, " + pr.Amount.String(), true
	}
	return customer.Zero(cur), "the loss: none recorded in execution.loss, and the resolution pays nothing", true
}

// checkRefund reports a refund proposed on case c whose subject names no
// order: a refund brings goods back and is recorded as a
// [customer.Return] of the order's lines (see [Refunds]), which needs the
// order, as a price reduction does (checkCommand). It also reports a
// refund proposed after the case carried out a refund that left the
// customer no unit of the subject ([Case].RefundedAll: one of every unit
// held, or one of the last units held, [MarkLastUnits]): the customer
// holds none of the subject's units to bring back, and [Refunds] could
// give no return for it. More money for the goods is then a price
// reduction, of what is left of the order's price, or a compensation.
// After a refund of some units ([Proposal].Units) not so marked another
// may follow: Apply does not see the order, and [Refunds] refuses more
// units than the customer holds. Only [Apply] checks this, not
// [Rebuild], so that logs written before it still rebuild.
func checkRefund(p *problems, c Case, cmd Command) {
	pr := cmd.Proposal
	if cmd.Kind != CmdPropose || pr == nil || pr.Kind != ResolutionRefund || c.Version == 0 {
		return
	}
	switch {
	case c.Intake.Subject.Order == "":
		p.add("command.proposal.kind", customer.CodeMismatch, "a refund is of an order's goods, recorded as a return of its lines, and the case's subject names no order")
	case c.RefundedAll:
		p.add("command.proposal.kind", customer.CodeMismatch, "a refund the case carried out left the customer none of the subject's units, so none is left to bring back; propose a price reduction of what is left of the order's price or a compensation instead")
	}
}

// checkStaffConduct reports a finding that puts the complaint down to a
// staff member's conduct ([CauseStaffConduct]) and names no staff
// member (Finding.Staff). Domain rules §5 step 7 penalises the staff
// directly responsible, and the carry-out needs an accountability entry
// for the staff member the finding names; a finding of staff conduct
// that names nobody would let that step be skipped without a trace.
// Only [Apply] checks this, not [Rebuild], so that logs written before
// it still rebuild (a case from such a log carries out only with an
// accountability entry, see gAccountable).
func checkStaffConduct(p *problems, cmd Command) {
	if f := cmd.Finding; cmd.Kind == CmdInvestigate && f != nil && f.Cause == CauseStaffConduct && f.Staff == "" {
		p.add("command.finding.staff", customer.CodeRequired, "a finding of staff conduct names the staff member directly responsible, whom the carry-out holds accountable")
	}
}

// checkActor validates the actor and the time of a command on c. A
// command on an erased case must be dated after the erasure (Case.Erased):
// an erasure blanks the complainant's words up to its instant, the
// events at that instant included ([CheckErase]), so an event appended
// later and dated within that period would hold words of a period the
// erasure blanked, and a later erasure could not tell it from those it
// reached ([EraseCase]).
func checkActor(p *problems, c Case, actor Actor, now time.Time) {
	p.required("actor.id", string(actor.ID))
	p.enum("actor.role", actor.Role, uint8(actor.Role))
	switch {
	case now.IsZero():
		p.add("now", customer.CodeRequired, "is zero")
	case now.Before(c.Updated):
		p.add("now", customer.CodeOrder, fmt.Sprintf("%s is before the case's last event at %s", now.Format(time.RFC3339), c.Updated.Format(time.RFC3339)))
	case !c.Erased.IsZero() && !now.After(c.Erased):
		p.add("now", customer.CodeOrder, fmt.Sprintf("%s is not after the erasure of the complainant's words at %s", now.Format(time.RFC3339Nano), c.Erased.Format(time.RFC3339Nano)))
	}
}
