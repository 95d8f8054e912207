package loyalty_test

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/loyalty"
)

// A ledger written when a tier revocation kept the review schedule
// (model programme, fingerprints as JSON numbers): joined 30 January
// 2027 and erased at once, gold from the start, a review on 30 March
// that gave 5 days of grace, down to base when it ended on 4 April,
// gold again on 12 April by an order whose refund took it back the same
// day (entry 15, "revoke:X7") keeping the next review of that upgrade,
// 12 June (taking the upgrade's schedule back would have restored
// 30 May), then silver at once. It still replays, also in the erased
// form an Eraser stores, and the reviews after it go by the schedule it
// kept: 12 June, with grace to 17 June, then every two months from the
// clock of the 12 April upgrade.
func TestLedgerOfARevocationThatKeptTheScheduleReplays(t *testing.T) {
	data, err := os.ReadFile("testdata/ledger_old_revocation.json")
	require.NoError(t, err)
	var log []loyalty.Entry
	require.NoError(t, json.Unmarshal(data, &log))
	a, err := loyalty.Replay(log)
	require.NoError(t, err)
	utc := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 16, 0, 0, 0, time.UTC) }
	assert.Equal(t, 1, a.Level)
	assert.Equal(t, utc(2027, 4, 12), a.LevelSince.UTC())
	assert.Equal(t, utc(2027, 6, 12), a.NextReview.UTC())
	assert.True(t, a.GraceUntil.IsZero())
	assert.Equal(t, loyalty.Points(1120), a.Balance())
	assert.Equal(t, int64(17), a.Version)

	erased := make([]loyalty.Entry, len(log))
	for i, e := range log {
		erased[i] = e.Erased()
	}
	re, err := loyalty.Replay(erased)
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(loyalty.WithoutOwnership(re), loyalty.WithoutOwnership(a)))

	type review struct {
		kind            loyalty.EntryKind
		from, to        int
		at, next, grace time.Time
	}
	want := []review{
		{loyalty.EntryReview, 1, 1, utc(2027, 6, 12), utc(2027, 8, 12), utc(2027, 6, 17)},
		{loyalty.EntryTier, 1, 0, utc(2027, 6, 17), utc(2027, 8, 12), time.Time{}},
		{loyalty.EntryReview, 0, 0, utc(2027, 8, 12), utc(2027, 10, 12), time.Time{}},
		{loyalty.EntryReview, 0, 0, utc(2027, 10, 12), utc(2027, 12, 12), time.Time{}},
		{loyalty.EntryReview, 0, 0, utc(2027, 12, 12), utc(2028, 2, 12), time.Time{}},
		{loyalty.EntryReview, 0, 0, utc(2028, 2, 12), utc(2028, 4, 12), time.Time{}},
		{loyalty.EntryReview, 0, 0, utc(2028, 4, 12), utc(2028, 6, 12), time.Time{}},
	}
	for _, days := range []int{20, 90} {
		p := modelProgrammeRevoking(t, loyalty.DebtRecord, days)
		next, es, err := p.Apply(a, loyalty.Tick{Member: "M1"}, a.AsOf.Add(400*24*time.Hour))
		require.NoError(t, err)
		var got []review
		for _, e := range es {
			if e.Kind == loyalty.EntryTier || e.Kind == loyalty.EntryReview {
				got = append(got, review{e.Kind, e.From, e.To, e.Effective.UTC(), e.NextReview.UTC(), e.GraceUntil.UTC()})
			}
		}
		assert.Equal(t, want, got, "revoke days %d", days)
		r, err := loyalty.Replay(append(log[:len(log):len(log)], es...))
		require.NoError(t, err)
		assert.Equal(t, next.Level, r.Level)
		assert.Equal(t, next.NextReview, r.NextReview)
		assert.Equal(t, next.Balance(), r.Balance())
	}
}
