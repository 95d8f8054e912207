package input

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

const cdnowDir = "../../../../churn/testdata/cdnow/"

func readCDNOW(t *testing.T, data string, o Options) (*Result, error) {
	t.Helper()
	return Summarize(NewCDNOWReader(strings.NewReader(data), "cdnow.txt"), "cdnow.txt", o)
}

// TestCDNOWSampleMatchesTheReferenceSummary reads the CDNOW sample and
// checks every customer's (frequency, recency, T) in weeks against the
// calibration summary of reference_bgnbd_sample.csv (lifetimes 0.11.3),
// and the counts given in the data's README.
func TestCDNOWSampleMatchesTheReferenceSummary(t *testing.T) {
	f, err := os.Open(cdnowDir + "CDNOW_sample.txt")
	require.NoError(t, err)
	defer f.Close()
	r := NewCDNOWReader(f, "CDNOW_sample.txt")
	res, err := Summarize(r, "CDNOW_sample.txt", Options{AsOf: day(t, "1997-09-30")})
	require.NoError(t, err)
	assert.Equal(t, 5, r.Columns())
	assert.EqualValues(t, 6919, res.Rows)
	assert.EqualValues(t, 1959, res.Later, "README: 1,959 rows after 1997-09-30")
	assert.Zero(t, res.Skipped)
	require.Len(t, res.Summaries, 2357)

	ref, err := os.Open(cdnowDir + "reference_bgnbd_sample.csv")
	require.NoError(t, err)
	defer ref.Close()
	recs, err := csv.NewReader(ref).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 2358)
	sumF, net := 0, decimal.Zero
	for i, rec := range recs[1:] {
		s := res.Summaries[i]
		require.Equal(t, rec[0], string(s.CustomerID), "sorted in numeric order like the reference")
		x, tx, T, ok := s.BTYD(customer.Weeks)
		require.True(t, ok)
		wantX, _ := strconv.ParseFloat(rec[1], 64)
		wantTx, _ := strconv.ParseFloat(rec[2], 64)
		wantT, _ := strconv.ParseFloat(rec[3], 64)
		assert.Equal(t, wantX, float64(x), rec[0])
		assert.InDelta(t, wantTx, tx, 1e-12, rec[0])
		assert.InDelta(t, wantT, T, 1e-12, rec[0])
		sumF += x
		net = net.Add(s.Net())
	}
	assert.Equal(t, 2457, sumF, "README: sum of frequency")
	assert.True(t, net.IsPositive())
}

func TestCDNOWWholeFileTotals(t *testing.T) {
	data, err := os.ReadFile(cdnowDir + "CDNOW_sample.txt")
	require.NoError(t, err)
	res, err := readCDNOW(t, string(data), Options{AsOf: day(t, "1998-06-30")})
	require.NoError(t, err)
	require.Len(t, res.Summaries, 2357)
	units, net := 0, decimal.Zero
	for _, s := range res.Summaries {
		units += s.Units
		net = net.Add(s.Net())
	}
	assert.Equal(t, 16479, units, "README: 16,479 CDs")
	assert.Equal(t, "244091.94", net.StringFixed(2), "README: $244,091.94")
}

func TestCDNOWFormats(t *testing.T) {
	asOf := Options{AsOf: day(t, "1998-12-31")}
	t.Run("four columns, header, LF", func(t *testing.T) {
		res, err := readCDNOW(t, "customer_id date quantity amount\n0001 19970101 2 29.33\n0001 19970118 1 9.73\n\n0002 19970102 1 0.00\n", asOf)
		require.NoError(t, err)
		assert.EqualValues(t, 3, res.Rows)
		m := byID(res)
		require.Len(t, m, 2)
		assert.Equal(t, 2, m["1"].Orders)
		assert.Equal(t, 3, m["1"].Units)
		assert.Equal(t, 1, m["2"].Orders, "a zero-amount row is still a transaction")
	})
	t.Run("five columns, header, CRLF, tabs", func(t *testing.T) {
		res, err := readCDNOW(t, "master_id\tcustomer_id\tdate\tquantity\tamount\r\n 00004   0001 19970101  2  29.33\r\n00004 0001 19970101 1 1.00\r\n", asOf)
		require.NoError(t, err)
		m := byID(res)
		assert.Equal(t, 1, m["1"].Orders, "the same day is one transaction")
		assert.True(t, m["1"].Net().Equal(decimal.RequireFromString("30.33")))
	})
	t.Run("no final newline", func(t *testing.T) {
		res, err := readCDNOW(t, "1 19970101 1 1.5", asOf)
		require.NoError(t, err)
		assert.EqualValues(t, 1, res.Rows)
	})
	t.Run("byte order mark", func(t *testing.T) {
		res, err := readCDNOW(t, "\ufeff0001 19970101 2 29.33\r\n0001 19970201 2 29.33\r\n", asOf)
		require.NoError(t, err)
		m := byID(res)
		require.Len(t, m, 1, "the mark is not part of the first customer's ID")
		assert.Equal(t, 2, m["1"].Orders)
	})
	t.Run("non-numeric IDs kept as they are", func(t *testing.T) {
		res, err := readCDNOW(t, "A01 19970101 1 1.5\n0000 19970101 1 1\n", asOf)
		require.NoError(t, err)
		assert.Equal(t, customer.ID("0"), res.Summaries[0].CustomerID)
		assert.Equal(t, customer.ID("A01"), res.Summaries[1].CustomerID)
	})
}

func TestCDNOWMalformed(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"empty", "", "cdnow.txt: no data rows"},
		{"header only", "customer_id date quantity amount\r\n", "cdnow.txt: no data rows"},
		{"blank lines only", "\n\n  \n", "cdnow.txt: no data rows"},
		{"three fields", "1 19970101 1\n", "cdnow.txt:1: 3 fields, want 4"},
		{"a csv file", "customer_id,date,amount\nC1,2024-01-01,10\n", "cdnow.txt:1: 1 field, want 4 (customer_id date quantity amount) or 5 (master_id customer_id date quantity amount); the line is separated by commas: a csv file is read with -format csv"},
		{"changing count", "1 19970101 1 1\n1 1 19970101 1 1\n", "cdnow.txt:2: 5 fields, the first data line has 4"},
		{"many fields", "1 19970101 1 1\n1 2 3 4 5 6 7 8\n", "cdnow.txt:2: 6 fields or more, the first data line has 4"},
		{"bad date", "1 19970101 1 1\n1 19971301 1 1\n", `cdnow.txt:2: date "19971301": want YYYYMMDD`},
		{"dashed date", "1 1997-01-01 1 1\n", `cdnow.txt:1: date "1997-01-01": want YYYYMMDD`},
		{"letter in first-line date", "1 1997O101 1 1\n", `cdnow.txt:1: date "1997O101": want YYYYMMDD`},
		{"word for a first-line date", "00001 0001 Jan-01-1997 1 29.33\n00001 0001 19970118 1 29.73\n", `cdnow.txt:1: date "Jan-01-1997": want YYYYMMDD`},
		{"first-line words but a number", "id date quantity 29.33\n1 19970118 1 29.73\n", `cdnow.txt:1: date "date": want YYYYMMDD`},
		{"bad quantity", "1 19970101 x 1\n", `cdnow.txt:1: quantity "x": not an integer`},
		{"NaN", "1 19970101 1 NaN\n", `cdnow.txt:1: amount "NaN": not a decimal number`},
		{"Inf", "1 19970101 1 +Inf\n", `cdnow.txt:1: amount "+Inf": not a decimal number`},
		{"1e400", "1 19970101 1 1e400\n", `cdnow.txt:1: amount "1e400": not a decimal number`},
		{"sign mismatch", "1 19970101 -1 5\n", `cdnow.txt:1: quantity "-1": -1 unit for an amount of 5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readCDNOW(t, tt.data, Options{AsOf: day(t, "1998-12-31")})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	res, err := readCDNOW(t, "1 19970101 1 1\n1 19971301 1 1\n2 19970101 1 x\n2 19970105 1 1\n", Options{AsOf: day(t, "1998-12-31"), SkipInvalid: true})
	require.NoError(t, err)
	assert.EqualValues(t, 2, res.Skipped)
	assert.Len(t, res.Summaries, 2)
}

func cdnowBytes(tb testing.TB) []byte {
	tb.Helper()
	data, err := os.ReadFile(cdnowDir + "CDNOW_sample.txt")
	require.NoError(tb, err)
	return data
}

// No valid data line is taken for a header, nor a malformed one with a
// numeric quantity or amount: as the first line of a file, each is read
// as a row or reported, never dropped.
func TestCDNOWFirstDataLineIsNeverAHeader(t *testing.T) {
	id := rapid.StringMatching(`[0-9A-Za-z_]{1,8}`)
	rapid.Check(t, func(rt *rapid.T) {
		d := customer.DateFromYMD(1997, 1, 1) + customer.Date(rapid.IntRange(0, 500).Draw(rt, "day"))
		date := rapid.SampledFrom([]string{strings.ReplaceAll(d.String(), "-", ""), "Jan-01-1997", "date", d.String()}).Draw(rt, "date")
		line := fmt.Sprintf("%s %s %d %s", id.Draw(rt, "id"), date,
			rapid.IntRange(0, 9).Draw(rt, "qty"), rapid.SampledFrom([]string{"0", "29.33", ".5", "0.00", "12"}).Draw(rt, "amount"))
		if rapid.Bool().Draw(rt, "master") {
			line = id.Draw(rt, "master") + "\t" + line
		}
		res, err := readCDNOW(t, line+"\n", Options{AsOf: customer.DateFromYMD(1998, 12, 31), SkipInvalid: true})
		require.NoError(rt, err, line)
		require.EqualValues(rt, 1, res.Rows, line)
		require.EqualValues(rt, 1, int64(len(res.Summaries))+res.Skipped, line)
	})
}

// Lines without a field (empty, of spaces, a lone CR) after the first
// line carry no data: they are passed over and counted, as the blank rows
// of a csv file are, never dropped silently; empty lines before the first
// line are no rows, as before a csv header. The rows are those of the
// file without them, and the line numbers of errors stay those of the
// file.
func TestCDNOWBlankLinesAreCounted(t *testing.T) {
	o := Options{AsOf: day(t, "1997-12-31")}
	clean, err := readCDNOW(t, "0001 19970101 1 10\n0001 19970201 1 10\n", o)
	require.NoError(t, err)
	for data, blank := range map[string]int64{
		"0001 19970101 1 10\n\n   \n0001 19970201 1 10\n":                                 2,
		"\n\n0001 19970101 1 10\r\n\r\n\t\r\n0001 19970201 1 10\r\n\r\n":                  3,
		"customer_id date quantity amount\n\n0001 19970101 1 10\n0001 19970201 1 10\n \n": 2,
		"0001 19970101 1 10\n0001 19970201 1 10\n":                                        0,
	} {
		res, err := readCDNOW(t, data, o)
		require.NoError(t, err, data)
		assert.Equal(t, blank, res.Blank, "%q", data)
		assert.Equal(t, customersOf(clean), customersOf(res), "%q", data)
		assert.EqualValues(t, 2, res.Rows, "%q", data)
	}
	_, err = readCDNOW(t, "0001 19970101 1 10\n\n\n0001 1997020 1 10\n", o)
	require.EqualError(t, err, `cdnow.txt:4: date "1997020": want YYYYMMDD`)
	_, err = readCDNOW(t, "customer_id date quantity amount\n\n \n", o)
	require.ErrorIs(t, err, ErrNoRows)
	assert.EqualError(t, err, "cdnow.txt: no data rows (only a header and 2 blank rows)")
}

// A line that repeats the header line the file starts with (the same
// words, in any case, a byte order mark before it ignored), as `cat` of
// two CDNOW files with headers makes, is passed over and counted, as a
// repeated csv header is; the rows are those of the files read one after
// the other. A line of other words, or a header in a file that starts
// without one, is still malformed.
func TestCDNOWRepeatedHeaderIsPassedOver(t *testing.T) {
	o := Options{AsOf: day(t, "1997-12-31")}
	const (
		h4   = "customer_id date quantity amount\n"
		h5   = "master_id customer_id date quantity amount\n"
		jan  = "0001 19970101 1 10\n0002 19970105 2 20.5\n"
		feb  = "0001 19970201 1 10\n"
		jan5 = "00001 0001 19970101 1 10\n00002 0002 19970105 2 20.5\n"
		feb5 = "00001 0001 19970201 1 10\n"
	)
	clean, err := readCDNOW(t, jan+feb, o)
	require.NoError(t, err)
	for data, headers := range map[string]int64{
		h4 + jan + h4 + feb:                                     1,
		h4 + jan + "\ufeff" + h4 + feb:                          1,
		h4 + jan + "CUSTOMER_ID Date Quantity AMOUNT\r\n" + feb: 1,
		h4 + h4 + jan + h4 + h4 + feb + h4:                      4,
		h5 + jan5 + h5 + feb5:                                   1,
		h5 + h5 + jan5 + feb5:                                   1,
	} {
		res, err := readCDNOW(t, data, o)
		require.NoError(t, err, data)
		assert.Equal(t, headers, res.Headers, "%q", data)
		assert.Zero(t, res.Blank, "%q", data)
		assert.EqualValues(t, 3, res.Rows, "%q", data)
		assert.Equal(t, customersOf(clean), customersOf(res), "%q", data)
	}
	for data, want := range map[string]string{
		jan + h4 + feb: `cdnow.txt:3: date "date": want YYYYMMDD`, // no header at the top
		h4 + jan + "customer_id date qty amount\n" + feb: `cdnow.txt:4: date "date": want YYYYMMDD`, // other words
		h4 + jan + "customer_id date quantity\n" + feb:   `cdnow.txt:4: 3 fields, the first data line has 4`,
		h5 + jan5 + h4 + feb5:                            `cdnow.txt:4: 4 fields, the first data line has 5`,
	} {
		_, err := readCDNOW(t, data, o)
		require.Error(t, err, data)
		assert.Contains(t, err.Error(), want, "%q", data)
	}
	_, err = readCDNOW(t, h4+h4+"\n"+h4, o)
	require.ErrorIs(t, err, ErrNoRows)
	assert.EqualError(t, err, "cdnow.txt: no data rows (only a header, 1 blank row and 2 repeated header rows)")
}

// customersOf is the fingerprint of the summaries of res, without its
// counts of rows.
func customersOf(res *Result) string {
	f := fingerprint(res)
	return f[:strings.LastIndexByte(f, '|')+1]
}
