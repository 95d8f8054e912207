package salesrow

import (
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
)

// FullWidthToASCII returns s with the full-width forms of ASCII
// (U+FF01–U+FF5E: "１２．５０", "ＣＮＹ", as Chinese and Japanese input
// methods type them) and the ideographic space (U+3000) written as
// their ASCII characters, and whether it changed any. Everything else,
// a byte that is not UTF-8 among it, is kept as it is. It is for hints
// on a refused field, which say what to write instead: no field is
// read so folded.
func FullWidthToASCII(s string) (string, bool) {
	i := strings.IndexFunc(s, fullWidth)
	if i < 0 {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= 0xff01 && r <= 0xff5e:
			b.WriteByte(byte(r - 0xfee0))
		case r == '\u3000':
			b.WriteByte(' ')
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String(), true
}

// fullWidth reports whether FullWidthToASCII folds r.
func fullWidth(r rune) bool {
	return r >= 0xff01 && r <= 0xff5e || r == '\u3000'
}

// fullWidthInteger returns the integer that s, a quantity that is not
// read, is once its full-width forms are ASCII ("１０", "－２"), and
// whether it is one. The hint writes the integer, not s so folded, which
// may hold any number of leading zeros.
func fullWidthInteger(s string) (int, bool) {
	a, changed := FullWidthToASCII(s)
	if !changed {
		return 0, false
	}
	n, why := ParseUnits(a)
	return n, why == ""
}

// CurrencyHint is the hint appended to the reason of a currency s that
// is no ISO 4217 code (a row's currency field, a command's flag),
// starting with "; ", or "" when there is none: the code of the
// renminbi for the names Chinese exports give it (RMB, 人民币, 元), the
// two codes of the sign ¥ (yuan and yen, in its half- and full-width
// forms), and the code in ASCII letters for one typed in full-width
// letters ("ＣＮＹ").
func CurrencyHint(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "RMB", "人民币", "元":
		return "; the renminbi's is CNY"
	case "¥", "￥":
		return "; " + s + " is the sign of the yuan and of the yen: write CNY or JPY"
	}
	if a, changed := FullWidthToASCII(s); changed {
		if c, err := customer.ParseCurrency(strings.ToUpper(a)); err == nil {
			return "; write it in ASCII letters: " + string(c)
		}
	}
	return ""
}

// FullWidthCommas returns the hint appended to the reason of a row of
// the fields rec, fewer than the header's header fields, when its full-
// width commas ("，", U+FF0C, as a Chinese input method types a comma)
// would make up the difference as separators and look like separators:
// the row has no ASCII comma at all, or holds two full-width commas or
// more, or a text beside one of them is a number or begins with a date
// (YYYY-MM-DD), as the fields of a sales row are. One full-width comma
// in a text such as a category ("上衣，裤子") of a row that lacks a field
// gets no hint. "" otherwise. It runs on the error path only.
func FullWidthCommas(rec []string, header int) string {
	if len(rec) >= header {
		return ""
	}
	n := 0
	for _, f := range rec {
		n += strings.Count(f, "，")
	}
	if n == 0 || len(rec)+n < header {
		return ""
	}
	if len(rec) > 1 && n < 2 && !fieldBesideFullWidthComma(rec) {
		return ""
	}
	return `; the fields look separated by "，" (full-width commas): separate them with ASCII commas`
}

// fieldBesideFullWidthComma reports whether a text beside a full-width
// comma in a field of rec is a decimal number or begins with a date.
func fieldBesideFullWidthComma(rec []string) bool {
	for _, f := range rec {
		if !strings.Contains(f, "，") {
			continue
		}
		for part := range strings.SplitSeq(f, "，") {
			part = strings.TrimSpace(part)
			if _, err := decimal.NewFromString(part); err == nil && !strings.ContainsAny(part, "eE") {
				return true
			}
			if len(part) >= 10 && part[4] == '-' && part[7] == '-' && isDigits(part[:4]) && isDigits(part[5:7]) && isDigits(part[8:10]) {
				return true
			}
		}
	}
	return false
}
