package loyalty_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// quoteForExample prices a jumper with a 20% knitwear coupon and a coat,
// partly paid with points.
func quoteForExample() loyalty.Quote {
	p, err := loyalty.DecodeProgramme([]byte(`{"currency": "EUR", "earn": {"points_per_unit": "1"},
	  "redeem": {"points_per_unit": "100", "min_points": 100, "max_share": "0.5"}}`))
	if err != nil {
		panic(err)
	}
	price := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	q, err := p.Price(loyalty.Basket{
		Member: "anna", Time: time.Date(2026, 5, 4, 15, 0, 0, 0, time.FixedZone("CEST", 2*3600)), Currency: "EUR",
		Items: []loyalty.Item{
			{Line: customer.Line{ID: "1", SKU: "JUMPER", Category: "knitwear", Quantity: 1, UnitPrice: price("99.00")}},
			{Line: customer.Line{ID: "2", SKU: "COAT", Category: "coats", Quantity: 1, UnitPrice: price("150.00")}},
		},
		Coupons: []loyalty.Coupon{{Code: "KNIT20", Kind: loyalty.CouponPercent, Percent: price("20"), Stacking: loyalty.StackCombinable,
			Scope: loyalty.Scope{Kind: loyalty.ScopeCategory, Values: []string{"knitwear"}}}},
		Points: 500, Available: 800,
	})
	if err != nil {
		panic(err)
	}
	return q
}

// A quote shown to the buyer is kept as JSON until the buyer pays; read
// back, it orders exactly as the quote priced.
func ExampleQuote_MarshalJSON() {
	q := quoteForExample()
	data, err := json.Marshal(q)
	if err != nil {
		panic(err)
	}
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, data, "", "  ")
	fmt.Println(pretty.String())

	var stored loyalty.Quote
	if err := json.Unmarshal(data, &stored); err != nil {
		panic(err)
	}
	o, err := stored.Order("W-1001", customer.Online)
	if err != nil {
		panic(err)
	}
	for _, l := range o.Lines {
		fmt.Printf("line %s %-6s %5s off, %6s paid\n", l.ID, l.SKU, l.Discount.StringFixed(2), l.Net().StringFixed(2))
	}
	fmt.Println("ordered at", o.Time.Format(time.RFC3339), "by", o.CustomerID)
	// Output:
	// {
	//   "currency": "EUR",
	//   "subtotal": "249.00",
	//   "lines": [
	//     {
	//       "id": "1",
	//       "amount": "99.00",
	//       "discount": "19.80",
	//       "points": "1.73",
	//       "total": "77.47"
	//     },
	//     {
	//       "id": "2",
	//       "amount": "150.00",
	//       "discount": "0",
	//       "points": "3.27",
	//       "total": "146.73"
	//     }
	//   ],
	//   "deductions": [
	//     {
	//       "kind": "coupon",
	//       "name": "KNIT20",
	//       "lines": [
	//         "1"
	//       ],
	//       "amount": "19.80",
	//       "capped": false,
	//       "requested": "19.80",
	//       "explain": "20% off 99.00"
	//     },
	//     {
	//       "kind": "points",
	//       "name": "points",
	//       "lines": [
	//         "1",
	//         "2"
	//       ],
	//       "amount": "5.00",
	//       "capped": false,
	//       "requested": "5.00",
	//       "explain": "500 points at 100 points per EUR"
	//     }
	//   ],
	//   "discount": "19.80",
	//   "points_used": 500,
	//   "points_value": "5.00",
	//   "total": "224.20",
	//   "basket": {
	//     "member": "anna",
	//     "time": "2026-05-04T15:00:00+02:00",
	//     "items": [
	//       {
	//         "id": "1",
	//         "sku": "JUMPER",
	//         "category": "knitwear",
	//         "quantity": 1,
	//         "unit_price": "99.00",
	//         "discount": "0"
	//       },
	//       {
	//         "id": "2",
	//         "sku": "COAT",
	//         "category": "coats",
	//         "quantity": 1,
	//         "unit_price": "150.00",
	//         "discount": "0"
	//       }
	//     ],
	//     "priced": [
	//       {
	//         "id": "1",
	//         "amount": "99.00",
	//         "discount": "19.80",
	//         "points": "1.73",
	//         "total": "77.47"
	//       },
	//       {
	//         "id": "2",
	//         "amount": "150.00",
	//         "discount": "0",
	//         "points": "3.27",
	//         "total": "146.73"
	//       }
	//     ],
	//     "coupons": [
	//       {
	//         "code": "KNIT20"
	//       }
	//     ]
	//   }
	// }
	// line 1 JUMPER 21.53 off,  77.47 paid
	// line 2 COAT    3.27 off, 146.73 paid
	// ordered at 2026-05-04T15:00:00+02:00 by anna
}

// A stored quote whose figures were edited is refused: when they no
// longer add up, by UnmarshalJSON; when they still do but differ from the
// copy priced, by Order.
func ExampleQuote_UnmarshalJSON_edited() {
	data, err := json.Marshal(quoteForExample())
	if err != nil {
		panic(err)
	}
	s := string(data)

	// A lower total alone.
	var q loyalty.Quote
	err = json.Unmarshal([]byte(strings.Replace(s, `"total":"224.20"`, `"total":"24.20"`, 1)), &q)
	fmt.Println(err)

	// The coupon's 19.80 moved from the jumper to the coat: every sum
	// still adds up.
	moved := strings.Replace(s, `"discount":"19.80","points":"1.73","total":"77.47"`, `"discount":"0","points":"1.73","total":"97.27"`, 1)
	moved = strings.Replace(moved, `"discount":"0","points":"3.27","total":"146.73"`, `"discount":"19.80","points":"3.27","total":"126.93"`, 1)
	if err := json.Unmarshal([]byte(moved), &q); err != nil {
		panic(err)
	}
	_, err = q.Order("W-1001", customer.Online)
	fmt.Println(err)
	// Output:
	// quote: total: is 24.20, subtotal − discount − points_value is 224.20
	// quote: lines[0].discount: line "1": is 0.00, priced 19.80; lines[0].total: line "1": is 97.27, priced 77.47; lines[1].discount: line "2": is 19.80, priced 0.00; lines[1].total: line "2": is 126.93, priced 146.73
}
