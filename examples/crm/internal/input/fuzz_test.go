package input

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"pgregory.net/rapid"
)

// checkResult checks what holds for any successful Summarize.
func checkResult(t *testing.T, res *Result, skip bool) {
	t.Helper()
	require.LessOrEqual(t, res.Skipped, res.Rows)
	require.LessOrEqual(t, res.Later, res.Rows)
	require.GreaterOrEqual(t, res.Blank, int64(0))
	require.GreaterOrEqual(t, res.Headers, int64(0))
	require.Len(t, res.Errors, int(min(res.Skipped, MaxReportedErrors)))
	if !skip {
		require.Zero(t, res.Skipped)
	}
	for i, s := range res.Summaries {
		require.NotEmpty(t, s.CustomerID)
		if i > 0 {
			require.Negative(t, salesrow.CompareIDs(string(res.Summaries[i-1].CustomerID), string(s.CustomerID)), "sorted, unique")
		}
		require.True(t, s.Currency == "" || s.Currency == res.Currency)
		require.GreaterOrEqual(t, s.Orders, 0)
		if x, tx, T, ok := s.BTYD(customer.Days); ok {
			require.GreaterOrEqual(t, x, 0)
			require.GreaterOrEqual(t, tx, 0.0)
			require.LessOrEqual(t, tx, T)
		}
	}
}

func fingerprint(res *Result) string {
	var b strings.Builder
	for _, s := range res.Summaries {
		fmt.Fprintf(&b, "%s %d %d %s %s|", s.CustomerID, s.Orders, s.Units, s.Net(), s.Cost)
	}
	fmt.Fprintf(&b, "%d %d %d %d %d", res.Rows, res.Blank, res.Headers, res.Later, res.Skipped)
	return b.String()
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("customer_id,date,amount\nC1,2024-01-01,1\n"), false)
	f.Add([]byte("\ufeffamount,customer_id,date,order_id,quantity,cost,kind,currency\r\n1.5,\"C,1\",2024-01-01T10:00:00+02:00,O1,1,0.5,wholesaler,USD\r\n-1.5,\"C,1\",2024-01-02,O1,-1,,,\r\n"), true)
	f.Add([]byte("customer_id,date,amount\nC1,2024-01-01,NaN\nC1,2024-13-01,1\n,2024-01-01,1\nC1,2024-01-01,1e400\n"), true)
	f.Add([]byte("customer_id,date,amount\n\"C1,2024-01-01,1\nC2,2024-01-01,1\n"), true)
	f.Add([]byte("customer_id,date\n"), false)
	f.Add([]byte(""), false)
	f.Add([]byte("customer_id,date,amount,category\nC1,2024-01-01,1,\"x\nC2,2024-01-01,1,x\nC3,2024-01-01,1,W32\"\nC4,2024-01-01,1,\"coats\nwool\"\n"), true)
	f.Add([]byte("customer_id,date,amount\nC1,2024-01-01,1\n,,\n , ,\t\n\n\"\",\"\",\"\"\n,5,\n,,,,\n"), true)
	f.Add([]byte("customer_id,date,amount\r\n,,\r\n\r\n"), false)
	f.Add([]byte("customer_id,date,amount\nA,2024-01-02,10\ncustomer_id,date,amount\nB,2024-02-03,5\n Customer_ID ,DATE,\"amount\"\r\n"), false)
	f.Add([]byte("customer_id,date,amount\nA,2024-01-02,10\ncustomer_id,amount,date\ncustomer_id,date\n"), true)
	// The exports of a Chinese brand: GBK text, full-width digits, 元, 万,
	// 折, Chinese dates and names, full-width commas.
	f.Add([]byte("customer_id,date,amount,quantity,discount,currency,category\n\xd5\xc5\xc8\xfd,2024-01-02,10,1,0,CNY,\xc1\xac\xd2\xc2\xc8\xb9\n"+
		"C1,２０２４-０３-０５,１２．５０,１,8折,RMB,\xc4\xd0\nC1,2024年3月5日,12元,２,0,ＣＮＹ,\xe5\xbc\xa0\xe4\xb8\n"+
		"C2,2024-03-05 下午3:30,1.2万,１０,１０%,￥,上衣\n张三，2024-03-05，12\n"), true)
	f.Add([]byte("会员卡号,销售日期,实收金额\nC1,2024-01-02,10\n"), false)
	f.Add([]byte("customer_id，date，amount\nC1，2024-01-02，10\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		o := Options{AsOf: customer.DateFromYMD(2024, 6, 30), SkipInvalid: skip}
		run := func() (*Result, error) {
			r, err := NewCSVReader(bytes.NewReader(data), "f.csv")
			if err != nil {
				return nil, err
			}
			return Summarize(r, "f.csv", o)
		}
		res, err := run()
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "f.csv") || strings.HasPrefix(err.Error(), "unknown currency"), err.Error())
			return
		}
		checkResult(t, res, skip)
		res2, err := run()
		require.NoError(t, err)
		require.Equal(t, fingerprint(res), fingerprint(res2), "deterministic")
	})
}

func FuzzCDNOW(f *testing.F) {
	f.Add([]byte("00004 0001 19970101 2 29.33\r\n00004 0001 19970118 2 29.73\r\n"), false)
	f.Add([]byte("customer_id date quantity amount\n1 19970101 1 1\n1 19970101 1 -1\n"), true)
	f.Add([]byte("1 19970101 1 NaN\n1 19971301 1 1\n1 19970101 1\n1 2 3 4 5 6 7\n"), true)
	f.Add([]byte("\n\n"), false)
	f.Add([]byte("customer_id date quantity amount\n1 19970101 1 1\n\n  \r\nCUSTOMER_ID date quantity amount\r\n1 19970201 1 1\ncustomer_id date qty amount\n"), true)
	f.Add([]byte("\ufeffmaster_id customer_id date quantity amount\n1 1 19970101 1 1\n\ufeffmaster_id customer_id date quantity amount\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		o := Options{AsOf: customer.DateFromYMD(1997, 9, 30), SkipInvalid: skip}
		res, err := Summarize(NewCDNOWReader(bytes.NewReader(data), "f.txt"), "f.txt", o)
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "f.txt"), err.Error())
			return
		}
		checkResult(t, res, skip)
		res2, err := Summarize(NewCDNOWReader(bytes.NewReader(data), "f.txt"), "f.txt", o)
		require.NoError(t, err)
		require.Equal(t, fingerprint(res), fingerprint(res2), "deterministic")
	})
}

type genRow struct {
	cust, order string
	date        customer.Date
	cents       int64
	units       int
}

// TestSummarizeMatchesAModel writes random exports (columns in random
// order, an unknown column, quoting, LF or CRLF, blank rows, empty lines
// and the header again anywhere) and checks the summaries against a
// direct computation of the documented rules: rows after as-of left out
// and counted; blank rows and repeated headers passed over and counted,
// each apart; orders are the distinct order keys
// (order_id, or the day without one) of non-negative rows; the net is the
// sum of amounts; an order counts on the earliest day of its sale rows,
// whatever the order of the rows (the rows come in random order of
// dates), and a purchase day is a day where an order counts.
func TestSummarizeMatchesAModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := customer.DateFromYMD(2024, 1, 1)
		asOf := base + 30
		withOrder := rapid.Bool().Draw(t, "withOrder")
		n := rapid.IntRange(1, 40).Draw(t, "rows")
		rows := make([]genRow, n)
		for i := range rows {
			r := genRow{
				cust:  rapid.SampledFrom([]string{"C1", "C2", "x,y", "10", "9"}).Draw(t, "cust"),
				date:  base + customer.Date(rapid.IntRange(0, 60).Draw(t, "day")),
				cents: rapid.Int64Range(-5000, 20000).Draw(t, "cents"),
			}
			if withOrder {
				r.order = rapid.SampledFrom([]string{"", "A", "B", "C", "D"}).Draw(t, "order")
			}
			switch {
			case r.cents > 0:
				r.units = rapid.IntRange(0, 3).Draw(t, "units")
			case r.cents < 0:
				r.units = -rapid.IntRange(0, 3).Draw(t, "units")
			}
			rows[i] = r
		}
		cols := []string{"customer_id", "date", "amount", "quantity", "note"}
		if withOrder {
			cols = append(cols, "order_id")
		}
		perm := rapid.Permutation(cols).Draw(t, "columns")
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.UseCRLF = rapid.Bool().Draw(t, "crlf")
		require.NoError(t, w.Write(perm))
		eol := "\n"
		if w.UseCRLF {
			eol = "\r\n"
		}
		blank, headers := int64(0), int64(0)
		for _, r := range rows {
			if rapid.IntRange(0, 3).Draw(t, "blank?") == 0 {
				w.Flush()
				buf.WriteString(rapid.SampledFrom(blankShapes).Draw(t, "blank") + eol)
				blank++
			}
			if rapid.IntRange(0, 5).Draw(t, "header?") == 0 {
				w.Flush()
				buf.WriteString(headerRow(t, perm) + eol)
				headers++
			}
			rec := make([]string, len(perm))
			for j, c := range perm {
				switch c {
				case "customer_id":
					rec[j] = r.cust
				case "date":
					// The day, or a time on it: leap seconds too,
					// which are on the day written, at the end of
					// a month in UTC.
					times := []string{"", "", " 23:59:59", "T23:59:59.5+01:00"}
					if (r.date + 1).Time().Day() == 1 {
						times = append(times, "T23:59:60Z", " 23:59:60", "T15:59:60-08:00", "T23:59:60.5-00:00")
					}
					if r.date.Time().Day() == 1 {
						times = append(times, "T00:59:60+01:00", "t05:29:60.5+05:30")
					}
					rec[j] = r.date.String() + rapid.SampledFrom(times).Draw(t, "time")
				case "amount":
					rec[j] = decimal.New(r.cents, -2).String()
				case "quantity":
					rec[j] = fmt.Sprint(r.units)
				case "note":
					rec[j] = "a \"quoted\", note"
				case "order_id":
					rec[j] = r.order
				}
			}
			require.NoError(t, w.Write(rec))
		}
		w.Flush()

		cr, err := NewCSVReader(&buf, "m.csv")
		require.NoError(t, err)
		res, err := Summarize(cr, "m.csv", Options{AsOf: asOf})
		require.NoError(t, err)

		type model struct {
			orders   map[string]customer.Date // the order's earliest day
			net      int64
			units    int
			returned int
		}
		want := map[string]*model{}
		later := int64(0)
		for _, r := range rows {
			if r.date > asOf {
				later++
				continue
			}
			m := want[r.cust]
			if m == nil {
				m = &model{orders: map[string]customer.Date{}}
				want[r.cust] = m
			}
			m.net += r.cents
			if r.cents < 0 {
				m.returned -= r.units
				continue
			}
			m.units += r.units
			key := "order:" + r.order
			if r.order == "" {
				key = "day:" + r.date.String()
			}
			if d, ok := m.orders[key]; !ok || r.date < d {
				m.orders[key] = r.date
			}
		}
		require.Equal(t, later, res.Later)
		require.Equal(t, blank, res.Blank)
		require.Equal(t, headers, res.Headers)
		require.EqualValues(t, len(rows), res.Rows)
		require.Len(t, res.Summaries, len(want))
		for _, s := range res.Summaries {
			m := want[string(s.CustomerID)]
			require.NotNil(t, m)
			require.Equal(t, len(m.orders), s.Orders, s.CustomerID)
			require.Equal(t, m.units, s.Units)
			require.Equal(t, m.returned, s.ReturnedUnits)
			require.True(t, s.Net().Equal(decimal.New(m.net, -2)), "%s: %s != %d", s.CustomerID, s.Net(), m.net)
			byDay := map[customer.Date]int{}
			for _, d := range m.orders {
				byDay[d]++
			}
			got := map[customer.Date]int{}
			for _, d := range s.Days {
				if d.Orders != 0 {
					got[d.Date] = d.Orders
				}
			}
			require.Equal(t, byDay, got, s.CustomerID)
			require.Equal(t, len(byDay), s.PurchaseDays())
		}
	})
}

// The fast path reads a date field only as the rules of salesrow read it,
// on the same day; what it does not take, the exact path judges, so a
// one-row export gives ScanCSV what it gives Summarize, error text
// included.
func FuzzFastDate(f *testing.F) {
	for _, s := range []string{
		"2025-03-01", "2025-03-01 09:15:00", "2025-03-01T23:59", "2025-03-01t00:00:00.5", "2025-03-01 24:00",
		"2025-03-01T10:00:00Z", "2025-03-01 9:15", "2025-03-01T10:00:00.", "2025-02-29 10:00", "0000-01-01 00:00",
		"2024-12-12T14:23:05+01:00", "2024-12-12T14:23:05.123+08:00", "2024-12-12 14:23:05+01:00", "2024-12-12t14:23:05z",
		"2024-12-12T14:23:05Z", "2024-12-12T23:30:00-05:00", "2024-12-12T00:30:00+14:00", "2024-12-12T23:30:00-14:00",
		"2024-12-12T14:23:05-00:00", "2024-12-12T14:23:05+23:59", "2024-12-12T14:23:05+24:00", "2024-12-12T14:23:05+01:60",
		"2024-12-12T24:00:00Z", "2024-12-12T24:00:00+01:00", "2016-12-31T23:59:60Z", "2016-12-31T23:59:60+01:00",
		"2023-02-29T10:00:00Z", "2024-02-29T10:00:00+01:00", "1900-02-29T10:00:00Z", "2000-02-29T10:00:00-01:00",
		"2024-12-12T14:23Z", "2024-12-12T14:23+01:00", "2024-12-12T14:23:05.1234567891Z", "2024-12-12T14:23:05.1234567891+01:00",
		"2024-12-12T14:23:05+01:00x", "2024-12-12T14:23:05Zz", "2024-12-12T14:23:05+0100", "2024-12-12T14:23:05+01",
		"2024-12-12T14:23:05 +01:00", "2024-12-12T14:23:05,5+01:00", "2024-12-12T14:23:05.Z", "2024-12-12T14:23:05Z ",
		"2024-12-12T14:23:05+01:00z", "2024-12-12T14:23:05z+01:00", "2024-12-12T14:23:05\u00a0", "2024-12-12T4:23:05Z",
		"0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "1899-12-31T23:59:59-01:00", "1900-01-01T00:00:00+14:00",
		"9999-12-31T23:59:59-23:59", "2024-12-12T14:23:05-24:00", "2024-12-12 14:23:05.5+23:60", "2024-12-12t14:23:05-99:00", "2024-12-12T14:23:05+01:00\n", "2024-12-12X14:23:05Z", "2024-12-1214:23:05Z",
		"2016-12-31 23:59:60", "2016-12-31T15:59:60-08:00", "2016-12-31T23:58:60Z", "2016-12-31T00:59:60.5+01:00", "2016-12-31T23:59:60.Z",
		"2016-12-30T23:59:60Z", "2017-01-01T00:59:60+01:00", "2016-12-31T23:59:60-00:00", "2016-12-31T23:59:60+00:00", "2024-02-29 23:59:60.5",
		"2023-02-29T23:59:60Z", "2016-12-31T23:59:60-08:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Both paths read the field trimmed.
		field := strings.TrimSpace(s)
		if got, ok := parseDay10(dayText(field)); ok {
			want, why := salesrow.ParseDate(field)
			require.Empty(t, why, "%q: the fast path takes a date the rules reject", field)
			require.False(t, offsetOutOfRange(field), "%q: the fast path takes an offset out of range", field)
			require.Equal(t, want, got, "%q", field)
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		for _, rec := range [][]string{{"customer_id", "date", "amount"}, {"C1", s, "1"}, {"C1", s, "2.5"}} {
			require.NoError(t, w.Write(rec))
		}
		w.Flush()
		o := Options{AsOf: customer.DateFromYMD(9999, 12, 31), SkipInvalid: true}
		want := summarizeBytes(b.Bytes(), o)
		got := tableOutcome(ScanCSV(bytes.NewReader(b.Bytes()), "f.csv", o, 1))
		require.Equal(t, want, got, "%q", s)
	})
}

// rfc3339 is an RFC 3339 timestamp with an offset, of the least length.
const rfc3339 = "2006-01-02T15:04:05+07:00"

// offsetOutOfRange reports whether s, an RFC 3339 timestamp, ends in an
// offset ±hh:mm out of the range of RFC 3339 (§ 5.6: time-numoffset,
// time-hour 00–23 and time-minute 00–59), as -24:00 or +23:60, which
// customer.ParseDay refuses (though time.Parse reads them): the hint of
// such a date says so (rowhint.Date). The fast path (clockTime) takes none
// of them.
func offsetOutOfRange(s string) bool {
	n := len(s)
	if n < len(rfc3339) || s[n-3] != ':' || s[n-6] != '+' && s[n-6] != '-' {
		return false
	}
	return !two(s[n-5:], 23) || !two(s[n-2:], 59)
}
