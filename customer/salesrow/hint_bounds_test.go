package salesrow_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A quantity of a megabyte of full-width zeros before a digit is an
// integer once it is ASCII; the hint writes the integer, not the
// megabyte of digits, so that a runaway field does not flood the
// terminal (the value itself is quoted cut, quoteShort).
func TestUnitsFullWidthHintIsBounded(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("０", 1<<20) + "１",
		"＋" + strings.Repeat("０", 1<<20) + "２．０",
	} {
		_, why := salesrow.ParseUnits(s)
		assert.True(t, strings.HasPrefix(why, salesrow.NotInteger+" (full-width digits: write them as ASCII digits, "), "%.80s", why)
		assert.Less(t, len(why), 200, "%.80s", why)
	}
	_, why := salesrow.ParseUnits("０１")
	assert.Equal(t, salesrow.NotInteger+" (full-width digits: write them as ASCII digits, 1)", why)
}

// A header field that is not UTF-8 is quoted cut in the error of the
// missing columns, as a field's value is: a megabyte of GBK bytes does
// not make a message of four.
func TestNewLayoutNotUTF8HeaderIsQuotedCut(t *testing.T) {
	big := strings.Repeat("\xbf\xcd", 1<<19)
	_, err := salesrow.NewLayout([]string{big, "date", "amount"})
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 1000, "%.200s", err.Error())
	assert.Contains(t, err.Error(), `; field 1, "\xbf\xcd\xbf\xcd`)
	assert.Contains(t, err.Error(), "(1048576 bytes), is "+salesrow.NotUTF8GB)
}
