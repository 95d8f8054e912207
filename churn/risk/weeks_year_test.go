package risk

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// weeksSignals returns the signals a warehouse that counts 12 months as
// 52 weeks (364 days) gives a customer who bought on the given days
// before AsOf, every amount 50: purchase days in [0, 364) days ago are in
// the last 12 months, those in [364, 728) in the 12 before, and the first
// purchase is a year old from 364 days on.
func weeksSignals(daysAgo ...int) Signals {
	s := Signals{Customer: "W", AsOf: asOf, PurchaseDays: len(daysAgo), DaysSinceLastPurchase: daysAgo[0],
		DaysSinceFirstPurchase: daysAgo[len(daysAgo)-1]}
	if len(daysAgo) > 1 {
		s.MedianGap = float64(daysAgo[1] - daysAgo[0])
	}
	for _, d := range daysAgo {
		switch {
		case d < 364:
			s.PurchaseDaysLast12++
			s.SpendLast12 = s.SpendLast12.Add(decimal.NewFromInt(50))
		case d < 728:
			s.PurchaseDaysPrior12++
			s.SpendPrior12 = s.SpendPrior12.Add(decimal.NewFromInt(50))
		}
	}
	s.PriorYear = s.DaysSinceFirstPurchase >= 364
	return s
}

// Counts of a warehouse whose year is 52 weeks are accepted: the last
// purchase 364 days ago is before its last 12 months, one 728 or 729
// days ago before its two years, a first purchase 364 days ago a year
// old. Counts that contradict even a 364-day year are still refused.
func TestValidateAcceptsFiftyTwoWeekYear(t *testing.T) {
	m := mustRules(t)
	for _, daysAgo := range [][]int{
		{364, 500},      // last purchase just out of the last 52 weeks
		{200, 364},      // first purchase 52 weeks ago
		{728, 900},      // last purchase just out of the 104 weeks
		{729, 729 + 60}, // and a day later
		{100, 364, 728}, // first purchase just out of the 104 weeks
	} {
		s := weeksSignals(daysAgo...)
		require.NoError(t, s.Validate(), "%v: %+v", daysAgo, s)
		_, err := m.ScoreSignals(s)
		require.NoError(t, err)
	}
	for _, c := range []struct {
		name  string
		s     Signals
		field string
	}{
		{"last purchase 363 days ago and none in the last 12 months", func() Signals {
			s := weeksSignals(363, 500)
			s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 0, 2
			return s
		}(), "purchase_days_last_12"},
		{"last purchase 727 days ago and none in the 12 months before", func() Signals {
			s := weeksSignals(727, 900)
			s.PurchaseDaysPrior12 = 0
			return s
		}(), "purchase_days_prior_12"},
		{"first purchase 363 days ago with a prior year", func() Signals {
			s := weeksSignals(100, 363)
			s.PriorYear = true
			return s
		}(), "prior_year"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ie *InputError
			require.ErrorAs(t, c.s.Validate(), &ie)
			require.True(t, ie.Has(c.field, ""), "%v", ie)
		})
	}
}
