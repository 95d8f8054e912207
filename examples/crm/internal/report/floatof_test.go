package report

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestFloatOfIsInexactFloat64 checks the fast conversion of the spend
// histogram against decimal's own, on amounts of every scale, the
// halfway cases of float64 included, and on coefficients too long for
// the fast path.
func TestFloatOfIsInexactFloat64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(d decimal.Decimal) {
		t.Helper()
		if got, want := floatOf(d), d.InexactFloat64(); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("floatOf(%s) = %v (%#x), want %v (%#x)", d, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
	for _, d := range []decimal.Decimal{
		{}, decimal.New(0, -4), decimal.New(-1, -4), decimal.New(1, 0),
		decimal.New(1<<53, 0), decimal.New(1<<53+1, -3), decimal.New(999999999999999, -22),
		decimal.New(-999999999999999, 22), decimal.New(5, -23), decimal.New(7, 23),
		decimal.RequireFromString("123456789012345678901234567890.1234"),
	} {
		check(d)
	}
	for range 200000 {
		var c int64
		switch r.IntN(3) {
		case 0:
			c = r.Int64N(1e7) - 5e6 // everyday amounts
		case 1:
			c = r.Int64N(1<<53) - 1<<52
		default:
			c = r.Int64N(1e15)
		}
		check(decimal.New(c, int32(r.IntN(47)-23)))
	}
}
