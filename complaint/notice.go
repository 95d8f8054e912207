package complaint

import (
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Topic is what a [Notice] to the complainant is about.
type Topic uint8

const (
	// TopicReceived: the complaint is recorded (step 1).
	TopicReceived Topic = iota + 1
	// TopicAccepted: it is judged to hold and will be handled (step 2).
	TopicAccepted
	// TopicRejected: it is judged not to hold; Notice.Reply says why
	// (step 2).
	TopicRejected
	// TopicAssigned: a department has taken it (step 3).
	TopicAssigned
	// TopicInvestigating: the department looks into the cause (step 4).
	TopicInvestigating
	// TopicResolutionDecided: a resolution is approved; Notice.Resolution
	// says what will be done (steps 5 and 6).
	TopicResolutionDecided
	// TopicResolved: the resolution is carried out, and the customer is
	// asked for feedback (step 7).
	TopicResolved
	// TopicClosed: the case is closed (step 8).
	TopicClosed
	// TopicWaiting: the brand needs something from the customer;
	// Notice.Asked says what.
	TopicWaiting
	// TopicResumed: work on the case goes on.
	TopicResumed
	// TopicReopened: the case is open again.
	TopicReopened
	// TopicWithdrawn: the customer's withdrawal is confirmed.
	TopicWithdrawn
	// TopicReassigned: another department has taken the case;
	// Notice.Department names it (step 3 again).
	TopicReassigned
	// TopicResolutionRevised: the resolution decided cannot be carried
	// out as announced, and another one is being prepared (steps 5 and 6
	// again).
	TopicResolutionRevised
)

var topicNames = []string{"", "received", "accepted", "rejected", "assigned", "investigating",
	"resolution-decided", "resolved", "closed", "waiting", "resumed", "reopened", "withdrawn", "reassigned", "resolution-revised"}

// ParseTopic parses the text form of a Topic, such as "received" or
// "resolution-decided".
func ParseTopic(s string) (Topic, error) { return enumtext.Parse[Topic](s, topicNames, "topic") }

// String returns the text form, or "Topic(n)" for an undefined value.
func (t Topic) String() string { return enumtext.String(t, topicNames, "Topic") }

// Valid reports whether t is a defined Topic.
func (t Topic) Valid() bool { return enumtext.Valid(t, topicNames) }

// MarshalText implements [encoding.TextMarshaler]; an undefined value is an error.
func (t Topic) MarshalText() ([]byte, error) { return enumtext.Marshal(t, topicNames, "topic") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (t *Topic) UnmarshalText(b []byte) error { return enumtext.Unmarshal(t, b, ParseTopic) }

// Notice is what the complainant is told after an event: the procedure
// asks to keep the customer informed of every step (domain rules §5). It holds
// the facts of the message; the caller words it in the customer's
// language and sends it, by Channel or otherwise.
type Notice struct {
	Case        ID          `json:"case"`
	Seq         int         `json:"seq"` // of the event
	At          time.Time   `json:"at"`  // of the event
	Complainant customer.ID `json:"complainant"`
	// Value is the complainant's value class as recorded with the
	// complaint (0 when unclassified), so that the result is fed back to
	// high-value customers in particular (domain rules §5, from 003): for
	// example a personal call besides the message.
	Value ValueClass `json:"value,omitempty"`
	// Channel is how the complaint arrived, the customer's own choice of
	// channel for the answer; for the resolved notice it is the channel
	// the carry-out records ([Execution].Notified), on which the handler
	// tells the customer what was done, so that the notice and the audit
	// trail agree.
	Channel Channel `json:"channel"`
	Topic   Topic   `json:"topic"`
	// Department handles the case, from the assignment on.
	Department string `json:"department,omitempty"`
	// Reply is the reply of a rejection.
	Reply string `json:"reply,omitempty"`
	// Asked is what the customer is asked for while the case waits.
	Asked string `json:"asked,omitempty"`
	// Resolution is the resolution decided or carried out.
	Resolution *Proposal `json:"resolution,omitempty"`
	// Revised is, for the resolution-revised notice, the resolution
	// decided earlier that will not be carried out as announced (the
	// event's [Event.Revised]). It is nil when the revision was logged
	// before events recorded it and the notice is made by [NoticeOf];
	// [Notices] reads it from the case.
	Revised *Proposal `json:"revised,omitempty"`
	// RevisedApproved is, for the resolution-revised notice, when the
	// resolution taken back was approved (the event's
	// [Event.RevisedApproved]): the day of the decision the customer was
	// told of, in the resolution-decided notice of that time. It is zero
	// when the notice is made by [NoticeOf] from an event that does not
	// know the time: one logged before events recorded it, or the
	// revision of a case stored before cases kept it ([Case].Approved).
	// [Notices] reads it then from the approval in the log. The approver
	// is staff, and is left to the event.
	RevisedApproved time.Time `json:"revised_approved,omitzero"`
}

// NoticeOf returns the notice to the complainant about ev, the event that
// brought c to its version, as [Apply] returns them, and false for an
// event the customer is not told about: the internal steps (a proposal
// before its approval, a send-back, a new handler within the same
// department, an escalation, a second finding) and the customer's own
// feedback. It is an error when ev is not c's last event.
//
// The topics, by command: record → received; accept → accepted; reject →
// rejected; assign → assigned; reassign to another department than
// [Event.FromDepartment] (compared as names, [SameDepartment]) →
// reassigned (the customer learns who handles the case now; a
// reassignment logged without FromDepartment counts as one to another
// department); the first investigation after an
// assignment → investigating; approve → resolution-decided; carry-out →
// resolved (on the carry-out's channel); close → closed; wait →
// waiting; resume → resumed; reopen → reopened; withdraw → withdrawn;
// revise → resolution-revised (the customer was told of the approved
// resolution, and learns it will not be carried out as told; Revised
// names it and RevisedApproved the time it was decided).
func NoticeOf(c Case, ev Event) (Notice, bool, error) {
	if ev.Case != c.ID || ev.Seq != c.Version || ev.To != c.State {
		return Notice{}, false, fmt.Errorf("complaint %q: event %d of case %q is not the last event of the case (version %d, %s): %w",
			c.ID, ev.Seq, ev.Case, c.Version, c.State, ErrBadLog)
	}
	n := Notice{Case: c.ID, Seq: ev.Seq, At: ev.At, Complainant: c.Intake.Complainant, Value: c.Intake.Value, Channel: c.Intake.Channel,
		Department: c.Department}
	switch ev.Command.Kind {
	case CmdRecord:
		n.Topic = TopicReceived
	case CmdAccept:
		n.Topic = TopicAccepted
	case CmdReject:
		n.Topic, n.Reply = TopicRejected, c.Reply
	case CmdAssign:
		n.Topic = TopicAssigned
	case CmdReassign:
		if SameDepartment(ev.FromDepartment, c.Department) {
			return Notice{}, false, nil // a new handler in the same department
		}
		n.Topic = TopicReassigned
	case CmdInvestigate:
		if ev.From != StateAssigned {
			return Notice{}, false, nil // a second finding
		}
		n.Topic = TopicInvestigating
	case CmdApprove:
		n.Topic, n.Resolution = TopicResolutionDecided, cloneProposal(c.Proposal)
	case CmdCarryOut:
		n.Topic, n.Resolution = TopicResolved, cloneProposal(c.Proposal)
		if c.Execution != nil && c.Execution.Notified.Valid() {
			n.Channel = c.Execution.Notified
		}
	case CmdClose:
		n.Topic = TopicClosed
	case CmdWait:
		n.Topic, n.Asked = TopicWaiting, c.WaitReason
	case CmdResume:
		n.Topic = TopicResumed
	case CmdReopen:
		n.Topic = TopicReopened
	case CmdWithdraw:
		n.Topic = TopicWithdrawn
	case CmdRevise:
		n.Topic, n.Revised, n.RevisedApproved = TopicResolutionRevised, cloneProposal(ev.Revised), ev.RevisedApproved
	default:
		return Notice{}, false, nil
	}
	return n, true, nil
}

// Notices returns the notices to the complainant of a case's events, in
// order, checking the log as [Rebuild] does. A reassignment logged
// without [Event.FromDepartment] is judged by the department the case had
// before it, and a revision logged without [Event.Revised] or
// [Event.RevisedApproved] names the resolution the case had approved
// before it, or the time of its approval.
func Notices(events []Event) ([]Notice, error) {
	if len(events) == 0 {
		return nil, fmt.Errorf("complaint: no events: %w", ErrBadLog)
	}
	var c Case
	var out []Notice
	for _, ev := range events {
		if ev.Command.Kind == CmdReassign && ev.FromDepartment == "" {
			// Logged before events recorded it: the case knows.
			ev.FromDepartment = c.Department
		}
		if ev.Command.Kind == CmdRevise && ev.Revised == nil {
			// Logged before events recorded it: the case knows.
			ev.Revised = cloneProposal(c.Proposal)
		}
		if ev.Command.Kind == CmdRevise && ev.RevisedApproved.IsZero() {
			// Logged before events recorded it: the case knows.
			ev.RevisedApproved = c.Approved
		}
		var err error
		if c, err = replay(c, ev); err != nil {
			return nil, err
		}
		n, ok, err := NoticeOf(c, ev)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// cloneProposal returns a copy of p, or nil.
func cloneProposal(p *Proposal) *Proposal {
	if p == nil {
		return nil
	}
	q := *p
	return &q
}
