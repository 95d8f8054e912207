package main

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"
)

// TestAppendNumPlainNotation pins the notation of the numbers crm
// writes: plain from 1e-6 up to 1e21 in magnitude, as encoding/json
// writes them and as the csv format reads amounts, exponent beyond.
func TestAppendNumPlainNotation(t *testing.T) {
	for x, want := range map[float64]string{
		1471292.2428519693:          "1471292.2428519693",
		30.428571428571427:          "30.428571428571427",
		-2.5e6:                      "-2500000",
		0.000012:                    "0.000012",
		1e-6:                        "0.000001",
		9.99e-7:                     "9.99e-07",
		1e20:                        "100000000000000000000",
		1e21:                        "1e+21",
		0:                           "0",
		math.Copysign(0, -1):        "-0",
		math.Inf(1):                 "+Inf",
		math.SmallestNonzeroFloat64: "5e-324",
	} {
		assert.Equal(t, want, num(x), "%v", x)
		assert.Equal(t, want, string(appendNum([]byte("x"), x))[1:], "%v", x)
	}
	assert.Equal(t, "NaN", num(math.NaN()))
}

// TestPropertyAppendNumRoundTrips checks that every finite number is
// written so that it reads back to itself, with no more significant
// digits than the shortest form, and in exponent notation only outside
// [1e-6, 1e21).
func TestPropertyAppendNumRoundTrips(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// any bit pattern, or a number of 1 to 17 digits at a scale
		// around the bounds of plain notation
		x := math.Float64frombits(rapid.Uint64().Draw(t, "bits"))
		if rapid.Bool().Draw(t, "scaled") {
			m := float64(rapid.Int64Range(-1e17, 1e17).Draw(t, "digits"))
			x = m * math.Pow(10, float64(rapid.IntRange(-30, 10).Draw(t, "scale")))
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Skip("not finite")
		}
		s := num(x)
		back, err := strconv.ParseFloat(s, 64)
		if err != nil || back != x {
			t.Fatalf("%v written %q reads back as %v (%v)", x, s, back, err)
		}
		a := math.Abs(x)
		plain := a == 0 || a >= 1e-6 && a < 1e21
		if plain == strings.ContainsRune(s, 'e') {
			t.Fatalf("%v written %q", x, s)
		}
		digits := func(s string) int {
			s, _, _ = strings.Cut(s, "e")
			s = strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(s), "0")
			return len(strings.TrimRight(s, "0"))
		}
		if d, short := digits(s), digits(strconv.FormatFloat(x, 'g', -1, 64)); d > short {
			t.Fatalf("%v written %q with %d digits, shortest has %d", x, s, d, short)
		}
	})
}
