// Package csvrecord tells where the csv records of an input start and
// end, the way encoding/csv reads them (comma ',', no lazy quotes), with
// the rules by which a record that encoding/csv reads may still be no row
// of the file: a record that encoding/csv rejects, or that a stray quote
// makes run over lines that are rows of their own, or that is longer than
// a limit, is malformed and ends with its first line, so that one wrong
// quote costs one line.
//
// A quoted field may hold line breaks, so a record may span lines. The
// crm command cuts its input into blocks at record ends found so; the
// Beam pipeline finds, from any byte offset of a file, the first record
// that starts there or after with the same functions, so that both read
// the same records.
package csvrecord

import "bytes"

// MaxLineBytes bounds the length of one physical line, without its line
// break (LF, or CRLF), and of a csv record from its start to the last
// line break a quoted field may take in. A line or a record longer than
// that is a malformed row, reported at its first line.
const MaxLineBytes = 1 << 20

// OverLimit reports whether the line or the record of b from i to le,
// the index of its last line feed (len(b) when b ends the input there),
// is longer than limit without its line break: the line feed, and a
// carriage return before it or at the end of the input, as the CRLF line
// ends of an export (a reader leaves such a carriage return out of the
// line). With le = len(b) where b does not end the input, it reports
// whether the record is longer than the limit whatever follows (a line
// feed right after a carriage return at the end of b may still make it
// one of the limit).
func OverLimit(b []byte, i, le, limit int) bool {
	n := le - i
	if n > 0 && b[le-1] == '\r' {
		n--
	}
	return n > limit
}

// End returns the end of the record that starts at i: the index after
// the line break that ends it, or len(b) when eof says that b ends the
// input and the record runs to its end. It returns -1 when b ends before
// the record can be told (never when eof is set).
//
// It follows encoding/csv (comma ',', no lazy quotes): a field starting
// with a quote runs to the closing quote, across lines. A record that
// encoding/csv rejects is malformed: a quote in an unquoted field, a
// closing quote followed by anything but a comma or the end of the line,
// or a quoted field that the input leaves open. A quoted field still
// open limit bytes after the start of its record makes the record longer
// than the limit (see Scan), the bound that keeps a stray quote from
// taking the rest of the file into one record.
//
// A stray quote that opens a field and is closed by another one lines
// later, as the inch mark of `W32"` may close it, makes a record that
// encoding/csv reads but that is no row of the file. So, when width (the
// header's number of fields; 0 when not known) is set, a record that
// runs over several lines is malformed too when it has not width fields,
// or when its quoted field takes in a line without quotes that has width
// fields, a row of its own. A line break within a field of free text
// passes both tests, unless the text has as many commas as a row.
//
// A malformed record ends with its first line, whatever follows: a
// reader reports it at that line and goes on with the next one, so that
// one wrong quote costs one line, and the lines after it are read.
func End(b []byte, i int, eof bool, width, limit int) int {
	end, _, _ := Scan(b, i, eof, width, limit)
	return end
}

// Scan is End, and also returns the end of the line where encoding/csv
// finds a malformed record wrong (the end of its first line for a quoted
// field left open), which is end for any other record: b[i:scanned] is
// what encoding/csv reads to tell why the record is malformed.
//
// A record whose first line fits within limit but whose quoted field is
// still open limit bytes after the start of the record (its last line
// break not counted, a CRLF as an LF: OverLimit) is longer than the
// limit: open is then the index of that field (and end and scanned are
// those of a malformed record), else -1. Whether a record is longer than
// the limit depends only on its first limit+2 bytes, so it is told the
// same in a block that ends the input and in one that does not. Such a
// record is malformed, reported at its first line, and the input goes on
// with the line after that one: where it ends cannot be told, and a
// field that long is more than a reader keeps in memory for one record.
// A line within the limit that shows the quote to be stray (a row of its
// own, above) makes it a malformed record of the usual kind instead
// (open -1).
//
// So a record that ends past the line break of its first line is one
// that encoding/csv reads, and it ends at most limit+2 bytes after i.
func Scan(b []byte, i int, eof bool, width, limit int) (end, scanned, open int) {
	first := LineEnd(b, i, eof)
	if first < 0 {
		return -1, -1, -1
	}
	bad := min(first+1, len(b)) // the end of a malformed record
	le, f := first, i
	fields := 1
	// whole returns the end of the record, which ends at the line break
	// le, or that of a malformed one.
	whole := func() (int, int, int) {
		if width > 0 && le > first && fields != width {
			return bad, bad, -1
		}
		return min(le+1, len(b)), min(le+1, len(b)), -1
	}
	// tooLong is the outcome of a record still open past the limit; a
	// first line over the limit is a line too long, the reader's error.
	tooLong := func() (int, int, int) {
		if OverLimit(b, i, first, limit) {
			return bad, bad, -1
		}
		return bad, bad, fields - 1
	}
	for {
		if f < le && b[f] == '"' {
			p := f + 1
			for {
				q := bytes.IndexByte(b[p:], '"')
				closed := q >= 0
				if closed {
					q += p
				} else {
					q = len(b) + 1 // past every line of b
				}
				for q > le {
					next := le + 1
					if next >= len(b) && eof {
						if OverLimit(b, i, len(b), limit) {
							return tooLong()
						}
						return bad, bad, -1 // left open
					}
					if le = LineEnd(b, next, eof); le < 0 {
						if OverLimit(b, i, len(b), limit) {
							return tooLong()
						}
						return -1, -1, -1
					}
					if OverLimit(b, i, le, limit) {
						return tooLong()
					}
					if q > le && WholeRow(b[next:le], width) {
						return bad, bad, -1
					}
				}
				switch {
				case q+1 < le && b[q+1] == '"':
					p = q + 2
					continue
				case q+1 < le && b[q+1] == ',':
					f = q + 2
					fields++
				case q+1 == le || q+2 == le && b[q+1] == '\r':
					// `"` at the end of the line (encoding/csv reads `\r\n`,
					// and `\r` at the end of the input, as `\n`).
					return whole()
				default:
					return bad, min(le+1, len(b)), -1
				}
				break
			}
			continue
		}
		c := bytes.IndexByte(b[f:le], ',')
		fe := le
		if c >= 0 {
			fe = f + c
		}
		if bytes.IndexByte(b[f:fe], '"') >= 0 {
			return bad, min(le+1, len(b)), -1
		}
		if c < 0 {
			return whole()
		}
		f = fe + 1
		fields++
	}
}

// WholeRow reports whether line, which holds no quote, has the header's
// number of fields, width, when that is known and more than one: a line
// that a quoted field would take in, but that reads as a row of its own.
func WholeRow(line []byte, width int) bool {
	return width > 1 && bytes.Count(line, []byte{','}) == width-1
}

// LineEnd returns the index of the line break of the line that starts at
// i; when b has none, len(b) if eof says that b ends the input and the
// line is not empty, else -1.
func LineEnd(b []byte, i int, eof bool) int {
	j := bytes.IndexByte(b[i:], '\n')
	if j < 0 {
		if eof && i < len(b) {
			return len(b)
		}
		return -1
	}
	return i + j
}
