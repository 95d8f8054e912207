package loyalty_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/loyalty"
)

// Every entry of a ledger marshals to JSON and back, also those that are
// not bonuses (their bonus kind is zero, which has no text form).
func TestEntriesMarshalJSON(t *testing.T) {
	p := club(t)
	var entries []loyalty.Entry
	var a loyalty.Account
	for _, ev := range []loyalty.Event{
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("A", "coats", "100", 1))},
	} {
		next, es, err := p.Apply(a, ev, day(2026, 5, 1))
		require.NoError(t, err)
		a, entries = next, append(entries, es...)
	}
	require.Len(t, entries, 3, "join, earn, release")
	for _, e := range entries {
		b, err := json.Marshal(e)
		require.NoError(t, err, "%s", e.Kind)
		var back loyalty.Entry
		require.NoError(t, json.Unmarshal(b, &back), "%s", b)
		assert.Equal(t, e.Kind, back.Kind)
		assert.Equal(t, e.Bonus, back.Bonus)
		assert.Equal(t, e.Points, back.Points)
	}
}
