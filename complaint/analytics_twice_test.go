package complaint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
)

// A case's log given twice would count the case twice: Analyze and
// Signals refuse it, naming the case; each log once is counted once.
func TestLogGivenTwiceIsRefused(t *testing.T) {
	_, evs := reach(6)
	sla := complaint.DefaultSLA()
	from, to := t0.AddDate(0, 0, -1), t0.AddDate(0, 1, 0)

	r, err := complaint.Analyze([][]complaint.Event{evs}, from, to, 10, sla)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Cases)
	sig, err := complaint.Signals([][]complaint.Event{evs}, to, 0, sla)
	require.NoError(t, err)
	require.Len(t, sig, 1)

	twice := [][]complaint.Event{evs, nil, evs}
	_, err = complaint.Analyze(twice, from, to, 10, sla)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.Contains(t, err.Error(), `"`+string(evs[0].Case)+`"`)
	_, err = complaint.Signals(twice, to, 0, sla)
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.Contains(t, err.Error(), `"`+string(evs[0].Case)+`"`)
}
