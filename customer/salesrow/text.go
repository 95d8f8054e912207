package salesrow

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NotUTF8 is the reason given for a customer_id, an order_id or a
// category that is not valid UTF-8, as the text of an export saved in
// Latin-1 or Windows-1252 is ("Müller" as M 0xFC ller).
const NotUTF8 = "not UTF-8: the file may be Latin-1/Windows-1252; convert it with iconv -f WINDOWS-1252 -t UTF-8"

// NotUTF8GB is the reason given for a text that is not valid UTF-8 and
// reads as Chinese in GB18030, as the text of an export
// saved in GBK or GB18030 does ("张三" as 0xD5 0xC5 0xC8 0xFD): Excel on
// a Chinese Windows and many Chinese ERP and POS systems save CSV so.
// GB18030 holds GBK and GB2312, so its conversion is right for all three.
const NotUTF8GB = "not UTF-8: the file may be GBK/GB18030 (Chinese, as Excel saves CSV on a Chinese Windows); convert it with iconv -f GB18030 -t UTF-8"

// NotUTF8Either is the reason given for a text that is not valid UTF-8
// and that may as well be Chinese in GB18030 as Latin-1 or Windows-1252
// text: one character of two bytes, both of which
// Windows-1252 shows as letters ("男" as 0xC4 0xD0 is "ÄÐ"; "ção" has
// two such bytes), or characters of both shapes.
const NotUTF8Either = "not UTF-8: the file may be GBK/GB18030 (Chinese) or Latin-1/Windows-1252; convert it with iconv -f GB18030 -t UTF-8 or iconv -f WINDOWS-1252 -t UTF-8, whichever shows the text right"

// NotUTF8Cut is the reason given for a text that is UTF-8 but for its
// last character, cut short, after a character of three or four bytes
// (as Chinese is in UTF-8): a field cut to a number of bytes, as
// exports of fixed-width fields and some ERP systems cut one. The file
// is UTF-8, so a conversion from another encoding would corrupt it.
const NotUTF8Cut = "not UTF-8: UTF-8 cut short within its last character, as a field cut to a number of bytes is; no conversion mends it: export the text whole"

// ControlChar is the reason given for an ID that holds a control
// character (a line break, a tab, NUL: [unicode.IsControl]): a broken
// export, a line end taken into a field, which would break every
// line-based output the ID is written to.
const ControlChar = "holds a control character"

// BOMInID is the reason given for an ID that holds a byte order mark
// (U+FEFF): an invisible character, which would make the ID another than
// the one it shows. A file put after another without its header (cat
// a.csv b.csv) brings it to the start of its first line.
const BOMInID = "holds a byte order mark (U+FEFF, invisible): a second file put after the first (cat a.csv b.csv) starts with one; remove it"

// Bytes of a word, for the checks a word at a time.
const (
	wordOnes = 0x0101010101010101
	wordHigh = 0x8080808080808080
	word60   = 0x6060606060606060
)

// Printable reports whether s is printable ASCII only, 0x20 to 0x7e, as
// the IDs and categories of most exports are; such a text passes
// [IDProblem] and [TextProblem]. It reads eight bytes at a time and calls
// nothing, for a reader's fast path. A byte b < 0x80 is ≥ 0x20 when
// b + 0x60 sets its top bit, and is 0x7f when b + 1 does; no sum carries
// into the next byte.
func Printable(s string) bool {
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

// IDProblem returns why s cannot be a customer_id or an order_id, ""
// when it can: [NotUTF8], [NotUTF8GB], [NotUTF8Either] or [NotUTF8Cut]
// when s is not valid UTF-8, by what its bytes look like, [ControlChar] when
// it holds a control character, [BOMInID] when it holds a byte order
// mark. These are the rules of [customer.Validate] for an ID, with the
// byte order mark besides. Printable ASCII, the common case, costs no
// call beyond [Printable].
func IDProblem(s string) string {
	if Printable(s) {
		return ""
	}
	if !utf8.ValidString(s) {
		return notUTF8(s)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return ControlChar
	}
	if strings.Contains(s, "\ufeff") {
		return BOMInID
	}
	return ""
}

// TextProblem returns why s cannot be a category, "" when it can:
// [NotUTF8], [NotUTF8GB], [NotUTF8Either] or [NotUTF8Cut] when s is not
// valid UTF-8.
// A category may hold a line break (a quoted field over two lines) or
// any other character.
func TextProblem(s string) string {
	if Printable(s) || utf8.ValidString(s) {
		return ""
	}
	return notUTF8(s)
}

// checkTexts checks the texts of a parsed row r, the customer_id, the
// order_id and the category, with [IDProblem] and [TextProblem].
func (l *Layout) checkTexts(r *Row) *FieldError {
	if why := IDProblem(r.CustomerID); why != "" {
		return valueError(l.CustomerID, ColCustomerID, r.CustomerID, why)
	}
	if why := IDProblem(r.OrderID); why != "" {
		return valueError(l.OrderID, ColOrderID, r.OrderID, why)
	}
	if why := TextProblem(r.Category); why != "" {
		return valueError(l.Category, ColCategory, r.Category, why)
	}
	return nil
}
