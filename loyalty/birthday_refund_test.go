package loyalty_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// The birthday multiplier is the year's first purchase in the birthday
// month that earns points. A refund of every unit of that purchase
// leaves it no longer standing, as it gives its coupons' uses back: the
// year's multiplier comes back, recorded on the claw-back (its Year),
// and the next purchase of the birthday month earns it. A partial
// refund or an exchange keeps the purchase, and the multiplier used.
func TestBirthdayMultiplierBackAfterFullRefund(t *testing.T) {
	p := club(t)
	start := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: july23, Time: day(2026, 1, 5)})
	two := order("O1", "M1", day(2026, 7, 2), line("A", "coats", "100", 1), line("B", "coats", "50", 1))

	// record applies events in order from start and returns the account
	// and the entries they made.
	record := func(t *testing.T, events ...loyalty.Event) (loyalty.Account, []loyalty.Entry) {
		t.Helper()
		a, all := start, []loyalty.Entry(nil)
		for _, e := range events {
			next, es, err := p.Apply(a, e, day(2026, 7, 20))
			require.NoError(t, err, "%T %s", e, e.Key())
			a, all = next, append(all, es...)
		}
		return a, all
	}
	next := loyalty.Purchase{Order: order("O2", "M1", day(2026, 7, 20), line("C", "coats", "100", 1))}

	t.Run("full refund in one return", func(t *testing.T) {
		a, entries := record(t, loyalty.Purchase{Order: two},
			loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 7, 5),
				customer.ReturnLine{LineID: "A", Quantity: -1}, customer.ReturnLine{LineID: "B", Quantity: -1})})
		claw := entries[len(entries)-1]
		require.Equal(t, loyalty.EntryClawback, claw.Kind)
		assert.Equal(t, 2026, claw.Year, "the claw-back gives the year's multiplier back")
		assert.Contains(t, claw.Note, "birthday multiplier of 2026 given back")
		_, es, err := p.Apply(a, next, day(2026, 7, 20))
		require.NoError(t, err)
		assert.Equal(t, loyalty.Points(200), es[0].Points, "birthday month ×2 again")
		assert.Equal(t, 2026, es[0].Year)

		// A replay of the ledger is the same account: it earns the same.
		stored := append(replayable(t, p, start), entries...)
		r, err := loyalty.Replay(stored)
		require.NoError(t, err)
		_, es2, err := p.Apply(r, next, day(2026, 7, 20))
		require.NoError(t, err)
		assert.Equal(t, es, es2)

		// Redelivered, the refund gives nothing back a second time.
		_, _, err = p.Apply(a, loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 7, 5),
			customer.ReturnLine{LineID: "A", Quantity: -1}, customer.ReturnLine{LineID: "B", Quantity: -1})}, day(2026, 7, 20))
		require.ErrorIs(t, err, loyalty.ErrDuplicate)
		// The multiplier given back is used once more, and only once.
		a2, _, err := p.Apply(a, next, day(2026, 7, 20))
		require.NoError(t, err)
		_, es, err = p.Apply(a2, loyalty.Purchase{Order: order("O3", "M1", day(2026, 7, 21), line("D", "coats", "100", 1))}, day(2026, 7, 21))
		require.NoError(t, err)
		assert.Equal(t, loyalty.Points(100), es[0].Points)
	})
	t.Run("full refund in two returns", func(t *testing.T) {
		a, entries := record(t, loyalty.Purchase{Order: two},
			loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 7, 5), customer.ReturnLine{LineID: "A", Quantity: -1})},
			loyalty.Returned{Return: ret("X2", "O1", "M1", day(2026, 7, 6), customer.ReturnLine{LineID: "B", Quantity: -1})})
		var years []int
		for _, e := range entries {
			if e.Kind == loyalty.EntryClawback {
				years = append(years, e.Year)
			}
		}
		assert.Equal(t, []int{0, 2026}, years, "the refund of the last unit gives it back")
		_, es, err := p.Apply(a, next, day(2026, 7, 20))
		require.NoError(t, err)
		assert.Equal(t, loyalty.Points(200), es[0].Points)
	})
	t.Run("partial refund", func(t *testing.T) {
		a, entries := record(t, loyalty.Purchase{Order: two},
			loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 7, 5), customer.ReturnLine{LineID: "A", Quantity: -1})})
		assert.Zero(t, entries[len(entries)-1].Year)
		_, es, err := p.Apply(a, next, day(2026, 7, 20))
		require.NoError(t, err)
		assert.Equal(t, loyalty.Points(100), es[0].Points, "the purchase stands: its multiplier stays used")
	})
	t.Run("exchange", func(t *testing.T) {
		x := ret("X1", "O1", "M1", day(2026, 7, 5), customer.ReturnLine{LineID: "A", Quantity: -1}, customer.ReturnLine{LineID: "B", Quantity: -1})
		x.Kind = customer.Exchange
		a, entries := record(t, loyalty.Purchase{Order: two}, loyalty.Returned{Return: x})
		assert.Zero(t, entries[len(entries)-1].Year)
		_, es, err := p.Apply(a, next, day(2026, 7, 20))
		require.NoError(t, err)
		assert.Equal(t, loyalty.Points(100), es[0].Points)
	})
	t.Run("after erasure", func(t *testing.T) {
		_, entries := record(t, loyalty.Purchase{Order: two},
			loyalty.Erasure{Member: "M1", ID: "e1", Time: day(2026, 7, 4)},
			loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 7, 5),
				customer.ReturnLine{LineID: "A", Quantity: -1}, customer.ReturnLine{LineID: "B", Quantity: -1})})
		assert.Zero(t, entries[len(entries)-1].Year, "no birthday benefit after the erasure")
	})
}

// replayable returns the entries of a, an account made by its join alone
// (with apply), so that a test can replay the ledger it goes on to build.
func replayable(t *testing.T, p *loyalty.Programme, a loyalty.Account) []loyalty.Entry {
	t.Helper()
	_, es, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: a.Member, Birthday: a.Birthday, Time: a.Joined}, a.Joined)
	require.NoError(t, err)
	require.Equal(t, a.Version, int64(len(es)))
	return es
}

// A ledger whose claw-back gives back a birthday multiplier that its
// order did not use, or twice, is corrupt.
func TestBirthdayMultiplierBackCorrupt(t *testing.T) {
	p := club(t)
	a := apply(t, p, loyalty.Account{}, day(2026, 1, 5), loyalty.Join{Member: "M1", Birthday: july23, Time: day(2026, 1, 5)})
	all := replayable(t, p, a)
	for _, e := range []loyalty.Event{
		loyalty.Purchase{Order: order("O1", "M1", day(2026, 7, 2), line("A", "coats", "100", 1))},
		loyalty.Purchase{Order: order("O2", "M1", day(2026, 7, 3), line("B", "coats", "100", 1))},
		loyalty.Returned{Return: ret("X2", "O2", "M1", day(2026, 7, 5), customer.ReturnLine{LineID: "B", Quantity: -1})},
	} {
		next, es, err := p.Apply(a, e, day(2026, 7, 5))
		require.NoError(t, err)
		a, all = next, append(all, es...)
	}
	claw := all[len(all)-1]
	require.Equal(t, loyalty.EntryClawback, claw.Kind)
	require.Zero(t, claw.Year, "O2 earned no multiplier")
	_, err := loyalty.Replay(all)
	require.NoError(t, err)
	all[len(all)-1].Year = 2026
	_, err = loyalty.Replay(all)
	assert.ErrorIs(t, err, loyalty.ErrCorrupt)
}
