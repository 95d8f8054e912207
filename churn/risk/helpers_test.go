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
// daysSince days ago, with no complaint and no P(alive): three purchase
// days in each of the last two years, or, after a year of silence, three
// in the year before and none since (none at all in the two years after
// two years of silence).
func steady(id customer.ID, daysSince int, gap float64) Signals {
	s := Signals{
		Customer: id, AsOf: asOf,
		DaysSinceLastPurchase: daysSince, PurchaseDays: 6, MedianGap: gap,
		PriorYear: true, PurchaseDaysLast12: 3, PurchaseDaysPrior12: 3,
		SpendLast12: decimal.NewFromInt(300), SpendPrior12: decimal.NewFromInt(300),
		ReturnRate: 0.2,
	}
	if daysSince >= 366 {
		s.PurchaseDaysLast12, s.SpendLast12 = 0, decimal.Zero
	}
	if daysSince >= 730 {
		s.PurchaseDaysPrior12, s.SpendPrior12 = 0, decimal.Zero
	}
	return s
}

// historyCounts returns a prior-year flag and counts of purchase days in
// the last 12 months and the 12 before that agree with n purchase days,
// the last d days ago (see Signals.Validate), drawn by pick(lo, hi),
// which returns a number in [lo, hi].
func historyCounts(n, d int, pick func(lo, hi int) int) (priorYear bool, last, prior int) {
	switch {
	case d >= 366 || n > 366:
		priorYear = true
	case n == 1 && d < 365:
		priorYear = false
	default:
		priorYear = pick(0, 1) == 1
	}
	if !priorYear {
		// the counts are not read without a prior year: left out or all
		return false, pick(0, 1) * n, 0
	}
	loL, hiL := 0, min(n-1, 366)
	switch {
	case d < 365:
		loL = 1
	case d >= 366:
		hiL = 0
	}
	last = pick(loL, hiL)
	loP, hiP := 0, min(n-last, 366)
	switch {
	case d >= 366 && d < 730:
		loP = 1
	case d >= 731:
		hiP = 0
	}
	return true, last, pick(loP, hiP)
}

// HistoryCounts is historyCounts for the tests of package risk_test.
var HistoryCounts = historyCounts

// refundsOnly turns a positive spend of a year without a purchase day
// (with a prior year) into refunds of the same amount, as a history
// gives: refunds and credits alone take, never add.
func refundsOnly(s *Signals) {
	if !s.PriorYear {
		return
	}
	if s.PurchaseDaysLast12 == 0 && s.SpendLast12.IsPositive() {
		s.SpendLast12 = s.SpendLast12.Neg()
	}
	if s.PurchaseDaysPrior12 == 0 && s.SpendPrior12.IsPositive() {
		s.SpendPrior12 = s.SpendPrior12.Neg()
	}
}

// RefundsOnly is refundsOnly for the tests of package risk_test.
var RefundsOnly = refundsOnly

// aged returns the signals of the same customer extra days later without
// a purchase in between: the counts of the two years and the prior year
// follow the last purchase out of the last 12 months (it then counts in
// the year before, and without spend in the last 12 months but refunds)
// and out of the two years.
func aged(s Signals, extra int) Signals {
	s.DaysSinceLastPurchase += extra
	d := s.DaysSinceLastPurchase
	if d >= 366 {
		if !s.PriorYear {
			s.PriorYear, s.PurchaseDaysPrior12 = true, 0
		}
		s.PurchaseDaysPrior12 = max(1, min(s.PurchaseDaysPrior12+s.PurchaseDaysLast12, s.PurchaseDays, 366))
		s.PurchaseDaysLast12 = 0
		if s.SpendLast12.IsPositive() {
			s.SpendLast12 = decimal.Zero
		}
	}
	if d >= 731 {
		s.PurchaseDaysPrior12 = 0
		if s.SpendPrior12.IsPositive() {
			s.SpendPrior12 = decimal.Zero
		}
	}
	return s
}

// Aged is aged for the tests of package risk_test.
var Aged = aged
