package rowhint

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The edges of the amount hints (Amount): the shortest amounts
// in parentheses or with a trailing minus, each separator numberish
// takes (a no-break space and an apostrophe among them), and a sign
// after a space inside the parentheses. A reason other than "not a
// decimal number" is kept as it is.
func TestAmountHintEdges(t *testing.T) {
	for _, tc := range []struct{ value, hint string }{
		{"5-", hintTrailing},
		{"-", ""},
		{"--", ""},
		{"(5)", hintParen},
		{"()", ""},
		{"(-)", ""},
		{"( -10.50)", hintParen},
		{"1\u00a0234,50", hintComma},
		{"1'234.50", hintComma},
		{"1.234.567", hintComma},
		{"12", ""},
	} {
		want := notDecimal
		if tc.hint != "" {
			want += "; " + tc.hint
		}
		assert.Equal(t, want, Amount(notDecimal, tc.value), "%q", tc.value)
	}
	assert.Equal(t, "empty", Amount("empty", "(5)"))
}
