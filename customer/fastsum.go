package customer

import "github.com/shopspring/decimal"

// The sums over a summary's days (Net, the spend of the last two years,
// the mean repeat spend) run once per customer in every analysis, so they
// take a fast path: the coefficients of the amounts, aligned to the
// smallest exponent, are added as int64 while they fit, and the result is
// built once. The result is the same decimal, value and exponent, that
// the chain of decimal.Decimal.Add it replaces gives: decimal addition is
// exact and takes the smaller exponent of its operands, and so does the
// fast path. Amounts whose coefficients do not fit, or sums that would
// overflow, fall back to decimal arithmetic from that term on.

// coefLimit bounds the coefficients of the fast path, so that the sum of
// two of them fits an int64.
const coefLimit = 1 << 62

// coefBias is the exponent of coefHi[0] and coefLo[0]: the fast path
// takes exponents in [-coefBias, coefBias].
const coefBias = 40

// coefHi[i] and coefLo[i] are ±coefLimit at exponent i − coefBias. A
// decimal compares with the bound of its own exponent without rescaling
// or allocating.
var coefHi, coefLo = func() (hi, lo [2*coefBias + 1]decimal.Decimal) {
	for i := range hi {
		hi[i] = decimal.New(coefLimit, int32(i-coefBias))
		lo[i] = decimal.New(-coefLimit, int32(i-coefBias))
	}
	return hi, lo
}()

// coefOf returns d's coefficient and exponent when the coefficient is
// below coefLimit in magnitude and the exponent within ±coefBias.
func coefOf(d decimal.Decimal) (c int64, e int32, ok bool) {
	e = d.Exponent()
	i := int(e) + coefBias
	if i < 0 || i >= len(coefHi) {
		return 0, 0, false
	}
	switch d.Sign() {
	case 0: // also the zero Decimal, which Cmp would allocate for
		return 0, e, true
	case 1:
		if d.Cmp(coefHi[i]) >= 0 {
			return 0, 0, false
		}
	default:
		if d.Cmp(coefLo[i]) <= 0 {
			return 0, 0, false
		}
	}
	return d.CoefficientInt64(), e, true
}

// pow10i holds the powers of ten that fit an int64.
var pow10i = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// scaleUp returns c × 10^k, or false when the magnitude reaches
// coefLimit.
func scaleUp(c int64, k int32) (int64, bool) {
	if c == 0 {
		return 0, true
	}
	if k < 0 || int(k) >= len(pow10i) {
		return 0, false
	}
	p := pow10i[k]
	if c >= coefLimit/p || c <= -coefLimit/p {
		return 0, false
	}
	return c * p, true
}

// decSum is an exact sum of decimals, equal in value and exponent to the
// chain of Add (or Sub) it stands for.
type decSum struct {
	c     int64 // coefficient while !big
	e     int32 // exponent while !big
	big   bool
	exact decimal.Decimal // the sum once big
}

// sumFrom returns a sum that starts at d.
func sumFrom(d decimal.Decimal) decSum {
	if c, e, ok := coefOf(d); ok {
		return decSum{c: c, e: e}
	}
	return decSum{big: true, exact: d}
}

// zeroSum returns a sum that starts at decimal.Zero (0 × 10^1).
func zeroSum() decSum { return sumFrom(decimal.Zero) }

// add adds d, or subtracts it when neg.
func (a *decSum) add(d decimal.Decimal, neg bool) {
	if !a.big {
		if c, e, ok := coefOf(d); ok {
			if neg {
				c = -c
			}
			x, y, ok1 := a.c, c, true
			ok2 := true
			ne := a.e
			switch {
			case e < a.e:
				x, ok1 = scaleUp(a.c, a.e-e)
				ne = e
			case e > a.e:
				y, ok2 = scaleUp(c, e-a.e)
			}
			if ok1 && ok2 {
				if s := x + y; s > -coefLimit && s < coefLimit {
					a.c, a.e = s, ne
					return
				}
			}
		}
		a.big = true
		a.exact = decimal.New(a.c, a.e)
	}
	if neg {
		a.exact = a.exact.Sub(d)
	} else {
		a.exact = a.exact.Add(d)
	}
}

// value returns the sum as a decimal.
func (a *decSum) value() decimal.Decimal {
	if a.big {
		return a.exact
	}
	return decimal.New(a.c, a.e)
}

// divRound returns the sum divided by n (> 0), rounded half away from
// zero to places decimals: what decimal.Decimal.DivRound(NewFromInt(n),
// places) returns for the sum.
func (a *decSum) divRound(n int64, places int32) decimal.Decimal {
	if q, ok := a.divRoundInt(n, places); ok {
		return decimal.New(q, -places)
	}
	return a.value().DivRound(decimal.NewFromInt(n), places)
}

// divRoundInt returns the coefficient q of divRound's result q ×
// 10^-places, or false when it takes decimal arithmetic.
func (a *decSum) divRoundInt(n int64, places int32) (int64, bool) {
	if !a.big && n > 0 && n < coefLimit {
		// sum ÷ n in units of 10^-places is num ÷ den.
		num, den, ok := a.c, n, true
		if k := a.e + places; k >= 0 {
			num, ok = scaleUp(a.c, k)
		} else {
			den, ok = scaleUp(n, -k)
		}
		if ok {
			q, r := num/den, num%den
			if r < 0 {
				r = -r
			}
			if 2*r >= den { // r < den < 2⁶²: 2r does not overflow
				if num < 0 {
					q--
				} else {
					q++
				}
			}
			return q, true
		}
	}
	return 0, false
}
