package input

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// skipsText prints a tally of skipped rows, a line a count.
func skipsText(skips []Skip) string {
	var b strings.Builder
	for _, s := range skips {
		fmt.Fprintf(&b, "%d %q %q\n", s.Rows, s.Column, s.Kind)
	}
	return b.String()
}

// readSkips reads data with -skip-invalid on every csv path (Summarize,
// ScanCSV with 1 to 3 workers and small blocks) and checks that they all
// tally the same; it returns the tally of Summarize and its count.
func readSkips(t *testing.T, data string) (string, int64) {
	t.Helper()
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31), SkipInvalid: true}
	r, err := NewCSVReader(strings.NewReader(data), "orders.csv")
	require.NoError(t, err)
	res, err := Summarize(r, "orders.csv", o)
	require.NoError(t, err)
	want := skipsText(res.Skips)
	tab := TableOf(res)
	assert.Equal(t, want, skipsText(tab.Skips), "TableOf")
	defer func(n int) { chunkBytes = n }(chunkBytes)
	for _, size := range []int{chunkBytes, 64} {
		chunkBytes = size
		for _, workers := range []int{1, 2, 3} {
			tab, err := ScanCSV(strings.NewReader(data), "orders.csv", o, workers)
			require.NoError(t, err)
			assert.Equal(t, res.Skipped, tab.Skipped)
			assert.Equal(t, want, skipsText(tab.Skips), "%d workers, blocks of %d bytes", workers, size)
		}
	}
	var n int64
	for _, s := range res.Skips {
		n += s.Rows
	}
	assert.Equal(t, res.Skipped, n, "the tally counts every skipped row")
	return want, res.Skipped
}

// The analyst's case: an Online-Retail-style export with thousands of
// rows without a customer ID and three bad amounts. The first ten errors
// are all of blank IDs; the tally counts every skipped row by column and
// kind of reason, so the bad amounts show.
func TestSkipsTallyAllSkippedRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("order_id,customer_id,date,amount\n")
	for i := 0; i < 4100; i++ {
		fmt.Fprintf(&b, "O%d,,2024-01-%02d,%d.50\n", i, 1+i%28, i%50)
		if i%1000 == 999 && i < 3000 {
			fmt.Fprintf(&b, "P%d,C%d,2024-02-01,12x\n", i, i)
		}
		fmt.Fprintf(&b, "Q%d,C%d,2024-03-01,4.25\n", i, i%300)
	}
	got, n := readSkips(t, b.String())
	assert.Equal(t, "4100 \"customer_id\" \"empty\"\n3 \"amount\" \"not a decimal number\"\n", got)
	assert.EqualValues(t, 4103, n)
}

// Reasons with a part that varies from row to row (the value, a count,
// a customer ID, a hint on the value) are counted by their fixed wording.
func TestSkipsGroupVaryingReasons(t *testing.T) {
	const head = "customer_id,date,amount,quantity,cost,currency,kind\n"
	data := head +
		"A,2024-01-01,5,1,,EUR,consumer\n" +
		"B,2024-01-01,5,1,,EUR,intermediary\n" +
		// amounts: plain, with a currency sign, with a decimal comma.
		"A,2024-01-02,12x,1,,EUR,\n" + "A,2024-01-02,€12.50,1,,EUR,\n" + "B,2024-01-02,\"1.234,50\",1,,EUR,\n" +
		// the number of fields.
		"A,2024-01-03,5\n" + "A,2024-01-03,5,1,,EUR,,,\n" +
		// another kind than the customer's earlier rows.
		"A,2024-01-04,5,1,,EUR,intermediary\n" + "B,2024-01-04,5,1,,EUR,consumer\n" +
		// another currency than the file's, given or by default.
		"A,2024-01-05,5,1,,USD,\n" + "B,2024-01-05,5,1,,,\n" +
		// quantities: not integers, with and without a thousands separator.
		"A,2024-01-06,5,abc,,EUR,\n" + "A,2024-01-06,5,\"1,000\",,EUR,\n" +
		// units of the other sign than the amount.
		"A,2024-01-07,5,-2,,EUR,\n" + "B,2024-01-07,-7,3,,EUR,\n" +
		// dates before 1900.
		"A,1899-12-31,5,1,,EUR,\n" + "B,1850-06-01,5,1,,EUR,\n" +
		// a bare quote, with and without the hint on a space before it.
		"A,2024-01-08,5,1,,EUR,a\"b\n" + "A,2024-01-08,5,1,,EUR, \"b\"\n"
	got, n := readSkips(t, data)
	assert.EqualValues(t, 17, n)
	assert.Equal(t, `3 "amount" "not a decimal number"
2 "" "wrong number of fields"
2 "currency" "not the file's currency"
2 "date" "before 1900"
2 "kind" "bare \" in non-quoted-field"
2 "kind" "differs from the customer's earlier rows"
2 "quantity" "not an integer"
2 "quantity" "of the other sign than the amount"
`, got)
}

// The CDNOW reader tallies as the csv readers do.
func TestSkipsCDNOW(t *testing.T) {
	data := "00001 19970101 1 11.77\n00002 19970112 1 12x\n00003 1997011 1 5.00\n00004 19970113 1 €5.00\n00005 19970114 1\n00006 19970114 1 1 1 1\n"
	res, err := Summarize(NewCDNOWReader(strings.NewReader(data), "cdnow.txt"), "cdnow.txt",
		Options{AsOf: customer.DateFromYMD(1998, 6, 30), SkipInvalid: true})
	require.NoError(t, err)
	assert.Equal(t, `2 "" "wrong number of fields"
2 "amount" "not a decimal number"
1 "date" "want YYYYMMDD"
`, skipsText(res.Skips))
}

// Without SkipInvalid nothing is tallied: the first malformed row stops
// the read, as before.
func TestSkipsNotWithoutSkipInvalid(t *testing.T) {
	data := "customer_id,date,amount\nA,2024-01-01,5\n,2024-01-02,5\nB,2024-01-02,12x\n"
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	r, err := NewCSVReader(strings.NewReader(data), "orders.csv")
	require.NoError(t, err)
	_, err = Summarize(r, "orders.csv", o)
	require.EqualError(t, err, `orders.csv:3: customer_id "": empty`)
	_, err = ScanCSV(bytes.NewReader([]byte(data)), "orders.csv", o, 2)
	require.EqualError(t, err, `orders.csv:3: customer_id "": empty`)
}
