package input

import (
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// The fast path of [ScanCSV] parses the common shapes of fields without
// allocating: amounts as int64 counts of 10⁻⁴ (fixScale decimals), dates
// of the form YYYY-MM-DD, also with a time of day or an RFC 3339
// timestamp after it (clockTime), small integers. Anything else (more
// decimals, an exponent-free but huge number, a value that is not valid)
// goes to the exact parser of [layout.parse], so both paths accept the
// same rows with the same values and reject the others with the same
// errors.

// fixScale is the number of decimals of a fixed-point amount.
const fixScale = 4

// fixIntDigits bounds the integer digits of a fixed-point amount, so that
// an amount is below 10¹⁸ in units of 10⁻⁴.
const fixIntDigits = 14

var fixPow = [...]int64{1, 10, 100, 1000, 10000}

// parseFixed parses an optional sign, 1 to fixIntDigits digits and
// optionally a point followed by 1 to fixScale digits, returning the value
// in units of 10⁻⁴. ok is false for any other text, which the decimal
// parser then judges.
func parseFixed(s string) (v int64, ok bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		neg = true
		i = 1
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		v = v*10 + int64(s[i]-'0')
		i++
	}
	n := i - start
	if n == 0 || n > fixIntDigits {
		return 0, false
	}
	frac := 0
	if i < len(s) {
		if s[i] != '.' {
			return 0, false
		}
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			v = v*10 + int64(s[i]-'0')
			i++
		}
		frac = i - fs
		if frac == 0 || frac > fixScale || i != len(s) {
			return 0, false
		}
	}
	v *= fixPow[fixScale-frac]
	if neg {
		v = -v
	}
	return v, true
}

// clockTime reports whether t, what follows YYYY-MM-DD in a date field,
// is a time of day that salesrow.ParseDate reads on the day written:
// 'T', 't' or a space, then
//
//   - hh:mm, hh:mm:ss or hh:mm:ss.fraction without offset: a local
//     wall-clock time;
//   - hh:mm:ss or hh:mm:ss.fraction, then 'Z', 'z' or an offset ±hh:mm
//     (RFC 3339): an instant whose calendar day in the offset's own zone
//     ([customer.DateOf]) is the one written.
//
// Hours are 00–23, minutes and seconds 00–59, offset hours 00–23 and
// offset minutes 00–59, the ranges of RFC 3339 (§ 5.6). leap reports a
// time of second 60 that clockTime takes: 23:59:60 without an offset or
// in UTC (Z, z, +00:00, -00:00), a leap second if the day written ends a
// month (RFC 3339 § 5.7), which the caller checks (dayText). Other forms
// are left to the exact path, which reads some and words the error of
// the others: second 60 in another offset (15:59:60-08:00, the leap
// second of 31 December in UTC, read; 23:59:60+01:00, an error) or of
// another minute (23:58:60, an error); an hour 24, one-digit hours, a
// comma before the fraction, an offset without seconds, an offset out of
// range such as -24:00, which time.Parse reads and customer.ParseDay
// refuses.
func clockTime(t string) (ok, leap bool) {
	if len(t) < 6 || t[0] != 'T' && t[0] != 't' && t[0] != ' ' {
		return false, false
	}
	t = t[1:]
	if !two(t, 23) || t[2] != ':' || !two(t[3:], 59) {
		return false, false
	}
	if len(t) == 5 {
		return true, false
	}
	if len(t) < 8 || t[5] != ':' {
		return false, false
	}
	if !two(t[6:], 59) {
		if t[6:8] != "60" || t[:5] != "23:59" {
			return false, false
		}
		leap = true
	}
	i := 8
	if i < len(t) && t[i] == '.' {
		i++
		start := i
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == start {
			return false, false
		}
	}
	switch z := t[i:]; len(z) {
	case 0:
		return true, leap
	case 1:
		return z[0] == 'Z' || z[0] == 'z', leap
	case 6:
		if leap {
			return z[1:] == "00:00" && (z[0] == '+' || z[0] == '-'), true
		}
		return (z[0] == '+' || z[0] == '-') && two(z[1:], 23) && z[3] == ':' && two(z[4:], 59), false
	}
	return false, false
}

// two reports whether s starts with two digits whose number is at most
// max; s has at least two bytes.
func two(s string, max int) bool {
	return s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && int(s[0]-'0')*10+int(s[1]-'0') <= max
}

// dayText returns the text of a date field that the fast path parses
// with parseDay10: the field without the time of day that clockTime takes
// after its first ten bytes (a wall-clock time, or an instant in its own
// offset: the day written; a leap second only on the last day of a
// month), else the whole field.
func dayText(ds string) string {
	if len(ds) > 10 {
		if ok, leap := clockTime(ds[10:]); ok && (!leap || lastOfMonth(ds[:10])) {
			return ds[:10]
		}
	}
	return ds
}

// lastOfMonth reports whether day is a valid YYYY-MM-DD that is the last
// day of its month.
func lastOfMonth(day string) bool {
	d, ok := parseDay10(day)
	return ok && (d+1).Time().Day() == 1
}

// parseDay10 parses a valid YYYY-MM-DD date (year ≥ 1) without time.Date.
func parseDay10(s string) (customer.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, m, d := 0, 0, 0
	for _, c := range []byte{s[0], s[1], s[2], s[3]} {
		if c < '0' || c > '9' {
			return 0, false
		}
		y = y*10 + int(c-'0')
	}
	for _, c := range []byte{s[5], s[6]} {
		if c < '0' || c > '9' {
			return 0, false
		}
		m = m*10 + int(c-'0')
	}
	for _, c := range []byte{s[8], s[9]} {
		if c < '0' || c > '9' {
			return 0, false
		}
		d = d*10 + int(c-'0')
	}
	if y < 1 || m < 1 || m > 12 || d < 1 || d > monthDays(y, m) {
		return 0, false
	}
	return customer.Date(civil(y, m, d)), true
}

func monthDays(y, m int) int {
	switch time.Month(m) {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// civil returns the days since 1970-01-01 of a proleptic Gregorian date
// (H. Hinnant, "chrono-compatible low-level date algorithms",
// days_from_civil), as customer.DateFromYMD does through time.Date.
func civil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// parseSmallInt parses an optional sign and 1 to 10 digits within
// ±maxUnits, and such a number with a fraction of zeros.
func parseSmallInt(s string) (int, bool) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		i = 1
	}
	if i == len(s) || len(s)-i > 10 {
		return 0, false
	}
	n := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			if w := salesrow.WholeNumber(s); c == '.' && len(w) < len(s) {
				return parseSmallInt(w) // "2.0", as salesrow.ParseUnits takes it
			}
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if n > maxUnits {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// trim is strings.TrimSpace with a fast path for fields that need no
// trimming.
func trim(s string) string {
	if plain(s) {
		return s
	}
	return strings.TrimSpace(s)
}

// plain reports whether s needs no trimming for a reason trim can see
// without a call: it is empty, or it starts and ends with printable
// ASCII.
func plain(s string) bool {
	return len(s) == 0 || s[0]-'!' < 0x7f-'!' && s[len(s)-1]-'!' < 0x7f-'!'
}
