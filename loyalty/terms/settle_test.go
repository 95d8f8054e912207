package terms_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
)

// on returns the instant of hh:mm:ss on day of March 2025 in UTC (days
// past 31 run on into April).
func on(day, hh, mm, ss int) time.Time { return time.Date(2025, 3, day, hh, mm, ss, 0, time.UTC) }

func pay(t testing.TB, id string, at time.Time, amount string) terms.Payment {
	return terms.Payment{ID: id, At: at, Amount: money(t, amount, "EUR")}
}

// The dealer's invoice INV-1: amount 700.00 EUR, cash discount 14.00 EUR
// until 13 March, due 2 April.
func TestSettle(t *testing.T) {
	asOf := on(60, 0, 0, 0) // 29 April
	type want struct {
		settled                                  bool
		settledAt                                time.Time
		paid, discount, owed, overpaid, withDisc string
		daysLate                                 int
		overdue                                  bool
		explain                                  string
	}
	for _, tc := range []struct {
		name     string
		payments func(t *testing.T) []terms.Payment
		asOf     time.Time
		want     want
	}{
		{"nothing paid, within the discount period", func(*testing.T) []terms.Payment { return nil }, on(5, 12, 0, 0),
			want{false, time.Time{}, "0", "0", "700", "0", "686", 0, false,
				"open: 700.00 EUR owed, due 2025-04-02, or 686.00 EUR by 2025-03-13 with the cash discount"}},
		{"exactly amount − discount on the last minute of the discount date", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(13, 23, 59, 59), "686.00")}
		}, asOf, want{true, on(13, 23, 59, 59), "686", "14", "0", "0", "0", 0, false,
			"settled 2025-03-13 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2025-03-13"}},
		{"one cent less", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(13, 10, 0, 0), "685.99")}
		}, asOf, want{false, time.Time{}, "685.99", "0", "14.01", "0", "0", 27, true,
			"overdue: 14.01 EUR owed, 27 days after the due date 2025-04-02"}},
		{"one cent less, still within the discount period", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(13, 10, 0, 0), "685.99")}
		}, on(13, 12, 0, 0), want{false, time.Time{}, "685.99", "0", "14.01", "0", "0.01", 0, false,
			"open: 14.01 EUR owed, due 2025-04-02, or 0.01 EUR by 2025-03-13 with the cash discount"}},
		{"amount − discount on the first second after the discount date", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(14, 0, 0, 0), "686.00")}
		}, on(20, 0, 0, 0), want{false, time.Time{}, "686", "0", "14", "0", "0", 0, false,
			"open: 14.00 EUR owed, due 2025-04-02"}},
		{"two instalments within the discount period", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P2", on(11, 9, 0, 0), "386.00"), pay(t, "P1", on(5, 9, 0, 0), "300.00")}
		}, asOf, want{true, on(11, 9, 0, 0), "686", "14", "0", "0", "0", 0, false,
			"settled 2025-03-11 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2025-03-13"}},
		{"the full amount within the discount period overpays", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "700.00")}
		}, asOf, want{true, on(8, 9, 0, 0), "700", "14", "0", "14", "0", 0, false,
			"settled 2025-03-08 with the cash discount of 14.00 EUR: 700.00 EUR paid by 2025-03-13; 14.00 EUR overpaid"}},
		{"a payment after the discount is taken is overpaid", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "686.00"), pay(t, "P2", on(20, 9, 0, 0), "14.00")}
		}, asOf, want{true, on(8, 9, 0, 0), "700", "14", "0", "14", "0", 0, false,
			"settled 2025-03-08 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2025-03-13, 700.00 EUR in all; 14.00 EUR overpaid"}},
		{"partial within the period earns no partial discount", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "400.00"), pay(t, "P2", on(30, 9, 0, 0), "300.00")}
		}, asOf, want{true, on(30, 9, 0, 0), "700", "0", "0", "0", "0", 0, false,
			"settled 2025-03-30, on time (due 2025-04-02): 700.00 EUR paid"}},
		{"paid on the due date is on time", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(33, 23, 0, 0), "700.00")}
		}, asOf, want{true, on(33, 23, 0, 0), "700", "0", "0", "0", "0", 0, false,
			"settled 2025-04-02, on time (due 2025-04-02): 700.00 EUR paid"}},
		{"paid a day late", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(34, 0, 0, 0), "700.00")}
		}, asOf, want{true, on(34, 0, 0, 0), "700", "0", "0", "0", "0", 1, false,
			"settled 2025-04-03, 1 day after the due date 2025-04-02: 700.00 EUR paid"}},
		{"paid late and too much", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(20, 0, 0, 0), "500.00"), pay(t, "P2", on(40, 0, 0, 0), "250.00")}
		}, asOf, want{true, on(40, 0, 0, 0), "750", "0", "0", "50", "0", 7, false,
			"settled 2025-04-09, 7 days after the due date 2025-04-02: 750.00 EUR paid; 50.00 EUR overpaid"}},
		{"payments after asOf are left out", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(20, 0, 0, 0), "500.00"), pay(t, "P2", on(40, 0, 0, 1), "200.00")}
		}, on(40, 0, 0, 0), want{false, time.Time{}, "500", "0", "200", "0", "0", 7, true,
			"overdue: 200.00 EUR owed, 7 days after the due date 2025-04-02"}},
		{"a payment at asOf counts", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(20, 0, 0, 0), "500.00"), pay(t, "P2", on(40, 0, 0, 0), "200.00")}
		}, on(40, 0, 0, 0), want{true, on(40, 0, 0, 0), "700", "0", "0", "0", "0", 7, false,
			"settled 2025-04-09, 7 days after the due date 2025-04-02: 700.00 EUR paid"}},
		{"an identical redelivery counts once", func(t *testing.T) []terms.Payment {
			p := pay(t, "P1", on(8, 9, 0, 0), "686.00")
			again := p
			again.At = p.At.In(time.FixedZone("CST", 8*3600)) // the same instant
			return []terms.Payment{p, again}
		}, asOf, want{true, on(8, 9, 0, 0), "686", "14", "0", "0", "0", 0, false,
			"settled 2025-03-08 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2025-03-13"}},
		{"the same amount under two IDs is two payments", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "686.00"), pay(t, "P2", on(8, 9, 0, 0), "686.00")}
		}, asOf, want{true, on(8, 9, 0, 0), "1372", "14", "0", "686", "0", 0, false,
			"settled 2025-03-08 with the cash discount of 14.00 EUR: 1372.00 EUR paid by 2025-03-13; 686.00 EUR overpaid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := dealerInvoice(t)
			s, err := inv.Settle(tc.payments(t), tc.asOf)
			require.NoError(t, err)
			w := tc.want
			assert.Equal(t, w.settled, s.Settled, "settled")
			assert.True(t, w.settledAt.Equal(s.SettledAt), "settled at %v", s.SettledAt)
			for _, x := range []struct {
				name string
				got  customer.Money
				want string
			}{{"paid", s.Paid, w.paid}, {"discount", s.Discount, w.discount}, {"owed", s.Owed, w.owed},
				{"overpaid", s.Overpaid, w.overpaid}, {"with discount", s.WithDiscount, w.withDisc}, {"amount", s.Amount, "700"}} {
				assert.True(t, x.got.Amount().Equal(d(x.want)), "%s: got %s, want %s", x.name, x.got, x.want)
				assert.Equal(t, customer.Currency("EUR"), x.got.Currency(), x.name)
			}
			assert.Equal(t, w.daysLate, s.DaysLate, "days late")
			assert.Equal(t, w.overdue, s.Overdue, "overdue")
			assert.Equal(t, w.explain, s.Explain)
			assert.Equal(t, "INV-1", s.Invoice)
			assert.Equal(t, customer.ID("D-7"), s.Customer)
			assert.True(t, s.AsOf.Equal(tc.asOf))
			assert.Equal(t, inv.Due, s.Due)
			assert.Equal(t, inv.DiscountUntil, s.DiscountUntil)
		})
	}
}

// A payment counts on its day in the invoice's zone, whatever zone its
// time carries.
func TestSettleCalendarZone(t *testing.T) {
	tm := twoTen()
	berlin := time.FixedZone("CET", 3600)
	tm.Location = berlin
	inv, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), issued)
	require.NoError(t, err)
	require.Equal(t, "2025-03-13", inv.DiscountUntil.String())
	// 23:30 UTC on 13 March is 00:30 on 14 March in Berlin: too late.
	late := time.Date(2025, 3, 13, 23, 30, 0, 0, time.UTC)
	// 22:30 UTC is 23:30 in Berlin: in time.
	inTime := time.Date(2025, 3, 13, 22, 30, 0, 0, time.UTC)
	for _, zone := range []*time.Location{time.UTC, berlin, time.FixedZone("PST", -8*3600), time.FixedZone("JST", 9*3600)} {
		s, err := inv.Settle([]terms.Payment{pay(t, "P1", late.In(zone), "686.00")}, on(20, 0, 0, 0).In(zone))
		require.NoError(t, err)
		assert.False(t, s.Settled, zone.String())
		assert.True(t, s.Discount.IsZero())
		s, err = inv.Settle([]terms.Payment{pay(t, "P1", inTime.In(zone), "686.00")}, on(20, 0, 0, 0).In(zone))
		require.NoError(t, err)
		assert.True(t, s.Settled, zone.String())
		assert.Equal(t, "14.00 EUR", s.Discount.String())
	}
	// Days late are counted in Berlin too: 23:30 UTC on 2 April is
	// 3 April there.
	s, err := inv.Settle([]terms.Payment{pay(t, "P1", time.Date(2025, 4, 2, 23, 30, 0, 0, time.UTC), "700.00")}, on(60, 0, 0, 0))
	require.NoError(t, err)
	assert.Equal(t, 1, s.DaysLate)
}

// Net terms without a cash discount: payment in full settles, there is
// never a discount.
func TestSettleNetOnly(t *testing.T) {
	tm := twoTen()
	tm.Cash = terms.CashDiscount{}
	inv, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), issued)
	require.NoError(t, err)
	assert.True(t, inv.CashDiscount.IsZero())
	assert.Equal(t, customer.DateOf(issued), inv.DiscountUntil)
	assert.Equal(t, "list 1000.00 EUR − 30% functional discount (dealer) 300.00 EUR = 700.00 EUR; 700.00 EUR due 2025-04-02", inv.Explain())
	s, err := inv.Settle(nil, issued)
	require.NoError(t, err)
	assert.Equal(t, "open: 700.00 EUR owed, due 2025-04-02", s.Explain)
	assert.True(t, s.WithDiscount.IsZero())
	s, err = inv.Settle([]terms.Payment{pay(t, "P1", issued, "700.00")}, issued)
	require.NoError(t, err)
	assert.True(t, s.Settled)
	assert.True(t, s.Discount.IsZero())
	assert.Equal(t, "settled 2025-03-03, on time (due 2025-04-02): 700.00 EUR paid", s.Explain)
}

func TestSettleRejects(t *testing.T) {
	asOf := on(60, 0, 0, 0)
	ok := func(t *testing.T) terms.Payment { return pay(t, "OK", on(8, 0, 0, 0), "686.00") }
	for _, tc := range []struct {
		name     string
		payments func(t *testing.T) []terms.Payment
		asOf     time.Time
		want     []string
		message  string
	}{
		{"empty ID", func(t *testing.T) []terms.Payment { return []terms.Payment{ok(t), pay(t, "", on(8, 0, 0, 0), "1")} }, asOf,
			[]string{"payments[1].id required"}, "payments[1].id: is empty"},
		{"zero time", func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", time.Time{}, "1")} }, asOf,
			[]string{"payments[0].at required"}, `payments[0].at: payment "P1": is zero`},
		{"year 10000", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "1")}
		}, asOf, []string{"payments[0].at out_of_range"}, "year 10000 is outside 1–9999"},
		{"zero amount", func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 0, 0, 0), "0")} }, asOf,
			[]string{"payments[0].amount not_positive"}, `payment "P1": must be positive, is 0`},
		{"negative amount", func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 0, 0, 0), "-5")} }, asOf,
			[]string{"payments[0].amount not_positive"}, "must be positive, is -5"},
		{"other currency", func(t *testing.T) []terms.Payment {
			return []terms.Payment{{ID: "P1", At: on(8, 0, 0, 0), Amount: money(t, "686.00", "USD")}}
		}, asOf, []string{"payments[0].amount mismatch"}, `payment "P1": is in "USD", the invoice's currency is EUR`},
		{"zero money", func(t *testing.T) []terms.Payment { return []terms.Payment{{ID: "P1", At: on(8, 0, 0, 0)}} }, asOf,
			[]string{"payments[0].amount mismatch"}, `is in ""`},
		{"finer than cents", func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 0, 0, 0), "0.001")} }, asOf,
			[]string{"payments[0].amount format"}, "0.001 has more decimals than EUR allows (2)"},
		{"huge exponent", func(t *testing.T) []terms.Payment {
			return []terms.Payment{{ID: "P1", At: on(8, 0, 0, 0), Amount: mustMoney(d("1e400"), "EUR")}}
		}, asOf, []string{"payments[0].amount out_of_range"}, "too large or too precise"},
		{"duplicate ID with another amount", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(8, 0, 0, 0), "686.00"), ok(t), pay(t, "P1", on(8, 0, 0, 0), "686.01")}
		}, asOf, []string{"payments[2].id duplicate"}, `payment "P1": is also payments[0], with another time or amount`},
		{"duplicate ID with another time", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "P1", on(8, 0, 0, 0), "686.00"), pay(t, "P1", on(8, 0, 0, 1), "686.00")}
		}, asOf, []string{"payments[1].id duplicate"}, "is also payments[0]"},
		{"zero asOf", func(t *testing.T) []terms.Payment { return nil }, time.Time{}, []string{"as_of required"}, "as_of: is zero"},
		{"asOf before the invoice", func(t *testing.T) []terms.Payment { return nil }, issued.Add(-time.Hour),
			[]string{"as_of order"}, "before the invoice was issued"},
		{"every fault at once", func(t *testing.T) []terms.Payment {
			return []terms.Payment{
				{ID: "", At: time.Time{}, Amount: money(t, "1", "USD")},
				pay(t, "P2", issued.Add(-time.Hour), "-1"),
				ok(t),
				pay(t, "OK", on(9, 0, 0, 0), "686.00"),
			}
		}, time.Time{}, []string{"as_of required", "payments[0].amount mismatch", "payments[0].at required", "payments[0].id required",
			"payments[1].amount not_positive", "payments[3].id duplicate"}, `settlement of invoice "INV-1": `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := dealerInvoice(t)
			s, err := inv.Settle(tc.payments(t), tc.asOf)
			assert.Equal(t, tc.want, fields(t, err))
			assert.Contains(t, err.Error(), `settlement of invoice "INV-1": `)
			assert.Contains(t, err.Error(), tc.message)
			assert.Equal(t, terms.Settlement{}, s, "a rejected settlement returns nothing")
		})
	}
}

// Settle does not change the payments it is given.
func TestSettleLeavesPaymentsAlone(t *testing.T) {
	inv := dealerInvoice(t)
	ps := []terms.Payment{pay(t, "P2", on(20, 0, 0, 0), "100.00"), pay(t, "P1", on(8, 0, 0, 0), "300.00")}
	before := append([]terms.Payment(nil), ps...)
	_, err := inv.Settle(ps, on(60, 0, 0, 0))
	require.NoError(t, err)
	assert.Equal(t, before, ps)
}
