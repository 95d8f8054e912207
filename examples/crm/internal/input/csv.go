package input

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// Column names of the csv format (salesrow's).
const (
	ColCustomerID = salesrow.ColCustomerID
	ColDate       = salesrow.ColDate
	ColAmount     = salesrow.ColAmount
	ColOrderID    = salesrow.ColOrderID
	ColQuantity   = salesrow.ColQuantity
	ColCost       = salesrow.ColCost
	ColDiscount   = salesrow.ColDiscount
	ColCurrency   = salesrow.ColCurrency
	ColKind       = salesrow.ColKind
	ColCategory   = salesrow.ColCategory
)

// CSVReader reads the csv format. It cuts the input into records as
// [ScanCSV] does (csvrecord.Scan) and reads each with the rules of salesrow.
// It passes over the blank rows and empty lines that follow the header,
// and counts them ([CSVReader.Blank]), and so the rows that repeat the
// header ([CSVReader.Headers]).
type CSVReader struct {
	name string
	sp   *splitter
	w    walker
	cur  cursor
	rec  record
	layout
	row     Row
	blank   int64 // blank rows passed over; the walker counts empty lines
	headers int64 // repeated header rows passed over
	// misnamed are the header's columns named as an optional column in
	// another style, which are not read.
	misnamed []Misnamed
	// only, when set (filterCurrency), is the one currency read: a
	// malformed row in another (def when it names none) is passed over
	// and counted in others.
	only, def customer.Currency
	others    *currencyCounts
}

// filterCurrency makes Read pass over the rows in another currency than
// only (def for those that name none) that it would report malformed,
// counting them in others (see currencyFilter).
func (c *CSVReader) filterCurrency(only, def customer.Currency, others *currencyCounts) {
	c.only, c.def, c.others = only, def, others
}

// NewCSVReader reads the header of r, named name in errors. An empty
// file, a header missing a required column or naming a column twice is
// an error.
func NewCSVReader(r io.Reader, name string) (*CSVReader, error) {
	return newCSVReader(skipBOM(r, name), name)
}

// newCSVReader is NewCSVReader on a reader whose byte order mark, if any,
// is skipped already.
func newCSVReader(r io.Reader, name string) (*CSVReader, error) {
	sp := &splitter{r: r, name: name, line: 1}
	c := &CSVReader{name: name, sp: sp}
	c.w.name = name
	c.cur = newCursor(sp.next())
	for first := true; ; first = false {
		re, err := c.next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: empty file (want a header row naming %s)", name, strings.Join(salesrow.RequiredColumns, ", "))
		}
		if err != nil {
			return nil, err
		}
		if re != nil {
			return nil, fmt.Errorf("%s:%d: header: %s", name, re.Line, re.Reason)
		}
		if c.rec.fields == nil {
			c.w.split(&c.rec, 0)
		}
		sep, ok := salesrow.SeparatorLine(c.rec.fields)
		if !first || !ok {
			break
		}
		if sep != "," {
			return nil, fmt.Errorf("%s:%d: the first line, %q, says the fields are separated by %q: the file must be comma-separated (save it as CSV with commas)",
				name, c.rec.line, "sep="+sep, sep)
		}
	}
	if midCR(strings.Join(c.rec.fields, ",")) {
		return nil, fmt.Errorf("%s:%d: the header holds %s", name, c.rec.line, crOnly)
	}
	l, err := salesrow.NewLayout(c.rec.fields)
	if err != nil {
		if h := exportHints(c.rec.fields) + controlHints(c.rec.fields) + cdnowHint(c.rec.fields); h != "" {
			err = &hinted{err: err, hint: h}
		}
		return nil, fmt.Errorf("%s:%d: %w", name, c.rec.line, err)
	}
	c.layout = newLayout(l)
	c.misnamed = misnamed(c.rec.fields, l)
	c.w.empty = 0 // empty lines before the header are no rows
	// Records over several lines are checked against the header's
	// number of fields from now on (recordScan): what follows the header
	// in the first block is cut again, unless the block ends the input.
	c.w.width, sp.width = l.Fields, l.Fields
	c.w.header = make([]string, len(c.rec.fields))
	for i, f := range c.rec.fields {
		c.w.header[i] = strings.Clone(strings.TrimSpace(f))
	}
	sp.header = c.w.header
	if ch := c.cur.c; !ch.plain && !ch.last && ch.skip == nil {
		sp.buf = append(ch.data[c.cur.pos:len(ch.data):len(ch.data)], sp.buf...)
		sp.line = c.cur.line
		c.cur = newCursor(sp.next())
	}
	return c, nil
}

// controlHints returns the hints, "; field 3, …", for the fields of a
// header row that salesrow.NewLayout refused which hold a control
// character (a NUL byte, a line break within quotes): such a name is
// no column's, though it reads as one. A tab is none: it separates the
// names of a tab-separated file, which salesrow's error names. It runs
// on the error path only.
func controlHints(header []string) string {
	var b strings.Builder
	for i, f := range header {
		f = strings.TrimSpace(f)
		if j := strings.IndexFunc(f, isControlNotTab); j >= 0 {
			r, _ := utf8.DecodeRuneInString(f[j:])
			fmt.Fprintf(&b, "; field %d, %q, holds a control character (%U), which no column name has", i+1, f, r)
		}
	}
	return b.String()
}

// cdnowHint returns the hint "; the line reads as a row of the CDNOW
// format: …" when header, the fields of the first line of a file read as
// csv that salesrow.NewLayout refused, is one field that [CDNOWReader]
// reads as a row: the file is most likely in that format, read with the
// wrong -format. It runs on the error path only.
func cdnowHint(header []string) string {
	if len(header) != 1 {
		return ""
	}
	if _, err := NewCDNOWReader(strings.NewReader(header[0]), "").Read(); err != nil {
		return ""
	}
	return "; the line reads as a row of the CDNOW format, its fields separated by white space: such a file is read with -format cdnow"
}

// isControlNotTab reports whether r is a control character other than
// a tab.
func isControlNotTab(r rune) bool { return r != '\t' && unicode.IsControl(r) }

// hinted is an error of the header with hints (exportHints,
// controlHints) added to the hints salesrow.NewLayout ends its message
// with, in its parentheses.
type hinted struct {
	err  error
	hint string
}

// Error returns the message of the error with the hint added.
func (h *hinted) Error() string {
	msg := h.err.Error()
	if strings.HasSuffix(msg, ")") {
		return msg[:len(msg)-1] + h.hint + ")"
	}
	return msg + h.hint
}

// Unwrap returns the error of salesrow.
func (h *hinted) Unwrap() error { return h.err }

// next reads the next record into c.rec: a *RowError for a malformed
// one, io.EOF after the last, or the error that ends the input.
func (c *CSVReader) next() (*RowError, error) {
	for {
		re, ok := c.w.next(&c.cur, &c.rec)
		if ok {
			return re, nil
		}
		ch := c.cur.c
		switch {
		case ch.err != nil:
			return nil, ch.err
		case ch.last:
			return nil, io.EOF
		}
		// The rows read keep pointing into the chunk: it is not recycled.
		c.cur = newCursor(c.sp.next())
	}
}

// rest returns what is left of the input after the records read, as the
// first chunk for ScanCSV, and the splitter that reads the rest.
func (c *CSVReader) rest() (*chunk, *splitter) {
	ch := c.cur.c
	data := ch.data[c.cur.pos:]
	r := &chunk{data: data, line: c.cur.line, last: ch.last, plain: bytes.IndexByte(data, '"') < 0,
		err: ch.err, errLine: ch.errLine}
	if !c.cur.skipped {
		r.skip = ch.skip
	}
	return r, c.sp
}

// Offset returns the bytes consumed so far.
func (c *CSVReader) Offset() int64 { return c.sp.read }

// Read returns the next row. It passes over blank rows, of any number
// of fields (salesrow.Blank), empty lines and rows that repeat the header
// (salesrow.Layout.RepeatsHeader), counting them.
func (c *CSVReader) Read() (*Row, error) {
	for {
		re, err := c.next()
		if err != nil {
			return nil, err
		}
		if re != nil {
			return nil, re
		}
		r := &c.rec
		if r.fields == nil {
			c.w.split(r, 0)
		}
		// A blank row fails as a row of the wrong width or without a
		// customer_id: only then is it asked for.
		if r.nfields != c.fields {
			if salesrow.Blank(r.fields) {
				c.blank++
				continue
			}
			return nil, &RowError{File: c.name, Line: r.line, Reason: c.fieldCount(r), Kind: kindFieldCount}
		}
		if re := c.layout.parse(c.name, r.fields, r.line, r.lineOf, &c.row); re != nil {
			if re.Column == ColCustomerID && salesrow.Blank(r.fields) {
				c.blank++
				continue
			}
			// So does the header again, on its date: only then is it
			// asked for.
			if c.rules.RepeatsHeader(r.fields) {
				c.headers++
				continue
			}
			// A row in another currency than the one read is left out,
			// whatever else it holds: its currency is read first.
			if c.only != "" {
				if cur, other, _ := otherCurrency(c.currencyField(r.fields), c.only, c.def); other {
					c.others.add(cur)
					continue
				}
			}
			re.Value = strings.Clone(re.Value) // it would keep the block
			return nil, re
		}
		return &c.row, nil
	}
}

// Misnamed returns the columns of the header whose names are those of an
// optional column written in another style ("Order ID" for order_id),
// which are not read: the caller reports them.
func (c *CSVReader) Misnamed() []Misnamed { return c.misnamed }

// Blank returns the number of blank rows (salesrow.Blank) and empty
// lines after the header that Read has passed over so far.
func (c *CSVReader) Blank() int64 { return c.blank + c.w.empty }

// Headers returns the number of rows that repeat the header
// (salesrow.Layout.RepeatsHeader), as two exports put one after the
// other have, that Read has passed over so far.
func (c *CSVReader) Headers() int64 { return c.headers }

// layout is where the columns of a csv file are: the index of each known
// column (-1 when absent) and the number of fields of the header.
type layout struct {
	fields int
	col    struct {
		id, date, amount, order, qty, cost, cur, kind, cat, disc int
	}
	used  int // 1 + the largest index of a known column
	rules *salesrow.Layout
}

func newLayout(l *salesrow.Layout) layout {
	c := layout{fields: l.Fields, used: l.Used(), rules: l}
	c.col.id, c.col.date, c.col.amount = l.CustomerID, l.Date, l.Amount
	c.col.order, c.col.qty, c.col.cost = l.OrderID, l.Quantity, l.Cost
	c.col.cur, c.col.kind, c.col.cat = l.Currency, l.Kind, l.Category
	c.col.disc = l.Discount
	return c
}

// currencyField returns the currency field of rec, a record of the
// header's width, as written; "" when the file has no currency column.
func (c *layout) currencyField(rec []string) string {
	if c.col.cur < 0 {
		return ""
	}
	return rec[c.col.cur]
}

// fieldCount is the reason a record r whose number of fields is not the
// header's is malformed: salesrow.FieldCount, with a hint when the
// difference is commas at the end of a line, as spreadsheets write an
// empty last column. A header that ends in unnamed fields and a row
// without them (of at least the header's named fields) is told to lose
// the header's trailing commas; a row whose fields past the header's are
// all empty is told to lose its own. A header that ends in an unnamed
// field takes rows that end in an empty one: an unknown column, not
// read. A row that holds a carriage return not before a line feed, as
// rows of a file whose lines end with CR alone after a header that ends
// with LF do, is told so (crOnly). A row short of fields whose
// full-width commas ("，") would make up the difference is told so
// (salesrow.FullWidthCommas). It runs on the error path only.
func (c *layout) fieldCount(r *record) string {
	reason := salesrow.FieldCount(r.nfields, c.fields)
	n := r.nfields
	raw := r.raw
	if raw == "" {
		raw = strings.Join(r.fields, ",")
	}
	if midCR(raw) {
		return reason + "; the line holds " + crOnly
	}
	switch {
	case n < c.fields:
		// Full-width commas that make up the difference: raw as one
		// field, of which n-1 ASCII commas are not counted.
		if h := salesrow.FullWidthCommas([]string{raw}, c.fields-n+1); h != "" {
			return reason + h
		}
		unnamed := 0
		if c.rules != nil {
			for i := len(c.rules.Header) - 1; i >= 0 && c.rules.Header[i] == ""; i-- {
				unnamed++
			}
		}
		switch {
		case unnamed == 0 || n < c.fields-unnamed:
		case unnamed == 1:
			reason += "; the header's last field has no name (a comma at the end of the header line): remove that comma, or end every row with one"
		default:
			reason += fmt.Sprintf("; the header's last %d fields have no name (commas at the end of the header line): remove those commas, or end every row with as many", unnamed)
		}
	case n > c.fields && r.tailBlank(c.fields):
		if n-c.fields == 1 {
			reason += "; its last field is empty and has no column (a comma at the end of the line): remove that comma, or end the header with one"
		} else {
			reason += fmt.Sprintf("; its last %d fields are empty and have no column (commas at the end of the line): remove those commas, or end the header with as many", n-c.fields)
		}
	}
	return reason
}

// parse parses the fields of one record, whose first field is on line
// line and field i on line lineOf(i), into r, with the rules of
// salesrow, its texts among them (see text.go). The caller has checked
// that the record has the header's number of fields; rec holds at least
// the first c.used of them.
func (c *layout) parse(name string, rec []string, line int, lineOf func(int) int, r *Row) *RowError {
	r.Line = line
	if fe := c.rules.ParseUsed(rec, &r.Row); fe != nil {
		if fe.Field >= 0 {
			line = lineOf(fe.Field)
		}
		return rowError(name, line, fe)
	}
	return nil
}
