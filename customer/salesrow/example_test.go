package salesrow_test

import (
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A reader finds the columns once, then parses each record and adds it to
// its customer's summary; it keeps the orders it has counted.
func Example() {
	layout, err := salesrow.NewLayout([]string{"customer_id", "date", "order_id", "quantity", "amount", "currency"})
	if err != nil {
		fmt.Println(err)
		return
	}
	records := [][]string{
		{"C1", "2025-03-01", "O1", "2", "79.90", "EUR"},
		{"C1", "2025-03-01", "O1", "1", "19.95", "EUR"},
		{"C1", "2025-03-20", "O1", "-1", "-19.95", "EUR"},
		{"C1", "2025-04-02", "O2", "1", "12x", "EUR"},
	}
	asOf := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	s := customer.NewSummary("C1", customer.Consumer, asOf, nil)
	orders := map[string]*salesrow.Order{}
	for line, rec := range records {
		var r salesrow.Row
		if fe := layout.Parse(rec, &r); fe != nil {
			fmt.Printf("orders.csv:%d: %v\n", line+2, fe)
			continue
		}
		o := orders[r.OrderID]
		if o == nil {
			o = &salesrow.Order{}
			orders[r.OrderID] = o
		}
		if fe := salesrow.Add(s, &r, r.Currency, o); fe != nil {
			fmt.Printf("orders.csv:%d: %v\n", line+2, fe)
		}
	}
	fmt.Println("orders", s.Orders, "units", s.Units, "returned", s.ReturnedUnits, "net", s.Net())
	// Output:
	// orders.csv:5: amount "12x": not a decimal number
	// orders 1 units 3 returned 1 net 79.9
}
