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

// A till pays a quote partly with points: Checkout gives the redemption
// of the points and the purchase of the quote's order, which ApplyAll
// stores together. The same checkout delivered again takes effect once,
// and a basket paid without points is a purchase alone.
func ExampleQuote_Checkout() {
	p, err := loyalty.DecodeProgramme([]byte(`{"currency": "EUR", "earn": {"points_per_unit": "1"},
	  "redeem": {"points_per_unit": "100", "min_points": 100, "max_share": "0.5"}}`))
	if err != nil {
		panic(err)
	}
	svc := loyalty.NewService(p, loyalty.NewMemStore(), nil)
	ctx := context.Background()
	joined := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a, _, err := svc.ApplyAll(ctx, []loyalty.Event{
		loyalty.Join{Member: "mia", Time: joined},
		loyalty.Adjustment{Member: "mia", ID: "welcome", Points: 2000, Reason: "welcome gift", Operator: "shop 3", Time: joined},
	}, joined)
	if err != nil {
		panic(err)
	}

	at := joined.AddDate(0, 2, 0)
	dress := customer.Line{ID: "1", SKU: "DRESS-LINEN", Category: "dresses", Quantity: 1, UnitPrice: decimal.RequireFromString("89.00")}
	q, err := p.Price(loyalty.Basket{Member: "mia", Time: at, Currency: "EUR",
		Items: []loyalty.Item{{Line: dress}}, Points: 1500, Available: a.Available})
	if err != nil {
		panic(err)
	}
	evs, err := q.Checkout("T-501", customer.Store)
	if err != nil {
		panic(err)
	}
	for _, e := range evs {
		switch e := e.(type) {
		case loyalty.Redemption:
			fmt.Printf("redemption %s: %d points against %s\n", e.ID, e.Points, e.OrderTotal)
		case loyalty.Purchase:
			fmt.Printf("purchase %s: %s EUR paid\n", e.Order.ID, e.Order.Lines[0].Net().StringFixed(2))
		}
	}
	a, entries, err := svc.ApplyAll(ctx, evs, at)
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		fmt.Printf("  %-6s %+5d  %s\n", e.Kind, e.Points, e.Note)
	}
	fmt.Println("available", a.Available)

	_, _, err = svc.ApplyAll(ctx, evs, at.Add(time.Minute))
	fmt.Println("delivered again, duplicate:", errors.Is(err, loyalty.ErrDuplicate))

	plain, err := p.Price(loyalty.Basket{Member: "mia", Time: at, Currency: "EUR", Items: []loyalty.Item{{Line: dress}}})
	if err != nil {
		panic(err)
	}
	evs, _ = plain.Checkout("T-502", customer.Store)
	fmt.Printf("without points: %d event, a %T\n", len(evs), evs[0])
	// Output:
	// redemption T-501: 1500 points against 89.00 EUR
	// purchase T-501: 74.00 EUR paid
	//   redeem -1500  1500 points redeemed for 15.00 EUR paid on order "T-501"
	//   earn     +74  74 points for 74.00 EUR paid
	// available 574
	// delivered again, duplicate: true
	// without points: 1 event, a loyalty.Purchase
}
