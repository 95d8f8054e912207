package terms_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
	"pgregory.net/rapid"
)

// historyCredit is a credit note of the history tests: the units sent
// back, or none for an allowance on goods kept.
type historyCredit struct {
	note terms.CreditNote
	back []customer.ReturnLine
}

// historyOf records the invoice of the order SO-1 (lines at list price,
// the functional discount allocated over them as their discounts) in the
// customer history by the mapping of the package documentation, and
// returns the history's summary as of asOf with the invoice's settlement
// then. At each instant at which payments or credit notes count, the
// change of the settlement's Discount is recorded: a rise as a
// PriceReduction credit of the order at that instant, a fall, which only
// credit notes bring, taken off what they pay back. A credit note is a
// return of kind Refund of its units, or a PriceReduction credit for an
// allowance, of its amount less that fall.
func historyOf(t require.TestingT, inv terms.Invoice, lines []customer.Line, ps []terms.Payment, cs []historyCredit, asOf time.Time) (customer.Summary, terms.Settlement) {
	gross := make([]decimal.Decimal, len(lines))
	for i, l := range lines {
		gross[i] = l.Gross()
	}
	discounts, err := inv.Functional.Allocate(gross...)
	require.NoError(t, err)
	lines = slices.Clone(lines)
	for i := range lines {
		lines[i].Discount = discounts[i].Amount()
	}
	order := customer.Order{ID: "SO-1", CustomerID: inv.Customer, Time: inv.Issued, Channel: customer.Wholesale,
		Currency: inv.Amount.Currency(), Lines: lines}
	events := []customer.Event{{Order: &order}}

	notes := make([]terms.CreditNote, len(cs))
	for i, c := range cs {
		notes[i] = c.note
	}
	discountAsOf := func(at time.Time) decimal.Decimal {
		if at.Before(inv.Issued) {
			return decimal.Zero
		}
		s, err := inv.SettleWith(ps, notes, at)
		require.NoError(t, err)
		return s.Discount.Amount()
	}
	var instants []time.Time
	for _, p := range ps {
		instants = append(instants, maxTime(p.At, inv.Issued))
	}
	for _, c := range cs {
		instants = append(instants, c.note.At)
	}
	slices.SortFunc(instants, func(a, b time.Time) int { return a.Compare(b) })
	instants = slices.CompactFunc(instants, time.Time.Equal)
	cur := inv.Amount.Currency()
	for i, at := range instants {
		if at.After(asOf) {
			break
		}
		change := discountAsOf(at).Sub(discountAsOf(at.Add(-time.Nanosecond)))
		if change.Sign() > 0 {
			m, err := customer.MoneyFromDecimal(change, cur)
			require.NoError(t, err)
			events = append(events, customer.Event{Credit: &customer.Credit{ID: "CASH-" + strconv.Itoa(i), CustomerID: inv.Customer,
				OrderID: order.ID, Time: at, Kind: customer.PriceReduction, Amount: m, Source: inv.ID}})
		}
		fall := decimal.Max(change.Neg(), decimal.Zero)
		for _, c := range cs {
			if !c.note.At.Equal(at) {
				continue
			}
			take := decimal.Min(fall, c.note.Amount.Amount())
			fall = fall.Sub(take)
			back := c.note.Amount.Amount().Sub(take)
			if c.back != nil {
				events = append(events, customer.Event{Return: &customer.Return{ID: c.note.ID, OrderID: order.ID, CustomerID: inv.Customer,
					Time: at, Kind: customer.Refund, Reason: customer.QualityDefect, Lines: c.back, Refund: decimal.NewNullDecimal(back)}})
				continue
			}
			if back.Sign() == 0 {
				continue
			}
			m, err := customer.MoneyFromDecimal(back, cur)
			require.NoError(t, err)
			events = append(events, customer.Event{Credit: &customer.Credit{ID: c.note.ID, CustomerID: inv.Customer, OrderID: order.ID,
				Time: at, Kind: customer.PriceReduction, Amount: m, Source: inv.ID}})
		}
		require.True(t, fall.IsZero(), "the discount fell by more than the credit notes of %v", at)
	}
	sum, err := customer.Summarize(inv.Customer, customer.Intermediary, asOf, slices.Values(events), nil)
	require.NoError(t, err)
	s, err := inv.SettleWith(ps, notes, asOf)
	require.NoError(t, err)
	return sum, s
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// The history's net is what the intermediary paid and kept, Paid −
// Overpaid, to the cent, wherever the credit notes fall: before the
// payment, after a payment with the cash discount (which they lower),
// after the discount date on an invoice they then settle with the
// discount, after the invoice was paid in full without it (they bring
// the discount back), after a prepayment of more than the invoice, and
// for everything sent back. INV-1 of the tests' example: list 2100.00
// EUR, 1470.00 EUR after 30 %, 29.40 EUR off until 13 March, due
// 2 April; a coat's net is 84.00 EUR, a knit's 31.50 EUR.
func TestHistoryNetIsWhatWasPaidAndKept(t *testing.T) {
	lines := []customer.Line{
		{ID: "1", SKU: "COAT-7", Category: "coats", Quantity: 10, UnitPrice: d("120.00")},
		{ID: "2", SKU: "KNIT-3", Category: "knitwear", Quantity: 20, UnitPrice: d("45.00")},
	}
	inv, err := twoTen().Invoice("INV-1", "D-7", customer.Dealer, money(t, "2100.00", "EUR"), issued)
	require.NoError(t, err)
	require.Equal(t, "29.40 EUR", inv.CashDiscount.String())
	twoCoats := func(id string, at time.Time) historyCredit {
		return historyCredit{note(t, id, at, "168.00"), []customer.ReturnLine{{LineID: "1", Quantity: -2}}}
	}
	allowance := func(id string, at time.Time, amount string) historyCredit {
		return historyCredit{note: note(t, id, at, amount)}
	}
	for _, tc := range []struct {
		name     string
		payments []terms.Payment
		credits  []historyCredit
		kept     string // Paid − Overpaid
		discount string
	}{
		{"a return before the discounted payment",
			[]terms.Payment{pay(t, "B1", on(12, 0, 0, 0), "1275.96")}, []historyCredit{twoCoats("CN-1", on(8, 0, 0, 0))}, "1275.96", "26.04"},
		{"a return after the discounted payment",
			[]terms.Payment{pay(t, "B1", on(12, 0, 0, 0), "1440.60")}, []historyCredit{twoCoats("CN-1", on(20, 0, 0, 0))}, "1275.96", "26.04"},
		{"an allowance after the discounted payment",
			[]terms.Payment{pay(t, "B1", on(12, 0, 0, 0), "1440.60")}, []historyCredit{allowance("CN-1", on(20, 0, 0, 0), "100.00")}, "1342.60", "27.40"},
		{"a short payment in time, settled with the discount by a later return",
			[]terms.Payment{pay(t, "B1", on(12, 0, 0, 0), "1275.96")}, []historyCredit{twoCoats("CN-1", on(15, 0, 0, 0))}, "1275.96", "26.04"},
		{"a short payment in time, the rest late, then a return brings the discount back",
			[]terms.Payment{pay(t, "B1", on(12, 0, 0, 0), "1275.96"), pay(t, "B2", on(20, 0, 0, 0), "194.04")},
			[]historyCredit{twoCoats("CN-1", on(25, 0, 0, 0))}, "1275.96", "26.04"},
		{"a prepayment of more than the invoice, then a return",
			[]terms.Payment{pay(t, "B1", on(1, 0, 0, 0), "1500.00")}, []historyCredit{twoCoats("CN-1", on(20, 0, 0, 0))}, "1275.96", "26.04"},
		{"paid late in full, then a return",
			[]terms.Payment{pay(t, "B1", on(40, 0, 0, 0), "1470.00")}, []historyCredit{twoCoats("CN-1", on(45, 0, 0, 0))}, "1302.00", "0"},
		{"two returns and an allowance around the discounted payment",
			[]terms.Payment{pay(t, "B1", on(12, 0, 0, 0), "1357.16")},
			[]historyCredit{twoCoats("CN-1", on(5, 0, 0, 0)), allowance("CN-2", on(18, 0, 0, 0), "33.33"),
				{note(t, "CN-3", on(22, 0, 0, 0), "94.50"), []customer.ReturnLine{{LineID: "2", Quantity: -3}}}},
			"1150.69", "23.48"},
		{"everything sent back after the discounted payment",
			[]terms.Payment{pay(t, "B1", on(12, 0, 0, 0), "1440.60")},
			[]historyCredit{{note(t, "CN-1", on(20, 0, 0, 0), "1470.00"), []customer.ReturnLine{{LineID: "1", Quantity: -10}, {LineID: "2", Quantity: -20}}}},
			"0.00", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, s := historyOf(t, inv, lines, tc.payments, tc.credits, on(60, 0, 0, 0))
			require.True(t, s.Settled, s.Explain)
			kept := s.Paid.Amount().Sub(s.Overpaid.Amount())
			require.True(t, kept.Equal(d(tc.kept)), "paid and kept %s, want %s: %s", kept, tc.kept, s.Explain)
			require.True(t, s.Discount.Amount().Equal(d(tc.discount)), "discount %s, want %s", s.Discount, tc.discount)
			require.True(t, sum.Net().Equal(kept), "history net %s, paid and kept %s: %s", sum.Net(), kept, s.Explain)
			require.True(t, sum.Gross.Equal(d("2100.00")), "gross %s", sum.Gross)
			require.True(t, sum.Discounts.Equal(d("630.00")), "discounts %s", sum.Discounts)
		})
	}
}

// Whatever the payments and the allowances, the history's net is Amount
// − Discount, which is Paid − Overpaid once settled: in EUR, JPY and
// KWD, with prepayments, late payers and credit notes that take all of
// the amount.
func TestPropHistoryNet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, inv := genInvoice(t)
		lines := []customer.Line{{ID: "1", SKU: "SKU-1", Category: "coats", Quantity: 1, UnitPrice: inv.List.Amount()}}
		var cs []historyCredit
		for _, c := range genCredits(t, inv) {
			cs = append(cs, historyCredit{note: c})
		}
		ps := genPayments(t, inv)
		asOf := inv.Issued.Add(time.Duration(rapid.Int64Range(0, 200*24*3600).Draw(t, "asOf s")) * time.Second)
		sum, s := historyOf(t, inv, lines, ps, cs, asOf)
		want := s.Amount.Amount().Sub(s.Discount.Amount())
		if !sum.Net().Equal(want) {
			t.Fatalf("history net %s, amount %s − discount %s = %s: %s", sum.Net(), s.Amount, s.Discount, want, s.Explain)
		}
		if kept := s.Paid.Amount().Sub(s.Overpaid.Amount()); s.Settled && !kept.Equal(want) {
			t.Fatalf("settled, paid and kept %s, history net %s", kept, sum.Net())
		}
	})
}
