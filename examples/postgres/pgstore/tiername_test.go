package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/loyalty"
)

// The tier name of an entry is kept in the detail under tier_name and
// reads back; a detail written before entries named their tiers, without
// the key, reads with no tier name and replays as before. No migration
// is needed.
func TestLoyaltyTierNameStored(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	s := db.Loyalty()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	es := []loyalty.Entry{
		{Seq: 1, Member: "M-1", Key: "join", Kind: loyalty.EntryJoin, Time: at, Effective: at, TierName: "Mitglied"},
		{Seq: 2, Member: "M-1", Key: "tier:2", Kind: loyalty.EntryTier, Time: at, Effective: at, From: 0, To: 1, TierName: "Silber ★"},
	}
	require.NoError(t, s.Append(ctx, "M-1", 0, es))
	table := pgx.Identifier{db.Schema(), "loyalty_entries"}.Sanitize()
	var name string
	require.NoError(t, sharedPool(t).QueryRow(ctx, `SELECT detail->>'tier_name' FROM `+table+` WHERE member = 'M-1' AND seq = 2`).Scan(&name))
	assert.Equal(t, "Silber ★", name)
	got, err := s.Entries(ctx, "M-1", 0)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "Mitglied", got[0].TierName)
	assert.Equal(t, "Silber ★", got[1].TierName)

	// The rows as written before: no tier_name in the detail.
	_, err = sharedPool(t).Exec(ctx, `UPDATE `+table+` SET detail = detail - 'tier_name' WHERE member = 'M-1'`)
	require.NoError(t, err)
	old, err := s.Entries(ctx, "M-1", 0)
	require.NoError(t, err)
	require.Len(t, old, 2)
	for _, e := range old {
		assert.Empty(t, e.TierName, "%s", e.Key)
		assert.Empty(t, e.Reason, "%s", e.Key)
	}
	a, err := loyalty.Replay(old)
	require.NoError(t, err)
	assert.Equal(t, 1, a.Level)
	assert.Empty(t, a.LevelName())
}

// A tier name PostgreSQL cannot hold (a NUL byte, text that is not
// UTF-8) is refused naming the entry and the field tier_name, and
// nothing is stored.
func TestLoyaltyTierNameRefused(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	s := db.Loyalty()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, bad := range []string{"Silber\x00", "Silber\xff"} {
		e := loyalty.Entry{Seq: 1, Member: "M-1", Key: "join", Kind: loyalty.EntryJoin, Time: at, Effective: at, TierName: bad}
		err := s.Append(ctx, "M-1", 0, []loyalty.Entry{e})
		refusedNaming(t, err, `loyalty entry 1 of member "M-1"`, "tier_name")
		got, err := s.Entries(ctx, "M-1", 0)
		require.NoError(t, err)
		assert.Empty(t, got, "%q: a refused append stores nothing", bad)
	}
}
