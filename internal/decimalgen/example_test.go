package decimalgen_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/internal/decimalgen"
)

// A property test draws amounts with Amount().Draw(t, "name"); outside
// one, Example gives the amount of a seed.
func Example() {
	for seed := range 3 {
		d := decimalgen.Amount().Example(seed)
		fmt.Println(d.Add(decimal.Zero).Equal(d))
	}
	// Output:
	// true
	// true
	// true
}

// Every kind of amount is drawn: zero, prices, and coefficients beyond
// int64. The amounts are those of fixed seeds, so that the test does not
// depend on how many runs rapid makes (fewer under -short).
func TestAmountDrawsEveryKind(t *testing.T) {
	var zero, price, huge bool
	gen := decimalgen.Amount()
	for seed := range 1000 {
		d := gen.Example(seed)
		switch {
		case d.IsZero():
			zero = true
		case d.NumDigits() > 19:
			huge = true
		case d.Exponent() >= -4 && d.Exponent() <= 0 && d.Abs().LessThan(decimal.NewFromInt(50_000_000)):
			price = true
		}
	}
	if !zero || !price || !huge {
		t.Fatalf("zero %v, price %v, beyond int64 %v", zero, price, huge)
	}
}
