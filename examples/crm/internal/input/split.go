package input

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strings"
	"sync/atomic"
	"unicode"
	"unsafe"

	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/internal/csvfault"
	"github.com/tailorcrm/tailor/internal/csvrecord"
)

// chunkBytes is the size of the blocks the input is read in (a variable
// for tests).
var chunkBytes = 2 << 20

// chunk is a run of whole csv records of the input, starting on line
// Line. The last chunk of a file has last set, and err when the input
// ended with an error other than io.EOF (a read error; errLine is then
// math.MaxInt, after every line).
type chunk struct {
	data    []byte
	line    int
	last    bool
	plain   bool       // data holds no quote
	ix      *lineIndex // set by indexer.index, or nil
	err     error
	errLine int
	// skip, when set, is a record after data that is longer than the
	// limit and was left out of it (splitter.next): the walker reports
	// it after the records of data, and the next chunk starts on the
	// line after its first line.
	skip *RowError
	// refs counts the workers that have not finished with data.
	refs atomic.Int32
}

// splitter reads the input in blocks and cuts them at record boundaries:
// at the last line break of a block without quotes, else at the last line
// break outside a quoted field, found the way encoding/csv reads records.
type splitter struct {
	r    io.Reader
	name string
	// width is the number of fields of the header, 0 before it is
	// known (see recordScan); header are its names, for the error of a
	// record longer than the limit.
	width  int
	header []string
	buf    []byte // unread bytes carried into the next block
	line   int    // line of the first byte of buf
	// skipping is the block that starts a line longer than the limit,
	// reported as the last chunk's skip: the next call reads past the
	// rest of the line first (skipLine), and none when the caller stops
	// at that row, as at an error in the header.
	skipping []byte
	// halt, when set, reports whether the caller has stopped reading
	// (at a malformed row, without SkipInvalid): skipLine then reads no
	// further, and the input ends there.
	halt func() bool
	eof  bool
	rerr error
	free chan []byte
	read int64
}

func (s *splitter) next() *chunk {
	if b := s.skipping; b != nil {
		s.skipping = nil
		s.skipLine(b)
	}
	if s.eof && len(s.buf) == 0 && s.rerr == nil {
		return &chunk{line: s.line, last: true}
	}
	size := chunkBytes
	for {
		b := s.take(max(size, len(s.buf)+chunkBytes/2))
		b = append(b, s.buf...)
		for len(b) < cap(b) && !s.eof {
			n, err := s.r.Read(b[len(b):cap(b)])
			b = b[:len(b)+n]
			s.read += int64(n)
			if err != nil {
				s.eof = true
				if err != io.EOF {
					s.rerr = err
				}
			}
		}
		if s.eof {
			b = trimEOF(b)
			// The walker finds a line or a record longer than the limit
			// in the last block as recordScan finds it in the others.
			c := &chunk{data: b, line: s.line, last: true, err: s.rerr, errLine: math.MaxInt}
			s.buf = nil
			c.plain = bytes.IndexByte(c.data, '"') < 0
			return c
		}
		cut, plain, open, rest := boundary(b, s.width)
		if open >= 0 {
			// A record longer than the limit, starting at cut: where it
			// ends cannot be told. It is malformed, reported at its first
			// line, and the input goes on with the line after that one
			// (rest), as after any malformed record.
			c := &chunk{data: b[:cut], line: s.line, plain: bytes.IndexByte(b[:cut], '"') < 0}
			line := s.line + bytes.Count(c.data, nl)
			c.skip = recordTooLong(s.name, line, s.header, open)
			s.buf = append(s.buf[:0:0], b[rest:]...)
			s.line = line + 1
			return c
		}
		if cut > 0 {
			c := &chunk{data: b[:cut], line: s.line, plain: plain}
			s.buf = append(s.buf[:0:0], b[cut:]...)
			s.line += bytes.Count(c.data, nl)
			return c
		}
		// No whole record in the block: a long line or a long quoted
		// field. A line longer than the limit, which then starts the
		// block, is malformed: the rest of it is read past, a block at
		// a time, so that memory stays bounded however long it is, and
		// the input goes on with the next line. (A line of the limit
		// may take one byte more, the CR of a CRLF: overLimit.)
		if len(b) > MaxLineBytes+1 && bytes.IndexByte(b[:MaxLineBytes+2], '\n') < 0 {
			c := &chunk{line: s.line, plain: true, skip: lineTooLong(s.name, s.line, b)}
			s.buf, s.skipping = nil, b
			s.line++
			return c
		}
		s.buf = b
		size = 2 * len(b)
	}
}

// overLimit is csvrecord.OverLimit at MaxLineBytes.
func overLimit(b []byte, i, le int) bool { return csvrecord.OverLimit(b, i, le, MaxLineBytes) }

// lineTooLong is the malformed row of a physical line, on line line,
// longer than MaxLineBytes, which starts with head (its first
// MaxLineBytes+1 bytes, or more). A line that holds a carriage return
// not before a line feed is told so (crOnly): a file whose lines end
// with CR alone is one line, too long for any export past MaxLineBytes.
func lineTooLong(name string, line int, head []byte) *RowError {
	re := &RowError{File: name, Line: line, Reason: fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}
	re.Kind = re.Reason
	if midCR(head[:min(len(head), MaxLineBytes+1)]) {
		re.Reason += "; the line holds " + crOnly
	}
	return re
}

// skipLine reads past the rest of a line longer than the limit, which b
// (a full block without a line break in its first MaxLineBytes+1 bytes)
// starts with, to the line break that ends it, into b's memory; what
// follows the line break is kept in s.buf.
func (s *splitter) skipLine(b []byte) {
	s.buf = nil
	if j := bytes.IndexByte(b, '\n'); j >= 0 {
		s.buf = append(s.buf, b[j+1:]...)
		return
	}
	b = b[:cap(b)]
	for !s.eof {
		if s.halt != nil && s.halt() {
			s.eof = true
			return
		}
		n, err := s.r.Read(b)
		s.read += int64(n)
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
		}
		if j := bytes.IndexByte(b[:n], '\n'); j >= 0 {
			s.buf = append(s.buf, b[j+1:n]...)
			return
		}
	}
}

var nl = []byte{'\n'}

// ctrlZ is the end-of-file mark of DOS text files (SUB, Ctrl-Z).
const ctrlZ = 0x1a

// trimEOF returns the end of an input without the Ctrl-Z marks that end
// it: DOS-era tools and some ERP exports still write one (or pad with
// them) after the last line, or right after the last field. They carry
// no data; a Ctrl-Z anywhere else is text.
func trimEOF(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ctrlZ {
		b = b[:len(b)-1]
	}
	return b
}

// take returns an empty buffer of capacity at least n, recycled when one
// is free.
func (s *splitter) take(n int) []byte {
	select {
	case b := <-s.free:
		if cap(b) >= n {
			return b[:0]
		}
	default:
	}
	return make([]byte, 0, n)
}

// boundary returns the end of the last whole record of b (0 if none),
// for a block that does not end the input, and whether b holds no quote;
// width is the header's number of fields, as for recordScan. When a
// record of b is longer than the limit (see recordScan), open is the
// index of its field that is open there, cut is its start and rest the
// end of its first line, where the input goes on; open is -1 otherwise.
// Before the header is known (width 0) only the first record is judged
// so: the block then ends before such a record, and the reader cuts what
// follows the header again once it knows the width.
//
// A malformed record ends with its first line, but encoding/csv may find
// it wrong lines later (recordScan's scanned), and the column that its
// error names is that of the field where it does. So a block is never
// cut within those lines: the walker, which reads a block as if it ended
// the input, then finds the fault where a read of the whole input finds
// it, however the input is cut.
func boundary(b []byte, width int) (cut int, plain bool, open, rest int) {
	if bytes.IndexByte(b, '"') < 0 {
		return bytes.LastIndexByte(b, '\n') + 1, true, -1, 0
	}
	last, i, reach := 0, 0, 0
	for i < len(b) {
		end, scanned, open := recordScan(b, i, false, width)
		if open >= 0 && (width > 0 || i == 0) {
			return i, false, open, end
		}
		if end < 0 || open >= 0 {
			break
		}
		reach = max(reach, scanned)
		if i = end; reach <= end {
			last = end
		}
	}
	return last, false, -1, 0
}

// recordTooLong is the malformed row of a record, on line line, whose
// quoted field, field of header (when known), is still open MaxLineBytes
// bytes after the start of the record. The record is reported at its
// first line, and the input goes on with the line after that one, as
// after any malformed record: where the record ends cannot be told.
func recordTooLong(name string, line int, header []string, field int) *RowError {
	re := &RowError{File: name, Line: line,
		Reason: fmt.Sprintf("record longer than %d bytes: its quoted field is still open there (a quote missing, or a field that long)", MaxLineBytes)}
	if field < len(header) {
		re.Column = header[field]
	}
	return re
}

// recordScan is csvrecord.Scan at MaxLineBytes: the end of the record
// that starts at i (-1 when b ends before it can be told; width is the
// header's number of fields, 0 when not known), the end of what
// encoding/csv reads to tell why a malformed record is, and the field
// still open in a record longer than the limit (-1 if none).
func recordScan(b []byte, i int, eof bool, width int) (end, scanned, open int) {
	return csvrecord.Scan(b, i, eof, width, MaxLineBytes)
}

// walker splits the records of chunks into fields: a line without quotes
// by its commas, without copying (the fields alias the chunk), any other
// record with encoding/csv. Empty lines are skipped as encoding/csv does,
// and counted.
type walker struct {
	name string
	// width is the number of fields of the header, 0 before it is
	// known (see recordScan); header are its names, which errors of a
	// malformed field name.
	width  int
	header []string
	fields []string
	ends   []int32
	lines  []int // line of each field of a record read by encoding/csv
	// empty counts the empty lines that next has skipped.
	empty int64
}

// record is one record of a walk: its fields (or, for a line without
// quotes, the raw line, split on demand by walker.split), the line of its
// first field, and the line of each field (nil when all are on line).
type record struct {
	raw     string
	fields  []string
	ends    []int32 // the end of each field cut from raw (walker.cut)
	nfields int     // the number of fields, split or not
	line    int
	lines   []int
}

func (r *record) lineOf(i int) int {
	if r.lines == nil {
		return r.line
	}
	return r.lines[i]
}

// lineAt returns the end of the line of data that starts at pos, before
// its line break, and the start of the next line (len(data) at the end).
func lineAt(data []byte, pos int) (end, next int) {
	end = bytes.IndexByte(data[pos:], '\n')
	if end < 0 {
		return len(data), len(data)
	}
	return pos + end, pos + end + 1
}

// cursor is a place in a chunk: the byte at pos, on line line. skipped
// says the chunk's skip, if any, has been read.
type cursor struct {
	c         *chunk
	pos, line int
	skipped   bool
}

func newCursor(c *chunk) cursor { return cursor{c: c, line: c.line} }

// next reads the record of the chunk at cur into rec, skipping (and
// counting) empty lines as encoding/csv skips them, and moves cur past
// it. It returns a *RowError for a record that encoding/csv rejects, a
// line longer than MaxLineBytes or a record longer than the limit (rec
// then holds only the line; the next record starts on the line after
// its first), and false at the end of the chunk. After the records of
// the chunk it returns the chunk's skip, if any.
func (w *walker) next(cur *cursor, rec *record) (*RowError, bool) {
	c := cur.c
	data := c.data
	for cur.pos < len(data) {
		pos := cur.pos
		end, next := lineAt(data, pos)
		l := data[pos:end]
		if n := len(l); n > 0 && l[n-1] == '\r' && (next > end || c.last) {
			l = l[:n-1]
		}
		if len(l) > MaxLineBytes {
			*rec = record{line: cur.line}
			re := lineTooLong(w.name, cur.line, l)
			cur.pos, cur.line = next, cur.line+1
			return re, true
		}
		if len(l) == 0 {
			w.empty++
			cur.pos, cur.line = next, cur.line+1
			continue
		}
		if !c.plain && bytes.IndexByte(l, '"') >= 0 {
			// The chunk ends with a whole record: what it leaves open is
			// malformed.
			e, scanned, open := recordScan(data, pos, true, w.width)
			if open >= 0 {
				*rec = record{line: cur.line}
				re := recordTooLong(w.name, cur.line, w.header, open)
				cur.pos, cur.line = e, cur.line+1
				return re, true
			}
			re := w.quoted(data[pos:scanned], cur.line, rec)
			cur.pos = e
			cur.line += bytes.Count(data[pos:e], nl)
			return re, true
		}
		*rec = record{raw: unsafe.String(unsafe.SliceData(l), len(l)), line: cur.line}
		cur.pos, cur.line = next, cur.line+1
		return nil, true
	}
	if c.skip != nil && !cur.skipped {
		cur.skipped = true
		*rec = record{line: c.skip.Line}
		re := *c.skip
		return &re, true
	}
	return nil, false
}

// walk calls fn for each record of c in order, with a *RowError for a
// record that encoding/csv rejects or that is longer than the limit,
// until fn returns false. It returns the error that ends the input in c
// (a read error) with its line, or nil.
func (w *walker) walk(c *chunk, fn func(r *record, re *RowError) bool) (error, int) {
	cur := newCursor(c)
	var rec record
	for {
		re, ok := w.next(&cur, &rec)
		if !ok {
			break
		}
		if !fn(&rec, re) {
			return nil, 0
		}
	}
	if c.err != nil {
		return c.err, c.errLine
	}
	return nil, 0
}

// split splits the raw line of r at its commas, into fields that alias
// it: the first n fields only (all when n ≤ 0), the others are counted.
func (w *walker) split(r *record, n int) {
	w.cut(r, n)
	w.strings(r)
}

// strings sets the fields of a record cut by walker.cut.
func (w *walker) strings(r *record) {
	fields := w.fields[:0]
	start := 0
	for _, e := range r.ends {
		fields = append(fields, r.raw[start:e])
		start = int(e) + 1
	}
	w.fields = fields
	r.fields = fields
}

// cut finds the ends of the first n fields of the raw line of r (all
// when n ≤ 0) and counts its fields.
//
// The line is read eight bytes at a time, and the commas of each word
// found at once (SWAR: the zero bytes of the word xor ",,,,,,,,"; H. S.
// Warren, "Hacker's Delight", 2nd ed., § 6-1, the exact test, which has
// no false positives), so that the short fields of a sales export cost
// no call each.
func (w *walker) cut(r *record, n int) {
	s := r.raw
	if n <= 0 || n > len(s)+1 {
		n = len(s) + 1
	}
	if cap(w.ends) < n {
		w.ends = make([]int32, n)
	}
	ends := w.ends[:n]
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	k, more, i := 0, 0, 0
	for ; i+8 <= len(b); i += 8 {
		for m := commaBits(binary.LittleEndian.Uint64(b[i:])); m != 0; m &= m - 1 {
			if k == n {
				more += bits.OnesCount64(m)
				break
			}
			ends[k] = int32(i + bits.TrailingZeros64(m)>>3)
			k++
		}
	}
	for ; i < len(b); i++ {
		if b[i] == ',' {
			if k == n {
				more++
				continue
			}
			ends[k] = int32(i)
			k++
		}
	}
	r.nfields = k + more + 1
	if k < n {
		ends[k] = int32(len(s))
		k++
	}
	r.ends = ends[:k]
}

// at returns field i of a record split by encoding/csv or cut, i below
// the fields cut.
func (r *record) at(i int) string {
	if r.fields != nil {
		return r.fields[i]
	}
	start := 0
	if i > 0 {
		start = int(r.ends[i-1]) + 1
	}
	return r.raw[start:r.ends[i]]
}

const (
	swarLow7  = 0x7f7f7f7f7f7f7f7f
	swarComma = 0x2c2c2c2c2c2c2c2c
)

// commaBits returns the top bit of each byte of the little-endian word x
// that is a comma, and no other bit.
func commaBits(x uint64) uint64 {
	x ^= swarComma
	return ^((x&swarLow7 + swarLow7) | x | swarLow7)
}

// blank reports whether r, a record that encoding/csv reads, is a blank
// row (salesrow.Blank): for a line without quotes, whether it holds
// only commas and spaces, which is whether each field between its
// commas is empty once trimmed.
func (r *record) blank() bool {
	if r.raw == "" {
		return salesrow.Blank(r.fields)
	}
	return strings.TrimFunc(r.raw, isCommaOrSpace) == ""
}

// tailBlank reports whether the fields of r from field i on are all empty
// once trimmed of spaces; r has more than i fields.
func (r *record) tailBlank(i int) bool {
	if r.raw == "" {
		return i < len(r.fields) && salesrow.Blank(r.fields[i:])
	}
	s := r.raw
	for ; i > 0; i-- {
		j := strings.IndexByte(s, ',')
		if j < 0 {
			return false
		}
		s = s[j+1:]
	}
	return strings.TrimFunc(s, isCommaOrSpace) == ""
}

func isCommaOrSpace(c rune) bool { return c == ',' || unicode.IsSpace(c) }

// field returns field i of the raw line of r, and false when the line has
// fewer fields.
func (r *record) field(i int) (string, bool) {
	s := r.raw
	for ; i > 0; i-- {
		j := strings.IndexByte(s, ',')
		if j < 0 {
			return "", false
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, ','); j >= 0 {
		s = s[:j]
	}
	return s, true
}

// quoted reads b, one record that starts on line line as recordScan
// cuts it, with encoding/csv into rec. A malformed record is reported at
// the line where it starts, for the reason encoding/csv gives, naming the
// column of the field where encoding/csv found the fault, and its text
// as written (csvfault.Locate), once the header is known.
func (w *walker) quoted(b []byte, line int, rec *record) *RowError {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	fields, err := cr.Read()
	if err != nil {
		*rec = record{line: line}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			re := &RowError{File: w.name, Line: line + pe.StartLine - 1, Reason: pe.Err.Error(), Kind: pe.Err.Error()}
			f := csvfault.Locate(string(b), pe)
			re.Reason = f.Reason
			if f.Field < len(w.header) {
				re.Column = w.header[f.Field]
				re.Value, re.HasValue = f.Text, true
			}
			return re
		}
		return &RowError{File: w.name, Line: line, Reason: err.Error()}
	}
	w.lines = w.lines[:0]
	for i := range fields {
		l, _ := cr.FieldPos(i)
		w.lines = append(w.lines, line+l-1)
	}
	*rec = record{fields: fields, nfields: len(fields), line: w.lines[0], lines: w.lines}
	return nil
}
