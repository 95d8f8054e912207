package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/examples/crm/internal/input"
)

// A line longer than input.MaxLineBytes is a malformed row: without
// -skip-invalid the run stops there with the file and the line; with it
// the line is skipped, counted and listed, and the rows after it are
// read, in both formats.
func TestLongLineIsSkippedWithSkipInvalid(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", input.MaxLineBytes+1)
	data := "customer_id,date,amount\nA,2024-01-05,10\nB," + long + "\nC,2024-03-02,7\n"
	args := []string{"segment", "-in", "-", "-as-of", "2024-12-31"}
	r := crm(t, data, args...)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, fmt.Sprintf("stdin:3: line longer than %d bytes", input.MaxLineBytes))

	r = crm(t, data, append(args, "-skip-invalid")...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, fmt.Sprintf("skipped 1 malformed row (-skip-invalid); the first 1:\n  stdin:3: line longer than %d bytes\n", input.MaxLineBytes))
	clean := crm(t, "customer_id,date,amount\nA,2024-01-05,10\nC,2024-03-02,7\n", args...)
	require.Equal(t, 0, clean.code, clean.stderr)
	assert.Equal(t, clean.stdout, r.stdout)

	in := filepath.Join(t.TempDir(), "c.txt")
	require.NoError(t, os.WriteFile(in, []byte("1 19970101 1 10\n"+long+"\n2 19970102 1 12\n"), 0o644))
	fit := []string{"fit", "-model", "bgnbd", "-in", in, "-format", "cdnow", "-calibration-end", "1997-09-30", "-json"}
	r = crm(t, "", fit...)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, fmt.Sprintf("c.txt:2: line longer than %d bytes", input.MaxLineBytes))
	r = crm(t, "", append(fit, "-skip-invalid")...)
	assert.Contains(t, r.stderr, fmt.Sprintf("skipped 1 malformed row (-skip-invalid); the first 1:\n  %s:2: line longer than %d bytes\n", in, input.MaxLineBytes))
}

// A date flag of year 0000 says why it is refused, as a row of that day
// does, not only "want YYYY-MM-DD".
func TestDateFlagOfYearZero(t *testing.T) {
	t.Parallel()
	r := crm(t, "customer_id,date,amount\nA,2024-01-05,10\n", "segment", "-in", "-", "-as-of", "0000-01-01")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `-as-of: date "0000-01-01": want YYYY-MM-DD; 0000-01-01 is before 1900, the first year of a row`)
	r = crm(t, "", "fit", "-model", "bgnbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "0000-00-00")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `-calibration-end: date "0000-00-00": want YYYY-MM-DD; MySQL's zero date, written for a missing date`)
}
