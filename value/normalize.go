package value

import "math"

// maxKnots is the number of knots of a percentile-rank table: with at most
// this many distinct values the table is exact at every value seen.
const maxKnots = 1025

// Fitted holds what a fit learned for one indicator of one leaf: every
// number a normalised score is computed from.
type Fitted struct {
	N        int64   // customers with the indicator known
	Min, Max float64 // raw range
	// Lo and Hi are the winsorising bounds (Min and Max when the measure
	// does not winsorise).
	Lo, Hi float64
	// Scale is the median |x| of the Log transform (1 for Linear).
	Scale float64
	// TMin and TMax are the transformed bounds of MinMax.
	TMin, TMax float64
	// Mean and SD are the transformed mean and standard deviation of
	// ZScore.
	Mean, SD float64
	// Constant is true when every customer has the same value: the
	// normalised score is then 0.5 for everybody.
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
	a, b     float64 // MinMax: TMin, TMax − TMin; ZScore: Mean, 1 ÷ SD
	table    []float64
	knotsX   []float64
	knotsP   []float64
	lastKnot int
}

func (n *norm) transform(x float64) float64 {
	if n.log {
		return math.Copysign(math.Log(1+math.Abs(x)*n.inv), x)
	}
	return x
}

// newNorm fits measure m to the compacted sample s.
func newNorm(m *Measure, s *sample) (norm, Fitted) {
	f, n := fit(m, s)
	n.Lo, n.Hi, n.constant = f.Lo, f.Hi, f.Constant
	if n.log && !n.constant && !n.empty && n.method != PercentileRank && f.Hi >= 0 {
		size := min(tableSize, int(math.Ceil(f.Hi))+1)
		n.table = make([]float64, size)
		for i := range n.table {
			n.table[i] = n.compute(float64(i))
		}
	}
	return n, f
}

func fit(m *Measure, s *sample) (Fitted, norm) {
	var n Fitted
	nm := norm{method: m.Method, log: m.Transform == Log, invert: m.LowerIsBetter, inv: 1}
	cnt := s.n()
	if cnt == 0 {
		nm.empty = true
		return n, nm
	}
	n.N = cnt
	n.Min, n.Max = s.vals[0], s.vals[len(s.vals)-1]
	n.Lo, n.Hi = n.Min, n.Max
	n.Scale = 1
	if m.Winsor > 0 && m.Method != PercentileRank {
		n.Lo, n.Hi = s.quantileWinsor(m.Winsor, cnt)
	}
	if nm.log {
		n.Scale = s.absMedian()
		nm.inv = 1 / n.Scale
	}
	n.Constant = n.Lo == n.Hi
	switch m.Method {
	case MinMax:
		n.TMin, n.TMax = nm.transform(n.Lo), nm.transform(n.Hi)
		if n.TMax > n.TMin {
			nm.a, nm.b = n.TMin, n.TMax-n.TMin
		} else {
			n.Constant = true
		}
	case ZScore:
		sum := 0.0
		for i, v := range s.vals {
			sum += float64(s.cnts[i]) * nm.transform(min(max(v, n.Lo), n.Hi))
		}
		mean := sum / float64(cnt)
		ss := 0.0
		for i, v := range s.vals {
			d := nm.transform(min(max(v, n.Lo), n.Hi)) - mean
			ss += float64(s.cnts[i]) * d * d
		}
		n.Mean, n.SD = mean, math.Sqrt(ss/float64(cnt))
		if n.SD > 0 && !math.IsInf(1/n.SD, 0) {
			nm.a, nm.b = n.Mean, 1/n.SD
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
	default:
		x = min(max(x, n.Lo), n.Hi)
		t := x
		if n.log {
			t = math.Copysign(math.Log(1+math.Abs(x)*n.inv), x)
		}
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
	return n.knotsP[lo] + f*(n.knotsP[hi]-n.knotsP[lo])
}
