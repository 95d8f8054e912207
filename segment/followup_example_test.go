package segment_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

func ExampleNextFollowUp() {
	day := func(s string) customer.Date { d, _ := customer.ParseDate(s); return d }
	for _, f := range []segment.FollowUpFacts{
		// A new consumer, not yet followed up.
		{ID: "ana", Kind: customer.Consumer, AsOf: day("2026-06-30"), FirstPurchase: day("2026-06-25"), Bought: true},
		// A dealer last visited on 2 April.
		{ID: "north-shop", Kind: customer.Intermediary, AsOf: day("2026-07-03"), FirstPurchase: day("2024-09-12"), Bought: true,
			LastFollowUp: day("2026-04-02"), FollowedUp: true},
		// A prospect: no purchase, no follow-up.
		{ID: "ben", Kind: customer.Consumer, AsOf: day("2026-06-30")},
	} {
		next, ok, err := segment.NextFollowUp(f, nil)
		switch {
		case err != nil:
			fmt.Println(err)
		case !ok:
			fmt.Printf("%s: none\n", f.ID)
		default:
			fmt.Printf("%s: %v follow-up due %v (overdue %t), ask %v; %s\n", next.ID, next.Reason, next.Due, next.Overdue, next.Ask, next.Action().Code)
		}
	}
	// Output:
	// ana: first-purchase follow-up due 2026-07-02 (overdue false), ask [wear needs-and-opinions]; first-purchase-follow-up
	// north-shop: periodic follow-up due 2026-06-30 (overdue true), ask [sales-and-stock needs-and-opinions]; periodic-follow-up
	// ben: none
}

func ExampleFollowUpFactsOf() {
	asOf := time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC)
	s := customer.NewSummary("eva", customer.Consumer, asOf, nil)
	_ = s.AddOrder(customer.Order{ID: "o1", CustomerID: "eva", Time: time.Date(2026, 8, 31, 15, 0, 0, 0, time.UTC),
		Channel: customer.Store, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString("189.00")}}})
	f, err := segment.FollowUpFactsOf(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The shop called her on 6 September; it follows up every half year.
	f.LastFollowUp, f.FollowedUp = customer.DateOf(time.Date(2026, 9, 6, 0, 0, 0, 0, time.UTC)), true
	next, _, err := segment.NextFollowUp(f, &segment.FollowUpPolicy{Cadence: segment.FollowUpInterval})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(next.Reason, next.Due, next.Overdue)
	// Output:
	// periodic 2027-03-06 false
}
