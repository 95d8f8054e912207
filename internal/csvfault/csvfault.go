// Package csvfault says where in a csv record encoding/csv found a
// fault: the field it is in, that field's text as written, and the
// reason, with a hint for the commonest cause of a bare quote. The crm
// command and the Beam pipeline word their errors of a malformed row
// with it, so that they say the same.
package csvfault

import (
	"encoding/csv"
	"errors"
	"strings"
)

// Fault is a csv.ParseError placed in its record.
type Fault struct {
	// Field is the index of the field in which encoding/csv found the
	// fault.
	Field int
	// Text is that field's text as written, quotes and all (FieldText).
	Text string
	// Reason is encoding/csv's reason, with HintSpaceQuote after it for
	// a bare quote in a field that opens with spaces and a quote.
	Reason string
}

// Locate places pe in record b, the text encoding/csv read, whose first
// line is pe.StartLine.
func Locate(b string, pe *csv.ParseError) Fault {
	i := fieldAt(b, offsetOf(b, pe.Line-pe.StartLine+1, pe.Column))
	f := Fault{Field: i, Text: FieldText(b, i), Reason: pe.Err.Error()}
	if errors.Is(pe.Err, csv.ErrBareQuote) && spaceThenQuote(f.Text) {
		f.Reason += HintSpaceQuote
	}
	return f
}

// HintSpaceQuote ends the reason of a field that opens with spaces and a
// quote (`a, "b"`, as a program that joins quoted fields with ", "
// writes it): a quote opens a quoted field only right after the comma
// (RFC 4180, § 2), so encoding/csv finds a bare quote there.
const HintSpaceQuote = "; a quote after a space opens no quoted field: remove the spaces between the commas and the quotes"

// spaceThenQuote reports whether the field text s is spaces or tabs, at
// least one, then a quote.
func spaceThenQuote(s string) bool {
	t := strings.TrimLeft(s, " \t")
	return len(t) < len(s) && strings.HasPrefix(t, `"`)
}

// offsetOf returns the offset in b of the byte at column col (1-based) of
// line ln (1-based) of b, as a csv.ParseError places its fault, or len(b)
// past its end.
func offsetOf(b string, ln, col int) int {
	off := 0
	for ; ln > 1; ln-- {
		i := strings.IndexByte(b[off:], '\n')
		if i < 0 {
			return len(b)
		}
		off += i + 1
	}
	return min(off+max(col-1, 0), len(b))
}

// fieldAt returns the index of the field of the csv record b that holds
// the byte at offset off: the separators before it that are not within
// quotes.
func fieldAt(b string, off int) int {
	field, quoted, start := 0, false, true
	for i := 0; i < off && i < len(b); i++ {
		switch c := b[i]; {
		case start && c == '"':
			quoted, start = true, false
		case quoted && c == '"':
			if i+1 < off && b[i+1] == '"' {
				i++ // an escaped quote
			} else {
				quoted = false
			}
		case !quoted && c == ',':
			field++
			start = true
		default:
			start = false
		}
	}
	return field
}

// FieldText returns the text of field i of the csv record b as written,
// quotes and all, for an error about a malformed field: from its start
// to the next separator on its line, which for a field that starts with
// a quote is the first one after the quote that closes it, or to the end
// of the line when no quote closes it there (its separators may be the
// fault).
func FieldText(b string, i int) string {
	start, quoted, first := 0, false, true
	for j := 0; j < len(b) && i > 0; j++ {
		switch c := b[j]; {
		case first && c == '"':
			quoted, first = true, false
		case quoted && c == '"':
			if j+1 < len(b) && b[j+1] == '"' {
				j++ // an escaped quote
			} else {
				quoted = false
			}
		case !quoted && c == ',':
			i--
			start, first = j+1, true
		case !quoted && (c == '\n' || c == '\r'):
			return "" // the record has no field i
		default:
			first = false
		}
	}
	t := b[start:]
	if k := strings.IndexAny(t, "\r\n"); k >= 0 {
		t = t[:k]
	}
	from := 0 // where the separator that ends the field may be
	if len(t) > 0 && t[0] == '"' {
		from = len(t) // open to the end of the line, unless closed on it
		for j := 1; j < len(t); j++ {
			if t[j] == '"' {
				if j+1 < len(t) && t[j+1] == '"' {
					j++
					continue
				}
				from = j + 1
				break
			}
		}
	}
	if k := strings.IndexByte(t[from:], ','); k >= 0 {
		t = t[:from+k]
	}
	return t
}
