package value

import (
	"math"
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
