package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An export saved in Latin-1 or Windows-1252 ("Müller" as M 0xFC ller)
// is refused by every subcommand that reads one, in both formats, with
// the file, the line, the column and a hint on converting it; with
// -skip-invalid its rows are skipped and listed, and no output holds
// text that is no UTF-8.
func TestLatin1InputInEverySubcommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	shop := generatedShop(t)
	lines := strings.SplitAfter(shop, "\n")
	// The customer of line 11 renamed in Latin-1, on its rows.
	id := lines[10][:strings.IndexByte(lines[10], ',')]
	var b strings.Builder
	first := 0
	for i, l := range lines {
		if strings.HasPrefix(l, id+",") {
			l = "M\xfcller-" + l
			if first == 0 {
				first = i + 1
			}
		}
		b.WriteString(l)
	}
	in := filepath.Join(dir, "latin1.csv")
	require.NoError(t, os.WriteFile(in, []byte(b.String()), 0o644))
	const hint = `customer_id "M\xfcller-` // the rest of the ID follows
	const why = `: not UTF-8: the file may be Latin-1/Windows-1252; convert it with iconv -f WINDOWS-1252 -t UTF-8`

	cdnow := filepath.Join(dir, "latin1.txt")
	require.NoError(t, os.WriteFile(cdnow, []byte("00001 1 19970101 1 29.33\n00001 1 19970301 1 9.00\n00002 M\xfcller 19970102 2 10.00\n00003 3 19970105 1 12.00\n00003 3 19970205 1 13.00\n"), 0o644))

	for _, sub := range [][]string{
		{"segment", "-as-of", "2025-06-30"},
		{"batch", "-as-of", "2025-06-30"},
		{"fit", "-model", "bgnbd", "-calibration-end", "2025-06-30"},
		{"score", "-model", "bgnbd", "-spend", "gammagamma", "-calibration-end", "2025-06-30"},
		{"report", "-as-of", "2025-06-30"},
	} {
		out := filepath.Join(dir, sub[0]+".out")
		r := crm(t, "", append(sub, "-in", in, "-out", out)...)
		assert.Equal(t, exitError, r.code, "%v: %s", sub, r.stderr)
		assert.Contains(t, r.stderr, in+":"+strconv.Itoa(first)+": "+hint, sub[0])
		assert.Contains(t, r.stderr, why, sub[0])
		assert.NoFileExists(t, out)

		r = crm(t, "", append(sub, "-in", in, "-out", out, "-skip-invalid")...)
		require.Equal(t, 0, r.code, "%v: %s", sub, r.stderr)
		assert.Contains(t, r.stderr, "malformed row", sub[0])
		assert.Contains(t, r.stderr, why, sub[0])
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.True(t, utf8.Valid(data), "%s: the output is UTF-8", sub[0])
		assert.NotContains(t, string(data), "\ufffd", sub[0])

		r = crm(t, "", append(sub, "-in", cdnow, "-format", "cdnow", "-out", out)...)
		assert.Equal(t, exitError, r.code, "%v cdnow: %s", sub, r.stderr)
		assert.Contains(t, r.stderr, cdnow+`:3: customer_id "M\xfcller"`+why, sub[0])
	}
}
