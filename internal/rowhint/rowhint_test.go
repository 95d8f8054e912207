package rowhint

import (
	"fmt"
	"testing"
	"time"

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
// minutes are out, and at the edges of the range no hint is given; of
// all ±hh:mm, those named are those salesrow.ParseDate refuses.
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
	// Every ±hh:mm: named exactly when salesrow.ParseDate refuses it.
	for _, sign := range "+-" {
		for hh := 0; hh <= 99; hh++ {
			for mm := 0; mm <= 99; mm++ {
				off := fmt.Sprintf("%c%02d:%02d", sign, hh, mm)
				_, why := salesrow.ParseDate("2024-03-05T10:00:00" + off)
				assert.Equal(t, why != "", offsetRangeHint(off) != "", off)
			}
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

// DateHint does not name a placeholder for a missing date: one that the
// calendar has not gets the hint of NoSuchDay, the others none; Date
// names each as a placeholder, with a time after it or not, the reason
// kept.
func TestDateHintOfPlaceholders(t *testing.T) {
	for day, hint := range map[string]string{
		"0000-00-00": NoSuchDay("0000-00-00"), "1900-01-00": NoSuchDay("1900-01-00"),
		"1899-12-30": "", "1899-12-31": "", "0001-01-01": "",
	} {
		what, ok := Placeholder(day)
		assert.True(t, ok, day)
		assert.Equal(t, hint, DateHint(day), day)
		want := customer.WantDay + "; " + what + ", written for a missing date: fill in the date in the source system, or leave such rows out (-skip-invalid)"
		assert.Equal(t, want, Date(customer.WantDay, day), day)
		assert.Equal(t, want, Date(customer.WantDay, day+" 00:00:00"), day)
	}
	assert.NotEmpty(t, NoSuchDay("0000-00-00"))
	assert.NotEmpty(t, NoSuchDay("1900-01-00"))
}

// NoSuchDay names a day exactly when the calendar has it not: it agrees
// with time.Parse on every month 00–13 and day 00–32 of leap and common
// years, century years among them (2000 and 0000 are leap years, 1900
// and 2100 are not), and names the month's days at the edge.
func TestNoSuchDayAgreesWithTheCalendar(t *testing.T) {
	for _, y := range []int{0, 1, 4, 100, 400, 1899, 1900, 2000, 2023, 2024, 2100, 9999} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				s := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
				_, err := time.Parse(time.DateOnly, s)
				assert.Equal(t, err != nil, NoSuchDay(s) != "", "%s: %q", s, NoSuchDay(s))
			}
		}
	}
	for day, want := range map[string]string{
		"1900-02-29": "there is no 29 February: February 1900 has 28 days",
		"2100-02-29": "there is no 29 February: February 2100 has 28 days",
		"2023-02-29": "there is no 29 February: February 2023 has 28 days",
		"2024-02-30": "there is no 30 February: February 2024 has 29 days",
		"0000-02-30": "there is no 30 February: February 0000 has 29 days",
		"2024-04-31": "there is no 31 April: April 2024 has 30 days",
		"2024-13-01": "there is no month 13: YYYY-MM-DD has the month before the day",
		"2024-01-00": "there is no day 00: the days of a month are 01 to 31",
		"2000-02-29": "", "0000-02-29": "", "2024-12-31": "", "9999-12-31": "",
		"2024-3-5": "", "2024/03/05": "",
	} {
		assert.Equal(t, want, NoSuchDay(day), day)
	}
}
