package input

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

// earlyText prints what Table.EarlierOf and the days tell of a customer
// as of a day: its ID, kind, units, returned units, orders and days.
func earlyText(id customer.ID, k customer.Kind, units, returned, orders int, days []customer.Day) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s u%d ru%d o%d [", id, k, units, returned, orders)
	for _, d := range days {
		fmt.Fprintf(&b, "%s:%d:%s ", d.Date, d.Orders, d.Net.String())
	}
	b.WriteString("]")
	return b.String()
}

// scannedAsOf is the text of the customers of data scanned as of
// earlier, and their counts; ok is false when the scan fails.
func scannedAsOf(data []byte, o Options, earlier customer.Date) (string, bool) {
	o.AsOf, o.KeepEarlier = earlier, false
	tab, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
	if err != nil {
		return "error: " + err.Error(), false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "customers %d later %d\n", tab.Len(), tab.Later)
	var s customer.Summary
	for i := range tab.Len() {
		tab.Summary(i, &s)
		fmt.Fprintln(&b, earlyText(s.CustomerID, s.Kind, s.Units, s.ReturnedUnits, s.Orders, s.Days))
	}
	return b.String(), true
}

// keptEarlier is the same text from the state as of earlier that a scan
// as of o.AsOf keeps; ok is false when the table holds none.
func keptEarlier(data []byte, o Options, earlier customer.Date, workers int) (string, bool) {
	o.Earlier, o.KeepEarlier = earlier, true
	tab, err := ScanCSV(bytes.NewReader(data), "f.csv", o, workers)
	if err != nil || !tab.HasEarlier() {
		return "", false
	}
	n, later := tab.EarlierCounts()
	var b strings.Builder
	fmt.Fprintf(&b, "customers %d later %d\n", n, later)
	var s customer.Summary
	for i := range tab.Len() {
		e, ok := tab.EarlierOf(i)
		if !ok {
			continue
		}
		tab.Summary(i, &s)
		k, orders := 0, 0
		for k < len(s.Days) && s.Days[k].Date <= earlier {
			orders += s.Days[k].Orders
			k++
		}
		fmt.Fprintln(&b, earlyText(s.CustomerID, e.Kind, e.Units, e.ReturnedUnits, orders, s.Days[:k]))
	}
	return b.String(), true
}

func TestEarlierStateIsThatOfAScanAsOfEarlier(t *testing.T) {
	buf := generatedShop(t, 2000, 300)
	o := Options{AsOf: customer.DateFromYMD(2025, 12, 31)}
	for _, earlier := range []customer.Date{customer.DateFromYMD(2025, 7, 2), customer.DateFromYMD(2024, 6, 30)} {
		want, ok := scannedAsOf(buf.Bytes(), o, earlier)
		require.True(t, ok, want)
		for _, workers := range []int{1, 3} {
			got, ok := keptEarlier(buf.Bytes(), o, earlier, workers)
			if ok {
				require.Equal(t, want, got, "as of %s, %d workers", earlier, workers)
			}
		}
	}
}

// TestEarlierStateOnRandomFiles checks the state as of an earlier day on
// files of rows on both sides of it: kinds stated before, after or on
// both sides, refunds, exchanges, orders whose rows straddle the day in
// any order, amounts of the wide tier and of the decimal path.
func TestEarlierStateOnRandomFiles(t *testing.T) {
	const head = "customer_id,date,amount,quantity,order_id,kind,category"
	earlier, asOf := customer.DateFromYMD(2024, 6, 30), customer.DateFromYMD(2024, 12, 31)
	rapid.Check(t, func(rt *rapid.T) {
		var b strings.Builder
		b.WriteString(head + "\n")
		n := rapid.IntRange(0, 40).Draw(rt, "rows")
		for range n {
			id := rapid.SampledFrom([]string{"C1", "C2", "C3", "10"}).Draw(rt, "id")
			date := rapid.SampledFrom([]string{"2024-01-01", "2024-06-30", "2024-07-01", "2024-12-31", "2025-01-01", "x"}).Draw(rt, "date")
			aq := rapid.SampledFrom([][2]string{
				{"10", "1"}, {"12.34", "2"}, {"-12.34", "-1"}, {"0", "-1"}, {"0", "1"}, {"0", ""},
				{"0.00001", "1"}, {"1.2345678901234567890123", "1"}, {"5", "-1"},
			}).Draw(rt, "amount")
			amount, qty := aq[0], aq[1]
			order := rapid.SampledFrom([]string{"", "A", "B"}).Draw(rt, "order")
			kind := rapid.SampledFrom([]string{"", "", "consumer", "intermediary"}).Draw(rt, "kind")
			cat := rapid.SampledFrom([]string{"", "jeans"}).Draw(rt, "cat")
			fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", id, date, amount, qty, order, kind, cat)
		}
		data := []byte(b.String())
		o := Options{AsOf: asOf, SkipInvalid: true, Kind: rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(rt, "default kind")}
		got, kept := keptEarlier(data, o, earlier, rapid.IntRange(1, 3).Draw(rt, "workers"))
		tab, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
		if err != nil {
			return
		}
		if kept && tab.Skipped > 0 {
			rt.Fatalf("state kept with %d rows skipped", tab.Skipped)
		}
		if !kept {
			return
		}
		want, ok := scannedAsOf(data, o, earlier)
		if !ok {
			rt.Fatalf("the scan as of %s fails: %s", earlier, want)
		}
		if want != got {
			rt.Fatalf("\nwant %s\ngot  %s", want, got)
		}
	})
}

// TestEarlierStateIsNotKeptWhenNotAsked: a table holds no state as of
// an earlier day unless ScanCSV is asked to keep it (KeepEarlier) for a
// day before AsOf; a table of Summarize never holds one.
func TestEarlierStateIsNotKeptWhenNotAsked(t *testing.T) {
	data := []byte("customer_id,date,amount\nC1,2024-01-01,10\nC1,2024-08-01,5\n")
	asOf := customer.DateFromYMD(2024, 12, 31)
	for _, o := range []Options{
		{AsOf: asOf},
		{AsOf: asOf, KeepEarlier: true, Earlier: asOf},
		{AsOf: asOf, KeepEarlier: true, Earlier: asOf + 1},
	} {
		tab, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
		require.NoError(t, err)
		assert.False(t, tab.HasEarlier(), "%+v", o)
		_, ok := tab.EarlierOf(0)
		assert.False(t, ok)
	}
	r, err := NewCSVReader(bytes.NewReader(data), "f.csv")
	require.NoError(t, err)
	res, err := Summarize(r, "f.csv", Options{AsOf: asOf, KeepEarlier: true, Earlier: asOf - 180})
	require.NoError(t, err)
	assert.False(t, TableOf(res).HasEarlier(), "a table of Summarize keeps no earlier state")
}

// TestEarlierKindIsThatOfTheRowsByThen: a kind stated only after the
// earlier day is not the customer's kind then, and a row that states a
// kind contrary to a later-dated row is skipped as of AsOf and would
// not be as of the earlier day, so no state is kept.
func TestEarlierKindIsThatOfTheRowsByThen(t *testing.T) {
	earlier, asOf := customer.DateFromYMD(2024, 6, 30), customer.DateFromYMD(2024, 12, 31)
	o := Options{AsOf: asOf, Earlier: earlier, KeepEarlier: true, SkipInvalid: true}
	data := []byte("customer_id,date,amount,quantity,kind\nC1,2024-01-01,10,2,\nC1,2024-08-01,5,1,intermediary\nC1,2024-03-01,-10,-1,\n")
	tab, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
	require.NoError(t, err)
	require.True(t, tab.HasEarlier())
	e, ok := tab.EarlierOf(0)
	require.True(t, ok)
	assert.Equal(t, Earlier{Kind: customer.Consumer, Units: 2, ReturnedUnits: 1}, e)
	n, later := tab.EarlierCounts()
	assert.Equal(t, 1, n)
	assert.Equal(t, int64(1), later)

	contrary := []byte("customer_id,date,amount,kind\nC1,2024-08-01,5,intermediary\nC1,2024-01-01,10,consumer\n")
	tab, err = ScanCSV(bytes.NewReader(contrary), "f.csv", o, 2)
	require.NoError(t, err)
	require.Equal(t, int64(1), tab.Skipped)
	assert.False(t, tab.HasEarlier(), "the skipped row would be added as of the earlier day")
}

// A return dated after the earlier day of an order before it counts on
// the order's day, which the summary as of the earlier day does not
// hold: no earlier state is kept (the caller reads the export again), in
// every tier.
func TestEarlierStateLostWhenAnOrderCrossesIt(t *testing.T) {
	defer func() { wideTier = true }()
	earlier, asOf := customer.DateFromYMD(2024, 6, 30), customer.DateFromYMD(2024, 12, 31)
	o := Options{AsOf: asOf, Earlier: earlier, KeepEarlier: true}
	for _, x := range []string{"10", "10.123456789", "10000000"} {
		for _, data := range []string{
			"customer_id,date,amount,quantity,order_id\nC1,2024-01-01," + x + ",1,A\nC1,2024-08-01,-" + x + ",-1,A\n",
			"customer_id,date,amount,quantity,order_id\nC1,2024-08-01,-" + x + ",-1,A\nC1,2024-01-01," + x + ",1,A\n",
			// A refund-only order before the earlier day that a sale after it opens.
			"customer_id,date,amount,quantity,order_id\nC1,2024-01-01,-5,-1,A\nC1,2024-08-01," + x + ",1,A\n",
		} {
			for _, on := range []bool{true, false} {
				wideTier = on
				tab, err := ScanCSV(bytes.NewReader([]byte(data)), "f.csv", o, 2)
				require.NoError(t, err)
				assert.False(t, tab.HasEarlier(), "%s wide %v", data, on)
			}
		}
		// Orders on one side each: kept.
		data := "customer_id,date,amount,quantity,order_id\nC1,2024-01-01," + x + ",1,A\nC1,2024-01-03,-" + x + ",-1,A\nC1,2024-08-01,5,1,B\n"
		tab, err := ScanCSV(bytes.NewReader([]byte(data)), "f.csv", o, 2)
		require.NoError(t, err)
		assert.True(t, tab.HasEarlier(), data)
	}
}
