package churn

import (
	"fmt"
)

// BGNBD is the beta-geometric/negative binomial distribution model of
// Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An
// Alternative to the Pareto/NBD Model", Marketing Science 24(2):275–284.
//
// While active, a customer buys as a Poisson process with rate λ,
// λ ~ Gamma(r, α) across customers (α is a time scale, in the unit of T).
// After each repeat purchase the customer drops out with probability p,
// p ~ Beta(a, b). Every method validates the observation and the
// parameters (all finite and > 0) and returns an error, never NaN or Inf.
//
// A customer drops out only after a repeat purchase: one who bought once
// (Frequency 0) has P(alive) = 1 however long ago the purchase was, and
// can be expected to buy, and be worth, more than customers who keep
// buying (most where purchase rates vary little between customers, large
// r and α). This is a property of the model (Fader, Hardie & Lee 2005),
// the reason for [MBGNBD] (Batislam, Denizel & Filiztekin 2007), which,
// like [ParetoNBD], lets such a customer drop out: prefer either where
// many customers buy once.
type BGNBD struct {
	R, Alpha, A, B float64
}

func (m BGNBD) core() (betaGeo, error) {
	bg := betaGeo{r: m.R, alpha: m.Alpha, a: m.A, b: m.B}
	if !bg.valid() {
		return bg, fmt.Errorf("churn: bgnbd r=%v alpha=%v a=%v b=%v: %w", m.R, m.Alpha, m.A, m.B, ErrInvalidParams)
	}
	return bg, nil
}

// Name returns "bgnbd".
func (m BGNBD) Name() string { return "bgnbd" }

// Params lists the parameters as r, alpha, a, b (no standard errors).
func (m BGNBD) Params() []Param {
	return []Param{{Name: "r", Value: m.R}, {Name: "alpha", Value: m.Alpha}, {Name: "a", Value: m.A}, {Name: "b", Value: m.B}}
}

// LogLikelihood is the log-likelihood of one customer (FHL 2005 eq. 6):
//
//	L = B(a, b+x)/B(a,b) · Γ(r+x)α^r / (Γ(r)(α+T)^{r+x})
//	  + 1{x>0} · B(a+1, b+x−1)/B(a,b) · Γ(r+x)α^r / (Γ(r)(α+t_x)^{r+x})
//
// computed in log space as A1 + A2 + ln(e^{A3} + 1{x>0}e^{A4}) (Hardie's
// note "Implementing the BG/NBD Model in Excel"), with the r ln α of A1
// taken into A3 and A4 as the fit does, so that it keeps its digits where
// r and α grow together. No constant is dropped.
func (m BGNBD) LogLikelihood(o Observation) (float64, error) {
	bg, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := o.validate(-1); err != nil {
		return 0, err
	}
	return finiteOr(bg.logLik(o.Frequency, o.Recency, o.T))
}

// TotalLogLikelihood is Σ count · ln L over the groups.
func (m BGNBD) TotalLogLikelihood(g *Groups) (float64, error) {
	bg, err := m.core()
	if err != nil {
		return 0, err
	}
	return totalLogLik(g, bg.logLik)
}

// PAlive is the probability that the customer is still active at T
// (Fader, Hardie & Lee, note 021 "Computing P(alive) Using the BG/NBD Model"):
//
//	P(alive | x, t_x, T) = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x})
//
// It is 1 for a customer without a repeat purchase (x = 0), whatever T:
// see [BGNBD] and, for a model without that property, [MBGNBD.PAlive].
func (m BGNBD) PAlive(o Observation) (float64, error) {
	bg, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := o.validate(-1); err != nil {
		return 0, err
	}
	return bg.pAlive(o.Frequency, o.Recency, o.T), nil
}

// ExpectedPurchases is the expected number of repeat purchases of a new
// customer in (0, t] (FHL 2005 eq. 9):
//
//	E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]
//
// evaluated after Euler's transformation, which removes the apparent
// singularity at a = 1 (see the package documentation).
//
// As t/α → ∞ it tends to E[1/p] = (a+b−1)/(a−1) for a > 1 (Gauss's
// connection formula for ₂F₁ at z → 1, Abramowitz & Stegun 15.3.6: the
// other terms fall like (t/α)^{1−a} and (t/α)^{−r}) and grows without
// bound for a ≤ 1, like (t/α)^{1−a}, or b·(ln(t/α) + ψ(r) − ψ(b)) at
// a = 1. Where t/α is beyond the float range (α below about 1e-299·t)
// the value is taken from ln(t/α) by that formula, whose neglected terms
// are α/t times smaller (so also where t/α is above 1e300 and the series
// and quadratures fail); it is ErrNumerical (with 0), never +Inf, where
// the value itself is beyond the float range (a < 1), and where the
// terms of that formula cancel beyond resolution (r below about
// 1/ln(t/α), some 1.4e-3, with a within about r of 1 or of 1+r).
func (m BGNBD) ExpectedPurchases(t float64) (float64, error) {
	bg, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := checkHorizon(t); err != nil {
		return 0, err
	}
	return okOr(bg.unconditional(t))
}

// ConditionalExpectedPurchases is the expected number of purchases in
// (T, T+t] of a customer with calibration summary (x, t_x, T) (FHL 2005
// eq. 10):
//
//	E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1)
//	    · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
//	    / [1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}]
//
// As t/(α+T) → ∞ it tends to (a+b+x−1)/(a−1) · P(alive) for a > 1 and
// grows without bound for a ≤ 1 (see ExpectedPurchases, with r+x and b+x
// for r and b); beyond the float range of t/(α+T) it is taken from its
// logarithm as there.
func (m BGNBD) ConditionalExpectedPurchases(o Observation, t float64) (float64, error) {
	s, err := m.Score(o, t)
	return s.ExpectedPurchases, err
}

// Score returns PAlive and ConditionalExpectedPurchases(o, t) together.
func (m BGNBD) Score(o Observation, t float64) (Score, error) {
	bg, err := m.core()
	if err != nil {
		return Score{}, err
	}
	return scoreBetaGeo(bg, o, t, nil)
}

func (m BGNBD) scoreCached(o Observation, t float64, c *bracketCache) (Score, error) {
	bg, err := m.core()
	if err != nil {
		return Score{}, err
	}
	return scoreBetaGeo(bg, o, t, c)
}

func scoreBetaGeo(bg betaGeo, o Observation, t float64, cache *bracketCache) (Score, error) {
	if err := o.validate(-1); err != nil {
		return Score{}, err
	}
	if err := checkHorizon(t); err != nil {
		return Score{}, err
	}
	pa := bg.pAlive(o.Frequency, o.Recency, o.T)
	e, ok := bg.conditional(o.Frequency, o.T, t, pa, cache)
	if !ok {
		return Score{}, fmt.Errorf("churn: conditional expectation for customer %q, t=%v: %w", o.ID, t, ErrNumerical)
	}
	return Score{PAlive: pa, ExpectedPurchases: e}, nil
}

// ProbPurchases is P(X(t) = n), the probability that a new customer makes
// exactly n repeat purchases in (0, t] (FHL 2005 eq. 8):
//
//	P(X(t)=n) = B(a, b+n)/B(a,b) · Γ(r+n)/(Γ(r) n!) · (α/(α+t))^r (t/(α+t))^n
//	  + 1{n>0} · B(a+1, b+n−1)/B(a,b) · [1 − (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j]
//
// where the bracket, a negative binomial tail, is computed as the
// regularised incomplete beta function I_{t/(α+t)}(n, r).
func (m BGNBD) ProbPurchases(n int, t float64) (float64, error) {
	bg, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := checkCount(n, t); err != nil {
		return 0, err
	}
	return bg.probPurchases(n, t), nil
}

// BGNBDFit is a fitted BG/NBD model with its diagnostics.
type BGNBDFit struct {
	// Model holds the maximum-likelihood estimates.
	Model BGNBD
	FitInfo
	params []Param
}

// Params lists r, alpha, a, b with their standard errors.
func (f BGNBDFit) Params() []Param { return cloneParams(f.params) }

// FitBGNBD fits the BG/NBD model to the grouped observations by maximum
// likelihood over θ = ln(r, α, a, b) with BFGS and the analytic gradient.
// Start values: r = 1, α = ΣT/Σx, a = b = 1 (or opts.Start).
//
// Errors: ErrInsufficientData (wrapped) when no customer has a repeat
// purchase; *BoundaryError (with the best finite fit filled in) when a
// parameter runs to 0 or +∞, e.g. a → 0 or b → ∞ when nobody seems to drop
// out (see BoundaryError for the criterion); *ConvergenceError (fit filled
// in with the last point) when the iteration budget runs out, or when the
// line search stalls short of the gradient criterion at parameters that
// are not extreme.
//
// A boundary fit returns a usable model with the error: when
// errors.As(err, &be) && be.Usable() (finite log-likelihood, every
// parameter finite and positive), fit.Model scores customers like any
// fitted model and stands for the limit; keep it and report be.Names as
// what the data cannot identify (see [BoundaryError]).
//
// The verdict names every parameter beyond e^±9.2 (≈ 1e4 or 1e-4) of
// its own scale, with the end it runs to in Limits (α, a time scale, is
// judged relative to ΣT/Σx, the data's time per repeat purchase, and the
// optimiser works in those units too, so that neither the fit nor the
// verdict depends on the unit of time), and both parameters of a ridge
// along which they run out together; Meaning says what the limit means.
// The dropout probability p ~ Beta(a, b) after each repeat purchase has
// mean a/(a+b); the purchase rate λ ~ Gamma(r, α) has coefficient of
// variation 1/√r:
//
//   - a → 0 or b → ∞ (mean → 0): "nobody seems to leave: P(alive) is
//     near 1 for every customer".
//   - a → ∞ or b → 0 (mean → 1): "every purchase seems to be the last:
//     P(alive) is near 0 for every repeat buyer; …" (a customer without
//     a repeat purchase has P(alive) = 1 in BG/NBD).
//   - a, b → ∞ with a/(a+b) inside: the dropout probability does not
//     vary between customers (near 0 or 1 as above when a/b is beyond
//     e^∓9.2).
//   - a, b → 0 together: customers split into those who never leave and
//     those for whom every purchase is the last.
//   - r, α → ∞ with r/α finite: purchase rates do not vary between
//     customers.
func FitBGNBD(g *Groups, opts *FitOptions) (BGNBDFit, error) {
	bg, info, ps, err := fitBetaGeo("bgnbd", g, opts, 0)
	if ps == nil {
		return BGNBDFit{}, err
	}
	return BGNBDFit{Model: BGNBD{R: bg.r, Alpha: bg.alpha, A: bg.a, B: bg.b}, FitInfo: info, params: ps}, err
}

func cloneParams(ps []Param) []Param { return append([]Param(nil), ps...) }

func finiteOr(v float64) (float64, error) {
	if !finite(v) {
		return 0, ErrNumerical
	}
	return v, nil
}

func okOr(v float64, ok bool) (float64, error) {
	if !ok || !finite(v) {
		return 0, ErrNumerical
	}
	return v, nil
}

func totalLogLik(g *Groups, f func(x, tx, T float64) float64) (float64, error) {
	if g == nil {
		return 0, nil
	}
	s := 0.0
	for _, gr := range g.Slice() {
		s += float64(gr.Count) * f(gr.Frequency, gr.Recency, gr.T)
	}
	if !finite(s) {
		return 0, fmt.Errorf("churn: total log-likelihood: %w", ErrNumerical)
	}
	return s, nil
}

func checkCount(n int, t float64) error {
	if n < 0 || float64(n) > maxFrequency {
		return &InputError{Index: -1, Fields: []FieldError{{"n", float64(n), "must be between 0 and 1e7"}}}
	}
	return checkHorizon(t)
}

func (m BGNBD) aliveExpectation(x, T, t float64) (float64, bool) {
	bg, err := m.core()
	if err != nil {
		return 0, false
	}
	return bg.aliveExpectation(x, T, t)
}

func (m BGNBD) aliveExpectations(x, T float64, t0 int, out []float64) bool {
	bg, err := m.core()
	if err != nil {
		return false
	}
	return bg.aliveExpectations(x, T, t0, out)
}

// aliveExpectationsAt implements aliveSmooth through the BG core.
func (m BGNBD) aliveExpectationsAt(x, T float64, ts, out []float64) bool {
	bg, err := m.core()
	if err != nil {
		return false
	}
	return bg.aliveExpectationsAt(x, T, ts, out)
}
