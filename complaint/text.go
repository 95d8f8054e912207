package complaint

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tailorcrm/tailor/customer"
)

// checkTexts reports the texts of cmd and actor that [Apply] refuses
// besides an empty required one, which checkCommand and checkActor
// report:
//   - a text that is not valid UTF-8 (CodeFormat): the JSON form of the
//     event, the wire and store form of the audit trail, replaces such
//     bytes, so the stored event would not be the one recorded, would not
//     rebuild the case Apply returned, and a redelivery of the command
//     would no longer compare equal to it;
//   - a required text, or a reference (an ID), that holds only white
//     space (CodeRequired): the audit trail would record a step without
//     its why, or name nobody;
//   - a reference that holds a control character (CodeFormat), as
//     package customer refuses in its IDs.
//
// Only Apply checks this, not [Rebuild], so that logs written before the
// check still rebuild.
func checkTexts(p *problems, cmd Command, actor Actor) {
	t := texts{p: p}
	t.id("actor.id", string(actor.ID))
	t.check("actor.department", actor.Department, true)
	t.check("command.note", cmd.Note, false)
	t.check("command.key", cmd.Key, false)
	var sh shape
	if cmd.Kind.Valid() {
		sh = shapes[cmd.Kind]
	}
	t.check("command.reply", cmd.Reply, sh.required&pReply != 0)
	t.check("command.reason", cmd.Reason, sh.required&pReason != 0)
	if in := cmd.Intake; in != nil {
		t.intake("command.intake.", *in)
	}
	if a := cmd.Assignment; a != nil {
		t.check("command.assignment.department", a.Department, true)
		t.id("command.assignment.handler", string(a.Handler))
	}
	if f := cmd.Finding; f != nil {
		t.id("command.finding.staff", string(f.Staff))
		t.check("command.finding.detail", f.Detail, true)
	}
	if pr := cmd.Proposal; pr != nil {
		t.check("command.proposal.detail", pr.Detail, true)
	}
	if e := cmd.Execution; e != nil {
		t.check("command.execution.detail", e.Detail, false)
		for i, a := range e.Accountability {
			t.id(fmt.Sprintf("command.execution.accountability[%d].staff", i), string(a.Staff))
		}
	}
	if f := cmd.Feedback; f != nil {
		t.check("command.feedback.comment", f.Comment, false)
	}
	if e := cmd.Evaluation; e != nil {
		t.check("command.evaluation.lessons", e.Lessons, true)
		t.check("command.evaluation.improvement", e.Improvement, true)
	}
}

// texts checks texts into p.
type texts struct{ p *problems }

// intake checks the texts of a complaint form, its field names prefixed.
func (t texts) intake(prefix string, in Intake) {
	t.id(prefix+"id", string(in.ID))
	t.id(prefix+"complainant", string(in.Complainant))
	s := in.Subject
	t.id(prefix+"subject.order", s.Order)
	t.id(prefix+"subject.sku", s.SKU)
	t.id(prefix+"subject.store", s.Store)
	t.id(prefix+"subject.staff", s.Staff)
	t.check(prefix+"subject.delivery", s.Delivery, true)
	t.check(prefix+"demand.text", in.Demand.Text, false)
	t.check(prefix+"description", in.Description, true)
	for i, a := range in.Attachments {
		t.check(fmt.Sprintf("%sattachments[%d]", prefix, i), a, true)
	}
}

// check reports v when it is not valid UTF-8, or when it holds only white
// space and must not (noBlank). An empty v is left to the checks of
// required fields.
func (t texts) check(field, v string, noBlank bool) {
	if v == "" {
		return
	}
	if !utf8.ValidString(v) {
		at := 0
		for at < len(v) {
			r, n := utf8.DecodeRuneInString(v[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		t.p.add(field, customer.CodeFormat, fmt.Sprintf("is not valid UTF-8 (byte %d of %d)", at, len(v)))
		return
	}
	if noBlank && blank(v) {
		t.p.add(field, customer.CodeRequired, fmt.Sprintf("is blank (%d characters of white space only)", utf8.RuneCountInString(v)))
	}
}

// id checks a reference (an ID) as check does a required text, and
// reports one that holds a control character (CodeFormat), as package
// customer refuses in its IDs: a complainant "cust\n1" names no
// customer there is, and breaks the lines of a log or an export.
func (t texts) id(field, v string) {
	n := len(t.p.fields)
	t.check(field, v, true)
	if len(t.p.fields) > n {
		return
	}
	if i := strings.IndexFunc(v, unicode.IsControl); i >= 0 {
		t.p.add(field, customer.CodeFormat, fmt.Sprintf("holds a control character (%U at byte %d)", []rune(v[i:])[0], i))
	}
}

// blank reports whether v holds only white space ([unicode.IsSpace]).
func blank(v string) bool {
	for _, r := range v {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}
