package complaint_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

func topics(ns []complaint.Notice) []complaint.Topic {
	var out []complaint.Topic
	for _, n := range ns {
		out = append(out, n.Topic)
	}
	return out
}

// The customer hears of every step of the happy path, and of nothing
// that is the brand's own business (the proposal before its approval,
// the customer's own feedback).
func TestNoticesOfTheHappyPath(t *testing.T) {
	c, events := reach(len(complainttest.HappyPath()))
	ns, err := complaint.Notices(events)
	require.NoError(t, err)
	assert.Equal(t, []complaint.Topic{
		complaint.TopicReceived, complaint.TopicAccepted, complaint.TopicAssigned, complaint.TopicInvestigating,
		complaint.TopicResolutionDecided, complaint.TopicResolved, complaint.TopicClosed,
	}, topics(ns))
	for _, n := range ns {
		assert.Equal(t, c.ID, n.Case)
		assert.Equal(t, c.Intake.Complainant, n.Complainant)
		if n.Topic == complaint.TopicResolved {
			assert.Equal(t, c.Execution.Notified, n.Channel, "told as the carry-out records")
		} else {
			assert.Equal(t, c.Intake.Channel, n.Channel)
		}
		assert.Equal(t, events[n.Seq-1].At, n.At)
	}
	assert.Empty(t, ns[1].Department, "not assigned yet")
	assert.Equal(t, "quality", ns[2].Department)
	decided := ns[4]
	require.NotNil(t, decided.Resolution)
	assert.Equal(t, complaint.ResolutionPriceReduction, decided.Resolution.Kind)
	assert.Equal(t, "40.00 EUR", decided.Resolution.Amount.String())
	decided.Resolution.Detail = "changed"
	assert.Equal(t, "keep and repair at our cost", c.Proposal.Detail, "a notice shares nothing with the case")

	b, err := json.Marshal(ns[4])
	require.NoError(t, err)
	assert.Contains(t, string(b), `"topic":"resolution-decided"`)
}

func TestNoticesOfTheOtherPaths(t *testing.T) {
	at := func(h int) time.Time { return hours(float64(h)) }
	recorded, _ := reach(0)
	rejected, ev := do(t, recorded, complaint.Command{Kind: complaint.CmdReject, Reply: "washed at 60°"}, agent, at(1))
	n, ok, err := complaint.NoticeOf(rejected, ev)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, complaint.TopicRejected, n.Topic)
	assert.Equal(t, "washed at 60°", n.Reply)

	reopened, ev := do(t, rejected, complaint.Command{Kind: complaint.CmdReopen, Reason: "contests"}, supervisor, at(2))
	n, ok, err = complaint.NoticeOf(reopened, ev)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, complaint.TopicReopened, n.Topic)

	assigned, _ := reach(2)
	waiting, ev := do(t, assigned, complaint.Command{Kind: complaint.CmdWait, Reason: "photos of the seam"}, handler, at(5))
	n, _, err = complaint.NoticeOf(waiting, ev)
	require.NoError(t, err)
	assert.Equal(t, complaint.TopicWaiting, n.Topic)
	assert.Equal(t, "photos of the seam", n.Asked)
	resumed, ev := do(t, waiting, complaint.Command{Kind: complaint.CmdResume}, complainant, at(6))
	n, _, err = complaint.NoticeOf(resumed, ev)
	require.NoError(t, err)
	assert.Equal(t, complaint.TopicResumed, n.Topic)
	assert.Empty(t, n.Asked)

	// Steps within the brand: no notice.
	for _, step := range []struct {
		cmd complaint.Command
		by  complaint.Actor
	}{
		{complaint.Command{Kind: complaint.CmdReassign, Assignment: &complaint.Assignment{Department: "quality", Handler: "handler-2"}}, supervisor},
		{complaint.Command{Kind: complaint.CmdEscalate, Reason: "called twice"}, agent},
	} {
		next, ev := do(t, resumed, step.cmd, step.by, at(7))
		_, ok, err := complaint.NoticeOf(next, ev)
		require.NoError(t, err)
		assert.False(t, ok, "%s", step.cmd.Kind)
	}
	investigated, ev := do(t, resumed, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseMaterial, Responsible: complaint.PartySupplier, Detail: "d"}}, handler, at(7))
	_, ok, err = complaint.NoticeOf(investigated, ev)
	require.NoError(t, err)
	assert.True(t, ok, "the first investigation")
	revised, ev := do(t, investigated, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{Cause: complaint.CauseMaterial, Responsible: complaint.PartySupplier, Detail: "more"}}, handler, at(8))
	_, ok, err = complaint.NoticeOf(revised, ev)
	require.NoError(t, err)
	assert.False(t, ok, "a revised finding")

	withdrawn, ev := do(t, revised, complaint.Command{Kind: complaint.CmdWithdraw}, complainant, at(9))
	n, _, err = complaint.NoticeOf(withdrawn, ev)
	require.NoError(t, err)
	assert.Equal(t, complaint.TopicWithdrawn, n.Topic)
}

func TestNoticeOfAnEventNotTheCasesLast(t *testing.T) {
	c, events := reach(4)
	_, _, err := complaint.NoticeOf(c, events[2])
	require.ErrorIs(t, err, complaint.ErrBadLog)
	other, otherEvents := complainttest.Run("C-2", t0, 4)
	_, _, err = complaint.NoticeOf(c, otherEvents[len(otherEvents)-1])
	require.ErrorIs(t, err, complaint.ErrBadLog)
	_, _, err = complaint.NoticeOf(other, otherEvents[len(otherEvents)-1])
	require.NoError(t, err)

	_, err = complaint.Notices(nil)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	_, err = complaint.Notices([]complaint.Event{events[0], events[2]})
	require.ErrorIs(t, err, complaint.ErrBadLog, "a gap")
}
