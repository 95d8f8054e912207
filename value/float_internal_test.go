package value

import (
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"
)

// decGen draws amounts of every kind the fast paths must tell apart: the
// zero Decimal, zeros of other exponents, ordinary prices, exponents from
// −30 to +30, negatives, coefficients around 2⁵³ and 2⁶², and beyond
// int64.
func decGen() *rapid.Generator[decimal.Decimal] {
	return rapid.Custom(func(t *rapid.T) decimal.Decimal {
		switch rapid.IntRange(0, 6).Draw(t, "kind") {
		case 0:
			return decimal.Decimal{}
		case 1:
			return decimal.New(0, int32(rapid.IntRange(-8, 3).Draw(t, "zero exp")))
		case 2:
			return decimal.New(rapid.Int64Range(-5_000_000, 50_000_000).Draw(t, "cents"), int32(-rapid.IntRange(0, 4).Draw(t, "decimals")))
		case 3:
			return decimal.New(rapid.Int64().Draw(t, "coef"), int32(rapid.IntRange(-30, 30).Draw(t, "exp")))
		case 4, 5:
			c := new(big.Int).Lsh(big.NewInt(1), uint(rapid.SampledFrom([]int{53, 62}).Draw(t, "bits")))
			c.Add(c, big.NewInt(rapid.Int64Range(-3, 3).Draw(t, "off")))
			if rapid.Bool().Draw(t, "neg") {
				c.Neg(c)
			}
			return decimal.NewFromBigInt(c, int32(rapid.IntRange(-24, 24).Draw(t, "exp")))
		default:
			c, _ := new(big.Int).SetString(rapid.StringMatching(`[1-9][0-9]{18,39}`).Draw(t, "digits"), 10)
			if rapid.Bool().Draw(t, "neg") {
				c.Neg(c)
			}
			return decimal.NewFromBigInt(c, int32(rapid.IntRange(-25, 5).Draw(t, "exp")))
		}
	})
}

// TestFloatIsNearest checks Float against the exact conversion, bit for
// bit.
func TestFloatIsNearest(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := decGen().Draw(t, "d")
		assert.Equal(t, math.Float64bits(d.InexactFloat64()), math.Float64bits(Float(d)), "%s", d)
		if c, e, ok := small(d); ok {
			assert.True(t, decimal.New(c, e).Equal(d), "small(%s) = %d e%d", d, c, e)
		}
	})
}

// TestExactSumIsNearest checks that exactSum gives the float64 nearest
// to the exact decimal sum, whichever path the terms take.
func TestExactSumIsNearest(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var a exactSum
		want := decimal.Zero
		for range rapid.IntRange(0, 12).Draw(t, "terms") {
			d := decGen().Draw(t, "d")
			sign := int64(rapid.SampledFrom([]int{-1, 1}).Draw(t, "sign"))
			a.add(d, sign)
			want = want.Add(d.Mul(decimal.NewFromInt(sign)))
		}
		assert.Equal(t, math.Float64bits(want.InexactFloat64()), math.Float64bits(a.float()), "%s", want)
	})
}
