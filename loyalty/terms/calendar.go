package terms

import (
	"time"

	"github.com/tailorcrm/tailor/customer"
)

// MaxRoll bounds how far a [Calendar] moves a date: the discount date or
// the due date that falls on a closed day moves to the first open day
// among it and the MaxRoll days after it. A calendar with no open day in
// that span is an error: it is most likely one that closes every day by
// mistake, and a deadline a month after the agreed one is no longer the
// agreed term.
const MaxRoll = 31

// Calendar tells the days on which a deadline of the terms can be met.
// When [Terms].Calendar is set, a discount date or due date that falls on
// a day the calendar closes moves to the next open day, the rule of many
// jurisdictions for a period that ends on a Saturday, Sunday or public
// holiday: e.g. German BGB §193, and Art. 3(4) of Regulation (EEC,
// Euratom) No 1182/71 on periods, dates and time limits ("the period
// shall end with the expiry of the last hour of the following working
// day").
//
// The library ships no list of holidays, which differ by country and
// region: the caller supplies them, e.g. as a [CalendarFunc] that closes
// [Weekends] and its own holidays. A Calendar must answer the same for
// the same day every time and be safe for concurrent use, as [Terms] are.
type Calendar interface {
	// IsBusinessDay reports whether day is open: a deadline may end on
	// it. The day is a calendar day in the terms' zone.
	IsBusinessDay(day customer.Date) bool
}

// CalendarFunc adapts a function to a [Calendar]: f(day) reports whether
// day is open.
type CalendarFunc func(day customer.Date) bool

// IsBusinessDay returns f(day).
func (f CalendarFunc) IsBusinessDay(day customer.Date) bool { return f(day) }

// Weekends is the [Calendar] that closes Saturdays and Sundays and opens
// every other day; it knows no public holiday.
var Weekends Calendar = weekends{}

// weekends is the calendar of [Weekends].
type weekends struct{}

// IsBusinessDay reports whether day is Monday to Friday.
func (weekends) IsBusinessDay(day customer.Date) bool {
	switch day.Time().Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return true
}

// roll returns the first day among d and the MaxRoll days after it that
// c opens; d itself when c is nil; false when c opens none of them.
func roll(c Calendar, d customer.Date) (customer.Date, bool) {
	if c == nil {
		return d, true
	}
	for i := customer.Date(0); i <= MaxRoll; i++ {
		if c.IsBusinessDay(d + i) {
			return d + i, true
		}
	}
	return d, false
}
