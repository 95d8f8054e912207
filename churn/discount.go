package churn

import "math"

// smoothMin is the number of periods beyond which discountedAlive sums by
// discountedSmooth; smoothHead is the number of first periods that
// discountedSmooth sums one by one (one batch of aliveExpectations).
const (
	smoothMin  = 4 * maxBatch
	smoothHead = maxBatch
)

// smoothDeg is the degree of the interpolating polynomial of each panel
// of discountedSmooth, smoothWidth the largest width of a panel in ln t,
// smoothTol the largest relative difference between the interpolant and
// g accepted at the check points, and smoothTailTol the largest sum of
// the last three Chebyshev coefficients of a panel accepted, relative to
// the smallest value of g on it.
const (
	smoothDeg     = 24
	smoothWidth   = 1.0
	smoothTol     = 1e-11
	smoothTailTol = 5e-12
)

// aliveSmooth is implemented by the models whose g(x, T, t) of
// aliveFactored is defined for every real t > 0, increasing and concave
// in t with g(0) = 0, and analytic in ln t within the strip
// |Im ln t| < π/2 and bounded on every bounded part of it: BG/NBD and
// MBG/NBD, whose
//
//	g = E[(1 − (1 + p·t/(α+T))^{−(r+x)}) / p],  p ~ Beta(a, b+k),
//
// with k = x for BG/NBD and x + 1 for MBG/NBD (see bgBracket; the
// second derivative in t of the integrand is negative for every p, and
// |1 + p·t/(α+T)| ≥ 1 for Re t ≥ 0, so that the integrand is at most
// min(2/p, (r+x)·|t|/(α+T)) in modulus there). aliveExpectationsAt sets out[j] to
// g(x, T, ts[j]) for up to maxBatch horizons ts[j] > 0, not necessarily
// whole numbers; false means that it could not.
type aliveSmooth interface {
	aliveExpectationsAt(x, T float64, ts, out []float64) bool
}

// discountedSmooth is discountedAlive for n > smoothHead periods of an
// aliveSmooth model, with g evaluated at a number of horizons that grows
// like ln n rather than at every period. Since g is increasing (the
// running maximum of discountedAlive is g itself) and g(0) = 0, summation by
// parts gives, with v = 1/(1+d) and k₀ = smoothHead,
//
//	Σ_{k=1}^{n} v^k (g(k) − g(k−1)) = Σ_{k=1}^{k₀} v^k (g(k) − g(k−1))
//	    + v^n g(n) − v^{k₀+1} g(k₀) + (1 − v) Σ_{k=k₀+1}^{n−1} v^k g(k),
//
// whose last sum has positive terms, so that a relative error ε in every
// g(k) moves it by at most ε relative; for d = 0 the whole is g(n). The
// first k₀ periods are summed one by one (discountedPeriods); beyond them
// g is replaced, on panels of [ln k₀, ln n] at most smoothWidth wide, by
// its interpolating polynomial in ln t of degree N = smoothDeg at the
// Chebyshev points of the second kind. g is analytic and bounded in ln t
// on |Im ln t| < π/2, so on a panel of half-width h the interpolation
// error is at most 4Mρ^{−N}/(ρ−1) with ρ = c + √(1 + c²), c = π/(2h)
// (about 6.4 here), and M the bound of |g| on the Bernstein ellipse of
// parameter ρ (Trefethen 2013, "Approximation Theory and Approximation
// Practice", SIAM, Theorem 8.2): about 1e-19·M. Each panel's interpolant
// is also checked against g at two more points (near its upper end and in
// its middle), and its last three coefficients, which the same theorem
// bounds by about 2Mρ^{−N} each, against smoothTailTol (errors in the
// values at a few nodes, which can leave the check points within
// smoothTol, show there: errors of 3e-10 at the nodes of a range of
// horizons raise them to 2e-11 of g, against 1e-15 to 5e-14 without); a
// difference beyond smoothTol relative at a check point, a larger tail,
// or a failed evaluation, reports false, and the caller sums period by
// period. The
// interpolant is summed over the periods of a panel by Gregory's formula
// (gregorySum) where ln(1+d) ≤ gregoryMaxRate and the panel holds enough
// periods, else term by term; either way the cost no longer grows with n
// but like ln n. For d > 0 the sum stops once the rest is below 1e-17 of
// it: g is concave
// with g(0) = 0, so g(j) ≤ g(k)·j/k for j ≥ k, and with
// Σ_{j>k} j·v^j = v^{k+1}((k+1)(1−v) + v)/(1−v)²,
//
//	v^n g(n) + (1−v) Σ_{j=k+1}^{n−1} v^j g(j) ≤ (g(k)/k) · (n·v^n + v^{k+1}((k+1)(1−v) + v)/(1−v)).
func discountedSmooth(f aliveFactored, s aliveSmooth, x, T float64, n int, d float64) (float64, bool) {
	const k0 = smoothHead
	if n <= k0 {
		return 0, false
	}
	head, gk0, err := discountedPeriods(f, x, T, k0, d)
	if err != nil {
		return 0, false
	}
	fn := float64(n)
	// The horizons and values of a panel (they escape through the
	// interface: one allocation for all panels).
	buf := make([]float64, 2*(smoothDeg+3))
	ts, gs := buf[:smoothDeg+3], buf[smoothDeg+3:]
	ts[0] = fn
	if !s.aliveExpectationsAt(x, T, ts[:1], gs[:1]) || !finite(gs[0]) {
		return 0, false
	}
	gn := math.Max(gs[0], 0)
	if d == 0 {
		return head + math.Max(gn-gk0, 0), true
	}
	lf := math.Log1p(d)
	v, omv := math.Exp(-lf), -math.Expm1(-lf) // v and 1 − v
	tail := -math.Exp(-(k0+1)*lf) * gk0
	sum := 0.0 // Σ v^k g(k) over the periods k0 < k < n summed so far

	var cosTab [2 * smoothDeg]float64 // cos(iπ/N)
	for i := range cosTab {
		cosTab[i] = math.Cos(float64(i) * math.Pi / smoothDeg)
	}
	checks := [2]float64{math.Cos(0.5 * math.Pi / smoothDeg), math.Cos((smoothDeg/2 + 0.5) * math.Pi / smoothDeg)}
	la, lb := math.Log(k0), math.Log(fn)
	panels := math.Ceil((lb - la) / smoothWidth)
	width := (lb - la) / panels
	k := k0 + 1
	vk := math.Exp(-float64(k) * lf)
	for p := 0.0; p < panels; p++ {
		sa, sb := la+p*width, la+(p+1)*width
		last := p == panels-1
		if last {
			sb = lb
		}
		mid, half := (sa+sb)/2, (sb-sa)/2
		// The nodes x_j = cos(jπ/N), j = 0 … N, then the check points.
		for j := 0; j <= smoothDeg; j++ {
			ts[j] = math.Exp(mid + half*cosTab[j])
		}
		if last {
			ts[0] = fn
		}
		if p == 0 {
			ts[smoothDeg] = k0
		}
		for i, xc := range checks {
			ts[smoothDeg+1+i] = math.Exp(mid + half*xc)
		}
		if !s.aliveExpectationsAt(x, T, ts, gs) {
			return 0, false
		}
		for _, g := range gs {
			if !finite(g) {
				return 0, false
			}
		}
		// Chebyshev coefficients: c_m = (2/N) Σ'' g_j cos(mjπ/N), the
		// first and last terms of the sum (and c_0, c_N) halved.
		var c [smoothDeg + 1]float64
		for m := 0; m <= smoothDeg; m++ {
			acc := (gs[0] + gs[smoothDeg]*cosTab[(m*smoothDeg)%(2*smoothDeg)]) / 2
			for j := 1; j < smoothDeg; j++ {
				acc += gs[j] * cosTab[(m*j)%(2*smoothDeg)]
			}
			c[m] = acc * 2 / smoothDeg
		}
		c[0] /= 2
		c[smoothDeg] /= 2
		// The trailing coefficients whose sum is below 1e-16 of the
		// smallest value change no value by more than that: left out.
		gmin := math.Inf(1)
		for _, g := range gs {
			gmin = math.Min(gmin, g)
		}
		// The last three coefficients of an analytic g are about
		// ρ^{−N}·M (below 1e-13 of g); errors in the values at some
		// nodes, which the check points may miss, raise them to about
		// the size of those errors.
		if !(chebTail(c[:]) <= smoothTailTol*gmin) {
			return 0, false
		}
		deg, dropped := smoothDeg, 0.0
		for deg > 0 && dropped+math.Abs(c[deg]) <= 1e-16*gmin {
			dropped += math.Abs(c[deg])
			deg--
		}
		for i, xc := range checks {
			g := gs[smoothDeg+1+i]
			if !(g > 0) || math.Abs(clenshaw(c[:deg+1], xc)-g) > smoothTol*g {
				return 0, false
			}
		}
		if lf <= gregoryMaxRate {
			// The whole panel by Gregory's formula, where it has
			// enough periods for the end differences.
			kB := n - 1
			if !last {
				kB = int(math.Floor(math.Exp(sb)))
				for kB >= k && math.Log(float64(kB)) > sb {
					kB--
				}
				for math.Log(float64(kB+1)) <= sb {
					kB++
				}
			}
			if kB-k >= 2*len(gregory)+2 {
				h := func(t float64) float64 {
					return math.Exp(-t*lf) * math.Max(clenshaw(c[:deg+1], (math.Log(t)-mid)/half), 0)
				}
				sum += gregorySum(h, k, kB, lf)
				k = kB + 1
				fk := float64(kB)
				gB := math.Max(clenshaw(c[:deg+1], (math.Log(fk)-mid)/half), 0)
				rest := gB / fk * (fn*math.Exp(-fn*lf) + math.Exp(-(fk+1)*lf)*((fk+1)*omv+v)/omv)
				if rest <= 1e-17*(head+tail+omv*sum) {
					return head + tail + omv*sum, true
				}
				vk = math.Exp(-float64(k) * lf)
				continue
			}
		}
		for ; k < n; k++ {
			lk := math.Log(float64(k))
			if !last && lk > sb {
				break
			}
			if k%64 == 0 {
				vk = math.Exp(-float64(k) * lf) // keep v^k to the last bits
			}
			g := math.Max(clenshaw(c[:deg+1], (lk-mid)/half), 0)
			sum += vk * g
			if k%64 == 0 {
				fk := float64(k)
				rest := g / fk * (fn*math.Exp(-fn*lf) + vk*v*((fk+1)*omv+v)/omv)
				if rest <= 1e-17*(head+tail+omv*sum) {
					return head + tail + omv*sum, true
				}
			}
			vk *= v
		}
	}
	tail += math.Exp(-fn*lf) * gn
	return head + tail + omv*sum, true
}

// chebTail is the sum of the moduli of the last three of the Chebyshev
// coefficients c (at least three).
func chebTail(c []float64) float64 {
	n := len(c)
	return math.Abs(c[n-3]) + math.Abs(c[n-2]) + math.Abs(c[n-1])
}

// clenshaw is Σ_{m=0}^{len(c)−1} c_m T_m(x), T_m the Chebyshev
// polynomials, by Clenshaw's recurrence.
func clenshaw(c []float64, x float64) float64 {
	var b1, b2 float64
	x2 := 2 * x
	for m := len(c) - 1; m >= 1; m-- {
		b1, b2 = x2*b1-b2+c[m], b1
	}
	return x*b1 - b2 + c[0]
}

// gregoryMaxRate is the largest ln(1+d) for which discountedSmooth sums a
// panel by Gregory's formula: the terms v^t·g(t) then vary on a scale of
// at least 64 periods (as g does beyond smoothHead periods), and the
// first omitted end correction is below about 64^{−10} of them.
const gregoryMaxRate = 1.0 / 64

// gregory holds the coefficients of Gregory's formula (the moduli of the
// Gregory coefficients G_2 … G_10, Bernoulli numbers of the second kind).
var gregory = [...]float64{1.0 / 12, 1.0 / 24, 19.0 / 720, 3.0 / 160, 863.0 / 60480, 275.0 / 24192, 33953.0 / 3628800, 8183.0 / 1036800, 3250433.0 / 479001600}

// gregorySum is Σ_{k=a}^{b} h(k) by Gregory's formula (e.g. Hildebrand,
// "Introduction to Numerical Analysis", 2nd ed., 1974), the trapezoidal
// rule with end corrections by differences,
//
//	Σ_{k=a}^{b} h(k) = ∫_a^b h(t) dt + (h(a) + h(b))/2
//	    + Σ_{j=1}^{9} γ_j (∇^j h(b) + (−1)^j Δ^j h(a)),
//
// γ_j the entries of gregory, ∇ and Δ the backward and forward
// differences of step 1. The integral is taken in ln t by 8-point
// Gauss–Legendre quadrature on at least 16·ln(b/a) and lf·(b−a) pieces of
// equal width in ln t, across each of which lf·t grows by at most
// b·ln(b/a)/(b−a) (the last piece), below 1.6 for b ≤ e·a: the factor
// e^{−lf·t} of h changes there by a factor 5 at most.
// h must be smooth on a scale of many periods; b − a ≥ 20.
func gregorySum(h func(t float64) float64, a, b int, lf float64) float64 {
	const q = len(gregory)
	fa, fb := float64(a), float64(b)
	var ha, hb [q + 1]float64
	for i := range q + 1 {
		ha[i] = h(fa + float64(i))
		hb[i] = h(fb - float64(i))
	}
	s := (ha[0] + hb[0]) / 2
	// Δ^j h(a) and ∇^j h(b) by repeated differencing in place.
	da, db := ha, hb
	for j := 1; j <= q; j++ {
		for i := 0; i+j <= q; i++ {
			da[i] = da[i+1] - da[i]
			db[i] = db[i] - db[i+1]
		}
		sign := 1.0
		if j%2 == 1 {
			sign = -1
		}
		s += gregory[j-1] * (db[0] + sign*da[0])
	}
	la, lb := math.Log(fa), math.Log(fb)
	pieces := math.Ceil(max(16*(lb-la), lf*(fb-fa)))
	w := (lb - la) / pieces
	integral := 0.0
	for p := 0.0; p < pieces; p++ {
		mid := la + (p+0.5)*w
		for i, x := range glNodes {
			t := math.Exp(mid + x*w/2)
			integral += glWeights[i] * h(t) * t
		}
	}
	return s + integral*w/2
}
