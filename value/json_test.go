package value_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// A Score is an exported value a host may store: its entries at and after
// N are zero, and the zero Source of such an entry encodes (as the empty
// string) and decodes back, so that a score, and a result that holds one,
// round-trips through JSON.
func TestScoreJSONRoundTrip(t *testing.T) {
	day := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	pop := []value.Indicators{
		shopper("ana", day, []string{"120.00", "89.90"}, []int{300, 20}),
		shopper("ben", day, []string{"39.90"}, []int{400}),
		shopper("lea", day, nil, nil),
	}
	sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
	require.NoError(t, err)
	for i := range pop {
		s, err := sc.Score(&pop[i])
		require.NoError(t, err)
		require.Less(t, s.N, value.MaxLeaves)
		assert.Equal(t, value.Source(0), s.Source[s.N])
		b, err := json.Marshal(s)
		require.NoError(t, err, pop[i].ID)
		var back value.Score
		require.NoError(t, json.Unmarshal(b, &back), pop[i].ID)
		assert.Equal(t, s, back, pop[i].ID)
	}
	b, err := value.Source(0).MarshalText()
	require.NoError(t, err)
	assert.Empty(t, b)
	src := value.FromMissing
	require.NoError(t, src.UnmarshalText(nil))
	assert.Equal(t, value.Source(0), src)
	for _, bad := range []string{"none", "Source(0)", "Indicator"} {
		src := value.FromFallback
		assert.Error(t, src.UnmarshalText([]byte(bad)), bad)
		assert.Equal(t, value.FromFallback, src, "%q: a rejected text changes nothing", bad)
	}
	_, err = value.Source(4).MarshalText()
	assert.Error(t, err)
}
