package input

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tailorcrm/tailor/customer"
)

// Column names of the csv format.
const (
	ColCustomerID = "customer_id"
	ColDate       = "date"
	ColAmount     = "amount"
	ColOrderID    = "order_id"
	ColQuantity   = "quantity"
	ColCost       = "cost"
	ColCurrency   = "currency"
	ColKind       = "kind"
	ColCategory   = "category"
)

var requiredColumns = []string{ColCustomerID, ColDate, ColAmount}

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
	g := &guard{r: r, name: name}
	cr := csv.NewReader(g)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	h, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file (want a header row naming %s)", name, strings.Join(requiredColumns, ", "))
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: header: %v", name, pe.Line, pe.Err)
		}
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	c := &CSVReader{name: name, g: g, r: cr, layout: layout{fields: len(h)}}
	idx := map[string]int{}
	for i, f := range h {
		if i == 0 {
			f = strings.TrimPrefix(f, "\ufeff")
		}
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if _, dup := idx[f]; dup {
			return nil, fmt.Errorf("%s:1: column %q appears twice in the header", name, f)
		}
		idx[f] = i
	}
	var missing []string
	for _, req := range requiredColumns {
		if _, ok := idx[req]; !ok {
			missing = append(missing, fmt.Sprintf("%q", req))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("%s:1: missing required column %s (header has %d columns; need customer_id, date, amount)", name, strings.Join(missing, ", "), len(h))
	}
	get := func(n string) int {
		if i, ok := idx[n]; ok {
			return i
		}
		return -1
	}
	c.col.id, c.col.date, c.col.amount = get(ColCustomerID), get(ColDate), get(ColAmount)
	c.col.order, c.col.qty, c.col.cost = get(ColOrderID), get(ColQuantity), get(ColCost)
	c.col.cur, c.col.kind, c.col.cat = get(ColCurrency), get(ColKind), get(ColCategory)
	c.used = 1 + max(c.col.id, c.col.date, c.col.amount, c.col.order, c.col.qty, c.col.cost, c.col.cur, c.col.kind, c.col.cat)
	return c, nil
}

// Offset returns the bytes consumed so far.
func (c *CSVReader) Offset() int64 { return c.g.n }

func field(rec []string, i int) string {
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

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
	used int // 1 + the largest index of a known column
}

// parse parses the fields of one record, whose first field is on line
// line and field i on line lineOf(i), into r. rec has the header's number
// of fields.
func (c *layout) parse(name string, rec []string, line int, lineOf func(int) int, r *Row) *RowError {
	*r = Row{Line: line}
	r.CustomerID = field(rec, c.col.id)
	if r.CustomerID == "" {
		return valueError(name, lineOf(c.col.id), ColCustomerID, "", "empty")
	}
	ds := field(rec, c.col.date)
	var why string
	if r.Date, why = parseDate(ds); why != "" {
		return valueError(name, lineOf(c.col.date), ColDate, ds, why)
	}
	as := field(rec, c.col.amount)
	if r.Amount, why = parseAmount(as); why != "" {
		return valueError(name, lineOf(c.col.amount), ColAmount, as, why)
	}
	r.OrderID = field(rec, c.col.order)
	if s := field(rec, c.col.qty); s != "" {
		if r.Units, why = parseUnits(s); why != "" {
			return valueError(name, lineOf(c.col.qty), ColQuantity, s, why)
		}
	}
	if s := field(rec, c.col.cost); s != "" {
		d, why := parseAmount(s)
		if why != "" {
			return valueError(name, lineOf(c.col.cost), ColCost, s, why)
		}
		r.Cost.Decimal, r.Cost.Valid = d, true
	}
	if s := field(rec, c.col.cur); s != "" {
		cur, err := customer.ParseCurrency(s)
		if err != nil {
			return valueError(name, lineOf(c.col.cur), ColCurrency, s, "unknown ISO 4217 currency code")
		}
		r.Currency = cur
	}
	if s := field(rec, c.col.kind); s != "" {
		k, err := parseKind(s)
		if err != nil {
			return valueError(name, lineOf(c.col.kind), ColKind, s, "want consumer or intermediary (or dealer, franchisee, wholesaler, agent)")
		}
		r.Kind = k
	}
	r.Category = field(rec, c.col.cat)
	return nil
}

// isSyntaxErr reports whether err is one of encoding/csv's syntax errors,
// after which reading can go on with the next record.
func isSyntaxErr(err error) bool {
	return errors.Is(err, csv.ErrBareQuote) || errors.Is(err, csv.ErrQuote) || errors.Is(err, csv.ErrFieldCount)
}

// parseKind is customer.ParseKind, case-insensitive, with a fast path for
// the two kind names.
func parseKind(s string) (customer.Kind, error) {
	switch s {
	case "consumer":
		return customer.Consumer, nil
	case "intermediary":
		return customer.Intermediary, nil
	}
	return customer.ParseKind(strings.ToLower(s))
}
