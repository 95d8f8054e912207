package loyalty_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// twelveOrders returns 12 orders of 59.90 one day apart, the last on 19
// June 2026: the ninth brings the qualifying spend to 539.10, silver
// (×1.25) from 500.
func twelveOrders() []customer.Order {
	var out []customer.Order
	for k := range 12 {
		at := time.Date(2026, 6, 8+k, 12, 0, 0, 0, time.UTC)
		out = append(out, order(fmt.Sprintf("O%d", k+1), "M1", at, line("A", "coats", "59.90", 1)))
	}
	return out
}

// earned returns the points of each order's earn entry.
func earned(entries []loyalty.Entry) map[string]loyalty.Points {
	out := map[string]loyalty.Points{}
	for _, e := range entries {
		if e.Kind == loyalty.EntryEarn {
			out[e.OrderID] = e.Points
		}
	}
	return out
}

// A member moves up at the time of the purchase that brings it to the
// tier's Min, so purchases recorded in time order earn the same whether
// each is recorded at its own time or all in one sync later, also when a
// tier review falls between the orders and the sync (the member joined
// on 20 June 2025 and is reviewed yearly: on 20 June 2026, the day of the
// sync).
func TestUpgradeTakesEffectAtTheQualifyingPurchase(t *testing.T) {
	p := club(t)
	joinAt := time.Date(2025, 6, 20, 12, 0, 0, 0, time.UTC)
	syncAt := time.Date(2026, 6, 20, 22, 0, 0, 0, time.UTC)
	run := func(every int) (loyalty.Account, []loyalty.Entry) {
		a, all, err := p.Apply(loyalty.Account{}, loyalty.Join{Member: "M1", Time: joinAt}, joinAt)
		require.NoError(t, err)
		orders := twelveOrders()
		for i, o := range orders {
			now := o.Time
			if every > 0 {
				// Recorded at the sync after the order: every `every`
				// orders, and the last at syncAt.
				now = orders[min((i/every+1)*every-1, len(orders)-1)].Time.Add(time.Hour)
				if i/every == (len(orders)-1)/every {
					now = syncAt
				}
			}
			next, es, err := p.Apply(a, loyalty.Purchase{Order: o}, now)
			require.NoError(t, err, o.ID)
			a, all = next, append(all, es...)
		}
		a, es, err := p.Apply(a, loyalty.Tick{Member: "M1"}, syncAt)
		require.NoError(t, err)
		return a, append(all, es...)
	}
	onTime, onTimeEntries := run(0)
	want := earned(onTimeEntries)
	for k := 1; k <= 9; k++ {
		require.Equal(t, loyalty.Points(59), want[fmt.Sprint("O", k)], "O%d: member", k)
	}
	for k := 10; k <= 12; k++ {
		require.Equal(t, loyalty.Points(74), want[fmt.Sprint("O", k)], "O%d: silver ×1.25", k)
	}
	for _, every := range []int{12, 3, 5} {
		a, entries := run(every)
		assert.Equal(t, want, earned(entries), "synced every %d orders", every)
		assert.Equal(t, onTime.Balance(), a.Balance(), "synced every %d orders", every)
		assert.Equal(t, onTime.Level, a.Level, "synced every %d orders", every)
		assert.Equal(t, day(2026, 6, 16), a.LevelSince, "silver from the ninth order, synced every %d orders", every)
		assert.Equal(t, onTime.NextReview, a.NextReview, "synced every %d orders", every)
		for _, e := range entries {
			if e.Kind == loyalty.EntryTier {
				assert.Equal(t, day(2026, 6, 16), e.Effective, "synced every %d orders: %s", every, e)
			}
		}
		r, err := loyalty.Replay(entries)
		require.NoError(t, err)
		assert.Equal(t, a.Level, r.Level)
		assert.Equal(t, a.LevelSince, r.LevelSince)
		assert.Equal(t, a.NextReview, r.NextReview)
		assert.Equal(t, a.Balance(), r.Balance())
	}
}

// Purchases recorded out of time order: the upgrade takes effect at the
// earliest time at which the qualifying spend of the purchases dated up
// to it reaches the Min — the late purchase's own time, or that of a
// purchase recorded before it — and a purchase dated before the upgrade
// earns with the tier of its time, also when its own spend would have
// reached the Min had it been recorded first.
func TestUpgradeOfPurchasesRecordedOutOfTimeOrder(t *testing.T) {
	p := club(t)
	syncAt := day(2026, 6, 25)
	orders := twelveOrders()

	// All twelve at one sync, latest first: the spend dated up to 19 June
	// reaches 500 only when the fourth order is recorded (O4…O12: 539.10),
	// so the member is silver from 19 June and every order earns ×1.
	a := joined(t, p, day(2026, 1, 5))
	var all []loyalty.Entry
	for i := len(orders) - 1; i >= 0; i-- {
		next, es, err := p.Apply(a, loyalty.Purchase{Order: orders[i]}, syncAt)
		require.NoError(t, err)
		a, all = next, append(all, es...)
	}
	tiers := ofKind(all, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, orders[11].Time, tiers[0].Effective, "silver from the last order's time")
	assert.Equal(t, 1, a.Level)
	for id, pts := range earned(all) {
		assert.Equal(t, loyalty.Points(59), pts, "%s", id)
	}

	// O1…O6 on time (359.40), O8 on time (419.30), then O7 of 100 late:
	// the spend up to O7's time is 459.40, up to O8's 519.30: silver from
	// O8's time. O8 keeps the points it earned; O9 earns ×1.25.
	a = joined(t, p, day(2026, 1, 5))
	for _, o := range orders[:6] {
		a = apply(t, p, a, o.Time, loyalty.Purchase{Order: o})
	}
	a = apply(t, p, a, orders[7].Time, loyalty.Purchase{Order: orders[7]})
	late := order("O7", "M1", orders[6].Time, line("A", "coats", "100", 1))
	a, es, err := p.Apply(a, loyalty.Purchase{Order: late}, orders[7].Time.Add(time.Hour))
	require.NoError(t, err)
	tiers = ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, orders[7].Time, tiers[0].Effective)
	assert.Equal(t, loyalty.Points(100), earned(es)["O7"])
	earnedO8, _, _ := a.OrderPoints("O8")
	assert.Equal(t, loyalty.Points(59), earnedO8, "recorded before the upgrade: kept")
	_, es, err = p.Apply(a, loyalty.Purchase{Order: orders[8]}, orders[8].Time)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(74), earned(es)["O9"])

	// A big purchase recorded late, dated before the upgrade: the
	// upgrade stays where it is, never before the member's last tier
	// change, and the purchase earns with the tier of its time.
	big := order("O0", "M1", day(2026, 6, 1), line("SUIT", "suits", "2000", 1))
	b, es, err := p.Apply(a, loyalty.Purchase{Order: big}, orders[8].Time)
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(2000), earned(es)["O0"], "member on 1 June")
	tiers = ofKind(es, loyalty.EntryTier)
	require.Len(t, tiers, 1)
	assert.Equal(t, orders[7].Time, tiers[0].Effective, "gold as of the silver upgrade, not before")
	assert.Equal(t, 2, b.Level)
}

// Purchases of one member recorded concurrently through a Service, all
// at one now after every order: the member moves up at the time of a
// purchase, not at the recording time, and the orders synced after it
// earn with the tier reached. Every earn is the Earn of the tier the
// ledger records at the order's time, and the ledger replays to the
// Service's account.
func TestServiceConcurrentPurchasesMoveUpAtAPurchasesTime(t *testing.T) {
	ctx := context.Background()
	p := club(t)
	store := loyalty.NewMemStore()
	svc := loyalty.NewService(p, store, nil)
	start := day(2026, 6, 1)
	_, _, err := svc.Apply(ctx, loyalty.Join{Member: "M1", Time: day(2026, 1, 5)}, day(2026, 1, 5))
	require.NoError(t, err)
	const n = 40 // 40 × 59.90 = 2396: gold from 1500
	now := start.Add(time.Duration(n+10) * time.Hour)
	orders := make([]customer.Order, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		orders[i] = order(fmt.Sprint("C", i), "M1", start.Add(time.Duration(i)*time.Hour), line("A", "coats", "59.90", 1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = svc.Apply(ctx, loyalty.Purchase{Order: orders[i]}, now)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	a, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	require.Equal(t, 2, a.Level)
	assert.True(t, a.LevelSince.Before(now), "gold from a purchase's time %v, before the sync %v", a.LevelSince, now)
	// The next sync: orders after the concurrent ones earn ×1.5.
	after := order("D1", "M1", start.Add(time.Duration(n+1)*time.Hour), line("A", "coats", "100", 1))
	_, es, err := svc.Apply(ctx, loyalty.Purchase{Order: after}, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(150), earned(es)["D1"], "gold ×1.5")

	entries, err := store.Entries(ctx, "M1", 0)
	require.NoError(t, err)
	byID := map[string]customer.Order{after.ID: after}
	for _, o := range orders {
		byID[o.ID] = o
	}
	for _, e := range entries {
		if e.Kind != loyalty.EntryEarn {
			continue
		}
		level := 0 // the tier the ledger records at the order's time, as recorded before the earn
		for _, x := range entries[:e.Seq-1] {
			if x.Kind == loyalty.EntryTier && !x.Effective.After(e.Effective) {
				level = x.To
			}
		}
		want, err := p.Earn(byID[e.OrderID], level, customer.Birthday{}, 0)
		require.NoError(t, err)
		assert.Equal(t, want.Points, e.Points, "%s earned at level %d", e.OrderID, level)
	}
	for _, e := range ofKind(entries, loyalty.EntryTier) {
		_, isOrderTime := byID[fmt.Sprint("C", int(e.Effective.Sub(start)/time.Hour))]
		assert.True(t, isOrderTime && !e.Effective.Before(start), "upgrade at %v, the time of a purchase", e.Effective)
	}
	r, err := loyalty.Replay(entries)
	require.NoError(t, err)
	cached, err := svc.Account(ctx, "M1")
	require.NoError(t, err)
	assert.Equal(t, cached.Balance(), r.Balance())
	assert.Equal(t, cached.Level, r.Level)
	assert.Equal(t, cached.LevelSince, r.LevelSince)
	assert.Equal(t, cached.NextReview, r.NextReview)
}

// A ledger written when an upgrade took effect at its recording time
// (twelve orders of 59.90, 8–19 June 2026, all recorded at a sync on 20
// June at 22:00: silver from the sync) replays to the account it
// described then, and later events go by the upgrade time it records.
func TestLedgerOfTheRecordingTimeUpgradeRuleReplays(t *testing.T) {
	data, err := os.ReadFile("testdata/ledger_old_upgrade_rule.json")
	require.NoError(t, err)
	var entries []loyalty.Entry
	require.NoError(t, json.Unmarshal(data, &entries))
	a, err := loyalty.Replay(entries)
	require.NoError(t, err)
	sync := time.Date(2026, 6, 20, 22, 0, 0, 0, time.UTC)
	assert.Equal(t, 1, a.Level)
	assert.Equal(t, sync, a.LevelSince.UTC())
	assert.Equal(t, sync.AddDate(1, 0, 0), a.NextReview.UTC())
	assert.Equal(t, loyalty.Points(708), a.Balance())
	assert.Equal(t, loyalty.Points(708), a.Pending)
	assert.Equal(t, int64(14), a.Version)

	p := club(t)
	// An order dated before the recorded upgrade earns as a member, one
	// after it as silver; neither moves the recorded upgrade.
	before := order("L1", "M1", day(2026, 6, 20), line("A", "coats", "100", 1))
	b, es, err := p.Apply(a, loyalty.Purchase{Order: before}, sync.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(100), earned(es)["L1"])
	assert.Empty(t, ofKind(es, loyalty.EntryTier))
	_, es, err = p.Apply(b, loyalty.Purchase{Order: order("L2", "M1", day(2026, 6, 21), line("A", "coats", "100", 1))}, day(2026, 6, 21))
	require.NoError(t, err)
	assert.Equal(t, loyalty.Points(125), earned(es)["L2"])
}
