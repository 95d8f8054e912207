package value

import (
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/tailorcrm/tailor/internal/radix"
)

// sample is an exact multiset of float64 values: sorted distinct values
// with their counts, plus the values added since the last compaction. Two
// samples merge into exactly the sample of the union, whatever the order
// of the values or of the merges, so every statistic computed from a
// compacted sample is a deterministic function of the population.
//
// Values added wait in one of two forms. While the sample has few
// distinct values (counts, days, shares of small numbers), they are
// counted in a hash table keyed by their bits, so that memory stays
// proportional to the distinct values and nothing is sorted but the
// distinct values. Once the table holds more than maxDistinct values
// the sample is dense (money: about one value per customer) and raw
// values are kept in fixed-size blocks, which grow without copying, to be
// radix-sorted once when compacted.
//
// Values that compare equal are one value of the multiset: −0 and +0
// are counted together, under whichever a compaction sorts first (−0).
type sample struct {
	tab    countTable  // pending values of a sparse sample
	blocks [][]float64 // pending values of a dense sample
	vals   []float64
	cnts   []int64
	dense  bool
	hint   int // expected number of values, to size the list of blocks
}

// maxDistinct is the number of distinct pending values at which a sample
// turns dense; blockLen the number of values of a block.
const (
	maxDistinct = 1 << 14
	blockLen    = 1 << 14
)

func (s *sample) add(v float64) {
	if !s.dense && v == v { // NaN has no place in a table of equal values
		if s.tab.add(v) {
			return
		}
		// The table is full: its values go to the compacted part, and
		// the sample counts its values raw from now on.
		s.compact()
		s.dense = true
	}
	if len(s.blocks) == 0 || len(s.blocks[len(s.blocks)-1]) == blockLen {
		if s.blocks == nil && s.hint > 0 {
			s.blocks = make([][]float64, 0, s.hint/blockLen+1)
		}
		s.blocks = append(s.blocks, make([]float64, 0, blockLen))
	}
	b := &s.blocks[len(s.blocks)-1]
	*b = append(*b, v)
}

// n returns the number of values.
func (s *sample) n() int64 {
	t := s.tab.total
	for _, b := range s.blocks {
		t += int64(len(b))
	}
	for _, c := range s.cnts {
		t += c
	}
	return t
}

// compact moves the pending values into the sorted distinct values.
func (s *sample) compact() {
	v, c := pending(s)
	s.vals, s.cnts = mergeRLE(s.vals, s.cnts, v, c)
	s.tab = countTable{}
	s.blocks = nil
}

// pending returns the pending values of the samples together as sorted
// distinct values with their counts, in new slices, without changing the
// samples.
func pending(ss ...*sample) ([]float64, []int64) {
	var tv []float64
	var tc []int64
	n := 0
	for _, s := range ss {
		v, c := s.tab.sorted()
		tv, tc = mergeRLE(tv, tc, v, c)
		for _, b := range s.blocks {
			n += len(b)
		}
	}
	if n == 0 {
		return tv, tc
	}
	keys := make([]uint64, 0, n)
	for _, s := range ss {
		for _, b := range s.blocks {
			for _, v := range b {
				keys = append(keys, sortKey(v))
			}
		}
	}
	keys = radix.Sort(keys, make([]uint64, n))
	distinct := 1
	for i := 1; i < len(keys); i++ {
		if keys[i] != keys[i-1] {
			distinct++
		}
	}
	vals := make([]float64, 0, distinct)
	cnts := make([]int64, 0, distinct)
	for i := 0; i < len(keys); {
		v := fromSortKey(keys[i])
		j := i + 1
		for j < len(keys) && fromSortKey(keys[j]) == v {
			j++
		}
		vals = append(vals, v)
		cnts = append(cnts, int64(j-i))
		i = j
	}
	return mergeRLE(tv, tc, vals, cnts)
}

// sortKey maps v to a key whose unsigned order is the order of the
// floats (−0 before +0; NaNs, which the statistics reject, at the ends).
func sortKey(v float64) uint64 {
	b := math.Float64bits(v)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// fromSortKey inverts sortKey.
func fromSortKey(k uint64) float64 {
	if k>>63 != 0 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}

// countTable counts values by their bits, in open addressing with linear
// probing. The zero countTable is empty.
type countTable struct {
	keys  []uint64 // sortKey of the value; 0 (a NaN's key) marks an empty slot
	cnts  []int64
	used  int
	total int64
}

// add counts v, or returns false when the table holds maxDistinct
// values and v is not one of them. v must not be NaN.
func (t *countTable) add(v float64) bool {
	k := sortKey(v)
	if t.keys == nil {
		t.keys, t.cnts = make([]uint64, 64), make([]int64, 64)
	}
	mask := uint64(len(t.keys) - 1)
	for i := slot(k, mask); ; i = (i + 1) & mask {
		switch t.keys[i] {
		case k:
			t.cnts[i]++
			t.total++
			return true
		case 0:
			if t.used >= maxDistinct {
				return false
			}
			t.keys[i], t.cnts[i] = k, 1
			t.used++
			t.total++
			if 2*t.used > len(t.keys) {
				t.grow()
			}
			return true
		}
	}
}

// slot returns the home slot of key k in a table of mask + 1 slots: the
// high bits of a Fibonacci hash, which depend on all bits of k (the low
// bits of a whole number's float are all zero).
func slot(k, mask uint64) uint64 {
	return (k * 0x9e3779b97f4a7c15) >> (64 - bits.Len64(mask))
}

// grow doubles the table.
func (t *countTable) grow() {
	keys, cnts := t.keys, t.cnts
	t.keys, t.cnts = make([]uint64, 2*len(keys)), make([]int64, 2*len(keys))
	mask := uint64(len(t.keys) - 1)
	for j, k := range keys {
		if k == 0 {
			continue
		}
		i := slot(k, mask)
		for t.keys[i] != 0 {
			i = (i + 1) & mask
		}
		t.keys[i], t.cnts[i] = k, cnts[j]
	}
}

// sorted returns the table's values, sorted, with their counts; values
// that compare equal (−0 and +0) are one.
func (t *countTable) sorted() ([]float64, []int64) {
	if t.used == 0 {
		return nil, nil
	}
	type entry struct {
		k uint64
		c int64
	}
	es := make([]entry, 0, t.used)
	for i, k := range t.keys {
		if k != 0 {
			es = append(es, entry{k, t.cnts[i]})
		}
	}
	slices.SortFunc(es, func(a, b entry) int {
		switch {
		case a.k < b.k:
			return -1
		case a.k > b.k:
			return 1
		}
		return 0
	})
	vals := make([]float64, 0, len(es))
	cnts := make([]int64, 0, len(es))
	for _, e := range es {
		v := fromSortKey(e.k)
		if n := len(vals); n > 0 && vals[n-1] == v {
			cnts[n-1] += e.c
			continue
		}
		vals, cnts = append(vals, v), append(cnts, e.c)
	}
	return vals, cnts
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

// merge adds the values of o to s; o is not changed. The pending values
// of both are sorted together, then merged with the compacted ones.
func (s *sample) merge(o *sample) {
	pv, pc := pending(s, o)
	s.tab, s.blocks = countTable{}, nil
	v, n := mergeRLE(o.vals, o.cnts, pv, pc)
	if len(pv) == 0 && len(s.vals) == 0 {
		// v is o's own: copy it
		v, n = slices.Clone(v), slices.Clone(n)
	}
	s.vals, s.cnts = mergeRLE(s.vals, s.cnts, v, n)
}

// atEach sets vals[i] to the value at sorted position pos[i], for
// positions in increasing order, in one walk through the sample. s must
// be compacted and non-empty.
func (s *sample) atEach(pos []int64, vals []float64) {
	var cum int64
	j := 0
	for i, c := range s.cnts {
		cum += c
		for j < len(pos) && pos[j] < cum {
			vals[j] = s.vals[i]
			j++
		}
		if j == len(pos) {
			return
		}
	}
	for ; j < len(pos); j++ {
		vals[j] = s.vals[len(s.vals)-1]
	}
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
