// Package decimalgen draws decimal amounts for property tests: every kind
// of value that the fixed-point fast paths of the library must tell apart
// from general decimal arithmetic, so that a test comparing a fast path
// with the plain computation meets each of them.
package decimalgen

import (
	"math/big"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Amount draws the zero Decimal, zeros of other exponents, ordinary prices
// with 0–4 decimals (most often), coefficients of the whole int64 range
// with exponents from −30 to +30, coefficients within 3 of ±2⁵³ and ±2⁶²
// (where float64 and int64 fast paths give way), and coefficients of 19
// to 40 digits, beyond int64.
func Amount() *rapid.Generator[decimal.Decimal] {
	return rapid.Custom(func(t *rapid.T) decimal.Decimal {
		switch rapid.IntRange(0, 7).Draw(t, "kind") {
		case 0:
			return decimal.Decimal{}
		case 1:
			return decimal.New(0, int32(rapid.IntRange(-8, 3).Draw(t, "zero exp")))
		case 2, 3, 4:
			return decimal.New(rapid.Int64Range(-5_000_000, 50_000_000).Draw(t, "cents"), int32(-rapid.IntRange(0, 4).Draw(t, "decimals")))
		case 5:
			return decimal.New(rapid.Int64().Draw(t, "coef"), int32(rapid.IntRange(-30, 30).Draw(t, "exp")))
		case 6:
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
