package loyalty_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// benchOrder is a two-line order of member placed at t.
func benchOrder(id string, member customer.ID, t time.Time) customer.Order {
	return order(id, member, t, line("COAT", "coats", "249.90", 1), line("SOCK", "socks", "9.90", 3))
}

// BenchmarkEarn measures purchases through a Service on the in-memory
// store, about 20 orders per member (a busy member's year).
func BenchmarkEarn(b *testing.B) {
	p := club(b)
	svc := loyalty.NewService(p, loyalty.NewMemStore(), nil)
	ctx := context.Background()
	start := day(2026, 1, 1)
	members := b.N/20 + 1
	for m := range members {
		id := customer.ID(fmt.Sprint("M", m))
		if _, _, err := svc.Apply(ctx, loyalty.Join{Member: id, Time: start}, start); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		id := customer.ID(fmt.Sprint("M", i%members))
		at := start.Add(time.Duration(i/members+1) * time.Hour)
		if _, _, err := svc.Apply(ctx, loyalty.Purchase{Order: benchOrder(fmt.Sprint("O", i), id, at)}, at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "earns/s")
}

// BenchmarkRedeem measures redemptions of 100 points through a Service on
// the in-memory store, about 20 per member.
func BenchmarkRedeem(b *testing.B) {
	p := debtProgramme(b, "debt") // points available at once
	svc := loyalty.NewService(p, loyalty.NewMemStore(), nil)
	ctx := context.Background()
	start := day(2026, 1, 1)
	members := b.N/20 + 1
	for m := range members {
		id := customer.ID(fmt.Sprint("M", m))
		if _, _, err := svc.Apply(ctx, loyalty.Join{Member: id, Time: start}, start); err != nil {
			b.Fatal(err)
		}
		// 8 orders of 279 points: enough for 20 redemptions of 100 points, from several lots.
		for k := range 8 {
			if _, _, err := svc.Apply(ctx, loyalty.Purchase{Order: benchOrder(fmt.Sprint("O", k), id, start)}, start); err != nil {
				b.Fatal(err)
			}
		}
	}
	now := start.Add(time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		id := customer.ID(fmt.Sprint("M", i%members))
		e := loyalty.Redemption{Member: id, ID: fmt.Sprint("R", i), Points: 100, Time: now}
		if _, _, err := svc.Apply(ctx, e, now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "redeems/s")
}

// BenchmarkApplyLongHistory measures the pure Apply of one purchase on a
// member whose ledger already holds 1,000 orders.
func BenchmarkApplyLongHistory(b *testing.B) {
	p := debtProgramme(b, "debt")
	start := day(2026, 1, 1)
	a := apply(b, p, loyalty.Account{}, start, loyalty.Join{Member: "M1", Time: start})
	for k := range 1000 {
		a = apply(b, p, a, start, loyalty.Purchase{Order: benchOrder(fmt.Sprint("H", k), "M1", start)})
	}
	e := loyalty.Purchase{Order: benchOrder("NEW", "M1", start)}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, _, err := p.Apply(a, e, start); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryPerMember measures the heap held per member after a year
// of activity (join, 12 purchases, a return, 2 redemptions, a birthday
// gift), ledger entries in the MemStore plus the Service's cached account.
func BenchmarkMemoryPerMember(b *testing.B) {
	for _, cached := range []bool{false, true} {
		name := "store"
		if cached {
			name = "store+cache"
		}
		b.Run(name, func(b *testing.B) { memoryPerMember(b, cached) })
	}
}

// timedEvent is an event and the time it is applied at.
type timedEvent struct {
	event loyalty.Event
	at    time.Time
}

// memberYear returns a member's year of activity in the club, as
// BenchmarkMemoryPerMember applies it: a join in January 2026 with a
// birthday in June, a purchase on the 4th of every month, the return of
// a pair of socks bought in February, the birthday gift claimed in June
// and two redemptions, in time order, each applied when it happens: an
// event applied after later ones is recorded late, and the programme
// refuses a birthday claim recorded more than earn.birthday.late_days
// after it (as a till does).
func memberYear(id customer.ID) []timedEvent {
	start := day(2026, 1, 1)
	out := []timedEvent{{loyalty.Join{Member: id, Birthday: customer.Birthday{Month: time.June, Day: 2}, Time: start}, start}}
	for k := range 12 {
		at := start.AddDate(0, k, 3)
		out = append(out, timedEvent{loyalty.Purchase{Order: benchOrder(fmt.Sprint("O", k), id, at)}, at})
	}
	at := start.AddDate(0, 2, 10)
	out = append(out,
		timedEvent{loyalty.Returned{Return: ret("X1", "O1", id, at, customer.ReturnLine{LineID: "SOCK", Quantity: -1})}, at},
		timedEvent{loyalty.BirthdayClaim{Member: id, Time: day(2026, 6, 5)}, day(2026, 6, 5)},
		timedEvent{loyalty.Redemption{Member: id, ID: "R1", Points: 200, Time: day(2026, 7, 1)}, day(2026, 7, 1)},
		timedEvent{loyalty.Redemption{Member: id, ID: "R2", Points: 300, Time: day(2026, 12, 20)}, day(2026, 12, 20)})
	slices.SortStableFunc(out, func(x, y timedEvent) int { return x.at.Compare(y.at) })
	return out
}

// The year BenchmarkMemoryPerMember applies to each member applies
// without error: a benchmark is not run by go test, and one whose
// events the programme refuses fails only when someone measures.
func TestMemberYearApplies(t *testing.T) {
	svc := loyalty.NewService(club(t), loyalty.NewMemStore(), nil)
	for _, e := range memberYear("M1") {
		_, _, err := svc.Apply(context.Background(), e.event, e.at)
		require.NoError(t, err, "%T at %v", e.event, e.at)
	}
	a, err := svc.Account(context.Background(), "M1")
	require.NoError(t, err)
	assert.Positive(t, a.Balance())
}

func memoryPerMember(b *testing.B, cached bool) {
	const members = 1000
	for range b.N {
		p := club(b)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		store := loyalty.NewMemStore()
		svc := loyalty.NewService(p, store, &loyalty.ServiceOptions{NoCache: !cached})
		ctx := context.Background()
		for m := range members {
			for _, e := range memberYear(customer.ID(fmt.Sprint("M", m))) {
				if _, _, err := svc.Apply(ctx, e.event, e.at); err != nil {
					b.Fatal(err)
				}
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/members, "bytes/member")
		runtime.KeepAlive(store)
		runtime.KeepAlive(svc)
	}
}

// BenchmarkPriceLongLedger measures Price of a basket paying with 100
// points for a member whose ledger holds 1,000 orders, all still
// available: without the member's account, with it brought to the
// basket's time (the account's points at that time are then looked at,
// a pass over its lots), and with a basket paying no points.
func BenchmarkPriceLongLedger(b *testing.B) {
	p := debtProgramme(b, "debt") // points available at once
	start := day(2026, 1, 1)
	a := apply(b, p, loyalty.Account{}, start, loyalty.Join{Member: "M1", Time: start})
	for k := range 1000 {
		a = apply(b, p, a, start, loyalty.Purchase{Order: benchOrder(fmt.Sprint("H", k), "M1", start)})
	}
	at := start.AddDate(0, 0, 40)
	for _, bc := range []struct {
		name    string
		account *loyalty.Account
		points  loyalty.Points
	}{{"no account", nil, 100}, {"account", &a, 100}, {"account, no points", &a, 0}} {
		b.Run(bc.name, func(b *testing.B) {
			basket := loyalty.Basket{Member: "M1", Time: at, Currency: "EUR", Account: bc.account, Points: bc.points, Available: a.Available,
				Items: []loyalty.Item{{Line: line("DRESS", "dresses", "80", 1)}}}
			b.ReportAllocs()
			for range b.N {
				if _, err := p.Price(basket); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
