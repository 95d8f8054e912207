package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// mixedShop returns a file in two currencies: the generated shop of
// seed 3 (in EUR) and that of seed 12, whose customers are made others
// (their IDs start with X) and whose rows are made CHF, a CHF row after
// every EUR row while they last; every seventh CHF row names no
// currency (it is in CHF by -currency CHF).
func mixedShop(t *testing.T, bin string) string {
	t.Helper()
	dir := t.TempDir()
	gen := func(seed string) []string {
		p := filepath.Join(dir, "gen-"+seed+".csv")
		runCRM(t, bin, "generate", "-customers", "120", "-seed", seed, "-out", p)
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	}
	eur, chf := gen("3"), gen("12")
	require.Equal(t, eur[0], chf[0])
	ci := slices.Index(strings.Split(eur[0], ","), "currency")
	require.Positive(t, ci)
	for i, l := range chf[1:] {
		f := strings.Split(l, ",")
		require.Equal(t, "EUR", f[ci], l)
		f[0], f[ci] = "X"+f[0], "CHF"
		if i%7 == 6 {
			f[ci] = ""
		}
		chf[i+1] = strings.Join(f, ",")
	}
	var b strings.Builder
	b.WriteString(eur[0] + "\n")
	for i := 1; i < max(len(eur), len(chf)); i++ {
		if i < len(eur) {
			b.WriteString(eur[i] + "\n")
		}
		if i < len(chf) {
			b.WriteString(chf[i] + "\n")
		}
	}
	return b.String()
}

// crmCounts finds crm's line of the row counts of the file in out and
// returns what follows "crm: FILE: ".
func crmCounts(t *testing.T, out, in string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^crm: ` + regexp.QuoteMeta(in) + `: (\d+ rows?.*)$`).FindStringSubmatch(out)
	require.NotNil(t, m, "crm's counts: %s", out)
	return m[1]
}

// TestOnlyCurrencyMatchesCRM runs the pipeline with -only-currency on
// files in several currencies and checks that its outputs are those of
// crm segment and crm batch with the same flag (the same customers,
// quadrants and scores within 1e-9), and that its counts, the rows left
// out for their currency by currency among them, are crm's words: on
// the mixed generated shop, in either currency (in any case), and on a
// small file whose rows in other currencies are of several, one of them
// malformed (left out all the same) and one after the as-of day.
func TestOnlyCurrencyMatchesCRM(t *testing.T) {
	bin := crmBinary(t)
	small := "customer_id,date,amount,currency\n" +
		"C1,2025-01-05,10,EUR\nC2,2025-01-05,10,CHF\nC2,2025-01-06,x,CHF\nC3,2025-01-05,10,\n" +
		"C1,2025-08-05,10,EUR\nC4,2025-01-05,10,USD\nC4,2025-01-07,10,usd\nC1,2025-02-05,15,eur\nC2,2025-09-01,5,chf\n"
	mixed := mixedShop(t, bin)
	runners := []string{"direct", "prism"}
	if testing.Short() {
		runners = runners[:1]
	}
	for _, tc := range []struct {
		name, text, currency, only string
	}{
		{"mixed shop/EUR", mixed, "CHF", "EUR"},
		{"mixed shop/chf", mixed, "CHF", "chf"},
		{"small/eur", small, "USD", "eur"},
	} {
		dir := t.TempDir()
		in := filepath.Join(dir, "orders.csv")
		require.NoError(t, os.WriteFile(in, []byte(tc.text), 0o644))
		wantSeg := filepath.Join(dir, "crm-segments.csv")
		flags := []string{"-in", in, "-currency", tc.currency, "-only-currency", tc.only}
		outb, err := exec.Command(bin, append([]string{"segment", "-as-of", parityAsOf, "-out", wantSeg}, flags...)...).CombinedOutput()
		require.NoError(t, err, "%s", outb)
		wantLine := crmCounts(t, string(outb), in)
		require.Contains(t, wantLine, "left out (", "rows in other currencies")
		wantBatch := filepath.Join(dir, "crm-batch.csv")
		runCRM(t, bin, append([]string{"batch", "-as-of", parityAsOf, "-period", "week", "-horizon", "52", "-out", wantBatch}, flags...)...)
		for _, runner := range runners {
			t.Run(tc.name+"/"+runner, func(t *testing.T) {
				cfg := parityConfig(t, in, t.TempDir(), true)
				cfg.Currency = customer.Currency(tc.currency)
				only, err := parseOnly(tc.only)
				require.NoError(t, err)
				cfg.Only = only
				c, err := runBeam(t, runner, cfg)
				require.NoError(t, err)
				want := readCSV(t, wantSeg)
				require.Greater(t, len(want), 1)
				sameTable(t, want, readCSV(t, cfg.Out), segmentFloats)
				sameTable(t, batchColumns(t, wantBatch, segmentColumns, false), readCSV(t, cfg.Out), segmentFloats)
				sameTable(t, batchScores(t, wantBatch), readCSV(t, cfg.Scores),
					map[string]bool{"recency": true, "T": true, "p_alive": true, "expected_purchases": true})
				require.True(t, c.known, "counters")
				assert.Equal(t, wantLine, c.line(cfg.AsOf))
			})
		}
	}
}

// TestOnlyCurrencyErrorsMatchCRM checks that the pipeline refuses what
// crm refuses around -only-currency, with crm's words, and writes
// nothing: a file in two currencies without the flag (with the hint to
// use it), a row whose currency is no code or of the wrong width
// (malformed, whatever currency it would be in), a bad row in the
// currency read, and a file without a row in it;
// and that a bad code in the flag is refused before the run, as crm
// refuses it.
func TestOnlyCurrencyErrorsMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	const head = "customer_id,date,amount,currency\nC1,2025-01-05,10,EUR\n"
	for _, tc := range []struct{ name, text, only string }{
		{"two currencies without the flag", head + "C2,2025-01-05,10,CHF\n", ""},
		{"a row without currency without the flag", head + "C2,2025-01-05,10,\n", ""},
		{"a currency that is no code", head + "C2,2025-01-05,10,CHF\nC3,2025-01-05,10,EURO\n", "EUR"},
		{"another currency of the wrong width", head + "C2,2025-01-05,10,CHF,x\n", "EUR"},
		{"a bad amount in the currency read", head + "C2,2025-01-05,1x,CHF\nC3,2025-01-05,1x,EUR\n", "eur"},
		{"no row in the currency read", head + "C2,2025-01-05,10,CHF\nC2,2025-01-06,10,\n", "GBP"},
		{"rows in the currency read after the as-of day", head + "C2,2025-07-05,10,GBP\n", "GBP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "orders.csv")
			require.NoError(t, os.WriteFile(in, []byte(tc.text), 0o644))
			args := []string{"segment", "-in", in, "-as-of", parityAsOf, "-out", filepath.Join(dir, "crm.csv")}
			if tc.only != "" {
				args = append(args, "-only-currency", tc.only)
			}
			want := crmErrorInBeam(t, runCRMFails(t, bin, args...), in, tc.text)
			cfg := parityConfig(t, in, dir, true)
			if tc.only != "" {
				only, err := parseOnly(tc.only)
				require.NoError(t, err)
				cfg.Only = only
			}
			_, err := runBeam(t, "direct", cfg)
			require.Error(t, err)
			assert.Equal(t, want, cause(err).Error())
			for _, p := range []string{cfg.Out, cfg.Scores} {
				_, serr := os.Stat(p)
				assert.True(t, os.IsNotExist(serr), "%s written", p)
			}
		})
	}

	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte(head), 0o644))
	if c, err := parseOnly(" usd "); assert.NoError(t, err) {
		assert.Equal(t, customer.Currency("USD"), c, "spaces around the code are trimmed")
	}
	for _, code := range []string{"EURO", "", "€", "eu", "RMB", "￥", "ＣＮＹ"} {
		t.Run("flag "+code, func(t *testing.T) {
			out := runCRMFails(t, bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", filepath.Join(dir, "crm.csv"), "-only-currency", code)
			m := regexp.MustCompile(`crm segment: (-only-currency .*)`).FindStringSubmatch(out)
			require.NotNil(t, m, "crm's usage error: %s", out)
			t.Cleanup(func() { *onlyCurrency = onlyFlag{} })
			for k, v := range map[string]string{"in": in, "out": filepath.Join(dir, "beam.csv"), "as-of": parityAsOf, "only-currency": code} {
				require.NoError(t, flag.Set(k, v))
			}
			t.Cleanup(func() {
				for _, k := range []string{"in", "out", "as-of"} {
					require.NoError(t, flag.Set(k, ""))
				}
			})
			_, err := configFromFlags()
			require.Error(t, err)
			assert.Equal(t, m[1], err.Error())
		})
	}
}

// TestOnlyCurrencyFlag: -only-currency takes an ISO 4217 code in any
// case into the configuration; left out, every currency is read.
func TestOnlyCurrencyFlag(t *testing.T) {
	t.Cleanup(func() { *onlyCurrency = onlyFlag{} })
	for k, v := range map[string]string{"in": "orders.csv", "out": "seg.csv", "as-of": parityAsOf} {
		require.NoError(t, flag.Set(k, v))
	}
	t.Cleanup(func() {
		for _, k := range []string{"in", "out", "as-of"} {
			require.NoError(t, flag.Set(k, ""))
		}
	})
	cfg, err := configFromFlags()
	require.NoError(t, err)
	assert.Equal(t, customer.Currency(""), cfg.Only)
	require.NoError(t, flag.Set("only-currency", "chf"))
	cfg, err = configFromFlags()
	require.NoError(t, err)
	assert.Equal(t, customer.Currency("CHF"), cfg.Only)
}

// TestParseOnlyCurrency: with Only, a line in another currency (its own,
// or the default when it names none) is left out whatever else it holds,
// but a blank row and the header again are passed over as always, and a
// row whose currency is unknown (no code, the wrong width, a stray quote)
// is malformed.
func TestParseOnlyCurrency(t *testing.T) {
	cols, err := salesrow.NewLayout([]string{"customer_id", "date", "amount", "currency"})
	require.NoError(t, err)
	p := parser{File: "orders.csv", Cols: *cols, Currency: "USD", Only: "EUR"}
	for _, tc := range []struct {
		line string
		kind lineKind
		cur  string // of a row left out
		bad  bool
	}{
		{"C1,2025-01-01,10,EUR", dataRow, "", false},
		{"C1,2025-01-01,10, eur ", dataRow, "", false},
		{"C1,2025-01-01,10,CHF", otherRow, "CHF", false},
		{"C1,2025-01-01,10,chf", otherRow, "CHF", false},
		{"C1,2025-01-01,10,", otherRow, "USD", false},
		{"C1,2025-13-01,1x, ", otherRow, "USD", false},
		{",,,CHF", otherRow, "CHF", false},
		{"C1,2025-01-01,10x,EUR", dataRow, "", true},
		{"C1,2025-01-01,10,EURO", dataRow, "", true},
		{"C1,2025-01-01,10,CHF,x", dataRow, "", true},
		{`C1,2025-01-01,"10,CHF`, dataRow, "", true},
		{",,,", blankRow, "", false},
		{"", blankRow, "", false},
		{"Customer_ID,date,amount,currency", headerRow, "", false},
	} {
		_, r, kind, err := p.parse(7, tc.line)
		assert.Equal(t, tc.kind, kind, tc.line)
		assert.Equal(t, tc.bad, err != nil, "%s: %v", tc.line, err)
		if kind == otherRow {
			assert.Equal(t, tc.cur, r.Currency, tc.line)
		}
	}
}
