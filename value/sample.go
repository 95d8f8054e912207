package value

import (
	"cmp"
	"math"
	"slices"
)

// sample is an exact multiset of float64 values: sorted distinct values
// with their counts, plus a buffer of values not yet sorted in. Two
// samples merge into exactly the sample of the union, whatever the order
// of the values or of the merges, so every statistic computed from a
// compacted sample is a deterministic function of the population.
type sample struct {
	buf  []float64
	vals []float64
	cnts []int64
}

func (s *sample) add(v float64) { s.buf = append(s.buf, v) }

// n returns the number of values.
func (s *sample) n() int64 {
	t := int64(len(s.buf))
	for _, c := range s.cnts {
		t += c
	}
	return t
}

// compact sorts the buffer into the distinct values.
func (s *sample) compact() {
	if len(s.buf) == 0 {
		return
	}
	b := s.buf
	slices.Sort(b)
	var vals []float64
	var cnts []int64
	for i := 0; i < len(b); {
		j := i + 1
		for j < len(b) && b[j] == b[i] {
			j++
		}
		vals = append(vals, b[i])
		cnts = append(cnts, int64(j-i))
		i = j
	}
	s.vals, s.cnts = mergeRLE(s.vals, s.cnts, vals, cnts)
	s.buf = nil
}

// mergeRLE merges two sorted run-length lists.
func mergeRLE(av []float64, ac []int64, bv []float64, bc []int64) ([]float64, []int64) {
	if len(av) == 0 {
		return bv, bc
	}
	if len(bv) == 0 {
		return av, ac
	}
	vals := make([]float64, 0, len(av)+len(bv))
	cnts := make([]int64, 0, len(av)+len(bv))
	i, j := 0, 0
	for i < len(av) || j < len(bv) {
		switch {
		case j == len(bv) || (i < len(av) && av[i] < bv[j]):
			vals, cnts = append(vals, av[i]), append(cnts, ac[i])
			i++
		case i == len(av) || bv[j] < av[i]:
			vals, cnts = append(vals, bv[j]), append(cnts, bc[j])
			j++
		default:
			vals, cnts = append(vals, av[i]), append(cnts, ac[i]+bc[j])
			i++
			j++
		}
	}
	return vals, cnts
}

// merge adds the values of o to s; o is not changed.
func (s *sample) merge(o *sample) {
	s.compact()
	c := sample{buf: slices.Clone(o.buf)}
	c.compact()
	v, n := mergeRLE(o.vals, o.cnts, c.vals, c.cnts)
	s.vals, s.cnts = mergeRLE(s.vals, s.cnts, slices.Clone(v), slices.Clone(n))
}

// quantileWinsor returns the values at sorted positions k and n − 1 − k,
// k = ⌊w·(n − 1)⌋: values of the sample, so they scale exactly with the
// data. s must be compacted and non-empty.
func (s *sample) quantileWinsor(w float64, n int64) (lo, hi float64) {
	k := int64(math.Floor(w * float64(n-1)))
	return s.at(k), s.at(n - 1 - k)
}

// at returns the value at sorted position pos.
func (s *sample) at(pos int64) float64 {
	var cum int64
	for i, c := range s.cnts {
		cum += c
		if pos < cum {
			return s.vals[i]
		}
	}
	return s.vals[len(s.vals)-1]
}

// absMedian returns the lower median of |x| over the values x ≠ 0, or 1
// when every value is 0.
func (s *sample) absMedian() float64 {
	type vc struct {
		v float64
		c int64
	}
	var a []vc
	var m int64
	for i, v := range s.vals {
		if v != 0 {
			a = append(a, vc{math.Abs(v), s.cnts[i]})
			m += s.cnts[i]
		}
	}
	if m == 0 {
		return 1
	}
	slices.SortFunc(a, func(x, y vc) int { return cmp.Compare(x.v, y.v) })
	pos := (m - 1) / 2
	var cum int64
	for _, e := range a {
		cum += e.c
		if pos < cum {
			return e.v
		}
	}
	return a[len(a)-1].v
}
