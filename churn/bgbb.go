package churn

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mathext"
)

// BGBB is the beta-geometric/beta-Bernoulli model of Fader, Hardie & Shang
// (2010), "Customer-Base Analysis in a Discrete-Time Noncontractual
// Setting", Marketing Science 29(6):1086–1108 (FHS 2010 below), for
// purchases that can happen only at discrete transaction opportunities:
// one a day, one a week, one an annual appeal or a season's collection.
//
// A customer is active at the first purchase. Before each later
// opportunity an active customer becomes inactive for good with
// probability θ; at each opportunity at which they are active they buy
// with probability p. Across customers p ~ Beta(α, β) and θ ~ Beta(γ, δ),
// independently.
//
// An [Observation] counts opportunities, all whole numbers: T is n, the
// opportunities after the first purchase up to the end of the calibration
// period (1 ≤ n ≤ 10⁶); Frequency is x, the number of them with a
// purchase; Recency is t_x, the last of them with a purchase (0 when
// x = 0), so 0 ≤ x ≤ t_x ≤ n. A horizon is a whole number of
// opportunities too. Every method validates its inputs and returns an
// error, never NaN or Inf.
type BGBB struct {
	Alpha, Beta, Gamma, Delta float64
}

// maxOpportunities bounds n and the horizons of BGBB: the likelihood sums
// up to n terms.
const maxOpportunities = 1e6

// bgbb is a BGBB with valid parameters.
type bgbb struct{ a, b, g, d float64 }

func (m BGBB) core() (bgbb, error) {
	if !positiveFinite(m.Alpha, m.Beta, m.Gamma, m.Delta) {
		return bgbb{}, fmt.Errorf("churn: bgbb alpha=%v beta=%v gamma=%v delta=%v: %w", m.Alpha, m.Beta, m.Gamma, m.Delta, ErrInvalidParams)
	}
	return bgbb{m.Alpha, m.Beta, m.Gamma, m.Delta}, nil
}

// Name returns "bgbb".
func (m BGBB) Name() string { return "bgbb" }

// Params lists the parameters as alpha, beta, gamma, delta (no standard
// errors).
func (m BGBB) Params() []Param {
	return []Param{{Name: "alpha", Value: m.Alpha}, {Name: "beta", Value: m.Beta}, {Name: "gamma", Value: m.Gamma}, {Name: "delta", Value: m.Delta}}
}

// validateDiscrete checks o as Observation.Validate does, and that it
// counts opportunities: whole recency and T, frequency ≤ recency, T at
// most maxOpportunities.
func validateDiscrete(o Observation, index int) error {
	x, tx, n := o.Frequency, o.Recency, o.T
	err := o.validate(index)
	if err == nil && tx == math.Trunc(tx) && n == math.Trunc(n) && x <= tx && n <= maxOpportunities {
		return nil
	}
	ie, _ := err.(*InputError)
	if ie == nil {
		ie = &InputError{Index: index, ID: o.ID}
	}
	bad := func(field string) bool {
		for _, f := range ie.Fields {
			if f.Field == field {
				return true
			}
		}
		return false
	}
	if !bad("frequency") && !bad("recency") && finite(x) && x > tx {
		ie.Fields = append(ie.Fields, FieldError{"frequency", x, fmt.Sprintf("must not exceed recency (%v): at most one purchase an opportunity", tx)})
	}
	if !bad("recency") && finite(tx) && tx != math.Trunc(tx) {
		ie.Fields = append(ie.Fields, FieldError{"recency", tx, "must be a whole number of opportunities"})
	}
	if !bad("T") {
		switch {
		case n != math.Trunc(n):
			ie.Fields = append(ie.Fields, FieldError{"T", n, "must be a whole number of opportunities"})
		case n > maxOpportunities:
			ie.Fields = append(ie.Fields, FieldError{"T", n, fmt.Sprintf("must be at most %g opportunities", float64(maxOpportunities))})
		}
	}
	return ie
}

// checkOpportunities checks a horizon of BGBB: a whole number of
// opportunities in [0, maxOpportunities].
func checkOpportunities(t float64) error {
	if !finite(t) || t < 0 || t > maxOpportunities || t != math.Trunc(t) {
		return &InputError{Index: -1, Fields: []FieldError{{"t", t, fmt.Sprintf("horizon must be a whole number of opportunities between 0 and %g", float64(maxOpportunities))}}}
	}
	return nil
}

// logParts returns the logarithms of the two parts of the likelihood of
// FHS 2010 eq. 5: lA of being active through opportunity n,
//
//	B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ),
//
// and lD of having become inactive before one of the opportunities
// t_x+1 … n,
//
//	Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ),
//
// −Inf when t_x = n. The sum is its first term times Σ u_i, u_0 = 1 and
// u_{i+1}/u_i = (β+t_x−x+i)/(α+β+t_x+i) · (δ+t_x+i)/(γ+1+δ+t_x+i), from
// B(a, b+1)/B(a, b) = b/(a+b); the terms decrease, so the sum stops when
// the rest cannot reach the last bit.
func (m bgbb) logParts(x, tx, n float64) (lA, lD float64) {
	lA = lbetaRatio(m.a, m.b, x, n-x) + lbetaRatio(m.g, m.d, 0, n)
	k := int(n - tx)
	if k == 0 {
		return lA, math.Inf(-1)
	}
	lt0 := lbetaRatio(m.a, m.b, x, tx-x) + lbetaRatio(m.g, m.d, 1, tx)
	s, u := 1.0, 1.0
	for i := 0; i < k-1; i++ {
		fi := float64(i)
		u *= (m.b + tx - x + fi) / (m.a + m.b + tx + fi) * ((m.d + tx + fi) / (m.g + 1 + m.d + tx + fi))
		s += u
		if u*float64(k-2-i) < s*0x1p-60 {
			break
		}
	}
	return lA, lt0 + math.Log(s)
}

func (m bgbb) logLik(x, tx, n float64) float64 {
	return logAddExp(m.logParts(x, tx, n))
}

// pAlive is e^{lA − ln L}.
func (m bgbb) pAlive(x, tx, n float64) float64 {
	lA, lD := m.logParts(x, tx, n)
	if math.IsInf(lD, -1) {
		return 1
	}
	return math.Exp(lA - logAddExp(lA, lD))
}

// survived returns Σ_{j=1}^{k} B(γ, d+j)/B(γ, d): the expected number of
// the next k opportunities at which a customer is active, given active
// now, with θ ~ Beta(γ, d). In closed form (the sum telescopes; FHS 2010
// eq. 7 and 13) it is
//
//	d/(γ−1) · [1 − Γ(γ+d) Γ(d+k+1) / (Γ(γ+d+k) Γ(d+1))],
//
// which divides by γ − 1 and loses to cancellation about ln Γ(d+k) ÷
// |γ − 1| units in the last place: within 0.1 of γ = 1, and for short
// horizons, where it is as cheap, the terms are added one by one with
// B(γ, d+j+1)/B(γ, d+j) = (d+j)/(γ+d+j) (at most maxOpportunities of them).
//
// The exponent r = ln Γ(d+1+k) − ln Γ(d+1) − [ln Γ(γ+d+k) − ln Γ(γ+d)]
// is small where d is large and γ near it is not (a fit where dropout
// does not vary between customers: δ in the millions), and as a sum of
// four ln Γ of size d·ln d it would lose nearly all its digits (0.6 % of
// the result at d = 1e8, k = 3650). For d ≥ 1e3 and |γ−1| ≤ d/4 it is
// therefore taken as the integral of its derivative in the first argument,
//
//	r = ∫_{γ+d}^{d+1} [ψ(z+k) − ψ(z)] dz,
//
// by 8-point Gauss–Legendre quadrature of digammaDiff: the integrand is
// analytic within a distance of about d of an interval at most d/4 long,
// so the rule is exact to rounding.
func survived(g, d float64, k int) float64 {
	if k <= 256 || math.Abs(g-1) < 0.1 {
		s, term := 0.0, 1.0
		for j := range k {
			fj := float64(j)
			term *= (d + fj) / (g + d + fj)
			s += term
		}
		return s
	}
	fk := float64(k)
	var r float64
	if d >= 1e3 && math.Abs(g-1) <= d/4 {
		mid, half := d+(1+g)/2, (1-g)/2
		for i, x := range glNodes {
			r += glWeights[i] * digammaDiff(mid+half*x, fk)
		}
		r *= half
	} else {
		r = lgamma(g+d) - lgamma(g+d+fk) + lgamma(d+fk+1) - lgamma(d+1)
	}
	return d * -math.Expm1(r) / (g - 1)
}

// aliveExpectation is the factor g of aliveFactored: the expected
// purchases at the next t opportunities of a customer active at
// opportunity n = T with x purchases, (α+x)/(α+β+n) · survived(γ, δ+n, t)
// (FHS 2010 eq. 13 divided by P(alive)).
func (m bgbb) aliveExpectation(x, n float64, t int) float64 {
	return (m.a + x) / (m.a + m.b + n) * survived(m.g, m.d+n, t)
}

// LogLikelihood is the log-likelihood of one customer (FHS 2010 eq. 5):
//
//	L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)
//
// in log space; no constant is dropped (the probability of the exact
// sequence of purchases, which does not depend on where the x purchases
// fall before t_x).
func (m BGBB) LogLikelihood(o Observation) (float64, error) {
	c, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := validateDiscrete(o, -1); err != nil {
		return 0, err
	}
	return finiteOr(c.logLik(o.Frequency, o.Recency, o.T))
}

// TotalLogLikelihood is Σ count · ln L over the groups; every group must
// count opportunities as an Observation of BGBB does.
func (m BGBB) TotalLogLikelihood(g *Groups) (float64, error) {
	c, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := checkDiscreteGroups(g); err != nil {
		return 0, err
	}
	return totalLogLik(g, c.logLik)
}

// PAlive is the probability that the customer is still active at
// opportunity n, the end of the calibration period:
//
//	P(alive | x, t_x, n) = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ) / L
//
// (the first part of the likelihood over the whole; FHS 2010 eq. 11 is
// the probability of being active at the next opportunity, n+1, which is
// this times (δ+n)/(γ+δ+n)). It is 1 when t_x = n.
func (m BGBB) PAlive(o Observation) (float64, error) {
	c, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := validateDiscrete(o, -1); err != nil {
		return 0, err
	}
	return finiteOr(c.pAlive(o.Frequency, o.Recency, o.T))
}

// ExpectedPurchases is E[X(t)], the expected number of repeat purchases
// of a new customer at its first t opportunities (FHS 2010 eq. 7):
//
//	E[X(t)] = α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ) Γ(1+δ+t) / (Γ(γ+δ+t) Γ(1+δ))]
//
// (near γ = 1 summed term by term, see survived); t must be a whole number.
func (m BGBB) ExpectedPurchases(t float64) (float64, error) {
	c, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := checkOpportunities(t); err != nil {
		return 0, err
	}
	return finiteOr(c.a / (c.a + c.b) * survived(c.g, c.d, int(t)))
}

// ConditionalExpectedPurchases is E[X(n, n+t) | x, t_x, n], the expected
// number of purchases at the t opportunities after n (FHS 2010 eq. 13):
//
//	1/L · B(α+x+1, β+n−x)/B(α,β) · δ/(γ−1) · Γ(γ+δ)/Γ(1+δ)
//	    · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+t)/Γ(γ+δ+n+t)],
//
// computed as P(alive) · (α+x)/(α+β+n) · Σ_{j=1}^{t} B(γ, δ+n+j)/B(γ, δ+n).
func (m BGBB) ConditionalExpectedPurchases(o Observation, t float64) (float64, error) {
	s, err := m.Score(o, t)
	return s.ExpectedPurchases, err
}

// Score returns PAlive and ConditionalExpectedPurchases(o, t) together.
func (m BGBB) Score(o Observation, t float64) (Score, error) {
	c, err := m.core()
	if err != nil {
		return Score{}, err
	}
	if err := validateDiscrete(o, -1); err != nil {
		return Score{}, err
	}
	if err := checkOpportunities(t); err != nil {
		return Score{}, err
	}
	pa := c.pAlive(o.Frequency, o.Recency, o.T)
	e := pa * c.aliveExpectation(o.Frequency, o.T, int(t))
	if !finite(pa) || !finite(e) {
		return Score{}, fmt.Errorf("churn: bgbb score of customer %q, t=%v: %w", o.ID, t, ErrNumerical)
	}
	return Score{PAlive: pa, ExpectedPurchases: e}, nil
}

// aliveExpectation implements aliveFactored for the discounted CLV.
func (m BGBB) aliveExpectation(x, T, t float64) (float64, bool) {
	c, err := m.core()
	if err != nil || t != math.Trunc(t) || t < 0 || t > maxOpportunities {
		return 0, false
	}
	v := c.aliveExpectation(x, T, int(t))
	return v, finite(v)
}

// aliveExpectations implements aliveBatched: the survived sums of
// consecutive horizons differ by one term each, B(γ, d+k)/B(γ, d) with
// d = δ+n, which the recurrence of survived carries from k = t0 on.
func (m BGBB) aliveExpectations(x, T float64, t0 int, out []float64) bool {
	c, err := m.core()
	if err != nil || t0 < 1 || float64(t0)+float64(len(out)) > maxOpportunities+1 {
		return false
	}
	d := c.d + T
	f := (c.a + x) / (c.a + c.b + T)
	s := survived(c.g, d, t0)
	k := float64(t0)
	term := math.Exp(lgammaDiff(d, k) - lgammaDiff(c.g+d, k))
	for j := range out {
		if j > 0 {
			term *= (d + k) / (c.g + d + k)
			k++
			s += term
		}
		out[j] = f * s
		if !finite(out[j]) {
			return false
		}
	}
	return true
}

// ProbPurchases is P(X(t) = n), the probability that a new customer buys
// at exactly n of its first t opportunities (FHS 2010 eq. 8):
//
//	P(X(t)=n) = C(t,n) B(α+n, β+t−n)/B(α,β) · B(γ, δ+t)/B(γ,δ)
//	  + Σ_{i=n}^{t−1} C(i,n) B(α+n, β+i−n)/B(α,β) · B(γ+1, δ+i)/B(γ,δ),
//
// active through t, or inactive from opportunity i+1 on after n purchases
// at the first i. It is 0 for n > t; t must be a whole number.
func (m BGBB) ProbPurchases(n int, t float64) (float64, error) {
	c, err := m.core()
	if err != nil {
		return 0, err
	}
	if err := checkCount(n, t); err != nil {
		return 0, err
	}
	if err := checkOpportunities(t); err != nil {
		return 0, err
	}
	if float64(n) > t {
		return 0, nil
	}
	fn := float64(n)
	lchoose := func(i float64) float64 { return lgamma(i+1) - lgamma(fn+1) - lgamma(i-fn+1) }
	p := math.Exp(lchoose(t) + lbetaRatio(c.a, c.b, fn, t-fn) + lbetaRatio(c.g, c.d, 0, t))
	for i := fn; i < t; i++ {
		p += math.Exp(lchoose(i) + lbetaRatio(c.a, c.b, fn, i-fn) + lbetaRatio(c.g, c.d, 1, i))
	}
	return finiteOr(p)
}

// BGBBFit is a fitted BG/BB model with its diagnostics.
type BGBBFit struct {
	// Model holds the maximum-likelihood estimates.
	Model BGBB
	FitInfo
	params []Param
}

// Params lists alpha, beta, gamma, delta with their standard errors.
func (f BGBBFit) Params() []Param { return cloneParams(f.params) }

// Transactions returns the fitted model.
func (f BGBBFit) Transactions() TransactionModel { return f.Model }

// Diagnostics returns the fit diagnostics.
func (f BGBBFit) Diagnostics() FitInfo { return f.FitInfo }

// FitBGBB fits the BG/BB model to grouped observations that count
// opportunities (see BGBB) by maximum likelihood over θ = ln(α, β, γ, δ)
// with BFGS and the analytic gradient, from α = β = γ = δ = 1 (or
// opts.Start). The groups with the same (x, t_x) share the terms of the
// likelihood's sum, so a fit costs one pass over the longest n − t_x of
// each (x, t_x) per evaluation.
//
// Errors: an *InputError (Index −1) for a group that does not count
// opportunities; otherwise as for FitBGNBD (ErrInsufficientData,
// *BoundaryError, *ConvergenceError). With a *BoundaryError the fit holds
// the best finite point, and its model is usable (scores customers like
// any fitted model) when [BoundaryError.Usable] reports true; keep it then
// (see [BoundaryError]).
//
// The verdict names every parameter beyond e^±9.2 (all four are shapes:
// opportunities are counts) with its end, and both parameters of a ridge
// along which they run out together. The dropout probability per
// opportunity θ ~ Beta(γ, δ) has mean γ/(γ+δ), the purchase probability
// p ~ Beta(α, β) mean α/(α+β); Meaning says:
//
//   - γ → 0 or δ → ∞ (θ → 0): "nobody seems to leave: P(alive) is near 1
//     for every customer".
//   - γ → ∞ or δ → 0 (θ → 1): "every purchase seems to be the last:
//     P(alive) is near 0 for every customer who did not buy at the last
//     opportunity; …".
//   - γ, δ → ∞ with γ/δ inside: the dropout probability per opportunity
//     does not vary between customers; γ, δ → 0: customers split into
//     those who never leave and those who leave at once.
//   - α → ∞ or β → 0 (p → 1): an active customer seems to buy at every
//     opportunity; α, β → ∞: the purchase probability does not vary
//     between customers.
func FitBGBB(g *Groups, opts *FitOptions) (BGBBFit, error) {
	names := []string{"alpha", "beta", "gamma", "delta"}
	if err := checkTransactionData(g); err != nil {
		return BGBBFit{}, fmt.Errorf("churn: fit bgbb: %w", err)
	}
	if err := checkDiscreteGroups(g); err != nil {
		return BGBBFit{}, fmt.Errorf("churn: fit bgbb: %w", err)
	}
	set, th0, err := fitStart(4, opts, [maxDim]float64{})
	if err != nil {
		return BGBBFit{}, fmt.Errorf("churn: fit bgbb: %w", err)
	}
	f := bgbbObjective(g.Slice(), float64(g.Customers()))
	res := minimize(4, f, th0, set)
	info, ps, err := finishFit("bgbb", names, f, res, g.Customers(), g.Len())
	err = transactionVerdict(err, "bgbb", names, res, f, info.LogLikelihood, ps)
	return BGBBFit{Model: BGBB{Alpha: ps[0].Value, Beta: ps[1].Value, Gamma: ps[2].Value, Delta: ps[3].Value}, FitInfo: info, params: ps}, err
}

// checkDiscreteGroups returns the *InputError of the first group that
// does not count opportunities.
func checkDiscreteGroups(g *Groups) error {
	for _, gr := range g.Slice() {
		if err := validateDiscrete(Observation{Frequency: gr.Frequency, Recency: gr.Recency, T: gr.T}, -1); err != nil {
			return err
		}
	}
	return nil
}

// bgbbObjective returns the mean negative log-likelihood per customer over
// θ = ln(α, β, γ, δ), groups sorted by (x, t_x, n), with its gradient.
//
// With lA and lD as in logParts and π = e^{lA}/L, the derivative of ln L
// with respect to a parameter is π ∂lA + (1 − π) ∂lD. ∂lA takes digammas
// (∂/∂α ln B(α+x, β+n−x) = ψ(α+x) − ψ(α+β+n), and so on); ∂lD is the
// derivative of the first term of the sum plus Σ u_i ∂ln u_i / Σ u_i, where
// ∂ln u_i adds one reciprocal per step of the recurrence: −1/(α+β+t_x+i)
// for α, 1/(β+t_x−x+i) − 1/(α+β+t_x+i) for β, −1/(γ+1+δ+t_x+i) for γ,
// 1/(δ+t_x+i) − 1/(γ+1+δ+t_x+i) for δ.
func bgbbObjective(gs []Group, customers float64) objective {
	// Two halves at the boundary of an (x, t_x) run that splits the work
	// (the steps of the tail sums, and a few per group) most evenly: the
	// same halves, added in the same order, whether or not the second runs
	// on another core.
	var runs []int // start of each run, then len(gs)
	work, total := []float64{}, 0.0
	for lo := 0; lo < len(gs); {
		hi := lo + 1
		for hi < len(gs) && gs[hi].Frequency == gs[lo].Frequency && gs[hi].Recency == gs[lo].Recency {
			hi++
		}
		w := gs[hi-1].T - gs[lo].Recency + 8*float64(hi-lo)
		runs, work, total = append(runs, lo), append(work, w), total+w
		lo = hi
	}
	mid, acc := len(gs), 0.0
	for i, w := range work {
		if acc+w/2 >= total/2 {
			mid = runs[i]
			break
		}
		acc += w
	}
	var parts [2][5]float64
	return func(theta, grad []float64) float64 {
		if outOfRange(theta) {
			return math.Inf(1)
		}
		c := bgbb{math.Exp(theta[0]), math.Exp(theta[1]), math.Exp(theta[2]), math.Exp(theta[3])}
		withGrad := grad != nil
		if len(gs) >= 512 && runtime.GOMAXPROCS(0) > 1 {
			var wg sync.WaitGroup
			wg.Go(func() { parts[1] = c.groupSum(gs[mid:], withGrad) })
			parts[0] = c.groupSum(gs[:mid], withGrad)
			wg.Wait()
		} else {
			parts[0] = c.groupSum(gs[:mid], withGrad)
			parts[1] = c.groupSum(gs[mid:], withGrad)
		}
		var ll, dA, dB, dG, dD float64
		for _, q := range parts {
			ll += q[0]
			dA += q[1]
			dB += q[2]
			dG += q[3]
			dD += q[4]
		}
		fv := -ll / customers
		if !finite(fv) {
			return math.Inf(1)
		}
		if grad != nil {
			grad[0] = -c.a * dA / customers
			grad[1] = -c.b * dB / customers
			grad[2] = -c.g * dG / customers
			grad[3] = -c.d * dD / customers
			if !finite(maxAbs(grad[:4])) {
				return math.Inf(1)
			}
		}
		return fv
	}
}

// groupSum returns, over gs (whole (x, t_x) runs, sorted), Σ w·ln L and
// the sums of w·∂ln L/∂(α, β, γ, δ) as documented on bgbbObjective.
func (c bgbb) groupSum(gs []Group, withGrad bool) [5]float64 {
	psi := mathext.Digamma
	a, b, g, d := c.a, c.b, c.g, c.d
	var psA, psB, psAB, psD, psGD float64
	if withGrad {
		psA, psB, psAB = psi(a), psi(b), psi(a+b)
		psD, psGD = psi(d), psi(g+d)
	}
	var ll, dA, dB, dG, dD float64
	for lo := 0; lo < len(gs); {
		x, tx := gs[lo].Frequency, gs[lo].Recency
		hi := lo + 1
		for hi < len(gs) && gs[hi].Frequency == x && gs[hi].Recency == tx {
			hi++
		}
		lt0 := lbetaRatio(a, b, x, tx-x) + lbetaRatio(g, d, 1, tx)
		var t0A, t0B, t0G, t0D float64
		var dxA float64
		if withGrad {
			// Differences ψ(z+k) − ψ(z) by digammaDiffFrom, which keeps
			// their digits where z is large (ψ(z) ≈ ln z, and the chain
			// rule multiplies by z).
			dxA = digammaDiffFrom(a, x, psA)
			p1, p2 := digammaDiffFrom(a+b, tx, psAB), digammaDiffFrom(g+d, 1+tx, psGD)
			t0A = dxA - p1
			t0B = digammaDiffFrom(b, tx-x, psB) - p1
			t0G = 1/g - p2 // ψ(γ+1) − ψ(γ) = 1/γ
			t0D = digammaDiffFrom(d, tx, psD) - p2
		}
		// s = Σ_{i<m} u_i; sX = Σ_{i<m} u_i ∂ln u_i; u and cX the next
		// term and its ∂ln.
		var s, sA, sB, sG, sD, cA, cB, cG, cD float64
		u, m := 1.0, 0
		for j := lo; j < hi; j++ {
			n, w := gs[j].T, float64(gs[j].Count)
			want := int(n - tx)
			for ; m < want; m++ {
				s += u
				fm := float64(m)
				p1, q1 := b+tx-x+fm, a+b+tx+fm
				p2, q2 := d+tx+fm, g+1+d+tx+fm
				if withGrad {
					sA += u * cA
					sB += u * cB
					sG += u * cG
					sD += u * cD
					cA -= 1 / q1
					cB += 1/p1 - 1/q1
					cG -= 1 / q2
					cD += 1/p2 - 1/q2
				}
				u *= p1 / q1 * (p2 / q2)
			}
			lA := lbetaRatio(a, b, x, n-x) + lbetaRatio(g, d, 0, n)
			lnL, pi := lA, 1.0
			if want > 0 {
				lnL = logAddExp(lA, lt0+math.Log(s))
				pi = math.Exp(lA - lnL)
			}
			ll += w * lnL
			if withGrad {
				pn, qn := digammaDiffFrom(a+b, n, psAB), digammaDiffFrom(g+d, n, psGD)
				aA := dxA - pn
				aB := digammaDiffFrom(b, n-x, psB) - pn
				aG := -qn
				aD := digammaDiffFrom(d, n, psD) - qn
				dA += w * pi * aA
				dB += w * pi * aB
				dG += w * pi * aG
				dD += w * pi * aD
				if want > 0 {
					q := 1 - pi
					dA += w * q * (t0A + sA/s)
					dB += w * q * (t0B + sB/s)
					dG += w * q * (t0G + sG/s)
					dD += w * q * (t0D + sD/s)
				}
			}
		}
		lo = hi
	}
	return [5]float64{ll, dA, dB, dG, dD}
}
