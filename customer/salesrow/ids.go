package salesrow

import (
	"cmp"
	"strings"
)

// CompareIDs orders customer IDs naturally: IDs of decimal digits only
// come first, in numeric order ("2" before "10"; "007" and "7" by value,
// then bytes), then the others in byte order. It is a total order, so
// output sorted by it is the same for the same input.
func CompareIDs(a, b string) int {
	na, nb := isDigits(a), isDigits(b)
	switch {
	case na && !nb:
		return -1
	case nb && !na:
		return 1
	case na && nb:
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if c := cmp.Compare(len(ta), len(tb)); c != 0 {
			return c
		}
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
