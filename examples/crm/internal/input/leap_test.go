package input

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// A leap second, second 60 of the last minute of a day, is on the day
// written (salesrow.ParseDate), as 23:59:59 there is: a file of such
// timestamps reads as the same file with second 59, on every path (the
// fast date parser, the exact one) and in every tier of amounts (fixed
// point, 128 bits, decimals), the one-day-a-row order bookkeeping
// included (a leap second of 30 June is a purchase of 30 June, not of
// 1 July).
func TestLeapSecondIsOnTheDayWritten(t *testing.T) {
	rows := []string{
		"C1,2016-12-31T23:59:60Z,10,,1",
		"C1,2017-01-01T00:00:00Z,5,,1",
		"C2,2016-06-30 23:59:60,15.299999999999999,A,1",
		"C2,2016-07-01 00:00:00,-1.5,A,-1",
		"C3,2016-12-31T15:59:60.5-08:00,1.0000000000000000000001,,",
		"C3,2016-12-31T23:59:60+01:00,2,,",
		"C4,2016-12-31T00:59:60+01:00,3,B,",
		"C4,2016-12-31T23:58:60Z,3,B,",
	}
	leap := "customer_id,date,amount,order_id,quantity\n" + strings.Join(rows, "\n") + "\n"
	// The same with second 59, and the row of second 60 of another
	// minute, an error, in its place.
	plain := strings.ReplaceAll(leap, ":60", ":59")
	plain = strings.Replace(plain, "2016-12-31T23:58:59Z", "2016-12-31T23:58:60Z", 1)
	o := Options{AsOf: customer.DateFromYMD(2017, 12, 31), SkipInvalid: true}
	want := summarizeBytes([]byte(plain), o)
	require.Contains(t, want, `f.csv:9: date "2016-12-31T23:58:60Z"`)
	require.Equal(t, want, summarizeBytes([]byte(leap), o))
	checkScan(t, []byte(leap), o)
	for _, workers := range []int{1, 2} {
		require.Equal(t, tableOutcome(ScanCSV(bytes.NewReader([]byte(plain)), "f.csv", o, workers)),
			tableOutcome(ScanCSV(bytes.NewReader([]byte(leap)), "f.csv", o, workers)))
	}
}
