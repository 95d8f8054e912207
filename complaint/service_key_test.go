package complaint_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// A command delivered twice with the same idempotency key (at-least-once
// delivery from a queue) is applied once: the second delivery returns
// the first one's result and adds no event, hence no second notice. A
// key used again for another command is refused, naming case and key,
// and nothing is stored.
func TestServiceRedeliveredCommandIsANoOp(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	svc := &complaint.Service{Store: mem}
	_, _, err := svc.Record(ctx, complainttest.Intake("C-1", t0), "", agent, t0)
	require.NoError(t, err)
	_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdAccept}, agent, hours(1))
	require.NoError(t, err)

	// An escalation leaves the case in the state it was: without the key,
	// a redelivery would be applied again.
	assign := complaint.Command{Kind: complaint.CmdAssign, Key: "msg-7", Assignment: &complaint.Assignment{Department: "quality", Handler: handler.ID}}
	first, ev, err := svc.Do(ctx, "C-1", assign, agent, hours(2))
	require.NoError(t, err)
	assert.Equal(t, "msg-7", ev.Command.Key, "the key is kept in the audit trail")
	escalate := complaint.Command{Kind: complaint.CmdEscalate, Key: "msg-8", Reason: "VIP"}
	_, evEsc, err := svc.Do(ctx, "C-1", escalate, system, hours(3))
	require.NoError(t, err)

	again, ev2, err := svc.Do(ctx, "C-1", escalate, system, hours(4))
	require.NoError(t, err, "a redelivery is not an error")
	assert.Equal(t, evEsc, ev2, "the same event as the first delivery")
	assert.Equal(t, 4, again.Version)
	againAssign, evA, err := svc.Do(ctx, "C-1", assign, agent, hours(4))
	require.NoError(t, err)
	assert.Equal(t, ev, evA)
	assert.Equal(t, first, againAssign, "the case as the first delivery left it")
	evs, err := mem.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, evs, 4, "no duplicate audit entry")
	ns, err := complaint.Notices(evs)
	require.NoError(t, err)
	assert.Len(t, ns, 3, "received, accepted, assigned: no duplicate notice")

	other := escalate
	other.Reason = "another reason"
	_, _, err = svc.Do(ctx, "C-1", other, system, hours(5))
	require.ErrorIs(t, err, complaint.ErrKeyReused)
	assert.Contains(t, err.Error(), `"C-1"`)
	assert.Contains(t, err.Error(), `"msg-8"`)
	_, _, err = svc.Do(ctx, "C-1", escalate, agent, hours(5))
	require.ErrorIs(t, err, complaint.ErrKeyReused, "another actor")
	evs, err = mem.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, evs, 4, "nothing stored")

	// Without a key every delivery is a new command.
	_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdEscalate, Reason: "VIP"}, system, hours(6))
	require.NoError(t, err)
	_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdEscalate, Reason: "VIP"}, system, hours(6))
	require.NoError(t, err)
	evs, err = mem.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, evs, 6)
}

// The recording of a complaint is a command like the others: Do records
// the case when it does not exist, and a redelivered recording with the
// same key returns the first result.
func TestServiceRedeliveredRecording(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	svc := &complaint.Service{Store: mem}
	in := complainttest.Intake("C-1", t0)
	rec := complaint.Command{Kind: complaint.CmdRecord, Key: "form-1", Intake: &in}
	c, ev, err := svc.Do(ctx, "C-1", rec, agent, t0)
	require.NoError(t, err)
	c2, ev2, err := svc.Do(ctx, "C-1", rec, agent, hours(1))
	require.NoError(t, err)
	assert.Equal(t, c, c2)
	assert.Equal(t, ev, ev2)
	evs, err := mem.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, evs, 1)

	_, _, err = svc.Do(ctx, "C-2", rec, agent, t0)
	require.Error(t, err, "the command records another case than the one named")
	_, err = mem.Get(ctx, "C-2")
	require.ErrorIs(t, err, complaint.ErrNotFound)
}

// A redelivered command is the same command whatever the time zone its
// times are written in: a store may give back the stored command's
// times in another location (as Service.Verify allows), and a queue
// consumer may decode them in its own. Only another instant makes it
// another command.
func TestServiceRedeliveryInAnotherTimeZone(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	svc := &complaint.Service{Store: mem}
	in := complainttest.Intake("C-1", t0)
	in.Received = in.Received.In(time.FixedZone("CET", 3600))
	rec := complaint.Command{Kind: complaint.CmdRecord, Key: "form-1", Intake: &in}
	c, ev, err := svc.Do(ctx, "C-1", rec, agent, t0)
	require.NoError(t, err)

	utc := in
	utc.Received = in.Received.UTC()
	again := rec
	again.Intake = &utc
	c2, ev2, err := svc.Do(ctx, "C-1", again, agent, hours(1))
	require.NoError(t, err, "the same instant in UTC is a redelivery")
	assert.Equal(t, ev, ev2)
	assert.Equal(t, c, c2)
	evs, err := mem.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, evs, 1)

	later := in
	later.Received = in.Received.Add(-time.Minute)
	other := rec
	other.Intake = &later
	_, _, err = svc.Do(ctx, "C-1", other, agent, hours(1))
	require.ErrorIs(t, err, complaint.ErrKeyReused, "another instant is another command")
	assert.Contains(t, err.Error(), "another record by "+agent.String(), "the error says what differs")
}

// Deliveries of one keyed command racing each other through DoRetry
// leave exactly one event: the store lets one Save through, the others
// get ErrConflict, re-read the case, find the key and return the first
// delivery's event. This holds for a recording too.
func TestServiceConcurrentRedeliveries(t *testing.T) {
	const n = 8
	race := func(t *testing.T, svc *complaint.Service, cmd complaint.Command, a complaint.Actor, at time.Time) []complaint.Event {
		var wg sync.WaitGroup
		evs := make([]complaint.Event, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { _, evs[i], errs[i] = svc.DoRetry(context.Background(), "C-1", cmd, a, at, n) })
		}
		wg.Wait()
		for i := range n {
			require.NoError(t, errs[i], "delivery %d", i)
			require.Equal(t, evs[0], evs[i], "delivery %d returns the first result", i)
		}
		return evs
	}
	for round := range 50 {
		mem := complaint.NewMemStore()
		svc := &complaint.Service{Store: mem}
		in := complainttest.Intake("C-1", t0)
		race(t, svc, complaint.Command{Kind: complaint.CmdRecord, Key: "form-1", Intake: &in}, agent, t0)
		got := race(t, svc, complaint.Command{Kind: complaint.CmdEscalate, Key: "msg-2", Reason: "VIP"}, system, hours(1))
		evs, err := mem.Events(context.Background(), "C-1")
		require.NoError(t, err)
		require.Len(t, evs, 2, "round %d: one event per keyed command", round)
		assert.Equal(t, evs[1], got[0])
	}
}

// A key is unique within a case, not across cases: the same message ID
// on commands for two cases is two commands (a queue names its messages,
// and one message carries the command of one case).
func TestServiceKeyIsPerCase(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	svc := &complaint.Service{Store: mem}
	for _, id := range []complaint.ID{"C-1", "C-2"} {
		_, _, err := svc.Record(ctx, complainttest.Intake(id, t0), "", agent, t0)
		require.NoError(t, err)
		_, ev, err := svc.Do(ctx, id, complaint.Command{Kind: complaint.CmdEscalate, Key: "msg-1", Reason: "VIP"}, system, hours(1))
		require.NoError(t, err, "case %s", id)
		assert.Equal(t, 2, ev.Seq)
	}
}

// A recording redelivered after the case moved on is still a
// redelivery: Do returns the recording event and the case as it was
// recorded, and adds nothing.
func TestServiceRecordingRedeliveredAfterLaterEvents(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	svc := &complaint.Service{Store: mem}
	in := complainttest.Intake("C-1", t0)
	rec := complaint.Command{Kind: complaint.CmdRecord, Key: "form-1", Intake: &in}
	recorded, ev, err := svc.Do(ctx, "C-1", rec, agent, t0)
	require.NoError(t, err)
	_, _, err = svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdAccept, Key: "msg-2"}, agent, hours(1))
	require.NoError(t, err)

	c, ev2, err := svc.Do(ctx, "C-1", rec, agent, hours(2))
	require.NoError(t, err)
	assert.Equal(t, ev, ev2)
	assert.Equal(t, recorded, c)
	evs, err := mem.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, evs, 2)
	require.NoError(t, svc.Verify(ctx, "C-1"))
}

// Record is not idempotent: a second recording of one intake is refused
// with ErrConflict, in words that say the case exists and point to Do,
// and nothing is stored.
func TestServiceRecordTwiceSaysTheCaseExists(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	svc := &complaint.Service{Store: mem}
	in := complainttest.Intake("C-1", t0)
	_, _, err := svc.Record(ctx, in, "first", agent, t0)
	require.NoError(t, err)
	_, _, err = svc.Record(ctx, in, "again", agent, hours(1))
	require.ErrorIs(t, err, complaint.ErrConflict)
	assert.Contains(t, err.Error(), `complaint "C-1": record: a case with this ID exists`)
	assert.Contains(t, err.Error(), "Command.Key")
	evs, err := mem.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, evs, 1)
}
