package complaint

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// ErrNotPermitted is matched by every [*TransitionError].
var ErrNotPermitted = errors.New("complaint: command not permitted")

// TransitionError is returned when a command is not allowed: either the
// table has no transition for the command in the case's state
// (FailedGuards is empty), or it has one whose guards fail (FailedGuards
// names them, in table order, as [Rules] does). The case is unchanged.
//
// Missing says what a failed guard missed, for the guards that can tell
// (the penalty by the loss: "a pay deduction of at least 25.00 EUR for a
// loss of 500.00 EUR …"): Missing[i] is that of FailedGuards[i], empty
// for a guard that tells nothing. It is nil when no failed guard tells.
type TransitionError struct {
	Case         ID          // the case
	From         State       // its state (0: not yet recorded)
	Command      CommandKind // the refused command
	FailedGuards []string    // names of the failed guards; empty when no transition exists
	Missing      []string    // what each failed guard missed, when it tells; nil when none does
}

// Error returns, for example, `complaint "C-1": approve in state proposed:
// refused by guard: approver is not the proposer`. A guard that tells
// what it missed is followed by that, after a colon.
func (e *TransitionError) Error() string {
	from := "state " + e.From.String()
	if e.From == 0 {
		from = "a new case"
	}
	if len(e.FailedGuards) == 0 {
		return fmt.Sprintf("complaint %q: %s is not a transition from %s", e.Case, e.Command, from)
	}
	guards := e.FailedGuards
	if len(e.Missing) > 0 {
		guards = make([]string, len(e.FailedGuards))
		for i, g := range e.FailedGuards {
			guards[i] = g
			if i < len(e.Missing) && e.Missing[i] != "" {
				guards[i] += ": " + e.Missing[i]
			}
		}
	}
	return fmt.Sprintf("complaint %q: %s in %s: refused by guard: %s", e.Case, e.Command, from, strings.Join(guards, "; "))
}

// Is reports whether target is [ErrNotPermitted].
func (e *TransitionError) Is(target error) bool { return target == ErrNotPermitted }

// Rule is one row of the transition table: command On moves a case from
// From to To when every named guard holds. From 0 is a case not yet
// recorded; To 0 means "back to the state the case was in before it
// started waiting" (the resume command).
type Rule struct {
	From   State       // source state
	On     CommandKind // the command
	To     State       // target state
	Guards []string    // names of the guards
}

// guard is a named pure predicate over a proposed transition. missing,
// when set, tells what a transition the guard refuses misses (see
// [TransitionError].Missing).
type guard struct {
	name    string
	ok      func(g *guardInput) bool
	missing func(g *guardInput) string
}

type guardInput struct {
	c      Case
	cmd    Command
	actor  Actor
	now    time.Time
	policy *Policy
}

func (g *guardInput) complainant() customer.ID {
	if g.c.Version == 0 && g.cmd.Intake != nil {
		return g.cmd.Intake.Complainant
	}
	return g.c.Intake.Complainant
}

func (g *guardInput) isComplainant() bool {
	return g.actor.Role == RoleCustomer && string(g.actor.ID) == string(g.complainant())
}

func staffGuard(min Role) guard {
	return guard{name: "actor is " + min.String() + " or above", ok: func(g *guardInput) bool { return g.actor.staff(min) }}
}

func staffOrComplainant(min Role) guard {
	return guard{name: "actor is " + min.String() + " or above, or the complainant", ok: func(g *guardInput) bool {
		return g.actor.staff(min) || g.isComplainant()
	}}
}

var (
	gHandler = guard{name: "actor is the assigned handler or a supervisor", ok: func(g *guardInput) bool {
		return g.actor.staff(RoleSupervisor) || (g.actor.staff(RoleAgent) && g.actor.ID == g.c.Handler)
	}}
	gOwner = guard{name: "actor is the assigned handler or a supervisor (any staff before assignment)", ok: func(g *guardInput) bool {
		if g.c.Handler == "" {
			return g.actor.staff(RoleAgent)
		}
		return g.actor.staff(RoleSupervisor) || (g.actor.staff(RoleAgent) && g.actor.ID == g.c.Handler)
	}}
	gEscalator = guard{name: "actor is agent or above, or the system", ok: func(g *guardInput) bool {
		return g.actor.staff(RoleAgent) || g.actor.Role == RoleSystem
	}}
	gAuthority = guard{name: "approver's authority covers the amount (manager above the approval threshold)", ok: func(g *guardInput) bool {
		if !g.actor.staff(RoleSupervisor) {
			return false
		}
		if g.actor.Role == RoleManager || g.c.Proposal == nil || g.c.Proposal.Amount.IsZero() {
			return true
		}
		// What the case paid out before counts: a reopened case
		// may not pay in parts what a supervisor may not approve at once.
		total, err := g.c.PaidOut.Add(g.c.Proposal.Amount)
		return err == nil && !g.policy.needsManager(total)
	}}
	// gMoves keeps a reassignment from naming the owner the case has: it
	// would move nothing, yet add an event and count as a reassignment.
	// The department is compared as a name ([SameDepartment]).
	gMoves = guard{name: "assignment differs from the case's department and handler", ok: func(g *guardInput) bool {
		a := g.cmd.Assignment
		return a == nil || !SameDepartment(a.Department, g.c.Department) || a.Handler != g.c.Handler
	}}
	// gReassignable lets a waiting case be reassigned only when it waits
	// from a step in which it could be (it has an owner to move from).
	gReassignable = guard{name: "case waits from a step in which it can be reassigned", ok: func(g *guardInput) bool {
		switch g.c.ResumeTo {
		case StateAssigned, StateInvestigated, StateApproved: // as the table's reassign rows
			return true
		}
		return false
	}}
	gFourEyes = guard{name: "approver is not the proposer", ok: func(g *guardInput) bool {
		return g.actor.ID != g.c.ProposedBy
	}}
	// gDepartment is the approval by the relevant department (domain
	// rules §5 step 6): an approver whose department is known is of the
	// case's, of one the policy names as approving, or a manager (who
	// approves beyond any supervisor's threshold, so across
	// departments too). An approver of unknown department, as every
	// approver of a caller that sets none, passes. It guards the
	// send-back too, the approver's other answer to a proposal: a
	// department that may not approve a case's proposal may not turn it
	// down either.
	//
	// A proposed case always has a department here: the assignment
	// requires one (Apply and Rebuild alike), and checkState refuses a
	// case past its assignment without one, as a damaged store or a case
	// built by hand may give. Were it empty all the same, no known
	// department would be the case's: the guard fails closed.
	gDepartment = guard{name: "approver is of the case's department, an approving department, or a manager", ok: func(g *guardInput) bool {
		d := g.actor.Department
		if d == "" || g.actor.Role == RoleManager || g.c.Department != "" && SameDepartment(d, g.c.Department) {
			return true
		}
		for _, a := range g.policy.ApprovingDepartments {
			if SameDepartment(d, a) {
				return true
			}
		}
		return false
	}}
	// gAccountable holds the staff member the finding names accountable
	// at the carry-out (domain rules §5 step 7). A finding of staff
	// conduct names one ([Apply] refuses it otherwise); one from a log
	// written before that rule may not, and then the carry-out needs an
	// accountability entry for someone. How heavy the measure must be is
	// gPenalty's.
	gAccountable = guard{name: "accountability recorded for the responsible staff member", ok: func(g *guardInput) bool {
		f := g.c.Finding
		if f != nil && f.Staff == "" && f.Cause == CauseStaffConduct {
			return len(g.cmd.Execution.Accountability) > 0
		}
		if f == nil || f.Staff == "" {
			return true
		}
		for _, a := range g.cmd.Execution.Accountability {
			if a.Staff == g.c.Finding.Staff {
				return true
			}
		}
		return false
	}}
	gFeedback = guard{name: "customer feedback collected, or none came within the feedback wait", ok: func(g *guardInput) bool {
		w := g.policy.FeedbackWait
		return g.c.Feedback != nil || w > 0 && !g.now.Before(g.policy.windowEnd(g.c.CarriedOut, w))
	}}
	gWindow = guard{name: "within the reopen window", ok: func(g *guardInput) bool {
		since := g.c.CarriedOut
		if g.c.State == StateRejected {
			since = g.c.Decided
		}
		w := g.policy.ReopenWindow
		return w > 0 && !g.now.After(g.policy.windowEnd(since, w))
	}}
	// gNotCarriedOut keeps a waiting case that was carried out from
	// being withdrawn: a carried-out case cannot be withdrawn, and
	// waiting for the customer must not lead around that.
	gNotCarriedOut = guard{name: "case waits from a step before the carry-out", ok: func(g *guardInput) bool {
		return g.c.ResumeTo != StateCarriedOut
	}}
	gUnsatisfied = guard{name: "customer is not satisfied", ok: func(g *guardInput) bool {
		f := g.c.Feedback
		if g.cmd.Feedback != nil {
			f = g.cmd.Feedback
		}
		return f != nil && !f.Satisfied()
	}}
)

type rule struct {
	from, to State
	on       CommandKind
	guards   []guard
}

// workingStates are the states from which the customer may still wait,
// escalate or withdraw (carried-out cases cannot be withdrawn, nor can
// they once they wait for the customer).
var workingStates = []State{StateRecorded, StateAccepted, StateAssigned, StateInvestigated, StateProposed, StateApproved, StateCarriedOut}

// table is the workflow. Keep it readable: one line per transition.
var table = buildTable()

func buildTable() []rule {
	agent := staffGuard(RoleAgent)
	supervisor := staffGuard(RoleSupervisor)
	t := []rule{
		{0, StateRecorded, CmdRecord, []guard{staffOrComplainant(RoleAgent)}},
		{StateRecorded, StateAccepted, CmdAccept, []guard{agent}},
		{StateRecorded, StateRejected, CmdReject, []guard{agent}},
		{StateAccepted, StateAssigned, CmdAssign, []guard{agent}},
		{StateAssigned, StateAssigned, CmdReassign, []guard{supervisor, gMoves}},
		{StateInvestigated, StateInvestigated, CmdReassign, []guard{supervisor, gMoves}},
		{StateApproved, StateApproved, CmdReassign, []guard{supervisor, gMoves}},
		{StateAssigned, StateInvestigated, CmdInvestigate, []guard{gHandler}},
		{StateInvestigated, StateInvestigated, CmdInvestigate, []guard{gHandler}},
		{StateInvestigated, StateProposed, CmdPropose, []guard{gHandler}},
		{StateProposed, StateApproved, CmdApprove, []guard{gAuthority, gFourEyes, gDepartment}},
		{StateProposed, StateInvestigated, CmdSendBack, []guard{supervisor, gDepartment}},
		{StateApproved, StateCarriedOut, CmdCarryOut, []guard{gHandler, gAccountable, gPenalty}},
		// An approved resolution that cannot be carried out (the
		// replacement is sold out) goes back to be proposed anew.
		{StateApproved, StateInvestigated, CmdRevise, []guard{gHandler}},
		{StateCarriedOut, StateCarriedOut, CmdRecordFeedback, []guard{staffOrComplainant(RoleAgent)}},
		// A follow-up visit after the close (domain rules §5), within the
		// window in which the customer could still reopen.
		{StateClosed, StateClosed, CmdRecordFeedback, []guard{staffOrComplainant(RoleAgent), gWindow}},
		{StateCarriedOut, StateClosed, CmdClose, []guard{gHandler, gFeedback}},
		{StateCarriedOut, StateAssigned, CmdReopen, []guard{staffOrComplainant(RoleAgent), gWindow, gUnsatisfied}},
		{StateClosed, StateAssigned, CmdReopen, []guard{staffOrComplainant(RoleAgent), gWindow, gUnsatisfied}},
		{StateRejected, StateRecorded, CmdReopen, []guard{supervisor, gWindow}},
		{StateWaiting, 0, CmdResume, []guard{staffOrComplainant(RoleAgent)}},
		{StateWaiting, StateWaiting, CmdEscalate, []guard{gEscalator}},
		// The owner of a case that waits for the customer may change
		// (a handler on leave) without resuming it, which would tell the
		// customer the case goes on while the brand still waits for them.
		{StateWaiting, StateWaiting, CmdReassign, []guard{supervisor, gReassignable, gMoves}},
		{StateWaiting, StateWithdrawn, CmdWithdraw, []guard{staffOrComplainant(RoleAgent), gNotCarriedOut}},
	}
	for _, s := range workingStates {
		t = append(t, rule{s, StateWaiting, CmdWait, []guard{gOwner}})
		t = append(t, rule{s, s, CmdEscalate, []guard{gEscalator}})
		if s != StateCarriedOut {
			t = append(t, rule{s, StateWithdrawn, CmdWithdraw, []guard{staffOrComplainant(RoleAgent)}})
		}
	}
	sort.SliceStable(t, func(i, j int) bool {
		if t[i].from != t[j].from {
			return t[i].from < t[j].from
		}
		return t[i].on < t[j].on
	})
	return t
}

func lookup(from State, on CommandKind) (rule, bool) {
	for _, r := range table {
		if r.from == from && r.on == on {
			return r, true
		}
	}
	return rule{}, false
}

// Rules returns the transition table, sorted by From then by command.
func Rules() []Rule {
	out := make([]Rule, len(table))
	for i, r := range table {
		names := make([]string, len(r.guards))
		for j, g := range r.guards {
			names[j] = g.name
		}
		out[i] = Rule{From: r.from, On: r.on, To: r.to, Guards: names}
	}
	return out
}

// Permitted returns the commands the table allows in c's state, sorted,
// without checking guards (which depend on the actor and the payload).
// For a case not yet recorded (Version 0) it returns [CmdRecord].
func Permitted(c Case) []CommandKind {
	from := c.State
	if c.Version == 0 {
		from = 0
	}
	var out []CommandKind
	for _, r := range table {
		if r.from == from {
			out = append(out, r.on)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Policy holds the configurable parts of the workflow's guards and the
// priority rule. A nil *Policy means [DefaultPolicy]. [Policy.Validate]
// says which policies are valid; [Policy.Apply] refuses any other.
type Policy struct {
	// ApprovalThresholds is, per currency, the largest amount a
	// supervisor may approve; above it a manager must approve. The amount
	// is the proposal's together with what the case paid out before
	// ([Case.PaidOut]), so that a reopened case does not pay in parts
	// what a supervisor may not approve at once. An amount in a currency
	// that is not in the map always needs a manager; a nil map makes
	// every amount need one. Keys are known currency codes, thresholds
	// zero or more.
	ApprovalThresholds map[customer.Currency]decimal.Decimal
	// ReopenWindow is how long after a resolution was carried out (or a
	// complaint rejected) the case may be reopened, and a closed case
	// take the feedback of a follow-up visit, its last instant included;
	// its days are calendar days in Location. Zero forbids both; a
	// negative window is refused.
	ReopenWindow time.Duration
	// FeedbackWait is how long after a resolution was carried out the
	// case waits for the customer's feedback; its days are calendar days
	// in Location. Once it has passed without
	// an answer to the follow-up, the handler may close the case without
	// feedback: the closed case has no [Case.Feedback], and [Analyze]
	// counts it as unanswered until a follow-up visit within the reopen
	// window records the customer's feedback on the closed case. Zero
	// means a case closes only with the customer's feedback; a negative
	// wait is refused.
	FeedbackWait time.Duration
	// Priority maps severity and value class to a priority; nil means
	// [DefaultPriority]. A nil [PriorityFunc] is refused.
	Priority PriorityPolicy
	// ApprovingDepartments names the departments whose supervisors
	// approve the proposals of every department's cases, such as a
	// central complaint desk (domain rules §5 step 6: approval by the
	// relevant department); the names compare as [SameDepartment]
	// does. Any other approver whose department is known
	// ([Actor].Department) approves only a case of that department,
	// unless a manager; the same holds for sending a proposal back.
	// Empty: only the case's department and managers approve. A name
	// that is empty, blank or not valid UTF-8, and one that repeats
	// another as SameDepartment compares, is refused.
	ApprovingDepartments []string
	// Location is the time zone in which ReopenWindow and FeedbackWait
	// count their days; nil is UTC. A window's whole days (each 24 hours
	// of it) are calendar days there and the rest elapsed time: a 30-day
	// window from a carry-out at 10:00 ends at 10:00 on the 30th day
	// after, however the clocks change meanwhile (720 hours of elapsed
	// time would end at 9:00 or 11:00 local time across a daylight-saving
	// change). UTC days have 24 hours, so without a Location the windows
	// are elapsed time. Set it to the shops' zone, as the SLA calendar's
	// ([Calendar].Location).
	Location *time.Location
	// Penalties is, per currency, the least measure taken with the
	// staff member responsible for a complaint by the size of the loss
	// its carry-out records (domain rules §5 step 7: a share of
	// performance pay "by the size of the loss"; see [PenaltySchedule]).
	// The carry-out of a case whose finding names a staff member needs,
	// besides an accountability entry for them, one that meets the
	// schedule of the case's currency for the loss: from one step a
	// warning at least, from another a pay deduction of at least a share
	// of the loss. A currency not in the map, an empty schedule and a
	// nil map (the zero Policy) ask for no measure in particular: any
	// entry will do, as before schedules. Keys are known currency
	// codes; see [Policy.Validate] for the steps.
	Penalties map[customer.Currency]PenaltySchedule
}

// windowEnd returns the end of a window of length w that opens at
// since: its whole days, each 24 hours of w, added as calendar days in
// the policy's Location ([time.Time.AddDate], which normalises a
// wall-clock time that a daylight-saving change skips), then the rest
// of w as elapsed time.
func (p *Policy) windowEnd(since time.Time, w time.Duration) time.Time {
	const day = 24 * time.Hour
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	return since.In(loc).AddDate(0, 0, int(w/day)).Add(w % day)
}

// DefaultPolicy returns supervisors approving up to 100 EUR, USD, GBP or
// CHF and 800 CNY, a 30-day reopen window, a one-day feedback wait (half
// the shortest carried-out target of [DefaultSLA], the 48 hours of an
// urgent case, so that an unanswered case can close in time), their days
// counted in UTC (no Location; set one for calendar days in the shops'
// zone), [DefaultPriority], and in the same currencies penalties of the
// staff responsible by the loss: any measure for a loss below the
// approval threshold, a warning at least from the threshold on (the
// threshold included, although a supervisor may approve a payment of it
// alone), and from five times it (500 EUR, 4000 CNY) a pay deduction of
// at least 5% of the loss. The source asks for a deduction
// of "a certain share" by the size of the loss and sets no figures;
// these are the package's, to be set by the brand. Logs written before
// the schedule rebuild ([Rebuild] checks no guard).
func DefaultPolicy() *Policy {
	h := decimal.NewFromInt(100)
	cny := decimal.NewFromInt(800)
	thresholds := map[customer.Currency]decimal.Decimal{"EUR": h, "USD": h, "GBP": h, "CHF": h, "CNY": cny}
	penalties := make(map[customer.Currency]PenaltySchedule, len(thresholds))
	for cur, limit := range thresholds {
		penalties[cur] = PenaltySchedule{
			{From: limit, Action: ActionWarning},
			{From: limit.Mul(decimal.NewFromInt(5)), Action: ActionPayDeduction, Share: decimal.NewFromInt(5)},
		}
	}
	return &Policy{
		ApprovalThresholds: thresholds,
		ReopenWindow:       30 * 24 * time.Hour,
		FeedbackWait:       24 * time.Hour,
		Priority:           DefaultPriority{},
		Penalties:          penalties,
	}
}

var defaultPolicy = DefaultPolicy()

func (p *Policy) orDefault() *Policy {
	if p == nil {
		return defaultPolicy
	}
	return p
}

// Validate reports every problem of the policy at once in a
// [*customer.ValidationError] for the record "complaint: policy", each
// naming its field:
//   - approval_thresholds["<code>"]: a key that is not a currency
//     ([customer.Currency.Valid], CodeUnknown; "eur" is not "EUR"), a
//     threshold below zero (CodeNegative), or one beyond the bounds of
//     an amount ([customer.AmountInRange], CodeRange), against which no
//     amount could be compared in bounded time. A zero threshold means
//     supervisors approve no payment in the currency. A currency not in
//     the map, or a nil map, is no fault: an amount in it needs a
//     manager, as the field says.
//   - reopen_window, feedback_wait: a negative duration (CodeNegative).
//     Zero is the way to forbid reopening, or closing without feedback;
//     a negative one is taken for a mistake (a sign lost in a
//     subtraction), not for another way to say so.
//   - priority: a nil [PriorityFunc] (CodeRequired), which would panic
//     when called. Other priority policies are not called here: an
//     undefined priority they return is replaced by [PriorityNormal].
//   - approving_departments[i]: an empty or blank name (CodeRequired), a
//     name that is not valid UTF-8 (CodeFormat): neither matches an
//     approver's department that Apply takes, so the name would approve
//     nobody, silently; and a name that names again, as
//     [SameDepartment] compares, a department an earlier entry names
//     (CodeDuplicate; the message names that entry). A repeated name
//     would change no approval, but it is refused: the list is a set of
//     departments, and a name written twice is most often another
//     department's name mistyped, which would otherwise be missed.
//   - penalties["<code>"]: a key that is not a currency (CodeUnknown).
//   - penalties["<code>"][i].from: a loss beyond the bounds of an
//     amount (CodeRange), below zero (CodeNegative), zero for a pay
//     deduction (CodeNotPos: without a loss no deduction can be made,
//     as the deductions stay within it), or not above the step before's
//     (CodeOrder: the steps ascend).
//   - penalties["<code>"][i].action: an undefined action
//     (CodeUnknown), coaching (CodeMismatch: the least measure, which
//     any entry meets, so the step would ask nothing), or one lighter
//     than the step before's, or a warning after a warning (CodeOrder:
//     each step asks more than the one before).
//   - penalties["<code>"][i].share: for a pay deduction, a share that
//     is missing (zero, CodeRequired), below zero (CodeNotPos), above
//     100 or beyond the bounds of an amount (CodeRange: a deduction
//     stays within the loss), or not above the share of a pay
//     deduction step before it (CodeOrder); for a warning, any share
//     (CodeMismatch).
//
// A step is compared with the one before it only in the fields that
// are sound in both, so that one fault is reported once. With every
// step asking more than the one before from a higher loss on, a
// carry-out that meets the schedule with a measure meets it with any
// heavier one, and a higher loss never asks less.
//
// Location is not checked: every [*time.Location] is valid, nil being
// UTC. A nil policy is [DefaultPolicy], which validates.
//
// [Policy.Apply], and so [Service], validate their policy on every
// call and refuse one that does not validate with this error, before
// anything else, changing nothing. The repeated approving departments
// of a list of at most 16 names are found by comparing every pair, and
// validating such a policy, when valid, costs no allocation; a longer
// list is checked through a map of the names' folded forms, in time
// linear in its length, which allocates. Penalty schedules whose
// amounts share their exponents, as [DefaultPolicy]'s, allocate nothing
// either.
func (p *Policy) Validate() error {
	if p == nil {
		return nil
	}
	var q problems
	for cur, limit := range p.ApprovalThresholds {
		if !cur.Valid() {
			q.add(thresholdField(cur), customer.CodeUnknown, fmt.Sprintf("%q is not a known ISO 4217 currency code", string(cur)))
		}
		switch {
		case !customer.AmountInRange(limit):
			// The bound first: comparing an amount with an extreme
			// exponent (1e-2147483647) would not end.
			q.add(thresholdField(cur), customer.CodeRange, "is outside the bounds of an amount (at most 30 integer digits and 30 decimals)")
		case limit.Sign() < 0:
			q.add(thresholdField(cur), customer.CodeNegative, fmt.Sprintf("is negative (%s); zero lets supervisors approve no amount", limit))
		}
	}
	if p.ReopenWindow < 0 {
		q.add("reopen_window", customer.CodeNegative, fmt.Sprintf("is negative (%s); zero forbids reopening", p.ReopenWindow))
	}
	if p.FeedbackWait < 0 {
		q.add("feedback_wait", customer.CodeNegative, fmt.Sprintf("is negative (%s); zero closes a case only with feedback", p.FeedbackWait))
	}
	if f, ok := p.Priority.(PriorityFunc); ok && f == nil {
		q.add("priority", customer.CodeRequired, "is a nil PriorityFunc; a nil Priority means DefaultPriority")
	}
	p.checkDepartments(&q)
	p.checkPenalties(&q)
	return q.err("complaint: policy")
}

// pairwiseDepartments is the longest list of approving departments whose
// repeated names Validate finds by comparing every pair, which allocates
// nothing; a longer list is checked through a map of their folded forms
// ([departmentKey]), in time linear in its length.
const pairwiseDepartments = 16

// checkDepartments reports the approving departments that are empty,
// blank or not valid UTF-8, and those that name a department an earlier
// valid entry names ([SameDepartment]).
func (p *Policy) checkDepartments(q *problems) {
	ds := p.ApprovingDepartments
	var seen map[string]int // for a long list: folded form → first index
	if len(ds) > pairwiseDepartments {
		seen = make(map[string]int, len(ds))
	}
	for i, d := range ds {
		if badDepartment(d) {
			f := departmentField(i) // only for a fault: it allocates
			q.required(f, d)
			texts{p: q}.check(f, d, true)
			continue
		}
		j := -1
		if seen != nil {
			k := departmentKey(d)
			if first, ok := seen[k]; ok {
				j = first
			} else {
				seen[k] = i
			}
		} else {
			for k, e := range ds[:i] {
				if SameDepartment(d, e) && !badDepartment(e) {
					j = k
					break
				}
			}
		}
		if j >= 0 {
			q.add(departmentField(i), customer.CodeDuplicate, fmt.Sprintf("names the department of %s (%q) again", departmentField(j), ds[j]))
		}
	}
}

// badDepartment reports a department name that names no department:
// empty, blank, or not valid UTF-8.
func badDepartment(d string) bool { return d == "" || !utf8.ValidString(d) || blank(d) }

// departmentKey returns the form of d, valid UTF-8, that is the same for
// two names exactly when [SameDepartment] reports them the same: its
// words joined by one space, each character replaced by the least one
// of its simple case folding orbit ([unicode.SimpleFold]), which is the
// equivalence [strings.EqualFold] tests character by character.
func departmentKey(d string) string {
	var b strings.Builder
	b.Grow(len(d))
	for w, rest := nextWord(d); w != ""; w, rest = nextWord(rest) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		for _, r := range w {
			least := r
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				least = min(least, f)
			}
			b.WriteRune(least)
		}
	}
	return b.String()
}

func thresholdField(cur customer.Currency) string {
	return fmt.Sprintf("approval_thresholds[%q]", string(cur))
}

func departmentField(i int) string { return fmt.Sprintf("approving_departments[%d]", i) }

// check validates p, which is not nil, as Apply does before it applies
// anything: the package's default policy, which no caller can reach to
// change and which validates, is not checked again.
func (p *Policy) check() error {
	if p == defaultPolicy {
		return nil
	}
	return p.Validate()
}

func (p *Policy) needsManager(m customer.Money) bool {
	if m.IsZero() {
		return false
	}
	limit, ok := p.ApprovalThresholds[m.Currency()]
	return !ok || m.Amount().GreaterThan(limit)
}

func (p *Policy) priority(s Severity, v ValueClass) Priority {
	pp := p.Priority
	if pp == nil {
		pp = DefaultPriority{}
	}
	pr := pp.Priority(s, v)
	if !pr.Valid() {
		return PriorityNormal
	}
	return pr
}

// Apply applies cmd to c on behalf of actor at time now with the
// [DefaultPolicy]. See [Policy.Apply].
func Apply(c Case, cmd Command, actor Actor, now time.Time) (Case, Event, error) {
	return defaultPolicy.Apply(c, cmd, actor, now)
}

// Apply is the workflow's only way to change a case: a pure function of
// the case, the command, the actor and the time. It returns the new case
// and the event that records the transition; the caller persists both
// together (see [Store]), so there is nothing to roll back. The results
// share no slice or pointer with c or cmd.
//
// On failure it returns c unchanged, a zero Event and
//   - a [*customer.ValidationError] listing the faults of a case no log
//     of events leads to, as a case built by hand or a damaged store may
//     give back, alone and before anything else is looked at: an
//     unknown state, a waiting case that names no state to resume to, a
//     case past its assignment without a department, a case proposed or
//     approved without a proposal (case.proposal), and an amount of the
//     case beyond the bounds of an amount ([customer.AmountInRange]),
//     in another currency than the case's, negative, or otherwise not
//     as the commands that set it leave it (case.intake.order_value,
//     case.proposal.amount, case.paid_out, …), whose arithmetic would
//     be wrong or, for an extreme exponent such as 1e-2147483647, not
//     end; or listing every bad field of the actor, the time (zero,
//     before the case's last event, or not after the case's erasure,
//     Case.Erased) and the command's payload (missing, not used by the
//     command, or invalid; pay deductions of a carry-out that together
//     exceed the loss, see [Execution]; a payment that would take what
//     the case paid out beyond the bounds of an amount, at the proposal
//     or, for one approved before that check, at the carry-out
//     (case.proposal.amount); a refund proposed on a case
//     whose subject names no order, or after the case carried out a
//     refund that left the customer no unit ([Case].RefundedAll); a finding of
//     staff conduct that names no staff member, see [Finding]; an
//     intake received before
//     [customer.MinRecordYear]; a text that is not valid UTF-8,
//     which the event's JSON form would not keep; a required text or an
//     ID that holds only white space; an ID with a control character), or
//   - a [*TransitionError] when the table has no transition for the
//     command in c's state, or a guard refuses it.
//
// Before all of this it validates the policy ([Policy.Validate]): a
// policy that does not validate is refused with its error, whatever the
// case and the command.
//
// To record a new complaint, pass the zero Case and a [CmdRecord] command.
func (p *Policy) Apply(c Case, cmd Command, actor Actor, now time.Time) (Case, Event, error) {
	p = p.orDefault()
	if err := p.check(); err != nil {
		return c, Event{}, err
	}
	return p.apply(c, cmd, actor, now)
}

// apply is [Policy.Apply] under p, not nil and validated.
func (p *Policy) apply(c Case, cmd Command, actor Actor, now time.Time) (Case, Event, error) {
	from := c.State
	id := c.ID
	if c.Version == 0 {
		from = 0
		if cmd.Intake != nil {
			id = cmd.Intake.ID
		}
	}
	var pr problems
	// The case first: the checks of the command against it, the guards
	// and evolve add and compare its amounts, which for an amount with
	// an extreme exponent (1e-2147483647) would not end. A case no log
	// leads to is refused with its own faults alone.
	checkState(&pr, c)
	checkAmounts(&pr, c)
	if len(pr.fields) > 0 {
		return c, Event{}, pr.err(fmt.Sprintf("complaint %q: %s", id, cmd.Kind))
	}
	checkActor(&pr, c, actor, now)
	checkCommand(&pr, c, cmd, now)
	checkDeductions(&pr, c, cmd)
	checkPaidOut(&pr, c, cmd)
	checkRefund(&pr, c, cmd)
	checkStaffConduct(&pr, cmd)
	if cmd.Intake != nil {
		cmd.Intake.checkReceived(&pr, "command.intake.received")
	}
	checkTexts(&pr, cmd, actor)
	if len(pr.fields) > 0 {
		return c, Event{}, pr.err(fmt.Sprintf("complaint %q: %s", id, cmd.Kind))
	}
	r, ok := lookup(from, cmd.Kind)
	if !ok {
		return c, Event{}, &TransitionError{Case: id, From: from, Command: cmd.Kind}
	}
	in := guardInput{c: c, cmd: cmd, actor: actor, now: now, policy: p}
	var failed, missing []string
	told := false // a failed guard told what it missed
	for _, g := range r.guards {
		if g.ok(&in) {
			continue
		}
		failed = append(failed, g.name)
		m := ""
		if g.missing != nil {
			m = g.missing(&in)
		}
		missing = append(missing, m)
		told = told || m != ""
	}
	if !told {
		missing = nil
	}
	if failed != nil {
		return c, Event{}, &TransitionError{Case: id, From: from, Command: cmd.Kind, FailedGuards: failed, Missing: missing}
	}
	to := r.to
	if to == 0 {
		to = c.ResumeTo
	}
	ev := Event{
		Case: id, Seq: c.Version + 1, At: now, Actor: actor,
		From: from, To: to, Command: cmd.clone(), Priority: c.Priority,
	}
	switch cmd.Kind {
	case CmdRecord:
		ev.Priority = p.priority(cmd.Intake.Severity, cmd.Intake.Value)
	case CmdEscalate:
		if ev.Priority < PriorityUrgent {
			ev.Priority++
		}
	case CmdReassign:
		ev.FromDepartment = c.Department
	case CmdRevise:
		ev.Revised = cloneProposal(c.Proposal)
		ev.RevisedApproved, ev.RevisedApprovedBy = c.Approved, c.ApprovedBy
	}
	return evolve(c, ev), ev, nil
}

// checkState reports a case that no log of events leads to, as one read
// back from a damaged store may be: a recorded case in no valid state,
// a waiting case that does not know which state it resumes to, or a case
// past its assignment (or waiting to resume to such a step) without a
// department, which the assignment requires and Rebuild checks, and a
// case proposed or approved (or waiting to resume to approved) without
// the proposal, by which the approval and the carry-out size what the
// case pays. Apply
// refuses to act on it rather than move it somewhere the workflow has no
// way to, or let the approval guard (gDepartment) hold an approver to
// no department.
func checkState(p *problems, c Case) {
	if c.Version == 0 {
		return
	}
	if !c.State.Valid() {
		p.add("case.state", customer.CodeUnknown, fmt.Sprintf("%s is not a state of the workflow", c.State))
		return
	}
	step := c.State
	if c.State == StateWaiting {
		if _, ok := lookup(c.ResumeTo, CmdWait); !ok || c.ResumeTo == StateWaiting {
			p.add("case.resume_to", customer.CodeRequired, fmt.Sprintf("a waiting case must name a state it can resume to, has %s", c.ResumeTo))
		}
		step = c.ResumeTo
	}
	what := func() string { // only for a fault: it allocates
		if step != c.State {
			return "a case waiting to resume to " + step.String()
		}
		return "a case " + step.String()
	}
	switch step {
	case StateAssigned, StateInvestigated, StateProposed, StateApproved, StateCarriedOut, StateClosed:
		if c.Department == "" {
			p.add("case.department", customer.CodeRequired, what()+" has been assigned, and has no department")
		}
	}
	if (step == StateProposed || step == StateApproved) && c.Proposal == nil {
		// The approval's guard and the carry-out size what the case
		// pays by the proposal.
		p.add("case.proposal", customer.CodeRequired, what()+" has a proposal, and has none")
	}
}

// checkAmounts reports the amounts of case c that no log of events
// leads to, as a case built by hand or read back from a damaged store
// may hold them, before anything adds or compares them: an unknown
// currency of the case (case.intake.currency; then nothing else, as
// every amount of the case is in it), and any amount of the intake
// (case.intake.order_value, case.intake.demand.amount), of the proposal
// (case.proposal.amount, and an undefined case.proposal.kind), of the
// execution (case.execution.loss,
// case.execution.accountability[i].deduction) and of the sums paid
// (case.paid, case.paid_out) that is beyond the bounds of an amount
// ([customer.AmountInRange], CodeRange: adding or comparing an amount
// with an extreme exponent such as 1e-2147483647 would not end), in
// another currency than the case's (CodeMismatch: the sums would leave
// it out), not positive where a payment is (CodeNotPos) or below zero
// for a sum (CodeNegative: a negative sum paid out would let a
// supervisor approve more than the threshold), finer than the
// currency's minor unit (CodeFormat), or set where the resolution or
// the measure moves no money (CodeMismatch). These are the rules the
// commands that set the amounts follow ([Apply], [Rebuild]), so every
// case a log leads to passes, but one whose log, written before
// checkPaidOut kept the sums paid within the bounds, took them beyond
// (which [Rebuild] still rebuilds). It allocates nothing for a sound
// case whose amounts have no more decimals than the currency's minor
// unit (see amountFault).
func checkAmounts(p *problems, c Case) {
	if c.Version == 0 {
		return
	}
	cur := c.Intake.Currency
	if !cur.Valid() {
		p.add("case.intake.currency", customer.CodeUnknown, fmt.Sprintf("unknown currency %q, in which every amount of the case is", string(cur)))
		return
	}
	in := c.Intake
	if present(in.OrderValue) {
		p.caseAmount("case.intake.order_value", in.OrderValue, cur, true, false)
	}
	if present(in.Demand.Amount) {
		p.caseAmount("case.intake.demand.amount", in.Demand.Amount, cur, in.Demand.Kind.MovesMoney(), false)
	}
	if pr := c.Proposal; pr != nil {
		if !pr.Kind.Valid() {
			p.enum("case.proposal.kind", pr.Kind, uint8(pr.Kind))
		} else {
			p.caseAmount("case.proposal.amount", pr.Amount, cur, pr.Kind.MovesMoney(), false)
		}
	}
	if e := c.Execution; e != nil {
		if present(e.Loss) {
			p.caseAmount("case.execution.loss", e.Loss, cur, true, false)
		}
		for i, a := range e.Accountability {
			if a.Action != ActionPayDeduction && !present(a.Deduction) {
				continue
			}
			// The field's name only for a fault: it allocates.
			if code, msg := amountFault(a.Deduction, cur, a.Action == ActionPayDeduction, false); code != "" {
				p.add(fmt.Sprintf("case.execution.accountability[%d].deduction", i), code, msg)
			}
		}
	}
	p.caseAmount("case.paid", c.Paid, cur, true, true)
	p.caseAmount("case.paid_out", c.PaidOut, cur, true, true)
}

// present reports whether m is set: not the zero Money.
func present(m customer.Money) bool { return !m.IsZero() || m.Currency() != "" }

// caseAmount reports as field the fault of m, an amount of a case in
// currency cur (valid), that amountFault finds.
func (p *problems) caseAmount(field string, m customer.Money, cur customer.Currency, moves, sum bool) {
	if code, msg := amountFault(m, cur, moves, sum); code != "" {
		p.add(field, code, msg)
	}
}

// amountFault checks m, an amount of a case in currency cur (valid), as
// checkAmounts describes: when moves is false, that it is not set; when
// sum is true, a sum paid, that it is zero (with no currency or cur's)
// or above; otherwise that it is positive. It returns the fault's code
// and message, or two empty strings for a sound amount; the message is
// built only for a fault, so a sound amount with no more decimals than
// cur's minor unit costs no allocation (one with trailing zeros beyond
// it, 40.000 EUR, is rounded to be told apart).
func amountFault(m customer.Money, cur customer.Currency, moves, sum bool) (code, msg string) {
	if !moves {
		if present(m) {
			return customer.CodeMismatch, fmt.Sprintf("%s is set, but the resolution or measure moves no money", m)
		}
		return "", ""
	}
	a := m.Amount()
	if sum && a.IsZero() && (m.Currency() == "" || m.Currency() == cur) {
		return "", ""
	}
	// The bound first: rounding or comparing an amount with an extreme
	// exponent would not end.
	switch {
	case !customer.AmountInRange(a):
		return customer.CodeRange, fmt.Sprintf("%s is outside the bounds of an amount (at most 30 integer digits and 30 decimals)", m)
	case sum && a.Sign() < 0:
		return customer.CodeNegative, fmt.Sprintf("is negative (%s); a sum paid is zero or more", m)
	case !sum && a.Sign() <= 0:
		return customer.CodeNotPos, fmt.Sprintf("must be positive, got %s", m)
	case m.Currency() != cur:
		return customer.CodeMismatch, fmt.Sprintf("currency %s differs from the case's %s", m.Currency(), cur)
	case int64(a.Exponent()) < -int64(cur.Digits()) && !a.Equal(a.Round(cur.Digits())):
		// Whole minor units need no rounding to tell.
		return customer.CodeFormat, fmt.Sprintf("%s has more decimals than %s allows (%d)", a, cur, cur.Digits())
	}
	return "", ""
}

// evolve returns a copy of c with the effect of ev, sharing no slice or
// pointer with c or ev. It trusts ev: Apply builds it, Rebuild checks it
// first.
func evolve(c Case, ev Event) Case {
	cmd := ev.Command.clone()
	if cmd.Kind != CmdRecord {
		c = c.Clone()
	}
	c.Version = ev.Seq
	c.State = ev.To
	c.Updated = ev.At
	c.Priority = ev.Priority
	switch cmd.Kind {
	case CmdRecord:
		c = Case{ID: ev.Case, Version: ev.Seq, State: ev.To, Intake: *cmd.Intake, Priority: ev.Priority, Opened: ev.At, Updated: ev.At}
	case CmdAccept:
		c.Decided = ev.At
	case CmdReject:
		c.Reply = cmd.Reply
		c.Decided = ev.At
	case CmdAssign:
		c.Department, c.Handler = cmd.Assignment.Department, cmd.Assignment.Handler
	case CmdReassign:
		c.Department, c.Handler = cmd.Assignment.Department, cmd.Assignment.Handler
		c.Reassigns++
	case CmdInvestigate:
		c.Finding = cmd.Finding
	case CmdPropose:
		c.Proposal, c.ProposedBy, c.ApprovedBy, c.Approved = cmd.Proposal, ev.Actor.ID, "", time.Time{}
	case CmdApprove:
		c.ApprovedBy, c.Approved = ev.Actor.ID, ev.At
	case CmdSendBack:
		c.Proposal, c.ProposedBy, c.ApprovedBy, c.Approved = nil, "", "", time.Time{}
		c.SendBackReason = cmd.Reason
		c.SendBacks++
	case CmdRevise:
		c.Proposal, c.ProposedBy, c.ApprovedBy, c.Approved = nil, "", "", time.Time{}
		c.Revisions++
	case CmdCarryOut:
		c.Execution = cmd.Execution
		c.CarriedOut = ev.At
		c.Feedback = nil
		if pr := c.Proposal; pr != nil && pr.Kind.givesBack() {
			if paid, err := c.Paid.Add(pr.Amount); err == nil {
				c.Paid = paid // the case's currency: checkAmounts, checkCommand
			}
		}
		if pr := c.Proposal; pr != nil && pr.Kind.MovesMoney() {
			if out, err := c.PaidOut.Add(pr.Amount); err == nil {
				c.PaidOut = out
			}
		}
		if pr := c.Proposal; pr != nil && pr.Kind == ResolutionRefund && (pr.Units == 0 || ev.LastUnits) {
			c.RefundedAll = true
		}
	case CmdRecordFeedback:
		c.Feedback = cmd.Feedback
	case CmdClose:
		c.Evaluation = cmd.Evaluation
		c.Closed = ev.At
	case CmdWait:
		c.ResumeTo = ev.From
		c.WaitReason = cmd.Reason
		c.Waits++
	case CmdResume:
		c.ResumeTo, c.WaitReason = 0, ""
	case CmdEscalate:
		c.Escalations++
	case CmdReopen:
		c.Reopens++
		if cmd.Feedback != nil {
			c.Feedback = cmd.Feedback
		}
		if ev.From == StateRejected {
			c.Reply, c.Decided = "", time.Time{}
		} else {
			c.Proposal, c.ProposedBy, c.ApprovedBy, c.Approved = nil, "", "", time.Time{}
			c.Execution, c.CarriedOut = nil, time.Time{}
			c.Evaluation, c.Closed = nil, time.Time{}
		}
	case CmdWithdraw:
		c.WithdrawReason = cmd.Reason
		c.ResumeTo, c.WaitReason = 0, ""
	}
	return c
}
