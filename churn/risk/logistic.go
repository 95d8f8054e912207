package risk

import "math"

// sigmoid returns σ(z) = 1 ÷ (1 + e^−z) without overflow.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// logLoss returns −[y ln σ(η) + (1 − y) ln(1 − σ(η))] = softplus(η) − y·η,
// computed without overflow.
func logLoss(eta float64, y bool) float64 {
	sp := math.Log1p(math.Exp(-math.Abs(eta))) + max(eta, 0)
	if y {
		return sp - eta
	}
	return sp
}

// logistic is the result of fitLogistic.
type logistic struct {
	beta       []float64 // intercept first, then one per column
	iterations int
}

// fitLogistic fits a logistic regression with an L2 penalty by Newton's
// method (iteratively reweighted least squares) with backtracking. It
// minimises
//
//	F(β) = Σ_i [softplus(η_i) − y_i·η_i] + (λ/2)·Σ_{j≥1} β_j²,  η_i = β_0 + Σ_j β_j·x_ij,
//
// whose gradient is Σ_i (μ_i − y_i)·(1, x_i) + λ·(0, β) and Hessian
// Σ_i μ_i(1 − μ_i)·(1, x_i)(1, x_i)ᵀ + λ·diag(0, 1, …, 1), μ_i = σ(η_i)
// (Hastie, Tibshirani & Friedman, "The Elements of Statistical Learning",
// 2nd ed., §4.4.1 and §4.4.4). With λ > 0 and both classes present F is
// strictly convex with a finite minimum even when the classes are
// separable. x is row-major with p columns; the result is deterministic.
func fitLogistic(x []float64, p int, y []bool, lambda float64, maxIter int) (logistic, error) {
	n := len(y)
	k := p + 1
	beta := make([]float64, k)
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	beta[0] = math.Log(float64(pos) / float64(n-pos))
	grad := make([]float64, k)
	hess := make([]float64, k*k)
	step := make([]float64, k)
	trial := make([]float64, k)
	row := make([]float64, k)
	row[0] = 1

	objective := func(b []float64) float64 {
		f := 0.0
		for i := 0; i < n; i++ {
			f += logLoss(eta(b, x[i*p:(i+1)*p]), y[i])
		}
		for j := 1; j < k; j++ {
			f += lambda / 2 * b[j] * b[j]
		}
		return f
	}
	f := objective(beta)
	for it := 1; it <= maxIter; it++ {
		clear(grad)
		clear(hess)
		for i := 0; i < n; i++ {
			xi := x[i*p : (i+1)*p]
			copy(row[1:], xi)
			mu := sigmoid(eta(beta, xi))
			r := mu
			if y[i] {
				r = mu - 1
			}
			w := mu * (1 - mu)
			for a := 0; a < k; a++ {
				grad[a] += r * row[a]
				wa := w * row[a]
				if wa == 0 {
					continue
				}
				h := hess[a*k:]
				for b := 0; b <= a; b++ {
					h[b] += wa * row[b]
				}
			}
		}
		for j := 1; j < k; j++ {
			grad[j] += lambda * beta[j]
			hess[j*k+j] += lambda
		}
		// A vanishing weight sum (all η far from 0) leaves the intercept
		// row empty; a tiny ridge keeps the system solvable without
		// changing the objective.
		hess[0] += 1e-12 * float64(n)
		for a := 0; a < k; a++ {
			for b := a + 1; b < k; b++ {
				hess[a*k+b] = hess[b*k+a]
			}
		}
		gnorm := 0.0
		for _, g := range grad {
			gnorm = max(gnorm, math.Abs(g))
		}
		if gnorm <= 1e-9*max(1, float64(n)*1e-3) {
			return logistic{beta: beta, iterations: it - 1}, nil
		}
		copy(step, grad)
		if !solveSPD(hess, step, k) {
			// Not numerically positive definite: fall back to a gradient
			// step scaled by the penalty curvature.
			for j := range step {
				step[j] = grad[j] / (lambda + float64(n)/4)
			}
		}
		dec := 0.0 // Newton decrement gᵀH⁻¹g
		for j := range step {
			dec += grad[j] * step[j]
		}
		t := 1.0
		var ft float64
		accepted := false
		for range 60 {
			for j := range trial {
				trial[j] = beta[j] - t*step[j]
			}
			ft = objective(trial)
			if ft <= f-1e-4*t*dec {
				accepted = true
				break
			}
			t /= 2
		}
		if !accepted {
			// No decrease is representable: β is optimal to machine
			// precision.
			return logistic{beta: beta, iterations: it}, nil
		}
		copy(beta, trial)
		fPrev := f
		f = ft
		if dec/2 <= 1e-12*max(1, math.Abs(f)) || fPrev-f <= 1e-14*max(1, math.Abs(f)) {
			return logistic{beta: beta, iterations: it}, nil
		}
	}
	gnorm := 0.0
	for _, g := range grad {
		gnorm = max(gnorm, math.Abs(g))
	}
	return logistic{}, &ConvergenceError{Iterations: maxIter, Objective: f, GradientNorm: gnorm}
}

func eta(beta, xi []float64) float64 {
	e := beta[0]
	for j, v := range xi {
		e += beta[j+1] * v
	}
	return e
}

// solveSPD solves A·v = b in place (b becomes v) for a symmetric positive
// definite k×k matrix A (row-major) by Cholesky factorisation A = LLᵀ,
// working on a copy of A. It reports false when A is not numerically
// positive definite.
func solveSPD(a []float64, b []float64, k int) bool {
	l := make([]float64, k*k)
	for i := 0; i < k; i++ {
		for j := 0; j <= i; j++ {
			s := a[i*k+j]
			for m := 0; m < j; m++ {
				s -= l[i*k+m] * l[j*k+m]
			}
			if i == j {
				if !(s > 0) || !finite(s) {
					return false
				}
				l[i*k+i] = math.Sqrt(s)
			} else {
				l[i*k+j] = s / l[j*k+j]
			}
		}
	}
	for i := 0; i < k; i++ { // L·u = b
		s := b[i]
		for m := 0; m < i; m++ {
			s -= l[i*k+m] * b[m]
		}
		b[i] = s / l[i*k+i]
	}
	for i := k - 1; i >= 0; i-- { // Lᵀ·v = u
		s := b[i]
		for m := i + 1; m < k; m++ {
			s -= l[m*k+i] * b[m]
		}
		b[i] = s / l[i*k+i]
	}
	for _, v := range b {
		if !finite(v) {
			return false
		}
	}
	return true
}
