package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOnlyCurrencyReportStdinTwice: crm report reads standard
// input twice (a copy) when a skipped row keeps it from holding the
// state as of the calibration end: with -only-currency, both reads leave
// out the same rows, and the page is that of the rows in the currency
// read alone, a malformed row of the other currency left out too.
func TestOnlyCurrencyReportStdinTwice(t *testing.T) {
	t.Parallel()
	shop := generatedShop(t)
	lines := strings.Split(strings.TrimSuffix(shop, "\n"), "\n")
	head := lines[0]
	ci := slices.Index(strings.Split(head, ","), "currency")
	require.Positive(t, ci)
	width := len(strings.Split(head, ","))
	bad := func(id, cur string) string {
		f := make([]string, width)
		f[0], f[1], f[ci] = id, "x", cur
		return strings.Join(f, ",") + "\n"
	}
	var alone, mixed strings.Builder
	alone.WriteString(head + "\n")
	mixed.WriteString(head + "\n")
	for i, l := range lines[1:] {
		alone.WriteString(l + "\n")
		mixed.WriteString(l + "\n")
		if i%2 == 0 {
			f := strings.Split(l, ",")
			f[0], f[ci] = "X"+f[0], "chf"
			mixed.WriteString(strings.Join(f, ",") + "\n")
		}
	}
	alone.WriteString(bad("C1", "EUR"))
	mixed.WriteString(bad("C1", "EUR") + bad("X1", " CHF "))
	page := func(stdin string, args ...string) (result, string) {
		p := filepath.Join(t.TempDir(), "r.html")
		r := crm(t, stdin, append([]string{"report", "-in", "-", "-as-of", "2025-12-31", "-skip-invalid", "-out", p}, args...)...)
		data, _ := os.ReadFile(p)
		return r, string(data)
	}
	want, wantPage := page(alone.String())
	require.Equal(t, 0, want.code, want.stderr)
	got, gotPage := page(mixed.String(), "-only-currency", "EUR")
	require.Equal(t, 0, got.code, got.stderr)
	require.NotEmpty(t, wantPage)
	assert.Equal(t, wantPage, gotPage)
	// Two reads, each with the rows left out.
	assert.Equal(t, 2, strings.Count(got.stderr, " rows in another currency left out (CHF "), got.stderr)
	assert.Equal(t, 2, strings.Count(want.stderr, "(1 skipped as malformed)"), want.stderr)
	assert.Equal(t, 2, strings.Count(got.stderr, "(1 skipped as malformed)"), got.stderr)
}

// TestFullPriceWarningOfTheCurrencyRead: the customers refunded
// more at full price than bought so are counted among those read: with
// -only-currency, a customer so only in another currency is not warned
// of, and one so in the currency read is; in the wide and the decimal
// tiers as in the fixed one, and in the cdnow format never (no
// discount).
func TestFullPriceWarningOfTheCurrencyRead(t *testing.T) {
	t.Parallel()
	in := "customer_id,date,amount,discount,currency\n" +
		"A,2025-01-05,80,20,CHF\nA,2025-01-20,-80,0,CHF\n" + // below, in CHF
		"B,2025-01-05,80,0,EUR\nB,2025-01-06,80,20,chf\nB,2025-01-20,-90,0,chf\n" + // below in CHF only
		"W,2025-01-05,10.0000000000000000001,0,EUR\nW,2025-01-20,-11,0,EUR\n" + // below, wide
		"D,2025-01-05,1" + strings.Repeat("0", 22) + ",0,EUR\nD,2025-01-20,-2" + strings.Repeat("0", 22) + ",0,EUR\n" // below, decimal
	for _, cmd := range []string{"segment", "batch"} {
		r := crm(t, in, cmd, "-in", "-", "-as-of", "2025-12-31", "-only-currency", "eur")
		require.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stderr, `crm: stdin: 2 customers ("D") have more refunded at full price`, cmd)
		r = crm(t, in, cmd, "-in", "-", "-as-of", "2025-12-31", "-only-currency", "CHF")
		require.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stderr, `crm: stdin: 2 customers ("A") have more refunded at full price`, cmd)
	}
	r := crm(t, "", "segment", "-in", cdnowSample, "-format", "cdnow", "-as-of", "1998-06-30")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "refunded at full price")
}

// TestNoHoldoutCheckNamesTheCurrencyRead: with -only-currency, a
// report without a row in the currency read by the calibration end says
// so of that currency, as the error of a read without a customer in it
// does ("no customer has a valid row in GBP ..."): rows in other
// currencies dated before it are not rows of the analysis, and the
// message must not read as though the file had none.
func TestNoHoldoutCheckNamesTheCurrencyRead(t *testing.T) {
	t.Parallel()
	in := "customer_id,date,amount,currency\n" +
		"A,2024-01-05,80,CHF\nA,2024-03-05,80,CHF\nB,2025-11-05,80,EUR\nB,2025-12-06,80,EUR\n"
	p := filepath.Join(t.TempDir(), "r.html")
	r := crm(t, in, "report", "-in", "-", "-as-of", "2025-12-31", "-only-currency", "EUR", "-out", p)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "crm: no holdout check: no row in EUR is dated on or before the calibration end 2025-07-02\n")
}
