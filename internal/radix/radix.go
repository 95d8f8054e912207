// Package radix sorts unsigned 64-bit keys by least-significant-digit
// radix sort, in time linear in the number of keys: the sort of choice
// for the millions of packed keys of a population (float values mapped
// to order-preserving bits, or several small integers packed into one
// word).
package radix

import "slices"

// digit is the width of a digit in bits: 2¹¹ counters fit the L1 cache,
// and six passes cover a word.
const (
	digit   = 11
	buckets = 1 << digit
	passes  = (64 + digit - 1) / digit
)

// Sort sorts keys in increasing order, using tmp (of the same length) as
// scratch, and returns whichever of the two holds the result. Digits that
// all keys share cost no pass.
func Sort(keys, tmp []uint64) []uint64 { return SortFrom(keys, tmp, 0) }

// SortFrom sorts keys by their bits from bit from up (the lower bits are
// not compared), stably: keys equal in the compared bits keep their
// order. It uses tmp (of the same length) as scratch and returns
// whichever of the two holds the result. With an index packed into the
// low from bits, it sorts the records by key and leaves the records of
// one key in index order. from must be below 64.
func SortFrom(keys, tmp []uint64, from uint) []uint64 {
	if len(keys) < 1024 {
		// fewer keys than the counters: a comparison sort is cheaper
		slices.SortStableFunc(keys, func(a, b uint64) int {
			a, b = a>>from, b>>from
			switch {
			case a < b:
				return -1
			case a > b:
				return 1
			}
			return 0
		})
		return keys
	}
	var count [passes][buckets]int
	np := (64 - int(from) + digit - 1) / digit
	for _, k := range keys {
		k >>= from
		for p := range np {
			count[p][(k>>(p*digit))&(buckets-1)]++
		}
	}
	src, dst := keys, tmp[:len(keys)]
	for p := range np {
		c := &count[p]
		shift := from + uint(p*digit)
		if c[(src[0]>>shift)&(buckets-1)] == len(src) {
			continue
		}
		sum := 0
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, k := range src {
			d := (k >> shift) & (buckets - 1)
			dst[c[d]] = k
			c[d]++
		}
		src, dst = dst, src
	}
	return src
}
