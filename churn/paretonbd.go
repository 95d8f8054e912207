package churn

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mathext"
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
// overflows nor underflows; L2 = −Inf when t_x = T (A₀ = 0). When either
// ₂F₁ has no fast series (seriesOK), L2 is integrated directly instead
// (l2Direct). If grad is non-nil it receives ∂(L1, L2)/∂(r, α, s, β) in
// grad[0:4] and grad[4:8].
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
	laT, lbeT := math.Log(m.Alpha+T), math.Log(m.Beta+T)
	var lbx float64
	switch {
	case tx == T:
		lbx = math.NaN() // not used
	case m.Alpha >= m.Beta:
		lbx = math.Log(m.Alpha + tx)
	default:
		lbx = math.Log(m.Beta + tx)
	}
	return m.paretoTermsLogs(x, tx, T, laT, lbeT, lbx, grad, cache)
}

// paretoTermsLogs is paretoTerms given laT = ln(α+T), lbeT = ln(β+T) and
// lbx = ln(max(α,β)+t_x) (ignored when t_x = T), so that a fit computes
// them once per distinct T and t_x.
func (m ParetoNBD) paretoTermsLogs(x, tx, T, laT, lbeT, lbx float64, grad *[8]float64, cache *bracketCache) (l1, l2 float64, ok bool) {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	rx := r + x
	a1 := rx + s
	l1 = -rx*laT - s*lbeT
	if g := grad != nil; !m.seriesOK(x, tx, g) || !m.seriesOK(x, T, g) {
		return m.paretoTermsDirect(x, tx, T, laT, lbeT, grad)
	}
	var b1, base, diff, lbT float64
	if al >= be {
		b1, base, diff, lbT = s+1, al, al-be, laT
	} else {
		b1, base, diff, lbT = rx, be, be-al, lbeT
	}
	if tx == T {
		lbx = lbT
	}
	var fx, fT [4]float64 // value, ∂/∂a, ∂/∂b, ∂/∂z
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
		return 0, 0, false
	}
	l1, l2 = m.paretoCombine(x, tx, T, laT, lbeT, lbx, &fx, &fT, grad)
	return l1, l2, true
}

// paretoCombine finishes paretoTermsLogs from fx and fT, the values (and,
// with grad, the partial derivatives ∂/∂a, ∂/∂b, ∂/∂z) of ln ₂F₁ at t_x
// and at T.
func (m ParetoNBD) paretoCombine(x, tx, T, laT, lbeT, lbx float64, fx, fT *[4]float64, grad *[8]float64) (l1, l2 float64) {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	rx := r + x
	a1 := rx + s
	l1 = -rx*laT - s*lbeT
	var base, lbT float64
	if al >= be {
		base, lbT = al, laT
	} else {
		base, lbT = be, lbeT
	}
	if tx == T {
		lbx = lbT
	}
	var dx, dT [4]float64
	Fx := fx[0] - a1*lbx
	FT := fT[0] - a1*lbT
	e := math.Exp(FT - Fx)
	if !(e < 1) {
		l2 = math.Inf(-1)
	} else {
		l2 = math.Log(s/a1) + Fx + math.Log1p(-e)
	}
	if grad == nil {
		return l1, l2
	}
	// ∂F/∂(r, α, s, β) for F = ln ₂F₁(a1, b1; a1+1; z) − a1 ln(base+t).
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
	grad[0] = -laT
	grad[1] = -rx / (al + T)
	grad[2] = -lbeT
	grad[3] = -s / (be + T)
	if e < 1 {
		for i := 0; i < 4; i++ {
			grad[4+i] = (dx[i] - e*dT[i]) / (1 - e)
		}
		grad[4] -= 1 / a1
		grad[6] += 1/s - 1/a1
	}
	return l1, l2
}

// seriesOK reports whether ln ₂F₁ of the likelihood at (x, t) (and, with
// grad, its derivatives) has a fast series, so that log2F1Pareto does not
// need its quadrature: see paretoTerms for the arguments.
func (m ParetoNBD) seriesOK(x, t float64, grad bool) bool {
	a1 := m.R + m.S + x
	if m.Alpha >= m.Beta {
		return seriesOK(a1, m.S+1, (m.Alpha-m.Beta)/(m.Alpha+t), grad)
	}
	return seriesOK(a1, m.R+x, (m.Beta-m.Alpha)/(m.Beta+t), grad)
}

// paretoTermsDirect is paretoTermsLogs with L2 from l2Direct.
func (m ParetoNBD) paretoTermsDirect(x, tx, T, laT, lbeT float64, grad *[8]float64) (l1, l2 float64, ok bool) {
	rx := m.R + x
	l1 = -rx*laT - m.S*lbeT
	var g2 [4]float64
	var gp *[4]float64
	if grad != nil {
		gp = &g2
	}
	l2, ok = m.l2Direct(x, tx, T, gp)
	if !ok {
		return 0, 0, false
	}
	if grad != nil {
		grad[0] = -laT
		grad[1] = -rx / (m.Alpha + T)
		grad[2] = -lbeT
		grad[3] = -m.S / (m.Beta + T)
		copy(grad[4:], g2[:])
	}
	return l1, l2, true
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
func (m ParetoNBD) l2Direct(x, tx, T float64, grad *[4]float64) (float64, bool) {
	if grad != nil {
		*grad = [4]float64{}
	}
	if tx >= T {
		return math.Inf(-1), true
	}
	p, q := m.R+x, m.S+1
	sm, sM, pm, pM := m.Alpha, m.Beta, p, q
	swap := m.Alpha > m.Beta
	if swap {
		sm, sM, pm, pM = m.Beta, m.Alpha, q, p
	}
	mt, Mt := sm+tx, sM+tx
	rho := mt / Mt
	U := math.Log1p((T - tx) / mt)
	// slope is the log-slope of g at u, (1−p_m) − p_M·ρe^u/(1 + ρ(e^u − 1)).
	slope := func(u float64) float64 {
		eu := math.Exp(u)
		return 1 - pm - pM*rho*eu/(1+rho*(eu-1))
	}
	var s0, su, sl, sa, sb float64
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
		var last, em float64
		for i, xg := range glNodes {
			u := mid + half*xg
			em = math.Expm1(u)
			l := math.Log1p(rho * em)
			last = math.Exp((1-pm)*u - pM*l)
			g := glWeights[i] * half * last
			s0 += g
			if grad != nil {
				su += g * u
				sl += g * l
				sa += g / (1 + em)
				sb += g / (1 + rho*em)
			}
		}
		lo += w
		// the log-slope at the last node, as in slope
		if kappa := pm - 1 + pM*rho*(1+em)/(1+rho*em); kappa > 0 && last <= 1e-17*kappa*s0 {
			break
		}
	}
	if !(s0 > 0) || !finite(s0) {
		return 0, false
	}
	lmt, lMt := math.Log(mt), math.Log(Mt)
	l2 := math.Log(m.S) + (1-pm)*lmt - pM*lMt + math.Log(s0)
	if grad != nil {
		em, eM := lmt+su/s0, lMt+sl/s0 // ⟨ln(m+τ)⟩, ⟨ln(M+τ)⟩
		im, iM := sa/s0/mt, sb/s0/Mt   // ⟨1/(m+τ)⟩, ⟨1/(M+τ)⟩
		if swap {
			em, eM, im, iM = eM, em, iM, im
		}
		grad[0] = -em
		grad[1] = -p * im
		grad[2] = 1/m.S - eM
		grad[3] = -q * iM
	}
	return l2, finite(l2)
}

func (m ParetoNBD) logLik(x, tx, T float64) float64 {
	l1, l2, ok := m.paretoTerms(x, tx, T, nil)
	if !ok {
		return math.NaN()
	}
	return lgamma(m.R+x) - lgamma(m.R) + m.R*math.Log(m.Alpha) + m.S*math.Log(m.Beta) + logAddExp(l1, l2)
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
	odds, ok := m.deadOdds(o.Frequency, o.Recency, o.T, cache)
	if !ok {
		return 0, fmt.Errorf("churn: paretonbd P(alive) for customer %q: %w", o.ID, ErrNumerical)
	}
	return clamp01(1 / (1 + odds)), nil
}

// deadOdds is (1 − P(alive))/P(alive) = e^{L2−L1} = s/(r+s+x) · e^{F(t_x)−L1} · (1 − e^{F(T)−F(t_x)})
// with F(t) = ln ₂F₁(…; z(t)) − (r+s+x) ln(max(α,β)+t) (see paretoTerms):
// two exponentials and no logarithm of the result in the common case; +Inf
// (P(alive) = 0) when it overflows.
func (m ParetoNBD) deadOdds(x, tx, T float64, cache *bracketCache) (float64, bool) {
	return m.deadOddsLogs(x, tx, T, math.Log(m.Alpha+T), math.Log(m.Beta+T), cache)
}

// deadOddsLogs is deadOdds given laT = ln(α+T) and lbeT = ln(β+T).
func (m ParetoNBD) deadOddsLogs(x, tx, T, laT, lbeT float64, cache *bracketCache) (float64, bool) {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	rx := r + x
	a1 := rx + s
	if !m.seriesOK(x, tx, false) || !m.seriesOK(x, T, false) {
		l2, ok := m.l2Direct(x, tx, T, nil)
		if !ok {
			return 0, false
		}
		d := l2 + rx*laT + s*lbeT // L2 − L1
		if d < 700 {
			return math.Exp(d), true
		}
		return math.Inf(1), true
	}
	var b1, base, diff, lbT float64
	if al >= be {
		b1, base, diff, lbT = s+1, al, al-be, laT
	} else {
		b1, base, diff, lbT = rx, be, be-al, lbeT
	}
	lbx := lbT
	if tx != T {
		lbx = math.Log(base + tx)
	}
	fx, ok := log2F1At(a1, b1, diff, base, x, tx, cache)
	if !ok {
		return 0, false
	}
	fT, ok := log2F1At(a1, b1, diff, base, x, T, cache)
	if !ok {
		return 0, false
	}
	Fx := fx - a1*lbx
	d := Fx + rx*laT + s*lbeT // F(t_x) − L1
	g := -math.Expm1(fT - a1*lbT - Fx)
	if !(g > 0) {
		return 0, true
	}
	if d < 700 {
		return s / a1 * math.Exp(d) * g, true
	}
	return math.Exp(math.Log(s/a1) + d + math.Log(g)), true
}

// ExpectedPurchases is E[X(t)] (Schmittlein et al. 1987; note 009):
//
//	E[X(t)] = rβ/(α(s−1)) · [1 − (β/(β+t))^{s−1}],
//
// computed as (rβ/α)·(1 − e^{(s−1)L})/(s−1) with L = −ln(1 + t/β), which
// is continuous at s = 1 (limit (rβ/α)·ln(1 + t/β)).
func (m ParetoNBD) ExpectedPurchases(t float64) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkHorizon(t); err != nil {
		return 0, err
	}
	return finiteOr(m.R * m.Beta / m.Alpha * expm1Ratio(m.S-1, -math.Log1p(t/m.Beta)))
}

// ConditionalExpectedPurchases is E[Y(t) | x, t_x, T] (Schmittlein et al.
// 1987; Fader & Hardie 2005, note 009):
//
//	E[Y(t) | x, t_x, T] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}] · P(alive),
//
// with the s = 1 limit handled as in ExpectedPurchases.
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
		bt := m.Beta + o.T
		v := tEntry{T: o.T, set: true, laT: math.Log(m.Alpha + o.T), lbeT: math.Log(bt),
			k: bt / (m.Alpha + o.T) * expm1Ratio(m.S-1, -math.Log1p(t/bt))}
		if tv == nil {
			tv = &v
		} else {
			*tv = v
		}
	}
	odds, ok := m.deadOddsLogs(o.Frequency, o.Recency, o.T, tv.laT, tv.lbeT, cache)
	if !ok {
		return Score{}, fmt.Errorf("churn: paretonbd P(alive) for customer %q: %w", o.ID, ErrNumerical)
	}
	pa := clamp01(1 / (1 + odds))
	e := (m.R + o.Frequency) * tv.k * pa
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
// narrower than half of. Accuracy is checked in the tests by Σ_n P = 1
// and Σ_n n·P = E[X(t)].
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
		return lc + r*math.Log(al/(al+tau)) + x*math.Log(tau/(al+tau))
	}
	v := math.Exp(lnb(t) - s*math.Log1p(t/be))
	c := math.Min(al/math.Max(r, 1), be/(s+1))
	wmax := math.Log1p(t / c)
	panels := 64.0
	if n > 0 {
		width := math.Sqrt(1/r + 1/x)
		panels = math.Min(math.Max(panels, math.Ceil(2*wmax/width)), 1<<14)
	}
	h := wmax / panels
	ls := math.Log(s / be) // ln of the death density's factor s/β
	integ := 0.0
	for p := 0.0; p < panels; p++ {
		mid := (p + 0.5) * h
		for i, node := range glNodes {
			w := mid + node*h/2
			tau := c * math.Expm1(w)
			jac := c * math.Exp(w)
			integ += glWeights[i] * h / 2 * jac * math.Exp(lnb(tau)+ls-(s+1)*math.Log1p(tau/be))
		}
	}
	return okOr(clamp01(v+integ), true)
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
		ll := p.n * (r*math.Log(m.Alpha) + m.S*math.Log(m.Beta))
		var g [4]float64
		var psr float64
		if grad != nil {
			psr = mathext.Digamma(r)
			g[0] = p.n * math.Log(m.Alpha)
			g[1] = p.n * r / m.Alpha
			g[2] = p.n * math.Log(m.Beta)
			g[3] = p.n * m.S / m.Beta
		}
		for i, x := range p.xs {
			ll += p.xw[i] * lgammaDiff(r, x)
			if grad != nil {
				g[0] += p.xw[i] * (mathext.Digamma(r+x) - psr)
			}
		}
		// The group sum is split into two fixed halves added in a fixed
		// order, so the result does not depend on whether the second half
		// runs on another core.
		// Logs per distinct T and t_x (scratch: lT = ln(α+T),
		// iT = ln(β+T), ltx = ln(max(α,β)+t_x)).
		base := max(m.Alpha, m.Beta)
		for i, T := range p.Ts {
			p.lT[i] = math.Log(m.Alpha + T)
			p.iT[i] = math.Log(m.Beta + T)
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
				grad[i] = -math.Exp(theta[i]+ref[i]) * g[i] / p.n
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
// need it integrate L2 themselves (l2Direct), one integral per group
// instead of two quadratures per pair.
type paretoTable struct {
	xs, ts []float64    // the distinct pairs, in order of first use
	f      [][4]float64 // value, ∂/∂a, ∂/∂b, ∂/∂z per pair
	direct []bool       // per pair: no fast series, so its groups use l2Direct
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
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	for i := lo; i < hi; i++ {
		x, t := tab.xs[i], tab.ts[i]
		a1 := r + s + x
		var b1, z float64
		if al >= be {
			b1, z = s+1, (al-be)/(al+t)
		} else {
			b1, z = r+x, (be-al)/(be+t)
		}
		tab.direct[i] = !seriesOK(a1, b1, z, withGrad)
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

// groupSum adds up the per-group log-likelihood terms ln(e^{L1} + e^{L2})
// of groups [lo, hi) and, if withGrad, their gradient
// (1−π)∇L1 + π∇L2 with π = e^{L2}/(e^{L1}+e^{L2}); L2 comes from the
// table, or from l2Direct when one of the group's pairs is marked direct.
func (m ParetoNBD) groupSum(p *prepared, tab *paretoTable, lo, hi int, withGrad bool) paretoPartial {
	var out paretoPartial
	var tg [8]float64
	var gp *[8]float64
	if withGrad {
		gp = &tg
	}
	for j := lo; j < hi; j++ {
		w := p.gw[j]
		iT, itx := p.giT[j], p.gtx[j]
		var l1, l2 float64
		if tab.direct[tab.gTx[j]] || tab.direct[tab.gT[j]] {
			var ok bool
			l1, l2, ok = m.paretoTermsDirect(p.gx[j], p.txs[itx], p.Ts[iT], p.lT[iT], p.iT[iT], gp)
			if !ok {
				return out
			}
		} else {
			l1, l2 = m.paretoCombine(p.gx[j], p.txs[itx], p.Ts[iT], p.lT[iT], p.iT[iT], p.ltx[itx],
				&tab.f[tab.gTx[j]], &tab.f[tab.gT[j]], gp)
		}
		out.ll += w * logAddExp(l1, l2)
		if withGrad {
			pi := 0.0
			if !math.IsInf(l2, -1) {
				pi = logistic(l2 - l1)
			}
			for i := 0; i < 4; i++ {
				out.g[i] += w * ((1-pi)*tg[i] + pi*tg[4+i])
			}
		}
	}
	out.ok = true
	return out
}

// aliveExpectation is the conditional expectation without P(alive):
// (r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}].
func (m ParetoNBD) aliveExpectation(x, T, t float64) (float64, bool) {
	bt := m.Beta + T
	g := (m.R + x) * (bt / (m.Alpha + T) * expm1Ratio(m.S-1, -math.Log1p(t/bt)))
	return g, finite(g)
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
	v := math.Exp(math.Log(pa) + math.Log(m.R+o.Frequency) - math.Log(m.Alpha+o.T) + math.Log(bt) + lj)
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
// curvature |1−s| at u* > 0.
func logTricomiU1(s, z float64) (float64, bool) {
	if !(s > 0 && z > 0) || !finite(s) || !finite(z) {
		return 0, false
	}
	c := 1 - s
	phi := func(u float64) float64 { return -z*math.Expm1(u) + c*u }
	ustar := 0.0
	if c > z {
		ustar = math.Log(c / z)
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
