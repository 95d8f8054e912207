package input

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

func day(t *testing.T, s string) customer.Date {
	t.Helper()
	d, err := ParseDay(s)
	require.NoError(t, err)
	return d
}

func readCSV(t *testing.T, data string, o Options) (*Result, error) {
	t.Helper()
	r, err := NewCSVReader(strings.NewReader(data), "orders.csv")
	if err != nil {
		return nil, err
	}
	return Summarize(r, "orders.csv", o)
}

func byID(res *Result) map[string]*customer.Summary {
	m := map[string]*customer.Summary{}
	for _, s := range res.Summaries {
		m[string(s.CustomerID)] = s
	}
	return m
}

func TestCSVReadsColumnsByNameInAnyOrder(t *testing.T) {
	data := "\ufeffAmount, Date ,extra,customer_id,order_id,quantity,category\r\n" +
		"49.90,2024-01-05,x,C1,O1,1,tops\r\n" +
		"\"1,000.00\",2024-01-05,x,C9,O9,1,tops\r\n"
	_, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31")})
	// "1,000.00" is read as one field (the quoted comma does not split it)
	// and rejected as an amount with a thousands separator.
	require.EqualError(t, err, `orders.csv:3: amount "1,000.00": not a decimal number; `+hintComma)

	data = "\ufeffAmount, Date ,extra,customer_id,order_id,quantity,category\r\n" +
		"49.90,2024-01-05,\"a, b\",C1,O1,1,\"tops, shirts\"\r\n" +
		"10.10,2024-01-05T23:30:00+01:00,y,C1,O1,2,jeans\r\n" +
		"5,2024-02-01,z,\"C, 2\",O2,1,\r\n"
	res, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31")})
	require.NoError(t, err)
	assert.EqualValues(t, 3, res.Rows)
	assert.Equal(t, customer.Currency("USD"), res.Currency)
	m := byID(res)
	require.Len(t, m, 2)
	c1 := m["C1"]
	assert.Equal(t, 1, c1.Orders, "two rows of one order")
	assert.Equal(t, 3, c1.Units)
	assert.True(t, c1.Net().Equal(decimal.RequireFromString("60.00")), c1.Net().String())
	assert.Equal(t, []string{"jeans", "tops, shirts"}, c1.Categories)
	assert.Equal(t, customer.Consumer, c1.Kind)
	require.NotNil(t, m["C, 2"])
	assert.Equal(t, 1, m["C, 2"].Orders)
}

func TestCSVHeaderErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty file", "", "orders.csv: empty file (want a header row naming customer_id, date, amount)"},
		{"missing amount", "customer_id,date\nC1,2024-01-01\n", `orders.csv:1: missing required column "amount"`},
		{"missing two", "date,quantity\n", `orders.csv:1: missing required column "amount", "customer_id"`},
		{"duplicate", "customer_id,date,amount,Amount\n", `orders.csv:1: column "amount" appears twice in the header`},
		{"bad quote in header", "customer_id,\"date,amount\n", `orders.csv:1: header: extraneous or missing " in quoted-field`},
		{"open quote in header", "\n\ncustomer_id,\"date,amount\nC1,2024-01-01,1\nC2,2024-01-01,1\n", `orders.csv:3: header: extraneous or missing " in quoted-field`},
		{"blank lines only", "\n\r\n\n", "orders.csv: empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readCSV(t, tt.data, Options{AsOf: day(t, "2024-12-31")})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRowErrorCutsLongValues(t *testing.T) {
	e := valueError("f.csv", 3, "amount", strings.Repeat("\x00", 500), "not a decimal number")
	assert.Equal(t, `f.csv:3: amount "`+strings.Repeat(`\x00`, 40)+`"… (500 bytes): not a decimal number`, e.Error())
}

func TestCSVHeaderOnlyIsAnError(t *testing.T) {
	for _, data := range []string{"customer_id,date,amount\n", "customer_id,date,amount", "customer_id,date,amount\r\n\r\n"} {
		_, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31")})
		require.ErrorIs(t, err, ErrNoRows)
		assert.Contains(t, err.Error(), "orders.csv: no data rows")
	}
}

func TestCSVMalformedRows(t *testing.T) {
	const head = "customer_id,date,amount,quantity,cost,currency,kind\n"
	const good = "C0,2024-01-01,1.00,1,,,\n"
	tests := []struct {
		name, row, want string
	}{
		{"bad amount", "C1,2024-01-02,12x,1,,,", `orders.csv:5: amount "12x": not a decimal number`},
		{"empty amount", "C1,2024-01-02,,1,,,", `orders.csv:5: amount "": empty`},
		{"NaN", "C1,2024-01-02,NaN,1,,,", `orders.csv:5: amount "NaN": not a decimal number`},
		{"Inf", "C1,2024-01-02,Inf,1,,,", `orders.csv:5: amount "Inf": not a decimal number`},
		{"-Inf", "C1,2024-01-02,-Inf,1,,,", `orders.csv:5: amount "-Inf": not a decimal number`},
		{"1e400", "C1,2024-01-02,1e400,1,,,", `orders.csv:5: amount "1e400": not a decimal number`},
		{"too large", "C1,2024-01-02,1" + strings.Repeat("0", 40) + ",1,,,", `orders.csv:5: amount "1` + strings.Repeat("0", 40) + `": too large`},
		{"bad date", "C1,2024-13-02,1,1,,,", `orders.csv:5: date "2024-13-02": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339; there is no month 13: YYYY-MM-DD has the month before the day`},
		{"31 February", "C1,2024-02-31,1,1,,,", `orders.csv:5: date "2024-02-31": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339; there is no 31 February: February 2024 has 29 days`},
		{"slashes", "C1,02/01/2024,1,1,,,", `orders.csv:5: date "02/01/2024": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339`},
		{"empty date", "C1,,1,1,,,", `orders.csv:5: date "": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339`},
		{"empty customer", " ,2024-01-02,1,1,,,", `orders.csv:5: customer_id " ": empty`},
		{"bad quantity", "C1,2024-01-02,1,1.5,,,", `orders.csv:5: quantity "1.5": not an integer`},
		{"huge quantity", "C1,2024-01-02,1,99999999999,,,", `orders.csv:5: quantity "99999999999": out of range`},
		{"bad cost", "C1,2024-01-02,1,1,abc,,", `orders.csv:5: cost "abc": not a decimal number`},
		{"bad currency", "C1,2024-01-02,1,1,,XYZ,", `orders.csv:5: currency "XYZ": unknown ISO 4217 currency code`},
		{"bad kind", "C1,2024-01-02,1,1,,,robot", `orders.csv:5: kind "robot": want consumer or intermediary`},
		{"sign mismatch", "C1,2024-01-02,-5,2,,,", `orders.csv:5: quantity "2": 2 units for an amount of -5`},
		{"negative cost", "C1,2024-01-02,5,1,-1.50,,", `orders.csv:5: cost "-1.5": must not be negative on a sale`},
		{"negative cost, many decimals", "C1,2024-01-02,5,1,-1.500000,,", `orders.csv:5: cost "-1.5": must not be negative on a sale`},
		{"zero day", "C1,0001-01-01,5,1,,,", `orders.csv:5: date "0001-01-01": is zero; the zero time of many systems, written for a missing date: fill in the date in the source system, or leave such rows out (-skip-invalid)`},
		{"second currency", "C1,2024-01-02,5,1,,EUR,", `orders.csv:5: currency "EUR": the file is in USD`},
		{"too few fields", "C1,2024-01-02,5", `orders.csv:5: 3 fields, the header has 7`},
		{"one field", "C1", `orders.csv:5: 1 field, the header has 7`},
		{"quantity beyond int", "C1,2024-01-02,1,99999999999999999999,,,", `orders.csv:5: quantity "99999999999999999999": out of range (|quantity| ≤ 1e9)`},
		{"too many fields", "C1,2024-01-02,5,1,,,,", `orders.csv:5: 8 fields, the header has 7`},
		{"bare quote", "C1,2024-01-02,5\"0,1,,,", `orders.csv:5: amount "5\"0": bare " in non-quoted-field`},
		{"stray quote in a later field", "C1,2024-01-02,50,1,\"2,,", `orders.csv:5: cost "\"2,,": extraneous or missing " in quoted-field`},
		{"escaped quotes before the fault", "C1,2024-01-02,50,1,,\"\"\"EUR\"x,", `orders.csv:5: currency "\"\"\"EUR\"x": extraneous or missing " in quoted-field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := head + good + good + "\n" + tt.row + "\n" + good
			_, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31")})
			require.Error(t, err)
			var re *RowError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 5, re.Line)
			assert.Contains(t, err.Error(), tt.want)
			_, err = ScanCSV(strings.NewReader(data), "orders.csv", Options{AsOf: day(t, "2024-12-31")}, 2)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want, "ScanCSV")

			res, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31"), SkipInvalid: true})
			require.NoError(t, err)
			assert.EqualValues(t, 1, res.Skipped)
			assert.EqualValues(t, 4, res.Rows)
			require.Len(t, res.Errors, 1)
			assert.Contains(t, res.Errors[0].Error(), tt.want)
			m := byID(res)
			assert.Len(t, m, 1, "the bad row changed nothing")
			assert.Equal(t, 1, m["C0"].Orders, "the three good rows are on one day")
			assert.True(t, m["C0"].Net().Equal(decimal.RequireFromString("3")), m["C0"].Net().String())
		})
	}
}

func TestSkipInvalidKeepsTheFirstTenErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&b, "C%d,2024-01-01,bad%d\nC%d,2024-01-01,1\n", i, i, i)
	}
	res, err := readCSV(t, b.String(), Options{AsOf: day(t, "2024-12-31"), SkipInvalid: true})
	require.NoError(t, err)
	assert.EqualValues(t, 25, res.Skipped)
	assert.EqualValues(t, 50, res.Rows)
	require.Len(t, res.Errors, MaxReportedErrors)
	assert.EqualError(t, res.Errors[0], `orders.csv:2: amount "bad0": not a decimal number`)
	assert.EqualError(t, res.Errors[9], `orders.csv:20: amount "bad9": not a decimal number`)
	assert.Len(t, res.Summaries, 25)
}

func TestAllRowsInvalidWithSkipGivesNoCustomers(t *testing.T) {
	res, err := readCSV(t, "customer_id,date,amount\nC1,x,1\n", Options{AsOf: day(t, "2024-12-31"), SkipInvalid: true})
	require.NoError(t, err)
	assert.Empty(t, res.Summaries)
	assert.EqualValues(t, 1, res.Skipped)
}

func TestCSVLineNumbersAfterMultiLineField(t *testing.T) {
	data := "customer_id,category,date,amount\n" +
		"C1,\"two\nlines\",2024-01-01,1\n" +
		"C1,x,2024-01-01,oops\n"
	_, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31")})
	require.EqualError(t, err, `orders.csv:4: amount "oops": not a decimal number`)
}

func TestCSVOrderGrouping(t *testing.T) {
	t.Run("order_id groups rows, adjacent or not", func(t *testing.T) {
		data := "customer_id,order_id,date,amount,quantity\n" +
			"C1,A,2024-01-01,10,1\n" +
			"C1,B,2024-01-01,20,1\n" +
			"C2,A,2024-01-01,5,1\n" + // the same order ID for another customer is another order
			"C1,A,2024-01-01,10,1\n" +
			"C1,C,2024-03-01,30,3\n" +
			"C1,C,2024-03-01,-10,-1\n" + // a return does not count an order
			"C1,D,2024-04-01,-10,-1\n" // neither does a return of an unseen order
		res, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31")})
		require.NoError(t, err)
		m := byID(res)
		assert.Equal(t, 3, m["C1"].Orders)
		assert.Equal(t, 2, m["C1"].Returns)
		assert.Equal(t, 2, m["C1"].ReturnedUnits)
		assert.True(t, m["C1"].Net().Equal(decimal.NewFromInt(50)), m["C1"].Net().String())
		assert.Equal(t, 1, m["C2"].Orders)
		f, rec, T, ok := m["C1"].BTYD(customer.Days)
		require.True(t, ok)
		assert.Equal(t, 1, f, "purchase days 2024-01-01 and 2024-03-01")
		assert.InDelta(t, 60, rec, 0)
		assert.InDelta(t, 365, T, 0)
	})
	t.Run("without order_id, a customer's day is one order", func(t *testing.T) {
		data := "customer_id,date,amount\n" +
			"C1,2024-01-01,10\n" +
			"C1,2024-01-02,10\n" +
			"C1,2024-01-01,10\n" +
			"C1,2024-01-01T10:00:00Z,10\n"
		res, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31")})
		require.NoError(t, err)
		assert.Equal(t, 2, byID(res)["C1"].Orders)
	})
	t.Run("an empty order_id falls back to the day", func(t *testing.T) {
		data := "customer_id,date,amount,order_id\n" +
			"C1,2024-01-01,10,\n" +
			"C1,2024-01-01,10,\n" +
			"C1,2024-01-01,10,X\n"
		res, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31")})
		require.NoError(t, err)
		assert.Equal(t, 2, byID(res)["C1"].Orders)
	})
	t.Run("many orders of one customer", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("customer_id,date,amount,order_id\n")
		for i := 0; i < 1000; i++ {
			fmt.Fprintf(&b, "W,2024-01-01,1,O%d\nW,2024-01-01,1,O%d\n", (i*7919)%1000, (i*104729)%1000)
		}
		res, err := readCSV(t, b.String(), Options{AsOf: day(t, "2024-12-31")})
		require.NoError(t, err)
		assert.Equal(t, 1000, byID(res)["W"].Orders)
	})
}

func TestAsOfLeavesOutLaterRows(t *testing.T) {
	data := "customer_id,date,amount\n" +
		"C1,2024-01-01,10\n" +
		"C1,2024-06-30T23:59:59-12:00,10\n" + // the calendar day of its own offset
		"C1,2024-07-01,10\n" +
		"C2,2024-07-02,10\n" +
		"C2,2024-08-01,10\n"
	res, err := readCSV(t, data, Options{AsOf: day(t, "2024-06-30")})
	require.NoError(t, err)
	assert.EqualValues(t, 3, res.Later)
	assert.EqualValues(t, 5, res.Rows)
	require.Len(t, res.Summaries, 1, "C2 has only later rows")
	s := res.Summaries[0]
	assert.Equal(t, customer.ID("C1"), s.CustomerID)
	assert.Equal(t, 2, s.Orders)
	assert.Equal(t, day(t, "2024-06-30"), customer.DateOf(s.AsOf))
	assert.Equal(t, 0, s.Later, "later rows never reach the summary")
}

func TestKindAndCurrencyColumns(t *testing.T) {
	data := "customer_id,date,amount,kind,currency,cost\n" +
		"W1,2024-01-01,1000,wholesaler,EUR,400\n" +
		"W1,2024-02-01,500,,EUR,\n" +
		"C1,2024-01-01,50,,,\n"
	res, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31"), Currency: "EUR", Margin: decimal.RequireFromString("0.5")})
	require.NoError(t, err)
	m := byID(res)
	assert.Equal(t, customer.Intermediary, m["W1"].Kind)
	assert.Equal(t, customer.Consumer, m["C1"].Kind)
	assert.Equal(t, customer.Currency("EUR"), res.Currency)
	assert.True(t, m["W1"].Cost.Equal(decimal.NewFromInt(650)), "400 given + 500 × (1 − 0.5): %s", m["W1"].Cost)

	res, err = readCSV(t, "customer_id,date,amount\nC1,2024-01-01,50\n", Options{AsOf: day(t, "2024-12-31"), Kind: customer.Intermediary})
	require.NoError(t, err)
	assert.Equal(t, customer.Intermediary, res.Summaries[0].Kind)

	_, err = readCSV(t, "customer_id,date,amount\nC1,2024-01-01,50\n", Options{AsOf: day(t, "2024-12-31"), Currency: "XXX"})
	require.EqualError(t, err, `unknown currency "XXX"`)
}

// An empty kind states nothing: a customer's kind is the one its rows
// state, in whatever order they come, and the default only when none
// does. Two stated kinds conflict, at the row that states the second.
func TestKindIsWhatTheRowsState(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, data := range []string{
		"customer_id,date,amount,kind\nA,2024-06-01,10,\nA,2024-01-01,10,intermediary\nB,2024-03-01,5,consumer\n",
		"customer_id,date,amount,kind\nA,2024-01-01,10,intermediary\nA,2024-06-01,10,\nB,2024-03-01,5,consumer\n",
		"customer_id,date,amount,kind\nA,2024-06-01,10,\nA,2024-07-01,10, \nA,2024-01-01,10,dealer\nB,2024-03-01,5,\n",
	} {
		res, err := readCSV(t, data, o)
		require.NoError(t, err, data)
		m := byID(res)
		assert.Equal(t, customer.Intermediary, m["A"].Kind, data)
		assert.Equal(t, customer.Consumer, m["B"].Kind, data)
		checkScan(t, []byte(data), o)
	}

	res, err := readCSV(t, "customer_id,date,amount,kind\nA,2024-06-01,10,\nA,2024-01-01,10,consumer\nB,2024-03-01,5,\n",
		Options{AsOf: day(t, "2024-12-31"), Kind: customer.Intermediary})
	require.NoError(t, err)
	m := byID(res)
	assert.Equal(t, customer.Consumer, m["A"].Kind, "stated on one row of A")
	assert.Equal(t, customer.Intermediary, m["B"].Kind, "the default")

	data := "customer_id,date,amount,kind\nA,2024-06-01,10,\nA,2024-01-01,10,consumer\nA,2024-02-01,10,\nA,2024-03-01,10,wholesaler\n"
	_, err = readCSV(t, data, o)
	require.EqualError(t, err, `orders.csv:5: kind "intermediary": customer "A" is consumer on earlier rows`)
	checkScan(t, []byte(data), o)
	res, err = readCSV(t, data, Options{AsOf: day(t, "2024-12-31"), SkipInvalid: true})
	require.NoError(t, err)
	assert.EqualValues(t, 1, res.Skipped)
	assert.Equal(t, customer.Consumer, res.Summaries[0].Kind)
	assert.Equal(t, "30", res.Summaries[0].Net().String(), "the rejected row changed nothing")
}

// TestLineLongerThanTheLimitIsABadRow: a physical line longer than
// MaxLineBytes is a malformed row, reported at its line: without
// SkipInvalid it stops the run there; with it, the line is skipped and
// counted, its error is among those listed, and the lines after it are
// read. So in the cdnow format.
func TestLineLongerThanTheLimitIsABadRow(t *testing.T) {
	long := strings.Repeat("x", MaxLineBytes+10)
	data := "customer_id,date,amount\nC1,2024-01-01,1\nC1," + long + "\nC2,2024-01-02,2\n"
	_, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31")})
	require.EqualError(t, err, fmt.Sprintf("orders.csv:3: line longer than %d bytes", MaxLineBytes))
	res, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31"), SkipInvalid: true})
	require.NoError(t, err)
	assert.EqualValues(t, 3, res.Rows)
	assert.EqualValues(t, 1, res.Skipped)
	require.Len(t, res.Errors, 1)
	assert.Equal(t, fmt.Sprintf("orders.csv:3: line longer than %d bytes", MaxLineBytes), res.Errors[0].Error())
	assert.Len(t, res.Summaries, 2, "the row after the long line is read")

	cdnow := "1 19970101 1 1\n" + strings.Repeat("9", MaxLineBytes+10) + "\n2 19970102 1 2\n"
	r := NewCDNOWReader(strings.NewReader(cdnow), "c.txt")
	_, err = Summarize(r, "c.txt", Options{AsOf: day(t, "1998-01-01")})
	require.EqualError(t, err, fmt.Sprintf("c.txt:2: line longer than %d bytes", MaxLineBytes))
	r = NewCDNOWReader(strings.NewReader(cdnow), "c.txt")
	res, err = Summarize(r, "c.txt", Options{AsOf: day(t, "1998-01-01"), SkipInvalid: true})
	require.NoError(t, err)
	assert.EqualValues(t, 1, res.Skipped)
	require.Len(t, res.Errors, 1)
	assert.Equal(t, fmt.Sprintf("c.txt:2: line longer than %d bytes", MaxLineBytes), res.Errors[0].Error())
	assert.Len(t, res.Summaries, 2, "the line after the long one is read")
	// A long last line without a line break.
	r = NewCDNOWReader(strings.NewReader("1 19970101 1 1\n"+strings.Repeat("9", MaxLineBytes+10)), "c.txt")
	res, err = Summarize(r, "c.txt", Options{AsOf: day(t, "1998-01-01"), SkipInvalid: true})
	require.NoError(t, err)
	assert.EqualValues(t, 1, res.Skipped)
	assert.Equal(t, fmt.Sprintf("c.txt:2: line longer than %d bytes", MaxLineBytes), res.Errors[0].Error())
	// A line of exactly the limit is read (and fails on its fields).
	r = NewCDNOWReader(strings.NewReader("1 19970101 1 1\n"+strings.Repeat("9", MaxLineBytes)+"\n"), "c.txt")
	_, err = Summarize(r, "c.txt", Options{AsOf: day(t, "1998-01-01")})
	require.EqualError(t, err, "c.txt:2: 1 field, the first data line has 4")
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		f.n++
		return copy(p, "customer_id,date,amount\nC1,2024-01-01,1\n"), nil
	}
	return 0, errors.New("disk on fire")
}

func TestReadErrorStopsEvenWithSkipInvalid(t *testing.T) {
	r, err := NewCSVReader(&failingReader{}, "x.csv")
	require.NoError(t, err)
	_, err = Summarize(r, "x.csv", Options{AsOf: day(t, "2024-12-31"), SkipInvalid: true})
	require.EqualError(t, err, "disk on fire")
}

func TestProgressIsCalled(t *testing.T) {
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for i := 0; i < 2005; i++ {
		fmt.Fprintf(&b, "C%d,2024-01-01,1\n", i%100)
	}
	var calls []int64
	res, err := readCSV(t, b.String(), Options{AsOf: day(t, "2024-12-31"), Every: 1000, Progress: func(rows, bytes int64) {
		calls = append(calls, rows)
		assert.Positive(t, bytes)
	}})
	require.NoError(t, err)
	assert.Equal(t, []int64{1000, 2000}, calls)
	assert.Len(t, res.Summaries, 100)
}

func TestParseFormatAndDay(t *testing.T) {
	f, err := ParseFormat("cdnow")
	require.NoError(t, err)
	assert.Equal(t, CDNOW, f)
	for _, s := range []string{"CSV", "Csv", "CDNOW"} {
		_, err := ParseFormat(s)
		assert.NoError(t, err, "%s: a format name in any case", s)
	}
	assert.Equal(t, "csv", CSV.String())
	assert.Equal(t, "Format(9)", Format(9).String())
	_, err = ParseFormat("xlsx")
	assert.EqualError(t, err, `unknown format "xlsx" (want csv or cdnow)`)
	for _, bad := range []string{"", "1997-9-30", "19970930", "1997-02-29", "1997-09-30T00:00:00Z", "0000-01-01"} {
		_, err := ParseDay(bad)
		assert.Error(t, err, bad)
	}
	d, err := ParseDay("1996-02-29")
	require.NoError(t, err)
	assert.Equal(t, "1996-02-29", d.String())
	// A day of the command line that the calendar has not says so.
	_, err = ParseDay("1997-02-29")
	assert.EqualError(t, err, `date "1997-02-29": want YYYY-MM-DD; there is no 29 February: February 1997 has 28 days`)
	_, err = ParseDay("1997-13-01")
	assert.EqualError(t, err, `date "1997-13-01": want YYYY-MM-DD; there is no month 13: YYYY-MM-DD has the month before the day`)
	_, err = ParseDay("1997-9-30")
	assert.EqualError(t, err, `date "1997-9-30": want YYYY-MM-DD; write it as 1997-09-30: YYYY-MM-DD, with hyphens and a two-digit month and day`)
}

// TestParseDayHints: a date of the command line written otherwise than
// YYYY-MM-DD gets the hint a row's date gets, but a day with a time,
// which a row may have, is to be given alone, and a serial day number,
// which a spreadsheet writes in a row, gets none.
func TestParseDayHints(t *testing.T) {
	for s, want := range map[string]string{
		"2024-12-31T00:00:00Z":     "give the day alone, without a time: 2024-12-31",
		"2024-12-31 10:00":         "give the day alone, without a time: 2024-12-31",
		"2024-12-31T":              "give the day alone, without a time: 2024-12-31",
		"2023-02-29T":              "there is no 29 February: February 2023 has 28 days; give the day alone, without a time",
		"2023-02-29T10:00:00+0200": "there is no 29 February: February 2023 has 28 days; give the day alone, without a time",
		"0000-01-01T00:00:00Z":     "0000-01-01 is before 1900, the first year of a row; give the day alone, without a time",
		"2024/12/31":               "write it as 2024-12-31: YYYY-MM-DD, with hyphens and a two-digit month and day",
		"20241231":                 "write it as 2024-12-31: YYYY-MM-DD, with hyphens and a two-digit month and day",
		"31/12/2024":               "day and month cannot be told apart in D/M/Y and M/D/Y dates (05/03/2024 may be 5 March or 3 May): write dates as YYYY-MM-DD",
		" 2024-12-31 ":             "give the day without the spaces around it: 2024-12-31",
		"45656":                    "",
		"yesterday":                "",
	} {
		_, err := ParseDay(s)
		if want == "" {
			assert.EqualError(t, err, fmt.Sprintf("date %q: want YYYY-MM-DD", s))
			continue
		}
		assert.EqualError(t, err, fmt.Sprintf("date %q: want YYYY-MM-DD; %s", s, want))
	}
}

// TestParseDayOfYearZero: a day of year 0000 on the command line is
// refused with the reason a row of that day is (before 1900), not a bare
// "want YYYY-MM-DD"; a day year 0000 has not is named as for a row, and
// MySQL's zero date as the placeholder it is.
func TestParseDayOfYearZero(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, tc := range []struct{ value, flag, row string }{
		{"0000-01-01", `date "0000-01-01": want YYYY-MM-DD; 0000-01-01 is before 1900, the first year of a row`,
			`date "0000-01-01": 0000-01-01T00:00:00Z is before 1900`},
		{"0000-02-29", `date "0000-02-29": want YYYY-MM-DD; 0000-02-29 is before 1900, the first year of a row`,
			`date "0000-02-29": 0000-02-29T00:00:00Z is before 1900`},
		{"0000-02-30", `date "0000-02-30": want YYYY-MM-DD; there is no 30 February: February 0000 has 29 days`,
			`date "0000-02-30": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339; there is no 30 February: February 0000 has 29 days`},
		{"0000-00-00", `date "0000-00-00": want YYYY-MM-DD; MySQL's zero date, written for a missing date`,
			`date "0000-00-00": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339; MySQL's zero date, written for a missing date: fill in the date in the source system, or leave such rows out (-skip-invalid)`},
	} {
		_, err := ParseDay(tc.value)
		assert.EqualError(t, err, tc.flag)
		_, err = readCSV(t, "customer_id,date,amount\nC1,"+tc.value+",1\n", o)
		assert.EqualError(t, err, "orders.csv:2: "+tc.row, "the row's error, which the flag's follows")
	}
}

var _ io.Reader = (*guard)(nil)

func TestExchangeRows(t *testing.T) {
	data := "customer_id,date,amount,quantity,order_id\n" +
		"C1,2024-01-01,100,2,O1\n" +
		"C1,2024-01-09,0,-1,O1\n"
	res, err := readCSV(t, data, Options{AsOf: day(t, "2024-12-31")})
	require.NoError(t, err)
	s := res.Summaries[0]
	assert.Equal(t, 2, s.Units)
	assert.Equal(t, 1, s.ReturnedUnits)
	assert.Equal(t, 1, s.Exchanges)
	assert.Equal(t, 1, s.Returns)
	assert.Equal(t, 1, s.Orders)
	assert.Equal(t, 1, s.PurchaseDays(), "an exchange is not a purchase")
	assert.True(t, s.Net().Equal(decimal.NewFromInt(100)))
}

// Timestamps count on their own day, with or without an offset, and give
// the same summaries as the plain dates of those days, in both readers.
func TestTimestampDates(t *testing.T) {
	const head = "customer_id,date,order_id,amount\n"
	plain := head + "C1,2025-03-01,O1,10.00\nC1,2025-03-05,O2,20.00\nC2,2025-03-02,O3,5.50\n"
	stamped := head + "C1,2025-03-01 09:15:00,O1,10.00\nC1,2025-03-05T18:00,O2,20.00\nC2,2025-03-02T23:30:00-05:00,O3,5.50\n"
	o := Options{AsOf: day(t, "2025-12-31")}
	want, err := readCSV(t, plain, o)
	require.NoError(t, err)
	got, err := readCSV(t, stamped, o)
	require.NoError(t, err)
	require.Equal(t, want.Summaries, got.Summaries)
	checkScan(t, []byte(stamped), o)
	require.Equal(t, summarizeBytes([]byte(plain), o), tableOutcome(ScanCSV(strings.NewReader(stamped), "f.csv", o, 2)))
}

// TestShapesOfERPExports reads the shapes of fields that ERP and
// spreadsheet exports write: each is read as the value it means, or is
// an error that names it; both readers agree on each.
func TestShapesOfERPExports(t *testing.T) {
	const head = "\ufeff\"customer_id\",\"date\",\"amount\",\"quantity\",\"cost\",\"order_id\",\"category\"\r\n"
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, tc := range []struct {
		name, row string
		net       string // the net read, or
		err       string // the error
	}{
		{"plus sign", `C1,2024-03-05,+12.50,+1,,,`, "12.5", ""},
		{"spaces around", ` C1 , 2024-03-05 , 12.50 , 1 , , , `, "12.5", ""},
		{"spaces within quotes", `"C1"," 2024-03-05 "," 12.50 ",1,,,`, "12.5", ""},
		{"non-breaking space", "C1,2024-03-05,12.50\u00a0,1,,,", "12.5", ""},
		{"no integer digits", `C1,2024-03-05,.5,1,,,`, "0.5", ""},
		{"leading zeros", `C1,2024-03-05,0012.50,1,,,`, "12.5", ""},
		{"time zone", `C1,2024-03-05T23:30:00-05:00,12.50,1,,,`, "12.5", ""},
		{"fraction and zone", `C1,2024-03-05T10:00:00.123456+02:00,12.50,1,,,`, "12.5", ""},
		{"fraction, no zone", `C1,2024-03-05 10:00:00.123,12.50,1,,,`, "12.5", ""},
		{"Z in lower case", `C1,2024-03-05t10:00:00z,12.50,1,,,`, "12.5", ""},
		{"empty optional fields", `C1,2024-03-05,12.50,,,,`, "12.5", ""},
		{"thousands separator", `C1,2024-03-05,"1,234.50",1,,,`, "", `orders.csv:2: amount "1,234.50": not a decimal number`},
		{"exponent", `C1,2024-03-05,12.5e2,1,,,`, "", `orders.csv:2: amount "12.5e2": not a decimal number`},
		{"trailing minus", `C1,2024-03-05,12.50-,-1,,,`, "", `orders.csv:2: amount "12.50-": not a decimal number`},
		{"decimal comma", `C1,2024-03-05,"12,50",1,,,`, "", `orders.csv:2: amount "12,50": not a decimal number`},
		{"quantity with decimals", `C1,2024-03-05,12.50,1.000,,,`, "", `orders.csv:2: quantity "1.000": not an integer (1 or 1000, with a thousands separator?)`},
		{"quantity as a float", `C1,2024-03-05,12.50,1.0,,,`, "12.5", ""},
		{"quantity with a fraction", `C1,2024-03-05,12.50,1.5,,,`, "", `orders.csv:2: quantity "1.5": not an integer`},
		{"offset without colon", `C1,2024-03-05T10:00:00+0200,12.50,1,,,`, "", `orders.csv:2: date "2024-03-05T10:00:00+0200": want YYYY-MM-DD`},
		{"day first", `C1,05.03.2024,12.50,1,,,`, "", `orders.csv:2: date "05.03.2024": want YYYY-MM-DD`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := head + tc.row + "\r\n"
			res, err := readCSV(t, data, o)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
			} else {
				require.NoError(t, err)
				require.Len(t, res.Summaries, 1)
				s := res.Summaries[0]
				assert.Equal(t, customer.ID("C1"), s.CustomerID)
				assert.Equal(t, tc.net, s.Net().String())
				assert.Equal(t, []customer.Day{{Date: day(t, "2024-03-05"), Orders: 1, Net: s.Net()}}, s.Days)
			}
			checkScan(t, []byte(data), o)
		})
	}
}

// TestOffsetOutOfRangeIsRefused: RFC 3339 (§ 5.6) allows offset hours
// 00–23 and minutes 00–59; time.Parse reads -24:00 and +23:60 too. Such a
// row is malformed, with the error of a date and a hint, on the line of
// its date field, on both paths (checkScan), and an offset at the edge of
// the range is read on the day written. With SkipInvalid the row is
// skipped and changes nothing.
func TestOffsetOutOfRangeIsRefused(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	const head = "customer_id,date,amount,order_id\nC1,2024-01-02,10,O1\n"
	for _, v := range []string{"2024-03-05T23:30:00+23:59", "2024-03-05T00:30:00-23:59", "2024-03-05T10:00:00-00:00", "2024-03-05t10:00:00.25+00:00", "2024-03-05 10:00:00+14:00"} {
		data := head + "C1," + v + ",12.50,O2\n"
		res, err := readCSV(t, data, o)
		require.NoError(t, err, v)
		require.Len(t, res.Summaries, 1)
		assert.Equal(t, []customer.Date{day(t, "2024-01-02"), day(t, "2024-03-05")}, purchaseDays(res.Summaries[0]), v)
		checkScan(t, []byte(data), o)
	}
	const hint = " is out of range: an offset is -23:59 to +23:59, hours 00–23 and minutes 00–59 (RFC 3339 § 5.6)"
	for v, off := range map[string]string{
		"2024-03-05T10:00:00-24:00":     "-24:00",
		"2024-03-05T10:00:00+24:00":     "+24:00",
		"2024-03-05T10:00:00+23:60":     "+23:60",
		"2024-03-05 10:00:00.125-00:60": "-00:60",
		"2024-03-05t10:00:00+24:00":     "+24:00",
	} {
		want := `orders.csv:3: date "` + v + `": want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339; the offset ` + off + hint
		for _, row := range []string{"C1," + v + ",12.50,O2", "C1, " + v + " ,12.5x,O2", "C1,\"" + v + "\",-1,"} {
			data := head + row + "\n"
			_, err := readCSV(t, data, o)
			require.Error(t, err, row)
			assert.Equal(t, want, err.Error(), "the date is the first field wrong: %s", row)
			checkScan(t, []byte(data), o)
			clean, err := readCSV(t, head, o)
			require.NoError(t, err)
			res, err := readCSV(t, data, Options{AsOf: o.AsOf, SkipInvalid: true})
			require.NoError(t, err)
			assert.EqualValues(t, 1, res.Skipped)
			assert.Equal(t, customersOf(clean), customersOf(res), "a refused row changes nothing")
			checkScan(t, []byte(data), Options{AsOf: o.AsOf, SkipInvalid: true})
		}
	}
	// An error of the customer_id comes first, as of any other date.
	_, err := readCSV(t, head+",2024-03-05T10:00:00-24:00,1,O2\n", o)
	require.EqualError(t, err, `orders.csv:3: customer_id "": empty`)
	// The line is that of the date field in a record over several lines.
	data := "customer_id,category,date,amount\nC1,\"coats\nwool\",2024-03-05T10:00:00+23:60,12.50\n"
	_, err = readCSV(t, data, o)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), `orders.csv:3: date "2024-03-05T10:00:00+23:60"`), err.Error())
	checkScan(t, []byte(data), o)
}

// purchaseDays returns the days of s on which an order counts.
func purchaseDays(s *customer.Summary) []customer.Date {
	var out []customer.Date
	for _, d := range s.Days {
		if d.Orders != 0 {
			out = append(out, d.Date)
		}
	}
	return out
}

// longLineReader yields head, then n bytes of 'x' without a line break,
// then tail, without holding the long line.
type longLineReader struct {
	head, tail string
	n          int
}

func (l *longLineReader) Read(p []byte) (int, error) {
	switch {
	case l.head != "":
		k := copy(p, l.head)
		l.head = l.head[k:]
		return k, nil
	case l.n > 0:
		k := min(len(p), l.n)
		for i := range p[:k] {
			p[i] = 'x'
		}
		l.n -= k
		return k, nil
	case l.tail != "":
		k := copy(p, l.tail)
		l.tail = l.tail[k:]
		return k, nil
	}
	return 0, io.EOF
}

// TestLongLineMemoryIsBounded: a line far longer than MaxLineBytes is
// read past without being kept, by both csv readers and the cdnow
// reader: the memory allocated is a few blocks, not the line.
func TestLongLineMemoryIsBounded(t *testing.T) {
	const n = 256 << 20
	o := Options{AsOf: day(t, "2024-12-31"), SkipInvalid: true}
	allocated := func(f func()) uint64 {
		var a, b runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&a)
		f()
		runtime.ReadMemStats(&b)
		return b.TotalAlloc - a.TotalAlloc
	}
	const head, tail = "customer_id,date,amount\nC1,2024-01-01,1\nC1,", "\nC2,2024-01-02,2\n"
	want := fmt.Sprintf("orders.csv:3: line longer than %d bytes", MaxLineBytes)
	got := allocated(func() {
		r, err := NewCSVReader(&longLineReader{head: head, tail: tail, n: n}, "orders.csv")
		require.NoError(t, err)
		res, err := Summarize(r, "orders.csv", o)
		require.NoError(t, err)
		assert.Len(t, res.Summaries, 2)
		require.Len(t, res.Errors, 1)
		assert.Equal(t, want, res.Errors[0].Error())
	})
	assert.Less(t, got, uint64(32<<20), "NewCSVReader")
	got = allocated(func() {
		tab, err := ScanCSV(&longLineReader{head: head, tail: tail, n: n}, "orders.csv", o, 2)
		require.NoError(t, err)
		assert.Equal(t, 2, tab.Len())
		require.Len(t, tab.Errors, 1)
		assert.Equal(t, want, tab.Errors[0].Error())
	})
	assert.Less(t, got, uint64(32<<20), "ScanCSV")
	got = allocated(func() {
		r := NewCDNOWReader(&longLineReader{head: "1 19970101 1 1\n", tail: "\n2 19970102 1 2\n", n: n}, "c.txt")
		res, err := Summarize(r, "c.txt", Options{AsOf: day(t, "1998-01-01"), SkipInvalid: true})
		require.NoError(t, err)
		assert.Len(t, res.Summaries, 2)
		require.Len(t, res.Errors, 1)
		assert.Equal(t, fmt.Sprintf("c.txt:2: line longer than %d bytes", MaxLineBytes), res.Errors[0].Error())
	})
	assert.Less(t, got, uint64(32<<20), "CDNOWReader")
}

// TestLongLineOfCROnlyLineEnds: a file whose lines end with CR alone
// ("CSV (Macintosh)") is one physical line, longer than MaxLineBytes
// for any export past 1 MiB: its error says what is wrong with the line
// ends, as it does for a smaller file, rather than only that the line
// is long. So for rows with CR-only line ends after an LF header, in
// both csv readers however the input is cut, and in the cdnow format; a
// long line that ends with CRLF gets no such hint.
func TestLongLineOfCROnlyLineEnds(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31"), SkipInvalid: true}
	var rows strings.Builder
	for i := 0; rows.Len() <= MaxLineBytes+100; i++ {
		fmt.Fprintf(&rows, "C%d,2024-01-01,%d\r", i, i%90+1)
	}
	long := fmt.Sprintf("line longer than %d bytes", MaxLineBytes)
	withHint := long + "; the line holds " + crOnly

	_, err := readCSV(t, "customer_id,date,amount\r"+rows.String(), o)
	require.EqualError(t, err, "orders.csv:1: header: "+withHint)
	_, err = ScanCSV(strings.NewReader("customer_id,date,amount\r"+rows.String()), "orders.csv", o, 2)
	require.EqualError(t, err, "orders.csv:1: header: "+withHint)

	data := "customer_id,date,amount\nC0,2024-01-01,1\n" + rows.String() + "\nC9,2024-01-02,2\n"
	res, err := readCSV(t, data, o)
	require.NoError(t, err)
	require.Len(t, res.Errors, 1)
	assert.Equal(t, "orders.csv:3: "+withHint, res.Errors[0].Error())
	assert.Len(t, res.Summaries, 2)
	checkScan(t, []byte(data), o)
	checkScan(t, []byte(data), Options{AsOf: o.AsOf})

	crlf := "customer_id,date,amount\nC0,2024-01-01,1\n" + strings.Repeat("y", MaxLineBytes+1) + "\r\n"
	res, err = readCSV(t, crlf, o)
	require.NoError(t, err)
	require.Len(t, res.Errors, 1)
	assert.Equal(t, "orders.csv:3: "+long, res.Errors[0].Error(), "a CR before the LF is no CR-only line end")

	var cd strings.Builder
	for i := 0; cd.Len() <= MaxLineBytes+100; i++ {
		fmt.Fprintf(&cd, "%d 19970101 1 %d\r", i+1, i%90+1)
	}
	for _, data := range []string{cd.String(), "1 19970101 1 1\n" + cd.String() + "\n2 19970102 1 2\n"} {
		line := strings.Count(data[:strings.IndexByte(data, '\r')], "\n") + 1
		r := NewCDNOWReader(strings.NewReader(data), "c.txt")
		_, err = Summarize(r, "c.txt", Options{AsOf: day(t, "1998-01-01")})
		require.EqualError(t, err, fmt.Sprintf("c.txt:%d: %s", line, withHint))
	}
}

// slowLongLine yields head, then 'x' without a line break, 16 KiB a
// read after a pause of a millisecond, up to limit bytes in all, then
// fails: a line that a reader that stops at it need not read past.
type slowLongLine struct {
	head  string
	limit int
	read  int
}

func (l *slowLongLine) Read(p []byte) (int, error) {
	if l.head != "" {
		k := copy(p, l.head)
		l.head = l.head[k:]
		l.read += k
		return k, nil
	}
	if l.read >= l.limit {
		return 0, errors.New("read past the long line")
	}
	time.Sleep(time.Millisecond)
	k := min(len(p), 16<<10, l.limit-l.read)
	for i := range p[:k] {
		p[i] = 'x'
	}
	l.read += k
	return k, nil
}

// TestStopAtALongLineReadsNoFurther: a reader that stops at a line too
// long, in the header or, without SkipInvalid, in the rows, in either
// format, does not
// read past the rest of the line first, which may be the rest of a file
// of many gigabytes (one without line breaks, or whose lines end with CR
// alone): the error comes after a few blocks.
func TestStopAtALongLineReadsNoFurther(t *testing.T) {
	const limit = 64 << 20
	o := Options{AsOf: day(t, "2024-12-31")}
	want := fmt.Sprintf("orders.csv:3: line longer than %d bytes", MaxLineBytes)
	r := &slowLongLine{head: "customer_id,", limit: limit}
	_, err := NewCSVReader(r, "orders.csv")
	require.EqualError(t, err, fmt.Sprintf("orders.csv:1: header: line longer than %d bytes", MaxLineBytes))
	assert.Less(t, r.read, 8<<20, "NewCSVReader")

	const head = "customer_id,date,amount\nC1,2024-01-01,1\nC1,"
	r = &slowLongLine{head: head, limit: limit}
	cr, err := NewCSVReader(r, "orders.csv")
	require.NoError(t, err)
	_, err = Summarize(cr, "orders.csv", o)
	require.EqualError(t, err, want)
	assert.Less(t, r.read, 8<<20, "Summarize")

	r = &slowLongLine{head: head, limit: limit}
	_, err = ScanCSV(r, "orders.csv", o, 2)
	require.EqualError(t, err, want)
	assert.Less(t, r.read, limit, "ScanCSV")

	r = &slowLongLine{head: "1 19970101 1 1\n", limit: limit}
	_, err = Summarize(NewCDNOWReader(r, "c.txt"), "c.txt", Options{AsOf: day(t, "1998-01-01")})
	require.EqualError(t, err, fmt.Sprintf("c.txt:2: line longer than %d bytes", MaxLineBytes))
	assert.Less(t, r.read, 8<<20, "CDNOWReader")
}
