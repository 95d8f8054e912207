package value_test

import (
	"fmt"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// The groups that RFM analysis is named to find (domain rules §2, 001)
// written as rules before the default grid, which takes everybody else:
// the about-to-churn (潜力流失), good customers slipping away, R ≤ 2 with
// F ≥ 3 or M ≥ 4; the high-net-worth (高净值), M = 5; the
// high-frequency, low-spend (高频低额), F ≥ 4 and AOV ≤ 2. The first rule
// that holds wins, so a big spender who is slipping away is about to
// churn, and a frequent small spender with the top total spend is of
// high net worth. Scores are on the 1–5 grid (five bins here); the last
// column is the segment by the default rules alone.
func ExampleRFMRule() {
	rules := append([]value.RFMRule{
		{Segment: value.AboutToChurn, RMin: 1, RMax: 2, FMin: 3, FMax: 5},
		{Segment: value.AboutToChurn, RMin: 1, RMax: 2, FMin: 1, FMax: 5, MMin: 4},
		{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 5, MMax: 5},
		{Segment: value.HighFrequencyLowSpend, RMin: 1, RMax: 5, FMin: 4, FMax: 5, AOVMax: 2},
	}, value.DefaultRFMRules()...)
	st, err := value.NewRFMStats(customer.Consumer, &value.RFMOptions{Rules: rules})
	if err != nil {
		fmt.Println(err)
		return
	}
	def, _ := value.NewRFMStats(customer.Consumer, nil)
	// Days since the last purchase, purchase days, net spend, orders.
	buyers := []struct {
		id              string
		days, purchases int
		net             float64
		orders          int
	}{
		{"ana", 5, 12, 4200, 12}, // often, recently, big baskets
		{"ben", 12, 14, 700, 14}, // often, recently, small baskets
		{"cai", 300, 9, 1900, 9}, // was a regular, gone for 300 days
		{"dev", 420, 1, 2600, 1}, // one big purchase long ago
		{"eli", 20, 1, 80, 1},    // bought once, lately
		{"fay", 35, 8, 560, 8},   // fairly often, small baskets
		{"gus", 90, 4, 1300, 4},  // middling
		{"hal", 150, 3, 450, 3},  // middling, fading
		{"ivy", 240, 2, 300, 2},  // rarely, long ago
		{"jon", 365, 1, 40, 1},   // once, long ago
		{"kim", 60, 6, 3900, 6},  // fairly often, the top spend
		{"lea", 200, 2, 1500, 2}, // rarely, long ago, big baskets
		{"max", 8, 2, 180, 2},    // a few times, recently
		{"nia", 270, 5, 900, 5},  // fairly often, long ago
		{"oli", 45, 10, 600, 10}, // often, small baskets
		{"pia", 110, 1, 120, 1},  // once, a while ago
		{"ray", 15, 3, 1100, 3},  // a few times, recently
		{"sam", 500, 1, 60, 1},   // once, longest ago
		{"tia", 75, 7, 2300, 7},  // fairly often, good spend
		{"uma", 330, 3, 2100, 3}, // a few times, long ago, big spend
	}
	pop := make([]value.Indicators, len(buyers))
	for i, b := range buyers {
		x := &pop[i]
		x.ID, x.Kind = customer.ID(b.id), customer.Consumer
		x.Set(value.Recency, float64(b.days))
		x.Set(value.PurchaseDays, float64(b.purchases))
		x.Set(value.Revenue, b.net)
		x.Set(value.AverageOrderValue, b.net/float64(b.orders))
		if err := st.Add(x); err != nil {
			fmt.Println(err)
			return
		}
		_ = def.Add(x)
	}
	sc, dsc := st.Scorer(), def.Scorer()
	for i := range pop {
		s, err := sc.Score(&pop[i])
		if err != nil {
			fmt.Println(err)
			return
		}
		d, _ := dsc.Score(&pop[i])
		g := sc.OnGrid(s)
		fmt.Printf("%s R%d F%d M%d AOV%d %-24v %v\n", pop[i].ID, g.R, g.F, g.M, g.AOV, g.Segment, d.Segment)
	}
	// Output:
	// ana R5 F5 M5 AOV4 high-net-worth           champions
	// ben R5 F5 M3 AOV1 high-frequency-low-spend champions
	// cai R2 F5 M4 AOV3 about-to-churn           cant-lose
	// dev R1 F1 M5 AOV5 about-to-churn           lost
	// eli R4 F1 M1 AOV2 promising                promising
	// fay R4 F4 M2 AOV2 high-frequency-low-spend loyal
	// gus R3 F3 M4 AOV4 needs-attention          needs-attention
	// hal R3 F3 M2 AOV3 needs-attention          needs-attention
	// ivy R2 F2 M2 AOV3 hibernating              hibernating
	// jon R1 F1 M1 AOV1 lost                     lost
	// kim R4 F4 M5 AOV5 high-net-worth           loyal
	// lea R2 F2 M4 AOV5 about-to-churn           hibernating
	// max R5 F2 M2 AOV2 potential-loyalist       potential-loyalist
	// nia R2 F4 M3 AOV3 about-to-churn           at-risk
	// oli R4 F5 M3 AOV1 high-frequency-low-spend loyal
	// pia R3 F1 M1 AOV2 about-to-sleep           about-to-sleep
	// ray R5 F3 M3 AOV4 potential-loyalist       potential-loyalist
	// sam R1 F1 M1 AOV1 lost                     lost
	// tia R3 F4 M5 AOV4 high-net-worth           loyal
	// uma R1 F3 M4 AOV5 about-to-churn           at-risk
}
