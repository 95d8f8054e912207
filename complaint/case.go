package complaint

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/tailorcrm/tailor/customer"
)

// ID identifies a complaint case. The caller chooses it (a ticket number);
// the package generates nothing.
type ID string

// ActorID identifies a person or system acting on a case: a staff member,
// a job, or the complainant (then it equals the customer ID).
type ActorID string

// Actor is who applies a command, and in which role.
//
// Department is the department the actor works in, when the caller
// knows it; empty means not known. Of the workflow's guards, only those
// of the approval of a proposal and of its send-back look at it (domain
// rules §5 step 6, approval by the relevant department): an approver
// whose department is known must be of the case's department
// ([Case].Department, compared as a name by [SameDepartment]), of a
// department the policy names as approving
// ([Policy].ApprovingDepartments), or a manager. An approver whose
// department is not known is checked by role, amount and four eyes
// only. [Rebuild] checks no guard, so a log rebuilds whatever
// department its approvers had, or none. Set, it may not be blank nor
// invalid UTF-8; the event keeps it, and an erasure too, as it keeps
// the actor's ID.
type Actor struct {
	ID         ActorID `json:"id"`                   // who
	Role       Role    `json:"role"`                 // acting as
	Department string  `json:"department,omitempty"` // where they work, when known
}

// String returns "role:id", for example "supervisor:S-3".
func (a Actor) String() string { return a.Role.String() + ":" + string(a.ID) }

// staff reports whether the actor is staff of at least role min.
func (a Actor) staff(min Role) bool {
	return a.Role >= min && a.Role <= RoleManager
}

// Case is the state of one complaint, as produced by [Apply] and
// reproduced by [Rebuild] from its events. A Case is a value: Apply returns
// a new one and never modifies the slices of the one it was given.
type Case struct {
	// ID is the case ID from the intake.
	ID ID `json:"id"`
	// Version is the number of events applied; the next event has
	// sequence number Version+1.
	Version int `json:"version"`
	// State is the current step.
	State State `json:"state"`
	// Intake is the complaint form (step 1).
	Intake Intake `json:"intake"`
	// Priority is derived from severity and value class at recording
	// and raised by each escalation.
	Priority Priority `json:"priority"`
	// Opened is when the case was recorded (the SLA clocks start
	// earlier, at Intake.Received); Updated when the last event
	// happened.
	Opened  time.Time `json:"opened"`
	Updated time.Time `json:"updated"` // time of the last event

	// Reply is the tactful reply sent with a rejection (step 2).
	Reply string `json:"reply,omitempty"`
	// Decided is when the case was last accepted or rejected.
	Decided time.Time `json:"decided,omitzero"`

	// Department and Handler own the case (step 3).
	Department string  `json:"department,omitempty"`
	Handler    ActorID `json:"handler,omitempty"` // the assigned handler

	// Finding is the result of the investigation (step 4).
	Finding *Finding `json:"finding,omitempty"`

	// Proposal is the current proposal (step 5) and ProposedBy who made
	// it; ApprovedBy who approved it and Approved when (step 6), so that
	// a revision can tell the complainant which decision of which day it
	// takes back ([Event].RevisedApproved). A new proposal, a send-back,
	// the revision of an approved resolution and a reopening after the
	// carry-out clear them; the carry-out keeps them. A case stored
	// before cases kept the approval time has a zero Approved while it
	// keeps that approval ([Rebuild] of its log gives the time;
	// [Service.Verify] accepts it).
	Proposal   *Proposal `json:"proposal,omitempty"`
	ProposedBy ActorID   `json:"proposed_by,omitempty"` // who proposed
	ApprovedBy ActorID   `json:"approved_by,omitempty"` // who approved
	Approved   time.Time `json:"approved,omitzero"`     // when approved
	// SendBackReason is the reason of the last send-back.
	SendBackReason string `json:"send_back_reason,omitempty"`

	// Execution is what was done (step 7); CarriedOut when.
	Execution  *Execution `json:"execution,omitempty"`
	CarriedOut time.Time  `json:"carried_out,omitzero"` // when; the reopen window starts here
	// Paid is what the refunds and price reductions carried out so far
	// gave back on the subject's order, over all the case's carry-outs
	// (a reopened case may pay again); with the next one it may not
	// exceed Intake.OrderValue, when that is known.
	Paid customer.Money `json:"paid,omitzero"`
	// PaidOut is all the money the case's carry-outs paid the customer:
	// refunds, price reductions and compensations. A supervisor's
	// approval threshold bounds it together with the next proposal, so
	// that a sum cannot be split over reopenings to stay below it.
	PaidOut customer.Money `json:"paid_out,omitzero"`
	// RefundedAll says that a refund that left the customer no unit of
	// the subject was carried out: a [ResolutionRefund] of Units 0
	// (every unit held), or one of some units marked as taking back the
	// last ones ([Event].LastUnits, which [MarkLastUnits] sets, and so
	// [Service.Do] with a CustomerHistory). The customer holds none
	// to bring back, so [Apply] refuses to propose another refund. A
	// reopening keeps it. A case stored before the field lacks it;
	// [Service.Verify] accepts that.
	RefundedAll bool `json:"refunded_all,omitempty"`
	// Feedback is the customer's latest feedback.
	Feedback *Feedback `json:"feedback,omitempty"`

	// Evaluation is the closing summary (step 8); Closed when.
	Evaluation *Evaluation `json:"evaluation,omitempty"`
	Closed     time.Time   `json:"closed,omitzero"` // when closed

	// ResumeTo is the state a waiting case returns to; WaitReason what
	// the customer was asked.
	ResumeTo   State  `json:"resume_to,omitempty"`
	WaitReason string `json:"wait_reason,omitempty"` // what the customer was asked

	// Counters of the exceptional paths, used by the analytics.
	Escalations int `json:"escalations,omitempty"`
	SendBacks   int `json:"send_backs,omitempty"` // proposals sent back
	Reopens     int `json:"reopens,omitempty"`    // reopenings
	Reassigns   int `json:"reassigns,omitempty"`  // reassignments
	Waits       int `json:"waits,omitempty"`      // waits for the customer
	// Revisions counts approved resolutions taken back as impossible to
	// carry out ([CmdRevise]); the reason is in the event.
	Revisions int `json:"revisions,omitempty"`

	// WithdrawReason is the customer's reason for withdrawing.
	WithdrawReason string `json:"withdraw_reason,omitempty"`

	// Erased is when the complainant's own words were last erased from
	// the case: the time of the latest erasure ([EraseCase]) that found
	// an event no earlier erasure had reached, zero if never. It is the
	// Erased of the case's last event that has one. An erasure that finds
	// nothing new keeps it; [Apply] dates every command on an erased case
	// after it, so a case whose Updated is after Erased has events that
	// no erasure reached.
	Erased time.Time `json:"erased,omitzero"`
}

// Open reports whether the case still needs work: it is not closed,
// rejected or withdrawn.
func (c Case) Open() bool {
	switch c.State {
	case StateClosed, StateRejected, StateWithdrawn:
		return false
	}
	return c.Version > 0
}

// Clone returns a deep copy of c that shares no slice or pointer with it.
// Stores use it so that callers cannot change what was saved.
func (c Case) Clone() Case {
	c.Intake = c.Intake.clone()
	if c.Finding != nil {
		f := *c.Finding
		c.Finding = &f
	}
	if c.Proposal != nil {
		p := *c.Proposal
		c.Proposal = &p
	}
	if c.Execution != nil {
		e := c.Execution.clone()
		c.Execution = &e
	}
	if c.Feedback != nil {
		f := *c.Feedback
		c.Feedback = &f
	}
	if c.Evaluation != nil {
		e := *c.Evaluation
		c.Evaluation = &e
	}
	return c
}

// Intake is the complaint form (domain rules §5 step 1): who complains, when,
// how, about what, and what they demand.
type Intake struct {
	// ID is the case ID the caller assigns.
	ID ID `json:"id"`
	// Complainant is the customer.
	Complainant customer.ID `json:"complainant"`
	// Channel is how the complaint arrived.
	Channel Channel `json:"channel"`
	// Received is when the customer complained; not after the time the
	// case is recorded, nor before [customer.MinRecordYear]. The SLA
	// clocks start at it ([SLAPolicy.Status]): the customer waits from
	// then, however late the complaint is typed in. A Received before
	// [customer.MinRecordYear] in a log written before that check
	// ([Rebuild] accepts it) is another system's placeholder for a
	// missing date: the clocks, [Analyze] and [Signals] take the
	// recording's time instead.
	Received time.Time `json:"received"`
	// Subject is what the complaint is about.
	Subject Subject `json:"subject"`
	// Category is the kind of problem.
	Category Category `json:"category"`
	// Severity is how serious it is.
	Severity Severity `json:"severity"`
	// Value is the customer's value class; zero when not classified,
	// which the default priority policy treats as [ValueLow].
	Value ValueClass `json:"value,omitempty"`
	// Currency is the currency of the order or shop; every amount of the
	// case is in it.
	Currency customer.Currency `json:"currency"`
	// OrderValue is the value of the goods concerned, when known; a
	// refund or price reduction may not exceed it. For a complaint about
	// an order, take it from the customer's history when the case is
	// recorded: what the order can still pay back, its net after earlier
	// price reductions and refunds ([customer.Recorder.Refundable]). A
	// higher value lets a proposal be approved and carried out whose
	// credit ([Credits]) the history then refuses
	// ([customer.Recorder.RecordCredit]), while the case's log already
	// says it was paid.
	OrderValue customer.Money `json:"order_value,omitzero"`
	// Demand is what the customer asks for.
	Demand Demand `json:"demand"`
	// Description is the customer's account in their words.
	Description string `json:"description"`
	// Attachments are references (URLs, document IDs) to photos,
	// receipts and letters; the package does not read them.
	Attachments []string `json:"attachments,omitempty"`
}

func (in Intake) clone() Intake {
	if in.Attachments != nil {
		in.Attachments = append([]string(nil), in.Attachments...)
	}
	return in
}

// Subject is what a complaint is about. The field that matches Kind must
// be filled; the others may add context.
type Subject struct {
	Kind     SubjectKind `json:"kind"`               // what kind of thing
	Order    string      `json:"order,omitempty"`    // order number
	SKU      string      `json:"sku,omitempty"`      // article (stock-keeping unit)
	Store    string      `json:"store,omitempty"`    // shop
	Staff    string      `json:"staff,omitempty"`    // staff member
	Delivery string      `json:"delivery,omitempty"` // delivery or tracking reference
}

// Demand is what the customer asks for. Amount is set only when the
// demand moves money.
type Demand struct {
	Kind   ResolutionKind `json:"kind"`            // the remedy asked for
	Amount customer.Money `json:"amount,omitzero"` // the sum asked for, if any
	Text   string         `json:"text,omitempty"`  // the demand in the customer's words
}

// Assignment names the responsible department and the handler (step 3).
type Assignment struct {
	Department string  `json:"department"` // responsible department, compared as a name ([SameDepartment])
	Handler    ActorID `json:"handler"`    // person handling the case
}

// Finding is the result of an investigation (step 4). Staff names the
// staff member directly responsible, when there is one; carrying out the
// resolution then needs an accountability entry for them (step 7), as
// heavy as the policy's penalty schedule asks for the loss
// ([Policy].Penalties). A
// finding whose Cause is [CauseStaffConduct] must name them: [Apply]
// refuses it without Staff (command.finding.staff), so that the penalty
// of step 7 cannot be skipped. [Rebuild] does not, so that logs written
// before the rule still rebuild; a case whose finding from such a log
// blames staff conduct without a name carries out only with at least one
// accountability entry.
type Finding struct {
	Cause       Cause   `json:"cause"`           // why it happened
	Responsible Party   `json:"responsible"`     // who is responsible
	Staff       ActorID `json:"staff,omitempty"` // staff member directly responsible, if any
	Detail      string  `json:"detail"`          // what was found
}

// Proposal is a proposed resolution (step 5). Amount is positive and in
// the case's currency when Kind moves money, and the zero Money otherwise.
//
// Units is, for a refund ([ResolutionRefund]), how many units of the
// subject's SKU (of the subject's order, when the subject names no SKU)
// the refund takes back; 0, the default and all a log written before the
// field holds, takes back every unit the customer still holds. [Refunds]
// takes them from the order's lines in line order and refuses more than
// the customer holds. [Apply] refuses a negative Units and one on any
// other resolution (command.proposal.units), and a refund after the case
// carried out one that left the customer no unit ([Case].RefundedAll:
// Units 0, or the last units, [MarkLastUnits]); it does not see the
// order, so a refund's Units is checked against the units held only by
// [Refunds]. [Rebuild] refuses the same in a log, which no log written
// before the field holds.
type Proposal struct {
	Kind   ResolutionKind `json:"kind"`            // the remedy
	Amount customer.Money `json:"amount,omitzero"` // money paid to the customer, if the remedy moves money
	Units  int            `json:"units,omitempty"` // units a refund takes back; 0: every unit held
	Detail string         `json:"detail"`          // what exactly is offered
}

// Execution records that the resolution was carried out (step 7): how
// the customer was notified and what happened to responsible staff.
type Execution struct {
	Notified       Channel          `json:"notified"`                 // how the customer was told
	Accountability []Accountability `json:"accountability,omitempty"` // measures with responsible staff
	Detail         string           `json:"detail,omitempty"`         // what was done
	// Loss is the loss the complaint caused the brand, when the handler
	// records one: for example the cost of an exchange or a repair, or
	// goods refunded that cannot be sold again. It is positive and in the
	// case's currency, or the zero Money when not recorded. The pay
	// deductions of Accountability together may not exceed it or, when
	// none is recorded, what the resolution carried out pays the customer
	// (domain rules §5 step 7: a share of performance pay "by the size of
	// the loss"). The same loss sizes the measure the policy's penalty
	// schedule asks of the staff member responsible ([Policy].Penalties):
	// record the cost of an exchange or a repair, whose resolution pays
	// nothing, for the schedule to see it. The bound is per carry-out: a
	// case reopened and carried out again records the loss of that
	// carry-out and its deductions, which are not added to those of the
	// earlier one.
	Loss customer.Money `json:"loss,omitzero"`
}

func (e Execution) clone() Execution {
	if e.Accountability != nil {
		e.Accountability = append([]Accountability(nil), e.Accountability...)
	}
	return e
}

// Accountability is the measure taken with one responsible staff member
// (domain rules §5 step 7: e.g. a share of performance pay, by the size of the
// loss). Deduction is positive, in the case's currency, for
// [ActionPayDeduction] and the zero Money otherwise; the deductions of a
// carry-out together stay within its loss (see [Execution].Loss). The
// entries of the staff member a finding names together meet the
// policy's penalty schedule for the loss ([Policy].Penalties): their
// heaviest action is at least the one it asks, and for a pay deduction
// step their deductions add up to at least its share of the loss.
type Accountability struct {
	Staff     ActorID              `json:"staff"`              // the staff member
	Action    AccountabilityAction `json:"action"`             // the measure
	Deduction customer.Money       `json:"deduction,omitzero"` // pay deducted, for ActionPayDeduction
}

// Scales of [Feedback].
const (
	// ValueScaleMax is the top of the 0–10 scale on which perceived and
	// expected value are asked.
	ValueScaleMax = 10
	// CSATMax is the top of the 1–5 customer satisfaction score.
	CSATMax = 5
)

// Feedback is the customer's judgement of the resolution (step 7). The
// customer rates the value they expected from the resolution and the value
// they perceived, each from 0 to [ValueScaleMax] (expected at least 1),
// and gives a plain CSAT score from 1 to [CSATMax].
type Feedback struct {
	Perceived int    `json:"perceived"`         // value perceived, 0–10
	Expected  int    `json:"expected"`          // value expected, 1–10
	CSAT      int    `json:"csat"`              // satisfaction score, 1–5
	Comment   string `json:"comment,omitempty"` // the customer's words
}

// Satisfaction returns perceived / expected value (domain rules §5, from the
// e-shop's procedure: "satisfaction = perceived value / expected value").
// 1 means expectations met, above 1 exceeded. It is 0 when Expected is
// not positive, which [Apply] never accepts.
func (f Feedback) Satisfaction() float64 {
	if f.Expected <= 0 {
		return 0
	}
	return float64(f.Perceived) / float64(f.Expected)
}

// Satisfied reports whether the customer is satisfied: expectations met
// (Satisfaction ≥ 1) and a CSAT of 4 or 5.
func (f Feedback) Satisfied() bool {
	return f.Perceived >= f.Expected && f.CSAT >= 4
}

// Evaluation closes a case (step 8): what was learned and what will
// change to lower the complaint rate.
type Evaluation struct {
	Lessons     string `json:"lessons"`     // what was learned
	Improvement string `json:"improvement"` // the measure that will prevent a repeat
}

// problems collects field errors of one record into a
// [*customer.ValidationError].
type problems struct {
	fields []customer.FieldError
}

func (p *problems) add(field, code, msg string) {
	p.fields = append(p.fields, customer.FieldError{Field: field, Code: code, Message: msg})
}

func (p *problems) err(record string) error {
	return customer.Invalid(record, p.fields)
}

func (p *problems) required(field, v string) {
	if v == "" {
		p.add(field, customer.CodeRequired, "is empty")
	}
}

type validator interface{ Valid() bool }

func (p *problems) enum(field string, v validator, value uint8) {
	if !v.Valid() {
		p.add(field, customer.CodeUnknown, fmt.Sprintf("undefined value %d", value))
	}
}

// money checks an amount of a case: positive and in currency cur when
// moves is true, the zero Money otherwise.
func (p *problems) money(field string, m customer.Money, moves bool, cur customer.Currency, what string) {
	if !moves {
		if m.Currency() != "" || !m.IsZero() {
			p.add(field, customer.CodeMismatch, "must be empty for "+what)
		}
		return
	}
	// The bound first: rounding or comparing an amount with an extreme
	// exponent (1e-2147483647) would not end.
	if !customer.AmountInRange(m.Amount()) {
		p.add(field, customer.CodeRange, fmt.Sprintf("%s is outside the bounds of an amount (at most 30 integer digits and 30 decimals)", m))
		return
	}
	if m.Sign() <= 0 {
		p.add(field, customer.CodeNotPos, fmt.Sprintf("must be positive, got %s", m))
		return
	}
	if m.Currency() != cur {
		p.add(field, customer.CodeMismatch, fmt.Sprintf("currency %s differs from the case's %s", m.Currency(), cur))
	}
	// Money paid is whole minor units: 10.005 EUR cannot be paid.
	if a, c := m.Amount(), m.Currency(); c.Valid() && !a.Equal(a.Round(c.Digits())) {
		p.add(field, customer.CodeFormat, fmt.Sprintf("%s has more decimals than %s allows (%d)", a, c, c.Digits()))
	}
}

// MovesMoney reports whether the resolution pays the customer: refund,
// price reduction and compensation.
func (k ResolutionKind) MovesMoney() bool {
	return k == ResolutionRefund || k == ResolutionPriceReduction || k == ResolutionCompensation
}

// givesBack reports whether the resolution gives back part of the price
// of the subject's order (refund, price reduction), which the order's
// value bounds; a compensation is goodwill on top.
func (k ResolutionKind) givesBack() bool {
	return k == ResolutionRefund || k == ResolutionPriceReduction
}

// Validate checks the form as recorded at time now and reports every
// problem at once in a [*customer.ValidationError]: empty ID or
// complainant, undefined channel, category, severity, subject kind or
// demand kind, a value class outside the defined ones, an unknown
// currency, a zero receipt time, one after now or one before
// [customer.MinRecordYear] (see [Intake].Received), a subject without the
// field its kind needs, a demand or order value that is not positive or in
// another currency, an empty description or attachment reference, a
// text that is not valid UTF-8, an ID, a subject reference, the
// description or an attachment reference that holds only white space, and
// an ID or a subject reference that holds a control character.
func (in Intake) Validate(now time.Time) error {
	var p problems
	in.check(&p, now)
	in.checkReceived(&p, "received")
	texts{&p}.intake("", in)
	return p.err(fmt.Sprintf("complaint %q", in.ID))
}

// minReceived is the first instant of [customer.MinRecordYear], in UTC.
var minReceived = time.Date(customer.MinRecordYear, time.January, 1, 0, 0, 0, 0, time.UTC)

// checkReceived reports, as field, a receipt time before
// [customer.MinRecordYear]: a mistyped year ("0026" for 2026) or another
// system's placeholder for a missing date, which would start the SLA
// clocks centuries before the case was recorded. [Intake.Validate] and
// [Apply] check it, not [Rebuild], so that logs written before the check
// still rebuild; the time of such a log's recording stands for it when
// the clocks start (see received).
func (in Intake) checkReceived(p *problems, field string) {
	if !in.Received.IsZero() && in.Received.Before(minReceived) {
		p.add(field, customer.CodeRange, fmt.Sprintf("%s is before %d", in.Received.Format(time.RFC3339), customer.MinRecordYear))
	}
}

func (in Intake) check(p *problems, now time.Time) {
	p.required("id", string(in.ID))
	p.required("complainant", string(in.Complainant))
	p.enum("channel", in.Channel, uint8(in.Channel))
	p.enum("category", in.Category, uint8(in.Category))
	p.enum("severity", in.Severity, uint8(in.Severity))
	if in.Value != 0 {
		p.enum("value", in.Value, uint8(in.Value))
	}
	curOK := in.Currency.Valid()
	if !curOK {
		p.add("currency", customer.CodeUnknown, fmt.Sprintf("unknown currency %q", string(in.Currency)))
	}
	switch {
	case in.Received.IsZero():
		p.add("received", customer.CodeRequired, "is zero")
	case in.Received.After(now):
		p.add("received", customer.CodeFuture, fmt.Sprintf("%s is after %s", in.Received.Format(time.RFC3339), now.Format(time.RFC3339)))
	}
	s := in.Subject
	switch s.Kind {
	case SubjectOrder:
		p.required("subject.order", s.Order)
	case SubjectProduct:
		p.required("subject.sku", s.SKU)
	case SubjectStore:
		p.required("subject.store", s.Store)
	case SubjectStaff:
		p.required("subject.staff", s.Staff)
	case SubjectDelivery:
		if s.Order == "" && s.Delivery == "" {
			p.add("subject.delivery", customer.CodeRequired, "needs an order or a delivery reference")
		}
	case SubjectService:
	default:
		p.enum("subject.kind", s.Kind, uint8(s.Kind))
	}
	if !in.OrderValue.IsZero() || in.OrderValue.Currency() != "" {
		if curOK {
			p.money("order_value", in.OrderValue, true, in.Currency, "")
		}
	}
	p.enum("demand.kind", in.Demand.Kind, uint8(in.Demand.Kind))
	if curOK && (!in.Demand.Amount.IsZero() || in.Demand.Amount.Currency() != "") {
		p.money("demand.amount", in.Demand.Amount, in.Demand.Kind.MovesMoney(), in.Currency, "a demand of "+in.Demand.Kind.String())
	}
	p.required("description", in.Description)
	for i, a := range in.Attachments {
		if a == "" {
			p.add(fmt.Sprintf("attachments[%d]", i), customer.CodeRequired, "is empty")
		}
	}
}

// SameDepartment reports whether a and b name the same department.
// Department names are typed by people, so they compare as names, not
// as bytes: without the white space around them, with every run of white
// space inside them as one space, and ignoring case (Unicode simple case
// folding, as [strings.EqualFold]): "Quality", "quality" and
// " quality " are one department. The workflow compares departments this
// way wherever it compares them (the reassignment guard, the approval
// and send-back guard, [NoticeOf], the redelivery check of
// [Service.Do], the repeated names [Policy.Validate] refuses); a case
// keeps the name as it was written.
//
// It compares the names word by word, where a word is a run of
// characters that are not white space ([unicode.IsSpace], as
// [strings.Fields] splits), and allocates nothing.
func SameDepartment(a, b string) bool {
	if a == b {
		return true
	}
	for {
		var wa, wb string
		wa, a = nextWord(a)
		wb, b = nextWord(b)
		if wa == "" || wb == "" {
			return wa == wb
		}
		if !strings.EqualFold(wa, wb) {
			return false
		}
	}
}

// nextWord returns the first word of s, a run of characters that are
// not white space, and what follows it; an empty word when s holds none.
func nextWord(s string) (word, rest string) {
	i := strings.IndexFunc(s, notSpace)
	if i < 0 {
		return "", ""
	}
	s = s[i:]
	if j := strings.IndexFunc(s, unicode.IsSpace); j >= 0 {
		return s[:j], s[j:]
	}
	return s, ""
}

func notSpace(r rune) bool { return !unicode.IsSpace(r) }
