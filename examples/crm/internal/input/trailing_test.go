package input

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrailingCommas reads exports whose lines end in a comma, as
// spreadsheets write an empty last column. A header and rows that all end
// in one read as the file without them: the unnamed column is an unknown
// one, not read. A header with a trailing comma over rows without one,
// and rows with trailing commas under a header without, are malformed
// rows whose error says which line has the comma too many. ScanCSV says
// the same as the reader of NewCSVReader.
func TestTrailingCommas(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	const clean = "customer_id,date,amount\nC1,2024-01-01,10\nC2,2024-01-02,20\n"
	want := summarizeBytes([]byte(clean), o)
	require.NotContains(t, want, "error")
	for name, data := range map[string]string{
		"header and rows":    "customer_id,date,amount,\nC1,2024-01-01,10,\nC2,2024-01-02,20,\n",
		"two, CRLF":          "customer_id,date,amount,,\r\nC1,2024-01-01,10,,\r\nC2,2024-01-02,20, ,\r\n",
		"quoted empty field": "customer_id,date,amount,\nC1,2024-01-01,10,\"\"\nC2,2024-01-02,20,\n",
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, want, summarizeBytes([]byte(data), o))
			checkScan(t, []byte(data), o)
		})
	}

	so := o
	so.SkipInvalid = true
	for _, c := range []struct{ name, data, want string }{
		{"header only", "customer_id,date,amount,\nC1,2024-01-01,10\n",
			"f.csv:2: 3 fields, the header has 4; the header's last field has no name (a comma at the end of the header line): remove that comma, or end every row with one"},
		{"header only, two", "customer_id,date,amount, ,\nC1,2024-01-01,10,\n",
			"f.csv:2: 4 fields, the header has 5; the header's last 2 fields have no name (commas at the end of the header line): remove those commas, or end every row with as many"},
		{"rows only", "customer_id,date,amount\nC1,2024-01-01,10,\n",
			"f.csv:2: 4 fields, the header has 3; its last field is empty and has no column (a comma at the end of the line): remove that comma, or end the header with one"},
		{"rows only, two, one quoted", "customer_id,date,amount\nC1,2024-01-01,10,\"\",\n",
			"f.csv:2: 5 fields, the header has 3; its last 2 fields are empty and have no column (commas at the end of the line): remove those commas, or end the header with as many"},
		// No hint where the comma is not the difference.
		{"a field missing", "customer_id,date,amount,\nC1,2024-01-01\n",
			"f.csv:2: 2 fields, the header has 4\n"},
		{"a field more", "customer_id,date,amount\nC1,2024-01-01,10,x\n",
			"f.csv:2: 4 fields, the header has 3\n"},
		{"a named field missing", "customer_id,date,amount,note\nC1,2024-01-01,10\n",
			"f.csv:2: 3 fields, the header has 4\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.data)
			got := summarizeBytes(data, so)
			assert.Contains(t, got, c.want)
			checkScan(t, data, so)
		})
	}
}

// TestSpaceBeforeQuote reads exports whose fields are joined with ", "
// and quoted, as ad hoc programs write them: a quote after a space opens
// no quoted field (RFC 4180), and the error, of the header or of a row,
// says to remove the spaces, in both readers. A bare quote elsewhere in a
// field gets no such hint.
func TestSpaceBeforeQuote(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31"), SkipInvalid: true}
	got := summarizeBytes([]byte("customer_id, \"date\",amount\nC1,2024-01-01,10\n"), o)
	assert.Equal(t, `error: f.csv:1: header: bare " in non-quoted-field; a quote after a space opens no quoted field: remove the spaces between the commas and the quotes`, got)

	for row, want := range map[string]string{
		"C1,\t\"2024-01-01\",10": `f.csv:3: date "\t\"2024-01-01\"": bare " in non-quoted-field; a quote after a space opens no quoted field: remove the spaces between the commas and the quotes`,
		"C1,2024-01-01,  \"10\"": `f.csv:3: amount "  \"10\"": bare " in non-quoted-field; a quote after a space opens no quoted field: remove the spaces between the commas and the quotes`,
		"C1,2024-01-01,1\"0":     `f.csv:3: amount "1\"0": bare " in non-quoted-field` + "\n",
		"C1,2024-01-01, 1\"0":    `f.csv:3: amount " 1\"0": bare " in non-quoted-field` + "\n",
	} {
		data := []byte("customer_id,date,amount\nC2,2024-01-01,5\n" + row + "\n")
		assert.Contains(t, summarizeBytes(data, o), want, row)
		checkScan(t, data, o)
	}
}
