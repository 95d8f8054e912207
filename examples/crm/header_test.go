package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRepeatedHeadersArePassedOverInEverySubcommand makes of a generated
// export three exports with headers and puts them one after the other,
// as `cat` does, the second header in other cases with spaces and the
// third quoted, and ends the file with a fourth export of only its
// header: every subcommand that reads csv writes what it writes for the
// export without them, and says on stderr how many it passed over.
func TestRepeatedHeadersArePassedOverInEverySubcommand(t *testing.T) {
	t.Parallel()
	clean, lines := shopExport(t)
	header := strings.TrimSuffix(lines[0], "\n")
	names := strings.Split(header, ",")
	spaced := make([]string, len(names))
	quoted := make([]string, len(names))
	for i, n := range names {
		spaced[i] = " " + strings.ToUpper(n[:1]) + n[1:] + "\t"
		quoted[i] = `"` + n + `"`
	}
	third := len(lines) / 3
	var b strings.Builder
	b.WriteString(lines[0])
	b.WriteString(strings.Join(lines[1:third], ""))
	b.WriteString(strings.Join(spaced, ",") + "\r\n")
	b.WriteString(strings.Join(lines[third:2*third], ""))
	b.WriteString(strings.Join(quoted, ",") + "\n")
	b.WriteString(strings.Join(lines[2*third:], ""))
	b.WriteString(lines[0])
	cat := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, os.WriteFile(cat, []byte(b.String()), 0o644))
	assertPassedOverInEverySubcommand(t, clean, cat, "; 3 repeated header rows passed over", "header")
}

// A repeated header is no malformed row: the run goes on (exit status
// 0) without -skip-invalid, and with it the header is neither skipped
// nor listed. A row like the header but not it (the names in another
// order, a column missing) still stops the run.
func TestRepeatedHeaderIsNotAMalformedRow(t *testing.T) {
	t.Parallel()
	args := []string{"segment", "-in", "-", "-format", "csv", "-as-of", "2025-12-31"}
	data := "customer_id,date,amount\nA,2025-01-02,10\ncustomer_id,date,amount\nB,2025-02-03,5\n"
	r := crm(t, data, args...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "crm: stdin: 2 rows, 2 customers; 1 repeated header row passed over\n", r.stderr)
	assert.Contains(t, r.stdout, "\nA,")
	assert.Contains(t, r.stdout, "\nB,")
	clean := crm(t, "customer_id,date,amount\nA,2025-01-02,10\nB,2025-02-03,5\n", args...)
	require.Equal(t, 0, clean.code, clean.stderr)
	assert.Equal(t, clean.stdout, r.stdout)

	data = "customer_id,date,amount\nA,2025-01-02,10\n,,\nCustomer_ID , Date,AMOUNT\nB,2025-02-03,12x\n\"customer_id\",\"date\",\"amount\"\nB,2025-02-03,5\n"
	r = crm(t, data, append(args, "-skip-invalid")...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "crm: stdin: 3 rows (1 skipped as malformed), 2 customers; 1 blank row (no field filled) passed over; 2 repeated header rows passed over\n")
	assert.Contains(t, r.stderr, "skipped 1 malformed row (-skip-invalid); the first 1:\n  stdin:5: amount \"12x\": not a decimal number\n")
	assert.Equal(t, 1, strings.Count(r.stderr, "\n  "), "only the bad row is listed")

	for row, want := range map[string]string{
		"date,customer_id,amount":  `stdin:3: date "customer_id": want YYYY-MM-DD`,
		"customer_id,date":         `stdin:3: 2 fields, the header has 3`,
		"customer_id,date,amount,": `stdin:3: 4 fields, the header has 3`,
	} {
		r := crm(t, "customer_id,date,amount\nA,2025-01-02,10\n"+row+"\nB,2025-02-03,5\n", args...)
		assert.Equal(t, exitError, r.code, row)
		assert.Contains(t, r.stderr, want, row)
	}

	r = crm(t, "customer_id,date,amount\ncustomer_id,date,amount\n,,\n", args...)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "stdin: no data rows (only a header, 1 blank row and 1 repeated header row)")
}

// A column named as an optional column in another style ("Order ID" for
// order_id) is not read, as any unknown column: every subcommand that
// reads csv says so on stderr, naming the field and the column it would
// be, once also where the file is read twice (crm report), and reads
// the file as it reads it without that column.
func TestMisnamedColumnIsReportedInEverySubcommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	const data = "customer_id,date,amount,Order ID\nA,2025-01-02,10,O1\nA,2025-01-02,5,O2\nA,2025-03-02,5,O3\nB,2025-02-03,5,O4\nB,2025-04-03,7,O5\n"
	require.NoError(t, os.WriteFile(in, []byte(data), 0o644))
	const want = `crm: ` + "%s" + `: field 4, "Order ID", would be order_id but is not read under that name: rename the column` + "\n"
	for _, args := range [][]string{
		{"segment", "-as-of", "2025-12-31"},
		{"batch", "-as-of", "2025-12-31"},
		{"report", "-as-of", "2025-12-31", "-out", filepath.Join(dir, "r.html")},
		{"fit", "-model", "bgnbd", "-calibration-end", "2025-12-31"},
		{"score", "-model", "bgnbd", "-calibration-end", "2025-12-31"},
	} {
		r := crm(t, "", append(args, "-in", in)...)
		assert.Contains(t, r.stderr, strings.Replace(want, "%s", in, 1), args)
		assert.Equal(t, 1, strings.Count(r.stderr, "would be order_id"), "once, also when the file is read twice: %v", args)
		r = crm(t, data, append(args, "-in", "-")...)
		assert.Contains(t, r.stderr, strings.Replace(want, "%s", "stdin", 1), args)
	}
	r := crm(t, "", "segment", "-as-of", "2025-12-31", "-in", in)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "\nA,consumer,", r.stdout)
	line := strings.Split(r.stdout, "\n")[1]
	assert.Equal(t, "2", strings.Split(line, ",")[12], "the orders of A are its days: %s", line)
}
