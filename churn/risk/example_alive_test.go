package risk_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
)

// A fitted churn model and the complaint signals of every complainant
// (as complaint.Signals returns them) feed the risk through AliveOf and
// ComplaintsAsOf, without an adapter of the caller's own.
func ExampleAliveOf() {
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var sums []customer.Summary
	for _, c := range []struct {
		id      customer.ID
		daysAgo []int
	}{
		{"C-1", []int{420, 350, 280, 210, 140, 70, 14}}, // steady, bought two weeks ago
		{"C-2", []int{420, 390, 360, 330, 300}},         // monthly, silent for ten months
	} {
		s := customer.NewSummary(c.id, customer.Consumer, asOf, nil)
		for i, d := range c.daysAgo {
			_ = s.AddOrder(customer.Order{
				ID: fmt.Sprint(c.id, "-", i), CustomerID: c.id, Time: asOf.AddDate(0, 0, -d),
				Channel: customer.Online, Currency: "EUR",
				Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(60)}},
			})
		}
		sums = append(sums, *s)
	}
	// A BG/NBD model fitted in weeks (here the published CDNOW parameters).
	bg := churn.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	complaints := risk.ComplaintsAsOf{AsOf: asOf, Signals: map[customer.ID]customer.ComplaintSignals{
		"C-2": {Total: 1, Recent: 1, Unresolved: 1, Window: 90 * 24 * time.Hour, MaxSeverity: 3, Last: asOf.AddDate(0, 0, -30)},
	}}
	ins, err := risk.Collect(sums, complaints, risk.AliveOf(bg), customer.Weeks)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := risk.Rules(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, in := range ins {
		r, err := m.Score(in)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: P(alive) %.2f, %d complaint(s), risk %.2f (%v)\n", r.Customer, in.PAlive, in.Complaints.Total, r.Risk, r.Band)
	}
	// Output:
	// C-1: P(alive) 0.88, 0 complaint(s), risk 0.02 (low)
	// C-2: P(alive) 0.06, 1 complaint(s), risk 0.98 (critical)
}
