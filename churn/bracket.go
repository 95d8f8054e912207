package churn

import "math"

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

// maxKappa is the largest condition number of the Euler series accepted:
// its relative error stays below about 1e-12 (kappa times the rounding
// unit times a small factor for the rounding of the terms).
const maxKappa = 100

// eulerMaxLog bounds ε·(−ln(1−z)) for the Euler series: its terms reach
// about (1−z)^{−ε} times the result, which must stay far from overflow.
// eulerMaxPeak bounds ε·w, near which index its terms peak.
const (
	eulerMaxLog  = 200
	eulerMaxPeak = 1e5
)

// eulerFits reports whether the Euler series can be tried at z ∈ (0, 1):
// its terms have one sign (A ≥ 0, C > 0: otherwise their cancellation is
// not measured), and a ≤ 1 or terms that stay finite and peak early
// enough. Since −ln(1−z) ≤ w = z/(1−z), ε·w ≤ eulerMaxLog suffices; the
// logarithm is taken only when ε·w is larger.
func (q *bgBracket) eulerFits(z float64) bool {
	if !(z > 0 && z < 1 && q.A >= 0 && q.C > 0 && q.pOverC > 0) {
		return false
	}
	eps := q.a - 1
	return eps <= 0 || eps*z <= eulerMaxLog*(1-z) || eulerFitsLog(eps, z)
}

// eulerFitsLog is the rest of eulerFits, with the logarithm.
func eulerFitsLog(eps, z float64) bool {
	return eps*z <= eulerMaxPeak*(1-z) && eps*-math.Log1p(-z) <= eulerMaxLog
}

// eval returns pOverC·G(r, a, b; z) for z in [0, 1). It takes the Euler
// series (bgExpect) when that is well conditioned (kappa ≤ maxKappa), as
// for the parameters fitted on ordinary data; otherwise (large a, or a
// result much smaller than (a+b−1)/(a−1)) the cheaper of the positive
// series bgPositive and the quadrature bgQuad, which are accurate for
// every a and b and differ in cost only (evalOther).
func (q *bgBracket) eval(z float64) (float64, bool) {
	if !q.eulerFits(z) {
		return q.evalOther(z, 0, false)
	}
	v, mag, ok := bgExpect(q.P, q.pOverC, q.A, q.a-1, q.C, z)
	if ok && mag <= maxKappa*math.Abs(v) {
		return v, true
	}
	return q.evalOther(z, v, ok)
}

// evalOther is eval where the Euler series is not used: 0 at z = 0, the
// robust methods otherwise, and the Euler series' value ev (if eok) when
// they fail.
func (q *bgBracket) evalOther(z, ev float64, eok bool) (float64, bool) {
	if z == 0 {
		return 0, true
	}
	if !(z > 0 && z < 1) {
		return 0, false
	}
	if v, ok := q.robust(z); ok {
		return v, true
	}
	return ev, eok
}

// robust returns pOverC·G(r, a, b; z) by the cheaper of bgPositive and
// bgQuad (the other one if it fails).
func (q *bgBracket) robust(z float64) (float64, bool) {
	w := z / (1 - z)
	first, second := bgPositive, bgQuad
	if quadCost(q.a, q.b) < positiveCost(q.r, w) {
		first, second = bgQuad, bgPositive
	}
	v, ok := first(q.r, q.a, q.b, z)
	if !ok {
		v, ok = second(q.r, q.a, q.b, z)
	}
	v *= q.pOverC
	if !ok || !finite(v) {
		return 0, false
	}
	return v, true
}

// evalMany sets out[j] = eval(zs[j]) for up to maxBatch arguments (to the
// accuracy of eval, not to the last bit): one batched Euler series
// (bgExpectMany) for all, when it fits the largest z, and eval where that
// is not well conditioned. It reports false where eval fails.
func (q *bgBracket) evalMany(zs, out []float64) bool {
	n := len(zs)
	if n > maxBatch || len(out) != n {
		return false
	}
	var kappa [maxBatch]float64
	batched := true
	for _, z := range zs {
		if !q.eulerFits(z) {
			batched = false
			break
		}
	}
	if batched {
		batched = bgExpectMany(q.P, q.pOverC, q.A, q.a-1, q.C, zs, out, kappa[:n])
	}
	for j, z := range zs {
		if batched && kappa[j] <= maxKappa {
			continue
		}
		v, ok := q.eval(z)
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
// into the published formula of G term by term. The factor (1−z)^r is
// applied in logs at the end; the terms are rescaled by 2^−600 when they
// grow large. The series stops past the mode of NB once a term is below
// 1e-17·(1−z) of the sum (the tail is then below 1e-17 of it).
func bgPositive(r, a, b, z float64) (float64, bool) {
	ab := a + b
	tm, s, S := 1.0, 1.0, 0.0
	sum, logScale := 0.0, 0.0
	tol := 1e-17 * (1 - z) // the tail beyond a term u is at most about u/(1−z)
	for m := 1.0; ; m++ {
		tm *= (r + m - 1) * z / m
		S += s
		s *= (b + m - 1) / (ab + m - 1)
		u := tm * S
		sum += u
		if u <= tol*sum && (r+m)*z < m+1 {
			break
		}
		if m > maxSeriesTerms || !finite(sum) {
			return 0, false
		}
		if tm > 0x1p600 {
			tm *= 0x1p-600
			sum *= 0x1p-600
			logScale += 600 * math.Ln2
		}
	}
	if sum == 0 {
		return 0, true
	}
	v := math.Exp(r*math.Log1p(-z) + logScale + math.Log(sum))
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
// error over M, so the rule starts with h = min(1, σ) and halves h until
// two results agree to 1e-8 (the last one is then good to about 1e-16);
// each level reuses the nodes of the one before. The nodes are those
// within the range where, at the first step, the weights are above 1e-20
// of the sums. The rule's normalisation cancels in E[g] = Σ ω g / Σ ω, so
// no beta function is evaluated. With δ = y − y₀, p₀ = a/(a+b), q₀ = b/(a+b):
//
//	ln ω(δ) = a·δ − (a+b)·ln(1 + p₀(e^δ − 1)) = −b·δ − (a+b)·ln(1 + q₀(e^{−δ} − 1)),
//	p = p₀e^δ/(1 + p₀(e^δ − 1)) = p₀/(1 + q₀(e^{−δ} − 1)).
//
// Its cost depends on a and b only: a few dozen nodes for large a and b
// (a near-Gaussian density), a few hundred when a or b is near 1.
func bgQuad(r, a, b, z float64) (float64, bool) {
	w := z / (1 - z)
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
		g := gmax
		if p > 0 {
			g = -math.Expm1(-r*math.Log1p(p*w)) / p
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
		if math.Abs(v-prev) <= 1e-8*v {
			return v, v >= 0
		}
		prev = v
	}
	return 0, false
}
