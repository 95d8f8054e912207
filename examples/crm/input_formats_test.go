package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCDNOWLinesPassedOverAreReported: a CDNOW file with lines without a
// field between its rows, or two CDNOW files with header lines joined by
// `cat`, reads as the file without them, in crm fit and crm segment, and
// stderr counts what was passed over, as for a csv file: nothing is
// dropped silently.
func TestCDNOWLinesPassedOverAreReported(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(cdnowSample)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	mid := len(lines) / 2
	const header = "master_id customer_id date quantity amount\r\n"
	first, second := strings.Join(lines[:mid], ""), strings.Join(lines[mid:], "")
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return path
	}
	clean := write("clean.txt", header+first+second)
	for _, tc := range []struct{ name, text, note string }{
		{"cat.txt", header + first + header + second, "; 1 repeated header row passed over"},
		{"blank.txt", header + first + "\r\n   \r\n" + second + "\n", "; 3 blank rows (no field filled) passed over"},
	} {
		noisy := write(tc.name, tc.text)
		for _, args := range [][]string{
			{"fit", "-model", "bgnbd", "-format", "cdnow", "-calibration-end", "1997-09-30", "-period", "week", "-json"},
			{"segment", "-format", "cdnow", "-as-of", "1997-12-31"},
		} {
			want := crm(t, "", append(args, "-in", clean)...)
			require.Equal(t, 0, want.code, want.stderr)
			got := crm(t, "", append(args, "-in", noisy)...)
			require.Equal(t, 0, got.code, "%s %v: %s", tc.name, args, got.stderr)
			assert.Equal(t, want.stdout, got.stdout, "%s %v", tc.name, args)
			assert.Equal(t, 1, strings.Count(got.stderr, tc.note+"\n"), got.stderr)
			assert.Equal(t, strings.ReplaceAll(want.stderr, clean, noisy), strings.ReplaceAll(got.stderr, tc.note, ""), "%s %v", tc.name, args)
		}
	}
	// The example of a file with blank lines and no header.
	r := crm(t, "0001 19970101 1 10\n\n   \n0001 19970201 1 10\n", "segment", "-in", "-", "-format", "cdnow", "-as-of", "1997-12-31")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "crm: stdin: 2 rows, 1 customer; 2 blank rows (no field filled) passed over\n")
}

// TestOnlineRetailHeader: the header of the UCI Online Retail export is
// refused with what each of its columns would be, and its invoice
// number, once the required columns are there, is reported as not read
// as order_id, in every subcommand that reads csv.
func TestOnlineRetailHeader(t *testing.T) {
	t.Parallel()
	const raw = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
		"536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
	r := crm(t, raw, "segment", "-in", "-", "-as-of", "2011-12-31")
	require.NotEqual(t, 0, r.code)
	for _, want := range []string{
		`field 7, "CustomerID", would be customer_id: rename the column`,
		`field 5, "InvoiceDate", the invoice date of the Online Retail exports, would be date: rename the column`,
		`field 6, "UnitPrice", is a price per unit, as in the Online Retail exports, not the amount of the row: add a column amount, the quantity times the price (negative for a return)`,
	} {
		assert.Contains(t, r.stderr, want)
	}
	// Two invoices of one customer on one day: two orders with order_id,
	// one without.
	const renamed = "InvoiceNo,Quantity,date,amount,customer_id\n" +
		"536365,6,2010-12-01,15.30,17850\n536366,2,2010-12-01,3.70,17850\n537000,1,2011-01-05,2.00,17850\n"
	const warn = `crm: stdin: field 1, "InvoiceNo", the invoice number of the Online Retail exports, is not read as order_id: without an order_id, a customer's invoices of one day are one order; rename the column order_id` + "\n"
	for _, args := range [][]string{
		{"segment", "-as-of", "2011-12-31"},
		{"batch", "-as-of", "2011-12-31"},
		{"fit", "-model", "bgnbd", "-calibration-end", "2011-12-31"},
	} {
		r := crm(t, renamed, append(args, "-in", "-")...)
		assert.Equal(t, 1, strings.Count(r.stderr, warn), "%v: %s", args, r.stderr)
	}
	r = crm(t, strings.Replace(renamed, "InvoiceNo", "order_id", 1), "segment", "-in", "-", "-as-of", "2011-12-31")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "InvoiceNo")
}
