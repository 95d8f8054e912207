package pgstore

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/loyalty"
)

// The detail of an entry holds its tier name under tier_name, left out
// when empty; a detail written before entries named their tiers reads
// with no tier name. The codec needs no server.
func TestEntryDetailTierName(t *testing.T) {
	b, err := json.Marshal(detailOf(loyalty.Entry{Kind: loyalty.EntryTier, To: 2, TierName: "Gold"}))
	require.NoError(t, err)
	assert.JSONEq(t, `{"to":2,"tier_name":"Gold"}`, string(b))
	var d entryDetail
	require.NoError(t, json.Unmarshal(b, &d))
	var e loyalty.Entry
	require.NoError(t, d.fill(&e))
	assert.Equal(t, "Gold", e.TierName)

	b, err = json.Marshal(detailOf(loyalty.Entry{Kind: loyalty.EntryEarn, Lot: "order:1"}))
	require.NoError(t, err)
	assert.NotContains(t, string(b), "tier_name")

	var old entryDetail
	require.NoError(t, json.Unmarshal([]byte(`{"to":1,"note":"up"}`), &old))
	var o loyalty.Entry
	require.NoError(t, old.fill(&o))
	assert.Empty(t, o.TierName)
	assert.Equal(t, 1, o.To)

	assert.ErrorContains(t, checkJSON("entry", detailOf(loyalty.Entry{TierName: "a\x00"})), "tier_name")
}
