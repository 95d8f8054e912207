package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mixedShop writes, each in a directory of its own under the name
// orders.csv, the generated shop (in EUR), a second shop in CHF whose
// customers are others (their IDs start with X), and the two mixed, a
// CHF row after every EUR row while they last; it returns the paths
// and the number of CHF rows.
func mixedShop(t *testing.T) (eur, chf, mixed string, chfRows int) {
	t.Helper()
	shop := generatedShop(t)
	r := crm(t, "", "generate", "-customers", "400", "-seed", "12")
	require.Equal(t, 0, r.code, r.stderr)
	eurLines := strings.Split(strings.TrimSuffix(shop, "\n"), "\n")
	chfLines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	head := eurLines[0]
	require.Equal(t, head, chfLines[0])
	ci := slices.Index(strings.Split(head, ","), "currency")
	require.Positive(t, ci)
	for i, l := range chfLines[1:] {
		f := strings.Split(l, ",")
		require.Equal(t, "EUR", f[ci], l)
		f[0], f[ci] = "X"+f[0], "CHF"
		chfLines[i+1] = strings.Join(f, ",")
	}
	var m strings.Builder
	m.WriteString(head + "\n")
	for i := 1; i < max(len(eurLines), len(chfLines)); i++ {
		if i < len(eurLines) {
			m.WriteString(eurLines[i] + "\n")
		}
		if i < len(chfLines) {
			m.WriteString(chfLines[i] + "\n")
		}
	}
	write := func(data string) string {
		p := filepath.Join(t.TempDir(), "orders.csv")
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
		return p
	}
	return write(shop), write(strings.Join(chfLines, "\n") + "\n"), write(m.String()), len(chfLines) - 1
}

// TestOnlyCurrency: crm reads one currency of a file in several with
// -only-currency: its output is, byte for byte, that of the file of
// that currency's rows alone, in every subcommand; the rows left out
// are counted on stderr. Without it, such a file is an error that says
// how to read it.
func TestOnlyCurrency(t *testing.T) {
	t.Parallel()
	eur, chf, mixed, chfRows := mixedShop(t)
	// run runs crm with args, the output to a file when out is set (the
	// report's page); it returns the result and what was written.
	run := func(t *testing.T, args []string, out bool) (result, string) {
		t.Helper()
		if !out {
			r := crm(t, "", args...)
			return r, r.stdout
		}
		p := filepath.Join(t.TempDir(), "out")
		r := crm(t, "", append(args, "-out", p)...)
		data, _ := os.ReadFile(p)
		return r, string(data)
	}
	for _, tc := range []struct {
		name string
		args []string
		out  bool
	}{
		{"segment", []string{"segment", "-as-of", "2025-12-31"}, false},
		{"batch", []string{"batch", "-as-of", "2025-12-31"}, false},
		{"fit", []string{"fit", "-model", "bgnbd", "-calibration-end", "2025-06-30", "-json"}, false},
		{"score", []string{"score", "-model", "bgnbd", "-spend", "gammagamma", "-calibration-end", "2025-06-30"}, false},
		{"report", []string{"report", "-as-of", "2025-12-31"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range []struct{ only, alone, other string }{
				{"EUR", eur, "(CHF " + strconv.Itoa(chfRows) + ")"},
				{"chf", chf, "(EUR "},
			} {
				want, wantOut := run(t, append([]string{tc.args[0], "-in", c.alone}, tc.args[1:]...), tc.out)
				require.Equal(t, 0, want.code, want.stderr)
				got, gotOut := run(t, append([]string{tc.args[0], "-in", mixed, "-only-currency", c.only}, tc.args[1:]...), tc.out)
				require.Equal(t, 0, got.code, got.stderr)
				require.NotEmpty(t, wantOut)
				assert.Equal(t, wantOut, gotOut, "-only-currency %s", c.only)
				assert.Regexp(t, `crm: `+regexp.QuoteMeta(mixed)+`: \d+ rows, \d+ customers; \d+ rows in another currency left out `+regexp.QuoteMeta(c.other), got.stderr)
			}
		})
	}

	// Without the flag: an error that names both currencies.
	r := crm(t, "", "segment", "-in", mixed, "-as-of", "2025-12-31")
	assert.Equal(t, exitError, r.code, r.stderr)
	assert.Contains(t, r.stderr, `: currency "CHF": the file is in EUR, and one file holds one currency: analyse one at a time with -only-currency EUR or -only-currency CHF`)
	assert.Empty(t, r.stdout)
}

// TestOnlyCurrencyStderr: the rows left out are counted on the line of
// the row counts, by currency, most first, before the rows after as-of;
// a file without a row in the currency read is an error that names it.
func TestOnlyCurrencyStderr(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount,currency\n"+
		"C1,2024-01-05,10,EUR\nC2,2024-01-05,10,CHF\nC2,2024-01-06,x,CHF\nC3,2024-01-05,10,\nC1,2025-01-05,10,EUR\nC4,2024-01-05,10,USD\nC4,2024-01-07,10,usd\n"), 0o644))
	r := crm(t, "", "segment", "-in", in, "-as-of", "2024-12-31", "-only-currency", "eur")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "crm: "+in+": 7 rows, 1 customer; 5 rows in other currencies left out (USD 3, CHF 2); 1 row dated after -as-of 2024-12-31 left out\n")
	assert.Contains(t, r.stdout, "\nC1,")
	assert.NotContains(t, r.stdout, "\nC2,")

	r = crm(t, "", "segment", "-in", in, "-as-of", "2024-12-31", "-only-currency", "GBP")
	assert.Equal(t, exitError, r.code, r.stderr)
	assert.Contains(t, r.stderr, "crm: "+in+": 7 rows, 0 customers; 7 rows in other currencies left out (USD 3, CHF 2, EUR 2)\n")
	assert.Contains(t, r.stderr, "no customer has a valid row in GBP dated on or before -as-of 2024-12-31")

	// A cdnow file has no currency column: its rows are in -currency.
	r = crm(t, "", "segment", "-in", cdnowSample, "-format", "cdnow", "-as-of", "1998-06-30", "-only-currency", "EUR")
	assert.Equal(t, exitError, r.code, r.stderr)
	assert.Regexp(t, `\d+ rows in another currency left out \(USD \d+\)`, r.stderr)
	r = crm(t, "", "segment", "-in", cdnowSample, "-format", "cdnow", "-as-of", "1998-06-30", "-only-currency", "usd")
	want := crm(t, "", "segment", "-in", cdnowSample, "-format", "cdnow", "-as-of", "1998-06-30")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, want.stdout, r.stdout)
	assert.Equal(t, want.stderr, r.stderr)
}

// TestOnlyCurrencyUsage: -only-currency takes an ISO 4217 code, in any
// case, once; a name of the renminbi (RMB, 人民币) or a code in
// full-width letters gets a hint on what to write, there and in
// -currency.
func TestOnlyCurrencyUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\nC1,2024-01-05,10\n"), 0o644))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"segment", "-in", in, "-as-of", "2024-12-31", "-only-currency", "EURO"}, `crm segment: -only-currency "EURO": not an ISO 4217 currency code`},
		{[]string{"batch", "-in", in, "-as-of", "2024-12-31", "-only-currency", ""}, `crm batch: -only-currency "": not an ISO 4217 currency code`},
		{[]string{"fit", "-model", "bgnbd", "-in", in, "-calibration-end", "2024-12-31", "-only-currency", "€"}, `crm fit: -only-currency "€": not an ISO 4217 currency code`},
		{[]string{"segment", "-in", in, "-as-of", "2024-12-31", "-only-currency", "RMB"}, `crm segment: -only-currency "RMB": not an ISO 4217 currency code; the renminbi's is CNY`},
		{[]string{"segment", "-in", in, "-as-of", "2024-12-31", "-only-currency", "ＣＮＹ"}, `crm segment: -only-currency "ＣＮＹ": not an ISO 4217 currency code; write it in ASCII letters: CNY`},
		{[]string{"segment", "-in", in, "-as-of", "2024-12-31", "-currency", "人民币"}, `crm segment: -currency: customer: unknown currency "人民币"; the renminbi's is CNY`},
		{[]string{"score", "-model", "bgnbd", "-in", in, "-calibration-end", "2024-12-31", "-only-currency", "EUR", "-only-currency", "CHF"}, `crm score: -only-currency given twice ("EUR", then "CHF"): give it once`},
		{[]string{"report", "-in", in, "-as-of", "2024-12-31", "-only-currency", "EUR", "-only-currency", "EUR"}, `crm report: -only-currency given twice`},
	} {
		r := crm(t, "", tc.args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.want, tc.args)
		assert.Empty(t, r.stdout)
	}
	// Spaces around the code, as a currency field's, are trimmed.
	r := crm(t, "", "segment", "-in", in, "-as-of", "2024-12-31", "-only-currency", " usd ")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "C1,")
}
