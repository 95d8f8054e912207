package customer

import "github.com/shopspring/decimal"

// The hot path of [Summary.AddOrder] and [Order.Validate] works on amounts
// as int64 counts of 10^-fixScale units when every amount of a line fits,
// and falls back to decimal arithmetic otherwise. Both paths give exactly
// the same result: decimal arithmetic is exact, and so is the fixed-point
// sum as long as nothing overflows, which the bounds below guarantee.

// fixScale is the number of decimals of the fixed-point fast path.
const fixScale = 4

// fixMax bounds the absolute value of a fixed-point amount (10^8 currency
// units), and fixMaxQty the quantity of a line, so that a line's gross
// amount (< 10^18) fits an int64.
const (
	fixMax    = 1_000_000_000_000
	fixMaxQty = 1_000_000
)

var pow10 = [...]int64{1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
	100_000_000, 1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000}

// fixHi[e] and fixLo[e] are ±fixMax units of 10^-fixScale (±10^8)
// written with exponent e − fixScale, so that a decimal of that exponent
// is compared with the bound without rescaling or allocating.
var fixHi, fixLo = func() (hi, lo [len(pow10)]decimal.Decimal) {
	for e := range hi {
		hi[e] = decimal.New(fixMax/pow10[e], int32(e-fixScale))
		lo[e] = decimal.New(-fixMax/pow10[e], int32(e-fixScale))
	}
	return hi, lo
}()

// toFixed returns d in units of 10^-fixScale, or false when d has more
// decimals than fixScale or is too large (|d| > 10^8). It does not
// allocate: the bound is compared with the coefficient at d's own
// exponent, so the coefficient is read as an int64 only when it fits.
func toFixed(d decimal.Decimal) (int64, bool) {
	sign := d.Sign()
	if sign == 0 {
		return 0, true
	}
	e := int(d.Exponent()) + fixScale
	if e < 0 || e >= len(pow10) {
		return 0, false
	}
	if (sign > 0 && d.Cmp(fixHi[e]) > 0) || (sign < 0 && d.Cmp(fixLo[e]) < 0) {
		return 0, false
	}
	return d.CoefficientInt64() * pow10[e], true
}

// fromFixed returns v units of 10^-fixScale as a decimal.
func fromFixed(v int64) decimal.Decimal { return decimal.New(v, -fixScale) }

// addFixed returns a + b, or false on overflow.
func addFixed(a, b int64) (int64, bool) {
	s := a + b
	if (s > a) != (b > 0) {
		return 0, false
	}
	return s, true
}

// fixedLine is a line's amounts in fixed point.
type fixedLine struct {
	gross, discount, cost int64
	costKnown             bool
}

// fixLine converts l's amounts; ok is false when any of them does not fit,
// or the quantity is not in 1..fixMaxQty.
func fixLine(l *Line) (f fixedLine, ok bool) {
	if l.Quantity <= 0 || l.Quantity > fixMaxQty {
		return f, false
	}
	p, ok := toFixed(l.UnitPrice)
	if !ok {
		return f, false
	}
	if f.discount, ok = toFixed(l.Discount); !ok {
		return f, false
	}
	q := int64(l.Quantity)
	f.gross = p * q
	if l.UnitCost.Valid {
		c, ok := toFixed(l.UnitCost.Decimal)
		if !ok {
			return f, false
		}
		f.cost, f.costKnown = c*q, true
	}
	return f, true
}
