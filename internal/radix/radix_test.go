package radix

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestSort(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		keys := rapid.SliceOfN(rapid.Uint64(), 0, 5000).Draw(t, "keys")
		want := slices.Clone(keys)
		slices.Sort(want)
		require.Equal(t, want, Sort(keys, make([]uint64, len(keys))))
	})
}

// TestSortSharedDigits sorts keys that share their high digits and
// differ in the low ones, where a digit pass skipped or done wrong shows.
func TestSortSharedDigits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1024, 4000).Draw(t, "n")
		shift := uint(rapid.IntRange(0, 60).Draw(t, "shift"))
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = rapid.Uint64Range(0, 3).Draw(t, "hi")<<62 | rapid.Uint64().Draw(t, "lo")>>shift
		}
		want := slices.Clone(keys)
		slices.Sort(want)
		require.Equal(t, want, Sort(keys, make([]uint64, n)))
	})
}

// TestSortFromIsStable packs an index below the compared bits: the
// result is sorted by key, and the indices of one key are in the order
// they came in.
func TestSortFromIsStable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 1023).Draw(t, "n")
		if rapid.Bool().Draw(t, "radix") {
			n = rapid.IntRange(1024, 5000).Draw(t, "n")
		}
		from := uint(rapid.IntRange(13, 40).Draw(t, "from"))
		few := rapid.Uint64Range(1, 1<<(64-from)-1).Draw(t, "distinct keys")
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = rapid.Uint64Range(0, few).Draw(t, "key")<<from | uint64(i)
		}
		want := slices.Clone(keys)
		slices.SortStableFunc(want, func(a, b uint64) int {
			switch {
			case a>>from < b>>from:
				return -1
			case a>>from > b>>from:
				return 1
			}
			return 0
		})
		require.Equal(t, want, SortFrom(keys, make([]uint64, n), from))
	})
}

func BenchmarkSortFrom1M(b *testing.B) {
	const n = 1 << 20
	keys, tmp := make([]uint64, n), make([]uint64, n)
	seed := uint64(1)
	for b.Loop() {
		b.StopTimer()
		for i := range keys {
			seed = seed*6364136223846793005 + 1442695040888963407
			keys[i] = (seed>>40)<<21 | uint64(i)
		}
		b.StartTimer()
		SortFrom(keys, tmp, 21)
	}
}
