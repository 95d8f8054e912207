package complaint_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
)

// secret returns a text that must never reach fmt or slog output.
func secret(n int) string { return fmt.Sprintf("SECRET-%02d private words", n) }

// secretCase runs case K-SEC through every text-bearing command, each
// text a distinct secret, and returns every case it went through and its
// events.
func secretCase(t *testing.T) ([]complaint.Case, []complaint.Event) {
	t.Helper()
	in := complaint.Intake{
		ID: "K-SEC", Complainant: "cust-K-SEC", Channel: complaint.ChannelEmail, Received: t0,
		Subject:  complaint.Subject{Kind: complaint.SubjectOrder, Order: "O-77", SKU: "SKU-9"},
		Category: complaint.CategorySeams, Severity: complaint.SeverityHigh, Currency: "EUR",
		OrderValue:  eur(t, "120.00"),
		Demand:      complaint.Demand{Kind: complaint.ResolutionRefund, Amount: eur(t, "120.00"), Text: secret(1)},
		Description: secret(2),
		Attachments: []string{secret(3), secret(4)},
	}
	complainantK := complaint.Actor{ID: "cust-K-SEC", Role: complaint.RoleCustomer}
	steps := []struct {
		cmd complaint.Command
		a   complaint.Actor
	}{
		{complaint.Command{Kind: complaint.CmdRecord, Intake: &in, Note: secret(5)}, agent},
		{complaint.Command{Kind: complaint.CmdReject, Reply: secret(6), Note: secret(7)}, agent},
		{complaint.Command{Kind: complaint.CmdReopen, Reason: secret(8)}, supervisor},
		{complaint.Command{Kind: complaint.CmdAccept, Note: secret(9)}, agent},
		{complaint.Command{Kind: complaint.CmdAssign, Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}, agent},
		{complaint.Command{Kind: complaint.CmdWait, Reason: secret(10)}, handler},
		{complaint.Command{Kind: complaint.CmdResume, Note: secret(11)}, complainantK},
		{complaint.Command{Kind: complaint.CmdEscalate, Reason: secret(12)}, agent},
		{complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: secret(13)}}, handler},
		{complaint.Command{Kind: complaint.CmdReassign, Assignment: &complaint.Assignment{Department: "service", Handler: handler.ID}, Reason: secret(14)}, supervisor},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "60.00"), Detail: secret(15)}}, handler},
		{complaint.Command{Kind: complaint.CmdSendBack, Reason: secret(16)}, supervisor},
		{complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "60.00"), Detail: secret(17)}}, handler},
		{complaint.Command{Kind: complaint.CmdApprove}, supervisor},
		{complaint.Command{Kind: complaint.CmdCarryOut, Execution: &complaint.Execution{Notified: complaint.ChannelPhone, Detail: secret(18)}}, handler},
		{complaint.Command{Kind: complaint.CmdRecordFeedback, Feedback: &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2, Comment: secret(19)}}, complainantK},
		{complaint.Command{Kind: complaint.CmdClose, Evaluation: &complaint.Evaluation{Lessons: secret(20), Improvement: secret(21)}}, handler},
		{complaint.Command{Kind: complaint.CmdReopen, Reason: secret(22), Feedback: &complaint.Feedback{Perceived: 2, Expected: 8, CSAT: 1, Comment: secret(23)}}, complainantK},
		{complaint.Command{Kind: complaint.CmdWait, Reason: secret(24)}, handler},
		{complaint.Command{Kind: complaint.CmdWithdraw, Reason: secret(25), Note: secret(26)}, complainantK},
	}
	var (
		c     complaint.Case
		cases []complaint.Case
		evs   []complaint.Event
	)
	for i, s := range steps {
		var ev complaint.Event
		c, ev = do(t, c, s.cmd, s.a, t0.Add(time.Duration(i)*time.Hour))
		cases = append(cases, c)
		evs = append(evs, ev)
	}
	require.Equal(t, complaint.StateWithdrawn, c.State)
	return cases, evs
}

// printed returns every fmt and slog form of the values vs.
func printed(t *testing.T, vs ...any) []string {
	t.Helper()
	var out []string
	for _, v := range vs {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		out = append(out, fmt.Sprint(v), fmt.Sprintln(v), fmt.Sprintf("%v", []any{v}), fmt.Sprintf("%+v", struct{ V any }{v}))
		for _, h := range []func(*bytes.Buffer) slog.Handler{
			func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		} {
			var b bytes.Buffer
			slog.New(h(&b)).Info("complaint", "value", v)
			out = append(out, b.String())
		}
	}
	return out
}

func assertNoSecret(t *testing.T, what string, outs []string) {
	t.Helper()
	for _, o := range outs {
		assert.NotContains(t, o, "SECRET-", "%s printed a text", what)
		assert.NotContains(t, o, "private words", "%s printed a text", what)
	}
}

// TestPrintRedactsTexts: a case, its intake, events and commands, as
// values and as pointers, printed by every fmt verb and logged by the
// text and JSON slog handlers, show IDs, states and counts but none of
// the free texts.
func TestPrintRedactsTexts(t *testing.T) {
	cases, evs := secretCase(t)
	for i, c := range cases {
		c := c
		in := c.Intake
		outs := printed(t, c, &c, in, &in)
		assertNoSecret(t, fmt.Sprintf("case after event %d", i+1), outs)
		for _, o := range outs {
			assert.Contains(t, o, "K-SEC", "case ID missing: %s", o)
		}
		for _, o := range printed(t, c, &c) {
			assert.Contains(t, o, c.State.String(), "state missing: %s", o)
			assert.Contains(t, o, "cust-K-SEC", "complainant missing: %s", o)
		}
	}
	for _, ev := range evs {
		ev := ev
		cmd := ev.Command
		assertNoSecret(t, fmt.Sprintf("event %d", ev.Seq), printed(t, ev, &ev, cmd, &cmd))
		for _, o := range printed(t, ev, &ev) {
			assert.Contains(t, o, "K-SEC", "case ID missing: %s", o)
			assert.Contains(t, o, ev.To.String(), "state missing: %s", o)
			assert.Contains(t, o, string(ev.Actor.ID), "actor missing: %s", o)
		}
		for _, o := range printed(t, cmd) {
			assert.Contains(t, o, cmd.Kind.String(), "command kind missing: %s", o)
		}
	}
	// fmt formats each element of a slice with its Format; slog's JSON
	// handler does not resolve the elements (see the package's note on
	// logging), so only fmt is checked for the slice.
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assertNoSecret(t, "events", []string{fmt.Sprintf(verb, evs)})
	}
	// One check of the exact form, so that a change is deliberate.
	c := cases[len(cases)-1]
	assert.Contains(t, fmt.Sprint(c), `complaint case "K-SEC" of customer "cust-K-SEC": withdrawn`)
	assert.Contains(t, fmt.Sprint(c.Intake), "description: 23 bytes")
}

// TestPrintCountsTexts: the printed form tells how much text there is.
func TestPrintCountsTexts(t *testing.T) {
	cases, evs := secretCase(t)
	assert.Contains(t, fmt.Sprint(cases[0].Intake), "2 attachments")
	assert.Contains(t, fmt.Sprint(evs[1].Command), "reply: 23 bytes")
	assert.Contains(t, fmt.Sprint(evs[1].Command), "note: 23 bytes")
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", "case", cases[0])
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	g, ok := doc["case"].(map[string]any)
	require.True(t, ok, "%s", b.String())
	assert.Equal(t, "K-SEC", g["id"])
	assert.Equal(t, "recorded", g["state"])
	assert.Equal(t, "[redacted]", g["personal_data"])
}

// TestJSONUnchangedByRedaction: the JSON form, the store's, still holds
// every text, round-trips byte for byte, and equals the golden file
// written before fmt and slog were redacted.
func TestJSONUnchangedByRedaction(t *testing.T) {
	cases, evs := secretCase(t)
	doc, err := json.MarshalIndent(struct {
		Case   complaint.Case
		Events []complaint.Event
	}{cases[len(cases)-1], evs}, "", "  ")
	require.NoError(t, err)
	for i := 1; i <= 26; i++ {
		assert.Contains(t, string(doc), secret(i))
	}
	path := filepath.Join("testdata", "golden", "secret_case.json")
	if *update {
		require.NoError(t, os.WriteFile(path, doc, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSpace(string(want)), strings.TrimSpace(string(doc)))

	for _, c := range cases {
		a, err := json.Marshal(c)
		require.NoError(t, err)
		var back complaint.Case
		require.NoError(t, json.Unmarshal(a, &back))
		b, err := json.Marshal(back)
		require.NoError(t, err)
		assert.Equal(t, string(a), string(b))
	}
	for _, ev := range evs {
		a, err := json.Marshal(ev)
		require.NoError(t, err)
		var back complaint.Event
		require.NoError(t, json.Unmarshal(a, &back))
		b, err := json.Marshal(back)
		require.NoError(t, err)
		assert.Equal(t, string(a), string(b))
	}
}
