package loyalty_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// A retailer restructures its tiers: member, silver and gold become
// member, "argent" (silver renamed, saying so in FormerNames) and gold,
// with a new bronze tier under argent. Ledgers name the tier held, so
// each member keeps it; the next event records the move.
func ExampleTierConfig_restructure() {
	level := func(name, min string, max string) loyalty.TierLevel {
		l := loyalty.TierLevel{Name: name, Min: decimal.RequireFromString(min)}
		if max != "" {
			l.Max = decimal.NewNullDecimal(decimal.RequireFromString(max))
		}
		return l
	}
	programme := func(levels ...loyalty.TierLevel) *loyalty.Programme {
		p, err := loyalty.Compile(loyalty.Config{Name: "atelier club", Currency: "EUR",
			Earn:   loyalty.EarnConfig{PointsPerUnit: decimal.NewFromInt(1)},
			Redeem: loyalty.RedeemConfig{PointsPerUnit: decimal.NewFromInt(100)},
			Tiers:  loyalty.TierConfig{WindowMonths: 12, ReviewMonths: 12, Levels: levels}})
		if err != nil {
			panic(err)
		}
		return p
	}
	before := programme(level("member", "0", "500"), level("silver", "500", "1500"), level("gold", "1500", ""))
	argent := level("argent", "500", "1500")
	argent.FormerNames = []string{"silver"}
	after := programme(level("member", "0", "200"), level("bronze", "200", "500"), argent, level("gold", "1500", ""))

	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var a loyalty.Account
	for _, e := range []loyalty.Event{
		loyalty.Join{Member: "M1", Time: at},
		loyalty.Purchase{Order: customer.Order{ID: "O1", CustomerID: "M1", Time: at, Channel: customer.Store, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", SKU: "COAT", Quantity: 1, UnitPrice: decimal.NewFromInt(600)}}}},
	} {
		var err error
		if a, _, err = before.Apply(a, e, at); err != nil {
			panic(err)
		}
	}
	fmt.Printf("before: tier %d %s\n", a.Level, before.Tier(a).Name)
	fmt.Printf("after: %s\n", after.Tier(a).Name)
	a, entries, err := after.Apply(a, loyalty.Tick{Member: "M1"}, at.Add(time.Hour))
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		fmt.Printf("%s: tier %d to %d, %s\n", e.Key, e.From, e.To, e.TierName)
	}
	fmt.Printf("now: tier %d %s\n", a.Level, a.LevelName())
	// Output:
	// before: tier 1 silver
	// after: argent
	// renamed-tier:4: tier 1 to 2, argent
	// now: tier 2 argent
}
