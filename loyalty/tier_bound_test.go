package loyalty_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// upgradedLedger returns the entries of a member of the club (three
// tiers) who joined and bought enough to reach gold, with the index of
// the tier entry.
func upgradedLedger(t *testing.T, p *loyalty.Programme) ([]loyalty.Entry, int) {
	t.Helper()
	var a loyalty.Account
	var all []loyalty.Entry
	for _, ev := range []loyalty.Event{
		loyalty.Join{Member: "M1", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "5000", 1))},
	} {
		next, es, err := p.Apply(a, ev, day(2026, 2, 1))
		require.NoError(t, err)
		a, all = next, append(all, es...)
	}
	for i, e := range all {
		if e.Kind == loyalty.EntryTier {
			require.Equal(t, 2, e.To, "the purchase reaches gold")
			return all, i
		}
	}
	t.Fatal("no tier entry")
	return nil, 0
}

// requireTierRefused fails unless err matches ErrCorrupt and names the
// tier entry's member, seq and key and its field To.
func requireTierRefused(t *testing.T, err error, e loyalty.Entry, what string) {
	t.Helper()
	require.ErrorIs(t, err, loyalty.ErrCorrupt, what)
	for _, s := range []string{`"M1"`, "entry 3", `"` + e.Key + `"`, "To is tier", "3 tiers"} {
		assert.Contains(t, err.Error(), s, what)
	}
}

// A ledger replays without its programme, so a tier entry's To is
// bounded from above only where the programme is known: one that names
// a tier the programme lacks (To ≥ the number of levels, tampered or
// written under another programme) is refused by Apply, by a Service
// loading the ledger and by Price given the account, with an error that
// names the entry and the field, rather than read as some other tier,
// refused with a message naming neither, or a panic at the next review.
func TestTierBeyondProgrammeRefused(t *testing.T) {
	p := club(t)
	require.Len(t, p.Levels(), 3)
	for _, to := range []int{3, 9} {
		all, i := upgradedLedger(t, p)
		all[i].To = to
		a, err := loyalty.Replay(all)
		require.NoError(t, err, "replay cannot know the programme's tiers")
		require.Equal(t, to, a.Level)

		buy := loyalty.Purchase{Order: order("O2", "M1", day(2026, 3, 1), line("A", "coats", "100", 1))}
		require.NotPanics(t, func() {
			_, es, err := p.Apply(a, buy, day(2026, 3, 1))
			requireTierRefused(t, err, all[i], "apply")
			assert.Empty(t, es)
			// A year on, when the review falls due.
			late := loyalty.Purchase{Order: order("O3", "M1", day(2027, 3, 1), line("A", "coats", "100", 1))}
			_, es, err = p.Apply(a, late, day(2027, 6, 1))
			requireTierRefused(t, err, all[i], "apply at the review")
			assert.Empty(t, es)
		})

		_, err = p.Price(loyalty.Basket{Member: "M1", Time: day(2026, 3, 1), Currency: "EUR",
			Items: []loyalty.Item{item("A", "coats", "2026-AW", "100.00", 1)}, Account: &a})
		requireTierRefused(t, err, all[i], "price")

		ctx := context.Background()
		s := loyalty.NewMemStore()
		require.NoError(t, s.Append(ctx, "M1", 0, all))
		for _, opts := range []*loyalty.ServiceOptions{nil, {NoCache: true}} {
			svc := loyalty.NewService(p, s, opts)
			_, err = svc.Account(ctx, "M1")
			requireTierRefused(t, err, all[i], "service account")
			require.NotPanics(t, func() {
				_, _, err = svc.Apply(ctx, buy, day(2026, 3, 1))
			})
			requireTierRefused(t, err, all[i], "service apply")
			stored, err := s.Entries(ctx, "M1", 0)
			require.NoError(t, err)
			assert.Len(t, stored, len(all), "nothing appended")
		}
	}
}

// A tier the programme lacks is refused also when a later tier entry
// left it: the ledger still says the member held it, which a late event
// dated then would read.
func TestTierBeyondProgrammeRefusedInHistory(t *testing.T) {
	p := club(t)
	all, i := upgradedLedger(t, p)
	all[i].To = 5
	back := all[i]
	back.Seq, back.Key, back.From, back.To = int64(len(all)+1), "tier:back", 5, 1
	back.Time, back.Effective = day(2026, 2, 2), day(2026, 2, 2)
	all = append(all, back)
	a, err := loyalty.Replay(all)
	require.NoError(t, err)
	require.Equal(t, 1, a.Level)
	_, _, err = p.Apply(a, loyalty.Purchase{Order: order("O2", "M1", day(2026, 3, 1), line("A", "coats", "100", 1))}, day(2026, 3, 1))
	requireTierRefused(t, err, all[i], "apply")
}

// An Account made by hand whose Level the programme lacks is refused by
// Apply with an error naming the field, and so is a negative one.
func TestAccountLevelBeyondProgrammeRefused(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	for _, level := range []int{3, -1} {
		b := a
		b.Level = level
		var err error
		require.NotPanics(t, func() {
			_, _, err = p.Apply(b, loyalty.Purchase{Order: order("O1", "M1", day(2026, 3, 1), line("A", "coats", "100", 1))}, day(2027, 6, 1))
		})
		var ve *customer.ValidationError
		require.True(t, errors.As(err, &ve), "level %d: %v", level, err)
		assert.Equal(t, "account.level", ve.Fields[0].Field)
		assert.Contains(t, err.Error(), `"M1"`)
	}
	// The programme's own tiers are accepted.
	_, _, err := p.Apply(a, loyalty.Purchase{Order: order("O1", "M1", day(2026, 3, 1), line("A", "coats", "100", 1))}, day(2026, 3, 1))
	require.NoError(t, err)
}
