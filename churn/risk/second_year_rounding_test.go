package risk

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A second-year customer whose filled year before is only just above the
// last 12 months (2.04 purchase days against 2: the first purchase 540
// days ago, one more day in the year before, two in the last 12 months)
// warns of a decline: the year is quoted with the decimals it takes to
// read above the last 12 months, never as "2 against 2".
func TestSecondYearFrequencyReasonNeverReadsAsNoDecline(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for first, want := range map[int]string{
		540: "2 purchase days in the last 12 months against 2.04 the year before: 1 in its 175 days after the first purchase",
		547: "2 purchase days in the last 12 months against 2.003 the year before: 1 in its 182 days after the first purchase",
		500: "2 purchase days in the last 12 months against 2.3 the year before: 1 in its 135 days after the first purchase",
	} {
		var days []time.Time
		for _, d := range []int{first, 400, 300, 200} {
			days = append(days, at.AddDate(0, 0, -d))
		}
		r, err := mustRules(t).Score(Input{Summary: historyAt(t, at, days, []int64{50, 50, 50, 50})})
		require.NoError(t, err)
		var got string
		for _, x := range r.Reasons {
			if len(x.Features) == 1 && x.Features[0] == FeatureFrequencyDecline {
				got = x.Text
			}
		}
		require.True(t, strings.HasPrefix(got, want), "first purchase %d days ago: %q", first, got)
	}
}

func TestYearText(t *testing.T) {
	for _, c := range []struct {
		year float64
		l    int
		want string
	}{
		{4.7, 3, "4.7"},
		{4, 3, "4"},
		{2.0411, 2, "2.04"},
		{2.0027, 2, "2.003"},
		{2.05, 2, "2.1"},
		{2.96, 2, "3"},
	} {
		require.Equal(t, c.want, yearText(c.year, c.l), "%v against %d", c.year, c.l)
	}
}
