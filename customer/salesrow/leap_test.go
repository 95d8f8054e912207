package salesrow_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"pgregory.net/rapid"
)

// A leap second, second 60 (RFC 3339 § 5.6, time-second 00–60), is read
// where § 5.7 allows it: in the last minute of a month in UTC, 23:59 of
// its last day, or that minute shifted by the offset written (§ 5.8:
// 1990-12-31T15:59:60-08:00). A timestamp without an offset is read as
// written, as in UTC. The row is on the day written, in its own offset,
// as 23:59:59 there is.
func TestParseDateLeapSecond(t *testing.T) {
	for _, s := range []string{
		"2016-12-31T23:59:60Z", "2016-12-31t23:59:60z", "2016-12-31 23:59:60Z", "2016-12-31T23:59:60.5Z",
		"2016-12-31T23:59:60.999999999Z", "2016-12-31T23:59:60", "2016-12-31 23:59:60", "2016-12-31 23:59:60.25",
		"2016-12-31T23:59:60-00:00", "2016-12-31T23:59:60+00:00", "2016-12-31T15:59:60-08:00",
		"2016-12-31T15:59:60.5-08:00", "2017-01-01T00:59:60+01:00", "2017-01-01T05:29:60+05:30",
		"2016-06-30T23:59:60Z", "2024-02-29T23:59:60Z", "2023-02-28T23:59:60Z", "2016-04-30T23:59:60Z",
		"2016-12-31T00:00:60-23:59", "2017-01-01T23:58:60+23:59", "1990-12-31T15:59:60-08:00",
		"1991-01-01T00:59:60+01:00", "0001-01-01T00:59:60+01:00", "9999-12-31T23:59:60Z",
	} {
		d, why := salesrow.ParseDate(s)
		require.Empty(t, why, s)
		assert.Equal(t, s[:10], d.String(), "%s: the day written", s)

		// The row, through Parse, as every reader parses it.
		var r salesrow.Row
		require.Nil(t, layout9.Parse(strings.Split("c1,"+s+",1,,,,,,", ","), &r), s)
		assert.Equal(t, d, r.Date, s)
	}
}

// A second 60 that is not the last of a month in UTC is no time: an
// error naming the date column, as any time out of range. So is one of
// 23:59 as written with an offset other than zero (RFC 3339 § 5.7: the
// leap second point is shifted by the zone offset), and one of a day
// that ends no month, whatever the table of leap seconds to come.
func TestParseDateLeapSecondOnlyAtTheEndOfAMonthInUTC(t *testing.T) {
	for _, s := range []string{
		// Another minute.
		"2016-12-31T23:58:60Z", "2016-12-31T22:59:60Z", "2016-12-31T00:00:60Z", "2016-12-31 23:58:60",
		"2016-12-31T15:59:60-07:00", "2016-12-31T00:59:60+01:00", "2016-12-31T05:29:60+05:30",
		// 23:59 as written, not in UTC.
		"1990-12-31T23:59:60-08:00", "2016-12-31T23:59:60+01:00", "2016-12-31T23:59:60-05:00",
		"2016-12-31T23:59:60.5+01:00", "2016-12-31T23:59:60-00:01",
		// 23:59 in UTC of a day that ends no month.
		"2016-12-15T23:59:60Z", "2016-06-29T23:59:60Z", "2024-03-05T23:59:60Z", "2016-12-30T15:59:60-08:00",
		"2016-12-30 23:59:60", "2023-02-27T23:59:60Z", "2016-12-31T00:59:60+01:00", "2016-01-01T00:00:60-23:59",
		// Not a time.
		"2016-12-31T23:59:61Z", "2016-12-31T23:59:60.Z", "2016-12-31T23:59:60+0100", "2016-12-31T23:59:60+24:00",
		"2016-12-31T23:59:60+01:60", "2016-12-31T23:60:00Z", "2016-12-31T24:59:60Z", "2016-02-30T23:59:60Z",
		"2016-12-31T23:59:60Zx", "2016-12-31T23:59:6", "2016-12-31T23:59:60UTC", "2016-12-31T23:59:600Z",
		"2016-12-31T23:5:60Z", "2016-12-31X23:59:60Z",
	} {
		_, why := salesrow.ParseDate(s)
		assert.Equal(t, customer.WantDay, why, s)
		var r salesrow.Row
		fe := layout9.Parse(strings.Split("c1,"+s+",1,,,,,,", ","), &r)
		require.NotNil(t, fe, s)
		assert.Equal(t, salesrow.ColDate, fe.Column, s)
		assert.Equal(t, layout9.Date, fe.Field, s)
		assert.Equal(t, salesrow.CodeInvalid, fe.Code, s)
	}
}

// ParseDate reads second 60 exactly where RFC 3339 § 5.7 allows it: the
// same timestamp with second 59 is read, and is 23:59:59 of the last day
// of a month in UTC (as written, without an offset). The rule is checked
// here with the time package, on days around the ends of months and
// every offset.
func TestParseDateLeapSecondAsRFC3339(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := time.Date(rapid.IntRange(1, 9999).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month")), 1, 0, 0, 0, 0, time.UTC)
		day := base.AddDate(0, 0, rapid.IntRange(-2, 1).Draw(t, "day")) // about the end of the month before
		if day.Year() < 1 {
			day = base
		}
		h := rapid.SampledFrom([]int{0, 1, 5, 15, 22, 23, rapid.IntRange(0, 23).Draw(t, "any hour")}).Draw(t, "hour")
		m := rapid.SampledFrom([]int{0, 29, 58, 59, rapid.IntRange(0, 59).Draw(t, "any minute")}).Draw(t, "minute")
		frac := rapid.SampledFrom([]string{"", ".5", ".000000001"}).Draw(t, "fraction")
		zone := rapid.SampledFrom([]string{"", "Z", "z", "+00:00", "-00:00", "offset"}).Draw(t, "zone")
		if zone == "offset" {
			off := rapid.IntRange(-23*60-59, 23*60+59).Draw(t, "offset minutes")
			if rapid.Bool().Draw(t, "whole hours") {
				off = off / 60 * 60
			}
			sign := "+"
			if off < 0 {
				sign, off = "-", -off
			}
			zone = fmt.Sprintf("%s%02d:%02d", sign, off/60, off%60)
		}
		sep := rapid.SampledFrom([]string{"T", "t", " "}).Draw(t, "separator")
		s59 := fmt.Sprintf("%s%s%02d:%02d:59%s%s", day.Format(time.DateOnly), sep, h, m, frac, zone)
		s := s59[:17] + "60" + s59[19:]

		layout := "2006-01-02T15:04:05Z07:00"
		if zone == "" {
			layout = "2006-01-02T15:04:05"
		}
		at, err := time.Parse(layout, strings.ToUpper(s59[:10]+"T"+s59[11:]))
		require.NoError(t, err, s59)
		u := at.UTC()
		leap := u.Hour() == 23 && u.Minute() == 59 && u.AddDate(0, 0, 1).Day() == 1

		d, why := salesrow.ParseDate(s)
		if !leap {
			require.Equal(t, customer.WantDay, why, "%s: %s in UTC", s, u)
			return
		}
		require.Empty(t, why, "%s: %s in UTC", s, u)
		require.Equal(t, s[:10], d.String(), s)
	})
}
