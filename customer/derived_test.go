package customer

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDateOf(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	// 23:30 in Shanghai is 15:30 UTC the same day; 07:30 in Shanghai on
	// 1 January is still 31 December in UTC: the local day counts.
	assert.Equal(t, "2026-01-01", DateOf(time.Date(2026, 1, 1, 7, 30, 0, 0, shanghai)).String())
	assert.Equal(t, "2026-01-01", DateOf(time.Date(2026, 1, 1, 23, 30, 0, 0, shanghai)).String())
	assert.Equal(t, Date(0), DateFromYMD(1970, 1, 1))
	assert.Equal(t, Date(-1), DateFromYMD(1969, 12, 31))
	d, err := ParseDate("1997-09-30")
	require.NoError(t, err)
	first, _ := ParseDate("1997-01-01")
	assert.Equal(t, 272, int(d-first), "the CDNOW calibration period")
	for _, bad := range []string{"", "1997-9-30", "1997-02-30", "30.09.1997", "1997-09-30T00:00:00Z"} {
		_, err := ParseDate(bad)
		assert.Error(t, err, bad)
	}
}

func TestDerivedValues(t *testing.T) {
	asOf := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	order := func(id string, y int, m time.Month, day int, price string) Event {
		return evO(Order{ID: id, CustomerID: "C", Time: time.Date(y, m, day, 10, 0, 0, 0, time.UTC), Channel: Store, Currency: "EUR",
			Lines: []Line{{ID: "1", Quantity: 1, UnitPrice: d(price)}}})
	}
	evs := []Event{
		order("a", 2024, 3, 1, "100"), // prior 12 months: after 2024-06-30 only, so not counted
		order("b", 2024, 9, 1, "50"),  // prior 12 months
		order("c", 2025, 9, 1, "30"),  // last 12 months
		order("d", 2025, 9, 1, "10"),  // same day: one transaction
		order("e", 2026, 6, 20, "60"), // last 12 months
	}
	s, err := Summarize("C", Consumer, asOf, seqOf(evs), nil)
	require.NoError(t, err)
	assert.Equal(t, "100", s.SpendLast12Months().String())
	assert.Equal(t, "50", s.SpendPrior12Months().String())
	assert.Equal(t, 4, s.PurchaseDays())
	assert.Equal(t, []int{184, 365, 292}, s.Gaps())
	assert.Equal(t, GapStats{N: 3, Mean: 841.0 / 3, Median: 292, Last: 292}, s.GapStats())
	m, ok := s.MeanRepeatSpend()
	require.True(t, ok)
	assert.Equal(t, "50", m.String(), "(50 + 40 + 60) / 3")
	tenure, ok := s.Tenure()
	require.True(t, ok)
	assert.Equal(t, 851, tenure)
	since, ok := s.DaysSinceLastPurchase()
	require.True(t, ok)
	assert.Equal(t, 10, since)
	f, r, T, ok := s.BTYD(Weeks)
	require.True(t, ok)
	assert.Equal(t, 3, f)
	assert.InDelta(t, 841.0/7, r, 1e-12)
	assert.InDelta(t, 851.0/7, T, 1e-12)

	empty, err := Summarize("C", Consumer, asOf, seqOf(nil), nil)
	require.NoError(t, err)
	_, _, _, ok = empty.BTYD(Days)
	assert.False(t, ok)
	_, ok = empty.MeanRepeatSpend()
	assert.False(t, ok)
	assert.Equal(t, GapStats{}, empty.GapStats())
	assert.Zero(t, empty.ReturnRate())
	assert.Zero(t, empty.FullPriceShare())
	assert.True(t, empty.AverageOrderValue().IsZero())
}
