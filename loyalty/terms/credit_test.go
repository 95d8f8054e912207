package terms_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
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
		{"paid in full after the discount date, a credit note then brings the discount back",
			func(t *testing.T) []terms.Payment {
				return []terms.Payment{pay(t, "P1", on(8, 9, 0, 0), "588.00"), pay(t, "P2", on(20, 0, 0, 0), "112.00")}
			},
			func(t *testing.T) []terms.CreditNote {
				return []terms.CreditNote{note(t, "CN-1", on(25, 0, 0, 0), "100.00")}
			},
			on(60, 0, 0, 0), want{true, on(20, 0, 0, 0), "600", "100", "700", "12", "0", "112", "0", 0,
				"700.00 EUR − 100.00 EUR credited = 600.00 EUR; settled 2025-03-20 with the cash discount of 12.00 EUR: 588.00 EUR paid by 2025-03-13, 700.00 EUR in all; 112.00 EUR overpaid"}},
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
		{"before the invoice and more than it, both said", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{note(t, "CN-1", issued.Add(-time.Hour), "800.00")}
		}, []string{"credits[0].amount too_many", "credits[0].at order"}, "total 800.00 EUR, more than the invoice amount 700.00 EUR"},
		{"no ID and more than the invoice: not named by an empty ID", func(t *testing.T) []terms.CreditNote {
			return []terms.CreditNote{note(t, "", on(5, 0, 0, 0), "800.00")}
		}, []string{"credits[0].amount too_many", "credits[0].id required"}, "credits[0].amount: the credit notes total 800.00 EUR, more than the invoice amount 700.00 EUR"},
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

// The cash discount recomputed on the amount less the credit notes is
// rounded half up to the minor unit of the currency: none for JPY,
// three decimals for KWD. A payment of the amount less that discount by
// the discount date settles the invoice with it; one minor unit less
// leaves it open, with that unit still to pay for the discount.
func TestSettleWithCreditRoundsInMinorUnits(t *testing.T) {
	for _, tc := range []struct {
		name              string
		cur, list, credit string
		amount, discount  string
		threshold         string // amount − discount
	}{
		{"JPY: 2 % of 7025 is 140.5, 141", "JPY", "10050", "10", "7025", "141", "6884"},
		{"JPY: 2 % of 7000 is 140", "JPY", "10050", "35", "7000", "140", "6860"},
		{"JPY: 2 % of 25 is 0.5, 1", "JPY", "100", "45", "25", "1", "24"},
		{"JPY: 2 % of 24 is 0.48, none", "JPY", "100", "46", "24", "0", "24"},
		{"KWD: 2 % of 0.675 is 0.0135, 0.014", "KWD", "1.000", "0.025", "0.675", "0.014", "0.661"},
		{"KWD: 2 % of 0.650 is 0.013", "KWD", "1.000", "0.050", "0.650", "0.013", "0.637"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := twoTen()
			tm.Currency = customer.Currency(tc.cur)
			inv, err := tm.Invoice("INV-1", "D-7", customer.Dealer, money(t, tc.list, tc.cur), issued)
			require.NoError(t, err)
			cs := []terms.CreditNote{{ID: "CN-1", At: on(5, 0, 0, 0), Amount: money(t, tc.credit, tc.cur)}}
			one := decimal.New(1, -customer.Currency(tc.cur).Digits())
			for _, short := range []bool{false, true} {
				amt := d(tc.threshold)
				if short {
					amt = amt.Sub(one)
				}
				ps := []terms.Payment{{ID: "P1", At: on(8, 0, 0, 0), Amount: money(t, amt.String(), tc.cur)}}
				s, err := inv.SettleWith(ps, cs, on(10, 0, 0, 0))
				require.NoError(t, err)
				assert.True(t, s.Amount.Amount().Equal(d(tc.amount)), "amount %s", s.Amount)
				sum := s.Owed.Amount().Add(s.Paid.Amount()).Sub(s.Overpaid.Amount()).Add(s.Discount.Amount())
				assert.True(t, sum.Equal(s.Amount.Amount()), "owed + paid − overpaid + discount = %s", sum)
				if !short {
					assert.True(t, s.Settled, s.Explain)
					assert.True(t, s.Discount.Amount().Equal(d(tc.discount)), "discount %s", s.Discount)
					assert.True(t, s.Overpaid.IsZero(), "overpaid %s", s.Overpaid)
					continue
				}
				assert.False(t, s.Settled, s.Explain)
				assert.True(t, s.Owed.Amount().Equal(d(tc.discount).Add(one)), "owed %s", s.Owed)
				if d(tc.discount).Sign() > 0 {
					assert.True(t, s.WithDiscount.Amount().Equal(one), "with discount %s", s.WithDiscount)
				} else {
					assert.True(t, s.WithDiscount.IsZero(), "no discount to offer: %s", s.WithDiscount)
				}
			}
		})
	}
}

// A credit note after a payment with the discount pays back its amount
// less the fall of the rounded discount, not less its own rounded 2 %:
// 700.74 EUR has 14.01 off (14.0148), 700.25 EUR too (14.005), so a
// credit note of 0.49 EUR (2 % of it rounds to 0.01) is overpaid whole.
func TestSettleWithCreditAfterDiscountRounding(t *testing.T) {
	inv, err := twoTen().Invoice("INV-1", "D-7", customer.Dealer, money(t, "1001.06", "EUR"), issued)
	require.NoError(t, err)
	require.Equal(t, "700.74 EUR", inv.Amount.String())
	require.Equal(t, "14.01 EUR", inv.CashDiscount.String())
	s, err := inv.SettleWith([]terms.Payment{pay(t, "P1", on(8, 0, 0, 0), "686.73")},
		[]terms.CreditNote{note(t, "CN-1", on(20, 0, 0, 0), "0.49")}, on(60, 0, 0, 0))
	require.NoError(t, err)
	assert.Equal(t, "14.01 EUR", s.Discount.String())
	assert.Equal(t, "0.49 EUR", s.Overpaid.String())
}
