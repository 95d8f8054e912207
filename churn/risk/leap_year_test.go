package risk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The first anniversary in a leap year: the 12 months up to 1 June 2028
// are 366 days, as they hold 29 February 2028. A customer whose first
// purchase was on 1 June 2027 has, on 1 June 2028, no day of history in
// the 12 months before the last 12 beyond the first purchase day, so
// neither trend is defined ([FeatureFrequencyDecline]: the year before the
// last 12 months is filled with the customer's history only from the
// first purchase day on). Measuring the year as 365 days would see one
// day of history and a fall in purchase days.
func TestFirstAnniversaryInLeapYearHasNoTrend(t *testing.T) {
	first := time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)
	at := time.Date(2028, 6, 1, 12, 0, 0, 0, time.UTC)
	days := []time.Time{first, first.AddDate(0, 3, 0), first.AddDate(0, 6, 0), first.AddDate(0, 9, 0)}
	amounts := []int64{80, 60, 90, 70}
	sig, err := NewSignals(Input{Summary: historyAt(t, at, days, amounts)})
	require.NoError(t, err)
	require.True(t, sig.PriorYear, "the first purchase is a year old")
	require.Equal(t, 366, sig.DaysSinceFirstPurchase)
	for _, m := range []*Model{mustRules(t), fittedModel()} {
		r, err := m.ScoreSignals(sig)
		require.NoError(t, err)
		for _, f := range []Feature{FeatureFrequencyDecline, FeatureSpendDecline} {
			require.False(t, r.Contributions[f-1].Present, "%v: %v compares a year with one day: %+v", m.Method(), f, r.Contributions)
		}
	}
	// a day later the year before holds one day of history after the
	// first purchase day: the trends are defined
	sig, err = NewSignals(Input{Summary: historyAt(t, at.AddDate(0, 0, 1), days, amounts)})
	require.NoError(t, err)
	r, err := mustRules(t).ScoreSignals(sig)
	require.NoError(t, err)
	require.True(t, r.Contributions[FeatureFrequencyDecline-1].Present, "%+v", r.Contributions)
}
