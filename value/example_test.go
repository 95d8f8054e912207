package value_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

func ExampleAHP() {
	// Loyalty is judged 2× as important as consumption characteristics
	// and 3× as important as growth; consumption 2× growth.
	r, err := value.AHP([][]float64{
		{1, 1.0 / 2, 2},
		{2, 1, 3},
		{1.0 / 2, 1.0 / 3, 1},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("weights %.3f, CR %.4f\n", r.Weights, r.CR)

	_, err = value.AHP([][]float64{{1, 5, 1.0 / 5}, {1.0 / 5, 1, 5}, {5, 1.0 / 5, 1}})
	fmt.Println(err)
	// Output:
	// weights [0.297 0.540 0.163], CR 0.0079
	// value: pairwise comparisons are inconsistent: consistency ratio 2.7586 ≥ 0.1 (CI 1.6000)
}

// shopper returns the indicators of a consumer who bought the given net
// amounts (one unit each) on the given days before asOf.
func shopper(id string, asOf time.Time, amounts []string, daysAgo []int) value.Indicators {
	s := customer.NewSummary(customer.ID(id), customer.Consumer, asOf, nil)
	for i, a := range amounts {
		_ = s.AddOrder(customer.Order{ID: fmt.Sprint(id, i), CustomerID: s.CustomerID,
			Time: asOf.AddDate(0, 0, -daysAgo[i]), Channel: customer.Store, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString(a)}}})
	}
	var x value.Indicators
	_ = value.Extract(s, nil, &x)
	return x
}

func ExampleScorer_Explain() {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	pop := []value.Indicators{
		shopper("ana", asOf, []string{"120.00", "89.90", "240.00"}, []int{300, 120, 20}),
		shopper("ben", asOf, []string{"39.90"}, []int{400}),
		shopper("eva", asOf, []string{"450.00", "60.00"}, []int{600, 45}),
	}
	sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := sc.Score(&pop[0])
	fmt.Printf("ana: current %.4f + potential %.4f = total %.4f\n", s.Current, s.Potential, s.Total)
	for _, p := range sc.Explain(&pop[0], &s)[:3] {
		fmt.Printf("%-38s raw %8.2f  weight %.3f × score %.3f = %.4f\n", p.Path, p.Raw, p.Weight, p.Normalized, p.Contribution)
	}
	// Output:
	// ana: current 0.4596 + potential 0.3384 = total 0.7980
	// current/profit                         raw   247.44  weight 0.300 × score 0.904 = 0.2712
	// current/purchase-volume/revenue        raw   449.90  weight 0.120 × score 0.904 = 0.1085
	// current/purchase-volume/units          raw     3.00  weight 0.080 × score 1.000 = 0.0800
}

func ExampleRFMScorer() {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	pop := []value.Indicators{
		shopper("ana", asOf, []string{"120.00", "89.90", "240.00"}, []int{300, 120, 5}),
		shopper("ben", asOf, []string{"39.90"}, []int{400}),
		shopper("eva", asOf, []string{"450.00", "60.00"}, []int{600, 45}),
		shopper("kim", asOf, []string{"75.00"}, []int{10}),
		// Lea has not bought yet: she has no segment.
		shopper("lea", asOf, nil, nil),
	}
	st, _ := value.NewRFMStats(customer.Consumer, nil)
	for i := range pop {
		_ = st.Add(&pop[i])
	}
	sc := st.Scorer()
	for i := range pop {
		s, _ := sc.Score(&pop[i])
		fmt.Printf("%s R%d F%d M%d %s\n", pop[i].ID, s.R, s.F, s.M, s.Segment)
	}
	// Output:
	// ana R5 F5 M4 champions
	// ben R1 F1 M1 lost
	// eva R2 F4 M5 at-risk
	// kim R4 F1 M2 promising
	// lea R1 F1 M1 none
}
