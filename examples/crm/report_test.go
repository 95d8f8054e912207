package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/crm/internal/input"
	"github.com/tailorcrm/tailor/examples/crm/internal/report"
	"github.com/tailorcrm/tailor/internal/shopgen"
	"github.com/tailorcrm/tailor/segment"
)

// writeShop writes a generated shop of n customers over [start, end) in
// the csv format and returns the file's path.
func writeShop(t *testing.T, n int, seed uint64, start, end time.Time) string {
	t.Helper()
	cfg := shopgen.DefaultConfig()
	cfg.Customers, cfg.Seed, cfg.Start, cfg.End = n, seed, start, end
	recs, err := shopgen.Generate(cfg)
	require.NoError(t, err)
	var b bytes.Buffer
	_, err = shopgen.WriteCSV(&b, recs, nil)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return path
}

// classCounts parses page strictly as XML and counts the elements of each
// name.class, e.g. "text.quadrant-label".
func classCounts(t *testing.T, page []byte) map[string]int {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	n := map[string]int{}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return n
		}
		require.NoError(t, err, "the page is well-formed")
		if se, ok := tok.(xml.StartElement); ok {
			n[se.Name.Local]++
			for _, a := range se.Attr {
				if a.Name.Local == "class" {
					for _, c := range strings.Fields(a.Value) {
						n[se.Name.Local+"."+c]++
					}
				}
			}
		}
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	def := shopgen.DefaultConfig()
	in := writeShop(t, 600, 4, def.Start, def.End)
	out := filepath.Join(t.TempDir(), "report.html")
	r := crm(t, "", "report", "-in", in, "-format", "csv", "-as-of", "2025-12-31", "-out", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "rows dated after the calibration end 2025-07-02 left out")
	assert.Contains(t, r.stderr, "written to "+out)
	page, err := os.ReadFile(out)
	require.NoError(t, err)

	n := classCounts(t, page)
	assert.Equal(t, 0, n["script"])
	assert.Equal(t, 2, n["svg.quadrant-chart"], "consumers and intermediaries apart")
	assert.Equal(t, 8, n["text.quadrant-label"])
	assert.Equal(t, 25, n["rect.rfm-cell"])
	assert.Equal(t, 8, n["g.bar-row"])
	assert.Equal(t, 1, n["svg.risk-histogram"])
	assert.Equal(t, 2, n["svg.holdout-chart"])
	assert.Positive(t, n["tr.at-risk-row"])
	s := string(page)
	assert.Contains(t, s, "orders.csv · as of 2025-12-31 · amounts in EUR")
	assert.NotContains(t, s, "@", "no e-mail address or other personal data")
	assert.Equal(t, 1, strings.Count(s, `id="grades"`), "one line of grade shares")
	assert.Regexp(t, `Consumers: (\d+\.\d% strategic), \d+\.\d% important, \d+\.\d% ordinary; Intermediaries: \d+\.\d% strategic, \d+\.\d% important, \d+\.\d% ordinary\.</p>`, s)

	// The same bytes again, and from standard input.
	again := filepath.Join(t.TempDir(), "again.html")
	require.Equal(t, 0, crm(t, "", "report", "-in", in, "-as-of", "2025-12-31", "-out", again).code)
	page2, err := os.ReadFile(again)
	require.NoError(t, err)
	assert.Equal(t, page, page2, "identical input, identical page")
	csv, err := os.ReadFile(in)
	require.NoError(t, err)
	r = crm(t, string(csv), "report", "-in", "-", "-as-of", "2025-12-31")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, strings.Replace(s, "orders.csv · ", "stdin · ", 1), r.stdout)
}

// TestReportReadsACSVExportOnce: the customers as of the calibration
// end come from the one read of a csv export. A named pipe, which can
// be read only once, gives the page of the file; and so does the file
// with a malformed row skipped, which is read a second time, as of the
// calibration end (a skipped row might count there).
func TestReportReadsACSVExportOnce(t *testing.T) {
	t.Parallel()
	def := shopgen.DefaultConfig()
	in := writeShop(t, 600, 4, def.Start, def.End)
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	// Without order IDs: an order of the shop returned after the
	// calibration end counts the return on the order's day, which the
	// state kept as of the calibration end cannot tell, and the export is
	// then read twice (input.Table.HasEarlier), as a pipe cannot be.
	crossing := in
	data = withoutOrderIDs(t, data)
	in = filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, os.WriteFile(in, data, 0o644))
	report := func(path string, args ...string) (result, string) {
		out := filepath.Join(t.TempDir(), "report.html")
		r := crm(t, "", append([]string{"report", "-in", path, "-format", "csv", "-as-of", "2025-12-31", "-out", out}, args...)...)
		page, _ := os.ReadFile(out)
		return r, string(page)
	}
	r, want := report(in)
	require.Equal(t, 0, r.code, r.stderr)
	calLine := "rows dated after the calibration end 2025-07-02 left out\n"
	require.Contains(t, r.stderr, calLine)
	lines := strings.SplitAfter(r.stderr, "\n")

	// The pipe, of the same name in another directory.
	fifo := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	go func() { _ = os.WriteFile(fifo, data, 0o600) }()
	type outcome struct {
		r    result
		page string
	}
	done := make(chan outcome, 1)
	go func() {
		r, page := report(fifo)
		done <- outcome{r, page}
	}()
	select {
	case o := <-done:
		require.Equal(t, 0, o.r.code, o.r.stderr)
		assert.Equal(t, want, o.page, "the page of the pipe")
		assert.Equal(t, strings.ReplaceAll(strings.Join(lines[:2], ""), in, fifo), strings.Join(strings.SplitAfter(o.r.stderr, "\n")[:2], ""))
	case <-time.After(2 * time.Minute):
		// The pipe was opened again: a writer lets that open return.
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.Close()
		}
		t.Fatal("crm report opened the export a second time")
	}

	// Orders returned after the calibration end: the export is read
	// twice, a pipe from its copy, with the page of the file.
	cross := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, syscall.Mkfifo(cross, 0o600))
	crossData, err := os.ReadFile(crossing)
	require.NoError(t, err)
	go func() { _ = os.WriteFile(cross, crossData, 0o600) }()
	rc, pipePage := report(cross)
	require.Equal(t, 0, rc.code, rc.stderr)
	rc, filePage := report(crossing)
	require.Equal(t, 0, rc.code, rc.stderr)
	assert.Equal(t, filePage, pipePage, "the page of the pipe")

	// A malformed row, skipped: the export is read twice.
	rows := strings.SplitAfter(string(data), "\n")
	col := slices.Index(strings.Split(strings.TrimSpace(rows[0]), ","), "date")
	require.GreaterOrEqual(t, col, 0)
	fields := strings.Split(rows[1], ",")
	fields[col] = strings.ReplaceAll(fields[col], "-", "/")
	bad := strings.Join(fields, ",")
	twice := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, os.WriteFile(twice, []byte(strings.Join(rows[:2], "")+bad+strings.Join(rows[2:], "")), 0o644))
	r2, page := report(twice, "-skip-invalid")
	require.Equal(t, 0, r2.code, r2.stderr)
	assert.Equal(t, want, page, "the page of the export read twice")
	assert.Contains(t, r2.stderr, "1 skipped")
	for _, l := range lines {
		if strings.HasSuffix(l, calLine) {
			// "N rows, M customers; …": the customers and the rows left
			// out are those of the one read.
			_, tail, ok := strings.Cut(l, " rows, ")
			require.True(t, ok, l)
			assert.Contains(t, r2.stderr, "rows (1 skipped as malformed), "+tail, "the line of the second read")
		}
	}
}

// TestReportReadsAPipeThatMustBeReadTwice: an export read from a pipe
// (-in <(zcat orders.csv.gz), /dev/stdin) that the report must read a
// second time — a csv export with a row skipped, a cdnow file — gives
// the page of the file, not the error of an empty second read: the pipe
// is copied to a temporary file first, as standard input is.
func TestReportReadsAPipeThatMustBeReadTwice(t *testing.T) {
	t.Parallel()
	def := shopgen.DefaultConfig()
	in := writeShop(t, 300, 6, def.Start, def.End)
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	rows := strings.SplitAfter(string(data), "\n")
	bad := []byte(rows[0] + "C-bad,2025/01/01,10\n" + strings.Join(rows[1:], ""))
	badFile := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, os.WriteFile(badFile, bad, 0o644))
	cdnow, err := os.ReadFile(cdnowSample)
	require.NoError(t, err)

	for _, c := range []struct {
		name, file string
		data       []byte
		args       []string
	}{
		{"csv with a skipped row", badFile, bad, []string{"-as-of", "2025-12-31", "-skip-invalid"}},
		{"cdnow", cdnowSample, cdnow, []string{"-format", "cdnow", "-as-of", "1998-06-30"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			report := func(path string) (result, string) {
				out := filepath.Join(t.TempDir(), "report.html")
				r := crm(t, "", append([]string{"report", "-in", path, "-out", out}, c.args...)...)
				page, _ := os.ReadFile(out)
				return r, string(page)
			}
			r, want := report(c.file)
			require.Equal(t, 0, r.code, r.stderr)

			pr, pw, err := os.Pipe()
			require.NoError(t, err)
			defer pr.Close()
			go func() {
				_, _ = pw.Write(c.data)
				pw.Close()
			}()
			fd := strconv.Itoa(int(pr.Fd()))
			r, page := report("/dev/fd/" + fd)
			require.Equal(t, 0, r.code, r.stderr)
			// The page names the input by the base of its path.
			assert.Equal(t, strings.Replace(want, ">"+filepath.Base(c.file)+" · ", ">"+fd+" · ", 1), page)
		})
	}
}

// TestReportPipeIsReadTwiceFromItsCopy: a csv export read from a pipe
// is copied to a temporary file first, so that it is read a second time,
// as of the calibration end, when its state then is not kept (a
// customer's units beyond its range), as a file is.
func TestReportPipeIsReadTwiceFromItsCopy(t *testing.T) {
	t.Parallel()
	data := "customer_id,date,amount,quantity\n" +
		"C1,2025-01-01,10,1000000000\nC1,2025-01-02,10,1000000000\nC1,2025-01-03,10,1000000000\nC2,2025-01-05,20,1\n"
	file := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, os.WriteFile(file, []byte(data), 0o644))
	filePage := filepath.Join(t.TempDir(), "r.html")
	r := crm(t, "", "report", "-in", file, "-as-of", "2025-12-31", "-out", filePage)
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, 2, strings.Count(r.stderr, "4 rows, "), "the file is read twice:\n%s", r.stderr)

	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pr.Close()
	go func() {
		_, _ = pw.WriteString(data)
		pw.Close()
	}()
	path := "/dev/fd/" + strconv.Itoa(int(pr.Fd()))
	pipePage := filepath.Join(t.TempDir(), "r.html")
	r = crm(t, "", "report", "-in", path, "-as-of", "2025-12-31", "-out", pipePage)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 2, strings.Count(r.stderr, path+": 4 rows, "), "the pipe is read twice, named as given:\n%s", r.stderr)
	want, err := os.ReadFile(filePage)
	require.NoError(t, err)
	got, err := os.ReadFile(pipePage)
	require.NoError(t, err)
	assert.Equal(t, strings.ReplaceAll(string(want), "orders.csv", filepath.Base(path)), string(got))
}

func TestReportCDNOW(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "cdnow.html")
	r := crm(t, "", "report", "-in", cdnowSample, "-format", "cdnow", "-as-of", "1998-06-30", "-out", out)
	require.Equal(t, 0, r.code, r.stderr)
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	n := classCounts(t, page)
	assert.Equal(t, 1, n["svg.quadrant-chart"], "CDNOW has consumers only")
	assert.Equal(t, 4, n["text.quadrant-label"])
	assert.Equal(t, 1, n["svg.holdout-chart"])
	assert.Equal(t, 10, n["tr.at-risk-row"])
	assert.Contains(t, string(page), "2,357")
}

func TestReportShortHistory(t *testing.T) {
	t.Parallel()
	in := writeShop(t, 200, 9, time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	r := crm(t, "", "report", "-in", in, "-as-of", "2025-12-31")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "no holdout check")
	n := classCounts(t, []byte(r.stdout))
	assert.Equal(t, 0, n["svg.holdout-chart"])
	assert.Equal(t, 2, n["p.holdout-missing"])
	assert.Contains(t, r.stdout, "No holdout check: the data are too short")
	assert.Equal(t, 1, n["svg.risk-histogram"], "the rule-based risk still scores everyone")
}

func TestReportErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("customer_id,date,amount\nC1,2025-01-02,12x\n"), 0o644))
	out := filepath.Join(dir, "report.html")
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no as-of", []string{"-in", cdnowSample, "-format", "cdnow"}, exitUsage, "-as-of YYYY-MM-DD is required"},
		{"bad as-of", []string{"-in", cdnowSample, "-as-of", "1998-13-01"}, exitUsage, "-as-of"},
		{"no input", []string{"-as-of", "1998-06-30"}, exitUsage, "-in FILE is required"},
		{"missing file", []string{"-in", filepath.Join(dir, "none.csv"), "-as-of", "1998-06-30"}, exitUsage, "none.csv"},
		{"short holdout", []string{"-in", cdnowSample, "-format", "cdnow", "-as-of", "1998-06-30", "-holdout", "3"}, exitUsage, "-holdout 3"},
		// A holdout of more days than a date can count back would wrap
		// round to a calibration end after -as-of (or just before it).
		{"holdout that wraps to -1", []string{"-in", cdnowSample, "-format", "cdnow", "-as-of", "1998-06-30", "-holdout", "9223372036854775807", "-out", out}, exitUsage, "-holdout 9223372036854775807"},
		{"holdout that wraps to 1", []string{"-in", cdnowSample, "-format", "cdnow", "-as-of", "1998-06-30", "-holdout", "4294967297", "-out", out}, exitUsage, "-holdout 4294967297"},
		{"bad top", []string{"-in", cdnowSample, "-format", "cdnow", "-as-of", "1998-06-30", "-top", "0"}, exitUsage, "-top"},
		{"malformed row", []string{"-in", bad, "-as-of", "2025-06-30", "-out", out}, exitError, `bad.csv:2: amount "12x"`},
		{"nothing before as-of", []string{"-in", cdnowSample, "-format", "cdnow", "-as-of", "1990-01-01", "-out", out}, exitError, "no customer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := crm(t, "", append([]string{"report"}, tt.args...)...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.msg)
			assert.NoFileExists(t, out, "a failed run leaves no page")
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")
}

// TestReportFromTablesAsFromSummaries checks that crm report, which reads
// its tables a summary at a time, writes the page that the report package
// builds from every summary held in memory and classified one by one.
func TestReportFromTablesAsFromSummaries(t *testing.T) {
	t.Parallel()
	def := shopgen.DefaultConfig()
	path := writeShop(t, 400, 9, def.Start, def.End)
	out := filepath.Join(t.TempDir(), "report.html")
	r := crm(t, "", "report", "-in", path, "-as-of", "2025-12-31", "-out", out)
	require.Equal(t, 0, r.code, r.stderr)
	page, err := os.ReadFile(out)
	require.NoError(t, err)

	asOf := customer.DateFromYMD(2025, 12, 31)
	calEnd := report.CalibrationEnd(asOf, nil)
	held := func(d customer.Date) report.SummarySlice {
		f, err := os.Open(path)
		require.NoError(t, err)
		defer f.Close()
		tab, err := input.ScanCSV(f, "orders.csv", input.Options{AsOf: d}, 1)
		require.NoError(t, err)
		sums := make(report.SummarySlice, tab.Len())
		for i := range sums {
			var s customer.Summary
			tab.Summary(i, &s)
			c := s.Clone()
			sums[i] = &c
		}
		return sums
	}
	sums := held(asOf)
	in := &report.Input{Source: "orders.csv", AsOf: asOf, Currency: "EUR", Summaries: sums,
		Calibration: held(calEnd), CalibrationEnd: calEnd}
	m, err := fitSegments(sums)
	require.NoError(t, err)
	var o segment.Observation
	var res segment.Result
	for _, s := range sums {
		require.NoError(t, segment.Observe(segment.Input{Summary: s}, &o))
		require.NoError(t, m.Classify(&res, &o))
		in.Segments = append(in.Segments, report.Classified(&res))
	}
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		in.Thresholds = append(in.Thresholds, m.Thresholds(k))
		in.RFMBins = max(in.RFMBins, m.RFMScorer(k).Bins())
	}
	rep, err := report.Build(in, nil)
	require.NoError(t, err)
	var want bytes.Buffer
	require.NoError(t, rep.WriteHTML(&want))
	assert.Equal(t, want.String(), string(page))
}

// TestReportOnEveryCoreAsOnOne checks that the page of a shop large
// enough to be read in parts on several cores (the tables joined by the
// IDs they give) is the page of reading it on one.
func TestReportOnEveryCoreAsOnOne(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 12,000 customers")
	}
	def := shopgen.DefaultConfig()
	path := writeShop(t, 12000, 13, def.Start, def.End)
	page := func(procs int) string {
		t.Helper()
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		out := filepath.Join(t.TempDir(), "report.html")
		r := crm(t, "", "report", "-in", path, "-as-of", "2025-12-31", "-out", out)
		require.Equal(t, 0, r.code, r.stderr)
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		return string(b)
	}
	assert.Equal(t, page(1), page(4))
}

// TestReportStdinNamesStdin checks that crm report -in - names its input
// "stdin" in every message, as the other subcommands do, and not the
// temporary copy it reads twice.
func TestReportStdinNamesStdin(t *testing.T) {
	t.Parallel()
	const rows = "customer_id,date,amount\nA,2024-01-05,10\nB,2024-02-01,12x\nA,2024-03-01,5\nC,2024-03-02,7\n"
	r := crm(t, rows, "report", "-in", "-", "-as-of", "2024-12-31")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, `stdin:3: amount "12x": not a decimal number`)
	assert.NotContains(t, r.stderr, "crm-report-")

	r = crm(t, rows, "report", "-in", "-", "-as-of", "2024-12-31", "-skip-invalid")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "crm: stdin: 4 rows (1 skipped as malformed), 2 customers")
	assert.Contains(t, r.stderr, `  stdin:3: amount "12x": not a decimal number`)
	assert.NotContains(t, r.stderr, "crm-report-")
	assert.Contains(t, r.stdout, "stdin · as of 2024-12-31")
}

// TestReportListsSkippedRowsOnce checks that crm report -skip-invalid,
// which reads its input twice, lists the skipped rows once and gives
// their count for both reads.
func TestReportListsSkippedRowsOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "orders.csv")
	const rows = "customer_id,date,amount\nA,2024-01-05,10\nB,2024-02-01,12x\nA,2024-03-01,5\nC,2024-03-02,7\n"
	require.NoError(t, os.WriteFile(path, []byte(rows), 0o644))
	r := crm(t, "", "report", "-in", path, "-as-of", "2024-12-31", "-skip-invalid")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1, strings.Count(r.stderr, `orders.csv:3: amount "12x": not a decimal number`), r.stderr)
	assert.Equal(t, 1, strings.Count(r.stderr, "skipped 1 malformed row (-skip-invalid); the first 1:"), r.stderr)
	assert.Equal(t, 1, strings.Count(r.stderr, "skipped 1 malformed row (-skip-invalid), listed above"), r.stderr)
}

// withoutOrderIDs returns the csv export data with its order_id column
// emptied: each customer's rows of a day are then one order.
func withoutOrderIDs(t *testing.T, data []byte) []byte {
	t.Helper()
	rows := strings.SplitAfter(string(data), "\n")
	col := slices.Index(strings.Split(strings.TrimSpace(rows[0]), ","), "order_id")
	require.GreaterOrEqual(t, col, 0)
	for i := 1; i < len(rows); i++ {
		if rows[i] == "" {
			continue
		}
		f := strings.Split(rows[i], ",")
		require.Greater(t, len(f), col, rows[i])
		f[col] = ""
		rows[i] = strings.Join(f, ",")
	}
	return []byte(strings.Join(rows, ""))
}
