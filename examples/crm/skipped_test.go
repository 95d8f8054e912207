package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// analystExport is the generated shop as an Online-Retail-style export
// has it: the customer_id emptied on 30 rows near the top, and three
// amounts written "12x" further down. It returns the path of the file.
func analystExport(t *testing.T) string {
	t.Helper()
	lines := strings.SplitAfter(generatedShop(t), "\n")
	head := strings.Split(strings.TrimSpace(lines[0]), ",")
	require.Equal(t, "customer_id", head[0])
	amount := -1
	for i, h := range head {
		if h == "amount" {
			amount = i
		}
	}
	require.Positive(t, amount)
	for i := 1; i <= 30; i++ {
		lines[i] = lines[i][strings.IndexByte(lines[i], ','):]
	}
	for _, i := range []int{500, 900, 1300} {
		f := strings.Split(lines[i], ",")
		f[amount] = "12x"
		lines[i] = strings.Join(f, ",")
	}
	path := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644))
	return path
}

// TestSkipInvalidTalliesEverySkippedRow: the analyst's case. The first
// ten errors are all of empty customer IDs; after them a line counts
// every skipped row by column and reason, so the bad amounts show too.
// Every subcommand that reads the export says so alike, the same on
// every run; without -skip-invalid the first bad row stops the run as
// before.
func TestSkipInvalidTalliesEverySkippedRow(t *testing.T) {
	t.Parallel()
	path := analystExport(t)
	tally := "crm: " + path + ": 33 skipped rows by column and reason: customer_id: empty ×30; amount: not a decimal number ×3\n"
	for _, args := range [][]string{
		{"segment", "-as-of", "2025-12-31"},
		{"batch", "-as-of", "2025-12-31"},
		{"fit", "-model", "bgnbd", "-calibration-end", "2025-12-31"},
		{"score", "-model", "bgnbd", "-calibration-end", "2025-12-31"},
		{"report", "-as-of", "2025-12-31", "-out", filepath.Join(t.TempDir(), "report.html")},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			args := append(args, "-in", path)
			r := crm(t, "", args...)
			assert.Equal(t, exitError, r.code)
			assert.Contains(t, r.stderr, path+`:2: customer_id "": empty`)
			assert.NotContains(t, r.stderr, "by column and reason")

			args = append(args, "-skip-invalid")
			r = crm(t, "", args...)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Equal(t, 1, strings.Count(r.stderr, "skipped 33 malformed rows (-skip-invalid); the first 10:\n"), r.stderr)
			assert.Equal(t, 10, strings.Count(r.stderr, `: customer_id "": empty`+"\n"), r.stderr)
			assert.NotContains(t, r.stderr, "12x", "the bad amounts are not among the first ten")
			assert.Equal(t, 1, strings.Count(r.stderr, tally), "the tally, once:\n%s", r.stderr)
			assert.Contains(t, r.stderr, path+`:11: customer_id "": empty`+"\n"+tally, "the tally follows the list")
			again := crm(t, "", args...)
			assert.Equal(t, r.stderr, again.stderr, "the same stderr on every run")
		})
	}
}

// TestSkipInvalidTallyOfAPipe: the export read from stdin tallies as the
// file does.
func TestSkipInvalidTallyOfAPipe(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(analystExport(t))
	require.NoError(t, err)
	for _, cmd := range []string{"segment", "report"} {
		r := crm(t, string(data), cmd, "-in", "-", "-as-of", "2025-12-31", "-skip-invalid")
		require.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, 1, strings.Count(r.stderr, "crm: stdin: 33 skipped rows by column and reason: customer_id: empty ×30; amount: not a decimal number ×3\n"), "%s:\n%s", cmd, r.stderr)
	}
}

// TestSkipInvalidTallyCDNOW: the CDNOW reader tallies as the csv one
// does: twelve bad dates and one bad amount.
func TestSkipInvalidTallyCDNOW(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(cdnowSample)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	for i := 0; i < 12; i++ {
		lines[100+i*10] = "00000 9999 19971301 1 1.00\r\n"
	}
	lines[50] = "00000 9998 19970101 1 NaN\r\n"
	in := filepath.Join(t.TempDir(), "bad.txt")
	require.NoError(t, os.WriteFile(in, []byte(strings.Join(lines, "")), 0o644))
	r := crm(t, "", "segment", "-in", in, "-format", "cdnow", "-as-of", "1998-06-30", "-skip-invalid")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "crm: "+in+": 13 skipped rows by column and reason: date: want YYYYMMDD ×12; amount: not a decimal number ×1\n")
}

// TestSkipInvalidNoTallyWithoutSkippedRows: nothing skipped, nothing
// tallied.
func TestSkipInvalidNoTallyWithoutSkippedRows(t *testing.T) {
	t.Parallel()
	r := crm(t, generatedShop(t), "segment", "-in", "-", "-as-of", "2025-12-31", "-skip-invalid")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "skipped")
}
