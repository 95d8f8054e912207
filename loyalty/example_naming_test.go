package loyalty_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A retailer whose ledgers were written before tier names were recorded
// wants to drop silver. Once every service runs this version of the
// library, it sets NameLedgers in the programme that wrote the ledgers
// (before that, nothing names them, so that older versions still read
// them), sweeps its members with Ticks under it, which names each
// member's tier, and only then restructures: its silver member moves to member, not to the
// tier that takes silver's index (gold), and its gold member keeps gold.
// It restructures once no event dated before the sweep can still be
// recorded: the sweep names the tier each member holds, not the tiers
// held before at other indexes ([loyalty.TierConfig]).
func ExampleTick_sweep() {
	level := func(name, min string) loyalty.TierLevel {
		return loyalty.TierLevel{Name: name, Min: decimal.RequireFromString(min)}
	}
	programme := func(name bool, levels ...loyalty.TierLevel) *loyalty.Programme {
		for i := range levels[:len(levels)-1] {
			levels[i].Max = decimal.NewNullDecimal(levels[i+1].Min)
		}
		p, err := loyalty.Compile(loyalty.Config{Name: "atelier club", Currency: "EUR",
			Earn:   loyalty.EarnConfig{PointsPerUnit: decimal.NewFromInt(1)},
			Redeem: loyalty.RedeemConfig{PointsPerUnit: decimal.NewFromInt(100)},
			Tiers:  loyalty.TierConfig{WindowMonths: 12, ReviewMonths: 12, NameLedgers: name, Levels: levels}})
		if err != nil {
			panic(err)
		}
		return p
	}
	before := programme(false, level("member", "0"), level("silver", "500"), level("gold", "1500"))
	// The same programme, naming ledgers, once every service runs this
	// version of the library.
	naming := programme(true, level("member", "0"), level("silver", "500"), level("gold", "1500"))
	after := programme(true, level("member", "0"), level("gold", "1500"))

	// The store holds two ledgers as written before tier names were
	// recorded (made here by leaving the names out).
	ctx := context.Background()
	store := loyalty.NewMemStore()
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	members := map[customer.ID]int64{"M1": 600, "M2": 2000}
	ids := []customer.ID{"M1", "M2"} // the retailer's list of its members
	for _, id := range ids {
		var a loyalty.Account
		var old []loyalty.Entry
		for _, e := range []loyalty.Event{
			loyalty.Join{Member: id, Time: at},
			loyalty.Purchase{Order: customer.Order{ID: "O-" + string(id), CustomerID: id, Time: at, Channel: customer.Store, Currency: "EUR",
				Lines: []customer.Line{{ID: "1", SKU: "COAT", Quantity: 1, UnitPrice: decimal.NewFromInt(members[id])}}}},
		} {
			next, es, err := before.Apply(a, e, at)
			if err != nil {
				panic(err)
			}
			a, old = next, append(old, es...)
		}
		for i := range old {
			old[i].TierName = ""
		}
		if err := store.Append(ctx, id, 0, old); err != nil {
			panic(err)
		}
	}

	// Without NameLedgers, a Tick names nothing.
	for _, id := range ids {
		_, entries, err := loyalty.NewService(before, store, nil).Apply(ctx, loyalty.Tick{Member: id}, at.Add(time.Minute))
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %d entries\n", id, len(entries))
	}

	// The sweep, under the programme that wrote the ledgers, naming them.
	sweep := loyalty.NewService(naming, store, nil)
	for _, id := range ids {
		a, entries, err := sweep.Apply(ctx, loyalty.Tick{Member: id}, at.Add(time.Hour))
		if err != nil {
			panic(err)
		}
		for _, e := range entries {
			fmt.Printf("%s %s: tier %d is %s\n", id, e.Key, e.To, a.LevelName())
		}
	}

	// Then, once no event dated before the sweep can still come (no
	// purchase recorded later than 60 days here), the restructure:
	// silver dropped.
	svc := loyalty.NewService(after, store, nil)
	for _, id := range ids {
		a, _, err := svc.Apply(ctx, loyalty.Tick{Member: id}, at.Add(time.Hour).AddDate(0, 0, 61))
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s now holds %s\n", id, a.LevelName())
	}
	// Output:
	// M1: 0 entries
	// M2: 0 entries
	// M1 named-tier:4: tier 1 is silver
	// M2 named-tier:4: tier 2 is gold
	// M1 now holds member
	// M2 now holds gold
}
