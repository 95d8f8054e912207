package input

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSeparatorLine reads exports that start with the line "sep=," that
// spreadsheets write (and read) to name the field separator: it carries
// no data, and the header is the line after it, so the file reads as the
// one without it, its lines numbered as in the file. A separator line
// naming another separator than the comma is an error that says so.
func TestSeparatorLine(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	const clean = "customer_id,date,amount\nC1,2024-01-01,10\nC2,2024-01-02,20\nC1,2024-02-01,5\n"
	want := summarizeBytes([]byte(clean), o)
	require.NotContains(t, want, "error")
	for name, data := range map[string]string{
		"sep=,":            "sep=,\n" + clean,
		"CRLF":             "sep=,\r\n" + strings.ReplaceAll(clean, "\n", "\r\n"),
		"byte order mark":  "\ufeffsep=,\r\n" + clean,
		"in upper case":    "SEP=,\n" + clean,
		"quoted, as Excel": "\"sep=,\"\n" + clean,
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, want, summarizeBytes([]byte(data), o))
			checkScan(t, []byte(data), o)
		})
	}
	// Errors name the lines of the file.
	bad := "sep=,\n" + clean + "C3,2024-03-01,12x\n"
	assert.Contains(t, summarizeBytes([]byte(bad), o), `f.csv:6: amount "12x": not a decimal number`)
	checkScan(t, []byte(bad), o)

	for _, sep := range []string{";", "\t", "|"} {
		data := "sep=" + sep + "\n" + strings.ReplaceAll(clean, ",", sep)
		got := summarizeBytes([]byte(data), o)
		assert.Equal(t, fmt.Sprintf("error: f.csv:1: the first line, %q, says the fields are separated by %q: the file must be comma-separated (save it as CSV with commas)", "sep="+sep, sep), strings.TrimSpace(got))
	}
	// Without a separator line nothing changes: a header named sep is a
	// header.
	assert.Contains(t, summarizeBytes([]byte("sep,customer_id,date,amount\nx,C1,2024-01-01,10\n"), o), "rows 1 ")
}
