package input

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// TestOnlyQuotedAndSpaced: rows in another currency written with
// quotes (a quoted currency, a field over two lines, a comma in a
// field), CRLF line ends, spaces of any kind around the code: every
// reader leaves them out as it does the plain ones, and the rest reads
// as the rows in the currency read alone.
func TestOnlyQuotedAndSpaced(t *testing.T) {
	head := onlyHead
	eur := "C1,2024-01-01,10,1,A,EUR,,jeans\r\n" +
		"\"C2\",\"2024-01-02\",\"5.5\",1,,\"eur\",,\"a,b\"\r\n" +
		"C1,2024-01-05,-4,-1,A, EUR ,,\r\n"
	others := "\"C1\",\"2024-01-02\",\"20\",1,\"B\",\"CHF\",\"intermediary\",\"shirts\"\r\n" +
		"C3,2024-01-03,5,1,,\" chf \",,\"two\nlines\"\r\n" +
		"C1,2024-01-04,7,1,,\u00a0CHF\u00a0,,\r\n" +
		"C1,2024-01-04,7,1,,\tusd,,\r\n" +
		"C1,x,7,1,,\"CHF\",dealer,\"x\"\r\n"
	e := strings.SplitAfter(eur, "\r\n")
	var b strings.Builder
	b.WriteString(head)
	for i, l := range strings.SplitAfter(others, "\r\n") {
		if i < len(e) {
			b.WriteString(e[i])
		}
		b.WriteString(l)
	}
	mixed := []byte(b.String())
	asOf := customer.DateFromYMD(2024, 12, 31)
	for _, skip := range []bool{false, true} {
		o := Options{AsOf: asOf, Only: "EUR", SkipInvalid: skip}
		checkScan(t, mixed, o)
		got := summarizeBytes(mixed, o)
		require.Contains(t, got, "others CHF:4 USD:1\n")
		require.Equal(t, onlySummaries(summarizeBytes([]byte(head+eur), o)), onlySummaries(got))
	}
}

// TestOnlyUnknownOrUncut: a row in another currency that cannot be
// told one (a line too long, a stray quote, a code that is no code, a
// byte order mark before the code) is malformed in every reader.
func TestOnlyUnknownOrUncut(t *testing.T) {
	asOf := customer.DateFromYMD(2024, 12, 31)
	long := "C9,2024-01-01,1,1,,CHF,,\"" + strings.Repeat("x", MaxLineBytes) + "\"\n"
	for _, bad := range []string{
		"C9,2024-01-01,1,1,,CHF,,x\"y\n",
		"C9,2024-01-01,1,1,,\ufeffCHF,,\n",
		"C9,2024-01-01,1,1,,CH F,,\n",
		long,
	} {
		data := []byte(onlyHead + "C1,2024-01-01,10,1,A,EUR,,\n" + bad + "C1,2024-01-02,10,1,A,EUR,,\n")
		o := Options{AsOf: asOf, Only: "EUR", SkipInvalid: true}
		got := summarizeBytes(data, o)
		require.Contains(t, got, "skipped 1 currency EUR others\n", "%.40q", bad)
		for _, workers := range []int{1, 2, 3} {
			require.Equal(t, got, tableOutcome(ScanCSV(bytes.NewReader(data), "f.csv", o, workers)), "%.40q", bad)
		}
	}
}

// TestOnlyCDNOW: with another currency than -currency, every line
// of the CDNOW file's width is left out, malformed or not; in -currency,
// the file reads as without the flag.
func TestOnlyCDNOW(t *testing.T) {
	cd := "00001 19970101 1 11.77\n00001 19970101 1 x\n00002 19970112 1 12.00\n00001 19970101 1 11.77 5 6\n"
	read := func(o Options) string {
		return outcome(Summarize(NewCDNOWReader(strings.NewReader(cd), "f.txt"), "f.txt", o))
	}
	o := Options{AsOf: customer.DateFromYMD(1998, 6, 30), SkipInvalid: true, Currency: "EUR"}
	want := read(o)
	o.Only = "EUR"
	require.Equal(t, want, read(o))
	o.Only = "USD"
	require.Equal(t, "rows 4 blank 0 headers 0 later 0 skipped 1 currency USD others EUR:3\nf.txt:4: 6 fields or more, the first data line has 4\n1 \"\" \"wrong number of fields\"\n", read(o))
}

// TestFullPriceBelowZeroEveryTier: FullPriceBelowZero counts the
// same customers, and names the same first, in every tier (fixed, wide,
// decimal) and in a Table of Summarize's result.
func TestFullPriceBelowZeroEveryTier(t *testing.T) {
	const head = "customer_id,date,amount,quantity,discount\n"
	rows := "B,2024-01-01,10,1,0\nB,2024-01-02,-12,-1,0\n" + // below: fixed
		"A,2024-01-01,10,1,0\nA,2024-01-02,-10,-1,0\n" + // zero
		"C,2024-01-01,10,1,2\nC,2024-01-02,-10,-1,0\n" + // below: a discounted sale, its refund at 0
		"D,2024-01-01,10.000000000000000000001,1,0\nD,2024-01-02,-11,-1,0\n" + // below: wide
		"E,2024-01-01,1" + strings.Repeat("0", 22) + ",1,0\nE,2024-01-02,-2" + strings.Repeat("0", 22) + ",-1,0\n" + // below: decimal
		"F,2024-01-01,10,1,\nF,2024-01-02,-12,-1,\n" + // no discount: not below
		"G,2024-01-02,-12,-1,0\n" + // a refund alone
		"H,2024-01-01,-12,-1,0\nH,2024-01-02,1.000000000000000000001,1,0\n" + // below: fixed, then wide
		"I,2024-01-01,10,1,0\nI,2024-01-02,-2" + strings.Repeat("0", 22) + ",-1,0\n" + // below: fixed, then decimal
		"J,2024-01-01,-1,-1,0\nJ,2024-01-02,1" + strings.Repeat("0", 22) + ",1,0\n" // fixed, then decimal: not below
	data := []byte(head + rows)
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	r, err := NewCSVReader(bytes.NewReader(data), "f.csv")
	require.NoError(t, err)
	res, err := Summarize(r, "f.csv", o)
	require.NoError(t, err)
	want := 0
	for _, s := range res.Summaries {
		if s.FullPriceNet.Sign() < 0 {
			want++
		}
	}
	require.Equal(t, 7, want)
	n, first := TableOf(res).FullPriceBelowZero()
	require.Equal(t, want, n)
	require.Equal(t, customer.ID("B"), first)
	for _, wide := range []bool{true, false} {
		wideTier = wide
		for _, workers := range []int{1, 2, 3} {
			tab, err := ScanCSV(bytes.NewReader(data), "f.csv", o, workers)
			require.NoError(t, err)
			n, first := tab.FullPriceBelowZero()
			require.Equal(t, want, n, "wide %v, %d workers", wide, workers)
			require.Equal(t, customer.ID("B"), first)
		}
	}
	wideTier = true
}
