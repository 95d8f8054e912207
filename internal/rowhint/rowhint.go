// Package rowhint adds hints to the reasons a field of a sales row
// (package salesrow) is refused for, when the field is an amount or a
// date written for people rather than for programs: with a currency
// sign, thousands separators, 元 or 万, in full-width digits, as
// 2024年3月5日 or 05/03/2024, with a time of 10:00 PM or an offset of
// +0100. Such a value is not read (which separator is the decimal one,
// which number the day, cannot always be told), but the error says what
// to write instead. The crm command and the Beam pipeline word the
// errors of a malformed row with it, so that they say the same.
//
// The hints run on the error path only: a field that is read costs
// nothing.
package rowhint

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// Field returns reason, the reason a field of column (salesrow.ColAmount,
// …) holding value was refused for, with the hint of Amount for an
// amount, a cost or a discount, or of Date for a date; other columns'
// reasons are returned as they are.
func Field(column, reason, value string) string {
	switch column {
	case salesrow.ColAmount, salesrow.ColCost, salesrow.ColDiscount:
		return Amount(reason, value)
	case salesrow.ColDate:
		return Date(reason, value)
	}
	return reason
}

// notDecimal is the reason salesrow gives for an amount or a cost that
// does not parse.
const notDecimal = "not a decimal number"

// Hints for amounts formatted for people rather than for programs.
const (
	hintSign     = "write it as a plain number, without a currency sign or code (the currency goes in the currency column, or -currency)"
	hintComma    = "write it with a decimal point and without thousands separators (1234.50, not 1.234,50 or 1,234.50)"
	hintParen    = "write a negative amount with a leading minus sign (-10.50), not in parentheses"
	hintTrailing = "write a negative amount with a leading minus sign (-10.50), not a trailing one"
	hintSci      = "write it in plain notation (150.00, not 1.5E+02), as a spreadsheet does with the column formatted as a number with decimals"
	// hintYuan is the hint for an amount with a word or code of the
	// renminbi that no currency code is (元, 块, RMB, 人民币).
	hintYuan = "write it as a plain number, without 元, 块, RMB or 人民币 (the currency goes in the currency column, CNY for the renminbi, or -currency CNY)"
	// hintWan is the hint for an amount in 万, ten thousands ("1.2万"),
	// with the amount in full; hintWanYuan for one with 元 after 万.
	hintWan     = "write it in full, %s, not in 万 (ten thousands)"
	hintWanYuan = hintWan + ", and without 元, 块, RMB or 人民币 (the currency goes in the currency column, CNY for the renminbi, or -currency CNY)"
	// hintFullWidth is the hint for a value in full-width digits and
	// signs (U+FF01–U+FF5E, as input methods for Chinese and Japanese
	// type them) that reads once they are ASCII, with it so written;
	// hintFullWidthToo begins the hint for one that is wrong besides,
	// before the hint of the value so written.
	hintFullWidth    = "write it with ASCII digits and signs: %s, not full-width ones"
	hintFullWidthToo = "write it with ASCII digits and signs, not full-width ones; "
)

// yuanBefore and yuanAfter are the words and codes of the renminbi that
// Chinese exports and people write with an amount, none of them an ISO
// 4217 code (that is CNY): before the number (RMB, 人民币) or after it
// (元, 块, RMB), in any case.
var (
	yuanBefore = []string{"RMB", "人民币"}
	yuanAfter  = []string{"元", "块", "RMB"}
)

// sciNumber is a number in scientific notation, as spreadsheets write a
// very large or small number and pandas a small float ("1.5E+02",
// "1e-05").
var sciNumber = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+$`)

// Amount returns reason, the reason an amount, a cost or a discount v
// was refused for, with a hint appended when v is a number as spreadsheets
// and ERP systems format money for people: with a currency sign or an
// ISO 4217 code ("€12.50", "12.50 EUR"), a decimal comma or thousands
// separators ("12,50", "1.234,50", "1,234.50"), a negative in
// parentheses ("(10.50)"), with a trailing minus ("12.50-") or in
// scientific notation ("1.5E+02"), or as Chinese exports and people
// write it: with a word or code of the renminbi that is no ISO 4217
// code ("12元", "RMB 12", yuanHint), in 万, ten thousands ("1.2万"), in
// full-width digits and signs ("１２．５０", hintFullWidth). Such an
// amount is not read (which separator is the decimal one cannot always
// be told: 1,234 may be 1.234 or 1234), but the error says what to
// write instead. It runs on the error path only.
func Amount(reason, v string) string {
	if reason != notDecimal {
		return reason
	}
	if h := amountHint(strings.TrimSpace(v)); h != "" {
		return reason + "; " + h
	}
	return reason
}

// fullWidthHint is the hint of a value s written with full-width
// characters (changed): to write it in ASCII when that reads (parses),
// else the hint next gives the ASCII form, after hintFullWidthToo, or
// none. changed is false when s has no full-width character.
func fullWidthHint(s string, parses func(string) bool, next func(string) string) (hint string, changed bool) {
	a, changed := salesrow.FullWidthToASCII(s)
	if !changed {
		return "", false
	}
	a = strings.TrimSpace(a)
	if parses(a) {
		return fmt.Sprintf(hintFullWidth, a), true
	}
	if h := next(a); h != "" {
		return hintFullWidthToo + h, true
	}
	return "", true
}

func amountHint(s string) string {
	if h, changed := fullWidthHint(s, func(a string) bool { _, why := salesrow.ParseAmount(a); return why == "" }, amountHint); changed {
		return h
	}
	if h := yuanHint(s); h != "" {
		return h
	}
	n := len(s)
	switch {
	case n > 2 && s[0] == '(' && s[n-1] == ')' && numberish(s[1:n-1]):
		return hintParen
	case n > 1 && s[n-1] == '-' && numberish(s[:n-1]):
		return hintTrailing
	}
	if sciNumber.MatchString(s) {
		return hintSci
	}
	if t, ok := stripCurrency(s); ok && numberish(t) {
		return hintSign
	}
	if numberish(s) && (strings.ContainsAny(s, ", '\u00a0") || strings.Count(s, ".") > 1) {
		return hintComma
	}
	return ""
}

// yuanHint is the hint for an amount s written with a word or code of
// the renminbi (yuanBefore, yuanAfter), or in 万, ten thousands, with or
// without 元 after it; "" for any other s.
func yuanHint(s string) string {
	t, yuan := stripYuan(s)
	if w, ok := strings.CutSuffix(t, "万"); ok {
		if d, why := salesrow.ParseAmount(strings.TrimSpace(w)); why == "" {
			full := d.Shift(4).String()
			if yuan {
				return fmt.Sprintf(hintWanYuan, full)
			}
			return fmt.Sprintf(hintWan, full)
		}
		return ""
	}
	if _, why := salesrow.ParseAmount(t); yuan && why == "" {
		return hintYuan
	}
	return ""
}

// stripYuan returns s without a word or code of the renminbi before or
// after it (yuanBefore, yuanAfter; after a leading minus), trimmed, and
// whether it had one.
func stripYuan(s string) (string, bool) {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	for _, w := range yuanBefore {
		if len(s) > len(w) && strings.EqualFold(s[:len(w)], w) {
			return sign + strings.TrimSpace(s[len(w):]), true
		}
	}
	for _, w := range yuanAfter {
		if len(s) > len(w) && strings.EqualFold(s[len(s)-len(w):], w) {
			return sign + strings.TrimSpace(s[:len(s)-len(w)]), true
		}
	}
	return sign + s, false
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

// SerialDay reports whether s is written as a spreadsheet's serial day
// number (45356, 45356.5): up to five digits, with a fraction or not.
func SerialDay(s string) bool {
	return serialDay.MatchString(s)
}

// YMD reports whether s is written as YYYY-MM-DD: four digits, two and
// two, joined by hyphens, whether or not the calendar has that day
// (NoSuchDay).
func YMD(s string) bool {
	return canonicalDay.MatchString(s)
}

var (
	serialDay  = regexp.MustCompile(`^[0-9]{1,5}(\.[0-9]+)?$`)
	compactDay = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})$`)
	yearFirst  = regexp.MustCompile(`^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$`)
	dayMonth   = regexp.MustCompile(`^[0-9]{1,2}[-/.][0-9]{1,2}[-/.]([0-9]{2}|[0-9]{4})$`)
	// chineseDay is a day as Chinese exports and people write it,
	// 2024年3月5日 (年 year, 月 month, 日 or 号 day), spaces allowed
	// between the parts, with anything after it (a time).
	chineseDay  = regexp.MustCompile(`^([0-9]{4}) *年 *([0-9]{1,2}) *月 *([0-9]{1,2}) *[日号]`)
	offsetNoCol = regexp.MustCompile(`[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?( ?)([+-])([0-9]{2})([0-9]{2})$`)
)

// Date returns reason, the reason a date v was refused for, with
// a hint appended when v is a date as spreadsheets and ERP systems write
// them for people: a serial day number (45356), day and month first
// (05/03/2024, which may be either), year first with other separators or
// without zeros (2024/03/05, 2024-3-5, 20240305, 2024年3月5日), in
// full-width digits and signs (２０２４-０３-０５), a time offset
// without its colon (+0100), or a day written as it should be with a
// time that is not (timeHint: 10:00 PM, 10:00:00 UTC, 10:00:00+01).
// None is read, but the error says what to write instead. It runs on the
// error path only.
//
// A day that the calendar has not (NoSuchDay) is named whatever else
// is wrong, and the hint of the time after it, if that is wrong too,
// follows (2023-02-29T10:00:00+0200: no 29 February, and the offset
// without its colon).
//
// A date that systems write for a missing one (placeholderDay) gets a
// hint that says so, whatever the reason it was refused for (it may be
// no date, or one before 1900).
func Date(reason, v string) string {
	if h := placeholderDay(strings.TrimSpace(v)); h != "" {
		return reason + "; " + h
	}
	if reason != customer.WantDay {
		return reason
	}
	if h := DateHint(strings.TrimSpace(v)); h != "" {
		return reason + "; " + h
	}
	return reason
}

// DateHint is the hint of Date for a date s, trimmed, refused as no
// date (customer.WantDay), without the reason before it: "" when s is
// written for people in none of the ways Date names. It does not tell
// a placeholder for a missing date (Placeholder), which Date and a
// caller are to name before they ask for it: 0000-00-00 and 1900-01-00,
// days the calendar has not, get the hint of NoSuchDay ("there is no
// month 00"), as any such day.
func DateHint(s string) string {
	if s == "" {
		return ""
	}
	if h, changed := fullWidthHint(s, func(a string) bool { _, why := salesrow.ParseDate(a); return why == "" }, DateHint); changed {
		return h
	}
	if m := chineseDay.FindStringSubmatch(s); m != nil {
		// A time after the day is left out of the hint, as after
		// 2024/03/05.
		day := m[1] + "-" + twoDigits(m[2]) + "-" + twoDigits(m[3])
		if h := NoSuchDay(day); h != "" {
			return h
		}
		return yearFirstHint(m[1], m[2], m[3])
	}
	// The day, before a time (which may be missing: 2024-03-05T).
	day := s
	if len(s) > 10 && s[10] == 't' {
		day = s[:10] // RFC 3339 § 5.6 allows a lower-case t
	} else if i := strings.IndexAny(s, " T"); i > 0 {
		day = s[:i] // a time after the day
	}
	// A day the calendar has not is named whatever else is wrong: the
	// hint of the time, if any, follows.
	noDay := NoSuchDay(day)
	if m := offsetNoCol.FindStringSubmatch(s); m != nil {
		off := m[4] + m[5] + ":" + m[6]
		h := offsetRangeHint(off)
		switch {
		case h != "":
		case m[3] == " ":
			h = fmt.Sprintf(hintOffsetSp, off)
		default:
			h = fmt.Sprintf(hintOffset, off)
		}
		return joinHints(noDay, h)
	}
	if noDay != "" {
		if len(s) > 10 && len(day) == 10 {
			return joinHints(noDay, timeToo(strings.TrimSpace(s[11:])))
		}
		return noDay
	}
	if _, err := customer.ParseDay(day); err == nil && len(s) > 10 && canonicalDay.MatchString(day) {
		// The day is as it should be: what is wrong is the time.
		return timeHint(day, s[10:11], strings.TrimSpace(s[11:]))
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

// twoDigits returns a month or day of one or two digits with two.
func twoDigits(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// joinHints joins the hints of a day and of its time, either of which may
// be "".
func joinHints(day, time string) string {
	switch {
	case day == "":
		return time
	case time == "":
		return day
	}
	return day + "; " + time
}

// hintTimeToo begins the hint of a time after a day the calendar has not
// (NoSuchDay), when the time is wrong too.
const hintTimeToo = "nor is the time after it: "

// timeToo is the hint for the time, rest, written after a day that the
// calendar has not: "" when the time is as it should be, else the hint
// timeHint gives it (of the time alone, without the day).
func timeToo(rest string) string {
	if timeReads("", rest) {
		return ""
	}
	switch h := timeHint("", "", rest); {
	case h == hintTime:
		return hintTimeToo + "write it as hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm (a time without an offset may be hh:mm)"
	case h == hintLeap:
		return hintTimeToo + leapSecond
	case strings.HasPrefix(h, "write"):
		return hintTimeToo + h
	default:
		return h
	}
}

// timeReads reports whether clock, a time after day and a T, is read
// (salesrow.ParseDate). With day "", a day the calendar has not, it
// reports whether clock is read on some day: a leap second is read only
// on the last day of a month in UTC (RFC 3339 § 5.7), so on such a day
// (2000-01-31) or, written in an offset ahead of UTC, on the day after
// it (2000-02-01).
func timeReads(day, clock string) bool {
	if day != "" {
		_, why := salesrow.ParseDate(day + "T" + clock)
		return why == ""
	}
	for _, d := range [...]string{"2000-01-31", "2000-02-01"} {
		if _, why := salesrow.ParseDate(d + "T" + clock); why == "" {
			return true
		}
	}
	return false
}

// placeholders are the days that systems write for a missing date: the
// zero date of MySQL, the day 0 of spreadsheets (1900-01-00, which
// Excel shows for a cell of 0; 1899-12-30 and 1899-12-31, where day 0 of
// the 1900 date system falls in other programs), and the zero time of
// Go and .NET (0001-01-01), with or without a time of day.
var placeholders = map[string]string{
	"0000-00-00": "MySQL's zero date",
	"1900-01-00": "a spreadsheet's day 0",
	"1899-12-30": "a spreadsheet's day 0",
	"1899-12-31": "a spreadsheet's day 0",
	"0001-01-01": "the zero time of many systems",
}

// Placeholder returns what day, written as YYYY-MM-DD without a time,
// is when systems write it for a missing date ("MySQL's zero date",
// placeholders), and whether it is one.
func Placeholder(day string) (string, bool) {
	what, ok := placeholders[day]
	return what, ok
}

// placeholderDay is the hint for a date s that is a placeholder for a
// missing one (placeholders), with or without a time after it; "" for
// any other.
func placeholderDay(s string) string {
	day := s
	if len(s) > 10 && (s[10] == ' ' || s[10] == 'T' || s[10] == 't') {
		day = s[:10]
	}
	what, ok := placeholders[day]
	if !ok {
		return ""
	}
	return what + ", written for a missing date: fill in the date in the source system, or leave such rows out (-skip-invalid)"
}

// Hints for the time of a timestamp whose day is written as it should be.
const (
	hintTimeAs   = "write it as %s (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"
	hintTimeZone = "write the time zone as an offset, ±hh:mm, right after the time (or leave it out: the day written is then the day)"
	hintTime     = "the day is right, the time after it is not: write it as hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm (a time without an offset may be hh:mm)"
	// hintLeap is the hint for a second 60 that is not that of the last
	// minute of a month in UTC (salesrow.ParseDate); leapSecond says
	// where a leap second is.
	hintLeap   = "the day is right, the time after it is not: " + leapSecond
	leapSecond = "second 60 is a leap second, which only the last minute of a month in UTC has: 23:59:60Z on its last day, that minute shifted by the offset written (as 15:59:60-08:00), or 23:59:60 without an offset (RFC 3339 § 5.7)"
	// hintOffsetRange is the hint for an offset, given with its sign,
	// outside RFC 3339's range (offsetRangeHint).
	hintOffsetRange = "the offset %s is out of range: an offset is -23:59 to +23:59, hours 00–23 and minutes 00–59 (RFC 3339 § 5.6)"
)

var (
	canonicalDay = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	// A time of day, hh:mm, hh:mm:ss or h:mm with a fraction of a second,
	// then what follows it: a 12-hour mark, a zone name, an offset.
	timeParts = regexp.MustCompile(`^([0-9]{1,2}):([0-9]{2})(:[0-9]{2}(?:[.,][0-9]+)?)? ?(?i:([ap]\.?m\.?)|(utc|gmt|z)|([a-z]{3,5})|([+-])([0-9]{2}):?([0-9]{2})?)?$`)
)

// timeHint is the hint for a timestamp whose day, day, is written as it
// should be, followed by sep (a space or T) and a time, rest, that is not:
// one written for people (10:00 PM, or 下午10:00 as Chinese exports
// write it: 上午 is a.m., 下午 p.m.), with the name of a zone (UTC, CET),
// with an offset of hours only (+01, as PostgreSQL writes a timestamp
// with time zone), a time of hours and minutes with an offset (which RFC
// 3339 does not allow), or a one-digit hour; an offset out of range
// (-24:00, +23:60) gets a hint that says so. When the time can be told, the
// hint writes the timestamp as it should be (one that salesrow.ParseDate
// reads, of the same day and time); otherwise it says what the time must
// be. With day and sep "", the hint writes the time alone.
func timeHint(day, sep, rest string) string {
	// 上午 and 下午 before the time are a.m. and p.m.
	if t, ok := strings.CutPrefix(rest, "上午"); ok && t != "" {
		rest = strings.TrimSpace(t) + " AM"
	} else if t, ok := strings.CutPrefix(rest, "下午"); ok && t != "" {
		rest = strings.TrimSpace(t) + " PM"
	}
	m := timeParts.FindStringSubmatch(rest)
	if m == nil {
		return hintTime
	}
	hh, _ := strconv.Atoi(m[1])
	sec := m[3]
	if sec == "" {
		sec = ":00"
	}
	sec = strings.Replace(sec, ",", ".", 1)
	zone := ""
	switch {
	case m[4] != "": // AM, PM
		if hh < 1 || hh > 12 {
			return hintTime
		}
		hh %= 12
		if unicode.ToLower(rune(m[4][0])) == 'p' {
			hh += 12
		}
	case m[5] != "": // UTC, GMT, Z
		zone = "Z"
	case m[6] != "":
		return hintTimeZone
	case m[7] != "": // an offset
		mm := m[9]
		if mm == "" {
			mm = "00"
		}
		zone = m[7] + m[8] + ":" + mm
		if h := offsetRangeHint(zone); h != "" {
			return h
		}
	}
	clock := fmt.Sprintf("%02d:%s%s%s", hh, m[2], sec, zone)
	reads := timeReads(day, clock)
	switch {
	case (clock == rest || !reads) && strings.HasPrefix(sec, ":60"):
		return hintLeap // a second 60 where no leap second is
	case clock == rest, !reads:
		return hintTime // as it should be, but no time of day (25:00)
	}
	return fmt.Sprintf(hintTimeAs, day+sep+clock)
}

// offsetRangeHint is the hint for an offset off, ±hh:mm, out of RFC
// 3339's range (§ 5.6: time-hour 00–23, time-minute 00–59), as -24:00
// or +23:60, which salesrow.ParseDate refuses (though time.Parse reads
// them), whatever else the timestamp gets wrong: no way of writing it
// makes it read; "" for an offset in range.
func offsetRangeHint(off string) string {
	hh, _ := strconv.Atoi(off[1:3])
	mm, _ := strconv.Atoi(off[4:6])
	if hh > 23 || mm > 59 {
		return fmt.Sprintf(hintOffsetRange, off)
	}
	return ""
}

// NoSuchDay is the hint for a day written as YYYY-MM-DD that the
// calendar has not: a month out of 01–12 ("there is no month 13", the
// day and month swapped, perhaps), a day 00, or a day past the
// end of its month ("there is no 29 February: February 2023 has 28
// days"). The calendar is the Gregorian one extended to every year
// 0000–9999, as ISO 8601, time.Parse and time.Date count: February has
// 29 days in a year divisible by 4, except a century year not divisible
// by 400 (2000 and 0000 are leap years, 1900 is not). The year is named
// as written ("February 0001"). "" for any other text.
func NoSuchDay(day string) string {
	if !canonicalDay.MatchString(day) {
		return ""
	}
	yy, _ := strconv.Atoi(day[:4])
	mm, _ := strconv.Atoi(day[5:7])
	dd, _ := strconv.Atoi(day[8:10])
	switch {
	case mm < 1 || mm > 12:
		return fmt.Sprintf("there is no month %s: YYYY-MM-DD has the month before the day", day[5:7])
	case dd < 1:
		return fmt.Sprintf("there is no day %s: the days of a month are 01 to 31", day[8:10])
	case dd > daysIn(yy, time.Month(mm)):
		m := time.Month(mm)
		return fmt.Sprintf("there is no %d %s: %s %s has %d days", dd, m, m, day[:4], daysIn(yy, m))
	}
	return ""
}

// daysIn returns the number of days of month m of year y, in the
// proleptic Gregorian calendar (time.Date normalizes day 0 of the next
// month to the last of m).
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
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
