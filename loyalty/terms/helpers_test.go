package terms_test

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
	"pgregory.net/rapid"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func money(t testing.TB, amount, cur string) customer.Money {
	t.Helper()
	m, err := customer.NewMoney(amount, cur)
	require.NoError(t, err)
	return m
}

// twoTen returns "2/10 net 30" terms in EUR: 30 % for dealers, 40 % for
// wholesalers, 20 % for franchisees, no default.
func twoTen() terms.Terms {
	return terms.Terms{
		Currency: "EUR",
		Functional: map[customer.Role]decimal.Decimal{
			customer.Dealer:     d("30"),
			customer.Wholesaler: d("40"),
			customer.Franchisee: d("20"),
		},
		Cash:    terms.CashDiscount{Percent: d("2"), Days: 10},
		NetDays: 30,
	}
}

// issued is the issue instant of the test invoices: Monday 3 March 2025,
// 09:00 UTC. Its discount date is 13 March, its due date 2 April.
var issued = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// dealerInvoice is INV-1: list 1000.00 EUR, 700.00 EUR after 30 %, cash
// discount 14.00 EUR.
func dealerInvoice(t testing.TB) terms.Invoice {
	t.Helper()
	inv, err := twoTen().Invoice("INV-1", "D-7", customer.Dealer, money(t, "1000.00", "EUR"), issued)
	require.NoError(t, err)
	return inv
}

// fields returns the field errors of err, which must be a
// *customer.ValidationError, as "field code" strings.
func fields(t testing.TB, err error) []string {
	t.Helper()
	var ve *customer.ValidationError
	require.True(t, errors.As(err, &ve), "want a *customer.ValidationError, got %v", err)
	require.ErrorIs(t, err, customer.ErrInvalid)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Field + " " + f.Code
	}
	return out
}

// roundHalfUp returns x rounded half up to digits decimals, computed in
// exact rational arithmetic, independently of decimal.Round.
func roundHalfUp(x *big.Rat, digits int32) decimal.Decimal {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	y := new(big.Rat).Mul(x, new(big.Rat).SetInt(scale))
	// floor(y + 1/2) for y ≥ 0: (2·num + den) div (2·den).
	num := new(big.Int).Add(new(big.Int).Lsh(y.Num(), 1), y.Denom())
	q := new(big.Int).Quo(num, new(big.Int).Lsh(y.Denom(), 1))
	return decimal.NewFromBigInt(q, -digits)
}

// pctOf returns round(amount × pct / 100), half up, by roundHalfUp.
func pctOf(amount, pct decimal.Decimal, digits int32) decimal.Decimal {
	x := new(big.Rat).Mul(amount.Rat(), pct.Rat())
	x.Quo(x, big.NewRat(100, 1))
	return roundHalfUp(x, digits)
}

var currencies = []customer.Currency{"EUR", "JPY", "KWD"}

// genPercent draws a percentage in [0, 100) with 0–3 decimals, often a
// round one.
func genPercent(max int64) *rapid.Generator[decimal.Decimal] {
	return rapid.Custom(func(t *rapid.T) decimal.Decimal {
		if rapid.Bool().Draw(t, "round") {
			return decimal.NewFromInt(rapid.Int64Range(0, max-1).Draw(t, "whole"))
		}
		e := rapid.IntRange(1, 3).Draw(t, "decimals")
		scale := int64(1)
		for range e {
			scale *= 10
		}
		return decimal.New(rapid.Int64Range(0, max*scale-1).Draw(t, "coef"), int32(-e))
	})
}

// genZone draws nil (UTC) or a fixed zone between −12 h and +14 h.
func genZone(t *rapid.T, label string) *time.Location {
	if rapid.IntRange(0, 3).Draw(t, label+" utc") == 0 {
		return nil
	}
	off := rapid.IntRange(-12*4, 14*4).Draw(t, label+" quarter hours") * 15 * 60
	return time.FixedZone(label, off)
}

// genTerms draws valid terms that cover every role.
func genTerms(t *rapid.T) terms.Terms {
	cur := rapid.SampledFrom(currencies).Draw(t, "currency")
	tm := terms.Terms{Currency: cur, Functional: map[customer.Role]decimal.Decimal{}}
	for _, r := range []customer.Role{customer.Dealer, customer.Franchisee, customer.Wholesaler, customer.Agent} {
		if rapid.Bool().Draw(t, "listed "+r.String()) {
			tm.Functional[r] = genPercent(100).Draw(t, "functional "+r.String())
		}
	}
	tm.Default = decimal.NewNullDecimal(genPercent(100).Draw(t, "default"))
	tm.Cash.Percent = genPercent(rapid.SampledFrom([]int64{5, 100}).Draw(t, "cash max")).Draw(t, "cash")
	tm.Cash.Days = rapid.IntRange(0, 30).Draw(t, "cash days")
	tm.NetDays = tm.Cash.Days + rapid.IntRange(0, 40).Draw(t, "net after cash")
	tm.Location = genZone(t, "terms zone")
	return tm
}

// genList draws a positive list amount in whole minor units of cur.
func genList(t *rapid.T, cur customer.Currency) customer.Money {
	units := rapid.OneOf(rapid.Int64Range(1, 1000), rapid.Int64Range(1, 1_000_000_000_000)).Draw(t, "list units")
	m, err := customer.MoneyFromDecimal(decimal.New(units, -cur.Digits()), cur)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// genInvoice draws valid terms and an invoice priced under them; it
// skips the rare list amounts that a discount would take entirely.
func genInvoice(t *rapid.T) (terms.Terms, terms.Invoice) {
	tm := genTerms(t)
	role := rapid.SampledFrom([]customer.Role{customer.Dealer, customer.Franchisee, customer.Wholesaler, customer.Agent}).Draw(t, "role")
	list := genList(t, tm.Currency)
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rapid.Int64Range(0, 366*24*3600).Draw(t, "issued s")) * time.Second)
	inv, err := tm.Invoice("INV", "C", role, list, at.In(zoneOrUTC(genZone(t, "issued zone"))))
	if err != nil {
		t.Skip("list too small for its discounts:", err)
	}
	return tm, inv
}

func zoneOrUTC(l *time.Location) *time.Location {
	if l == nil {
		return time.UTC
	}
	return l
}

// minor returns one minor unit of cur.
func minor(cur customer.Currency) decimal.Decimal { return decimal.New(1, -cur.Digits()) }

// genPayments draws 0–6 valid payments of inv, within 80 days after its
// issue, or, for a late payer, after its due date, or, for one that pays
// in advance, from 60 days before its issue; each of 1 minor unit up to
// its amount, often an equal instalment or the whole amount.
func genPayments(t *rapid.T, inv terms.Invoice) []terms.Payment {
	cur := inv.Amount.Currency()
	n := rapid.IntRange(0, 6).Draw(t, "payments")
	ps := make([]terms.Payment, n)
	units := inv.Amount.Amount().Div(minor(cur)).IntPart()
	start := inv.Issued
	switch rapid.IntRange(0, 4).Draw(t, "payer") {
	case 0: // a late payer pays nothing before the due date
		y, m, dd := inv.Due.Time().Date()
		start = time.Date(y, m, dd+1, 0, 0, 0, 0, zoneOrUTC(inv.Location))
	case 1: // one that pays in advance may pay before the invoice
		start = inv.Issued.Add(-time.Duration(rapid.Int64Range(1, 60*24*3600).Draw(t, "advance s")) * time.Second)
	}
	for i := range ps {
		at := start.Add(time.Duration(rapid.Int64Range(0, 80*24*3600).Draw(t, "at s")) * time.Second)
		var u int64
		switch rapid.IntRange(0, 2).Draw(t, "amount kind") {
		case 0:
			u = rapid.Int64Range(1, units).Draw(t, "units")
		case 1:
			u = (units + int64(n) - 1) / int64(n) // an equal instalment
		default:
			u = units // the whole amount
		}
		m, _ := customer.MoneyFromDecimal(decimal.New(u, -cur.Digits()), cur)
		ps[i] = terms.Payment{ID: "P" + string(rune('a'+i)), At: at, Amount: m}
	}
	return ps
}

// genCredits draws 0–3 valid credit notes of inv, within 80 days after
// its issue, that together take at most its amount, often all of it.
func genCredits(t *rapid.T, inv terms.Invoice) []terms.CreditNote {
	return genCreditsUpTo(t, inv, inv.Amount.Amount(), "C")
}

// genCreditsUpTo draws 0–3 valid credit notes of inv, with IDs prefix
// and a letter, that together take at most max.
func genCreditsUpTo(t *rapid.T, inv terms.Invoice, max decimal.Decimal, prefix string) []terms.CreditNote {
	cur := inv.Amount.Currency()
	n := rapid.IntRange(0, 3).Draw(t, "credit notes")
	left := max.Div(minor(cur)).IntPart()
	var cs []terms.CreditNote
	for i := range n {
		if left == 0 {
			break
		}
		u := left
		if rapid.IntRange(0, 3).Draw(t, "credit kind") > 0 {
			u = rapid.Int64Range(1, left).Draw(t, "credit units")
		}
		left -= u
		at := inv.Issued.Add(time.Duration(rapid.Int64Range(0, 80*24*3600).Draw(t, "credit at s")) * time.Second)
		m, _ := customer.MoneyFromDecimal(decimal.New(u, -cur.Digits()), cur)
		cs = append(cs, terms.CreditNote{ID: prefix + string(rune('a'+i)), At: at, Amount: m})
	}
	return cs
}
