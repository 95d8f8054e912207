package customer

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPhoneSeparatorsBetweenDigits: ValidPhone allows spaces, dashes or
// dots between groups of digits and a pair of brackets around a group of
// digits, as its doc says; a separator at either end, or a bracket that
// is not closed, not opened or next to a separator inside it, is no
// telephone number.
func TestPhoneSeparatorsBetweenDigits(t *testing.T) {
	for _, s := range []string{"+420 601 123 456", "030-1234567", "(030) 123 4567", "601.123.456",
		"+49 (0)30 1234567", "030-(1234)567", "(030)1234567", "+(49) 30 1234567", "+39 02 1234 5678",
		"+49  30 1234567", "030 - 1234567", "030 -1234567", "030--1234567"} {
		assert.True(t, ValidPhone(s), "phone %q", s)
	}
	for _, s := range []string{"601.123.456.", "12 34 56-", " 0301234567",
		"0301234567 ", "030)1234567", "(030 1234567", "((030)) 1234567", "(030)(123)4567", "030 () 1234567",
		"+ 49 30 1234567", "+-4930123456", "0301234567(", "(030-)1234567", "030(-1234)567"} {
		assert.False(t, ValidPhone(s), "phone %q", s)
	}
}
