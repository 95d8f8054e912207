package complaint_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// rejectedErased returns case C-1 recorded at t0, rejected at hour 1 and
// erased at hour 3, with its events, and the case and events before the
// erasure.
func rejectedErased(t *testing.T) (erased complaint.Case, erasedEvs []complaint.Event, c complaint.Case, evs []complaint.Event) {
	in := complainttest.Intake("C-1", t0)
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	evs = []complaint.Event{ev}
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdReject, Reply: "worn beyond repair"}, agent, hours(1))
	evs = append(evs, ev)
	at := hours(3)
	erased = complaint.EraseCase(c, at)
	for _, ev := range evs {
		erasedEvs = append(erasedEvs, complaint.EraseEvent(ev, at))
	}
	return erased, erasedEvs, c, evs
}

// A command on an erased case dated at or before the erasure would
// record the complainant's words in the period the erasure blanked, and
// a later erasure could not tell its event from those already erased:
// Apply refuses it naming the field now, and leaves the case unchanged.
// Rebuild refuses a log in which such an event follows the erasure.
func TestApplyRefusesATimeNotAfterTheErasure(t *testing.T) {
	erased, erasedEvs, c, _ := rejectedErased(t)
	reopen := complaint.Command{Kind: complaint.CmdReopen, Reason: "contested", Note: "the customer called"}
	for _, at := range []time.Time{hours(2), erased.Erased, erased.Erased.In(time.FixedZone("UTC+2", 7200))} {
		before := erased.Clone()
		got, ev, err := complaint.Apply(erased, reopen, supervisor, at)
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve, "reopen at %s", at)
		assert.True(t, ve.Has("now", customer.CodeOrder), "%v", err)
		assert.Contains(t, err.Error(), `"C-1"`)
		assert.Equal(t, before, got, "a refused command changed the case")
		assert.Equal(t, complaint.Event{}, ev)

		// The event Apply would have given without the erasure, appended
		// to the erased log (and erased later too): a bad log.
		_, late, err := complaint.Apply(c, reopen, supervisor, at)
		require.NoError(t, err)
		_, err = complaint.Rebuild(append(append([]complaint.Event(nil), erasedEvs...), late))
		assert.ErrorIs(t, err, complaint.ErrBadLog, "event at %s appended after the erasure", at)
		later := complaint.EraseEvent(late, hours(4))
		_, err = complaint.Rebuild(append(append([]complaint.Event(nil), erasedEvs...), later))
		assert.ErrorIs(t, err, complaint.ErrBadLog, "event at %s appended after the erasure, erased later", at)
	}

	// A nanosecond after the erasure it is applied, and the log rebuilds.
	next, ev, err := complaint.Apply(erased, reopen, supervisor, erased.Erased.Add(time.Nanosecond))
	require.NoError(t, err)
	assert.True(t, next.Erased.Equal(erased.Erased), "Apply keeps Erased")
	log := append(append([]complaint.Event(nil), erasedEvs...), ev)
	r, err := complaint.Rebuild(log)
	require.NoError(t, err)
	assert.Equal(t, next, r)
	// Erased again, later: the rebuilt case takes the second erasure's
	// time, as EraseCase gives it.
	second := hours(5)
	for i := range log {
		log[i] = complaint.EraseEvent(log[i], second)
	}
	assert.True(t, log[0].Erased.Equal(erased.Erased), "an erased event keeps its erasure")
	r, err = complaint.Rebuild(log)
	require.NoError(t, err)
	assert.Equal(t, complaint.EraseCase(next, second), r)
	assert.True(t, r.Erased.Equal(second))
}

// A Service refuses such a command too and stores nothing.
func TestServiceRefusesATimeNotAfterTheErasure(t *testing.T) {
	ctx := t.Context()
	s := complaint.NewMemStore()
	_, _, c, evs := rejectedErased(t)
	for i, ev := range evs {
		step, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, s.Save(ctx, step, ev))
	}
	require.NoError(t, s.Erase(ctx, c.Intake.Complainant, hours(3)))
	svc := &complaint.Service{Store: s}
	_, _, err := svc.Do(ctx, "C-1", complaint.Command{Kind: complaint.CmdReopen, Reason: "contested"}, supervisor, hours(2))
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve) && ve.Has("now", customer.CodeOrder), "%v", err)
	stored, err := s.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, stored, 2, "a refused command was stored")
	require.NoError(t, svc.Verify(ctx, "C-1"))
}

// An erasure rewrites every event of a case: a log in which an event
// marked erased follows one that is not is bad.
func TestRebuildRefusesAnErasedEventAfterAnUnerasedOne(t *testing.T) {
	_, _, _, evs := rejectedErased(t)
	log := []complaint.Event{evs[0], complaint.EraseEvent(evs[1], hours(3))}
	_, err := complaint.Rebuild(log)
	assert.ErrorIs(t, err, complaint.ErrBadLog)
}
