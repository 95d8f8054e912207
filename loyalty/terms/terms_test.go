package terms_test

import (
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
)

func TestValidateAcceptsValidTerms(t *testing.T) {
	require.NoError(t, twoTen().Validate())
	// Net terms alone, a default and no list, a zone.
	net := terms.Terms{Currency: "JPY", Default: decimal.NewNullDecimal(d("12.5")), NetDays: 0,
		Location: time.FixedZone("CST", 8*3600)}
	require.NoError(t, net.Validate())
}

func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*terms.Terms)
		want []string
	}{
		{"unknown currency", func(tm *terms.Terms) { tm.Currency = "XXX" }, []string{"currency unknown"}},
		{"empty currency", func(tm *terms.Terms) { tm.Currency = "" }, []string{"currency unknown"}},
		{"negative functional", func(tm *terms.Terms) { tm.Functional[customer.Dealer] = d("-1") }, []string{"functional[dealer] negative"}},
		{"functional of 100", func(tm *terms.Terms) { tm.Functional[customer.Dealer] = d("100") }, []string{"functional[dealer] out_of_range"}},
		{"functional above 100", func(tm *terms.Terms) { tm.Functional[customer.Wholesaler] = d("150") }, []string{"functional[wholesaler] out_of_range"}},
		{"huge functional", func(tm *terms.Terms) { tm.Functional[customer.Dealer] = decimal.New(1, 400) }, []string{"functional[dealer] out_of_range"}},
		{"too precise functional", func(tm *terms.Terms) { tm.Functional[customer.Dealer] = decimal.New(1, -100000) }, []string{"functional[dealer] out_of_range"}},
		{"unknown role", func(tm *terms.Terms) { tm.Functional[customer.Role(9)] = d("10") }, []string{"functional[Role(9)] unknown"}},
		{"consumer role", func(tm *terms.Terms) { tm.Functional[customer.Role(0)] = d("10") }, []string{"functional[Role(0)] unknown"}},
		{"no role and no default", func(tm *terms.Terms) { tm.Functional = nil }, []string{"functional required"}},
		{"negative default", func(tm *terms.Terms) { tm.Default = decimal.NewNullDecimal(d("-0.5")) }, []string{"default negative"}},
		{"cash of 100", func(tm *terms.Terms) { tm.Cash.Percent = d("100") }, []string{"cash.percent out_of_range"}},
		{"negative cash", func(tm *terms.Terms) { tm.Cash.Percent = d("-2") }, []string{"cash.percent negative"}},
		{"negative cash days", func(tm *terms.Terms) { tm.Cash.Days = -1 }, []string{"cash.days negative"}},
		{"too many cash days", func(tm *terms.Terms) { tm.Cash.Days = terms.MaxDays + 1; tm.NetDays = terms.MaxDays + 1 },
			[]string{"cash.days out_of_range", "net_days out_of_range"}},
		{"negative net days", func(tm *terms.Terms) { tm.NetDays = -30 }, []string{"net_days negative"}},
		{"net before discount", func(tm *terms.Terms) { tm.NetDays = 9 }, []string{"net_days out_of_range"}},
		{"every fault at once", func(tm *terms.Terms) {
			tm.Currency = "eur"
			tm.Functional[customer.Agent] = d("100")
			tm.Cash = terms.CashDiscount{Percent: d("-1"), Days: -1}
			tm.NetDays = -1
		}, []string{"cash.days negative", "cash.percent negative", "currency unknown", "functional[agent] out_of_range", "net_days negative"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := twoTen()
			tc.edit(&tm)
			err := tm.Validate()
			assert.Equal(t, tc.want, fields(t, err))
			assert.Contains(t, err.Error(), "terms: ")
		})
	}
}

func TestInvoiceDealer(t *testing.T) {
	inv := dealerInvoice(t)
	assert.Equal(t, "1000.00 EUR", inv.List.String())
	assert.Equal(t, "30", inv.FunctionalPercent.String())
	assert.Equal(t, "300.00 EUR", inv.Functional.String())
	assert.Equal(t, "700.00 EUR", inv.Amount.String())
	assert.Equal(t, "14.00 EUR", inv.CashDiscount.String())
	assert.Equal(t, "2025-03-13", inv.DiscountUntil.String())
	assert.Equal(t, "2025-04-02", inv.Due.String())
	assert.Equal(t, customer.Dealer, inv.Role)
	assert.Equal(t, customer.ID("D-7"), inv.Customer)
	assert.True(t, inv.Issued.Equal(issued))
	require.NoError(t, inv.Validate())
}

func TestInvoiceRoundsHalfUp(t *testing.T) {
	for _, tc := range []struct {
		cur, list, functional, cash string
		wantF, wantA, wantC         string
	}{
		// 0.05 × 30 % = 0.015 → 0.02; 0.03 × 2 % = 0.0006 → 0.00.
		{"EUR", "0.05", "30", "2", "0.02", "0.03", "0"},
		// 12.50 × 10 % = 1.25 exactly; 11.25 × 2 % = 0.225 → 0.23.
		{"EUR", "12.50", "10", "2", "1.25", "11.25", "0.23"},
		// 999 × 33.5 % = 334.665 → 335; 664 × 2.5 % = 16.6 → 17.
		{"JPY", "999", "33.5", "2.5", "335", "664", "17"},
		// 1.005 × 50 % = 0.5025 → 0.503; 0.502 × 1 % = 0.00502 → 0.005.
		{"KWD", "1.005", "50", "1", "0.503", "0.502", "0.005"},
		// No functional discount.
		{"EUR", "80.00", "0", "3", "0", "80", "2.4"},
	} {
		tm := terms.Terms{Currency: customer.Currency(tc.cur), Default: decimal.NewNullDecimal(d(tc.functional)),
			Cash: terms.CashDiscount{Percent: d(tc.cash), Days: 10}, NetDays: 30}
		inv, err := tm.Invoice("I", "C", customer.Agent, money(t, tc.list, tc.cur), issued)
		require.NoError(t, err, tc)
		assert.True(t, inv.Functional.Amount().Equal(d(tc.wantF)), "%v: functional %s", tc, inv.Functional)
		assert.True(t, inv.Amount.Amount().Equal(d(tc.wantA)), "%v: amount %s", tc, inv.Amount)
		assert.True(t, inv.CashDiscount.Amount().Equal(d(tc.wantC)), "%v: cash %s", tc, inv.CashDiscount)
		assert.Equal(t, customer.Currency(tc.cur), inv.CashDiscount.Currency())
		require.NoError(t, inv.Validate())
	}
}

func TestInvoiceRoleDefault(t *testing.T) {
	tm := twoTen()
	_, err := tm.Invoice("INV-9", "A-1", customer.Agent, money(t, "100.00", "EUR"), issued)
	assert.Equal(t, []string{"role unknown"}, fields(t, err))
	assert.Contains(t, err.Error(), `invoice "INV-9": role: the terms give no functional discount for role agent`)

	tm.Default = decimal.NewNullDecimal(d("5"))
	inv, err := tm.Invoice("INV-9", "A-1", customer.Agent, money(t, "100.00", "EUR"), issued)
	require.NoError(t, err)
	assert.Equal(t, "5.00 EUR", inv.Functional.String())
	// A listed role keeps its own percentage, even 0 %.
	tm.Functional[customer.Agent] = decimal.Zero
	inv, err = tm.Invoice("INV-9", "A-1", customer.Agent, money(t, "100.00", "EUR"), issued)
	require.NoError(t, err)
	assert.True(t, inv.Functional.IsZero())
	pct, ok := tm.Percent(customer.Dealer)
	assert.True(t, ok)
	assert.Equal(t, "30", pct.String())
}

func TestInvoiceRejects(t *testing.T) {
	year10000 := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	withDefault := twoTen()
	withDefault.Default = decimal.NewNullDecimal(d("10"))
	for _, tc := range []struct {
		name   string
		terms  terms.Terms
		id     string
		cust   customer.ID
		role   customer.Role
		list   customer.Money
		issued time.Time
		want   []string
	}{
		{"empty id", twoTen(), "", "D", customer.Dealer, money(t, "10", "EUR"), issued, []string{"id required"}},
		{"empty customer", twoTen(), "I", "", customer.Dealer, money(t, "10", "EUR"), issued, []string{"customer required"}},
		{"consumer role", withDefault, "I", "D", 0, money(t, "10", "EUR"), issued, []string{"role unknown"}},
		{"unknown role", withDefault, "I", "D", 7, money(t, "10", "EUR"), issued, []string{"role unknown"}},
		{"role not covered", twoTen(), "I", "D", customer.Agent, money(t, "10", "EUR"), issued, []string{"role unknown"}},
		{"zero list", twoTen(), "I", "D", customer.Dealer, money(t, "0", "EUR"), issued, []string{"list not_positive"}},
		{"negative list", twoTen(), "I", "D", customer.Dealer, money(t, "-10", "EUR"), issued, []string{"list not_positive"}},
		{"other currency", twoTen(), "I", "D", customer.Dealer, money(t, "10", "USD"), issued, []string{"list mismatch"}},
		{"zero money", twoTen(), "I", "D", customer.Dealer, customer.Money{}, issued, []string{"list mismatch"}},
		{"finer than cents", twoTen(), "I", "D", customer.Dealer, money(t, "10.001", "EUR"), issued, []string{"list format"}},
		{"huge exponent", twoTen(), "I", "D", customer.Dealer, mustMoney(decimal.New(1, 400), "EUR"), issued, []string{"list out_of_range"}},
		{"tiny exponent", twoTen(), "I", "D", customer.Dealer, mustMoney(decimal.New(1, -2147483648), "EUR"), issued, []string{"list out_of_range"}},
		{"31 digits", twoTen(), "I", "D", customer.Dealer, mustMoney(decimal.New(1, 30), "EUR"), issued, []string{"list out_of_range"}},
		{"too small to discount", withPercent("99.9"), "I", "D", customer.Dealer, money(t, "0.01", "EUR"), issued, []string{"list out_of_range"}},
		{"cash takes all", cashPercent("99"), "I", "D", customer.Dealer, money(t, "0.02", "EUR"), issued, []string{"list out_of_range"}},
		{"zero issued", twoTen(), "I", "D", customer.Dealer, money(t, "10", "EUR"), time.Time{}, []string{"issued required"}},
		{"issued in year 10000", twoTen(), "I", "D", customer.Dealer, money(t, "10", "EUR"), year10000, []string{"issued out_of_range"}},
		{"every fault at once", twoTen(), "", "", customer.Agent, money(t, "-1", "USD"), time.Time{},
			[]string{"customer required", "id required", "issued required", "list mismatch", "role unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := tc.terms.Invoice(tc.id, tc.cust, tc.role, tc.list, tc.issued)
			assert.Equal(t, tc.want, fields(t, err))
			assert.Contains(t, err.Error(), `invoice "`+tc.id+`": `)
			assert.Equal(t, terms.Invoice{}, inv, "a rejected invoice returns nothing")
		})
	}
}

func mustMoney(a decimal.Decimal, cur customer.Currency) customer.Money {
	m, err := customer.MoneyFromDecimal(a, cur)
	if err != nil {
		panic(err)
	}
	return m
}

func withPercent(p string) terms.Terms {
	tm := twoTen()
	tm.Functional[customer.Dealer] = d(p)
	return tm
}

func cashPercent(p string) terms.Terms {
	tm := twoTen()
	tm.Functional[customer.Dealer] = decimal.Zero
	tm.Cash.Percent = d(p)
	return tm
}

func TestInvoiceRejectsInvalidTerms(t *testing.T) {
	tm := twoTen()
	tm.Cash.Days = 40
	inv, err := tm.Invoice("I", "D", customer.Dealer, money(t, "10", "EUR"), issued)
	assert.Equal(t, []string{"net_days out_of_range"}, fields(t, err))
	assert.Contains(t, err.Error(), "terms: ")
	assert.Equal(t, terms.Invoice{}, inv)
}

// The days of an invoice are those of the terms' zone, whatever zone the
// issue time carries.
func TestInvoiceCalendarZone(t *testing.T) {
	ny := time.FixedZone("EST", -5*3600)
	late := time.Date(2025, 3, 3, 23, 30, 0, 0, ny) // 4 March 04:30 UTC
	tm := twoTen()
	inv, err := tm.Invoice("I", "D", customer.Dealer, money(t, "10", "EUR"), late)
	require.NoError(t, err)
	assert.Equal(t, "2025-03-14", inv.DiscountUntil.String(), "UTC: issued 4 March")
	assert.Equal(t, "2025-04-03", inv.Due.String())

	tm.Location = ny
	for _, at := range []time.Time{late, late.UTC(), late.In(time.FixedZone("CST", 8*3600))} {
		inv, err = tm.Invoice("I", "D", customer.Dealer, money(t, "10", "EUR"), at)
		require.NoError(t, err)
		assert.Equal(t, "2025-03-13", inv.DiscountUntil.String(), "New York: issued 3 March")
		assert.Equal(t, "2025-04-02", inv.Due.String())
		assert.Same(t, ny, inv.Location)
	}
}

func TestInvoiceValidateRejectsTampering(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*terms.Invoice)
		want []string
	}{
		{"empty id", func(i *terms.Invoice) { i.ID = "" }, []string{"id required"}},
		{"empty customer", func(i *terms.Invoice) { i.Customer = "" }, []string{"customer required"}},
		{"unknown role", func(i *terms.Invoice) { i.Role = 0 }, []string{"role unknown"}},
		{"zero issued", func(i *terms.Invoice) { i.Issued = time.Time{} }, []string{"issued required"}},
		{"zero list", func(i *terms.Invoice) { i.List = customer.Money{} }, []string{"list unknown"}},
		{"functional changed", func(i *terms.Invoice) { i.Functional = money(t, "250.00", "EUR") }, []string{"functional mismatch"}},
		{"amount changed", func(i *terms.Invoice) { i.Amount = money(t, "650.00", "EUR") }, []string{"amount mismatch", "cash_discount mismatch"}},
		{"cash discount changed", func(i *terms.Invoice) { i.CashDiscount = money(t, "20.00", "EUR") }, []string{"cash_discount mismatch"}},
		{"negative cash discount", func(i *terms.Invoice) { i.CashDiscount = money(t, "-14.00", "EUR") }, []string{"cash_discount negative"}},
		{"amount in USD", func(i *terms.Invoice) { i.Amount = money(t, "700.00", "USD") }, []string{"amount mismatch"}},
		{"functional in USD", func(i *terms.Invoice) { i.Functional = money(t, "300.00", "USD") }, []string{"functional mismatch"}},
		{"functional finer than cents", func(i *terms.Invoice) { i.Functional = money(t, "300.001", "EUR") }, []string{"functional format"}},
		{"percent of 100", func(i *terms.Invoice) { i.CashPercent = d("100") }, []string{"cash_percent out_of_range"}},
		{"discount date before the invoice", func(i *terms.Invoice) { i.DiscountUntil -= 11 }, []string{"discount_until order"}},
		{"discount date too far", func(i *terms.Invoice) { i.DiscountUntil += terms.MaxDays; i.Due += terms.MaxDays }, []string{"discount_until out_of_range"}},
		{"due before the discount date", func(i *terms.Invoice) { i.Due = i.DiscountUntil - 1 }, []string{"due order"}},
		{"due too far", func(i *terms.Invoice) { i.Due += terms.MaxDays }, []string{"due out_of_range"}},
		{"cash discount takes all", func(i *terms.Invoice) {
			*i = terms.Invoice{ID: "INV-1", Customer: "D-7", Role: customer.Agent, Issued: issued,
				List: money(t, "0.01", "EUR"), Functional: money(t, "0", "EUR"), Amount: money(t, "0.01", "EUR"),
				CashPercent: d("99.9"), CashDiscount: money(t, "0.01", "EUR"), DiscountUntil: i.DiscountUntil, Due: i.Due}
		}, []string{"cash_discount out_of_range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := dealerInvoice(t)
			tc.edit(&inv)
			err := inv.Validate()
			assert.Equal(t, tc.want, fields(t, err))
			s, err := inv.Settle(nil, issued.AddDate(0, 1, 0))
			assert.Equal(t, tc.want, fields(t, err), "Settle checks the invoice first")
			assert.Equal(t, terms.Settlement{}, s)
		})
	}
}

// A hand-built invoice with zero Money for a zero discount is valid.
func TestInvoiceValidateZeroDiscounts(t *testing.T) {
	inv := terms.Invoice{ID: "I", Customer: "C", Role: customer.Agent, Issued: issued,
		List: money(t, "50.00", "EUR"), Amount: money(t, "50.00", "EUR"),
		DiscountUntil: customer.DateOf(issued), Due: customer.DateOf(issued) + 14}
	require.NoError(t, inv.Validate())
	assert.Equal(t, "list 50.00 EUR − 0% functional discount (agent) 0.00 EUR = 50.00 EUR; 50.00 EUR due 2025-03-17", inv.Explain())
}

// A number of many digits is named in the message, shortened.
func TestLongNumberInMessage(t *testing.T) {
	tm := twoTen()
	huge, _ := new(big.Int).SetString(strings.Repeat("9", 500), 10)
	tm.Functional[customer.Dealer] = decimal.NewFromBigInt(huge, -2)
	err := tm.Validate()
	assert.Equal(t, []string{"functional[dealer] out_of_range"}, fields(t, err))
	assert.Contains(t, err.Error(), "functional[dealer]: "+strings.Repeat("9", 40)+"…e-2 is too large or too precise")
	assert.Less(t, len(err.Error()), 120)
}

// A discount date or due date so far from an invoice issued before 1970
// that their distance in days does not fit a customer.Date is out of
// range, not wrapped round into a small distance.
func TestInvoiceValidateDaysFarFromIssue(t *testing.T) {
	before1970 := time.Date(1965, 3, 3, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name               string
		discountUntil, due customer.Date
		want               []string
	}{
		{"discount date", math.MaxInt32 - 10, math.MaxInt32, []string{"discount_until out_of_range"}},
		{"due date", customer.DateOf(before1970) + 10, math.MaxInt32, []string{"due out_of_range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := twoTen().Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), before1970)
			require.NoError(t, err)
			inv.DiscountUntil, inv.Due = tc.discountUntil, tc.due
			assert.Equal(t, tc.want, fields(t, inv.Validate()))
			s, err := inv.Settle(nil, before1970.Add(time.Hour))
			assert.Equal(t, tc.want, fields(t, err))
			assert.Equal(t, terms.Settlement{}, s)
		})
	}
}
