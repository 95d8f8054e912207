package terms_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
)

// dealerSettlements returns the settlements as of 29 April of five
// invoices of dealer D-7 (each 700.00 EUR, due 2 April unless said):
// with the discount, on time, 7 days late, open and overdue with
// 300.00 EUR paid, and one issued 20 April, open and not yet due.
func dealerSettlements(t *testing.T) []terms.Settlement {
	asOf := on(60, 0, 0, 0)
	tm := twoTen()
	invoice := func(id string, at time.Time) terms.Invoice {
		inv, err := tm.Invoice(id, "D-7", customer.Dealer, money(t, "1000.00", "EUR"), at)
		require.NoError(t, err)
		return inv
	}
	var out []terms.Settlement
	for i, c := range []struct {
		issued   time.Time
		payments []terms.Payment
	}{
		{issued, []terms.Payment{pay(t, "B1", on(8, 0, 0, 0), "686.00")}},
		{issued, []terms.Payment{pay(t, "B2", on(30, 0, 0, 0), "700.00")}},
		{issued, []terms.Payment{pay(t, "B3", on(40, 0, 0, 0), "700.00")}},
		{issued, []terms.Payment{pay(t, "B4", on(20, 0, 0, 0), "300.00")}},
		{on(51, 0, 0, 0), nil},
	} {
		s, err := invoice(fmt.Sprintf("INV-%d", i+1), c.issued).Settle(c.payments, asOf)
		require.NoError(t, err)
		out = append(out, s)
	}
	return out
}

func TestNewRecord(t *testing.T) {
	r, err := terms.NewRecord(dealerSettlements(t))
	require.NoError(t, err)
	assert.Equal(t, customer.ID("D-7"), r.Customer)
	assert.True(t, r.AsOf.Equal(on(60, 0, 0, 0)))
	assert.Equal(t, 5, r.Invoices)
	assert.Equal(t, 3, r.Settled)
	assert.Equal(t, 2, r.OnTime)
	assert.Equal(t, 1, r.Discounted)
	assert.Equal(t, 1, r.Overdue)
	assert.Equal(t, 4, r.Decided())
	assert.Equal(t, 7+27, r.DaysLate)
	assert.Equal(t, "1100.00 EUR", r.Open.String())
	assert.Equal(t, "400.00 EUR", r.OpenOverdue.String())
	share, ok := r.OnTimeShare()
	assert.True(t, ok)
	assert.InDelta(t, 0.5, share, 1e-12)
	mean, ok := r.MeanDaysLate()
	assert.True(t, ok)
	assert.InDelta(t, 8.5, mean, 1e-12)
}

func TestNewRecordNoHistory(t *testing.T) {
	r, err := terms.NewRecord(nil)
	require.NoError(t, err)
	assert.Equal(t, terms.Record{}, r)
	_, ok := r.OnTimeShare()
	assert.False(t, ok)
	_, ok = r.MeanDaysLate()
	assert.False(t, ok)

	// Only an invoice not yet due: nothing decided.
	all := dealerSettlements(t)
	r, err = terms.NewRecord(all[4:])
	require.NoError(t, err)
	assert.Equal(t, 1, r.Invoices)
	_, ok = r.OnTimeShare()
	assert.False(t, ok)
	assert.Equal(t, "700.00 EUR", r.Open.String())
	assert.Equal(t, "0.00 EUR", r.OpenOverdue.String())
}

func TestNewRecordRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func([]terms.Settlement) []terms.Settlement
		want []string
	}{
		{"another customer", func(s []terms.Settlement) []terms.Settlement { s[2].Customer = "D-8"; return s },
			[]string{"settlements[2].customer mismatch"}},
		{"another instant", func(s []terms.Settlement) []terms.Settlement { s[1].AsOf = s[1].AsOf.Add(time.Second); return s },
			[]string{"settlements[1].as_of mismatch"}},
		{"another currency", func(s []terms.Settlement) []terms.Settlement { s[3].Amount = money(t, "700", "USD"); return s },
			[]string{"settlements[3].amount mismatch"}},
		{"no currency", func(s []terms.Settlement) []terms.Settlement { s[3].Amount = customer.Money{}; return s },
			[]string{"settlements[3].amount unknown"}},
		{"an invoice twice", func(s []terms.Settlement) []terms.Settlement { return append(s, s[1]) },
			[]string{"settlements[5].invoice duplicate"}},
		{"no invoice ID", func(s []terms.Settlement) []terms.Settlement { s[0].Invoice = ""; return s },
			[]string{"settlements[0].invoice required"}},
		{"owed in another currency", func(s []terms.Settlement) []terms.Settlement { s[3].Owed = money(t, "400", "USD"); return s },
			[]string{"settlements[3].owed mismatch"}},
		{"negative owed", func(s []terms.Settlement) []terms.Settlement { s[4].Owed = money(t, "-700", "EUR"); return s },
			[]string{"settlements[4].owed negative"}},
		{"negative days late", func(s []terms.Settlement) []terms.Settlement { s[2].DaysLate = -7; return s },
			[]string{"settlements[2].days_late negative"}},
		{"the zero settlement", func(s []terms.Settlement) []terms.Settlement { return append(s, terms.Settlement{}) },
			[]string{"settlements[5].amount unknown", "settlements[5].as_of mismatch", "settlements[5].customer mismatch", "settlements[5].invoice required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := terms.NewRecord(tc.edit(dealerSettlements(t)))
			assert.Equal(t, tc.want, fields(t, err))
			assert.Contains(t, err.Error(), `payment record of customer "D-7": `)
			assert.Equal(t, terms.Record{}, r)
		})
	}
}

// A record needs a customer: settlements without one are rejected.
func TestNewRecordRejectsNoCustomer(t *testing.T) {
	s := dealerSettlements(t)
	for i := range s {
		s[i].Customer = ""
	}
	r, err := terms.NewRecord(s)
	assert.Equal(t, []string{"settlements[0].customer required"}, fields(t, err))
	assert.Equal(t, terms.Record{}, r)
}

// An invoice credited in full asked nothing in the end: whatever was paid
// on it is paid back. It is neither on time nor late, so it counts in
// Invoices and CreditedInFull only, not in Decided, the on-time share or
// the days late, whenever its credit notes came and whatever was paid.
func TestRecordCreditedInFull(t *testing.T) {
	asOf := on(60, 0, 0, 0)
	for _, tc := range []struct {
		name     string
		payments []terms.Payment
		credit   time.Time
	}{
		{"everything returned after the due date, nothing paid", nil, on(40, 0, 0, 0)},
		{"everything returned before the due date, nothing paid", nil, on(20, 0, 0, 0)},
		{"paid with the discount, then everything returned", []terms.Payment{pay(t, "B1", on(8, 0, 0, 0), "686.00")}, on(20, 0, 0, 0)},
		{"paid in part, everything returned after the due date", []terms.Payment{pay(t, "B1", on(20, 0, 0, 0), "300.00")}, on(40, 0, 0, 0)},
		{"paid late, then everything returned", []terms.Payment{pay(t, "B1", on(38, 0, 0, 0), "700.00")}, on(40, 0, 0, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := dealerInvoice(t).SettleWith(tc.payments, []terms.CreditNote{note(t, "CN-1", tc.credit, "700.00")}, asOf)
			require.NoError(t, err)
			require.True(t, s.Settled)
			require.True(t, s.Amount.IsZero())
			r, err := terms.NewRecord([]terms.Settlement{s})
			require.NoError(t, err)
			assert.Equal(t, 1, r.Invoices)
			assert.Equal(t, 1, r.CreditedInFull)
			assert.Equal(t, 0, r.Settled)
			assert.Equal(t, 0, r.OnTime)
			assert.Equal(t, 0, r.Discounted)
			assert.Equal(t, 0, r.DaysLate)
			assert.Equal(t, 0, r.Decided())
			_, ok := r.OnTimeShare()
			assert.False(t, ok, "an invoice credited in full is not decided")
			_, ok = r.MeanDaysLate()
			assert.False(t, ok)
			assert.Equal(t, "0.00 EUR", r.Open.String())

			// Beside the other invoices it changes nothing but the counts.
			all := dealerSettlements(t)
			s.Invoice = "INV-9"
			base, err := terms.NewRecord(all)
			require.NoError(t, err)
			with, err := terms.NewRecord(append(all, s))
			require.NoError(t, err)
			base.Invoices++
			base.CreditedInFull++
			assert.Equal(t, base, with)
		})
	}
}

// An invoice credited in part is decided as any other: settled late when
// the credit note that settles it came after the due date.
func TestRecordCreditedInPart(t *testing.T) {
	s, err := dealerInvoice(t).SettleWith([]terms.Payment{pay(t, "B1", on(20, 0, 0, 0), "500.00")},
		[]terms.CreditNote{note(t, "CN-1", on(40, 0, 0, 0), "200.00")}, on(60, 0, 0, 0))
	require.NoError(t, err)
	r, err := terms.NewRecord([]terms.Settlement{s})
	require.NoError(t, err)
	assert.Equal(t, 1, r.Settled)
	assert.Equal(t, 0, r.CreditedInFull)
	assert.Equal(t, 7, r.DaysLate)
	assert.Equal(t, 1, r.Decided())
}
