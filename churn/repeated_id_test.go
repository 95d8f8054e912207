package churn

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// IDs of one hash are compared themselves: distinct IDs that share a hash
// are taken, and a repeat among a run of three or more equal hashes is
// named with the indices of its first and second occurrence in input
// order, whatever order the hashes sort in.
func TestRepeatedIDHashCollisions(t *testing.T) {
	check := func(ids []string, hash func(string) uint64) error {
		return repeatedID(len(ids), func(i int) string { return ids[i] }, hash)
	}
	for name, hash := range map[string]func(string) uint64{
		"one hash":   func(string) uint64 { return 7 },
		"two hashes": func(id string) uint64 { return uint64(len(id) % 2) },
		"reversed":   func(id string) uint64 { return ^uint64(id[len(id)-1]) & 3 },
	} {
		require.NoError(t, check([]string{"d", "b", "c", "a", "", ""}, hash), name)
		err := check([]string{"d", "b", "", "c", "a", "c", "b", "c"}, hash)
		require.ErrorIs(t, err, ErrInvalidInput, name)
		require.ErrorContains(t, err, `customer "c" at indices 3 and 5`, name)
	}
	// More IDs than a comparison sort takes, out of order: the radix sort.
	ids := make([]string, 5000)
	for i := range ids {
		ids[i] = fmt.Sprint("c", len(ids)-i)
	}
	require.NoError(t, check(ids, nil))
	ids[4321] = ids[17]
	require.ErrorContains(t, check(ids, nil), "indices 17 and 4321")
	require.ErrorContains(t, check(ids, func(id string) uint64 { return uint64(len(id)) }), "indices 17 and 4321")
}
