package tailor_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// From purchases to segments and churn risk: summarise each customer's
// orders as of a date, classify the population, and explain who is
// slipping away.
func Example() {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	// Days ago and amount of each customer's purchases.
	shop := map[customer.ID][][2]int{
		"ana":  {{400, 120}, {300, 95}, {210, 240}, {120, 180}, {30, 210}},
		"ben":  {{380, 60}},
		"chen": {{500, 90}, {420, 140}, {350, 80}, {260, 110}},
		"dora": {{60, 45}, {20, 70}},
	}
	var sums []customer.Summary
	for _, id := range []customer.ID{"ana", "ben", "chen", "dora"} {
		s := customer.NewSummary(id, customer.Consumer, asOf, nil)
		for i, p := range shop[id] {
			err := s.AddOrder(customer.Order{
				ID: fmt.Sprintf("%s-%d", id, i), CustomerID: id, Time: asOf.AddDate(0, 0, -p[0]),
				Channel: customer.Online, Currency: "EUR",
				Lines: []customer.Line{{ID: "1", Category: "knitwear", Quantity: 1, UnitPrice: decimal.NewFromInt(int64(p[1]))}},
			})
			if err != nil {
				panic(err)
			}
		}
		sums = append(sums, *s)
	}

	in := make([]segment.Input, len(sums))
	for i := range sums {
		in[i] = segment.Input{Summary: &sums[i]}
	}
	model, obs, err := segment.FitInputs(in, nil)
	if err != nil {
		panic(err)
	}
	rules, err := risk.Rules(nil)
	if err != nil {
		panic(err)
	}
	var r segment.Result
	for i := range obs {
		if err := model.Classify(&r, &obs[i]); err != nil {
			panic(err)
		}
		cr, err := rules.Score(risk.Input{Summary: sums[i]})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-4s %-15s %-7s %-8s churn risk %v\n", r.ID, r.Quadrant, r.Stage, r.ShopType, cr.Band)
		if len(cr.Reasons) > 0 {
			fmt.Printf("     because: %s\n", cr.Reasons[0].Text)
		}
	}
	// Output:
	// ana  high-value      active  loyal    churn risk low
	// ben  low-value       dormant drifting churn risk critical
	//      because: no purchase for 380 days where the typical customer's gap is 90 days
	// chen high-value      dormant drifting churn risk watch
	//      because: no purchase for 260 days where this customer's usual gap is 80 days
	// dora low-value       new     drifting churn risk low
	//      because: only 2 purchase days so far
}
