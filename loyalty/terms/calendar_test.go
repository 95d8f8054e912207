package terms_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
	"pgregory.net/rapid"
)

// cest is Berlin's zone in summer.
var cest = time.FixedZone("CEST", 2*3600)

// may2026 returns hh:mm on day of May 2026 in Berlin (days past 31 run
// on into June and July).
func may2026(day, hh, mm int) time.Time { return time.Date(2026, 5, day, hh, mm, 0, 0, cest) }

// date returns the Date of an ISO day.
func date(t testing.TB, s string) customer.Date {
	t.Helper()
	tm, err := time.Parse(time.DateOnly, s)
	require.NoError(t, err)
	return customer.DateOf(tm)
}

// closing returns a calendar that closes weekends and the given days.
func closing(t testing.TB, holidays ...string) terms.Calendar {
	closed := map[customer.Date]bool{}
	for _, h := range holidays {
		closed[date(t, h)] = true
	}
	return terms.CalendarFunc(func(d customer.Date) bool {
		return terms.Weekends.IsBusinessDay(d) && !closed[d]
	})
}

func TestWeekends(t *testing.T) {
	// 2026-05-11 is a Monday.
	for i, want := range []bool{true, true, true, true, true, false, false, true} {
		d := date(t, "2026-05-11") + customer.Date(i)
		assert.Equal(t, want, terms.Weekends.IsBusinessDay(d), d.String())
	}
	// Before 1970 too: 1969-12-27 was a Saturday, 1969-12-29 a Monday.
	assert.False(t, terms.Weekends.IsBusinessDay(date(t, "1969-12-27")))
	assert.True(t, terms.Weekends.IsBusinessDay(date(t, "1969-12-29")))
}

// An invoice of Wednesday 6 May 2026 under "2/10 net 30": its discount
// date, 16 May, is a Saturday. Without a calendar the discounted payment
// on Monday 18 May is too late; with Weekends the discount date is that
// Monday and the payment takes the discount.
func TestCalendarSaturdayDiscount(t *testing.T) {
	paid := []terms.Payment{pay(t, "P1", may2026(18, 10, 0), "686.00")}
	asOf := may2026(92, 12, 0) // 31 July

	tm := twoTen()
	tm.Location = cest
	plain, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), may2026(6, 9, 0))
	require.NoError(t, err)
	assert.Equal(t, "2026-05-16", plain.DiscountUntil.String())
	assert.Equal(t, "2026-06-05", plain.Due.String())
	s, err := plain.Settle(paid, asOf)
	require.NoError(t, err)
	assert.False(t, s.Settled)
	assert.Equal(t, 56, s.DaysLate)
	assert.Equal(t, "overdue: 14.00 EUR owed, 56 days after the due date 2026-06-05", s.Explain)

	tm.Calendar = terms.Weekends
	inv, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), may2026(6, 9, 0))
	require.NoError(t, err)
	assert.Equal(t, "2026-05-18", inv.DiscountUntil.String())
	assert.Equal(t, "2026-06-05", inv.Due.String(), "a Friday stays")
	assert.Contains(t, inv.Explain(), "if paid by 2026-05-18")
	s, err = inv.Settle(paid, asOf)
	require.NoError(t, err)
	assert.True(t, s.Settled)
	assert.Equal(t, "14.00 EUR", s.Discount.String())
	assert.Equal(t, "0.00 EUR", s.Owed.String())
	assert.Equal(t, 0, s.DaysLate)
	assert.Equal(t, "2026-05-18", s.DiscountUntil.String())
	assert.Equal(t, "settled 2026-05-18 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2026-05-18", s.Explain)

	// On the Sunday the discount is still open, and offered until Monday.
	s, err = inv.Settle(nil, may2026(17, 12, 0))
	require.NoError(t, err)
	assert.Equal(t, "686.00 EUR", s.WithDiscount.String())
	assert.Equal(t, "open: 700.00 EUR owed, due 2026-06-05, or 686.00 EUR by 2026-05-18 with the cash discount", s.Explain)

	// The day of a payment is still its day in the terms' zone: 21:30
	// UTC on Monday is 23:30 in Berlin, in time; 22:30 UTC is 00:30 on
	// Tuesday there, too late.
	for _, zone := range []*time.Location{time.UTC, cest, time.FixedZone("JST", 9*3600)} {
		s, err = inv.Settle([]terms.Payment{pay(t, "P1", time.Date(2026, 5, 18, 21, 30, 0, 0, time.UTC).In(zone), "686.00")}, asOf)
		require.NoError(t, err)
		assert.True(t, s.Settled, zone.String())
		s, err = inv.Settle([]terms.Payment{pay(t, "P1", time.Date(2026, 5, 18, 22, 30, 0, 0, time.UTC).In(zone), "686.00")}, asOf)
		require.NoError(t, err)
		assert.False(t, s.Settled, zone.String())
		assert.True(t, s.Discount.IsZero(), zone.String())
	}
}

// A holiday calendar that closes Monday 18 May as well moves the
// discount date to Tuesday 19 May.
func TestCalendarHoliday(t *testing.T) {
	tm := twoTen()
	tm.Location = cest
	tm.Calendar = closing(t, "2026-05-18")
	inv, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), may2026(6, 9, 0))
	require.NoError(t, err)
	assert.Equal(t, "2026-05-19", inv.DiscountUntil.String())
	for _, c := range []struct {
		day      int
		discount bool
	}{{18, true}, {19, true}, {20, false}} {
		s, err := inv.Settle([]terms.Payment{pay(t, "P1", may2026(c.day, 23, 59), "686.00")}, may2026(61, 0, 0))
		require.NoError(t, err)
		assert.Equal(t, c.discount, s.Settled && s.Discount.Sign() > 0, "paid on May %d", c.day)
	}
}

// Days late count from the rolled due date: an invoice of Thursday 7 May
// 2026 is due on Saturday 6 June, rolled to Monday 8 June.
func TestCalendarOverdueFromRolledDue(t *testing.T) {
	tm := twoTen()
	tm.Location = cest
	plain, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), may2026(7, 9, 0))
	require.NoError(t, err)
	assert.Equal(t, "2026-06-06", plain.Due.String())
	s, err := plain.Settle(nil, may2026(40, 12, 0)) // 9 June
	require.NoError(t, err)
	assert.Equal(t, 3, s.DaysLate)

	tm.Calendar = terms.Weekends
	inv, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), may2026(7, 9, 0))
	require.NoError(t, err)
	assert.Equal(t, "2026-05-18", inv.DiscountUntil.String(), "Sunday 17 May rolls to Monday")
	assert.Equal(t, "2026-06-08", inv.Due.String())

	s, err = inv.Settle(nil, may2026(39, 23, 59)) // Monday 8 June
	require.NoError(t, err)
	assert.False(t, s.Overdue)
	assert.Equal(t, 0, s.DaysLate)
	assert.Equal(t, "open: 700.00 EUR owed, due 2026-06-08", s.Explain)

	s, err = inv.Settle(nil, may2026(40, 12, 0)) // Tuesday 9 June
	require.NoError(t, err)
	assert.True(t, s.Overdue)
	assert.Equal(t, 1, s.DaysLate)
	assert.Equal(t, "overdue: 700.00 EUR owed, 1 day after the due date 2026-06-08", s.Explain)

	paid := []terms.Payment{pay(t, "P1", may2026(39, 16, 0), "700.00")}
	s, err = inv.Settle(paid, may2026(45, 0, 0))
	require.NoError(t, err)
	assert.True(t, s.Settled)
	assert.Equal(t, 0, s.DaysLate)
	r, err := terms.NewRecord([]terms.Settlement{s})
	require.NoError(t, err)
	assert.Equal(t, 1, r.OnTime)

	s, err = plain.Settle(paid, may2026(45, 0, 0))
	require.NoError(t, err)
	assert.Equal(t, 2, s.DaysLate)
}

// A calendar that opens no day within MaxRoll days of a deadline is an
// error naming the field; one open day just in reach is not.
func TestCalendarNoOpenDay(t *testing.T) {
	tm := twoTen()
	tm.Calendar = terms.CalendarFunc(func(customer.Date) bool { return false })
	inv, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), issued)
	require.Error(t, err)
	assert.Equal(t, []string{"calendar out_of_range", "calendar out_of_range"}, fields(t, err))
	assert.Contains(t, err.Error(), `invoice "INV-1"`)
	assert.Contains(t, err.Error(), "discount date 2025-03-13")
	assert.Contains(t, err.Error(), "due date 2025-04-02", "the due date is the invoice's day + NetDays")
	assert.Equal(t, terms.Invoice{}, inv)

	// Open only MaxRoll days after each deadline: just in reach.
	until, due := customer.DateOf(issued)+10, customer.DateOf(issued)+30
	tm.Calendar = terms.CalendarFunc(func(d customer.Date) bool { return d == until+terms.MaxRoll || d == due+terms.MaxRoll })
	inv, err = tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), issued)
	require.NoError(t, err)
	assert.Equal(t, until+terms.MaxRoll, inv.DiscountUntil)
	assert.Equal(t, until+terms.MaxRoll, inv.Due, "the first open day on or after the due date")
	require.NoError(t, inv.Validate())

	// One day further, the discount date is out of reach.
	tm.Calendar = terms.CalendarFunc(func(d customer.Date) bool { return d == until+terms.MaxRoll+1 || d == due+terms.MaxRoll+1 })
	_, err = tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), issued)
	assert.Equal(t, []string{"calendar out_of_range"}, fields(t, err))
	assert.Contains(t, err.Error(), "discount date 2025-03-13")
}

// An invoice read back with its calendar must have its dates on open
// days; the roll may take them past MaxDays.
func TestCalendarValidate(t *testing.T) {
	tm := twoTen()
	tm.Location = cest
	tm.Calendar = terms.Weekends
	inv, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), may2026(6, 9, 0))
	require.NoError(t, err)
	require.NoError(t, inv.Validate())
	bad := inv
	bad.DiscountUntil = date(t, "2026-05-16")
	assert.Equal(t, []string{"discount_until mismatch"}, fields(t, bad.Validate()))
	bad = inv
	bad.Due = date(t, "2026-06-06")
	assert.Equal(t, []string{"due mismatch"}, fields(t, bad.Validate()))
	// Without the calendar the same dates are taken as they are.
	bad.Calendar = nil
	require.NoError(t, bad.Validate())

	// Wednesday 6 May 2026 + MaxDays is a Saturday: the due date rolls
	// past MaxDays, and the invoice still settles.
	tm.Cash.Days, tm.NetDays = 0, terms.MaxDays
	day := date(t, "2026-05-06")
	require.False(t, terms.Weekends.IsBusinessDay(day+terms.MaxDays))
	long, err := tm.Invoice("INV-2", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), may2026(6, 9, 0))
	require.NoError(t, err)
	assert.Greater(t, int(long.Due-day), terms.MaxDays)
	_, err = long.Settle(nil, may2026(6, 10, 0))
	require.NoError(t, err)
	long.Calendar = nil
	assert.Equal(t, []string{"due out_of_range"}, fields(t, long.Validate()))
}

// Without a calendar, and with one that opens every day, the dates are
// the calendar days: nothing else changes.
func TestPropCalendarAllOpen(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tm, inv := genInvoice(t)
		day := customer.DateOf(inv.Issued.In(zoneOrUTC(tm.Location)))
		if inv.DiscountUntil != day+customer.Date(tm.Cash.Days) || inv.Due != day+customer.Date(tm.NetDays) {
			t.Fatalf("no calendar: %s, %s from %s", inv.DiscountUntil, inv.Due, day)
		}
		tm.Calendar = terms.CalendarFunc(func(customer.Date) bool { return true })
		open, err := tm.Invoice(inv.ID, inv.Customer, inv.Role, inv.List, inv.Issued)
		if err != nil {
			t.Fatal(err)
		}
		if open.DiscountUntil != inv.DiscountUntil || open.Due != inv.Due || open.Explain() != inv.Explain() {
			t.Fatalf("all-open calendar: %+v, none: %+v", open, inv)
		}
	})
}

// A rolled date is never before the calendar date, is an open day, and
// every day from the calendar date up to it is closed; the invoice is
// valid and its settlements report the rolled dates.
func TestPropCalendarRoll(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tm := genTerms(t)
		closedWeekdays := rapid.SliceOfNDistinct(rapid.IntRange(0, 6), 0, 6, rapid.ID[int]).Draw(t, "closed weekdays")
		holidays := rapid.SliceOfDistinct(rapid.Int32Range(20089, 20089+500), rapid.ID[int32]).Draw(t, "holidays") // 2025-01-01 onwards
		closed := map[customer.Date]bool{}
		for _, h := range holidays {
			closed[customer.Date(h)] = true
		}
		tm.Calendar = terms.CalendarFunc(func(d customer.Date) bool {
			wd := int(d.Time().Weekday())
			for _, c := range closedWeekdays {
				if c == wd {
					return false
				}
			}
			return !closed[d]
		})
		list := genList(t, tm.Currency)
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rapid.Int64Range(0, 366*24*3600).Draw(t, "issued s")) * time.Second)
		inv, err := tm.Invoice("INV", "C", customer.Dealer, list, at.In(zoneOrUTC(genZone(t, "issued zone"))))
		if err != nil {
			if strings.Contains(err.Error(), "calendar") {
				// Only a calendar closed for MaxRoll + 1 days in a row.
				for _, base := range []int{tm.Cash.Days, tm.NetDays} {
					d := customer.DateOf(at.In(zoneOrUTC(tm.Location))) + customer.Date(base)
					for i := customer.Date(0); i <= terms.MaxRoll; i++ {
						if tm.Calendar.IsBusinessDay(d + i) {
							t.Fatalf("refused, but %s is open: %v", d+i, err)
						}
					}
				}
			}
			return
		}
		day := customer.DateOf(at.In(zoneOrUTC(tm.Location)))
		for _, x := range []struct {
			name        string
			base, dated customer.Date
		}{{"discount_until", day + customer.Date(tm.Cash.Days), inv.DiscountUntil}, {"due", day + customer.Date(tm.NetDays), inv.Due}} {
			if x.dated < x.base || x.dated > x.base+terms.MaxRoll {
				t.Fatalf("%s %s not in [%s, +%d]", x.name, x.dated, x.base, terms.MaxRoll)
			}
			if !tm.Calendar.IsBusinessDay(x.dated) {
				t.Fatalf("%s %s is closed", x.name, x.dated)
			}
			for d := x.base; d < x.dated; d++ {
				if tm.Calendar.IsBusinessDay(d) {
					t.Fatalf("%s %s skips the open day %s", x.name, x.dated, d)
				}
			}
		}
		if err := inv.Validate(); err != nil {
			t.Fatal(err)
		}
		s, err := inv.Settle(nil, at.Add(time.Duration(rapid.Int64Range(0, 120*24*3600).Draw(t, "as of s"))*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if s.DiscountUntil != inv.DiscountUntil || s.Due != inv.Due {
			t.Fatalf("settlement dates %s, %s; invoice %s, %s", s.DiscountUntil, s.Due, inv.DiscountUntil, inv.Due)
		}
		if want := max(0, int(customer.DateOf(s.AsOf.In(zoneOrUTC(tm.Location)))-inv.Due)); s.DaysLate != want {
			t.Fatalf("days late %d, want %d after the rolled due date %s", s.DaysLate, want, inv.Due)
		}
	})
}
