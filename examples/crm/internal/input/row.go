package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/internal/csvrecord"
	"github.com/tailorcrm/tailor/internal/rowhint"
)

// Format is an input file format.
type Format uint8

const (
	// CSV is the comma-separated sales export with a header row.
	CSV Format = iota + 1
	// CDNOW is the whitespace-separated CDNOW transaction format.
	CDNOW
)

var formatNames = []string{"", "csv", "cdnow"}

// ParseFormat parses "csv" or "cdnow", in any case.
func ParseFormat(s string) (Format, error) {
	for i := 1; i < len(formatNames); i++ {
		if strings.EqualFold(formatNames[i], s) {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown format %q (want csv or cdnow)", s)
}

// String returns "csv" or "cdnow".
func (f Format) String() string {
	if f > 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// Row is one parsed data row: its line and the fields of the format
// (salesrow.Row). Its strings stay valid after the next Read (they are
// not overwritten), but they may share memory with the row's line: clone
// what is kept long.
type Row struct {
	// Line is the line number of the row (of its first field), from 1.
	Line int
	salesrow.Row
}

// Reader reads data rows one at a time.
type Reader interface {
	// Read returns the next row, io.EOF after the last one, a *RowError
	// for a malformed row (reading may go on), or another error that ends
	// the file. The returned row is valid until the next call.
	Read() (*Row, error)
	// Offset returns the number of bytes consumed from the underlying
	// reader so far (for progress).
	Offset() int64
}

// BlankCounter is a Reader that passes over blank rows, which carry no
// data, and counts them, as [CSVReader] and [CDNOWReader] do; [Summarize]
// reports the count in [Result.Blank].
type BlankCounter interface {
	// Blank returns the number of blank rows and empty lines that Read
	// has passed over so far.
	Blank() int64
}

// HeaderCounter is a Reader that passes over the rows that repeat the
// header, which carry no data, and counts them, as [CSVReader] and
// [CDNOWReader] do; [Summarize] reports the count in [Result.Headers].
type HeaderCounter interface {
	// Headers returns the number of repeated header rows that Read has
	// passed over so far.
	Headers() int64
}

// RowError is a malformed row: File:Line, the column and the reason.
type RowError struct {
	File   string
	Line   int
	Column string // header name; empty for a problem of the whole row
	Value  string // the offending text, if any
	// HasValue says Value is shown (it may be empty, as in amount "").
	HasValue bool
	Reason   string
	// Kind is Reason without its parts that vary from row to row (a
	// value, a count, a customer ID, a hint on the value): the rows
	// skipped for the same fault of the same column have the same Kind,
	// and are counted together ([Skip]). It is empty when Reason has no
	// such part, and is not part of the message.
	Kind string
}

// Error returns `orders.csv:5: amount "12x": not a decimal number`: the
// file and line, then the problem as [salesrow.FieldError] words it.
func (e *RowError) Error() string {
	fe := salesrow.FieldError{Column: e.Column, Value: e.Value, HasValue: e.HasValue, Reason: e.Reason}
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + fe.Error()
}

func valueError(file string, line int, column, value, reason string) *RowError {
	return &RowError{File: file, Line: line, Column: column, Value: value, HasValue: true, Reason: reason}
}

// rowError places a salesrow.FieldError in file at line; an amount, a
// cost, a discount or a date written for people gets a hint
// (rowhint.Field).
func rowError(file string, line int, fe *salesrow.FieldError) *RowError {
	reason := rowhint.Field(fe.Column, fe.Reason, fe.Value)
	return &RowError{File: file, Line: line, Column: fe.Column, Value: fe.Value, HasValue: fe.HasValue, Reason: reason, Kind: fieldKind(fe)}
}

// ErrNoRows is returned (wrapped) for a file without data rows.
var ErrNoRows = errors.New("no data rows")

// MaxLineBytes bounds the length of one physical line, without its line
// break (LF, or CRLF), and of a csv record from its start to the last
// line break a quoted field may take in. A line or a record longer than
// that is a malformed row, reported at its first line; the rest of the
// line is read past without being kept, and the input goes on with the
// next line.
const MaxLineBytes = csvrecord.MaxLineBytes

// crOnly ends the error about a first line that holds a carriage return
// within it, not before a line feed (see midCR).
const crOnly = "a carriage return (CR) not followed by a line feed: the lines of the file seem to end with CR alone (old Mac text); want LF or CRLF line ends"

// midCR reports whether s holds a carriage return that is neither before
// a line feed nor at the end of s: a sign that the lines of the file end
// with CR alone, which no reader here takes for a line end.
func midCR[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' && i+1 < len(s) && s[i+1] != '\n' {
			return true
		}
	}
	return false
}

// skipBOM returns r without its leading UTF-8 byte order mark, if it has
// one: spreadsheet programs start their CSV exports with it, and a
// quoted first header name would not parse behind it. An input that
// starts as no UTF-8 text does (see [notText]) fails on its first read
// with an error naming the input, name, and saying what it is.
func skipBOM(r io.Reader, name string) io.Reader { return &bomSkipper{r: r, name: name} }

// bomSkipper drops a byte order mark from the start of r. It checks in
// the caller's buffer, so it adds no copy and no small read.
type bomSkipper struct {
	r       io.Reader
	name    string
	checked bool
	pending []byte // read by the check but not yet returned (tiny first reads)
}

func (s *bomSkipper) Read(p []byte) (int, error) {
	if len(s.pending) > 0 {
		n := copy(p, s.pending)
		s.pending = s.pending[n:]
		return n, nil
	}
	if s.checked {
		return s.r.Read(p)
	}
	s.checked = true
	buf := p
	if len(buf) < sniffBytes {
		buf = make([]byte, sniffBytes)
	}
	n, err := io.ReadAtLeast(s.r, buf, sniffBytes)
	if err == io.ErrUnexpectedEOF {
		err = nil // fewer bytes: the next read reports the end
	}
	if what := notText(buf[:n]); what != "" {
		return 0, fmt.Errorf("%s: %s", s.name, what)
	}
	if n >= 3 && string(buf[:3]) == "\ufeff" {
		n = copy(buf, buf[3:n])
	}
	if len(p) < sniffBytes {
		k := copy(p, buf[:n])
		s.pending = buf[k:n]
		return k, err
	}
	return n, err
}

// sniffBytes is the length of the longest start that notText looks at
// (bzip2's): the first read of a bomSkipper reads that much at least,
// unless the input is shorter.
const sniffBytes = 10

// notText says what an input that starts with the bytes b is, and what
// to do with it, when it is not the UTF-8 text of an export: compressed
// (gzip, bzip2, xz, zstd, lz4), an archive (zip, such as a spreadsheet
// workbook, .xlsx or .ods; 7-Zip), a workbook of Excel 97-2003 (.xls,
// an OLE2 compound file), a Parquet file, or text in UTF-16 (or UTF-32),
// which spreadsheets write as "Unicode text", with its byte order mark
// or without it (every other byte of ASCII text 0), and any input with a
// NUL byte among its first sniffBytes, which no text export has.
// It returns "" for anything else. No export starts with these bytes:
// each magic holds a byte that is no UTF-8 there (0x8b, 0xfd, 0xb5,
// 0xd0 0xcf, 0xbc, 0xff, 0xfe) or a control character (0x03 after "PK",
// 0x04, 0x15 after "PAR1", the start of a Parquet page header), but
// that of bzip2, "BZh" with a digit and "1AY&SY" (the magic of its first
// block), which is no header name either. The magic numbers are those of each
// format's specification (RFC 1952 for gzip, the .xz, Zstandard and LZ4
// frame formats, the ZIP APPNOTE, the 7z format, MS-CFB, Apache Parquet).
func notText(b []byte) string {
	has := func(magic string) bool { return len(b) >= len(magic) && string(b[:len(magic)]) == magic }
	switch {
	case has("\x1f\x8b"):
		return compressed("gzip", "gunzip FILE, or gunzip -c FILE")
	case len(b) >= 10 && has("BZh") && b[3] >= '1' && b[3] <= '9' && string(b[4:10]) == "1AY&SY":
		return compressed("bzip2", "bunzip2 FILE, or bunzip2 -c FILE")
	case has("\xfd7zXZ\x00"):
		return compressed("xz", "unxz FILE, or xz -dc FILE")
	case has("\x28\xb5\x2f\xfd"):
		return compressed("zstd", "unzstd FILE, or zstd -dc FILE")
	case has("\x04\x22\x4d\x18"):
		return compressed("lz4", "unlz4 FILE, or lz4 -dc FILE")
	case has("PK\x03"):
		return "the file is a zip archive (a spreadsheet workbook such as .xlsx or .ods?), not CSV text: save or export it as CSV (UTF-8) first"
	case has("7z\xbc\xaf\x27\x1c"):
		return "the file is a 7-Zip archive, not CSV text: extract the export from it first"
	case has("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
		return "the file is an Excel 97-2003 workbook (.xls) or another OLE2 document, not CSV text: save or export it as CSV (UTF-8) first"
	case has("PAR1\x15"):
		return "the file is a Parquet file, not CSV text: export it as CSV first"
	case len(b) >= 2 && (b[0] == 0xff && b[1] == 0xfe || b[0] == 0xfe && b[1] == 0xff):
		return "the file is UTF-16 text (it starts with a UTF-16 byte order mark), as spreadsheets save \"Unicode text\": save it as CSV UTF-8, or convert it (iconv -f UTF-16 -t UTF-8)"
	case len(b) >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return utf16NoBOM("UTF-16LE")
	case len(b) >= 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		return utf16NoBOM("UTF-16BE")
	case bytes.IndexByte(b[:min(len(b), sniffBytes)], 0) >= 0:
		return "the file holds NUL bytes at its start: it is no text (a binary file?), not CSV: export the data as CSV (UTF-8)"
	}
	return ""
}

// utf16NoBOM is the error of an input in UTF-16 without a byte order
// mark, of byte order enc: every other byte of its ASCII text is 0.
func utf16NoBOM(enc string) string {
	return "the file is " + enc + " text without a byte order mark (every other byte is 0), not UTF-8: save it as CSV UTF-8, or convert it (iconv -f " + enc + " -t UTF-8)"
}

// compressed is the error of an input compressed with format, which the
// commands cmd decompress.
func compressed(format, cmd string) string {
	return "the file is " + format + "-compressed, not text: decompress it first (" + cmd + " | crm … -in -)"
}

// guard counts the bytes read through it.
type guard struct {
	r io.Reader
	n int64
}

func (g *guard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// parseCompactDate parses YYYYMMDD.
func parseCompactDate(s string) (customer.Date, string) {
	if len(s) == 8 {
		if d, ok := ymd(s[0:4], s[4:6], s[6:8]); ok {
			return d, ""
		}
	}
	return 0, "want YYYYMMDD"
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func ymd(ys, ms, ds string) (customer.Date, bool) {
	y, ok1 := digits(ys)
	m, ok2 := digits(ms)
	d, ok3 := digits(ds)
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > monthDays(y, m) {
		return 0, false
	}
	return customer.DateFromYMD(y, time.Month(m), d), true
}

// ParseDay parses a YYYY-MM-DD date given on the command line. A day so
// written that the calendar has not (1997-02-29, 1997-13-01) is an error
// that says so; so is a day of year 0000, which the calendar of the rows
// has (rowhint.NoSuchDay) but which is before the first year of a row
// (customer.MinRecordYear), as the error of such a row says, and a
// placeholder for a missing date that is no day (0000-00-00,
// 1900-01-00: rowhint.Placeholder), as the hint of such a row says. Other
// dates refused get the hint of flagDayHint.
func ParseDay(s string) (customer.Date, error) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		if d, ok := ymd(s[0:4], s[5:7], s[8:10]); ok {
			return d, nil
		}
	}
	if what, ok := rowhint.Placeholder(s); ok {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD; %s, written for a missing date", s, what)
	}
	if rowhint.YMD(s) && s[:4] == "0000" && rowhint.NoSuchDay(s) == "" {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD; %s is before %d, the first year of a row", s, s, customer.MinRecordYear)
	}
	if h := flagDayHint(s); h != "" {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD; %s", s, h)
	}
	return 0, fmt.Errorf("date %q: want YYYY-MM-DD", s)
}

// flagDayHint is the hint for a date s of the command line that ParseDay
// refused: that of a row (rowhint.DateHint: a day the calendar has
// not, a day written for people, 2024/03/05 or 05/03/2024), but for a
// day with a time after it, which a row may have and the command line
// may not: the day is to be given alone (and named when the calendar
// has not it); a day with spaces around it, which a row may have (its
// fields are trimmed), is to be given without them; a serial day
// number, which a spreadsheet writes in a row, gets no hint.
func flagDayHint(s string) string {
	if t := strings.TrimSpace(s); t != s {
		if _, err := ParseDay(t); err == nil {
			return "give the day without the spaces around it: " + t
		}
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == 't' || s[10] == ' ') && rowhint.YMD(s[:10]) {
		day := s[:10]
		if h := rowhint.NoSuchDay(day); h != "" {
			return h + "; give the day alone, without a time"
		}
		if _, ok := ymd(day[0:4], day[5:7], day[8:10]); ok {
			return "give the day alone, without a time: " + day
		}
		return fmt.Sprintf("%s is before %d, the first year of a row; give the day alone, without a time", day, customer.MinRecordYear)
	}
	if rowhint.SerialDay(s) {
		return ""
	}
	return rowhint.DateHint(s)
}

// maxUnits bounds a quantity, so that sums of units cannot overflow.
const maxUnits = salesrow.MaxUnits
