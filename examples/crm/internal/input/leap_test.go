package input

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A leap second, second 60 of the last minute of a month in UTC, is on
// the day written (salesrow.ParseDate), as 23:59:59 there is: a file of
// such timestamps reads as the same file with second 59, on every path
// (the fast date parser, the exact one) and in every tier of amounts
// (fixed point, 128 bits, decimals), the one-day-a-row order bookkeeping
// included (a leap second of 30 June is a purchase of 30 June, not of
// 1 July; one of 00:59:60+01:00 on 1 January is of 1 January). Second 60
// anywhere else is an error of the row, on every path.
func TestLeapSecondIsOnTheDayWritten(t *testing.T) {
	rows := []string{
		"C1,2016-12-31T23:59:60Z,10,,1",
		"C1,2017-01-01T00:00:00Z,5,,1",
		"C2,2016-06-30 23:59:60,15.299999999999999,A,1",
		"C2,2016-07-01 00:00:00,-1.5,A,-1",
		"C3,2016-12-31T15:59:60.5-08:00,1.0000000000000000000001,,",
		"C3,2017-01-01T00:59:60+01:00,2,,",
		"C4,2017-02-28t23:59:60z,3,B,",
		"C4,2017-03-01T05:29:60.25+05:30,3,B,",
	}
	// Second 60 that is no leap second: of another minute, of 23:59 as
	// written in an offset ahead of UTC or behind it, of a day that
	// ends no month.
	bad := []string{
		"C5,2016-12-31T23:58:60Z,3,B,",
		"C5,2016-12-31T23:59:60+01:00,3,B,",
		"C5,2016-12-31T23:59:60-08:00,3,B,",
		"C6,2016-12-30T23:59:60Z,3,B,",
		"C6,2016-12-30 23:59:60,3,B,",
	}
	head := "customer_id,date,amount,order_id,quantity\n"
	leap := head + strings.Join(rows, "\n") + "\n" + strings.Join(bad, "\n") + "\n"
	// The same with second 59, and the rows of second 60 that is none
	// as they are.
	plain := head + strings.ReplaceAll(strings.Join(rows, "\n"), ":60", ":59") + "\n" + strings.Join(bad, "\n") + "\n"
	o := Options{AsOf: customer.DateFromYMD(2017, 12, 31), SkipInvalid: true}
	want := summarizeBytes([]byte(plain), o)
	for i, b := range bad {
		date := strings.Split(b, ",")[1]
		require.Contains(t, want, fmt.Sprintf(`f.csv:%d: date %q`, len(rows)+2+i, date))
	}
	require.Equal(t, want, summarizeBytes([]byte(leap), o))
	checkScan(t, []byte(leap), o)
	for _, workers := range []int{1, 2} {
		require.Equal(t, tableOutcome(ScanCSV(bytes.NewReader([]byte(plain)), "f.csv", o, workers)),
			tableOutcome(ScanCSV(bytes.NewReader([]byte(leap)), "f.csv", o, workers)))
	}
}

// A leap second on the as-of day is on that day: counted, not left out
// as later, in every tier and with 1 to 3 workers (checkScan); the row
// of the next day is later.
func TestLeapSecondOnTheAsOfDay(t *testing.T) {
	data := []byte("customer_id,date,amount,order_id,quantity\n" +
		"C1,2016-12-01,10,,1\n" +
		"C1,2016-12-31T23:59:60Z,10,,1\n" +
		"C2,2016-12-31T15:59:60.5-08:00,15.299999999999999,A,1\n" +
		"C3,2016-12-31 23:59:60,1.0000000000000000000001,,\n" +
		"C4,2017-01-01T00:00:00Z,5,,1\n")
	o := Options{AsOf: customer.DateFromYMD(2016, 12, 31)}
	got := summarizeBytes(data, o)
	require.Contains(t, got, "later 1", got)
	require.NotContains(t, got, "error", got)
	checkScan(t, data, o)
}

// The fast date path takes a leap second only where salesrow.ParseDate
// reads one, on the same day: second 60 of every minute hh:58 and hh:59,
// without an offset, in UTC and with every offset of whole quarter
// hours and a few others, on days that end a month and days that do
// not. It takes 23:59:60 in UTC, or without an offset, of the last day
// of a month, and may leave the other leap seconds to the exact path.
func TestFastPathLeapSecondsAsParseDate(t *testing.T) {
	offsets := []string{"", "Z", "z", "+00:00", "-00:00", "+23:59", "-23:59", "+00:01", "-00:01"}
	for off := -23*60 - 45; off <= 23*60+45; off += 15 {
		sign, a := '+', off
		if off < 0 {
			sign, a = '-', -off
		}
		offsets = append(offsets, fmt.Sprintf("%c%02d:%02d", sign, a/60, a%60))
	}
	fast := 0
	for _, day := range []string{"2016-12-31", "2016-12-30", "2017-01-01", "2016-06-30", "2016-02-29", "2015-02-28", "2016-02-28", "2016-03-01"} {
		for h := 0; h < 24; h++ {
			for _, m := range []int{58, 59} {
				for _, off := range offsets {
					for _, frac := range []string{"", ".5"} {
						for _, sep := range []string{"T", " "} {
							s := fmt.Sprintf("%s%s%02d:%02d:60%s%s", day, sep, h, m, frac, off)
							want, why := salesrow.ParseDate(s)
							got, ok := parseDay10(dayText(s))
							inUTC := off == "" || off == "Z" || off == "z" || off == "+00:00" || off == "-00:00"
							if !ok {
								// The exact path judges it; the commonest
								// form of a leap second is the fast path's.
								require.False(t, why == "" && inUTC, "%s: a leap second in UTC left to the exact path", s)
								continue
							}
							fast++
							require.Empty(t, why, "%s: the fast path takes what ParseDate refuses", s)
							require.Equal(t, want, got, s)
							require.Equal(t, day, got.String(), s)
						}
					}
				}
			}
		}
	}
	require.Positive(t, fast)
}
