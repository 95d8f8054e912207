package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Any whole number a person types is a seed: a negative one is read as
// 2^64 + S; anything else is a usage error that says what a seed is.
func TestGenerateSeeds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	neg, wrapped, other := filepath.Join(dir, "neg.csv"), filepath.Join(dir, "wrapped.csv"), filepath.Join(dir, "other.csv")
	r := crm(t, "", "generate", "-customers", "20", "-seed", "-5", "-out", neg)
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, 0, crm(t, "", "generate", "-customers", "20", "-seed", "18446744073709551611", "-out", wrapped).code)
	require.Equal(t, 0, crm(t, "", "generate", "-customers", "20", "-seed", "-6", "-out", other).code)
	dn, _ := os.ReadFile(neg)
	dw, _ := os.ReadFile(wrapped)
	do, _ := os.ReadFile(other)
	assert.Equal(t, dw, dn, "-5 is 2^64 − 5")
	assert.NotEqual(t, dn, do, "-5 and -6 are other shops")

	for _, bad := range []string{"1.5", "abc", "", "18446744073709551616", "-9223372036854775809"} {
		r := crm(t, "", "generate", "-customers", "20", "-seed", bad, "-out", filepath.Join(dir, "bad.csv"))
		assert.Equal(t, 2, r.code, "seed %q", bad)
		assert.Contains(t, r.stderr, `for flag -seed: want a whole number`, "seed %q", bad)
		assert.NoFileExists(t, filepath.Join(dir, "bad.csv"))
	}
}

// The count of customers that crm generate reports is that of the
// customers in the file: the potential customers of the shop, who
// interact but never buy, have no row, and the message says how many of
// the -customers they are.
func TestGenerateCountsTheCustomersWritten(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "shop.csv")
	r := crm(t, "", "generate", "-customers", "300", "-seed", "7", "-out", out)
	require.Equal(t, 0, r.code, r.stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	recs := readCSVFile(t, string(data))
	ids := map[string]bool{}
	for _, rec := range recs[1:] {
		ids[rec[0]] = true
	}
	require.Less(t, len(ids), 300, "this shop has potential customers")
	assert.Contains(t, r.stderr, fmt.Sprintf("crm: wrote %d rows of %d customers to %s", len(recs)-1, len(ids), out))
	assert.Contains(t, r.stderr, fmt.Sprintf("; %d of the 300 customers generated have no row (potential customers", 300-len(ids)))

	// Read back, the file has as many customers as the message says.
	seg := crm(t, "", "segment", "-in", out, "-as-of", "2026-01-01")
	require.Equal(t, 0, seg.code, seg.stderr)
	assert.Len(t, readCSVFile(t, seg.stdout), len(ids)+1)
}

// crm generate writes only files that crm reads back: a history that
// starts before 1900, whose rows every subcommand refuses, is a usage
// error, and so is one that ends after 9999-01-01, beyond the four-digit
// years of the catalogue (the generator failed there instead of saying
// so). The first and last days allowed give files that crm segment reads.
func TestGenerateWindowIsOneCRMReads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "g.csv")
	for _, c := range []struct{ start, end, want string }{
		{"1800-01-01", "1801-01-01", "-start 1800-01-01: want a day on or after 1900-01-01"},
		{"1899-12-31", "1900-06-01", "-start 1899-12-31: want a day on or after 1900-01-01"},
		{"9998-06-01", "9999-12-01", "-end 9999-12-01: want a day on or before 9999-01-01"},
	} {
		r := crm(t, "", "generate", "-customers", "5", "-start", c.start, "-end", c.end, "-out", out)
		assert.Equal(t, exitUsage, r.code, "%s %s: %s", c.start, c.end, r.stderr)
		assert.Contains(t, r.stderr, c.want)
		assert.NoFileExists(t, out)
	}
	for _, c := range []struct{ start, end, asOf string }{
		{"1900-01-01", "1901-01-01", "1901-01-01"},
		{"9998-01-01", "9999-01-01", "9999-01-01"},
	} {
		r := crm(t, "", "generate", "-customers", "30", "-start", c.start, "-end", c.end, "-out", out)
		require.Equal(t, 0, r.code, r.stderr)
		r = crm(t, "", "segment", "-in", out, "-as-of", c.asOf)
		assert.Equal(t, 0, r.code, "%s %s: %s", c.start, c.end, r.stderr)
	}
}
