package terms_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
)

func note(t testing.TB, id string, at time.Time, amount string) terms.CreditNote {
	return terms.CreditNote{ID: id, At: at, Amount: money(t, amount, "EUR")}
}

// A credit note reduces the invoice's amount, and the cash discount is
// recomputed on what is left (2/10 net 30 on the invoice less its
// returns and allowances). INV-1: 700.00 EUR, 14.00 EUR off until
// 13 March, due 2 April.
func TestSettleWithCreditNotes(t *testing.T) {
	type want struct {
		settled                                            bool
		settledAt                                          time.Time
		amount, credited, paid, discount, owed, over, with string
		daysLate                                           int
		explain                                            string
	}
	for _, tc := range []struct {
		name     string
		payments func(t *testing.T) []terms.Payment
		credits  func(t *testing.T) []terms.CreditNote
		asOf     time.Time
		want     want
	}{
		{"a return before the payment",
			func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "588.00")} },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(5, 10, 0, 0), "100.00")}
			},
			on(60, 0, 0, 0), want{true, on(8, 9, 0, 0), "600", "100", "588", "12", "0", "0", "0", 0,
				"700.00 EUR − 100.00 EUR credited = 600.00 EUR; settled 2025-03-08 with the cash discount of 12.00 EUR: 588.00 EUR paid by 2025-03-13"}},
		{"a return after the discounted payment",
			func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "686.00")} },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(20, 0, 0, 0), "100.00")}
			},
			on(60, 0, 0, 0), want{true, on(8, 9, 0, 0), "600", "100", "686", "12", "0", "98", "0", 0,
				"700.00 EUR − 100.00 EUR credited = 600.00 EUR; settled 2025-03-08 with the cash discount of 12.00 EUR: 686.00 EUR paid by 2025-03-13; 98.00 EUR overpaid"}},
		{"a credit note after asOf is left out",
			func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "686.00")} },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(20, 0, 0, 0), "100.00")}
			},
			on(19, 0, 0, 0), want{true, on(8, 9, 0, 0), "700", "0", "686", "14", "0", "0", "0", 0,
				"settled 2025-03-08 with the cash discount of 14.00 EUR: 686.00 EUR paid by 2025-03-13"}},
		{"a short payment in time, the credit note later: open before it",
			func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "588.00")} },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(15, 10, 0, 0), "100.00")}
			},
			on(12, 0, 0, 0), want{false, time.Time{}, "700", "0", "588", "0", "112", "0", "98", 0,
				"open: 112.00 EUR owed, due 2025-04-02, or 98.00 EUR by 2025-03-13 with the cash discount"}},
		{"a short payment in time, the credit note later: settled by it",
			func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "588.00")} },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(15, 10, 0, 0), "100.00")}
			},
			on(60, 0, 0, 0), want{true, on(15, 10, 0, 0), "600", "100", "588", "12", "0", "0", "0", 0,
				"700.00 EUR − 100.00 EUR credited = 600.00 EUR; settled 2025-03-15 with the cash discount of 12.00 EUR: 588.00 EUR paid by 2025-03-13"}},
		{"a credit note after the due date settles an underpaid invoice late",
			func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(20, 0, 0, 0), "500.00")} },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(40, 0, 0, 0), "200.00")}
			},
			on(60, 0, 0, 0), want{true, on(40, 0, 0, 0), "500", "200", "500", "0", "0", "0", "0", 7,
				"700.00 EUR − 200.00 EUR credited = 500.00 EUR; settled 2025-04-09, 7 days after the due date 2025-04-02: 500.00 EUR paid"}},
		{"open with a credit note: the discount is offered on the rest",
			func(t *testing.T) []terms.Payment { return nil },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-2", on(6, 0, 0, 0), "50.00"), note(t, "CN-1", on(5, 0, 0, 0), "50.00")}
			},
			on(7, 0, 0, 0), want{false, time.Time{}, "600", "100", "0", "0", "600", "0", "588", 0,
				"700.00 EUR − 100.00 EUR credited = 600.00 EUR; open: 600.00 EUR owed, due 2025-04-02, or 588.00 EUR by 2025-03-13 with the cash discount"}},
		{"credited in full",
			func(t *testing.T) []terms.Payment { return nil },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(6, 0, 0, 0), "700.00")}
			},
			on(60, 0, 0, 0), want{true, on(6, 0, 0, 0), "0", "700", "0", "0", "0", "0", "0", 0,
				"700.00 EUR − 700.00 EUR credited = 0.00 EUR; credited in full, settled 2025-03-06: 0.00 EUR paid"}},
		{"credited in full after a discounted payment",
			func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(4, 0, 0, 0), "686.00")} },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(6, 0, 0, 0), "700.00")}
			},
			on(60, 0, 0, 0), want{true, on(4, 0, 0, 0), "0", "700", "686", "0", "0", "686", "0", 0,
				"700.00 EUR − 700.00 EUR credited = 0.00 EUR; credited in full, settled 2025-03-04: 686.00 EUR paid; 686.00 EUR overpaid"}},
		{"the recomputed discount is rounded half up: 2 % of 699.70 is 13.99",
			func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 0, 0, 0), "685.71")} },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(5, 0, 0, 0), "0.30")}
			},
			on(60, 0, 0, 0), want{true, on(8, 0, 0, 0), "699.70", "0.30", "685.71", "13.99", "0", "0", "0", 0,
				"700.00 EUR − 0.30 EUR credited = 699.70 EUR; settled 2025-03-08 with the cash discount of 13.99 EUR: 685.71 EUR paid by 2025-03-13"}},
		{"one cent below the recomputed threshold",
			func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 0, 0, 0), "685.70")} },
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(5, 0, 0, 0), "0.30")}
			},
			on(10, 0, 0, 0), want{false, time.Time{}, "699.70", "0.30", "685.70", "0", "14.00", "0", "0.01", 0,
				"700.00 EUR − 0.30 EUR credited = 699.70 EUR; open: 14.00 EUR owed, due 2025-04-02, or 0.01 EUR by 2025-03-13 with the cash discount"}},
		{"an identical redelivery of a credit note counts once",
			func(t *testing.T) []terms.Payment { return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "588.00")} },
			func(t *testing.T) []terms.CreditNote {
				c := note(t, "CN-1", on(5, 10, 0, 0), "100.00")
				again := c
				again.At = c.At.In(time.FixedZone("JST", 9*3600))
				return []terms.CreditNote{c, again}
			},
			on(60, 0, 0, 0), want{true, on(8, 9, 0, 0), "600", "100", "588", "12", "0", "0", "0", 0,
				"700.00 EUR − 100.00 EUR credited = 600.00 EUR; settled 2025-03-08 with the cash discount of 12.00 EUR: 588.00 EUR paid by 2025-03-13"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := dealerInvoice(t)
			s, err := inv.SettleWith(tc.payments(t), tc.credits(t), tc.asOf)
			require.NoError(t, err)
			w := tc.want
			assert.Equal(t, w.settled, s.Settled, "settled")
			assert.True(t, w.settledAt.Equal(s.SettledAt), "settled at %v", s.SettledAt)
			for _, x := range []struct {
				name string
				got  customer.Money
				want string
			}{{"amount", s.Amount, w.amount}, {"credited", s.Credited, w.credited}, {"paid", s.Paid, w.paid},
				{"discount", s.Discount, w.discount}, {"owed", s.Owed, w.owed}, {"overpaid", s.Overpaid, w.over},
				{"with discount", s.WithDiscount, w.with}} {
				assert.True(t, x.got.Amount().Equal(d(x.want)), "%s: got %s, want %s", x.name, x.got, x.want)
				assert.Equal(t, customer.Currency("EUR"), x.got.Currency(), x.name)
			}
			assert.Equal(t, w.daysLate, s.DaysLate, "days late")
			assert.Equal(t, w.explain, s.Explain)
		})
	}
}

// Settle is SettleWith without credit notes.
func TestSettleIsSettleWithNoCredits(t *testing.T) {
	inv := dealerInvoice(t)
	ps := []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "300.00"), pay(t, "P2", on(40, 0, 0, 0), "400.00")}
	a, err := inv.Settle(ps, on(60, 0, 0, 0))
	require.NoError(t, err)
	b, err := inv.SettleWith(ps, nil, on(60, 0, 0, 0))
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.True(t, a.Credited.IsZero())
	assert.Equal(t, customer.Currency("EUR"), a.Credited.Currency())
}

func TestSettleWithRejects(t *testing.T) {
	ok := pay(t, "P1", on(8, 0, 0, 0), "588.00")
	for _, tc := range []struct {
		name    string
		credits func(t *testing.T) []terms.CreditNote
		want    []string
		message string
	}{
		{"empty ID", func(t *testing.T) []terms.CreditNote { return []terms.CreditNote{note(t, "", on(5, 0, 0, 0), "1")} },
			[]string{"credits[0].id required"}, "credits[0].id: is empty"},
		{"zero time", func(t *testing.T) []terms.CreditNote { return []terms.CreditNote{note(t, "CN-1", time.Time{}, "1")} },
			[]string{"credits[0].at required"}, `credits[0].at: credit note "CN-1": is zero`},
		{"before the invoice", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{note(t, "CN-1", issued.Add(-time.Second), "1")}
		}, []string{"credits[0].at order"}, `credit note "CN-1": 2025-03-03T08:59:59Z is before the invoice was issued at 2025-03-03T09:00:00Z`},
		{"year 10000", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{note(t, "CN-1", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "1")}
		}, []string{"credits[0].at out_of_range"}, "year 10000"},
		{"a negative credit note", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{note(t, "CN-1", on(5, 0, 0, 0), "-100")}
		},
			[]string{"credits[0].amount not_positive"}, `credit note "CN-1": must be positive, is -100`},
		{"zero", func(t *testing.T) []terms.CreditNote { return []terms.CreditNote{note(t, "CN-1", on(5, 0, 0, 0), "0")} },
			[]string{"credits[0].amount not_positive"}, "must be positive, is 0"},
		{"other currency", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{{ID: "CN-1", At: on(5, 0, 0, 0), Amount: money(t, "100", "USD")}}
		}, []string{"credits[0].amount mismatch"}, `is in "USD", the invoice's currency is EUR`},
		{"finer than cents", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{note(t, "CN-1", on(5, 0, 0, 0), "0.005")}
		},
			[]string{"credits[0].amount format"}, "has more decimals"},
		{"duplicate ID with another amount", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{note(t, "CN-1", on(5, 0, 0, 0), "100"), note(t, "CN-1", on(5, 0, 0, 0), "101")}
		}, []string{"credits[1].id duplicate"}, `credit note "CN-1": is also credits[0], with another time or amount`},
		{"more than the invoice", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{note(t, "CN-1", on(5, 0, 0, 0), "500.00"), note(t, "CN-2", on(6, 0, 0, 0), "300.00")}
		}, []string{"credits[1].amount too_many"}, `credit note "CN-2": the credit notes total 800.00 EUR, more than the invoice amount 700.00 EUR`},
		{"more than the invoice, also when one comes after asOf", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{note(t, "CN-2", on(90, 0, 0, 0), "0.01"), note(t, "CN-1", on(5, 0, 0, 0), "700.00")}
		}, []string{"credits[0].amount too_many"}, "total 700.01 EUR"},
		{"every fault at once", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{
				{ID: "", At: time.Time{}, Amount: money(t, "1", "USD")},
				note(t, "CN-2", issued.Add(-time.Hour), "-1"),
			}
		}, []string{"credits[0].amount mismatch", "credits[0].at required", "credits[0].id required",
			"credits[1].amount not_positive", "credits[1].at order"}, `settlement of invoice "INV-1": `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := dealerInvoice(t)
			cs := tc.credits(t)
			before := append([]terms.CreditNote(nil), cs...)
			s, err := inv.SettleWith([]terms.Payment{ok}, cs, on(60, 0, 0, 0))
			assert.Equal(t, tc.want, fields(t, err))
			assert.Contains(t, err.Error(), `settlement of invoice "INV-1": `)
			assert.Contains(t, err.Error(), tc.message)
			assert.Equal(t, terms.Settlement{}, s, "a rejected settlement returns nothing")
			assert.Equal(t, before, cs, "the credit notes are left alone")
		})
	}
}

// A payment and a credit note may share an ID: they are numbered in
// different series.
func TestSettleWithSharedIDs(t *testing.T) {
	inv := dealerInvoice(t)
	s, err := inv.SettleWith([]terms.Payment{pay(t, "2025-17", on(8, 0, 0, 0), "588.00")},
		[]terms.CreditNote{note(t, "2025-17", on(5, 0, 0, 0), "100.00")}, on(60, 0, 0, 0))
	require.NoError(t, err)
	assert.True(t, s.Settled)
}
