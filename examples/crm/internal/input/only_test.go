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

// othersText prints the rows left out for their currency.
func othersText(others []CurrencyRows) string {
	var b strings.Builder
	for _, c := range others {
		fmt.Fprintf(&b, " %s:%d", c.Currency, c.Rows)
	}
	return b.String()
}

// onlySummaries is the part of a read that the rows left out for their
// currency must not change: the customers, the rows after as-of, the
// skipped rows by fault and the currency; and, apart, the counts of the
// rows left out and of all the rows.
func onlySummaries(out string) string {
	if strings.HasPrefix(out, "error: ") {
		return out
	}
	var b strings.Builder
	for _, l := range strings.SplitAfter(out, "\n") {
		switch {
		case strings.HasPrefix(l, "rows "):
			// The counts of rows and of the rows left out differ.
			_, rest, _ := strings.Cut(l, " blank ")
			rest, _, _ = strings.Cut(rest, " others")
			b.WriteString("blank " + rest + "\n")
		case strings.HasPrefix(l, "f.csv:"):
			// Errors name lines, which differ.
		default:
			b.WriteString(l)
		}
	}
	return b.String()
}

const onlyHead = "customer_id,date,amount,quantity,order_id,currency,kind,category\n"

// TestOnlyCurrencyLeavesOutTheOthers: with Options.Only, the rows in
// another currency (named, or the default for rows without one) change
// nothing, whatever else they hold, and are counted by currency; the
// rest reads as the file of those rows alone, in every tier.
func TestOnlyCurrencyLeavesOutTheOthers(t *testing.T) {
	eur := onlyHead +
		"C1,2024-01-01,10,1,A,EUR,,jeans\n" +
		"C1,2024-01-05,-4,-1,A,eur,,\n" +
		"C4,2024-03-01,2.123456789,1,,EUR,,\n" +
		"C5,2024-03-01,1" + strings.Repeat("0", 22) + ",1,,EUR,,\n" +
		"C1,2025-02-01,3,1,,EUR,,\n"
	others := "C1,2024-01-02,20,1,B,CHF,intermediary,shirts\n" + // another kind, category and order
		"C2,2024-01-03,5,1,,chf,,\n" + // a customer of other rows only
		"C1,2023-12-01,-3,-1,A,usd,,\n" + // a refund moving order A
		"C1,2025-06-01,7,1,,CHF,,\n" + // after as-of: in another currency first
		"C3,2024-02-01,4,1,,,,\n" + // the default currency
		"C3,2024-02-01,4,1,,  ,,\n" +
		"C1,x,10,1,,CHF,,\n" + // malformed otherwise: left out
		",2024-01-01,1,1,,CHF,,\n" +
		"C1,2024-01-01,12x,1,,CHF,,\n" +
		"C1,2024-01-01,5,-2,,CHF,,\n" +
		"C1,2024-01-01,5,1,,CHF,dealer,\n" +
		"C1,2024-01-01,5,1,,CHF,consumer,\n" +
		"C1\xff,2024-01-01,5,1,,CHF,,\n" +
		"C1,x,1,1,,,,\n" + // the default, malformed
		",2024-01-01,1,1,,,,\n" +
		" CHF ,2024-01-01,1,1,,  chf ,,\n"
	// Interleaved: each other row after an EUR row, in turn.
	e := strings.SplitAfter(strings.TrimPrefix(eur, onlyHead), "\n")
	var b strings.Builder
	b.WriteString(onlyHead)
	for i, l := range strings.SplitAfter(others, "\n") {
		if i < len(e) {
			b.WriteString(e[i])
		}
		b.WriteString(l)
	}
	// Rows that are no rows of any currency, and malformed rows.
	mixed := b.String() + ",,,,,,,\n\n" + onlyHead
	asOf := customer.DateFromYMD(2024, 12, 31)
	for _, wide := range []bool{true, false} {
		wideTier = wide
		o := Options{AsOf: asOf, Only: "EUR"}
		checkScan(t, []byte(mixed), o)
		got := summarizeBytes([]byte(mixed), o)
		want := summarizeBytes([]byte(eur+",,,,,,,\n\n"+onlyHead), o)
		require.Equal(t, onlySummaries(want), onlySummaries(got))
		require.Contains(t, got, "others CHF:11 USD:5\n")
		require.Contains(t, got, "rows 21 blank 2 headers 1 later 1 skipped 0 currency EUR ")
		wantAll := summarizeBytes([]byte(eur), Options{AsOf: asOf})
		require.Equal(t, onlySummaries(wantAll), onlySummaries(strings.Replace(got, "blank 2 headers 1", "blank 0 headers 0", 1)))
		require.NotContains(t, got, "C2 ")
		require.NotContains(t, got, "C3 ")

		// A currency that is not a code is no currency: the row is
		// malformed, as is a row of another width, whatever its currency.
		bad := mixed + "C1,2024-01-01,5,1,,XYZ,,\nC1,2024-01-01,5,CHF\n"
		o.SkipInvalid = true
		checkScan(t, []byte(bad), o)
		got = summarizeBytes([]byte(bad), o)
		require.Contains(t, got, "skipped 2 currency EUR others CHF:11 USD:5\n")
		require.Contains(t, got, `f.csv:26: currency "XYZ": unknown ISO 4217 currency code`)
		require.Contains(t, got, "f.csv:27: 4 fields, the header has 8")
		o.SkipInvalid = false
		checkScan(t, []byte(bad), o)
		require.Equal(t, `error: f.csv:26: currency "XYZ": unknown ISO 4217 currency code`, summarizeBytes([]byte(bad), o))

		// The default in the currency read: the rows without one are in.
		o.Currency, o.SkipInvalid = "EUR", true
		checkScan(t, []byte(mixed), o)
		require.Contains(t, summarizeBytes([]byte(mixed), o), "skipped 2 currency EUR others CHF:11 USD:1\n")
		o.Currency, o.SkipInvalid = "", false

		// Another currency: the other rows are read, malformed or not.
		o.Only, o.SkipInvalid = "CHF", true
		checkScan(t, []byte(mixed), o)
		got = summarizeBytes([]byte(mixed), o)
		require.Contains(t, got, "currency CHF others EUR:5 USD:5\n")
		require.Contains(t, got, "C2 ")
	}
	wideTier = true
}

// TestOnlyCurrencyWithoutACurrencyColumn: every row of a file without a
// currency column is in the default currency, so all are read or all
// are left out; blank rows and repeated headers are neither.
func TestOnlyCurrencyWithoutACurrencyColumn(t *testing.T) {
	const head = "customer_id,date,amount\n"
	data := []byte(head + "C1,2024-01-01,1\n,,\nC2,2024-01-02,2\nC2,x,2\n" + head + ",2024-01-02,2\n")
	asOf := customer.DateFromYMD(2024, 12, 31)
	for _, skip := range []bool{false, true} {
		o := Options{AsOf: asOf, Only: "EUR", SkipInvalid: skip}
		checkScan(t, data, o)
		got := summarizeBytes(data, o)
		require.Equal(t, "rows 4 blank 1 headers 1 later 0 skipped 0 currency EUR others USD:4\n", got)
		o.Currency = "EUR"
		checkScan(t, data, o)
		require.Equal(t, summarizeBytes(data, Options{AsOf: asOf, Currency: "EUR", SkipInvalid: skip}), summarizeBytes(data, o))
	}

	// The cdnow format has no currency column either.
	cd := "customer_id date quantity amount\n00001 19970101 1 11.77\n\n00002 19970112 1 12.00\n00002 1997011x 1 12.00\n00003 19970112 1\n"
	read := func(o Options) string {
		return outcome(Summarize(NewCDNOWReader(strings.NewReader(cd), "f.txt"), "f.txt", o))
	}
	o := Options{AsOf: customer.DateFromYMD(1998, 6, 30), SkipInvalid: true}
	want := read(o)
	require.Contains(t, want, "skipped 2 currency USD others\n")
	o.Only = "USD"
	require.Equal(t, want, read(o))
	o.Only = "EUR"
	require.Equal(t, "rows 4 blank 1 headers 0 later 0 skipped 1 currency EUR others USD:3\nf.txt:6: 3 fields, the first data line has 4\n1 \"\" \"wrong number of fields\"\n", read(o))
}

// TestMixedCurrenciesErrorNamesBoth: without Options.Only, a row in
// another currency than the file's is an error that says how to read
// one currency at a time.
func TestMixedCurrenciesErrorNamesBoth(t *testing.T) {
	data := []byte(onlyHead + "C1,2024-01-01,10,1,A,EUR,,\nC2,2024-01-02,5,1,,chf,,\n")
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	const want = `error: f.csv:3: currency "CHF": the file is in EUR, and one file holds one currency: analyse one at a time with -only-currency EUR or -only-currency CHF`
	require.Equal(t, want, summarizeBytes(data, o))
	checkScan(t, data, o)
	data = []byte(onlyHead + "C1,2024-01-01,10,1,A,EUR,,\nC2,2024-01-02,5,1,,,,\n")
	const empty = `error: f.csv:3: currency "": empty, so USD (the default); the file is in EUR, and one file holds one currency (-currency EUR makes EUR the default; or analyse one at a time with -only-currency EUR or -only-currency USD)`
	require.Equal(t, empty, summarizeBytes(data, o))
	checkScan(t, data, o)
}

// TestOnlyCurrencyUnknown: Options.Only must be an ISO 4217 code.
func TestOnlyCurrencyUnknown(t *testing.T) {
	data := []byte(onlyHead + "C1,2024-01-01,10,1,A,EUR,,\n")
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31), Only: "EURO"}
	require.Equal(t, `error: unknown currency "EURO"`, summarizeBytes(data, o))
	_, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
	require.EqualError(t, err, `unknown currency "EURO"`)
}

// onlyRow is a row of TestOnlyCurrencyOnRandomFiles and whether it is
// one of another currency than only (with def the default), by the rule
// of Options.Only: the header's width, not blank, not the header again,
// and a currency that is a code (the default when empty).
type onlyRow struct {
	text  string
	other bool
}

// TestOnlyCurrencyOnRandomFiles: on random mixed files (rows in several
// currencies, named in any case or left to the default, malformed rows
// in any currency, blank rows, repeated headers, amounts of the three
// tiers), a read with Options.Only gives in every tier (Summarize,
// ScanCSV with 1 to 3 workers, blocks of any size, the wide tier on and
// off) what it gives of the file of the rows in that currency alone,
// wherever the others are; and the state as of an earlier day that the
// scan keeps is that of a scan as of that day.
func TestOnlyCurrencyOnRandomFiles(t *testing.T) {
	defer func() { wideTier = true }()
	defer func(n int) { chunkBytes = n }(chunkBytes)
	names := strings.Split(strings.TrimSpace(onlyHead), ",")
	rapid.Check(t, func(rt *rapid.T) {
		only := customer.Currency(rapid.SampledFrom([]string{"EUR", "CHF", "USD"}).Draw(rt, "only"))
		def := customer.Currency(rapid.SampledFrom([]string{"USD", "EUR"}).Draw(rt, "default"))
		n := rapid.IntRange(0, 50).Draw(rt, "rows")
		var rows []onlyRow
		for range n {
			switch rapid.IntRange(0, 12).Draw(rt, "shape") {
			case 0:
				rows = append(rows, onlyRow{text: headerRow(rt, names)})
				continue
			case 1:
				rows = append(rows, onlyRow{text: rapid.SampledFrom(blankShapes).Draw(rt, "blank")})
				continue
			case 2:
				// Another width, in any currency: malformed.
				rows = append(rows, onlyRow{text: "C1,2024-01-01,5," + rapid.SampledFrom([]string{"EUR", "CHF", ""}).Draw(rt, "cur")})
				continue
			}
			id := rapid.SampledFrom([]string{"C1", "C2", "C3", "10", "", " C1 "}).Draw(rt, "id")
			date := rapid.SampledFrom([]string{"2024-01-01", "2024-06-30", "2024-07-01", "2024-12-31", "2025-01-01", "x"}).Draw(rt, "date")
			aq := rapid.SampledFrom([][2]string{
				{"10", "1"}, {"12.34", "2"}, {"-12.34", "-1"}, {"0", "-1"}, {"0", "1"}, {"5", "-1"},
				{"0.00001", "1"}, {"1.2345678901234567890123", "1"}, {"1" + strings.Repeat("0", 21), "1"}, {"12x", "1"},
			}).Draw(rt, "amount")
			order := rapid.SampledFrom([]string{"", "A", "B"}).Draw(rt, "order")
			cur := rapid.SampledFrom([]string{"", "EUR", "eur", " CHF ", "CHF", "USD", "usd", "XYZ"}).Draw(rt, "currency")
			kind := rapid.SampledFrom([]string{"", "", "consumer", "intermediary", "dealer"}).Draw(rt, "kind")
			cat := rapid.SampledFrom([]string{"", "jeans", "shirts"}).Draw(rt, "cat")
			c := customer.Currency(strings.ToUpper(strings.TrimSpace(cur)))
			if c == "" {
				c = def
			}
			rows = append(rows, onlyRow{text: strings.Join([]string{id, date, aq[0], aq[1], order, cur, kind, cat}, ","), other: c.Valid() && c != only})
		}
		file := func(keep func(onlyRow) bool) []byte {
			var b strings.Builder
			b.WriteString(onlyHead)
			for _, r := range rows {
				if keep(r) {
					b.WriteString(r.text + "\n")
				}
			}
			return []byte(b.String())
		}
		mixed := file(func(onlyRow) bool { return true })
		alone := file(func(r onlyRow) bool { return !r.other })
		o := Options{AsOf: customer.DateFromYMD(2024, 12, 31), Currency: def, Only: only, SkipInvalid: rapid.Bool().Draw(rt, "skip"),
			Kind: rapid.SampledFrom([]customer.Kind{customer.Consumer, customer.Intermediary}).Draw(rt, "default kind")}
		wideTier = rapid.Bool().Draw(rt, "wide")
		want := summarizeBytes(mixed, o)
		for _, workers := range []int{1, 2, 3} {
			chunkBytes = rapid.IntRange(1, 300).Draw(rt, "block")
			if got := tableOutcome(ScanCSV(bytes.NewReader(mixed), "f.csv", o, workers)); got != want {
				rt.Fatalf("%d workers:\nwant %s\ngot  %s", workers, want, got)
			}
		}
		chunkBytes = 2 << 20
		wa := summarizeBytes(alone, o)
		if (!strings.HasPrefix(want, "error: ") || o.SkipInvalid) && !strings.Contains(wa, ErrNoRows.Error()) {
			if w, g := onlySummaries(wa), onlySummaries(want); w != g {
				rt.Fatalf("the rows of %s alone:\nwant %s\ngot  %s", only, w, g)
			}
		}
		var others int
		for _, r := range rows {
			if r.other {
				others++
			}
		}
		if !strings.HasPrefix(want, "error: ") {
			if !strings.Contains(want, fmt.Sprintf("currency %s others", only)) {
				rt.Fatalf("currency: %s", want)
			}
			line, _, _ := strings.Cut(want, "\n")
			var sum int
			for _, f := range strings.Fields(line[strings.Index(line, " others")+len(" others"):]) {
				var c string
				var k int
				_, err := fmt.Sscanf(strings.Replace(f, ":", " ", 1), "%s %d", &c, &k)
				require.NoError(rt, err)
				sum += k
			}
			if sum != others {
				rt.Fatalf("%d rows in other currencies, counted %d: %s", others, sum, line)
			}
		}

		// The state as of an earlier day, as crm report keeps it.
		earlier := customer.DateFromYMD(2024, 6, 30)
		if got, kept := keptEarlier(mixed, o, earlier, rapid.IntRange(1, 3).Draw(rt, "workers")); kept {
			w, ok := scannedAsOf(mixed, o, earlier)
			if !ok || w != got {
				rt.Fatalf("earlier state:\nwant %s\ngot  %s", w, got)
			}
			if a, kept := keptEarlier(alone, o, earlier, 2); kept && a != got {
				rt.Fatalf("earlier state of the rows of %s alone:\nwant %s\ngot  %s", only, a, got)
			}
		}
	})
}

// TestOnlyCurrencyRowOrder: where the rows of other currencies are, and
// in which order the rows come, the summaries are the same.
func TestOnlyCurrencyRowOrder(t *testing.T) {
	buf := generatedShop(t, 600, 120)
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	head, rows := lines[0]+"\n", lines[1:]
	cols := strings.Split(strings.TrimSpace(head), ",")
	ci := -1
	for i, c := range cols {
		if c == "currency" {
			ci = i
		}
	}
	require.GreaterOrEqual(t, ci, 0)
	// A second shop in CHF, its customers others, between the rows.
	var mixed, reversed strings.Builder
	mixed.WriteString(head)
	reversed.WriteString(head)
	for i, r := range rows {
		f := strings.Split(r, ",")
		f[0] = "X" + f[0]
		f[ci] = "CHF"
		mixed.WriteString(r + "\n")
		mixed.WriteString(strings.Join(f, ",") + "\n")
		reversed.WriteString(rows[len(rows)-1-i] + "\n")
		if i%3 == 0 {
			reversed.WriteString(strings.Join(f, ",") + "\n")
		}
	}
	o := Options{AsOf: customer.DateFromYMD(2025, 12, 31), Only: "EUR"}
	want := onlySummaries(summarizeBytes(buf.Bytes(), Options{AsOf: o.AsOf}))
	for _, data := range []string{mixed.String(), reversed.String()} {
		checkScan(t, []byte(data), o)
		got := summarizeBytes([]byte(data), o)
		assert.Equal(t, want, onlySummaries(got))
	}
}
