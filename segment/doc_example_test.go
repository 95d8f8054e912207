package segment_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// A shop classified at the end of two half-years, each from the history
// up to that day: quadrants, lifecycle stages, shop types and grades per
// customer, then the migration KPIs that show whether the strategies
// worked. Periods given in the wrong order are refused.
func Example() {
	// Purchases as (date, amount) per customer.
	buys := map[string][][2]string{
		"ana":  {{"2024-11-02", "240.00"}, {"2025-03-15", "180.00"}, {"2025-10-04", "310.00"}, {"2026-04-18", "290.00"}},
		"ben":  {{"2024-09-20", "45.00"}, {"2025-01-11", "39.90"}},
		"cleo": {{"2025-09-01", "60.00"}, {"2026-02-14", "420.00"}, {"2026-05-30", "380.00"}},
		"dan":  {{"2025-06-07", "89.90"}, {"2025-11-21", "75.00"}},
		"eva":  {{"2026-06-02", "129.00"}},
	}
	ids := []string{"ana", "ben", "cleo", "dan", "eva"}
	classify := func(asOf time.Time) []segment.Result {
		var in []segment.Input
		for _, id := range ids {
			s := customer.NewSummary(customer.ID(id), customer.Consumer, asOf, nil)
			for i, b := range buys[id] {
				day, _ := time.Parse(time.DateOnly, b[0])
				err := s.AddOrder(customer.Order{ID: fmt.Sprint(id, i), CustomerID: s.CustomerID, Time: day.Add(15 * time.Hour),
					Channel: customer.Store, Currency: "EUR",
					Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString(b[1])}}})
				if err != nil {
					panic(err)
				}
			}
			in = append(in, segment.Input{Summary: s})
		}
		m, obs, err := segment.FitInputs(in, &segment.Options{Grades: &segment.GradeOptions{}})
		if err != nil {
			panic(err)
		}
		res := make([]segment.Result, len(obs))
		for i := range obs {
			if err := m.Classify(&res[i], &obs[i]); err != nil {
				panic(err)
			}
		}
		return res
	}
	before := classify(time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC))
	after := classify(time.Date(2026, 6, 30, 23, 59, 0, 0, time.UTC))
	for i, r := range after {
		fmt.Printf("%-4s %-15v → %-15v %-8v %-8v %v\n", r.ID, before[i].Quadrant, r.Quadrant, r.Stage, r.ShopType, r.Grade)
	}

	mig, err := segment.Migrate(before, after)
	if err != nil {
		panic(err)
	}
	kpi := func(r segment.Rate) string { return fmt.Sprintf("%d of %d", r.Num, r.Den) }
	fmt.Println("retention", kpi(mig.Retention), "| repurchase", kpi(mig.Repurchase),
		"| new among buyers", kpi(mig.NewCustomers), "| potential → high", kpi(mig.Conversion))
	hv := mig.Contribution[segment.HighValue]
	fmt.Printf("high-value: %d customers, %s %s (%.0f%% of net sales)\n", hv.Customers, hv.Revenue.StringFixed(2), mig.Currency, 100*hv.RevenueShare)

	_, err = segment.Migrate(after, before)
	var days *value.AsOfMismatchError
	fmt.Println(errors.Is(err, segment.ErrInvalidResult), errors.As(err, &days))
	// Output:
	// ana  high-value      → high-value      active   loyal    strategic
	// ben  low-value       → low-value       lost     lost     ordinary
	// cleo low-value       → high-value      active   loyal    important
	// dan  high-value      → low-value       active   drifting important
	// eva  low-value       → low-value       new      drifting ordinary
	// retention 3 of 4 | repurchase 2 of 4 | new among buyers 1 of 3 | potential → high 0 of 0
	// high-value: 2 customers, 1880.00 EUR (83% of net sales)
	// true true
}
