package input

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTextThatIsNotUTF8 reads an export saved in Latin-1 or
// Windows-1252 ("Müller" as M 0xFC ller): an ID or a category that is no
// UTF-8 is refused as customer.Validate refuses such an ID, with the
// file, the line, the column and a hint on converting the file, by both
// readers alike; -skip-invalid skips the row. The same text in UTF-8 is
// read, and a byte that is no UTF-8 in a column the rules do not read is
// let be.
func TestTextThatIsNotUTF8(t *testing.T) {
	const head = "customer_id,date,amount,order_id,category,note\n"
	const hint = "not UTF-8: the file may be Latin-1/Windows-1252; convert it with iconv -f WINDOWS-1252 -t UTF-8"
	o := Options{AsOf: day(t, "2024-12-31")}
	good := "C1,2024-01-02,10,A,tops,\nC2,2024-01-03,20,B,tops,\n"
	for _, tc := range []struct {
		name, row, err string
	}{
		{"customer_id", "M\xfcller,2024-01-05,12.50,O1,tops,", `orders.csv:2: customer_id "M\xfcller": ` + hint},
		{"customer_id quoted", "\"M\xfcller \",2024-01-05,12.50,O1,tops,", `orders.csv:2: customer_id "M\xfcller": ` + hint},
		{"order_id", "C3,2024-01-05,12.50,\x80-1,tops,", `orders.csv:2: order_id "\x80-1": ` + hint},
		{"category", "C3,2024-01-05,12.50,O1,R\xf6cke,", `orders.csv:2: category "R\xf6cke": ` + hint},
		{"a cut UTF-8 sequence", "C3\xc3,2024-01-05,12.50,O1,tops,", `orders.csv:2: customer_id "C3\xc3": ` + hint},
		{"control character in customer_id", "C\x013,2024-01-05,12.50,O1,tops,", `orders.csv:2: customer_id "C\x013": holds a control character`},
		{"control character in order_id", "C3,2024-01-05,12.50,\"O\n1\",tops,", `orders.csv:2: order_id "O\n1": holds a control character`},
		// The byte order mark of a second file put after the first
		// without its header (cat a.csv b.csv): an invisible character
		// that would make C3 another customer than C3.
		{"byte order mark in customer_id", "\ufeffC3,2024-01-05,12.50,O1,tops,", `orders.csv:2: customer_id "\ufeffC3": ` + bomInID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := head + tc.row + "\n" + good
			_, err := readCSV(t, data, o)
			require.Error(t, err)
			assert.Equal(t, tc.err, err.Error())
			checkScan(t, []byte(data), o)

			_, err = ScanCSV(strings.NewReader(data), "orders.csv", o, 2)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)

			skip := o
			skip.SkipInvalid = true
			res, err := readCSV(t, data, skip)
			require.NoError(t, err)
			assert.Equal(t, int64(1), res.Skipped)
			require.Len(t, res.Errors, 1)
			assert.Equal(t, tc.err, res.Errors[0].Error())
			assert.Len(t, res.Summaries, 2)
			checkScan(t, []byte(data), skip)
		})
	}

	// UTF-8 text is read, on the fast path as on the exact one; a byte of
	// Latin-1 in a column that is not read is let be.
	data := head + "Müller,2024-01-05,12.50,Ö1,Röcke,caf\xe9\n" + good
	res, err := readCSV(t, data, o)
	require.NoError(t, err)
	require.Len(t, res.Summaries, 3)
	assert.Equal(t, "Müller", string(res.Summaries[2].CustomerID))
	assert.Equal(t, []string{"Röcke"}, res.Summaries[2].Categories)
	checkScan(t, []byte(data), o)
}

// The CDNOW format refuses a customer ID that is no UTF-8 as the csv
// format does.
func TestCDNOWTextThatIsNotUTF8(t *testing.T) {
	data := "00001 1 19970101 1 29.33\n00002 M\xfcller 19970102 2 10.00\n"
	r := NewCDNOWReader(bytes.NewReader([]byte(data)), "cd.txt")
	_, err := Summarize(r, "cd.txt", Options{AsOf: day(t, "1998-01-01")})
	require.Error(t, err)
	assert.Equal(t, `cd.txt:2: customer_id "M\xfcller": not UTF-8: the file may be Latin-1/Windows-1252; convert it with iconv -f WINDOWS-1252 -t UTF-8`, err.Error())

	r = NewCDNOWReader(bytes.NewReader([]byte(data)), "cd.txt")
	res, err := Summarize(r, "cd.txt", Options{AsOf: day(t, "1998-01-01"), SkipInvalid: true})
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Skipped)
	assert.Len(t, res.Summaries, 1)
}

// printable agrees with a byte-by-byte check on every byte at every
// place of a word and of the tail.
func TestPrintable(t *testing.T) {
	for n := 0; n <= 17; n++ {
		for pos := 0; pos < n; pos++ {
			for b := 0; b < 256; b++ {
				s := []byte(strings.Repeat("a", n))
				s[pos] = byte(b)
				want := b >= 0x20 && b < 0x7f
				assert.Equal(t, want, printable(string(s)), "n %d pos %d byte %#x", n, pos, b)
			}
		}
	}
	assert.True(t, printable(""))
	assert.True(t, printable(" !~"))
}
