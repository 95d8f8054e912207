package segment_test

import (
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// history builds a consumer's summary from (days ago, amount) purchases.
func history(id string, asOf time.Time, buys map[int]string) *customer.Summary {
	s := customer.NewSummary(customer.ID(id), customer.Consumer, asOf, nil)
	for daysAgo, amount := range buys {
		_ = s.AddOrder(customer.Order{ID: fmt.Sprint(id, daysAgo), CustomerID: s.CustomerID,
			Time: asOf.AddDate(0, 0, -daysAgo), Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Category: "knitwear", Quantity: 1, UnitPrice: decimal.RequireFromString(amount)}}})
	}
	return s
}

func ExampleFitInputs() {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	population := []segment.Input{
		{Summary: history("ana", asOf, map[int]string{20: "240.00", 130: "89.90", 250: "120.00"}),
			Customer: &customer.Customer{ID: "ana", Kind: customer.Consumer, Consent: customer.Consent{Marketing: true, Profiling: true}}},
		{Summary: history("ben", asOf, map[int]string{400: "39.90"})},
		{Summary: history("eva", asOf, map[int]string{45: "60.00", 600: "450.00"})},
		{Summary: history("kim", asOf, map[int]string{10: "75.00"})},
	}
	m, obs, err := segment.FitInputs(population, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	th := m.Thresholds(customer.Consumer)
	fmt.Printf("thresholds (%v of %d consumers): current %.4f, potential %.4f\n", th.Rule, th.N, th.Current, th.Potential)
	var r segment.Result
	for i := range obs {
		if err := m.Classify(&r, &obs[i]); err != nil {
			fmt.Println(err)
			return
		}
		f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
		fmt.Println(r.ID, f(r.Value.Current), f(r.Value.Potential), f(r.Value.Total), r.Quadrant,
			r.RFM.R, r.RFM.F, r.RFM.M, r.RFM.Segment, r.Stage, r.ShopType)
	}
	// Ana agreed to marketing and profiling: every action of her
	// segments applies but the coupons of the active stage, which a
	// high-value customer skips. Ben, without a customer record, would
	// get only the service actions.
	_ = m.Classify(&r, &obs[0])
	for _, a := range segment.DefaultPlaybook().Actions(&r) {
		fmt.Println("ana:", a.Code)
	}
	// Output:
	// thresholds (mean of 4 consumers): current 0.2519, potential 0.2465
	// ana 0.4720 0.3538 0.8259 high-value 4 5 4 loyal active loyal
	// ben 0.0000 0.0966 0.0966 low-value 1 1 1 lost dormant drifting
	// eva 0.4668 0.3372 0.8040 high-value 2 4 5 at-risk active loyal
	// kim 0.0688 0.1985 0.2673 low-value 5 1 2 new new drifting
	// ana: vip-service
	// ana: learn-needs
	// ana: early-access
	// ana: personal-recommendations
	// ana: priority-benefits
	// ana: member-events
	// ana: recommend-categories
}

// Two workers each gather the first-pass statistics of their customers
// and ship them encoded; the fit merges them as if one process had seen
// everyone.
func ExampleStats_MarshalBinary() {
	asOf := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	shards := [][]*customer.Summary{
		{history("anna", asOf, map[int]string{10: "120", 200: "80"}), history("ben", asOf, map[int]string{400: "35"})},
		{history("cleo", asOf, map[int]string{3: "640", 30: "310", 90: "150"})},
	}
	var shipped [][]byte
	for _, sums := range shards {
		st, _ := segment.NewStats(nil)
		var o segment.Observation
		for _, s := range sums {
			if err := segment.Observe(segment.Input{Summary: s}, &o); err != nil {
				fmt.Println(err)
				return
			}
			_ = st.Add(&o)
		}
		b, _ := st.MarshalBinary()
		shipped = append(shipped, b)
	}
	all, _ := segment.NewStats(nil)
	for _, b := range shipped {
		st, _ := segment.NewStats(nil)
		if err := st.UnmarshalBinary(b); err != nil {
			fmt.Println(err)
			return
		}
		_ = all.Merge(st)
	}
	sc, err := all.Scoring()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("customers:", sc.ValueScorer(customer.Consumer).N())
	// Output:
	// customers: 3
}

// A dealer and a shopper in the same segments get the actions of their
// kind: the dealer is a trade partner, offered no shopper's benefits and
// no shop-type action.
func ExamplePlaybook_Actions() {
	book := segment.DefaultPlaybook()
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		r := segment.Result{Kind: k, Quadrant: segment.PotentialValue, ShopType: segment.ShopDrifting,
			Stage: segment.StageActive, Consent: customer.Consent{Marketing: true, Profiling: true}}
		for _, a := range book.Actions(&r) {
			fmt.Printf("%v: %s\n", k, a.Code)
		}
	}
	// Output:
	// consumer: guide-buying
	// consumer: recommend-categories
	// consumer: basket-coupons
	// consumer: limited-time-offers
	// consumer: social-interaction
	// consumer: membership-invitation
	// intermediary: partner-development
	// intermediary: sell-through-support
	// intermediary: order-incentives
	// intermediary: range-extension
}

// A customer who buys on two days running once a year: counted by
// purchase days, the median gap is 1 day and 200 days of silence read
// dormant; counted by shopping occasions (the default window of a week),
// the rhythm is yearly and the customer is active.
func ExampleObserveWith() {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	in := segment.Input{Summary: history("lea", asOf,
		map[int]string{200: "120.00", 201: "35.00", 565: "99.00", 566: "20.00", 930: "140.00", 931: "25.00"})}
	perDay := &segment.Options{Lifecycle: segment.LifecycleOptions{OccasionWindow: 24 * time.Hour}}
	for _, opts := range []*segment.Options{nil, perDay} {
		var o segment.Observation
		if err := segment.ObserveWith(in, &o, opts); err != nil {
			fmt.Println(err)
			return
		}
		m, err := segment.Fit([]segment.Observation{o}, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		var r segment.Result
		if err := m.Classify(&r, &o); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("window %v days: %d gaps, rhythm %v days, %v\n", o.OccasionWindow, o.Gaps, o.MedianGap, r.Stage)
	}
	// Output:
	// window 7 days: 2 gaps, rhythm 365 days, active
	// window 1 days: 5 gaps, rhythm 1 days, dormant
}

// Ten shoppers graded by total value with the default grade options:
// the top 20% are strategic (A), the next 30% important (B), the rest
// ordinary (C); a potential-value shopper who is not A is at least
// important. Each grade has its strategy in the playbook.
func ExampleModel_Grade() {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	buys := []map[int]string{
		{5: "420.00", 40: "380.00", 90: "510.00", 160: "299.00"},
		{12: "260.00", 70: "199.00", 200: "240.00"},
		{30: "150.00", 150: "129.00"},
		{8: "99.00", 60: "89.00"},
		{100: "75.00", 300: "60.00"},
		{20: "49.90"},
		{250: "39.90"},
		{400: "120.00"},
		{600: "35.00"},
		{3: "19.90", 10: "24.90", 17: "19.90", 24: "29.90", 31: "14.90"},
	}
	var population []segment.Input
	for i, b := range buys {
		population = append(population, segment.Input{Summary: history(fmt.Sprintf("c%d", i), asOf, b)})
	}
	m, obs, err := segment.FitInputs(population, &segment.Options{Grades: &segment.GradeOptions{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	g := m.GradeThresholds(customer.Consumer)
	fmt.Printf("%d consumers: A down to rank %d (total ≥ %.4f), B down to rank %d (total ≥ %.4f)\n", g.N, g.TopA, g.A, g.TopAB, g.B)
	book := segment.DefaultPlaybook()
	var r segment.Result
	for i := range obs {
		if err := m.Classify(&r, &obs[i]); err != nil {
			fmt.Println(err)
			return
		}
		var grade []string
		for _, a := range book.Grades[r.Grade] {
			grade = append(grade, a.Code)
		}
		fmt.Printf("%s %.4f %-15v %-9v %v\n", r.ID, r.Value.Total, r.Quadrant, r.Grade, grade)
	}
	// c4 ranks sixth, ordinary by rank, but is of the potential-value
	// quadrant, so important.

	// Output:
	// 10 consumers: A down to rank 2 (total ≥ 0.6494), B down to rank 5 (total ≥ 0.3852)
	// c0 0.8378 high-value      strategic [vip-service]
	// c1 0.6494 high-value      strategic [vip-service]
	// c2 0.4471 high-value      important [regular-follow-up]
	// c3 0.3852 potential-value important [regular-follow-up]
	// c4 0.3586 potential-value important [regular-follow-up]
	// c5 0.1955 low-value       ordinary  [standard-service]
	// c6 0.1722 low-value       ordinary  [standard-service]
	// c7 0.2483 low-value       ordinary  [standard-service]
	// c8 0.1476 low-value       ordinary  [standard-service]
	// c9 0.4360 potential-value important [regular-follow-up]
}
