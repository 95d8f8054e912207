package input

import (
	"encoding/binary"
	"slices"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// smallOrderSet is the number of order hashes a customer keeps in a sorted
// slice before switching to a hash set.
const smallOrderSet = 128

// orderSet holds one customer's order keys, as 64-bit hashes, each
// with the state of its order (salesrow.Order: the day it counts on,
// whether it has a sale row, its net).
type orderSet struct {
	small []uint64 // sorted, while len ≤ smallOrderSet
	days  []salesrow.Order
	big   map[uint64]salesrow.Order
}

// get returns the state of order key h: the zero Order when h is not in
// the set.
func (s *orderSet) get(h uint64) salesrow.Order {
	if s.big != nil {
		return s.big[h]
	}
	if i, ok := slices.BinarySearch(s.small, h); ok {
		return s.days[i]
	}
	return salesrow.Order{}
}

// set sets the state of order key h to d, adding h.
func (s *orderSet) set(h uint64, d salesrow.Order) {
	if s.big != nil {
		s.big[h] = d
		return
	}
	i, ok := slices.BinarySearch(s.small, h)
	if ok {
		s.days[i] = d
		return
	}
	if len(s.small) < smallOrderSet {
		s.small = slices.Insert(s.small, i, h)
		s.days = slices.Insert(s.days, i, d)
		return
	}
	s.big = make(map[uint64]salesrow.Order, 2*smallOrderSet)
	for j, x := range s.small {
		s.big[x] = s.days[j]
	}
	s.big[h] = d
	s.small, s.days = nil, nil
}

func (s *orderSet) len() int {
	if s.big != nil {
		return len(s.big)
	}
	return len(s.small)
}

// Seeds of the two kinds of order key, so that a day never meets an
// order ID.
const (
	orderSeed = 0x9e3779b97f4a7c15
	daySeed   = 0x6a09e667f3bcc909
)

// mix64 is the finaliser of MurmurHash3 (A. Appleby, MurmurHash3.cpp,
// fmix64): a bijection of 64-bit words in which every input bit changes
// every output bit with probability near ½.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// orderKey returns a 64-bit hash of an order key: the order ID when
// there is one, else the day (from another seed, so that the two kinds
// of key meet only by a chance of 2⁻⁶⁴). The ID is read eight bytes at a
// time, its length first, each word folded in by mix64; a tail shorter
// than a word is read as the last eight bytes of the ID when it has that
// many.
func orderKey(orderID string, d customer.Date) uint64 {
	if orderID == "" {
		return mix64(daySeed ^ uint64(uint32(d)))
	}
	s := orderID
	h := mix64(orderSeed ^ uint64(len(s)))
	for len(s) >= 8 {
		h = mix64(h ^ binary.LittleEndian.Uint64([]byte(s[:8])))
		s = s[8:]
	}
	switch {
	case len(s) == 0:
	case len(orderID) >= 8:
		h = mix64(h ^ binary.LittleEndian.Uint64([]byte(orderID[len(orderID)-8:])))
	default:
		var w uint64
		for i := len(s) - 1; i >= 0; i-- {
			w = w<<8 | uint64(s[i])
		}
		h = mix64(h ^ w)
	}
	return h
}
