package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// parityAsOf is the as-of day of the parity tests.
const parityAsOf = "2025-06-30"

// parityConfig is the configuration of a run on in, with outputs in dir.
func parityConfig(t *testing.T, in, dir string, scores bool) config {
	t.Helper()
	d, err := parseDay(parityAsOf)
	require.NoError(t, err)
	cfg := config{In: in, AsOf: d, Out: filepath.Join(dir, "beam-segments.csv"),
		Currency: "USD", Kind: customer.Consumer, Margin: customer.DefaultMargin.String(),
		Model: modelBGNBD, Period: customer.Weeks, Horizon: 52}
	if scores {
		cfg.Scores = filepath.Join(dir, "beam-scores.csv")
	}
	return cfg
}

// runBeam runs cfg on runner with a time limit.
func runBeam(t *testing.T, runner string, cfg config) (counts, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return execute(ctx, runner, cfg)
}

// byteOfLine returns the byte offset at which line n (1-based) of text
// starts.
func byteOfLine(text string, n int) int {
	off := 0
	for range n - 1 {
		off += strings.IndexByte(text[off:], '\n') + 1
	}
	return off
}

// crmRowError finds crm's error of a row in out, "…orders.csv:L: what",
// and returns L and what.
func crmRowError(t *testing.T, out string) (int, string) {
	t.Helper()
	m := regexp.MustCompile(`orders\.csv:(\d+): (.*)`).FindStringSubmatch(out)
	require.NotNil(t, m, "crm names no row: %s", out)
	line, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return line, m[2]
}

// crmErrorInBeam returns the error that the pipeline must fail with on
// the file text at in (named orders.csv), from crm's output out: crm's
// error of a row, the row named by its byte offset, or crm's error of
// the file.
func crmErrorInBeam(t *testing.T, out, in, text string) string {
	t.Helper()
	if regexp.MustCompile(`orders\.csv:\d+: `).MatchString(out) {
		line, what := crmRowError(t, out)
		return "orders.csv, byte " + strconv.Itoa(byteOfLine(text, line)) + ": " + what
	}
	i := strings.LastIndex(out, in)
	require.GreaterOrEqual(t, i, 0, "crm names the file: %s", out)
	return "orders.csv" + strings.SplitN(out[i+len(in):], "\n", 2)[0]
}

// batchScores returns crm batch's score columns (scoreColumns) of the
// customers who bought, from the batch table at path.
func batchScores(t *testing.T, path string) [][]string {
	return batchColumns(t, path, scoreColumns, true)
}

// batchColumns returns the columns cols of crm batch's table at path, of
// every customer, or of those who bought when buyers is set.
func batchColumns(t *testing.T, path string, cols []string, buyers bool) [][]string {
	t.Helper()
	batch := readCSV(t, path)
	want := [][]string{cols}
	col := map[string]int{}
	for i, n := range batch[0] {
		col[n] = i
	}
	for _, r := range batch[1:] {
		if buyers && r[col["frequency"]] == "" {
			continue
		}
		var w []string
		for _, n := range cols {
			i, ok := col[n]
			require.True(t, ok, "column %s in crm batch", n)
			w = append(w, r[i])
		}
		want = append(want, w)
	}
	return want
}

var segmentFloats = map[string]bool{"current_value": true, "potential_value": true, "total_value": true}

// TestErrorsMatchCRM checks that a file crm refuses is refused by the
// pipeline with crm's words: the row crm names (by its byte offset), its
// column, value and reason, whichever worker meets which bad row first:
// the first bad row in file order, as crm reads it, with crm's hint on
// an amount or a date written for people (package rowhint). A file in
// several currencies is refused at the first row in another currency than the
// first row's, for whichever customer; a file without a customer says
// why, as crm does. Neither output is written, -scores included.
func TestErrorsMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	for _, tc := range []struct{ name, text string }{
		{"two currencies", "customer_id,date,amount,currency\nc1,2025-01-01,10,EUR\nc2,2025-01-02,12,USD\nc3,2025-01-03,12,EUR\n"},
		{"one customer in two currencies", "customer_id,date,amount,currency\nc1,2025-01-01,10,EUR\nc2,2025-01-01,10,EUR\nc1,2025-01-02,12,USD\n"},
		{"currency left empty", "customer_id,date,amount,currency\nc1,2025-01-01,10,EUR\nc2,2025-01-02,12,\n"},
		{"another currency after the as-of day", "customer_id,date,amount,currency\nc1,2025-01-01,10,EUR\nc2,2025-07-02,12,USD\n"},
		{"kind changes before a bad amount", "customer_id,date,amount,kind\nc1,2025-01-01,10,consumer\nc1,2025-01-02,10,intermediary\nc2,2025-01-03,12x,\n"},
		{"bad amount before a currency change", "customer_id,date,amount,currency\nc1,2025-01-01,10,EUR\nc2,2025-01-03,12x,EUR\nc3,2025-01-02,12,USD\n"},
		{"only rows after the as-of day", "customer_id,date,amount\nc1,2025-07-01,10\n"},
		{"fields separated by full-width commas", "customer_id,date,amount\nc1,2025-01-01,10\n张三，2025-01-02，12\n"},
		{"the renminbi as RMB", "customer_id,date,amount,currency\nc1,2025-01-01,10,RMB\n"},
		{"a quantity in full-width digits", "customer_id,date,amount,quantity\nc1,2025-01-01,10,１\n"},
		{"a discount in 折", "customer_id,date,amount,discount\nc1,2025-01-01,10,8折\n"},
		{"a kind in Chinese", "customer_id,date,amount,kind\nc1,2025-01-01,10,零售\n"},
		{"a kind in traditional script", "customer_id,date,amount,kind\nc1,2025-01-01,10,經銷商\n"},
		{"a GBK customer_id", "customer_id,date,amount\nc1,2025-01-01,10\n\xd5\xc5\xc8\xfd,2025-01-02,12\n"},
		{"a GBK or Windows-1252 customer_id", "customer_id,date,amount\nc1,2025-01-01,10\n\xc4\xd0,2025-01-02,12\n"},
		{"a customer_id of UTF-8 cut short", "customer_id,date,amount\nc1,2025-01-01,10\n\xe5\xbc\xa0\xe4\xb8,2025-01-02,12\n"},
		{"a quantity of full-width zeros", "customer_id,date,amount,quantity\nc1,2025-01-01,10,\"" + strings.Repeat("０", 5000) + "１\"\n"},
		{"an amount with a currency sign", "customer_id,date,amount\nc1,2025-01-01,10\nc2,2025-01-02,€12.50\n"},
		{"an amount in 万", "customer_id,date,amount\nc1,2025-01-01,10\nc2,2025-01-02,1.2万元\n"},
		{"a cost with thousands separators", "customer_id,date,amount,cost\nc1,2025-01-01,10,\"1,234.50\"\n"},
		{"a discount in parentheses", "customer_id,date,amount,discount\nc1,2025-01-01,10,(1)\n"},
		{"a date written as 2024年3月5日", "customer_id,date,amount\nc1,2025-01-01,10\nc2,2024年3月5日,12\n"},
		{"a date of day and month", "customer_id,date,amount\nc1,05/03/2024,10\n"},
		{"a timestamp with an offset without its colon", "customer_id,date,amount\nc1,2024-03-05T10:00:00+0100,10\n"},
		{"a placeholder for a missing date", "customer_id,date,amount\nc1,2025-01-01,10\nc1,0000-00-00,10\n"},
		{"a spreadsheet's day 0, refused when added", "customer_id,date,amount\nc1,2025-01-01,10\nc1,1899-12-30,10\n"},
		{"only a header", "customer_id,date,amount\n"},
		{"only blank rows and headers", "customer_id,date,amount\n,,\ncustomer_id,date,amount\n"},
		{"a quote closed lines later before a stray character", "customer_id,date,amount,note\nc1,2025-01-01,10,\"a\nb\"x\nc2,2025-01-02,12,y\n"},
		{"an amount over two lines", "customer_id,date,amount\nc1,2025-01-01,10\nc2,2025-01-02,\"1\n2\"\n"},
		{"a stray quote taking in a row", "customer_id,date,amount,note\nc1,2025-01-01,10,\"x\nc2,2025-01-02,12,y\nc3,2025-01-03,1,z\"\n"},
		{"a quoted id over two lines after a CRLF row", "customer_id,date,amount\r\nc1,2025-01-01,10\r\n\"c\r\n2\",2025-01-02,12\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "orders.csv")
			require.NoError(t, os.WriteFile(in, []byte(tc.text), 0o644))
			out := runCRMFails(t, bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", filepath.Join(dir, "crm.csv"))
			want := crmErrorInBeam(t, out, in, tc.text)
			cfg := parityConfig(t, in, dir, true)
			_, err := runBeam(t, "direct", cfg)
			require.Error(t, err)
			assert.Equal(t, want, cause(err).Error())
			for _, p := range []string{cfg.Out, cfg.Scores} {
				_, serr := os.Stat(p)
				assert.True(t, os.IsNotExist(serr), "%s written", p)
			}
		})
	}
}

// oddShops are small shops of valid but unusual make: one customer; a
// customer with only refunds among buyers; customers whose first
// purchase is on the as-of day (T = 0); intermediaries and consumers
// side by side, the kind stated on a later row; an exchange.
var oddShops = map[string]string{
	"one customer": "customer_id,date,order_id,amount\nc1,2024-03-01,1,40\nc1,2024-09-01,2,60\nc1,2025-05-01,3,20\n",
	"refunds only and T = 0": "customer_id,date,order_id,amount\n" +
		"a,2024-01-05,1,30\na,2024-06-05,2,50\na,2025-03-01,3,20\n" +
		"b,2024-02-01,4,-15\nb,2024-05-01,5,-5\n" +
		"c,2025-06-30,6,80\nd,2025-06-30,7,10\nd,2025-06-30,8,15\n" +
		"e,2024-11-11,9,25\ne,2025-01-11,10,35\nf,2024-08-01,11,60\n",
	"intermediaries and consumers": "customer_id,date,order_id,amount,quantity,kind\n" +
		"w1,2024-01-10,1,1200,40,\nw1,2024-04-10,2,900,30,wholesaler\nw1,2025-02-10,3,1500,50,wholesaler\n" +
		"w2,2024-07-01,4,700,20,intermediary\nw2,2025-06-01,5,-100,-3,intermediary\n" +
		"c1,2024-02-02,6,45,1,consumer\nc1,2024-12-02,7,0,-1,\nc2,2025-01-15,8,80,2,\nc2,2025-05-15,9,20,1,\n" +
		"c3,2025-06-30,10,35,1,consumer\nc4,2024-10-10,11,55,1,\n",
}

// TestOddShopsMatchCRM runs the pipeline on the odd shops and checks that
// its segments are those of crm segment and of crm batch, and its scores
// those of crm batch, with or without a fit.
func TestOddShopsMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	runners := []string{"direct", "prism"}
	if testing.Short() {
		runners = runners[:1]
	}
	for name, text := range oddShops {
		dir := t.TempDir()
		in := filepath.Join(dir, "orders.csv")
		require.NoError(t, os.WriteFile(in, []byte(text), 0o644))
		wantSeg := filepath.Join(dir, "crm-segments.csv")
		runCRM(t, bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", wantSeg)
		wantBatch := filepath.Join(dir, "crm-batch.csv")
		runCRM(t, bin, "batch", "-in", in, "-as-of", parityAsOf, "-period", "week", "-horizon", "52", "-out", wantBatch)
		for _, runner := range runners {
			t.Run(name+"/"+runner, func(t *testing.T) {
				cfg := parityConfig(t, in, t.TempDir(), true)
				_, err := runBeam(t, runner, cfg)
				require.NoError(t, err)
				sameTable(t, readCSV(t, wantSeg), readCSV(t, cfg.Out), segmentFloats)
				sameTable(t, batchColumns(t, wantBatch, segmentColumns, false), readCSV(t, cfg.Out), segmentFloats)
				sameTable(t, batchScores(t, wantBatch), readCSV(t, cfg.Scores),
					map[string]bool{"recency": true, "T": true, "p_alive": true, "expected_purchases": true})
			})
			t.Run(name+"/"+runner+"/without scores", func(t *testing.T) {
				cfg := parityConfig(t, in, t.TempDir(), false)
				_, err := runBeam(t, runner, cfg)
				require.NoError(t, err)
				sameTable(t, readCSV(t, wantSeg), readCSV(t, cfg.Out), segmentFloats)
			})
		}
	}
}

// skippedRE finds crm's count of rows and of rows skipped.
var skippedRE = regexp.MustCompile(`: (\d+) rows? \((\d+) skipped as malformed\), (\d+) customers?`)

// TestSkipInvalidMatchesCRM puts malformed rows of every sort into a
// generated shop (a bad amount, a kind that changes, rows in another
// currency before and after the as-of day, a customer whose only row is
// bad, a row of the wrong width) and checks that with -skip-invalid the
// pipeline passes over the rows crm passes over: the same segments and
// scores, and the same counts of rows, skipped rows and customers.
func TestSkipInvalidMatchesCRM(t *testing.T) {
	bin := crmBinary(t)
	dir := t.TempDir()
	gen := filepath.Join(dir, "generated.csv")
	runCRM(t, bin, "generate", "-customers", "200", "-seed", "5", "-out", gen)
	data, err := os.ReadFile(gen)
	require.NoError(t, err)
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	header := strings.Split(strings.TrimSpace(lines[0]), ",")
	col := map[string]int{}
	for i, n := range header {
		col[n] = i
	}
	for _, c := range []string{"customer_id", "date", "amount", "currency", "kind"} {
		require.Contains(t, col, c, "header %q", header)
	}
	// bad turns data row i into a malformed one by setting fields.
	bad := func(i int, set map[string]string) string {
		f := strings.Split(strings.TrimRight(lines[i], "\r\n"), ",")
		require.Len(t, f, len(header), "row %d without quoted commas", i)
		for k, v := range set {
			f[col[k]] = v
		}
		return strings.Join(f, ",") + "\n"
	}
	n := len(lines)
	fileCur := strings.Split(strings.TrimSpace(lines[1]), ",")[col["currency"]]
	other := "JPY"
	if fileCur == other {
		other = "CHF"
	}
	lines[n/5] = bad(n/5, map[string]string{"amount": "12x"})
	lines[n/4] = bad(n/4, map[string]string{"currency": other})
	lines[n/3] = bad(n/3, map[string]string{"currency": other, "date": "2025-12-01"})
	lines[n/2] = bad(n/2, map[string]string{"customer_id": "lonely", "date": "2024-02-30"})
	lines[2*n/3] = "x,2025-01-01\n"
	// A kind that changes: the customer of the row stated consumer on
	// an earlier row.
	first := strings.Split(lines[n/6], ",")[col["customer_id"]]
	lines[n/6] = bad(n/6, map[string]string{"kind": "consumer"})
	lines = append(lines, bad(n/6, map[string]string{"kind": "intermediary", "date": "2025-02-02"}))
	require.NotEmpty(t, first)
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte(strings.Join(lines, "")), 0o644))

	wantSeg := filepath.Join(dir, "crm-segments.csv")
	cmd := exec.Command(bin, "segment", "-skip-invalid", "-in", in, "-as-of", parityAsOf, "-out", wantSeg)
	outb, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", outb)
	m := skippedRE.FindStringSubmatch(string(outb))
	later := regexp.MustCompile(`; (\d+) rows? dated after`).FindStringSubmatch(string(outb))
	require.NotNil(t, later, "crm's rows after -as-of: %s", outb)
	require.NotNil(t, m, "crm's counts: %s", outb)
	require.Equal(t, "6", m[2], "crm skips every bad row: %s", outb)
	wantBatch := filepath.Join(dir, "crm-batch.csv")
	runCRM(t, bin, "batch", "-skip-invalid", "-in", in, "-as-of", parityAsOf, "-period", "week", "-horizon", "52", "-out", wantBatch)

	runners := []string{"direct", "prism"}
	if testing.Short() {
		runners = runners[:1]
	}
	for _, runner := range runners {
		t.Run(runner, func(t *testing.T) {
			cfg := parityConfig(t, in, t.TempDir(), true)
			_, err := runBeam(t, runner, cfg)
			require.Error(t, err, "without -skip-invalid")
			assert.Contains(t, cause(err).Error(), "orders.csv, byte "+strconv.Itoa(byteOfLine(strings.Join(lines, ""), n/5+1))+`: amount "12x"`, "the first bad row")
			cfg.SkipInvalid = true
			c, err := runBeam(t, runner, cfg)
			require.NoError(t, err)
			sameTable(t, readCSV(t, wantSeg), readCSV(t, cfg.Out), segmentFloats)
			sameTable(t, batchScores(t, wantBatch), readCSV(t, cfg.Scores),
				map[string]bool{"recency": true, "T": true, "p_alive": true, "expected_purchases": true})
			require.True(t, c.known, "counters")
			assert.Equal(t, m[1], strconv.FormatInt(c.rows, 10), "rows")
			assert.Equal(t, m[2], strconv.FormatInt(c.skipped, 10), "skipped")
			assert.Equal(t, m[3], strconv.FormatInt(c.customers, 10), "customers")
			assert.Equal(t, later[1], strconv.FormatInt(c.later, 10), "rows after -as-of")
		})
	}
}

// TestShardingAndOrder reads a generated shop with its rows shuffled, in
// byte ranges of a few hundred bytes (so that the file is split in the
// middle of rows and of customers), and checks that the outputs are
// crm's on the same file: nothing depends on the order of the rows or on
// where the file is split.
func TestShardingAndOrder(t *testing.T) {
	bin := crmBinary(t)
	dir := t.TempDir()
	gen := filepath.Join(dir, "generated.csv")
	runCRM(t, bin, "generate", "-customers", "150", "-seed", "9", "-out", gen)
	data, err := os.ReadFile(gen)
	require.NoError(t, err)
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	rows := lines[1:]
	rows[len(rows)-1] += "\n"
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte(lines[0]+strings.Join(rows, "")), 0o644))
	wantSeg := filepath.Join(dir, "crm-segments.csv")
	runCRM(t, bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", wantSeg)
	wantBatch := filepath.Join(dir, "crm-batch.csv")
	runCRM(t, bin, "batch", "-in", in, "-as-of", parityAsOf, "-period", "week", "-horizon", "52", "-out", wantBatch)
	runners := []string{"direct", "prism"}
	if testing.Short() {
		runners = runners[:1]
	}
	for _, runner := range runners {
		for _, block := range []int64{0, 613} {
			t.Run(runner+"/"+strconv.FormatInt(block, 10), func(t *testing.T) {
				cfg := parityConfig(t, in, t.TempDir(), true)
				cfg.block = block
				_, err := runBeam(t, runner, cfg)
				require.NoError(t, err)
				sameTable(t, readCSV(t, wantSeg), readCSV(t, cfg.Out), segmentFloats)
				sameTable(t, batchScores(t, wantBatch), readCSV(t, cfg.Scores),
					map[string]bool{"recency": true, "T": true, "p_alive": true, "expected_purchases": true})
			})
		}
	}
}

// TestPreambleAndEOFMatchCRM reads files that crm reads though they do
// not start with the header or end with a row: empty lines before the
// header, the "sep=," line of spreadsheets (quoted or not, after a byte
// order mark), and a Ctrl-Z (0x1A) or a run of them at the very end, the
// end-of-file mark of DOS text; the pipeline reads them to crm's
// segments. A "sep=;" line is refused as crm refuses it.
func TestPreambleAndEOFMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	const rows = "c1,2025-01-01,10\nc2,2025-02-01,20\nc1,2025-03-01,5\n"
	for name, text := range map[string]string{
		"empty lines before the header":  "\n\r\n\ncustomer_id,date,amount\n" + rows,
		"sep line":                       "sep=,\ncustomer_id,date,amount\n" + rows,
		"quoted sep line and empty line": "\"sep=,\"\n\ncustomer_id,date,amount\n" + rows,
		"BOM, sep line, Ctrl-Z":          "\ufeffSEP=,\r\ncustomer_id,date,amount\r\n" + rows + "\x1a\x1a",
		"Ctrl-Z after the last row":      "customer_id,date,amount\n" + strings.TrimSuffix(rows, "\n") + "\x1a",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "orders.csv")
			require.NoError(t, os.WriteFile(in, []byte(text), 0o644))
			want := filepath.Join(dir, "crm.csv")
			runCRM(t, bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", want)
			cfg := parityConfig(t, in, dir, false)
			c, err := runBeam(t, "direct", cfg)
			require.NoError(t, err)
			sameTable(t, readCSV(t, want), readCSV(t, cfg.Out), segmentFloats)
			assert.Equal(t, int64(3), c.rows)
			assert.Zero(t, c.blank, "the lines before the header are no blank rows")
		})
	}
	t.Run("sep=;", func(t *testing.T) {
		dir := t.TempDir()
		in := filepath.Join(dir, "orders.csv")
		require.NoError(t, os.WriteFile(in, []byte("sep=;\ncustomer_id;date;amount\n"), 0o644))
		out := runCRMFails(t, bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", filepath.Join(dir, "crm.csv"))
		i := strings.LastIndex(out, in)
		require.GreaterOrEqual(t, i, 0, "crm names the file: %s", out)
		_, err := runBeam(t, "direct", parityConfig(t, in, dir, false))
		require.Error(t, err)
		assert.Equal(t, in+strings.SplitN(out[i+len(in):], "\n", 2)[0], cause(err).Error())
	})
}

// multilineShop returns a shop whose note column holds free text: plain,
// quoted with commas, doubled quotes and line breaks (LF and CRLF) within
// quotes, an empty line within quotes; with bad set, also the malformed
// records crm passes over one line each: a stray quote in an unquoted
// field, a quote that opens a field and is closed lines later around a
// line of the header's width (a row of its own), and a quote never
// closed.
func multilineShop(bad bool) string {
	var b strings.Builder
	b.WriteString("customer_id,date,amount,note\n")
	notes := []string{"x", `"a, b"`, "\"a\nb\"", "\"line one\r\nline two\"", `"say ""hi"""`, "\"\n\"", "\"a\n\nb, c\n\"", ""}
	for i := range 60 {
		c := "c" + strconv.Itoa(i%17)
		day := fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%28)
		b.WriteString(c + "," + day + "," + strconv.Itoa(10+i) + "," + notes[i%len(notes)] + "\n")
		if bad && i%20 == 7 {
			b.WriteString("c" + strconv.Itoa(i) + ",2024-03-01,5,W32\"\n")
			b.WriteString("c3,2024-03-02,7,\"open\nc4,2024-03-03,8,x\nc5,2024-03-04,9,y\"\n")
		}
	}
	if bad {
		b.WriteString("c9,2024-05-05,3,\"never closed\nc9,2024-05-06,4\n")
	}
	return b.String()
}

// TestMultilineRecordsMatchCRM reads files whose quoted fields hold line
// breaks, split into byte ranges of a few bytes to a few hundred, and
// checks that the pipeline reads the records crm reads: the same
// segments and counts; with malformed records, the same first error
// without -skip-invalid, and the same rows skipped with it.
func TestMultilineRecordsMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	for _, bad := range []bool{false, true} {
		text := multilineShop(bad)
		dir := t.TempDir()
		in := filepath.Join(dir, "orders.csv")
		require.NoError(t, os.WriteFile(in, []byte(text), 0o644))
		wantSeg := filepath.Join(dir, "crm-segments.csv")
		args := []string{"segment", "-in", in, "-as-of", parityAsOf, "-out", wantSeg}
		var want string
		if bad {
			want = crmErrorInBeam(t, runCRMFails(t, bin, args...), in, text)
			args = append(args[:1], append([]string{"-skip-invalid"}, args[1:]...)...)
		}
		outb, err := exec.Command(bin, args...).CombinedOutput()
		require.NoError(t, err, "%s", outb)
		m := skippedRE.FindStringSubmatch(string(outb))
		if !bad {
			m = regexp.MustCompile(`: (\d+) rows?(), (\d+) customers?`).FindStringSubmatch(string(outb))
		}
		require.NotNil(t, m, "crm's counts: %s", outb)
		for _, block := range []int64{0, 5, 37, 211} {
			t.Run(fmt.Sprintf("bad %v, block %d", bad, block), func(t *testing.T) {
				cfg := parityConfig(t, in, t.TempDir(), false)
				cfg.block = block
				if bad {
					_, err := runBeam(t, "direct", cfg)
					require.Error(t, err)
					assert.Equal(t, want, cause(err).Error())
					cfg.SkipInvalid = true
				}
				c, err := runBeam(t, "direct", cfg)
				require.NoError(t, err)
				sameTable(t, readCSV(t, wantSeg), readCSV(t, cfg.Out), segmentFloats)
				assert.Equal(t, m[1], strconv.FormatInt(c.rows, 10), "rows")
				if bad {
					assert.Equal(t, m[2], strconv.FormatInt(c.skipped, 10), "skipped")
				}
				assert.Equal(t, m[3], strconv.FormatInt(c.customers, 10), "customers")
			})
		}
	}
}

// TestHeaderSpanningLinesMatchesCRM reads files whose header holds a
// quoted name with a line break, which crm reads as one record: the
// pipeline reads the same rows, from the line after the header's last.
func TestHeaderSpanningLinesMatchesCRM(t *testing.T) {
	bin := crmBinary(t)
	for name, text := range map[string]string{
		"an extra column":       "customer_id,date,amount,\"no\nte\"\nc1,2024-01-02,10,\"a\nb\"\nc1,2024-02-03,20,x\nc2,2024-03-04,5,y\n",
		"a required column":     "\"customer_id\r\n\",date,amount\r\nc1,2024-01-02,10\r\nc2,2024-02-03,20\r\n",
		"after a sep= line":     "sep=,\n\"customer_id\",date,\"amount\n\"\nc1,2024-01-02,10\nc2,2024-02-03,20\n",
		"rows of a quoted note": "customer_id,date,amount,note\n\"c1\",\"2024-01-02\",\"10\",\"x\ny\"\n\"c2\",\"2024-01-03\",\"12\",\"\"\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "orders.csv")
			require.NoError(t, os.WriteFile(in, []byte(text), 0o644))
			want := filepath.Join(dir, "crm.csv")
			outb, err := exec.Command(bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", want).CombinedOutput()
			require.NoError(t, err, "%s", outb)
			m := regexp.MustCompile(`: (\d+) rows?, (\d+) customers?`).FindStringSubmatch(string(outb))
			require.NotNil(t, m, "crm's counts: %s", outb)
			for _, block := range []int64{0, 3} {
				cfg := parityConfig(t, in, t.TempDir(), false)
				cfg.block = block
				c, err := runBeam(t, "direct", cfg)
				require.NoError(t, err)
				sameTable(t, readCSV(t, want), readCSV(t, cfg.Out), segmentFloats)
				assert.Equal(t, m[1], strconv.FormatInt(c.rows, 10), "rows")
				assert.Equal(t, m[2], strconv.FormatInt(c.customers, 10), "customers")
			}
		})
	}
}

// TestLongRecordsMatchCRM reads files with a quoted field still open
// MaxLineBytes bytes after the start of its record, which crm reports as
// a record longer than the limit, at its first line, naming its column,
// and passes over with -skip-invalid, reading on from the next line: the
// pipeline reports and skips the same, the file cut into ranges within
// the long record.
func TestLongRecordsMatchCRM(t *testing.T) {
	if testing.Short() {
		t.Skip("files of several MiB")
	}
	bin := crmBinary(t)
	head := "customer_id,date,amount,note\n"
	rows := "c3,2024-01-02,2,x\nc4,2024-01-03,3,y\n"
	note := func(n int) string { return strings.Repeat(strings.Repeat("n", 63)+"\n", n/64+1) }
	for name, text := range map[string]string{
		"closed past the limit": head + "c0,2024-01-01,1,x\nc1,2024-01-01,1,\"" + note(maxLineBytes) + "\"\n" + rows,
		"never closed":          head + "c0,2024-01-01,1,x\nc1,2024-01-01,1,\"" + note(maxLineBytes+1000) + rows,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "orders.csv")
			require.NoError(t, os.WriteFile(in, []byte(text), 0o644))
			wantSeg := filepath.Join(dir, "crm-segments.csv")
			args := []string{"segment", "-in", in, "-as-of", parityAsOf, "-out", wantSeg}
			want := crmErrorInBeam(t, runCRMFails(t, bin, args...), in, text)
			require.Contains(t, want, "record longer than")
			outb, err := exec.Command(bin, append(args, "-skip-invalid")...).CombinedOutput()
			require.NoError(t, err, "%s", outb)
			m := skippedRE.FindStringSubmatch(string(outb))
			require.NotNil(t, m, "crm's counts: %s", outb)
			for _, block := range []int64{0, 400 << 10} {
				cfg := parityConfig(t, in, t.TempDir(), false)
				cfg.block = block
				_, err := runBeam(t, "direct", cfg)
				require.Error(t, err)
				assert.Equal(t, want, cause(err).Error())
				cfg.SkipInvalid = true
				c, err := runBeam(t, "direct", cfg)
				require.NoError(t, err)
				sameTable(t, readCSV(t, wantSeg), readCSV(t, cfg.Out), segmentFloats)
				assert.Equal(t, m[1], strconv.FormatInt(c.rows, 10), "rows")
				assert.Equal(t, m[2], strconv.FormatInt(c.skipped, 10), "skipped")
			}
		})
	}
}
