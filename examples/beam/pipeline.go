package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

func init() {
	register.DoFn4x1[context.Context, *sdf.LockRTracker, fileio.ReadableFile, func(int64, csvRecord), error](&recordsFn{})
	register.Emitter2[int64, csvRecord]()
	register.DoFn4x0[int64, csvRecord, func(string, row), func(lineInfo)](&parseFn{})
	register.Emitter2[string, row]()
	register.Emitter1[lineInfo]()
	register.DoFn5x1[string, func(*row) bool, func(*readStats) bool, func(string, customer.Summary), func(lineInfo), error](&summarizeFn{})
	register.Iter1[row]()
	register.Iter1[readStats]()
	register.Emitter2[string, customer.Summary]()
	register.Combiner3[readStats, lineInfo, readStats](&readStatsFn{})
	register.Combiner3[stats, customer.Summary, []byte](&statsFn{})
	register.DoFn3x2[string, customer.Summary, []byte, thresholdSums, error](&thresholdFn{})
	register.Combiner1[thresholdSums](&thresholdSumFn{})
	register.DoFn4x3[string, customer.Summary, []byte, thresholdSums, string, string, error](&classifyFn{})
	register.DoFn3x1[string, customer.Summary, func(churn.Group), error](&btydFn{})
	register.Emitter1[churn.Group]()
	register.Combiner3[groupsAcc, churn.Group, groups](&groupsFn{})
	register.DoFn3x2[context.Context, []byte, func(*groups) bool, model, error](&fitFn{})
	register.Iter1[groups]()
	register.DoFn4x1[string, customer.Summary, model, func(string, string), error](&scoreFn{})
	register.DoFn6x1[context.Context, []byte, func(*string, *string) bool, func(*string, *string) bool, func(*readStats) bool, func(*readStats) bool, error](&writeFn{})
	register.Iter2[string, string]()
	register.DoFn2x0[[]byte, func(string, string)](&noRowsFn{})
	register.Emitter2[string, string]()

	beam.RegisterCoder(reflect.TypeOf(customer.Summary{}), encodeSummary, decodeSummary)
	beam.RegisterCoder(reflect.TypeOf(groupsAcc{}), encodeGroups, decodeGroups)
	beam.RegisterCoder(reflect.TypeOf(stats{}), encodeStats, decodeStats)
}

// encodeSummary encodes the exported fields of a summary as JSON; its
// unexported ones (the default margin) are needed only while rows are
// added, which ends before a summary leaves its worker.
func encodeSummary(s customer.Summary) ([]byte, error) { return json.Marshal(s) }

func decodeSummary(b []byte) (customer.Summary, error) {
	var s customer.Summary
	err := json.Unmarshal(b, &s)
	return s, err
}

// config is what a run needs to know.
type config struct {
	// In is the input file (a path of any Beam file system).
	In string
	// AsOf is the day of the analysis (and the calibration end).
	AsOf customer.Date
	// Out is the output of crm segment; Scores, when not empty, that of
	// crm score -model bgnbd.
	Out, Scores string
	// Currency of rows without one; Kind of customers whose rows name
	// none; Margin the default gross margin, a decimal number.
	Currency customer.Currency
	// Only, when not empty, is the one currency read (-only-currency):
	// the rows in others (their own, or Currency when they name none)
	// are left out in the parse step, whatever else they hold, and
	// counted by currency. Empty, a file holds one currency, and a row in
	// another is malformed.
	Only   customer.Currency
	Kind   customer.Kind
	Margin string
	// Model is the transaction model of the scores, bgnbd (the
	// default when empty) or bgbb (whole periods).
	Model string
	// Period and Horizon of the scores.
	Period  customer.Period
	Horizon float64
	// SkipInvalid passes over malformed rows, counting them, instead of
	// failing the run (crm's -skip-invalid).
	SkipInvalid bool
	// block is the size of the byte ranges the file is split into;
	// blockSize when 0.
	block int64
}

// build adds the pipeline of cfg to s. It reads the file's header to find
// the columns, so a missing file or a bad header fails here, before the
// run.
func build(ctx context.Context, s beam.Scope, cfg config) error {
	if cfg.Scores != "" && !cfg.Period.Valid() {
		return fmt.Errorf("period %d: want days or weeks", cfg.Period)
	}
	cols, names, start, err := readHeaderNames(ctx, cfg.In)
	if err != nil {
		return err
	}
	name := cfg.In
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}

	// Per customer: the rows of a customer, wherever they are in the file,
	// meet in one group and make one summary. The read statistics (the
	// file's currency, the malformed rows) are combined from the lines;
	// the summaries leave out the rows in another currency than the
	// file's, and report the rows they refuse.
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, cfg.In, fileio.MatchEmptyDisallow()), fileio.ReadUncompressed())
	lines := beam.ParDo(s, &recordsFn{Block: cfg.block, Start: start, Width: cols.Fields}, files)
	rows, infos := beam.ParDo2(s, &parseFn{P: parser{File: name, Cols: *cols, Names: names, Currency: string(cfg.Currency), Only: string(cfg.Only)}, AsOf: int32(cfg.AsOf), Start: start}, lines)
	reads := beam.Combine(s, &readStatsFn{}, infos)
	sums, refused := beam.ParDo2(s, &summarizeFn{Z: summarizer{File: name, AsOf: int32(cfg.AsOf), Kind: uint8(cfg.Kind), Margin: cfg.Margin}},
		beam.GroupByKey(s, rows), beam.SideInput{Input: reads})
	rejects := beam.Combine(s, &readStatsFn{}, refused)

	// Population, first pass: segment.Stats combined over the shards.
	// Second pass: the value scores against that fit, summed per kind
	// into the quadrant thresholds.
	smp := beam.Combine(s, &statsFn{}, beam.DropKey(s, sums))
	thr := beam.Combine(s, &thresholdSumFn{}, beam.ParDo(s, &thresholdFn{}, sums, beam.SideInput{Input: smp}))
	seg := beam.ParDo(s, &classifyFn{}, sums, beam.SideInput{Input: smp}, beam.SideInput{Input: thr})
	w := &writeFn{File: name, AsOf: cfg.AsOf.String(), Currency: string(cfg.Currency), Only: string(cfg.Only), SkipInvalid: cfg.SkipInvalid,
		Path: cfg.Out, Header: strings.Join(segmentColumns, ",")}
	// Without -scores, the scores side input is empty.
	sc := beam.ParDo(s, &noRowsFn{}, beam.Impulse(s))
	if cfg.Scores != "" {
		// BTYD: the customers' triples grouped and merged, one fit, then
		// every customer scored with the fitted model as a side input.
		txModel := cfg.Model
		if txModel == "" {
			txModel = modelBGNBD
		}
		discrete := txModel == modelBGBB
		grp := beam.Combine(s, &groupsFn{}, beam.ParDo(s, &btydFn{Period: uint8(cfg.Period), Discrete: discrete}, sums))
		// The fit runs on an impulse, so that there is a model (or a
		// failed fit) also when no customer has a triple and the combine
		// is empty.
		mdl := beam.ParDo(s, &fitFn{Model: txModel}, beam.Impulse(s), beam.SideInput{Input: grp})
		sc = beam.ParDo(s, &scoreFn{Period: uint8(cfg.Period), Horizon: cfg.Horizon, Discrete: discrete}, sums, beam.SideInput{Input: mdl})
		w.ScoresPath, w.ScoresHeader = cfg.Scores, strings.Join(scoreColumns, ",")
	}
	// One writer writes both outputs, or neither.
	beam.ParDo0(s, w, beam.Impulse(s), beam.SideInput{Input: seg}, beam.SideInput{Input: sc},
		beam.SideInput{Input: reads}, beam.SideInput{Input: rejects})
	return nil
}

// The counters of a run, which the writer sets once from the read
// statistics and the outputs.
var (
	rowsRead    = beam.NewCounter("crm", "rows")
	rowsLater   = beam.NewCounter("crm", "rows-after-as-of")
	rowsBlank   = beam.NewCounter("crm", "rows-blank")
	rowsHeader  = beam.NewCounter("crm", "rows-header")
	rowsSkipped = beam.NewCounter("crm", "rows-skipped")
	customers   = beam.NewCounter("crm", "customers")
)

// otherCounter is the prefix of the names of the counters of the rows
// left out for their currency (-only-currency), one per currency:
// "rows-other-currency-CHF".
const otherCounter = "rows-other-currency-"

// parseFn parses the data records (those before Start, the header and what
// comes before it, are skipped) and keys each row dated on or before AsOf
// by its customer. Every record goes to the read statistics (lineInfo): what
// it is, and for a data row its currency and whether it is dated after
// AsOf. With -only-currency (parser.Only), a row in another currency is
// left out here, whatever else it holds, and goes to the read statistics
// with its currency alone, to be counted. A row that does not parse fails
// nothing here: its error goes to the read statistics, which report the
// first in file order (or, with -skip-invalid, count it).
type parseFn struct {
	P    parser
	AsOf int32
	// Start is the byte offset of the data, after the header record.
	Start int64
}

// ProcessElement parses one record.
func (fn *parseFn) ProcessElement(off int64, rec csvRecord, emit func(string, row), info func(lineInfo)) {
	if off < fn.Start {
		return
	}
	id, r, kind, err := fn.P.parseRecord(off, rec)
	switch {
	case err != nil:
		re := &rowError{File: fn.P.File, Offset: off, Reason: err.Error()}
		errors.As(err, &re)
		info(lineInfo{Kind: lineBad, Offset: off, Err: *re})
	case kind == blankRow:
		info(lineInfo{Kind: lineBlank, Offset: off})
	case kind == headerRow:
		info(lineInfo{Kind: lineHeader, Offset: off})
	case kind == otherRow:
		info(lineInfo{Kind: lineOther, Offset: off, Currency: r.Currency})
	default:
		later := r.Date > fn.AsOf
		info(lineInfo{Kind: lineData, Offset: off, Currency: r.Currency, Given: r.CurrencyGiven, Later: later})
		if !later {
			emit(id, r)
		}
	}
}

// summarizeFn builds each customer's summary from its rows in the file's
// currency (from the read statistics), as crm does: a row the summary
// refuses goes to the second output, and a customer without a row added
// has no summary.
type summarizeFn struct {
	Z summarizer
	// cur is the file's currency, read from the side input once per
	// worker.
	cur *string
}

// ProcessElement summarises one customer.
func (fn *summarizeFn) ProcessElement(id string, next func(*row) bool, reads func(*readStats) bool, emit func(string, customer.Summary), refused func(lineInfo)) error {
	if fn.cur == nil {
		rs := readSide(reads)
		c := rs.currency()
		fn.cur = &c
	}
	var rows []row
	var r row
	for next(&r) {
		rows = append(rows, r)
	}
	s, ok, rejected, err := fn.Z.summarizeIn(id, rows, *fn.cur)
	if err != nil {
		return err
	}
	for _, e := range rejected {
		refused(lineInfo{Kind: lineRejected, Offset: e.Offset, Err: e})
	}
	if ok {
		emit(id, s)
	}
	return nil
}

// thresholdFn scores each customer against the first-pass fit (decoded
// from the statistics once per worker) and returns its share of the
// threshold sums: its value in the sums of its kind, and among the
// values that the grades rank.
type thresholdFn struct {
	sc *segment.Scoring
}

// ProcessElement scores one customer.
func (fn *thresholdFn) ProcessElement(_ string, s customer.Summary, smp []byte) (thresholdSums, error) {
	if fn.sc == nil {
		st, err := decodeSegmentStats(smp, nil)
		if err != nil {
			return thresholdSums{}, err
		}
		if fn.sc, err = st.Scoring(); err != nil {
			return thresholdSums{}, err
		}
	}
	var o segment.Observation
	if err := segment.Observe(segment.Input{Summary: &s}, &o); err != nil {
		return thresholdSums{}, err
	}
	vs := fn.sc.ValueScorer(o.Kind)
	if vs == nil {
		return thresholdSums{}, fmt.Errorf("segment: customer %q (%v): %w", o.ID, o.Kind, segment.ErrNotFitted)
	}
	sc, err := vs.Score(&o.Indicators)
	if err != nil {
		return thresholdSums{}, err
	}
	var t thresholdSums
	i := kindIndex(o.Kind)
	t.N[i] = 1
	t.Current[i] = int64(sc.Current / value.Unit)
	t.Potential[i] = int64(sc.Potential / value.Unit)
	t.Values[i] = [][2]int64{{t.Current[i], t.Potential[i]}}
	return t, nil
}

// thresholdSumFn adds up the threshold sums.
type thresholdSumFn struct{}

// MergeAccumulators adds two shards' sums and joins their values.
func (*thresholdSumFn) MergeAccumulators(a, b thresholdSums) thresholdSums {
	a.add(&b)
	return a
}

// segmentColumns are the columns of crm segment, in order; the grade is
// the last.
var segmentColumns = []string{
	"customer_id", "kind", "current_value", "potential_value", "total_value", "quadrant",
	"r", "f", "m", "rfm_segment", "lifecycle", "shop_type",
	"orders", "net", "currency", "grade",
}

// classifyFn classifies each customer with the fitted segmentation
// (rebuilt from the side inputs once per worker) and formats its row of
// crm segment.
type classifyFn struct {
	f *fitted
}

// ProcessElement classifies one customer.
func (fn *classifyFn) ProcessElement(id string, s customer.Summary, smp []byte, thr thresholdSums) (string, string, error) {
	if fn.f == nil {
		f, err := fitSegmentation(smp, &thr)
		if err != nil {
			return "", "", err
		}
		fn.f = f
	}
	var o segment.Observation
	if err := segment.Observe(segment.Input{Summary: &s}, &o); err != nil {
		return "", "", err
	}
	var r segment.Result
	if err := fn.f.classify(&r, &o); err != nil {
		return "", "", err
	}
	grade, err := r.Grade.MarshalText()
	if err != nil {
		return "", "", fmt.Errorf("customer %q: %w", s.CustomerID, err)
	}
	line, err := csvLine(
		string(s.CustomerID), s.Kind.String(),
		num(r.Value.Current), num(r.Value.Potential), num(r.Value.Total),
		r.Quadrant.String(),
		strconv.Itoa(int(r.RFM.R)), strconv.Itoa(int(r.RFM.F)), strconv.Itoa(int(r.RFM.M)),
		r.RFM.Segment.String(), r.Stage.String(), r.ShopType.String(),
		strconv.Itoa(s.Orders), s.Net().String(), string(s.Currency), string(grade),
	)
	return id, line, err
}

// btydFn emits the (x, t_x, T) triple of each customer who bought, in the
// period unit, except those whose first purchase is on the calibration end
// (T = 0): the likelihood does not take them (crm fit leaves them out).
type btydFn struct {
	Period uint8
	// Discrete counts whole periods (bgbb), as crm does.
	Discrete bool
}

// ProcessElement emits one customer's triple.
func (fn *btydFn) ProcessElement(_ string, s customer.Summary, emit func(churn.Group)) error {
	x, tx, T, ok := triple(&s, customer.Period(fn.Period), fn.Discrete)
	if !ok || T == 0 {
		return nil
	}
	emit(churn.Group{Frequency: float64(x), Recency: tx, T: T, Count: 1})
	return nil
}

// triple returns a customer's (frequency, recency, T): in time, as
// customer.Summary.BTYD gives it, or, when discrete, in whole periods,
// as customer.Summary.Opportunities gives them (for bgbb).
func triple(s *customer.Summary, p customer.Period, discrete bool) (x int, tx, T float64, ok bool) {
	if !discrete {
		return s.BTYD(p)
	}
	x, itx, n, ok := s.Opportunities(p)
	return x, float64(itx), float64(n), ok
}

// groupsAcc is the accumulator of the BTYD triples: a churn.Groups, sent
// between workers in the form of its sorted groups.
type groupsAcc struct {
	g *churn.Groups
}

func encodeGroups(a groupsAcc) ([]byte, error) {
	var g []churn.Group
	if a.g != nil {
		g = a.g.Slice()
	}
	return json.Marshal(g)
}

func decodeGroups(b []byte) (groupsAcc, error) {
	var gs []churn.Group
	if err := json.Unmarshal(b, &gs); err != nil {
		return groupsAcc{}, err
	}
	g, err := groups{Groups: gs}.decode()
	return groupsAcc{g: g}, err
}

// groupsFn merges the customers' triples into churn.Groups.
type groupsFn struct{}

// CreateAccumulator returns empty groups.
func (*groupsFn) CreateAccumulator() groupsAcc { return groupsAcc{g: &churn.Groups{}} }

// AddInput adds one customer's triple.
func (*groupsFn) AddInput(a groupsAcc, o churn.Group) (groupsAcc, error) {
	if a.g == nil {
		a.g = &churn.Groups{}
	}
	err := a.g.Add(churn.Observation{Frequency: o.Frequency, Recency: o.Recency, T: o.T})
	return a, err
}

// MergeAccumulators merges two shards' groups with Groups.Merge.
func (*groupsFn) MergeAccumulators(a, b groupsAcc) (groupsAcc, error) {
	if a.g == nil {
		a.g = &churn.Groups{}
	}
	err := a.g.Merge(b.g)
	return a, err
}

// ExtractOutput returns the sorted groups.
func (*groupsFn) ExtractOutput(a groupsAcc) groups {
	if a.g == nil {
		return groups{}
	}
	return groupsOf(a.g)
}

// scoreColumns are the columns of crm score.
var scoreColumns = []string{"customer_id", "frequency", "recency", "T", "p_alive", "expected_purchases"}

// scoreFn scores each customer who bought with the fitted model: P(alive)
// and the expected repeat purchases in the Horizon periods after the
// calibration end. A customer whose first purchase is on the calibration
// end (T = 0) has P(alive) = 1 and the expected purchases of a new
// customer, E[X(h)], as in crm score. When the fit failed (model.Failed),
// p_alive and expected_purchases are empty, as crm batch leaves them.
type scoreFn struct {
	Period   uint8
	Horizon  float64
	Discrete bool // whole periods (bgbb)
}

// ProcessElement scores one customer.
func (fn *scoreFn) ProcessElement(id string, s customer.Summary, m model, emit func(string, string)) error {
	x, tx, T, ok := triple(&s, customer.Period(fn.Period), fn.Discrete)
	if !ok {
		return nil
	}
	if m.Failed != "" {
		line, err := csvLine(id, strconv.Itoa(x), num(tx), num(T), "", "")
		if err != nil {
			return err
		}
		emit(id, line)
		return nil
	}
	tm := m.tx()
	o := churn.Observation{ID: id, Frequency: float64(x), Recency: tx, T: T}
	var sc churn.Score
	if T == 0 {
		e, err := tm.ExpectedPurchases(fn.Horizon)
		if err != nil {
			return fmt.Errorf("score customer %q: %w", id, err)
		}
		sc = churn.Score{PAlive: 1, ExpectedPurchases: e}
	} else {
		out := make([]churn.Score, 1)
		if err := churn.ScoreAll(tm, []churn.Observation{o}, fn.Horizon, out); err != nil {
			return fmt.Errorf("score customer %q: %w", id, err)
		}
		sc = out[0]
	}
	line, err := csvLine(id, strconv.Itoa(x), num(tx), num(T), num(sc.PAlive), num(sc.ExpectedPurchases))
	if err != nil {
		return err
	}
	emit(id, line)
	return nil
}

// writeFn writes the outputs: the segments to Path, and the scores to
// ScoresPath when it is set; each the header, then the rows sorted by
// customer ID as crm sorts them, so the files are the same whatever the
// sharding. It runs once (on an impulse) with the rows and the read
// statistics as side inputs, and writes through temporary files, renamed
// once both are written. It fails, writing nothing, on the first
// malformed row in file order (unless SkipInvalid: then it counts them
// and logs the first maxReported), on a file without data rows, and on
// one without a customer (in the currency read, with -only-currency: a
// noCustomerError, which carries the counts of the read);
// the scores, which leave out the customers without a purchase, are the
// header alone when nobody bought. It sets the counters of the run.
type writeFn struct {
	// File names the input in messages; AsOf is the as-of day,
	// Currency the default currency and Only the currency read
	// (-only-currency; empty for all), for messages.
	File, AsOf, Currency     string
	Only                     string
	SkipInvalid              bool
	Path, Header             string
	ScoresPath, ScoresHeader string
}

// ProcessElement writes the files.
func (fn *writeFn) ProcessElement(ctx context.Context, _ []byte, seg, sc func(*string, *string) bool, reads, rejects func(*readStats) bool) error {
	rs := readSide(reads)
	rj := readSide(rejects)
	rs.merge(&rj)
	skipped, errs := rs.problems(fn.File, fn.Currency)
	if skipped > 0 && !fn.SkipInvalid {
		return &errs[0]
	}
	if rs.rows() == 0 {
		return rs.noRows(fn.File)
	}
	segFile, n := sortedRows(fn.Header, seg)
	if n == 0 {
		// crm writes the counts of the read before this error: the rows
		// left out, passed over and skipped say why no customer is left.
		// The error carries them to the launcher, which writes them.
		logSkipped(ctx, fn.File, skipped, errs)
		in := ""
		if fn.Only != "" {
			in = " in " + fn.Only
		}
		day, err := parseDay(fn.AsOf)
		if err != nil {
			return err
		}
		c := counts{rows: rs.rows(), later: rs.later(), blank: rs.Blank, headers: rs.Headers, skipped: skipped, others: rs.others()}
		return &noCustomerError{Counts: c.line(day),
			Msg: fmt.Sprintf("%s: no customer has a valid row%s dated on or before -as-of %s", fn.File, in, fn.AsOf)}
	}
	type file struct {
		path string
		data []byte
	}
	files := []file{{fn.Path, segFile}}
	if fn.ScoresPath != "" {
		scFile, _ := sortedRows(fn.ScoresHeader, sc)
		files = append(files, file{fn.ScoresPath, scFile})
	}
	// Both temporary files are written before either is renamed; when
	// one cannot be, those written are removed.
	for i, f := range files {
		if err := writeTemp(ctx, f.path, f.data); err != nil {
			for _, w := range files[:i+1] {
				removeTemp(ctx, w.path)
			}
			return err
		}
	}
	for _, f := range files {
		if err := renameTemp(ctx, f.path); err != nil {
			return err
		}
	}
	logSkipped(ctx, fn.File, skipped, errs)
	rowsRead.Inc(ctx, rs.rows())
	rowsLater.Inc(ctx, rs.later())
	rowsBlank.Inc(ctx, rs.Blank)
	rowsHeader.Inc(ctx, rs.Headers)
	rowsSkipped.Inc(ctx, skipped)
	for _, o := range rs.Others {
		beam.NewCounter("crm", otherCounter+o.Code).Inc(ctx, o.Rows)
	}
	customers.Inc(ctx, int64(n))
	return nil
}

// logSkipped logs the number of malformed rows that -skip-invalid passed
// over in file, if any, and the errors of the first of them, errs.
func logSkipped(ctx context.Context, file string, skipped int64, errs []rowError) {
	if skipped == 0 {
		return
	}
	log.Warnf(ctx, "%s: skipped %s (-skip-invalid); the first %d:", file, counted(skipped, "malformed row"), len(errs))
	for i := range errs {
		log.Warn(ctx, errs[i].Error())
	}
}

// noRowsFn outputs no row: the empty scores of a run without -scores.
type noRowsFn struct{}

// ProcessElement outputs nothing.
func (*noRowsFn) ProcessElement(_ []byte, _ func(string, string)) {}

// sortedRows returns the file of header and the rows of next sorted by
// customer ID, and the number of rows.
func sortedRows(header string, next func(*string, *string) bool) ([]byte, int) {
	type rec struct{ id, line string }
	var all []rec
	var id, line string
	for next(&id, &line) {
		all = append(all, rec{id, line})
	}
	slices.SortFunc(all, func(a, b rec) int { return salesrow.CompareIDs(a.id, b.id) })
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteByte('\n')
	for _, r := range all {
		b.WriteString(r.line)
	}
	return b.Bytes(), len(all)
}

// writeTemp writes data to the temporary file of path, path + ".tmp".
func writeTemp(ctx context.Context, path string, data []byte) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	if err := filesystem.Write(ctx, fs, path+".tmp", data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// removeTemp removes the temporary file of path, if the file system can
// remove files, after a failed write; a file that is not there, or that
// cannot be removed, is left as it is (the write's error is the one to
// report).
func removeTemp(ctx context.Context, path string) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return
	}
	defer fs.Close()
	if rm, ok := fs.(filesystem.Remover); ok {
		_ = rm.Remove(ctx, path+".tmp")
	}
}

// renameTemp moves the temporary file of path into place.
func renameTemp(ctx context.Context, path string) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	if err := filesystem.Rename(ctx, fs, path+".tmp", path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// csvLine formats one csv record with its line break, quoting as crm's
// encoding/csv writer does.
func csvLine(fields ...string) (string, error) {
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.Write(fields); err != nil {
		return "", err
	}
	w.Flush()
	return b.String(), w.Error()
}

// num formats x with the fewest digits that read back to x, as crm
// writes numbers: in plain notation from 1e-6 up to 1e21 in magnitude,
// in exponent notation beyond.
func num(x float64) string {
	if a := math.Abs(x); a == 0 || a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
