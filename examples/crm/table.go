package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/crm/internal/input"
	"github.com/tailorcrm/tailor/segment"
)

// scan reads the whole input like summarize, but keeps the customers in
// the compact form of input.Table (csv) instead of one customer.Summary
// each, so that a million customers fit in a few hundred megabytes.
func (s *source) scan(e *env, what string) (*input.Table, error) {
	if s.format == input.CDNOW {
		res, err := s.summarize(e, what)
		if err != nil {
			return nil, err
		}
		return input.TableOf(res), nil
	}
	defer s.close()
	p := newProgress(e.stderr, s.name, s.size)
	s.opts.Progress = func(rows, bytes int64) {
		paceGC()
		p.update(rows, bytes)
	}
	t, err := input.ScanCSV(s.r, s.name, s.opts, 0)
	p.done()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stderr, "crm: %s: %s", s.name, rowCounts(t.Rows, t.Skipped, t.Len()))
	reportOthers(e, t.Others)
	if t.Later > 0 {
		fmt.Fprintf(e.stderr, "; %s dated after %s %s left out", counted(t.Later, "row"), what, s.opts.AsOf)
	}
	reportPassedOver(e, t.Blank, t.Headers)
	fmt.Fprintln(e.stderr)
	s.reportSkipped(e, skipped{n: t.Skipped, errs: t.Errors, skips: t.Skips})
	if !s.checked {
		reportMisnamed(e, s.name, t.Misnamed)
		reportFloatIDs(e, s.name, t.Len(), t.ID)
		reportFullPrice(e, s.name, t)
	}
	if t.Len() == 0 {
		return nil, s.noCustomer(what)
	}
	return t, nil
}

// scanTo opens the input as of asOf, creates the output at outPath and
// reads the input into a table (what names asOf in messages), with the
// reading options set by tune, if any. On error nothing is left open and
// no output is left behind; on success the caller commits or aborts out.
func (f *inputFlags) scanTo(e *env, asOf customer.Date, outPath, what string, tune ...func(*input.Options)) (*input.Table, *output, error) {
	src, err := f.open(e, asOf)
	if err != nil {
		return nil, nil, err
	}
	for _, fn := range tune {
		fn(&src.opts)
	}
	if src.same(outPath) {
		src.close()
		return nil, nil, usagef("-out %s is the input file: the export would be replaced", outPath)
	}
	out, err := createOutput(e, outPath)
	if err != nil {
		src.close()
		return nil, nil, err
	}
	t, err := src.scan(e, what)
	if err != nil {
		out.abort()
		return nil, nil, err
	}
	tightenGC()
	return t, out, nil
}

// parts splits n customers into at most GOMAXPROCS contiguous parts and
// runs fn on each in its own goroutine; the error is that of the first
// part (in customer order) that failed.
func parts(n int, fn func(part, lo, hi int) error) (int, error) {
	k := max(1, min(runtime.GOMAXPROCS(0), n/1024))
	errs := make([]error, k)
	var wg sync.WaitGroup
	for p := 0; p < k; p++ {
		lo, hi := n*p/k, n*(p+1)/k
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[p] = fn(p, lo, hi)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return k, err
		}
	}
	return k, nil
}

// observeParts is the first pass over t: it observes every customer into
// segment statistics, one per part (see parts), calling each(i, s) with
// the customer's summary too when each is not nil, and returns the
// statistics of the parts, compacted.
func observeParts(t *input.Table, each func(i int, s *customer.Summary) error) ([]*segment.Stats, error) {
	stats := make([]*segment.Stats, runtime.GOMAXPROCS(0))
	k, err := parts(t.Len(), func(p, lo, hi int) error {
		st, err := segment.NewStats(segmentOptions())
		if err != nil {
			return err
		}
		stats[p] = st
		var s customer.Summary
		var o segment.Observation
		z := t.Summarizer()
		for i := lo; i < hi; i++ {
			z.Summary(i, &s)
			if err := segment.Observe(segment.Input{Summary: &s}, &o); err != nil {
				return err
			}
			if err := st.Add(&o); err != nil {
				return err
			}
			if each != nil {
				if err := each(i, &s); err != nil {
					return err
				}
			}
		}
		// Sorted here, on every core, the parts merge in linear time.
		st.Compact()
		return nil
	})
	return stats[:k], err
}

// fitSegmentsTable is fitSegments on a table: both passes split over the
// cores, the statistics of the parts merged.
func fitSegmentsTable(t *input.Table) (*segment.Model, error) {
	n := t.Len()
	stats, err := observeParts(t, nil)
	if err != nil {
		return nil, err
	}
	k := len(stats)
	for _, st := range stats[1:k] {
		if err := stats[0].Merge(st); err != nil {
			return nil, err
		}
	}
	sc, err := stats[0].Scoring()
	if err != nil {
		return nil, err
	}
	ts := make([]*segment.ThresholdStats, k)
	if _, err := parts(n, func(p, lo, hi int) error {
		ts[p] = sc.NewThresholdStats()
		var s customer.Summary
		var o segment.Observation
		z := t.Summarizer()
		for i := lo; i < hi; i++ {
			z.Summary(i, &s)
			if err := segment.Observe(segment.Input{Summary: &s}, &o); err != nil {
				return err
			}
			if err := ts[p].Add(&o); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for _, x := range ts[1:] {
		if err := ts[0].Merge(x); err != nil {
			return nil, err
		}
	}
	return ts[0].Model()
}

// blockSize is the number of customers formatted at a time by one worker.
const blockSize = 4096

// writeOrdered formats the rows of n customers in blocks on every core
// and writes the blocks in order. row appends the row of customer i to
// buf, using the worker's scratch summary.
func writeOrdered(out io.Writer, n int, row func(i int, s *customer.Summary, buf []byte) ([]byte, error)) error {
	workers := runtime.GOMAXPROCS(0)
	blocks := (n + blockSize - 1) / blockSize
	type result struct {
		buf []byte
		err error
	}
	chans := make([]chan result, workers)
	// Written blocks come back for reuse, so that the buffers stop growing
	// after the first few blocks.
	free := make(chan []byte, 3*workers)
	done := make(chan struct{})
	defer close(done)
	for w := range chans {
		chans[w] = make(chan result, 2)
		go func() {
			var s customer.Summary
			var buf []byte
			for b := w; b < blocks; b += workers {
				select {
				case buf = <-free:
				default:
					buf = nil
				}
				var err error
				for i := b * blockSize; i < min(n, (b+1)*blockSize) && err == nil; i++ {
					buf, err = row(i, &s, buf)
				}
				select {
				case chans[w] <- result{buf, err}:
				case <-done:
					return
				}
				if err != nil {
					return
				}
			}
		}()
	}
	for b := 0; b < blocks; b++ {
		r := <-chans[b%workers]
		if r.err != nil {
			return r.err
		}
		if _, err := out.Write(r.buf); err != nil {
			return err
		}
		select {
		case free <- r.buf[:0]:
		default:
		}
	}
	return nil
}

// appendField appends a csv field as encoding/csv.Writer writes it.
func appendField(dst []byte, f string) []byte {
	if !fieldNeedsQuotes(f) {
		return append(dst, f...)
	}
	dst = append(dst, '"')
	for {
		i := strings.IndexByte(f, '"')
		if i < 0 {
			break
		}
		dst = append(dst, f[:i+1]...)
		dst = append(dst, '"')
		f = f[i+1:]
	}
	dst = append(dst, f...)
	return append(dst, '"')
}

// fieldNeedsQuotes is encoding/csv's rule for the comma ','.
func fieldNeedsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f == `\.` || strings.ContainsAny(f, ",\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(f)
	return unicode.IsSpace(r)
}

// appendNum appends x with the fewest digits that read back to x: in
// plain notation from 1e-6 up to 1e21 in magnitude (1471292.2428519693,
// 0.000012), as encoding/json writes numbers and as the csv format reads
// amounts, and in exponent notation beyond (1e-07, 1e+21), where plain
// notation would run to dozens of zeros. NaN and infinities are written
// NaN, +Inf and -Inf.
func appendNum(dst []byte, x float64) []byte {
	if a := math.Abs(x); a == 0 || a >= 1e-6 && a < 1e21 {
		return strconv.AppendFloat(dst, x, 'f', -1, 64)
	}
	return strconv.AppendFloat(dst, x, 'g', -1, 64)
}

// appendSegment appends the columns of crm segment for s, classified by
// m, up to the currency: without the grade and the line break.
func appendSegment(dst []byte, m *segment.Model, s *customer.Summary, o *segment.Observation, r *segment.Result) ([]byte, error) {
	if err := segment.Observe(segment.Input{Summary: s}, o); err != nil {
		return dst, err
	}
	if err := m.Classify(r, o); err != nil {
		return dst, err
	}
	dst = appendSegmentHead(dst, s.CustomerID, r, s.Orders)
	dst = append(dst, s.Net().String()...)
	dst = append(dst, ',')
	dst = appendField(dst, string(s.Currency))
	return dst, nil
}

// appendSegmentHead appends the columns of crm segment up to the orders
// and the comma after them, for the customer id classified as r.
func appendSegmentHead(dst []byte, id customer.ID, r *segment.Result, orders int) []byte {
	dst = appendField(dst, string(id))
	dst = append(dst, ',')
	dst = append(dst, r.Kind.String()...)
	for _, x := range [...]float64{r.Value.Current, r.Value.Potential, r.Value.Total} {
		dst = append(dst, ',')
		dst = appendNum(dst, x)
	}
	dst = append(dst, ',')
	dst = append(dst, r.Quadrant.String()...)
	for _, x := range [...]uint8{r.RFM.R, r.RFM.F, r.RFM.M} {
		dst = append(dst, ',')
		dst = strconv.AppendUint(dst, uint64(x), 10)
	}
	// The names of the segments, stages and shop types need no quotes.
	dst = append(dst, ',')
	dst = append(dst, r.RFM.Segment.String()...)
	dst = append(dst, ',')
	dst = append(dst, r.Stage.String()...)
	dst = append(dst, ',')
	dst = append(dst, r.ShopType.String()...)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(orders), 10)
	return append(dst, ',')
}

// appendGrade appends a comma and the text of grade g of customer id (see
// gradeText).
func appendGrade(dst []byte, id customer.ID, g segment.Grade) ([]byte, error) {
	text, err := gradeText(id, g)
	if err != nil {
		return dst, err
	}
	dst = append(dst, ',')
	return append(dst, text...), nil
}

// writeSegmentsTable writes the output of crm segment for a table.
func writeSegmentsTable(out io.Writer, t *input.Table) error {
	m, err := fitSegmentsTable(t)
	if err != nil {
		return err
	}
	var head bytes.Buffer
	head.WriteString(strings.Join(segmentColumns, ",") + "," + gradeColumn + "\n")
	if _, err := out.Write(head.Bytes()); err != nil {
		return err
	}
	return writeOrdered(out, t.Len(), func(i int, s *customer.Summary, buf []byte) ([]byte, error) {
		var o segment.Observation
		var r segment.Result
		t.Summary(i, s)
		buf, err := appendSegment(buf, m, s, &o, &r)
		if err == nil {
			buf, err = appendGrade(buf, s.CustomerID, r.Grade)
		}
		return append(buf, '\n'), err
	})
}
