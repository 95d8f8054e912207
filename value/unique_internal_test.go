package value

import (
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
	pop := func(ids ...customer.ID) []Indicators {
		out := make([]Indicators, len(ids))
		for i, id := range ids {
			out[i].ID = id
		}
		return out
	}
	for name, hash := range map[string]func(customer.ID) uint64{
		"one hash":   func(customer.ID) uint64 { return 7 },
		"two hashes": func(id customer.ID) uint64 { return uint64(len(id) % 2) },
		"reversed":   func(id customer.ID) uint64 { return ^uint64(id[len(id)-1]) & 3 },
	} {
		require.NoError(t, unique(pop("d", "b", "c", "a", "", ""), hash), name)
		err := unique(pop("d", "b", "", "c", "a", "c", "b", "c"), hash)
		var ie *InputError
		require.ErrorAs(t, err, &ie, name)
		assert.Equal(t, customer.ID("c"), ie.Customer, name)
		assert.Contains(t, err.Error(), "positions 3 and 5", name)
	}
	// More IDs than a comparison sort takes, out of order: the radix sort.
	ids := make([]customer.ID, 5000)
	for i := range ids {
		ids[i] = customer.ID(fmt.Sprint("c", len(ids)-i))
	}
	require.NoError(t, unique(pop(ids...), nil))
	ids[4321] = ids[17]
	err := unique(pop(ids...), nil)
	require.ErrorContains(t, err, "positions 17 and 4321")
	require.ErrorContains(t, unique(pop(ids...), func(id customer.ID) uint64 { return uint64(len(id)) }), "positions 17 and 4321")
}
