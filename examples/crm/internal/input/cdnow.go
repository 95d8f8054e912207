package input

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/internal/rowhint"
)

// CDNOWReader reads the CDNOW transaction format. As [CSVReader] does, it
// passes over the lines without a field after the first non-empty line
// (empty, or of white space only) and counts them ([CDNOWReader.Blank]),
// and so the lines that repeat the header line the file starts with
// ([CDNOWReader.Headers]), as `cat` of two files with headers makes.
type CDNOWReader struct {
	name string
	g    *guard
	br   *bufio.Reader
	line int
	cols int // 4 or 5 once the first data line is read
	done bool
	// started is set after the first non-empty line.
	started bool
	// header holds the words of the header line the file starts with,
	// if any: a line of the same words later on repeats it.
	header  []string
	blank   int64 // lines without a field after the first, passed over
	headers int64 // lines that repeat the header, passed over
	field   [6]string
	row     Row
	long    []byte // the memory of a line longer than the buffer
	// skipping says the last row was a line too long whose rest is
	// still to be read past.
	skipping bool
	// other, when set (filterCurrency), is the currency of every line,
	// which is not the one read: a malformed line of the file's width is
	// passed over and counted in others.
	other  customer.Currency
	others *currencyCounts
}

// filterCurrency makes Read pass over the lines it would report
// malformed for a field when def, the currency of every line of the
// format, is not only, counting them in others (see currencyFilter).
func (c *CDNOWReader) filterCurrency(only, def customer.Currency, others *currencyCounts) {
	if def != only {
		c.other, c.others = def, others
	}
}

// NewCDNOWReader returns a reader of r, named name in errors.
func NewCDNOWReader(r io.Reader, name string) *CDNOWReader {
	g := &guard{r: skipBOM(r, name)}
	return &CDNOWReader{name: name, g: g, br: bufio.NewReaderSize(g, 64<<10)}
}

// Offset returns the bytes consumed so far.
func (c *CDNOWReader) Offset() int64 { return c.g.n }

// Blank returns the number of lines without a field (empty, or of white
// space only) after the first non-empty line that Read has passed over so
// far; empty lines before that line are no rows, as before the header of
// a csv file.
func (c *CDNOWReader) Blank() int64 { return c.blank }

// Headers returns the number of lines repeating the header line the file
// starts with (repeatsHeader) that Read has passed over so far, as two
// files with headers put one after the other have. A file without a
// header line has none: a line of words in it is malformed.
func (c *CDNOWReader) Headers() int64 { return c.headers }

// Columns returns the column count of the file (4 or 5), 0 before the
// first data line.
func (c *CDNOWReader) Columns() int { return c.cols }

func isSpace(b byte) bool {
	return b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\v' || b == '\f'
}

// split fills c.field with the whitespace-separated fields of s and
// returns their number (at most len(c.field); more fields count as
// len(c.field)).
func (c *CDNOWReader) split(s string) int {
	n := 0
	i := 0
	for i < len(s) {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			break
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		if n == len(c.field) {
			return n
		}
		c.field[n] = s[i:j]
		n++
		i = j
	}
	return n
}

// isHeader reports whether the first non-empty line, split into n
// fields, is a header: 4 or 5 fields none of which starts like a number
// (a digit, a sign or a point), as in "customer_id date quantity amount".
// A data line has a date of eight digits and a numeric quantity and
// amount, so no data line is taken for a header, and a malformed first
// line with a numeric field (such as "1 Jan-01-1997 1 29.33") is read as
// data and reported.
func (c *CDNOWReader) isHeader(n int) bool {
	if n != 4 && n != 5 {
		return false
	}
	for _, f := range c.field[:n] {
		if b := f[0]; b >= '0' && b <= '9' || b == '+' || b == '-' || b == '.' {
			return false
		}
	}
	return true
}

// Read returns the next row.
func (c *CDNOWReader) Read() (*Row, error) {
	for {
		if c.done {
			return nil, io.EOF
		}
		if c.skipping {
			// The rest of the line too long that the last call
			// reported, read past a buffer at a time.
			c.skipping = false
			err := bufio.ErrBufferFull
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = c.br.ReadSlice('\n')
			}
			if err == io.EOF {
				c.done = true
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		b, err := c.br.ReadSlice('\n')
		var tooLong *RowError
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: read it whole, up to
			// MaxLineBytes and its line break (CRLF or LF). A line
			// longer than that is malformed, reported at once; the next
			// call reads past the rest of it (none, when the caller
			// stops at the row).
			long := append(c.long[:0], b...)
			for errors.Is(err, bufio.ErrBufferFull) {
				b, err = c.br.ReadSlice('\n')
				long = append(long, b...)
				if len(long) > MaxLineBytes+2 {
					tooLong = lineTooLong(c.name, c.line+1, long)
					if errors.Is(err, bufio.ErrBufferFull) {
						c.skipping, err = true, nil
					}
					break
				}
			}
			b, c.long = long, long[:0]
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if tooLong == nil {
			// The line without its line break, LF or CRLF, and at the end
			// of the input without the Ctrl-Z marks after it (trimEOF).
			l := bytes.TrimSuffix(b, nl)
			if err == io.EOF {
				l = trimEOF(l)
			}
			if len(bytes.TrimSuffix(l, []byte{'\r'})) > MaxLineBytes {
				tooLong = lineTooLong(c.name, c.line+1, l)
			}
		}
		if tooLong != nil {
			c.done = err == io.EOF
			c.line++
			c.started = true
			return nil, tooLong
		}
		if err == io.EOF {
			c.done = true
			if b = trimEOF(b); len(b) == 0 {
				return nil, io.EOF
			}
		}
		c.line++
		s := string(b)
		n := c.split(s)
		if n == 0 {
			if c.started {
				c.blank++
			}
			continue
		}
		if !c.started {
			c.started = true
			if c.isHeader(n) {
				c.header = make([]string, n)
				for i, f := range c.field[:n] {
					c.header[i] = strings.Clone(f)
				}
				continue
			}
		}
		// A line that repeats the header is asked for before the first
		// data line sets the width; after it, only when the line fails,
		// as one of the wrong width or on its fields.
		if c.cols == 0 && c.repeatsHeader(n) {
			c.headers++
			continue
		}
		if c.cols == 0 {
			if n != 4 && n != 5 {
				more, hint := "", ""
				if n == len(c.field) {
					more = " or more"
				}
				if midCR(s) {
					hint = "; the line holds " + crOnly
				} else if strings.Count(s, ",") >= 2 {
					hint = "; the line is separated by commas: a csv file is read with -format csv"
				}
				return nil, &RowError{File: c.name, Line: c.line, Reason: fmt.Sprintf("%s%s, want 4 (customer_id date quantity amount) or 5 (master_id customer_id date quantity amount)%s", fieldsText(n), more, hint), Kind: kindFieldCount}
			}
			c.cols = n
		}
		if n != c.cols {
			if c.repeatsHeader(n) {
				c.headers++
				continue
			}
			more := ""
			if n == len(c.field) {
				more = " or more"
			}
			return nil, &RowError{File: c.name, Line: c.line, Reason: fmt.Sprintf("%s%s, the first data line has %d", fieldsText(n), more, c.cols), Kind: kindFieldCount}
		}
		r, err := c.parse()
		if err != nil && c.repeatsHeader(n) {
			c.headers++
			continue
		}
		if err != nil && c.other != "" {
			c.others.add(c.other)
			continue
		}
		return r, err
	}
}

// repeatsHeader reports whether the line split into n fields is the
// header line the file starts with again: the same words, one for one,
// in any case, a byte order mark before the first ignored (as the second
// of two files joined by `cat` may have one). A line of other words is
// no header, but malformed.
func (c *CDNOWReader) repeatsHeader(n int) bool {
	if c.header == nil || n != len(c.header) {
		return false
	}
	for i, f := range c.field[:n] {
		if i == 0 {
			f = strings.TrimPrefix(f, "\ufeff")
		}
		if !strings.EqualFold(f, c.header[i]) {
			return false
		}
	}
	return true
}

func (c *CDNOWReader) parse() (*Row, error) {
	f := c.field[:c.cols]
	if c.cols == 5 {
		f = f[1:]
	}
	r := &c.row
	*r = Row{Line: c.line, Row: salesrow.Row{CustomerID: trimZeros(f[0])}}
	why := salesrow.IDProblem(r.CustomerID)
	if why != "" {
		return nil, valueError(c.name, c.line, ColCustomerID, r.CustomerID, why)
	}
	if r.Date, why = parseCompactDate(f[1]); why != "" {
		return nil, valueError(c.name, c.line, ColDate, f[1], why)
	}
	if r.Units, why = salesrow.ParseUnits(f[2]); why != "" {
		re := valueError(c.name, c.line, ColQuantity, f[2], why)
		re.Kind = unitsKind(why)
		return nil, re
	}
	if r.Amount, why = salesrow.ParseAmount(f[3]); why != "" {
		re := valueError(c.name, c.line, ColAmount, f[3], rowhint.Amount(why, f[3]))
		re.Kind = why
		return nil, re
	}
	return r, nil
}

// trimZeros drops the leading zeros of an all-digit ID ("0001" → "1"), so
// that IDs match the ID column of the CDNOW summary files; "0000" is "0".
func trimZeros(id string) string {
	if !isDigits(id) {
		return id
	}
	t := strings.TrimLeft(id, "0")
	if t == "" {
		return "0"
	}
	return t
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// fieldsText is "1 field" or "n fields".
func fieldsText(n int) string {
	if n == 1 {
		return "1 field"
	}
	return fmt.Sprintf("%d fields", n)
}
