package customer

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"
)

// A customer who shops on two days in a row once a year has a yearly
// rhythm of occasions, not a daily one.
func TestOccasionGapStatsOfAYearlyTwoDayBuyer(t *testing.T) {
	s := Summary{CustomerID: "C"}
	for _, d := range []Date{1000, 1001, 1365, 1366, 1730, 1731} {
		s.Days = append(s.Days, Day{Date: d, Orders: 1})
	}
	assert.Equal(t, 1.0, s.GapStats().Median)
	assert.Equal(t, GapStats{N: 2, Mean: 365, Median: 365, Last: 365}, s.OccasionGapStats(DefaultOccasionWindow))
	// Anchored at an occasion's first day: every third day is an
	// occasion every 9 days with a window of 7.
	s.Days = nil
	for d := Date(0); d <= 36; d += 3 {
		s.Days = append(s.Days, Day{Date: d, Orders: 1})
	}
	assert.Equal(t, GapStats{N: 4, Mean: 9, Median: 9, Last: 9}, s.OccasionGapStats(7))
}

// refOccasionGapStats groups the purchase days into occasions as a list
// of lists and takes the gaps between their first days.
func refOccasionGapStats(s Summary, window int) GapStats {
	var occasions [][]Date
	for _, d := range s.Days {
		if d.Orders <= 0 {
			continue
		}
		if n := len(occasions); n > 0 && int(d.Date-occasions[n-1][0]) < window {
			occasions[n-1] = append(occasions[n-1], d.Date)
			continue
		}
		occasions = append(occasions, []Date{d.Date})
	}
	t := Summary{}
	for _, o := range occasions {
		t.Days = append(t.Days, Day{Date: o[0], Orders: 1})
	}
	return refGapStats(t)
}

func TestPropertyOccasionGapStats(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := summaryGen().Draw(t, "summary")
		window := rapid.IntRange(-2, 400).Draw(t, "window")
		got := s.OccasionGapStats(window)
		assert.Equal(t, refOccasionGapStats(s, window), got)
		// Never more occasions than purchase days; a window of a day or
		// less counts purchase days.
		assert.LessOrEqual(t, got.N, s.GapStats().N)
		if window <= 1 {
			assert.Equal(t, s.GapStats(), got)
		}
	})
}
