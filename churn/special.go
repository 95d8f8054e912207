package churn

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// lgamma is ln Γ(x) for x > 0.
func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// lbetaRatio is ln B(a+x, b+y)/B(a, b) for a, b > 0 and x, y ≥ 0, as
//
//	[ln Γ(a+x) − ln Γ(a)] + [ln Γ(b+y) − ln Γ(b)] − [ln Γ(a+b+x+y) − ln Γ(a+b)]
//
// with each bracket taken by lgammaDiff, so that it keeps its digits where
// a or b is large: ln B(a+x, b+y) − ln B(a, b), each of them the sum of
// three ln Γ, subtracts two numbers of the size of (a+b)·ln(a+b) and
// loses about 1e-6 absolutely at a+b = 1e9.
func lbetaRatio(a, b, x, y float64) float64 {
	return lgammaDiff(a, x) + lgammaDiff(b, y) - lgammaDiff(a+b, x+y)
}

// log1pexp is ln(1 + e^x) without overflow.
func log1pexp(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// logistic is 1/(1 + e^{-x}) without overflow.
func logistic(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// expm1Ratio is (1 − e^{εL})/ε = −expm1(εL)/ε, continued by −L at ε = 0.
func expm1Ratio(eps, L float64) float64 {
	if eps == 0 {
		return -L
	}
	return -math.Expm1(eps*L) / eps
}

// maxSeriesTerms bounds every hypergeometric series; a series that needs
// more (argument extremely close to 1) reports failure.
const maxSeriesTerms = 1_000_000

// bgExpect evaluates the bracket shared by the BG/NBD and MBG/NBD
// expectations,
//
//	P/(a−1) · [1 − (1−z)^{a−1} ₂F₁(A, a−1; C; z)],
//
// which is what the published forms P/(a−1)·[1 − (1−z)^{c1} ₂F₁(a1, b1; C; z)]
// become after Euler's transformation ₂F₁(a1,b1;C;z) =
// (1−z)^{C−a1−b1} ₂F₁(C−a1, C−b1; C; z) (Abramowitz & Stegun 15.3.3).
// Writing ε = a−1 and (ε)_k = ε(ε+1)_{k−1}, the ratio has no singularity
// at a = 1:
//
//	P·(1 − (1−z)^ε)/ε − (1−z)^ε · Σ_{k≥1} P (A)_k (ε+1)_{k−1} / ((C)_k k!) z^k.
//
// pOverC is P/C, given separately so that P = C needs no division by a C
// that may be ≤ 0. The series has ratio → z; z must be in [0, 1). It
// stops once the tail, at most |u|·ρ/(1−ρ) after a term u with ρ the
// larger of z and the ratio of the next term to u (the ratios tend to z,
// monotonically beyond their turning point), is below 1e-17 of the sum:
// near z = 1 a bound on the term alone would leave a tail up to 1/(1−z)
// times larger.
//
// rel is a bound of the relative rounding error of v (eulerErr), +Inf
// where the terms have both signs (their cancellation is not measured) or
// the condition number kappa = (|head| + (1−z)^ε·sum)/|v| of the final
// difference, head = P·(1 − (1−z)^ε)/ε, exceeds maxKappa. kappa is large
// when the result is much smaller than P/(a−1) (rare dropout and a short
// horizon) and it grows without bound, as do the terms, for large a (the
// terms peak near k ≈ (a−1)z/(1−z) at about (1−z)^{−ε} times the
// result); the bound also grows with the index of the terms that carry
// the sum, over 1/(1−z) near z = 1. bgBracket.eval uses another method
// where rel exceeds eulerMaxErr. The terms are summed by blocks
// (eulerSum).
func bgExpect(P, pOverC, A, eps, C, z float64) (v, rel float64, ok bool) {
	L := math.Log1p(-z)
	head := P * expm1Ratio(eps, L)
	// u_k = num_k/den_k: two multiplicative recurrences with the division
	// off the loop-carried chain; both are rescaled together when large.
	num, den := pOverC*A*z, 1.0
	var acc eulerSum
	part, next := 0.0, float64(eulerBlock)
	tol := 1e-17 * (1 - z) / z // the stopping bound for ratio z
	k := 1.0
	for ; num != 0; k++ {
		u := num / den
		part += u
		sum := acc.hi + part
		// The ratio of the next term to u is f/g; the later ratios tend
		// to z monotonically, so none exceeds rho = max(z, f/g) and the
		// tail is at most |u|·rho/(1−rho).
		f, g := (A+k)*(eps+k)*z, (C+k)*(k+1)
		stop := math.Abs(u) <= tol*math.Abs(sum)
		if f > z*g {
			rho := f / g
			stop = rho < 1 && math.Abs(u)*rho <= 1e-17*(1-rho)*math.Abs(sum)
		}
		if stop {
			break
		}
		if k == next {
			if k > maxSeriesTerms || !finite(sum) {
				return 0, 0, false
			}
			acc.add(part, k)
			part, next = 0, next+eulerBlock
		}
		num *= f
		den *= g
		if math.Abs(den) > 0x1p500 {
			num *= 0x1p-500
			den *= 0x1p-500
		}
	}
	acc.add(part, k)
	sum := acc.sum()
	e := math.Exp(eps * L)
	v = head - e*sum
	if !finite(v) {
		return 0, 0, false
	}
	return v, eulerErr(v, head, e*sum, e*acc.grow, eps*L, pOverC, A, C), true
}

// eulerBlock is the number of terms of the Euler series summed plainly
// before their sum is added to the compensated total (eulerSum).
const eulerBlock = 32

// eulerSum is the sum of the terms u_k of the Euler series, by blocks of
// eulerBlock terms: each block is summed plainly (its rounding error at
// most eulerBlock times the rounding unit of the block's sum) and added
// to hi by Kahan's compensated summation (Higham 2002, "Accuracy and
// Stability of Numerical Algorithms", 2nd ed., sec. 4.3: an error of
// about twice the rounding unit of the total whatever the number of
// terms). grow is Σ over the blocks of (k + eulerBlock/8)·|block sum|,
// k the last index of the block, which bounds Σ_k k·|u_k| plus an eighth
// of the blocks' rounding for terms of one sign (eulerErr).
type eulerSum struct{ hi, comp, grow float64 }

// add adds the sum part of a block whose last index is k.
func (s *eulerSum) add(part, k float64) {
	y := part - s.comp
	t := s.hi + y
	s.comp = (t - s.hi) - y
	s.hi = t
	s.grow += (k + eulerBlock/8) * math.Abs(part)
}

// sum is the total, with the compensation.
func (s *eulerSum) sum() float64 { return s.hi - s.comp }

// eulerErr is rel of bgExpect and bgExpectMany: for terms of one sign
// (A ≥ 0, C > 0, P/C > 0) and a condition number
// kappa = (|head| + |tail|)/|v| of the final difference at most maxKappa,
// the bound
//
//	[(5 + 2|x|)·(|head| + |tail|) + 8·growTail]·2⁻⁵³ / |v|
//
// of the relative rounding error of v = head − tail, to first order in
// the rounding unit 2⁻⁵³ (Higham 2002, "Accuracy and Stability of
// Numerical Algorithms", 2nd ed., ch. 3 and 4), with tail = e·Σ_k u_k,
// e = (1−z)^ε = exp(x), x = ε·ln(1−z) and growTail = e·grow of eulerSum
// (at least e·Σ_k k·|u_k|); +Inf otherwise (terms of both signs, whose
// cancellation is not measured, or a difference worse conditioned than
// maxKappa). Each step of the recurrences of the terms rounds at most
// eight times (A+k, ε+k, C+k and the products; the rare rescalings,
// by a power of two, are exact), so u_k carries at most about 8k roundings, and the sums of
// eulerSum add at most eulerBlock roundings of each block and two of the
// total; x carries about 2|x| roundings (those of ln(1−z) and of the
// product), which e inherits, and the head (expm1, a ratio and a
// product) about five. It is a bound, not an estimate: at r = 0.0109,
// a = 18.13, b = 1391.65, z = 1 − 1.175e-3 (tens of thousands of terms,
// kappa = 38) it is 4.9e-10 where the error is 2.4e-11.
func eulerErr(v, head, tail, growTail, x, pOverC, A, C float64) float64 {
	mag := math.Abs(head) + math.Abs(tail)
	if !(A >= 0 && C > 0 && pOverC > 0) || !(mag <= maxKappa*math.Abs(v)) {
		return math.Inf(1)
	}
	return ((5+2*math.Abs(x))*mag + 8*math.Abs(growTail)) * 0x1p-53 / math.Abs(v)
}

// maxBatch is the most arguments bgExpectMany takes at once.
const maxBatch = 64

// bgExpectMany sets out[j] to bgExpect(P, pOverC, A, eps, C, zs[j]) for
// up to maxBatch arguments, to the same accuracy (not to the last bit),
// and rel[j] to the bound of its relative rounding error (eulerErr; +Inf
// where v is not finite): the terms of the series are c_k·z^k with
// c_k = (P/C)·A·(A+1)_{k−1} (ε+1)_{k−1} / ((C+1)_{k−1} k!) the same for
// every z, so c_k is computed once per k for all of them, and each series
// stops at its own term (by the tail bound of bgExpect). It reports false when the
// shared coefficients overflow or the series do not converge.
func bgExpectMany(P, pOverC, A, eps, C float64, zs, out, rel []float64) bool {
	n := len(zs)
	if n > maxBatch || len(out) != n || len(rel) != n {
		return false
	}
	var part, hi, zk, tol [maxBatch]float64 // hi[j] = acc[j].hi
	var acc [maxBatch]eulerSum
	var done [maxBatch]bool
	copy(zk[:n], zs)
	for j, z := range zs {
		tol[j] = 1e-17 * (1 - z) / z // the stopping bound for ratio z
	}
	c := pOverC * A
	left := n
	next := float64(eulerBlock)
	for k := 1.0; left > 0; k++ {
		cr := (A + k) * (eps + k) / ((C + k) * (k + 1)) // c_{k+1}/c_k
		for j := range n {
			if done[j] {
				continue
			}
			u := c * zk[j]
			p := part[j] + u
			part[j] = p
			sum := hi[j] + p
			// The tail bound of bgExpect: the next ratio is cr·z.
			stop := math.Abs(u) <= tol[j]*math.Abs(sum)
			if cr > 1 {
				rho := zs[j] * cr
				stop = rho < 1 && math.Abs(u)*rho <= 1e-17*(1-rho)*math.Abs(sum)
			}
			if stop {
				acc[j].add(part[j], k)
				done[j] = true
				left--
				continue
			}
			zk[j] *= zs[j]
		}
		if left == 0 {
			break
		}
		if k > maxSeriesTerms || !finite(c) {
			return false
		}
		if k == next {
			for j := range n {
				if !done[j] {
					acc[j].add(part[j], k)
					hi[j], part[j] = acc[j].hi, 0
				}
			}
			next += eulerBlock
		}
		c *= cr
	}
	for j, z := range zs {
		L := math.Log1p(-z)
		head := P * expm1Ratio(eps, L)
		e := math.Exp(eps * L)
		sum := acc[j].sum()
		v := head - e*sum
		out[j], rel[j] = v, math.Inf(1)
		if finite(v) {
			rel[j] = eulerErr(v, head, e*sum, e*acc[j].grow, eps*L, pOverC, A, C)
		}
	}
	return true
}

// Gauss–Legendre 8-point nodes and weights on [−1, 1].
var (
	glNodes   = [8]float64{-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498, 0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363}
	glWeights = [8]float64{0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620, 0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763}
)

// log2F1Pareto returns ln ₂F₁(a, b; a+1; z) for a > 0, b > 0, 0 ≤ z < 1,
// the hypergeometric function of the Pareto/NBD likelihood.
//
// When b < a+1 (always so in the likelihood, where a+1 = r+s+x+1 and b is
// s+1 or r+x) it sums Euler's transformation (log2F1Euler), whose terms
// fall at least as fast as z^k, and which needs few terms even for z near
// 1 when b is large. When that series may need more than eulerTermBudget
// terms (b small or a large, and z near 1: eulerFeasible), or when b ≥ a+1
// and z > 0.95, it integrates Euler's integral (log2F1ParetoQuad); for
// b ≥ a+1 and z ≤ 0.95 it sums the Gauss series Σ_k a/(a+k) · (b)_k/k! · z^k
// (all terms positive), rescaling to stay finite.
func log2F1Pareto(a, b, z float64) (float64, bool) {
	if z == 0 {
		return 0, true
	}
	if b < a+1 {
		if eulerFeasible(a, b, z, false) {
			if v, ok := log2F1Euler(a, b, z); ok {
				return v, true
			}
		}
		return log2F1ParetoQuad(a, b, z)
	}
	if z <= 0.95 {
		return log2F1Gauss(a, b, z)
	}
	return log2F1ParetoQuad(a, b, z)
}

// eulerFeasible reports whether log2F1Euler (grad false) or
// log2F1EulerGrad (grad true) is sure to stop within K = eulerTermBudget
// terms, from the term t_K,
//
//	ln t_K = ln Γ(e+K) − ln Γ(e) − ln Γ(c+K) + ln Γ(c) + K ln z,
//
// and q = z/(1−z): the sum S ≥ 1, so the value stops once t_K·q ≤ 1e-17;
// the weighted sums of log2F1EulerGrad are at least t₁ = ez/c times their
// first weight, and their tail bounds at K are at most t_K·q·(K + 1/(1−z))
// times that weight, so they stop once t_K·q·(K + 1/(1−z)) ≤ 1e-15·t₁.
// Up to z = 0.9 the bound t_k ≤ z^k settles both without the log-gamma
// calls.
func eulerFeasible(a, b, z float64, grad bool) bool {
	if z <= 0.9 {
		return true
	}
	e, c, k := a+1-b, a+1, float64(eulerTermBudget)
	omz := 1 - z
	lt := lgamma(e+k) - lgamma(e) - lgamma(c+k) + lgamma(c) + k*math.Log(z) + math.Log(z/omz)
	if !grad {
		return lt <= math.Log(1e-17)
	}
	return lt+math.Log(k+1/omz)-math.Log(e*z/c) <= math.Log(1e-15)
}

// seriesOK reports whether log2F1Pareto(a, b, z) (grad false) or
// log2F1ParetoGrad (grad true) sums a series rather than integrating (the
// series costs a few terms for most arguments, the quadrature a few hundred
// nodes).
func seriesOK(a, b, z float64, grad bool) bool {
	if b < a+1 {
		return eulerFeasible(a, b, z, grad)
	}
	return z <= 0.95
}

// eulerTermBudget is the most terms log2F1Euler and log2F1EulerGrad sum;
// beyond it the quadrature is cheaper.
const eulerTermBudget = 1000

// log2F1Euler is ln ₂F₁(a, b; a+1; z) for 0 < b < a+1 by Euler's
// transformation (Abramowitz & Stegun 15.3.3),
//
//	₂F₁(a, b; a+1; z) = (1−z)^{1−b} ₂F₁(1, e; c; z) = (1−z)^{1−b} Σ_{k≥0} (e)_k/(c)_k z^k,
//
// with e = a+1−b > 0 and c = a+1. The term ratio (e+k)/(c+k)·z is below z,
// so the terms are positive and the tail after a term t is at most
// t·z/(1−z); the sum stops when that bound is below 1e-17 of the sum. It
// reports false after eulerTermBudget terms.
func log2F1Euler(a, b, z float64) (float64, bool) {
	e, c := a+1-b, a+1
	q := z / (1 - z)
	sum, t := 1.0, 1.0
	for k := 0.0; ; k++ {
		t *= (e + k) / (c + k) * z
		sum += t
		if t*q <= 1e-17*sum {
			break
		}
		if k >= eulerTermBudget {
			return 0, false
		}
	}
	return (1-b)*math.Log1p(-z) + math.Log(sum), true
}

// log2F1EulerGrad is log2F1Euler with the partial derivatives of
// ln F = ln ₂F₁(a, b; a+1; z). With S = Σ t_k, t_k = (e)_k/(c)_k z^k,
// H_k = Σ_{j<k} 1/(e+j) and D_k = Σ_{j<k} b/((e+j)(c+j)) = H_k(e) − H_k(c)
// (ψ(e+k) − ψ(e) = H_k):
//
//	∂lnF/∂a = Σ t_k D_k / S,
//	∂lnF/∂b = −ln(1−z) − Σ t_k H_k / S,
//	∂lnF/∂z = (b−1)/(1−z) + Σ k t_k / (z S),
//
// since e and c both move with a and e moves against b. The sum stops as
// in log2F1Euler once, in addition, the tails of the weighted sums are below
// 1e-15 of them: with t_{K+j} ≤ t_K z^j, H_{K+j} ≤ H_K + j/(e+K) and
// D_{K+j} ≤ D_K + j·b/((e+K)(c+K)), the tails after term K are at most
// t_K·q·(K + 1/(1−z)), t_K·q·(H_K + 1/((e+K)(1−z))) and
// t_K·q·(D_K + b/((e+K)(c+K)(1−z))), q = z/(1−z).
func log2F1EulerGrad(a, b, z float64) (lf, da, db, dz float64, ok bool) {
	e, c := a+1-b, a+1
	omz := 1 - z
	q := z / omz
	sum, t := 1.0, 1.0
	var sh, sd, sk, h, d float64
	for k := 0.0; ; k++ {
		ek, ck := e+k, c+k
		inv := 1 / (ek * ck)
		t *= ek * inv * ek * z // (e+k)/(c+k)·z
		h += ck * inv          // 1/(e+k)
		d += b * inv
		sum += t
		sh += t * h
		sd += t * d
		sk += t * (k + 1)
		if tq := t * q; tq <= 1e-17*sum {
			tail := tq / omz
			if tq*(k+1)+tail <= 1e-15*sk && tq*h+tail*ck*inv <= 1e-15*sh && tq*d+tail*b*inv <= 1e-15*sd {
				break
			}
		}
		if k >= eulerTermBudget {
			return 0, 0, 0, 0, false
		}
	}
	l1z := math.Log1p(-z)
	return (1-b)*l1z + math.Log(sum), sd / sum, -l1z - sh/sum, (b-1)/omz + sk/(z*sum), true
}

// log2F1Gauss sums the Gauss series of ln ₂F₁(a, b; a+1; z),
// Σ_k a/(a+k) · (b)_k/k! · z^k, for z ≤ 0.95.
func log2F1Gauss(a, b, z float64) (float64, bool) {
	sum, logScale := 1.0, 0.0
	// v = (b)_k z^k / k! = num/den (scaled), the division kept off the
	// loop-carried chain.
	num, den := 1.0, 1.0
	for k := 1.0; ; k++ {
		num *= (b + k - 1) * z
		den *= k
		if den > 0x1p500 {
			num *= 0x1p-500
			den *= 0x1p-500
		}
		u := num * a / (den * (a + k))
		sum += u
		if u <= 1e-17*sum && (b+k)*z < k+1 {
			break
		}
		if k > maxSeriesTerms {
			return 0, false
		}
		if num > 0x1p664 {
			sum *= 0x1p-664
			num *= 0x1p-664
			logScale += 664 * math.Ln2
		}
	}
	return math.Log(sum) + logScale, true
}

// log2F1ParetoQuad is ln ₂F₁(a, b; a+1; z) for any z in (0, 1) by Euler's
// integral ₂F₁(a,b;a+1;z) = a∫₀¹ t^{a−1}(1−zt)^{−b} dt (A&S 15.3.1), which
// after t = e^{−y/a} becomes
//
//	₂F₁ = (1−z)^{−b} I,  I = ∫₀^∞ e^{−y} h(y)^{−b} dy,  h = 1 + κ(1 − e^{−y/a}),  κ = z/(1−z).
//
// h vanishes at y = −ε + 2πina (n integer), ε = a ln(1/z) ≈ a(1−z)/z,
// and h^{−b} falls on the scale ε/b near 0. With σ = min(ε/max(b, 1), 1)
// and y = σ(e^u − 1), the integrand is smooth in u on the scale 1 (its
// singularities lie at least π/2 off the real axis), so I is summed by
// 8-point Gauss–Legendre panels of width 1/2 in u until they would be
// wider than 2 in y, then by panels of width 2 in y, up to y = 40. The
// integrand e^{−y}h^{−b} decreases, so the part of I beyond a point y₀ is
// at most its value there; the sum stops once that is below 1e-17·I.
// Against 30-digit references (mpmath) the relative error of ln ₂F₁ is
// below 2e-15.
func log2F1ParetoQuad(a, b, z float64) (float64, bool) {
	lf, _, _, _, ok := quadPareto(a, b, z, false)
	return lf, ok
}

// quadU is the panel width in u of log2F1ParetoQuad; quadExp[i] is
// e^{quadU·x_i/2} for the Gauss–Legendre nodes x_i, quadExpm1First[i] is
// e^{quadU(1+x_i)/2} − 1 (the nodes of the first panel), and a panel
// [u−quadU/2, u+quadU/2] spans e^u·quadSpan in y/σ.
const quadU = 0.5

var quadSpan = 2 * math.Sinh(quadU/2)

var quadExp, quadExpm1First = func() (e, f [8]float64) {
	for i, x := range glNodes {
		e[i] = math.Exp(quadU / 2 * x)
		f[i] = math.Expm1(quadU / 2 * (1 + x))
	}
	return e, f
}()

// quadPareto is log2F1ParetoQuad and, if withGrad, the partial derivatives
// of ln F under the integral sign, with w = e^{−y}h^{−b} and ⟨·⟩ the mean
// over w:
//
//	∂lnF/∂a = bκ/a² · ⟨y e^{−y/a}/h⟩,
//	∂lnF/∂b = −ln(1−z) − ⟨ln h⟩,
//	∂lnF/∂z = b/(1−z) · ⟨e^{−y/a}/h⟩
//
// (the last from ∂h/∂z = (1 − e^{−y/a})/(1−z)² and
// 1 − (1 − e^{−y/a})/((1−z)h) = e^{−y/a}/h, so it has no cancellation).
func quadPareto(a, b, z float64, withGrad bool) (lf, da, db, dz float64, ok bool) {
	omz := 1 - z
	kap := z / omz
	sig := min(-a*math.Log1p(-omz)/max(b, 1), 1)
	var integ, sa, sb, sz, last float64
	node := func(y, wt float64) {
		em := math.Expm1(-y / a) // e^{−y/a} − 1
		lh := math.Log1p(-kap * em)
		last = math.Exp(-y - b*lh)
		g := wt * last
		integ += g
		if withGrad {
			gh := g * (1 + em) / (1 - kap*em)
			sz += gh
			sa += gh * y
			sb += g * lh
		}
	}
	// Panels in u: [k·quadU, (k+1)·quadU], e^u at the nodes = emid·quadExp[i].
	y := 0.0
	emid := math.Exp(quadU / 2)
	for k := 0; ; k++ {
		if sig*emid*quadSpan > 2 {
			break // the panel would be wider than 2 in y
		}
		for i := range glNodes {
			eu := emid * quadExp[i]
			yi := sig * (eu - 1)
			if k == 0 {
				yi = sig * quadExpm1First[i]
			}
			node(yi, glWeights[i]*quadU/2*sig*eu)
		}
		y = sig * (emid*math.Exp(quadU/2) - 1)
		emid *= math.Exp(quadU)
		if last <= 1e-17*integ {
			y = 40
			break
		}
	}
	for y < 40 {
		mid := y + 1
		for i, x := range glNodes {
			node(mid+x, glWeights[i])
		}
		y += 2
		if last <= 1e-17*integ {
			break
		}
	}
	if !(integ > 0) || !finite(integ) {
		return 0, 0, 0, 0, false
	}
	l1z := math.Log1p(-z)
	lf = -b*l1z + math.Log(integ)
	if withGrad {
		da = b * kap / (a * a) * sa / integ
		db = -l1z - sb/integ
		dz = b / omz * sz / integ
	}
	return lf, da, db, dz, true
}

// log2F1ParetoGrad returns ln F = ln ₂F₁(a, b; a+1; z) and its partial
// derivatives ∂lnF/∂a, ∂lnF/∂b, ∂lnF/∂z, on the branches of log2F1Pareto:
// Euler's series (log2F1EulerGrad, when eulerFeasible for the derivatives
// too), the quadrature (quadPareto), or the Gauss series, whose term
// u_k = a/(a+k) · v_k, v_k = (b)_k z^k/k! gives
//
//	∂F/∂a = Σ k/(a+k)² v_k,  ∂F/∂b = Σ u_k (ψ(b+k) − ψ(b)),  ∂F/∂z = Σ k u_k / z,
//
// with ψ(b+k) − ψ(b) = Σ_{j<k} 1/(b+j).
func log2F1ParetoGrad(a, b, z float64) (lf, da, db, dz float64, ok bool) {
	if z == 0 {
		return 0, 0, 0, a * b / (a + 1), true
	}
	if b < a+1 {
		if eulerFeasible(a, b, z, true) {
			if lf, da, db, dz, ok = log2F1EulerGrad(a, b, z); ok {
				return lf, da, db, dz, true
			}
		}
		return quadPareto(a, b, z, true)
	}
	if z > 0.95 {
		return quadPareto(a, b, z, true)
	}
	// sa accumulates Σ u_k·k/(a+k) = a·∂F/∂a; v_k = num/den.
	sum, sa, sb, sz := 1.0, 0.0, 0.0, 0.0
	num, den, hk, logScale := 1.0, 1.0, 0.0, 0.0
	for k := 1.0; ; k++ {
		bk := b + k - 1
		ak := a + k
		num *= bk * z
		den *= k
		// One division per term: inv = 1/(bk·ak·den) gives 1/bk,
		// u = a·num/(den·ak) and u/ak.
		inv := 1 / (bk * ak * den)
		hk += inv * ak * den
		u := a * num * inv * bk
		sum += u
		uk := u * k
		sa += uk * inv * bk * den
		sb += u * hk
		sz += uk
		if uk+u*hk <= 1e-17*sum && bk*z < k {
			break
		}
		if k > maxSeriesTerms {
			return 0, 0, 0, 0, false
		}
		if den > 0x1p500 {
			num *= 0x1p-500
			den *= 0x1p-500
		}
		if num > 0x1p664 {
			sum *= 0x1p-664
			sa *= 0x1p-664
			sb *= 0x1p-664
			sz *= 0x1p-664
			num *= 0x1p-664
			logScale += 664 * math.Ln2
		}
	}
	sa /= a
	return math.Log(sum) + logScale, sa / sum, sb / sum, sz / (z * sum), true
}

// lgammaDiff is ln Γ(z+x) − ln Γ(z) for z > 0 and x ≥ 0. Below z = 1e3 it
// is the difference of math.Lgamma; above, where that difference would
// lose the digits of ln Γ(z) ≈ z ln z (about 1e-5 absolute at z = 1e10),
// it is the difference of Stirling's series (Abramowitz & Stegun 6.1.41),
//
//	(z−½)·ln(1 + x/z) + x·ln(z+x) − x + (1/12)(1/(z+x) − 1/z) − (1/360)(1/(z+x)³ − 1/z³),
//
// whose truncation error at z ≥ 1e3 is below 1e-24.
func lgammaDiff(z, x float64) float64 {
	if z < 1e3 {
		return lgamma(z+x) - lgamma(z)
	}
	zx := z + x
	return (z-0.5)*math.Log1p(x/z) + x*math.Log(zx) - x +
		(1/zx-1/z)/12 - (1/(zx*zx*zx)-1/(z*z*z))/360
}

// digammaDiff is ψ(z+x) − ψ(z) for z > 0 and x ≥ 0. Below z = 1e3 it is
// the difference of the digamma function; above, where that difference
// would lose the digits of ψ(z) ≈ ln z (and a fit multiplies it by z),
// it is the difference of the asymptotic series (Abramowitz & Stegun
// 6.3.18),
//
//	ln(1 + x/z) − (1/(z+x) − 1/z)/2 − (1/(z+x)² − 1/z²)/12 + (1/(z+x)⁴ − 1/z⁴)/120 − (1/(z+x)⁶ − 1/z⁶)/252,
//
// whose truncation error at z ≥ 1e3 is below 1e-26.
func digammaDiff(z, x float64) float64 {
	if z < 1e3 {
		return mathext.Digamma(z+x) - mathext.Digamma(z)
	}
	return digammaDiffSeries(z, x)
}

// digammaDiffFrom is digammaDiff(z, x) given psz = ψ(z), for a sum over
// many x at one z: below z = 1e3 it takes one digamma instead of two.
func digammaDiffFrom(z, x, psz float64) float64 {
	if z < 1e3 {
		return mathext.Digamma(z+x) - psz
	}
	return digammaDiffSeries(z, x)
}

// digammaDiffSeries is the asymptotic series of digammaDiff, for z ≥ 1e3.
func digammaDiffSeries(z, x float64) float64 {
	u, v := 1/(z+x), 1/z
	u2, v2 := u*u, v*v
	return math.Log1p(x/z) - (u-v)/2 - (u2-v2)/12 + (u2*u2-v2*v2)/120 - (u2*u2*u2-v2*v2*v2)/252
}
