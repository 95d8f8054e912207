package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/tailorcrm/tailor/customer/salesrow"
)

// maxReported is the number of malformed rows whose errors a run keeps:
// the first in file order, as crm's -skip-invalid lists them.
const maxReported = 10

// What a line of the file is, for the read statistics.
const (
	// lineData is a data row that parses (lineInfo.Currency is its
	// currency).
	lineData uint8 = iota
	// lineBlank is a blank row or an empty line.
	lineBlank
	// lineHeader is a row that repeats the header.
	lineHeader
	// lineBad is a row that does not parse (lineInfo.Err).
	lineBad
	// lineRejected is a row that parses but that its customer's summary
	// refuses (lineInfo.Err): a kind that changes, a cost or quantity
	// against the amount.
	lineRejected
	// lineOther is a row in another currency than -only-currency's
	// (lineInfo.Currency), left out.
	lineOther
)

// lineInfo is what the read statistics learn of one line: what it is,
// and for a data row its byte offset, its currency, whether the row names
// it (Given) or takes the default, and whether it is dated after the
// as-of day.
type lineInfo struct {
	Kind     uint8
	Offset   int64
	Currency string
	Given    bool
	Later    bool
	Err      rowError
}

// currencyRow is a data row in some currency: its byte offset and whether
// it names the currency.
type currencyRow struct {
	Offset int64
	Given  bool
}

// currencyUse is what the read statistics keep of one currency: the
// number of data rows in it, of those dated after the as-of day, and the
// first maxReported rows in it, in file order.
type currencyUse struct {
	Code  string
	Rows  int64
	Later int64
	First []currencyRow
}

// readStats are the statistics of a read: the counts of the lines that
// carry no data, of the malformed rows, with the errors of the first
// maxReported in file order, the currencies of the data rows, and the rows
// left out for their currency (-only-currency). They are a sum, a set and
// a bounded list of the smallest offsets, so they merge exactly in any
// order (readStatsFn): what they report does not depend on how the file
// was split or on which worker met which row first. The file's currency is
// that of its first data row, as crm takes it, and a row in another
// currency is malformed; with -only-currency the data rows are all in that
// one (the parser leaves the others out).
type readStats struct {
	Blank, Headers int64
	// Bad counts the rows that do not parse, Rejected those that the
	// summaries refuse.
	Bad, Rejected int64
	// Errors are the first maxReported errors of bad and rejected rows,
	// by offset.
	Errors []rowError
	// Currencies are the currencies of the data rows, sorted by code.
	Currencies []currencyUse
	// Others count the rows left out for their currency
	// (-only-currency), sorted by code.
	Others []currencyRows
}

// currencyRows is the number of rows in one currency left out for it
// (-only-currency).
type currencyRows struct {
	Code string
	Rows int64
}

// add adds one line. It changes r's slices in place: an accumulator owns
// them (merge makes new ones).
func (r *readStats) add(li *lineInfo) {
	switch li.Kind {
	case lineBlank:
		r.Blank++
	case lineHeader:
		r.Headers++
	case lineBad, lineRejected:
		if li.Kind == lineBad {
			r.Bad++
		} else {
			r.Rejected++
		}
		r.Errors = insertFirst(r.Errors, li.Err, func(e *rowError) int64 { return e.Offset })
	case lineData:
		i, found := slices.BinarySearchFunc(r.Currencies, li.Currency, func(c currencyUse, code string) int { return strings.Compare(c.Code, code) })
		if !found {
			r.Currencies = slices.Insert(r.Currencies, i, currencyUse{Code: li.Currency})
		}
		c := &r.Currencies[i]
		c.Rows++
		if li.Later {
			c.Later++
		}
		c.First = insertFirst(c.First, currencyRow{Offset: li.Offset, Given: li.Given}, func(cr *currencyRow) int64 { return cr.Offset })
	case lineOther:
		i, found := slices.BinarySearchFunc(r.Others, li.Currency, func(c currencyRows, code string) int { return strings.Compare(c.Code, code) })
		if !found {
			r.Others = slices.Insert(r.Others, i, currencyRows{Code: li.Currency})
		}
		r.Others[i].Rows++
	}
}

// insertFirst inserts v into list, sorted by offset, if it is among the
// first maxReported.
func insertFirst[T any](list []T, v T, offset func(*T) int64) []T {
	off := offset(&v)
	if len(list) == maxReported && off >= offset(&list[len(list)-1]) {
		return list
	}
	i, _ := slices.BinarySearchFunc(list, off, func(x T, o int64) int { return cmp.Compare(offset(&x), o) })
	list = slices.Insert(list, i, v)
	return list[:min(len(list), maxReported)]
}

// merge adds the statistics o of another shard.
func (r *readStats) merge(o *readStats) {
	r.Blank += o.Blank
	r.Headers += o.Headers
	r.Bad += o.Bad
	r.Rejected += o.Rejected
	r.Errors = firstErrors(r.Errors, o.Errors)
	r.Currencies = mergeCurrencies(r.Currencies, o.Currencies)
	r.Others = mergeOthers(r.Others, o.Others)
}

// mergeOthers adds two sorted lists of counts by currency into a new
// one.
func mergeOthers(a, b []currencyRows) []currencyRows {
	return mergeByCode(a, b, func(c currencyRows) string { return c.Code }, func(x, y currencyRows) currencyRows {
		return currencyRows{Code: x.Code, Rows: x.Rows + y.Rows}
	})
}

// mergeByCode merges a and b, each sorted by code with no code twice,
// into a new slice sorted by code, where both makes one entry of the two
// of a code that both hold.
func mergeByCode[T any](a, b []T, code func(T) string, both func(x, y T) T) []T {
	out := make([]T, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && code(a[i]) < code(b[j]):
			out = append(out, a[i])
			i++
		case i == len(a) || code(b[j]) < code(a[i]):
			out = append(out, b[j])
			j++
		default:
			out = append(out, both(a[i], b[j]))
			i++
			j++
		}
	}
	return out
}

// others returns the counts of the rows left out for their currency,
// most rows first, then by code, as crm lists them; nil when there is
// none.
func (r *readStats) others() []currencyRows {
	if len(r.Others) == 0 {
		return nil
	}
	out := slices.Clone(r.Others)
	slices.SortStableFunc(out, func(a, b currencyRows) int { return cmp.Compare(b.Rows, a.Rows) })
	return out
}

// firstErrors returns the first maxReported of the errors of a and b by
// offset, in a new slice.
func firstErrors(a, b []rowError) []rowError {
	out := make([]rowError, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.SortFunc(out, func(x, y rowError) int { return cmp.Compare(x.Offset, y.Offset) })
	return out[:min(len(out), maxReported)]
}

// mergeCurrencies unites two sorted lists of currencies into a new one.
func mergeCurrencies(a, b []currencyUse) []currencyUse {
	return mergeByCode(a, b, func(c currencyUse) string { return c.Code }, func(x, y currencyUse) currencyUse {
		first := append(append([]currencyRow{}, x.First...), y.First...)
		slices.SortFunc(first, func(p, q currencyRow) int { return cmp.Compare(p.Offset, q.Offset) })
		return currencyUse{Code: x.Code, Rows: x.Rows + y.Rows, Later: x.Later + y.Later,
			First: first[:min(len(first), maxReported)]}
	})
}

// fileCurrency returns the index in Currencies of the file's currency,
// that of its first data row; -1 when there is no data row.
func (r *readStats) fileCurrency() int {
	k := -1
	for i := range r.Currencies {
		if k < 0 || r.Currencies[i].First[0].Offset < r.Currencies[k].First[0].Offset {
			k = i
		}
	}
	return k
}

// currency returns the file's currency, "" when there is no data row.
func (r *readStats) currency() string {
	if k := r.fileCurrency(); k >= 0 {
		return r.Currencies[k].Code
	}
	return ""
}

// rows returns the number of data rows read, malformed or not, those
// left out for their currency included, as crm counts them.
func (r *readStats) rows() int64 {
	n := r.Bad
	for _, c := range r.Currencies {
		n += c.Rows
	}
	for _, c := range r.Others {
		n += c.Rows
	}
	return n
}

// later returns the number of rows dated after the as-of day in the
// file's currency (the others are malformed).
func (r *readStats) later() int64 {
	if k := r.fileCurrency(); k >= 0 {
		return r.Currencies[k].Later
	}
	return 0
}

// problems returns the number of malformed rows and the errors of the
// first maxReported of them in file order: the rows that do not parse,
// those the summaries refuse, and those in another currency than the
// file's, refused with the words of crm (currencyError of its input
// package), which say how to read such a file: one currency at a time,
// with -only-currency.
func (r *readStats) problems(file, defaultCurrency string) (int64, []rowError) {
	n := r.Bad + r.Rejected
	errs := slices.Clone(r.Errors)
	k := r.fileCurrency()
	for i, c := range r.Currencies {
		if i == k {
			continue
		}
		n += c.Rows
		fc := r.Currencies[k].Code
		each := fmt.Sprintf("analyse one at a time with -only-currency %s or -only-currency %s", fc, c.Code)
		for _, cr := range c.First {
			e := rowError{File: file, Offset: cr.Offset, Column: salesrow.ColCurrency, Value: c.Code, HasValue: true,
				Reason: fmt.Sprintf("the file is in %s, and one file holds one currency: %s", fc, each)}
			if !cr.Given {
				e.Value = ""
				e.Reason = fmt.Sprintf("empty, so %s (the default); the file is in %s, and one file holds one currency (-currency %s makes %s the default; or %s)",
					defaultCurrency, fc, fc, fc, each)
			}
			errs = append(errs, e)
		}
	}
	return n, firstErrors(errs, nil)
}

// noRows is the error of a file without data rows, in crm's words.
func (r *readStats) noRows(file string) error {
	if r.Blank == 0 && r.Headers == 0 {
		return fmt.Errorf("%s: no data rows (only a header, or nothing)", file)
	}
	parts := []string{"a header"}
	if r.Blank > 0 {
		parts = append(parts, counted(r.Blank, "blank row"))
	}
	if r.Headers > 0 {
		parts = append(parts, counted(r.Headers, "repeated header row"))
	}
	last := len(parts) - 1
	return fmt.Errorf("%s: no data rows (only %s and %s)", file, strings.Join(parts[:last], ", "), parts[last])
}

// readStatsFn combines the lines into the read statistics.
type readStatsFn struct{}

// CreateAccumulator returns empty statistics.
func (*readStatsFn) CreateAccumulator() readStats { return readStats{} }

// AddInput adds one line.
func (*readStatsFn) AddInput(r readStats, li lineInfo) readStats {
	r.add(&li)
	return r
}

// MergeAccumulators merges two shards' statistics.
func (*readStatsFn) MergeAccumulators(a, b readStats) readStats {
	a.merge(&b)
	return a
}

// ExtractOutput returns the statistics.
func (*readStatsFn) ExtractOutput(r readStats) readStats { return r }

// readSide returns the read statistics of a side input, merged (there is
// one value, or none when the file has no line).
func readSide(next func(*readStats) bool) readStats {
	var all, r readStats
	for next(&r) {
		all.merge(&r)
		r = readStats{}
	}
	return all
}
