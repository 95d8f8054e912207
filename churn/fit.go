package churn

import (
	"fmt"
	"math"
	"slices"
)

// FitOptions tunes a maximum-likelihood fit. A nil *FitOptions, and a
// zero field, mean the defaults. A field out of range is an *OptionError,
// and the fit does nothing.
type FitOptions struct {
	// MaxIterations is the quasi-Newton iteration budget (default 300);
	// it must not be negative.
	MaxIterations int
	// GradientTolerance is the convergence threshold on the max-norm of the
	// gradient of the mean log-likelihood per customer with respect to the
	// log-parameters (default 1e-9; values below 1e-11 are raised to 1e-11).
	// It must be finite and not negative.
	GradientTolerance float64
	// Start optionally gives the starting parameters, in the order and
	// units of the model's Params(): one per parameter, each finite and
	// between e^-18 and e^18 (about 1.5e-8 and 6.6e7).
	Start []float64
}

// Param is one fitted parameter.
type Param struct {
	// Name is the parameter's name as used by the command-line tool
	// ("r", "alpha", "a", "b", "s", "beta", "p", "q", "v").
	Name string
	// Value is the maximum-likelihood estimate.
	Value float64
	// StdErr is the asymptotic standard error from the inverse of the
	// observed information matrix (minus the Hessian of the total
	// log-likelihood at the optimum); 0 when FitInfo.StdErrOK is false.
	StdErr float64
}

// FitInfo holds the diagnostics of a maximum-likelihood fit.
type FitInfo struct {
	// LogLikelihood is the total log-likelihood over customers at the
	// estimate (each model documents its constant-term convention).
	LogLikelihood float64
	// Customers is the number of customers the fit used.
	Customers int64
	// Groups is the number of distinct inputs the likelihood was summed over.
	Groups int
	// Iterations is the number of quasi-Newton iterations.
	Iterations int
	// Evaluations is the number of likelihood (and gradient) evaluations.
	Evaluations int
	// Converged reports that the gradient criterion was met.
	Converged bool
	// GradientNorm is the final max-norm of the gradient of the mean
	// log-likelihood per customer with respect to the log-parameters.
	GradientNorm float64
	// StdErrOK reports that the observed information matrix was positive
	// definite, so the standard errors in Params are meaningful.
	StdErrOK bool
}

const (
	maxDim = 4
	// thetaLimit confines log-parameters: the objective is +Inf beyond it,
	// so every parameter stays within [e^-25, e^25] ≈ [1.4e-11, 7.2e10].
	thetaLimit = 25
	// boundaryTheta flags a fit whose parameter ends beyond e^±18
	// (≈ 1.5e-8 or 6.6e7) as a boundary solution.
	boundaryTheta = 18
	// ridgeTheta: a parameter beyond e^±9.2 (≈ 1e4 or 1e-4) is reported
	// as a boundary (ridge) solution too when the data do not pin it down:
	// its log-scale standard error exceeds 2, the observed information
	// matrix is not positive definite, or the line search stalled there
	// (see finishFit).
	ridgeTheta = 9.2
	// maxStep caps a quasi-Newton step in log-parameter space.
	maxStep = 3
)

// objective evaluates the mean negative log-likelihood per customer at the
// log-parameters theta and, when grad is non-nil, its gradient with respect
// to theta. It returns +Inf where the likelihood is not finite.
type objective func(theta, grad []float64) float64

type optSettings struct {
	maxIter int
	gradTol float64
}

// settings returns the optimiser settings of o, or an *OptionError for a
// negative iteration budget or a tolerance that is negative or not finite
// (zero means the default).
func settings(o *FitOptions, defTol float64) (optSettings, error) {
	s := optSettings{maxIter: 300, gradTol: defTol}
	if o == nil {
		return s, nil
	}
	switch {
	case o.MaxIterations < 0:
		return s, &OptionError{Field: "MaxIterations", Index: -1, Value: float64(o.MaxIterations), Reason: "must not be negative (0 for the default)"}
	case o.MaxIterations > 0:
		s.maxIter = o.MaxIterations
	}
	switch tol := o.GradientTolerance; {
	case !finite(tol) || tol < 0:
		return s, &OptionError{Field: "GradientTolerance", Index: -1, Value: tol, Reason: "must be finite and not negative (0 for the default)"}
	case tol > 0:
		s.gradTol = max(tol, defTol/100)
	}
	return s, nil
}

type optResult struct {
	theta     [maxDim]float64
	f         float64
	grad      [maxDim]float64
	gnorm     float64
	iters     int
	evals     int
	converged bool
	// stalled: the line search found no decrease (at the floor of the
	// likelihood's rounding noise), as opposed to the budget running out.
	stalled bool
	reason  string
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// minimize runs BFGS (inverse-Hessian form, Nocedal & Wright 2006, Algorithm
// 6.1) with a backtracking Armijo line search (quadratic interpolation,
// halving on non-finite values) and a step cap in log-parameter space.
func minimize(n int, f objective, theta0 [maxDim]float64, s optSettings) (r optResult) {
	x := r.theta[:n]
	copy(x, theta0[:n])
	g := r.grad[:n]
	r.f = f(x, g)
	r.evals = 1
	defer polish(n, f, &r, s)
	if !finite(r.f) || !finite(maxAbs(g)) {
		r.reason = "likelihood not finite at the start values"
		r.gnorm = 0
		return r
	}
	var hbuf [maxDim * maxDim]float64
	H := hbuf[:n*n]
	setIdentity := func(scale float64) {
		for i := range H {
			H[i] = 0
		}
		for i := 0; i < n; i++ {
			H[i*n+i] = scale
		}
	}
	setIdentity(1)
	var pb, xnb, gnb, sb, yb, hyb [maxDim]float64
	p, xn, gn, sv, yv, hy := pb[:n], xnb[:n], gnb[:n], sb[:n], yb[:n], hyb[:n]
	stalls := 0
	for r.iters < s.maxIter {
		r.gnorm = maxAbs(g)
		if r.gnorm <= s.gradTol {
			r.converged = true
			return r
		}
		for i := 0; i < n; i++ {
			p[i] = -dot(H[i*n:i*n+n], g)
		}
		slope := dot(g, p)
		if !(slope < 0) {
			setIdentity(1)
			for i := range p {
				p[i] = -g[i]
			}
			slope = -dot(g, g)
		}
		t := 1.0
		if pm := maxAbs(p); pm > maxStep {
			t = maxStep / pm
		}
		var fn float64
		ok := false
		for ls := 0; ls < 40; ls++ {
			for i := range xn {
				xn[i] = x[i] + t*p[i]
			}
			fn = f(xn, gn)
			r.evals++
			if finite(fn) && fn <= r.f+1e-4*t*slope && fn < r.f && finite(maxAbs(gn)) {
				ok = true
				break
			}
			if -t*slope < 1e-16*math.Abs(r.f) {
				// The predicted decrease is below the likelihood's
				// rounding noise: no step can be verified.
				break
			}
			if finite(fn) {
				tq := -slope * t * t / (2 * (fn - r.f - slope*t))
				t = min(max(tq, 0.1*t), 0.5*t)
			} else {
				t *= 0.5
			}
		}
		r.iters++
		if !ok {
			// No decrease along the search direction: at the floor of
			// floating-point resolution, or a bad quasi-Newton model.
			if stalls == 0 && r.gnorm > 1e-5 {
				stalls++
				setIdentity(1)
				continue
			}
			r.reason = "line search could not improve the likelihood"
			r.stalled = true
			if r.gnorm <= 100*s.gradTol {
				r.converged = true
			}
			return r
		}
		stalls = 0
		for i := range sv {
			sv[i] = xn[i] - x[i]
			yv[i] = gn[i] - g[i]
		}
		sy := dot(sv, yv)
		yy := dot(yv, yv)
		if sy > 1e-12*math.Sqrt(dot(sv, sv)*yy) {
			if r.iters == 1 {
				setIdentity(sy / yy)
			}
			// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
			rho := 1 / sy
			for i := 0; i < n; i++ {
				hy[i] = dot(H[i*n:i*n+n], yv)
			}
			yhy := dot(yv, hy)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					H[i*n+j] += -rho*(sv[i]*hy[j]+hy[i]*sv[j]) + (rho*rho*yhy+rho)*sv[i]*sv[j]
				}
			}
		}
		copy(x, xn)
		copy(g, gn)
		r.f = fn
	}
	r.gnorm = maxAbs(g)
	if r.gnorm <= s.gradTol {
		r.converged = true
		return r
	}
	r.reason = "iteration budget exhausted"
	return r
}

// hessianFD fills hess with the central-difference Jacobian of the gradient
// of f at theta (step h), symmetrised.
func hessianFD(n int, f objective, theta [maxDim]float64, h float64, hess *[maxDim * maxDim]float64) bool {
	var gp, gm [maxDim]float64
	for j := 0; j < n; j++ {
		tp, tm := theta, theta
		tp[j] += h
		tm[j] -= h
		fp := f(tp[:n], gp[:n])
		fm := f(tm[:n], gm[:n])
		if !finite(fp) || !finite(fm) {
			return false
		}
		for i := 0; i < n; i++ {
			hess[i*n+j] = (gp[i] - gm[i]) / (2 * h)
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			v := 0.5 * (hess[i*n+j] + hess[j*n+i])
			hess[i*n+j], hess[j*n+i] = v, v
		}
	}
	return true
}

// polish refines a quasi-Newton result with up to four Newton steps on the
// finite-difference Hessian of the gradient. Near the optimum the
// likelihood's rounding noise (≈1e-13 relative) hides the decrease a line
// search needs, while the gradient stays accurate; a Newton step is
// accepted when it shrinks the gradient norm and does not raise the
// objective beyond that noise.
func polish(n int, f objective, r *optResult, s optSettings) {
	if !finite(r.f) || r.gnorm <= s.gradTol || r.gnorm > 1e-5 {
		return // done, or too far from the optimum for Newton steps
	}
	for it := 0; it < 4; it++ {
		var hess [maxDim * maxDim]float64
		if !hessianFD(n, f, r.theta, 1e-4, &hess) {
			return
		}
		r.evals += 2 * n
		inv, ok := invertSPD(n, hess)
		if !ok {
			return
		}
		var tn [maxDim]float64
		var gn [maxDim]float64
		for i := 0; i < n; i++ {
			step := 0.0
			for j := 0; j < n; j++ {
				step -= inv[i*n+j] * r.grad[j]
			}
			if math.Abs(step) > 1 {
				return
			}
			tn[i] = r.theta[i] + step
		}
		fn := f(tn[:n], gn[:n])
		r.evals++
		gnn := maxAbs(gn[:n])
		if !finite(fn) || fn > r.f+1e-12*math.Abs(r.f) || !(gnn < r.gnorm) {
			return
		}
		r.theta, r.grad, r.f, r.gnorm = tn, gn, fn, gnn
		r.iters++
		if gnn <= s.gradTol {
			r.converged = true
			r.reason = ""
			return
		}
	}
}

// stdErrors returns the standard errors of the natural parameters
// p = exp(θ) from the Hessian of the objective (mean negative
// log-likelihood per customer) at θ, computed by forward differences of
// the gradient with step h = 1e-4. With N customers the observed
// information in θ is N·∇²f(θ); at the optimum (zero gradient) the
// covariance of p is D Cov(θ) D with D = diag(p), so SE(p_i) = p_i·SE(θ_i).
func stdErrors(n int, f objective, theta, g0 [maxDim]float64, customers float64) ([maxDim]float64, bool) {
	var se [maxDim]float64
	var hess [maxDim * maxDim]float64
	// Forward differences of the gradient from g0 = ∇f(θ) (n evaluations;
	// the O(h) error, about 1e-4 relative, is far below the sampling
	// uncertainty the standard errors describe).
	var gp [maxDim]float64
	for j := 0; j < n; j++ {
		tp := theta
		tp[j] += 1e-4
		if !finite(f(tp[:n], gp[:n])) {
			return se, false
		}
		for i := 0; i < n; i++ {
			hess[i*n+j] = (gp[i] - g0[i]) / 1e-4
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			v := 0.5 * (hess[i*n+j] + hess[j*n+i])
			hess[i*n+j], hess[j*n+i] = v, v
		}
	}
	// Scale to the total log-likelihood.
	for i := range hess[:n*n] {
		hess[i] *= customers
	}
	inv, ok := invertSPD(n, hess)
	if !ok {
		return se, false
	}
	for i := 0; i < n; i++ {
		v := inv[i*n+i]
		if !(v > 0) || !finite(v) {
			return [maxDim]float64{}, false
		}
		se[i] = math.Exp(theta[i]) * math.Sqrt(v)
		if !finite(se[i]) {
			return [maxDim]float64{}, false
		}
	}
	return se, true
}

// invertSPD inverts a symmetric positive definite n×n matrix by Cholesky
// factorisation; ok is false when the matrix is not positive definite.
func invertSPD(n int, a [maxDim * maxDim]float64) ([maxDim * maxDim]float64, bool) {
	var l, inv [maxDim * maxDim]float64
	for j := 0; j < n; j++ {
		d := a[j*n+j]
		for k := 0; k < j; k++ {
			d -= l[j*n+k] * l[j*n+k]
		}
		if !(d > 0) || !finite(d) {
			return inv, false
		}
		l[j*n+j] = math.Sqrt(d)
		for i := j + 1; i < n; i++ {
			v := a[i*n+j]
			for k := 0; k < j; k++ {
				v -= l[i*n+k] * l[j*n+k]
			}
			l[i*n+j] = v / l[j*n+j]
		}
	}
	// Solve L Lᵀ X = I column by column.
	for c := 0; c < n; c++ {
		var y [maxDim]float64
		for i := 0; i < n; i++ {
			v := 0.0
			if i == c {
				v = 1
			}
			for k := 0; k < i; k++ {
				v -= l[i*n+k] * y[k]
			}
			y[i] = v / l[i*n+i]
		}
		for i := n - 1; i >= 0; i-- {
			v := y[i]
			for k := i + 1; k < n; k++ {
				v -= l[k*n+i] * inv[k*n+c]
			}
			inv[i*n+c] = v / l[i*n+i]
		}
	}
	return inv, true
}

// fitStart checks o and returns the optimiser settings and the start in
// log-parameters: o.Start, or def when o gives none. A bad option is an
// *OptionError.
func fitStart(n int, o *FitOptions, def [maxDim]float64) (optSettings, [maxDim]float64, error) {
	s, err := settings(o, 1e-9)
	if err != nil || o == nil || o.Start == nil {
		return s, def, err
	}
	if len(o.Start) != n {
		return s, def, &OptionError{Field: "Start", Index: -1, Value: float64(len(o.Start)), Reason: fmt.Sprintf("%d start values, want %d", len(o.Start), n)}
	}
	var th [maxDim]float64
	for i, v := range o.Start {
		if !finite(v) || v <= 0 {
			return s, def, &OptionError{Field: "Start", Index: i, Value: v, Reason: "must be finite and positive"}
		}
		th[i] = math.Log(v)
		if math.Abs(th[i]) > boundaryTheta {
			return s, def, &OptionError{Field: "Start", Index: i, Value: v, Reason: "out of range: want e^-18 to e^18 (1.5e-8 to 6.6e7)"}
		}
	}
	return s, th, nil
}

// finishFit turns an optimiser result into FitInfo and parameters, and
// the boundary / convergence errors.
func finishFit(model string, names []string, f objective, r optResult, customers int64, groups int) (FitInfo, []Param, error) {
	n := len(names)
	info := FitInfo{
		LogLikelihood: -r.f * float64(customers),
		Customers:     customers,
		Groups:        groups,
		Iterations:    r.iters,
		Evaluations:   r.evals,
		Converged:     r.converged,
		GradientNorm:  r.gnorm,
	}
	ps := make([]Param, n)
	for i := range ps {
		ps[i] = Param{Name: names[i], Value: math.Exp(r.theta[i])}
	}
	if !finite(r.f) {
		info.LogLikelihood = 0
		return info, ps, &ConvergenceError{Model: model, Reason: r.reason, Iterations: r.iters, Params: ps}
	}
	var bnames []string
	for i := 0; i < n; i++ {
		if math.Abs(r.theta[i]) > boundaryTheta {
			bnames = append(bnames, names[i])
		}
	}
	if bnames == nil {
		se, ok := stdErrors(n, f, r.theta, r.grad, float64(customers))
		info.StdErrOK = ok
		for i := range ps {
			ps[i].StdErr = se[i]
			// A ridge: the parameter is extreme and the data do not pin
			// it down: its standard error on the log scale exceeds 2, the
			// observed information is not positive definite (flat or
			// still rising outwards), or the line search stalled because
			// the likelihood changes by less than its rounding noise
			// along the way out.
			if math.Abs(r.theta[i]) > ridgeTheta && (!ok || se[i] > 2*ps[i].Value || (r.stalled && !r.converged)) {
				bnames = append(bnames, names[i])
			}
		}
	}
	switch {
	case bnames != nil:
		return info, ps, &BoundaryError{Model: model, Names: bnames, Limits: limitsOf(names, bnames, r.theta[:n]),
			LogLikelihood: info.LogLikelihood, Params: ps}
	case !r.converged:
		return info, ps, &ConvergenceError{Model: model, Reason: r.reason, LogLikelihood: info.LogLikelihood,
			GradientNorm: r.gnorm, Iterations: r.iters, Params: ps}
	}
	return info, ps, nil
}

// limitsOf returns the end each parameter of bnames runs to: +Inf when
// its log-parameter in theta (in the optimiser's units, which are
// relative to the data for a scale such as the γ of Gamma-Gamma) is
// positive, 0 otherwise.
func limitsOf(names, bnames []string, theta []float64) []float64 {
	lim := make([]float64, len(bnames))
	for i, b := range bnames {
		if j := slices.Index(names, b); j >= 0 && theta[j] > 0 {
			lim[i] = math.Inf(1)
		}
	}
	return lim
}

// centralGradient fills grad with central differences of f at theta
// (step 1e-5 per log-parameter); used where no analytic gradient exists.
func centralGradient(n int, f func(theta []float64) float64, theta, grad []float64) bool {
	return centralGradientStep(n, f, theta, grad, 1e-5)
}

// centralGradientStep is centralGradient with step h.
func centralGradientStep(n int, f func(theta []float64) float64, theta, grad []float64, h float64) bool {
	var tb [maxDim]float64
	t := tb[:n]
	for i := 0; i < n; i++ {
		copy(t, theta)
		t[i] = theta[i] + h
		fp := f(t)
		t[i] = theta[i] - h
		fm := f(t)
		if !finite(fp) || !finite(fm) {
			return false
		}
		grad[i] = (fp - fm) / (2 * h)
	}
	return true
}

func outOfRange(theta []float64) bool {
	for _, t := range theta {
		if !(math.Abs(t) <= thetaLimit) {
			return true
		}
	}
	return false
}
