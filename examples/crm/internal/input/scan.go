package input

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// ScanCSV reads a csv export like [NewCSVReader] and [Summarize] together,
// with the same result, rows, errors and messages, but faster and in less
// memory:
//
//   - the input is read in blocks cut at record boundaries, and each of
//     workers goroutines (GOMAXPROCS when workers ≤ 0) parses the rows
//     of the customers it owns (by a hash of the customer ID), so a
//     customer's rows are added in file order by one goroutine, without
//     locks; in a block without quotes the reading goroutine finds the
//     lines and their owners once, and a worker reads only its own
//     lines; a block with quotes is walked by every worker;
//   - lines without quotes are split without copying, their commas found
//     eight bytes at a time; money is added exactly in fixed point, in
//     three tiers per customer: amounts, costs and discounts with at
//     most four decimals as int64 counts of 10⁻⁴; a customer with one of
//     up to 18 decimals (the float noise of a spreadsheet's price ×
//     quantity, 15.299999999999999) moves, exactly, to 128-bit counts
//     of 10⁻¹⁸; one with more decimals than that, or sums that would
//     overflow, falls back to the decimal path of
//     [customer.Summary.AddSale];
//   - each customer is a fixed-size record without pointers (the ID in a
//     byte arena, days and order keys in word arenas), so memory is about
//     a hundred bytes per customer plus 16 per day and 8 per order (about
//     twice that for a customer in 10⁻¹⁸), and the garbage collector has
//     almost nothing to scan; only a customer on the decimal path holds
//     decimals, about ten times the memory.
//
// The summary of a customer in 10⁻¹⁸ is, to the exponent of each
// decimal, the one the decimal path would build from the summary of its
// fixed record.
//
// The summaries are built on demand by [Table.Summary]. The currency of
// the file is o.Only when given (a row in another is then left out and
// counted in Table.Others, whatever else it holds: see the package
// comment, "Currencies"), else that of the first row that parses; when the
// first block holds none, blocks are held until one comes. Blank rows and
// empty lines are passed over and counted in Table.Blank, as the reader of
// NewCSVReader counts them: the empty lines of a block without quotes by
// the reading goroutine, which indexes it, and a blank row by worker 0,
// which owns every row without a customer ID, when it fails as a row of
// the wrong width or without a customer ID. A row that repeats the header
// is passed over and counted in Table.Headers, as that reader counts it,
// by the worker that owns its customer_id field (a column name, owned as
// any customer ID is), when it fails to parse: once, whichever worker that
// is, also in a block with quotes, which every worker walks but only the
// owner of a row reads. With o.KeepEarlier and o.Earlier before o.AsOf,
// the table keeps also the state of each customer as of o.Earlier
// ([Table.HasEarlier], [Table.EarlierOf]).
func ScanCSV(r io.Reader, name string, o Options, workers int) (*Table, error) {
	if o.Currency == "" {
		o.Currency = DefaultCurrency
	}
	if !o.Currency.Valid() {
		return nil, fmt.Errorf("unknown currency %q", string(o.Currency))
	}
	if o.Only != "" && !o.Only.Valid() {
		return nil, fmt.Errorf("unknown currency %q", string(o.Only))
	}
	if o.Kind == 0 {
		o.Kind = customer.Consumer
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	cr, err := newCSVReader(skipBOM(r, name), name)
	if err != nil {
		return nil, err
	}
	c, sp := cr.rest()
	sp.free = make(chan []byte, 8)

	// The currency of the file: that of the first row that parses, or
	// the one read.
	var held []*chunk
	cur := o.Only
	var w0 walker
	w0.name, w0.width, w0.header = name, cr.fields, cr.w.header
	var row Row
	if cur != "" {
		held = append(held, c)
	}
	for cur == "" {
		held = append(held, c)
		w0.walk(c, func(r *record, re *RowError) bool {
			if re == nil && r.fields == nil {
				w0.split(r, 0)
			}
			if re != nil || r.nfields != cr.fields {
				return true
			}
			if cr.layout.parse(name, r.fields, r.line, r.lineOf, &row) != nil {
				return true
			}
			cur = customer.Currency(strings.Clone(string(row.Currency)))
			if cur == "" {
				cur = o.Currency
			}
			return false
		})
		if cur != "" || c.last {
			break
		}
		c = sp.next()
	}
	if cur == "" {
		cur = o.Currency
	}

	t := &Table{Currency: cur, asOf: o.AsOf, shards: make([]*shard, workers), Misnamed: cr.misnamed,
		keepEarly: o.KeepEarlier && o.Earlier < o.AsOf}
	t.template = *customer.NewSummary("", o.Kind, o.AsOf.Time(), &customer.SummaryOptions{DefaultMargin: o.Margin})
	margin := o.Margin
	if margin.IsZero() {
		margin = customer.DefaultMargin
	}
	share := decimal.NewFromInt(1).Sub(margin)
	seed := maphash.MakeSeed()
	var stop atomic.Int64
	stop.Store(1 << 62)
	// A line too long is read past on the next block, unless a row has
	// stopped the scan by then (splitter.halt).
	sp.halt = func() bool { return stop.Load() != 1<<62 }
	ws := make([]*worker, workers)
	chans := make([]chan *chunk, workers)
	x := &indexer{col: cr.layout.col.id, n: workers, seed: seed, free: make(chan *lineIndex, 16)}
	var wg sync.WaitGroup
	for i := range ws {
		w := &worker{id: i, n: workers, name: name, lay: cr.layout, o: &o, cur: cur, seed: seed,
			stop: &stop, free: sp.free, freeIx: x.free, sh: newShard(&t.template, share),
			defOther: o.Only != "" && o.Currency != o.Only}
		w.sh.keepEarly, w.sh.earlier = t.keepEarly, o.Earlier
		w.walker.name, w.walker.width, w.walker.header = name, cr.fields, cr.w.header
		ws[i] = w
		t.shards[i] = w.sh
		chans[i] = make(chan *chunk, 4)
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(chans[i])
		}()
	}
	send := func(c *chunk) {
		x.index(c)
		c.refs.Store(int32(workers))
		for _, ch := range chans {
			ch <- c
		}
		if o.Progress != nil {
			o.Progress(int64(c.line), sp.read)
		}
	}
	last := false
	for _, c := range held {
		send(c)
		last = c.last
	}
	for !last && stop.Load() == 1<<62 {
		c := sp.next()
		send(c)
		last = c.last
	}
	for _, ch := range chans {
		close(ch)
	}
	wg.Wait()
	return t, t.finish(ws, name, &o, x.empty)
}

// finish merges the workers' counts and errors, as Summarize reports
// them, and sorts the customers; empty is the count of empty lines in
// the chunks indexed.
func (t *Table) finish(ws []*worker, name string, o *Options, empty int64) error {
	var errs []*RowError
	var sk skips
	var others currencyCounts
	fatal, fatalLine := error(nil), 0
	// Every worker walks the chunks that are not indexed, and counts
	// their empty lines: worker 0's count is theirs.
	t.Blank = empty + ws[0].empty
	for _, w := range ws {
		t.Rows += w.rows
		t.Blank += w.blank
		t.Headers += w.headers
		t.Later += w.later
		t.Skipped += w.skipped
		sk.merge(w.skips)
		others.merge(w.others)
		errs = append(errs, w.errs...)
		if w.fatal != nil && (fatal == nil || w.fatalLine < fatalLine) {
			fatal, fatalLine = w.fatal, w.fatalLine
		}
	}
	slices.SortFunc(errs, func(a, b *RowError) int { return cmp.Compare(a.Line, b.Line) })
	if !o.SkipInvalid && len(errs) > 0 && (fatal == nil || errs[0].Line < fatalLine) {
		return errs[0]
	}
	if fatal != nil {
		return fatal
	}
	for i := 0; i < len(errs) && i < MaxReportedErrors; i++ {
		t.Errors = append(t.Errors, errs[i])
	}
	t.Skips = sk.sorted()
	t.Others = others.sorted()
	if t.Rows == 0 {
		return noRows(name, t.Blank, t.Headers)
	}
	t.sort()
	return nil
}

// worker parses the rows of the customers of its shard.
type worker struct {
	walker
	id, n  int
	name   string
	lay    layout
	o      *Options
	cur    customer.Currency
	seed   maphash.Seed
	stop   *atomic.Int64
	free   chan []byte
	freeIx chan *lineIndex
	sh     *shard
	row    Row
	fr     frow
	lastID []byte
	lastOw int
	lastIx int32
	// day is the text of the last date parsed by fast, date its value.
	day   [10]byte
	date  customer.Date
	dayOK bool

	rows, later, skipped int64
	blank                int64 // blank rows (salesrow.Blank), all worker 0's
	headers              int64 // repeated header rows whose customer_id field the worker owns
	errs                 []*RowError
	skips                skips // the skipped rows, by fault
	fatal                error
	fatalLine            int
	// others counts the rows left out for their currency
	// (Options.Only); defOther says a row without a currency is one.
	others   currencyCounts
	defOther bool
}

func (w *worker) run(in <-chan *chunk) {
	w.lastIx = -1
	for c := range in {
		if w.fatal == nil && int64(c.line) <= w.stop.Load() {
			var err error
			var line int
			if c.ix != nil {
				err, line = w.walkIndexed(c, uint8(w.id), w.record)
			} else {
				err, line = w.walk(c, w.record)
			}
			if err != nil {
				w.fatal, w.fatalLine = err, line
			}
		}
		if c.refs.Add(-1) == 0 {
			if c.data != nil {
				select {
				case w.free <- c.data[:0]:
				default:
				}
			}
			if c.ix != nil {
				select {
				case w.freeIx <- c.ix:
				default:
				}
			}
		}
	}
}

// fail records a malformed row; without SkipInvalid it stops the scan at
// that row.
func (w *worker) fail(re *RowError) bool {
	w.skipped++
	re.Value = strings.Clone(re.Value) // it may point into the block
	if !w.o.SkipInvalid {
		w.errs = append(w.errs, re)
		for {
			s := w.stop.Load()
			if int64(re.Line) >= s || w.stop.CompareAndSwap(s, int64(re.Line)) {
				break
			}
		}
		return false
	}
	w.skips.add(re)
	if len(w.errs) < MaxReportedErrors {
		w.errs = append(w.errs, re)
	}
	return true
}

// record handles one record of the input; it returns false to stop.
func (w *worker) record(r *record, re *RowError) bool {
	if int64(r.line) > w.stop.Load() {
		return false
	}
	// The owner of a record is that of its customer ID; a record without
	// one (malformed, too few fields, an empty ID, a blank row) is worker
	// 0's.
	idField, hasID := "", false
	switch {
	case re != nil:
	case r.fields == nil:
		idField, hasID = r.field(w.lay.col.id)
	case len(r.fields) > w.lay.col.id:
		idField, hasID = r.fields[w.lay.col.id], true
	}
	id := idField
	if !plain(id) {
		id = trim(id)
	}
	var h uint64
	switch {
	case !hasID || id == "":
		if w.id != 0 {
			return true
		}
		w.lastID = w.lastID[:0]
		w.lastOw, w.lastIx = 0, -1
	case string(w.lastID) == id:
		if w.lastOw != w.id {
			return true
		}
	default:
		h = maphash.String(w.seed, id)
		w.lastID = append(w.lastID[:0], id...)
		w.lastOw = int((h >> 32) * uint64(w.n) >> 32)
		w.lastIx = -1
		if w.lastOw != w.id {
			return true
		}
	}
	if re != nil {
		w.rows++
		return w.fail(re)
	}
	if r.fields == nil {
		w.cut(r, w.lay.used)
	}
	// A blank row, passed over and counted, is one of the wrong width
	// or without a customer ID: only those are asked whether they are
	// blank, so that the rows of an export pay nothing for the question.
	if r.nfields != w.lay.fields {
		if r.blank() {
			w.blank++
			return true
		}
		w.rows++
		return w.fail(&RowError{File: w.name, Line: r.line, Reason: w.lay.fieldCount(r), Kind: kindFieldCount})
	}
	if id == "" {
		if r.blank() {
			w.blank++
			return true
		}
		w.rows++
		if w.o.Only != "" && w.leftOut(r) {
			return true
		}
		return w.fail(valueError(w.name, r.lineOf(w.lay.col.id), ColCustomerID, idField, "empty"))
	}
	w.rows++
	fr := &w.fr
	if w.fast(r, id, fr) {
		if re := w.addFixed(fr, h, nil); re != nil {
			return w.fail(re)
		}
		return true
	}
	if r.fields == nil {
		w.strings(r)
	}
	// The fast path takes no row in another currency than the one read:
	// such a row is left out here, whatever else it holds.
	if w.o.Only != "" && w.leftOut(r) {
		return true
	}
	if re := w.lay.parse(w.name, r.fields, r.line, r.lineOf, &w.row); re != nil {
		// The header again fails here, on its date: only then is it
		// asked for. It is no row.
		if w.repeatsHeader(r) {
			w.rows--
			w.headers++
			return true
		}
		return w.fail(re)
	}
	if re := w.addRow(&w.row, h, r); re != nil {
		return w.fail(re)
	}
	return true
}

// leftOut reports whether r, a row of the header's width that is not
// blank, is in another currency than Options.Only (the default when it
// names none), and then counts it in w.others: its currency is read
// first, whatever else the row holds; a currency field that holds no
// code leaves it to the checks of a row. A row in the default currency
// may be the header again (a file without a currency column), which is
// no row.
func (w *worker) leftOut(r *record) bool {
	if r.fields == nil {
		w.strings(r)
	}
	cur, other, empty := otherCurrency(w.lay.currencyField(r.fields), w.o.Only, w.o.Currency)
	if !other || empty && w.repeatsHeader(r) {
		return false
	}
	w.others.add(cur)
	return true
}

// repeatsHeader reports whether r, a record of the header's width, is
// the header again (salesrow.Layout.RepeatsHeader). A line of which only
// the fields the columns need were cut is split whole first.
func (w *worker) repeatsHeader(r *record) bool {
	if len(r.fields) < r.nfields {
		w.split(r, 0)
	}
	return w.lay.rules.RepeatsHeader(r.fields)
}

// frow is a row in fixed point.
type frow struct {
	line   int
	id     string
	date   customer.Date
	amount int64
	units  int
	cost   int64
	// disc is the discount (customer.Sale.Discount), when hasDisc.
	disc             int64
	hasCost, hasDisc bool
	kind             customer.Kind
	cat              string
	key              uint64
	// wide says the amount, the cost or the discount does not fit fixed
	// point: the money is in wm (wide.go), and amount, cost and disc are
	// not set.
	wide bool
	wm   wrow
}

// fixedOrWide parses the money s in fixed point, or sets *wide when it
// needs the wide tier (wide.go: the value is then 0); false when s is no
// plain number, or needs the wide tier while it is off.
func fixedOrWide(s string, wide *bool) (int64, bool) {
	if v, ok := parseFixed(s); ok {
		return v, true
	}
	if !wideTier {
		return 0, false
	}
	v, w, ok := parseFixedOrWide(s)
	*wide = *wide || w
	return v, ok
}

// fast parses a record whose fields all take the fast path; false sends
// it to layout.parse.
func (w *worker) fast(r *record, id string, fr *frow) bool {
	c := &w.lay.col
	var ok bool
	// f returns field i, trimmed: a call only for a field that needs it.
	f := func(i int) string {
		s := r.at(i)
		if !plain(s) {
			s = trim(s)
		}
		return s
	}
	*fr = frow{line: r.line, id: id}
	// Rows come in orders of a few lines on one day: the last day parsed
	// is kept.
	ds := dayText(f(c.date))
	if w.dayOK && string(w.day[:]) == ds {
		fr.date = w.date
	} else {
		if fr.date, ok = parseDay10(ds); !ok {
			return false
		}
		copy(w.day[:], ds)
		w.date, w.dayOK = fr.date, true
	}
	as := f(c.amount)
	if fr.amount, ok = fixedOrWide(as, &fr.wide); !ok {
		return false
	}
	if c.qty >= 0 {
		if s := f(c.qty); s != "" {
			if fr.units, ok = parseSmallInt(s); !ok {
				return false
			}
		}
	}
	cs := ""
	if c.cost >= 0 {
		if cs = f(c.cost); cs != "" {
			if fr.cost, ok = fixedOrWide(cs, &fr.wide); !ok {
				return false
			}
			fr.hasCost = true
		}
	}
	dc := ""
	if c.disc >= 0 {
		if dc = f(c.disc); dc != "" {
			if fr.disc, ok = fixedOrWide(dc, &fr.wide); !ok {
				return false
			}
			fr.hasDisc = true
		}
	}
	if fr.wide {
		// The decimal path would add the amounts as written.
		fr.amount, fr.cost, fr.disc = 0, 0, 0
		fr.wm.amount, fr.wm.ea, _ = parseWide(as)
		if fr.hasCost {
			fr.wm.cost, fr.wm.ec, _ = parseWide(cs)
		}
		if fr.hasDisc {
			fr.wm.disc, fr.wm.ed, _ = parseWide(dc)
		}
	}
	if c.cur >= 0 {
		// A row without a currency is in the default one (Options), which
		// need not be the file's.
		s := f(c.cur)
		if s == "" {
			s = string(w.o.Currency)
		}
		if s != string(w.cur) {
			return false
		}
	} else if w.defOther {
		// Every row is in the default currency, not the one read.
		return false
	}
	if c.kind >= 0 {
		switch f(c.kind) {
		case "":
		case "consumer":
			fr.kind = customer.Consumer
		case "intermediary":
			fr.kind = customer.Intermediary
		default:
			return false
		}
	}
	order := ""
	if c.order >= 0 {
		order = f(c.order)
	}
	fr.key = orderKey(order, fr.date)
	if c.cat >= 0 {
		fr.cat = f(c.cat)
	}
	// A text that is not printable ASCII is checked here, and one that
	// the rules of salesrow refuse is reported by the exact path
	// (layout.parse).
	return textsOK(id, order, fr.cat)
}

// addRow adds a row parsed by layout.parse from record r: the checks of
// add, then the fixed-point path when its amounts fit, else the wide
// tier, else the decimal path.
func (w *worker) addRow(row *Row, h uint64, r *record) *RowError {
	cur := row.Currency
	if cur == "" {
		cur = w.o.Currency
	}
	if cur != w.cur {
		if w.o.Only != "" {
			// Left out (leftOut takes such rows before they parse).
			w.others.add(cur)
			return nil
		}
		return currencyError(w.name, row.Line, row.Currency, cur, w.cur)
	}
	fr := &w.fr
	*fr = frow{line: row.Line, id: row.CustomerID, date: row.Date, units: row.Units, kind: row.Kind, cat: row.Category,
		key: orderKey(row.OrderID, row.Date)}
	a, ok1 := toFixed(row.Amount)
	c, ok2 := int64(0), true
	if row.Cost.Valid {
		c, ok2 = toFixed(row.Cost.Decimal)
		fr.hasCost = true
	}
	d, ok3 := int64(0), true
	if row.Discount.Valid {
		d, ok3 = toFixed(row.Discount.Decimal)
		fr.hasDisc = true
	}
	fr.amount, fr.cost, fr.disc = a, c, d
	if ok1 && ok2 && ok3 {
		return w.addFixed(fr, h, nil)
	}
	if wideTier {
		var ok bool
		if fr.wm.amount, fr.wm.ea, ok = w.wideField(r, w.lay.col.amount, row.Amount); ok && row.Cost.Valid {
			fr.wm.cost, fr.wm.ec, ok = w.wideField(r, w.lay.col.cost, row.Cost.Decimal)
		}
		if ok && row.Discount.Valid {
			fr.wm.disc, fr.wm.ed, ok = w.wideField(r, w.lay.col.disc, row.Discount.Decimal)
		}
		fr.wide = ok
	}
	return w.addFixed(fr, h, row)
}

// wideField returns d, the value of field i of r, in the wide tier (see
// toWide): read again from the text by parseWide, which reads what
// ParseAmount reads without allocating, when it can.
func (w *worker) wideField(r *record, i int, d decimal.Decimal) (i128, int8, bool) {
	if i >= 0 && i < len(r.fields) {
		if v, e, ok := parseWide(trim(r.fields[i])); ok {
			return v, e, true
		}
	}
	return toWide(d)
}

// minDate is the first day of customer.MinRecordYear: AddSale rejects a
// row dated before it (0001-01-01, the day of the zero time.Time, as a
// missing time, and the rest as out of range).
var minDate = customer.DateFromYMD(customer.MinRecordYear, time.January, 1)

// toFixed returns d in units of 10⁻⁴ when it has at most four decimals
// and fits the fast path's range.
func toFixed(d decimal.Decimal) (int64, bool) {
	if d.Sign() == 0 {
		return 0, true
	}
	e := int(d.Exponent()) + fixScale
	if e < 0 || e > 18 || d.NumDigits() > 18 {
		return 0, false
	}
	c := d.CoefficientInt64()
	lim := int64(1e18)
	for i := 0; i < e; i++ {
		if c > lim/10 || c < -lim/10 {
			return 0, false
		}
		c *= 10
	}
	if c >= lim || c <= -lim {
		return 0, false
	}
	return c, true
}

// addFixed adds fr: the checks of add after the currency, then the money.
// row, when not nil, is the exact row, whose amounts do not fit fr.
func (w *worker) addFixed(fr *frow, h uint64, row *Row) *RowError {
	if fr.date > w.o.AsOf {
		w.later++
		return nil
	}
	sh := w.sh
	ix := w.lastIx
	if ix < 0 {
		if h == 0 {
			h = maphash.String(w.seed, fr.id)
		}
		ix = sh.lookup(fr.id, h)
	}
	if ix >= 0 {
		// The kind of a customer is the one its rows state, the default
		// only while none does (account.add).
		r := sh.rec(ix)
		if fr.kind != 0 && r.stated && fr.kind != r.kind {
			re := valueError(w.name, fr.line, ColKind, fr.kind.String(), fmt.Sprintf("customer %q is %s on earlier rows", fr.id, r.kind))
			re.Kind = kindEarlier
			return re
		}
	}
	sign := 0
	switch {
	case row != nil:
		sign = row.Amount.Sign()
	case fr.wide:
		sign = fr.wm.amount.sign()
	case fr.amount > 0:
		sign = 1
	case fr.amount < 0:
		sign = -1
	}
	units := fr.units
	exchange := sign == 0 && units < 0
	if exchange {
		units = 0
	}
	// The size of a discount counts, whatever its sign
	// (customer.Sale.Discount); the exact path (row) takes it as written.
	if fr.disc < 0 {
		fr.disc = -fr.disc
	}
	if fr.wide && fr.wm.disc.sign() < 0 {
		fr.wm.disc = fr.wm.disc.neg()
	}
	// A negative cost on a sale is AddSale's error.
	costNeg := fr.hasCost && fr.cost < 0
	switch {
	case row != nil:
		costNeg = row.Cost.Valid && row.Cost.Decimal.Sign() < 0
	case fr.wide:
		costNeg = fr.hasCost && fr.wm.cost.sign() < 0
	}
	if (sign > 0 && units < 0) || (sign < 0 && units > 0) || (sign >= 0 && !exchange && costNeg) || fr.date < minDate {
		// The exact error, from AddSale on an empty summary.
		k := fr.kind
		if k == 0 {
			k = customer.Consumer
		}
		a := account{s: *customer.NewSummary(customer.ID(fr.id), k, w.o.AsOf.Time(), nil)}
		return a.add(w.exact(fr, row), fr.key, w.cur, fr.cat, w.name)
	}
	if ix < 0 {
		k := fr.kind
		if k == 0 {
			k = w.o.Kind
		}
		ix = sh.insert(fr.id, h, k, fr.kind != 0)
	}
	w.lastIx = ix
	if row == nil && !fr.wide && sh.addFixed(ix, fr, sign, units, exchange) {
		w.added(ix, fr, sign, units, exchange)
		return nil
	}
	if wideTier && (row == nil || fr.wide) {
		m := &fr.wm
		if !fr.wide {
			// A row of fixed amounts: the decimal path adds them with
			// exponent −fixScale (exact).
			*m = wrow{amount: mulPow10(fr.amount, wideScale-fixScale), cost: mulPow10(fr.cost, wideScale-fixScale),
				disc: mulPow10(fr.disc, wideScale-fixScale), ea: -fixScale, ec: -fixScale, ed: -fixScale}
		}
		if sh.addWide(ix, fr, m, sign, units, exchange) {
			w.added(ix, fr, sign, units, exchange)
			return nil
		}
	}
	a := sh.account(ix, w.cur)
	cat := ""
	if fr.cat != "" {
		cat = sh.cats[sh.category(fr.cat)]
	}
	before := a.orders.get(fr.key)
	re := a.add(w.exact(fr, row), fr.key, w.cur, cat, w.name)
	if re == nil {
		w.added(ix, fr, sign, units, exchange)
		if sh.keepEarly && !exchange {
			after := a.orders.get(fr.key)
			sh.crossEarly(fr.date, orderChange{target: after.Day, moved: before.Seen && before.Day != after.Day, from: before.Day})
		}
	}
	return re
}

// added records that row fr of customer ix was added, with the sign,
// units and exchange addFixed found: the kind it states, and its part in
// the state as of Options.Earlier when that is kept.
func (w *worker) added(ix int32, fr *frow, sign, units int, exchange bool) {
	sh := w.sh
	sh.state(ix, fr.kind)
	if sh.keepEarly {
		sh.addEarly(ix, fr.date, fr.kind, sign, units, exchange, fr.units)
	}
}

// exact returns the Row of fr (row itself when given).
func (w *worker) exact(fr *frow, row *Row) *Row {
	if row != nil {
		return row
	}
	x := &w.row
	*x = Row{Line: fr.line, Row: salesrow.Row{CustomerID: fr.id, Date: fr.date, Amount: decimal.New(fr.amount, -fixScale),
		Units: fr.units, Currency: w.cur, Kind: fr.kind, Category: fr.cat}}
	if fr.hasCost {
		x.Cost = decimal.NewNullDecimal(decimal.New(fr.cost, -fixScale))
	}
	if fr.hasDisc {
		x.Discount = decimal.NewNullDecimal(decimal.New(fr.disc, -fixScale))
	}
	if fr.wide {
		// As written: the value and the exponent ParseAmount gives.
		x.Amount = wideDec(fr.wm.amount, int32(fr.wm.ea))
		if fr.hasCost {
			x.Cost = decimal.NewNullDecimal(wideDec(fr.wm.cost, int32(fr.wm.ec)))
		}
		if fr.hasDisc {
			x.Discount = decimal.NewNullDecimal(wideDec(fr.wm.disc, int32(fr.wm.ed)))
		}
	}
	return x
}
