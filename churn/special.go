package churn

import (
	"math"
)

// lgamma is ln Γ(x) for x > 0.
func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// lbeta is ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a+b).
func lbeta(a, b float64) float64 {
	return lgamma(a) + lgamma(b) - lgamma(a+b)
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
// that may be ≤ 0. The series has ratio → z; z must be in [0, 1).
//
// mag is the magnitude of the final difference: |head| + (1−z)^ε·sum
// with head = P·(1 − (1−z)^ε)/ε when the terms have one sign (A ≥ 0 and
// C > 0, P/C > 0), +Inf otherwise (terms of both signs, whose
// cancellation is not measured). kappa = mag/|v| is the condition number
// of the difference: the relative error of v is about kappa times the
// rounding unit. It is large when the result is much smaller than
// P/(a−1) (rare dropout and a short horizon) and it grows without bound,
// as do the terms, for large a (the terms peak near k ≈ (a−1)z/(1−z) at
// about (1−z)^{−ε} times the result); bgBracket.eval then uses another
// method.
func bgExpect(P, pOverC, A, eps, C, z float64) (v, mag float64, ok bool) {
	L := math.Log1p(-z)
	head := P * expm1Ratio(eps, L)
	// u_k = num_k/den_k: two multiplicative recurrences with the division
	// off the loop-carried chain; both are rescaled together when large.
	num, den := pOverC*A*z, 1.0
	sum := 0.0
	for k := 1.0; num != 0; k++ {
		u := num / den
		sum += u
		if math.Abs(u) <= 1e-17*math.Abs(sum) {
			break
		}
		if k > maxSeriesTerms || !finite(sum) {
			return 0, 0, false
		}
		num *= (A + k) * (eps + k) * z
		den *= (C + k) * (k + 1)
		if math.Abs(den) > 1e150 {
			num *= 1e-150
			den *= 1e-150
		}
	}
	e := math.Exp(eps * L)
	v = head - e*sum
	if !finite(v) {
		return 0, 0, false
	}
	return v, eulerMag(head, e*sum, pOverC, A, C), true
}

// eulerMag is mag of bgExpect: |head| + |tail| for terms of one sign, +Inf
// otherwise.
func eulerMag(head, tail, pOverC, A, C float64) float64 {
	if A >= 0 && C > 0 && pOverC > 0 {
		return math.Abs(head) + math.Abs(tail)
	}
	return math.Inf(1)
}

// maxBatch is the most arguments bgExpectMany takes at once.
const maxBatch = 64

// bgExpectMany sets out[j] to bgExpect(P, pOverC, A, eps, C, zs[j]) for
// up to maxBatch arguments, to the same accuracy (not to the last bit),
// and kappa[j] to its condition number mag/|v| (+Inf where bgExpect
// fails or mag is +Inf): the terms of the series are c_k·z^k with
// c_k = (P/C)·A·(A+1)_{k−1} (ε+1)_{k−1} / ((C+1)_{k−1} k!) the same for
// every z, so c_k is computed once per k for all of them, and each series
// stops at its own term (|u| ≤ 1e-17·|sum|). It reports false when the
// shared coefficients overflow or the series do not converge.
func bgExpectMany(P, pOverC, A, eps, C float64, zs, out, kappa []float64) bool {
	n := len(zs)
	if n > maxBatch || len(out) != n || len(kappa) != n {
		return false
	}
	var sum, zk [maxBatch]float64
	var done [maxBatch]bool
	copy(zk[:n], zs)
	c := pOverC * A
	left := n
	for k := 1.0; left > 0; k++ {
		for j := range n {
			if done[j] {
				continue
			}
			u := c * zk[j]
			sum[j] += u
			if math.Abs(u) <= 1e-17*math.Abs(sum[j]) {
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
		c *= (A + k) * (eps + k) / ((C + k) * (k + 1))
	}
	for j, z := range zs {
		L := math.Log1p(-z)
		head := P * expm1Ratio(eps, L)
		e := math.Exp(eps * L)
		v := head - e*sum[j]
		out[j], kappa[j] = v, math.Inf(1)
		if finite(v) {
			kappa[j] = eulerMag(head, e*sum[j], pOverC, A, C) / math.Abs(v)
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
// For z ≤ 0.95 it sums the series Σ_k a/(a+k) · (b)_k/k! · z^k (all terms
// positive), rescaling to stay finite. Closer to 1 it integrates Euler's
// representation ₂F₁(a,b;a+1;z) = a∫₀¹ t^{a−1}(1−zt)^{−b} dt, which after
// t = e^{−y/a} becomes ∫₀^∞ e^{−y} (1 − z e^{−y/a})^{−b} dy; with
// ε = a(1−z)/z the integrand varies on the scale ε near 0, so it uses
// Gauss–Legendre panels that double in width from ε/16 up to width 2, then
// width-2 panels to y = 50, and factors out (1−z)^{−b} to work in logs.
func log2F1Pareto(a, b, z float64) (float64, bool) {
	if z == 0 {
		return 0, true
	}
	if z <= 0.95 {
		sum, logScale := 1.0, 0.0
		// v = (b)_k z^k / k! = num/den (scaled), the division kept off the
		// loop-carried chain.
		num, den := 1.0, 1.0
		for k := 1.0; ; k++ {
			num *= (b + k - 1) * z
			den *= k
			if den > 1e150 {
				num *= 1e-150
				den *= 1e-150
			}
			u := num * a / (den * (a + k))
			sum += u
			if u <= 1e-17*sum && (b+k)*z < k+1 {
				break
			}
			if k > maxSeriesTerms {
				return 0, false
			}
			if num > 1e200 {
				sum *= 1e-200
				num *= 1e-200
				logScale += 200 * math.Ln10
			}
		}
		return math.Log(sum) + logScale, true
	}
	return log2F1ParetoQuad(a, b, z)
}

// log2F1ParetoQuad is the quadrature branch of log2F1Pareto (any z in (0, 1)).
func log2F1ParetoQuad(a, b, z float64) (float64, bool) {
	omz := 1 - z
	eps := a * omz / z
	h := min(eps, 1) / 16
	integ := 0.0
	lo := 0.0
	for lo < 50 {
		w := h
		if lo > 0 {
			w = min(lo, 2)
		}
		hi := lo + w
		mid, half := (lo+hi)/2, w/2
		for i, x := range glNodes {
			y := mid + half*x
			// (1 − z e^{−y/a})/(1−z) = 1 + z(1 − e^{−y/a})/(1−z)
			g := math.Exp(-y - b*math.Log1p(-z*math.Expm1(-y/a)/omz))
			integ += glWeights[i] * half * g
		}
		lo = hi
	}
	if !(integ > 0) || !finite(integ) {
		return 0, false
	}
	return -b*math.Log1p(-z) + math.Log(integ), true
}

// log2F1ParetoGrad returns ln F = ln ₂F₁(a, b; a+1; z) and its partial
// derivatives ∂lnF/∂a, ∂lnF/∂b, ∂lnF/∂z. On the series branch (z ≤ 0.95)
// they are summed with the series, term u_k = a/(a+k) · v_k, v_k = (b)_k z^k/k!:
//
//	∂F/∂a = Σ k/(a+k)² v_k,  ∂F/∂b = Σ u_k (ψ(b+k) − ψ(b)),  ∂F/∂z = Σ k u_k / z,
//
// with ψ(b+k) − ψ(b) = Σ_{j<k} 1/(b+j). On the quadrature branch they are
// central differences of log2F1Pareto (relative step 1e-6).
func log2F1ParetoGrad(a, b, z float64) (lf, da, db, dz float64, ok bool) {
	if z == 0 {
		return 0, 0, 0, a * b / (a + 1), true
	}
	if z <= 0.95 {
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
			if den > 1e150 {
				num *= 1e-150
				den *= 1e-150
			}
			if num > 1e200 {
				sum *= 1e-200
				sa *= 1e-200
				sb *= 1e-200
				sz *= 1e-200
				num *= 1e-200
				logScale += 200 * math.Ln10
			}
		}
		sa /= a
		return math.Log(sum) + logScale, sa / sum, sb / sum, sz / (z * sum), true
	}
	lf, ok = log2F1Pareto(a, b, z)
	if !ok {
		return 0, 0, 0, 0, false
	}
	diff := func(f func(h float64) (float64, bool), h float64) (float64, bool) {
		p, ok1 := f(h)
		m, ok2 := f(-h)
		return (p - m) / (2 * h), ok1 && ok2
	}
	var ok1, ok2, ok3 bool
	da, ok1 = diff(func(h float64) (float64, bool) { return log2F1Pareto(a+h, b, z) }, 1e-6*a)
	db, ok2 = diff(func(h float64) (float64, bool) { return log2F1Pareto(a, b+h, z) }, 1e-6*b)
	dz, ok3 = diff(func(h float64) (float64, bool) { return log2F1Pareto(a, b, z+h) }, 1e-6*(1-z))
	return lf, da, db, dz, ok1 && ok2 && ok3
}
