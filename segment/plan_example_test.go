package segment_test

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// The plan of 000 reviewed after a year: the rates come from the
// migration between the two year ends, the satisfaction index (a mean
// CSAT, 4.0 when the plan started) and the sales from the shop's own
// figures.
func ExamplePlan_Progress() {
	plan := segment.DefaultPlan(4.0)
	// What segment.Migrate gave for the results of the two year ends.
	mg := &segment.Migration{
		Repurchase:   segment.Rate{Num: 270, Den: 1000, Value: 0.27},
		NewCustomers: segment.Rate{Num: 168, Den: 400, Value: 0.42},
	}
	base, _ := customer.NewMoney("1200000.00", "EUR")
	review, _ := customer.NewMoney("1290000.00", "EUR")
	progress, err := plan.Progress(segment.Measurements{
		Migration:    mg,
		Satisfaction: segment.Satisfaction{Index: 4.3, Responses: 212},
		Sales:        segment.Sales{Base: base, Review: review},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range progress {
		fmt.Printf("%-14v %.4g → %.4g: measured %.4g, progress %.2f, met %t", p.KPI, p.Baseline, p.Target, p.Value, p.Progress, p.Met)
		if p.Rate.Den > 0 {
			fmt.Printf(" (%d of %d)", p.Rate.Num, p.Rate.Den)
		}
		fmt.Println()
	}
	// Output:
	// satisfaction   4 → 4.4: measured 4.3, progress 0.75, met false
	// repurchase     0.2 → 0.3: measured 0.27, progress 0.70, met false (270 of 1000)
	// new-customers  0.3 → 0.4: measured 0.42, progress 1.20, met true (168 of 400)
	// sales-growth   0 → 0.1: measured 0.075, progress 0.75, met false
}

// The net sales of 2026 from the results of the two year ends: what each
// customer of the later day paid and kept since the earlier one.
func ExamplePeriodSales() {
	r := func(id, net string) segment.Result {
		return segment.Result{ID: customer.ID(id), Kind: customer.Consumer, Quadrant: segment.LowValue,
			Stage: segment.StageActive, ShopType: segment.ShopDrifting, PurchaseDays: 1,
			Net: decimal.RequireFromString(net), Currency: "EUR"}
	}
	end2025 := []segment.Result{r("ana", "300.00"), r("ben", "120.00")}
	end2026 := []segment.Result{
		r("ana", "540.00"), // bought for 240
		r("ben", "80.00"),  // returned goods worth 40 bought in 2025
		r("eva", "95.00"),  // new in 2026
	}
	sales, err := segment.PeriodSales(end2025, end2026)
	fmt.Println(sales, err)
	// Output:
	// 295.00 EUR <nil>
}
