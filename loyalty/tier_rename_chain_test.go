package loyalty_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// clubRenamed returns the club with silver called silverName, listing
// former as its former names, and with RevokeDays revokeDays.
func clubRenamed(t *testing.T, revokeDays int, silverName string, former ...string) *loyalty.Programme {
	t.Helper()
	c := club(t).Config()
	c.Tiers.RevokeDays = revokeDays
	c.Tiers.Levels[1].Name, c.Tiers.Levels[1].FormerNames = silverName, former
	p, err := loyalty.Compile(c)
	require.NoError(t, err)
	return p
}

// renamedTwice returns the ledger of a member of the club (with
// RevokeDays revokeDays) who reached silver with order O1 of 600 on 1
// February 2026, whose ledger was brought up to 3 March, and who then
// recorded silver renamed argent by a first restructure (on 4 March);
// and the programme of a second restructure, argent renamed plata,
// listing argent, its name before, as its former name.
func renamedTwice(t *testing.T, revokeDays int) ([]loyalty.Entry, loyalty.Account, *loyalty.Programme) {
	t.Helper()
	var a loyalty.Account
	var all []loyalty.Entry
	step := func(p *loyalty.Programme, ev loyalty.Event, now time.Time) {
		t.Helper()
		next, es, err := p.Apply(a, ev, now)
		require.NoError(t, err, "%T %s", ev, ev.Key())
		a, all = next, append(all, es...)
	}
	p := clubRenamed(t, revokeDays, "silver")
	step(p, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
	step(p, loyalty.Purchase{Order: order("O1", "M1", day(2026, 2, 1), line("COAT", "coats", "600", 1))}, day(2026, 2, 1))
	step(p, loyalty.Tick{Member: "M1"}, day(2026, 3, 3))
	require.Equal(t, "silver", a.LevelName())
	step(clubRenamed(t, revokeDays, "argent", "silver"), loyalty.Tick{Member: "M1"}, day(2026, 3, 4))
	require.Equal(t, "argent", a.LevelName())
	require.True(t, strings.HasPrefix(all[len(all)-1].Key, "renamed-tier:"), all[len(all)-1].Key)
	return all, a, clubRenamed(t, revokeDays, "plata", "argent")
}

// A tier renamed twice (silver, argent, plata) is the same tier
// throughout for a member whose ledger recorded the first rename: the
// ledger's rename says silver is argent, and the programme says argent
// is plata. The member held plata, as the programme now calls it, since
// 1 February: a purchase dated before the first rename, recorded late,
// earns with plata's multiplier, and TierAt says plata.
func TestTierRenamedTwiceKeepsThePast(t *testing.T) {
	all, a, p := renamedTwice(t, 0)
	assert.Equal(t, "plata", p.Tier(a).Name)
	assert.Equal(t, "plata", p.TierAt(a, day(2026, 3, 15)).Name)
	assert.Equal(t, "plata", p.TierAt(a, day(2026, 2, 15)).Name, "held since 1 February, before the first rename")
	assert.Equal(t, "member", p.TierAt(a, day(2026, 1, 15)).Name, "before the upgrade")

	late := loyalty.Purchase{Order: order("O2", "M1", day(2026, 2, 20), line("A", "coats", "100", 1))}
	b, es, err := p.Apply(a, late, day(2026, 3, 6))
	require.NoError(t, err)
	earn := es[len(es)-1]
	require.Equal(t, loyalty.EntryEarn, earn.Kind, "%v", es)
	assert.Equal(t, loyalty.Points(125), earn.Points, "plata's ×1.25 on 20 February: %s", earn.Note)
	assert.Equal(t, "plata", b.LevelName())
	_, err = loyalty.Replay(append(all, es...))
	require.NoError(t, err)
}

// A refund takes back no tier held, under its former name, longer than
// RevokeDays ([loyalty.TierConfig].RevokeDays): silver reached on 1
// February, renamed argent and then plata, is not taken back by the
// refund of its purchase on 11 March, 30 days being RevokeDays.
func TestTierRenamedTwiceNotRevoked(t *testing.T) {
	all, a, p := renamedTwice(t, 30)
	refund := loyalty.Returned{Return: ret("X1", "O1", "M1", day(2026, 3, 11), customer.ReturnLine{LineID: "COAT", Quantity: -1})}
	b, es, err := p.Apply(a, refund, day(2026, 3, 11))
	require.NoError(t, err)
	for _, e := range es {
		assert.False(t, strings.HasPrefix(e.Key, "revoke:"), "plata held since 1 February is not taken back: %s %s", e.Key, e.Note)
	}
	assert.Equal(t, "plata", p.Tier(b).Name)
	_, err = loyalty.Replay(append(all, es...))
	require.NoError(t, err)
}

// Replay refuses a revocation ([loyalty.TierConfig].RevokeDays) that
// names the tier it takes back as the tier it leaves the member in: the
// member would still hold it by name, and a programme reads the tier
// from its name.
func TestTierRevocationNamingTheTierHeldRefused(t *testing.T) {
	_, _, log := goldThenRefund(t, revoking(t, 30))
	i := slices.IndexFunc(log, func(e loyalty.Entry) bool { return strings.HasPrefix(e.Key, "revoke:") })
	require.Positive(t, i, "%v", log)
	require.Equal(t, "member", log[i].TierName)
	_, err := loyalty.Replay(log)
	require.NoError(t, err)
	bad := slices.Clone(log)
	bad[i].TierName = "gold"
	_, err = loyalty.Replay(bad)
	require.ErrorIs(t, err, loyalty.ErrCorrupt)
	assert.Contains(t, err.Error(), fmt.Sprintf("entry %d", bad[i].Seq))
	assert.Contains(t, err.Error(), "TierName")
}

// While a restructure is rolled out, services still running the
// programme before it apply events to ledgers that recorded it: a
// ledger that recorded silver renamed argent names argent, which the
// programme before the rename does not know. The ledger itself says
// that argent is silver, so that programme reads silver, recording the
// rename back, and moves no one down as off a tier dropped.
func TestTierRenameReadByTheProgrammeBefore(t *testing.T) {
	before := clubRenamed(t, 0, "silver")
	after := clubRenamed(t, 0, "argent", "silver")
	all, a := tierLedger(t, "M1", "600")
	a, es := applyAll(t, after, a, day(2026, 2, 2), loyalty.Tick{Member: "M1"})
	all = append(all, es...)
	require.Equal(t, "argent", a.LevelName())

	assert.Equal(t, "silver", before.Tier(a).Name)
	assert.Equal(t, "silver", before.TierAt(a, day(2026, 3, 1)).Name)
	b, es := applyAll(t, before, a, day(2026, 3, 1), loyalty.Purchase{Order: order("O2", "M1", day(2026, 3, 1), line("A", "coats", "100", 1))})
	all = append(all, es...)
	assert.Empty(t, tierMoves(es, "dropped-tier:"), "%v", es)
	moves := tierMoves(es, "renamed-tier:")
	require.Len(t, moves, 1, "%v", es)
	assert.Equal(t, "silver", moves[0].TierName)
	assert.Equal(t, 1, b.Level)
	assert.Equal(t, loyalty.Points(125), es[len(es)-1].Points, "silver's ×1.25")

	// The programme after it reads the ledger as before.
	assert.Equal(t, "argent", after.Tier(b).Name)
	c, es := applyAll(t, after, b, day(2026, 3, 2), loyalty.Tick{Member: "M1"})
	all = append(all, es...)
	assert.Equal(t, "argent", c.LevelName())
	requireReplays(t, c, all)

	// A member the new programme moved to argent directly: the ledger
	// records no rename, and the programme before reads argent as a tier
	// dropped, unless it lists argent among silver's FormerNames.
	var d loyalty.Account
	var log []loyalty.Entry
	for _, ev := range []loyalty.Event{
		loyalty.Join{Member: "M2", Time: day(2026, 1, 5)},
		loyalty.Purchase{Order: order("O1", "M2", day(2026, 2, 1), line("COAT", "coats", "600", 1))},
	} {
		var es []loyalty.Entry
		d, es = applyAll(t, after, d, day(2026, 2, 1), ev)
		log = append(log, es...)
	}
	require.Equal(t, "argent", d.LevelName())
	assert.Equal(t, "member", before.Tier(d).Name, "a name it does not know")
	ready := clubRenamed(t, 0, "silver", "argent")
	assert.Equal(t, "silver", ready.Tier(d).Name)
	e, es := applyAll(t, ready, d, day(2026, 3, 1), loyalty.Tick{Member: "M2"})
	assert.Empty(t, tierMoves(es, "dropped-tier:"), "%v", es)
	requireReplays(t, e, append(log, es...))
}

// Two services applying at once the first events after a restructure to
// the same member record the move once: the one that loses the race
// reloads the ledger, which records it already.
func TestTierMoveRecordedOnceByTwoServices(t *testing.T) {
	all, _ := tierLedger(t, "M1", "2000")
	p := restructured(t, clubTier(t, "member"), clubTier(t, "gold"))
	for range 20 {
		store := loyalty.NewMemStore()
		require.NoError(t, store.Append(context.Background(), "M1", 0, all))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			svc := loyalty.NewService(p, store, nil)
			wg.Go(func() {
				buy := loyalty.Purchase{Order: order(fmt.Sprintf("P%d", i), "M1", day(2026, 4, 1), line("A", "coats", "100", 1))}
				_, _, errs[i] = svc.Apply(context.Background(), buy, day(2026, 4, 1))
			})
		}
		wg.Wait()
		require.NoError(t, errors.Join(errs...))
		es, err := store.Entries(context.Background(), "M1", 0)
		require.NoError(t, err)
		assert.Len(t, tierMoves(es, "renamed-tier:"), 1, "%v", es)
		_, err = loyalty.Replay(es)
		require.NoError(t, err)
	}
}
