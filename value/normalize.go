package value

import (
	"math"
	"slices"
)

// maxKnots is the number of knots of a percentile-rank table: with at most
// this many distinct values the table is exact at every value seen.
const maxKnots = 1025

// Fitted holds what a fit learned for one indicator of one leaf: every
// number a normalised score is computed from.
type Fitted struct {
	N        int64   // customers with the indicator known
	Min, Max float64 // raw range
	// Lo and Hi are the clipping bounds of step 1 of [Measure], as raw
	// values: population values when a quantile or the widening sets
	// them, fences in between otherwise (Min and Max when the measure
	// does not clip; 0 and 1, the bounds of the scale, for [Absolute]).
	Lo, Hi float64
	// Scale is the median |x| of the Log transform (1 for Linear).
	Scale float64
	// TMin and TMax are the transformed bounds of MinMax (0 and 1 for
	// Absolute, a min–max over the fixed scale).
	TMin, TMax float64
	// Mean and SD are the transformed mean and standard deviation of
	// ZScore.
	Mean, SD float64
	// Constant is true when every customer has the same value: the
	// normalised score is then 0.5 for everybody. It is never true for
	// an Absolute measure, which scores each value on its own scale.
	Constant bool
}

// tableSize bounds the lookup table of a log-transformed leaf: whole
// values 0 … tableSize−1 (counts, days) are looked up instead of
// computed, with bit-identical results.
const tableSize = 1024

// norm is the compiled normalisation of one indicator: only what the
// apply step reads, so that a scorer's leaves stay in cache.
type norm struct {
	Lo, Hi   float64
	method   Method
	log      bool
	invert   bool
	empty    bool // nobody has the indicator
	constant bool
	inv      float64 // 1 ÷ Scale
	scale    float64 // Scale, for the values whose |x| ÷ Scale overflows
	// unit is 1, or the power of two that the transformed values are
	// multiplied by before a and b apply when they are so large that
	// their range, sum or squares overflow float64.
	unit     float64
	a, b     float64 // MinMax: TMin, TMax − TMin; ZScore: Mean, 1 ÷ SD (in units of unit)
	table    []float64
	knotsX   []float64
	knotsP   []float64
	lastKnot int
}

func (n *norm) transform(x float64) float64 {
	if n.log {
		if r := math.Abs(x) * n.inv; r <= math.MaxFloat64 {
			return math.Copysign(math.Log(1+r), x)
		}
		return math.Copysign(n.logBeyond(math.Abs(x)), x)
	}
	return x
}

// logBeyond returns ln(1 + a ÷ Scale) for an a ≥ 0 whose product with
// 1 ÷ Scale is not a finite number: 1 ÷ Scale itself overflows (a
// subnormal Scale, where a = 0 gives 0·∞), or a ÷ Scale does. Then
// ln(1 + a ÷ Scale) = ln a − ln Scale + ln(1 + Scale ÷ a), whose last
// term is below 2⁻¹⁰²³ and lost in rounding.
func (n *norm) logBeyond(a float64) float64 {
	switch r := a / n.scale; {
	case a == 0:
		return 0
	case r <= math.MaxFloat64:
		return math.Log(1 + r)
	}
	return math.Log(a) - math.Log(n.scale)
}

// untransform inverts transform, up to rounding.
func (n *norm) untransform(t float64) float64 {
	if n.log {
		a := math.Abs(t)
		e := math.Expm1(a)
		switch {
		case e <= math.MaxFloat64 && n.inv <= math.MaxFloat64:
			e /= n.inv
		case e <= math.MaxFloat64:
			e *= n.scale
		default: // e^a overflows, e^a · Scale may not
			e = math.Exp(a + math.Log(n.scale))
		}
		return math.Copysign(e, t)
	}
	return t
}

// newNorm fits measure m to the compacted sample s.
func newNorm(m *Measure, s *sample) (norm, Fitted) {
	f, n := fit(m, s)
	n.Lo, n.Hi, n.constant = f.Lo, f.Hi, f.Constant
	if n.log && !n.constant && !n.empty && n.method != PercentileRank && f.Hi >= 0 {
		size := tableSize
		if f.Hi < tableSize { // compared as floats: Hi may exceed any int
			size = int(math.Ceil(f.Hi)) + 1
		}
		n.table = make([]float64, size)
		for i := range n.table {
			n.table[i] = n.compute(float64(i))
		}
	}
	return n, f
}

func fit(m *Measure, s *sample) (Fitted, norm) {
	var n Fitted
	nm := norm{method: m.Method, log: m.Transform == Log, invert: m.LowerIsBetter, inv: 1, unit: 1}
	cnt := s.n()
	if cnt == 0 {
		// An absolute measure needs nobody: a customer with the
		// indicator is scored on its scale even when no customer of the
		// fit had it.
		nm.empty = m.Method != Absolute
		if !nm.empty {
			n.Lo, n.Hi, n.Scale, n.TMax = 0, 1, 1, 1
		}
		return n, nm
	}
	n.N = cnt
	n.Min, n.Max = s.vals[0], s.vals[len(s.vals)-1]
	n.Lo, n.Hi = n.Min, n.Max
	n.Scale = 1
	if nm.log {
		n.Scale = s.absMedian()
		nm.inv, nm.scale = 1/n.Scale, n.Scale
	}
	if m.Winsor > 0 && m.Method != PercentileRank {
		n.Lo, n.Hi = clipBounds(s, m.Winsor, cnt, &nm)
	}
	n.Constant = n.Lo == n.Hi
	switch m.Method {
	case Absolute:
		// The scale's own bounds: no population statistic, and so never
		// constant (the model check refuses Log and Winsor with it).
		n.Lo, n.Hi, n.TMin, n.TMax, n.Constant = 0, 1, 0, 1, false
	case MinMax:
		n.TMin, n.TMax = nm.transform(n.Lo), nm.transform(n.Hi)
		if n.TMax > n.TMin {
			nm.a, nm.b = n.TMin, n.TMax-n.TMin
			if math.IsInf(nm.b, 0) { // halves of values beyond ±MaxFloat64 ÷ 2
				nm.unit = 0.5
				nm.a, nm.b = 0.5*n.TMin, 0.5*n.TMax-0.5*n.TMin
			}
		} else {
			n.Constant = true
		}
	case ZScore:
		mean, sd := moments(s, &n, &nm)
		if math.IsInf(mean, 0) || math.IsNaN(sd) || math.IsInf(sd, 0) {
			// Values so large that their sum or squares overflow: the
			// same in units of a power of two near the largest.
			_, e := math.Frexp(max(math.Abs(nm.transform(n.Lo)), math.Abs(nm.transform(n.Hi))))
			nm.unit = math.Ldexp(1, -e)
			mean, sd = moments(s, &n, &nm)
		}
		n.Mean, n.SD = mean/nm.unit, sd/nm.unit
		if sd > 0 && !math.IsInf(1/sd, 0) {
			nm.a, nm.b = mean, 1/sd
		} else {
			n.Constant = true
		}
	case PercentileRank:
		d := len(s.vals)
		k := min(d, maxKnots)
		nm.knotsX = make([]float64, k)
		nm.knotsP = make([]float64, k)
		var below int64
		j := 0
		for i, v := range s.vals {
			// knot j sits at distinct value ⌊j·(d−1) ÷ (k−1)⌋.
			if k == 1 || i == j*(d-1)/(k-1) {
				nm.knotsX[j] = v
				nm.knotsP[j] = (float64(below) + float64(s.cnts[i])/2) / float64(cnt)
				j++
			}
			below += s.cnts[i]
		}
		nm.lastKnot = k - 1
	}
	return n, nm
}

// moments returns the mean and standard deviation (divisor n) of the
// clipped, transformed values of s, in units of nm.unit.
func moments(s *sample, n *Fitted, nm *norm) (mean, sd float64) {
	sum := 0.0
	for i, v := range s.vals {
		sum += float64(s.cnts[i]) * (nm.transform(min(max(v, n.Lo), n.Hi)) * nm.unit)
	}
	mean = sum / float64(n.N)
	ss := 0.0
	for i, v := range s.vals {
		d := nm.transform(min(max(v, n.Lo), n.Hi))*nm.unit - mean
		ss += float64(s.cnts[i]) * d * d
	}
	return mean, math.Sqrt(ss / float64(n.N))
}

// apply returns the normalised score of raw value x, in [0, 1].
func (n *norm) apply(x float64) float64 {
	if x >= 0 && x < float64(len(n.table)) {
		if i := int(x); float64(i) == x {
			return n.table[i]
		}
	}
	return n.compute(x)
}

func (n *norm) compute(x float64) float64 {
	var r float64
	switch {
	case n.constant:
		return 0.5
	case n.method == PercentileRank:
		r = n.rank(x)
	case n.method == Absolute:
		r = min(max(x, 0), 1)
	default:
		x = min(max(x, n.Lo), n.Hi)
		t := x
		if n.log { // transform, inlined
			if r := math.Abs(x) * n.inv; r <= math.MaxFloat64 {
				t = math.Copysign(math.Log(1+r), x)
			} else {
				t = math.Copysign(n.logBeyond(math.Abs(x)), x)
			}
		}
		t *= n.unit
		if n.method == MinMax {
			r = min(max((t-n.a)/n.b, 0), 1)
		} else {
			r = 0.5 * math.Erfc(-(t-n.a)*n.b/math.Sqrt2)
		}
	}
	if n.invert {
		r = 1 - r
	}
	return r
}

// rank interpolates the mid-rank share linearly between knots; it is exact
// at the knots, 0 below the smallest value and 1 above the largest.
func (n *norm) rank(x float64) float64 {
	kx := n.knotsX
	last := n.lastKnot
	if x <= kx[0] {
		if x < kx[0] {
			return 0
		}
		return n.knotsP[0]
	}
	if x >= kx[last] {
		if x > kx[last] {
			return 1
		}
		return n.knotsP[last]
	}
	lo, hi := 0, last
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if kx[mid] <= x {
			lo = mid
		} else {
			hi = mid
		}
	}
	f := (x - kx[lo]) / (kx[hi] - kx[lo])
	if math.IsInf(kx[hi]-kx[lo], 0) { // knots beyond ±MaxFloat64 ÷ 2 apart
		f = (0.5*x - 0.5*kx[lo]) / (0.5*kx[hi] - 0.5*kx[lo])
	}
	return n.knotsP[lo] + f*(n.knotsP[hi]-n.knotsP[lo])
}

// fenceK is Tukey's outer-fence multiple: a fence lies fenceK spreads
// beyond its hinge (Tukey 1977: two steps of 1.5 H-spreads).
const fenceK = 3

// gapK bounds the lead of the most extreme value: its reach from the
// opposite quantile is at most 1 + gapK times that of the runner-up.
const gapK = 1

// clipBounds returns the clipping bounds, as raw values, of step 1 of
// [Measure] for the compacted, non-empty sample s of n values, nm
// carrying the transform. They depend on the multiset only.
//
// Every candidate upper bound has the form a + λ·(u − a), u a value or
// the mean of two, anchored at the lower quantile a (and the lower ones
// mirror it): when the customer at u rises, its min-max score
// (u − lo) ÷ (a + λ·(u − a) − lo) does not fall, because lo ≥ a; when
// anyone else rises, the bound does not move. The bounds are continuous
// in the values, never snapped to a population value, which would jump.
// So the clipping never makes a customer's score fall when only its own
// value rises (TestBuyingMoreNeverLowersCurrentValue,
// TestFencesKeepTheProperties); the scale of the Log transform can, with
// negative values in the population (see [Log]).
func clipBounds(s *sample, w float64, n int64, nm *norm) (lo, hi float64) {
	k := int64(math.Floor(w * float64(n-1)))
	// Tukey's hinges lie at depth (⌊(n + 1) ÷ 2⌋ + 1) ÷ 2 from each end:
	// the mean of the values at positions p and q (0-based), which differ
	// when the depth is a half. The fences need the hinges strictly
	// inside the quantiles, so that the anchor is not a hinge; the gap
	// cap needs the two runners-up at different positions.
	h := (n+1)/2 + 1
	p, q := h/2-1, (h-1)/2
	fence, gap := p > k, n-2-k > 1+k
	// The positions in increasing order (when fence and gap hold):
	// k, 1+k, p, q, n−1−q, n−1−p, n−2−k, n−1−k.
	var v [8]float64
	pos := [8]int64{k, 1 + k, p, q, n - 1 - q, n - 1 - p, n - 2 - k, n - 1 - k}
	if !gap {
		pos[1], pos[6] = k, n-1-k
	}
	if !fence {
		pos[2], pos[3], pos[4], pos[5] = pos[1], pos[1], pos[6], pos[6]
	}
	s.atEach(pos[:], v[:])
	var t [8]float64
	for i := range v {
		t[i] = nm.transform(v[i])
	}
	lo, hi = v[0], v[7]
	a, b := t[0], t[7]
	tlo, thi := a, b
	if fence {
		h1, h3 := 0.5*t[2]+0.5*t[3], 0.5*t[5]+0.5*t[4]
		if h3 > a {
			thi = min(thi, a+(1+fenceK)*(h3-a))
		}
		if h1 < b {
			tlo = max(tlo, b-(1+fenceK)*(b-h1))
		}
	}
	if gap {
		thi = min(thi, a+(1+gapK)*(t[6]-a))
		tlo = max(tlo, b-(1+gapK)*(b-t[1]))
	}
	if thi > tlo {
		if thi < b {
			hi = min(nm.untransform(thi), hi)
		}
		if tlo > a {
			lo = max(nm.untransform(tlo), lo)
		}
		return lo, hi
	}
	// The bounds met, at the median: the clipped range would make a
	// varying indicator constant. Move each bound out to the nearest
	// distinct value, where there is one.
	med := s.at((n - 1) / 2)
	lo, hi = med, med
	i, _ := slices.BinarySearch(s.vals, med)
	if i > 0 {
		lo = s.vals[i-1]
	}
	if i < len(s.vals)-1 {
		hi = s.vals[i+1]
	}
	return lo, hi
}
