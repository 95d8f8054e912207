package loyalty_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/loyalty"
)

// Reason keeps its one meaning, the explanation of a manual adjustment:
// join, tier and review entries, the moves off a dropped or renamed
// tier among them, leave it empty.
func TestTierEntriesLeaveReasonEmpty(t *testing.T) {
	all, a := tierLedger(t, "M1", "600")
	_, reviews, err := club(t).Apply(a, loyalty.Tick{Member: "M1"}, day(2027, 2, 2))
	require.NoError(t, err)
	all = append(all, reviews...)
	_, dropped, err := restructured(t, clubTier(t, "member"), clubTier(t, "gold")).Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 2, 2))
	require.NoError(t, err)
	all = append(all, dropped...)
	goldAll, gold := tierLedger(t, "M2", "2000")
	all = append(all, goldAll...)
	_, renamed, err := restructured(t, clubTier(t, "member"), clubTier(t, "gold")).Apply(gold, loyalty.Tick{Member: "M2"}, day(2026, 2, 2))
	require.NoError(t, err)
	all = append(all, renamed...)
	kinds := map[loyalty.EntryKind]int{}
	for _, e := range all {
		switch e.Kind {
		case loyalty.EntryJoin, loyalty.EntryTier, loyalty.EntryReview:
			kinds[e.Kind]++
			assert.Empty(t, e.Reason, "%s %q: Reason explains an adjustment only", e.Kind, e.Key)
			assert.NotEmpty(t, e.TierName, "%s %q names its tier", e.Kind, e.Key)
		default:
			assert.Empty(t, e.TierName, "%s %q names no tier", e.Kind, e.Key)
		}
	}
	assert.Equal(t, 2, kinds[loyalty.EntryJoin])
	assert.Equal(t, 4, kinds[loyalty.EntryTier], "two upgrades, a dropped and a renamed tier")
	assert.Positive(t, kinds[loyalty.EntryReview])

	// An adjustment keeps its reason.
	_, es, err := club(t).Apply(a, loyalty.Adjustment{Member: "M1", ID: "A1", Points: 5, Reason: "goodwill", Operator: "ops", Time: day(2026, 2, 1)}, day(2026, 2, 1))
	require.NoError(t, err)
	require.NotEmpty(t, es)
	assert.Equal(t, "goodwill", es[len(es)-1].Reason)
}

// TierName is in an entry's JSON form when set, and left out when empty,
// so that entries written before tier names were recorded, and entries
// of other kinds, read and write as before.
func TestTierNameJSON(t *testing.T) {
	all, _ := tierLedger(t, "M1", "600")
	for _, e := range all {
		b, err := json.Marshal(e)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(b, &doc))
		if e.TierName == "" {
			assert.NotContains(t, doc, "TierName", "%s", b)
		} else {
			assert.Equal(t, e.TierName, doc["TierName"], "%s", b)
		}
		var back loyalty.Entry
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, e.TierName, back.TierName)
	}
	old := []byte(`{"Seq":1,"Member":"M1","Key":"join","Kind":"join","Reason":"","Note":"joined"}`)
	var e loyalty.Entry
	require.NoError(t, json.Unmarshal(old, &e))
	assert.Empty(t, e.TierName, "an entry written before reads with no tier name")
	assert.Empty(t, e.Reason)
}

// Replay refuses a tier name on an entry that is neither a join, nor a
// tier nor a review entry, naming the entry and the field.
func TestTierNameOnOtherKindsRefused(t *testing.T) {
	all, _ := tierLedger(t, "M1", "600")
	for i, e := range all {
		if e.Kind == loyalty.EntryJoin || e.Kind == loyalty.EntryTier || e.Kind == loyalty.EntryReview {
			continue
		}
		bad := append([]loyalty.Entry(nil), all...)
		bad[i].TierName = "gold"
		_, err := loyalty.Replay(bad)
		require.ErrorIs(t, err, loyalty.ErrCorrupt, "%s %q", e.Kind, e.Key)
		assert.True(t, strings.Contains(err.Error(), e.Key) && strings.Contains(err.Error(), "TierName"), "%v", err)
	}
}
