package loyalty

import (
	"fmt"
	"math"

	"github.com/shopspring/decimal"
)

// Points is an exact whole number of loyalty points. Arithmetic on points
// in this package is checked: a result that does not fit in an int64 is
// an error wrapping [ErrOverflow], never a wrap-around.
//
// Its JSON form is a JSON number, as is an entry's Seq. A reader that
// holds JSON numbers as float64 (JavaScript, many JSON libraries) reads
// them exactly up to 2^53 (9,007,199,254,740,992 points); only a
// balance brought near [MaxPoints] by manual adjustments goes beyond,
// and such a reader should then take the numbers as text. A
// [Fingerprint], nearly always beyond 2^53, is written as a string.
type Points int64

// MaxPoints is the largest number of points a lot, a balance or an
// operation may hold.
const MaxPoints Points = math.MaxInt64

var (
	maxPointsDec = decimal.NewFromInt(math.MaxInt64)
	minPointsDec = maxPointsDec.Neg()
)

// addPoints returns a+b, or an error wrapping ErrOverflow.
func addPoints(a, b Points) (Points, error) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, fmt.Errorf("%w: %d + %d", ErrOverflow, a, b)
	}
	return s, nil
}

// pointsOf converts a non-negative decimal number of points to Points
// with rounding r, or an error wrapping ErrOverflow when it is too large.
func pointsOf(d decimal.Decimal, r Rounding) (Points, error) {
	var w decimal.Decimal
	if r == RoundHalfUp {
		w = d.Round(0)
	} else {
		w = d.Floor()
	}
	if w.GreaterThan(maxPointsDec) || w.LessThan(minPointsDec) {
		return 0, fmt.Errorf("%w: %s points", ErrOverflow, w.String())
	}
	return Points(w.IntPart()), nil
}
