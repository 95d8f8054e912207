package salesrow_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// The reasons as a reader shows them, spelled out so that a change of
// wording is seen.
const (
	wantNotUTF8 = "not UTF-8: the file may be Latin-1/Windows-1252; convert it with iconv -f WINDOWS-1252 -t UTF-8"
	wantControl = "holds a control character"
	wantBOM     = "holds a byte order mark (U+FEFF, invisible): a second file put after the first (cat a.csv b.csv) starts with one; remove it"
)

// An export saved in Latin-1 or Windows-1252 ("Müller" as M 0xFC ller),
// an ID with a control character or a byte order mark, and a category
// that is no UTF-8 are refused by Parse and ParseUsed, with the field,
// the column, the value as trimmed and the reason; the same texts in
// UTF-8 are read. A column that is not read is not checked.
func TestParseRefusesTextsThatAreNotUTF8(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		field      int
		err        string
	}{
		{"Latin-1 customer_id", "M\xfcller,2024-03-05,1,,,,,,", 0, `customer_id "M\xfcller": ` + wantNotUTF8},
		{"Latin-1 customer_id with spaces", " M\xfcller ,2024-03-05,1,,,,,,", 0, `customer_id "M\xfcller": ` + wantNotUTF8},
		{"cut UTF-8 sequence", "C3\xc3,2024-03-05,1,,,,,,", 0, `customer_id "C3\xc3": ` + wantNotUTF8},
		{"control character in customer_id", "C\x013,2024-03-05,1,,,,,,", 0, `customer_id "C\x013": ` + wantControl},
		{"line break in customer_id", "C\n3,2024-03-05,1,,,,,,", 0, `customer_id "C\n3": ` + wantControl},
		{"DEL in customer_id", "C\x7f3,2024-03-05,1,,,,,,", 0, `customer_id "C\x7f3": ` + wantControl},
		{"C1 control in customer_id", "C\u00853,2024-03-05,1,,,,,,", 0, `customer_id "C\u00853": ` + wantControl},
		{"byte order mark in customer_id", "\ufeffC3,2024-03-05,1,,,,,,", 0, `customer_id "\ufeffC3": ` + wantBOM},
		{"Latin-1 order_id", "C3,2024-03-05,1,\x80-1,,,,,", 3, `order_id "\x80-1": ` + wantNotUTF8},
		{"control character in order_id", "C3,2024-03-05,1,O\t1,,,,,", 3, `order_id "O\t1": ` + wantControl},
		{"byte order mark in order_id", "C3,2024-03-05,1,O\ufeff1,,,,,", 3, `order_id "O\ufeff1": ` + wantBOM},
		{"Latin-1 category", "C3,2024-03-05,1,,,,,,R\xf6cke", 8, `category "R\xf6cke": ` + wantNotUTF8},
	} {
		rec := strings.Split(tc.line, ",")
		var r salesrow.Row
		fe := layout9.Parse(rec, &r)
		require.NotNil(t, fe, tc.name)
		assert.Equal(t, tc.field, fe.Field, tc.name)
		assert.Equal(t, tc.err, fe.Error(), tc.name)

		fe = layout9.ParseUsed(rec, &r)
		require.NotNil(t, fe, tc.name)
		assert.Equal(t, tc.err, fe.Error(), tc.name)
	}

	// A row with another fault too reports the fault the rules met
	// first: the other fields are read before the texts.
	var r salesrow.Row
	fe := layout9.Parse(strings.Split("M\xfcller,2024-03-05,12x,,,,,,", ","), &r)
	require.NotNil(t, fe)
	assert.Equal(t, salesrow.ColAmount, fe.Column)

	// UTF-8 beyond ASCII is read, and so is a category with a line
	// break (a quoted field over two lines) or a tab.
	for _, tc := range []struct{ line, id, order, cat string }{
		{"Müller,2024-03-05,1,Ö-1,,,,,Röcke", "Müller", "Ö-1", "Röcke"},
		{"客户,2024-03-05,1,订单7,,,,,外套", "客户", "订单7", "外套"},
		{"c1,2024-03-05,1,,,,,,coats\nand jackets", "c1", "", "coats\nand jackets"},
		{"c1,2024-03-05,1,o1,,,,,a\tb", "c1", "o1", "a\tb"},
		{"c1,2024-03-05,1,o1,,,,,\ufeffcoats", "c1", "o1", "\ufeffcoats"},
	} {
		require.Nil(t, layout9.Parse(strings.Split(tc.line, ","), &r), "%q", tc.line)
		assert.Equal(t, tc.id, r.CustomerID)
		assert.Equal(t, tc.order, r.OrderID)
		assert.Equal(t, tc.cat, r.Category)
	}

	// Latin-1 in a column the rules do not read is let be.
	l, err := salesrow.NewLayout([]string{"customer_id", "date", "amount", "note"})
	require.NoError(t, err)
	require.Nil(t, l.Parse([]string{"c1", "2024-03-05", "1", "caf\xe9"}, &r))
}

// The reasons are those Parse gives, and IDProblem and TextProblem apply
// the rules of Parse to a text alone, for a reader that parses a row
// without Parse.
func TestIDProblemAndTextProblem(t *testing.T) {
	assert.Equal(t, wantNotUTF8, salesrow.NotUTF8)
	assert.Equal(t, wantControl, salesrow.ControlChar)
	assert.Equal(t, wantBOM, salesrow.BOMInID)
	for s, want := range map[string]string{
		"":                            "",
		"C-1 / x~":                    "",
		"Müller":                      "",
		"客户":                          "",
		"M\xfcller":                   wantNotUTF8,
		"C3\xc3":                      wantNotUTF8,
		"\xef\xbb":                    salesrow.NotUTF8GB, // 锘 in GBK; a cut UTF-8 byte order mark has no character of UTF-8 before it
		"C\x003":                      wantControl,
		"C\r":                         wantControl,
		"a long id of many bytes\x7f": wantControl,
		"C\u009f":                     wantControl,
		"\ufeffC3":                    wantBOM,
		"C3\ufeff":                    wantBOM,
	} {
		assert.Equal(t, want, salesrow.IDProblem(s), "%q", s)
	}
	for s, want := range map[string]string{
		"":             "",
		"coats":        "",
		"Röcke":        "",
		"外套\nand\ttab": "",
		"\ufeffcoats":  "",
		"R\xf6cke":     wantNotUTF8,
		"coats\xff":    wantNotUTF8,
	} {
		assert.Equal(t, want, salesrow.TextProblem(s), "%q", s)
	}
}

// Printable agrees with a byte-by-byte check on every byte at every
// place of a word and of the tail, and a printable text passes both
// checks of the texts.
func TestPrintable(t *testing.T) {
	for n := 0; n <= 17; n++ {
		for pos := 0; pos < n; pos++ {
			for b := 0; b < 256; b++ {
				s := []byte(strings.Repeat("a", n))
				s[pos] = byte(b)
				want := b >= 0x20 && b < 0x7f
				got := salesrow.Printable(string(s))
				if got != want {
					t.Fatalf("n %d pos %d byte %#x: %v", n, pos, b, got)
				}
				if got && (salesrow.IDProblem(string(s)) != "" || salesrow.TextProblem(string(s)) != "") {
					t.Fatalf("printable %q refused", s)
				}
			}
		}
	}
	assert.True(t, salesrow.Printable(""))
	assert.True(t, salesrow.Printable(" !~"))
}
