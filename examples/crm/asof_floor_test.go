package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// An analysis date before 1900-01-01 is a usage error given before the
// input is read: crm reads no row dated before 1900, so no row could
// count, and a 10 GB export would be read to say so.
func TestAnalysisDayBefore1900IsUsageError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "o.csv")
	const in = "customer_id,date,amount\nA,1900-01-01,10\nA,1900-03-01,5\n"
	for _, args := range [][]string{
		{"segment", "-in", "-", "-as-of", "1899-12-31", "-out", out},
		{"batch", "-in", "-", "-as-of", "0001-01-01", "-out", out},
		{"report", "-in", "-", "-as-of", "1899-12-31", "-out", out},
		{"fit", "-model", "bgnbd", "-in", "-", "-calibration-end", "1850-06-30", "-json"},
		{"score", "-model", "bgnbd", "-in", "-", "-calibration-end", "1899-12-31", "-out", out},
	} {
		r := crm(t, in, args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
		assert.Contains(t, r.stderr, ": want a day on or after 1900-01-01", "%v", args)
		assert.NotContains(t, r.stderr, "rows", "%v: the input was read", args)
		assert.NoFileExists(t, out, "%v", args)
	}
	// The first day a row may have is a day to analyse as of.
	r := crm(t, in, "segment", "-in", "-", "-as-of", "1900-01-01", "-out", out)
	assert.Equal(t, 0, r.code, r.stderr)
	assert.FileExists(t, out)
}
