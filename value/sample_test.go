package value

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/internal/radix"
	"pgregory.net/rapid"
)

// refRLE is the reference of a compacted sample: the values sorted, and
// the runs of equal values with their counts.
func refRLE(vs []float64) ([]float64, []int64) {
	b := slices.Clone(vs)
	slices.Sort(b)
	var vals []float64
	var cnts []int64
	for i := 0; i < len(b); {
		j := i + 1
		for j < len(b) && b[j] == b[i] {
			j++
		}
		vals = append(vals, b[i])
		cnts = append(cnts, int64(j-i))
		i = j
	}
	return vals, cnts
}

// requireSameSample fails unless s, compacted, holds exactly the values
// of want, bit for bit.
func requireSameSample(t require.TestingT, want []float64, s *sample) {
	s.compact()
	wv, wc := refRLE(want)
	require.Equal(t, int64(len(want)), s.n())
	require.Equal(t, len(wv), len(s.vals), "distinct values")
	for i := range wv {
		require.Equal(t, math.Float64bits(wv[i]), math.Float64bits(s.vals[i]), "value %d: %v vs %v", i, wv[i], s.vals[i])
	}
	require.Equal(t, wc, s.cnts)
}

// valueGen draws values with few distinct ones (days, counts), many
// (money), negative ones, and zero of one sign per sample (−0 and +0
// together are one value whose sign the sort picks).
func valueGen(negZero bool) *rapid.Generator[float64] {
	return rapid.Custom(func(t *rapid.T) float64 {
		var v float64
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0:
		case 1:
			v = float64(rapid.IntRange(-5, 40).Draw(t, "small"))
		case 2:
			v = float64(rapid.Int64Range(-1e6, 1e9).Draw(t, "cents")) / 100
		default:
			v = rapid.Float64().Draw(t, "any")
		}
		if v == 0 && negZero {
			return math.Copysign(0, -1)
		} else if v == 0 {
			return 0
		}
		return v
	})
}

// TestSampleMatchesSort checks that adding, compacting and merging give
// the run lengths of the sorted values, whatever the order of the
// operations.
func TestSampleMatchesSort(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		neg := rapid.Bool().Draw(t, "−0")
		var shards [3]sample
		var all [3][]float64
		for range rapid.IntRange(0, 200).Draw(t, "ops") {
			k := rapid.IntRange(0, 2).Draw(t, "shard")
			switch rapid.IntRange(0, 20).Draw(t, "op") {
			case 0:
				shards[k].compact()
			case 1:
				o := rapid.IntRange(0, 2).Draw(t, "other")
				if o == k {
					continue
				}
				before := slices.Clone(all[o])
				shards[k].merge(&shards[o])
				all[k] = append(all[k], all[o]...)
				assert.Equal(t, int64(len(before)), shards[o].n(), "merge changed the other shard")
			default:
				v := valueGen(neg).Draw(t, "v")
				shards[k].add(v)
				all[k] = append(all[k], v)
			}
		}
		for k := range shards {
			requireSameSample(t, all[k], &shards[k])
		}
	})
}

// TestSampleDense adds enough distinct values for the sample to turn
// dense, in several shards merged in two orders.
func TestSampleDense(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	n := 8 * maxDistinct
	draw := func(i int) float64 {
		switch i % 4 {
		case 0:
			return float64(r.IntN(30)) // few distinct
		case 1:
			return -float64(r.IntN(1e8)) / 100
		default:
			return float64(r.IntN(1e9)) / 100
		}
	}
	var a, b, c sample
	var all []float64
	for i := range n {
		v := draw(i)
		all = append(all, v)
		switch i % 3 {
		case 0:
			a.add(v)
		case 1:
			b.add(v)
		default:
			c.add(v)
		}
	}
	assert.True(t, a.dense || b.dense || c.dense, "no sample turned dense")
	ab, ba := a, b
	ab.merge(&c)
	ab.merge(&b)
	ba.merge(&a)
	ba.merge(&c)
	requireSameSample(t, all, &ab)
	requireSameSample(t, all, &ba)
	assert.Equal(t, ab.vals, ba.vals)

	// Shards compacted before they merge, as Stats.Compact leaves them,
	// give the same sample.
	ac, cc := a, c
	before := a.n()
	ac.compact()
	cc.compact()
	assert.Equal(t, before, ac.n(), "values after compact")
	ac.merge(&cc)
	ac.merge(&b)
	requireSameSample(t, all, &ac)
	assert.Equal(t, ab.vals, ac.vals)
	assert.Equal(t, ab.cnts, ac.cnts)
}

// TestSortKeyOrder: sortKey maps floats to keys in their order, and
// fromSortKey inverts it.
func TestSortKeyOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(900, 5000).Draw(t, "n")
		vs := rapid.SliceOfN(valueGen(rapid.Bool().Draw(t, "−0")), n, n).Draw(t, "values")
		keys := make([]uint64, len(vs))
		for i, v := range vs {
			keys[i] = sortKey(v)
			require.Equal(t, math.Float64bits(v), math.Float64bits(fromSortKey(keys[i])))
		}
		got := radix.Sort(keys, make([]uint64, len(keys)))
		want := slices.Clone(keys)
		slices.Sort(want)
		require.Equal(t, want, got)
		for i := 1; i < len(got); i++ {
			require.LessOrEqual(t, fromSortKey(got[i-1]), fromSortKey(got[i]), "keys %d and %d", i-1, i)
		}
	})
}
