package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/internal/shopgen"
	"pgregory.net/rapid"
)

// summaryText prints every field of a summary that the analyses read,
// money by value, so that two summaries print alike exactly when they are
// equal.
func summaryText(s *customer.Summary) string {
	var b strings.Builder
	v := func(d decimal.Decimal) string { return d.String() }
	fmt.Fprintf(&b, "%s %s %s %s o%d u%d ru%d r%d x%d xu%d g%s d%s rf%s c%s fp%s i%d l%d [",
		s.CustomerID, s.Kind, s.AsOf.Format("2006-01-02"), s.Currency, s.Orders, s.Units, s.ReturnedUnits,
		s.Returns, s.Exchanges, s.ExchangedUnits, v(s.Gross), v(s.Discounts), v(s.Refunded), v(s.Cost), v(s.FullPriceNet),
		s.Interactions, s.Later)
	for _, d := range s.Days {
		fmt.Fprintf(&b, "%s:%d:%s ", d.Date, d.Orders, v(d.Net))
	}
	fmt.Fprintf(&b, "] %q", s.Categories)
	return b.String()
}

// outcome is what a read of a file gives, as text.
func outcome(res *Result, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rows %d blank %d headers %d later %d skipped %d currency %s others%s\n", res.Rows, res.Blank, res.Headers, res.Later, res.Skipped, res.Currency, othersText(res.Others))
	for _, e := range res.Errors {
		fmt.Fprintln(&b, e)
	}
	b.WriteString(skipsText(res.Skips))
	for _, s := range res.Summaries {
		fmt.Fprintln(&b, summaryText(s))
	}
	return b.String()
}

func tableOutcome(t *Table, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rows %d blank %d headers %d later %d skipped %d currency %s others%s\n", t.Rows, t.Blank, t.Headers, t.Later, t.Skipped, t.Currency, othersText(t.Others))
	for _, e := range t.Errors {
		fmt.Fprintln(&b, e)
	}
	b.WriteString(skipsText(t.Skips))
	// Twice over, with one summary for all: building one summary must not
	// change another. The second time through a Summarizer, which must
	// build the same summaries with its cache of amounts.
	var s customer.Summary
	var first, second strings.Builder
	for i := 0; i < t.Len(); i++ {
		t.Summary(i, &s)
		fmt.Fprintln(&first, summaryText(&s))
	}
	z := t.Summarizer()
	for i := 0; i < t.Len(); i++ {
		z.Summary(i, &s)
		fmt.Fprintln(&second, summaryText(&s))
	}
	if first.String() != second.String() {
		return "summaries changed between two reads"
	}
	b.WriteString(second.String())
	return b.String()
}

func summarizeBytes(data []byte, o Options) string {
	r, err := NewCSVReader(bytes.NewReader(data), "f.csv")
	if err != nil {
		return "error: " + err.Error()
	}
	return outcome(Summarize(r, "f.csv", o))
}

// checkScan checks that ScanCSV, with 1 to 3 workers and however the
// input is cut into reads, gives what Summarize gives.
func checkScan(t *testing.T, data []byte, o Options) {
	t.Helper()
	want := summarizeBytes(data, o)
	for _, workers := range []int{1, 2, 3} {
		got := tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, workers))
		require.Equal(t, want, got, "%d workers", workers)
	}
	sizes := []int{4096}
	if len(data) < 1<<14 {
		got := tableOutcome(ScanCSV(iotest.OneByteReader(bytes.NewReader(data)), "f.csv", o, 2))
		require.Equal(t, want, got, "one byte a read")
		sizes = []int{1, 7, 64}
	}
	defer func(n int) { chunkBytes = n }(chunkBytes)
	for _, n := range sizes {
		chunkBytes = n
		got := tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, 2))
		require.Equal(t, want, got, "blocks of %d bytes", n)
	}
}

func TestScanMatchesSummarizeOnAGeneratedShop(t *testing.T) {
	buf := generatedShop(t, 3000, 400)
	for _, asOf := range []customer.Date{customer.DateFromYMD(2025, 12, 31), customer.DateFromYMD(2024, 6, 30)} {
		checkScan(t, buf.Bytes(), Options{AsOf: asOf})
	}
}

func TestQuotedHeaderAfterByteOrderMark(t *testing.T) {
	data := "\ufeff\"customer_id\",\"date\",\"amount\"\r\n\"A\",\"2024-01-01\",\"1.50\"\r\n"
	tab, err := ScanCSV(strings.NewReader(data), "f.csv", Options{AsOf: customer.DateFromYMD(2024, 12, 31)}, 1)
	require.NoError(t, err)
	require.Equal(t, 1, tab.Len())
	var s customer.Summary
	tab.Summary(0, &s)
	assert.Equal(t, customer.ID("A"), s.CustomerID)
	assert.Equal(t, "1.5", s.Net().String())
}

func TestScanMatchesSummarizeOnAwkwardFiles(t *testing.T) {
	const head = "customer_id,date,amount,quantity,cost,currency,kind,order_id,category\n"
	tests := map[string]string{
		"bom, crlf, quotes":  "\ufeffamount,customer_id,date,order_id,quantity,cost,kind,currency\r\n1.5,\"C,1\",2024-01-01T10:00:00+02:00,O1,1,0.5,wholesaler,USD\r\n-1.5,\"C,1\",2024-01-02,O1,-1,,,\r\n",
		"bom, quoted header": "\ufeff\"customer_id\",\"date\",\"amount\"\r\n\"A\",\"2024-01-01\",\"1.50\"\r\n",
		"multi-line field":   "customer_id,category,date,amount\nC1,\"two\nlines\",2024-01-01,1\nC1,x,2024-01-01,oops\nC2,\"a\"\"b\",2024-01-03,2\n",
		"bad rows": head + "C1,2024-01-02,12x,1,,,,,\nC1,2024-01-02,,1,,,,,\nC1,2024-13-02,1,1,,,,,\n ,2024-01-02,1,1,,,,,\n" +
			"C1,2024-01-02,1,1.5,,,,,\nC1,2024-01-02,1,99999999999,,,,,\nC1,2024-01-02,1,1,abc,,,,\nC1,2024-01-02,1,1,,XYZ,,,\n" +
			"C1,2024-01-02,1,1,,,robot,,\nC1,2024-01-02,-5,2,,,,,\nC1,2024-01-02,5,1,-1,,,,\nC1,2024-01-02,5\nC1,2024-01-02,5\"0,1,,,,,\n" +
			"C2,2024-01-02,\"5,1,,,,,\nC3,2024-01-01,1,1,,,,,\n",
		"dates before 1900":                head + "C1,2024-01-02,5,1,,,,,\nC1,0025-03-01,5,1,,,,,\nC1,1899-12-31,5,1,,,,,\nC1,0001-01-01,5,1,,,,,\nC2,1900-01-01,5,1,,,,,\nC3,0000-01-01,5,1,,,,,\n",
		"second currency":                  head + "C1,2024-01-02,5,1,,EUR,,,\nC2,2024-01-02,5,1,,USD,,,\nC2,2024-01-03,5,1,,eur,,,\n",
		"no currency in a file in another": head + "C1,2024-01-02,5,1,,EUR,,,\nC1,2024-01-03,5,1,,,,,\nC2,2024-01-03,5,1,, ,,,\nC2,2024-01-04,5,1,,EUR,,,\n",
		"no currency first":                head + "C1,2024-01-02,5,1,,,,,\nC1,2024-01-03,5,1,,usd,,,\nC2,2024-01-03,5,1,,EUR,,,\n",
		"kind changes": head + "C0,2024-01-01,5,1,,,,,\nC0,2024-01-02,5,1,,,intermediary,,\nW,2024-01-02,5,1,,,wholesaler,,\nW,2024-01-03,5,1,,,intermediary,,\n" +
			"C0,2024-01-03,5,1,,,consumer,,\nC0,2024-01-04,5,1,,,,,\nX,2024-01-01,1" + strings.Repeat("0", 20) + ",1,,,,,\nX,2024-01-02,5,1,,,dealer,,\nX,2024-01-03,5,1,,,consumer,,\n",
		"exchanges and free goods": head + "C1,2024-01-01,0,-1,,,,A,x\nC1,2024-01-01,0,2,,,,B,y\nC1,2024-01-05,10,1,4,,,C,z\nC1,2024-01-06,-10,-1,4,,,C,z\n" +
			"C1,2024-01-06,-3,0,-2,,,,\n",
		"many decimals and huge amounts": head + "C1,2024-01-01,0.123456,1,0.1,,,,\nC1,2024-01-02,1.5,1,,,,,\nC2,2024-01-01,99999999999999.9999,1,,,,,\n" +
			"C2,2024-01-02,99999999999999.9999,1,,,,,\nC2,2024-01-03,-99999999999999.9999,-1,,,,,\nC3,2024-01-01,1" + strings.Repeat("0", 25) + ",1,,,,,\n",
		"later rows":        head + "C1,2024-01-01,1,1,,,,,\nC1,2025-01-01,1,1,,,,,\nC2,2025-01-01,1,1,,,,,\nC3,2025-01-01,1,1,,XYZ,,,\n",
		"blank lines":       head + "\n\r\nC1,2024-01-01,1,1,,,,,\n\n\nC1,2024-01-02,1,1,,,,,\r\n\r\n",
		"no final break":    head + "C1,2024-01-01,1,1,,,,,\nC1,2024-01-02,1,1,,,,,\r",
		"only bad rows":     head + "C1,x,1,1,,,,,\n",
		"header only":       head,
		"unterminated":      head + "C1,2024-01-01,1,1,,,,,\nC1,2024-01-02,1,1,,,,\"x\n",
		"quote after quote": head + "C1,2024-01-01,1,1,,,,\"a\"b,x\nC1,2024-01-02,1,1,,,,,\n",
		"stray quotes": head + "C1,2024-01-01,1,1,,,,,\nC2,2024-01-01,\"1,1,,,,,\nC3,2024-01-01,1,1,,,,,\nC4,2024-01-01,1,1,,,,,\"x\"\n" +
			"C5,2024-01-01,1,1,,,,,W32\"\nC6,\"2024-01-01\",1,1,,,,,\"two\nlines\"\nC7,2024-01-01,1,1,,,,,\"open\r\nC8,2024-01-01,1,1,,,,,\r\n",
		"spaces":     head + " C1 , 2024-01-01 , 1.50 , 1 , , , consumer , , cat \n",
		"digits ids": head + "10,2024-01-01,1,1,,,,,\n2,2024-01-01,1,1,,,,,\n007,2024-01-01,1,1,,,,,\n7,2024-01-01,1,1,,,,,\nb,2024-01-01,1,1,,,,,\nA,2024-01-01,1,1,,,,,\n",
		"many orders on one day": func() string {
			var b strings.Builder
			b.WriteString(head)
			for i := 0; i < 700; i++ {
				fmt.Fprintf(&b, "W,2024-01-01,2.5,1,,,,O%d,\nW,2024-01-02,-0.5,-1,,,,O%d,\n", i, i)
			}
			return b.String()
		}(),
		"many orders and days": func() string {
			var b strings.Builder
			b.WriteString(head)
			for i := 0; i < 2500; i++ {
				fmt.Fprintf(&b, "W,%s,1.25,1,,,,O%d,c%d\n", customer.DateFromYMD(2000, 1, 1)+customer.Date(i%1500), (i*7919)%2000, i%70)
			}
			return b.String()
		}(),
		"repeated headers": head + "C1,2024-01-01,1,1,,,,,\n" + head + "C2,2024-01-01,1,1,,,,,\n" +
			strings.ToUpper(head) + " customer_id , date ,amount,quantity,cost,currency,kind,order_id,category\r\n" +
			`"customer_id","Date"," amount ",quantity,"cost",currency,kind,order_id,category` + "\nC3,2024-01-01,1,1,,,,,\n" +
			"\ufeff" + head + "date,customer_id,amount,quantity,cost,currency,kind,order_id,category\n" +
			"customer_id,date,amount,quantity,cost,currency,kind,order_id\n" + head,
		"blank rows": head + ",,,,,,,,\nC1,2024-01-01,1,1,,,,,\n , ,\t,,,,,,\r\n\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n,,\n\"\n\",,,,,,,,\n" +
			",2024-01-02,1,1,,,,,\nC2,2024-01-02,1,1,,,,,\n,,,,,,,,,,,\n\n,,,,,,,,\n,,,,,,,,",
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			for _, skip := range []bool{false, true} {
				checkScan(t, []byte(data), Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: skip})
			}
		})
	}
}

func TestScanLongLineAndReadError(t *testing.T) {
	data := "customer_id,date,amount\nC1,2024-01-01,1\nC1," + strings.Repeat("x", MaxLineBytes+10) + "\n"
	_, err := ScanCSV(strings.NewReader(data), "orders.csv", Options{AsOf: customer.DateFromYMD(2024, 12, 31)}, 2)
	require.EqualError(t, err, fmt.Sprintf("orders.csv:3: line longer than %d bytes", MaxLineBytes))
	tab, err := ScanCSV(strings.NewReader(data+"C2,2024-01-01,2\n"), "orders.csv", Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: true}, 2)
	require.NoError(t, err)
	assert.EqualValues(t, 1, tab.Skipped)
	assert.Equal(t, 2, tab.Len(), "the row after the long line is read")
	for _, skip := range []bool{false, true} {
		o := Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: skip}
		checkScan(t, []byte(data), o)
		checkScan(t, []byte(data+"C2,2024-01-01,2\n"), o)
		// Longer than a block, with quotes before and in it, and as the
		// last line without a line break.
		checkScan(t, []byte("customer_id,date,amount\n\"C1\",2024-01-01,1\nC1,\""+strings.Repeat("y", 3*MaxLineBytes)+"\nC2,2024-01-01,2\n"), o)
		checkScan(t, []byte(data+"C2,"+strings.Repeat("z", 3*MaxLineBytes)), o)
	}
	data = "customer_id,date,amount\nC1,2024-01-01,x\nC1," + strings.Repeat("x", MaxLineBytes+10) + ",1\nC2,2024-01-01,1\n"
	checkScan(t, []byte(data), Options{AsOf: customer.DateFromYMD(2024, 12, 31)})

	r := io.MultiReader(strings.NewReader("customer_id,date,amount\nC1,2024-01-01,1\n"), iotest.ErrReader(fmt.Errorf("disk on fire")))
	_, err = ScanCSV(r, "x.csv", Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: true}, 2)
	require.EqualError(t, err, "disk on fire")
}

// TestScanMatchesSummarizeOnRandomFiles writes random small exports with
// quoting, CRLF, bad fields, stray quotes (opening a field, in the middle
// of one, closing one), blank rows of any width and empty lines, the
// header again (in any case, with spaces, quoted or not) and rows like
// it but not it, and shuffled rows.
func TestScanMatchesSummarizeOnRandomFiles(t *testing.T) {
	const head = "customer_id,date,amount,quantity,order_id,cost,category,discount"
	names := strings.Split(head, ",")
	rapid.Check(t, func(rt *rapid.T) {
		var b strings.Builder
		b.WriteString(head + "\n")
		eol := rapid.SampledFrom([]string{"\n", "\r\n"}).Draw(rt, "eol")
		n := rapid.IntRange(0, 60).Draw(rt, "rows")
		for i := 0; i < n; i++ {
			switch rapid.IntRange(0, 15).Draw(rt, "header?") {
			case 0:
				b.WriteString(headerRow(rt, names) + eol)
				continue
			case 1:
				b.WriteString(nearHeaderRow(rt, names) + eol)
				continue
			}
			if rapid.IntRange(0, 5).Draw(rt, "blank?") == 0 {
				// A record over several lines is a row only with the
				// header's width (csvrecord.Scan): this one has eight fields.
				shapes := append(blankShapes[:len(blankShapes):len(blankShapes)], "\" \",,,\"\n\",,,,")
				b.WriteString(rapid.SampledFrom(shapes).Draw(rt, "blank") + eol)
				continue
			}
			id := rapid.SampledFrom([]string{"C1", "C2", "\"C,3\"", "10", "9", " C1", "", "\"C1", "C\"2"}).Draw(rt, "id")
			date := rapid.SampledFrom([]string{"2024-01-01", "2024-02-29", "2023-02-29", "2024-03-01T23:00:00-05:00", "2025-06-01", "x",
				"2024-06-30T23:59:60Z", "2024-06-30T15:59:60.5-08:00", "2024-06-30 23:59:60", "2024-06-30T23:58:60Z",
				"2024-07-01T00:59:60+01:00", "2024-06-30T23:59:60+01:00", "2024-06-29T23:59:60Z"}).Draw(rt, "date")
			amount := rapid.SampledFrom([]string{"1", "12.34", "-12.34", "0", "0.00001", "+5", "1e3", "-0.5", "\"7,5\"", "999999999999999999", "\"5", "5\""}).Draw(rt, "amount")
			qty := rapid.SampledFrom([]string{"", "1", "-1", "2", "x"}).Draw(rt, "qty")
			order := rapid.SampledFrom([]string{"", "A", "B", "\"A\""}).Draw(rt, "order")
			cost := rapid.SampledFrom([]string{"", "1", "0.5", "-1"}).Draw(rt, "cost")
			cat := rapid.SampledFrom([]string{"", "jeans", "\"two\nlines\"", "shirts", "\"open", "W32\"", "\"a\"b"}).Draw(rt, "cat")
			disc := rapid.SampledFrom([]string{"", "", "0", "0.00", "2.5", "-2.5", "0.00001", "10%", "\"1,5\"", "-0.0000000000000000001"}).Draw(rt, "discount")
			fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s%s", id, date, amount, qty, order, cost, cat, disc, eol)
		}
		skip := rapid.Bool().Draw(rt, "skip")
		data := []byte(b.String())
		o := Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: skip}
		want := summarizeBytes(data, o)
		defer func(n int) { chunkBytes = n }(chunkBytes)
		for _, workers := range []int{1, 2} {
			chunkBytes = rapid.IntRange(1, 300).Draw(rt, "block")
			got := tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, workers))
			if want != got {
				rt.Fatalf("%d workers:\nwant %s\ngot  %s", workers, want, got)
			}
		}
	})
}

// blankShapes are blank rows (salesrow.Blank) of one line, which are
// blank whatever the header's width, and an empty line.
var blankShapes = []string{",,,,,,", " , ,\t,,  ,,", "\"\",\"\",\"\",\"\",\"\",\"\",\"\"", ",,", ",,,,,,,,,", "", " ", "\"\"", "\u00a0,,,,,,"}

func TestFastParsersAgreeWithTheExactOnes(t *testing.T) {
	for _, s := range []string{"0", "1", "-1", "12.34", "-0.0001", "0.00001", "99999999999999.9999", "999999999999999", "1.", ".5", "+1", "1e3", "", "-", "1.2.3", "00012.5000"} {
		v, ok := parseFixed(s)
		d, why := salesrow.ParseAmount(s)
		if ok {
			require.Empty(t, why, s)
			require.True(t, d.Equal(decimal.New(v, -4)), s)
		}
	}
	for d := customer.DateFromYMD(1, 1, 1); d < customer.DateFromYMD(10000, 1, 1); d += 97 {
		s := d.String()
		got, ok := parseDay10(s)
		require.True(t, ok, s)
		require.Equal(t, d, got, s)
	}
	for _, s := range []string{"2023-02-29", "2024-02-30", "0000-01-01", "2024-1-01", "2024-01-01T00:00:00Z"} {
		_, ok := parseDay10(s)
		require.False(t, ok, s)
	}
}

// The timestamps of order systems, RFC 3339 with an offset or Z included,
// take the fast path, on the day the exact path gives; the forms the
// rules reject, or whose day the fast path does not compute, do not.
func TestTimestampsTakeTheFastPath(t *testing.T) {
	for _, s := range []string{
		"2024-12-12T14:23:05+01:00", "2024-12-12T14:23:05Z", "2024-12-12T14:23:05.123+08:00", "2024-12-12 14:23:05+01:00",
		"2024-12-12t14:23:05z", "2024-12-12T14:23:05.123456789Z", "2024-12-12T14:23:05.1234567891-03:30", "2024-12-12T23:59:59-14:00",
		"2024-12-12T00:00:00+14:00", "2024-12-12T14:23:05-00:00", "2024-02-29T10:00:00+01:00", "2024-12-12 14:23", "2024-12-12T14:23:05",
		"0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-23:59",
		// A leap second (RFC 3339 § 5.7): 23:59:60 of the last day of a
		// month, in UTC or without an offset.
		"2016-12-31T23:59:60Z", "2016-12-31 23:59:60", "2016-12-31T23:59:60.5-00:00", "2016-06-30t23:59:60z",
		"2024-02-29T23:59:60+00:00", "2023-02-28 23:59:60.25",
	} {
		got, ok := parseDay10(dayText(s))
		require.True(t, ok, s)
		want, why := salesrow.ParseDate(s)
		require.Empty(t, why, s)
		require.Equal(t, want, got, s)
		require.Equal(t, s[:10], got.String(), "%s: the day written", s)
	}
	for _, s := range []string{
		"2024-12-12T24:00:00Z", "2024-12-12T14:23:05+24:00", "2024-12-12T14:23:05+01:60",
		// Second 60 that is no leap second, or one in an offset that
		// the exact path reads (2016-12-31T15:59:60-08:00,
		// 2017-01-01T00:59:60+01:00).
		"2016-12-31T23:58:60Z", "2016-12-31T23:59:61Z", "2016-12-31T23:59:60.5+01:00", "2016-12-30T23:59:60Z",
		"2016-12-30 23:59:60", "2023-02-29T23:59:60Z", "2016-12-31T15:59:60-08:00", "2017-01-01T00:59:60+01:00",
		"2023-02-29T10:00:00Z", "2024-12-12T14:23Z", "2024-12-12T14:23:05+01:00x", "2024-12-12T14:23:05+0100",
		"2024-12-12T14:23:05.Z", "2024-12-12T14:23:05,5Z", "2024-12-12T4:23:05Z", "0000-01-01T00:00:00Z",
	} {
		_, ok := parseDay10(dayText(s))
		require.False(t, ok, s)
	}
}

func TestPackDay(t *testing.T) {
	for _, d := range []customer.Date{customer.DateFromYMD(1, 1, 1), 0, customer.DateFromYMD(9999, 12, 31)} {
		for _, o := range []uint32{0, 1, dayMaxOrders} {
			for _, n := range []int64{0, 1, -1, 1<<36 - 1, -(1 << 36)} {
				w, ok := packDay(d, o, n)
				require.True(t, ok)
				assert.Equal(t, d, dayDate(w))
				assert.Equal(t, o, dayOrders(w))
				assert.Equal(t, n, dayNet(w))
			}
		}
	}
	for _, bad := range []struct {
		o uint32
		n int64
	}{{dayMaxOrders + 1, 0}, {0, 1 << 36}, {0, -(1 << 36) - 1}} {
		_, ok := packDay(0, bad.o, bad.n)
		assert.False(t, ok)
	}
}

// FuzzScanCSV checks that ScanCSV and Summarize agree on any input, read
// in blocks of any size.
func FuzzScanCSV(f *testing.F) {
	f.Add([]byte("customer_id,date,amount\nC1,2024-01-01,1\n"), false, 64)
	f.Add([]byte("\ufeffamount,customer_id,date,order_id,quantity,cost,kind,currency\r\n1.5,\"C,1\",2024-01-01T10:00:00+02:00,O1,1,0.5,wholesaler,USD\r\n-1.5,\"C,1\",2024-01-02,O1,-1,,,\r\n"), true, 7)
	f.Add([]byte("customer_id,date,amount\nC1,2024-01-01,NaN\nC1,2024-13-01,1\n,2024-01-01,1\nC1,2024-01-01,1e400\n"), true, 1)
	f.Add([]byte("customer_id,date,amount\n\"C1,2024-01-01,1\nC2,2024-01-01,1\n"), true, 3)
	f.Add([]byte("\ufeff\"customer_id\",\"date\",\"amount\",\"currency\"\r\n\"A\",\"2024-01-01\",\"1.50\",\"eur\"\r\n"), false, 2)
	f.Add([]byte("customer_id,date,amount,quantity\nW,2024-01-01,99999999999999.9999,999999999\nW,2024-01-01,0,-1\n"), false, 16)
	f.Add([]byte("customer_id,date,amount\nC1,2024-01-01,\"1\nC2,2024-01-01,1\nC3,2024-01-01,\"a\"b\nC4,2024-01-01,1\"\nC5,2024-01-01,1\n"), true, 5)
	f.Add([]byte("customer_id,date,amount\nC1,2024-01-01,\"1\nC2,2024-01-01,1\nC3,2024-01-01,1\""), false, 30)
	f.Add([]byte("customer_id,date,amount,category\nC1,2024-01-01,1,\"x\nC2,2024-01-01,1,x\nC3,2024-01-01,1,W32\"\nC4,2024-01-01,1,\"coats\nwool\"\n"), true, 9)
	f.Add([]byte("customer_id,date,amount,category\nC1,2024-01-01,\"1,x\nC2,2024-01-01,W32\",x\nC3,2024-01-01,1,x\n"), true, 4)
	f.Add([]byte("customer_id,date,amount,currency,quantity\nC1,2024-01-01,1,EUR,1\nC1,2024-01-02,2,,1\nC2,2024-01-03,0,,-1\n"), true, 8)
	f.Add([]byte("customer_id,date,amount\nC1,2024-01-01,1\n,,\n , ,\t\n\n,\nC2,2024-01-02,2\n,,\n,,\n"), false, 6)
	f.Add([]byte("customer_id,date,amount\r\n\"\",\"\",\"\"\r\nC1,2024-01-01,1\r\n\" \",\"\n\",\r\n,5,\r\n,,,,\r\n"), true, 11)
	f.Add([]byte("customer_id,date,amount\n,,\n\n\"\"\n"), true, 2)
	f.Add([]byte("customer_id,date,amount\nA,2025-01-02,10\ncustomer_id,date,amount\nB,2025-02-03,5\n Customer_ID ,DATE,\"amount\"\r\ndate,customer_id,amount\n"), true, 9)
	f.Add([]byte("\ufeffcustomer_id,date,amount\r\nA,2025-01-02,10\r\n\ufeffcustomer_id,date,amount\r\n\"customer_id\",\"date\",\"amount\"\r\n"), false, 5)
	f.Add([]byte("customer_id,date,amount,cost,quantity\nA,2024-01-01,15.299999999999999,,1\nA,2024-01-01,-7.649999999999999,3.1000000000001,-1\nA,2024-01-02T10:00:00+01:00,0.000000000,0.5,-1\nB,2024-01-03,100,1.123456789,1\nB,2024-01-03,1.0000000000000000001,,1\n"), false, 13)
	f.Add([]byte("customer_id,date,amount,order_id\nA,2024-12-12T14:23:05+01:00,1,O1\nA,2024-12-12t23:30:00.5z,2,O2\nA,2024-12-13 00:30:00-14:00,3,\nB,2024-12-12T24:00:00Z,4,\nB,2023-02-29T10:00:00+01:00,5,\nB,1899-12-31T23:59:59+14:00,6,\nB,2024-12-12T14:23:05.1234567891Z,7,\n"), true, 12)
	f.Add([]byte("customer_id,date,amount,discount,quantity\nA,2024-01-01,80,20,1\nA,2024-01-02,-80,-20,-1\nA,2024-01-03,50,0.00,1\nA,2024-01-04,-50,0,-1\nA,2024-01-05,30,,1\nB,2024-01-05,10,-1,1\nB,2024-01-06,0,-3,-1\nB,2024-01-07,10,0.123456,1\nB,2024-01-08,1,10%,1\n"), true, 10)
	f.Fuzz(func(t *testing.T, data []byte, skip bool, block int) {
		defer func(n int) { chunkBytes = n }(chunkBytes)
		chunkBytes = 1 + (block&0xfff+0xfff)%0xfff
		o := Options{AsOf: customer.DateFromYMD(2024, 6, 30), SkipInvalid: skip}
		want := summarizeBytes(data, o)
		got := tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, 2))
		require.Equal(t, want, got)
	})
}

// The cache of amounts gives dec's decimal, exponent included, whatever
// came before: hits, misses and collisions.
func TestAmountCacheGivesDec(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var c amountCache
		vs := rapid.SliceOfN(rapid.OneOf(rapid.Int64Range(-50, 50), rapid.Int64()), 1, 400).Draw(t, "amounts")
		for _, v := range vs {
			got, want := c.dec(v), dec(v)
			if !got.Equal(want) || got.Exponent() != want.Exponent() {
				t.Fatalf("dec(%d): %v (exponent %d), want %v (exponent %d)", v, got, got.Exponent(), want, want.Exponent())
			}
		}
	})
	var nilCache *amountCache
	require.True(t, nilCache.dec(12345).Equal(dec(12345)))
}

// TestKindDoesNotDependOnRowOrder shuffles the rows of random exports
// whose kind fields are often empty: both readers give the same summaries
// in any order, with each customer's kind the one its rows on or before
// as-of state (the default when none does), or, in any order, an error
// when two of its rows state different kinds.
func TestKindDoesNotDependOnRowOrder(t *testing.T) {
	kinds := map[string]customer.Kind{"consumer": customer.Consumer, "Intermediary": customer.Intermediary, "dealer": customer.Intermediary}
	rapid.Check(t, func(rt *rapid.T) {
		type genRow struct{ id, date, amount, kind string }
		n := rapid.IntRange(1, 14).Draw(rt, "rows")
		rows := make([]genRow, n)
		for i := range rows {
			rows[i] = genRow{
				id:     rapid.SampledFrom([]string{"A", "B", "C"}).Draw(rt, "id"),
				date:   (customer.DateFromYMD(2024, 10, 1) + customer.Date(rapid.IntRange(0, 120).Draw(rt, "day"))).String(),
				amount: rapid.SampledFrom([]string{"10", "2.5", "-1", "1" + strings.Repeat("0", 20)}).Draw(rt, "amount"),
				kind:   rapid.SampledFrom([]string{"", "", " ", "consumer", "Intermediary", "dealer"}).Draw(rt, "kind"),
			}
		}
		o := Options{AsOf: customer.DateFromYMD(2024, 12, 31),
			Kind: rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(rt, "default")}
		file := func(rows []genRow) []byte {
			var b strings.Builder
			b.WriteString("customer_id,date,kind,amount\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "%s,%s,%s,%s\n", r.id, r.date, r.kind, r.amount)
			}
			return []byte(b.String())
		}
		// The model: the kinds stated on or before as-of.
		stated := map[string]map[customer.Kind]bool{}
		for _, r := range rows {
			if r.date > o.AsOf.String() {
				continue
			}
			if stated[r.id] == nil {
				stated[r.id] = map[customer.Kind]bool{}
			}
			if k, ok := kinds[r.kind]; ok {
				stated[r.id][k] = true
			}
		}
		conflict := false
		for _, ks := range stated {
			conflict = conflict || len(ks) > 1
		}

		var first string
		for i, order := range [][]genRow{rows, rapid.Permutation(rows).Draw(rt, "shuffled")} {
			data := file(order)
			cr, err := NewCSVReader(bytes.NewReader(data), "f.csv")
			require.NoError(rt, err)
			res, err := Summarize(cr, "f.csv", o)
			want := outcome(res, err)
			require.Equal(rt, want, tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, 2)), "ScanCSV")
			if conflict {
				require.ErrorContains(rt, err, ": kind \"")
				continue
			}
			require.NoError(rt, err)
			require.Len(rt, res.Summaries, len(stated))
			for _, s := range res.Summaries {
				k := o.Kind
				for sk := range stated[string(s.CustomerID)] {
					k = sk
				}
				require.Equal(rt, k, s.Kind, "%s", s.CustomerID)
			}
			if i == 0 {
				first = want
			} else {
				require.Equal(rt, first, want, "shuffled")
			}
		}
	})
}

// An exchange row's cost, of either sign, is left out by both readers:
// a negative one is no error, and the profit does not move.
func TestExchangeCostLeftOut(t *testing.T) {
	const head = "customer_id,date,order_id,amount,quantity,cost\n"
	o := Options{AsOf: customer.DateFromYMD(2025, 12, 31)}
	for _, cost := range []string{"-20.00", "20.00", "0.00", ""} {
		data := []byte(head + "C1,2025-03-01,O1,50.00,2,20.00\nC1,2025-03-05,O1,0.00,-1," + cost + "\n")
		checkScan(t, data, o)
		r, err := readCSV(t, string(data), o)
		require.NoError(t, err, "exchange at cost %q", cost)
		require.Len(t, r.Summaries, 1)
		s := r.Summaries[0]
		assert.Equal(t, 1, s.Exchanges)
		assert.True(t, s.GrossProfit().Equal(decimal.RequireFromString("30")), "cost %q: profit %s", cost, s.GrossProfit())
	}
}

// An exchange is not a purchase, in both readers: it opens no order
// (with an order_id of its own or without one), makes no day and adds no
// category, so purchase days and the buy-till-you-die frequency stay
// those of the sales; it counts in ReturnedUnits, Returns and Exchanges
// only. A customer whose only row in the file is an exchange (of a sale
// before the export) has no order, no day and no category.
func TestExchangeIsNotAPurchase(t *testing.T) {
	const head = "customer_id,date,order_id,amount,quantity,cost,category\n"
	o := Options{AsOf: customer.DateFromYMD(2025, 12, 31)}
	for name, data := range map[string]string{
		"own order": head + "C1,2025-03-01,O1,50.00,2,20.00,coats\nC1,2025-03-05,X1,0.00,-1,,shirts\n" +
			"C2,2025-04-01,X2,0,-2,-10,jeans\n",
		"no order_id": head + "C1,2025-03-01,,50.00,2,20.00,coats\nC1,2025-03-05,,0.00,-1,,shirts\n" +
			"C2,2025-04-01,,0,-2,-10,jeans\n",
		"decimal path": head + "C1,2025-03-01,O1,50.000001,2,20.00,coats\nC1,2025-03-05,X1,0.00,-1,,shirts\n" +
			"C2,2025-04-01,X2,0,-2,-10,jeans\n",
	} {
		t.Run(name, func(t *testing.T) {
			checkScan(t, []byte(data), o)
			r, err := readCSV(t, data, o)
			require.NoError(t, err)
			require.Len(t, r.Summaries, 2)
			s := r.Summaries[0]
			assert.Equal(t, 1, s.Orders)
			require.Len(t, s.Days, 1, "no day for the exchange")
			assert.Equal(t, customer.DateFromYMD(2025, 3, 1), s.Days[0].Date)
			assert.Equal(t, []string{"coats"}, s.Categories)
			x, _, _, ok := s.BTYD(customer.Days)
			assert.True(t, ok)
			assert.Zero(t, x, "no repeat transaction")
			assert.Equal(t, 2, s.Units)
			assert.Equal(t, 1, s.ReturnedUnits)
			assert.Equal(t, 1, s.Returns)
			assert.Equal(t, 1, s.Exchanges)

			s = r.Summaries[1]
			assert.Zero(t, s.Orders)
			assert.Empty(t, s.Days)
			assert.Empty(t, s.Categories)
			assert.Zero(t, s.Units)
			assert.True(t, s.Net().IsZero())
			assert.True(t, s.Cost.IsZero())
			assert.Equal(t, 2, s.ReturnedUnits)
			assert.Equal(t, 1, s.Returns)
			assert.Equal(t, 1, s.Exchanges)
			_, _, _, ok = s.BTYD(customer.Days)
			assert.False(t, ok)
		})
	}
}

// TestExchangesChangeOnlyTheReturnCounts writes random exports twice,
// with and without exchange rows among the sales and refunds: with them,
// both readers give the same summaries, and those are the summaries
// without them but for ReturnedUnits, ExchangedUnits, Returns and
// Exchanges, which count the exchanges on or before as-of (and
// KeptUnits, which they leave unchanged); a customer with nothing but
// exchanges has no order, day, category or money.
func TestExchangesChangeOnlyTheReturnCounts(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		type genRow struct {
			cust, order, cat, cost string
			date                   customer.Date
			cents                  int64
			units                  int
			exchange               bool
		}
		base := customer.DateFromYMD(2024, 1, 1)
		o := Options{AsOf: base + 30}
		n := rapid.IntRange(1, 30).Draw(rt, "rows")
		rows := make([]genRow, n)
		for i := range rows {
			r := genRow{
				cust:  rapid.SampledFrom([]string{"C1", "C2", "C3", "10"}).Draw(rt, "cust"),
				order: rapid.SampledFrom([]string{"", "A", "B", "X"}).Draw(rt, "order"),
				cat:   rapid.SampledFrom([]string{"", "coats", "shirts", "jeans"}).Draw(rt, "cat"),
				date:  base + customer.Date(rapid.IntRange(0, 40).Draw(rt, "day")),
			}
			if r.exchange = rapid.Bool().Draw(rt, "exchange"); r.exchange {
				r.units = -rapid.IntRange(1, 3).Draw(rt, "units")
				r.cost = rapid.SampledFrom([]string{"", "0", "4.50", "-4.50"}).Draw(rt, "cost")
			} else {
				r.cents = rapid.Int64Range(-3000, 9000).Draw(rt, "cents")
				switch {
				case r.cents > 0:
					r.units = rapid.IntRange(0, 3).Draw(rt, "units")
				case r.cents < 0:
					r.units = -rapid.IntRange(0, 3).Draw(rt, "units")
				}
			}
			rows[i] = r
		}
		file := func(exchanges bool) []byte {
			var b strings.Builder
			b.WriteString("customer_id,date,order_id,amount,quantity,cost,category\n")
			for _, r := range rows {
				if r.exchange && !exchanges {
					continue
				}
				fmt.Fprintf(&b, "%s,%s,%s,%s,%d,%s,%s\n", r.cust, r.date, r.order, decimal.New(r.cents, -2), r.units, r.cost, r.cat)
			}
			return []byte(b.String())
		}
		with, without := file(true), file(false)
		if want, got := summarizeBytes(with, o), tableOutcome(ScanCSV(bytes.NewReader(with), "f.csv", o, 2)); want != got {
			rt.Fatalf("ScanCSV:\nwant %s\ngot  %s", want, got)
		}
		type counts struct{ units, n int }
		exchanged := map[string]*counts{}
		for _, r := range rows {
			if r.exchange && r.date <= o.AsOf {
				c := exchanged[r.cust]
				if c == nil {
					c = &counts{}
					exchanged[r.cust] = c
				}
				c.units -= r.units
				c.n++
			}
		}
		read := func(data []byte) map[string]*customer.Summary {
			cr, err := NewCSVReader(bytes.NewReader(data), "f.csv")
			require.NoError(rt, err)
			res, err := Summarize(cr, "f.csv", o)
			if errors.Is(err, ErrNoRows) {
				return map[string]*customer.Summary{}
			}
			require.NoError(rt, err)
			return byID(res)
		}
		ws, wo := read(with), read(without)
		for id, s := range ws {
			c := exchanged[id]
			if c == nil {
				c = &counts{}
			}
			require.Equal(rt, c.n, s.Exchanges, id)
			require.Equal(rt, c.units, s.ExchangedUnits, id)
			g := s.Clone()
			g.ReturnedUnits -= c.units
			g.Returns -= c.n
			g.Exchanges, g.ExchangedUnits = 0, 0
			if b, ok := wo[id]; ok {
				require.Equal(rt, summaryText(b), summaryText(&g), id)
				require.Equal(rt, b.KeptUnits(), s.KeptUnits(), id)
				continue
			}
			// Nothing but exchanges.
			require.Zero(rt, g.Orders, id)
			require.Empty(rt, g.Days, id)
			require.Empty(rt, g.Categories, id)
			require.Zero(rt, g.Units, id)
			require.Zero(rt, g.ReturnedUnits, id)
			require.Zero(rt, g.Returns, id)
			require.True(rt, g.Net().IsZero() && g.Cost.IsZero(), id)
		}
		for id := range wo {
			require.Contains(rt, ws, id)
		}
	})
}

// A row without a currency is in the default currency (Options.Currency),
// in both readers: in a file in another currency it is an error that says
// so, and with that currency as the default it is read.
func TestRowWithoutCurrencyIsInTheDefault(t *testing.T) {
	data := []byte("customer_id,date,amount,currency\nC1,2024-01-01,1.00,EUR\nC1,2024-01-02,2.00,\nC2,2024-01-02,3.00, \n")
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	const want = `error: f.csv:3: currency "": empty, so USD (the default); the file is in EUR, and one file holds one currency (-currency EUR makes EUR the default; or analyse one at a time with -only-currency EUR or -only-currency USD)`
	require.Equal(t, want, summarizeBytes(data, o))
	require.Equal(t, want, tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, 2)))
	checkScan(t, data, o)
	o.SkipInvalid = true
	checkScan(t, data, o)

	o = Options{AsOf: customer.DateFromYMD(2024, 12, 31), Currency: "EUR"}
	checkScan(t, data, o)
	tab, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
	require.NoError(t, err)
	assert.EqualValues(t, 3, tab.Rows)
	assert.Equal(t, customer.Currency("EUR"), tab.Currency)
}

// generatedShop returns the csv file of a generated shop of n customers
// (small of them under -short or the race detector).
func generatedShop(t *testing.T, n, small int) *bytes.Buffer {
	t.Helper()
	cfg := shopgen.DefaultConfig()
	cfg.Customers = n
	if testing.Short() || raceEnabled {
		cfg.Customers = small
	}
	g, err := shopgen.New(cfg)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = shopgen.WriteCSV(&buf, g.All(), nil)
	require.NoError(t, err)
	return &buf
}
