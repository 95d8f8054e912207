package complaint_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// An event cannot be erased before it happened: Rebuild rejects such a
// log. An erasure dated before the last event of one of the
// complainant's cases, or with no time, is refused naming the case and
// the field, and erases nothing, so that every stored log still
// rebuilds.
func TestEraserRefusesATimeBeforeTheLastEvent(t *testing.T) {
	ctx := t.Context()
	s := complaint.NewMemStore()
	c, evs := erasable(t) // withdrawn at hour 5
	for i, ev := range evs {
		step, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, s.Save(ctx, step, ev))
	}
	for _, tc := range []struct {
		name string
		at   time.Time
		code string
	}{
		{"before the last event", hours(4.5), customer.CodeOrder},
		{"zero", time.Time{}, customer.CodeRequired},
	} {
		err := s.Erase(ctx, "cust-C-1", tc.at)
		var ve *customer.ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		assert.True(t, ve.Has("at", tc.code), "%s: %v", tc.name, err)
		assert.Contains(t, err.Error(), `"C-1"`, tc.name)
		got, err := s.Get(ctx, "C-1")
		require.NoError(t, err)
		assert.Equal(t, c, got, "%s: the case changed", tc.name)
		stored, err := s.Events(ctx, "C-1")
		require.NoError(t, err)
		assert.Equal(t, evs, stored, "%s: the events changed", tc.name)
	}
	// At the time of the last event it erases, and the log rebuilds.
	require.NoError(t, s.Erase(ctx, "cust-C-1", hours(5)))
	stored, err := s.Events(ctx, "C-1")
	require.NoError(t, err)
	r, err := complaint.Rebuild(stored)
	require.NoError(t, err)
	assert.True(t, r.Erased.Equal(hours(5)))
}
