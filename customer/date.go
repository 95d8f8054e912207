package customer

import (
	"fmt"
	"time"
)

// Date is a calendar day, counted in days since 1970-01-01. Purchase
// days, recency and gaps are counted in whole days between Dates.
type Date int32

// DateOf returns the calendar day of t in t's own location: an order at
// 23:30 local time belongs to that local day. A [Summary] counts a record
// on this day, but never on a day after DateOf of its AsOf: a record at
// or before AsOf written in a zone ahead of AsOf's can fall on the next
// date, and counts on AsOf's day instead (see Days on [Summary]).
func DateOf(t time.Time) Date {
	// The day of t is that of its Unix time shifted by its zone's
	// offset, which is what t.Date computes, without the detour through
	// year, month and day.
	if u := localUnix(t); u > -fastUnix && u < fastUnix {
		return Date(floorDiv(u, 86400))
	}
	y, m, d := t.Date()
	return DateFromYMD(y, m, d)
}

// fastUnix bounds the Unix times (about ±35 million years) whose day
// DateOf and YearsBefore compute by integer arithmetic alone.
const fastUnix = 1 << 50

// YearsBefore returns the calendar day n years before the day of t: the
// same month and day of the month, n years earlier, where February 29 of
// a leap year goes to March 1 of a common year, as time.Date normalises
// it. It is computed from the day of t ([DateOf]) alone, with the
// civil-calendar algorithms of H. Hinnant ("chrono-compatible low-level
// date algorithms", 2013), not from t.AddDate(-n, 0, 0): in a zone whose
// clocks skip midnight for daylight saving time, the wall-clock time of t
// can be missing on the day n years before, and time.Date then moves it
// to the evening of the day before.
func YearsBefore(t time.Time, n int) Date {
	if u := localUnix(t); u > -fastUnix && u < fastUnix && n > -1e6 && n < 1e6 {
		y, m, d := civil(floorDiv(u, 86400))
		return Date(daysFromCivil(y-int64(n), m, d))
	}
	y, m, d := t.Date()
	return DateFromYMD(y-n, m, d)
}

// localUnix returns the Unix time of t shifted by the offset of t's zone:
// its floor division by 86400 is the number of t's calendar day.
func localUnix(t time.Time) int64 {
	u := t.Unix()
	if t.Location() != time.UTC {
		_, off := t.Zone()
		u += int64(off)
	}
	return u
}

// SpendWindows returns the day of t and the days one and two years
// before it (see [YearsBefore]): the bounds of the windows of
// [Summary.SpendLast12Months], (yearAgo, day], and
// [Summary.SpendPrior12Months], (twoYearsAgo, yearAgo]. It reads the
// calendar once for the three.
func SpendWindows(t time.Time) (day, yearAgo, twoYearsAgo Date) {
	if u := localUnix(t); u > -fastUnix && u < fastUnix {
		z := floorDiv(u, 86400)
		y, m, d := civil(z)
		return Date(z), Date(daysFromCivil(y-1, m, d)), Date(daysFromCivil(y-2, m, d))
	}
	return DateOf(t), YearsBefore(t, 1), YearsBefore(t, 2)
}

// civil returns the proleptic Gregorian year, month (1–12) and day of
// day number z, counted from 1970-01-01.
func civil(z int64) (y int64, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], from March
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// daysFromCivil returns the day number, from 1970-01-01, of year y,
// month m (1–12), day d; a day past the end of the month counts on into
// the next, as in time.Date.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// DateFromYMD returns the Date of year y, month m, day d (normalised as
// time.Date does).
func DateFromYMD(y int, m time.Month, d int) Date {
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	return Date(floorDiv(u, 86400))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String returns d as YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// ParseDay parses the calendar day of a date or a timestamp as sales
// exports write them:
//
//   - YYYY-MM-DD;
//   - YYYY-MM-DD, then 'T' or a space, then a time of day hh:mm or
//     hh:mm:ss with an optional fraction of a second and no offset: a
//     local wall-clock time, whose day is the one written;
//   - RFC 3339 (the same with an offset or Z, 'T' or a space between date
//     and time; 't' and 'z' in lower case too, as its § 5.6 allows): the
//     calendar day in the time's own offset, so
//     2025-03-01T23:30:00-05:00 is 1 March. The offset's hours are
//     00–23 and its minutes 00–59 (RFC 3339 § 5.6): -24:00 and +05:60,
//     which no zone has, are errors.
//
// Anything else, including a day that is not in the calendar, is an
// error.
func ParseDay(s string) (Date, error) {
	if len(s) == 10 {
		if d, err := ParseDate(s); err == nil {
			return d, nil
		}
	} else if len(s) > 10 && (s[10] == ' ' || s[10] == 't') {
		s = s[:10] + "T" + s[11:]
	}
	if len(s) > 10 && s[len(s)-1] == 'z' { // RFC 3339 § 5.6 allows a lower-case z
		s = s[:len(s)-1] + "Z"
	}
	for _, layout := range [...]string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			if layout == time.RFC3339 && !offsetInRange(s) {
				break
			}
			return DateOf(t), nil
		}
	}
	return 0, fmt.Errorf("date %q: %s", s, WantDay)
}

// offsetInRange reports whether s, an RFC 3339 timestamp that time.Parse
// read, ends in Z or in an offset of hours 00–23 and minutes 00–59
// (RFC 3339 § 5.6, time-numoffset): time.Parse reads hours up to 24 and
// minutes up to 60.
func offsetInRange(s string) bool {
	n := len(s)
	if s[n-1] == 'Z' {
		return true
	}
	return s[n-5:n-3] <= "23" && s[n-2:] <= "59"
}

// WantDay says what [ParseDay] accepts, for error messages.
const WantDay = "want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339"
