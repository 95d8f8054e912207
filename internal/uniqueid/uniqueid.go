// Package uniqueid finds an ID listed twice in a population of customers,
// in time and memory that suit a million of them.
package uniqueid

import (
	"hash/maphash"

	"github.com/tailorcrm/tailor/internal/radix"
)

// FirstRepeat returns the positions i < j of the first ID, in the order
// of positions 0 to n−1, that id gives at two of them (j the smallest
// position whose ID an earlier one has, i that earlier one), and false
// when every ID is listed once. The empty ID is not checked.
//
// IDs in strictly increasing order, as callers that sort their customers
// give them, are checked in one pass, without allocating. Others are
// checked by a 64-bit hash of each (hash, or a seeded [maphash] when
// hash is nil), radix-sorted: IDs of distinct hashes are distinct, so
// only when two hashes are equal (a repeated ID, or, with probability
// about n²/2⁶⁵, two IDs of one hash) are the IDs themselves compared, by
// a map, which finds the first repeat. The hashes take 16 bytes an ID, a
// map of the IDs several times that.
func FirstRepeat(n int, id func(int) string, hash func(string) uint64) (i, j int, repeated bool) {
	sorted, prev := true, ""
	for k := range n {
		if s := id(k); s != "" {
			if s <= prev {
				sorted = false
				break
			}
			prev = s
		}
	}
	if sorted {
		return 0, 0, false
	}
	if hash == nil {
		seed := maphash.MakeSeed()
		hash = func(s string) uint64 { return maphash.String(seed, s) }
	}
	hs := make([]uint64, 0, n)
	for k := range n {
		if s := id(k); s != "" {
			hs = append(hs, hash(s))
		}
	}
	hs = radix.Sort(hs, make([]uint64, len(hs)))
	clash := false
	for k := 1; k < len(hs); k++ {
		if hs[k] == hs[k-1] {
			clash = true
			break
		}
	}
	if !clash {
		return 0, 0, false
	}
	seen := make(map[string]int, n)
	for k := range n {
		s := id(k)
		if s == "" {
			continue
		}
		if f, ok := seen[s]; ok {
			return f, k, true
		}
		seen[s] = k
	}
	return 0, 0, false
}
