package input

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tailorcrm/tailor/salesrow"
)

// Column names of the csv format (salesrow's).
const (
	ColCustomerID = salesrow.ColCustomerID
	ColDate       = salesrow.ColDate
	ColAmount     = salesrow.ColAmount
	ColOrderID    = salesrow.ColOrderID
	ColQuantity   = salesrow.ColQuantity
	ColCost       = salesrow.ColCost
	ColCurrency   = salesrow.ColCurrency
	ColKind       = salesrow.ColKind
	ColCategory   = salesrow.ColCategory
)

// CSVReader reads the csv format.
type CSVReader struct {
	name string
	g    *guard
	r    *csv.Reader
	layout
	row Row
}

// NewCSVReader reads the header of r, named name in errors. An empty
// file, a header missing a required column or naming a column twice is
// an error.
func NewCSVReader(r io.Reader, name string) (*CSVReader, error) {
	return newCSVReader(skipBOM(r), name)
}

// newCSVReader is NewCSVReader on a reader whose byte order mark, if any,
// is skipped already.
func newCSVReader(r io.Reader, name string) (*CSVReader, error) {
	g := &guard{r: r, name: name}
	cr := csv.NewReader(g)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	h, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file (want a header row naming %s)", name, strings.Join(salesrow.RequiredColumns, ", "))
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: header: %v", name, pe.Line, pe.Err)
		}
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	l, err := salesrow.NewLayout(h)
	if err != nil {
		return nil, fmt.Errorf("%s:1: %w", name, err)
	}
	return &CSVReader{name: name, g: g, r: cr, layout: newLayout(l)}, nil
}

// Offset returns the bytes consumed so far.
func (c *CSVReader) Offset() int64 { return c.g.n }

// Read returns the next row.
func (c *CSVReader) Read() (*Row, error) {
	rec, err := c.r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && isSyntaxErr(pe.Err) {
			return nil, &RowError{File: c.name, Line: pe.Line, Reason: pe.Err.Error()}
		}
		return nil, err
	}
	line, _ := c.r.FieldPos(0)
	if len(rec) != c.fields {
		return nil, &RowError{File: c.name, Line: line, Reason: fmt.Sprintf("%d fields, the header has %d", len(rec), c.fields)}
	}
	lineOf := func(i int) int {
		l, _ := c.r.FieldPos(i)
		return l
	}
	if re := c.layout.parse(c.name, rec, line, lineOf, &c.row); re != nil {
		return nil, re
	}
	return &c.row, nil
}

// layout is where the columns of a csv file are: the index of each known
// column (-1 when absent) and the number of fields of the header.
type layout struct {
	fields int
	col    struct {
		id, date, amount, order, qty, cost, cur, kind, cat int
	}
	used  int // 1 + the largest index of a known column
	rules *salesrow.Layout
}

func newLayout(l *salesrow.Layout) layout {
	c := layout{fields: l.Fields, used: l.Used(), rules: l}
	c.col.id, c.col.date, c.col.amount = l.CustomerID, l.Date, l.Amount
	c.col.order, c.col.qty, c.col.cost = l.OrderID, l.Quantity, l.Cost
	c.col.cur, c.col.kind, c.col.cat = l.Currency, l.Kind, l.Category
	return c
}

// parse parses the fields of one record, whose first field is on line
// line and field i on line lineOf(i), into r, with the rules of
// salesrow. The caller has checked that the record has the header's
// number of fields; rec holds at least the first c.used of them.
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

// isSyntaxErr reports whether err is one of encoding/csv's syntax errors,
// after which reading can go on with the next record.
func isSyntaxErr(err error) bool {
	return errors.Is(err, csv.ErrBareQuote) || errors.Is(err, csv.ErrQuote) || errors.Is(err, csv.ErrFieldCount)
}
