package complaint_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// TestApplyRefusesBlankTexts checks that a text the workflow requires —
// the complainant's account, the reply of a rejection, the reason of an
// escalation, what the investigation found — is refused when it holds
// only white space: the audit trail would record a step without its why.
func TestApplyRefusesBlankTexts(t *testing.T) {
	in := complainttest.Intake("C-1", t0)
	in.Description = " \t\n"
	invalid(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0,
		"command.intake.description", customer.CodeRequired)

	var ve *customer.ValidationError
	require.ErrorAs(t, in.Validate(t0), &ve)
	assert.True(t, ve.Has("description", customer.CodeRequired), "%v", ve)

	in = complainttest.Intake("C-1", t0)
	in.Complainant = "  "
	invalid(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0,
		"command.intake.complainant", customer.CodeRequired)

	c, _ := reach(0)
	invalid(t, c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "   "}, system, hours(1),
		"command.reason", customer.CodeRequired)
	invalid(t, c, complaint.Command{Kind: complaint.CmdReject, Reply: "\u3000"}, agent, hours(1),
		"command.reply", customer.CodeRequired)
	invalid(t, c, complaint.Command{Kind: complaint.CmdWait, Reason: " "}, agent, hours(1),
		"command.reason", customer.CodeRequired)
	invalid(t, c, complaint.Command{Kind: complaint.CmdAccept}, complaint.Actor{ID: " ", Role: complaint.RoleAgent}, hours(1),
		"actor.id", customer.CodeRequired)

	c, _ = reach(2)
	invalid(t, c, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseSizing, Responsible: complaint.PartySupplier, Detail: " "}}, handler, hours(3),
		"command.finding.detail", customer.CodeRequired)

	// Optional texts may be blank; a reason where none is required too.
	c, _ = reach(0)
	do(t, c, complaint.Command{Kind: complaint.CmdAccept, Note: "  "}, agent, hours(1))
	do(t, c, complaint.Command{Kind: complaint.CmdWithdraw, Reason: " "}, complainant, hours(1))
}

// TestApplyRefusesInvalidUTF8 checks that a text that is not valid UTF-8
// is refused: the event's JSON form, the wire and store form of the audit
// trail, would replace its bytes, so the stored event would not be the
// one recorded and would not rebuild the case Apply returned.
func TestApplyRefusesInvalidUTF8(t *testing.T) {
	in := complainttest.Intake("C-1", t0)
	in.Description = "seam split \xff"
	in.Attachments = []string{"photo-\xfe"}
	invalid(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in, Note: "\xc3"}, agent, t0,
		"command.intake.description", customer.CodeFormat,
		"command.intake.attachments[0]", customer.CodeFormat,
		"command.note", customer.CodeFormat)

	c, _ := reach(0)
	invalid(t, c, complaint.Command{Kind: complaint.CmdEscalate, Reason: "slow \xff"}, system, hours(1),
		"command.reason", customer.CodeFormat)
	invalid(t, c, complaint.Command{Kind: complaint.CmdAccept, Key: "msg-\xff"}, agent, hours(1),
		"command.key", customer.CodeFormat)

	c, _ = reach(7)
	invalid(t, c, complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1, Comment: "\xe4\xb8"}}, complainant, hours(8),
		"command.feedback.comment", customer.CodeFormat)

	// Valid UTF-8 of any script, and long texts, pass and survive the
	// JSON round trip.
	long := make([]rune, 100000)
	for i := range long {
		long[i] = '长'
	}
	in = complainttest.Intake("C-2", t0)
	in.Description = "拉链坏了 — zip broken 🧥 " + string(long)
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	var back complaint.Event
	require.NoError(t, json.Unmarshal(b, &back))
	r, err := complaint.Rebuild([]complaint.Event{back})
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, r))
}

// TestApplyRefusesControlCharactersInIDs checks that an ID or a subject
// reference with a control character is refused (CodeFormat), as package
// customer refuses it in its own IDs: a complainant "cust\n1" names no
// customer there can be. Texts may hold line breaks.
func TestApplyRefusesControlCharactersInIDs(t *testing.T) {
	in := complainttest.Intake("C-1", t0)
	in.Complainant = "cust\n1"
	invalid(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0,
		"command.intake.complainant", customer.CodeFormat)

	var ve *customer.ValidationError
	require.ErrorAs(t, in.Validate(t0), &ve)
	assert.True(t, ve.Has("complainant", customer.CodeFormat), "%v", ve)

	in = complainttest.Intake("C-1", t0)
	in.ID = "C-\x001"
	invalid(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0,
		"command.intake.id", customer.CodeFormat)

	c, _ := reach(0)
	invalid(t, c, complaint.Command{Kind: complaint.CmdAccept}, complaint.Actor{ID: "agent\t7", Role: complaint.RoleAgent}, hours(1),
		"actor.id", customer.CodeFormat)

	in = complainttest.Intake("C-1", t0)
	in.Description = "the seam split\nafter one wash"
	_, _, err := complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	require.NoError(t, err, "a description may hold line breaks")
}
