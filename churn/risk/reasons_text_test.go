package risk

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func reasonTexts(r Result) []string {
	var out []string
	for _, x := range r.Reasons {
		out = append(out, x.Text)
	}
	return out
}

// In the customer's second year the year before holds only the days
// after the first purchase: a decline quoted against it says so, and
// never reads as a fall of spend that rose ("down -7%") or of purchase
// days that stayed ("3 against 3"): the year is quoted as the feature
// fills it.
func TestReasonsInSecondYearQuoteTheDaysAfterTheFirstPurchase(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var days []time.Time
	for _, d := range []int{400, 380, 370, 300, 200, 100} {
		days = append(days, at.AddDate(0, 0, -d))
	}
	r, err := mustRules(t).Score(Input{Summary: historyAt(t, at, days, []int64{50, 200, 200, 160, 160, 160})})
	require.NoError(t, err)
	texts := reasonTexts(r)
	require.Contains(t, texts, "3 purchase days in the last 12 months against 4.7 the year before: 2 in its 35 days after the first purchase, the rest at the last 12 months' pace")
	require.Contains(t, texts, "spend in the last 12 months down 42% on the year before, its 35 days after the first purchase and the rest at the last 12 months' pace")
	for _, x := range texts {
		require.NotContains(t, x, "-", "a decline quoted as a negative share: %q", x)
	}
}

// A retention manager calling a customer who stopped buying needs the
// complaint that may be why (domain rules §4: 71% of customers who leave
// do so after a bad experience): "no purchase in the last 24 months" and
// "no spend in the last 24 months" are one warning sign, told once, and
// do not push the complaint out of the reasons.
func TestReasonsTellStoppedPurchasesAndSpendOnce(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		daysAgo []int
		want    string
	}{
		{"two years of silence", []int{900, 860, 800}, "no purchase or spend in the last 24 months"},
		{"three years of silence", []int{1200, 1150, 1100}, "no purchase or spend in the last 24 months"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var days []time.Time
			var amounts []int64
			for _, d := range c.daysAgo {
				days, amounts = append(days, at.AddDate(0, 0, -d)), append(amounts, 50)
			}
			in := Input{Summary: historyAt(t, at, days, amounts)}
			in.Complaints.Total, in.Complaints.Unresolved = 1, 1
			in.Complaints.Last = days[len(days)-1]
			r, err := mustRules(t).Score(in)
			require.NoError(t, err)
			texts := reasonTexts(r)
			require.Contains(t, texts, c.want)
			require.Contains(t, texts, fmt.Sprintf("1 unresolved complaint, the last complaint %d days ago", c.daysAgo[len(c.daysAgo)-1]))
			var trend Reason
			for _, x := range r.Reasons {
				if x.Text == c.want {
					trend = x
				}
			}
			require.Equal(t, []Feature{FeatureFrequencyDecline, FeatureSpendDecline}, trend.Features)
			require.InDelta(t, r.Contributions[FeatureFrequencyDecline-1].Contribution+r.Contributions[FeatureSpendDecline-1].Contribution, trend.Contribution, 1e-12)
			for _, x := range texts {
				require.False(t, strings.HasPrefix(x, "no spend") || strings.HasPrefix(x, "spend"), "spend told apart: %q", texts)
			}
		})
	}
}
