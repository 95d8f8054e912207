package loyalty

import (
	"fmt"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestPmapModel checks the persistent map against a Go map, and that
// every earlier version still reads as it did.
func TestPmapModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var m pmap[int]
		model := map[string]int{}
		type version struct {
			m     pmap[int]
			model map[string]int
		}
		var versions []version
		n := rapid.IntRange(0, 300).Draw(t, "n")
		for i := range n {
			k := fmt.Sprint("k", rapid.IntRange(0, 120).Draw(t, "key"))
			m = m.set(k, i)
			model[k] = i
			if i%17 == 0 {
				snap := map[string]int{}
				for kk, v := range model {
					snap[kk] = v
				}
				versions = append(versions, version{m, snap})
			}
		}
		versions = append(versions, version{m, model})
		for _, v := range versions {
			require.Equal(t, len(v.model), v.m.Len())
			for k := range 121 {
				key := fmt.Sprint("k", k)
				got, ok := v.m.get(key)
				want, wok := v.model[key]
				require.Equal(t, wok, ok, key)
				require.Equal(t, want, got, key)
			}
		}
	})
}

// TestPmapCollisions forces every key into one hash bucket path.
func TestPmapCollisions(t *testing.T) {
	var n *pnode[int]
	for i := range 40 {
		var added bool
		n, added = pset(n, pitem[int]{h: 7, key: fmt.Sprint(i), val: i}, 0)
		require.True(t, added)
	}
	m := pmap[int]{root: n, n: 40}
	assert.Equal(t, 40, m.Len())
	for i := range 40 {
		got, ok := m.lookup(7, fmt.Sprint(i))
		require.True(t, ok, i)
		assert.Equal(t, i, got)
	}
	_, ok := m.lookup(7, "absent")
	assert.False(t, ok)
	_, ok = m.lookup(8, "0")
	assert.False(t, ok)
	// Every item is still reachable by a full walk.
	var count func(*pnode[int]) int
	count = func(x *pnode[int]) int {
		if x == nil {
			return 0
		}
		if x.kids == nil {
			return len(x.items)
		}
		s := 0
		for _, c := range x.kids {
			s += count(c)
		}
		return s
	}
	assert.Equal(t, 40, count(n))
}

func TestInt128(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		xs := rapid.SliceOfN(rapid.Int64(), 0, 40).Draw(t, "xs")
		var s int128
		want := new(big.Int)
		for i, x := range xs {
			if i%3 == 2 {
				s = s.sub(i128(x))
				want.Sub(want, big.NewInt(x))
			} else {
				s = s.add(i128(x))
				want.Add(want, big.NewInt(x))
			}
		}
		require.Equal(t, want.String(), s.decimal().String())
	})
	big2 := i128(math.MaxInt64).add(i128(math.MaxInt64)).add(i128(2))
	assert.Equal(t, "18446744073709551616", big2.decimal().String())
}

// naiveQualifying is the definition: the sum over orders in (from, t].
func naiveQualifying(orders map[string]*orderRecord, from, t time.Time, points bool) decimal.Decimal {
	sum := decimal.Zero
	for _, o := range orders {
		if !o.time.After(from) || o.time.After(t) {
			continue
		}
		if points {
			sum = sum.Add(decimal.NewFromInt(int64(o.qual)))
		} else {
			sum = sum.Add(o.spend.Sub(o.returned))
		}
	}
	return sum
}

// TestQualifyingTreap checks the treap's window sums against a scan of
// every order, through inserts and updates (returns), on every version.
func TestQualifyingTreap(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		var root *qnode
		orders := map[string]*orderRecord{}
		type version struct {
			root   *qnode
			orders map[string]*orderRecord
		}
		var versions []version
		n := rapid.IntRange(0, 80).Draw(t, "n")
		for i := range n {
			if len(orders) > 0 && rapid.IntRange(0, 3).Draw(t, "op") == 0 {
				id := fmt.Sprint("O", rapid.IntRange(0, len(orders)-1).Draw(t, "ret"))
				o := *orders[id]
				o.returned = o.returned.Add(decimal.New(rapid.Int64Range(0, 5000).Draw(t, "r"), -2))
				o.qual -= Points(rapid.Int64Range(0, 100).Draw(t, "q"))
				orders[id] = &o
				root = qupdate(root, o.time, o.id, o.spend.Sub(o.returned), o.qual)
			} else {
				id := fmt.Sprint("O", len(orders))
				o := &orderRecord{id: id, time: base.Add(time.Duration(rapid.IntRange(0, 400).Draw(t, "day")) * 24 * time.Hour),
					spend: decimal.New(rapid.Int64Range(0, 100000).Draw(t, "s"), -int32(rapid.IntRange(0, 3).Draw(t, "exp"))),
					qual:  Points(rapid.Int64Range(0, math.MaxInt64).Draw(t, "qual"))}
				orders[id] = o
				root = qinsert(root, o.time, o.id, o.spend, o.qual)
			}
			if i%7 == 0 {
				snap := map[string]*orderRecord{}
				for k, v := range orders {
					snap[k] = v
				}
				versions = append(versions, version{root, snap})
			}
		}
		versions = append(versions, version{root, orders})
		for _, v := range versions {
			for range 5 {
				at := base.Add(time.Duration(rapid.IntRange(-10, 420).Draw(t, "at")) * 24 * time.Hour)
				from := at.AddDate(0, -rapid.IntRange(1, 12).Draw(t, "months"), 0)
				upto, _ := qspend(v.root, at)
				before, _ := qspend(v.root, from)
				gotS := upto.Sub(before)
				wantS := naiveQualifying(v.orders, from, at, false)
				require.True(t, wantS.Equal(gotS), "spend %s, want %s", gotS, wantS)
				gotP := qpoints(v.root, at).sub(qpoints(v.root, from)).decimal()
				wantP := naiveQualifying(v.orders, from, at, true)
				require.True(t, wantP.Equal(gotP), "points %s, want %s", gotP, wantP)
			}
		}
	})
}

// TestTierMinRescaled checks that the kept tier minimums equal the
// configured ones at every exponent they are used with.
func TestTierMinRescaled(t *testing.T) {
	for _, min := range []string{"0", "500", "1000.5", "1.25", "1E+3", "0.000001"} {
		c := Config{Currency: "EUR"}
		c.Tiers.Levels = []TierLevel{{Name: "a", Multiplier: decimal.NewFromInt(1)}, {Name: "b", Min: decimal.RequireFromString(min), Multiplier: decimal.NewFromInt(1)}}
		p := newProgramme(c)
		for e := int32(-20); e <= 5; e++ {
			got := p.tierMin(1, e)
			require.True(t, got.Equal(c.Tiers.Levels[1].Min), "min %s at exponent %d: %s", min, e, got)
			if e <= 0 && e >= -minScales && e <= c.Tiers.Levels[1].Min.Exponent() {
				require.Equal(t, e, got.Exponent(), "min %s", min)
			}
		}
	}
}
