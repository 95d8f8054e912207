package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

func init() {
	register.DoFn4x1[context.Context, *sdf.LockRTracker, fileio.ReadableFile, func(int64, string), error](&linesFn{})
	register.Emitter2[int64, string]()
	register.DoFn5x1[context.Context, int64, string, func(string, row), func(string), error](&parseFn{})
	register.Emitter2[string, row]()
	register.Emitter1[string]()
	register.DoFn4x1[context.Context, string, func(*row) bool, func(string, customer.Summary), error](&summarizeFn{})
	register.Iter1[row]()
	register.Emitter2[string, customer.Summary]()
	register.DoFn3x1[customer.Summary, func(*currencies) bool, func(customer.Summary), error](&oneCurrencyFn{})
	register.Emitter1[customer.Summary]()
	register.Combiner3[stats, customer.Summary, []byte](&statsFn{})
	register.DoFn4x2[string, customer.Summary, []byte, func(*currencies) bool, thresholdSums, error](&thresholdFn{})
	register.Combiner1[thresholdSums](&thresholdSumFn{})
	register.DoFn4x3[string, customer.Summary, []byte, thresholdSums, string, string, error](&classifyFn{})
	register.Combiner3[currencies, string, currencies](&currencyFn{})
	register.DoFn3x1[string, customer.Summary, func(churn.Group), error](&btydFn{})
	register.Emitter1[churn.Group]()
	register.Combiner3[groupsAcc, churn.Group, groups](&groupsFn{})
	register.DoFn3x2[context.Context, []byte, func(*groups) bool, model, error](&fitFn{})
	register.Iter1[groups]()
	register.DoFn4x1[string, customer.Summary, model, func(string, string), error](&scoreFn{})
	register.DoFn4x1[context.Context, []byte, func(*string, *string) bool, func(*currencies) bool, error](&writeFn{})
	register.Iter2[string, string]()
	register.Iter1[currencies]()

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
	Kind     customer.Kind
	Margin   string
	// Model is the transaction model of the scores, bgnbd (the
	// default when empty) or bgbb (whole periods).
	Model string
	// Period and Horizon of the scores.
	Period  customer.Period
	Horizon float64
}

// build adds the pipeline of cfg to s. It reads the file's header to find
// the columns, so a missing file or a bad header fails here, before the
// run.
func build(ctx context.Context, s beam.Scope, cfg config) error {
	if cfg.Scores != "" && !cfg.Period.Valid() {
		return fmt.Errorf("period %d: want days or weeks", cfg.Period)
	}
	cols, err := readHeader(ctx, cfg.In)
	if err != nil {
		return err
	}
	name := cfg.In
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}

	// Per customer: the rows of a customer, wherever they are in the file,
	// meet in one group and make one summary.
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, cfg.In, fileio.MatchEmptyDisallow()), fileio.ReadUncompressed())
	lines := beam.ParDo(s, &linesFn{}, files)
	rows, curs := beam.ParDo2(s, &parseFn{P: parser{File: name, Cols: *cols, Currency: string(cfg.Currency)}, AsOf: int32(cfg.AsOf)}, lines)
	sums := beam.ParDo(s, &summarizeFn{Z: summarizer{File: name, AsOf: int32(cfg.AsOf), Kind: uint8(cfg.Kind), Margin: cfg.Margin}}, beam.GroupByKey(s, rows))
	currency := beam.Combine(s, &currencyFn{}, curs)

	// Population, first pass: segment.Stats combined over the shards.
	// Second pass: the value scores against that fit, summed per kind
	// into the quadrant thresholds.
	one := beam.ParDo(s, &oneCurrencyFn{}, beam.DropKey(s, sums), beam.SideInput{Input: currency})
	smp := beam.Combine(s, &statsFn{}, one)
	thr := beam.Combine(s, &thresholdSumFn{}, beam.ParDo(s, &thresholdFn{}, sums, beam.SideInput{Input: smp}, beam.SideInput{Input: currency}))
	seg := beam.ParDo(s, &classifyFn{}, sums, beam.SideInput{Input: smp}, beam.SideInput{Input: thr})
	beam.ParDo0(s, &writeFn{Path: cfg.Out, Header: strings.Join(segmentColumns, ","), What: "segments"}, beam.Impulse(s),
		beam.SideInput{Input: seg}, beam.SideInput{Input: currency})

	if cfg.Scores == "" {
		return nil
	}
	// BTYD: the customers' triples grouped and merged, one fit, then every
	// customer scored with the fitted model as a side input.
	txModel := cfg.Model
	if txModel == "" {
		txModel = modelBGNBD
	}
	discrete := txModel == modelBGBB
	grp := beam.Combine(s, &groupsFn{}, beam.ParDo(s, &btydFn{Period: uint8(cfg.Period), Discrete: discrete}, sums))
	// The fit runs on an impulse, so that there is a model (or a failed
	// fit) also when no customer has a triple and the combine is empty.
	mdl := beam.ParDo(s, &fitFn{Model: txModel}, beam.Impulse(s), beam.SideInput{Input: grp})
	sc := beam.ParDo(s, &scoreFn{Period: uint8(cfg.Period), Horizon: cfg.Horizon, Discrete: discrete}, sums, beam.SideInput{Input: mdl})
	beam.ParDo0(s, &writeFn{Path: cfg.Scores, Header: strings.Join(scoreColumns, ","), What: "scores", AllowEmpty: true}, beam.Impulse(s),
		beam.SideInput{Input: sc}, beam.SideInput{Input: currency})
	return nil
}

var (
	rowsRead   = beam.NewCounter("crm", "rows")
	rowsLater  = beam.NewCounter("crm", "rows-after-as-of")
	rowsBlank  = beam.NewCounter("crm", "rows-blank")
	rowsHeader = beam.NewCounter("crm", "rows-header")
	customers  = beam.NewCounter("crm", "customers")
)

// parseFn parses the data lines (the header, at offset 0, is skipped) and
// keys each row by its customer. Rows dated after AsOf are counted and
// left out, and so are blank rows, empty lines and rows that repeat the
// header, each counted apart; every row's currency
// goes to the second output, since a file holds one currency.
type parseFn struct {
	P    parser
	AsOf int32
}

// ProcessElement parses one line.
func (fn *parseFn) ProcessElement(ctx context.Context, off int64, line string, emit func(string, row), emitCurrency func(string)) error {
	if off == 0 {
		return nil
	}
	id, r, kind, err := fn.P.parse(off, line)
	if err != nil {
		return err
	}
	switch kind {
	case blankRow:
		rowsBlank.Inc(ctx, 1)
		return nil
	case headerRow:
		rowsHeader.Inc(ctx, 1)
		return nil
	}
	rowsRead.Inc(ctx, 1)
	emitCurrency(r.Currency)
	if r.Date > fn.AsOf {
		rowsLater.Inc(ctx, 1)
		return nil
	}
	emit(id, r)
	return nil
}

// summarizeFn builds each customer's summary from its rows.
type summarizeFn struct {
	Z summarizer
}

// ProcessElement summarises one customer.
func (fn *summarizeFn) ProcessElement(ctx context.Context, id string, next func(*row) bool, emit func(string, customer.Summary)) error {
	var rows []row
	var r row
	for next(&r) {
		rows = append(rows, r)
	}
	s, err := fn.Z.summarize(id, rows)
	if err != nil {
		return err
	}
	customers.Inc(ctx, 1)
	emit(id, s)
	return nil
}

// thresholdFn scores each customer against the first-pass fit (decoded
// from the statistics once per worker) and returns its share of the
// threshold sums: its value in the sums of its kind, and among the
// values that the grades rank. It fails first when the file holds
// several currencies.
type thresholdFn struct {
	sc *segment.Scoring
}

// ProcessElement scores one customer.
func (fn *thresholdFn) ProcessElement(_ string, s customer.Summary, smp []byte, curs func(*currencies) bool) (thresholdSums, error) {
	if fn.sc == nil {
		if err := checkCurrencies(curs); err != nil {
			return thresholdSums{}, err
		}
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

// currencies is the set of currencies of a file, sorted.
type currencies struct {
	Codes []string
}

// currencyFn collects the distinct currencies.
type currencyFn struct{}

// CreateAccumulator returns the empty set.
func (*currencyFn) CreateAccumulator() currencies { return currencies{} }

// AddInput adds one currency.
func (*currencyFn) AddInput(c currencies, code string) currencies {
	if i, found := slices.BinarySearch(c.Codes, code); !found {
		c.Codes = slices.Insert(c.Codes, i, code)
	}
	return c
}

// MergeAccumulators unites two sets.
func (fn *currencyFn) MergeAccumulators(a, b currencies) currencies {
	for _, code := range b.Codes {
		a = fn.AddInput(a, code)
	}
	return a
}

// ExtractOutput returns the set.
func (*currencyFn) ExtractOutput(c currencies) currencies { return c }

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

// writeFn writes one output: the header, then the rows sorted by customer
// ID as crm sorts them, so the file is the same whatever the sharding. It
// runs once (on an impulse) with the rows as a side input, and writes
// through a temporary file renamed at the end. It fails, writing nothing,
// when the file holds more than one currency, or no row unless
// AllowEmpty: the scores, which leave out the customers without a
// purchase, are the header alone when nobody bought.
type writeFn struct {
	Path, Header, What string
	AllowEmpty         bool
}

// ProcessElement writes the file.
func (fn *writeFn) ProcessElement(ctx context.Context, _ []byte, rows func(*string, *string) bool, curs func(*currencies) bool) error {
	if err := checkCurrencies(curs); err != nil {
		return err
	}
	type rec struct{ id, line string }
	var all []rec
	var id, line string
	for rows(&id, &line) {
		all = append(all, rec{id, line})
	}
	if len(all) == 0 && !fn.AllowEmpty {
		return fmt.Errorf("%s: no customer has a valid row on or before the as-of day", fn.What)
	}
	slices.SortFunc(all, func(a, b rec) int { return salesrow.CompareIDs(a.id, b.id) })
	var b bytes.Buffer
	b.WriteString(fn.Header)
	b.WriteByte('\n')
	for _, r := range all {
		b.WriteString(r.line)
	}
	fs, err := filesystem.New(ctx, fn.Path)
	if err != nil {
		return err
	}
	defer fs.Close()
	tmp := fn.Path + ".tmp"
	if err := filesystem.Write(ctx, fs, tmp, b.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", fn.Path, err)
	}
	if err := filesystem.Rename(ctx, fs, tmp, fn.Path); err != nil {
		return fmt.Errorf("write %s: %w", fn.Path, err)
	}
	return nil
}

// oneCurrencyFn passes the summaries on once the file is known to hold
// one currency (checked once per worker), so that a file of several
// fails with checkCurrencies' error rather than with the first-pass
// statistics' refusal of a second currency.
type oneCurrencyFn struct {
	checked bool
}

// ProcessElement passes one summary on.
func (fn *oneCurrencyFn) ProcessElement(s customer.Summary, curs func(*currencies) bool, emit func(customer.Summary)) error {
	if !fn.checked {
		if err := checkCurrencies(curs); err != nil {
			return err
		}
		fn.checked = true
	}
	emit(s)
	return nil
}

// checkCurrencies fails when the file holds more than one currency.
func checkCurrencies(curs func(*currencies) bool) error {
	var c currencies
	for curs(&c) {
		if len(c.Codes) > 1 {
			return fmt.Errorf("the file holds more than one currency (%s), and one file holds one currency", strings.Join(c.Codes, ", "))
		}
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

// num formats x with the fewest digits that read back to x.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
