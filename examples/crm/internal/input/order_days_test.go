package input

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// An order whose sale rows fall on several days counts on the earliest
// of them, with the money of all its rows, whatever the order of the
// rows in the file: the same rows in
// two orders give the same summaries, through Summarize and ScanCSV, in
// the fixed, the wide and the decimal tier.
func TestOrderCountsOnItsEarliestDayInAnyRowOrder(t *testing.T) {
	defer func() { wideTier = true }()
	head := "customer_id,date,order_id,amount\n"
	for _, x := range []string{"10", "10.123456789", "10000000"} { // fixed, wide, and a net past a fixed day
		a := head + "a,2025-01-01,X," + x + "\na,2025-03-01,X,20\na,2025-02-01,Y,5\nb,2025-01-05,Z,7\nb,2025-02-05,W,9\n"
		b := head + "a,2025-03-01,X,20\na,2025-01-01,X," + x + "\na,2025-02-01,Y,5\nb,2025-01-05,Z,7\nb,2025-02-05,W,9\n"
		o := Options{AsOf: customer.DateFromYMD(2025, 6, 30)}
		want := summarizeBytes([]byte(a), o)
		require.Contains(t, want, "2025-01-01:1:", x)
		require.NotContains(t, want, "2025-03-01", x)
		require.Equal(t, want, summarizeBytes([]byte(b), o), x)
		for _, on := range []bool{true, false} {
			wideTier = on
			for _, data := range []string{a, b} {
				require.Equal(t, want, tableOutcome(ScanCSV(bytes.NewReader([]byte(data)), "f.csv", o, 2)), "%s wide %v\n%s", x, on, data)
			}
		}
	}
}

// An order moved to a day that holds the most orders a fixed day can
// count moves its customer to the next tier, which counts it there, with
// its net; the day it leaves, left empty, goes.
func TestOrderMovedToAFullDay(t *testing.T) {
	defer func() { wideTier = true }()
	var b bytes.Buffer
	b.WriteString("customer_id,date,order_id,amount\nc,2025-01-02,L,4\n")
	for i := range dayMaxOrders {
		fmt.Fprintf(&b, "c,2025-01-01,O%d,1\n", i)
	}
	b.WriteString("c,2025-01-01,L,3\n")
	o := Options{AsOf: customer.DateFromYMD(2025, 6, 30)}
	want := summarizeBytes(b.Bytes(), o)
	require.Contains(t, want, fmt.Sprintf("[2025-01-01:%d:22 ]", dayMaxOrders+1))
	for _, on := range []bool{true, false} {
		wideTier = on
		require.Equal(t, want, tableOutcome(ScanCSV(bytes.NewReader(b.Bytes()), "f.csv", o, 1)), "wide %v", on)
	}
}

// TestRowOrderDoesNotMatter writes random exports (orders billed on
// several days, returns, up to 40 orders on one day, amounts and
// discounts for every tier) and the same rows shuffled: Summarize and
// ScanCSV give the same summaries for both.
func TestRowOrderDoesNotMatter(t *testing.T) {
	defer func() { wideTier = true }()
	rapid.Check(t, func(t *rapid.T) {
		base := customer.DateFromYMD(2024, 1, 1)
		n := rapid.IntRange(1, 80).Draw(t, "rows")
		recs := make([][]string, n)
		for i := range recs {
			amount := rapid.SampledFrom([]string{"1", "2.5", "0", "19.99", "3.123456789", "9000000", "-1", "-2.5"}).Draw(t, "amount")
			day := base + customer.Date(rapid.IntRange(0, 6).Draw(t, "day"))
			if rapid.IntRange(0, 9).Draw(t, "after?") == 0 {
				day = base + 40 // after AsOf
			}
			recs[i] = []string{
				rapid.SampledFrom([]string{"C1", "C2", "C3"}).Draw(t, "customer"),
				day.String(),
				fmt.Sprint("O", rapid.IntRange(0, 40).Draw(t, "order")),
				amount,
				rapid.SampledFrom([]string{"", "", "0", "0.00", "1.5", "0.000001"}).Draw(t, "discount"),
			}
			if amount[0] == '-' && rapid.Bool().Draw(t, "negative discount") && recs[i][4] != "" {
				recs[i][4] = "-" + recs[i][4]
			}
			if rapid.IntRange(0, 7).Draw(t, "no order?") == 0 {
				recs[i][2] = ""
			}
		}
		write := func(rows [][]string) []byte {
			var buf bytes.Buffer
			w := csv.NewWriter(&buf)
			require.NoError(t, w.Write([]string{"customer_id", "date", "order_id", "amount", "discount"}))
			require.NoError(t, w.WriteAll(rows))
			return buf.Bytes()
		}
		perm := rapid.Permutation(recs).Draw(t, "permutation")
		a, b := write(recs), write(perm)
		o := Options{AsOf: base + 30}
		want := summarizeBytes(a, o)
		require.Equal(t, want, summarizeBytes(b, o))
		workers := rapid.IntRange(1, 3).Draw(t, "workers")
		for _, on := range []bool{true, false} {
			wideTier = on
			require.Equal(t, want, tableOutcome(ScanCSV(bytes.NewReader(a), "f.csv", o, workers)), "wide %v", on)
			require.Equal(t, want, tableOutcome(ScanCSV(bytes.NewReader(b), "f.csv", o, workers)), "wide %v", on)
		}
	})
}

// The rows of an order count on its day, with the money of its refunds
// and later shipments, in every tier and every order of the rows: a
// repeat order returned in full later (a net of 0 on its day, as the
// full records have it), an order returned before its sale row in the
// file, a refund-only order over two days, and an order moved earlier by
// a sale row that comes last, carrying its refund along.
func TestOrderRowsCountOnTheOrdersDay(t *testing.T) {
	defer func() { wideTier = true }()
	head := "customer_id,date,order_id,amount,quantity\n"
	for _, x := range []string{"50", "50.123456789", "50000000"} { // fixed, wide, and a net past a fixed day
		rows := []string{
			"a,2025-01-10,A,100,1",
			"a,2025-02-15,B,-" + x + ",-1", // the return before its sale row
			"a,2025-02-01,B," + x + ",1",
			"r,2025-02-05,R,-10,-1", // returns of goods bought before the export
			"r,2025-02-03,R,-5,-1",
			"m,2025-02-10,X,30,1",
			"m,2025-02-12,X,-10,-1",
			"m,2025-02-08,X,20,1", // moves X to 02-08, with the refund
		}
		o := Options{AsOf: customer.DateFromYMD(2025, 6, 30)}
		want := summarizeBytes([]byte(head+strings.Join(rows, "\n")+"\n"), o)
		require.Contains(t, want, "[2025-01-10:1:100 2025-02-01:1:0", x)
		require.Contains(t, want, "[2025-02-03:0:-15 ]", x)
		require.Contains(t, want, "[2025-02-08:1:40 ]", x)
		for _, perm := range [][]int{{0, 1, 2, 3, 4, 5, 6, 7}, {7, 6, 5, 4, 3, 2, 1, 0}, {2, 0, 1, 4, 3, 7, 5, 6}} {
			var b strings.Builder
			b.WriteString(head)
			for _, i := range perm {
				b.WriteString(rows[i] + "\n")
			}
			data := []byte(b.String())
			require.Equal(t, want, summarizeBytes(data, o), "%s %v", x, perm)
			for _, on := range []bool{true, false} {
				wideTier = on
				for _, workers := range []int{1, 3} {
					require.Equal(t, want, tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, workers)), "%s wide %v %v", x, on, perm)
				}
			}
		}
	}
}
