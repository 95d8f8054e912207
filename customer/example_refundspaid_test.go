package customer_test

import (
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

func ExampleRefundsPaid() {
	// Two shirts at 45.00 and a belt at 30.00; a shirt comes back, then
	// the customer asks for price reductions on what is left.
	at := time.Date(2026, 5, 2, 10, 0, 0, 0, time.UTC)
	o := customer.Order{ID: "O-8", CustomerID: "C-7", Time: at, Channel: customer.Store, Currency: "EUR", Lines: []customer.Line{
		{ID: "1", Category: "shirts", Quantity: 2, UnitPrice: dec("45.00")},
		{ID: "2", Category: "belts", Quantity: 1, UnitPrice: dec("30.00")},
	}}
	returns := []customer.Return{{ID: "R-1", OrderID: "O-8", CustomerID: "C-7", Time: at.AddDate(0, 0, 5),
		Kind: customer.Refund, Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}}

	// Added up once for every reduction checked against these returns.
	paid := customer.RefundsPaid(o, returns)
	fmt.Println("refunds paid back", paid.StringFixed(2))
	for _, amount := range []string{"75.00", "75.01"} {
		k := customer.Credit{ID: "K-1", CustomerID: "C-7", OrderID: "O-8", Time: at.AddDate(0, 0, 9),
			Kind: customer.PriceReduction, Source: "case CASE-3"}
		k.Amount, _ = customer.NewMoney(amount, "EUR")
		fmt.Println(amount, k.ValidateAfterPaid(o, customer.Money{}, paid, at.AddDate(0, 0, 10)))
	}
	// Output:
	// refunds paid back 45.00
	// 75.00 <nil>
	// 75.01 credit "K-1": amount: 75.01 is more than the 75.00 left of the order's net of 120.00 after earlier reductions of 0.00 and refunds of 45.00
}
