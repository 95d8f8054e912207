package uniqueid

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"
)

// FirstRepeat agrees with a map over the IDs in input order, whatever
// the hash: distinct IDs of one hash are not a repeat, and a repeat among
// many equal hashes is found at its first two positions.
func TestFirstRepeatMatchesAMap(t *testing.T) {
	hashes := map[string]func(string) uint64{
		"seeded": nil,
		"one":    func(string) uint64 { return 7 },
		"two":    func(s string) uint64 { return uint64(len(s) % 2) },
	}
	for name, hash := range hashes {
		t.Run(name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				ids := rapid.SliceOf(rapid.SampledFrom([]string{"", "a", "b", "c", "dd", "ee", "fff"})).Draw(t, "ids")
				if rapid.Bool().Draw(t, "many") {
					for k := range rapid.IntRange(0, 3000).Draw(t, "n") {
						ids = append(ids, fmt.Sprint("x", k))
					}
					if rapid.Bool().Draw(t, "repeat late") && len(ids) > 1 {
						ids = append(ids, ids[len(ids)-2])
					}
				}
				wi, wj, wok := 0, 0, false
				seen := map[string]int{}
				for k, s := range ids {
					if s == "" {
						continue
					}
					if f, ok := seen[s]; ok {
						wi, wj, wok = f, k, true
						break
					}
					seen[s] = k
				}
				i, j, ok := FirstRepeat(len(ids), func(k int) string { return ids[k] }, hash)
				assert.Equal(t, wok, ok, "%q", ids)
				assert.Equal(t, wi, i)
				assert.Equal(t, wj, j)
			})
		})
	}
}

// IDs in increasing order are checked without allocating.
func TestFirstRepeatSortedAllocatesNothing(t *testing.T) {
	ids := []string{"a", "", "b", "c"}
	allocs := testing.AllocsPerRun(10, func() {
		if _, _, ok := FirstRepeat(len(ids), func(k int) string { return ids[k] }, nil); ok {
			t.Fatal("no repeat")
		}
	})
	assert.Zero(t, allocs)
}
