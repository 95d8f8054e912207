package complaint

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/logtext"
)

// The String, fmt and slog forms of a [Case], an [Intake], an [Event], a
// [Command] and of the parts of a case that hold texts ([Demand],
// [Finding], [Proposal], [Execution], [Feedback], [Evaluation], [Notice])
// give IDs, codes, states, times and counts, never a free text: the
// complainant's description, demand and attachment references, replies,
// reasons, notes, comments and details are the customer's personal data
// or correspondence with them (see "Privacy" in the package
// documentation), and a case printed or logged by mistake must not copy
// them into logs. Of each text only its length in bytes is given, as in
// "description: 42 bytes". Amounts and feedback scores are left out as
// well. The JSON form, the store's, is unchanged and holds everything.
//
// slog resolves a [slog.LogValuer] only where it is an attribute's
// value: a slice, map or struct holding cases reaches slog.JSONHandler's
// encoding/json field by field, texts included (the text handler formats
// it with fmt, which redacts). Log each case or event as an attribute of
// its own, or its ID.

// String returns the case's IDs, state, times and counts, as in
//
//	complaint case "K-2" of customer "C-2": rejected, version 2, priority normal, opened 2026-03-02T09:00:00Z, updated 2026-03-02T10:00:00Z, decided 2026-03-02T10:00:00Z, complaint form "K-2" … 2 attachments, texts: 72 bytes, personal data redacted
//
// without any of its texts. After the handler come, where the case has
// them, the times it was decided, carried out, closed and erased, the
// finding, proposal, execution, feedback and evaluation in their own
// forms ([Finding.String] and the like), the proposer, the approver with
// the time of the approval, "refunded all units" when a refund left the
// customer none of the subject's units (RefundedAll), and the counters
// that are not zero.
func (c Case) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "complaint case %q of customer %q: %s, version %d, priority %s, opened %s, updated %s",
		string(c.ID), string(c.Intake.Complainant), c.State, c.Version, c.Priority, logtext.Time(c.Opened), logtext.Time(c.Updated))
	if c.State == StateWaiting {
		fmt.Fprintf(&b, ", resumes to %s", c.ResumeTo)
	}
	if c.Department != "" {
		fmt.Fprintf(&b, ", department %q", c.Department)
	}
	if c.Handler != "" {
		fmt.Fprintf(&b, ", handler %q", string(c.Handler))
	}
	for _, t := range []struct {
		name string
		at   time.Time
	}{{"decided", c.Decided}, {"carried out", c.CarriedOut}, {"closed", c.Closed}, {"erased", c.Erased}} {
		if !t.at.IsZero() {
			fmt.Fprintf(&b, ", %s %s", t.name, logtext.Time(t.at))
		}
	}
	if c.Finding != nil {
		b.WriteString(", " + c.Finding.String())
	}
	if c.Proposal != nil {
		b.WriteString(", " + c.Proposal.String())
	}
	if c.Proposal != nil && c.ProposedBy != "" {
		fmt.Fprintf(&b, " by %q", string(c.ProposedBy))
	}
	if c.ApprovedBy != "" || !c.Approved.IsZero() {
		b.WriteString(", approved" + approvalText(c.ApprovedBy, c.Approved))
	}
	if c.Execution != nil {
		b.WriteString(", " + c.Execution.String())
	}
	if c.RefundedAll {
		b.WriteString(", refunded all units")
	}
	if c.Feedback != nil {
		b.WriteString(", " + c.Feedback.String())
	}
	if c.Evaluation != nil {
		b.WriteString(", " + c.Evaluation.String())
	}
	for _, n := range []struct {
		count      int
		one, other string
	}{{c.Escalations, "escalation", "escalations"}, {c.SendBacks, "send-back", "send-backs"},
		{c.Reopens, "reopening", "reopenings"}, {c.Reassigns, "reassignment", "reassignments"}, {c.Waits, "wait", "waits"},
		{c.Revisions, "revision", "revisions"}} {
		if n.count > 0 {
			b.WriteString(", " + logtext.Count(n.count, n.one, n.other))
		}
	}
	b.WriteString(", " + c.Intake.describe())
	fmt.Fprintf(&b, ", texts: %s, personal data redacted", bytesText(c.textBytes()))
	return b.String()
}

// textBytes is the length of all the free texts of the case.
func (c Case) textBytes() int {
	n := c.Intake.textBytes() + len(c.Reply) + len(c.SendBackReason) + len(c.WaitReason) + len(c.WithdrawReason)
	if c.Finding != nil {
		n += len(c.Finding.Detail)
	}
	if c.Proposal != nil {
		n += len(c.Proposal.Detail)
	}
	if c.Execution != nil {
		n += len(c.Execution.Detail)
	}
	if c.Feedback != nil {
		n += len(c.Feedback.Comment)
	}
	if c.Evaluation != nil {
		n += c.Evaluation.textBytes()
	}
	return n
}

// GoString returns [Case.String], quoted, for %#v.
func (c Case) GoString() string { return strconv.Quote(c.String()) }

// Format prints [Case.String] for every verb (quoted for %q and %#v), so
// that no fmt verb shows the case's texts (a plain struct would print
// every field under %v and %+v).
func (c Case) Format(f fmt.State, verb rune) { logtext.Format(f, verb, c.String()) }

// LogValue implements [slog.LogValuer]: a group of the case ID, the
// complainant, the state, version, priority, times, department and
// handler, the finding, proposal, execution, feedback and evaluation in
// their own forms ([Finding.LogValue] and the like), the proposer, the
// approver and the time of the approval ("approved"), "refunded_all": true
// when RefundedAll is set, the counters, the intake's own form
// ([Intake.LogValue]), the length of the texts ("text_bytes") and
// "personal_data": "[redacted]".
// slog handlers, text or JSON, therefore never print a text of a case
// logged as an attribute's value.
func (c Case) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", string(c.ID)),
		slog.String("complainant", string(c.Intake.Complainant)),
		slog.String("state", c.State.String()),
		slog.Int("version", c.Version),
		slog.String("priority", c.Priority.String()),
		slog.Time("opened", c.Opened),
		slog.Time("updated", c.Updated),
	}
	if c.State == StateWaiting {
		attrs = append(attrs, slog.String("resume_to", c.ResumeTo.String()))
	}
	if c.Department != "" {
		attrs = append(attrs, slog.String("department", c.Department))
	}
	if c.Handler != "" {
		attrs = append(attrs, slog.String("handler", string(c.Handler)))
	}
	for _, t := range []struct {
		key string
		at  time.Time
	}{{"decided", c.Decided}, {"carried_out", c.CarriedOut}, {"closed", c.Closed}, {"erased", c.Erased}} {
		if !t.at.IsZero() {
			attrs = append(attrs, slog.Time(t.key, t.at))
		}
	}
	if c.Finding != nil {
		attrs = append(attrs, slog.Attr{Key: "finding", Value: c.Finding.LogValue()})
	}
	if c.Proposal != nil {
		attrs = append(attrs, slog.Attr{Key: "proposal", Value: c.Proposal.LogValue()})
	}
	if c.ProposedBy != "" {
		attrs = append(attrs, slog.String("proposed_by", string(c.ProposedBy)))
	}
	if c.ApprovedBy != "" {
		attrs = append(attrs, slog.String("approved_by", string(c.ApprovedBy)))
	}
	if !c.Approved.IsZero() {
		attrs = append(attrs, slog.Time("approved", c.Approved))
	}
	if c.Execution != nil {
		attrs = append(attrs, slog.Attr{Key: "execution", Value: c.Execution.LogValue()})
	}
	if c.RefundedAll {
		attrs = append(attrs, slog.Bool("refunded_all", true))
	}
	if c.Feedback != nil {
		attrs = append(attrs, slog.Attr{Key: "feedback", Value: c.Feedback.LogValue()})
	}
	if c.Evaluation != nil {
		attrs = append(attrs, slog.Attr{Key: "evaluation", Value: c.Evaluation.LogValue()})
	}
	attrs = append(attrs,
		slog.Int("escalations", c.Escalations),
		slog.Int("send_backs", c.SendBacks),
		slog.Int("reopens", c.Reopens),
		slog.Int("reassigns", c.Reassigns),
		slog.Int("waits", c.Waits),
		slog.Int("revisions", c.Revisions),
		slog.Attr{Key: "intake", Value: c.Intake.LogValue()},
		slog.Int("text_bytes", c.textBytes()),
		slog.String("personal_data", customer.Redacted))
	return slog.GroupValue(attrs...)
}

// String returns the form's IDs, codes and the length of its texts, as
// in
//
//	complaint form "K-1" of customer "C-1" received 2026-03-02T09:00:00Z by web about product (order "O-1", sku "JKT-01-M"), category seams, severity medium, currency EUR, demand refund (text: 0 bytes), description: 26 bytes, 2 attachments, personal data redacted
//
// without the description, the demand's text or the attachment
// references.
func (in Intake) String() string { return in.describe() + ", personal data redacted" }

// describe is [Intake.String] without its closing remark.
func (in Intake) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "complaint form %q of customer %q received %s by %s about %s", string(in.ID), string(in.Complainant),
		logtext.Time(in.Received), in.Channel, in.Subject.Kind)
	if refs := in.Subject.refs(); len(refs) > 0 {
		parts := make([]string, len(refs))
		for i, r := range refs {
			parts[i] = r[0] + " " + strconv.Quote(r[1])
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	fmt.Fprintf(&b, ", category %s, severity %s", in.Category, in.Severity)
	if in.Value != 0 {
		fmt.Fprintf(&b, ", value %s", in.Value)
	}
	fmt.Fprintf(&b, ", currency %s, %s, description: %s, %s",
		string(in.Currency), in.Demand.String(), bytesText(len(in.Description)), logtext.Count(len(in.Attachments), "attachment", "attachments"))
	return b.String()
}

// textBytes is the length of the form's free texts.
func (in Intake) textBytes() int {
	n := len(in.Description) + len(in.Demand.Text)
	for _, a := range in.Attachments {
		n += len(a)
	}
	return n
}

// refs returns the subject's references that are set, as (name, value).
func (s Subject) refs() [][2]string {
	var r [][2]string
	for _, x := range [][2]string{{"order", s.Order}, {"sku", s.SKU}, {"store", s.Store}, {"staff", s.Staff}, {"delivery", s.Delivery}} {
		if x[1] != "" {
			r = append(r, x)
		}
	}
	return r
}

// GoString returns [Intake.String], quoted, for %#v.
func (in Intake) GoString() string { return strconv.Quote(in.String()) }

// Format prints [Intake.String] for every verb (quoted for %q and %#v).
func (in Intake) Format(f fmt.State, verb rune) { logtext.Format(f, verb, in.String()) }

// LogValue implements [slog.LogValuer]: a group of the case ID, the
// complainant, the channel, the receipt time, the subject's kind and
// references, the category, severity, value class, currency and demand
// kind, the lengths of the description and the demand's text, the
// number of attachments, and "personal_data": "[redacted]".
func (in Intake) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", string(in.ID)),
		slog.String("complainant", string(in.Complainant)),
		slog.String("channel", in.Channel.String()),
		slog.Time("received", in.Received),
		slog.String("subject", in.Subject.Kind.String()),
	}
	for _, r := range in.Subject.refs() {
		attrs = append(attrs, slog.String(r[0], r[1]))
	}
	attrs = append(attrs,
		slog.String("category", in.Category.String()),
		slog.String("severity", in.Severity.String()))
	if in.Value != 0 {
		attrs = append(attrs, slog.String("value", in.Value.String()))
	}
	attrs = append(attrs,
		slog.String("currency", string(in.Currency)),
		slog.Attr{Key: "demand", Value: in.Demand.LogValue()},
		slog.Int("description_bytes", len(in.Description)),
		slog.Int("attachments", len(in.Attachments)),
		slog.String("personal_data", customer.Redacted))
	return slog.GroupValue(attrs...)
}

// String returns the kind of the demand and the length of its text, as
// in "demand refund (text: 12 bytes)", without the text or the amount.
func (d Demand) String() string {
	return fmt.Sprintf("demand %s (text: %s)", d.Kind, bytesText(len(d.Text)))
}

// GoString returns [Demand.String], quoted, for %#v.
func (d Demand) GoString() string { return strconv.Quote(d.String()) }

// Format prints [Demand.String] for every verb (quoted for %q and %#v).
func (d Demand) Format(f fmt.State, verb rune) { logtext.Format(f, verb, d.String()) }

// LogValue implements [slog.LogValuer]: the kind and the length of the
// text.
func (d Demand) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kind", d.Kind.String()), slog.Int("text_bytes", len(d.Text)))
}

// String returns the cause, the responsible party and staff member and
// the length of the detail, as in
// `finding manufacturing by supplier (detail: 20 bytes)`.
func (f Finding) String() string {
	s := fmt.Sprintf("finding %s by %s", f.Cause, f.Responsible)
	if f.Staff != "" {
		s += fmt.Sprintf(", staff %q", string(f.Staff))
	}
	return s + " (detail: " + bytesText(len(f.Detail)) + ")"
}

// GoString returns [Finding.String], quoted, for %#v.
func (f Finding) GoString() string { return strconv.Quote(f.String()) }

// Format prints [Finding.String] for every verb (quoted for %q and %#v).
func (f Finding) Format(fs fmt.State, verb rune) { logtext.Format(fs, verb, f.String()) }

// LogValue implements [slog.LogValuer]: cause, responsible party, staff
// member and the length of the detail.
func (f Finding) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("cause", f.Cause.String()), slog.String("responsible", f.Responsible.String())}
	if f.Staff != "" {
		attrs = append(attrs, slog.String("staff", string(f.Staff)))
	}
	return slog.GroupValue(append(attrs, slog.Int("detail_bytes", len(f.Detail)))...)
}

// String returns the kind, the units when set and the length of the
// detail, as in "proposal refund (detail: 30 bytes)" or "proposal refund
// of 1 unit (detail: 30 bytes)".
func (p Proposal) String() string {
	if p.Units != 0 {
		return fmt.Sprintf("proposal %s of %s (detail: %s)", p.Kind, logtext.Count(p.Units, "unit", "units"), bytesText(len(p.Detail)))
	}
	return fmt.Sprintf("proposal %s (detail: %s)", p.Kind, bytesText(len(p.Detail)))
}

// GoString returns [Proposal.String], quoted, for %#v.
func (p Proposal) GoString() string { return strconv.Quote(p.String()) }

// Format prints [Proposal.String] for every verb (quoted for %q and %#v).
func (p Proposal) Format(f fmt.State, verb rune) { logtext.Format(f, verb, p.String()) }

// LogValue implements [slog.LogValuer]: the kind, the units when set and
// the length of the detail.
func (p Proposal) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("kind", p.Kind.String())}
	if p.Units != 0 {
		attrs = append(attrs, slog.Int("units", p.Units))
	}
	return slog.GroupValue(append(attrs, slog.Int("detail_bytes", len(p.Detail)))...)
}

// String returns the channel the customer was notified on, the number
// of accountability measures and the length of the detail, as in
// "execution notified by email, 1 accountability measure (detail: 0 bytes)".
func (e Execution) String() string {
	return fmt.Sprintf("execution notified by %s, %s (detail: %s)", e.Notified,
		logtext.Count(len(e.Accountability), "accountability measure", "accountability measures"), bytesText(len(e.Detail)))
}

// GoString returns [Execution.String], quoted, for %#v.
func (e Execution) GoString() string { return strconv.Quote(e.String()) }

// Format prints [Execution.String] for every verb (quoted for %q and %#v).
func (e Execution) Format(f fmt.State, verb rune) { logtext.Format(f, verb, e.String()) }

// LogValue implements [slog.LogValuer]: the channel, the number of
// accountability measures and the length of the detail.
func (e Execution) LogValue() slog.Value {
	return slog.GroupValue(slog.String("notified", e.Notified.String()),
		slog.Int("accountability", len(e.Accountability)), slog.Int("detail_bytes", len(e.Detail)))
}

// String returns the length of the comment only, as in
// "feedback (comment: 12 bytes)".
func (f Feedback) String() string { return "feedback (comment: " + bytesText(len(f.Comment)) + ")" }

// GoString returns [Feedback.String], quoted, for %#v.
func (f Feedback) GoString() string { return strconv.Quote(f.String()) }

// Format prints [Feedback.String] for every verb (quoted for %q and %#v).
func (f Feedback) Format(fs fmt.State, verb rune) { logtext.Format(fs, verb, f.String()) }

// LogValue implements [slog.LogValuer]: the length of the comment.
func (f Feedback) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("comment_bytes", len(f.Comment)))
}

// String returns the lengths of the texts, as in
// "evaluation (lessons: 11 bytes, improvement: 22 bytes)".
func (e Evaluation) String() string {
	return fmt.Sprintf("evaluation (lessons: %s, improvement: %s)", bytesText(len(e.Lessons)), bytesText(len(e.Improvement)))
}

func (e Evaluation) textBytes() int { return len(e.Lessons) + len(e.Improvement) }

// GoString returns [Evaluation.String], quoted, for %#v.
func (e Evaluation) GoString() string { return strconv.Quote(e.String()) }

// Format prints [Evaluation.String] for every verb (quoted for %q and %#v).
func (e Evaluation) Format(f fmt.State, verb rune) { logtext.Format(f, verb, e.String()) }

// LogValue implements [slog.LogValuer]: the lengths of the texts.
func (e Evaluation) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("lessons_bytes", len(e.Lessons)), slog.Int("improvement_bytes", len(e.Improvement)))
}

// String returns the kind, the key and what the payload is, with the
// length of each text, as in
//
//	command reject (reply: 40 bytes, note: 12 bytes)
//
// without the texts.
func (cmd Command) String() string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if cmd.Key != "" {
		add("key %q", cmd.Key)
	}
	if cmd.Intake != nil {
		parts = append(parts, cmd.Intake.String())
	}
	if cmd.Reply != "" {
		add("reply: %s", bytesText(len(cmd.Reply)))
	}
	if cmd.Reason != "" {
		add("reason: %s", bytesText(len(cmd.Reason)))
	}
	if a := cmd.Assignment; a != nil {
		add("assignment to department %q, handler %q", a.Department, string(a.Handler))
	}
	for _, p := range []fmt.Stringer{optional(cmd.Finding), optional(cmd.Proposal), optional(cmd.Execution), optional(cmd.Feedback), optional(cmd.Evaluation)} {
		if p != nil {
			parts = append(parts, p.String())
		}
	}
	if cmd.Note != "" {
		add("note: %s", bytesText(len(cmd.Note)))
	}
	s := "command " + cmd.Kind.String()
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// optional returns p as a [fmt.Stringer], nil when p is nil.
func optional[T fmt.Stringer](p *T) fmt.Stringer {
	if p == nil {
		return nil
	}
	return *p
}

// GoString returns [Command.String], quoted, for %#v.
func (cmd Command) GoString() string { return strconv.Quote(cmd.String()) }

// Format prints [Command.String] for every verb (quoted for %q and %#v).
func (cmd Command) Format(f fmt.State, verb rune) { logtext.Format(f, verb, cmd.String()) }

// LogValue implements [slog.LogValuer]: a group of the kind, the key, the
// payload's IDs and codes ([Intake.LogValue] and the like), the lengths
// of the texts, and "personal_data": "[redacted]".
func (cmd Command) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("kind", cmd.Kind.String())}
	if cmd.Key != "" {
		attrs = append(attrs, slog.String("key", cmd.Key))
	}
	if cmd.Intake != nil {
		attrs = append(attrs, slog.Attr{Key: "intake", Value: cmd.Intake.LogValue()})
	}
	if cmd.Reply != "" {
		attrs = append(attrs, slog.Int("reply_bytes", len(cmd.Reply)))
	}
	if cmd.Reason != "" {
		attrs = append(attrs, slog.Int("reason_bytes", len(cmd.Reason)))
	}
	if a := cmd.Assignment; a != nil {
		attrs = append(attrs, slog.Group("assignment", slog.String("department", a.Department), slog.String("handler", string(a.Handler))))
	}
	if cmd.Finding != nil {
		attrs = append(attrs, slog.Attr{Key: "finding", Value: cmd.Finding.LogValue()})
	}
	if cmd.Proposal != nil {
		attrs = append(attrs, slog.Attr{Key: "proposal", Value: cmd.Proposal.LogValue()})
	}
	if cmd.Execution != nil {
		attrs = append(attrs, slog.Attr{Key: "execution", Value: cmd.Execution.LogValue()})
	}
	if cmd.Feedback != nil {
		attrs = append(attrs, slog.Attr{Key: "feedback", Value: cmd.Feedback.LogValue()})
	}
	if cmd.Evaluation != nil {
		attrs = append(attrs, slog.Attr{Key: "evaluation", Value: cmd.Evaluation.LogValue()})
	}
	if cmd.Note != "" {
		attrs = append(attrs, slog.Int("note_bytes", len(cmd.Note)))
	}
	attrs = append(attrs, slog.String("personal_data", customer.Redacted))
	return slog.GroupValue(attrs...)
}

// String returns the event's case, number, time, actor (with the
// actor's department where known, as an approval by the relevant
// department is checked by it), states, priority, the department a
// reassignment left, the resolution a revision took back with the time
// and approver of its approval, "took back the last units" for a
// carry-out marked [Event.LastUnits] (after which the case refuses
// another refund), the erasure time and the command ([Command.String]),
// as in
//
//	event 2 of complaint case "K-1" at 2026-03-02T10:00:00Z by agent:A-1: recorded → rejected, priority high, command reject (reply: 40 bytes)
//	event 6 of complaint case "K-1" at 2026-03-02T14:00:00Z by supervisor:S-3 of department "quality": proposed → approved, priority normal, command approve
//	event 7 of complaint case "K-1" at 2026-03-02T15:00:00Z by handler:H-1: approved → carried-out, priority normal, took back the last units, command carry-out (execution notified by email, 1 accountability measure (detail: 12 bytes))
//
// without any text.
func (e Event) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "event %d of complaint case %q at %s by %s", e.Seq, string(e.Case), logtext.Time(e.At), e.Actor)
	if e.Actor.Department != "" {
		fmt.Fprintf(&b, " of department %q", e.Actor.Department)
	}
	fmt.Fprintf(&b, ": %s → %s, priority %s", e.From, e.To, e.Priority)
	if e.FromDepartment != "" {
		fmt.Fprintf(&b, ", from department %q", e.FromDepartment)
	}
	if e.Revised != nil {
		b.WriteString(", revised " + e.Revised.String())
	}
	if e.RevisedApprovedBy != "" || !e.RevisedApproved.IsZero() {
		if e.Revised == nil {
			b.WriteString(", revised a resolution")
		}
		b.WriteString(" approved" + approvalText(e.RevisedApprovedBy, e.RevisedApproved))
	}
	if e.LastUnits {
		b.WriteString(", took back the last units")
	}
	if !e.Erased.IsZero() {
		fmt.Fprintf(&b, ", erased %s", logtext.Time(e.Erased))
	}
	b.WriteString(", " + e.Command.String())
	return b.String()
}

// GoString returns [Event.String], quoted, for %#v.
func (e Event) GoString() string { return strconv.Quote(e.String()) }

// Format prints [Event.String] for every verb (quoted for %q and %#v).
func (e Event) Format(f fmt.State, verb rune) { logtext.Format(f, verb, e.String()) }

// LogValue implements [slog.LogValuer]: a group of the case ID, the
// sequence number, the time, the actor and role, the actor's department
// where known (actor_department), the states, the priority, the
// department left by a reassignment, the resolution a revision took
// back and the time and approver of its approval ("revised_approved",
// "revised_approved_by"), "last_units": true for a carry-out marked
// [Event.LastUnits], the erasure time and the command's own form
// ([Command.LogValue]).
func (e Event) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("case", string(e.Case)),
		slog.Int("seq", e.Seq),
		slog.Time("at", e.At),
		slog.String("actor", string(e.Actor.ID)),
		slog.String("role", e.Actor.Role.String()),
	}
	if e.Actor.Department != "" {
		attrs = append(attrs, slog.String("actor_department", e.Actor.Department))
	}
	attrs = append(attrs,
		slog.String("from", e.From.String()),
		slog.String("to", e.To.String()),
		slog.String("priority", e.Priority.String()),
	)
	if e.FromDepartment != "" {
		attrs = append(attrs, slog.String("from_department", e.FromDepartment))
	}
	if e.Revised != nil {
		attrs = append(attrs, slog.Attr{Key: "revised", Value: e.Revised.LogValue()})
	}
	if !e.RevisedApproved.IsZero() {
		attrs = append(attrs, slog.Time("revised_approved", e.RevisedApproved))
	}
	if e.RevisedApprovedBy != "" {
		attrs = append(attrs, slog.String("revised_approved_by", string(e.RevisedApprovedBy)))
	}
	if e.LastUnits {
		attrs = append(attrs, slog.Bool("last_units", true))
	}
	if !e.Erased.IsZero() {
		attrs = append(attrs, slog.Time("erased", e.Erased))
	}
	attrs = append(attrs, slog.Attr{Key: "command", Value: e.Command.LogValue()})
	return slog.GroupValue(attrs...)
}

// String returns the notice's case, event, topic and channel, the value
// class and department where set, the length of its texts, the
// resolution's kind and that of the one revised ([Proposal.String]) with
// the time it was approved, as in
//
//	notice rejected of complaint case "K-1" event 2 at 2026-03-02T10:00:00Z to customer "C-1" by web (reply: 40 bytes)
//
// without the reply or what the customer is asked.
func (n Notice) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "notice %s of complaint case %q event %d at %s to customer %q by %s", n.Topic, string(n.Case), n.Seq,
		logtext.Time(n.At), string(n.Complainant), n.Channel)
	if n.Value != 0 {
		fmt.Fprintf(&b, ", value %s", n.Value)
	}
	if n.Department != "" {
		fmt.Fprintf(&b, ", department %q", n.Department)
	}
	var parts []string
	if n.Reply != "" {
		parts = append(parts, "reply: "+bytesText(len(n.Reply)))
	}
	if n.Asked != "" {
		parts = append(parts, "asked: "+bytesText(len(n.Asked)))
	}
	if n.Resolution != nil {
		parts = append(parts, n.Resolution.String())
	}
	switch {
	case n.Revised != nil && !n.RevisedApproved.IsZero():
		parts = append(parts, "revised "+n.Revised.String()+" approved "+logtext.Time(n.RevisedApproved))
	case n.Revised != nil:
		parts = append(parts, "revised "+n.Revised.String())
	case !n.RevisedApproved.IsZero():
		parts = append(parts, "revised a resolution approved "+logtext.Time(n.RevisedApproved))
	}
	if len(parts) > 0 {
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	return b.String()
}

// GoString returns [Notice.String], quoted, for %#v.
func (n Notice) GoString() string { return strconv.Quote(n.String()) }

// Format prints [Notice.String] for every verb (quoted for %q and %#v).
func (n Notice) Format(f fmt.State, verb rune) { logtext.Format(f, verb, n.String()) }

// LogValue implements [slog.LogValuer]: the case ID, the event and its
// time, topic, complainant, channel, value class and department, the
// lengths of the texts, the own form ([Proposal.LogValue]: its kind,
// without the amount) of the resolution and of the one revised, and the
// time the one revised was approved ("revised_approved").
func (n Notice) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("case", string(n.Case)),
		slog.Int("seq", n.Seq),
		slog.Time("at", n.At),
		slog.String("topic", n.Topic.String()),
		slog.String("complainant", string(n.Complainant)),
		slog.String("channel", n.Channel.String()),
	}
	if n.Value != 0 {
		attrs = append(attrs, slog.String("value", n.Value.String()))
	}
	if n.Department != "" {
		attrs = append(attrs, slog.String("department", n.Department))
	}
	attrs = append(attrs, slog.Int("reply_bytes", len(n.Reply)), slog.Int("asked_bytes", len(n.Asked)))
	if n.Resolution != nil {
		attrs = append(attrs, slog.Attr{Key: "resolution", Value: n.Resolution.LogValue()})
	}
	if n.Revised != nil {
		attrs = append(attrs, slog.Attr{Key: "revised", Value: n.Revised.LogValue()})
	}
	if !n.RevisedApproved.IsZero() {
		attrs = append(attrs, slog.Time("revised_approved", n.RevisedApproved))
	}
	return slog.GroupValue(attrs...)
}

// approvalText returns the time and approver of an approval as
// ` 2026-03-02T14:00:00Z by "S-3"`, each part left out when not known.
func approvalText(by ActorID, at time.Time) string {
	var b strings.Builder
	if !at.IsZero() {
		b.WriteString(" " + logtext.Time(at))
	}
	if by != "" {
		fmt.Fprintf(&b, " by %q", string(by))
	}
	return b.String()
}

// bytesText returns "1 byte" or "n bytes".
func bytesText(n int) string { return logtext.Count(n, "byte", "bytes") }
