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
//	Owed + Paid − Overpaid + Discount = Amount = inv.Amount − Credited
//
// with Owed, Overpaid, WithDiscount, Credited ≥ 0 and 0 ≤ Prepaid ≤ Paid;
// Discount either zero or the cash discount recomputed on Amount,
// round½↑(Amount × CashPercent / 100) (the invoice's own when nothing
// is credited); Settled exactly when nothing is owed; a settled invoice
// has a SettledAt, not before the invoice's issue nor after AsOf, and is
// never overdue; WithDiscount below Owed when set.
func checkInvariants(t *rapid.T, inv terms.Invoice, s terms.Settlement) {
	sum := s.Owed.Amount().Add(s.Paid.Amount()).Sub(s.Overpaid.Amount()).Add(s.Discount.Amount())
	if !sum.Equal(s.Amount.Amount()) {
		t.Fatalf("owed %s + paid %s − overpaid %s + discount %s = %s, amount %s", s.Owed, s.Paid, s.Overpaid, s.Discount, sum, s.Amount)
	}
	if a := s.Amount.Amount().Add(s.Credited.Amount()); !a.Equal(inv.Amount.Amount()) {
		t.Fatalf("amount %s + credited %s = %s, the invoice's amount is %s", s.Amount, s.Credited, a, inv.Amount)
	}
	if s.Owed.Sign() < 0 || s.Overpaid.Sign() < 0 || s.WithDiscount.Sign() < 0 || s.Paid.Sign() < 0 || s.DaysLate < 0 ||
		s.Credited.Sign() < 0 || s.Amount.Sign() < 0 || s.Prepaid.Sign() < 0 || s.Prepaid.Amount().GreaterThan(s.Paid.Amount()) {
		t.Fatalf("negative: %+v", s)
	}
	cash := pctOf(s.Amount.Amount(), inv.CashPercent, inv.Amount.Currency().Digits())
	if !s.Discount.IsZero() && !s.Discount.Amount().Equal(cash) {
		t.Fatalf("discount %s, %s%% of %s is %s", s.Discount, inv.CashPercent, s.Amount, cash)
	}
	if s.Credited.IsZero() && !s.Discount.IsZero() && !s.Discount.Equal(inv.CashDiscount) {
		t.Fatalf("discount %s, the invoice's is %s", s.Discount, inv.CashDiscount)
	}
	if s.Settled != s.Owed.IsZero() {
		t.Fatalf("settled %v with %s owed", s.Settled, s.Owed)
	}
	if s.Settled == s.SettledAt.IsZero() || (s.Settled && s.Overdue) {
		t.Fatalf("settled %v at %v, overdue %v", s.Settled, s.SettledAt, s.Overdue)
	}
	if s.Settled && (s.SettledAt.Before(inv.Issued) || s.SettledAt.After(s.AsOf)) {
		t.Fatalf("settled at %v, issued %v, as of %v", s.SettledAt, inv.Issued, s.AsOf)
	}
	if s.Overdue != (!s.Settled && s.DaysLate > 0) {
		t.Fatalf("overdue %v, settled %v, days late %d", s.Overdue, s.Settled, s.DaysLate)
	}
	if s.WithDiscount.Sign() > 0 && !s.WithDiscount.Amount().LessThan(s.Owed.Amount()) {
		t.Fatalf("with discount %s, owed %s", s.WithDiscount, s.Owed)
	}
	for _, m := range []customer.Money{s.Paid, s.Discount, s.Owed, s.Overpaid, s.WithDiscount, s.Amount, s.Credited, s.Prepaid} {
		if m.Currency() != inv.Amount.Currency() {
			t.Fatalf("%s is not in %s", m, inv.Amount.Currency())
		}
	}
}

// SettleWith depends on the payments and credit notes, not on their
// order, on identical redeliveries, or on the zones their times carry;
// and every settlement, with prepayments and credit notes, keeps the
// invariants of checkInvariants.
func TestPropSettleOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, inv := genInvoice(t)
		ps := genPayments(t, inv)
		cs := genCredits(t, inv)
		asOf := inv.Issued.Add(time.Duration(rapid.Int64Range(0, 150*24*3600).Draw(t, "asOf s")) * time.Second)
		want, err := inv.SettleWith(ps, cs, asOf)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, inv, want)
		if len(cs) == 0 {
			plain, err := inv.Settle(ps, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if !same(plain, want) {
				t.Fatalf("Settle and SettleWith without credit notes differ:\n%+v\n%+v", plain, want)
			}
		}

		shuffled := rapid.Permutation(ps).Draw(t, "order")
		for i := range shuffled {
			shuffled[i].At = shuffled[i].At.In(zoneOrUTC(genZone(t, "payment zone")))
		}
		if len(ps) > 0 {
			again := rapid.SampledFrom(ps).Draw(t, "redelivered")
			shuffled = slices.Insert(shuffled, rapid.IntRange(0, len(shuffled)).Draw(t, "at"), again)
		}
		notes := rapid.Permutation(cs).Draw(t, "credit order")
		for i := range notes {
			notes[i].At = notes[i].At.In(zoneOrUTC(genZone(t, "credit zone")))
		}
		if len(cs) > 0 {
			again := rapid.SampledFrom(cs).Draw(t, "credit redelivered")
			notes = slices.Insert(notes, rapid.IntRange(0, len(notes)).Draw(t, "credit at"), again)
		}
		got, err := inv.SettleWith(shuffled, notes, asOf.In(zoneOrUTC(genZone(t, "asOf zone"))))
		if err != nil {
			t.Fatal(err)
		}
		if !same(got, want) {
			t.Fatalf("order changed the settlement:\n%+v\n%+v", got, want)
		}
	})
}

// SettledAt is the first instant at which the invoice is settled: as of
// it the settlement is settled at the same instant, as of the instant
// before it (when the invoice was issued by then) it is open.
func TestPropSettledAt(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, inv := genInvoice(t)
		ps, cs := genPayments(t, inv), genCredits(t, inv)
		s, err := inv.SettleWith(ps, cs, inv.Issued.AddDate(0, 0, 200))
		if err != nil {
			t.Fatal(err)
		}
		if !s.Settled {
			return
		}
		then, err := inv.SettleWith(ps, cs, s.SettledAt)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, inv, then)
		if !then.Settled || !then.SettledAt.Equal(s.SettledAt) {
			t.Fatalf("as of %v: settled %v at %v", s.SettledAt, then.Settled, then.SettledAt)
		}
		if before := s.SettledAt.Add(-time.Nanosecond); !before.Before(inv.Issued) {
			b, err := inv.SettleWith(ps, cs, before)
			if err != nil {
				t.Fatal(err)
			}
			if b.Settled {
				t.Fatalf("settled at %v, but already as of the instant before", s.SettledAt)
			}
		}
	})
}

// A prepayment is the same payment made at the invoice's issue: the
// settlement differs only in Prepaid and in its explanation.
func TestPropPrepaymentIsPaymentAtIssue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, inv := genInvoice(t)
		ps, cs := genPayments(t, inv), genCredits(t, inv)
		asOf := inv.Issued.Add(time.Duration(rapid.Int64Range(0, 150*24*3600).Draw(t, "asOf s")) * time.Second)
		s, err := inv.SettleWith(ps, cs, asOf)
		if err != nil {
			t.Fatal(err)
		}
		prepaid := decimal.Zero
		atIssue := slices.Clone(ps)
		for i := range atIssue {
			if atIssue[i].At.Before(inv.Issued) {
				prepaid = prepaid.Add(atIssue[i].Amount.Amount())
				atIssue[i].At = inv.Issued
			}
		}
		u, err := inv.SettleWith(atIssue, cs, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Prepaid.Amount().Equal(prepaid) || !u.Prepaid.IsZero() {
			t.Fatalf("prepaid %s and %s, want %s and 0", s.Prepaid, u.Prepaid, prepaid)
		}
		u.Prepaid, u.Explain = s.Prepaid, s.Explain
		if !same(s, u) {
			t.Fatalf("a prepayment is not a payment at the issue:\n%+v\n%+v", s, u)
		}
	})
}

// same reports whether two settlements are equal, comparing instants and
// amounts by value.
func same(a, b terms.Settlement) bool {
	return a.Invoice == b.Invoice && a.Customer == b.Customer && a.AsOf.Equal(b.AsOf) &&
		a.DiscountUntil == b.DiscountUntil && a.Due == b.Due && a.Amount.Equal(b.Amount) &&
		a.Credited.Equal(b.Credited) && a.Prepaid.Equal(b.Prepaid) &&
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

// More payments or credit notes never increase what is owed, and
// neither does a later asOf; a settled invoice stays settled.
func TestPropMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, inv := genInvoice(t)
		ps, cs := genPayments(t, inv), genCredits(t, inv)
		asOf := inv.Issued.Add(time.Duration(rapid.Int64Range(0, 150*24*3600).Draw(t, "asOf s")) * time.Second)
		before, err := inv.SettleWith(ps, cs, asOf)
		if err != nil {
			t.Fatal(err)
		}
		more := append(slices.Clone(ps), genPayments(t, inv)...)
		for i := len(ps); i < len(more); i++ {
			more[i].ID = "extra" + strconv.Itoa(i)
		}
		room := inv.Amount.Amount()
		for _, c := range cs {
			room = room.Sub(c.Amount.Amount())
		}
		moreCredits := append(slices.Clone(cs), genCreditsUpTo(t, inv, room, "extra")...)
		later := asOf.Add(time.Duration(rapid.Int64Range(0, 30*24*3600).Draw(t, "later s")) * time.Second)
		for _, c := range []struct {
			name string
			ps   []terms.Payment
			cs   []terms.CreditNote
			asOf time.Time
		}{{"more payments", more, cs, asOf}, {"more credit notes", ps, moreCredits, asOf}, {"later", ps, cs, later},
			{"all", more, moreCredits, later}} {
			after, err := inv.SettleWith(c.ps, c.cs, c.asOf)
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
			if before.Settled && after.SettledAt.After(before.SettledAt) {
				t.Fatalf("%s: settled later, at %v, than %v", c.name, after.SettledAt, before.SettledAt)
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
				ps[i].At, bad[i] = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), f+"at"
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
		requireNamed(t, "payment", bad, s, err)
	})
}

// requireNamed fails t unless err, the error of a settlement s of
// records with faults, is a *customer.ValidationError naming the field
// of every faulty record of bad (index to field), and s is empty.
func requireNamed(t *rapid.T, what string, bad map[int]string, s terms.Settlement, err error) {
	if err == nil {
		t.Fatalf("accepted %d faulty %ss", len(bad), what)
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
			t.Fatalf("%s %d: %s not named in %v", what, i, f, err)
		}
	}
}

// Any list of credit notes with faults is rejected, every faulty credit
// note is named, and nothing is returned.
func TestPropBadCreditsRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, inv := genInvoice(t)
		cs := genCredits(t, inv)
		if len(cs) == 0 {
			cs = append(cs, terms.CreditNote{ID: "C", At: inv.Issued, Amount: inv.Amount})
		}
		bad := map[int]string{}
		for i := range cs {
			if !rapid.Bool().Draw(t, "spoil") {
				continue
			}
			f := "credits[" + strconv.Itoa(i) + "]."
			switch rapid.IntRange(0, 5).Draw(t, "fault") {
			case 0:
				cs[i].ID, bad[i] = "", f+"id"
			case 1:
				cs[i].At, bad[i] = time.Time{}, f+"at"
			case 2:
				cs[i].At, bad[i] = inv.Issued.Add(-time.Nanosecond), f+"at"
			case 3:
				cs[i].Amount, bad[i] = cs[i].Amount.Neg(), f+"amount"
			case 4:
				other := customer.Currency("CHF")
				if inv.Amount.Currency() == other {
					other = "EUR"
				}
				cs[i].Amount, bad[i] = mustMoney(cs[i].Amount.Amount(), other), f+"amount"
			case 5:
				cs[i].Amount, bad[i] = mustMoney(cs[i].Amount.Amount().Add(decimal.New(1, -4)), cs[i].Amount.Currency()), f+"amount"
			}
		}
		if len(bad) == 0 {
			// Valid notes that together take more than the invoice.
			i := rapid.IntRange(0, len(cs)-1).Draw(t, "too much")
			cs[i].Amount, _ = cs[i].Amount.Add(inv.Amount)
			s, err := inv.SettleWith(nil, cs, inv.Issued.AddDate(0, 3, 0))
			if err == nil || s != (terms.Settlement{}) {
				t.Fatalf("accepted credit notes of more than the invoice: %v", err)
			}
			return
		}
		s, err := inv.SettleWith(genPayments(t, inv), cs, inv.Issued.AddDate(0, 3, 0))
		requireNamed(t, "credit note", bad, s, err)
	})
}

// Allocate conserves the payment exactly (Σ part + left = amount), gives
// the open invoices their need in the order of their due dates, only
// the last part short of it, and leaves money over only when every open
// invoice got all it needed; each part, paid, settles its invoice
// unless it is the short one, and overpays none.
func TestPropAllocate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tm := genTerms(t)
		cur := tm.Currency
		at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rapid.Int64Range(0, 24*3600).Draw(t, "at s")) * time.Second)
		n := rapid.IntRange(0, 5).Draw(t, "invoices")
		invs := map[string]terms.Invoice{}
		history := map[string][]terms.Payment{}
		var open []terms.Settlement
		for i := range n {
			id := "INV-" + strconv.Itoa(i)
			issued := at.Add(-time.Duration(rapid.Int64Range(0, 90*24*3600).Draw(t, "age s")) * time.Second)
			inv, err := tm.Invoice(id, "D", customer.Dealer, genList(t, cur), issued)
			if err != nil {
				continue
			}
			var ps []terms.Payment
			for _, p := range genPayments(t, inv) {
				if !p.At.After(at) {
					ps = append(ps, p)
				}
			}
			s, err := inv.Settle(ps, at)
			if err != nil {
				t.Fatal(err)
			}
			invs[id], history[id] = inv, ps
			open = append(open, s)
		}
		units := rapid.OneOf(rapid.Int64Range(1, 1000), rapid.Int64Range(1, 1_000_000_000_000)).Draw(t, "payment units")
		pay := terms.Payment{ID: "BANK", At: at, Amount: mustMoney(decimal.New(units, -cur.Digits()), cur)}
		parts, left, err := terms.Allocate(pay, open)
		if err != nil {
			t.Fatal(err)
		}
		sum := left.Amount()
		need := map[string]decimal.Decimal{}
		for _, s := range open {
			need[s.Invoice] = s.Owed.Amount()
			if s.WithDiscount.Sign() > 0 {
				need[s.Invoice] = s.WithDiscount.Amount()
			}
		}
		got := map[string]bool{}
		for i, a := range parts {
			sum = sum.Add(a.Payment.Amount.Amount())
			if a.Payment.ID != pay.ID || !a.Payment.At.Equal(at) || a.Payment.Amount.Currency() != cur || a.Payment.Amount.Sign() <= 0 {
				t.Fatalf("part %d: %+v", i, a)
			}
			w := need[a.Invoice]
			if a.Payment.Amount.Amount().GreaterThan(w) || (i < len(parts)-1 && !a.Payment.Amount.Amount().Equal(w)) {
				t.Fatalf("part %d for %s: %s, need %s", i, a.Invoice, a.Payment.Amount, w)
			}
			if got[a.Invoice] {
				t.Fatalf("%s got two parts", a.Invoice)
			}
			got[a.Invoice] = true
			if i > 0 && invs[a.Invoice].Due < invs[parts[i-1].Invoice].Due {
				t.Fatalf("%s (due %s) after %s (due %s)", a.Invoice, invs[a.Invoice].Due, parts[i-1].Invoice, invs[parts[i-1].Invoice].Due)
			}
			full := a.Payment.Amount.Amount().Equal(w)
			s, err := invs[a.Invoice].Settle(append(slices.Clone(history[a.Invoice]), a.Payment), at)
			if err != nil {
				t.Fatal(err)
			}
			if s.Settled != full || s.Overpaid.Sign() != 0 {
				t.Fatalf("%s after a part of %s (need %s): %s", a.Invoice, a.Payment.Amount, w, s.Explain)
			}
		}
		if !sum.Equal(pay.Amount.Amount()) || left.Currency() != cur || left.Sign() < 0 {
			t.Fatalf("parts and left %s add up to %s, paid %s", left, sum, pay.Amount)
		}
		if left.Sign() > 0 {
			for _, s := range open {
				if s.Owed.Sign() > 0 && !got[s.Invoice] {
					t.Fatalf("%s left, but %s got nothing", left, s.Invoice)
				}
			}
		}
	})
}
