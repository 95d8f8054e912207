package input

import (
	"slices"

	"github.com/tailorcrm/tailor/customer"
)

// smallOrderSet is the number of order hashes a customer keeps in a sorted
// slice before switching to a hash set.
const smallOrderSet = 128

// orderSet is the set of one customer's order keys, as 64-bit hashes.
type orderSet struct {
	small []uint64 // sorted, while len ≤ smallOrderSet
	big   map[uint64]struct{}
}

func (s *orderSet) contains(h uint64) bool {
	if s.big != nil {
		_, ok := s.big[h]
		return ok
	}
	_, ok := slices.BinarySearch(s.small, h)
	return ok
}

func (s *orderSet) insert(h uint64) {
	if s.big != nil {
		s.big[h] = struct{}{}
		return
	}
	i, ok := slices.BinarySearch(s.small, h)
	if ok {
		return
	}
	if len(s.small) < smallOrderSet {
		s.small = slices.Insert(s.small, i, h)
		return
	}
	s.big = make(map[uint64]struct{}, 2*smallOrderSet)
	for _, x := range s.small {
		s.big[x] = struct{}{}
	}
	s.big[h] = struct{}{}
	s.small = nil
}

func (s *orderSet) len() int {
	if s.big != nil {
		return len(s.big)
	}
	return len(s.small)
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// orderKey returns the FNV-1a hash of an order key: the order ID when
// there is one, else the day (tagged so that the two kinds of key never
// meet).
func orderKey(orderID string, d customer.Date) uint64 {
	h := uint64(fnvOffset)
	if orderID == "" {
		h ^= 0xff
		h *= fnvPrime
		for i := 0; i < 4; i++ {
			h ^= uint64(byte(uint32(d) >> (8 * i)))
			h *= fnvPrime
		}
		return h
	}
	h ^= 'o'
	h *= fnvPrime
	for i := 0; i < len(orderID); i++ {
		h ^= uint64(orderID[i])
		h *= fnvPrime
	}
	return h
}
