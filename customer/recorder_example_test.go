package customer_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// A Recorder checks each fact against the stored history before it
// appends it: a second refund of a line that was refunded already is
// refused, and the history still summarises. The order delivered again
// the next day is a no-op, although its units were refunded meanwhile.
func ExampleRecorder() {
	ctx := context.Background()
	bought := time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)
	now := bought.Add(24 * time.Hour)
	st := customer.NewMemStore()
	if err := st.Put(ctx, customer.Customer{ID: "C-1", Kind: customer.Consumer, Joined: bought.AddDate(-1, 0, 0)}); err != nil {
		panic(err)
	}
	rec := &customer.Recorder{Customers: st, History: st}

	order := customer.Order{ID: "O-1", CustomerID: "C-1", Time: bought, Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString("199.00")}}}
	fmt.Println("order:", rec.RecordOrder(ctx, order, bought))

	refund := customer.Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: now, Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	fmt.Println("refund:", rec.RecordReturn(ctx, refund, now))

	again := refund
	again.ID = "R-2"
	err := rec.RecordReturn(ctx, again, now)
	fmt.Println("second refund:", err)
	fmt.Println("invalid:", errors.Is(err, customer.ErrInvalid))

	fmt.Println("order again:", rec.RecordOrder(ctx, order, now))

	s, err := customer.SummarizeHistory(ctx, st, "C-1", customer.Consumer, now, nil)
	fmt.Println("summary:", s.Orders, "order,", s.Returns, "return, net", s.Net(), err)
	// Output:
	// order: <nil>
	// refund: <nil>
	// second refund: return "R-2": lines[0].quantity: 1 unit to refund, line "1" sold 1 and 1 was refunded before, so the customer holds 0
	// invalid: true
	// order again: <nil>
	// summary: 1 order, 1 return, net 0 <nil>
}
