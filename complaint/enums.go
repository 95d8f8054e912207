package complaint

import (
	"github.com/tailorcrm/tailor/internal/enumtext"
	"github.com/tailorcrm/tailor/segment"
)

// State is the step a complaint case is in (domain rules §5, the eight steps).
//
// The zero State is no step: it stands for a case not yet recorded, the
// From of a case's first [Event] (the recording), and its text form is
// "new", so that an audit trail reads "new → recorded". It is not a state
// a case can be in: it is not Valid, ParseState does not accept "new",
// MarshalText refuses it, and an Event's JSON leaves a zero From out.
type State uint8

const (
	// StateRecorded means the complaint form is filled in (step 1) and waits to be judged.
	StateRecorded State = iota + 1
	// StateAccepted means the complaint was judged valid (step 2) and waits for a department and handler.
	StateAccepted
	// StateRejected means the complaint was judged not to hold and a tactful reply was recorded (step 2). A supervisor may reopen it within the reopen window when the customer contests; otherwise the case ends here.
	StateRejected
	// StateAssigned means a department and a handler own the case (step 3).
	StateAssigned
	// StateInvestigated means the cause and the responsible party are recorded (step 4).
	StateInvestigated
	// StateProposed means a resolution is proposed (step 5) and waits for approval (step 6).
	StateProposed
	// StateApproved means the resolution is approved (step 6) and waits to be carried out.
	StateApproved
	// StateCarriedOut means the resolution is carried out and the customer notified (step 7); feedback is collected in this state.
	StateCarriedOut
	// StateClosed means the case was evaluated and closed (step 8). It may be reopened within the reopen window when the customer is not satisfied, and a follow-up visit's feedback may be recorded within that window.
	StateClosed
	// StateWaiting means the case waits for the customer's reply; SLA clocks are paused. Resume returns it to the state it left.
	StateWaiting
	// StateWithdrawn means the customer withdrew the complaint; the case is final.
	StateWithdrawn
)

var stateNames = []string{"", "recorded", "accepted", "rejected", "assigned", "investigated", "proposed", "approved", "carried-out", "closed", "waiting", "withdrawn"}

// ParseState parses the text form of a State: "recorded", "accepted", "rejected", "assigned", "investigated", "proposed", "approved", "carried-out", "closed", "waiting" or "withdrawn".
func ParseState(s string) (State, error) {
	return enumtext.Parse[State](s, stateNames, "state")
}

// String returns the text form: "new" for the zero State (see [State]),
// "State(n)" for an undefined value.
func (s State) String() string {
	if s == 0 {
		return stateNew
	}
	return enumtext.String(s, stateNames, "State")
}

// stateNew is the text form of the zero State.
const stateNew = "new"

// Valid reports whether s is a defined State.
func (s State) Valid() bool { return enumtext.Valid(s, stateNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (s State) MarshalText() ([]byte, error) { return enumtext.Marshal(s, stateNames, "state") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (s *State) UnmarshalText(b []byte) error { return enumtext.Unmarshal(s, b, ParseState) }

// CommandKind names a transition of the workflow. Each is applied with [Apply] and recorded as an [Event].
type CommandKind uint8

const (
	// CmdRecord opens a case from a complaint form ([Intake]).
	CmdRecord CommandKind = iota + 1
	// CmdAccept judges the complaint valid.
	CmdAccept
	// CmdReject judges the complaint not to hold; needs the tactful reply sent to the customer.
	CmdReject
	// CmdAssign names the responsible department and handler ([Assignment]).
	CmdAssign
	// CmdReassign moves an assigned case to another department or handler; supervisors only. A case that waits for the customer may be reassigned, and goes on waiting, when it waits from a step in which it could be (assigned, investigated, approved).
	CmdReassign
	// CmdInvestigate records the cause and the responsible party ([Finding]).
	CmdInvestigate
	// CmdPropose proposes a resolution ([Proposal]).
	CmdPropose
	// CmdApprove approves the proposed resolution.
	CmdApprove
	// CmdSendBack returns the proposal to the handler with a reason.
	CmdSendBack
	// CmdCarryOut records that the resolution was carried out, the customer notified and staff accountability settled ([Execution]).
	CmdCarryOut
	// CmdRecordFeedback records the customer's feedback ([Feedback]) on the resolution carried out, or the result of a follow-up visit to a closed case within the reopen window (the case stays closed).
	CmdRecordFeedback
	// CmdClose evaluates and closes the case ([Evaluation]).
	CmdClose
	// CmdWait marks the case as waiting for the customer; SLA clocks pause.
	CmdWait
	// CmdResume ends the wait and returns the case to the state it left.
	CmdResume
	// CmdEscalate escalates the case: the escalation count rises and the priority goes up one step (at most urgent).
	CmdEscalate
	// CmdReopen reopens a carried-out, closed or rejected case within the reopen window.
	CmdReopen
	// CmdWithdraw records that the customer withdrew the complaint.
	CmdWithdraw
	// CmdRevise takes back an approved resolution that cannot be carried
	// out as approved (the replacement garment is sold out, the repair
	// shop cannot mend the fabric): the case returns to investigated,
	// where the handler proposes another resolution, which needs an
	// approval of its own. It needs the reason; the assigned handler or
	// a supervisor gives it. Its event names the resolution taken back
	// ([Event].Revised) and when and by whom it was approved
	// ([Event].RevisedApproved, [Event].RevisedApprovedBy).
	CmdRevise
)

var commandKindNames = []string{"", "record", "accept", "reject", "assign", "reassign", "investigate", "propose", "approve", "send-back", "carry-out", "record-feedback", "close", "wait", "resume", "escalate", "reopen", "withdraw", "revise"}

// ParseCommandKind parses the text form of a CommandKind: "record", "accept", "reject", "assign", "reassign", "investigate", "propose", "approve", "send-back", "carry-out", "record-feedback", "close", "wait", "resume", "escalate", "reopen", "withdraw" or "revise".
func ParseCommandKind(s string) (CommandKind, error) {
	return enumtext.Parse[CommandKind](s, commandKindNames, "command")
}

// String returns the text form, or "CommandKind(n)" for an undefined value.
func (c CommandKind) String() string { return enumtext.String(c, commandKindNames, "CommandKind") }

// Valid reports whether c is a defined CommandKind.
func (c CommandKind) Valid() bool { return enumtext.Valid(c, commandKindNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (c CommandKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(c, commandKindNames, "command")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (c *CommandKind) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(c, b, ParseCommandKind)
}

// Role is what an [Actor] may do. Staff roles are ranked: agent < handler < supervisor < manager; a step that needs a role accepts any higher staff role too.
type Role uint8

const (
	// RoleCustomer is the complainant acting for themselves (recording, replying, giving feedback, withdrawing).
	RoleCustomer Role = iota + 1
	// RoleAgent is front-line customer service: records, judges, assigns, follows up.
	RoleAgent
	// RoleHandler is department staff who investigate and resolve cases assigned to them.
	RoleHandler
	// RoleSupervisor may act on any case, reassign, approve and send back proposals up to the approval threshold.
	RoleSupervisor
	// RoleManager may do what a supervisor does and approve amounts above the approval threshold.
	RoleManager
	// RoleSystem is an automated job; it may only escalate.
	RoleSystem
)

var roleNames = []string{"", "customer", "agent", "handler", "supervisor", "manager", "system"}

// ParseRole parses the text form of a Role: "customer", "agent", "handler", "supervisor", "manager" or "system".
func ParseRole(s string) (Role, error) {
	return enumtext.Parse[Role](s, roleNames, "role")
}

// String returns the text form, or "Role(n)" for an undefined value.
func (r Role) String() string { return enumtext.String(r, roleNames, "Role") }

// Valid reports whether r is a defined Role.
func (r Role) Valid() bool { return enumtext.Valid(r, roleNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (r Role) MarshalText() ([]byte, error) { return enumtext.Marshal(r, roleNames, "role") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (r *Role) UnmarshalText(b []byte) error { return enumtext.Unmarshal(r, b, ParseRole) }

// Channel is how a complaint reached the brand, or how the customer was notified.
type Channel uint8

const (
	// ChannelPhone is a telephone call.
	ChannelPhone Channel = iota + 1
	// ChannelEmail is an e-mail.
	ChannelEmail
	// ChannelChat is a live chat or messenger conversation.
	ChannelChat
	// ChannelStore is in person at a shop.
	ChannelStore
	// ChannelWeb is the web or app complaint form.
	ChannelWeb
	// ChannelSocial is a social-media post or message.
	ChannelSocial
	// ChannelLetter is a letter.
	ChannelLetter
)

var channelNames = []string{"", "phone", "email", "chat", "store", "web", "social", "letter"}

// ParseChannel parses the text form of a Channel: "phone", "email", "chat", "store", "web", "social" or "letter".
func ParseChannel(s string) (Channel, error) {
	return enumtext.Parse[Channel](s, channelNames, "channel")
}

// String returns the text form, or "Channel(n)" for an undefined value.
func (c Channel) String() string { return enumtext.String(c, channelNames, "Channel") }

// Valid reports whether c is a defined Channel.
func (c Channel) Valid() bool { return enumtext.Valid(c, channelNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (c Channel) MarshalText() ([]byte, error) { return enumtext.Marshal(c, channelNames, "channel") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (c *Channel) UnmarshalText(b []byte) error { return enumtext.Unmarshal(c, b, ParseChannel) }

// SubjectKind says what a complaint is about.
type SubjectKind uint8

const (
	// SubjectOrder is an order as a whole (needs Order).
	SubjectOrder SubjectKind = iota + 1
	// SubjectProduct is one article (needs SKU).
	SubjectProduct
	// SubjectStore is a shop (needs Store).
	SubjectStore
	// SubjectStaff is a staff member (needs Staff).
	SubjectStaff
	// SubjectDelivery is a delivery (needs Order or Delivery).
	SubjectDelivery
	// SubjectService is a service such as alterations or the hotline.
	SubjectService
)

var subjectKindNames = []string{"", "order", "product", "store", "staff", "delivery", "service"}

// ParseSubjectKind parses the text form of a SubjectKind: "order", "product", "store", "staff", "delivery" or "service".
func ParseSubjectKind(s string) (SubjectKind, error) {
	return enumtext.Parse[SubjectKind](s, subjectKindNames, "subject")
}

// String returns the text form, or "SubjectKind(n)" for an undefined value.
func (s SubjectKind) String() string { return enumtext.String(s, subjectKindNames, "SubjectKind") }

// Valid reports whether s is a defined SubjectKind.
func (s SubjectKind) Valid() bool { return enumtext.Valid(s, subjectKindNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (s SubjectKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(s, subjectKindNames, "subject")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (s *SubjectKind) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(s, b, ParseSubjectKind)
}

// Category is the clothing-specific kind of complaint.
type Category uint8

const (
	// CategorySizeFit is a size or fit problem.
	CategorySizeFit Category = iota + 1
	// CategorySeams is a quality defect of seams or stitching.
	CategorySeams
	// CategoryFabric is a fabric defect: pilling, holes, tears.
	CategoryFabric
	// CategoryColourFastness is colour that runs or fades.
	CategoryColourFastness
	// CategoryShrinkage is a garment that shrank.
	CategoryShrinkage
	// CategoryFastenings is a broken button, zip or press stud.
	CategoryFastenings
	// CategoryWrongItem is a wrong article, size or colour delivered.
	CategoryWrongItem
	// CategoryDelivery is a late or failed delivery.
	CategoryDelivery
	// CategoryStaffAttitude is staff behaviour.
	CategoryStaffAttitude
	// CategoryPrice is a price or promotion dispute.
	CategoryPrice
	// CategoryReturnRefused is a refused return or exchange.
	CategoryReturnRefused
	// CategoryOther is anything else.
	CategoryOther
)

var categoryNames = []string{"", "size-fit", "seams", "fabric", "colour-fastness", "shrinkage", "fastenings", "wrong-item", "delivery", "staff-attitude", "price", "return-refused", "other"}

// ParseCategory parses the text form of a Category: "size-fit", "seams", "fabric", "colour-fastness", "shrinkage", "fastenings", "wrong-item", "delivery", "staff-attitude", "price", "return-refused" or "other".
func ParseCategory(s string) (Category, error) {
	return enumtext.Parse[Category](s, categoryNames, "category")
}

// String returns the text form, or "Category(n)" for an undefined value.
func (c Category) String() string { return enumtext.String(c, categoryNames, "Category") }

// Valid reports whether c is a defined Category.
func (c Category) Valid() bool { return enumtext.Valid(c, categoryNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (c Category) MarshalText() ([]byte, error) {
	return enumtext.Marshal(c, categoryNames, "category")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (c *Category) UnmarshalText(b []byte) error { return enumtext.Unmarshal(c, b, ParseCategory) }

// Severity is how serious a complaint is, as judged when it is recorded. Its numeric value (1–4) is the one [customer.ComplaintSignals] uses.
type Severity uint8

const (
	// SeverityLow is an inconvenience.
	SeverityLow Severity = iota + 1
	// SeverityMedium is a defect or failure the customer must live with until fixed.
	SeverityMedium
	// SeverityHigh is a serious failure: an unusable garment, a lost delivery, rude staff.
	SeverityHigh
	// SeverityCritical is a safety issue, a public complaint or a legal threat.
	SeverityCritical
)

var severityNames = []string{"", "low", "medium", "high", "critical"}

// ParseSeverity parses the text form of a Severity: "low", "medium", "high" or "critical".
func ParseSeverity(s string) (Severity, error) {
	return enumtext.Parse[Severity](s, severityNames, "severity")
}

// String returns the text form, or "Severity(n)" for an undefined value.
func (s Severity) String() string { return enumtext.String(s, severityNames, "Severity") }

// Valid reports whether s is a defined Severity.
func (s Severity) Valid() bool { return enumtext.Valid(s, severityNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (s Severity) MarshalText() ([]byte, error) {
	return enumtext.Marshal(s, severityNames, "severity")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (s *Severity) UnmarshalText(b []byte) error { return enumtext.Unmarshal(s, b, ParseSeverity) }

// Priority orders the work on cases and selects their SLA targets. It is derived from severity and the customer's value class by a [PriorityPolicy] and raised by escalation.
type Priority uint8

const (
	// PriorityLow is handled when time allows.
	PriorityLow Priority = iota + 1
	// PriorityNormal is the usual priority.
	PriorityNormal
	// PriorityHigh is handled before normal cases.
	PriorityHigh
	// PriorityUrgent is handled first.
	PriorityUrgent
)

var priorityNames = []string{"", "low", "normal", "high", "urgent"}

// ParsePriority parses the text form of a Priority: "low", "normal", "high" or "urgent".
func ParsePriority(s string) (Priority, error) {
	return enumtext.Parse[Priority](s, priorityNames, "priority")
}

// String returns the text form, or "Priority(n)" for an undefined value.
func (p Priority) String() string { return enumtext.String(p, priorityNames, "Priority") }

// Valid reports whether p is a defined Priority.
func (p Priority) Valid() bool { return enumtext.Valid(p, priorityNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (p Priority) MarshalText() ([]byte, error) {
	return enumtext.Marshal(p, priorityNames, "priority")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (p *Priority) UnmarshalText(b []byte) error { return enumtext.Unmarshal(p, b, ParsePriority) }

// ValueClass is the customer's value quadrant (current value × potential
// value, domain rules §2–3) as computed outside this package, for example by the
// segment package: [ValueClassOf] converts a [segment.Quadrant], whose
// numbering differs. The zero value means not classified.
type ValueClass uint8

const (
	// ValueLow is low current and low potential value.
	ValueLow ValueClass = iota + 1
	// ValueHighPotential is low current but high potential value.
	ValueHighPotential
	// ValueHighCurrent is high current but low potential value.
	ValueHighCurrent
	// ValueHighBoth is high current and high potential value: the key customers.
	ValueHighBoth
)

var valueClassNames = []string{"", "low", "high-potential", "high-current", "high-both"}

// ValueClassOf returns the value class of the segment quadrant q:
// [segment.HighValue] is [ValueHighBoth], [segment.PotentialValue]
// [ValueHighPotential], [segment.SecondaryValue] [ValueHighCurrent] and
// [segment.LowValue] [ValueLow]; an undefined quadrant is 0, not
// classified. The two types number the classes in different orders, so
// ValueClass(q) is not a conversion.
func ValueClassOf(q segment.Quadrant) ValueClass {
	switch q {
	case segment.HighValue:
		return ValueHighBoth
	case segment.PotentialValue:
		return ValueHighPotential
	case segment.SecondaryValue:
		return ValueHighCurrent
	case segment.LowValue:
		return ValueLow
	}
	return 0
}

// ParseValueClass parses the text form of a ValueClass: "low", "high-potential", "high-current" or "high-both".
func ParseValueClass(s string) (ValueClass, error) {
	return enumtext.Parse[ValueClass](s, valueClassNames, "value class")
}

// String returns the text form, or "ValueClass(n)" for an undefined value.
func (v ValueClass) String() string { return enumtext.String(v, valueClassNames, "ValueClass") }

// Valid reports whether v is a defined ValueClass.
func (v ValueClass) Valid() bool { return enumtext.Valid(v, valueClassNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (v ValueClass) MarshalText() ([]byte, error) {
	return enumtext.Marshal(v, valueClassNames, "value class")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (v *ValueClass) UnmarshalText(b []byte) error { return enumtext.Unmarshal(v, b, ParseValueClass) }

// ResolutionKind is a remedy (domain rules §5 step 5). Refund, price reduction and compensation move money and need a positive amount in the order's currency; the others carry no amount.
type ResolutionKind uint8

const (
	// ResolutionRefund is a return with refund, of the goods of the order the case's subject names.
	ResolutionRefund ResolutionKind = iota + 1
	// ResolutionExchange is an exchange for another article or size.
	ResolutionExchange
	// ResolutionRepair is a repair or alteration.
	ResolutionRepair
	// ResolutionPriceReduction is a partial refund for a kept article.
	ResolutionPriceReduction
	// ResolutionCompensation is a payment or voucher for the trouble.
	ResolutionCompensation
	// ResolutionApology is an apology without goods or money.
	ResolutionApology
)

var resolutionKindNames = []string{"", "refund", "exchange", "repair", "price-reduction", "compensation", "apology"}

// ParseResolutionKind parses the text form of a ResolutionKind: "refund", "exchange", "repair", "price-reduction", "compensation" or "apology".
func ParseResolutionKind(s string) (ResolutionKind, error) {
	return enumtext.Parse[ResolutionKind](s, resolutionKindNames, "resolution")
}

// String returns the text form, or "ResolutionKind(n)" for an undefined value.
func (r ResolutionKind) String() string {
	return enumtext.String(r, resolutionKindNames, "ResolutionKind")
}

// Valid reports whether r is a defined ResolutionKind.
func (r ResolutionKind) Valid() bool { return enumtext.Valid(r, resolutionKindNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (r ResolutionKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(r, resolutionKindNames, "resolution")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (r *ResolutionKind) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(r, b, ParseResolutionKind)
}

// Cause is why the problem happened, as found by the investigation (domain rules §5 step 4).
type Cause uint8

const (
	// CauseManufacturing is a sewing or finishing fault.
	CauseManufacturing Cause = iota + 1
	// CauseMaterial is a fabric, dye or trim fault.
	CauseMaterial
	// CauseSizing is a size chart or grading fault.
	CauseSizing
	// CauseDescription is a misleading product description or photo.
	CauseDescription
	// CausePicking is a picking or packing error in the warehouse.
	CausePicking
	// CauseCarrier is the carrier's fault.
	CauseCarrier
	// CauseStaffConduct is a staff member's conduct. A finding of it
	// names the staff member directly responsible ([Finding].Staff),
	// whom the carry-out holds accountable (domain rules §5 step 7).
	CauseStaffConduct
	// CausePricing is a wrong price or promotion.
	CausePricing
	// CausePolicy is a policy wrongly applied.
	CausePolicy
	// CauseCustomerUse is use against the care label.
	CauseCustomerUse
	// CauseOther is anything else.
	CauseOther
)

var causeNames = []string{"", "manufacturing", "material", "sizing", "description", "picking", "carrier", "staff-conduct", "pricing", "policy", "customer-use", "other"}

// ParseCause parses the text form of a Cause: "manufacturing", "material", "sizing", "description", "picking", "carrier", "staff-conduct", "pricing", "policy", "customer-use" or "other".
func ParseCause(s string) (Cause, error) {
	return enumtext.Parse[Cause](s, causeNames, "cause")
}

// String returns the text form, or "Cause(n)" for an undefined value.
func (c Cause) String() string { return enumtext.String(c, causeNames, "Cause") }

// Valid reports whether c is a defined Cause.
func (c Cause) Valid() bool { return enumtext.Valid(c, causeNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (c Cause) MarshalText() ([]byte, error) { return enumtext.Marshal(c, causeNames, "cause") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (c *Cause) UnmarshalText(b []byte) error { return enumtext.Unmarshal(c, b, ParseCause) }

// Party is who is responsible for the problem.
type Party uint8

const (
	// PartySupplier is the manufacturer or supplier.
	PartySupplier Party = iota + 1
	// PartyWarehouse is the warehouse.
	PartyWarehouse
	// PartyCarrier is the carrier.
	PartyCarrier
	// PartyStore is a shop.
	PartyStore
	// PartyCustomerService is customer service.
	PartyCustomerService
	// PartyMarketing is marketing or merchandising.
	PartyMarketing
	// PartyCustomer is the customer.
	PartyCustomer
	// PartyUndetermined could not be determined.
	PartyUndetermined
)

var partyNames = []string{"", "supplier", "warehouse", "carrier", "store", "customer-service", "marketing", "customer", "undetermined"}

// ParseParty parses the text form of a Party: "supplier", "warehouse", "carrier", "store", "customer-service", "marketing", "customer" or "undetermined".
func ParseParty(s string) (Party, error) {
	return enumtext.Parse[Party](s, partyNames, "party")
}

// String returns the text form, or "Party(n)" for an undefined value.
func (p Party) String() string { return enumtext.String(p, partyNames, "Party") }

// Valid reports whether p is a defined Party.
func (p Party) Valid() bool { return enumtext.Valid(p, partyNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (p Party) MarshalText() ([]byte, error) { return enumtext.Marshal(p, partyNames, "party") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (p *Party) UnmarshalText(b []byte) error { return enumtext.Unmarshal(p, b, ParseParty) }

// AccountabilityAction is what happens to a staff member found responsible (domain rules §5 step 7).
// The actions are declared from the lightest to the heaviest, the order
// in which a [PenaltySchedule] compares them.
type AccountabilityAction uint8

const (
	// ActionCoaching is coaching or training.
	ActionCoaching AccountabilityAction = iota + 1
	// ActionWarning is a formal warning.
	ActionWarning
	// ActionPayDeduction is a deduction from performance pay, sized by
	// the loss: at least the share of the loss the policy's penalty
	// schedule asks ([Policy].Penalties), and together with the other
	// deductions of the carry-out at most the loss ([Execution].Loss).
	ActionPayDeduction
)

var accountabilityActionNames = []string{"", "coaching", "warning", "pay-deduction"}

// ParseAccountabilityAction parses the text form of a AccountabilityAction: "coaching", "warning" or "pay-deduction".
func ParseAccountabilityAction(s string) (AccountabilityAction, error) {
	return enumtext.Parse[AccountabilityAction](s, accountabilityActionNames, "accountability action")
}

// String returns the text form, or "AccountabilityAction(n)" for an undefined value.
func (a AccountabilityAction) String() string {
	return enumtext.String(a, accountabilityActionNames, "AccountabilityAction")
}

// Valid reports whether a is a defined AccountabilityAction.
func (a AccountabilityAction) Valid() bool { return enumtext.Valid(a, accountabilityActionNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (a AccountabilityAction) MarshalText() ([]byte, error) {
	return enumtext.Marshal(a, accountabilityActionNames, "accountability action")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (a *AccountabilityAction) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(a, b, ParseAccountabilityAction)
}
