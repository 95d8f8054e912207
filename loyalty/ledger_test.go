package loyalty_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

func joined(t *testing.T, p *loyalty.Programme, at time.Time) loyalty.Account {
	return apply(t, p, loyalty.Account{}, at, loyalty.Join{Member: "M1", Birthday: customer.Birthday{Month: time.October, Day: 3}, Time: at})
}

func TestPurchaseEarnsPendingThenAvailable(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	o := order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "249.90", 1), line("KNIT", "knitwear", "60", 2))
	a, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, day(2026, 2, 1))
	require.NoError(t, err)
	// 249.90 + 2×60×2 (knitwear doubled) = 489.90 → 489 points, pending.
	require.Len(t, entries, 1)
	assert.Equal(t, loyalty.EntryEarn, entries[0].Kind)
	assert.Equal(t, loyalty.Points(489), entries[0].Points)
	assert.Equal(t, loyalty.Points(489), a.Pending)
	assert.Equal(t, loyalty.Points(0), a.Available)
	assert.Contains(t, entries[0].Note, "double points on knitwear")

	// Before the window ends: still pending. After: available.
	a2, entries, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 3, 2))
	require.NoError(t, err)
	require.Len(t, entries, 0)
	assert.Equal(t, a.Version, a2.Version)
	a3, entries, err := p.Apply(a, loyalty.Tick{Member: "M1"}, day(2026, 3, 4))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, loyalty.EntryRelease, entries[0].Kind)
	assert.Equal(t, loyalty.Points(489), a3.Available)
	assert.Equal(t, loyalty.Points(0), a3.Pending)
}

func TestSameOrderTwiceEarnsOnce(t *testing.T) {
	p := club(t)
	a := joined(t, p, day(2026, 1, 5))
	o := order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "100", 1))
	a = apply(t, p, a, day(2026, 2, 1), loyalty.Purchase{Order: o})
	again, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, day(2026, 2, 2))
	require.ErrorIs(t, err, loyalty.ErrDuplicate)
	var de *loyalty.DuplicateError
	require.True(t, errors.As(err, &de))
	assert.True(t, de.Same)
	assert.Empty(t, entries)
	assert.Equal(t, a.Version, again.Version)
	assert.Equal(t, a.Balance(), again.Balance())

	o.Lines[0].UnitPrice = dec("200")
	_, _, err = p.Apply(a, loyalty.Purchase{Order: o}, day(2026, 2, 2))
	require.True(t, errors.As(err, &de))
	assert.False(t, de.Same, "a reused key with other content is told apart")
}

func TestReplayEqualsApply(t *testing.T) {
	p := club(t)
	var all []loyalty.Entry
	var a loyalty.Account
	step := func(now time.Time, e loyalty.Event) {
		next, entries, err := p.Apply(a, e, now)
		require.NoError(t, err)
		all = append(all, entries...)
		a = next
	}
	step(day(2026, 1, 5), loyalty.Join{Member: "M1", Time: day(2026, 1, 5)})
	step(day(2026, 2, 1), loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "700", 1))})
	step(day(2026, 4, 1), loyalty.Redemption{Member: "M1", ID: "R1", Points: 300, Time: day(2026, 4, 1)})
	step(day(2026, 4, 2), loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 4, 2), customer.ReturnLine{LineID: "COAT", Quantity: -1})})
	r, err := loyalty.Replay(all)
	require.NoError(t, err)
	assert.Equal(t, a.Balance(), r.Balance())
	assert.Equal(t, a.Debt, r.Debt)
	assert.Equal(t, a.Lots(), r.Lots())
	assert.Equal(t, a.Level, r.Level)
	var sum loyalty.Points
	for _, e := range all {
		sum += e.Points
	}
	assert.Equal(t, sum, r.Balance())
	for _, e := range all {
		t.Logf("%d %-8s %5d debt %d  %s", e.Seq, e.Kind, e.Points, e.Debt, e.Note)
	}
}
