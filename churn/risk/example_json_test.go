package risk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
)

// shard returns the signals of customers from to to−1 of a synthetic
// customer base.
func shard(from, to int) []risk.Signals {
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var out []risk.Signals
	for i := from; i < to; i++ {
		out = append(out, risk.Signals{
			Customer: customer.ID(fmt.Sprint("C-", i)), AsOf: asOf,
			DaysSinceLastPurchase: (i * 37) % 360, PurchaseDays: 2 + i%6, MedianGap: float64(40 + i%50),
			ReturnRate: float64(i%10) / 20,
		})
	}
	return out
}

// The statistics that standardise the features, gathered on two workers,
// each over its shard of the customer base: one worker stores its
// standardizer as JSON, the other restores and merges it, and the merged
// standardizer is the one of the whole base. Fit then uses it; an
// Options.PriorGap other than the standardizer's is refused.
func ExampleStandardizer_MarshalJSON() {
	const priorGap = 60 // days, of customers with a single shopping occasion
	build := func(signals []risk.Signals) *risk.Standardizer {
		z, err := risk.NewStandardizer(priorGap, nil)
		if err != nil {
			panic(err)
		}
		for _, s := range signals {
			if err := z.Add(s); err != nil {
				panic(err)
			}
		}
		return z
	}

	// Worker B stores its shard's statistics.
	doc, err := json.Marshal(build(shard(200, 500)))
	if err != nil {
		panic(err)
	}

	// Worker A restores them and merges them into its own.
	var fromB risk.Standardizer
	if err := json.Unmarshal(doc, &fromB); err != nil {
		panic(err)
	}
	z := build(shard(0, 200))
	if err := z.Merge(&fromB); err != nil {
		panic(err)
	}
	whole := build(shard(0, 500))
	m, w := z.Features[risk.FeatureOverdue], whole.Features[risk.FeatureOverdue]
	fmt.Printf("overdue: %d customers, mean %.4f (whole base: %d, %.4f)\n", m.N, m.Mean, w.N, w.Mean)

	// Fitted on a labelled sample, standardised as the whole base.
	var examples []risk.Example
	for i, s := range shard(0, 300) {
		examples = append(examples, risk.Example{Signals: s, Churned: s.DaysSinceLastPurchase > 150+i%90})
	}
	_, report, err := risk.Fit(examples, &risk.Options{Lambda: 1, Standardizer: z})
	fmt.Println(report.Method, err)

	_, _, err = risk.Fit(examples, &risk.Options{Lambda: 1, Standardizer: z, PriorGap: 90})
	var oe *risk.OptionError
	fmt.Println("prior gap refused:", errors.As(err, &oe), oe.Field)
	// Output:
	// overdue: 500 customers, mean 1.2387 (whole base: 500, 1.2387)
	// fitted <nil>
	// prior gap refused: true prior_gap
}

// A customer who used to buy every two months and has bought nothing for
// more than two years: both 12-month windows are empty, and the trends
// count as a full decline rather than as unknown, so that the risk does
// not fall when the last purchase leaves the two years.
func ExampleRules_lapsed() {
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := customer.NewSummary("C-2001", customer.Consumer, asOf, nil)
	for i, daysAgo := range []int{1100, 1040, 980, 920, 860} {
		_ = s.AddOrder(customer.Order{
			ID: fmt.Sprint("O-", i), CustomerID: "C-2001", Time: asOf.AddDate(0, 0, -daysAgo),
			Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(80)}},
		})
	}
	m, err := risk.Rules(nil)
	if err != nil {
		panic(err)
	}
	r, err := m.Score(risk.Input{Summary: *s})
	if err != nil {
		panic(err)
	}
	fmt.Printf("risk %.2f, %v\n", r.Risk, r.Band)
	for _, reason := range r.Reasons {
		fmt.Printf("- %s (%+.2f)\n", reason.Text, reason.Contribution)
	}
	// Output:
	// risk 0.96, critical
	// - no purchase for 860 days where this customer's usual gap is 60 days (+3.06)
	// - no purchase or spend in the last 24 months (+2.00)
}
