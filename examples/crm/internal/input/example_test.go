package input_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/crm/internal/input"
)

// ScanCSV reads an export on every core and keeps one compact record per
// customer; the table then writes each customer's summary on demand.
func ExampleScanCSV() {
	const export = `customer_id,date,order_id,amount,quantity
C1,2025-03-01,o1,40.00,2
C1,2025-03-01,o1,15.50,1
C2,2025-03-04,o2,99.90,1
C1,2025-04-10,o1,-15.50,-1
C2,2026-01-05,o4,20.00,1
`
	asOf := customer.DateOf(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC))
	t, err := input.ScanCSV(strings.NewReader(export), "orders.csv", input.Options{AsOf: asOf}, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d rows, %d after the as-of day, %d customers\n", t.Rows, t.Later, t.Len())
	var s customer.Summary
	for i := range t.Len() {
		t.Summary(i, &s)
		fmt.Printf("%s: %d orders, net %s %s\n", s.CustomerID, s.Orders, s.Net(), t.Currency)
	}
	// Output:
	// 5 rows, 1 after the as-of day, 2 customers
	// C1: 1 orders, net 40 USD
	// C2: 1 orders, net 99.9 USD
}
