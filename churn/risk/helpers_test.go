package risk

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

var asOf = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// buy is one purchase day of a test history: daysAgo before asOf, an
// amount, units bought and units refunded.
type buy struct {
	daysAgo  int
	amount   string
	units    int
	returned int
}

// summaryOf builds a real customer.Summary from purchases.
func summaryOf(t testing.TB, id customer.ID, buys ...buy) customer.Summary {
	t.Helper()
	s := customer.NewSummary(id, customer.Consumer, asOf, nil)
	for i, b := range buys {
		when := asOf.AddDate(0, 0, -b.daysAgo)
		units := max(b.units, 1)
		price := decimal.RequireFromString(b.amount).Div(decimal.NewFromInt(int64(units))).Round(2)
		o := customer.Order{
			ID: fmt.Sprintf("%s-%d", id, i), CustomerID: id, Time: when, Channel: customer.Online,
			Currency: "EUR",
			Lines:    []customer.Line{{ID: "1", SKU: "S", Category: "knitwear", Quantity: units, UnitPrice: price}},
		}
		require.NoError(t, s.AddOrder(o))
		if b.returned > 0 {
			back := price.Mul(decimal.NewFromInt(int64(b.returned)))
			m, err := customer.NewMoney(back.String(), "EUR")
			require.NoError(t, err)
			require.NoError(t, s.AddRefund(when.Add(time.Hour), m, b.returned))
		}
	}
	return *s
}

// steady returns signals of a customer who bought every gap days, last
// daysSince days ago, with no complaint and no P(alive).
func steady(id customer.ID, daysSince int, gap float64) Signals {
	return Signals{
		Customer: id, AsOf: asOf,
		DaysSinceLastPurchase: daysSince, PurchaseDays: 6, MedianGap: gap,
		PriorYear: true, PurchaseDaysLast12: 3, PurchaseDaysPrior12: 3,
		SpendLast12: decimal.NewFromInt(300), SpendPrior12: decimal.NewFromInt(300),
		ReturnRate: 0.2,
	}
}
