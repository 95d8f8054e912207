package churn

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mathext"
)

// betaGeo holds the computations shared by BG/NBD (shift 0) and MBG/NBD
// (shift 1). With k = x + shift, both likelihoods read
//
//	L = B(a, b+k)/B(a,b) · Γ(r+x)/Γ(r) · α^r/(α+T)^{r+x}
//	  + 1{k>0} · B(a+1, b+k−1)/B(a,b) · Γ(r+x)/Γ(r) · α^r/(α+t_x)^{r+x},
//
// (BG/NBD: Fader, Hardie & Lee 2005, eq. 6; MBG/NBD: Batislam, Denizel &
// Filiztekin 2007), and B(a+1, b+k−1)/B(a, b+k) = a/(b+k−1).
type betaGeo struct {
	r, alpha, a, b float64
	shift          float64
}

// log1pDiv is ln(1 + x/y) for x ≥ 0 and y > 0, also where x/y overflows
// (y below about 1e-299 of x): ln x − ln y + ln(1 + y/x) then.
func log1pDiv(x, y float64) float64 {
	if q := x / y; !math.IsInf(q, 1) {
		return math.Log1p(q)
	}
	return logTiny(x) - logTiny(y) + math.Log1p(y/x)
}

func (m betaGeo) valid() bool { return positiveFinite(m.r, m.alpha, m.a, m.b) }

// logLik is ln L for one customer (no constant term is dropped), grouped
// as the fit's objective is (see [betaGeoObjective]): the log-gamma
// differences by lgammaDiff and r ln α taken into A3 and A4, so that
// it keeps its digits where r and α, or a and b, grow together.
func (m betaGeo) logLik(x, tx, T float64) float64 {
	k := x + m.shift
	c := lgammaDiff(m.r, x) + lgammaDiff(m.b, k) - lgammaDiff(m.a+m.b, k)
	a3 := -m.r*log1pDiv(T, m.alpha) - x*math.Log(m.alpha+T)
	if k == 0 {
		return c + a3
	}
	a4 := math.Log(m.a) - math.Log(m.b+(k-1)) - m.r*log1pDiv(tx, m.alpha) - x*math.Log(m.alpha+tx)
	return c + a3 + log1pexp(a4-a3)
}

// logOdds is ln[(1 − P(alive))/P(alive)] = ln(a/(b+k−1)) + (r+x) ln((α+T)/(α+t_x))
// (Fader, Hardie & Lee, note 021 "Computing P(alive) Using the BG/NBD Model", for BG/NBD; Batislam et al. 2007 for MBG/NBD); −Inf
// when k = 0 (a BG/NBD customer without repeat purchase is alive).
func (m betaGeo) logOdds(x, tx, T float64) float64 {
	k := x + m.shift
	if k == 0 {
		return math.Inf(-1)
	}
	return math.Log(m.a) - math.Log(m.b+(k-1)) + (m.r+x)*log1pDiv(T-tx, m.alpha+tx)
}

func (m betaGeo) pAlive(x, tx, T float64) float64 {
	return clamp01(logistic(-m.logOdds(x, tx, T)))
}

// conditional is E[Y(t) | x, t_x, T] (FHL 2005 eq. 10; Batislam et al.
// 2007 for MBG/NBD, i.e. b+x → b+x+1):
//
//	(a+b+k−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+k; a+b+k−1; t/(α+T+t))] · P(alive)
//
// evaluated with bgBracket (finite for large x, at a = 1 and for large a, b).
func (m betaGeo) conditional(x, T, t, palive float64, cache *bracketCache) (float64, bool) {
	if t == 0 || palive == 0 {
		return 0, true
	}
	var e *bracketEntry
	if cache != nil {
		e = cache.slot(x, T)
		if e.set && e.x == x && e.T == T {
			return math.Max(e.v*palive, 0), e.ok
		}
	}
	q := m.aliveBracket(x)
	v, ok := q.eval(t, m.alpha+T)
	if e != nil {
		*e = bracketEntry{x: x, T: T, v: v, ok: ok, set: true}
	}
	if !ok {
		return 0, false
	}
	return math.Max(v*palive, 0), true
}

// bracketCache memoises, within one ScoreAll call (one model, one
// horizon), a hypergeometric value that depends on a pair (x, t) only: for
// BG/NBD and MBG/NBD the bracket of the conditional expectation at (x, T),
// for Pareto/NBD ln ₂F₁ at (x, t_x) and (x, T). Customers who share x and T
// (every customer without a repeat purchase who started on the same day,
// for instance) pay for the series once. Direct-mapped; a collision just
// recomputes, so results are identical with and without the cache.
type bracketCache struct {
	entries [1 << 12]bracketEntry
	tvals   [1 << 10]tEntry
}

// tEntry holds the Pareto/NBD scoring terms that depend on T alone.
type tEntry struct {
	T, laT, lbeT, k float64
	lk              float64 // ln k where k is NaN (ParetoNBD.aliveFactor)
	set             bool
}

func (c *bracketCache) tslot(T float64) *tEntry {
	h := math.Float64bits(T) * 0x9E3779B97F4A7C15
	return &c.tvals[(h^h>>29)>>(64-10)]
}

type bracketEntry struct {
	x, T, v float64
	ok, set bool
}

func (c *bracketCache) slot(x, T float64) *bracketEntry {
	h := math.Float64bits(x)*0x9E3779B97F4A7C15 ^ math.Float64bits(T)*0xC2B2AE3D27D4EB4F
	return &c.entries[(h^h>>29)>>(64-12)]
}

// unconditional is E[X(t)] (FHL 2005 eq. 9; Batislam et al. 2007):
//
//	BG/NBD:  (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]
//	MBG/NBD: b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))]
func (m betaGeo) unconditional(t float64) (float64, bool) {
	if t == 0 {
		return 0, true
	}
	q := m.newBracket()
	v, ok := q.eval(t, m.alpha)
	if !ok {
		return 0, false
	}
	return math.Max(v, 0), true
}

// probPurchases is P(X(t) = n) (FHL 2005 eq. 8 for BG/NBD; for MBG/NBD the
// same argument with dropout possible at time 0):
//
//	B(a, b+k)/B(a,b) · NB(n; r, α/(α+t))
//	+ 1{k>0} · B(a+1, b+k−1)/B(a,b) · P(NB(r, α/(α+t)) ≥ n),
//
// with k = n + shift, NB(n; r, p) = Γ(r+n)/(Γ(r) n!) p^r (1−p)^n and the
// tail P(NB ≥ n) = 1 − Σ_{j<n} NB(j) = I_{1−p}(n, r), the regularised
// incomplete beta function (no cancellation for large n), taken as
// 1 − I_p(r, n) where p = α/(α+t) < 1e-8, whose digits 1 − p would lose
// (below p = 1e-300 as 1 − p^r/(r·B(r, n)), the leading term of the series
// of I_p, Abramowitz & Stegun 26.5.4, whose next is n·p times smaller).
// ln p = −ln(1 + t/α) is finite even where t/α overflows (α below about
// 1e-299 of t).
func (m betaGeo) probPurchases(n int, t float64) float64 {
	if t == 0 {
		if n == 0 {
			return 1
		}
		return 0
	}
	x := float64(n)
	k := x + m.shift
	lp := -log1pDiv(t, m.alpha)
	lq := logFrac(t, m.alpha) // ln(t/(α+t)), which may be subnormal
	lnb := lgammaDiff(m.r, x) - lgamma(x+1) + m.r*lp + x*lq
	v := math.Exp(lbetaRatio(m.a, m.b, 0, k) + lnb)
	if k > 0 {
		tail := 1.0
		switch q := m.alpha / (m.alpha + t); {
		case n == 0:
		case q < 1e-300:
			// I_q(r, n) = q^r/(r·B(r, n))·(1 + O(n·q)), with ln q = lp
			// (RegIncBeta would take the logarithm of a subnormal q).
			tail = -math.Expm1(m.r*lp - lgamma(m.r+1) + lgammaDiff(x, m.r))
		case q < 1e-8:
			// 1 − z would carry the rounding of z = t/(α+t) (all of q
			// once t/α passes 2^53): I_z(n, r) = 1 − I_q(r, n).
			tail = 1 - mathext.RegIncBeta(m.r, x, q)
		default:
			tail = mathext.RegIncBeta(x, m.r, t/(m.alpha+t))
		}
		v += math.Exp(lbetaRatio(m.a, m.b, 1, k-1)) * tail
	}
	return clamp01(v)
}

// betaGeoObjective returns the mean negative log-likelihood over p and its
// analytic gradient with respect to θ = (ln r, ln α, ln a, ln b). With
// A1 = ln Γ(r+x) − ln Γ(r) + r ln α, A2 = ln B(a, b+k) − ln B(a, b),
// A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+k−1) − (r+x) ln(α+t_x) and
// π = e^{A4}/(e^{A3}+e^{A4}):
//
//	∂/∂r = ψ(r+x) − ψ(r) + ln α − (1−π) ln(α+T) − π ln(α+t_x)
//	∂/∂α = r/α − (r+x)[(1−π)/(α+T) + π/(α+t_x)]
//	∂/∂a = ψ(a+b) − ψ(a+b+k) + π/a
//	∂/∂b = ψ(a+b) + ψ(b+k) − ψ(b) − ψ(a+b+k) − π/(b+k−1)
//
// The r ln α of A1 is taken into A3 and A4, which become
// −r ln(1 + T/α) − x ln(α+T) and ln a − ln(b+k−1) − r ln(1 + t_x/α) − x ln(α+t_x):
// where r and α grow together (purchase rates that do not vary between
// customers) the terms r ln α and r ln(α+T) reach 1e10 and their
// difference kept only six digits. For the same reason the gradient is
// taken as
//
//	∂/∂r = ψ(r+x) − ψ(r) − (1−π) ln(1 + T/α) − π ln(1 + t_x/α)
//	α ∂/∂α = r[(1−π) T/(α+T) + π t_x/(α+t_x)] − x[(1−π) α/(α+T) + π α/(α+t_x)]
func betaGeoObjective(p *prepared, shift float64) objective {
	return betaGeoObjectiveAt(p, shift, [maxDim]float64{})
}

// betaGeoObjectiveAt is betaGeoObjective over θ − ref, the log-parameters
// relative to the scales ref (edgeScales): the range of θ (e^±25) is
// confined relative to them, so that the fit and its verdict do not
// depend on the unit of time. The gradient with respect to θ − ref is
// that with respect to θ.
func betaGeoObjectiveAt(p *prepared, shift float64, ref [maxDim]float64) objective {
	var parts [2][5]float64
	return func(theta, grad []float64) float64 {
		if outOfRange(theta) {
			return math.Inf(1)
		}
		r, alpha, a, b := math.Exp(theta[0]+ref[0]), math.Exp(theta[1]+ref[1]), math.Exp(theta[2]+ref[2]), math.Exp(theta[3]+ref[3])
		for i, T := range p.Ts {
			p.lT[i] = math.Log1p(T / alpha)
			p.iT[i] = T / (alpha + T)
		}
		for i, tx := range p.txs {
			p.ltx[i] = math.Log1p(tx / alpha)
			p.itx[i] = tx / (alpha + tx)
		}
		la, lal := math.Log(a), math.Log(alpha)
		var ll float64
		var dr, da, db float64
		var psr, psb, psab float64
		if grad != nil {
			psr, psb, psab = mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
		}
		for i, x := range p.xs {
			w := p.xw[i]
			k := x + shift
			ll += w * (lgammaDiff(r, x) + lgammaDiff(b, k) - lgammaDiff(a+b, k))
			if k > 0 {
				p.xa[i] = la - math.Log(b+(k-1))
				p.xb[i] = 1 / (b + (k - 1))
			}
			if grad != nil {
				dabk := digammaDiffFrom(a+b, k, psab)
				dr += w * digammaDiffFrom(r, x, psr)
				da -= w * dabk
				db += w * (digammaDiffFrom(b, k, psb) - dabk)
			}
		}
		// Fixed halves added in a fixed order: the same result whether or
		// not the second half runs on another core.
		mid := len(p.gw) / 2
		if len(p.gw) >= 512 && runtime.GOMAXPROCS(0) > 1 {
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				parts[1] = betaGeoGroupSum(p, shift, r, lal, mid, len(p.gw), grad != nil)
			}()
			parts[0] = betaGeoGroupSum(p, shift, r, lal, 0, mid, grad != nil)
			wg.Wait()
		} else {
			parts[0] = betaGeoGroupSum(p, shift, r, lal, 0, mid, grad != nil)
			parts[1] = betaGeoGroupSum(p, shift, r, lal, mid, len(p.gw), grad != nil)
		}
		var gr, gal, ga, gb float64
		for _, q := range parts {
			ll += q[0]
			gr += q[1]
			gal += q[2]
			ga += q[3]
			gb += q[4]
		}
		f := -ll / p.n
		if !finite(f) {
			return math.Inf(1)
		}
		if grad != nil {
			grad[0] = -r * (dr + gr) / p.n
			grad[1] = -gal / p.n
			grad[2] = -a * (da + ga/a) / p.n
			grad[3] = -b * (db + gb) / p.n
			if !finite(maxAbs(grad)) {
				return math.Inf(1)
			}
		}
		return f
	}
}

// fitBetaGeo fits BG/NBD (shift 0) or MBG/NBD (shift 1).
func fitBetaGeo(name string, g *Groups, opts *FitOptions, shift float64) (betaGeo, FitInfo, []Param, error) {
	names := []string{"r", "alpha", "a", "b"}
	if err := checkTransactionData(g); err != nil {
		return betaGeo{}, FitInfo{}, nil, fmt.Errorf("churn: fit %s: %w", name, err)
	}
	p := prepare(g)
	lr, lal := defaultRateStart(p)
	set, th0, err := fitStart(4, opts, [maxDim]float64{lr, lal, 0, 0})
	if err != nil {
		return betaGeo{}, FitInfo{}, nil, fmt.Errorf("churn: fit %s: %w", name, err)
	}
	// The optimiser and the boundary tests see α relative to the data's
	// time per repeat purchase (edgeScales): the model is equivariant in
	// the unit of time, so the fit and its verdict must not depend on it.
	ref := edgeScales(p, names)
	f := betaGeoObjectiveAt(p, shift, ref)
	res := minimize(4, f, relative(th0, ref), set)
	info, ps, err := finishFit(name, names, f, res, g.Customers(), g.Len())
	absolute(ps, ref)
	err = transactionVerdict(err, name, names, res, f, info.LogLikelihood, ps)
	m := betaGeo{r: ps[0].Value, alpha: ps[1].Value, a: ps[2].Value, b: ps[3].Value, shift: shift}
	return m, info, ps, err
}

// betaGeoGroupSum returns, over groups [lo, hi), Σ w·ln(e^{A3} + 1{k>0}e^{A4})
// (A3 and A4 with r ln α taken in) and the group parts of the gradient
// sums (r, α∂/∂α, a·, b) as documented on betaGeoObjective, at ln α = lal;
// p.lT and p.ltx hold ln(1 + T/α) and ln(1 + t_x/α), p.iT and p.itx
// T/(α+T) and t_x/(α+t_x), p.xa and p.xb the per-frequency terms.
func betaGeoGroupSum(p *prepared, shift, r, lal float64, lo, hi int, withGrad bool) [5]float64 {
	var ll, gr, gal, ga, gb float64
	prod := 1.0
	for j := lo; j < hi; j++ {
		w := p.gw[j]
		x := p.gx[j]
		iT := p.giT[j]
		lT := p.lT[iT]
		a3 := -r*lT - x*(lal+lT)
		ix := p.gix[j]
		if x+shift == 0 {
			ll += w * a3
			gr -= w * lT
			gal += w * (r*p.iT[iT] - x*(1-p.iT[iT]))
			continue
		}
		itx := p.gtx[j]
		ltx := p.ltx[itx]
		a4 := p.xa[ix] - r*ltx - x*(lal+ltx)
		d := a4 - a3
		// ln(e^{a3} + e^{a4}) = max + ln(1+e), e = e^{−|a4−a3|} ∈ (0, 1].
		// The factors 1+e ∈ (1, 2] of single-customer groups are
		// multiplied and their logarithm taken once per ~1000 groups
		// (relative rounding ≈ 1e-13 on a sum of order 1e3, far below
		// what the fit resolves); other groups add w·ln(1+e).
		var top, f, pi float64
		if d > 0 {
			e := math.Exp(-d)
			top, f = a4, 1+e
			pi = 1 / f
		} else {
			e := math.Exp(d)
			top, f = a3, 1+e
			pi = e / f
		}
		ll += w * top
		if w == 1 {
			prod *= f
			if prod > 1e300 {
				ll += math.Log(prod)
				prod = 1
			}
		} else {
			ll += w * math.Log(f)
		}
		if withGrad {
			qT, qtx := p.iT[iT], p.itx[itx]
			gr -= w * ((1-pi)*lT + pi*ltx)
			gal += w * (r*((1-pi)*qT+pi*qtx) - x*((1-pi)*(1-qT)+pi*(1-qtx)))
			ga += w * pi
			gb -= w * pi * p.xb[ix]
		}
	}
	ll += math.Log(prod)
	return [5]float64{ll, gr, gal, ga, gb}
}

// newBracket is the bracket of unconditional: BG/NBD G(r, a, b; z), and
// MBG/NBD b/(a+b)·G(r, a, b+1; z).
func (m betaGeo) newBracket() bgBracket {
	if m.shift == 0 {
		C := m.a + m.b - 1
		return bgBracket{P: C, pOverC: 1, A: C - m.r, C: C, r: m.r, a: m.a, b: m.b}
	}
	C := m.a + m.b
	return bgBracket{P: m.b, pOverC: m.b / C, A: C - m.r, C: C, r: m.r, a: m.a, b: m.b + 1}
}

// aliveBracket is the bracket of conditional for frequency x: with
// k = x + shift, G(r+x, a, b+k; z) (the posterior of λ and p of a customer
// alive at T is Gamma(r+x, α+T) × Beta(a, b+k)).
func (m betaGeo) aliveBracket(x float64) bgBracket {
	k := x + m.shift
	C := m.a + m.b + (k - 1)
	return bgBracket{P: C, pOverC: 1, A: m.a + m.b - 1 - m.r + m.shift, C: C, r: m.r + x, a: m.a, b: m.b + k}
}

// aliveExpectation is the bracket of conditional without P(alive): the
// expected purchases in (T, T+t] of a customer alive at T.
func (m betaGeo) aliveExpectation(x, T, t float64) (float64, bool) {
	if t == 0 {
		return 0, true
	}
	q := m.aliveBracket(x)
	return q.eval(t, m.alpha+T)
}

// aliveExpectations sets out[j] to aliveExpectation(x, T, t0+j) for t0 ≥ 1
// and up to maxBatch periods, with one series for all where it is well
// conditioned (bgBracket.evalMany).
func (m betaGeo) aliveExpectations(x, T float64, t0 int, out []float64) bool {
	var ts [maxBatch]float64
	if len(out) > maxBatch || t0 < 1 {
		return false
	}
	for j := range out {
		ts[j] = float64(t0 + j)
	}
	q := m.aliveBracket(x)
	return q.evalMany(ts[:len(out)], m.alpha+T, out)
}

// aliveExpectationsAt implements aliveSmooth: out[j] =
// aliveExpectation(x, T, ts[j]) for up to maxBatch horizons ts[j] > 0, by
// bgBracket.evalMany.
func (m betaGeo) aliveExpectationsAt(x, T float64, ts, out []float64) bool {
	if len(ts) != len(out) {
		return false
	}
	for _, t := range ts {
		if !(t > 0) || !finite(t) {
			return false
		}
	}
	q := m.aliveBracket(x)
	return q.evalMany(ts, m.alpha+T, out)
}
