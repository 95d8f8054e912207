package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/internal/shopgen"
)

// TestBlankRowsArePassedOverInEverySubcommand puts blank rows (every
// field empty: after the header, in the middle with spaces, quoted, at
// the end, and an empty line) into a generated export: every subcommand
// that reads csv writes what it writes for the export without them, and
// says on stderr how many it passed over.
func TestBlankRowsArePassedOverInEverySubcommand(t *testing.T) {
	t.Parallel()
	clean, lines := shopExport(t)
	width := strings.Count(lines[0], ",") + 1
	commas := strings.Repeat(",", width-1)
	quoted := strings.Repeat(`"",`, width-1) + `""`
	mid := len(lines) / 2
	var b strings.Builder
	b.WriteString(lines[0])
	b.WriteString(commas + "\n") // after the header
	for _, l := range lines[1:mid] {
		b.WriteString(l)
	}
	b.WriteString(" , \t" + strings.Repeat(", ", width-3) + "\r\n") // spaces, a field short, CRLF
	b.WriteString(quoted + "\n")
	for _, l := range lines[mid:] {
		b.WriteString(l)
	}
	b.WriteString(strings.Repeat(commas+"\n", 3) + "\n") // three at the end, then an empty line
	blank := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, os.WriteFile(blank, []byte(b.String()), 0o644))
	assertPassedOverInEverySubcommand(t, clean, blank, "; 7 blank rows (no field filled) passed over", "blank row")
}

// shopExport writes a generated shop of 300 customers and returns its
// path and its lines, each with its line break, the header first.
func shopExport(t *testing.T) (path string, lines []string) {
	t.Helper()
	def := shopgen.DefaultConfig()
	path = writeShop(t, 300, 5, def.Start, def.End)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines = strings.SplitAfter(string(data), "\n")
	require.Equal(t, "", lines[len(lines)-1], "the export ends with a line break")
	return path, lines[:len(lines)-1]
}

// assertPassedOverInEverySubcommand runs every subcommand that reads csv
// on clean, an export, and on noisy, the same export with rows that
// carry no data put in: each writes the same output for both, and its
// stderr for noisy is that for clean with note on the line of the row
// counts, once for each read of the input. absent is not in the stderr
// for clean.
func assertPassedOverInEverySubcommand(t *testing.T, clean, noisy, note, absent string) {
	t.Helper()
	for _, tc := range []struct {
		name  string
		args  []string
		reads int // of the input
	}{
		{"segment", []string{"segment", "-as-of", "2025-06-30"}, 1},
		{"fit", []string{"fit", "-model", "bgnbd", "-calibration-end", "2025-06-30", "-json"}, 1},
		{"score", []string{"score", "-model", "bgnbd", "-spend", "gammagamma", "-calibration-end", "2025-06-30"}, 1},
		{"batch", []string{"batch", "-as-of", "2025-06-30"}, 1},
		{"report", []string{"report", "-as-of", "2025-12-31"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			run := func(in string) (out, stderr string) {
				path := filepath.Join(t.TempDir(), "out")
				r := crm(t, "", append(tc.args, "-in", in, "-out", path)...)
				require.Equal(t, 0, r.code, r.stderr)
				got, err := os.ReadFile(path)
				require.NoError(t, err)
				// Messages name the input and the output.
				stderr = strings.ReplaceAll(strings.ReplaceAll(r.stderr, in, "IN"), path, "OUT")
				return string(got), stderr
			}
			wantOut, wantErr := run(clean)
			gotOut, gotErr := run(noisy)
			assert.Equal(t, wantOut, gotOut, "the output of the export without the rows put in")
			assert.NotContains(t, wantErr, absent)
			assert.Equal(t, tc.reads, strings.Count(gotErr, note+"\n"), gotErr)
			assert.Equal(t, wantErr, strings.ReplaceAll(gotErr, note, ""), "the rest of stderr")
		})
	}
}

// Blank rows are no malformed rows: -skip-invalid neither skips nor lists
// them, and they count apart. A row with one field filled is a row.
func TestBlankRowsAreNotMalformedRows(t *testing.T) {
	t.Parallel()
	data := "customer_id,date,amount\nA,2024-01-05,10\n,,\nB,2024-02-01,12x\n , , \nA,2024-03-01,5\n\"\",\"\",\"\"\nC,2024-03-02,7\n,,\n"
	args := []string{"segment", "-in", "-", "-as-of", "2024-12-31"}
	r := crm(t, data, args...)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, `stdin:4: amount "12x": not a decimal number`)

	r = crm(t, data, append(args, "-skip-invalid")...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "crm: stdin: 4 rows (1 skipped as malformed), 2 customers; 4 blank rows (no field filled) passed over\n")
	assert.Contains(t, r.stderr, "skipped 1 malformed row (-skip-invalid); the first 1:\n  stdin:4: amount \"12x\": not a decimal number\n")
	assert.Equal(t, 1, strings.Count(r.stderr, "\n  "), "only the bad row is listed")
	clean := crm(t, "customer_id,date,amount\nA,2024-01-05,10\nB,2024-02-01,12x\nA,2024-03-01,5\nC,2024-03-02,7\n", append(args, "-skip-invalid")...)
	require.Equal(t, 0, clean.code, clean.stderr)
	assert.Equal(t, clean.stdout, r.stdout)

	for row, want := range map[string]string{
		",2024-01-01,5": `stdin:3: customer_id "": empty`,
		" ,,5":          `stdin:3: customer_id " ": empty`,
		",,,x":          `stdin:3: 4 fields, the header has 3`,
	} {
		r := crm(t, "customer_id,date,amount\nA,2024-01-05,10\n"+row+"\n,,\n", args...)
		assert.Equal(t, exitError, r.code, row)
		assert.Contains(t, r.stderr, want, row)
	}

	r = crm(t, "customer_id,date,amount\n,,\n\n\"\",\"\",\"\"\n", args...)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "stdin: no data rows (only a header and 3 blank rows)")
}
