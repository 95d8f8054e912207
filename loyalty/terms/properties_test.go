package terms_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty/terms"
	"pgregory.net/rapid"
)

// An invoice's amounts follow the formulas, computed independently in
// exact rational arithmetic: Functional = round½↑(List × f / 100),
// Amount = List − Functional, CashDiscount = round½↑(Amount × c / 100),
// with 0 ≤ Functional < List and 0 ≤ CashDiscount < Amount, all in whole
// minor units; the dates are the issue day in the terms' zone plus the
// terms' days. An invoice is refused only when a rounded discount would
// take everything.
func TestPropInvoiceAmounts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tm := genTerms(t)
		role := rapid.SampledFrom([]customer.Role{customer.Dealer, customer.Franchisee, customer.Wholesaler, customer.Agent}).Draw(t, "role")
		list := genList(t, tm.Currency)
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rapid.Int64Range(0, 366*24*3600).Draw(t, "issued s")) * time.Second)
		digits := tm.Currency.Digits()
		pct, ok := tm.Percent(role)
		if !ok {
			t.Fatal("genTerms covers every role")
		}
		wantF := pctOf(list.Amount(), pct, digits)
		wantA := list.Amount().Sub(wantF)
		wantC := pctOf(wantA, tm.Cash.Percent, digits)

		inv, err := tm.Invoice("INV", "C", role, list, at.In(zoneOrUTC(genZone(t, "issued zone"))))
		if err != nil {
			if wantA.Sign() > 0 && wantC.LessThan(wantA) {
				t.Fatalf("refused %s at %s%%, cash %s%%: %v", list, pct, tm.Cash.Percent, err)
			}
			return
		}
		for _, x := range []struct {
			name      string
			got, want decimal.Decimal
		}{{"functional", inv.Functional.Amount(), wantF}, {"amount", inv.Amount.Amount(), wantA}, {"cash", inv.CashDiscount.Amount(), wantC}} {
			if !x.got.Equal(x.want) {
				t.Fatalf("%s: got %s, want %s", x.name, x.got, x.want)
			}
			if !x.got.Equal(x.got.Truncate(digits)) {
				t.Fatalf("%s: %s is finer than the minor unit", x.name, x.got)
			}
		}
		if sum := inv.Amount.Amount().Add(inv.Functional.Amount()); !sum.Equal(inv.List.Amount()) {
			t.Fatalf("amount + functional = %s, list %s", sum, inv.List)
		}
		if inv.Functional.Sign() < 0 || !inv.Functional.Amount().LessThan(inv.List.Amount()) {
			t.Fatalf("functional %s not in [0, %s)", inv.Functional, inv.List)
		}
		if inv.CashDiscount.Sign() < 0 || !inv.CashDiscount.Amount().LessThan(inv.Amount.Amount()) {
			t.Fatalf("cash discount %s not in [0, %s)", inv.CashDiscount, inv.Amount)
		}
		day := customer.DateOf(at.In(zoneOrUTC(tm.Location)))
		if inv.DiscountUntil != day+customer.Date(tm.Cash.Days) || inv.Due != day+customer.Date(tm.NetDays) {
			t.Fatalf("dates %s, %s for day %s and terms %d/%d", inv.DiscountUntil, inv.Due, day, tm.Cash.Days, tm.NetDays)
		}
		if err := inv.Validate(); err != nil {
			t.Fatalf("an invoice made by Invoice is not valid: %v", err)
		}
	})
}

// checkInvariants checks what holds of every settlement s of inv:
//
//	Owed + Paid − Overpaid + Discount = Amount
//
// with Owed, Overpaid, WithDiscount ≥ 0; Discount either zero or the
// invoice's cash discount; Settled exactly when nothing is owed; a
// settled invoice has a SettledAt and is never overdue; WithDiscount
// below Owed when set.
func checkInvariants(t *rapid.T, inv terms.Invoice, s terms.Settlement) {
	sum := s.Owed.Amount().Add(s.Paid.Amount()).Sub(s.Overpaid.Amount()).Add(s.Discount.Amount())
	if !sum.Equal(inv.Amount.Amount()) {
		t.Fatalf("owed %s + paid %s − overpaid %s + discount %s = %s, amount %s", s.Owed, s.Paid, s.Overpaid, s.Discount, sum, inv.Amount)
	}
	if s.Owed.Sign() < 0 || s.Overpaid.Sign() < 0 || s.WithDiscount.Sign() < 0 || s.Paid.Sign() < 0 || s.DaysLate < 0 {
		t.Fatalf("negative: %+v", s)
	}
	if !s.Discount.IsZero() && !s.Discount.Equal(inv.CashDiscount) {
		t.Fatalf("discount %s, the invoice's is %s", s.Discount, inv.CashDiscount)
	}
	if s.Settled != s.Owed.IsZero() {
		t.Fatalf("settled %v with %s owed", s.Settled, s.Owed)
	}
	if s.Settled == s.SettledAt.IsZero() || (s.Settled && s.Overdue) {
		t.Fatalf("settled %v at %v, overdue %v", s.Settled, s.SettledAt, s.Overdue)
	}
	if s.Overdue != (!s.Settled && s.DaysLate > 0) {
		t.Fatalf("overdue %v, settled %v, days late %d", s.Overdue, s.Settled, s.DaysLate)
	}
	if s.WithDiscount.Sign() > 0 && !s.WithDiscount.Amount().LessThan(s.Owed.Amount()) {
		t.Fatalf("with discount %s, owed %s", s.WithDiscount, s.Owed)
	}
	for _, m := range []customer.Money{s.Paid, s.Discount, s.Owed, s.Overpaid, s.WithDiscount, s.Amount} {
		if m.Currency() != inv.Amount.Currency() {
			t.Fatalf("%s is not in %s", m, inv.Amount.Currency())
		}
	}
}

// Settle depends on the payments, not on their order, on identical
// redeliveries, or on the zones their times carry; and every
// settlement keeps the invariants of checkInvariants.
func TestPropSettleOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, inv := genInvoice(t)
		ps := genPayments(t, inv)
		asOf := inv.Issued.Add(time.Duration(rapid.Int64Range(0, 150*24*3600).Draw(t, "asOf s")) * time.Second)
		want, err := inv.Settle(ps, asOf)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, inv, want)

		shuffled := rapid.Permutation(ps).Draw(t, "order")
		for i := range shuffled {
			shuffled[i].At = shuffled[i].At.In(zoneOrUTC(genZone(t, "payment zone")))
		}
		if len(ps) > 0 {
			again := rapid.SampledFrom(ps).Draw(t, "redelivered")
			shuffled = slices.Insert(shuffled, rapid.IntRange(0, len(shuffled)).Draw(t, "at"), again)
		}
		got, err := inv.Settle(shuffled, asOf.In(zoneOrUTC(genZone(t, "asOf zone"))))
		if err != nil {
			t.Fatal(err)
		}
		if !same(got, want) {
			t.Fatalf("order changed the settlement:\n%+v\n%+v", got, want)
		}
	})
}

// same reports whether two settlements are equal, comparing instants and
// amounts by value.
func same(a, b terms.Settlement) bool {
	return a.Invoice == b.Invoice && a.Customer == b.Customer && a.AsOf.Equal(b.AsOf) &&
		a.DiscountUntil == b.DiscountUntil && a.Due == b.Due && a.Amount.Equal(b.Amount) &&
		a.Paid.Equal(b.Paid) && a.Discount.Equal(b.Discount) && a.Owed.Equal(b.Owed) &&
		a.WithDiscount.Equal(b.WithDiscount) && a.Overpaid.Equal(b.Overpaid) && a.Settled == b.Settled &&
		a.SettledAt.Equal(b.SettledAt) && a.DaysLate == b.DaysLate && a.Overdue == b.Overdue && a.Explain == b.Explain
}

// Paying exactly Amount − CashDiscount, in any number of parts, by the
// end of DiscountUntil in the invoice's zone settles the invoice with the
// discount; one minor unit less does not, and leaves that unit plus the
// discount owed.
func TestPropDiscountThreshold(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, inv := genInvoice(t)
		cur := inv.Amount.Currency()
		loc := zoneOrUTC(inv.Location)
		// The last instant of DiscountUntil in the invoice's zone, and a
		// time after the invoice's issue on that day or before.
		y, m, dd := inv.DiscountUntil.Time().Date()
		endOfDay := time.Date(y, m, dd+1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
		window := endOfDay.Sub(inv.Issued)
		threshold := inv.Amount.Amount().Sub(inv.CashDiscount.Amount())
		less := rapid.Bool().Draw(t, "one unit less")
		total := threshold
		if less {
			total = total.Sub(minor(cur))
		}
		units := total.Div(minor(cur)).IntPart()
		n := rapid.IntRange(1, 4).Draw(t, "parts")
		var ps []terms.Payment
		left := units
		for i := range n {
			part := left
			if i < n-1 && left > 0 {
				part = rapid.Int64Range(0, left).Draw(t, "part")
			}
			left -= part
			if part == 0 {
				continue
			}
			at := endOfDay
			if i < n-1 {
				at = inv.Issued.Add(time.Duration(rapid.Int64Range(0, int64(window)).Draw(t, "offset")))
			}
			ps = append(ps, terms.Payment{ID: "P" + strconv.Itoa(i), At: at, Amount: mustMoney(decimal.New(part, -cur.Digits()), cur)})
		}
		asOf := endOfDay.AddDate(0, 0, rapid.IntRange(0, 100).Draw(t, "asOf days after"))
		s, err := inv.Settle(ps, asOf)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, inv, s)
		if less {
			if s.Settled || !s.Discount.IsZero() {
				t.Fatalf("one unit short settled: %+v", s)
			}
			if want := inv.CashDiscount.Amount().Add(minor(cur)); !s.Owed.Amount().Equal(want) {
				t.Fatalf("owed %s, want %s", s.Owed, want)
			}
			return
		}
		if !s.Settled || !s.Discount.Equal(inv.CashDiscount) || !s.Overpaid.IsZero() || s.DaysLate != 0 {
			t.Fatalf("exact payment did not settle with the discount: %+v", s)
		}
	})
}

// More payments never increase what is owed, and neither does a later
// asOf.
func TestPropMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, inv := genInvoice(t)
		ps := genPayments(t, inv)
		asOf := inv.Issued.Add(time.Duration(rapid.Int64Range(0, 150*24*3600).Draw(t, "asOf s")) * time.Second)
		before, err := inv.Settle(ps, asOf)
		if err != nil {
			t.Fatal(err)
		}
		more := append(slices.Clone(ps), genPayments(t, inv)...)
		for i := len(ps); i < len(more); i++ {
			more[i].ID = "extra" + strconv.Itoa(i)
		}
		later := asOf.Add(time.Duration(rapid.Int64Range(0, 30*24*3600).Draw(t, "later s")) * time.Second)
		for _, c := range []struct {
			name string
			ps   []terms.Payment
			asOf time.Time
		}{{"more payments", more, asOf}, {"later", ps, later}, {"both", more, later}} {
			after, err := inv.Settle(c.ps, c.asOf)
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, inv, after)
			if after.Owed.Amount().GreaterThan(before.Owed.Amount()) {
				t.Fatalf("%s: owed rose from %s to %s", c.name, before.Owed, after.Owed)
			}
			if before.Settled && !after.Settled {
				t.Fatalf("%s: no longer settled", c.name)
			}
		}
	})
}

// Any list of payments with faults is rejected, every faulty payment is
// named, and nothing is returned.
func TestPropBadPaymentsRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, inv := genInvoice(t)
		ps := genPayments(t, inv)
		if len(ps) == 0 {
			ps = append(ps, terms.Payment{ID: "P", At: inv.Issued, Amount: inv.Amount})
		}
		bad := map[int]string{}
		for i := range ps {
			if !rapid.Bool().Draw(t, "spoil") {
				continue
			}
			f := "payments[" + strconv.Itoa(i) + "]."
			switch rapid.IntRange(0, 6).Draw(t, "fault") {
			case 0:
				ps[i].ID, bad[i] = "", f+"id"
			case 1:
				ps[i].At, bad[i] = time.Time{}, f+"at"
			case 2:
				ps[i].At, bad[i] = inv.Issued.Add(-time.Nanosecond), f+"at"
			case 3:
				ps[i].Amount, bad[i] = ps[i].Amount.Neg(), f+"amount"
			case 4:
				ps[i].Amount, bad[i] = mustMoney(ps[i].Amount.Amount(), "CHF"), f+"amount"
				if inv.Amount.Currency() == "CHF" {
					ps[i].Amount = mustMoney(ps[i].Amount.Amount(), "EUR")
				}
			case 5:
				ps[i].Amount, bad[i] = mustMoney(ps[i].Amount.Amount().Add(decimal.New(1, -4)), ps[i].Amount.Currency()), f+"amount"
			case 6:
				ps[i].Amount, bad[i] = mustMoney(decimal.New(1, 31), ps[i].Amount.Currency()), f+"amount"
			}
		}
		if len(bad) == 0 {
			i := rapid.IntRange(0, len(ps)-1).Draw(t, "spoiled")
			ps[i].At, bad[i] = time.Time{}, "payments["+strconv.Itoa(i)+"].at"
		}
		s, err := inv.Settle(ps, inv.Issued.AddDate(0, 3, 0))
		if err == nil {
			t.Fatalf("accepted %d faulty payments", len(bad))
		}
		if s != (terms.Settlement{}) {
			t.Fatalf("a rejected settlement returned %+v", s)
		}
		var ve *customer.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("want a *customer.ValidationError, got %v", err)
		}
		var named []string
		for _, f := range ve.Fields {
			named = append(named, f.Field)
		}
		for i, f := range bad {
			if !slices.Contains(named, f) {
				t.Fatalf("payment %d: %s not named in %v", i, f, err)
			}
		}
	})
}
