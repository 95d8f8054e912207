package customer

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The days since the last interaction count it on its own day, but never
// on a day after AsOf's, whatever zone its time is written in.
func TestDaysSinceLastInteractionAcrossZones(t *testing.T) {
	asOf := time.Date(2026, 6, 29, 23, 30, 0, 0, time.UTC)
	cest := time.FixedZone("CEST", 2*3600)
	for _, tc := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 6, 29, 23, 0, 0, 0, time.UTC), 0},
		{time.Date(2026, 6, 29, 23, 0, 0, 0, time.UTC).In(cest), 0}, // 30 June in CEST
		{time.Date(2026, 6, 20, 12, 0, 0, 0, time.UTC), 9},
	} {
		s := NewSummary("c", Consumer, asOf, nil)
		_, ok := s.DaysSinceLastInteraction()
		assert.False(t, ok, "no interaction yet")
		require.NoError(t, s.AddInteraction(Interaction{CustomerID: "c", Time: tc.at, Kind: StoreVisit}))
		got, ok := s.DaysSinceLastInteraction()
		require.True(t, ok)
		assert.Equal(t, tc.want, got, "interaction at %v", tc.at)
	}
}
