package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/internal/csvfault"
	"github.com/tailorcrm/tailor/internal/csvrecord"
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
// names the column of a field that cannot be read (parser.Names). The
// header is read as crm reads it, as a csv record (csvrecord): a quoted
// name may hold a line break, and a line or a record longer than the
// limit is an error.
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
	w := &window{open: func(int64) (io.ReadCloser, error) { return io.NopCloser(f), nil }, limit: maxLineBytes, chunk: 64 << 10}
	if err := w.seek(0); err != nil {
		return nil, nil, 0, err
	}
	if err := w.reach(3); err != nil {
		return nil, nil, 0, err
	}
	var off int64
	if bytes.HasPrefix(w.buf, []byte("\ufeff")) {
		off = 3
	}
	first := true
	for n := 1; ; {
		done, err := w.atEnd(off)
		if err != nil {
			return nil, nil, 0, err
		}
		if done {
			return nil, nil, 0, fmt.Errorf("%s: empty file (want a header row naming %s)", path, strings.Join(salesrow.RequiredColumns, ", "))
		}
		end, scanned, open, err := w.scan(off)
		if err != nil {
			return nil, nil, 0, err
		}
		rec := w.buf[off:end]
		text := recordText(w.buf[off:scanned])
		line := n
		n += bytes.Count(rec, []byte{'\n'})
		off = end
		if l := firstLine(text); len(l) > maxLineBytes {
			return nil, nil, 0, fmt.Errorf("%s:%d: header: line longer than %d bytes", path, line, maxLineBytes)
		}
		if text == "" {
			continue
		}
		if open >= 0 {
			return nil, nil, 0, fmt.Errorf("%s:%d: header: %s", path, line, tooLongReason)
		}
		h, perr := splitLine(text)
		if perr != nil {
			return nil, nil, 0, fmt.Errorf("%s:%d: header: %v", path, line, perr)
		}
		if first {
			first = false
			if sep, ok := salesrow.SeparatorLine(h); ok {
				if sep != "," {
					return nil, nil, 0, fmt.Errorf("%s:%d: the first line, %q, says the fields are separated by %q: the file must be comma-separated (save it as CSV with commas)",
						path, line, "sep="+sep, sep)
				}
				continue
			}
		}
		l, err := salesrow.NewLayout(h)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		names := make([]string, len(h))
		for i, f := range h {
			names[i] = strings.TrimSpace(f)
		}
		return l, names, off, nil
	}
}

// firstLine returns the first line of a record's text, without its line
// break.
func firstLine(text string) string {
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		return strings.TrimSuffix(text[:i], "\r")
	}
	return text
}

// maxLineBytes is the longest line crm reads (csvrecord.MaxLineBytes),
// without its line break: a longer line is a malformed row, whatever it
// holds, in crm and here. It bounds a record that spans lines too.
const maxLineBytes = csvrecord.MaxLineBytes

// tooLongReason is crm's reason for a record whose quoted field is still
// open maxLineBytes bytes after its start (csvrecord.Scan).
var tooLongReason = fmt.Sprintf("record longer than %d bytes: its quoted field is still open there (a quote missing, or a field that long)", maxLineBytes)

// splitLine splits the text of one csv record into its fields: a quoted
// field may hold line breaks. A record that encoding/csv cannot cut into
// fields is a *quoteError, which says where, as crm says it.
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

// parser turns records into rows, with the rules of salesrow.
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

// parseRecord parses the record at offset off (parse); a record longer
// than the limit is malformed, reported as crm reports it, naming the
// column of its field still open there.
func (p *parser) parseRecord(off int64, rec csvRecord) (id string, r row, kind lineKind, err error) {
	if rec.Long == 0 || len(firstLine(rec.Text)) > maxLineBytes {
		return p.parse(off, rec.Text)
	}
	re := &rowError{File: p.File, Offset: off, Reason: tooLongReason}
	if names := p.names(); rec.Long-1 < len(names) {
		re.Column = names[rec.Long-1]
	}
	return "", r, dataRow, re
}

// names are the names of the header's fields (Names, or Cols.Header).
func (p *parser) names() []string {
	if p.Names == nil {
		return p.Cols.Header
	}
	return p.Names
}

// parse parses the record at offset off, whose text is line (which may
// span lines), into a customer ID and a row. It returns a kind other
// than dataRow, and no error, for a line that carries no data: a blank row, or the header again; and, with Only, for
// a row in another currency, whose currency alone r holds. As crm reads
// such a file, the currency is read first: a row in another currency is
// left out whether or not it parses, but one whose currency is unknown
// (a field that is no ISO 4217 code, the wrong number of fields, a line
// that cannot be cut into fields) is malformed as without Only, and a
// blank row and the header again are passed over as always.
func (p *parser) parse(off int64, line string) (id string, r row, kind lineKind, err error) {
	if len(firstLine(line)) > maxLineBytes {
		return "", r, dataRow, &rowError{File: p.File, Offset: off, Reason: fmt.Sprintf("line longer than %d bytes", maxLineBytes)}
	}
	rec, perr := splitLine(line)
	if perr != nil {
		re := &rowError{File: p.File, Offset: off, Reason: perr.Error()}
		names := p.names()
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
