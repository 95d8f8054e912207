package churn

import (
	"math"
	"strings"
)

// The meanings a *BoundaryError of a transaction model gives its dropout
// edges (see the Fit function of each model).
const (
	meaningNobodyLeaves = "nobody seems to leave: P(alive) is near 1 for every customer"
	lastPurchase        = "every purchase seems to be the last: "
	historyTooShort     = "; the history is likely too short or too small for the model"
)

// edgeScales returns the log of each transaction model parameter's own
// scale in the data: 0 for a shape (r, a, b, s and the four of BG/BB,
// which have no unit), and for a time scale (the α and β of the
// continuous-time models, in the unit of T) the log of the matching
// start value: ln(ΣT/Σx), the mean time per repeat purchase, for α and
// ln(ΣT/N), the mean T, for β. A log-parameter minus its scale does not
// change when time is counted in another unit (days for weeks: T, t_x,
// α and β all × 7).
func edgeScales(p *prepared, names []string) [maxDim]float64 {
	var ref [maxDim]float64
	for i, n := range names {
		switch n {
		case "alpha":
			ref[i] = math.Log(p.sumT / math.Max(p.sumX, 1))
		case "beta":
			ref[i] = math.Log(p.sumT / p.n)
		}
	}
	return ref
}

// relative returns the log-parameters theta relative to the scales ref
// (edgeScales), as the optimiser sees them.
func relative(theta, ref [maxDim]float64) [maxDim]float64 {
	for i := range theta {
		theta[i] -= ref[i]
	}
	return theta
}

// absolute turns parameters fitted relative to the scales ref back into
// the caller's units (the errors of finishFit share ps).
func absolute(ps []Param, ref [maxDim]float64) {
	for i := range ps {
		k := math.Exp(ref[i])
		ps[i].Value *= k
		ps[i].StdErr *= k
	}
}

// transactionVerdict is the error of a transaction model's fit from
// err, the verdict of finishFit on the optimiser result r (in the
// optimiser's units, relative to edgeScales) with the log-likelihood ll
// and the parameters ps (in the caller's units): a *BoundaryError is
// completed by transactionEdge; so is a fit that met its convergence
// criterion, or whose line search stalled, with a parameter beyond
// e^±9.2 of its own scale or a mixing distribution at a limit: there
// finishFit's standard errors, computed by finite differences along a
// ridge flat to within the likelihood's rounding noise, flag the ridge
// or not depending on where the optimiser stopped on it (and so on the
// unit of time). Other errors are returned as they are.
func transactionVerdict(err error, model string, names []string, r optResult, f objective, ll float64, ps []Param) error {
	be, ok := err.(*BoundaryError)
	if !ok {
		_, noConv := err.(*ConvergenceError)
		switch {
		case err != nil && !(noConv && r.stalled):
			return err
		case !(maxAbs(r.theta[:len(names)]) > ridgeTheta) && !anyMixingAtEdge(model, r.theta):
			return err
		}
		be = &BoundaryError{Model: model, LogLikelihood: ll, Params: ps}
	}
	transactionEdge(be, model, names, r.theta, f, r.f)
	return be
}

// mixings returns the limits of the purchase (parameters 0, 1) and the
// dropout (2, 3) mixing distributions of model at the log-parameters
// rel, and the log of each one's shape (u + v for a beta).
func mixings(model string, rel [maxDim]float64) (mix [2]mixing, lnShape [2]float64) {
	for k := range mix {
		i := 2 * k
		if model == "bgbb" || (model != "paretonbd" && k == 1) {
			mix[k], lnShape[k] = betaMix(rel[i], rel[i+1]), logAddExp(rel[i], rel[i+1])
		} else {
			mix[k], lnShape[k] = gammaMix(rel[i], rel[i+1]), rel[i]
		}
	}
	return mix, lnShape
}

// anyMixingAtEdge reports whether a mixing distribution of model is at a
// limit at the log-parameters rel.
func anyMixingAtEdge(model string, rel [maxDim]float64) bool {
	mix, _ := mixings(model, rel)
	return mix[0] != mixInside || mix[1] != mixInside
}

// transactionEdge completes the verdict be of a transaction model's fit
// that ended at the boundary, from its log-parameters rel relative to
// each parameter's own scale in the data (edgeScales; the optimiser's
// units). As for Gamma-Gamma (gammaGammaEdge), the edges are ridges
// along which parameters move together (r and α with r/α, the mean
// purchase rate, fixed; a and b, or s and β, with the mean dropout
// fixed), and the generic test of finishFit names only the parameters
// beyond e^±18 once one is, so which ones it names depends on where the
// optimiser stopped. Here every parameter beyond e^±9.2 of its own scale
// is named with the end it runs to, and Meaning says what the limit
// means for the predictions (see the Fit function of each model).
//
// e^9.2 ≈ 1e4 is the threshold of the generic ridge test. Beyond it a
// parameter is at its limit for every prediction the data can support:
// a gamma or beta shape above 1e4 leaves a coefficient of variation
// below 1% (the quantity does not vary between customers), a beta shape
// below 1e-4 leaves a share of order 1e-4 of the mass away from the
// other end (Beta(a, b) with a → 0 holds p near 0), and a time scale 1e4
// times the data's own is one over which nothing in the data changes.
// If no parameter is that far out, the generic verdict stands.
//
// Where the optimiser stopped short on a ridge, because another
// parameter reached the end of the range or the line search stalled, a
// spread already small (shape or u + v above e^4.6 ≈ 100, a coefficient
// of variation below 10%) is tested for vanishing: if moving the pair
// out along the ridge (both parameters × the same factor, the mean
// fixed) until the shape passes e^10.2 raises the likelihood above that
// at the stop point (f, the mean negative log-likelihood, falls below
// fStop; rel is in the optimiser's units) by more than its rounding
// noise, the spread runs to 0 and the pair is named too.
func transactionEdge(be *BoundaryError, model string, names []string, rel [maxDim]float64, f objective, fStop float64) {
	// The two mixing distributions of each model: the purchase process
	// (parameters 0, 1) and the dropout (2, 3), each with the log of its
	// shape (the concentration u + v of a beta).
	mix, lnShape := mixings(model, rel)
	for k := range mix {
		if mix[k] == mixInside && ridgeRunsOut(f, len(names), rel, 2*k, lnShape[k], fStop) {
			mix[k] = mixSame
		}
	}
	purchase, dropout := mix[0], mix[1]
	end := farOut(rel) // -1: → 0, +1: → ∞, 0: not at an edge
	// On the ridge where the distribution's spread vanishes and its mean
	// stays inside, both parameters run to ∞ together, even where the
	// optimiser stopped with one of them short of e^9.2.
	// A mean driven to its end by the ratio of the pair, with neither
	// parameter beyond e^9.2 on its own, is named by the way each
	// parameter moves it: towards 0 by the shape (u) → 0 or the other
	// (v, or the rate β) → ∞, towards its top the other way round.
	for k, m := range mix {
		i := 2 * k
		switch {
		case m == mixSame:
			end[i], end[i+1] = 1, 1
		case (m == mixLow || m == mixHigh) && end[i] == 0 && end[i+1] == 0:
			sign := 1
			if m == mixLow {
				sign = -1
			}
			if (rel[i] > 0) == (sign > 0) {
				end[i] = sign
			}
			if (rel[i+1] > 0) == (sign < 0) {
				end[i+1] = -sign
			}
		}
	}
	nameEnds(be, names, end)
	var parts []string
	switch model {
	case "bgnbd":
		parts = append(parts, dropoutMeaning(dropout, "every repeat buyer", "the dropout probability after a purchase"))
	case "mbgnbd":
		// A customer may drop out right after the first purchase.
		parts = append(parts, dropoutMeaning(dropout, "every customer", "the dropout probability after a purchase"))
	case "paretonbd":
		parts = append(parts, dropoutMeaning(dropout, "every customer who did not buy at the end of the period", "the dropout rate"))
	case "bgbb":
		parts = append(parts, dropoutMeaning(dropout, "every customer who did not buy at the last opportunity", "the dropout probability per opportunity"))
	}
	switch {
	case model == "bgbb" && purchase == mixSame:
		parts = append(parts, "the purchase probability per opportunity does not vary between customers")
	case model == "bgbb" && purchase == mixHigh:
		parts = append(parts, "an active customer seems to buy at every opportunity")
	case model != "bgbb" && purchase == mixSame:
		parts = append(parts, "purchase rates do not vary between customers")
	}
	be.Meaning = strings.Join(nonEmpty(parts), "; ")
}

// nameEnds names in be the parameters of names whose end is set (-1:
// → 0, +1: → ∞), with their Limits, in the order of names. When none is,
// the generic verdict of finishFit stands.
func nameEnds(be *BoundaryError, names []string, end [maxDim]int) {
	var ns []string
	var lims []float64
	for i, n := range names {
		if end[i] != 0 {
			lim := 0.0
			if end[i] > 0 {
				lim = math.Inf(1)
			}
			ns, lims = append(ns, n), append(lims, lim)
		}
	}
	if len(ns) > 0 {
		be.Names, be.Limits = ns, lims
	}
}

// farOut returns the end of each log-parameter of theta beyond e^±9.2
// (ridgeTheta): -1 when it runs to 0, +1 to ∞, 0 for the others.
func farOut(theta [maxDim]float64) [maxDim]int {
	var end [maxDim]int
	for i, t := range theta {
		switch {
		case t > ridgeTheta:
			end[i] = 1
		case t < -ridgeTheta:
			end[i] = -1
		}
	}
	return end
}

// ridgeRunsOut reports whether moving the pair of log-parameters rel[i],
// rel[i+1] out together, until the log-shape lnShape passes
// ridgeTheta+1, lowers the objective f (the mean negative log-likelihood
// per customer) below its value f0 at rel by more than 1e-10 of it, far
// above its rounding noise; only for lnShape between ridgeTheta/2 and
// ridgeTheta, and within the range of the log-parameters.
func ridgeRunsOut(f objective, n int, rel [maxDim]float64, i int, lnShape, f0 float64) bool {
	if f == nil || !(lnShape > ridgeTheta/2 && lnShape <= ridgeTheta) {
		return false
	}
	d := min(ridgeTheta+1-lnShape, thetaLimit-max(rel[i], rel[i+1]))
	if !(d > 0) {
		return false
	}
	t := rel
	t[i] += d
	t[i+1] += d
	fp := f(t[:n], nil)
	return finite(fp) && fp < f0-1e-10*math.Abs(f0)
}

func nonEmpty(s []string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// mixing is the limit a mixing distribution of a transaction model is at.
type mixing int

const (
	mixInside mixing = iota // no limit
	mixLow                  // the quantity is near 0 for (almost) every customer
	mixHigh                 // near its top (1 for a probability, ∞ for a rate)
	mixSame                 // the same for every customer, at an inner value
	mixSplit                // 0 for some customers and 1 for the others
)

// gammaMix is the limit of a rate ~ Gamma(k, θ) (mean k/θ, coefficient
// of variation 1/√k) from lk = ln k and lt = ln θ relative to the data's
// time scale, so that e^{lk−lt} is the mean rate in that scale. k → 0
// holds the rate near 0 for all but a share of order k·ln(1/θ) of the
// customers, whatever θ does (low); a mean beyond e^∓9.2 is low or high;
// k beyond e^9.2 with the mean inside leaves a spread of 0 (same: k and
// θ run to ∞ together).
func gammaMix(lk, lt float64) mixing {
	switch lm := lk - lt; {
	case lk < -ridgeTheta || lm < -ridgeTheta:
		return mixLow
	case lm > ridgeTheta:
		return mixHigh
	case lk > ridgeTheta:
		return mixSame
	}
	return mixInside
}

// betaMix is the limit of a probability ~ Beta(u, v) (mean u/(u+v),
// variance mean·(1−mean)/(u+v+1)) from lu = ln u and lv = ln v: a mean
// within e^-9.2 of 0 or 1 is low or high; u + v beyond e^9.2 with the
// mean inside leaves a spread of 0 (same: u and v run to ∞ together); u
// and v both below e^-9.2 put the mass at 0 and 1, a share u/(u+v) at 1
// (split).
func betaMix(lu, lv float64) mixing {
	d := lu - lv
	lnMean, lnRest := -math.Log1p(math.Exp(-d)), -math.Log1p(math.Exp(d)) // ln m, ln(1−m)
	switch {
	case lnMean < -ridgeTheta:
		return mixLow
	case lnRest < -ridgeTheta:
		return mixHigh
	case logAddExp(lu, lv) > ridgeTheta: // ln(u+v)
		return mixSame
	case lu < -ridgeTheta && lv < -ridgeTheta:
		return mixSplit
	}
	return mixInside
}

// dropoutMeaning is the meaning of the limit m of a model's dropout:
// near 0, nobody leaves; near 1 (or ∞ for a rate), every purchase is the
// last and P(alive) is near 0 for who; the same for everyone; or 0 for
// some and 1 for the others.
func dropoutMeaning(m mixing, who, what string) string {
	switch m {
	case mixLow:
		return meaningNobodyLeaves
	case mixHigh:
		return lastPurchase + "P(alive) is near 0 for " + who + historyTooShort
	case mixSame:
		return what + " does not vary between customers"
	case mixSplit:
		return "customers seem to split into those who never leave and those for whom every purchase is the last (" + what + " is 0 or 1)"
	}
	return ""
}
