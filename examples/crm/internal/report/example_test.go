package report_test

import (
	"fmt"
	"strings"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/crm/internal/report"
	"github.com/tailorcrm/tailor/segment"
)

// A report of four customers who bought on a few days of 2025: too short
// a history for a holdout check, which the page says instead of drawing
// the chart.
func ExampleBuild() {
	asOf := customer.DateFromYMD(2025, 12, 31)
	days := map[customer.ID][]string{
		"C1": {"2025-10-02", "2025-11-20", "2025-12-18"},
		"C2": {"2025-10-15"},
		"C3": {"2025-11-03", "2025-12-01"},
		"C4": {"2025-12-24"},
	}
	in := &report.Input{Source: "orders.csv", AsOf: asOf, Currency: "EUR", CalibrationEnd: report.CalibrationEnd(asOf, nil)}
	var sums report.SummarySlice
	for _, id := range []customer.ID{"C1", "C2", "C3", "C4"} {
		s := customer.NewSummary(id, customer.Consumer, asOf.Time(), nil)
		for _, d := range days[id] {
			day, _ := customer.ParseDate(d)
			amount, _ := customer.NewMoney("80.00", "EUR")
			if err := s.AddSale(customer.Sale{Time: day.Time(), NewOrder: true, Amount: amount, Units: 1}); err != nil {
				fmt.Println(err)
				return
			}
		}
		sums = append(sums, s)
	}
	in.Summaries = sums
	// Classify as crm report does: package segment with its defaults.
	pop := make([]segment.Input, len(sums))
	for i, s := range sums {
		pop[i] = segment.Input{Summary: s}
	}
	m, obs, err := segment.FitInputs(pop, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var r segment.Result
	for i := range obs {
		_ = m.Classify(&r, &obs[i])
		in.Segments = append(in.Segments, report.Classified(&r))
	}
	in.Thresholds = []segment.Thresholds{m.Thresholds(customer.Consumer)}

	rep, err := report.Build(in, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var page strings.Builder
	if err := rep.WriteHTML(&page); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("customers:", rep.Customers, "orders:", rep.Orders, "net:", rep.Net.StringFixed(2), rep.Currency)
	fmt.Println("risk:", rep.Kinds[0].Churn.Method)
	fmt.Println(rep.Kinds[0].Churn.HoldoutNote)
	fmt.Println("charts:", strings.Count(page.String(), "<svg "), "quadrant labels:", strings.Count(page.String(), `class="quadrant-label"`))
	// Output:
	// customers: 4 orders: 7 net: 560.00 EUR
	// risk: rules
	// the data are too short for a holdout check: no purchase on or before the calibration end 2025-07-02, 182 days before the as-of day
	// charts: 6 quadrant labels: 4
}
