// Package logtext holds the small text forms shared by tailor's redacted
// printing and its reasons: a text printed as %s or quoted, a count with
// its noun, and a time that may be unknown.
package logtext

import (
	"fmt"
	"strconv"
	"time"
)

// Format writes s to f as fmt's verb does for a string: quoted for %q and
// %#v, as it is otherwise.
func Format(f fmt.State, verb rune, s string) {
	if verb == 'q' || (verb == 'v' && f.Flag('#')) {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// Count returns n with its noun: "1 order", "3 orders".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Time returns t in RFC 3339 with its fraction of a second, "unknown"
// when t is zero.
func Time(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Format(time.RFC3339Nano)
}
