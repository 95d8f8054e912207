package salesrow_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A quantity of absolute value MaxUnits is read, of either sign; one
// past it is out of range (the package comment: |quantity| ≤ 10⁹).
func TestParseUnitsBounds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		why  string
	}{
		{"1000000000", salesrow.MaxUnits, ""},
		{"-1000000000", -salesrow.MaxUnits, ""},
		{"1000000001", 0, "out of range (|quantity| ≤ 1e9)"},
		{"-1000000001", 0, "out of range (|quantity| ≤ 1e9)"},
		{"9.999", 0, salesrow.NotInteger + " (1 or 1000, with a thousands separator?)"},
		{"0.990", 0, salesrow.NotInteger + " (1 or 1000, with a thousands separator?)"},
	} {
		n, why := salesrow.ParseUnits(tc.in)
		assert.Equal(t, tc.want, n, "%q", tc.in)
		assert.Equal(t, tc.why, why, "%q", tc.in)
	}
}

// A value is quoted whole up to 56 bytes (40 kept and the 16 that the
// note of its length would take); from 57 on it is cut to 40 with its
// length noted.
func TestErrorQuotesUpTo56Bytes(t *testing.T) {
	v56, v57 := strings.Repeat("y", 56), strings.Repeat("y", 57)
	assert.Equal(t, `sku "`+v56+`": bad`, (&salesrow.FieldError{Column: "sku", Value: v56, HasValue: true, Reason: "bad"}).Error())
	assert.Equal(t, `sku "`+v57[:40]+`"… (57 bytes): bad`, (&salesrow.FieldError{Column: "sku", Value: v57, HasValue: true, Reason: "bad"}).Error())
}
