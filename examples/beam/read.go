package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/rtrackers/offsetrange"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/internal/csvfault"
	"github.com/tailorcrm/tailor/internal/rowhint"
)

// readHeader finds the header of path, as crm does, and the columns in
// it with the rules of salesrow (those of the crm command). It returns the
// byte offset at which the data rows start, after the header line. Before
// the header, empty lines are passed over, and so is a first line "sep=,"
// (in any case, quoted or not), with which spreadsheets name the field
// separator; one naming another separator is an error. A byte order mark
// at the start of the file is passed over.
func readHeader(ctx context.Context, path string) (*salesrow.Layout, int64, error) {
	l, _, off, err := readHeaderNames(ctx, path)
	return l, off, err
}

// readHeaderNames is readHeader, and it returns the names of the
// header's fields too, trimmed of spaces but as written, with which crm
// names the column of a field that cannot be read (parser.Names).
func readHeaderNames(ctx context.Context, path string) (*salesrow.Layout, []string, int64, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, nil, 0, err
	}
	defer fs.Close()
	f, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, nil, 0, err
	}
	defer f.Close()
	rd := bufio.NewReader(f)
	var off int64
	first := true
	for n := 1; ; n++ {
		line, err := rd.ReadString('\n')
		if err != nil && (err != io.EOF || line == "") {
			if err == io.EOF {
				return nil, nil, 0, fmt.Errorf("%s: empty file (want a header row naming %s)", path, strings.Join(salesrow.RequiredColumns, ", "))
			}
			return nil, nil, 0, err
		}
		text := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if off == 0 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		off += int64(len(line))
		if text == "" {
			continue
		}
		h, perr := splitLine(text)
		if perr != nil {
			return nil, nil, 0, fmt.Errorf("%s:%d: header: %v", path, n, perr)
		}
		if first {
			first = false
			if sep, ok := salesrow.SeparatorLine(h); ok {
				if sep != "," {
					return nil, nil, 0, fmt.Errorf("%s:%d: the first line, %q, says the fields are separated by %q: the file must be comma-separated (save it as CSV with commas)",
						path, n, "sep="+sep, sep)
				}
				continue
			}
		}
		l, err := salesrow.NewLayout(h)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		names := make([]string, len(h))
		for i, f := range h {
			names[i] = strings.TrimSpace(f)
		}
		return l, names, off, nil
	}
}

// maxLineBytes is the longest line crm reads (its input.MaxLineBytes),
// without its line break: a longer line is a malformed row, whatever it
// holds, in crm and here.
const maxLineBytes = 1 << 20

// splitLine splits one physical line into its csv fields. A record must
// fit on one line: a quoted field holding a line break is reported as an
// unterminated quote. A line that encoding/csv cannot cut into fields is
// a *quoteError, which says where, as crm says it.
func splitLine(line string) ([]string, error) {
	r := csv.NewReader(strings.NewReader(line))
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err == io.EOF {
		return nil, nil
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		f := csvfault.Locate(line, pe)
		return nil, &quoteError{Field: f.Field, Text: f.Text, Reason: f.Reason}
	}
	return rec, err
}

// quoteError is a line that encoding/csv cannot cut into fields (a stray
// quote, a quote left open), as crm reports it: the index of the field in
// which encoding/csv found the fault, that field's text as written,
// quotes and all, and encoding/csv's reason, with crm's hint on a quote
// after spaces (csvfault.Locate).
type quoteError struct {
	Field  int
	Text   string
	Reason string
}

// Error returns the reason.
func (e *quoteError) Error() string { return e.Reason }

// blockSize is the size of the byte ranges a file is first split into.
const blockSize = 64 << 20

// linesFn is a splittable DoFn that emits every line of a file with the
// byte offset at which it starts, as textio.Read does for lines alone. The
// offset orders the rows as the file does, which is what makes the result
// independent of how the file was split: of the rows of one order, the
// first sale in the file counts the order.
type linesFn struct {
	// Block is the size of the byte ranges; blockSize when 0.
	Block int64
}

// CreateInitialRestriction is the whole file.
func (fn *linesFn) CreateInitialRestriction(file fileio.ReadableFile) offsetrange.Restriction {
	return offsetrange.Restriction{Start: 0, End: file.Metadata.Size}
}

// SplitRestriction splits a file into blocks of Block bytes (a last one
// of a quarter of that or less joins the one before).
func (fn *linesFn) SplitRestriction(_ fileio.ReadableFile, rest offsetrange.Restriction) []offsetrange.Restriction {
	block := fn.Block
	if block <= 0 {
		block = blockSize
	}
	splits := rest.SizedSplits(block)
	if n := len(splits); n > 1 && splits[n-1].End-splits[n-1].Start <= block/4 {
		splits[n-2].End = splits[n-1].End
		splits = splits[:n-1]
	}
	return splits
}

// RestrictionSize is the number of bytes of a restriction.
func (fn *linesFn) RestrictionSize(_ fileio.ReadableFile, rest offsetrange.Restriction) float64 {
	return rest.Size()
}

// CreateTracker tracks the byte offsets claimed.
func (fn *linesFn) CreateTracker(rest offsetrange.Restriction) *sdf.LockRTracker {
	return sdf.NewLockRTracker(offsetrange.NewTracker(rest))
}

// ProcessElement emits the lines that start within the restriction; the
// line break (LF or CRLF) is not part of a line, nor a run of Ctrl-Z
// (0x1A) that ends the file.
func (fn *linesFn) ProcessElement(ctx context.Context, rt *sdf.LockRTracker, file fileio.ReadableFile, emit func(int64, string)) error {
	fd, err := file.Open(ctx)
	if err != nil {
		return err
	}
	defer fd.Close()
	rd := bufio.NewReaderSize(fd, 1<<20)
	i := rt.GetRestriction().(offsetrange.Restriction).Start
	if i > 0 {
		// Skip to the first line that starts at or after i: discard up to
		// the byte before it and the rest of the line holding that byte.
		i--
		if _, err := rd.Discard(int(i)); err != nil {
			return fmt.Errorf("%s: seek to byte %d: %w", file.Metadata.Path, i, err)
		}
		line, err := rd.ReadString('\n')
		if err == io.EOF {
			rt.TryClaim(rt.GetRestriction().(offsetrange.Restriction).End)
			return nil
		}
		if err != nil {
			return err
		}
		i += int64(len(line))
	}
	for rt.TryClaim(i) {
		line, err := rd.ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		if err == io.EOF {
			// A Ctrl-Z or a run of them at the very end of the file, the
			// end-of-file mark of DOS text, carries no data, as in crm.
			line = strings.TrimRight(line, "\x1a")
		}
		if line != "" {
			emit(i, strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"))
		}
		if err == io.EOF {
			rt.TryClaim(rt.GetRestriction().(offsetrange.Restriction).End)
			return nil
		}
		i += int64(len(line))
	}
	return nil
}

// row is one parsed data row, in plain fields so that it travels with
// Beam's default (schema) coder.
type row struct {
	// Offset is the byte offset of the row in the file.
	Offset int64
	// Date is the day of the row (customer.Date).
	Date int32
	// Order is the order key: the order_id, or the day when there is none.
	Order string
	// Amount, Cost and Discount are decimal numbers as written; Cost and
	// Discount are empty when not given.
	Amount, Cost, Discount string
	Units                  int64
	// Currency is the row's currency, the default when it names none;
	// CurrencyGiven says the row names it.
	Currency      string
	CurrencyGiven bool
	// Kind is the customer.Kind of the row, 0 when not given.
	Kind     uint8
	Category string
}

// rowError is a malformed row: the file, the byte offset of the row, the
// column and the reason.
type rowError struct {
	File   string
	Offset int64
	Column string
	Value  string
	// HasValue says Value is shown (it may be empty).
	HasValue bool
	Reason   string
}

// Error returns `orders.csv, byte 1234: amount "12x": not a decimal
// number`, the value shown as crm shows it (salesrow.FieldError: a long
// one shortened).
func (e *rowError) Error() string {
	fe := salesrow.FieldError{Column: e.Column, Value: e.Value, HasValue: e.HasValue, Reason: e.Reason}
	return fmt.Sprintf("%s, byte %d: %s", e.File, e.Offset, fe.Error())
}

// parser turns lines into rows, with the rules of salesrow.
type parser struct {
	File     string
	Cols     salesrow.Layout
	Currency string // of rows without a currency
	// Names are the names of the header's fields, trimmed, as written,
	// which name the column of a field that cannot be read (a stray
	// quote), as crm names it; Cols.Header when nil.
	Names []string
	// Only, when not empty, is the one currency read (-only-currency): a
	// row in another is left out (otherRow), whatever else it holds.
	Only string
}

// lineKind is what parse finds a line to be: a data row, or a line that
// carries no data, which the caller passes over and counts.
type lineKind uint8

const (
	// dataRow is a row of the export.
	dataRow lineKind = iota
	// blankRow is an empty line, or a row whose every field is empty
	// (salesrow.Blank), of any number of fields.
	blankRow
	// headerRow is a row that repeats the header
	// (salesrow.Layout.RepeatsHeader), as two exports put one after the
	// other have.
	headerRow
	// otherRow is a row in another currency than parser.Only (its own,
	// or the default when it names none), left out, whatever else it
	// holds, and counted by currency (row.Currency).
	otherRow
)

// parse parses the line at offset off into a customer ID and a row. It
// returns a kind other than dataRow, and no error, for a line that
// carries no data: a blank row, or the header again; and, with Only, for
// a row in another currency, whose currency alone r holds. As crm reads
// such a file, the currency is read first: a row in another currency is
// left out whether or not it parses, but one whose currency is unknown
// (a field that is no ISO 4217 code, the wrong number of fields, a line
// that cannot be cut into fields) is malformed as without Only, and a
// blank row and the header again are passed over as always.
func (p *parser) parse(off int64, line string) (id string, r row, kind lineKind, err error) {
	if len(line) > maxLineBytes {
		return "", r, dataRow, &rowError{File: p.File, Offset: off, Reason: fmt.Sprintf("line longer than %d bytes", maxLineBytes)}
	}
	rec, perr := splitLine(line)
	if perr != nil {
		re := &rowError{File: p.File, Offset: off, Reason: perr.Error()}
		names := p.Names
		if names == nil {
			names = p.Cols.Header
		}
		// The column of the field at fault, when the header has one.
		var qe *quoteError
		if errors.As(perr, &qe) && qe.Field < len(names) {
			re.Column, re.Value, re.HasValue = names[qe.Field], qe.Text, true
		}
		return "", r, dataRow, re
	}
	if len(rec) == 0 {
		return "", r, blankRow, nil
	}
	var sr salesrow.Row
	if fe := p.Cols.Parse(rec, &sr); fe != nil {
		// A blank row fails as a row of the wrong width or without a
		// customer_id, and the header again on its date: only then are
		// they asked for.
		if salesrow.Blank(rec) {
			return "", r, blankRow, nil
		}
		if p.Cols.RepeatsHeader(rec) {
			return "", r, headerRow, nil
		}
		if p.Only != "" && len(rec) == p.Cols.Fields {
			field := ""
			if p.Cols.Currency >= 0 {
				field = rec[p.Cols.Currency]
			}
			if cur, other := p.otherCurrency(field); other {
				return "", row{Offset: off, Currency: cur}, otherRow, nil
			}
		}
		return "", r, dataRow, fieldError(p.File, off, fe)
	}
	if p.Only != "" {
		if cur := string(sr.Currency); cur != p.Only && (cur != "" || p.Currency != p.Only) {
			if cur == "" {
				cur = p.Currency
			}
			return "", row{Offset: off, Currency: cur}, otherRow, nil
		}
	}
	r = row{Offset: off, Date: int32(sr.Date), Units: int64(sr.Units), Currency: p.Currency,
		Kind: uint8(sr.Kind), Category: sr.Category}
	// The amounts as written, which parse to those of sr.
	r.Amount = strings.TrimSpace(rec[p.Cols.Amount])
	if sr.Cost.Valid {
		r.Cost = strings.TrimSpace(rec[p.Cols.Cost])
	}
	if sr.Discount.Valid {
		r.Discount = strings.TrimSpace(rec[p.Cols.Discount])
	}
	if sr.Currency != "" {
		r.Currency, r.CurrencyGiven = string(sr.Currency), true
	}
	if sr.OrderID != "" {
		r.Order = "o" + sr.OrderID
	} else {
		r.Order = "d" + strconv.Itoa(int(r.Date))
	}
	return sr.CustomerID, r, dataRow, nil
}

// otherCurrency reads s, the currency field of a row that does not
// parse ("" when the file has none), as salesrow does (trimmed, in any
// case; the default when empty): it returns the currency and true when
// that is a code other than Only. A field that is no code is no other
// currency: the row is malformed.
func (p *parser) otherCurrency(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return p.Currency, p.Currency != p.Only
	}
	c, err := customer.ParseCurrency(strings.ToUpper(s))
	if err != nil || string(c) == p.Only {
		return "", false
	}
	return string(c), true
}

// fieldError places a salesrow.FieldError at byte off of file; an
// amount, a cost, a discount or a date written for people gets crm's
// hint (rowhint.Field).
func fieldError(file string, off int64, fe *salesrow.FieldError) *rowError {
	return &rowError{File: file, Offset: off, Column: fe.Column, Value: fe.Value, HasValue: fe.HasValue,
		Reason: rowhint.Field(fe.Column, fe.Reason, fe.Value)}
}

// ymd parses YYYY-MM-DD strictly (digits only, a real calendar day).
func ymd(s string) (customer.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(t string) (int, bool) {
		n := 0
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return 0, false
			}
			n = n*10 + int(t[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[0:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 ||
		d > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, false
	}
	return customer.DateFromYMD(y, time.Month(m), d), true
}

// parseDay parses a YYYY-MM-DD day given on the command line.
func parseDay(s string) (customer.Date, error) {
	if d, ok := ymd(s); ok {
		return d, nil
	}
	return 0, fmt.Errorf("date %q: want YYYY-MM-DD", s)
}
