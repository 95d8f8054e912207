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
	} {
		got, err := ParseDay(s)
		require.NoError(t, err, s)
		require.Equal(t, d, got, s)
	}
	for _, s := range []string{
		"", "2025-3-1", "2025-02-30", "2025-02-30 10:00:00", "01/03/2025", "2025-03-01 25:00:00",
		"2025-03-01 10", "2025-03-01T10:00:00 +01:00", "2025-03-01x10:00", "20250301", "2025-03-01 10:00:00 PM",
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
