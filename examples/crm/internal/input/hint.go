package input

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tailorcrm/tailor/customer"
)

// notDecimal is the reason salesrow gives for an amount or a cost that
// does not parse.
const notDecimal = "not a decimal number"

// Hints for amounts formatted for people rather than for programs.
const (
	hintSign     = "write it as a plain number, without a currency sign or code (the currency goes in the currency column, or -currency)"
	hintComma    = "write it with a decimal point and without thousands separators (1234.50, not 1.234,50 or 1,234.50)"
	hintParen    = "write a negative amount with a leading minus sign (-10.50), not in parentheses"
	hintTrailing = "write a negative amount with a leading minus sign (-10.50), not a trailing one"
)

// withAmountHint returns reason, the reason an amount or a cost v was
// refused for, with a hint appended when v is a number as spreadsheets
// and ERP systems format money for people: with a currency sign or an
// ISO 4217 code ("€12.50", "12.50 EUR"), a decimal comma or thousands
// separators ("12,50", "1.234,50", "1,234.50"), a negative in
// parentheses ("(10.50)") or with a trailing minus ("12.50-"). Such an
// amount is not read (which separator is the decimal one cannot always
// be told: 1,234 may be 1.234 or 1234), but the error says what to
// write instead. It runs on the error path only.
func withAmountHint(reason, v string) string {
	if reason != notDecimal {
		return reason
	}
	if h := amountHint(strings.TrimSpace(v)); h != "" {
		return reason + "; " + h
	}
	return reason
}

func amountHint(s string) string {
	n := len(s)
	switch {
	case n > 2 && s[0] == '(' && s[n-1] == ')' && numberish(s[1:n-1]):
		return hintParen
	case n > 1 && s[n-1] == '-' && numberish(s[:n-1]):
		return hintTrailing
	}
	if t, ok := stripCurrency(s); ok && numberish(t) {
		return hintSign
	}
	if numberish(s) && (strings.ContainsAny(s, ", '\u00a0") || strings.Count(s, ".") > 1) {
		return hintComma
	}
	return ""
}

// numberish reports whether s is digits with separators (points,
// commas, spaces, apostrophes), after an optional sign, with a digit.
func numberish(s string) bool {
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r == '.' || r == ',' || r == ' ' || r == '\'' || r == '\u00a0':
		default:
			return false
		}
	}
	return digit
}

// stripCurrency returns s without a currency sign (Unicode category Sc:
// €, $, £, ¥) or an ISO 4217 code at its start or its end (after a
// leading minus), and whether it had one.
func stripCurrency(s string) (string, bool) {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	found := false
	s = strings.TrimSpace(s)
	if r, n := utf8.DecodeRuneInString(s); n > 0 && unicode.Is(unicode.Sc, r) {
		s, found = s[n:], true
	} else if len(s) > 3 && isCurrencyCode(s[:3]) {
		s, found = s[3:], true
	}
	s = strings.TrimSpace(s)
	if r, n := utf8.DecodeLastRuneInString(s); n > 0 && unicode.Is(unicode.Sc, r) {
		s, found = s[:len(s)-n], true
	} else if len(s) > 3 && isCurrencyCode(s[len(s)-3:]) {
		s, found = s[:len(s)-3], true
	}
	return sign + strings.TrimSpace(s), found
}

// isCurrencyCode reports whether s is an ISO 4217 code, in any case.
func isCurrencyCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	_, err := customer.ParseCurrency(strings.ToUpper(s))
	return err == nil
}

// Hints for dates written for people.
const (
	hintSerial    = "a spreadsheet's serial day number? format the column as dates (YYYY-MM-DD) before saving"
	hintDayMonth  = "day and month cannot be told apart in D/M/Y and M/D/Y dates (05/03/2024 may be 5 March or 3 May): write dates as YYYY-MM-DD"
	hintYearFirst = "write it as %04d-%02d-%02d: YYYY-MM-DD, with hyphens and a two-digit month and day"
	hintOffset    = "write the offset with a colon, %s"
	hintOffsetSp  = "write the offset with a colon, %s, right after the time"
)

var (
	serialDay   = regexp.MustCompile(`^[0-9]{1,5}(\.[0-9]+)?$`)
	compactDay  = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})$`)
	yearFirst   = regexp.MustCompile(`^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$`)
	dayMonth    = regexp.MustCompile(`^[0-9]{1,2}[-/.][0-9]{1,2}[-/.]([0-9]{2}|[0-9]{4})$`)
	offsetNoCol = regexp.MustCompile(`[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?( ?)([+-])([0-9]{2})([0-9]{2})$`)
)

// withDateHint returns reason, the reason a date v was refused for, with
// a hint appended when v is a date as spreadsheets and ERP systems write
// them for people: a serial day number (45356), day and month first
// (05/03/2024, which may be either), year first with other separators or
// without zeros (2024/03/05, 2024-3-5, 20240305), or a time offset
// without its colon (+0100). None is read, but the error says what to
// write instead. It runs on the error path only.
func withDateHint(reason, v string) string {
	if reason != customer.WantDay {
		return reason
	}
	if h := dateHint(strings.TrimSpace(v)); h != "" {
		return reason + "; " + h
	}
	return reason
}

func dateHint(s string) string {
	if s == "" {
		return ""
	}
	if m := offsetNoCol.FindStringSubmatch(s); m != nil {
		off := m[4] + m[5] + ":" + m[6]
		if m[3] == " " {
			return fmt.Sprintf(hintOffsetSp, off)
		}
		return fmt.Sprintf(hintOffset, off)
	}
	day := s
	if i := strings.IndexAny(s, " T"); i > 0 {
		day = s[:i] // a time after the day
	}
	if m := compactDay.FindStringSubmatch(day); m != nil {
		if h := yearFirstHint(m[1], m[2], m[3]); h != "" {
			return h
		}
	}
	switch {
	case serialDay.MatchString(s):
		return hintSerial
	case dayMonth.MatchString(day):
		return hintDayMonth
	}
	if m := yearFirst.FindStringSubmatch(day); m != nil {
		return yearFirstHint(m[1], m[2], m[3])
	}
	return ""
}

// yearFirstHint is the hint for a valid day of year y, month m and day d
// written otherwise than YYYY-MM-DD; "" when they are no day.
func yearFirstHint(y, m, d string) string {
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	if yy < 1900 || mm < 1 || mm > 12 || dd < 1 || dd > daysIn(yy, time.Month(mm)) {
		return ""
	}
	return fmt.Sprintf(hintYearFirst, yy, mm, dd)
}
