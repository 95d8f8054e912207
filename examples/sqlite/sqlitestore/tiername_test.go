package sqlitestore

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// Entries stored before entries named their tiers read with no tier
// name and replay as before; a tier name appended is in the document
// under tier_name and reads back.
func TestLoyaltyTierNameOldAndNew(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	joined := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	_, err = db.w.ExecContext(ctx, `INSERT INTO loyalty_entries (member, seq, key, kind, at, points, order_id, doc)
		VALUES ('M-1', 1, 'join', 'join', ?, 0, '', '{"fingerprint":"7","effective":"2026-03-02T09:00:00Z","note":"joined"}'),
		       ('M-1', 2, 'tier:2', 'tier', ?, 0, '', '{"effective":"2026-03-02T09:00:00Z","to":1,"note":"up"}')`,
		joined.Format(timeLayout), joined.Format(timeLayout))
	require.NoError(t, err)
	s := db.Loyalty()
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

	rv := loyalty.Entry{Seq: 3, Member: "M-1", Key: "review:3", Kind: loyalty.EntryReview, Time: joined.AddDate(1, 0, 0),
		Effective: joined.AddDate(1, 0, 0), From: 1, To: 1, TierName: "Silber"}
	require.NoError(t, s.Append(ctx, "M-1", 2, []loyalty.Entry{rv}))
	var name string
	require.NoError(t, db.r.QueryRowContext(ctx, `SELECT json_extract(doc, '$.tier_name') FROM loyalty_entries
		WHERE member = 'M-1' AND seq = 3`).Scan(&name))
	assert.Equal(t, "Silber", name)
	var none any
	require.NoError(t, db.r.QueryRowContext(ctx, `SELECT json_extract(doc, '$.tier_name') FROM loyalty_entries
		WHERE member = 'M-1' AND seq = 2`).Scan(&none))
	assert.Nil(t, none, "an old document is left as it was")
	all, err := s.Entries(ctx, "M-1", 0)
	require.NoError(t, err)
	require.Len(t, all, 3)
	assert.Equal(t, "Silber", all[2].TierName)
	a, err = loyalty.Replay(all)
	require.NoError(t, err)
	assert.Equal(t, "Silber", a.LevelName())
}

// A tier name that is not valid UTF-8 is refused naming the entry and
// the field tier_name, and the batch is not stored.
func TestLoyaltyTierNameInvalidUTF8(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	bad := loyalty.Entry{Seq: 1, Member: "M-1", Key: "join", Kind: loyalty.EntryJoin, Time: at, Effective: at, TierName: "Silber\xff"}
	err = db.Loyalty().Append(ctx, "M-1", 0, []loyalty.Entry{bad})
	require.ErrorIs(t, err, customer.ErrInvalid)
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Contains(t, ve.Record, `key "join"`)
	assert.True(t, ve.Has("tier_name", customer.CodeFormat), "%v", err)
	got, err := db.Loyalty().Entries(ctx, "M-1", 0)
	require.NoError(t, err)
	assert.Empty(t, got, "a refused batch stores nothing")
}
