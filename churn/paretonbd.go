package churn

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// ParetoNBD is the Pareto/NBD model of Schmittlein, Morrison & Colombo
// (1987), "Counting Your Customers: Who Are They and What Will They Do
// Next?", Management Science 33(1):1–24, with the likelihood of Fader &
// Hardie, "A Note on Deriving the Pareto/NBD Model and Related Expressions"
// (2005) and "Deriving the Conditional PMF of the Pareto/NBD Model" (note 028).
//
// While active a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
// the lifetime is exponential with rate μ ~ Gamma(s, β), λ and μ independent.
// α and β are time scales in the unit of T. Every method validates its
// inputs and returns an error, never NaN or Inf.
type ParetoNBD struct {
	R, Alpha, S, Beta float64
}

// Name returns "paretonbd".
func (m ParetoNBD) Name() string { return "paretonbd" }

// Params lists the parameters as r, alpha, s, beta (no standard errors).
func (m ParetoNBD) Params() []Param {
	return []Param{{Name: "r", Value: m.R}, {Name: "alpha", Value: m.Alpha}, {Name: "s", Value: m.S}, {Name: "beta", Value: m.Beta}}
}

func (m ParetoNBD) check() error {
	if !positiveFinite(m.R, m.Alpha, m.S, m.Beta) {
		return fmt.Errorf("churn: paretonbd r=%v alpha=%v s=%v beta=%v: %w", m.R, m.Alpha, m.S, m.Beta, ErrInvalidParams)
	}
	return nil
}

// paretoTerms returns, for one customer, the two log terms of the
// likelihood bracket (Fader & Hardie 2005, note 009, "A Note on Deriving the
// Pareto/NBD Model and Related Expressions"):
//
//	L = Γ(r+x)α^r β^s / Γ(r) · [ 1/((α+T)^{r+x}(β+T)^s) + s/(r+s+x) · A₀ ]
//
// L1 = −(r+x) ln(α+T) − s ln(β+T) and L2 = ln(s/(r+s+x)) + ln A₀, where for
// α ≥ β
//
//	A₀ = ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+t_x)) / (α+t_x)^{r+s+x}
//	   − ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+T)) / (α+T)^{r+s+x}
//
// and for α < β the same with (s+1, α) replaced by (r+x, β) and α−β by
// β−α. ₂F₁ is taken in log space (log2F1Pareto), so large x neither
// overflows nor underflows; L2 = −Inf when t_x = T (A₀ = 0). L2 is
// L1 + D with D = L2 − L1 from deadLogOdds (from the two ₂F₁ terms where
// both have a fast series, seriesOK, else from directD, the integral over
// the death time that l2Direct documents):
// the likelihood, P(alive) and the fit use D, relL1 = L1 + r ln α + s ln β
// and relL2 = L2 + r ln α + s ln β (relL1, relTerms, directD), which keep
// their digits when s, β (or r, α) are large, and not L1 and L2, which
// then hold terms like s ln(β+T) of 1e11 and more. If
// grad is non-nil it receives ∂(L1, L2)/∂(r, α, s, β) in grad[0:4] and
// grad[4:8].
func (m ParetoNBD) paretoTerms(x, tx, T float64, grad *[8]float64) (l1, l2 float64, ok bool) {
	return m.paretoTermsCached(x, tx, T, grad, nil)
}

// log2F1At is ln ₂F₁(a1, b1; a1+1; diff/(base+t)), memoised by (x, t) in
// cache when one is given (within one ScoreAll call the model is fixed, so
// a1, b1, diff and base depend on x alone).
func log2F1At(a1, b1, diff, base, x, t float64, cache *bracketCache) (float64, bool) {
	if cache == nil {
		return log2F1Pareto(a1, b1, diff/(base+t))
	}
	e := cache.slot(x, t)
	if e.set && e.x == x && e.T == t {
		return e.v, e.ok
	}
	v, ok := log2F1Pareto(a1, b1, diff/(base+t))
	*e = bracketEntry{x: x, T: t, v: v, ok: ok, set: true}
	return v, ok
}

func (m ParetoNBD) paretoTermsCached(x, tx, T float64, grad *[8]float64, cache *bracketCache) (l1, l2 float64, ok bool) {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	laT, lbeT := math.Log(al+T), math.Log(be+T)
	rx := r + x
	l1 = -rx*laT - s*lbeT
	var gd [4]float64
	var gp *[4]float64
	if grad != nil {
		gp = &gd
	}
	d, ok := m.deadLogOdds(x, tx, T, laT, lbeT, gp, cache)
	if !ok {
		return 0, 0, false
	}
	if grad != nil {
		grad[0] = -laT
		grad[1] = -rx / (al + T)
		grad[2] = -lbeT
		grad[3] = -s / (be + T)
		for i, v := range [4]float64{r, al, s, be} {
			grad[4+i] = grad[i] + gd[i]/v
		}
	}
	return l1, l1 + d, true
}

// relL1 is L1 + r ln α + s ln β (see paretoTerms), the log-likelihood of
// a customer alive at T less the terms that do not depend on the
// customer (Γ(r+x)/Γ(r) apart), written so that no two large logarithms
// cancel when α or β is large next to T:
//
//	L1 + r ln α + s ln β = −r ln(1 + T/α) − x ln(α+T) − s ln(1 + T/β),
//
// given laT = ln(α+T), l1a = ln(1 + T/α) and l1b = ln(1 + T/β). If grad
// is non-nil it receives the derivatives with respect to ln r, ln α, ln s
// and ln β: −r ln(1 + T/α), (r+x)T/(α+T) − x, −s ln(1 + T/β), sT/(β+T).
func (m ParetoNBD) relL1(x, T, laT, l1a, l1b float64, grad *[4]float64) float64 {
	r, s := m.R, m.S
	if grad != nil {
		grad[0] = -r * l1a
		grad[1] = (r+x)*(T/(m.Alpha+T)) - x
		grad[2] = -s * l1b
		grad[3] = s * (T / (m.Beta + T))
	}
	return -r*l1a - x*laT - s*l1b
}

// deadLogOdds is D = L2 − L1 of paretoTerms, ln((1 − P(alive))/P(alive)),
// from the two ₂F₁ terms (seriesD) where both have a fast series
// (seriesOK), else from the integral (directD); laT = ln(α+T) and
// lbeT = ln(β+T). If grad is non-nil it receives the derivatives of D
// with respect to ln r, ln α, ln s and ln β.
func (m ParetoNBD) deadLogOdds(x, tx, T, laT, lbeT float64, grad *[4]float64, cache *bracketCache) (float64, bool) {
	if g := grad != nil; !m.seriesOK(x, tx, g) || !m.seriesOK(x, T, g) {
		d, _, ok := m.directD(x, tx, T, grad, nil)
		return d, ok
	}
	a1 := m.R + x + m.S
	b1, base, diff := m.hyperParams(x)
	var fx, fT [4]float64 // value, ∂/∂a, ∂/∂b, ∂/∂z
	ok := true
	if grad != nil {
		fx[0], fx[1], fx[2], fx[3], ok = log2F1ParetoGrad(a1, b1, diff/(base+tx))
		if ok {
			fT[0], fT[1], fT[2], fT[3], ok = log2F1ParetoGrad(a1, b1, diff/(base+T))
		}
	} else {
		fx[0], ok = log2F1At(a1, b1, diff, base, x, tx, cache)
		if ok {
			fT[0], ok = log2F1At(a1, b1, diff, base, x, T, cache)
		}
	}
	if !ok {
		return 0, false
	}
	lbx := 0.0 // ln(max(α,β)+t_x), for the gradient only
	if grad != nil {
		lbx = math.Log(base + tx)
	}
	return m.seriesD(x, tx, T, laT, lbeT, lbx, math.Log(m.S/a1), &fx, &fT, grad), true
}

// seriesParts returns g = F(t_x) − L1 and F(T) − F(t_x) of seriesD from
// fx = ln ₂F₁(z(t_x)) and fT = ln ₂F₁(z(T)), for t_x < T.
func (m ParetoNBD) seriesParts(x, tx, T, fx, fT float64) (g, le float64) {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	rx := r + x
	d := T - tx
	if al >= be {
		l := math.Log1p(d / (al + tx)) // ln((α+T)/(α+t_x))
		return fx + rx*l - s*math.Log1p(((al-be)-d)/(be+T)), fT - fx - (rx+s)*l
	}
	l := math.Log1p(d / (be + tx)) // ln((β+T)/(β+t_x))
	return fx - rx*math.Log1p(((be-al)-d)/(al+T)) + s*l, fT - fx - (rx+s)*l
}

// seriesD finishes deadLogOdds from fx and fT, the values (and, with
// grad, the partial derivatives ∂/∂a, ∂/∂b, ∂/∂z) of ln ₂F₁ at t_x and
// at T (see paretoTerms), given laT = ln(α+T), lbeT = ln(β+T) and
// lbx = ln(max(α,β)+t_x) (used by the gradient only) and
// lsa = ln(s/(r+s+x)). With F(t) = ln ₂F₁(…; z(t)) − (r+s+x) ln(max(α,β)+t)
// and Δ = T − t_x,
//
//	D = ln(s/(r+s+x)) + F(t_x) − L1 + ln(1 − e^{F(T)−F(t_x)}),
//	F(T) − F(t_x) = ln ₂F₁(z(T)) − ln ₂F₁(z(t_x)) − (r+s+x)·ln(1 + Δ/(max(α,β)+t_x)),
//	F(t_x) − L1 = ln ₂F₁(z(t_x)) + (r+x)·ln(1 + Δ/(α+t_x)) − s·ln(1 + (α−β−Δ)/(β+T))   (α ≥ β),
//	F(t_x) − L1 = ln ₂F₁(z(t_x)) − (r+x)·ln(1 + (β−α−Δ)/(α+T)) + s·ln(1 + Δ/(β+t_x))   (α < β),
//
// so that no logarithm multiplied by r+s+x is taken of α+t or β+t
// alone. D = −Inf when t_x = T. If grad is non-nil it receives the
// derivatives of D with respect to ln r, ln α, ln s and ln β.
func (m ParetoNBD) seriesD(x, tx, T, laT, lbeT, lbx, lsa float64, fx, fT *[4]float64, grad *[4]float64) float64 {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	rx := r + x
	a1 := rx + s
	if grad != nil {
		*grad = [4]float64{}
	}
	if tx >= T {
		return math.Inf(-1)
	}
	g, le := m.seriesParts(x, tx, T, fx[0], fT[0])
	e := math.Exp(le)
	if !(e < 1) {
		return math.Inf(-1)
	}
	D := lsa + g + math.Log1p(-e)
	base, lbT := be, lbeT
	if al >= be {
		base, lbT = al, laT
	}
	if grad == nil {
		return D
	}
	// ∂F/∂(r, α, s, β) for F = ln ₂F₁(a1, b1; a1+1; z) − a1 ln(base+t).
	var dx, dT [4]float64
	dF := func(f *[4]float64, t, lb float64, out *[4]float64) {
		bt := base + t
		zq := f[3] / bt // ∂ln₂F₁/∂z · ∂z/∂(diff)
		if al >= be {
			// z = (α−β)/(α+t): ∂z/∂α = (β+t)/(α+t)², ∂z/∂β = −1/(α+t)
			out[0] = f[1] - lb
			out[2] = f[1] + f[2] - lb
			out[1] = f[3]*(be+t)/(bt*bt) - a1/bt
			out[3] = -zq
		} else {
			out[0] = f[1] + f[2] - lb
			out[2] = f[1] - lb
			out[3] = f[3]*(al+t)/(bt*bt) - a1/bt
			out[1] = -zq
		}
	}
	dF(fx, tx, lbx, &dx)
	dF(fT, T, lbT, &dT)
	gL1 := [4]float64{-laT, -rx / (al + T), -lbeT, -s / (be + T)}
	for i, v := range [4]float64{r, al, s, be} {
		gL2 := (dx[i] - e*dT[i]) / (1 - e)
		switch i {
		case 0:
			gL2 -= 1 / a1
		case 2:
			gL2 += 1/s - 1/a1
		}
		grad[i] = v * (gL2 - gL1[i])
	}
	return D
}

// seriesOK reports whether ln ₂F₁ of the likelihood at (x, t) (and, with
// grad, its derivatives) has a fast series, so that log2F1Pareto does not
// need its quadrature: see paretoTerms for the arguments.
//
// It also requires b1·ln(1/(1−z)) ≤ maxSeriesLog: ln ₂F₁ holds the term
// (1−b1)·ln(1−z) = (b1−1)·ln((max(α,β)+t)/(min(α,β)+t)), which seriesD
// cancels against the logarithms of α+t and β+t multiplied by s or r+x,
// so its rounding (about 2e-16 of it) is that of D; beyond, the integral
// (directD) keeps its digits.
func (m ParetoNBD) seriesOK(x, t float64, grad bool) bool {
	b1, base, diff := m.hyperParams(x)
	z := diff / (base + t)
	// ln(1/(1−z)) ≤ z/(1−z) settles most cases without the logarithm.
	if b1*z > maxSeriesLog*(1-z) && b1*-math.Log1p(-z) > maxSeriesLog {
		return false
	}
	return seriesOK(m.R+m.S+x, b1, z, grad)
}

// maxSeriesLog bounds the magnitude of the term (1−b1)·ln(1−z) of the
// likelihood's ln ₂F₁ taken from the series (see ParetoNBD.seriesOK):
// its rounding stays below about 1e-13.
const maxSeriesLog = 500

// hyperParams returns the parameters of ln ₂F₁(r+s+x, b1; r+s+x+1; z) in
// the likelihood (see paretoTerms): b1 (s+1 when α ≥ β, else r+x) and
// z = diff/(base+t).
func (m ParetoNBD) hyperParams(x float64) (b1, base, diff float64) {
	if m.Alpha >= m.Beta {
		return m.S + 1, m.Alpha, m.Alpha - m.Beta
	}
	return m.R + x, m.Beta, m.Beta - m.Alpha
}

// l2Direct is L2 of paretoTerms from the integral it comes from (Fader &
// Hardie 2005, note 009: the customer dies at τ ∈ (t_x, T], with density
// sβ^s/(β+τ)^{s+1} after integrating μ out, having made x purchases by then,
// Γ(r+x)α^r/(Γ(r)(α+τ)^{r+x}) after integrating λ out):
//
//	s/(r+s+x) · A₀ = s · I,  I = ∫_{t_x}^T (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ,
//
// so L2 = ln s + ln I, with no difference of two ₂F₁ terms. With m the
// smaller of α and β (exponent p_m), M the larger (exponent p_M),
// ρ = (m+t_x)/(M+t_x) ≤ 1 and m+τ = (m+t_x)e^u,
//
//	I = (m+t_x)^{1−p_m} (M+t_x)^{−p_M} ∫₀^U e^{(1−p_m)u} (1 + ρ(e^u − 1))^{−p_M} du,
//
// U = ln((m+T)/(m+t_x)). The integrand g is log-concave: its log-slope
// (1−p_m) − p_M·(m+τ)/(M+τ) falls monotonically, so its largest magnitude
// on an interval is at an end; and its singularities lie π off the real
// axis. So [0, U] is cut into 8-point Gauss–Legendre panels no wider than
// 1, nor than 2/|log-slope| at either end; once g decreases at slope −κ,
// the rest is at most g/κ and the sum stops when that is below 1e-17 of
// it. If grad is non-nil it receives ∂L2/∂(r, α, s, β): with ⟨·⟩ the mean
// over the integrand, −⟨ln(α+τ)⟩, −(r+x)⟨1/(α+τ)⟩, 1/s − ⟨ln(β+τ)⟩ and
// −(s+1)⟨1/(β+τ)⟩. L2 = −Inf (and grad zero) when t_x = T.
//
// The library itself takes D = L2 − L1 and relL2 from directD, over the
// same quadrature (deathIntegral), never L2 alone: l2Direct is the plain
// form of it that the tests check against 40-digit references.
func (m ParetoNBD) l2Direct(x, tx, T float64, grad *[4]float64) (float64, bool) {
	if grad != nil {
		*grad = [4]float64{}
	}
	if tx >= T {
		return math.Inf(-1), true
	}
	q, ok := m.deathIntegral(x, tx, T, grad != nil)
	if !ok {
		return 0, false
	}
	lmt, lMt := math.Log(q.mt), math.Log(q.Mt)
	l2 := math.Log(m.S) + (1-q.pm)*lmt - q.pM*lMt + math.Log(q.s0)
	if grad != nil {
		em, eM := lmt+q.su/q.s0, lMt+q.sl/q.s0   // ⟨ln(m+τ)⟩, ⟨ln(M+τ)⟩
		im, iM := q.sa/q.s0/q.mt, q.sb/q.s0/q.Mt // ⟨1/(m+τ)⟩, ⟨1/(M+τ)⟩
		if q.swap {
			em, eM, im, iM = eM, em, iM, im
		}
		grad[0] = -em
		grad[1] = -(m.R + x) * im
		grad[2] = 1/m.S - eM
		grad[3] = -(m.S + 1) * iM
	}
	return l2, finite(l2)
}

// deathSums holds the quadrature of l2Direct: the integral s0 over u of
// the integrand g (see l2Direct) and, when asked for, the integrals of
// g·u, g·l, g·e^{−u} = g·(m+t_x)/(m+τ), g/(1+ρ(e^u−1)) = g·(M+t_x)/(M+τ),
// g·τ/(m+τ) and g·τ/(M+τ), where
// u = ln((m+τ)/(m+t_x)) and l = ln((M+τ)/(M+t_x)); m, M are the smaller
// and larger of α and β (swap: α > β), p_m and p_M their exponents.
type deathSums struct {
	s0, su, sl, sa, sb, stm, stM float64
	mt, Mt, rho, pm, pM          float64
	swap                         bool
}

// deathIntegral computes the sums of deathSums for t_x < T (see l2Direct
// for the panels and the stopping rule).
func (m ParetoNBD) deathIntegral(x, tx, T float64, withGrad bool) (deathSums, bool) {
	var q deathSums
	p, qq := m.R+x, m.S+1
	sm, sM, pm, pM := m.Alpha, m.Beta, p, qq
	q.swap = m.Alpha > m.Beta
	if q.swap {
		sm, sM, pm, pM = m.Beta, m.Alpha, qq, p
	}
	mt, Mt := sm+tx, sM+tx
	rho := mt / Mt
	q.mt, q.Mt, q.rho, q.pm, q.pM = mt, Mt, rho, pm, pM
	U := log1pDiv(T-tx, mt) // finite where (T−t_x)/(m+t_x) overflows
	// far: ρ below the normal range (or 0), or U so large that e^u
	// overflows; the factor 1 + ρ(e^u − 1) is then taken through its
	// logarithm, y = ln(ρ(e^u − 1)) = ln ρ + u + ln(1 − e^{−u}).
	far := rho < 0x1p-1022 || U > 700
	lrho := 0.0
	if far {
		lrho = logTiny(mt) - math.Log(Mt)
	}
	// slope is the log-slope of g at u, (1−p_m) − p_M·ρe^u/(1 + ρ(e^u − 1)),
	// the fraction taken as logistic(y) + ρ·logistic(−y) when far.
	slope := func(u float64) float64 {
		if far {
			y := lrho + u + math.Log(-math.Expm1(-u))
			return 1 - pm - pM*(logistic(y)+math.Exp(lrho)*logistic(-y))
		}
		eu := math.Exp(u)
		return 1 - pm - pM*rho*eu/(1+rho*(eu-1))
	}
	txm, txM := tx/mt, tx/Mt
	for lo := 0.0; lo < U; {
		w := min(1, U-lo)
		if k := math.Abs(slope(lo)); k*w > 2 {
			w = 2 / k
		}
		if k := math.Abs(slope(lo + w)); k*w > 2 {
			w = 2 / k
		}
		half := w / 2
		mid := lo + half
		var last, ulast, em float64
		for i, xg := range glNodes {
			u := mid + half*xg
			ulast = u
			em = math.Expm1(u)
			var l, a, b, ema, rb float64 // ln(1+ρ(e^u−1)), 1/(1+em), 1/(1+ρ·em), em·a, ρ·em·b
			if far {
				y := lrho + u + math.Log(-math.Expm1(-u))
				l, b, rb = log1pexp(y), logistic(-y), logistic(y)
				a, ema = 1/(1+em), -math.Expm1(-u)
			} else {
				l = math.Log1p(rho * em)
				a, b = 1/(1+em), 1/(1+rho*em)
			}
			last = math.Exp((1-pm)*u - pM*l)
			g := glWeights[i] * half * last
			q.s0 += g
			if withGrad {
				q.su += g * u
				q.sl += g * l
				q.sa += g * a
				q.sb += g * b
				if far {
					q.stm += g * (txm*a + ema)
					q.stM += g * (txM*b + rb)
				} else {
					q.stm += g * (txm + em) * a
					q.stM += g * (txM + rho*em) * b
				}
			}
		}
		if !finite(q.s0) {
			return q, false
		}
		lo += w
		// the log-slope at the last node, as in slope
		kappa := pm - 1 + pM*rho*(1+em)/(1+rho*em)
		if far {
			kappa = -slope(ulast)
		}
		if kappa > 0 && last <= 1e-17*kappa*q.s0 {
			break
		}
	}
	return q, q.s0 > 0 && finite(q.s0)
}

// directD is D = L2 − L1 of paretoTerms (the log-odds of having died by
// T, see deadOdds) and relL2 = L2 + r ln α + s ln β from the integral
// documented at l2Direct (deathIntegral), written so that no two large
// logarithms cancel when s, β or r, α are large (the ridges a fit
// follows towards a dropout rate or a purchase rate the same for
// everybody, or towards every purchase being the last, where
// s ln(β+t_x) and s ln(β+T) are each 1e11 and more): with
// Δ = T − t_x and φ(t) = −r ln(1 + t/α) − x ln(α+t) − s ln(1 + t/β)
// (so that relL1 = φ(T)),
//
//	relL2 = ln s + ln s0 + 1{α≤β}·ln ρ + φ(t_x),
//	D = relL2 − relL1 = ln s + ln s0 + 1{α≤β}·ln ρ + (r+x)·ln(1 + Δ/(α+t_x)) + s·ln(1 + Δ/(β+t_x)),
//
// s0 and ρ as in l2Direct. If gradD (gradL2) is non-nil it receives the
// derivatives of D (relL2) with respect to ln r, ln α, ln s and ln β:
// with ⟨·⟩ the mean over the integrand,
//
//	D:     r·[ln(1 + Δ/(α+t_x)) − ⟨ln((α+τ)/(α+t_x))⟩],  (r+x)·[⟨τ/(α+τ)⟩ − T/(α+T)],
//	       1 + s·[ln(1 + Δ/(β+t_x)) − ⟨ln((β+τ)/(β+t_x))⟩],  s·[⟨τ/(β+τ)⟩ − T/(β+T)] − ⟨β/(β+τ)⟩;
//	relL2: −r·⟨ln(1 + τ/α)⟩,  (r+x)·⟨τ/(α+τ)⟩ − x,  1 − s·⟨ln(1 + τ/β)⟩,  s·⟨τ/(β+τ)⟩ − ⟨β/(β+τ)⟩.
//
// D = relL2 = −Inf (and the gradients zero) when t_x = T.
func (m ParetoNBD) directD(x, tx, T float64, gradD, gradL2 *[4]float64) (d, l2 float64, ok bool) {
	if gradD != nil {
		*gradD = [4]float64{}
	}
	if gradL2 != nil {
		*gradL2 = [4]float64{}
	}
	if tx >= T {
		return math.Inf(-1), math.Inf(-1), true
	}
	q, ok := m.deathIntegral(x, tx, T, gradD != nil || gradL2 != nil)
	if !ok {
		return 0, 0, false
	}
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	rx, dt := r+x, T-tx
	// log1pDiv: ln(1 + t_x/α) is finite where t_x/α overflows (α below
	// about 1e-299·t_x), and so are D and relL2.
	la, lb := log1pDiv(dt, al+tx), log1pDiv(dt, be+tx)
	ax, bx := log1pDiv(tx, al), log1pDiv(tx, be)
	c := math.Log(s) + math.Log(q.s0)
	if !q.swap {
		if q.rho >= 0x1p-1022 {
			c += math.Log(q.rho)
		} else {
			// ρ = (α+t_x)/(β+t_x) below the normal range, or 0: its
			// logarithm from those of its parts.
			c += logTiny(q.mt) - math.Log(q.Mt)
		}
	}
	d = c + rx*la + s*lb
	l2 = c - r*ax - x*logTiny(al+tx) - s*bx
	if gradD != nil || gradL2 != nil {
		// α is m unless swapped.
		uA, uB, tA, tB := q.su, q.sl, q.stm, q.stM
		fB := be / q.Mt * q.sb // ∫ g·β/(β+τ)
		if q.swap {
			uA, uB, tA, tB = q.sl, q.su, q.stM, q.stm
			fB = be / q.mt * q.sa
		}
		uA, uB, tA, tB, fB = uA/q.s0, uB/q.s0, tA/q.s0, tB/q.s0, fB/q.s0
		if gradD != nil {
			gradD[0] = r * (la - uA)
			gradD[1] = rx * (tA - T/(al+T))
			gradD[2] = 1 + s*(lb-uB)
			gradD[3] = s*(tB-T/(be+T)) - fB
		}
		if gradL2 != nil {
			gradL2[0] = -r * (ax + uA)
			gradL2[1] = rx*tA - x
			gradL2[2] = 1 - s*(bx+uB)
			gradL2[3] = s*tB - fB
		}
	}
	return d, l2, finite(d) && finite(l2)
}

// seriesMaxD is the largest D = L2 − L1 taken from the ₂F₁ terms for the
// likelihood: beyond it the death term dominates, relL1 + D would cancel
// two large numbers when s is large (relL1 ≈ −s ln(1 + T/β)), and relL2
// comes from the integral (directD) instead.
const seriesMaxD = 30

// relTerms returns relL1 and relL2 = L2 + r ln α + s ln β for one
// customer (see relL1, deadLogOdds and directD); false when they cannot
// be computed.
func (m ParetoNBD) relTerms(x, tx, T float64) (l1, l2 float64, ok bool) {
	laT, lbeT := math.Log(m.Alpha+T), math.Log(m.Beta+T)
	l1 = m.relL1(x, T, laT, log1pDiv(T, m.Alpha), log1pDiv(T, m.Beta), nil)
	d, ok := m.deadLogOdds(x, tx, T, laT, lbeT, nil, nil)
	if !ok {
		return 0, 0, false
	}
	if d <= seriesMaxD {
		return l1, l1 + d, true
	}
	_, l2, ok = m.directD(x, tx, T, nil, nil)
	return l1, l2, ok
}

// logLik is ln L = ln Γ(r+x) − ln Γ(r) + ln(e^{relL1} + e^{relL2})
// (relTerms); NaN when they cannot be computed.
func (m ParetoNBD) logLik(x, tx, T float64) float64 {
	l1, l2, ok := m.relTerms(x, tx, T)
	if !ok {
		return math.NaN()
	}
	return lgammaDiff(m.R, x) + logAddExp(l1, l2)
}

func logAddExp(a, b float64) float64 {
	if math.IsInf(b, -1) {
		return a
	}
	if a >= b {
		return a + math.Log1p(math.Exp(b-a))
	}
	return b + math.Log1p(math.Exp(a-b))
}

// LogLikelihood is the log-likelihood of one customer,
// ln Γ(r+x) − ln Γ(r) + r ln α + s ln β + ln(e^{L1} + e^{L2}) with L1, L2
// as in Fader & Hardie (2005, note 009) (no constant dropped).
func (m ParetoNBD) LogLikelihood(o Observation) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := o.validate(-1); err != nil {
		return 0, err
	}
	return finiteOr(m.logLik(o.Frequency, o.Recency, o.T))
}

// TotalLogLikelihood is Σ count · ln L over the groups.
func (m ParetoNBD) TotalLogLikelihood(g *Groups) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	return totalLogLik(g, m.logLik)
}

// PAlive is the probability that the customer is still active at T
// (Fader & Hardie 2005, note 009; Schmittlein et al. 1987):
//
//	P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^{r+x} (β+T)^s · A₀)
//	                     = 1 / (1 + e^{L2 − L1}).
func (m ParetoNBD) PAlive(o Observation) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := o.validate(-1); err != nil {
		return 0, err
	}
	return m.pAlive(o, nil)
}

func (m ParetoNBD) pAlive(o Observation, cache *bracketCache) (float64, error) {
	odds, ld, ok := m.deadOdds(o.Frequency, o.Recency, o.T, cache)
	if !ok {
		return 0, fmt.Errorf("churn: paretonbd P(alive) for customer %q: %w", o.ID, ErrNumerical)
	}
	return aliveFromOdds(odds, ld), nil
}

// aliveFromOdds is P(alive) = 1/(1 + e^D) from the odds e^D and, where
// they overflow, D itself: e^{−D} then (to a relative 1e-308), a
// subnormal number down to D = 745 rather than 0.
func aliveFromOdds(odds, ld float64) float64 {
	if math.IsInf(odds, 1) {
		return math.Exp(-ld)
	}
	return clamp01(1 / (1 + odds))
}

// deadOdds is (1 − P(alive))/P(alive) = e^D, D = L2 − L1 from
// deadLogOdds; +Inf when it overflows, with D itself as ld then.
func (m ParetoNBD) deadOdds(x, tx, T float64, cache *bracketCache) (odds, ld float64, ok bool) {
	return m.deadOddsLogs(x, tx, T, logTiny(m.Alpha+T), logTiny(m.Beta+T), cache)
}

// deadOddsLogs is deadOdds given laT = ln(α+T) and lbeT = ln(β+T). On
// the series branch it is s/(r+s+x) · e^g · (1 − e^{F(T)−F(t_x)}) with
// g = F(t_x) − L1 (seriesParts), without the logarithms of D. ld is D
// where the odds are +Inf (and where they are taken through D).
func (m ParetoNBD) deadOddsLogs(x, tx, T, laT, lbeT float64, cache *bracketCache) (odds, ld float64, ok bool) {
	if tx >= T {
		return 0, math.Inf(-1), true
	}
	if m.seriesOK(x, tx, false) && m.seriesOK(x, T, false) {
		a1 := m.R + x + m.S
		b1, base, diff := m.hyperParams(x)
		fx, ok := log2F1At(a1, b1, diff, base, x, tx, cache)
		if !ok {
			return 0, 0, false
		}
		fT, ok := log2F1At(a1, b1, diff, base, x, T, cache)
		if !ok {
			return 0, 0, false
		}
		g, le := m.seriesParts(x, tx, T, fx, fT)
		h := -math.Expm1(le)
		switch {
		case !(h > 0):
			return 0, math.Inf(-1), true
		case g < 700:
			return m.S / a1 * math.Exp(g) * h, 0, true
		}
		ld := math.Log(m.S/a1) + g + logTiny(h)
		return math.Exp(ld), ld, true
	}
	d, ok := m.deadLogOdds(x, tx, T, laT, lbeT, nil, cache)
	if !ok || math.IsNaN(d) {
		return 0, 0, false
	}
	return math.Exp(d), d, true
}

// ExpectedPurchases is E[X(t)] (Schmittlein et al. 1987; note 009):
//
//	E[X(t)] = rβ/(α(s−1)) · [1 − (β/(β+t))^{s−1}],
//
// computed as (rβ/α)·(1 − e^{(s−1)L})/(s−1) with L = −ln(1 + t/β), which
// is continuous at s = 1 (limit (rβ/α)·ln(1 + t/β)). Where that loses
// digits or overflows on the way (t/β beyond the float range, β below
// about 1e-299 of t; (β/(β+t))^{s−1} beyond it, s < 1; r·β below the
// normal range) the same formula is taken through its logarithm,
// ln r − ln α + ln G, where G = β·[1 − (β/(β+t))^{s−1}]/(s−1) =
// ∫₀^t (β/(β+τ))^s dτ is the expected lifetime within (0, t] (so
// E[X(t)] = rG/α); for s < 1 and a tiny β its
// value is about rβ^s t^{1−s}/(α(1−s)), for s > 1 about rβ/(α(s−1)), at
// s = 1 (rβ/α)·(ln t − ln β). It is ErrNumerical only where the value is
// beyond the float range (t/α beyond it, α below about 1e-299·t, with
// an s not far above 1).
func (m ParetoNBD) ExpectedPurchases(t float64) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkHorizon(t); err != nil {
		return 0, err
	}
	if t == 0 {
		return 0, nil
	}
	if rb := m.R * m.Beta; rb >= minNormal && finite(t/m.Beta) {
		if v := rb / m.Alpha * expm1Ratio(m.S-1, -math.Log1p(t/m.Beta)); v >= minNormal && finite(v) {
			return v, nil
		}
	}
	return expOr(logTiny(m.R) - logTiny(m.Alpha) + paretoLogHorizon(m.S, m.Beta, t))
}

// paretoLogHorizon is ln G for G = ∫₀^t (β/(β+τ))^s dτ, the expected
// lifetime within (0, t] of a Pareto/NBD customer (Schmittlein et al.
// 1987: the survival function of the Pareto lifetime is (β/(β+τ))^s),
//
//	G = β·(1 − e^{−(s−1)ℓ})/(s−1),  ℓ = ln(1 + t/β),
//
// for t > 0, with ℓ from log1pDiv (finite where t/β overflows) and, for
// s < 1 where e^{(1−s)ℓ} overflows, ln G = ln β + y + ln(1 − e^{−y}) −
// ln(1−s), y = (1−s)ℓ; ln β by logTiny (β may be subnormal).
func paretoLogHorizon(s, beta, t float64) float64 {
	ell := log1pDiv(t, beta)
	eps := s - 1
	if x := expm1Ratio(eps, -ell); finite(x) {
		return logTiny(beta) + logTiny(x)
	}
	y := -eps * ell
	return logTiny(beta) + y + math.Log(-math.Expm1(-y)) - math.Log(-eps)
}

// expOr is e^lv, or ErrNumerical where that is beyond the float range.
func expOr(lv float64) (float64, error) {
	if !(lv <= maxLogFloat) {
		return 0, ErrNumerical
	}
	return math.Exp(lv), nil
}

// maxLogFloat is ln of math.MaxFloat64 (rounded down).
const maxLogFloat = 709.782712893384

// minNormal is the smallest normal float64, 2^−1022.
const minNormal = 0x1p-1022

// ConditionalExpectedPurchases is E[Y(t) | x, t_x, T] (Schmittlein et al.
// 1987; Fader & Hardie 2005, note 009):
//
//	E[Y(t) | x, t_x, T] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}] · P(alive),
//
// with the s = 1 limit handled as in ExpectedPurchases, and as there
// through its logarithm where t/(β+T) or (α+T)^{−1} is beyond the float
// range (β and T, or α and T, below about 1e-299 of t; aliveFactor) and
// where P(alive) is below it (from D, not the overflowed odds).
func (m ParetoNBD) ConditionalExpectedPurchases(o Observation, t float64) (float64, error) {
	s, err := m.Score(o, t)
	return s.ExpectedPurchases, err
}

// Score returns PAlive and ConditionalExpectedPurchases(o, t) together.
func (m ParetoNBD) Score(o Observation, t float64) (Score, error) {
	return m.scoreCached(o, t, nil)
}

func (m ParetoNBD) scoreCached(o Observation, t float64, cache *bracketCache) (Score, error) {
	if err := m.check(); err != nil {
		return Score{}, err
	}
	if err := o.validate(-1); err != nil {
		return Score{}, err
	}
	if err := checkHorizon(t); err != nil {
		return Score{}, err
	}
	// Terms that depend on T alone, memoised per T within ScoreAll:
	// ln(α+T), ln(β+T) and (β+T)/(α+T) · (1 − ((β+T)/(β+T+t))^{s−1})/(s−1).
	var tv *tEntry
	if cache != nil {
		tv = cache.tslot(o.T)
	}
	if tv == nil || !tv.set || tv.T != o.T {
		k, lk := m.aliveFactor(o.T, t)
		v := tEntry{T: o.T, set: true, laT: logTiny(m.Alpha + o.T), lbeT: logTiny(m.Beta + o.T), k: k, lk: lk}
		if tv == nil {
			tv = &v
		} else {
			*tv = v
		}
	}
	odds, ld, ok := m.deadOddsLogs(o.Frequency, o.Recency, o.T, tv.laT, tv.lbeT, cache)
	if !ok {
		return Score{}, fmt.Errorf("churn: paretonbd P(alive) for customer %q: %w", o.ID, ErrNumerical)
	}
	pa := aliveFromOdds(odds, ld)
	e := (m.R + o.Frequency) * tv.k * pa
	if math.IsNaN(tv.k) {
		// k through its logarithm; ln P(alive) = −ln(1 + odds), or −D
		// where the odds overflow.
		lpa := -math.Log1p(odds)
		if math.IsInf(odds, 1) {
			lpa = -ld
		}
		e = math.Exp(logTiny(m.R+o.Frequency) + tv.lk + lpa)
	}
	if !finite(e) {
		return Score{}, fmt.Errorf("churn: paretonbd expectation for customer %q: %w", o.ID, ErrNumerical)
	}
	return Score{PAlive: pa, ExpectedPurchases: e}, nil
}

// ProbPurchases is P(X(t) = n) for a new customer. It evaluates the exact
// mixture behind the closed form of Fader & Hardie, note 012 "Deriving an
// Expression for P(X(t)=x) Under the Pareto/NBD Model": a customer still alive at t (probability
// (β/(β+t))^s) has made NB(n) purchases; one who died at τ ≤ t (density
// sβ^s/(β+τ)^{s+1}) has made NB_τ(n):
//
//	P(X(t)=n) = NB_t(n)·(β/(β+t))^s + ∫₀^t NB_τ(n) · sβ^s/(β+τ)^{s+1} dτ,
//	NB_τ(n) = Γ(r+n)/(Γ(r) n!) · (α/(α+τ))^r (τ/(α+τ))^n.
//
// The integral is computed by 8-point Gauss–Legendre quadrature on
// panels uniform in w = ln(1 + τ/c); this avoids the cancellation between
// the hypergeometric terms of the closed form for large n. The scale c =
// min(α/max(r, 1), β/(s+1)) lies below the shortest scale of the
// integrand: the death density falls like e^{−(s+1)τ/β} and NB_τ(0) like
// e^{−rτ/α} for small τ, so with a large s (lifetimes far shorter than α
// and β) or a large r the mass near τ = 0 is still sampled. In w the
// factor τ^n/(α+τ)^{r+n} of NB_τ(n) is a peak of width
// √(1/r + 1/n), which the panels (at least 64, at most 2¹⁴) are kept
// narrower than half of, and no wider than 0.5 in w (the
// integrand's other features, where τ passes α/r and β/(s+1), are about
// one unit of w wide). Where t/c or s/β is beyond the float range (α or
// β below about 1e-299 of t) w still is not (wmax < 800): the ratios
// α/(α+τ), τ/(α+τ) and the Jacobian c·e^w are then taken through their
// logarithms (subnormal α and β included). Accuracy is checked in the
// tests by Σ_n P = 1 and Σ_n n·P = E[X(t)], and against Simpson's rule
// in ln τ at a β of 1e-310.
func (m ParetoNBD) ProbPurchases(n int, t float64) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkCount(n, t); err != nil {
		return 0, err
	}
	if t == 0 {
		if n == 0 {
			return 1, nil
		}
		return 0, nil
	}
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	x := float64(n)
	lc := lgamma(r+x) - lgamma(r) - lgamma(x+1)
	lnb := func(tau float64) float64 {
		if tau == 0 {
			if n == 0 {
				return 0
			}
			return math.Inf(-1)
		}
		return lc + r*logFrac(al, tau) + x*logFrac(tau, al)
	}
	v := math.Exp(lnb(t) - s*log1pDiv(t, be))
	c := math.Max(math.Min(al/math.Max(r, 1), be/(s+1)), math.SmallestNonzeroFloat64)
	wmax := log1pDiv(t, c)
	panels := math.Max(64, math.Ceil(wmax/maxPanelW))
	if n > 0 {
		width := math.Sqrt(1/r + 1/x)
		panels = math.Min(math.Max(panels, math.Ceil(2*wmax/width)), 1<<14)
	}
	h := wmax / panels
	ls := logQuot(s, be) // ln of the death density's factor s/β
	// far: c·e^w, s/β or τ/β beyond the float range, or c subnormal; the
	// Jacobian c·e^w then joins the exponent, and τ = c·(e^w − 1) is
	// taken as e^{ln c + w} where e^w would overflow.
	far := c < minNormal || wmax > 700 || !(s/be >= minNormal) || !finite(s/be)
	lcs := logTiny(c)
	integ := 0.0
	for p := 0.0; p < panels; p++ {
		mid := (p + 0.5) * h
		for i, node := range glNodes {
			w := mid + node*h/2
			if far {
				tau := c * math.Expm1(w)
				if w > 700 {
					tau = math.Exp(lcs + w)
				}
				integ += glWeights[i] * h / 2 * math.Exp(lcs+w+lnb(tau)+ls-(s+1)*log1pDiv(tau, be))
				continue
			}
			tau := c * math.Expm1(w)
			jac := c * math.Exp(w)
			integ += glWeights[i] * h / 2 * jac * math.Exp(lnb(tau)+ls-(s+1)*math.Log1p(tau/be))
		}
	}
	return okOr(clamp01(v+integ), true)
}

// maxPanelW is the widest panel of ProbPurchases in w = ln(1 + τ/c).
const maxPanelW = 0.5

// logFrac is ln(a/(a+b)) for a > 0 and b ≥ 0: math.Log of the ratio
// where that is a normal number, else −ln(1 + b/a) by log1pDiv (the
// ratio subnormal or 0, b above about 1e308 of a).
func logFrac(a, b float64) float64 {
	if q := a / (a + b); q >= minNormal {
		return math.Log(q)
	}
	return -log1pDiv(b, a)
}

// logQuot is ln(a/b) for a, b > 0, also where a/b is beyond the float
// range or below its normal range (ln a − ln b by logTiny then).
func logQuot(a, b float64) float64 {
	if q := a / b; q >= minNormal && finite(q) {
		return math.Log(q)
	}
	return logTiny(a) - logTiny(b)
}

// ParetoNBDFit is a fitted Pareto/NBD model with its diagnostics.
type ParetoNBDFit struct {
	// Model holds the maximum-likelihood estimates.
	Model ParetoNBD
	FitInfo
	params []Param
}

// Params lists r, alpha, s, beta with their standard errors.
func (f ParetoNBDFit) Params() []Param { return cloneParams(f.params) }

// FitParetoNBD fits the Pareto/NBD model by maximum likelihood over
// θ = ln(r, α, s, β) with BFGS and the analytic gradient (the derivatives
// of ln ₂F₁ with respect to its parameters and argument are summed
// alongside its series, or integrated with it; see paretoTerms). Start
// values: r = s = 1, α = ΣT/Σx, β = mean T (or opts.Start).
//
// Errors as for FitBGNBD. When nobody seems to drop out, the likelihood
// keeps rising towards mean dropout rate s/β → 0 (β → ∞ or s → 0), or
// towards one dropout rate for all (s, β → ∞ with s/β fixed); the fit then
// returns a *BoundaryError naming s and/or β, with the best finite point
// found, whose likelihood is that of the limit to within its rounding
// noise (see BoundaryError for the criterion). That fit's model is usable
// (scores customers like any fitted model) when [BoundaryError.Usable]
// reports true; keep it then (see [BoundaryError]).
//
// The verdict names every parameter beyond e^±9.2 of its own scale with
// its end (α judged relative to ΣT/Σx, β relative to the mean T, and
// optimised so, so that neither the fit nor the verdict depends on the
// unit of time), and both parameters of a ridge along which they run out
// together. The dropout rate μ ~ Gamma(s, β) has mean s/β and
// coefficient of variation 1/√s; Meaning says:
//
//   - s → 0 (whatever β does: μ is near 0 for all but a share of order
//     s·ln(1/β) of the customers), or β → ∞ with s finite: "nobody seems
//     to leave: P(alive) is near 1 for every customer".
//   - β → 0 with s finite, or s → ∞ with β finite (mean → ∞): "every
//     purchase seems to be the last: P(alive) is near 0 for every
//     customer who did not buy at the end of the period; …".
//   - s, β → ∞ with s/β finite: the dropout rate does not vary between
//     customers (near 0 or ∞ as above when s/β times the mean T is
//     beyond e^∓9.2).
//   - r, α → ∞ with r/α finite: purchase rates do not vary between
//     customers.
func FitParetoNBD(g *Groups, opts *FitOptions) (ParetoNBDFit, error) {
	names := []string{"r", "alpha", "s", "beta"}
	if err := checkTransactionData(g); err != nil {
		return ParetoNBDFit{}, fmt.Errorf("churn: fit paretonbd: %w", err)
	}
	p := prepare(g)
	lr, lal := defaultRateStart(p)
	set, th0, err := fitStart(4, opts, [maxDim]float64{lr, lal, 0, math.Log(p.sumT / p.n)})
	if err != nil {
		return ParetoNBDFit{}, fmt.Errorf("churn: fit paretonbd: %w", err)
	}
	// α and β relative to the data's time scales, as in fitBetaGeo.
	ref := edgeScales(p, names)
	f := paretoObjectiveAt(p, ref)
	res := minimize(4, f, relative(th0, ref), set)
	info, ps, err := finishFit("paretonbd", names, f, res, g.Customers(), g.Len())
	absolute(ps, ref)
	err = transactionVerdict(err, "paretonbd", names, res, f, info.LogLikelihood, ps)
	return ParetoNBDFit{Model: ParetoNBD{R: ps[0].Value, Alpha: ps[1].Value, S: ps[2].Value, Beta: ps[3].Value}, FitInfo: info, params: ps}, err
}

func paretoObjective(p *prepared) objective {
	return paretoObjectiveAt(p, [maxDim]float64{})
}

// paretoObjectiveAt is paretoObjective over θ − ref, as
// betaGeoObjectiveAt.
func paretoObjectiveAt(p *prepared, ref [maxDim]float64) objective {
	var parts [2]paretoPartial
	tab := newParetoTable(p)
	return func(theta, grad []float64) float64 {
		if outOfRange(theta) {
			return math.Inf(1)
		}
		m := ParetoNBD{R: math.Exp(theta[0] + ref[0]), Alpha: math.Exp(theta[1] + ref[1]), S: math.Exp(theta[2] + ref[2]), Beta: math.Exp(theta[3] + ref[3])}
		r := m.R
		// The terms r ln α + s ln β common to all customers are folded
		// into each group's relL1, so that they never cancel against
		// (r+x) ln(α+T) and s ln(β+T) (see relL1 and deadLogOdds); the
		// gradient g is with respect to the log-parameters.
		ll := 0.0
		var g [4]float64
		for i, x := range p.xs {
			ll += p.xw[i] * lgammaDiff(r, x)
			p.xa[i] = math.Log(m.S / (r + m.S + x)) // scratch: ln(s/(r+s+x))
			if grad != nil {
				g[0] += p.xw[i] * r * digammaDiff(r, x)
			}
		}
		// The group sum is split into two fixed halves added in a fixed
		// order, so the result does not depend on whether the second half
		// runs on another core.
		// Logs per distinct T and t_x (scratch: lT = ln(α+T),
		// iT = ln(β+T), aT = ln(1 + T/α), bT = ln(1 + T/β),
		// ltx = ln(max(α,β)+t_x)).
		base := max(m.Alpha, m.Beta)
		for i, T := range p.Ts {
			p.lT[i] = math.Log(m.Alpha + T)
			p.iT[i] = math.Log(m.Beta + T)
			p.aT[i] = math.Log1p(T / m.Alpha)
			p.bT[i] = math.Log1p(T / m.Beta)
		}
		for i, tx := range p.txs {
			p.ltx[i] = math.Log(base + tx)
		}
		parallel := len(p.gw) >= 256 && runtime.GOMAXPROCS(0) > 1
		if !tab.fill(m, grad != nil, parallel) {
			return math.Inf(1)
		}
		mid := len(p.gw) / 2
		if parallel {
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				parts[1] = m.groupSum(p, tab, mid, len(p.gw), grad != nil)
			}()
			parts[0] = m.groupSum(p, tab, 0, mid, grad != nil)
			wg.Wait()
		} else {
			parts[0] = m.groupSum(p, tab, 0, mid, grad != nil)
			parts[1] = m.groupSum(p, tab, mid, len(p.gw), grad != nil)
		}
		for _, part := range parts {
			if !part.ok {
				return math.Inf(1)
			}
			ll += part.ll
			for i := range g {
				g[i] += part.g[i]
			}
		}
		f := -ll / p.n
		if !finite(f) {
			return math.Inf(1)
		}
		if grad != nil {
			for i := 0; i < 4; i++ {
				grad[i] = -g[i] / p.n
			}
			if !finite(maxAbs(grad)) {
				return math.Inf(1)
			}
		}
		return f
	}
}

type paretoPartial struct {
	ll float64
	g  [4]float64
	ok bool
}

// paretoTable holds ln ₂F₁ (and its partial derivatives) at the distinct
// (x, t) pairs the groups need, t being a T or a t_x: groups share them
// (every customer without repeat purchase needs the one at (0, 0)), so one
// likelihood evaluation sums each series once. A pair without a fast
// series (seriesOK) is not evaluated but marked direct: the groups that
// need it integrate D = L2 − L1 themselves (directD), one integral per group
// instead of two quadratures per pair.
type paretoTable struct {
	xs, ts []float64    // the distinct pairs, in order of first use
	f      [][4]float64 // value, ∂/∂a, ∂/∂b, ∂/∂z per pair
	direct []bool       // per pair: no fast series, so its groups use directD
	gT     []int32      // per group: pair (x, T)
	gTx    []int32      // per group: pair (x, t_x)
	ok     [2]bool
}

func newParetoTable(p *prepared) *paretoTable {
	type pair struct{ x, t float64 }
	tab := &paretoTable{gT: make([]int32, len(p.gw)), gTx: make([]int32, len(p.gw))}
	index := map[pair]int32{}
	add := func(x, t float64) int32 {
		k := pair{x, t}
		if i, ok := index[k]; ok {
			return i
		}
		i := int32(len(tab.xs))
		index[k] = i
		tab.xs = append(tab.xs, x)
		tab.ts = append(tab.ts, t)
		return i
	}
	for j := range p.gw {
		tab.gT[j] = add(p.gx[j], p.Ts[p.giT[j]])
		tab.gTx[j] = add(p.gx[j], p.txs[p.gtx[j]])
	}
	tab.f = make([][4]float64, len(tab.xs))
	tab.direct = make([]bool, len(tab.xs))
	return tab
}

// fill evaluates the table for model m, in two fixed halves (concurrently
// when parallel); false if a series failed.
func (tab *paretoTable) fill(m ParetoNBD, withGrad, parallel bool) bool {
	mid := len(tab.xs) / 2
	if parallel {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			tab.ok[1] = tab.fillRange(m, withGrad, mid, len(tab.xs))
		}()
		tab.ok[0] = tab.fillRange(m, withGrad, 0, mid)
		wg.Wait()
	} else {
		tab.ok[0] = tab.fillRange(m, withGrad, 0, mid)
		tab.ok[1] = tab.fillRange(m, withGrad, mid, len(tab.xs))
	}
	return tab.ok[0] && tab.ok[1]
}

func (tab *paretoTable) fillRange(m ParetoNBD, withGrad bool, lo, hi int) bool {
	for i := lo; i < hi; i++ {
		x, t := tab.xs[i], tab.ts[i]
		a1 := m.R + m.S + x
		b1, base, diff := m.hyperParams(x)
		z := diff / (base + t)
		tab.direct[i] = !m.seriesOK(x, t, withGrad)
		if tab.direct[i] {
			continue
		}
		f := &tab.f[i]
		var ok bool
		if withGrad {
			f[0], f[1], f[2], f[3], ok = log2F1ParetoGrad(a1, b1, z)
		} else {
			f[0], ok = log2F1Pareto(a1, b1, z)
		}
		if !ok {
			return false
		}
	}
	return true
}

// groupSum adds up the per-group log-likelihood terms
// ln(e^{relL1} + e^{relL2}) of groups [lo, hi) and, if withGrad, their
// gradient with respect to the log-parameters, (1−π)∇relL1 + π∇relL2
// with π = e^{relL2}/(e^{relL1} + e^{relL2}). relL2 is relL1 + D, D from
// seriesD on the table, up to D = seriesMaxD; beyond, or when one of the
// group's pairs is marked direct, it comes from directD.
func (m ParetoNBD) groupSum(p *prepared, tab *paretoTable, lo, hi int, withGrad bool) paretoPartial {
	var out paretoPartial
	var g1, gd, g2 [4]float64
	var g1p, gdp, g2p *[4]float64
	if withGrad {
		g1p, gdp, g2p = &g1, &gd, &g2
	}
	for j := lo; j < hi; j++ {
		w := p.gw[j]
		iT, itx := p.giT[j], p.gtx[j]
		x, tx, T := p.gx[j], p.txs[itx], p.Ts[iT]
		l1 := m.relL1(x, T, p.lT[iT], p.aT[iT], p.bT[iT], g1p)
		var l2 float64
		direct := tab.direct[tab.gTx[j]] || tab.direct[tab.gT[j]]
		if !direct {
			d := m.seriesD(x, tx, T, p.lT[iT], p.iT[iT], p.ltx[itx], p.xa[p.gix[j]], &tab.f[tab.gTx[j]], &tab.f[tab.gT[j]], gdp)
			if d <= seriesMaxD {
				l2 = l1 + d
				for i := range g2 {
					g2[i] = g1[i] + gd[i]
				}
			} else {
				direct = true
			}
		}
		if direct {
			var ok bool
			if _, l2, ok = m.directD(x, tx, T, nil, g2p); !ok {
				return out
			}
		}
		out.ll += w * logAddExp(l1, l2)
		if withGrad {
			pi := 0.0
			if !math.IsInf(l2, -1) {
				pi = logistic(l2 - l1)
			}
			for i := 0; i < 4; i++ {
				out.g[i] += w * ((1-pi)*g1[i] + pi*g2[i])
			}
		}
	}
	out.ok = true
	return out
}

// aliveExpectation is the conditional expectation without P(alive):
// (r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}].
func (m ParetoNBD) aliveExpectation(x, T, t float64) (float64, bool) {
	k, lk := m.aliveFactor(T, t)
	g := (m.R + x) * k
	if math.IsNaN(k) {
		g = math.Exp(logTiny(m.R+x) + lk)
	}
	return g, finite(g)
}

// aliveFactor is k = (β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}],
// the conditional expectation given alive over r+x (Schmittlein et al.
// 1987; note 009), or, where that loses digits or overflows on the way
// (t/(β+T) beyond the float range, β and T tiny; α+T tiny; s < 1), NaN
// and its logarithm lk = paretoLogHorizon(s, β+T, t) − ln(α+T): the
// Pareto lifetime given alive at T is Pareto with scale β+T.
func (m ParetoNBD) aliveFactor(T, t float64) (k, lk float64) {
	bt, at := m.Beta+T, m.Alpha+T
	if t == 0 {
		return 0, math.Inf(-1)
	}
	if q := bt / at; q >= minNormal && finite(q) && finite(t/bt) {
		if k := q * expm1Ratio(m.S-1, -math.Log1p(t/bt)); k >= minNormal && finite(k) {
			return k, 0
		}
	}
	return math.NaN(), paretoLogHorizon(m.S, bt, t) - logTiny(at)
}

// DERT is the discounted expected residual transactions of a customer,
// the present value at T of all purchases after T, each discounted
// continuously at rate delta per time unit (Fader, Hardie & Lee 2005,
// "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis",
// Journal of Marketing Research 42(4):415–430, eq. 2):
//
//	DERT(δ | x, t_x, T) = α^r β^s δ^{s−1} Γ(r+x+1) Ψ(s, s; δ(β+T)) / (Γ(r) (α+T)^{r+x+1} L)
//	                    = P(alive) · (r+x)/(α+T) · δ^{s−1}(β+T)^s Ψ(s, s; δ(β+T)),
//
// L the customer's likelihood (LogLikelihood) and Ψ the confluent
// hypergeometric function of the second kind (Tricomi's U). Given alive
// at T, λ ~ Gamma(r+x, α+T) and μ ~ Gamma(s, β+T), so the second factor
// is E[λ]·E[1/(μ+δ)], and by Kummer's transformation
// (Abramowitz & Stegun 13.1.29) δ^{s−1}(β+T)^s Ψ(s, s; z) = (β+T)·J with
//
//	J = Ψ(1, 2−s; z) = ∫₀^∞ e^{−z·v} (1+v)^{−s} dv,  z = δ(β+T)
//
// (A&S 13.2.5), computed after v = e^u − 1 as ∫₀^∞ e^{−z(e^u−1) + (1−s)u} du
// by Gauss–Legendre quadrature: the exponent is concave in u, so the
// integrand has one peak, at e^u = (1−s)/z when s < 1 and z < 1−s, else
// at u = 0, and the panels cover it up to where it falls below e^{−60}
// of its peak. delta is the continuously compounded rate of one time unit
// of the model: an annual rate R is ln(1+R)/52 per week (15% gives
// 0.0027, as in the paper) and ln(1+R)/365 per day. It must be finite and
// positive (without discounting the sum diverges when s ≤ 1). The value
// multiplied by the expected spend per transaction is the customer's
// expected residual lifetime value.
func (m ParetoNBD) DERT(o Observation, delta float64) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := o.validate(-1); err != nil {
		return 0, err
	}
	if !finite(delta) || delta <= 0 {
		return 0, &InputError{Index: -1, ID: o.ID, Fields: []FieldError{{"discount_rate", delta, "must be finite and positive"}}}
	}
	pa, err := m.PAlive(o)
	if err != nil {
		return 0, err
	}
	if pa == 0 {
		return 0, nil
	}
	bt := m.Beta + o.T
	lj, ok := logTricomiU1(m.S, delta*bt)
	if !ok {
		return 0, fmt.Errorf("churn: paretonbd DERT for customer %q, delta=%v: %w", o.ID, delta, ErrNumerical)
	}
	// logTiny: P(alive), α+T and β+T may be subnormal.
	v := math.Exp(logTiny(pa) + math.Log(m.R+o.Frequency) - logTiny(m.Alpha+o.T) + logTiny(bt) + lj)
	if !finite(v) {
		return 0, fmt.Errorf("churn: paretonbd DERT for customer %q, delta=%v: %w", o.ID, delta, ErrNumerical)
	}
	return v, nil
}

// logTricomiU1 returns ln J, J = Ψ(1, 2−s; z) = ∫₀^∞ e^{−z(e^u−1) + (1−s)u} du
// for s > 0 and z > 0 (see DERT). The exponent φ(u) is concave (its
// second derivative is −z·e^u), so the integrand has a single peak, at
// u* = max(0, ln((1−s)/z)). The integral runs from 0 to a point beyond u*
// where φ has fallen by 60 (the rest is below e^{−60} of the peak times
// the decay length), on panels of 8-point Gauss–Legendre of width
// h = min(1/4, 2/(|1−s| + z + √|1−s|)): where the integrand matters
// (within a few units of φ of the peak) φ changes by about 2 or less
// across a panel, its slope being at most |1−s| + z at u = 0 and its
// curvature |1−s| at u* > 0. Where z is subnormal z·(e^u − 1) is taken
// as e^{ln z + u} − z (u* reaches 745 there).
func logTricomiU1(s, z float64) (float64, bool) {
	if !(s > 0 && z > 0) || !finite(s) || !finite(z) {
		return 0, false
	}
	c := 1 - s
	phi := func(u float64) float64 { return -z*math.Expm1(u) + c*u }
	ustar := 0.0
	if c > z {
		ustar = logQuot(c, z)
	}
	if z < minNormal {
		// z subnormal (δ(β+T) below 2.2e-308): u* = ln(c/z) reaches
		// 745, where e^u overflows; z·(e^u − 1) = e^{ln z + u} − z.
		lz := logTiny(z)
		phi = func(u float64) float64 { return z - math.Exp(lz+u) + c*u }
	}
	top := phi(ustar)
	// The upper end: φ falls by at least 60 (φ is concave, so a doubling
	// search from u*, starting below the scale 1/|φ'| of the fall, finds a
	// point past the drop).
	step := 1 / (math.Abs(c) + z + 1)
	hi := ustar + step
	for phi(hi) > top-60 {
		step *= 2
		hi = ustar + step
		if step > 1e6 {
			return 0, false
		}
	}
	h := math.Min(0.25, 2/(math.Abs(c)+z+math.Sqrt(math.Abs(c))))
	panels := math.Ceil(hi / h)
	if panels > 1e6 {
		return 0, false
	}
	h = hi / panels
	sum := 0.0
	for p := 0.0; p < panels; p++ {
		mid := (p + 0.5) * h
		for i, node := range glNodes {
			sum += glWeights[i] * math.Exp(phi(mid+node*h/2)-top)
		}
	}
	sum *= h / 2
	if !(sum > 0) || !finite(sum) {
		return 0, false
	}
	return top + math.Log(sum), true
}
