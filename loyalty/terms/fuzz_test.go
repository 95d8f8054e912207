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

// Amounts within the bounds of customer.ParseAmount are accepted, as
// everywhere in the library: 30 integer digits and the currency's
// decimals.
func TestInvoiceTakesAmountsParseAmountTakes(t *testing.T) {
	big := "123456789012345678901234567890.12"
	_, err := customer.ParseAmount(big)
	require.NoError(t, err)
	inv, err := twoTen().Invoice("INV-9", "D-7", customer.Dealer, money(t, big, "EUR"), issued)
	require.NoError(t, err)
	assert.True(t, inv.Amount.Amount().Add(inv.Functional.Amount()).Equal(d(big)))
}

// FuzzSettle prices an invoice and settles it with amounts and terms
// read from text: whatever they are, the call returns (no panic, no
// hang) with an error or with a settlement that adds up.
func FuzzSettle(f *testing.F) {
	f.Add("1000.00", "30", "2", 10, 30, "686.00", int64(8*24), "14.00", int64(40*24))
	f.Add("1e400", "30", "2", 10, 30, "1", int64(1), "1", int64(2))
	f.Add("0.01", "99.99", "99.99", 0, 0, "0.01", int64(0), "-1", int64(-5))
	f.Add("5", "1e-2147483648", "2", 10, 30, "5", int64(24), "5", int64(24))
	f.Fuzz(func(t *testing.T, list, functional, cash string, cashDays, netDays int, pay1 string, h1 int64, pay2 string, h2 int64) {
		fp, err1 := decimal.NewFromString(functional)
		cp, err2 := decimal.NewFromString(cash)
		if err1 != nil || err2 != nil {
			return
		}
		tm := terms.Terms{Currency: "EUR", Functional: map[customer.Role]decimal.Decimal{customer.Dealer: fp},
			Cash: terms.CashDiscount{Percent: cp, Days: cashDays}, NetDays: netDays}
		l, err := customer.NewMoney(list, "EUR")
		if err != nil {
			return
		}
		inv, err := tm.Invoice("INV-1", "D-1", customer.Dealer, l, issued)
		if err != nil {
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve) // bad terms or a list they cannot price
			return
		}
		var pays []terms.Payment
		for i, p := range []struct {
			amount string
			hours  int64
		}{{pay1, h1}, {pay2, h2}} {
			m, err := customer.NewMoney(p.amount, "EUR")
			if err != nil {
				continue
			}
			pays = append(pays, terms.Payment{ID: string(rune('a' + i)), At: issued.Add(time.Duration(p.hours%(1<<20)) * time.Hour), Amount: m})
		}
		s, err := inv.Settle(pays, issued.Add(400*24*time.Hour))
		if err != nil {
			return
		}
		sum := s.Owed.Amount().Add(s.Paid.Amount()).Sub(s.Overpaid.Amount()).Add(s.Discount.Amount())
		require.True(t, sum.Equal(inv.Amount.Amount()), "owed %s + paid %s − overpaid %s + discount %s ≠ amount %s",
			s.Owed, s.Paid, s.Overpaid, s.Discount, inv.Amount)
		require.GreaterOrEqual(t, s.Owed.Sign(), 0)
	})
}

// FuzzSettleWith settles an invoice with a payment, perhaps made before
// the invoice, and a credit note, with amounts and instants read from
// text: whatever they are, the call returns with a validation error or
// with a settlement that adds up, the credit note taken off the amount.
func FuzzSettleWith(f *testing.F) {
	f.Add("1000.00", "588.00", int64(8*24), "100.00", int64(5*24), int64(40*24))
	f.Add("1000.00", "686.00", int64(-3), "700.00", int64(24), int64(24))
	f.Add("1000.00", "1", int64(-1<<40), "700.01", int64(0), int64(0))
	f.Add("0.05", "-1", int64(0), "1e400", int64(-1), int64(1))
	f.Fuzz(func(t *testing.T, list, payment string, ph int64, credit string, ch, asOfH int64) {
		l, err := customer.NewMoney(list, "EUR")
		if err != nil {
			return
		}
		inv, err := twoTen().Invoice("INV-1", "D-7", customer.Dealer, l, issued)
		if err != nil {
			return
		}
		hours := func(h int64) time.Time { return issued.Add(time.Duration(h%(1<<20)) * time.Hour) }
		var pays []terms.Payment
		if m, err := customer.NewMoney(payment, "EUR"); err == nil {
			pays = append(pays, terms.Payment{ID: "P", At: hours(ph), Amount: m})
		}
		var notes []terms.CreditNote
		if m, err := customer.NewMoney(credit, "EUR"); err == nil {
			notes = append(notes, terms.CreditNote{ID: "C", At: hours(ch), Amount: m})
		}
		s, err := inv.SettleWith(pays, notes, hours(asOfH))
		if err != nil {
			var ve *customer.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, terms.Settlement{}, s)
			return
		}
		sum := s.Owed.Amount().Add(s.Paid.Amount()).Sub(s.Overpaid.Amount()).Add(s.Discount.Amount())
		require.True(t, sum.Equal(s.Amount.Amount()), "owed %s + paid %s − overpaid %s + discount %s ≠ amount %s",
			s.Owed, s.Paid, s.Overpaid, s.Discount, s.Amount)
		require.True(t, s.Amount.Amount().Add(s.Credited.Amount()).Equal(inv.Amount.Amount()))
		require.GreaterOrEqual(t, s.Owed.Sign(), 0)
		require.GreaterOrEqual(t, s.Amount.Sign(), 0)
		require.False(t, s.Settled && s.SettledAt.Before(inv.Issued))
	})
}
