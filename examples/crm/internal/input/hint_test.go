package input

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hints of an amount written for people that other tests of the
// package pin, as the reader words them (rowhint.Amount).
const (
	hintSign  = "write it as a plain number, without a currency sign or code (the currency goes in the currency column, or -currency)"
	hintComma = "write it with a decimal point and without thousands separators (1234.50, not 1.234,50 or 1,234.50)"
)

// TestAmountHints reads amounts as spreadsheets and ERP systems format
// them for people: with a currency sign or code, a decimal comma or
// thousands separators, a negative in parentheses or with the minus
// after it. None is read (a guess could be wrong by a factor of a
// thousand); each is malformed with a hint on what to write instead, in
// the amount and the cost column, on both readers' paths and in the
// CDNOW format. An amount that is simply wrong gets no hint.
func TestAmountHints(t *testing.T) {
	const (
		sign     = "; write it as a plain number, without a currency sign or code (the currency goes in the currency column, or -currency)"
		comma    = "; write it with a decimal point and without thousands separators (1234.50, not 1.234,50 or 1,234.50)"
		paren    = "; write a negative amount with a leading minus sign (-10.50), not in parentheses"
		trailing = "; write a negative amount with a leading minus sign (-10.50), not a trailing one"
		sci      = "; write it in plain notation (150.00, not 1.5E+02), as a spreadsheet does with the column formatted as a number with decimals"
	)
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, tc := range []struct{ value, hint string }{
		{"€12.50", sign},
		{"12.50 €", sign},
		{"$12.50", sign},
		{"-$12.50", sign},
		{"£ 12", sign},
		{"EUR 12.50", sign},
		{"12.50EUR", sign},
		{"12,50", comma},
		{"1.234,50", comma},
		{"1,234.50", comma},
		{"1 234,50", comma},
		{"(10.50)", paren},
		{"12.50-", trailing},
		{"12x", ""},
		{"NaN", ""},
		{"1e400", sci},
		{"1.5E+02", sci},
		{"-2.5e-05", sci},
		{".5E3", sci},
		{"1.5E", ""},
		{"E+02", ""},
		{"1.5E+02.5", ""},
		{"abc", ""},
		{"EUR", ""},
	} {
		for _, col := range []string{"amount", "cost"} {
			amount, cost := "\""+tc.value+"\"", "1"
			if col == "cost" {
				amount, cost = "12.50", "\""+tc.value+"\""
			}
			data := "customer_id,date,amount,cost\nC1,2024-01-02,10,1\nC1,2024-03-05," + amount + "," + cost + "\n"
			_, err := readCSV(t, data, o)
			require.Error(t, err, tc.value)
			want := `orders.csv:3: ` + col + ` "` + tc.value + `": not a decimal number` + tc.hint
			assert.Equal(t, want, err.Error())
			checkScan(t, []byte(data), o)
		}
		if tc.value == "£ 12" || tc.value == "EUR 12.50" || tc.value == "12.50 €" || tc.value == "1 234,50" {
			continue // two fields in the CDNOW format
		}
		cd := "1 19970101 1 5.00\n2 19970102 1 " + tc.value + "\n"
		_, err := Summarize(NewCDNOWReader(bytes.NewReader([]byte(cd)), "cd.txt"), "cd.txt", Options{AsOf: day(t, "1998-01-01")})
		require.Error(t, err, tc.value)
		assert.Equal(t, `cd.txt:2: amount "`+tc.value+`": not a decimal number`+tc.hint, err.Error())
	}
}

// TestDateHints reads dates as spreadsheets and ERP systems write them
// for people. None is read (05/03/2024 is 5 March or 3 May), but the
// error says what to write instead; a day written as YYYY-MM-DD that the
// calendar has not (31 February, month 13) gets a hint that says so,
// since "want YYYY-MM-DD" alone would puzzle whoever reads it; a date
// that is simply wrong gets no hint.
func TestDateHints(t *testing.T) {
	const want = "want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339"
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, tc := range []struct{ value, hint string }{
		{"05/03/2024", "; day and month cannot be told apart in D/M/Y and M/D/Y dates (05/03/2024 may be 5 March or 3 May): write dates as YYYY-MM-DD"},
		{"5.3.2024", "; day and month cannot be told apart in D/M/Y and M/D/Y dates (05/03/2024 may be 5 March or 3 May): write dates as YYYY-MM-DD"},
		{"3/5/24", "; day and month cannot be told apart in D/M/Y and M/D/Y dates (05/03/2024 may be 5 March or 3 May): write dates as YYYY-MM-DD"},
		{"2024/03/05", "; write it as 2024-03-05: YYYY-MM-DD, with hyphens and a two-digit month and day"},
		{"2024.3.5", "; write it as 2024-03-05: YYYY-MM-DD, with hyphens and a two-digit month and day"},
		{"2024-3-5", "; write it as 2024-03-05: YYYY-MM-DD, with hyphens and a two-digit month and day"},
		{"20240305", "; write it as 2024-03-05: YYYY-MM-DD, with hyphens and a two-digit month and day"},
		{"45356", "; a spreadsheet's serial day number? format the column as dates (YYYY-MM-DD) before saving"},
		{"45356.6125", "; a spreadsheet's serial day number? format the column as dates (YYYY-MM-DD) before saving"},
		{"2024-03-05T14:22:00+0100", "; write the offset with a colon, +01:00"},
		{"2024-03-05 14:22:00 -0500", "; write the offset with a colon, -05:00, right after the time"},
		// The day is right, the time is not.
		{"2024-03-05 14:22:00+01", "; write it as 2024-03-05 14:22:00+01:00 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2024-03-05 14:22:00.123456-05", "; write it as 2024-03-05 14:22:00.123456-05:00 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2024-03-05T14:22+01:00", "; write it as 2024-03-05T14:22:00+01:00 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2024-03-05T14:22Z", "; write it as 2024-03-05T14:22:00Z (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2024-03-05 14:22:00 UTC", "; write it as 2024-03-05 14:22:00Z (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2024-03-05 2:22 PM", "; write it as 2024-03-05 14:22:00 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2024-03-05 12:05:09 a.m.", "; write it as 2024-03-05 00:05:09 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2024-03-05 14:22:00 CET", "; write the time zone as an offset, ±hh:mm, right after the time (or leave it out: the day written is then the day)"},
		{"2024-03-05 13:22 PM", "; the day is right, the time after it is not: write it as hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm (a time without an offset may be hh:mm)"},
		{"2024-03-05 24:00:00", "; the day is right, the time after it is not: write it as hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm (a time without an offset may be hh:mm)"},
		{"2024-03-05 noon", "; the day is right, the time after it is not: write it as hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm (a time without an offset may be hh:mm)"},
		{"2024-03-05t2:22 PM", "; write it as 2024-03-05t14:22:00 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		// The hint says what is read: hh:mm only without an offset.
		{"2024-01-01T24:00:00Z", "; the day is right, the time after it is not: write it as hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm (a time without an offset may be hh:mm)"},
		{"2024-01-01T10:00+24:00", "; the offset +24:00 is out of range: an offset is -23:59 to +23:59, hours 00–23 and minutes 00–59 (RFC 3339 § 5.6)"},
		// A leap second is second 60 of the last minute of a month in
		// UTC only (RFC 3339 § 5.7); one written elsewhere gets the hint
		// of where it may be.
		{"2016-12-31T23:58:60Z", "; the day is right, the time after it is not: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-12-31 00:00:60", "; the day is right, the time after it is not: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-12-31T15:59:60-07:00", "; the day is right, the time after it is not: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-12-31T23:59:60+01:00", "; the day is right, the time after it is not: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-12-31T23:59:60-08:00", "; the day is right, the time after it is not: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-12-15T23:59:60Z", "; the day is right, the time after it is not: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-12-30 23:59:60", "; the day is right, the time after it is not: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-12-31T00:59:60+01:00", "; the day is right, the time after it is not: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-12-15 11:59:60 PM", "; the day is right, the time after it is not: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-12-15 23:59:60 UTC", "; the day is right, the time after it is not: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-12-31 23:59:60 UTC", "; write it as 2016-12-31 23:59:60Z (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2016-12-31 11:59:60 PM", "; write it as 2016-12-31 23:59:60 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2016-12-31T23:59:61Z", "; the day is right, the time after it is not: write it as hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm (a time without an offset may be hh:mm)"},
		// After a day the calendar has not, a time that is a leap second
		// on some day passes.
		{"2016-02-30T23:58:60Z", "; there is no 30 February: February 2016 has 29 days; nor is the time after it: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-02-30T23:59:60+01:00", "; there is no 30 February: February 2016 has 29 days; nor is the time after it: second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"},
		{"2016-02-30T23:59:60Z", "; there is no 30 February: February 2016 has 29 days"},
		{"2016-02-30T15:59:60-08:00", "; there is no 30 February: February 2016 has 29 days"},
		{"2016-02-30T00:59:60+01:00", "; there is no 30 February: February 2016 has 29 days"},
		{"2016-02-30 23:59:60", "; there is no 30 February: February 2016 has 29 days"},
		// Offsets out of RFC 3339's range, however written.
		{"2024-03-05T10:00:00-24:00", "; the offset -24:00 is out of range: an offset is -23:59 to +23:59, hours 00–23 and minutes 00–59 (RFC 3339 § 5.6)"},
		{"2024-03-05 10:00:00.5+23:60", "; the offset +23:60 is out of range: an offset is -23:59 to +23:59, hours 00–23 and minutes 00–59 (RFC 3339 § 5.6)"},
		{"2024-03-05T10:00:00+2400", "; the offset +24:00 is out of range: an offset is -23:59 to +23:59, hours 00–23 and minutes 00–59 (RFC 3339 § 5.6)"},
		{"2024-03-05 10:00:00+25", "; the offset +25:00 is out of range: an offset is -23:59 to +23:59, hours 00–23 and minutes 00–59 (RFC 3339 § 5.6)"},
		{"2024-03-05T10:00:00-99:00", "; the offset -99:00 is out of range: an offset is -23:59 to +23:59, hours 00–23 and minutes 00–59 (RFC 3339 § 5.6)"},
		// Placeholders for a missing date.
		{"0000-00-00", "; MySQL's zero date, written for a missing date: fill in the date in the source system, or leave such rows out (-skip-invalid)"},
		{"0000-00-00 00:00:00", "; MySQL's zero date, written for a missing date: fill in the date in the source system, or leave such rows out (-skip-invalid)"},
		{"1900-01-00", "; a spreadsheet's day 0, written for a missing date: fill in the date in the source system, or leave such rows out (-skip-invalid)"},
		// A day that the calendar has not.
		{"2024-13-02", "; there is no month 13: YYYY-MM-DD has the month before the day"},
		{"2024-00-10", "; there is no month 00: YYYY-MM-DD has the month before the day"},
		{"2024-02-31 10:00", "; there is no 31 February: February 2024 has 29 days"},
		{"2024-02-31", "; there is no 31 February: February 2024 has 29 days"},
		{"2023-02-29", "; there is no 29 February: February 2023 has 28 days"},
		{"1900-02-29T10:00:00Z", "; there is no 29 February: February 1900 has 28 days"},
		{"2024-04-31", "; there is no 31 April: April 2024 has 30 days"},
		{"2024-12-32", "; there is no 32 December: December 2024 has 31 days"},
		{"2024-12-00", "; there is no day 00: the days of a month are 01 to 31"},
		// Leap years as the Gregorian calendar has them, extended back
		// before its adoption (ISO 8601, time.Parse): every fourth year,
		// but not a century year unless it is divisible by 400, so 2000
		// and the year 0000 (1 BC) are leap years and 1900 and 2100 are
		// not. The year is named as written.
		{"2100-02-29", "; there is no 29 February: February 2100 has 28 days"},
		{"2000-02-30", "; there is no 30 February: February 2000 has 29 days"},
		{"0001-02-29", "; there is no 29 February: February 0001 has 28 days"},
		{"0000-02-30", "; there is no 30 February: February 0000 has 29 days"},
		{"0000-04-31 10:00:00", "; there is no 31 April: April 0000 has 30 days"},
		{"0999-02-29T10:00:00+02:00", "; there is no 29 February: February 0999 has 28 days"},
		// A day the calendar has not, with a time wrong too: both are
		// named, the day first.
		{"2023-02-29T10:00:00+0200", "; there is no 29 February: February 2023 has 28 days; write the offset with a colon, +02:00"},
		{"2023-13-01 10:00:00 +0200", "; there is no month 13: YYYY-MM-DD has the month before the day; write the offset with a colon, +02:00, right after the time"},
		{"2023-02-29T10:00+02:00", "; there is no 29 February: February 2023 has 28 days; nor is the time after it: write it as 10:00:00+02:00 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2023-02-29 10:00 PM", "; there is no 29 February: February 2023 has 28 days; nor is the time after it: write it as 22:00:00 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2023-02-29T10:00:00+01", "; there is no 29 February: February 2023 has 28 days; nor is the time after it: write it as 10:00:00+01:00 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2023-02-29 10:00:00 UTC", "; there is no 29 February: February 2023 has 28 days; nor is the time after it: write it as 10:00:00Z (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2023-02-29 10:00:00 CET", "; there is no 29 February: February 2023 has 28 days; nor is the time after it: write the time zone as an offset, ±hh:mm, right after the time (or leave it out: the day written is then the day)"},
		{"2023-02-30T25:00:00Z", "; there is no 30 February: February 2023 has 28 days; nor is the time after it: write it as hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm (a time without an offset may be hh:mm)"},
		{"2023-02-29T10:00:00+2400", "; there is no 29 February: February 2023 has 28 days; the offset +24:00 is out of range: an offset is -23:59 to +23:59, hours 00–23 and minutes 00–59 (RFC 3339 § 5.6)"},
		{"2023-02-29T10:00:00-24:00", "; there is no 29 February: February 2023 has 28 days; the offset -24:00 is out of range: an offset is -23:59 to +23:59, hours 00–23 and minutes 00–59 (RFC 3339 § 5.6)"},
		// A T with no time after it: the day is as it should be, and
		// is not to be written otherwise.
		{"2024-03-05T", "; the day is right, the time after it is not: write it as hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm (a time without an offset may be hh:mm)"},
		{"2023-02-29T", "; there is no 29 February: February 2023 has 28 days; nor is the time after it: write it as hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm (a time without an offset may be hh:mm)"},
		{"yesterday", ""},
		{"", ""},
	} {
		data := "customer_id,date,amount\nC1,2024-01-02,10\nC1," + tc.value + ",12.50\n"
		_, err := readCSV(t, data, o)
		require.Error(t, err, tc.value)
		assert.Equal(t, `orders.csv:3: date "`+tc.value+`": `+want+tc.hint, err.Error())
		checkScan(t, []byte(data), o)
	}
	// 29 February of a leap year is a day: refused, if at all, for
	// another reason, and without a hint about the calendar.
	for value, reason := range map[string]string{
		"2000-02-29": "",
		"0000-02-29": `date "0000-02-29": 0000-02-29T00:00:00Z is before 1900`,
	} {
		data := "customer_id,date,amount\nC1,2024-01-02,10\nC1," + value + ",12.50\n"
		_, err := readCSV(t, data, o)
		if reason == "" {
			require.NoError(t, err, value)
			continue
		}
		require.Error(t, err, value)
		assert.Equal(t, "orders.csv:3: "+reason, err.Error())
	}
	// A placeholder that is a date, of another reason, gets the hint too.
	const missing = "written for a missing date: fill in the date in the source system, or leave such rows out (-skip-invalid)"
	for value, reason := range map[string]string{
		"1899-12-30":          "1899-12-30T00:00:00Z is before 1900; a spreadsheet's day 0, " + missing,
		"1899-12-31 00:00:00": "1899-12-31T00:00:00Z is before 1900; a spreadsheet's day 0, " + missing, // quoted as its day
		"0001-01-01":          "is zero; the zero time of many systems, " + missing,
	} {
		data := "customer_id,date,amount\nC1,2024-01-02,10\nC1," + value + ",12.50\n"
		_, err := readCSV(t, data, o)
		require.Error(t, err, value)
		assert.Equal(t, `orders.csv:3: date "`+value[:10]+`": `+reason, err.Error())
		checkScan(t, []byte(data), o)
	}
}
