package churn

import (
	"math"
	"math/big"

	"gonum.org/v1/gonum/integrate/quad"
)

// High-precision reference values of the BG/NBD and MBG/NBD expectations,
// evaluated from the published formulas with math/big (refPrec bits), so
// that the cancellation in 1 − (1−z)^r ₂F₁(…) and the huge Pochhammer
// ratios of large parameters cost nothing.

const refPrec = 640

func bf(v float64) *big.Float { return new(big.Float).SetPrec(refPrec).SetFloat64(v) }

func bnew() *big.Float { return new(big.Float).SetPrec(refPrec) }

// refLn2 is ln 2 = 2·atanh(1/3).
var refLn2 = func() *big.Float {
	third := bnew().Quo(bf(1), bf(3))
	return refAtanh2(third)
}()

// refAtanh2 is 2·atanh(y) = 2 Σ y^{2k+1}/(2k+1) for |y| ≤ 1/3.
func refAtanh2(y *big.Float) *big.Float {
	y2 := bnew().Mul(y, y)
	term := bnew().Set(y)
	sum := bnew().Set(y)
	eps := bnew().SetMantExp(bf(1), -refPrec-8)
	for k := 1; ; k++ {
		term.Mul(term, y2)
		u := bnew().Quo(term, bf(float64(2*k+1)))
		sum.Add(sum, u)
		if bnew().Abs(u).Cmp(eps) < 0 {
			break
		}
	}
	return sum.Mul(sum, bf(2))
}

// refLog is ln x for x > 0: x = m·2^e with m ∈ [0.5, 1), ln m = 2·atanh((m−1)/(m+1)).
func refLog(x *big.Float) *big.Float {
	m := bnew()
	e := x.MantExp(m)
	y := bnew().Quo(bnew().Sub(m, bf(1)), bnew().Add(m, bf(1)))
	l := refAtanh2(y)
	return l.Add(l, bnew().Mul(refLn2, bf(float64(e))))
}

// refExp is e^x: Taylor series of x/2^k, squared k times.
func refExp(x *big.Float) *big.Float {
	k := 0
	y := bnew().Set(x)
	for bnew().Abs(y).Cmp(bf(1.0/1024)) > 0 {
		y.Quo(y, bf(2))
		k++
	}
	sum, term := bf(1), bf(1)
	eps := bnew().SetMantExp(bf(1), -refPrec-8)
	for n := 1; ; n++ {
		term.Mul(term, y)
		term.Quo(term, bf(float64(n)))
		sum.Add(sum, term)
		if bnew().Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	for ; k > 0; k-- {
		sum.Mul(sum, sum)
	}
	return sum
}

// refBracket is the bracket of FHL (2005) eq. 9/10 for a ≠ 1,
//
//	(a+b−1)/(a−1) · [1 − (1−z)^r ₂F₁(r, b; a+b−1; z)],  z = num/(num+den),
//
// with r, a, b, num, den exact and (1−z)^r = (den/(num+den))^r.
func refBracket(r, a, b, num, den *big.Float) *big.Float {
	c := bnew().Sub(bnew().Add(a, b), bf(1))
	tot := bnew().Add(num, den)
	z := bnew().Quo(num, tot)
	// ₂F₁ by its series (positive terms).
	f, term := bf(1), bf(1)
	eps := bnew().SetMantExp(bf(1), -300)
	for k := 0; ; k++ {
		kf := bf(float64(k))
		term.Mul(term, bnew().Add(r, kf))
		term.Mul(term, bnew().Add(b, kf))
		term.Mul(term, z)
		term.Quo(term, bnew().Add(c, kf))
		term.Quo(term, bf(float64(k+1)))
		f.Add(f, term)
		// Stop far below double precision once the terms decrease (their
		// ratio tends to z < 1, so the tail is of the order of the term);
		// when a + b < 1 (c < 0) every term is negative.
		rho := bnew().Quo(bnew().Mul(bnew().Mul(bnew().Add(r, bf(float64(k+1))), bnew().Add(b, bf(float64(k+1)))), z),
			bnew().Mul(bnew().Add(c, bf(float64(k+1))), bf(float64(k+2))))
		if rho.Cmp(bf(1)) < 0 && bnew().Abs(bnew().Quo(term, f)).Cmp(eps) < 0 {
			break
		}
		if k > 2_000_000 {
			panic("reference series does not converge")
		}
	}
	pw := refExp(bnew().Mul(r, refLog(bnew().Quo(den, tot))))
	v := bnew().Sub(bf(1), bnew().Mul(pw, f))
	v.Mul(v, c)
	return v.Quo(v, bnew().Sub(a, bf(1)))
}

// refExpected is E[X(t)] of BG/NBD (shift 0) or MBG/NBD (shift 1).
func refExpected(r, alpha, a, b, t float64, shift float64) float64 {
	if shift == 0 {
		v, _ := refBracket(bf(r), bf(a), bf(b), bf(t), bf(alpha)).Float64()
		return v
	}
	g := refBracket(bf(r), bf(a), bnew().Add(bf(b), bf(1)), bf(t), bf(alpha))
	g.Mul(g, bf(b))
	g.Quo(g, bnew().Add(bf(a), bf(b)))
	v, _ := g.Float64()
	return v
}

// refConditional is P(alive) and E[Y(t) | x, t_x, T] of BG/NBD (shift 0)
// or MBG/NBD (shift 1).
func refConditional(r, alpha, a, b, x, tx, T, t float64, shift float64) (float64, float64) {
	k := bnew().Add(bf(x), bf(shift))
	rx := bnew().Add(bf(r), bf(x))
	palive := bf(1)
	if k.Sign() > 0 {
		// 1/(1 + a/(b+k−1)·((α+T)/(α+t_x))^{r+x})
		ratio := bnew().Quo(bnew().Add(bf(alpha), bf(T)), bnew().Add(bf(alpha), bf(tx)))
		odds := refExp(bnew().Mul(rx, refLog(ratio)))
		odds.Mul(odds, bf(a))
		odds.Quo(odds, bnew().Sub(bnew().Add(bf(b), k), bf(1)))
		palive = bnew().Quo(bf(1), bnew().Add(bf(1), odds))
	}
	g := refBracket(rx, bf(a), bnew().Add(bf(b), k), bf(t), bnew().Add(bf(alpha), bf(T)))
	g.Mul(g, palive)
	pa, _ := palive.Float64()
	e, _ := g.Float64()
	return pa, e
}

// refQuad is the model's definition of the bracket (for any a, including
// a = 1), by numeric integration over the dropout probability,
//
//	G = ∫ (1 − (1 + p·w)^{−r})/p · Beta(p; a, b) dp,  w = num/den,
//
// with gonum's 20-point Gauss–Legendre rule on panels of the log-odds
// y = ln(p/(1−p)) (density ∝ e^{a·y}/(1+e^y)^{a+b}) and the same rule for
// the normalisation.
func refQuad(r, a, b, num, den float64) float64 {
	w := num / den
	y0 := math.Log(a / b)
	sigma := math.Sqrt(1/a + 1/b)
	logDens := func(y float64) float64 {
		if y > 0 {
			return -b*y - (a+b)*math.Log1p(math.Exp(-y))
		}
		return a*y - (a+b)*math.Log1p(math.Exp(y))
	}
	c0 := logDens(y0)
	dens := func(y float64) float64 { return math.Exp(logDens(y) - c0) }
	g := func(y float64) float64 {
		p := 1 / (1 + math.Exp(-y))
		if p == 0 {
			return r * w
		}
		return -math.Expm1(-r*math.Log1p(p*w)) / p
	}
	lo, hi := y0-60/a-20*sigma, y0+60/b+20*sigma
	width := math.Min(sigma, 1) / 2
	var sg, sw float64
	for x := lo; x < hi; x += width {
		sg += quad.Fixed(func(y float64) float64 { return dens(y) * g(y) }, x, x+width, 20, quad.Legendre{}, 0)
		sw += quad.Fixed(dens, x, x+width, 20, quad.Legendre{}, 0)
	}
	return sg / sw
}
