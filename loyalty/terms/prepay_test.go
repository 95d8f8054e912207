package terms_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
)

// A payment received before the invoice was issued (a deposit, cash in
// advance) is applied at the invoice's issue: it counts on the invoice's
// day, within the discount period, and an invoice it settles is settled
// at the issue, on time.
func TestSettlePrepayment(t *testing.T) {
	feb10 := time.Date(2025, 2, 10, 14, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name                                   string
		payments                               func(t *testing.T) []terms.Payment
		asOf                                   time.Time
		settled                                bool
		settledAt                              time.Time
		paid, prepaid, discount, owed, overpay string
		daysLate                               int
		explain                                string
	}{
		{"a same-day transfer three hours before the invoice", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", on(3, 6, 0, 0), "686.00")}
		}, on(60, 0, 0, 0), true, issued, "686", "686", "14", "0", "0", 0,
			"settled 2025-03-03 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2025-03-13; 686.00 EUR paid before the invoice"},
		{"a deposit weeks before, the rest within the discount period", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-2", on(10, 12, 0, 0), "386.00"), pay(t, "BANK-1", feb10, "300.00")}
		}, on(60, 0, 0, 0), true, on(10, 12, 0, 0), "686", "300", "14", "0", "0", 0,
			"settled 2025-03-10 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2025-03-13; 300.00 EUR paid before the invoice"},
		{"a deposit, the rest late", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", feb10, "300.00"), pay(t, "BANK-2", on(40, 0, 0, 0), "400.00")}
		}, on(60, 0, 0, 0), true, on(40, 0, 0, 0), "700", "300", "0", "0", "0", 7,
			"settled 2025-04-09, 7 days after the due date 2025-04-02: 700.00 EUR paid; 300.00 EUR paid before the invoice"},
		{"a deposit as of the invoice's issue", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", feb10, "300.00")}
		}, issued, false, time.Time{}, "300", "300", "0", "400", "0", 0,
			"open: 400.00 EUR owed, due 2025-04-02, or 386.00 EUR by 2025-03-13 with the cash discount; 300.00 EUR paid before the invoice"},
		{"cash in advance of the whole amount", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", feb10, "700.00")}
		}, issued, true, issued, "700", "700", "14", "0", "14", 0,
			"settled 2025-03-03 with the cash discount of 14.00 EUR: 700.00 EUR paid by 2025-03-13; 700.00 EUR paid before the invoice; 14.00 EUR overpaid"},
		{"a prepayment one nanosecond before the issue", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", issued.Add(-time.Nanosecond), "686.00")}
		}, issued, true, issued, "686", "686", "14", "0", "0", 0,
			"settled 2025-03-03 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2025-03-13; 686.00 EUR paid before the invoice"},
		{"a payment at the issue is no prepayment", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", issued, "686.00")}
		}, issued, true, issued, "686", "0", "14", "0", "0", 0,
			"settled 2025-03-03 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2025-03-13"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := dealerInvoice(t)
			s, err := inv.Settle(tc.payments(t), tc.asOf)
			require.NoError(t, err)
			assert.Equal(t, tc.settled, s.Settled, "settled")
			assert.True(t, tc.settledAt.Equal(s.SettledAt), "settled at %v", s.SettledAt)
			for _, x := range []struct {
				name string
				got  customer.Money
				want string
			}{{"paid", s.Paid, tc.paid}, {"prepaid", s.Prepaid, tc.prepaid}, {"discount", s.Discount, tc.discount},
				{"owed", s.Owed, tc.owed}, {"overpaid", s.Overpaid, tc.overpay}} {
				assert.True(t, x.got.Amount().Equal(d(x.want)), "%s: got %s, want %s", x.name, x.got, x.want)
				assert.Equal(t, customer.Currency("EUR"), x.got.Currency(), x.name)
			}
			assert.Equal(t, tc.daysLate, s.DaysLate, "days late")
			assert.Equal(t, tc.explain, s.Explain)
		})
	}
}

// A prepayment counts on the invoice's day in the terms' zone, not on
// its own: paid the evening before in Berlin, it still takes a discount
// of the invoice's day when the period is 0 days.
func TestSettlePrepaymentZeroDayPeriod(t *testing.T) {
	tm := twoTen()
	tm.Cash.Days = 0
	tm.Location = time.FixedZone("CET", 3600)
	inv, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), issued)
	require.NoError(t, err)
	require.Equal(t, "2025-03-03", inv.DiscountUntil.String())
	s, err := inv.Settle([]terms.Payment{pay(t, "BANK-1", on(2, 20, 0, 0), "686.00")}, on(60, 0, 0, 0))
	require.NoError(t, err)
	assert.True(t, s.Settled)
	assert.Equal(t, "14.00 EUR", s.Discount.String())
	assert.True(t, s.SettledAt.Equal(issued))
}

// The payment record counts an invoice settled by a prepayment as paid
// on time and with the discount, also when the prepayments are several
// or more than the invoice; a prepayment with the rest paid late is late,
// and one that leaves the rest unpaid past the due date is overdue.
func TestRecordPrepaidOnTime(t *testing.T) {
	feb10 := time.Date(2025, 2, 10, 14, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name                                 string
		payments                             func(t *testing.T) []terms.Payment
		settled, onTime, discounted, overdue int
		daysLate                             int
		overpaid, openOverdue                string
	}{
		{"a same-day transfer before the invoice", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", on(3, 6, 0, 0), "686.00")}
		}, 1, 1, 1, 0, 0, "0", "0"},
		{"more than the invoice in advance", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", feb10, "1000.00")}
		}, 1, 1, 1, 0, 0, "314", "0"},
		{"two prepayments", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", feb10, "300.00"), pay(t, "BANK-2", on(3, 8, 0, 0), "386.00")}
		}, 1, 1, 1, 0, 0, "0", "0"},
		{"a deposit, the rest late", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", feb10, "300.00"), pay(t, "BANK-2", on(40, 0, 0, 0), "400.00")}
		}, 1, 0, 0, 0, 7, "0", "0"},
		{"a deposit, the rest unpaid", func(t *testing.T) []terms.Payment {
			return []terms.Payment{pay(t, "BANK-1", feb10, "300.00")}
		}, 0, 0, 0, 1, 27, "0", "400"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := dealerInvoice(t).Settle(tc.payments(t), on(60, 0, 0, 0))
			require.NoError(t, err)
			assert.True(t, s.Overpaid.Amount().Equal(d(tc.overpaid)), "overpaid %s", s.Overpaid)
			r, err := terms.NewRecord([]terms.Settlement{s})
			require.NoError(t, err)
			assert.Equal(t, tc.settled, r.Settled, "settled")
			assert.Equal(t, tc.onTime, r.OnTime, "on time")
			assert.Equal(t, tc.discounted, r.Discounted, "discounted")
			assert.Equal(t, tc.overdue, r.Overdue, "overdue")
			assert.Equal(t, tc.daysLate, r.DaysLate, "days late")
			assert.Equal(t, s.DaysLate, r.DaysLate, "the settlement's days late")
			assert.True(t, r.OpenOverdue.Amount().Equal(d(tc.openOverdue)), "open overdue %s", r.OpenOverdue)
		})
	}
}

// A prepayment is checked as any payment: nothing else is loosened.
func TestSettlePrepaymentRejects(t *testing.T) {
	before := issued.Add(-48 * time.Hour)
	for _, tc := range []struct {
		name    string
		payment terms.Payment
		want    string
	}{
		{"negative", pay(t, "P1", before, "-686.00"), "payments[0].amount not_positive"},
		{"zero", pay(t, "P1", before, "0"), "payments[0].amount not_positive"},
		{"other currency", terms.Payment{ID: "P1", At: before, Amount: money(t, "686.00", "USD")}, "payments[0].amount mismatch"},
		{"finer than cents", pay(t, "P1", before, "686.001"), "payments[0].amount format"},
		{"no ID", pay(t, "", before, "686.00"), "payments[0].id required"},
		{"year 0", pay(t, "P1", time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), "686.00"), "payments[0].at out_of_range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := dealerInvoice(t).Settle([]terms.Payment{tc.payment}, on(60, 0, 0, 0))
			assert.Equal(t, []string{tc.want}, fields(t, err))
			assert.Equal(t, terms.Settlement{}, s)
		})
	}
}
