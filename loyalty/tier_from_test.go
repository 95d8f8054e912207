package loyalty_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/loyalty"
)

// silverThenGold joins on 5 January 2026, reaches silver on 1 February
// and gold on 1 March, and returns the ledger.
func silverThenGold(t *testing.T) []loyalty.Entry {
	t.Helper()
	p := club(t)
	var log []loyalty.Entry
	a, es := applyAll(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	log = append(log, es...)
	a, es = applyAll(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))})
	log = append(log, es...)
	a, es = applyAll(t, p, a, day(2026, 3, 1), loyalty.Purchase{Order: order("O2", "M1", day(2026, 3, 1), line("SUIT", "suits", "1000", 1))})
	log = append(log, es...)
	require.Equal(t, 2, a.Level)
	requireReplays(t, a, log)
	return log
}

// Replay refuses a tier entry that does not start from the tier the
// member holds at that point of the ledger, and names the entry and the
// field.
func TestReplayRefusesTierEntryFromAnotherLevel(t *testing.T) {
	log := silverThenGold(t)
	tiers := []int{}
	for i, e := range log {
		if e.Kind == loyalty.EntryTier {
			tiers = append(tiers, i)
		}
	}
	require.Len(t, tiers, 2)
	first, second := tiers[0], tiers[1]
	require.Equal(t, 0, log[first].From)
	require.Equal(t, 1, log[second].From)
	for name, change := range map[string]func(log []loyalty.Entry){
		// member → silver recorded as gold → silver: not held.
		"upgrade from a tier not held": func(log []loyalty.Entry) { log[first].From = 2 },
		// silver → gold recorded as member → gold.
		"second upgrade from the tier before": func(log []loyalty.Entry) { log[second].From = 0 },
		"below the lowest tier":               func(log []loyalty.Entry) { log[second].To = -1 },
		"no change":                           func(log []loyalty.Entry) { log[second].To = 1 },
	} {
		t.Run(name, func(t *testing.T) {
			bad := append([]loyalty.Entry(nil), log...)
			change(bad)
			_, err := loyalty.Replay(bad)
			require.ErrorIs(t, err, loyalty.ErrCorrupt)
			require.ErrorContains(t, err, `(tier "tier:`)
			require.ErrorContains(t, err, "From")
		})
	}
	// The two upgrades swapped (their sequence numbers kept in order):
	// gold is reached from silver before silver was reached.
	t.Run("mis-ordered", func(t *testing.T) {
		bad := append([]loyalty.Entry(nil), log...)
		// Move the silver upgrade after the gold one; everything between
		// keeps its order.
		moved := bad[first]
		copy(bad[first:second], bad[first+1:second+1])
		bad[second] = moved
		for i := range bad {
			bad[i].Seq = int64(i + 1)
		}
		_, err := loyalty.Replay(bad)
		require.ErrorIs(t, err, loyalty.ErrCorrupt)
		require.ErrorContains(t, err, "From")
	})
}

// Replay refuses a review entry that does not keep the tier held.
func TestReplayRefusesReviewOfAnotherLevel(t *testing.T) {
	p := club(t)
	var log []loyalty.Entry
	a, es := applyAll(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	log = append(log, es...)
	a, es = applyAll(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))})
	log = append(log, es...)
	a, es = applyAll(t, p, a, day(2027, 2, 2), loyalty.Tick{Member: "M1"})
	log = append(log, es...)
	requireReplays(t, a, log)
	i := len(log) - 1
	require.Equal(t, loyalty.EntryReview, log[i].Kind)
	require.Equal(t, 1, log[i].From)
	for name, change := range map[string]func(e *loyalty.Entry){
		"from a tier not held": func(e *loyalty.Entry) { e.From, e.To = 2, 2 },
		"moves the tier":       func(e *loyalty.Entry) { e.To = 2 },
	} {
		t.Run(name, func(t *testing.T) {
			bad := append([]loyalty.Entry(nil), log...)
			change(&bad[i])
			_, err := loyalty.Replay(bad)
			require.ErrorIs(t, err, loyalty.ErrCorrupt)
			require.ErrorContains(t, err, `(review "`)
			require.ErrorContains(t, err, "From")
		})
	}
}
