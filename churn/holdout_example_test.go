package churn_test

import (
	"fmt"

	"github.com/tailorcrm/tailor/churn"
)

// A holdout check of customers too many to hold at once: they are read,
// scored and added a part at a time, and only P(alive) and whether each
// lapsed are kept (8 bytes a customer), for the AUC.
func ExampleHoldoutAccumulator() {
	m := churn.MBGNBD{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	// Two parts of the weekly calibration observations, with each
	// customer's purchases in the 26 weeks of the holdout.
	parts := []struct {
		cal    []churn.Observation
		actual []float64
	}{
		{shop[:6], []float64{3, 1, 0, 2, 0, 0}},
		{shop[6:], []float64{4, 0, 0, 2, 1, 0}},
	}
	h, err := churn.NewHoldoutAccumulator(m, 26, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range parts {
		if err := h.Add(p.cal, p.actual); err != nil {
			fmt.Println(err)
			return
		}
	}
	ev, err := h.Evaluation()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d customers: %.2f purchases expected, %.0f made; AUC %.3f\n", ev.Customers, ev.TotalExpected, ev.TotalActual, ev.AUC)
	for _, b := range ev.ByFrequency {
		plus := ""
		if b.AndAbove {
			plus = "+"
		}
		fmt.Printf("frequency %d%s: %d customers, %.2f expected, %.2f made\n", b.Frequency, plus, b.Customers, b.MeanExpected, b.MeanActual)
	}
	// Output:
	// 12 customers: 14.93 purchases expected, 13 made; AUC 0.889
	// frequency 0: 3 customers, 0.10 expected, 0.00 made
	// frequency 1: 2 customers, 0.45 expected, 0.50 made
	// frequency 2: 2 customers, 0.31 expected, 0.50 made
	// frequency 3+: 5 customers, 2.62 expected, 2.20 made
}
