package customer

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestParseDay(t *testing.T) {
	d := DateFromYMD(2025, 3, 1)
	for _, s := range []string{
		"2025-03-01",
		"2025-03-01 00:00", "2025-03-01 23:59:59", "2025-03-01T08:15:00", "2025-03-01 08:15:00.123456",
		"2025-03-01t08:15",
		"2025-03-01T23:30:00-05:00", "2025-03-01 23:30:00-05:00", "2025-03-01T00:30:00+01:00", "2025-03-01T12:00:00Z",
		"2025-03-01T12:00:00.5Z", "2025-03-01t12:00:00z", "2025-03-01 12:00:00.5z",
		"2025-03-01T12:00:00+23:59", "2025-03-01T12:00:00-23:59", "2025-03-01T12:00:00+00:00",
	} {
		got, err := ParseDay(s)
		require.NoError(t, err, s)
		require.Equal(t, d, got, s)
	}
	for _, s := range []string{
		"", "2025-3-1", "2025-02-30", "2025-02-30 10:00:00", "01/03/2025", "2025-03-01 25:00:00",
		"2025-03-01 10", "2025-03-01T10:00:00 +01:00", "2025-03-01x10:00", "20250301", "2025-03-01 10:00:00 PM",
		// Offsets that time.Parse reads and RFC 3339 § 5.6 does not have.
		"2025-03-01T12:00:00-24:00", "2025-03-01T12:00:00+24:00", "2025-03-01T12:00:00+05:60", "2025-03-01 12:00:00.5+23:60",
	} {
		_, err := ParseDay(s)
		require.Error(t, err, s)
		require.ErrorContains(t, err, WantDay)
	}
}

func TestPropertyParseDayOfTimestamps(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := Date(rapid.IntRange(0, 200000).Draw(t, "day"))
		secs := rapid.IntRange(0, 86399).Draw(t, "seconds")
		at := d.Time().Add(time.Duration(secs) * time.Second)
		layout := rapid.SampledFrom([]string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05.000"}).Draw(t, "layout")
		got, err := ParseDay(at.Format(layout))
		require.NoError(t, err)
		require.Equal(t, d, got)
		// With an offset the day is the one of the time in that offset.
		zone := time.FixedZone("", rapid.IntRange(-14, 14).Draw(t, "hours")*3600)
		got, err = ParseDay(at.In(zone).Format(time.RFC3339))
		require.NoError(t, err)
		require.Equal(t, DateOf(at.In(zone)), got)
	})
}

// In a zone whose clocks skip midnight for daylight saving time, the
// wall-clock time of an instant just after midnight does not exist on the
// same day a year before; the day a year before is still the same month
// and day, and the spend windows start there.
func TestYearsBeforeWhereClocksSkipMidnight(t *testing.T) {
	for _, tt := range []struct {
		zone  string
		t     [3]int // year, month, day at 00:30 local time
		want1 string // the day a year before
		want2 string // two years before
	}{
		// Chile's clocks went from 00:00 to 01:00 on 2023-09-03.
		{"America/Santiago", [3]int{2024, 9, 3}, "2023-09-03", "2022-09-03"},
		// Brazil's went from 00:00 to 01:00 on 2018-11-04.
		{"America/Sao_Paulo", [3]int{2019, 11, 4}, "2018-11-04", "2017-11-04"},
		{"America/Sao_Paulo", [3]int{2020, 11, 4}, "2019-11-04", "2018-11-04"},
	} {
		loc, err := time.LoadLocation(tt.zone)
		require.NoError(t, err)
		at := time.Date(tt.t[0], time.Month(tt.t[1]), tt.t[2], 0, 30, 0, 0, loc)
		require.Equal(t, tt.want1, YearsBefore(at, 1).String(), "%v − 1 year", at)
		require.Equal(t, tt.want2, YearsBefore(at, 2).String(), "%v − 2 years", at)
		day, y1, y2 := SpendWindows(at)
		require.Equal(t, [3]string{DateOf(at).String(), tt.want1, tt.want2}, [3]string{day.String(), y1.String(), y2.String()}, "windows of %v", at)
	}

	// A purchase on the day a year before the as-of day is in the prior
	// year's window, not in the last twelve months.
	scl, err := time.LoadLocation("America/Santiago")
	require.NoError(t, err)
	asOf := time.Date(2024, 9, 3, 0, 30, 0, 0, scl)
	s := NewSummary("C-1", Consumer, asOf, nil)
	require.NoError(t, s.AddOrder(oneLine("O1", time.Date(2023, 9, 3, 12, 0, 0, 0, scl), "10")))
	last, prior := s.Spend12Months()
	require.True(t, last.IsZero(), "last 12 months: %s", last)
	require.Equal(t, "10", prior.String())
	require.True(t, s.SpendLast12Months().IsZero())
	require.Equal(t, "10", s.SpendPrior12Months().String())
}
