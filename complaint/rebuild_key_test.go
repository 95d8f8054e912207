package complaint_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
)

// Each command produces one event, and [complaint.Service.Do] applies a
// keyed command once per case: a log in which two events carry the same
// idempotency key was not written by the workflow, and a redelivery
// against it would be compared with only one of them. Rebuild rejects
// it, naming the case, both sequence numbers and the key; distinct keys
// and events without a key rebuild.
func TestRebuildRejectsAKeyCarriedTwice(t *testing.T) {
	_, evs := reach(5)
	keyed := func(keys ...string) []complaint.Event {
		out := make([]complaint.Event, len(evs))
		for i, e := range evs {
			out[i] = e.Clone()
			out[i].Command.Key = keys[i]
		}
		return out
	}
	_, err := complaint.Rebuild(keyed("m-1", "", "m-3", "", "m-5", "m-6"))
	require.NoError(t, err, "distinct keys and events without one")

	_, err = complaint.Rebuild(keyed("m-1", "", "m-3", "", "m-3", "m-6"))
	require.ErrorIs(t, err, complaint.ErrBadLog)
	for _, s := range []string{`"C-1"`, "event 5", "event 3", `"m-3"`} {
		assert.Contains(t, err.Error(), s)
	}
	// Also when the repeated event is the recording's key.
	_, err = complaint.Rebuild(keyed("m-1", "", "", "", "", "m-1"))
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.Contains(t, err.Error(), `"m-1"`)

	// Verify reports the stored log, and Do refuses to take a redelivery
	// of that key for the first event's command.
	ctx := context.Background()
	mem := complaint.NewMemStore()
	log := keyed("", "", "m-3", "", "m-3", "")
	c := complaint.Case{}
	for _, ev := range log {
		c = rebuildPrefix(t, c, ev)
		require.NoError(t, mem.Save(ctx, c, ev))
	}
	svc := &complaint.Service{Store: mem}
	assert.ErrorIs(t, svc.Verify(ctx, "C-1"), complaint.ErrBadLog)
	before, err := mem.Events(ctx, "C-1")
	require.NoError(t, err)
	_, _, err = svc.Do(ctx, "C-1", log[2].Command, log[2].Actor, hours(9))
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.Contains(t, err.Error(), `"m-3"`)
	after, err := mem.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing stored")
}

// rebuildPrefix returns c with ev's command applied by Apply, which sees
// no history and so lets a key through twice, as a store holds it.
func rebuildPrefix(t *testing.T, c complaint.Case, ev complaint.Event) complaint.Case {
	t.Helper()
	next, _, err := complaint.Apply(c, ev.Command, ev.Actor, ev.At)
	require.NoError(t, err)
	return next
}
