package value

import (
	"math"
	"slices"
	"sort"
)

// sample is an exact multiset of float64 values: sorted distinct values
// with their counts, plus a buffer of values not yet sorted in. Two
// samples merge into exactly the sample of the union, whatever the order
// of the values or of the merges, so every statistic computed from a
// compacted sample is a deterministic function of the population.
type sample struct {
	buf   []float64
	vals  []float64
	cnts  []int64
	dense bool // many distinct values: compact only when asked
	hint  int  // expected number of values, to size a dense buffer
}

// compactEvery is the buffer length at which a sample with few distinct
// values (counts, days) is compacted while values are added, so its
// memory stays proportional to its distinct values.
const compactEvery = 1 << 16

func (s *sample) add(v float64) {
	s.buf = append(s.buf, v)
	if len(s.buf) == compactEvery && !s.dense {
		before := len(s.vals)
		s.compact()
		// More than one distinct value in four: keeping the raw values
		// (8 bytes each) is cheaper than run lengths (16 bytes each).
		s.dense = len(s.vals)-before > compactEvery/4
		if s.dense && s.hint > len(s.buf) {
			s.buf = slices.Grow(s.buf, s.hint-len(s.buf))
		}
	}
}

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
	s.buf = s.buf[:0]
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
// when every value is 0. It walks outwards from zero through the sorted
// values, merging the negative and the positive side.
func (s *sample) absMedian() float64 {
	p := sort.SearchFloat64s(s.vals, 0) // first value ≥ 0
	neg := p - 1                        // last negative value
	for p < len(s.vals) && s.vals[p] == 0 {
		p++
	}
	var m int64
	for i, v := range s.vals {
		if v != 0 {
			m += s.cnts[i]
		}
	}
	if m == 0 {
		return 1
	}
	pos := (m - 1) / 2
	var cum int64
	for {
		var v float64
		var c int64
		if neg >= 0 && (p >= len(s.vals) || -s.vals[neg] <= s.vals[p]) {
			v, c = -s.vals[neg], s.cnts[neg]
			neg--
		} else {
			v, c = s.vals[p], s.cnts[p]
			p++
		}
		cum += c
		if pos < cum {
			return v
		}
	}
}
