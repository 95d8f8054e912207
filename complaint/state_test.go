package complaint_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
)

// The zero State, the From of a case's first event, reads "new" in an
// audit trail; it stays no state a case can be in.
func TestZeroStateReadsNew(t *testing.T) {
	var zero complaint.State
	assert.Equal(t, "new", zero.String())
	assert.False(t, zero.Valid())
	_, err := complaint.ParseState("new")
	assert.Error(t, err, "new is not a state a case can be in")
	_, err = zero.MarshalText()
	assert.Error(t, err)
	var s complaint.State
	assert.Error(t, s.UnmarshalText([]byte("new")))
	assert.Equal(t, "State(200)", complaint.State(200).String())
	for v := complaint.StateRecorded; v.Valid(); v++ {
		assert.NotEqual(t, "new", v.String(), "%d", v)
	}

	_, evs := reach(2)
	var trail []string
	for _, ev := range evs {
		trail = append(trail, fmt.Sprintf("%s → %s", ev.From, ev.To))
	}
	assert.Equal(t, []string{"new → recorded", "recorded → accepted", "accepted → assigned"}, trail)
}

// The first event's zero From is left out of its JSON and comes back as
// zero, so the audit trail round-trips and rebuilds the case.
func TestFirstEventJSONRoundTrip(t *testing.T) {
	c, evs := reach(2)
	back := make([]complaint.Event, len(evs))
	for i, ev := range evs {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		if i == 0 {
			assert.NotContains(t, m, "from")
		} else {
			assert.Equal(t, ev.From.String(), m["from"])
		}
		require.NoError(t, json.Unmarshal(b, &back[i]))
		assert.Equal(t, ev.From, back[i].From)
	}
	assert.Equal(t, complaint.State(0), back[0].From)
	got, err := complaint.Rebuild(back)
	require.NoError(t, err)
	assert.Equal(t, c.State, got.State)
	assert.Equal(t, c.Version, got.Version)
}
