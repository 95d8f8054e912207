package terms_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
)

// threeInvoices returns the settlements as of at of three open invoices
// of dealer D-7: INV-3 (140.00 EUR, 2.80 EUR off until 11 March, due
// 31 March), INV-1 (700.00, 14.00 until 13 March, due 2 April) and
// INV-2 (350.00, 7.00 until 20 March, due 9 April), in that order of
// their due dates but given out of it.
func threeInvoices(t *testing.T, at time.Time) []terms.Settlement {
	tm := twoTen()
	var out []terms.Settlement
	for _, c := range []struct {
		id     string
		list   string
		issued time.Time
	}{{"INV-1", "1000.00", issued}, {"INV-2", "500.00", on(10, 9, 0, 0)}, {"INV-3", "200.00", on(1, 9, 0, 0)}} {
		inv, err := tm.Invoice(c.id, "D-7", customer.Dealer, money(t, c.list, "EUR"), c.issued)
		require.NoError(t, err)
		s, err := inv.Settle(nil, at)
		require.NoError(t, err)
		out = append(out, s)
	}
	return out
}

func TestAllocate(t *testing.T) {
	at := on(12, 10, 0, 0)
	for _, tc := range []struct {
		name   string
		amount string
		want   []string // invoice amount, in order
		left   string
	}{
		// INV-3's discount date has passed: its whole amount. INV-1 and
		// INV-2 are still within theirs: the discounted amounts.
		{"more than all", "1400.00", []string{"INV-3 140.00 EUR", "INV-1 686.00 EUR", "INV-2 343.00 EUR"}, "231.00"},
		{"exactly all", "1169.00", []string{"INV-3 140.00 EUR", "INV-1 686.00 EUR", "INV-2 343.00 EUR"}, "0.00"},
		{"the last one in part", "900.00", []string{"INV-3 140.00 EUR", "INV-1 686.00 EUR", "INV-2 74.00 EUR"}, "0.00"},
		{"the oldest due only, in part", "0.01", []string{"INV-3 0.01 EUR"}, "0.00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open := threeInvoices(t, at)
			p := pay(t, "BANK-7", at, tc.amount)
			parts, left, err := terms.Allocate(p, open)
			require.NoError(t, err)
			var got []string
			for _, a := range parts {
				got = append(got, a.Invoice+" "+a.Payment.Amount.String())
				assert.Equal(t, "BANK-7", a.Payment.ID)
				assert.True(t, a.Payment.At.Equal(at))
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.left+" EUR", left.String())
		})
	}
}

// The parts, paid against their invoices, settle every invoice that got
// all it needed, with the discount where it was still open, and
// overpay none.
func TestAllocateSettles(t *testing.T) {
	at := on(12, 10, 0, 0)
	tm := twoTen()
	invs := map[string]terms.Invoice{}
	for _, c := range []struct {
		id, list string
		issued   time.Time
	}{{"INV-1", "1000.00", issued}, {"INV-2", "500.00", on(10, 9, 0, 0)}, {"INV-3", "200.00", on(1, 9, 0, 0)}} {
		inv, err := tm.Invoice(c.id, "D-7", customer.Dealer, money(t, c.list, "EUR"), c.issued)
		require.NoError(t, err)
		invs[c.id] = inv
	}
	parts, left, err := terms.Allocate(pay(t, "BANK-7", at, "1400.00"), threeInvoices(t, at))
	require.NoError(t, err)
	assert.Equal(t, "231.00 EUR", left.String())
	for _, a := range parts {
		s, err := invs[a.Invoice].Settle([]terms.Payment{a.Payment}, on(60, 0, 0, 0))
		require.NoError(t, err)
		assert.True(t, s.Settled, a.Invoice)
		assert.True(t, s.Overpaid.IsZero(), a.Invoice)
	}
}

// Settled invoices get nothing; equal due dates go by the discount
// date, then by the invoice ID.
func TestAllocateSkipsSettledAndBreaksTies(t *testing.T) {
	tm := twoTen()
	at := on(12, 10, 0, 0)
	var open []terms.Settlement
	for _, c := range []struct {
		id   string
		paid string
	}{{"B", ""}, {"A", ""}, {"C", "686.00"}} {
		inv, err := tm.Invoice(c.id, "D-7", customer.Dealer, money(t, "1000.00", "EUR"), issued)
		require.NoError(t, err)
		var ps []terms.Payment
		if c.paid != "" {
			ps = append(ps, pay(t, "OLD", on(5, 0, 0, 0), c.paid))
		}
		s, err := inv.Settle(ps, at)
		require.NoError(t, err)
		open = append(open, s)
	}
	parts, left, err := terms.Allocate(pay(t, "BANK-7", at, "1000.00"), open)
	require.NoError(t, err)
	require.Len(t, parts, 2)
	assert.Equal(t, "A", parts[0].Invoice)
	assert.Equal(t, "686.00 EUR", parts[0].Payment.Amount.String())
	assert.Equal(t, "B", parts[1].Invoice)
	assert.Equal(t, "314.00 EUR", parts[1].Payment.Amount.String())
	assert.True(t, left.IsZero())
}

// No invoices: the whole payment is left.
func TestAllocateNothingOpen(t *testing.T) {
	parts, left, err := terms.Allocate(pay(t, "BANK-7", on(12, 0, 0, 0), "100.00"), nil)
	require.NoError(t, err)
	assert.Empty(t, parts)
	assert.Equal(t, "100.00 EUR", left.String())
}

func TestAllocateRejects(t *testing.T) {
	at := on(12, 10, 0, 0)
	good := pay(t, "BANK-7", at, "1000.00")
	for _, tc := range []struct {
		name  string
		pay   terms.Payment
		spoil func(s []terms.Settlement)
		want  []string
	}{
		{"payment without ID", pay(t, "", at, "1000.00"), nil, []string{"payment.id required"}},
		{"payment of zero", pay(t, "BANK-7", at, "0"), nil, []string{"payment.amount not_positive"}},
		{"negative payment", pay(t, "BANK-7", at, "-5"), nil, []string{"payment.amount not_positive"}},
		{"payment finer than cents", pay(t, "BANK-7", at, "1.001"), nil, []string{"payment.amount format"}},
		{"payment in another currency", terms.Payment{ID: "BANK-7", At: at, Amount: money(t, "1000", "USD")}, nil,
			[]string{"payment.amount mismatch"}},
		{"payment at zero time", pay(t, "BANK-7", time.Time{}, "1000.00"), nil, []string{"payment.at required"}},
		{"settlement of another instant", good, func(s []terms.Settlement) { s[1].AsOf = s[1].AsOf.Add(time.Second) },
			[]string{"settlements[1].as_of mismatch"}},
		{"settlement of another customer", good, func(s []terms.Settlement) { s[2].Customer = "D-8" },
			[]string{"settlements[2].customer mismatch"}},
		{"settlement without invoice", good, func(s []terms.Settlement) { s[0].Invoice = "" },
			[]string{"settlements[0].invoice required"}},
		{"the same invoice twice", good, func(s []terms.Settlement) { s[2].Invoice = s[0].Invoice },
			[]string{"settlements[2].invoice duplicate"}},
		{"settlement in another currency", good, func(s []terms.Settlement) {
			s[1].Owed, s[1].WithDiscount = mustMoney(s[1].Owed.Amount(), "USD"), mustMoney(s[1].WithDiscount.Amount(), "USD")
		}, []string{"settlements[1].owed mismatch", "settlements[1].with_discount mismatch"}},
		{"a first settlement without a currency", good, func(s []terms.Settlement) {
			s[0].Owed, s[0].WithDiscount, s[0].Amount = customer.Money{}, customer.Money{}, customer.Money{}
		}, []string{"settlements[0].amount unknown"}},
		{"a first settlement without a currency, and a bad payment", pay(t, "BANK-7", at, "-1"), func(s []terms.Settlement) {
			s[0].Owed, s[0].WithDiscount, s[0].Amount = customer.Money{}, customer.Money{}, customer.Money{}
		}, []string{"payment.amount not_positive", "settlements[0].amount unknown"}},
		{"negative owed", good, func(s []terms.Settlement) { s[1].Owed = s[1].Owed.Neg() }, []string{"settlements[1].owed negative"}},
		{"with discount above owed", good, func(s []terms.Settlement) { s[1].WithDiscount = s[1].Owed.Mul(d("2")) },
			[]string{"settlements[1].with_discount out_of_range"}},
		// A positive WithDiscount must be below Owed (Allocate's doc): one
		// equal to it is no discount and is refused too, not read as one.
		{"with discount equal to owed", good, func(s []terms.Settlement) { s[1].WithDiscount = s[1].Owed },
			[]string{"settlements[1].with_discount out_of_range"}},
		{"every fault at once", pay(t, "", time.Time{}, "0"), func(s []terms.Settlement) { s[0].Invoice = ""; s[2].Customer = "X" },
			[]string{"payment.amount not_positive", "payment.at required", "payment.id required",
				"settlements[0].invoice required", "settlements[2].customer mismatch"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open := threeInvoices(t, at)
			if tc.spoil != nil {
				tc.spoil(open)
			}
			before := append([]terms.Settlement(nil), open...)
			parts, left, err := terms.Allocate(tc.pay, open)
			assert.Equal(t, tc.want, fields(t, err))
			assert.Contains(t, err.Error(), "allocation of payment ")
			assert.Nil(t, parts)
			assert.Equal(t, customer.Money{}, left)
			assert.Equal(t, before, open)
		})
	}
}

// A settlement built by hand or read back may leave WithDiscount as the
// zero Money: that is no discount, in any currency (Allocate's doc),
// and the invoice gets what it owes, not a currency fault.
func TestAllocateZeroMoneyIsNoDiscount(t *testing.T) {
	at := on(12, 10, 0, 0)
	open := threeInvoices(t, at)
	for i := range open {
		open[i].WithDiscount = customer.Money{}
	}
	parts, left, err := terms.Allocate(pay(t, "BANK-7", at, "1200.00"), open)
	require.NoError(t, err)
	var got []string
	for _, a := range parts {
		got = append(got, a.Invoice+" "+a.Payment.Amount.String())
	}
	assert.Equal(t, []string{"INV-3 140.00 EUR", "INV-1 700.00 EUR", "INV-2 350.00 EUR"}, got)
	assert.Equal(t, "10.00 EUR", left.String())
}
