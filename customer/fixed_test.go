package customer

import (
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// refToFixed is toFixed as it was written with decimal.Decimal.NumDigits:
// the reference that the comparison with a bound must agree with.
func refToFixed(d decimal.Decimal) (int64, bool) {
	if d.Sign() == 0 {
		return 0, true
	}
	e := int(d.Exponent()) + fixScale
	if e < 0 || e >= len(pow10) || d.NumDigits() > 15 {
		return 0, false
	}
	c := d.CoefficientInt64()
	if c > fixMax/pow10[e] || c < -fixMax/pow10[e] {
		return 0, false
	}
	return c * pow10[e], true
}

// TestPropToFixedMatchesReference: toFixed accepts exactly the decimals
// the NumDigits version accepted, with the same value, around the bounds
// of every exponent and for coefficients beyond an int64.
func TestPropToFixedMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		exp := int32(rapid.IntRange(-8, 14).Draw(t, "exponent"))
		var c *big.Int
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0: // near the bound of this exponent
			k := int64(fixScale) - int64(exp) + 8
			bound := new(big.Int).Exp(big.NewInt(10), big.NewInt(max(k, 0)), nil)
			c = bound.Add(bound, big.NewInt(int64(rapid.IntRange(-2, 2).Draw(t, "delta"))))
		case 1:
			c = big.NewInt(rapid.Int64().Draw(t, "int64"))
		case 2: // beyond an int64
			c = new(big.Int).Lsh(big.NewInt(rapid.Int64Range(1, 1<<40).Draw(t, "high")), 64)
			c.Add(c, big.NewInt(rapid.Int64Range(0, 1000).Draw(t, "low")))
		default:
			c = big.NewInt(rapid.Int64Range(-1e9, 1e9).Draw(t, "small"))
		}
		if rapid.Bool().Draw(t, "negative") {
			c.Neg(c)
		}
		x := decimal.NewFromBigInt(c, exp)
		want, wantOK := refToFixed(x)
		got, gotOK := toFixed(x)
		require.Equal(t, wantOK, gotOK, "%s", x)
		require.Equal(t, want, got, "%s", x)
	})
}
