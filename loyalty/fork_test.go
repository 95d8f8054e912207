package loyalty_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// snapshot is everything observable of an account.
type snapshot struct {
	version                  int64
	available, pending, debt loyalty.Points
	level                    int
	lots                     []loyalty.Lot
	keys                     map[string]bool
	earned, clawed           map[string]loyalty.Points
	qualifying               map[time.Time]string
	qualifyingLevel          map[time.Time]int
}

func snap(p *loyalty.Programme, a loyalty.Account, keys, orders []string, times []time.Time) snapshot {
	s := snapshot{version: a.Version, available: a.Available, pending: a.Pending, debt: a.Debt, level: a.Level,
		lots: a.Lots(), keys: map[string]bool{}, earned: map[string]loyalty.Points{}, clawed: map[string]loyalty.Points{},
		qualifying: map[time.Time]string{}, qualifyingLevel: map[time.Time]int{}}
	for _, k := range keys {
		s.keys[k] = a.HasKey(k)
	}
	for _, id := range orders {
		e, c, _ := a.OrderPoints(id)
		s.earned[id], s.clawed[id] = e, c
	}
	for _, t := range times {
		s.qualifying[t] = p.Qualifying(a, t).String()
		s.qualifyingLevel[t] = p.QualifyingLevel(a, t)
	}
	return s
}

// TestApplyOnSharedAccount applies different events to one account, in
// turn and from many goroutines: the account shares its indexes with the
// accounts Apply returns, and must read exactly as before every time,
// while each result must equal the replay of its ledger.
func TestApplyOnSharedAccount(t *testing.T) {
	p := club(t)
	start := day(2026, 1, 1)
	id := customer.ID("M1")
	var entries []loyalty.Entry
	a := loyalty.Account{}
	step := func(e loyalty.Event, now time.Time) {
		next, out, err := p.Apply(a, e, now)
		require.NoError(t, err)
		entries = append(entries, out...)
		a = next
	}
	step(loyalty.Join{Member: id, Time: start}, start)
	var orders, keys []string
	for k := range 30 {
		at := start.AddDate(0, 0, 7*k)
		oid := fmt.Sprint("O", k)
		orders = append(orders, oid)
		step(loyalty.Purchase{Order: order(oid, id, at, line("COAT", "coats", "149.90", 1), line("SOCK", "socks", "9.90", 3))}, at)
		if k%5 == 4 {
			step(loyalty.Returned{Return: ret(fmt.Sprint("X", k), fmt.Sprint("O", k-2), id, at,
				customer.ReturnLine{LineID: "SOCK", Quantity: -1})}, at)
		}
	}
	for _, e := range entries {
		keys = append(keys, e.Key)
	}
	now := a.AsOf
	times := []time.Time{start, now, now.AddDate(0, -3, 0), now.AddDate(0, 6, 0), now.AddDate(2, 0, 0)}
	base := a
	want := snap(p, base, keys, orders, times)
	require.Positive(t, base.Available+base.Pending)

	events := []struct {
		e   loyalty.Event
		now time.Time
	}{
		{loyalty.Purchase{Order: order("NEW", id, now, line("COAT", "coats", "999.00", 1))}, now},
		{loyalty.Returned{Return: ret("XR", "O3", id, now, customer.ReturnLine{LineID: "COAT", Quantity: -1})}, now},
		{loyalty.Returned{Return: ret("XS", "O28", id, now, customer.ReturnLine{LineID: "SOCK", Quantity: -3})}, now},
		{loyalty.Redemption{Member: id, ID: "R1", Points: 100, Time: now}, now},
		{loyalty.Adjustment{Member: id, ID: "A1", Points: -50, Reason: "goodwill", Operator: "ops", Time: now}, now},
		{loyalty.Adjustment{Member: id, ID: "A2", Points: 70, Reason: "goodwill", Operator: "ops", Time: now}, now},
		{loyalty.Tick{Member: id}, now.AddDate(1, 0, 0)},
		{loyalty.Tick{Member: id}, now.AddDate(3, 0, 0)},
	}
	check := func(e loyalty.Event, at time.Time) {
		next, out, err := p.Apply(base, e, at)
		if !assert.NoError(t, err, "%T", e) {
			return
		}
		r, err := loyalty.Replay(append(append([]loyalty.Entry(nil), entries...), out...))
		if !assert.NoError(t, err) {
			return
		}
		ks := append([]string{"NEW", "XR", "XS", "R1", "A1", "A2"}, keys...)
		os := append([]string{"NEW"}, orders...)
		assert.Equal(t, snap(p, r, ks, os, times), snap(p, next, ks, os, times), "%T: result is the replay", e)
	}
	for _, ev := range events {
		check(ev.e, ev.now)
		require.Equal(t, want, snap(p, base, keys, orders, times), "%T changed the account it was given", ev.e)
	}
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range events {
				ev := events[(i+g)%len(events)]
				check(ev.e, ev.now)
			}
		}()
	}
	for range 4 {
		<-done
	}
	assert.Equal(t, want, snap(p, base, keys, orders, times), "concurrent applies changed the account")
}
