package segment

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

// IDs of one hash are compared themselves: distinct IDs that share a hash
// are taken, and a repeat among a run of three or more equal hashes is
// named with the positions of its first and second occurrence in input
// order, whatever order the hashes sort in.
func TestUniqueHashCollisions(t *testing.T) {
	check := func(ids []customer.ID, hash func(customer.ID) uint64) error {
		return unique(len(ids), func(i int) customer.ID { return ids[i] }, hash)
	}
	for name, hash := range map[string]func(customer.ID) uint64{
		"one hash":   func(customer.ID) uint64 { return 7 },
		"two hashes": func(id customer.ID) uint64 { return uint64(len(id) % 2) },
		"reversed":   func(id customer.ID) uint64 { return ^uint64(id[len(id)-1]) & 3 },
	} {
		require.NoError(t, check([]customer.ID{"d", "b", "c", "a", "", ""}, hash), name)
		err := check([]customer.ID{"d", "b", "", "c", "a", "c", "b", "c"}, hash)
		require.True(t, errors.Is(err, ErrDuplicate), name)
		assert.ErrorContains(t, err, `customer "c" at positions 3 and 5`, name)
	}
	// More IDs than a comparison sort takes, out of order: the radix sort.
	ids := make([]customer.ID, 5000)
	for i := range ids {
		ids[i] = customer.ID(fmt.Sprint("c", len(ids)-i))
	}
	require.NoError(t, check(ids, nil))
	ids[4321] = ids[17]
	require.ErrorContains(t, check(ids, nil), "positions 17 and 4321")
	require.ErrorContains(t, check(ids, func(id customer.ID) uint64 { return uint64(len(id)) }), "positions 17 and 4321")
}
