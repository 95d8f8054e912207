package sqlitestore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// fingerprints are values SQLite's JSON functions would round as numbers:
// beyond 2^53 (odd, so a double cannot hold them) and beyond 2^63 (which
// SQLite holds as a double whatever its digits).
var fingerprints = []loyalty.Fingerprint{1<<53 + 1, 1<<63 - 1, 0xfedcba9876543210, 1<<64 - 1}

// A ledger entry's fingerprint is written as a JSON string of its decimal
// digits, so that SQLite's own JSON functions (json_extract in a report,
// say) read it exactly, not as a double.
func TestFingerprintIsExactForSQLiteJSON(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var batch []loyalty.Entry
	for i, fp := range fingerprints {
		batch = append(batch, loyalty.Entry{Seq: int64(i + 1), Member: "M-1", Key: fmt.Sprintf("adjust:%d", i+1),
			Fingerprint: fp, Kind: loyalty.EntryAdjust, Time: at, Points: 1, Reason: "goodwill"})
	}
	require.NoError(t, db.Loyalty().Append(ctx, "M-1", 0, batch))
	for _, e := range batch {
		var typ, text string
		require.NoError(t, db.r.QueryRowContext(ctx, `SELECT json_type(doc, '$.fingerprint'), json_extract(doc, '$.fingerprint')
			FROM loyalty_entries WHERE member = ? AND seq = ?`, "M-1", e.Seq).Scan(&typ, &text))
		assert.Equal(t, "text", typ, "fingerprint %d", e.Fingerprint)
		assert.Equal(t, fmt.Sprint(uint64(e.Fingerprint)), text, "fingerprint as SQLite reads it")
	}
	got, err := db.Loyalty().Entries(ctx, "M-1", 0)
	require.NoError(t, err)
	require.Len(t, got, len(batch))
	for i := range batch {
		assert.Equal(t, batch[i].Fingerprint, got[i].Fingerprint)
	}
}

// Rows written before fingerprints were strings hold them as JSON
// numbers; they read back exactly, and erasing a ledger that holds them
// rewrites its join in the current form.
func TestFingerprintWrittenAsANumberStaysReadable(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	joined := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	_, err = db.w.ExecContext(ctx, `INSERT INTO loyalty_entries (member, seq, key, kind, at, points, order_id, doc)
		VALUES ('M-1', 1, 'join', 'join', ?, 0, '', ?)`, joined.Format(timeLayout),
		`{"fingerprint":18364758544493064720,"effective":"2026-03-02T09:00:00Z","birthday":{"year":1990,"month":7,"day":14}}`)
	require.NoError(t, err)
	for i, fp := range fingerprints {
		_, err := db.w.ExecContext(ctx, `INSERT INTO loyalty_entries (member, seq, key, kind, at, points, order_id, doc)
			VALUES ('M-1', ?, ?, 'adjust', ?, 1, '', ?)`, i+2, fmt.Sprintf("adjust:%d", i+2), joined.Format(timeLayout),
			fmt.Sprintf(`{"fingerprint":%d,"reason":"goodwill"}`, uint64(fp)))
		require.NoError(t, err)
	}
	got, err := db.Loyalty().Entries(ctx, "M-1", 0)
	require.NoError(t, err)
	require.Len(t, got, len(fingerprints)+1)
	assert.Equal(t, loyalty.Fingerprint(18364758544493064720), got[0].Fingerprint)
	assert.Equal(t, customer.Birthday{Year: 1990, Month: time.July, Day: 14}, got[0].Birthday)
	for i, fp := range fingerprints {
		assert.Equal(t, fp, got[i+1].Fingerprint, "entry %d", i+2)
	}

	require.NoError(t, db.Loyalty().Erase(ctx, "M-1", int64(len(got)), nil))
	want := got[0].Erased()
	var typ, text string
	require.NoError(t, db.r.QueryRowContext(ctx, `SELECT json_type(doc, '$.fingerprint'), json_extract(doc, '$.fingerprint')
		FROM loyalty_entries WHERE member = 'M-1' AND seq = 1`).Scan(&typ, &text))
	assert.Equal(t, "text", typ)
	assert.Equal(t, fmt.Sprint(uint64(want.Fingerprint)), text)
	after, err := db.Loyalty().Entries(ctx, "M-1", 0)
	require.NoError(t, err)
	assert.Equal(t, want.Fingerprint, after[0].Fingerprint)
	assert.Zero(t, after[0].Birthday)
	for i, fp := range fingerprints {
		assert.Equal(t, fp, after[i+1].Fingerprint, "entry %d after the erasure", i+2)
	}
}

// A file of schema version 5, whose ledger entries hold their
// fingerprints as JSON numbers, is upgraded by Open to the version that
// marks fingerprints written as text (so that a program of version 5
// refuses the file at Open); its entries read back exactly, and new ones
// are written as text.
func TestVersion5FileIsMarkedForTextFingerprints(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v5.db")
	old, err := open(ctx, path, nil, 5)
	require.NoError(t, err)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).Format(timeLayout)
	_, err = old.w.ExecContext(ctx, `INSERT INTO loyalty_entries (member, seq, key, kind, at, points, order_id, doc)
		VALUES ('M-1', 1, 'adjust:1', 'adjust', ?, 1, '', '{"fingerprint":18446744073709551615,"reason":"goodwill"}')`, at)
	require.NoError(t, err)
	require.NoError(t, old.Close())

	db, err := Open(ctx, path, nil)
	require.NoError(t, err)
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, LatestSchema, v)
	var name string
	require.NoError(t, db.r.QueryRowContext(ctx, `SELECT name FROM schema_version WHERE version = 6`).Scan(&name))
	assert.Equal(t, "loyalty fingerprints as text", name)
	got, err := db.Loyalty().Entries(ctx, "M-1", 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, loyalty.Fingerprint(18446744073709551615), got[0].Fingerprint)

	require.NoError(t, db.Loyalty().Append(ctx, "M-1", 1, []loyalty.Entry{{Seq: 2, Member: "M-1", Key: "adjust:2", Kind: loyalty.EntryAdjust,
		Points: 1, Fingerprint: 18446744073709551614, Reason: "goodwill", Time: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)}}))
	var typ string
	require.NoError(t, db.r.QueryRowContext(ctx, `SELECT json_type(doc, '$.fingerprint') FROM loyalty_entries WHERE member = 'M-1' AND seq = 2`).Scan(&typ))
	assert.Equal(t, "text", typ)
}
