package churn

import (
	"fmt"
)

// MBGNBD is the modified BG/NBD model of Batislam, Denizel & Filiztekin
// (2007), "Empirical validation and comparison of models for customer base
// analysis", International Journal of Research in Marketing 24(3):201–209.
// It is the BG/NBD model (see BGNBD) except that a customer may also drop
// out right after the first purchase, so a customer without repeat purchase
// is not certainly alive. Every method validates its inputs and returns an
// error, never NaN or Inf.
type MBGNBD struct {
	R, Alpha, A, B float64
}

func (m MBGNBD) core() (betaGeo, error) {
	bg := betaGeo{r: m.R, alpha: m.Alpha, a: m.A, b: m.B, shift: 1}
	if !bg.valid() {
		return bg, fmt.Errorf("churn: mbgnbd r=%v alpha=%v a=%v b=%v: %w", m.R, m.Alpha, m.A, m.B, ErrInvalidParams)
	}
	return bg, nil
}

// Name returns "mbgnbd".
func (m MBGNBD) Name() string { return "mbgnbd" }

// Params lists the parameters as r, alpha, a, b (no standard errors).
func (m MBGNBD) Params() []Param {
	return []Param{{Name: "r", Value: m.R}, {Name: "alpha", Value: m.Alpha}, {Name: "a", Value: m.A}, {Name: "b", Value: m.B}}
}

// LogLikelihood is the log-likelihood of one customer (Batislam et al.
// 2007):
//
//	L = B(a, b+x+1)/B(a,b) · Γ(r+x)α^r / (Γ(r)(α+T)^{r+x})
//	  + B(a+1, b+x)/B(a,b) · Γ(r+x)α^r / (Γ(r)(α+t_x)^{r+x})
//
// in log space; no constant is dropped.
func (m MBGNBD) LogLikelihood(o Observation) (float64, error) {
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
func (m MBGNBD) TotalLogLikelihood(g *Groups) (float64, error) {
	bg, err := m.core()
	if err != nil {
		return 0, err
	}
	return totalLogLik(g, bg.logLik)
}

// PAlive is the probability that the customer is still active at T
// (Batislam et al. 2007):
//
//	P(alive | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^{r+x})
func (m MBGNBD) PAlive(o Observation) (float64, error) {
	bg, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := o.validate(-1); err != nil {
		return 0, err
	}
	return bg.pAlive(o.Frequency, o.Recency, o.T), nil
}

// ExpectedPurchases is E[X(t)] (Batislam et al. 2007):
//
//	E[X(t)] = b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))]
//
// As t/α → ∞ it tends to b/(a−1) for a > 1 and grows without bound for
// a ≤ 1; beyond the float range of t/α it is taken from ln(t/α), as
// BGNBD.ExpectedPurchases (of which this is b/(a+b) times the bracket at
// b+1) documents.
func (m MBGNBD) ExpectedPurchases(t float64) (float64, error) {
	bg, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := checkHorizon(t); err != nil {
		return 0, err
	}
	return okOr(bg.unconditional(t))
}

// ConditionalExpectedPurchases is E[Y(t) | x, t_x, T] (Batislam et al. 2007):
//
//	(a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))] · P(alive)
//
// As t/(α+T) → ∞ it tends to (a+b+x)/(a−1) · P(alive) for a > 1 and
// grows without bound for a ≤ 1 (see BGNBD.ExpectedPurchases).
func (m MBGNBD) ConditionalExpectedPurchases(o Observation, t float64) (float64, error) {
	s, err := m.Score(o, t)
	return s.ExpectedPurchases, err
}

// Score returns PAlive and ConditionalExpectedPurchases(o, t) together.
func (m MBGNBD) Score(o Observation, t float64) (Score, error) {
	bg, err := m.core()
	if err != nil {
		return Score{}, err
	}
	return scoreBetaGeo(bg, o, t, nil)
}

func (m MBGNBD) scoreCached(o Observation, t float64, c *bracketCache) (Score, error) {
	bg, err := m.core()
	if err != nil {
		return Score{}, err
	}
	return scoreBetaGeo(bg, o, t, c)
}

// ProbPurchases is P(X(t) = n) for the MBG/NBD model:
//
//	P(X(t)=n) = B(a, b+n+1)/B(a,b) · NB(n; r, α/(α+t))
//	  + B(a+1, b+n)/B(a,b) · P(NB(r, α/(α+t)) ≥ n)
//
// (alive after surviving n+1 dropout draws, or dropped out right after
// the n-th purchase, which happened by t). NB and its tail as in
// BGNBD.ProbPurchases.
func (m MBGNBD) ProbPurchases(n int, t float64) (float64, error) {
	bg, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := checkCount(n, t); err != nil {
		return 0, err
	}
	return bg.probPurchases(n, t), nil
}

// MBGNBDFit is a fitted MBG/NBD model with its diagnostics.
type MBGNBDFit struct {
	// Model holds the maximum-likelihood estimates.
	Model MBGNBD
	FitInfo
	params []Param
}

// Params lists r, alpha, a, b with their standard errors.
func (f MBGNBDFit) Params() []Param { return cloneParams(f.params) }

// FitMBGNBD fits the MBG/NBD model like FitBGNBD (analytic gradient, same
// errors). On data where nobody seems to drop out the maximum lies on the
// boundary a → 0 (or b → ∞): a *BoundaryError naming a and/or b, with the
// best finite point found in the fit, whose model is usable (scores
// customers like any fitted model) when [BoundaryError.Usable] reports
// true; keep it then (see [BoundaryError]).
//
// The verdict names the parameters and their ends as for FitBGNBD, with
// the same meanings, except that with a → ∞ or b → 0 (the dropout
// probability → 1) a customer may drop out right after the first
// purchase too, so P(alive) is near 0 for every customer, not only for
// the repeat buyers.
func FitMBGNBD(g *Groups, opts *FitOptions) (MBGNBDFit, error) {
	bg, info, ps, err := fitBetaGeo("mbgnbd", g, opts, 1)
	if ps == nil {
		return MBGNBDFit{}, err
	}
	return MBGNBDFit{Model: MBGNBD{R: bg.r, Alpha: bg.alpha, A: bg.a, B: bg.b}, FitInfo: info, params: ps}, err
}

func (m MBGNBD) aliveExpectation(x, T, t float64) (float64, bool) {
	bg, err := m.core()
	if err != nil {
		return 0, false
	}
	return bg.aliveExpectation(x, T, t)
}

func (m MBGNBD) aliveExpectations(x, T float64, t0 int, out []float64) bool {
	bg, err := m.core()
	if err != nil {
		return false
	}
	return bg.aliveExpectations(x, T, t0, out)
}

// aliveExpectationsAt implements aliveSmooth through the BG core.
func (m MBGNBD) aliveExpectationsAt(x, T float64, ts, out []float64) bool {
	bg, err := m.core()
	if err != nil {
		return false
	}
	return bg.aliveExpectationsAt(x, T, ts, out)
}
