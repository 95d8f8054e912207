package salesrow_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A one-field first line shorter than "sep=" and a character is no
// separator line, and asking does not fail on it.
func TestSeparatorLineShortFields(t *testing.T) {
	for _, f := range []string{"", "s", "se", "sep", "sep="} {
		sep, ok := salesrow.SeparatorLine([]string{f})
		assert.False(t, ok, "%q", f)
		assert.Empty(t, sep, "%q", f)
	}
	sep, ok := salesrow.SeparatorLine([]string{"sep=|"})
	assert.True(t, ok)
	assert.Equal(t, "|", sep)
}

// A long value with no character boundary in its first 40 bytes (a
// run of UTF-8 continuation bytes, as in a binary field) is cut to
// nothing, with its length noted: quoteShort never cuts inside a
// character.
func TestErrorCutsALongValueWithoutACharacter(t *testing.T) {
	v := strings.Repeat("\x80", 60)
	fe := &salesrow.FieldError{Column: "sku", Value: v, HasValue: true, Reason: "bad"}
	assert.Equal(t, `sku ""… (60 bytes): bad`, fe.Error())
}
