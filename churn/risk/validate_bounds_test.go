package risk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// The bounds of Signals.Validate at their edges (see its doc: a year of
// 364 to 366 days, two of 728 to 731): a purchase day counted in the last
// 12 months although the last purchase is 366 days ago, or in the 12
// before although it is 731 days ago, is refused; the 12 months before
// the last 12 may hold up to f − 363 purchase days, f the days since the
// first purchase; a severity without a recent complaint is refused, the
// lowest one too.
func TestValidateBoundsAtTheirEdges(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   func(s *Signals)
		field string // "" when valid
	}{
		{"last 12 counted, last purchase 365 days ago", func(s *Signals) { s.DaysSinceLastPurchase = 365 }, ""},
		{"last 12 counted, last purchase 366 days ago", func(s *Signals) { s.DaysSinceLastPurchase = 366 }, "purchase_days_last_12"},
		{"prior 12 counted, last purchase 730 days ago", func(s *Signals) {
			s.DaysSinceLastPurchase, s.PurchaseDaysLast12, s.SpendLast12 = 730, 0, s.SpendLast12.Sub(s.SpendLast12)
		}, ""},
		{"prior 12 counted, last purchase 731 days ago", func(s *Signals) {
			s.DaysSinceLastPurchase, s.PurchaseDaysLast12, s.SpendLast12 = 731, 0, s.SpendLast12.Sub(s.SpendLast12)
		}, "purchase_days_prior_12"},
		{"prior 12 hold f − 363 days", func(s *Signals) {
			s.PurchaseDays, s.PurchaseDaysLast12, s.PurchaseDaysPrior12, s.DaysSinceFirstPurchase, s.MedianGap = 5, 3, 2, 365, 1
		}, ""},
		{"prior 12 hold f − 362 days", func(s *Signals) {
			s.PurchaseDays, s.PurchaseDaysLast12, s.PurchaseDaysPrior12, s.DaysSinceFirstPurchase, s.MedianGap = 6, 3, 3, 365, 1
		}, "days_since_first_purchase"},
		{"low severity without a recent complaint", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Window: 90 * 24 * time.Hour, MaxSeverity: 1, Last: asOf.AddDate(0, 0, -200)}
		}, "complaints.max_severity"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := steady("A", 10, 30)
			c.set(&s)
			err := s.Validate()
			if c.field == "" {
				require.NoError(t, err)
				return
			}
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			require.True(t, ie.Has(c.field, customer.CodeMismatch), "%v", err)
		})
	}
}

// Whole days are quoted as a count: "1 day", "2 days", and a fraction
// with one decimal.
func TestDaysText(t *testing.T) {
	require.Equal(t, "1 day", daysF(1))
	require.Equal(t, "2 days", daysF(2))
	require.Equal(t, "1 day", days(1))
}
