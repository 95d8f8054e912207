package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/rtrackers/offsetrange"
	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
)

// Column names of the csv format (CLI.md); the others are ignored.
const (
	colCustomerID = "customer_id"
	colDate       = "date"
	colAmount     = "amount"
	colOrderID    = "order_id"
	colQuantity   = "quantity"
	colCost       = "cost"
	colCurrency   = "currency"
	colKind       = "kind"
	colCategory   = "category"
)

// columns are the positions of the columns used, -1 for an absent
// optional column, and the number of fields of the header. They are read
// from the file's first line when the pipeline is built.
type columns struct {
	Fields                         int
	ID, Date, Amount, Order, Qty   int
	Cost, Currency, Kind, Category int
}

// readHeader reads the first line of path and finds the columns, with the
// rules of the crm command: names trimmed and compared in lower case, a
// UTF-8 byte order mark ignored, a column named twice or a required
// column missing is an error.
func readHeader(ctx context.Context, path string) (columns, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return columns{}, err
	}
	defer fs.Close()
	f, err := fs.OpenRead(ctx, path)
	if err != nil {
		return columns{}, err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && !(err == io.EOF && line != "") {
		if err == io.EOF {
			return columns{}, fmt.Errorf("%s: empty file (want a header row naming customer_id, date, amount)", path)
		}
		return columns{}, err
	}
	h, err := splitLine(line)
	if err != nil {
		return columns{}, fmt.Errorf("%s:1: header: %v", path, err)
	}
	idx := map[string]int{}
	for i, name := range h {
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if _, dup := idx[name]; dup {
			return columns{}, fmt.Errorf("%s:1: column %q appears twice in the header", path, name)
		}
		idx[name] = i
	}
	var missing []string
	for _, req := range []string{colCustomerID, colDate, colAmount} {
		if _, ok := idx[req]; !ok {
			missing = append(missing, strconv.Quote(req))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return columns{}, fmt.Errorf("%s:1: missing required column %s (header has %d columns; need customer_id, date, amount)", path, strings.Join(missing, ", "), len(h))
	}
	get := func(n string) int {
		if i, ok := idx[n]; ok {
			return i
		}
		return -1
	}
	return columns{
		Fields: len(h),
		ID:     get(colCustomerID), Date: get(colDate), Amount: get(colAmount),
		Order: get(colOrderID), Qty: get(colQuantity), Cost: get(colCost),
		Currency: get(colCurrency), Kind: get(colKind), Category: get(colCategory),
	}, nil
}

// splitLine splits one physical line into its csv fields. A record must
// fit on one line: a quoted field holding a line break is reported as an
// unterminated quote.
func splitLine(line string) ([]string, error) {
	r := csv.NewReader(strings.NewReader(line))
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err == io.EOF {
		return nil, nil
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, pe.Err
	}
	return rec, err
}

// blockSize is the size of the byte ranges a file is first split into.
const blockSize = 64 << 20

// linesFn is a splittable DoFn that emits every line of a file with the
// byte offset at which it starts, as textio.Read does for lines alone. The
// offset orders the rows as the file does, which is what makes the result
// independent of how the file was split: of the rows of one order, the
// first sale in the file counts the order.
type linesFn struct{}

// CreateInitialRestriction is the whole file.
func (fn *linesFn) CreateInitialRestriction(file fileio.ReadableFile) offsetrange.Restriction {
	return offsetrange.Restriction{Start: 0, End: file.Metadata.Size}
}

// SplitRestriction splits a file into blocks of blockSize bytes.
func (fn *linesFn) SplitRestriction(_ fileio.ReadableFile, rest offsetrange.Restriction) []offsetrange.Restriction {
	splits := rest.SizedSplits(blockSize)
	if n := len(splits); n > 1 && splits[n-1].End-splits[n-1].Start <= blockSize/4 {
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
// line break (LF or CRLF) is not part of a line.
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
	// Amount and Cost are decimal numbers as written; Cost is empty when
	// not given.
	Amount, Cost string
	Units        int64
	// Currency is the row's currency, the default when it names none.
	Currency string
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

// Error returns `orders.csv, byte 1234: amount "12x": not a decimal number`.
func (e *rowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, byte %d: ", e.File, e.Offset)
	if e.Column != "" {
		b.WriteString(e.Column)
		if e.HasValue {
			b.WriteByte(' ')
			b.WriteString(strconv.Quote(e.Value))
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// parser turns lines into rows, with the rules of the crm command.
type parser struct {
	File     string
	Cols     columns
	Currency string // of rows without a currency
}

func field(rec []string, i int) string {
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// parse parses the line at offset off into a customer ID and a row. It
// returns ok = false, and no error, for an empty line.
func (p *parser) parse(off int64, line string) (id string, r row, ok bool, err error) {
	rec, perr := splitLine(line)
	if perr != nil {
		return "", r, false, &rowError{File: p.File, Offset: off, Reason: perr.Error()}
	}
	if len(rec) == 0 {
		return "", r, false, nil
	}
	bad := func(col, val, reason string) error {
		return &rowError{File: p.File, Offset: off, Column: col, Value: val, HasValue: true, Reason: reason}
	}
	if len(rec) != p.Cols.Fields {
		return "", r, false, &rowError{File: p.File, Offset: off, Reason: fmt.Sprintf("%d fields, the header has %d", len(rec), p.Cols.Fields)}
	}
	r.Offset = off
	if id = field(rec, p.Cols.ID); id == "" {
		return "", r, false, bad(colCustomerID, "", "empty")
	}
	ds := field(rec, p.Cols.Date)
	d, why := parseDate(ds)
	if why != "" {
		return "", r, false, bad(colDate, ds, why)
	}
	r.Date = int32(d)
	as := field(rec, p.Cols.Amount)
	if _, why := parseAmount(as); why != "" {
		return "", r, false, bad(colAmount, as, why)
	}
	r.Amount = as
	if s := field(rec, p.Cols.Qty); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			return "", r, false, bad(colQuantity, s, "not an integer")
		case n > maxUnits || n < -maxUnits:
			return "", r, false, bad(colQuantity, s, "out of range (|quantity| ≤ 1e9)")
		}
		r.Units = int64(n)
	}
	if s := field(rec, p.Cols.Cost); s != "" {
		if _, why := parseAmount(s); why != "" {
			return "", r, false, bad(colCost, s, why)
		}
		r.Cost = s
	}
	r.Currency = p.Currency
	if s := field(rec, p.Cols.Currency); s != "" {
		cur, err := customer.ParseCurrency(s)
		if err != nil {
			return "", r, false, bad(colCurrency, s, "unknown ISO 4217 currency code")
		}
		r.Currency = string(cur)
	}
	if s := field(rec, p.Cols.Kind); s != "" {
		k, err := customer.ParseKind(strings.ToLower(s))
		if err != nil {
			return "", r, false, bad(colKind, s, "want consumer or intermediary (or dealer, franchisee, wholesaler, agent)")
		}
		r.Kind = uint8(k)
	}
	if r.Order = field(rec, p.Cols.Order); r.Order != "" {
		r.Order = "o" + r.Order
	} else {
		r.Order = "d" + strconv.Itoa(int(r.Date))
	}
	r.Category = field(rec, p.Cols.Category)
	return id, r, true, nil
}

// maxUnits bounds a quantity, so that sums of units cannot overflow.
const maxUnits = 1_000_000_000

// parseAmount parses a decimal with customer.ParseAmount and returns the
// reason without the quoted value that ParseAmount puts first.
func parseAmount(s string) (decimal.Decimal, string) {
	d, err := customer.ParseAmount(s)
	if err != nil {
		if s == "" {
			return d, "empty"
		}
		return d, strings.TrimPrefix(err.Error(), strconv.Quote(s)+": ")
	}
	return d, ""
}

// parseDate parses a day as customer.ParseDay does: YYYY-MM-DD, a
// timestamp without offset (the day written), or RFC 3339 (the calendar
// day in the time's own offset).
func parseDate(s string) (customer.Date, string) {
	d, err := customer.ParseDay(s)
	if err != nil {
		return 0, customer.WantDay
	}
	return d, ""
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
