package input

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The texts that the rules read, customer_id, order_id and category, are
// checked: the IDs as customer.Validate checks an ID, valid UTF-8 without
// control characters, and without a byte order mark; the category, which
// may hold a line break (a quoted field over two lines), for UTF-8 only.
// A file saved in Latin-1 or Windows-1252 ("Müller" as M 0xFC ller) would
// otherwise pass its bytes on to the output, which would then be no UTF-8
// either, while the HTML report showed U+FFFD in their place; and the
// same customer in a UTF-8 export would be another. The row is
// malformed, with the column and a hint on converting the file;
// -skip-invalid skips it. Columns that are not read are not checked.

// notUTF8 is the reason of a text that is not UTF-8.
const notUTF8 = "not UTF-8: the file may be Latin-1/Windows-1252; convert it with iconv -f WINDOWS-1252 -t UTF-8"

// controlChar is the reason of a text that holds a control character (a
// line break, a tab, NUL: unicode.IsControl): a broken export, a line
// end taken into a field, which would break every line-based output the
// text is written to.
const controlChar = "holds a control character"

// bomInID is the reason of an ID that holds a byte order mark (U+FEFF):
// an invisible character, which would make the ID another than the one
// it shows. A file put after another without its header (cat a.csv
// b.csv) brings it to the start of its first line.
const bomInID = "holds a byte order mark (U+FEFF, invisible): a second file put after the first (cat a.csv b.csv) starts with one; remove it"

// Bytes of a word, for the checks a word at a time.
const (
	wordOnes = 0x0101010101010101
	wordHigh = 0x8080808080808080
	word60   = 0x6060606060606060
)

// printable reports whether s is printable ASCII only, 0x20 to 0x7e, as
// the IDs and categories of most exports are: eight bytes at a time, with
// no call. A byte b < 0x80 is ≥ 0x20 when b + 0x60 sets its top bit, and
// is 0x7f when b + 1 does; no sum carries into the next byte.
func printable(s string) bool {
	n := len(s)
	if n < 8 {
		for i := 0; i < n; i++ {
			if b := s[i]; b < 0x20 || b >= 0x7f {
				return false
			}
		}
		return true
	}
	// The last word overlaps the one before it when n is no multiple
	// of 8.
	for i := 0; ; i += 8 {
		if i+8 > n {
			i = n - 8
		}
		w := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if w&wordHigh != 0 || (w+wordOnes)&wordHigh != 0 || (w+word60)&wordHigh != wordHigh {
			return false
		}
		if i+8 == n {
			return true
		}
	}
}

// idProblem returns why s cannot be an ID (not UTF-8, or holding a
// control character or a byte order mark), "" when it can. Printable ASCII, the common case,
// costs no call beyond printable.
func idProblem(s string) string {
	if printable(s) {
		return ""
	}
	if !utf8.ValidString(s) {
		return notUTF8
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return controlChar
	}
	if strings.Contains(s, "\ufeff") {
		return bomInID
	}
	return ""
}

// textProblem returns why s cannot be a category (not UTF-8), "" when it
// can.
func textProblem(s string) string {
	if printable(s) || utf8.ValidString(s) {
		return ""
	}
	return notUTF8
}

// textsOK reports whether the customer ID id, the order ID order and the
// category cat of a row pass checkTexts.
func textsOK(id, order, cat string) bool {
	return (printable(id) || idProblem(id) == "") && (printable(order) || idProblem(order) == "") &&
		(printable(cat) || textProblem(cat) == "")
}

// checkTexts checks the texts of a parsed row, customer_id, order_id and
// category, whose fields are at the indices id, order and cat of the
// record (-1 for an absent column); lineOf gives the line of a field.
func checkTexts(name string, r *Row, id, order, cat int, lineOf func(int) int) *RowError {
	for _, f := range [...]struct {
		col, s string
		i      int
		check  func(string) string
	}{{ColCustomerID, r.CustomerID, id, idProblem}, {ColOrderID, r.OrderID, order, idProblem}, {ColCategory, r.Category, cat, textProblem}} {
		if why := f.check(f.s); why != "" {
			line := r.Line
			if f.i >= 0 && lineOf != nil {
				line = lineOf(f.i)
			}
			return valueError(name, line, f.col, f.s, why)
		}
	}
	return nil
}
