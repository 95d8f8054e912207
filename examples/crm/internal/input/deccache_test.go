package input

import (
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestDecCacheGivesTheDecimalOfEveryValue(t *testing.T) {
	var c decCache
	values := []int64{0, 1, -1, 100, -100, 12345, 739500, -739500, 100 * (decCents - 1), -100 * (decCents - 1),
		100 * decCents, -100 * decCents, 100*decCents + 100, 1 << 62, -1 << 62, 99, 101}
	for _, v := range values {
		for range 2 { // a miss, then a hit
			got := c.dec(v)
			require.True(t, got.Equal(decimal.New(v, -fixScale)), "%d: %s", v, got)
			require.Equal(t, int32(-fixScale), got.Exponent(), "%d", v)
		}
	}
	var none *decCache
	require.Equal(t, "1.2345", none.dec(12345).String())
}

func TestDecCacheProperties(t *testing.T) {
	var c decCache
	rapid.Check(t, func(rt *rapid.T) {
		v := rapid.OneOf(rapid.Int64Range(-200*decCents, 200*decCents), rapid.Map(rapid.Int64(), func(x int64) int64 { return x / 100 * 100 })).Draw(rt, "v")
		a, b := c.dec(v), c.dec(v)
		want := decimal.New(v, -fixScale)
		if !a.Equal(want) || !b.Equal(want) || a.Exponent() != -fixScale {
			rt.Fatalf("dec(%d) = %s, %s", v, a, b)
		}
		// Arithmetic on a shared decimal leaves it alone.
		_ = a.Add(b).Neg().Mul(want).Round(2)
		if !c.dec(v).Equal(want) {
			rt.Fatalf("dec(%d) changed", v)
		}
	})
}

func TestDecCacheConcurrentUse(t *testing.T) {
	var c decCache
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range int64(5000) {
				v := (i*7919 + int64(g)) % 20000 * 100
				if d := c.dec(v); !d.Equal(decimal.New(v, -fixScale)) {
					t.Errorf("dec(%d) = %s", v, d)
					return
				}
			}
		}()
	}
	wg.Wait()
}
