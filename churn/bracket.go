package churn

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// bgBracket is the bracket of the BG/NBD and MBG/NBD expectations,
//
//	pOverC · G(r, a, b; z),  G = (a+b−1)/(a−1) · [1 − (1−z)^r ₂F₁(r, b; a+b−1; z)],
//
// with its arguments in two forms: P, pOverC, A and C for bgExpect (the
// Euler-transformed series, whose ε is a−1 and C = a+b−1), and r, a, b
// for the other methods. By the model's definition (Fader, Hardie & Lee
// 2005, the derivation of eq. 9 from E[X(t) | λ, p] = (1 − e^{−λpt})/p),
// with w = z/(1−z) (t over the time scale of the rate: α, or α+T given
// the calibration data),
//
//	G = E[(1 − (1 + p·w)^{−r}) / p],  p ~ Beta(a, b),
//
// the expected number of purchases over the horizon of a customer whose
// rate λ ~ Gamma(r, ·) and who drops out after each purchase with
// probability p.
type bgBracket struct {
	P, pOverC, A, C float64
	r, a, b         float64
}

// maxKappa is the largest condition number of the final difference of
// the Euler series accepted (and of bgSplit's).
const maxKappa = 100

// eulerMaxErr is the largest first-order bound of the relative rounding
// error of the Euler series (eulerErr) accepted. The bound grows with the
// condition number and with the index of the terms that carry the sum
// (their rounding accumulates over the recurrence): at z near 1, with
// tens of thousands of terms, a condition number of 38 gave 2.7e-11
// (r = 0.0109, a = 18.13, b = 1391.65, t/(α+T) = 850). With the rounding
// of z = t/(t+α+T) itself, about 2⁻⁵²·t/(α+T) ≤ 2.3e-13 relative in 1 − z
// (which moves the result by no more, since t·g′(t) ≤ g(t) for the
// concave g), an accepted value is within about 6e-13 of the exact one.
const eulerMaxErr = 4e-13

// eulerMaxLog bounds ε·(−ln(1−z)) for the Euler series: its terms reach
// about (1−z)^{−ε} times the result, which must stay far from overflow.
// eulerMaxPeak bounds ε·w, near which index its terms peak.
const (
	eulerMaxLog  = 200
	eulerMaxPeak = 1e5
)

// eulerMaxW bounds w = z/(1−z) for the Euler series: its terms fall
// like z^k at best, so it needs of the order of w·ln(1e17·w) terms, and
// the rounding of z (about 1e-16 absolute) moves 1 − z, and the result,
// by about 1e-16·w relative.
const eulerMaxW = 1e3

// eulerFits reports whether the Euler series can be tried at z ∈ (0, 1):
// z/(1−z) ≤ eulerMaxW, its terms have one sign (A ≥ 0, C > 0: otherwise
// their cancellation is not measured), and a ≤ 1 or terms that stay
// finite and peak early enough. Since −ln(1−z) ≤ w = z/(1−z),
// ε·w ≤ eulerMaxLog suffices; the logarithm is taken only when ε·w is
// larger.
func (q *bgBracket) eulerFits(z float64) bool {
	if !(z > 0 && z <= eulerMaxW*(1-z) && q.A >= 0 && q.C > 0 && q.pOverC > 0) {
		return false
	}
	eps := q.a - 1
	return eps <= 0 || eps*z <= eulerMaxLog*(1-z) || eulerFitsLog(eps, z)
}

// eulerFitsLog is the rest of eulerFits, with the logarithm.
func eulerFitsLog(eps, z float64) bool {
	return eps*z <= eulerMaxPeak*(1-z) && eps*-math.Log1p(-z) <= eulerMaxLog
}

// eval returns pOverC·G(r, a, b; z) for z = num/(num+den) ∈ [0, 1),
// that is w = num/den (the horizon t over α, or over α+T given the
// calibration data), num ≥ 0 and den > 0. It takes the Euler series
// (bgExpect) when the bound of its rounding error is at most eulerMaxErr,
// as for the parameters fitted on ordinary data; otherwise (large a, a
// result much smaller than (a+b−1)/(a−1), too many terms, or z too close
// to 1 for the series)
// the robust methods, which take w itself (evalOther): z rounds to 1
// once w passes 2^53, and 1 − z carries a relative rounding error of
// about 1e-16·w, which the expectation (growing like w^{1−a} for small
// a) would inherit. Where w itself overflows (t over a time scale below
// about 1e-299 of it) it takes bgFar, from ln w = ln num − ln den, and
// where the robust methods fail at a w of bgFarFrom or more, bgFar at
// ln w.
func (q *bgBracket) eval(num, den float64) (float64, bool) {
	if num == 0 {
		return 0, true
	}
	z, w := num/(num+den), num/den
	if math.IsInf(w, 1) && finite(num) && den > 0 {
		// w beyond the float range: its logarithm is not.
		return q.far(logTiny(num) - logTiny(den))
	}
	if !q.eulerFits(z) {
		v, ok := q.evalOther(w, 0, false)
		if !ok && w >= bgFarFrom {
			// The robust methods fail for some parameters as w nears
			// the float range (from about 1e307).
			return q.far(math.Log(w))
		}
		return v, ok
	}
	v, rel, ok := bgExpect(q.P, q.pOverC, q.A, q.a-1, q.C, z)
	if ok && rel <= eulerMaxErr {
		return v, true
	}
	return q.evalOther(w, v, ok)
}

// bgFarFrom is the w from which eval takes bgFar where the robust
// methods fail: bgFar's neglected terms are 1/w = 1e-300 times smaller
// there, and it agrees with them at w = 1e300 (see bgFar).
const bgFarFrom = 1e300

// far is pOverC·bgFar at ln w = lw, false where bgFar fails or the value
// is beyond the float range.
func (q *bgBracket) far(lw float64) (float64, bool) {
	v, ok := bgFar(q.r, q.a, q.b, lw)
	v *= q.pOverC
	if !ok || !finite(v) {
		return 0, false
	}
	return v, true
}

// evalOther is eval where the Euler series is not used, at w = z/(1−z):
// 0 at w = 0, the robust methods otherwise, and the Euler series' value
// ev (if eok) when they fail.
func (q *bgBracket) evalOther(w, ev float64, eok bool) (float64, bool) {
	if w == 0 {
		return 0, true
	}
	if !(w > 0) || !finite(w) {
		return 0, false
	}
	if v, ok := q.robust(w); ok {
		return v, true
	}
	return ev, eok
}

// robust returns pOverC·G(r, a, b; z) by bgPositive where it is the
// cheaper of it and bgQuad and needs at most positiveMax terms, else by
// bgQuad where that needs at most splitFirst, else by bgSplit (small a or
// b with a long horizon: the costs of the other two grow like r·w and
// like 1/a + 1/b); each of the others in turn if the first fails.
func (q *bgBracket) robust(w float64) (float64, bool) {
	methods := [3]func(r, a, b, w float64) (float64, bool){bgQuad, bgSplit, bgPositive}
	cp, cq := positiveCost(q.r, w), quadCost(q.a, q.b)
	switch {
	case cp <= min(cq, positiveMax):
		methods = [3]func(r, a, b, w float64) (float64, bool){bgPositive, bgQuad, bgSplit}
	case cq > splitFirst:
		methods = [3]func(r, a, b, w float64) (float64, bool){bgSplit, bgQuad, bgPositive}
	}
	for _, m := range methods {
		if v, ok := m(q.r, q.a, q.b, w); ok {
			v *= q.pOverC
			if finite(v) {
				return v, true
			}
		}
	}
	return 0, false
}

// splitFirst is the cost (in series terms, see quadCost) of bgQuad
// beyond which robust prefers bgSplit: a few thousand nodes at most
// whatever w, a, b.
const splitFirst = 2e5

// positiveMax is the most terms for which robust prefers bgPositive: the
// rounding of its negative binomial weights, each the product of the ones
// before, grows with their number (1e-10 relative at r = 1e7, w = 0.006,
// about 6e4 terms).
const positiveMax = 1e4

// evalMany sets out[j] = eval(nums[j], den) for up to maxBatch arguments
// (to the accuracy of eval, not to the last bit): one batched Euler series
// (bgExpectMany) for all, when it fits every z, and eval where the bound
// of its rounding error exceeds eulerMaxErr. It reports false where eval
// fails.
func (q *bgBracket) evalMany(nums []float64, den float64, out []float64) bool {
	n := len(nums)
	if n > maxBatch || len(out) != n {
		return false
	}
	var zb [maxBatch]float64
	zs := zb[:n]
	for j, t := range nums {
		zs[j] = t / (t + den)
	}
	var rel [maxBatch]float64
	batched := true
	for _, z := range zs {
		if !q.eulerFits(z) {
			batched = false
			break
		}
	}
	if batched {
		batched = bgExpectMany(q.P, q.pOverC, q.A, q.a-1, q.C, zs, out, rel[:n])
	}
	for j := range zs {
		if batched && rel[j] <= eulerMaxErr {
			continue
		}
		v, ok := q.eval(nums[j], den)
		if !ok {
			return false
		}
		out[j] = v
	}
	return true
}

// positiveCost estimates the terms bgPositive needs: the negative
// binomial weights have mean μ = r·w and variance μ(1+w), and decay by
// the factor z = w/(1+w) per term beyond.
func positiveCost(r, w float64) float64 {
	mu := r * w
	return mu + 8*math.Sqrt(mu*(1+w)) + 40/math.Log1p(1/w) + 10
}

// quadCost estimates the work of bgQuad in series terms (a node costs
// about eight): the log-odds density has width σ = √(1/a + 1/b) and tails
// e^{a·δ} and e^{−b·δ}, sampled at final steps of about min(1, σ)/4.
func quadCost(a, b float64) float64 {
	sigma := math.Sqrt(1/a + 1/b)
	h := math.Min(1, sigma) / 4
	return 8 * (20*sigma + 46/a + 46/b) / h
}

// bgPositive returns G(r, a, b; z) as a series of positive terms, exact
// for every a, b > 0 (no cancellation, no singularity at a = 1). With N
// the number of events of the rate process by t (negative binomial,
// P(N = m) = NB(m) = (r)_m/m! · (1−z)^r z^m), X ≥ n exactly when N ≥ n
// and the customer survived the dropout draws after the first n−1
// purchases, so E[X] = Σ_{n≥1} E[(1−p)^{n−1}]·P(N ≥ n), that is
//
//	G = Σ_{m≥1} NB(m) · S_m,  S_m = Σ_{j<m} (b)_j/(a+b)_j,
//
// with E[(1−p)^j] = (b)_j/(a+b)_j for p ~ Beta(a, b). The identity
// Σ_{j<m} (b)_j/(a+b)_j = (a+b−1)/(a−1)·[1 − (b)_m/(a+b−1)_m] turns this
// into the published formula of G term by term. Since Σ_{m≥0} NB(m) = 1,
// the factor (1−z)^r is not evaluated: G = Σ_{m≥1} t_m S_m / Σ_{m≥0} t_m
// with t_m = (r)_m/m! z^m, both sums over the same computed weights. The
// rounding of the recurrence of t_m (and that of z = w/(1+w), which
// moves t_m by m times its relative error) grows with m, to about
// 4e-12 relative at ten thousand terms in each sum, but it is nearly the
// same in both and cancels in the ratio: the terms t_m S_m and t_m peak
// at nearly the same m, where S_m varies slowly. The ratio
// (b+m−1)/(a+b+m−1) of the terms of S_m is taken as 1 − a/(a+b+m−1)
// when a < b: the relative rounding of a+b+m−1 (the same sign for many
// m, from that of a + b) then moves it by a/(b+m−1) < 1 times as much,
// not by all of it at every m. The exponent of (1+w)^{−r} =
// e^{−r·ln(1+w)}, rounded, would also carry an error of about
// 2⁻⁵³·r·ln(1+w), up to 1e-12 here. Both sums are rescaled by 2^−600
// (exactly) when the weights grow large. The series stops past the mode
// of NB once a term is below 1e-17·(1−z) of its sum (each tail is then
// below 1e-17 of its sum: the tail of Σ t_m is at most that of
// Σ t_m S_m over S_m, which increases with m). It takes w = z/(1−z).
// Where robust takes it (at most positiveMax terms) it is within 1e-12
// of G (a property test against big floats).
func bgPositive(r, a, b, w float64) (float64, bool) {
	z := w / (1 + w)
	ab := a + b
	tm, s, S := 1.0, 1.0, 0.0
	sum, norm := 0.0, 1.0  // Σ t_m S_m and Σ t_m, t_0 = 1
	tol := 1e-17 * (1 - z) // the tail beyond a term u is at most about u/(1−z)
	for m := 1.0; ; m++ {
		// r + (m−1), not (r+m)−1, which rounds away the digits of a
		// tiny r (and likewise b and a+b)
		tm *= (r + (m - 1)) * z / m
		S += s
		if a < b {
			s *= 1 - a/(ab+(m-1))
		} else {
			s *= (b + (m - 1)) / (ab + (m - 1))
		}
		u := tm * S
		sum += u
		norm += tm
		if u <= tol*sum && (r+m)*z < m+1 {
			break
		}
		if m > maxSeriesTerms || !finite(sum) || !finite(norm) {
			return 0, false
		}
		if tm > 0x1p600 {
			tm *= 0x1p-600
			sum *= 0x1p-600
			norm *= 0x1p-600
		}
	}
	v := sum / norm
	return v, finite(v)
}

// maxQuadNodes bounds the nodes of bgQuad.
const maxQuadNodes = 400_000

// bgQuad returns G(r, a, b; z) = E[g(p)], g(p) = (1 − (1+p·w)^{−r})/p and
// p ~ Beta(a, b), by the trapezoidal rule in the log-odds
// y = ln(p/(1−p)). There the density is proportional to
// e^{a·y}/(1+e^y)^{a+b}, log-concave with its mode at y₀ = ln(a/b) and
// width σ = √(1/a + 1/b); it and g are analytic in the strip |Im y| < π,
// so the rule on the whole line converges geometrically: its error is
// about M·e^{−2π·d/h} for step h, where M bounds the integrand on
// |Im y| ≤ d (Trefethen & Weideman 2014, "The exponentially convergent
// trapezoidal rule", SIAM Review 56(3), sec. 5). Halving h squares that
// error over M, but M can be far above the result (large a or b, whose
// density grows fast off the real axis), so the first halvings may gain
// little: at a = 2065, b = 1.309 the errors of the first three levels are
// 5e-9, 3e-11 and 7e-16. The rule starts with h = min(1, σ) and halves h
// until two results agree to 1e-13, the difference then bounding the
// error of the earlier one; each level reuses the nodes of the one
// before. The nodes are those within the range where, at the first step,
// the weights are above 1e-20 of the sums. The rule's normalisation cancels in E[g] = Σ ω g / Σ ω, so
// no beta function is evaluated. With δ = y − y₀, p₀ = a/(a+b), q₀ = b/(a+b):
//
//	ln ω(δ) = a·δ − (a+b)·ln(1 + p₀(e^δ − 1)) = −b·δ − (a+b)·ln(1 + q₀(e^{−δ} − 1)),
//	p = p₀e^δ/(1 + p₀(e^δ − 1)) = p₀/(1 + q₀(e^{−δ} − 1)).
//
// Its cost depends on a and b only: a few dozen nodes for large a and b
// (a near-Gaussian density), a few hundred when a or b is near 1. It
// takes w = z/(1−z).
func bgQuad(r, a, b, w float64) (float64, bool) {
	ab := a + b
	p0, q0 := a/ab, b/ab
	h := math.Min(1, math.Sqrt(1/a+1/b))
	gmax := r * w // g decreases from r·w at p = 0
	node := func(d float64) (wt, wg float64) {
		var lw, p float64
		if d <= 0 {
			em := math.Expm1(d)
			lw = a*d - ab*math.Log1p(p0*em)
			p = p0 * math.Exp(d) / (1 + p0*em)
		} else {
			em := math.Expm1(-d)
			lw = -b*d - ab*math.Log1p(q0*em)
			p = p0 / (1 + q0*em)
		}
		wt = math.Exp(lw)
		// g = r·w·(1 − (r+1)·p·w/2 + …): r·w to the last bit where
		// (r+1)·p·w ≤ 1e-17. Below that the formula would meet
		// subnormal numbers (p < 2⁻¹⁰²² from about y < −708, where a
		// density with a small a still has weight) and lose digits:
		// 4.6e-12 of G at a = 0.023, b = 38.5.
		g := gmax
		if x := p * w; (r+1)*x > 1e-17 {
			g = -math.Expm1(-r*math.Log1p(x)) / p
		}
		return wt, wt * g
	}
	sw, sg := node(0)
	var lo, hi float64 // the range of the nodes, in steps h
	nodes := 1.0
	for _, dir := range [2]float64{-1, 1} {
		for i := 1.0; ; i++ {
			wt, wg := node(dir * i * h)
			sw += wt
			sg += wg
			nodes++
			bound := wg
			if dir < 0 {
				bound = wt * gmax
			}
			if wt <= 1e-20*sw && bound <= 1e-20*sg {
				if dir < 0 {
					lo = -i
				} else {
					hi = i
				}
				break
			}
			if nodes > maxQuadNodes || !finite(sg) {
				return 0, false
			}
		}
	}
	prev := sg / sw
	for level := 1; level <= 12; level++ {
		// The midpoints of the previous level: i·h for odd i.
		h /= 2
		lo, hi = 2*lo, 2*hi
		for i := lo + 1; i < hi; i += 2 {
			wt, wg := node(i * h)
			sw += wt
			sg += wg
		}
		nodes += (hi - lo) / 2
		v := sg / sw
		if !finite(v) || nodes > maxQuadNodes {
			return 0, false
		}
		if math.Abs(v-prev) <= 1e-13*v {
			return v, v >= 0
		}
		prev = v
	}
	return 0, false
}

// bgTailCut is the largest a·ln(1+w) at which bgSplit subtracts the
// limit of g at p → 0 (see bgSplit): the subtracted part is then
// typically within a factor e^{bgTailCut} of the result (bgSplit checks
// the condition number of the sum all the same).
const bgTailCut = 3

// bgSplit returns G(r, a, b; z) = E[g(p)], g(p) = (1 − (1+p·w)^{−r})/p,
// p ~ Beta(a, b), w = z/(1−z), for small a or b and any w, where the
// log-odds density e^{a·y}/(1+e^y)^{a+b} of bgQuad has tails e^{a·y} and
// e^{−b·y} too long to sample (about 46/a and 46/b units) and the series
// need of the order of w terms. The limits of g at the ends, g₀ = r·w at
// p = 0 and g₁ = 1 − (1+w)^{−r} at p = 1, are taken out in closed form:
// with c(p) = g₀·(1−p) + g₁·p and B(a, b+1)/B(a, b) = b/(a+b),
// B(a+1, b)/B(a, b) = a/(a+b),
//
//	G = g₀·b/(a+b) + g₁·a/(a+b) + (1/B(a,b)) ∫ e^{a·y}(1+e^y)^{−(a+b)} (g(p) − c(p)) dy,  p = e^y/(1+e^y),
//
// and the rest, whose integrand falls like e^{(1+a)·y} below y = −ln w
// and like e^{−(1+b)·y} above 0 (g − c vanishes at both ends), is
// summed by the trapezoidal rule on the whole line, which converges
// geometrically for an integrand analytic in a strip (Trefethen &
// Weideman 2014, sec. 5; the singularities of g and of the density lie
// π off the real axis), on nodes from the density's mode ln(a/b) out to
// where the tails are negligible, halving the step from
// min(1/2, √(1/a + 1/b)) until two results agree to 1e-13 of G. The term g₀·b/(a+b) stands for the customers who
// (nearly) never drop out; where a·ln(1+w) > bgTailCut it is no longer
// close to G (G grows like w^{1−a}, not like w) and would cancel, so it
// is not taken out: the rule then samples the left tail e^{a·y} itself,
// which is short enough there (a > bgTailCut/ln(1+w)). Nor is it where
// the closed part and the rest cancel beyond a condition number of
// maxKappa (a large r·w and a tiny b with a not small: g₀·b/(a+b) can
// still be far above G, most customers having p near 1). It reports false
// when the sum is not finite, is so ill-conditioned, or needs more than
// maxQuadNodes nodes. It takes w = z/(1−z) > 0.
func bgSplit(r, a, b, w float64) (float64, bool) {
	if !(w > 0) || !finite(w) {
		return 0, false
	}
	if a*math.Log1p(w) <= bgTailCut {
		if v, ok := bgSplitSum(r, a, b, w, true); ok {
			return v, true
		}
	}
	return bgSplitSum(r, a, b, w, false)
}

// bgSplitSum is bgSplit with the limit at p → 0 taken out (left) or not.
func bgSplitSum(r, a, b, w float64, left bool) (float64, bool) {
	lw := math.Log1p(w)
	g0, g1 := r*w, -math.Expm1(-r*lw)
	ab := a + b
	closed := g1 * (a / ab)
	if left {
		closed += g0 * (b / ab)
	}
	// ln B(a, b) = ln Γ(u) − (ln Γ(v+u) − ln Γ(v)), u ≤ v, keeping the
	// digits that ln Γ(v) alone would lose for large v.
	u, v := min(a, b), max(a, b)
	lB := lgamma(u) - lgammaDiff(v, u)
	// f is the integrand of the rest at y, over B(a, b).
	f := func(y float64) float64 {
		var lw8, p, q float64 // ln ω − ln B, p, 1−p
		if y <= 0 {
			e := math.Exp(y)
			lw8 = a*y - ab*math.Log1p(e) - lB
			p, q = e/(1+e), 1/(1+e)
		} else {
			e := math.Exp(-y)
			lw8 = -b*y - ab*math.Log1p(e) - lB
			p, q = 1/(1+e), e/(1+e)
		}
		g := g0
		if p > 0 {
			g = -math.Expm1(-r*math.Log1p(p*w)) / p
		}
		c := g1 * p
		if left {
			c += g0 * q
		}
		return math.Exp(lw8) * (g - c)
	}
	// The nodes are y₀ + i·h, from the density's mode y₀ = ln(a/b) out
	// on both sides past the mode and the ends of g's transition
	// (y = −ln w and 0) by 2, beyond which the integrand decays at least
	// like e^{0.8·rate·|y|} (the density's log-slope is beyond 0.86·a
	// below y₀ − 2 and the factor g − c vanishes like p or 1−p), until a
	// term bounds what lies beyond to 1e-18 of the sum.
	rateL, rateR := 0.8*a, 0.8*(1+b)
	if left {
		rateL = 0.8 * (1 + a)
	}
	y0 := math.Log(a / b)
	h := min(0.5, math.Sqrt(1/a+1/b))
	sum := f(y0)
	mag := math.Abs(sum)
	var lo, hi float64 // the range of the nodes, in steps h from y0
	nodes := 1.0
	for _, dir := range [2]float64{-1, 1} {
		rate, past := rateR, math.Max(y0, 0)+2
		if dir < 0 {
			rate, past = rateL, -(math.Min(y0, -lw) - 2)
		}
		for i := 1.0; ; i++ {
			y := y0 + dir*i*h
			v := f(y)
			sum += v
			mag += math.Abs(v)
			nodes++
			if dir*y > past && math.Abs(v)*(1+1/(rate*h)) <= 1e-18*math.Abs(closed+sum*h) {
				if dir < 0 {
					lo = -i
				} else {
					hi = i
				}
				break
			}
			if nodes > maxQuadNodes || !finite(sum) {
				return 0, false
			}
		}
	}
	prev := closed + sum*h
	for level := 1; level <= 12; level++ {
		h /= 2
		lo, hi = 2*lo, 2*hi
		for i := lo + 1; i < hi; i += 2 {
			v := f(y0 + i*h)
			sum += v
			mag += math.Abs(v)
		}
		nodes += (hi - lo) / 2
		v := closed + sum*h
		if !finite(v) || nodes > maxQuadNodes {
			return 0, false
		}
		if math.Abs(v-prev) <= 1e-13*math.Abs(v) {
			// The closed part and the rest may cancel: accept a
			// condition number up to maxKappa.
			return v, v >= 0 && math.Abs(closed)+mag*h <= maxKappa*math.Abs(v)
		}
		prev = v
	}
	return 0, false
}

// bgFar returns G(r, a, b; z) for w = z/(1−z) = e^{lw} beyond the float
// range (ln w above that of math.MaxFloat64, 709.78), from ln w alone. With
// c = a+b−1, Gauss's connection formula for ₂F₁ at 1 − z = 1/(1+w)
// (Abramowitz & Stegun 15.3.6) turns the published formula
// G = c/(a−1)·[1 − (1−z)^r ₂F₁(r, b; c; z)] (Fader, Hardie & Lee 2005,
// eq. 9) into
//
//	G = K − K·A₂·(1+w)^{1−a}·(1 + O(1/w)) − K·A₁·(1+w)^{−r}·(1 + O(1/w)),
//	K = (a+b−1)/(a−1),  K·A₂ = Γ(a+b)Γ(r+1−a)/((a−1)Γ(r)Γ(b)),
//	K·A₁ = B(a−1−r, b)/B(a, b) = Γ(a+b)Γ(a−1−r)/(Γ(a+b−1−r)Γ(a)).
//
// Beyond the float range 1/w < 6e-309, so the three terms are G to the
// rounding of their evaluation, and (1+w) is w. As w → ∞, G tends to
// K = E[1/p] for a > 1 (the expected number of purchases of a customer
// who buys without end until the dropout, p ~ Beta(a, b)); for a ≤ 1 it
// grows without bound, like w^{1−a} (a < 1) or, at a = 1, like
// b·(ln w + ψ(r) − ψ(b)), the limit of the first two terms as a → 1.
// Where |ε|·ln w < 1, ε = a−1, the first two terms are taken as
// (b+ε)·(1 − A₂w^{−ε})/ε, A₂ = Γ(b+ε)Γ(r−ε)/(Γ(r)Γ(b)), with ln A₂/ε
// from lgammaSlope, so that a near 1 loses no digits. Near δ = a−1−r = 0
// the Γ(r+1−a) = Γ(−δ) of the second term and the Γ(δ) of the third
// have poles that cancel; for |δ| < 1/ln w the two are first taken
// together, with Γ(−δ) = −Γ(1−δ)/δ and Γ(δ) = Γ(1+δ)/δ, as
//
//	Γ(a+b)/((a−1)Γ(r)Γ(b)) · w^{−r} · Γ(1−δ)w^{−δ} · (e^{δM} − 1)/δ,
//	δM = ln[Γ(1+δ)Γ(r)Γ(b)/(Γ(b+δ)Γ(r+δ))] − ln Γ(1−δ) + δ·ln w,
//
// continued at δ = 0 by M = ln w − 2γ − ψ(b) − ψ(r) (γ Euler's
// constant), and the terms apart if that and K cancel (a near 1 as
// well). The other poles, of Γ(−δ) at δ = m ≥ 1 and of Γ(δ) at δ = −n
// (n ≥ 1), meet correction terms of the other term that are 1/w^m or
// 1/w^n times smaller: near them (within 1/(2 ln w)) the term is bounded
// by its value 1/ln w off the pole and dropped when that is below 1e-17
// of the rest (its partner is then below it too), and bgFar fails
// otherwise. It fails, too, where the terms cancel beyond a condition
// number of maxKappa (a tiny r, below about 1/ln w, with a near 1 and
// 1+r), or where G is beyond the float range (a < 1). At w = 1e300,
// where the series and quadratures (robust) still apply, it agrees with
// them to 1e-11 over random r ∈ [1e-3, 100], a ∈ [0.05, 100],
// b ∈ [1e-3, 1e5] with a near 1, near 1+r or both r and a integers
// (3e-12 the largest difference in 3000 draws), and to 1e-10 with a
// within 1e-8 of 1 and r down to 1e-3 (5e-11), a test.
func bgFar(r, a, b, lw float64) (float64, bool) {
	eps, delta := a-1, (a-1)-r
	if math.Abs(delta) < 1/lw && r+delta > 0 && b+delta > 0 {
		// The second and third terms together, and K.
		M := lw + 2*lgammaSlope(1-delta, 2*delta) - lgammaSlope(b, delta) - lgammaSlope(r, delta)
		// (e^{δM} − 1)/δ = −expm1Ratio(δ, M) ≥ 0 where M > 0.
		e := -expm1Ratio(delta, M)
		lc := lgammaDiff(b, a) - math.Log(eps) - lgamma(r) + lgamma(1-delta) - (r+delta)*lw
		pair := math.Exp(lc) * e
		k := (b + eps) / eps
		if g := k - pair; g > 0 && finite(g) && math.Abs(k)+math.Abs(pair) <= maxKappa*g {
			return g, true
		}
		// K and the pair cancel (a near 1 too): the terms apart.
	}
	// K − K·A₂·w^{−ε}, K·A₂ = Γ(a+b)Γ(r−ε)/(εΓ(r)Γ(b)); for |ε|·ln w < 1
	// as (b+ε)·(1 − A₂w^{−ε})/ε, A₂ = Γ(b+ε)Γ(r−ε)/(Γ(r)Γ(b)) > 0 there.
	h := 1 / lw
	var first float64
	switch {
	case math.Abs(eps)*lw < 1 && r-eps > 0 && b+eps > 0:
		L := lgammaSlope(b, eps) - lgammaSlope(r-eps, eps) - lw
		first = (b + eps) * expm1Ratio(eps, L)
	default:
		k := (b + eps) / eps
		x, near := offPoles(-delta, h)
		lg, sg := math.Lgamma(x)
		t2 := float64(sg) * math.Copysign(math.Exp(lgammaDiff(b, a)+lg-math.Log(math.Abs(eps))-lgamma(r)-eps*lw), eps)
		if near {
			// A bound only: negligible, or its partner is missing.
			if !(math.Abs(t2) <= 1e-17*math.Abs(k)) {
				return 0, false
			}
			t2 = 0
		}
		first = k - t2
	}
	// The third term, K·A₁·w^{−r}, A₁ = Γ(a+b−1)Γ(δ)/(Γ(b+δ)Γ(a−1)).
	if !finite(first) {
		return 0, false
	}
	d, near := offPoles(delta, h)
	ld, sd := math.Lgamma(d)
	var lab float64 // ln |Γ(a+b)/Γ(b+δ)|
	sab := 1
	if b+d > 0 {
		lab = lgammaDiff(b+d, a-d)
	} else {
		lbd, s := math.Lgamma(b + d)
		lab, sab = lgamma(a+b)-lbd, s
	}
	third := float64(sd*sab) * math.Exp(lab-lgamma(a)+ld-r*lw)
	g := first
	if !(math.Abs(third) <= 1e-17*math.Abs(first)) {
		if near || delta <= -0.5 {
			return 0, false
		}
		g = first - third
		if math.Abs(first)+math.Abs(third) > maxKappa*g {
			return 0, false
		}
	}
	if !(g > 0) || !finite(g) {
		return 0, false
	}
	return g, true
}

// offPoles returns x, or x+h where x lies within h/2 of a pole of Γ
// (0, −1, −2, …), near reporting the move: a term with Γ(x) in its
// numerator is then only bounded in size (by about ln w/n! for h = 1/ln w).
func offPoles(x, h float64) (v float64, near bool) {
	if x < h && math.Abs(x-math.Round(x)) < h/2 {
		return x + h, true
	}
	return x, false
}

// lgammaSlope is [ln Γ(x+d) − ln Γ(x)]/d for x, x+d > 0, continued by
// ψ(x) at d = 0: from lgammaDiff where x+d and x are at least 1e3,
// else the difference of ln Γ or the midpoint value ψ(x+d/2), whichever
// has the smaller error bound (2.2e-16·(|ln Γ(x)|+1)/|d| for the
// difference; d²/24·(1/x² + 2/x³), a bound of |ψ″| times d²/24, for the
// midpoint rule).
func lgammaSlope(x, d float64) float64 {
	switch lo := min(x, x+d); {
	case d == 0:
		return mathext.Digamma(x)
	case lo >= 1e3 && d > 0:
		return lgammaDiff(x, d) / d
	case lo >= 1e3:
		return lgammaDiff(x+d, -d) / -d
	}
	lg := lgamma(x)
	errDiff := 2.2e-16 * (math.Abs(lg) + 1) / math.Abs(d)
	errMid := d * d / 24 * (1/(x*x) + 2/(x*x*x))
	if errMid < errDiff {
		return mathext.Digamma(x + d/2)
	}
	return (lgamma(x+d) - lg) / d
}

// logTiny is ln x for x > 0, subnormal numbers included: math.Log takes
// them as 2^−1022 on some platforms (ln 1e-310 came out as −709.085, not
// −713.801), so they are scaled by 2^54 first.
func logTiny(x float64) float64 {
	if x < minNormal {
		return math.Log(x*0x1p54) - 54*math.Ln2
	}
	return math.Log(x)
}
