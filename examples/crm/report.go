package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/crm/internal/input"
	"github.com/tailorcrm/tailor/examples/crm/internal/report"
	"github.com/tailorcrm/tailor/segment"
)

// maxHoldout is the longest -holdout, in days (about 274 years).
const maxHoldout = 100000

// runReport writes the visual report: one self-contained HTML page.
//
// The holdout check of the churn models and the fit of the churn risk
// need the customers as of the calibration end (-holdout days before
// -as-of) too. A csv export is read once, keeping of each customer also
// what its summary then holds beyond the days it shares with the one as
// of -as-of (input.Table.EarlierOf); the export is read a second time,
// as of the calibration end, when that state is not kept: in the cdnow
// format, when rows were skipped, when a customer's units leave the
// range they are kept in, or when an order's rows fall on both sides of
// the calibration end, since the order counts on one day
// (input.Table.HasEarlier). Standard input, and a pipe given as -in,
// are first copied to a temporary file so that they can be read twice.
func runReport(e *env, args []string) error {
	fs := newFlags(e, "report", "-in FILE [-format csv|cdnow] -as-of YYYY-MM-DD [-out report.html]")
	var f inputFlags
	f.register(fs)
	asOfFlag := fs.String("as-of", "", "day of the analysis, `YYYY-MM-DD` (required): later rows are left out and counted")
	outPath := fs.String("out", "", "output `file` (default stdout)")
	holdout := fs.Int("holdout", report.DefaultHoldout, "holdout period of the churn models, in `days` before -as-of")
	top := fs.Int("top", report.DefaultTopN, "rows of each kind in the table of high-value customers at risk")
	points := fs.Int("max-points", report.DefaultMaxPoints, "most customers of a kind drawn as dots; more are drawn as a density grid")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	asOf, err := parseDay("as-of", *asOfFlag)
	if err != nil {
		return err
	}
	// The upper bound keeps the calibration end a date (customer.Date
	// counts days in an int32): more days would wrap round to a day
	// after -as-of, or just before it.
	if *holdout < 7 || *holdout > maxHoldout {
		return usagef("-holdout %d: want at least 7 days and at most %d", *holdout, maxHoldout)
	}
	if *top < 1 || *points < 1 {
		return usagef("-top and -max-points must be positive")
	}
	opts := &report.Options{Holdout: *holdout, TopN: *top, MaxPoints: *points}
	calEnd := report.CalibrationEnd(asOf, opts)

	source := filepath.Base(f.in)
	if f.in == "-" {
		source = "stdin"
		tmp, err := spool(e.stdin, "stdin")
		if err != nil {
			return err
		}
		defer func() {
			os.Remove(tmp)
			temps.done(tmp)
		}()
		// Messages name the input as the user gave it, not the copy.
		f.in, f.name = tmp, "stdin"
	} else if st, err := os.Stat(f.in); err == nil && !st.Mode().IsRegular() && !st.IsDir() {
		// A pipe (-in <(zcat orders.csv.gz), a named pipe, /dev/stdin)
		// can be read only once, and the export is read a second time
		// whenever an order's rows fall on both sides of the
		// calibration end: it is copied as standard input is. A missing
		// file or a directory is left to open.
		tmp, err := spoolFile(f.in)
		if err != nil {
			return err
		}
		defer func() {
			os.Remove(tmp)
			temps.done(tmp)
		}()
		f.in, f.name = tmp, f.label()
	}
	// Read once, keeping the state as of the calibration end too.
	t, out, err := f.scanTo(e, asOf, *outPath, "-as-of", func(o *input.Options) {
		o.Earlier, o.KeepEarlier = calEnd, true
	})
	if err != nil {
		return err
	}
	defer out.abort()
	// The report reads the customers from the tables, a summary at a
	// time, instead of holding a summary per customer.
	in := &report.Input{
		Source: source, AsOf: asOf, Currency: t.Currency,
		Summaries: tableSummaries{t.Summarizer(), t}, CalibrationEnd: calEnd,
	}
	if err := classifyAll(in, t); err != nil {
		return err
	}

	// The customers as of the calibration end, when the export has a row
	// by then (otherwise the report says the data are too short for a
	// holdout check): from the one read when it kept their state then,
	// else from a second read. Malformed rows were reported by the first.
	switch {
	case !startsBy(t, calEnd):
		in := ""
		if t.Currency != "" && f.only.set {
			in = " in " + string(t.Currency)
		}
		fmt.Fprintf(e.stderr, "crm: no holdout check: no row%s is dated on or before the calibration end %s\n", in, calEnd)
	case t.HasEarlier():
		// What the read as of the calibration end would say of it.
		n, later := t.EarlierCounts()
		fmt.Fprintf(e.stderr, "crm: %s: %s", f.label(), rowCounts(t.Rows, t.Skipped, n))
		reportOthers(e, t.Others)
		if later > 0 {
			fmt.Fprintf(e.stderr, "; %s dated after the calibration end %s left out", counted(later, "row"), calEnd)
		}
		reportPassedOver(e, t.Blank, t.Headers)
		fmt.Fprintln(e.stderr)
		in.Earlier = tableEarlier{t}
	default:
		calSrc, err := f.open(e, calEnd)
		if err != nil {
			return err
		}
		calSrc.listed = &skipped{n: t.Skipped, errs: t.Errors, skips: t.Skips}
		calSrc.checked = true
		cal, err := calSrc.scan(e, "the calibration end")
		if err != nil {
			return err
		}
		in.Calibration = tableSummaries{cal.Summarizer(), cal}
	}

	rep, err := report.Build(in, opts)
	if err != nil {
		return err
	}
	if err := rep.WriteHTML(out); err != nil {
		return writeError(out.name(), err)
	}
	if err := out.commit(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "crm: report of %s as of %s written to %s\n", customers(rep.Customers), asOf, out.name())
	return nil
}

// classifyAll fits the segmentation of the customers of t (both passes
// on every core) and fills the compact classification of every customer,
// the thresholds and the RFM bins.
func classifyAll(in *report.Input, t *input.Table) error {
	m, err := fitSegmentsTable(t)
	if err != nil {
		return err
	}
	in.Segments = make([]report.Customer, t.Len())
	if _, err := parts(t.Len(), func(_, lo, hi int) error {
		z := t.Summarizer()
		var s customer.Summary
		var o segment.Observation
		var r segment.Result
		for i := lo; i < hi; i++ {
			z.Summary(i, &s)
			if err := segment.Observe(segment.Input{Summary: &s}, &o); err != nil {
				return err
			}
			if err := m.Classify(&r, &o); err != nil {
				return err
			}
			in.Segments[i] = report.Classified(&r)
		}
		return nil
	}); err != nil {
		return err
	}
	// The kinds present are those of the fit.
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		th := m.Thresholds(k)
		if th.N == 0 {
			continue
		}
		in.Thresholds = append(in.Thresholds, th)
		if sc := m.RFMScorer(k); sc != nil {
			in.RFMBins = max(in.RFMBins, sc.Bins())
		}
	}
	return nil
}

// startsBy reports whether some customer of t has a row (an order or a
// refund) dated on or before d.
func startsBy(t *input.Table, d customer.Date) bool {
	z := t.Summarizer()
	var s customer.Summary
	for i := range t.Len() {
		z.Summary(i, &s)
		if len(s.Days) > 0 && s.Days[0].Date <= d {
			return true
		}
	}
	return false
}

// spool copies r, the input named name in messages, to a temporary file
// and returns its path. The file is among the temps that an interrupted
// command removes.
func spool(r io.Reader, name string) (string, error) {
	f, err := temps.create("", "crm-report-*.in")
	if err != nil {
		return "", fmt.Errorf("copy %s: %w", name, err)
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		temps.done(f.Name())
		return "", fmt.Errorf("copy %s: %w", name, err)
	}
	return f.Name(), nil
}

// spoolFile is spool of the file at path; a file that cannot be opened
// is a usage error, as for any input.
func spoolFile(path string) (string, error) {
	in, err := os.Open(path)
	if err != nil {
		return "", usagef("-in: %v", err)
	}
	defer in.Close()
	return spool(in, path)
}

// tableSummaries are the customers of a table for report.Build, which
// reads them on every core, each goroutine with a Summarizer of its own,
// and joins the two tables by the IDs of the first.
type tableSummaries struct {
	*input.Summarizer
	t *input.Table
}

var (
	_ report.ConcurrentSummaries = tableSummaries{}
	_ report.CustomerIDs         = tableSummaries{}
)

// Reader returns another reader of the customers of the table.
func (s tableSummaries) Reader() report.Summaries { return tableSummaries{s.t.Summarizer(), s.t} }

// ID returns the ID of the i-th customer, without building its summary.
func (s tableSummaries) ID(i int) customer.ID { return s.t.ID(i) }

// tableEarlier are the states of the customers of a table as of the
// calibration end, for report.Build.
type tableEarlier struct{ t *input.Table }

var _ report.EarlierStates = tableEarlier{}

// Earlier returns the state of the i-th customer as of the calibration
// end.
func (e tableEarlier) Earlier(i int) (customer.Kind, int, int, bool) {
	s, ok := e.t.EarlierOf(i)
	return s.Kind, s.Units, s.ReturnedUnits, ok
}
