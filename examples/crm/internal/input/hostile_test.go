package input

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// utf16Text is s in UTF-16, little-endian or not, with its byte order
// mark when bom is set.
func utf16Text(s string, little, bom bool) string {
	var b []byte
	put := func(r uint16) {
		if little {
			b = append(b, byte(r), byte(r>>8))
		} else {
			b = append(b, byte(r>>8), byte(r))
		}
	}
	if bom {
		put(0xfeff)
	}
	for _, r := range utf16.Encode([]rune(s)) {
		put(r)
	}
	return string(b)
}

// TestHostileCSV feeds both csv readers files as they come from the
// field: each is read, or stops with an error that names the file, the
// line and, where one is at fault, the column or field, and says what is
// wrong. A row of a file whose header ends with LF but whose rows end
// with CR alone says so, and so does a header field that holds a control
// character (a NUL byte, a line break within quotes) when the header
// lacks a required column.
func TestHostileCSV(t *testing.T) {
	const head, row = "customer_id,date,amount", "C1,2024-01-01,1"
	o := Options{AsOf: customer.DateFromYMD(2024, 12, 31)}
	for _, tc := range []struct {
		name, data string
		err        string // "" when the file is read
	}{
		{"byte order mark", "\ufeff" + head + "\n" + row + "\n", ""},
		{"two byte order marks", "\ufeff\ufeff" + head + "\n" + row + "\n", ""},
		{"byte order mark within", head + "\n" + row + "\n\ufeffC2,2024-01-01,1\n", `f.csv:3: customer_id "\ufeffC2": holds a byte order mark`},
		{"CR line ends", head + "\r" + row + "\r", "f.csv:1: the header holds a carriage return (CR) not followed by a line feed"},
		{"CR line ends after an LF header", head + "\n" + row + "\rC2,2024-01-01,1\r", "f.csv:2: 5 fields, the header has 3; the line holds a carriage return (CR) not followed by a line feed"},
		{"CR line ends after an LF header, quoted", head + "\n" + row + "\r\"C2\",2024-01-01,1\r", "f.csv:2: "},
		{"NUL bytes at the start", "\x00\x00" + head + "\n" + row + "\n", "f.csv: the file holds NUL bytes at its start"},
		{"NUL in an ID", head + "\nC\x001,2024-01-01,1\n", `f.csv:2: customer_id "C\x001": holds a control character`},
		{"NUL in an amount", head + "\nC1,2024-01-01,1\x00\n", `f.csv:2: amount "1\x00": not a decimal number`},
		{"NUL in a date", head + "\nC1,2024-01-01\x00,1\n", `f.csv:2: date "2024-01-01\x00": want YYYY-MM-DD`},
		{"NUL line", head + "\n" + row + "\n\x00\x00\n", "f.csv:3: 1 field, the header has 3"},
		{"NUL in a column not read", head + ",note\n" + row + ",a\x00b\n", ""},
		{"NUL in the header", head + "\x00\n" + row + "\n", `f.csv:1: missing required column "amount" (header has 3 columns; need customer_id, date, amount; field 3, "amount\x00", holds a control character (U+0000), which no column name has)`},
		{"header only", head + "\n", "f.csv: no data rows (only a header, or nothing)"},
		{"header only, no line break", head, "f.csv: no data rows (only a header, or nothing)"},
		{"a column twice", head + ",date\n" + row + ",2024-01-02\n", `f.csv:1: column "date" appears twice in the header (fields 2 and 4)`},
		{"a column twice, in another case", head + ",Amount\n" + row + ",2\n", `f.csv:1: column "amount" appears twice in the header (fields 3 and 4)`},
		{"an unknown column twice", head + ",x,x\n" + row + ",a,b\n", ""},
		{"spaces around names", " customer_id , date ,\tamount \n" + row + "\n", ""},
		{"quoted names", `"customer_id","date","amount"` + "\n" + `"C1","2024-01-01","1"` + "\n", ""},
		{"quoted names with spaces within", `" customer_id ","date ","amount"` + "\n" + row + "\n", ""},
		{"a space before a quoted name", ` "customer_id","date","amount"` + "\n" + row + "\n", "f.csv:1: header: bare \" in non-quoted-field; a quote after a space opens no quoted field"},
		// A tab is the separator of a tab-separated file, which the
		// error names, not a control character within a name.
		{"tab-separated", "customer_id\tdate\tamount\nC1\t2024-01-01\t1\n", `f.csv:1: missing required column "amount", "customer_id", "date" (header has 1 column; need customer_id, date, amount; the header looks separated by "\t": the file must be comma-separated)`},
		{"a line break in a quoted name", "\"customer\nid\",date,amount\n" + row + "\n", `f.csv:1: missing required column "customer_id" (header has 3 columns; need customer_id, date, amount; field 1, "customer\nid", holds a control character (U+000A), which no column name has)`},
		{"UTF-16LE", utf16Text(head+"\r\n"+row+"\r\n", true, true), "f.csv: the file is UTF-16 text (it starts with a UTF-16 byte order mark)"},
		{"UTF-16BE", utf16Text(head+"\r\n"+row+"\r\n", false, true), "f.csv: the file is UTF-16 text (it starts with a UTF-16 byte order mark)"},
		{"UTF-16LE without a byte order mark", utf16Text(head+"\r\n"+row+"\r\n", true, false), "f.csv: the file is UTF-16LE text without a byte order mark"},
		{"UTF-16BE without a byte order mark", utf16Text(head+"\r\n"+row+"\r\n", false, false), "f.csv: the file is UTF-16BE text without a byte order mark"},
		{"empty", "", "f.csv: empty file"},
		{"byte order mark only", "\ufeff", "f.csv: empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := summarizeBytes([]byte(tc.data), o)
			if tc.err == "" {
				require.False(t, strings.HasPrefix(got, "error: "), got)
			} else {
				assert.True(t, strings.HasPrefix(got, "error: "+tc.err), got)
			}
			checkScan(t, []byte(tc.data), o)
		})
	}
}
