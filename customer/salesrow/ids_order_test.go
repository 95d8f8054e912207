package salesrow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// IDs of digits compare by value whatever their leading zeros: "02" is
// 2, after "1", though it comes first byte by byte; of equal values,
// the bytes decide ("007" before "7").
func TestCompareIDsByValueBeforeLeadingZeros(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"02", "1", 1},
		{"1", "02", -1},
		{"0010", "9", 1},
		{"009", "10", -1},
		{"007", "7", -1},
		{"7", "007", 1},
		{"07", "07", 0},
		{"1", "a", -1},
		{"a", "1", 1},
	} {
		assert.Equal(t, tc.want, salesrow.CompareIDs(tc.a, tc.b), "%q, %q", tc.a, tc.b)
	}
}
