package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// erasable returns case C-1 rejected with a reply, reopened, accepted,
// waiting for the customer and withdrawn, every text of the complainant
// filled, and its events.
func erasable(t *testing.T) (complaint.Case, []complaint.Event) {
	in := complainttest.Intake("C-1", t0)
	in.Demand.Text = "my money back"
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in, Note: "phoned in"}, agent, t0)
	evs := []complaint.Event{ev}
	for i, s := range []complainttest.Step{
		{Command: complaint.Command{Kind: complaint.CmdReject, Reply: "worn beyond repair"}, Actor: agent},
		{Command: complaint.Command{Kind: complaint.CmdReopen, Reason: "contested", Feedback: &complaint.Feedback{Perceived: 1, Expected: 9, CSAT: 1, Comment: "unfair"}}, Actor: supervisor},
		{Command: complaint.Command{Kind: complaint.CmdAccept}, Actor: agent},
		{Command: complaint.Command{Kind: complaint.CmdWait, Reason: "your receipt, please"}, Actor: agent},
		{Command: complaint.Command{Kind: complaint.CmdWithdraw, Reason: "moved abroad"}, Actor: complainant},
	} {
		c, ev = do(t, c, s.Command, s.Actor, hours(float64(i+1)))
		evs = append(evs, ev)
	}
	return c, evs
}

func TestEraseCaseBlanksTheComplainantsWords(t *testing.T) {
	c, _ := erasable(t)
	before := c.Clone()
	at := hours(100)
	e := complaint.EraseCase(c, at)
	assert.Equal(t, before, c, "EraseCase changed its argument")
	assert.Empty(t, e.Intake.Description)
	assert.Empty(t, e.Intake.Demand.Text)
	assert.Nil(t, e.Intake.Attachments)
	assert.Empty(t, e.WithdrawReason)
	assert.Empty(t, e.Feedback.Comment)
	assert.True(t, e.Erased.Equal(at))
	// The business record stays.
	assert.Equal(t, c.Intake.Subject, e.Intake.Subject)
	assert.Equal(t, c.Intake.Demand.Amount, e.Intake.Demand.Amount)
	assert.Equal(t, c.Intake.Complainant, e.Intake.Complainant)
	assert.Equal(t, c.Feedback.CSAT, e.Feedback.CSAT)
	assert.Equal(t, c.State, e.State)
	assert.Equal(t, c.Version, e.Version)
	// Again, later: the same.
	assert.Equal(t, e, complaint.EraseCase(e, hours(200)))
}

func TestEraseEventKeepsTheStaffsRecord(t *testing.T) {
	_, evs := erasable(t)
	at := hours(100)
	rec := complaint.EraseEvent(evs[0], at)
	assert.Equal(t, "seam split after two wears", evs[0].Command.Intake.Description, "EraseEvent changed its argument")
	assert.Empty(t, rec.Command.Intake.Description)
	assert.Empty(t, rec.Command.Intake.Demand.Text)
	assert.Nil(t, rec.Command.Intake.Attachments)
	assert.Empty(t, rec.Command.Note)
	assert.Empty(t, complaint.EraseEvent(evs[1], at).Command.Reply)
	reopen := complaint.EraseEvent(evs[2], at)
	assert.Equal(t, "contested", reopen.Command.Reason, "the supervisor's reason for reopening is kept")
	assert.Empty(t, reopen.Command.Feedback.Comment)
	assert.Equal(t, 9, reopen.Command.Feedback.Expected)
	assert.Empty(t, complaint.EraseEvent(evs[4], at).Command.Reason, "what the customer was asked")
	assert.Empty(t, complaint.EraseEvent(evs[5], at).Command.Reason, "the reason of a withdrawal")
	for i, ev := range evs {
		e := complaint.EraseEvent(ev, at)
		assert.True(t, e.Erased.Equal(at), "event %d", i+1)
		assert.Equal(t, ev.At, e.At)
		assert.Equal(t, ev.Actor, e.Actor)
		assert.Equal(t, ev.Command.Kind, e.Command.Kind)
		assert.Equal(t, e, complaint.EraseEvent(e, hours(200)), "event %d erased twice", i+1)
	}
}

func TestRebuildAcceptsTheErasedLog(t *testing.T) {
	c, evs := erasable(t)
	at := hours(100)
	erased := make([]complaint.Event, len(evs))
	for i, ev := range evs {
		erased[i] = complaint.EraseEvent(ev, at)
	}
	got, err := complaint.Rebuild(erased)
	require.NoError(t, err)
	assert.Equal(t, complaint.EraseCase(c, at), got)
}

func TestRebuildAcceptsOnlyTheErasedForm(t *testing.T) {
	_, evs := erasable(t)
	at := hours(100)
	blankRecord := func(ev complaint.Event) complaint.Event {
		ev = ev.Clone()
		ev.Command.Intake.Description = ""
		return ev
	}
	for name, tc := range map[string]struct {
		i   int
		mod func(complaint.Event) complaint.Event
	}{
		"blank description, not erased": {0, blankRecord},
		"blank reply, not erased": {1, func(ev complaint.Event) complaint.Event {
			ev.Command.Reply = ""
			return ev
		}},
		"blank wait reason, not erased": {4, func(ev complaint.Event) complaint.Event {
			ev.Command.Reason = ""
			return ev
		}},
		"erased, but holds the demand text": {0, func(ev complaint.Event) complaint.Event {
			ev = complaint.EraseEvent(ev, at)
			ev.Command.Intake.Demand.Text = "my money back"
			return ev
		}},
		"erased, but holds a note": {0, func(ev complaint.Event) complaint.Event {
			ev = complaint.EraseEvent(ev, at)
			ev.Command.Note = "phoned in"
			return ev
		}},
		"erased before it happened": {0, func(ev complaint.Event) complaint.Event {
			return complaint.EraseEvent(ev, ev.At.Add(-time.Second))
		}},
	} {
		log := append([]complaint.Event(nil), evs...)
		log[tc.i] = tc.mod(log[tc.i])
		_, err := complaint.Rebuild(log)
		assert.ErrorIs(t, err, complaint.ErrBadLog, name)
	}
}

func TestServiceRedeliveryAfterErasure(t *testing.T) {
	// A keyed command delivered again after the erasure is a redelivery,
	// not another command: the stored event lost only its texts.
	ctx := t.Context()
	s := complaint.NewMemStore()
	svc := &complaint.Service{Store: s}
	_, _, err := svc.Record(ctx, complainttest.Intake("C-1", t0), "phoned in", agent, t0)
	require.NoError(t, err)
	withdraw := complaint.Command{Kind: complaint.CmdWithdraw, Reason: "moved abroad", Note: "by mail", Key: "msg-1"}
	c, ev, err := svc.Do(ctx, "C-1", withdraw, complainant, hours(1))
	require.NoError(t, err)
	require.NoError(t, s.Erase(ctx, "cust-C-1", hours(2)))
	again, evAgain, err := svc.Do(ctx, "C-1", withdraw, complainant, hours(3))
	require.NoError(t, err, "redelivery after the erasure")
	assert.Equal(t, c.Version, again.Version)
	assert.Equal(t, ev.Seq, evAgain.Seq)
	other := withdraw
	other.Kind = complaint.CmdResume
	_, _, err = svc.Do(ctx, "C-1", other, complainant, hours(3))
	assert.ErrorIs(t, err, complaint.ErrKeyReused, "another command with the key")
}
