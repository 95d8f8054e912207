package risk

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

// historyAt builds the summary as of at of purchases on the given days
// (each a date at noon UTC) of the given amounts in euro.
func historyAt(t require.TestingT, at time.Time, days []time.Time, amounts []int64) customer.Summary {
	s := customer.NewSummary("T", customer.Consumer, at, nil)
	for i, d := range days {
		require.NoError(t, s.AddOrder(customer.Order{ID: fmt.Sprint("O", i), CustomerID: "T", Time: d, Channel: customer.Online,
			Currency: "EUR", Lines: []customer.Line{{ID: "1", SKU: "S", Quantity: 1, UnitPrice: decimal.NewFromInt(amounts[i])}}}))
	}
	return *s
}

// A customer who came a year ago and has bought four times since does
// not become safer on the day the first purchase turns one year old: the
// 12 months before the last 12 then hold one day of the customer's
// history, which is no year to compare with.
func TestFirstAnniversaryDoesNotLowerRisk(t *testing.T) {
	first := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	days := []time.Time{first, first.AddDate(0, 3, 0), first.AddDate(0, 6, 0), first.AddDate(0, 9, 0), first.AddDate(0, 11, 0)}
	amounts := []int64{80, 60, 90, 70, 50}
	m := mustRules(t)
	var prev Result
	for i, at := range []time.Time{time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} {
		r, err := m.Score(Input{Summary: historyAt(t, at, days, amounts)})
		require.NoError(t, err)
		if i == 1 {
			assert.GreaterOrEqual(t, r.Risk, prev.Risk, "the risk fell on the first anniversary: %+v", r.Contributions)
			for _, f := range []Feature{FeatureFrequencyDecline, FeatureSpendDecline} {
				assert.False(t, r.Contributions[f-1].Present, "%v compares a year with one day", f)
			}
			assert.Less(t, prev.Risk, r.Risk, "a day more of silence")
		}
		prev = r
	}
	// two years on, with a full year before the last 12 months, the
	// trend is defined and says the customer buys less
	later := time.Date(2027, 3, 2, 12, 0, 0, 0, time.UTC)
	more := append(days[:len(days):len(days)], time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	r, err := m.Score(Input{Summary: historyAt(t, later, more, append(amounts[:len(amounts):len(amounts)], 40))})
	require.NoError(t, err)
	c := r.Contributions[FeatureFrequencyDecline-1]
	assert.True(t, c.Present)
	assert.InDelta(t, (4.0-1)/(4+1), c.Value, 1e-12)
}

// Whatever the purchases of a customer's first year, the risk does not
// fall on the day the first purchase turns one year old, and neither
// model sees a trend then unless the customer stopped buying.
func TestPropertyFirstAnniversaryNeverLowersRisk(t *testing.T) {
	rules := mustRules(t)
	fitted := fittedModel()
	rapid.Check(t, func(t *rapid.T) {
		at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(0, 3*366).Draw(t, "as_of"))
		// the first purchase on the date a year before tomorrow: under
		// a year old today (29 February has no date a year before; it
		// is counted as 1 March, whose anniversary it shares)
		_, yearAgo, _ := customer.SpendWindows(at.AddDate(0, 0, 1))
		_, yearAgoToday, _ := customer.SpendWindows(at)
		if yearAgo == yearAgoToday {
			at = at.AddDate(0, 0, 1)
			_, yearAgo, _ = customer.SpendWindows(at.AddDate(0, 0, 1))
		}
		first := time.Unix(int64(yearAgo)*86400+12*3600, 0).UTC()
		days := []time.Time{first}
		amounts := []int64{rapid.Int64Range(1, 500).Draw(t, "first_amount")}
		for i := range rapid.IntRange(0, 8).Draw(t, "more") {
			days = append(days, first.AddDate(0, 0, rapid.IntRange(1, 360).Draw(t, fmt.Sprint("day", i))))
			amounts = append(amounts, rapid.Int64Range(1, 500).Draw(t, fmt.Sprint("amount", i)))
		}
		today, err := NewSignals(Input{Summary: historyAt(t, at, days, amounts)})
		if err != nil {
			t.Fatal(err)
		}
		tomorrow, err := NewSignals(Input{Summary: historyAt(t, at.AddDate(0, 0, 1), days, amounts)})
		if err != nil {
			t.Fatal(err)
		}
		if today.PriorYear || !tomorrow.PriorYear {
			t.Fatalf("the first purchase turns one year old tomorrow: %v, %v", today.PriorYear, tomorrow.PriorYear)
		}
		a, b := checkResult(t, rules, today), checkResult(t, rules, tomorrow)
		if b < a {
			t.Fatalf("the risk fell from %v to %v on the first anniversary", a, b)
		}
		if tomorrow.PurchaseDaysLast12 > 0 {
			// one purchase day against the rest: no decline in purchase
			// days; the spend of that day may be above a year's since
			for _, m := range []*Model{rules, fitted} {
				r, err := m.ScoreSignals(tomorrow)
				if err != nil {
					t.Fatal(err)
				}
				freq, spend := r.Contributions[FeatureFrequencyDecline-1], r.Contributions[FeatureSpendDecline-1]
				if freq.Present || spend.Present && !(spend.Value > 0) {
					t.Fatalf("%v: a rise against one day's history: %+v", m.Method(), r.Contributions)
				}
			}
		}
	})
}
