package risk_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
)

// A customer who bought every two months and has not been seen for seven,
// with a complaint still open: the rule-based model (no labelled history
// yet) explains its risk in the customer's own numbers.
func ExampleRules() {
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := customer.NewSummary("C-1042", customer.Consumer, asOf, nil)
	for i, daysAgo := range []int{700, 640, 580, 520, 460, 400, 214} {
		_ = s.AddOrder(customer.Order{
			ID: fmt.Sprint("O-", i), CustomerID: "C-1042", Time: asOf.AddDate(0, 0, -daysAgo),
			Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(80)}},
		})
	}
	complaints := customer.ComplaintSignals{
		Total: 2, Recent: 2, Window: 90 * 24 * time.Hour, Unresolved: 1,
		MaxSeverity: 2, Last: asOf.AddDate(0, 0, -20),
	}
	m, err := risk.Rules(nil)
	if err != nil {
		panic(err)
	}
	r, err := m.Score(risk.Input{Summary: *s, Complaints: complaints})
	if err != nil {
		panic(err)
	}
	fmt.Printf("risk %.2f, %v (%v)\n", r.Risk, r.Band, r.Method)
	for _, reason := range r.Reasons {
		fmt.Printf("- %s (%+.2f)\n", reason.Text, reason.Contribution)
	}
	// Output:
	// risk 0.94, critical (rules)
	// - 2 complaints in 90 days, 1 unresolved, the worst of medium severity, the last one 20 days ago (+2.04)
	// - no purchase for 214 days where this customer's usual gap is 60 days (+1.24)
	// - 1 purchase day in the last 12 months against 5.1 the year before: 5 in its 335 days after the first purchase, the rest at the last 12 months' pace (+0.67)
}

// Fitting on labelled history: each customer's signals at the end of a
// calibration period, labelled churned when no purchase followed in the
// holdout window. Here the history is synthetic: customers further past
// their usual gap, or with a complaint left open, left more often.
func ExampleFit() {
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var examples []risk.Example
	for i := range 400 {
		days := (i * 37) % 360
		unresolved := 0
		if i%7 == 0 {
			unresolved = 1
		}
		s := risk.Signals{
			Customer: customer.ID(fmt.Sprint("C-", i)), AsOf: asOf,
			DaysSinceLastPurchase: days, PurchaseDays: 5, MedianGap: float64(40 + i%50),
			ReturnRate: float64(i%10) / 20,
			Complaints: customer.ComplaintSignals{Total: unresolved, Unresolved: unresolved},
		}
		churned := days > 150+i%90 || (unresolved == 1 && i%3 != 0)
		examples = append(examples, risk.Example{Signals: s, Churned: churned})
	}
	m, report, err := risk.Fit(examples, &risk.Options{Lambda: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v on %d customers (%d churned), log-loss %.3f\n", report.Method, report.Examples, report.Churned, report.LogLoss)
	for _, c := range report.Coefficients {
		if c.Weight != 0 {
			fmt.Printf("%-22s %+.2f\n", c.Feature, c.Weight)
		}
	}
	ev, err := risk.Evaluate(m, examples)
	if err != nil {
		panic(err)
	}
	fmt.Printf("AUC %.3f, Brier %.3f\n", ev.AUC, ev.Brier)

	r, err := m.ScoreSignals(examples[14].Signals)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: risk %.2f, %v\n", r.Customer, r.Risk, r.Band)
	for _, reason := range r.Reasons {
		fmt.Println("-", reason.Text)
	}
	// Output:
	// fitted on 400 customers (201 churned), log-loss 0.335
	// overdue                +2.80
	// return_rate            +0.05
	// unresolved_complaints  +1.25
	// AUC 0.930, Brier 0.103
	// C-14: risk 0.97, critical
	// - 1 unresolved complaint
	// - no purchase for 158 days where this customer's usual gap is 54 days
}

// complaintDesk stands for the complaint package's case store, or the
// caller's own complaint system.
type complaintDesk map[customer.ID]customer.ComplaintSignals

func (d complaintDesk) ComplaintSignals(id customer.ID, asOf time.Time) (customer.ComplaintSignals, error) {
	return d[id], nil
}

// fixedAlive stands for a fitted buy-till-you-die model (an adapter over
// the churn package's BG/NBD is one line).
type fixedAlive struct{}

func (fixedAlive) PAlive(frequency, recency, T float64) (float64, error) {
	return 0.35, nil
}

// Collect gathers each customer's complaint signals and P(alive) through
// the two small interfaces, ready for scoring; customers who never bought
// have no churn risk and are left out first.
func ExampleCollect() {
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := customer.NewSummary("C-7", customer.Consumer, asOf, nil)
	for i, daysAgo := range []int{200, 170, 140, 110} {
		_ = s.AddOrder(customer.Order{
			ID: fmt.Sprint("O-", i), CustomerID: "C-7", Time: asOf.AddDate(0, 0, -daysAgo),
			Channel: customer.Store, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(45)}},
		})
	}
	// C-8 registered but never bought: no churn risk to score.
	population := []customer.Summary{*s, *customer.NewSummary("C-8", customer.Consumer, asOf, nil)}
	buyers := slices.DeleteFunc(population, func(s customer.Summary) bool { return s.PurchaseDays() == 0 })
	desk := complaintDesk{"C-7": {Total: 1, Recent: 1, Window: 90 * 24 * time.Hour, SLABreaches: 1, MaxSeverity: 3, Last: asOf.AddDate(0, 0, -40)}}
	ins, err := risk.Collect(buyers, desk, fixedAlive{}, customer.Weeks)
	if err != nil {
		panic(err)
	}
	m, _ := risk.Rules(nil)
	rs, err := m.ScoreAll(ins)
	if err != nil {
		panic(err)
	}
	for _, r := range rs {
		fmt.Printf("%s %.2f %v\n", r.Customer, r.Risk, r.Band)
		for _, reason := range r.Reasons {
			fmt.Println("-", reason.Text)
		}
	}
	// Output:
	// C-7 0.84 critical
	// - 1 complaint in 90 days, 1 past its service deadline, the worst of high severity, the last one 40 days ago
	// - no purchase for 110 days where this customer's usual gap is 30 days
	// - probability of still being an active customer only 35%
}
