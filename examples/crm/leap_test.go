package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A leap second (2016-12-31T23:59:60Z, or the same in another offset,
// 15:59:60-08:00: the last minute of a month in UTC) is read on the day
// written, as second 59 is, by every subcommand: each writes for an
// export of leap seconds what it writes for the same export with second
// 59.
func TestLeapSecondInEverySubcommand(t *testing.T) {
	rows := []string{
		"C1,2016-12-31T23:59:60Z,10,1",
		"C1,2017-03-01T10:00:00Z,5,2",
		"C1,2017-06-30 23:59:60,7.5,3",
		"C2,2016-12-31T15:59:60.5-08:00,15.299999999999999,4",
		"C2,2017-02-01,20,5",
		"C3,2017-07-01T01:59:60+02:00,1.0000000000000000000001,6",
		"C3,2017-07-31T16:59:60-07:00,3,7",
		"C4,2017-02-01T00:59:60+01:00,12,8",
		"C4,2017-02-28t23:59:60.5z,4,9",
	}
	asWithSecond59(t, rows, [][]string{
		{"segment", "-as-of", "2017-12-31"},
		{"batch", "-as-of", "2017-12-31"},
		{"fit", "-model", "bgnbd", "-calibration-end", "2017-12-31", "-json"},
		{"score", "-model", "bgnbd", "-calibration-end", "2017-12-31"},
		{"report", "-as-of", "2017-12-31"},
	})
}

// asWithSecond59 runs crm with each of runs on the export of rows and on
// the same export with every second 60 written 59, checks that both
// succeed with the same stdout and stderr (but for the file's
// directory), and returns the results of the leap-second export.
func asWithSecond59(t *testing.T, rows []string, runs [][]string) []result {
	t.Helper()
	leap := "customer_id,date,amount,order_id\n" + strings.Join(rows, "\n") + "\n"
	dirA, dirB := t.TempDir(), t.TempDir()
	a, b := filepath.Join(dirA, "orders.csv"), filepath.Join(dirB, "orders.csv")
	require.NoError(t, os.WriteFile(a, []byte(leap), 0o644))
	require.NoError(t, os.WriteFile(b, []byte(strings.ReplaceAll(leap, ":60", ":59")), 0o644))
	var out []result
	for _, args := range runs {
		ra := crm(t, "", append(args, "-in", a)...)
		rb := crm(t, "", append(args, "-in", b)...)
		require.Equal(t, exitOK, ra.code, "%v: %s", args, ra.stderr)
		require.Equal(t, exitOK, rb.code, "%v: %s", args, rb.stderr)
		assert.Equal(t, rb.stdout, ra.stdout, args)
		assert.Equal(t, strings.ReplaceAll(rb.stderr, dirB, dirA), ra.stderr, args)
		out = append(out, ra)
	}
	return out
}

// A leap second on the as-of or calibration-end day is on that day, as
// 23:59:59 is: every subcommand writes what it writes for second 59, and
// the row of the next day is left out.
func TestLeapSecondOnTheLastDay(t *testing.T) {
	rows := []string{
		"C1,2016-06-30T23:59:60Z,20,1",
		"C1,2016-12-31T23:59:60Z,10,2",
		"C1,2017-01-01T00:00:00Z,5,3",
		"C2,2016-09-01,12,4",
		"C2,2016-12-31T15:59:60.5-08:00,15.299999999999999,5",
		"C3,2016-10-01,1.0000000000000000000001,6",
		"C3,2016-12-31 23:59:60,3,7",
		"C4,2016-11-01,3,8",
		"C4,2016-12-31T23:59:60Z,4,9",
		"C5,2016-12-31T23:59:60Z,7,10",
	}
	runs := [][]string{
		{"segment", "-as-of", "2016-12-31"},
		{"batch", "-as-of", "2016-12-31"},
		{"fit", "-model", "bgnbd", "-calibration-end", "2016-12-31", "-period", "day", "-json"},
		{"score", "-model", "bgnbd", "-calibration-end", "2016-12-31", "-period", "day", "-spend", "gammagamma"},
		{"report", "-as-of", "2016-12-31"},
	}
	for i, r := range asWithSecond59(t, rows, runs) {
		assert.Contains(t, r.stderr, "1 row dated after", runs[i])
	}
}

// Second 60 where no leap second is (RFC 3339 § 5.7: the last minute of
// a month in UTC) is a malformed date, named with its line and a hint
// of where a leap second is; with -skip-invalid the row is skipped and
// counted.
func TestLeapSecondElsewhereIsMalformed(t *testing.T) {
	for _, date := range []string{"2017-06-30T23:59:60+02:00", "2017-07-30T23:59:60Z", "2017-01-31T00:59:60+01:00", "2017-06-30T23:58:60Z", "2017-07-30 23:59:60"} {
		path := filepath.Join(t.TempDir(), "orders.csv")
		data := "customer_id,date,amount,order_id\nC1,2017-03-01,5,1\nC1," + date + ",7,2\n"
		require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
		r := crm(t, "", "segment", "-as-of", "2017-12-31", "-in", path)
		require.NotEqual(t, exitOK, r.code, date)
		assert.Contains(t, r.stderr, `orders.csv:3: date "`+date+`"`, date)
		assert.Contains(t, r.stderr, "second 60 is a leap second, which only the last minute of a month in UTC has", date)
		r = crm(t, "", "segment", "-as-of", "2017-12-31", "-skip-invalid", "-in", path)
		require.Equal(t, exitOK, r.code, "%s: %s", date, r.stderr)
		assert.Contains(t, r.stderr, "1 malformed row", date)
	}
}
