package rowhint

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// Field gives the hint of Amount to an amount, a cost and a discount, and
// that of Date to a date; the reason of any other column is kept as it
// is, whatever its value.
func TestFieldByColumn(t *testing.T) {
	amount := notDecimal + "; " + hintSign
	day := customer.WantDay + "; " + hintDayMonth
	for _, tc := range []struct{ col, reason, value, want string }{
		{salesrow.ColAmount, notDecimal, "€5", amount},
		{salesrow.ColCost, notDecimal, "€5", amount},
		{salesrow.ColDiscount, notDecimal, "€5", amount},
		{salesrow.ColQuantity, notDecimal, "€5", notDecimal},
		{salesrow.ColCustomerID, notDecimal, "€5", notDecimal},
		{salesrow.ColDate, customer.WantDay, "05/03/2024", day},
		{salesrow.ColAmount, customer.WantDay, "05/03/2024", customer.WantDay},
		{salesrow.ColCategory, customer.WantDay, "05/03/2024", customer.WantDay},
		{"", "", "", ""},
	} {
		assert.Equal(t, tc.want, Field(tc.col, tc.reason, tc.value), "%s %q", tc.col, tc.value)
	}
}

// An offset out of RFC 3339's range is named whether its hours or its
// minutes are out, and at the edges of the range no hint is given.
func TestOffsetRangeHint(t *testing.T) {
	for off, out := range map[string]bool{
		"+23:59": false, "-23:59": false, "+00:00": false, "-00:00": false,
		"+24:00": true, "-24:00": true, "+23:60": true, "-99:99": true, "+00:60": true,
	} {
		h := offsetRangeHint(off)
		assert.Equal(t, out, h != "", "%s: %q", off, h)
		if out {
			_, why := salesrow.ParseDate("2024-03-05T10:00:00" + off)
			assert.NotEmpty(t, why, "%s is read", off)
		}
	}
}

// The helpers of the command line's day: a placeholder for a missing
// date, a serial day number, a day written as YYYY-MM-DD.
func TestDayHelpers(t *testing.T) {
	what, ok := Placeholder("0000-00-00")
	assert.True(t, ok)
	assert.Equal(t, "MySQL's zero date", what)
	_, ok = Placeholder("0000-00-00 00:00:00")
	assert.False(t, ok, "a placeholder with a time is no day")
	_, ok = Placeholder("2024-03-05")
	assert.False(t, ok)
	for s, want := range map[string]bool{"45356": true, "45356.5": true, "123456": false, "4.5e3": false, "": false} {
		assert.Equal(t, want, SerialDay(s), "%q", s)
	}
	for s, want := range map[string]bool{"2024-03-05": true, "2023-02-29": true, "0000-00-00": true, "2024-3-5": false, "2024/03/05": false, "２０２４-０３-０５": false} {
		assert.Equal(t, want, YMD(s), "%q", s)
	}
	assert.Equal(t, "", DateHint(""))
	assert.Equal(t, hintSerial, DateHint("45356"))
}
