package loyalty_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

const yearProgramme = `{
  "name": "atelier club",
  "currency": "EUR",
  "earn": {"points_per_unit": "1", "birthday": {"multiplier": "2", "gift": 100}},
  "redeem": {"points_per_unit": "100", "min_points": 100, "max_share": "0.5"},
  "expiry_months": 12,
  "pending_days": 30,
  "tiers": {"basis": "spend", "window_months": 12, "review_months": 12, "grace_days": 30,
    "levels": [
      {"name": "member", "min": "0"},
      {"name": "silver", "min": "500", "multiplier": "1.25", "birthday_gift": 100, "free_alterations": true}
    ]},
  "debt_policy": "debt"
}`

// A member's year: she joins, buys a coat and a scarf, returns the scarf,
// reaches silver, has a birthday month, spends points, and the rest of
// the coat's points expire a year after the purchase.
func Example_membersYear() {
	p, err := loyalty.DecodeProgramme([]byte(yearProgramme))
	if err != nil {
		panic(err)
	}
	svc := loyalty.NewService(p, loyalty.NewMemStore(), nil)
	ctx := context.Background()
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 11, 0, 0, 0, time.UTC) }
	buy := func(id string, t time.Time, lines ...customer.Line) loyalty.Event {
		return loyalty.Purchase{Order: customer.Order{ID: id, CustomerID: "anna", Time: t, Channel: customer.Store, Currency: "EUR", Lines: lines}}
	}
	item := func(id, category, price string) customer.Line {
		return customer.Line{ID: id, SKU: id, Category: category, Quantity: 1, UnitPrice: decimal.RequireFromString(price)}
	}
	step := func(what string, e loyalty.Event, now time.Time) {
		a, entries, err := svc.Apply(ctx, e, now)
		if err != nil {
			fmt.Println(what+":", err)
			return
		}
		fmt.Printf("%s — %s\n", now.Format("2006-01-02"), what)
		for _, e := range entries {
			fmt.Printf("  %-8s %+5d  %s\n", e.Kind, e.Points, e.Note)
		}
		fmt.Printf("  balance %d (available %d, pending %d), tier %s\n", a.Balance(), a.Available, a.Pending, p.Tier(a).Name)
	}

	step("joins", loyalty.Join{Member: "anna", Birthday: customer.Birthday{Month: time.September, Day: 14}, Time: at(1, 10)}, at(1, 10))
	step("buys a coat and a scarf", buy("O-1", at(1, 20), item("COAT", "coats", "320.00"), item("SCARF", "scarves", "45.00")), at(1, 20))
	step("returns the scarf", loyalty.Returned{Return: customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "anna", Time: at(2, 1),
		Kind: customer.Refund, Reason: customer.ChangedMind, Lines: []customer.ReturnLine{{LineID: "SCARF", Quantity: -1}}}}, at(2, 1))
	step("the till delivers the coat again", buy("O-1", at(1, 20), item("COAT", "coats", "320.00"), item("SCARF", "scarves", "45.00")), at(2, 2))
	step("buys boots", buy("O-2", at(5, 5), item("BOOTS", "shoes", "180.00")), at(5, 5))
	step("claims the birthday gift", loyalty.BirthdayClaim{Member: "anna", Time: at(9, 14)}, at(9, 14))
	step("buys knitwear in her birthday month", buy("O-3", at(9, 20), item("KNIT", "knitwear", "120.00")), at(9, 20))
	step("pays with points", loyalty.Redemption{Member: "anna", ID: "O-4", Points: 300, Time: at(11, 2)}, at(11, 2))
	step("a year on", loyalty.Tick{Member: "anna"}, time.Date(2027, 1, 21, 9, 0, 0, 0, time.UTC))

	// Output:
	// 2026-01-10 — joins
	//   join        +0  joined the programme in tier member
	//   balance 0 (available 0, pending 0), tier member
	// 2026-01-20 — buys a coat and a scarf
	//   earn      +365  365 points for 365.00 EUR paid
	//   balance 365 (available 0, pending 365), tier member
	// 2026-02-01 — returns the scarf
	//   clawback   -45  45 of the 365 points of order "O-1" clawed back for 45.00 returned
	//   balance 320 (available 0, pending 320), tier member
	// the till delivers the coat again: loyalty: member "anna": event "order:O-1" already applied
	// 2026-05-05 — buys boots
	//   release     +0  320 points available: the return window ended
	//   earn      +180  180 points for 180.00 EUR paid
	//   tier        +0  upgraded from member to silver: qualifying 500
	//   balance 500 (available 320, pending 180), tier silver
	// 2026-09-14 — claims the birthday gift
	//   release     +0  180 points available: the return window ended
	//   bonus     +200  200 points birthday gift 2026 (tier silver)
	//   balance 700 (available 700, pending 0), tier silver
	// 2026-09-20 — buys knitwear in her birthday month
	//   earn      +300  300 points for 120.00 EUR paid (birthday month ×2, tier silver ×1.25)
	//   balance 1000 (available 700, pending 300), tier silver
	// 2026-11-02 — pays with points
	//   release     +0  300 points available: the return window ended
	//   redeem    -300  300 points redeemed for 3.00 EUR
	//   balance 700 (available 700, pending 0), tier silver
	// 2027-01-21 — a year on
	//   expire     -20  20 points earned 2026-01-20 expired
	//   balance 680 (available 680, pending 0), tier silver
}

// Pricing an order with an off-season discount, a coupon and points: each
// deduction is explained, and the total never goes below zero.
func ExampleProgramme_Price() {
	p, err := loyalty.DecodeProgramme([]byte(`{
	  "currency": "EUR",
	  "earn": {"points_per_unit": "1"},
	  "redeem": {"points_per_unit": "100", "max_share": "0.5"},
	  "pricing": {"seasonal": [{"name": "last winter", "seasons": ["2025-AW"], "percent": "30"}]}
	}`))
	if err != nil {
		panic(err)
	}
	price := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	ten, _ := customer.NewMoney("10", "EUR")
	q, err := p.Price(loyalty.Basket{
		Member: "anna", Time: time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC), Currency: "EUR",
		Items: []loyalty.Item{
			{Line: customer.Line{ID: "1", SKU: "COAT-AW25", Category: "coats", Season: "2025-AW", Quantity: 1, UnitPrice: price("200")}},
			{Line: customer.Line{ID: "2", SKU: "BELT", Category: "belts", Season: "2026-SS", Quantity: 1, UnitPrice: price("25")}, Series: "heritage"},
		},
		Coupons: []loyalty.Coupon{
			{Code: "HERITAGE", Kind: loyalty.CouponFixed, Amount: ten, Stacking: loyalty.StackCombinable,
				Scope: loyalty.Scope{Kind: loyalty.ScopeSeries, Values: []string{"heritage"}}},
		},
		Points: 20000, Available: 25000,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("subtotal", q.Subtotal.StringFixed(2))
	for _, d := range q.Deductions {
		fmt.Printf("- %s %s: %s (%s)\n", d.Kind, d.Name, d.Amount.StringFixed(2), d.Explain)
	}
	fmt.Println("total", q.Total.StringFixed(2), "and", q.PointsUsed, "points")
	// Output:
	// subtotal 225.00
	// - seasonal last winter: 60.00 (30% off)
	// - coupon HERITAGE: 10.00 (10.00 EUR off)
	// - points points: 77.50 (7750 points at 100 points per EUR; 20000 points asked, capped at 0.5 of the 155.00 left to pay)
	// total 77.50 and 7750 points
}

// The order of a priced basket is built by the quote from the basket it
// priced: each line carries what the coupon took off it, and the purchase
// earns points on the money paid.
func ExampleQuote_Order() {
	p, err := loyalty.DecodeProgramme([]byte(`{"currency": "EUR", "earn": {"points_per_unit": "1"}, "redeem": {"points_per_unit": "100"}}`))
	if err != nil {
		panic(err)
	}
	price := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	at := time.Date(2026, 5, 4, 15, 0, 0, 0, time.UTC)
	q, err := p.Price(loyalty.Basket{
		Member: "anna", Time: at, Currency: "EUR",
		Items: []loyalty.Item{
			{Line: customer.Line{ID: "1", SKU: "COAT", Category: "coats", Quantity: 1, UnitPrice: price("150.00")}},
			{Line: customer.Line{ID: "2", SKU: "JUMPER", Category: "knitwear", Quantity: 1, UnitPrice: price("99.00")}},
		},
		Coupons: []loyalty.Coupon{{Code: "KNIT20", Kind: loyalty.CouponPercent, Percent: price("20"), Stacking: loyalty.StackCombinable,
			Scope: loyalty.Scope{Kind: loyalty.ScopeCategory, Values: []string{"knitwear"}}}},
	})
	if err != nil {
		panic(err)
	}
	o, err := q.Order("W-1001", customer.Online)
	if err != nil {
		panic(err)
	}
	for _, l := range o.Lines {
		fmt.Printf("line %s %-6s %6s off, %6s paid\n", l.ID, l.SKU, l.Discount.StringFixed(2), l.Net().StringFixed(2))
	}
	fmt.Println("quote total", q.Total.StringFixed(2))
	a, _, _ := p.Apply(loyalty.Account{}, loyalty.Join{Member: "anna", Time: at}, at)
	_, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, at)
	if err != nil {
		panic(err)
	}
	fmt.Println(entries[0].Note)
	// Output:
	// line 1 COAT     0.00 off, 150.00 paid
	// line 2 JUMPER  19.80 off,  79.20 paid
	// quote total 229.20
	// 229 points for 229.20 EUR paid
}

// A checkout paid partly with points is a redemption and the purchase of
// the quote's order, applied together: both are stored or neither (a
// refused order leaves the points unspent), and a checkout delivered
// twice takes effect once.
func ExampleService_ApplyAll() {
	p, err := loyalty.DecodeProgramme([]byte(`{"currency": "EUR", "earn": {"points_per_unit": "1"},
	  "redeem": {"points_per_unit": "100", "min_points": 100, "max_share": "0.5"}}`))
	if err != nil {
		panic(err)
	}
	svc := loyalty.NewService(p, loyalty.NewMemStore(), nil)
	ctx := context.Background()
	at := time.Date(2026, 5, 4, 15, 0, 0, 0, time.UTC)
	a, _, _ := svc.ApplyAll(ctx, []loyalty.Event{
		loyalty.Join{Member: "leo", Time: at.AddDate(0, -2, 0)},
		loyalty.Adjustment{Member: "leo", ID: "welcome", Points: 1500, Reason: "welcome gift", Operator: "shop 12", Time: at.AddDate(0, -2, 0)},
	}, at.AddDate(0, -2, 0))
	fmt.Println("available", a.Available)

	q, err := p.Price(loyalty.Basket{Member: "leo", Time: at, Currency: "EUR",
		Items:  []loyalty.Item{{Line: customer.Line{ID: "1", SKU: "SHIRT", Category: "shirts", Quantity: 2, UnitPrice: decimal.RequireFromString("39.95")}}},
		Points: 1200, Available: a.Available})
	if err != nil {
		panic(err)
	}
	o, err := q.Order("T-88", customer.Store)
	if err != nil {
		panic(err)
	}
	paid, _ := customer.MoneyFromDecimal(q.Subtotal.Sub(q.Discount), q.Currency)
	checkout := []loyalty.Event{
		loyalty.Redemption{Member: "leo", ID: o.ID, Points: q.PointsUsed, OrderTotal: paid, Time: at},
		loyalty.Purchase{Order: o},
	}
	a, entries, err := svc.ApplyAll(ctx, checkout, at)
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		fmt.Printf("%-6s %+5d  %s\n", e.Kind, e.Points, e.Note)
	}
	fmt.Printf("balance %d (available %d, pending %d)\n", a.Balance(), a.Available, a.Pending)
	_, _, err = svc.ApplyAll(ctx, checkout, at.Add(time.Minute))
	fmt.Println(errors.Is(err, loyalty.ErrDuplicate), err)
	// Output:
	// available 1500
	// redeem -1200  1200 points redeemed for 12.00 EUR
	// earn     +67  67 points for 67.90 EUR paid
	// balance 367 (available 367, pending 0)
	// true loyalty: events[0] (loyalty.Redemption): loyalty: member "leo": event "redeem:T-88" already applied
}

// A programme with overlapping tiers is refused with the field at fault.
func ExampleDecodeProgramme_invalid() {
	_, err := loyalty.DecodeProgramme([]byte(`{
	  "currency": "EUR",
	  "earn": {"points_per_unit": "-1"},
	  "redeem": {"points_per_unit": "100"},
	  "tiers": {"window_months": 12, "review_months": 12,
	    "levels": [{"name": "member", "min": "0"}, {"name": "silver", "min": "500"}, {"name": "gold", "min": "400"}]}
	}`))
	fmt.Println(err)
	// Output:
	// loyalty programme: earn.points_per_unit: must not be negative, is -1; tiers.levels[2].min: overlaps tiers.levels[1]: min 400 is not above 500
}

// The same order delivered twice earns once: the second delivery is a
// duplicate and changes nothing.
func ExampleProgramme_Apply() {
	p, err := loyalty.DecodeProgramme([]byte(`{"currency": "EUR", "earn": {"points_per_unit": "2"}, "redeem": {"points_per_unit": "100"}}`))
	if err != nil {
		panic(err)
	}
	t := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	a, _, _ := p.Apply(loyalty.Account{}, loyalty.Join{Member: "leo", Time: t}, t)
	o := customer.Order{ID: "T-88", CustomerID: "leo", Time: t, Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "SHIRT", Quantity: 2, UnitPrice: decimal.RequireFromString("39.95")}}}
	a, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, t)
	fmt.Println(entries[0].Kind, entries[0].Points, err)
	again, entries, err := p.Apply(a, loyalty.Purchase{Order: o}, t.Add(time.Minute))
	fmt.Println(len(entries), errors.Is(err, loyalty.ErrDuplicate), again.Balance())
	// Output:
	// earn 159 <nil>
	// 0 true 159
}

// A shirt with a flaw the member accepts for 20.00 off its 79.90: the
// price reduction takes back its share of the order's points. A
// compensation for the trouble takes none.
func ExampleCredited() {
	p, err := loyalty.DecodeProgramme([]byte(`{"currency": "EUR", "earn": {"points_per_unit": "2"}, "redeem": {"points_per_unit": "100"}}`))
	if err != nil {
		panic(err)
	}
	t := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	a, _, _ := p.Apply(loyalty.Account{}, loyalty.Join{Member: "leo", Time: t}, t)
	o := customer.Order{ID: "T-88", CustomerID: "leo", Time: t, Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "SHIRT", Quantity: 2, UnitPrice: decimal.RequireFromString("39.95")}}}
	a, _, _ = p.Apply(a, loyalty.Purchase{Order: o}, t)

	later := t.AddDate(0, 0, 5)
	off, _ := customer.NewMoney("20.00", "EUR")
	reduction := customer.Credit{ID: "K-1", CustomerID: "leo", OrderID: "T-88", Time: later, Kind: customer.PriceReduction, Amount: off}
	a, entries, err := p.Apply(a, loyalty.Credited{Credit: reduction}, later)
	if err != nil {
		panic(err)
	}
	fmt.Println(entries[0].Kind, entries[0].Points, "-", entries[0].Note)

	sorry, _ := customer.NewMoney("10.00", "EUR")
	goodwill := customer.Credit{ID: "K-2", CustomerID: "leo", Time: later, Kind: customer.Compensation, Amount: sorry}
	a, entries, _ = p.Apply(a, loyalty.Credited{Credit: goodwill}, later)
	fmt.Println(entries[0].Kind, entries[0].Points, "-", entries[0].Note)
	fmt.Println("balance", a.Balance())
	// Output:
	// reduction -40 - 40 of the 159 points of order "T-88" taken back for a price reduction of 20.00
	// reduction 0 - compensation of 10.00: goodwill, no points taken back
	// balance 119
}

// A refund of an order paid partly with points gives back the points
// paid for the goods that came back, and claws back what they earned.
// The points given back expire when the points they replace would have.
func ExampleReturned_pointsPaid() {
	p, err := loyalty.DecodeProgramme([]byte(`{"currency": "EUR", "earn": {"points_per_unit": "1"},
		"redeem": {"points_per_unit": "100"}, "expiry_months": 12}`))
	if err != nil {
		panic(err)
	}
	t := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	a, _, _ := p.Apply(loyalty.Account{}, loyalty.Join{Member: "ada", Time: t}, t)
	a, _, _ = p.Apply(a, loyalty.Adjustment{Member: "ada", ID: "welcome", Points: 2000, Reason: "welcome", Operator: "shop", Time: t}, t)

	// Two shirts at 39.95, 20.00 of them paid with 2000 points.
	q, err := p.Price(loyalty.Basket{Member: "ada", Time: t, Currency: "EUR", Points: 2000, Available: a.Available,
		Items: []loyalty.Item{{Line: customer.Line{ID: "1", SKU: "SHIRT", Quantity: 2, UnitPrice: decimal.RequireFromString("39.95")}}}})
	if err != nil {
		panic(err)
	}
	events, _ := q.Checkout("T-90", customer.Online)
	for _, e := range events {
		a, _, _ = p.Apply(a, e, t)
	}
	fmt.Println("paid", q.Total.StringFixed(2), "EUR and", q.PointsUsed, "points; available", a.Available)

	// One shirt comes back.
	later := t.AddDate(0, 0, 3)
	r := customer.Return{ID: "X-1", OrderID: "T-90", CustomerID: "ada", Time: later, Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	a, entries, err := p.Apply(a, loyalty.Returned{Return: r}, later)
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		fmt.Println(e.Kind, e.Points, "-", e.Note)
	}
	fmt.Println("restored lot expires", entries[0].ExpiresAt.Format(time.DateOnly))
	redeemed, restored := a.OrderRedemption("T-90")
	fmt.Println("points paid", redeemed, "given back", restored)
	// Output:
	// paid 59.90 EUR and 2000 points; available 59
	// restore 1000 - 1000 of the 2000 points paid on order "T-90" given back for the goods refunded, expiring 2027-03-01 as the points they replace
	// clawback -30 - 30 of the 59 points of order "T-90" clawed back for 29.95 returned
	// restored lot expires 2027-03-01
	// points paid 2000 given back 1000
}
