package salesrow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A quantity that does not parse gets the hint on thousands separators
// only when it is what a thousands separator writes: one to three
// digits, then groups of three digits each after a point ("1.234",
// "123.456", "-1.234.567"). A group of another length, a first group of
// none or of four digits, a character other than a digit, or a number
// without a point gets no hint.
func TestParseUnitsThousandsHint(t *testing.T) {
	const hint = salesrow.NotInteger + " (1 or 1000, with a thousands separator?)"
	for _, tc := range []struct{ in, why string }{
		{"1.234", hint},
		{"12.345", hint},
		{"123.456", hint},
		{"-1.234.567", hint},
		{"+123.456", hint},
		{"1234.567", salesrow.NotInteger},
		{".234", salesrow.NotInteger},
		{"-.234", salesrow.NotInteger},
		{"1.2345", salesrow.NotInteger},
		{"1.23", salesrow.NotInteger},
		{"1.23x", salesrow.NotInteger},
		{"1.2a4", salesrow.NotInteger},
		{"1x.234", salesrow.NotInteger},
		{"1.234.56", salesrow.NotInteger},
		{"-+12", salesrow.NotInteger},
		{"12 345", salesrow.NotInteger},
	} {
		n, why := salesrow.ParseUnits(tc.in)
		assert.Equal(t, tc.why, why, "%q", tc.in)
		assert.Zero(t, n, "%q", tc.in)
	}
}

// WholeNumber drops a fraction of one or two zeros only after a digit:
// any other text before the point is returned as it is.
func TestWholeNumberNeedsADigitBeforeThePoint(t *testing.T) {
	for in, want := range map[string]string{
		"12.0":  "12",
		"12.00": "12",
		"-3.0":  "-3",
		"x.0":   "x.0",
		"-.0":   "-.0",
		"+.00":  "+.00",
		":.0":   ":.0",
		"/.0":   "/.0",
		"9.0":   "9",
		"0.0":   "0",
	} {
		assert.Equal(t, want, salesrow.WholeNumber(in), "%q", in)
	}
}
