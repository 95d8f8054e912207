package customer_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// The package in one pass: a customer record whose personal data stays out
// of the logs, an order refused with every bad field at once, a history
// recorded through a Recorder (a redelivery is a no-op, a refund of units
// the customer no longer holds is refused), money that will not add two
// currencies, and the summary the analytic packages work from.
func Example() {
	ctx := context.Background()
	joined := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	st := customer.NewMemStore()
	c := customer.Customer{ID: "C-1", Kind: customer.Consumer, Name: "Lena Berg", Joined: joined,
		Contact: customer.Contact{Email: "lena@example.com"}}
	if err := st.Put(ctx, c); err != nil {
		panic(err)
	}
	fmt.Println(c)
	fmt.Println(c.Contact.Email)

	bad := customer.Order{ID: "O-0", CustomerID: "C-1", Time: asOf.AddDate(0, 0, 1), Currency: "EUR",
		Lines: []customer.Line{{ID: "1", Quantity: 0, UnitPrice: decimal.RequireFromString("-5")}}}
	err := bad.Validate(asOf)
	fmt.Println(errors.Is(err, customer.ErrInvalid), err)

	rec := &customer.Recorder{Customers: st, History: st}
	bought := time.Date(2026, 2, 14, 16, 30, 0, 0, time.UTC)
	order := customer.Order{ID: "O-1", CustomerID: "C-1", Time: bought, Channel: customer.Store, Currency: "EUR",
		Lines: []customer.Line{
			{ID: "1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString("249.00")},
			{ID: "2", Category: "knitwear", Quantity: 2, UnitPrice: decimal.RequireFromString("59.90")},
		}}
	fmt.Println("order:", rec.RecordOrder(ctx, order, bought))
	fmt.Println("same order again:", rec.RecordOrder(ctx, order, bought.Add(time.Hour)))
	back := bought.AddDate(0, 0, 9)
	refund := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: back, Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "2", Quantity: -2}}}
	fmt.Println("refund:", rec.RecordReturn(ctx, refund, back))
	refund.ID = "R-2"
	fmt.Println("refund again:", rec.RecordReturn(ctx, refund, back))

	eur, _ := customer.NewMoney("249.00", "EUR")
	gbp, _ := customer.NewMoney("20.00", "GBP")
	_, err = eur.Add(gbp)
	fmt.Println(err)

	s, err := customer.SummarizeHistory(ctx, st, "C-1", customer.Consumer, asOf, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("orders", s.Orders, "units", s.Units, "returned", s.ReturnedUnits, "net", s.Net().StringFixed(2), s.Currency)
	days, _ := s.DaysSinceLastPurchase()
	fmt.Println("days since the last purchase:", days)
	// Output:
	// customer "C-1" (consumer, joined 2025-03-01, consent marketing=false profiling=false, personal data redacted)
	// l***@example.com
	// true order "O-0": channel: unknown channel 0; lines[0].quantity: must be positive, is 0; lines[0].unit_price: must not be negative; time: 2026-07-01T00:00:00Z is after 2026-06-30T00:00:00Z
	// order: <nil>
	// same order again: <nil>
	// refund: <nil>
	// refund again: return "R-2": lines[0].quantity: 2 units to refund, line "2" sold 2 and 2 were refunded before, so the customer holds 0
	// customer: currency mismatch: EUR and GBP
	// orders 1 units 3 returned 2 net 249.00 EUR
	// days since the last purchase: 136
}
