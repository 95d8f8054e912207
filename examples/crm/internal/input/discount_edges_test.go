package input

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// edgeMoney are money texts at the edges of the tiers: the fixed one
// (14 integer digits, 4 decimals), the wide one (19 integer digits, 18
// decimals) and past them, near int64 and i128 limits.
var edgeMoney = []string{
	"1", "12.5", "0.0001", "0.00001", "20.000000", "1.0000000000000000001",
	"99999999999999.9999", "9999999999999.99", "922337203685477.5807", "922337203685477.5808",
	"9223372036854775807", "9223372036854775808", "9999999999999999999.999999999999999999",
	"18446744073709551615", "170141183460469231731.687303715884105728", "15.299999999999999",
}

// drawEdgeMoney draws a money text: mostly small, at times at an edge.
func drawEdgeMoney(t *rapid.T, label string) string {
	if rapid.IntRange(0, 2).Draw(t, label+"-edge?") == 0 {
		return rapid.SampledFrom(edgeMoney).Draw(t, label+"-edge")
	}
	return fmt.Sprintf("%d.%02d", rapid.IntRange(0, 500).Draw(t, label+"-int"), rapid.IntRange(0, 99).Draw(t, label+"-cents"))
}

// discountExport writes a random export with a discount column: sales,
// refunds, exchanges and free goods, discounts of either sign, zero or
// empty, at the edges of the tiers, rows after AsOf, and at times a
// malformed discount.
func discountExport(t *rapid.T) []byte {
	var b strings.Builder
	b.WriteString("customer_id,date,order_id,amount,discount,cost,quantity,kind\n")
	base := customer.DateFromYMD(2024, 1, 1)
	n := rapid.IntRange(1, 30).Draw(t, "rows")
	for range n {
		id := rapid.SampledFrom([]string{"A", "B", "C"}).Draw(t, "id")
		date := (base + customer.Date(rapid.IntRange(0, 40).Draw(t, "day"))).String()
		amount := drawEdgeMoney(t, "amount")
		qty := "1"
		switch rapid.IntRange(0, 5).Draw(t, "kind of row") {
		case 0, 1:
			amount, qty = "-"+amount, "-1"
		case 2:
			amount, qty = rapid.SampledFrom([]string{"0", "0.00", "0.000000"}).Draw(t, "zero"), "-1"
		case 3:
			amount = "0"
		}
		disc := ""
		switch rapid.IntRange(0, 6).Draw(t, "discount?") {
		case 1, 2:
			disc = drawEdgeMoney(t, "discount")
		case 3:
			disc = "-" + drawEdgeMoney(t, "discount")
		case 4:
			disc = rapid.SampledFrom([]string{"0", "0.00", "-0.0", "0.000000", "0.0000000000000000000"}).Draw(t, "zero discount")
		case 5:
			disc = rapid.SampledFrom([]string{"-922337203685477.5808", "-9223372036854775808", "€5", "10%", "5,00"}).Draw(t, "odd discount")
		}
		switch rapid.IntRange(0, 7).Draw(t, "discount form") {
		case 0:
			disc = `"` + disc + `"`
		case 1:
			disc = " " + disc + " "
		}
		cost := ""
		if rapid.IntRange(0, 3).Draw(t, "cost?") == 0 {
			cost = drawEdgeMoney(t, "cost")
		}
		order := rapid.SampledFrom([]string{"", "O1", "O2"}).Draw(t, "order")
		kind := rapid.SampledFrom([]string{"", "", "consumer"}).Draw(t, "kind")
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s\n", id, date, order, amount, disc, cost, qty, kind)
	}
	return []byte(b.String())
}

// Every tier, worker count and the wide tier on or off give what
// Summarize (salesrow.Add) gives, on exports whose amounts and
// discounts sit at the edges of the tiers.
func TestDiscountTiersMatchSummarize(t *testing.T) {
	defer func() { wideTier = true }()
	rapid.Check(t, func(rt *rapid.T) {
		data := discountExport(rt)
		o := Options{AsOf: customer.DateFromYMD(2024, 1, 31), SkipInvalid: rapid.Bool().Draw(rt, "skip")}
		want := summarizeBytes(data, o)
		for _, on := range []bool{true, false} {
			wideTier = on
			for _, workers := range []int{1, 3} {
				got := tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, workers))
				if got != want {
					rt.Fatalf("wide %v, %d workers\n%s\nwant %s\ngot  %s", on, workers, data, want, got)
				}
			}
		}
		// Decimals to the exponent: the wide tier as the decimal path.
		var sums [2][]customer.Summary
		for k, on := range []bool{true, false} {
			wideTier = on
			tab, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
			if err != nil {
				return
			}
			sums[k] = summariesOf(rt, tab)
		}
		wideTier = true
		require.Len(rt, sums[1], len(sums[0]))
		for i := range sums[0] {
			requireSameSummary(rt, &sums[1][i], &sums[0][i])
		}
	})
}

// checkScan's reads (workers, blocks cut anywhere, a byte at a time) of
// the exports with discounts, with CRLF line ends at times.
func TestDiscountBlocks(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		data := discountExport(rt)
		if rapid.Bool().Draw(rt, "crlf") {
			data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
		}
		o := Options{AsOf: customer.DateFromYMD(2024, 1, 31), SkipInvalid: true}
		want := summarizeBytes(data, o)
		require.Equal(rt, want, tableOutcome(ScanCSV(iotest.OneByteReader(bytes.NewReader(data)), "f.csv", o, 2)), "a byte a read")
		defer func(n int) { chunkBytes = n }(chunkBytes)
		for _, n := range []int{1, 7, 64} {
			chunkBytes = n
			require.Equal(rt, want, tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, 3)), "blocks of %d bytes", n)
		}
	})
}

// The same rows of one customer, in any order, give one summary.
func TestDiscountRowOrder(t *testing.T) {
	defer func() { wideTier = true }()
	rapid.Check(t, func(rt *rapid.T) {
		data := discountExport(rt)
		lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
		head, rows := lines[0], lines[1:]
		for i := range rows {
			rows[i] = strings.TrimSuffix(rows[i], "\n") + "\n"
		}
		perm := rapid.Permutation(rows).Draw(rt, "order")
		shuffled := []byte(head + strings.Join(perm, ""))
		o := Options{AsOf: customer.DateFromYMD(2024, 1, 31), SkipInvalid: true}
		a := summarizeBytes(data, o)
		b := summarizeBytes(shuffled, o)
		if strings.HasPrefix(a, "error") || strings.HasPrefix(b, "error") {
			return
		}
		// Only the summaries: errors are reported in file order.
		sums := func(s string) string {
			var out []string
			for _, l := range strings.Split(s, "\n") {
				if len(l) > 2 && strings.Contains("ABC", l[:1]) && l[1] == ' ' {
					out = append(out, l)
				}
			}
			return strings.Join(out, "\n")
		}
		require.Equal(rt, sums(a), sums(b))
		for _, workers := range []int{1, 2} {
			got := tableOutcome(ScanCSV(bytes.NewReader(shuffled), "f.csv", o, workers))
			require.Equal(rt, b, got)
		}
	})
}

// The state as of an earlier day kept by one read is that of a read as
// of that day, on exports with discounts at the edges of the tiers.
func TestDiscountEarlierState(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		data := discountExport(rt)
		earlier := customer.DateFromYMD(2024, 1, 1) + customer.Date(rapid.IntRange(0, 30).Draw(rt, "earlier"))
		o := Options{AsOf: customer.DateFromYMD(2024, 1, 31), SkipInvalid: true}
		got, kept := keptEarlier(data, o, earlier, rapid.IntRange(1, 3).Draw(rt, "workers"))
		if !kept {
			return
		}
		want, ok := scannedAsOf(data, o, earlier)
		if !ok || want != got {
			rt.Fatalf("\nwant %s\ngot  %s", want, got)
		}
	})
}

// tierOf returns "fixed", "wide" or "slow": the tier of the i-th
// customer of tab.
func tierOf(tab *Table, i int) string {
	sh := tab.shards[tab.order[i]>>32]
	r := sh.rec(int32(uint32(tab.order[i])))
	switch {
	case r.slow:
		return "slow"
	case r.wide:
		return "wide"
	}
	return "fixed"
}

// A customer whose discounted sales overflow the fixed record (Gross at
// list price past int64 in units of 10⁻⁴) moves to the wide tier, and
// one past the wide one to the decimal path, with Discounts and
// FullPriceNet carried over exactly, in any worker count, wide tier on
// or off.
func TestDiscountPromotion(t *testing.T) {
	defer func() { wideTier = true }()
	const head = "customer_id,date,order_id,amount,discount,quantity\n"
	var b strings.Builder
	b.WriteString(head)
	// F: fixed sales with discounts, a full-price sale and refund, then
	// discounts that take Gross at list price and Discounts past int64
	// in units of 10⁻⁴ (12 × 10¹⁸), the amounts and days small.
	b.WriteString("F,2024-01-02,O1,10,-2.5,1\nF,2024-01-02,O1,7,0,1\nF,2024-01-03,O2,-7,0.00,-1\n")
	for i := range 12 {
		fmt.Fprintf(&b, "F,2024-01-%02d,P%d,1,-99999999999999.9999,1\n", 4+i, i)
	}
	// W: in the wide tier first (a discount of 6 decimals), then
	// discounts that take Gross and Discounts past i128 in units of
	// 10⁻¹⁸ (20 × 10³⁷).
	b.WriteString("W,2024-01-02,O1,10,2.500000,1\nW,2024-01-02,O1,7,0,1\nW,2024-01-03,O2,-7,-0.0,-1\n")
	for i := range 20 {
		fmt.Fprintf(&b, "W,2024-01-%02d,P%d,1,-9999999999999999999.999999999999999999,1\n", 4+i, i)
	}
	// N: refunds of goods sold at full price drive FullPriceNet below
	// the int64 range in units of 10⁻⁴, in one order on one day.
	b.WriteString("N,2024-01-02,O1,1,0,1\n")
	for range 12 {
		b.WriteString("N,2024-01-02,O1,-99999999999999.9999,0,-1\n")
	}
	data := []byte(b.String())
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	checkScan(t, data, o)
	res, err := Summarize(mustReader(t, data), "f.csv", o)
	require.NoError(t, err)
	want := map[customer.ID]*customer.Summary{}
	for _, s := range res.Summaries {
		want[s.CustomerID] = s
	}
	for _, on := range []bool{true, false} {
		wideTier = on
		for _, workers := range []int{1, 2} {
			tab, err := ScanCSV(bytes.NewReader(data), "f.csv", o, workers)
			require.NoError(t, err)
			for i, s := range summariesOf(t, tab) {
				w := want[s.CustomerID]
				for _, f := range [][3]any{{"Gross", w.Gross, s.Gross}, {"Discounts", w.Discounts, s.Discounts},
					{"FullPriceNet", w.FullPriceNet, s.FullPriceNet}, {"Refunded", w.Refunded, s.Refunded}} {
					require.True(t, f[1].(interface{ String() string }).String() == f[2].(interface{ String() string }).String(),
						"%s %s: want %s got %s (wide %v)", s.CustomerID, f[0], f[1], f[2], on)
				}
				t.Logf("wide %v, %d workers: %s is %s", on, workers, s.CustomerID, tierOf(tab, i))
				if on && s.CustomerID == "F" {
					require.Equal(t, "wide", tierOf(tab, i))
				}
				if s.CustomerID == "W" {
					require.Equal(t, "slow", tierOf(tab, i))
				}
			}
		}
	}
}

func mustReader(t *testing.T, data []byte) Reader {
	r, err := NewCSVReader(bytes.NewReader(data), "f.csv")
	require.NoError(t, err)
	return r
}
