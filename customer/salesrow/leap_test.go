package salesrow_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A leap second, second 60 of the last minute of a day (RFC 3339 § 5.6,
// time-second 00–60), is read: the row is on the day written, in its
// own offset, as 23:59:59 there is. The last minute is 23:59 as written
// or, with an offset, 23:59 in UTC (RFC 3339 § 5.8:
// 1990-12-31T15:59:60-08:00).
func TestParseDateLeapSecond(t *testing.T) {
	for _, s := range []string{
		"2016-12-31T23:59:60Z", "2016-12-31t23:59:60z", "2016-12-31 23:59:60Z", "2016-12-31T23:59:60.5Z",
		"2016-12-31T23:59:60.999999999Z", "2016-12-31T23:59:60+01:00", "2016-12-31T23:59:60-05:00",
		"2016-12-31T23:59:60", "2016-12-31 23:59:60", "2016-12-31 23:59:60.25", "2016-12-31T23:59:60-00:00",
		"2016-12-31T15:59:60-08:00", "2016-12-31T15:59:60.5-08:00", "2016-12-31T00:59:60+01:00",
		"2016-12-31T05:29:60+05:30", "2016-06-30T23:59:60Z", "2024-02-29T23:59:60Z",
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

// A second 60 of any other minute is no time: an error naming the date
// column, as any time out of range.
func TestParseDateLeapSecondOnlyAtTheEndOfTheDay(t *testing.T) {
	for _, s := range []string{
		"2016-12-31T23:58:60Z", "2016-12-31T22:59:60Z", "2016-12-31T00:00:60Z", "2016-12-31 23:58:60",
		"2016-12-31T15:59:60-07:00", "2016-12-31T23:59:61Z", "2016-12-31T23:59:60.Z", "2016-12-31T23:59:60+0100",
		"2016-12-31T23:59:60+24:00", "2016-12-31T23:59:60+01:60", "2016-12-31T23:60:00Z", "2016-12-31T24:59:60Z",
		"2016-02-30T23:59:60Z", "2016-12-31T23:59:60Zx", "2016-12-31T23:59:6", "2016-12-31T23:59:60UTC",
		"2016-12-31T23:59:600Z", "2016-12-31T23:5:60Z",
	} {
		_, why := salesrow.ParseDate(s)
		assert.Equal(t, customer.WantDay, why, s)
		var r salesrow.Row
		fe := layout9.Parse(strings.Split("c1,"+s+",1,,,,,,", ","), &r)
		require.NotNil(t, fe, s)
		assert.Equal(t, salesrow.ColDate, fe.Column, s)
		assert.Equal(t, layout9.Date, fe.Field, s)
	}
}
