package input

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// drawAmount draws the text of a non-negative amount: up to 20 integer
// digits (mostly few) and 0 to 20 decimals (mostly up to 18), with
// trailing zeros at times, as spreadsheets and pandas write them
// (15.299999999999999).
func drawAmount(t *rapid.T, label string) string {
	var ip string
	switch rapid.IntRange(0, 39).Draw(t, label+"-size") {
	case 0:
		ip = "0"
	case 1, 2, 3: // a day's net past the 37 bits of a fixed day
		ip = fmt.Sprint(rapid.Int64Range(1_000_000, 99_999_999).Draw(t, label+"-int"))
	case 4: // past the fixed record, within or past the wide one
		ip = fmt.Sprint(rapid.Uint64Range(1e13, 1<<63).Draw(t, label+"-int"))
		ip += strings.Repeat("9", rapid.IntRange(0, 2).Draw(t, label+"-more"))
	default:
		ip = fmt.Sprint(rapid.IntRange(0, 999).Draw(t, label+"-int"))
	}
	if rapid.IntRange(0, 9).Draw(t, label+"-zeros?") == 0 {
		ip = strings.Repeat("0", rapid.IntRange(1, 16).Draw(t, label+"-zeros")) + ip
	}
	n := rapid.SampledFrom([]int{0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 9, 12, 15, 15, 17, 18, 18, 19, 20}).Draw(t, label+"-decimals")
	if n == 0 {
		return ip
	}
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + rapid.IntRange(0, 9).Draw(t, label+"-digit")))
	}
	return ip + "." + b.String()
}

// tester is what *testing.T and *rapid.T both are.
type tester interface {
	require.TestingT
	Helper()
	Fatalf(format string, args ...any)
}

// summariesOf returns every summary of t, built once by Table.Summary
// and once by a Summarizer (which must agree).
func summariesOf(t tester, tab *Table) []customer.Summary {
	out := make([]customer.Summary, tab.Len())
	z := tab.Summarizer()
	var s customer.Summary
	for i := range out {
		tab.Summary(i, &out[i])
		out[i].Days = append([]customer.Day(nil), out[i].Days...)
		out[i].Categories = append([]string(nil), out[i].Categories...)
		z.Summary(i, &s)
		requireSameSummary(t, &out[i], &s)
	}
	return out
}

// requireSameSummary checks that every exported field of a and b is the
// same, decimals to the exponent (the string a decimal prints).
func requireSameSummary(t tester, a, b *customer.Summary) {
	t.Helper()
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	sameDec := func(x, y decimal.Decimal, what string) {
		if !x.Equal(y) || x.Exponent() != y.Exponent() {
			t.Fatalf("%s %s: %s (exponent %d) != %s (exponent %d)", a.CustomerID, what, x, x.Exponent(), y, y.Exponent())
		}
	}
	for i := range va.NumField() {
		f := va.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		if va.Field(i).Kind() == reflect.Slice && va.Field(i).Len() == 0 && vb.Field(i).Len() == 0 {
			continue // nil or empty alike
		}
		x, y := va.Field(i).Interface(), vb.Field(i).Interface()
		switch x := x.(type) {
		case decimal.Decimal:
			sameDec(x, y.(decimal.Decimal), f.Name)
		case []customer.Day:
			y := y.([]customer.Day)
			require.Len(t, y, len(x), "%s days", a.CustomerID)
			for j := range x {
				require.Equal(t, x[j].Date, y[j].Date)
				require.Equal(t, x[j].Orders, y[j].Orders, "%s day %s", a.CustomerID, x[j].Date)
				sameDec(x[j].Net, y[j].Net, "net of "+x[j].Date.String())
			}
		default:
			require.Equal(t, x, y, "%s %s", a.CustomerID, f.Name)
		}
	}
}

// TestWideTierMatchesDecimalPath writes random exports whose amounts,
// costs and discounts have 0 to 20 decimals (and up to 21 integer
// digits), with
// returns, exchanges, free goods, several days and orders per customer,
// dates that take the fast parser and others that do not, and checks
// that ScanCSV gives the same table with the wide tier as without it,
// when every customer with an amount of more than four decimals takes
// the decimal path: every field of every summary, decimals to the
// exponent, and the counts and errors.
func TestWideTierMatchesDecimalPath(t *testing.T) {
	defer func() { wideTier = true }()
	var wide, slow, fixed int
	rapid.Check(t, func(t *rapid.T) {
		base := customer.DateFromYMD(2024, 1, 1)
		asOf := base + 30
		cols := rapid.Permutation([]string{"customer_id", "date", "amount", "quantity", "order_id", "cost", "category", "discount"}).Draw(t, "columns")
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		require.NoError(t, w.Write(cols))
		n := rapid.IntRange(1, 60).Draw(t, "rows")
		for range n {
			amount := drawAmount(t, "amount")
			units := rapid.IntRange(0, 3).Draw(t, "units")
			cost := ""
			if rapid.Bool().Draw(t, "cost?") {
				cost = drawAmount(t, "cost")
			}
			discount := ""
			switch rapid.IntRange(0, 3).Draw(t, "discount?") {
			case 1:
				discount = drawAmount(t, "discount")
			case 2:
				discount = rapid.SampledFrom([]string{"0", "0.00", "0.000000000", "-0.0"}).Draw(t, "zero discount")
			}
			switch rapid.IntRange(0, 5).Draw(t, "kind of row") {
			case 0: // a return
				amount, units = "-"+amount, -units
				if cost != "" && rapid.Bool().Draw(t, "negative cost") {
					cost = "-" + cost
				}
			case 1: // an exchange or free goods
				amount = rapid.SampledFrom([]string{"0", "0.00", "0.000000000", "-0.0"}).Draw(t, "zero")
				units = rapid.IntRange(-2, 2).Draw(t, "units")
			}
			// A refund's discount of either sign; on a sale a negative
			// one is an error.
			if discount != "" && rapid.IntRange(0, 4).Draw(t, "negative discount") == 0 {
				discount = "-" + discount
			}
			d := base + customer.Date(rapid.IntRange(0, 35).Draw(t, "day"))
			date := d.String()
			switch rapid.IntRange(0, 5).Draw(t, "date form") {
			case 0:
				date += "T10:00:00+01:00" // not the fast parser's
			case 1:
				date += " 23:59:00"
			case 2:
				// A leap second, at the end of a month in UTC (the
				// as-of day): the fast parser's.
				date = (base + 30).String() + "T23:59:60Z"
			case 3:
				// The same in another offset: not the fast parser's.
				date = (base + 30).String() + "T15:59:60-08:00"
			}
			rec := make([]string, len(cols))
			for j, c := range cols {
				switch c {
				case "customer_id":
					rec[j] = rapid.SampledFrom([]string{"C1", "C2", "C3", "C4", "C5"}).Draw(t, "customer")
				case "date":
					rec[j] = date
				case "amount":
					rec[j] = amount
				case "quantity":
					rec[j] = fmt.Sprint(units)
				case "order_id":
					rec[j] = rapid.SampledFrom([]string{"", "A", "B", "C"}).Draw(t, "order")
				case "cost":
					rec[j] = cost
				case "category":
					rec[j] = rapid.SampledFrom([]string{"", "shirts", "coats"}).Draw(t, "category")
				case "discount":
					rec[j] = discount
				}
			}
			require.NoError(t, w.Write(rec))
		}
		w.Flush()
		o := Options{AsOf: asOf, SkipInvalid: true}
		if rapid.Bool().Draw(t, "margin?") {
			o.Margin = decimal.RequireFromString(rapid.SampledFrom([]string{"0.35", "0.5", "0.123456789"}).Draw(t, "margin"))
		}
		workers := rapid.IntRange(1, 3).Draw(t, "workers")
		scan := func(on bool) (*Table, []customer.Summary) {
			wideTier = on
			tab, err := ScanCSV(bytes.NewReader(buf.Bytes()), "w.csv", o, workers)
			require.NoError(t, err)
			return tab, summariesOf(t, tab)
		}
		tw, sw := scan(true)
		td, sd := scan(false)
		require.Equal(t, [5]int64{td.Rows, td.Blank, td.Headers, td.Later, td.Skipped}, [5]int64{tw.Rows, tw.Blank, tw.Headers, tw.Later, tw.Skipped})
		require.Equal(t, fmt.Sprint(td.Errors), fmt.Sprint(tw.Errors))
		require.Len(t, sw, len(sd))
		for i := range sd {
			requireSameSummary(t, &sd[i], &sw[i])
		}
		for _, s := range tw.shards {
			for i := range s.n {
				switch r := s.rec(i); {
				case r.wide:
					wide++
				case r.slow:
					slow++
				default:
					fixed++
				}
			}
		}
	})
	t.Logf("customers: %d wide, %d on the decimal path, %d fixed", wide, slow, fixed)
	require.Positive(t, wide)
	require.Positive(t, slow)
	require.Positive(t, fixed)
}

// FuzzParseWide checks that parseWide reads what customer.ParseAmount
// reads, to the value and the exponent, whenever it reads a text.
func FuzzParseWide(f *testing.F) {
	for _, s := range []string{"0", "-0", "1", "-1.5", "15.299999999999999", "0.000000000000000001", "0.0000000000000000001",
		"9999999999999999999.999999999999999999", "10000000000000000000", "1.", ".5", "+1", "1e3", "", "-", "00012.5000", "-0.000",
		"000000000000001", "-99999999999999.9999", "100000000000000", "1.00000", "0000000000000000001.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, e, ok := parseWide(s)
		if !ok {
			return
		}
		d, err := customer.ParseAmount(s)
		require.NoError(t, err, "%q", s)
		got := wideDec(v, int32(e))
		require.True(t, got.Equal(d), "%q: %s", s, got)
		require.Equal(t, d.Exponent(), got.Exponent(), "%q", s)
		w, we, ok := toWide(d)
		require.True(t, ok, "%q", s)
		require.Equal(t, v, w, "%q", s)
		require.Equal(t, e, we, "%q", s)
		// The fast path's choice of tier is toFixed's.
		fv, wide, ok := parseFixedOrWide(s)
		require.True(t, ok, "%q", s)
		tv, fits := toFixed(d)
		require.Equal(t, !fits, wide, "%q", s)
		if fits {
			require.Equal(t, tv, fv, "%q", s)
		}
	})
}

// FuzzWideTier checks that ScanCSV gives the same table, decimals to the
// exponent, with the wide tier and without it on any input.
func FuzzWideTier(f *testing.F) {
	f.Add([]byte("customer_id,date,amount,cost,quantity\nA,2024-01-01,15.299999999999999,,1\nA,2024-01-01,-7.649999999999999,3.1000000000001,-1\nA,2024-01-02T10:00:00+01:00,0.000000000,0.5,-1\nB,2024-01-03,100,1.123456789,1\nB,2024-01-03,1.0000000000000000001,,1\n"), true)
	f.Add([]byte("customer_id,date,amount,order_id\nA,2024-01-01,9999999.123456789,1\nA,2024-01-01,9999999.1,2\nA,2024-01-01,-12345678901234567.5,3\n"), false)
	f.Add([]byte("customer_id,date,amount,discount,quantity\nA,2024-01-01,15.299999999999999,2.5,1\nA,2024-01-02,-7.5,-0.000000000000001,-1\nA,2024-01-02,-7.5,0.00,-1\nB,2024-01-03,100,0.1234567,1\nB,2024-01-03,1,-1,1\nC,2024-01-04,2,0.00000000000000000001,1\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		defer func() { wideTier = true }()
		o := Options{AsOf: customer.DateFromYMD(2024, 6, 30), SkipInvalid: skip}
		wideTier = false
		td, errd := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
		wideTier = true
		tw, errw := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
		require.Equal(t, fmt.Sprint(errd), fmt.Sprint(errw))
		if errd != nil {
			return
		}
		require.Equal(t, [5]int64{td.Rows, td.Blank, td.Headers, td.Later, td.Skipped}, [5]int64{tw.Rows, tw.Blank, tw.Headers, tw.Later, tw.Skipped})
		require.Equal(t, fmt.Sprint(td.Errors), fmt.Sprint(tw.Errors))
		sd, sw := summariesOf(t, td), summariesOf(t, tw)
		require.Len(t, sw, len(sd))
		for i := range sd {
			requireSameSummary(t, &sd[i], &sw[i])
		}
	})
}
