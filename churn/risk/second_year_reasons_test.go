package risk

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// spendReason returns the text of the spend-decline reason of r, or "".
func spendReason(r Result) string {
	for _, x := range r.Reasons {
		if len(x.Features) == 1 && x.Features[0] == FeatureSpendDecline {
			return x.Text
		}
	}
	return ""
}

// The spend reason quotes the decline the feature measures: the feature
// is v = (p − l) ÷ (p + l) for the spend p of the year before (in the
// customer's second year, the days after the first purchase with the rest
// of the year filled at the last 12 months' pace) and l of the last 12
// months, and the text says "down (p − l) ÷ p", which is 2v ÷ (1 + v), in
// any year of the customer's history.
func TestPropertySpendReasonQuotesTheFeature(t *testing.T) {
	// every reason, so that the spend decline is not left out for others
	rules, err := Rules(&Options{TopReasons: NumFeatures})
	require.NoError(t, err)
	quoted, partial := 0, 0
	rapid.Check(t, func(t *rapid.T) {
		at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(0, 800).Draw(t, "asOf"))
		// purchase days in the year before the last 12 months (from the
		// first anniversary of the first purchase on, or in two full
		// years), and fewer or smaller ones since
		first := rapid.IntRange(366, 760).Draw(t, "firstDaysBack")
		backs := []int{first}
		amounts := []int64{rapid.SampledFrom([]int64{10, 100, 500}).Draw(t, "firstAmount")}
		for range rapid.IntRange(1, 5).Draw(t, "purchases") {
			back := rapid.IntRange(0, 364).Draw(t, "daysBackSince")
			amount := rapid.SampledFrom([]int64{10, 10, 100}).Draw(t, "amountSince")
			if rapid.Bool().Draw(t, "before") {
				back = rapid.IntRange(365, first-1).Draw(t, "daysBack")
				amount = rapid.SampledFrom([]int64{100, 500}).Draw(t, "amount")
			}
			if slices.Contains(backs, back) {
				continue
			}
			backs = append(backs, back)
			amounts = append(amounts, amount)
		}
		var days []time.Time
		for _, back := range backs {
			days = append(days, at.AddDate(0, 0, -back))
		}
		r, err := rules.Score(Input{Summary: historyAt(t, at, days, amounts)})
		if err != nil {
			t.Fatal(err)
		}
		text := spendReason(r)
		if !strings.HasPrefix(text, "spend in the last 12 months down ") {
			return
		}
		quoted++
		if strings.Contains(text, "its ") {
			partial++
		}
		v := r.Contributions[FeatureSpendDecline-1].Value
		want := "down " + percent(2*v/(1+v)) + " on the year before"
		if !strings.Contains(text, want) {
			t.Fatalf("spend decline %v quoted as %q, want %q", v, text, want)
		}
	})
	if quoted == 0 || partial == 0 {
		t.Fatalf("spend declines quoted: %d, in the second year: %d", quoted, partial)
	}
}

// One day after the first anniversary of the first purchase, a customer
// who bought for 100 on that day and the next and for 100 yesterday has a
// spend decline of a third: the year before counts the 100 of the one day
// after the first purchase and the last 12 months' 100 over the other 364
// days. The reason says the spend is down half on that year, not "over
// 99%" on 100 a day over a year.
func TestSpendReasonOneDayAfterTheFirstAnniversary(t *testing.T) {
	at := time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)
	days := []time.Time{at.AddDate(0, 0, -366), at.AddDate(0, 0, -365), at.AddDate(0, 0, -1)}
	r, err := mustRules(t).Score(Input{Summary: historyAt(t, at, days, []int64{100, 100, 100})})
	require.NoError(t, err)
	require.InDelta(t, 1.0/3, r.Contributions[FeatureSpendDecline-1].Value, 0.01)
	require.Contains(t, reasonTexts(r),
		"spend in the last 12 months down 50% on the year before, its 1 day after the first purchase and the rest at the last 12 months' pace")
}

// Hand-filled signals of a customer in the second year cannot hold more
// purchase days in the 12 months before the last 12 than there are days
// from the first purchase to the end of those months: a first purchase
// 366 days ago leaves at most 3 (a year of 364 days: days 366, 365, 364).
func TestValidateRefusesMorePriorPurchaseDaysThanDaysSinceTheFirst(t *testing.T) {
	s := Signals{Customer: "C", DaysSinceLastPurchase: 1, PurchaseDays: 5, DaysSinceFirstPurchase: 366,
		PriorYear: true, PurchaseDaysLast12: 1, PurchaseDaysPrior12: 4, MedianGap: 30,
		SpendLast12: decimal.NewFromInt(100), SpendPrior12: decimal.NewFromInt(400), SpendFirstDay: decimal.NewFromInt(100)}
	err := s.Validate()
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.True(t, ie.Has("days_since_first_purchase", "mismatch"), "%v", err)
	s.PurchaseDaysPrior12, s.PurchaseDays = 3, 4
	require.NoError(t, s.Validate())
}
