package value

import (
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/internal/decimalgen"
	"pgregory.net/rapid"
)

// TestFloatIsNearest checks Float against the exact conversion, bit for
// bit.
func TestFloatIsNearest(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := decimalgen.Amount().Draw(t, "d")
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
			d := decimalgen.Amount().Draw(t, "d")
			sign := int64(rapid.SampledFrom([]int{-1, 1}).Draw(t, "sign"))
			a.add(d, sign)
			want = want.Add(d.Mul(decimal.NewFromInt(sign)))
		}
		assert.Equal(t, math.Float64bits(want.InexactFloat64()), math.Float64bits(a.float()), "%s", want)
	})
}

// TestFloatIsNearestAtEveryExponent checks Float, exactSum.float and
// exactSum.quo against the exact conversion, bit for bit, at every
// exponent of the fast paths' table of powers of ten (−22 … 22) and one
// beyond each end, for coefficients on both sides of 2⁵³, where float64
// stops holding integers exactly: each entry of the table and each bound
// of the fast paths is used. Money has 2 decimals most often, so a
// random draw rarely meets the other exponents.
func TestFloatIsNearestAtEveryExponent(t *testing.T) {
	var coefs []int64
	for _, c := range []int64{1, 7, 123456789, exact53 - 1, exact53, exact53 + 1, exact53 + 3, 2*exact53 - 1, limit - 1} {
		coefs = append(coefs, c, -c)
	}
	for c := int64(exact53 + 5); c < exact53+200; c += 2 {
		coefs = append(coefs, c)
	}
	for e := int32(-23); e <= 23; e++ {
		for _, c := range coefs {
			d := decimal.New(c, e)
			want, _ := d.Rat().Float64()
			assert.Equal(t, math.Float64bits(want), math.Float64bits(Float(d)), "Float(%de%d)", c, e)
			var a exactSum
			a.add(d, 1)
			assert.Equal(t, math.Float64bits(want), math.Float64bits(a.float()), "exactSum(%de%d).float()", c, e)
			for _, n := range []int64{1, 3, 10} {
				q, _ := new(big.Rat).Quo(d.Rat(), big.NewRat(n, 1)).Float64()
				assert.Equal(t, math.Float64bits(q), math.Float64bits(a.quo(n)), "exactSum(%de%d).quo(%d)", c, e, n)
			}
		}
	}
}
