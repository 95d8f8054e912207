package customertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/subtest"
	"pgregory.net/rapid"
)

func sampleOrder(id string, c customer.ID, t time.Time) customer.Order {
	return customer.Order{
		ID: id, CustomerID: c, Time: t, Channel: customer.Online, Store: "web", Currency: "EUR",
		Lines: []customer.Line{
			{ID: "1", SKU: "COAT-1", Category: "coats", Season: "2025-AW", Size: "M", Colour: "navy",
				Quantity: 2, UnitPrice: decimal.RequireFromString("199.00"),
				UnitCost: decimal.NewNullDecimal(decimal.RequireFromString("80.00")), Discount: decimal.RequireFromString("20")},
			{ID: "2", SKU: "SCARF-3", Category: "accessories", Quantity: 1, UnitPrice: decimal.RequireFromString("39.90"),
				Member: "dad"},
		},
	}
}

func sampleReturn(id, order string, c customer.ID, t time.Time) customer.Return {
	return customer.Return{ID: id, OrderID: order, CustomerID: c, Time: t, Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
}

// sampleCredit returns a credit of amount EUR for order (empty for none).
// A price reduction needs an order; without one the credit is a
// compensation.
func sampleCredit(id, order string, c customer.ID, t time.Time, amount string) customer.Credit {
	k := customer.PriceReduction
	if order == "" {
		k = customer.Compensation
	}
	m, err := customer.NewMoney(amount, "EUR")
	if err != nil {
		panic(err)
	}
	return customer.Credit{ID: id, CustomerID: c, OrderID: order, Time: t, Kind: k, Amount: m, Source: "case " + id}
}

// TestHistoryStore checks that the [customer.HistoryStore] returned by
// newStores keeps every promise of the interface. newStores returns an
// empty directory and the history store that goes with it (often one
// value implementing both); the kit creates customers through the
// directory before it appends their records.
func TestHistoryStore(t *testing.T, newStores func(t *testing.T) (customer.Directory, customer.HistoryStore)) {
	t.Helper()
	if newStores == nil {
		t.Fatal("customertest.TestHistoryStore: newStores is nil; pass a function that returns an empty directory and history store")
	}
	ctx := context.Background()
	setup := func(t *testing.T, ids ...customer.ID) customer.HistoryStore {
		t.Helper()
		d, h := newStores(t)
		for _, id := range ids {
			mustPut(t, d, sampleCustomer(id))
		}
		return h
	}

	// An order of an unknown customer must fail with customer.ErrNotFound and store nothing.
	subtest.Run(t, "AppendOrderUnknownCustomerReturnsErrNotFound", func(t *testing.T) {
		h := setup(t, "C-1")
		if err := h.AppendOrder(ctx, sampleOrder("O-1", "nobody", day0)); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("AppendOrder(unknown customer) = %v, want an error matching customer.ErrNotFound", err)
		}
		if err := h.AppendOrder(ctx, sampleOrder("O-1", "C-1", day0)); err != nil {
			t.Errorf("the rejected order's ID was taken: AppendOrder of a known customer = %v", err)
		}
	})

	// An order or return with an empty ID must fail with customer.ErrInvalid.
	subtest.Run(t, "AppendEmptyIDIsInvalid", func(t *testing.T) {
		h := setup(t, "C-1")
		if err := h.AppendOrder(ctx, sampleOrder("", "C-1", day0)); !errors.Is(err, customer.ErrInvalid) {
			t.Errorf("AppendOrder(empty ID) = %v, want an error matching customer.ErrInvalid", err)
		}
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		if err := h.AppendReturn(ctx, sampleReturn("", "O-1", "C-1", day0.Add(time.Hour))); !errors.Is(err, customer.ErrInvalid) {
			t.Errorf("AppendReturn(empty ID) = %v, want an error matching customer.ErrInvalid", err)
		}
		if err := h.AppendCredit(ctx, sampleCredit("", "O-1", "C-1", day0.Add(time.Hour), "5")); !errors.Is(err, customer.ErrInvalid) {
			t.Errorf("AppendCredit(empty ID) = %v, want an error matching customer.ErrInvalid", err)
		}
		if n := len(history(t, h, "C-1")); n != 1 {
			t.Errorf("after rejected appends the history has %d events, want 1", n)
		}
	})

	// The same order delivered twice is a no-op; under the same ID with other content it fails with customer.ErrDuplicate.
	subtest.Run(t, "AppendOrderIsIdempotent", func(t *testing.T) {
		h := setup(t, "C-1", "C-2")
		o := sampleOrder("O-1", "C-1", day0)
		mustAppendOrder(t, h, o)
		if err := h.AppendOrder(ctx, o.Clone()); err != nil {
			t.Errorf("identical redelivery: AppendOrder = %v, want nil", err)
		}
		rescaled := o.Clone()
		rescaled.Lines[0].UnitPrice = decimal.RequireFromString("199")
		rescaled.Lines[0].UnitCost = decimal.NewNullDecimal(decimal.RequireFromString("80.000"))
		rescaled.Lines[0].Discount = decimal.RequireFromString("20.00")
		rescaled.Lines[1].UnitPrice = decimal.RequireFromString("39.9")
		if err := h.AppendOrder(ctx, rescaled); err != nil {
			t.Errorf("redelivery with its amounts written at another scale (199 for 199.00, equal by customer.Order.Equal): AppendOrder = %v, want nil", err)
		}
		changed := o.Clone()
		changed.Lines[0].Quantity = 3
		if err := h.AppendOrder(ctx, changed); !errors.Is(err, customer.ErrDuplicate) {
			t.Errorf("same ID, other quantity: AppendOrder = %v, want an error matching customer.ErrDuplicate", err)
		} else {
			namesField(t, err, `order "O-1"`, "lines[0].quantity", false)
		}
		other := sampleOrder("O-1", "C-2", day0)
		if err := h.AppendOrder(ctx, other); !errors.Is(err, customer.ErrDuplicate) {
			t.Errorf("same order ID for another customer: AppendOrder = %v, want an error matching customer.ErrDuplicate", err)
		} else {
			namesField(t, err, `order "O-1"`, "customer_id", false)
		}
		evs := history(t, h, "C-1")
		if len(evs) != 1 || evs[0].Order == nil || !evs[0].Order.Equal(o) {
			t.Errorf("after redeliveries the history is %s, want the first order once", describe(evs))
		}
		if n := len(history(t, h, "C-2")); n != 0 {
			t.Errorf("a rejected order was stored for C-2: %d events", n)
		}
	})

	// Delete erases the customer's history with it: History then fails with customer.ErrNotFound, a customer put again starts empty, the erased orders', returns' and credits' IDs are free and an erased interaction delivered again is stored.
	subtest.Run(t, "DeleteErasesHistory", func(t *testing.T) {
		d, h := newStores(t)
		mustPut(t, d, sampleCustomer("C-1"))
		mustPut(t, d, sampleCustomer("C-2"))
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		if err := h.AppendReturn(ctx, sampleReturn("R-1", "O-1", "C-1", day0.Add(48*time.Hour))); err != nil {
			t.Fatalf("AppendReturn = %v", err)
		}
		if err := h.AppendCredit(ctx, sampleCredit("K-1", "O-1", "C-1", day0.Add(72*time.Hour), "10")); err != nil {
			t.Fatalf("AppendCredit = %v", err)
		}
		visit := customer.Interaction{CustomerID: "C-1", Time: day0.Add(4 * time.Hour), Kind: customer.SiteVisit, Subject: "home"}
		if err := h.AppendInteraction(ctx, visit); err != nil {
			t.Fatalf("AppendInteraction = %v", err)
		}
		mustAppendOrder(t, h, sampleOrder("O-2", "C-2", day0))
		if err := d.Delete(ctx, "C-1"); err != nil {
			t.Fatalf("Delete = %v", err)
		}
		var errs []error
		n := 0
		for _, err := range h.History(ctx, "C-1") {
			n++
			errs = append(errs, err)
		}
		if n != 1 || !errors.Is(errs[0], customer.ErrNotFound) {
			t.Errorf("History of a deleted customer yielded %d elements, errors %v; want exactly one error matching customer.ErrNotFound", n, errs)
		}
		mustPut(t, d, sampleCustomer("C-1"))
		if evs := history(t, h, "C-1"); len(evs) != 0 {
			t.Errorf("a deleted customer put again has history %s, want none", describe(evs))
		}
		again := sampleOrder("O-1", "C-1", day0.Add(time.Hour))
		mustAppendOrder(t, h, again)
		if evs := history(t, h, "C-1"); len(evs) != 1 || evs[0].Order == nil || !evs[0].Order.Equal(again) {
			t.Errorf("after re-adding order O-1 the history is %s, want the new order alone", describe(evs))
		}
		k := sampleCredit("K-1", "", "C-1", day0.Add(2*time.Hour), "3.50")
		if err := h.AppendCredit(ctx, k); err != nil {
			t.Errorf("the erased credit's ID K-1 is still taken: AppendCredit = %v", err)
		}
		r := sampleReturn("R-1", "O-1", "C-1", day0.Add(3*time.Hour))
		r.Reason = customer.QualityDefect
		if err := h.AppendReturn(ctx, r); err != nil {
			t.Errorf("the erased return's ID R-1 is still taken: AppendReturn = %v", err)
		}
		if err := h.AppendInteraction(ctx, visit); err != nil {
			t.Errorf("AppendInteraction of the erased interaction again: %v", err)
		}
		want := []string{"order O-1", "credit K-1", "return R-1", "interaction site-visit home"}
		if got := names(history(t, h, "C-1")); !slices.Equal(got, want) {
			t.Errorf("after Delete, Put and new records with the erased records' IDs and content, the history is %q, want %q", got, want)
		}
		if evs := history(t, h, "C-2"); len(evs) != 1 {
			t.Errorf("deleting C-1 changed C-2's history: %s", describe(evs))
		}
	})

	// Put replacing a customer keeps its history: an anonymised customer (customer.Customer.Anonymize, an erasure request) keeps the orders, returns, credits and interactions that statistics need.
	subtest.Run(t, "PutKeepsHistory", func(t *testing.T) {
		d, h := newStores(t)
		c := sampleCustomer("C-1")
		mustPut(t, d, c)
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		if err := h.AppendReturn(ctx, sampleReturn("R-1", "O-1", "C-1", day0.Add(48*time.Hour))); err != nil {
			t.Fatalf("AppendReturn = %v", err)
		}
		if err := h.AppendCredit(ctx, sampleCredit("K-1", "O-1", "C-1", day0.Add(72*time.Hour), "10")); err != nil {
			t.Fatalf("AppendCredit = %v", err)
		}
		if err := h.AppendInteraction(ctx, customer.Interaction{CustomerID: "C-1", Time: day0.Add(time.Hour), Kind: customer.SiteVisit, Subject: "home"}); err != nil {
			t.Fatalf("AppendInteraction = %v", err)
		}
		want := names(history(t, h, "C-1"))
		anon := c.Anonymize()
		mustPut(t, d, anon)
		if got, err := d.Get(ctx, "C-1"); err != nil {
			t.Errorf("Get of the anonymised customer: %v", err)
		} else {
			sameCustomer(t, anon, got, "after Put of the anonymised customer, Get")
		}
		if got := names(history(t, h, "C-1")); !slices.Equal(got, want) {
			t.Errorf("after Put of the anonymised customer the history is %q, want %q kept", got, want)
		}
		if err := h.AppendOrder(ctx, sampleOrder("O-1", "C-1", day0)); err != nil {
			t.Errorf("redelivery of order O-1 after Put of the anonymised customer: AppendOrder = %v, want nil", err)
		}
	})

	// A return needs a stored order of the same customer (customer.ErrNotFound otherwise); redelivery is a no-op, a conflict (also under the ID of another customer's return) customer.ErrDuplicate.
	subtest.Run(t, "AppendReturnRules", func(t *testing.T) {
		h := setup(t, "C-1", "C-2")
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		mustAppendOrder(t, h, sampleOrder("O-2", "C-2", day0))
		r := sampleReturn("R-1", "O-1", "C-1", day0.Add(48*time.Hour))
		r.Refund = decimal.NewNullDecimal(decimal.RequireFromString("180.50")) // a fee kept from the 189.00 share
		if err := h.AppendReturn(ctx, sampleReturn("R-0", "O-404", "C-1", day0)); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("AppendReturn(unknown order) = %v, want an error matching customer.ErrNotFound", err)
		}
		if err := h.AppendReturn(ctx, sampleReturn("R-0", "O-2", "C-1", day0)); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("AppendReturn(another customer's order) = %v, want an error matching customer.ErrNotFound", err)
		}
		if err := h.AppendReturn(ctx, sampleReturn("R-0", "O-1", "nobody", day0)); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("AppendReturn(unknown customer) = %v, want an error matching customer.ErrNotFound", err)
		}
		if err := h.AppendReturn(ctx, r); err != nil {
			t.Fatalf("AppendReturn: %v", err)
		}
		if err := h.AppendReturn(ctx, r.Clone()); err != nil {
			t.Errorf("identical redelivery: AppendReturn = %v, want nil", err)
		}
		rescaled := r.Clone()
		rescaled.Refund = decimal.NewNullDecimal(decimal.RequireFromString("180.5"))
		if err := h.AppendReturn(ctx, rescaled); err != nil {
			t.Errorf("redelivery with refund 180.5 for 180.50 (equal by customer.Return.Equal): AppendReturn = %v, want nil", err)
		}
		changed := r.Clone()
		changed.Reason = customer.QualityDefect
		if err := h.AppendReturn(ctx, changed); !errors.Is(err, customer.ErrDuplicate) {
			t.Errorf("same return ID, other reason: AppendReturn = %v, want an error matching customer.ErrDuplicate", err)
		} else {
			namesField(t, err, `return "R-1"`, "reason", false)
		}
		if err := h.AppendReturn(ctx, sampleReturn("R-1", "O-2", "C-2", day0.Add(48*time.Hour))); !errors.Is(err, customer.ErrDuplicate) {
			t.Errorf("same return ID for another customer: AppendReturn = %v, want an error matching customer.ErrDuplicate (return IDs are unique across customers)", err)
		}
		if evs := history(t, h, "C-2"); len(evs) != 1 {
			t.Errorf("a refused return was stored for C-2: history %s", describe(evs))
		}
		evs := history(t, h, "C-1")
		if len(evs) != 2 || evs[1].Return == nil || !evs[1].Return.Equal(r) {
			t.Errorf("history is %s, want the order then the return once", describe(evs))
		}
	})

	// A credit needs a stored customer, and a stored order of that customer when it names one (customer.ErrNotFound otherwise); redelivery (equal by customer.Credit.Equal: amounts by value, instants) is a no-op, a conflict customer.ErrDuplicate; the amount comes back by value, in its currency.
	subtest.Run(t, "AppendCreditRules", func(t *testing.T) {
		h := setup(t, "C-1", "C-2")
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		mustAppendOrder(t, h, sampleOrder("O-2", "C-2", day0))
		refused := []struct {
			what string
			c    customer.Credit
		}{
			{"unknown customer", sampleCredit("K-0", "", "nobody", day0, "5")},
			{"unknown order", sampleCredit("K-0", "O-404", "C-1", day0, "5")},
			{"another customer's order", sampleCredit("K-0", "O-2", "C-1", day0, "5")},
		}
		for _, tc := range refused {
			if err := h.AppendCredit(ctx, tc.c); !errors.Is(err, customer.ErrNotFound) {
				t.Errorf("AppendCredit(%s) = %v, want an error matching customer.ErrNotFound", tc.what, err)
			}
		}
		reduction := sampleCredit("K-1", "O-1", "C-1", day0.Add(24*time.Hour), "19.90")
		compensation := sampleCredit("K-2", "", "C-1", day0.Add(48*time.Hour), "5.50")
		for _, c := range []customer.Credit{reduction, compensation} {
			if err := h.AppendCredit(ctx, c); err != nil {
				t.Fatalf("AppendCredit %s: %v", c.ID, err)
			}
			if err := h.AppendCredit(ctx, c); err != nil {
				t.Errorf("identical redelivery: AppendCredit %s = %v, want nil", c.ID, err)
			}
		}
		changed := reduction
		changed.Amount, _ = customer.NewMoney("19.95", "EUR")
		if err := h.AppendCredit(ctx, changed); !errors.Is(err, customer.ErrDuplicate) {
			t.Errorf("same credit ID, other amount: AppendCredit = %v, want an error matching customer.ErrDuplicate", err)
		} else {
			namesField(t, err, `credit "K-1"`, "amount", false)
		}
		other := sampleCredit("K-2", "O-2", "C-2", day0.Add(48*time.Hour), "5.50")
		if err := h.AppendCredit(ctx, other); !errors.Is(err, customer.ErrDuplicate) {
			t.Errorf("same credit ID for another customer: AppendCredit = %v, want an error matching customer.ErrDuplicate", err)
		}
		same := compensation
		same.Amount, _ = customer.NewMoney("5.5", "EUR")
		same.Time = same.Time.In(time.FixedZone("UTC-7", -7*3600))
		if err := h.AppendCredit(ctx, same); err != nil {
			t.Errorf("redelivery of credit K-2 with amount 5.5 for 5.50 and its time in another zone (equal by customer.Credit.Equal): AppendCredit = %v, want nil", err)
		}
		dollars := sampleCredit("K-3", "", "C-2", day0.Add(50*time.Hour), "19.99")
		dollars.Amount, _ = customer.NewMoney("19.99", "USD")
		if err := h.AppendCredit(ctx, dollars); err != nil {
			t.Errorf("AppendCredit K-3 in USD: %v", err)
		}
		if evs := history(t, h, "C-2"); len(evs) != 2 || evs[1].Credit == nil || !evs[1].Credit.Equal(dollars) {
			t.Errorf("history of C-2 is %s, want the order then credit K-3", describe(evs))
		} else if got := evs[1].Credit.Amount; got.Currency() != "USD" || !got.Amount().Equal(dollars.Amount.Amount()) {
			t.Errorf("credit K-3 came back with amount %v, want 19.99 USD", got)
		}
		evs := history(t, h, "C-1")
		if len(evs) != 3 || evs[1].Credit == nil || !evs[1].Credit.Equal(reduction) || evs[2].Credit == nil || !evs[2].Credit.Equal(compensation) {
			t.Errorf("history is %s, want the order, then credits K-1 and K-2 once each", describe(evs))
		} else if got := evs[2].Credit.Amount; got.Currency() != "EUR" || !got.Amount().Equal(compensation.Amount.Amount()) {
			t.Errorf("credit K-2 came back with amount %v, want 5.50 EUR", got)
		}
		if evs := history(t, h, "C-2"); len(evs) != 2 {
			t.Errorf("a refused credit was stored for C-2: history %s", describe(evs))
		}
	})

	// An interaction of an unknown customer fails with customer.ErrNotFound; an equal one (customer.Interaction.Equal: the same instant, in any zone) delivered twice is stored once, one a nanosecond later is another.
	subtest.Run(t, "AppendInteractionRules", func(t *testing.T) {
		h := setup(t, "C-1")
		i := customer.Interaction{CustomerID: "C-1", Time: day0, Kind: customer.Wishlist, Subject: "COAT-1"}
		if err := h.AppendInteraction(ctx, customer.Interaction{CustomerID: "nobody", Time: day0, Kind: customer.Cart}); !errors.Is(err, customer.ErrNotFound) {
			t.Errorf("AppendInteraction(unknown customer) = %v, want an error matching customer.ErrNotFound", err)
		}
		for range 2 {
			if err := h.AppendInteraction(ctx, i); err != nil {
				t.Errorf("AppendInteraction: %v", err)
			}
		}
		j := i
		j.Subject = "COAT-2"
		if err := h.AppendInteraction(ctx, j); err != nil {
			t.Errorf("AppendInteraction: %v", err)
		}
		if evs := history(t, h, "C-1"); len(evs) != 2 {
			t.Errorf("history is %s, want two distinct interactions", describe(evs))
		}
		later := i
		later.Time = i.Time.Add(time.Nanosecond)
		if err := h.AppendInteraction(ctx, later); err != nil {
			t.Errorf("AppendInteraction: %v", err)
		}
		elsewhere := i
		elsewhere.Time = i.Time.In(time.FixedZone("UTC+8", 8*3600))
		if err := h.AppendInteraction(ctx, elsewhere); err != nil {
			t.Errorf("AppendInteraction: %v", err)
		}
		evs := history(t, h, "C-1")
		at, after := 0, 0
		for _, e := range evs {
			if e.Interaction != nil && e.Interaction.Subject == i.Subject {
				switch {
				case e.Interaction.Time.Equal(i.Time):
					at++
				case e.Interaction.Time.Equal(later.Time):
					after++
				}
			}
		}
		if after != 1 {
			t.Errorf("an interaction 1ns after a stored one is another interaction: the history holds it %d times, want once: %s", after, describe(evs))
		}
		if at != 1 {
			t.Errorf("an interaction at the same instant as a stored one, in another zone, is the same interaction: the history holds it %d times, want once: %s", at, describe(evs))
		}
	})

	// Every record comes back from History equal to what was appended (customer.Order.Equal and the like): nanoseconds, amounts of 3 and 0 decimals, lines in their order; and delivering it again, also in another zone, is a no-op.
	subtest.Run(t, "HistoryKeepsEveryField", func(t *testing.T) {
		h := setup(t, "C-1")
		east := time.FixedZone("UTC+5:45", 5*3600+45*60)
		at := func(hours int, nanos int) time.Time {
			return day0.Add(time.Duration(hours)*time.Hour + time.Duration(nanos)).In(east)
		}
		kwd := customer.Order{ID: "O-KWD", CustomerID: "C-1", Time: at(0, 123456789), Channel: customer.Store, Store: "Avenues Mall", Currency: "KWD",
			Lines: []customer.Line{
				{ID: "10", SKU: "SHIRT-9", Category: "shirts", Quantity: 2, UnitPrice: decimal.RequireFromString("12.345"),
					UnitCost: decimal.NewNullDecimal(decimal.RequireFromString("4.125")), Discount: decimal.RequireFromString("0.005")},
				{ID: "2", SKU: "BELT-1", Category: "accessories", Quantity: 1, UnitPrice: decimal.RequireFromString("7.5")},
				{ID: "1", SKU: "COAT-7", Category: "coats", Size: "XL", Quantity: 1, UnitPrice: decimal.RequireFromString("99.999"),
					Member: "Großvater 李"},
			}}
		jpy := customer.Order{ID: "O-JPY", CustomerID: "C-1", Time: at(1, 1), Channel: customer.Online, Currency: "JPY",
			Lines: []customer.Line{{ID: "1", SKU: "SOCKS", Category: "socks", Quantity: 3, UnitPrice: decimal.RequireFromString("1500")}}}
		ret := customer.Return{ID: "R-KWD", OrderID: "O-KWD", CustomerID: "C-1", Time: at(24, 999999999), Kind: customer.Refund,
			Reason: customer.QualityDefect, Lines: []customer.ReturnLine{{LineID: "10", Quantity: -1}, {LineID: "1", Quantity: -1}},
			Refund: decimal.NewNullDecimal(decimal.RequireFromString("110.339"))}
		credit := sampleCredit("K-JPY", "O-JPY", "C-1", at(30, 7), "100")
		credit.Amount, _ = customer.NewMoney("500", "JPY")
		credit.Source = "case Ä-17"
		visit := customer.Interaction{CustomerID: "C-1", Time: at(2, 3), Kind: customer.Wishlist, Subject: "COAT-7"}
		mustAppendOrder(t, h, kwd.Clone())
		mustAppendOrder(t, h, jpy.Clone())
		for _, err := range []error{h.AppendReturn(ctx, ret.Clone()), h.AppendCredit(ctx, credit), h.AppendInteraction(ctx, visit)} {
			if err != nil {
				t.Fatalf("append: %v", err)
			}
		}
		want := []customer.Event{{Order: &kwd}, {Order: &jpy}, {Interaction: &visit}, {Return: &ret}, {Credit: &credit}}
		check := func(what string) {
			t.Helper()
			got := history(t, h, "C-1")
			if len(got) != len(want) {
				t.Errorf("%s: history is %s, want %s", what, describe(got), describe(want))
				return
			}
			for i := range want {
				if !want[i].Equal(got[i]) {
					t.Errorf("%s: event %d is %s, not equal to the %s appended%s", what, i, names(got[i : i+1])[0], names(want[i : i+1])[0], recordDiff(want[i], got[i]))
				}
			}
		}
		check("History")
		utc := func(t time.Time) time.Time { return t.UTC() }
		o, j, r, k, v := kwd.Clone(), jpy.Clone(), ret.Clone(), credit, visit
		o.Time, j.Time, r.Time, k.Time, v.Time = utc(o.Time), utc(j.Time), utc(r.Time), utc(k.Time), utc(v.Time)
		for what, err := range map[string]error{
			"AppendOrder O-KWD":  h.AppendOrder(ctx, o),
			"AppendOrder O-JPY":  h.AppendOrder(ctx, j),
			"AppendReturn R-KWD": h.AppendReturn(ctx, r),
			"AppendCredit K-JPY": h.AppendCredit(ctx, k),
			"AppendInteraction":  h.AppendInteraction(ctx, v),
		} {
			if err != nil {
				t.Errorf("redelivery of an equal record, its time in UTC: %s = %v, want nil", what, err)
			}
		}
		check("History after redeliveries")
	})

	// Text that is not valid UTF-8 in a line (its member, SKU, size) is kept byte for byte, or AppendOrder fails with customer.ErrInvalid and stores nothing: never read back changed.
	subtest.Run(t, "AppendOrderKeepsOrRejectsInvalidUTF8", func(t *testing.T) {
		h := setup(t, "C-1")
		o := sampleOrder("O-1", "C-1", day0)
		o.Lines[1].Member = "d\xffd"
		o.Lines[0].SKU, o.Lines[0].Size = "COAT-\xfe", "M\xc3"
		err := h.AppendOrder(ctx, o.Clone())
		evs := history(t, h, "C-1")
		switch {
		case err != nil && !errors.Is(err, customer.ErrInvalid):
			t.Errorf("AppendOrder of text that is not UTF-8 = %v, want nil or an error matching customer.ErrInvalid", err)
		case err != nil && len(evs) != 0:
			t.Errorf("after a rejected AppendOrder the history has %d events, want 0", len(evs))
		case err == nil && len(evs) != 1:
			t.Errorf("the history has %d events, want 1", len(evs))
		case err == nil && (evs[0].Order == nil || !evs[0].Order.Equal(o)):
			t.Errorf("History returns %s, want the order as appended: %s", recordDiff(customer.Event{Order: &o}, evs[0]), describe(evs))
		}
	})

	// History yields a customer's events in the order of customer.CompareEvents, each with one record.
	subtest.Run(t, "HistoryInTimeOrder", func(t *testing.T) {
		h := setup(t, "C-1", "C-2")
		at := func(d int) time.Time { return day0.Add(time.Duration(d) * time.Hour) }
		mustAppendOrder(t, h, sampleOrder("O-b", "C-1", at(10)))
		mustAppendOrder(t, h, sampleOrder("O-a", "C-1", at(10)))
		mustAppendOrder(t, h, sampleOrder("O-c", "C-1", at(2)))
		mustAppendOrder(t, h, sampleOrder("O-x", "C-2", at(1)))
		for _, i := range []customer.Interaction{
			{CustomerID: "C-1", Time: at(10), Kind: customer.Cart, Subject: "b"},
			{CustomerID: "C-1", Time: at(10), Kind: customer.Cart, Subject: "a"},
			{CustomerID: "C-1", Time: at(1), Kind: customer.SiteVisit},
		} {
			if err := h.AppendInteraction(ctx, i); err != nil {
				t.Errorf("AppendInteraction: %v", err)
			}
		}
		for _, r := range []customer.Return{
			sampleReturn("R-2", "O-c", "C-1", at(10)),
			sampleReturn("R-1", "O-a", "C-1", at(30)),
		} {
			if err := h.AppendReturn(ctx, r); err != nil {
				t.Errorf("AppendReturn: %v", err)
			}
		}
		for _, c := range []customer.Credit{
			sampleCredit("K-b", "", "C-1", at(10), "1"),
			sampleCredit("K-a", "O-a", "C-1", at(10), "2"),
			sampleCredit("K-c", "O-c", "C-1", at(3), "3"),
		} {
			if err := h.AppendCredit(ctx, c); err != nil {
				t.Errorf("AppendCredit: %v", err)
			}
		}
		evs := history(t, h, "C-1")
		want := []string{"interaction site-visit ", "order O-c", "credit K-c", "order O-a", "order O-b", "return R-2",
			"credit K-a", "credit K-b", "interaction cart a", "interaction cart b", "return R-1"}
		if got := names(evs); !slices.Equal(got, want) {
			t.Errorf("History yields\n\t%q\nwant\n\t%q", got, want)
		}
		for i, e := range evs {
			if n := records(e); n != 1 {
				t.Errorf("event %d carries %d records, want 1", i, n)
			}
		}
	})

	// History of an unknown customer yields one error matching customer.ErrNotFound; of a customer without records, nothing.
	subtest.Run(t, "HistoryUnknownAndEmpty", func(t *testing.T) {
		h := setup(t, "C-1")
		var errs []error
		n := 0
		for _, err := range h.History(ctx, "nobody") {
			n++
			if err != nil {
				errs = append(errs, err)
			}
		}
		if n != 1 || len(errs) != 1 || !errors.Is(errs[0], customer.ErrNotFound) {
			t.Errorf("History(unknown) yielded %d elements, errors %v; want exactly one error matching customer.ErrNotFound", n, errs)
		}
		if evs := history(t, h, "C-1"); len(evs) != 0 {
			t.Errorf("History of a customer without records is %s, want empty", describe(evs))
		}
	})

	// Appends do not retain the caller's lines, and records yielded by History (orders and returns) share no memory with the store.
	subtest.Run(t, "HistoryIsolation", func(t *testing.T) {
		h := setup(t, "C-1")
		o := sampleOrder("O-1", "C-1", day0)
		want := o.Clone()
		mustAppendOrder(t, h, o)
		o.Lines[0].Quantity = 99
		r := sampleReturn("R-1", "O-1", "C-1", day0.Add(time.Hour))
		wantR := r.Clone()
		if err := h.AppendReturn(ctx, r); err != nil {
			t.Fatalf("AppendReturn: %v", err)
		}
		r.Lines[0].Quantity = -2
		evs := history(t, h, "C-1")
		if len(evs) != 2 || evs[0].Order == nil || evs[1].Return == nil {
			t.Fatalf("history is %s, want an order and a return", describe(evs))
		}
		if !evs[0].Order.Equal(want) {
			t.Errorf("changing the caller's lines after AppendOrder changed the store")
		}
		if !evs[1].Return.Equal(wantR) {
			t.Errorf("changing the caller's lines after AppendReturn changed the store")
		}
		evs[0].Order.Lines[0].Quantity = 77
		evs[1].Return.Lines[0].Quantity = -2
		again := history(t, h, "C-1")
		if len(again) != 2 || again[0].Order == nil || !again[0].Order.Equal(want) {
			t.Errorf("changing an order yielded by History changed the store")
		}
		if len(again) != 2 || again[1].Return == nil || !again[1].Return.Equal(wantR) {
			t.Errorf("changing a return yielded by History changed the store")
		}
	})

	// Calls with a context that is done fail with an error wrapping ctx.Err() and store nothing.
	subtest.Run(t, "CanceledContext", func(t *testing.T) {
		h := setup(t, "C-1")
		mustAppendOrder(t, h, sampleOrder("O-0", "C-1", day0))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := h.AppendReturn(cctx, sampleReturn("R-1", "O-0", "C-1", day0.Add(time.Hour))); !errors.Is(err, context.Canceled) {
			t.Errorf("AppendReturn(canceled) = %v, want an error matching context.Canceled", err)
		}
		if err := h.AppendOrder(cctx, sampleOrder("O-1", "C-1", day0)); !errors.Is(err, context.Canceled) {
			t.Errorf("AppendOrder(canceled) = %v, want an error matching context.Canceled", err)
		}
		if err := h.AppendInteraction(cctx, customer.Interaction{CustomerID: "C-1", Time: day0, Kind: customer.Cart}); !errors.Is(err, context.Canceled) {
			t.Errorf("AppendInteraction(canceled) = %v, want an error matching context.Canceled", err)
		}
		if err := h.AppendCredit(cctx, sampleCredit("K-1", "", "C-1", day0, "5")); !errors.Is(err, context.Canceled) {
			t.Errorf("AppendCredit(canceled) = %v, want an error matching context.Canceled", err)
		}
		var histErr error
		for _, err := range h.History(cctx, "C-1") {
			if err != nil {
				histErr = err
			}
		}
		if !errors.Is(histErr, context.Canceled) {
			t.Errorf("History(canceled) yielded %v, want an error matching context.Canceled", histErr)
		}
		if evs := history(t, h, "C-1"); len(evs) != 1 {
			t.Errorf("calls with a canceled context stored records: history %s, want order O-0 alone", describe(evs))
		}
	})

	// The history feeds customer.Summarize unchanged: the summary counts each stored order once.
	subtest.Run(t, "HistoryFeedsSummarize", func(t *testing.T) {
		h := setup(t, "C-1")
		mustAppendOrder(t, h, sampleOrder("O-1", "C-1", day0))
		mustAppendOrder(t, h, sampleOrder("O-2", "C-1", day0.AddDate(0, 1, 0)))
		if err := h.AppendReturn(ctx, sampleReturn("R-1", "O-1", "C-1", day0.AddDate(0, 0, 3))); err != nil {
			t.Fatalf("AppendReturn: %v", err)
		}
		for _, c := range []customer.Credit{
			sampleCredit("K-1", "O-2", "C-1", day0.AddDate(0, 1, 2), "20.00"),
			sampleCredit("K-2", "", "C-1", day0.AddDate(0, 2, 0), "7.50"),
		} {
			if err := h.AppendCredit(ctx, c); err != nil {
				t.Fatalf("AppendCredit: %v", err)
			}
		}
		var failed error
		seq := func(yield func(customer.Event) bool) {
			for e, err := range h.History(ctx, "C-1") {
				if err != nil {
					failed = err
					return
				}
				if !yield(e) {
					return
				}
			}
		}
		s, err := customer.Summarize("C-1", customer.Intermediary, day0.AddDate(1, 0, 0), seq, nil)
		if err != nil || failed != nil {
			t.Fatalf("Summarize over History: %v, %v", err, failed)
		}
		if s.Orders != 2 || s.Units != 6 || s.Returns != 1 || s.ReturnedUnits != 1 || s.Credits != 2 {
			t.Errorf("summary has %d orders, %d units, %d returns, %d returned units, %d credits; want 2, 6, 1, 1, 2", s.Orders, s.Units, s.Returns, s.ReturnedUnits, s.Credits)
		}
		if want := decimal.RequireFromString("27.5"); !s.Credited.Equal(want) {
			t.Errorf("summary has %s credited, want %s", s.Credited, want)
		}
	})

	// Concurrent appends, with redeliveries of the same records from several writers, store each record once (run with -race).
	subtest.Run(t, "Concurrent", func(t *testing.T) {
		h := setup(t, "C-1", "C-2")
		const writers, orders = 4, 20
		var wg sync.WaitGroup
		errs := make(chan error, writers*orders*4)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range orders {
					c := customer.ID([]string{"C-1", "C-2"}[i%2])
					id := fmt.Sprintf("O-%03d", i)
					if err := h.AppendOrder(ctx, sampleOrder(id, c, day0.Add(time.Duration(i)*time.Hour))); err != nil {
						errs <- fmt.Errorf("writer %d: AppendOrder %s: %w", w, id, err)
						continue
					}
					if err := h.AppendReturn(ctx, sampleReturn("R"+id, id, c, day0.Add(time.Duration(i+1)*time.Hour))); err != nil {
						errs <- fmt.Errorf("writer %d: AppendReturn R%s: %w", w, id, err)
					}
					if err := h.AppendCredit(ctx, sampleCredit("K"+id, id, c, day0.Add(time.Duration(i+2)*time.Hour), "4.20")); err != nil {
						errs <- fmt.Errorf("writer %d: AppendCredit K%s: %w", w, id, err)
					}
					for range h.History(ctx, c) {
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for _, c := range []customer.ID{"C-1", "C-2"} {
			if evs := history(t, h, c); len(evs) != 3*orders/2 {
				t.Errorf("history of %s has %d events after concurrent redeliveries, want %d", c, len(evs), 3*orders/2)
			}
		}
	})

	// Appends racing with the Delete of their customer land before it (and are erased with it) or fail with customer.ErrNotFound: none outlives the Delete to reappear when the customer is put again, nor keeps its ID taken (run with -race).
	subtest.Run(t, "DeleteRacingAppends", func(t *testing.T) {
		d, h := newStores(t)
		mustPut(t, d, sampleCustomer("C-1"))
		const writers, each = 4, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each+1)
		start, appended := make(chan struct{}), make(chan struct{})
		var once sync.Once
		id := func(w, i int) string { return fmt.Sprintf("O-%d-%02d", w, i) }
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := range each {
					err := h.AppendOrder(ctx, sampleOrder(id(w, i), "C-1", day0.Add(time.Duration(i)*time.Minute)))
					if err != nil && !errors.Is(err, customer.ErrNotFound) {
						errs <- fmt.Errorf("AppendOrder %s while C-1 is deleted: %v, want nil or an error matching customer.ErrNotFound", id(w, i), err)
					}
					once.Do(func() { close(appended) })
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-appended // the Delete comes while the writers are under way
			if err := d.Delete(ctx, "C-1"); err != nil {
				errs <- fmt.Errorf("Delete C-1 while orders are appended: %w", err)
			}
		}()
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		mustPut(t, d, sampleCustomer("C-1"))
		if evs := history(t, h, "C-1"); len(evs) != 0 {
			t.Errorf("orders appended while C-1 was deleted outlived the Delete: C-1 put again has history %s, want none", describe(evs))
		}
		for w := range writers {
			for i := range each {
				if err := h.AppendOrder(ctx, sampleOrder(id(w, i), "C-1", day0.Add(time.Hour))); err != nil {
					t.Errorf("order ID %s, erased or refused while C-1 was deleted, is taken: AppendOrder = %v", id(w, i), err)
				}
			}
		}
	})

	// Redeliveries of stored records (the same order, return, credit and interaction appended again by several writers) racing with the Delete of their customer, and each once more after it, return nil (before the Delete) or fail with customer.ErrNotFound (after it), never customer.ErrDuplicate or another error: none outlives the Delete, none is left half stored, and every ID is free afterwards (run with -race).
	subtest.Run(t, "DeleteRacingRedeliveries", func(t *testing.T) {
		d, h := newStores(t)
		mustPut(t, d, sampleCustomer("C-1"))
		const writers, records, rounds = 4, 6, 3
		var evs []customer.Event
		for i := range records {
			o := sampleOrder(fmt.Sprintf("O-%02d", i), "C-1", day0.Add(time.Duration(i)*time.Hour))
			r := sampleReturn(fmt.Sprintf("R-%02d", i), o.ID, "C-1", o.Time.Add(time.Minute))
			k := sampleCredit(fmt.Sprintf("K-%02d", i), o.ID, "C-1", o.Time.Add(2*time.Minute), "3.10")
			v := customer.Interaction{CustomerID: "C-1", Time: o.Time.Add(3 * time.Minute), Kind: customer.Wishlist, Subject: fmt.Sprintf("item %d", i)}
			evs = append(evs, customer.Event{Order: &o}, customer.Event{Return: &r}, customer.Event{Credit: &k}, customer.Event{Interaction: &v})
		}
		for _, e := range evs {
			if err := customer.Append(ctx, h, e); err != nil {
				t.Fatalf("append %s: %v", names([]customer.Event{e}), err)
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, writers*rounds*len(evs)+1)
		start, redelivered := make(chan struct{}), make(chan struct{})
		var once sync.Once
		for w := range writers {
			wg.Go(func() {
				<-start
				for n := range rounds * len(evs) {
					// Each writer goes through the records from another
					// place, so that redeliveries of one record overlap.
					e := evs[(n+w*len(evs)/writers)%len(evs)]
					if err := customer.Append(ctx, h, e); err != nil && !errors.Is(err, customer.ErrNotFound) {
						errs <- fmt.Errorf("redelivery of %s while C-1 is deleted: %v, want nil or an error matching customer.ErrNotFound", names([]customer.Event{e}), err)
					}
					once.Do(func() { close(redelivered) })
				}
			})
		}
		wg.Go(func() {
			<-redelivered // the Delete comes while the redeliveries are under way
			if err := d.Delete(ctx, "C-1"); err != nil {
				errs <- fmt.Errorf("Delete C-1 while its records are delivered again: %w", err)
			}
		})
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		// Once the Delete is through, whatever the interleaving above,
		// each record delivered again finds its customer gone.
		for _, e := range evs {
			if err := customer.Append(ctx, h, e); !errors.Is(err, customer.ErrNotFound) {
				t.Errorf("redelivery of %s after C-1 was deleted = %v, want an error matching customer.ErrNotFound", names([]customer.Event{e}), err)
			}
		}
		mustPut(t, d, sampleCustomer("C-1"))
		if got := history(t, h, "C-1"); len(got) != 0 {
			t.Errorf("records delivered again while C-1 was deleted outlived the Delete: C-1 put again has history %s, want none", describe(got))
		}
		// Every ID is free: records of other content under the same IDs
		// are stored whole.
		var again []customer.Event
		for i := range records {
			o := sampleOrder(fmt.Sprintf("O-%02d", i), "C-1", day0.Add(time.Duration(i)*time.Hour+30*time.Minute))
			o.Lines = o.Lines[:1]
			r := sampleReturn(fmt.Sprintf("R-%02d", i), o.ID, "C-1", o.Time.Add(time.Minute))
			r.Reason = customer.QualityDefect
			k := sampleCredit(fmt.Sprintf("K-%02d", i), "", "C-1", o.Time.Add(2*time.Minute), "1.20")
			again = append(again, customer.Event{Order: &o}, customer.Event{Return: &r}, customer.Event{Credit: &k})
		}
		for _, e := range again {
			if err := customer.Append(ctx, h, e); err != nil {
				t.Errorf("%s, erased with C-1, after Put again: append of other content = %v, want nil (the ID is free)", names([]customer.Event{e}), err)
			}
		}
		got := history(t, h, "C-1")
		if len(got) != len(again) {
			t.Fatalf("after the records were appended anew the history is %s, want %s", describe(got), describe(again))
		}
		for i := range again {
			if !got[i].Equal(again[i]) {
				t.Errorf("event %d after the records were appended anew: %s", i, recordDiff(again[i], got[i]))
			}
		}
	})

	// Any sequence of appends, redeliveries and conflicts behaves as the model: a map of records per ID (rapid).
	subtest.Run(t, "StateMachine", func(t *testing.T) {
		rapid.Check(t, func(rt *rapid.T) {
			d, h := newStores(t)
			m := &historyMachine{h: h, orders: map[string]customer.Order{}, returns: map[string]customer.Return{}, credits: map[string]customer.Credit{}}
			for _, c := range historyCustomers {
				if err := d.Put(ctx, sampleCustomer(c)); err != nil {
					rt.Fatalf("Put: %v", err)
				}
			}
			rt.Repeat(map[string]func(*rapid.T){
				"AppendOrder":       m.appendOrder,
				"RedeliverOrder":    m.redeliverOrder,
				"ConflictOrder":     m.conflictOrder,
				"AppendReturn":      m.appendReturn,
				"AppendCredit":      m.appendCredit,
				"AppendInteraction": m.appendInteraction,
				"":                  m.check,
			})
		})
	})

	testCheckedAppender(t, setup)
	testInteractionEraser(t, setup)
	testOddHistoryIDs(t, setup)
}

var historyCustomers = []customer.ID{"C-1", "C-2"}

func mustAppendOrder(t *testing.T, h customer.HistoryWriter, o customer.Order) {
	t.Helper()
	if err := h.AppendOrder(context.Background(), o); err != nil {
		t.Fatalf("AppendOrder %q: %v", o.ID, err)
	}
}

func history(t *testing.T, h customer.HistoryReader, id customer.ID) []customer.Event {
	t.Helper()
	var evs []customer.Event
	for e, err := range h.History(context.Background(), id) {
		if err != nil {
			t.Errorf("History %q: %v", id, err)
			break
		}
		evs = append(evs, e)
	}
	return evs
}

func records(e customer.Event) int {
	n := 0
	for _, set := range []bool{e.Order != nil, e.Return != nil, e.Credit != nil, e.Interaction != nil} {
		if set {
			n++
		}
	}
	return n
}

func names(evs []customer.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		switch {
		case e.Order != nil:
			out[i] = "order " + e.Order.ID
		case e.Return != nil:
			out[i] = "return " + e.Return.ID
		case e.Credit != nil:
			out[i] = "credit " + e.Credit.ID
		case e.Interaction != nil:
			out[i] = "interaction " + e.Interaction.Kind.String() + " " + e.Interaction.Subject
		default:
			out[i] = "empty event"
		}
	}
	return out
}

func describe(evs []customer.Event) string { return fmt.Sprintf("%q", names(evs)) }

// historyMachine is the model-based test of a HistoryStore.
type historyMachine struct {
	h            customer.HistoryStore
	orders       map[string]customer.Order
	returns      map[string]customer.Return
	credits      map[string]customer.Credit
	interactions []customer.Interaction
}

func (m *historyMachine) appendOrder(t *rapid.T) {
	id := fmt.Sprintf("O-%d", rapid.IntRange(0, 30).Draw(t, "order"))
	if _, ok := m.orders[id]; ok {
		t.Skip("order ID taken")
	}
	c := rapid.SampledFrom(historyCustomers).Draw(t, "customer")
	o := sampleOrder(id, c, day0.Add(time.Duration(rapid.IntRange(0, 50).Draw(t, "hour"))*time.Hour))
	if err := m.h.AppendOrder(context.Background(), o); err != nil {
		t.Fatalf("AppendOrder %s: %v", id, err)
	}
	m.orders[id] = o
}

func (m *historyMachine) someOrder(t *rapid.T) customer.Order {
	if len(m.orders) == 0 {
		t.Skip("no order yet")
	}
	ids := make([]string, 0, len(m.orders))
	for id := range m.orders {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return m.orders[rapid.SampledFrom(ids).Draw(t, "stored order")]
}

// redeliverOrder delivers a stored order again, its time perhaps written
// in another zone (the same instant: an equal order).
func (m *historyMachine) redeliverOrder(t *rapid.T) {
	o := m.someOrder(t).Clone()
	zone := rapid.SampledFrom([]*time.Location{time.UTC, time.FixedZone("UTC+14", 14*3600), time.FixedZone("UTC-12", -12*3600)}).Draw(t, "zone")
	o.Time = o.Time.In(zone)
	if err := m.h.AppendOrder(context.Background(), o); err != nil {
		t.Fatalf("redelivery of %s, its time in %s: %v, want nil", o.ID, zone, err)
	}
}

func (m *historyMachine) conflictOrder(t *rapid.T) {
	o := m.someOrder(t).Clone()
	o.Lines[1].Quantity += rapid.IntRange(1, 5).Draw(t, "more")
	if err := m.h.AppendOrder(context.Background(), o); !errors.Is(err, customer.ErrDuplicate) {
		t.Fatalf("conflicting %s: %v, want customer.ErrDuplicate", o.ID, err)
	}
}

func (m *historyMachine) appendReturn(t *rapid.T) {
	o := m.someOrder(t)
	id := fmt.Sprintf("R-%d", rapid.IntRange(0, 30).Draw(t, "return"))
	r := sampleReturn(id, o.ID, o.CustomerID, o.Time.Add(time.Hour))
	err := m.h.AppendReturn(context.Background(), r)
	prev, taken := m.returns[id]
	switch {
	case !taken:
		if err != nil {
			t.Fatalf("AppendReturn %s: %v", id, err)
		}
		m.returns[id] = r
	case prev.Equal(r):
		if err != nil {
			t.Fatalf("redelivery of return %s: %v, want nil", id, err)
		}
	default:
		if !errors.Is(err, customer.ErrDuplicate) {
			t.Fatalf("return %s under a taken ID with other content: %v, want customer.ErrDuplicate", id, err)
		}
	}
}

// appendCredit appends a credit of a stored order, or of none, under a
// new or a taken ID: the model says whether it is new, the same again or
// a conflict.
func (m *historyMachine) appendCredit(t *rapid.T) {
	id := fmt.Sprintf("K-%d", rapid.IntRange(0, 30).Draw(t, "credit"))
	amount := rapid.SampledFrom([]string{"5", "5.00", "12.34"}).Draw(t, "amount")
	var c customer.Credit
	if rapid.Bool().Draw(t, "of an order") {
		o := m.someOrder(t)
		c = sampleCredit(id, o.ID, o.CustomerID, o.Time.Add(2*time.Hour), amount)
	} else {
		cu := rapid.SampledFrom(historyCustomers).Draw(t, "customer")
		c = sampleCredit(id, "", cu, day0.Add(time.Duration(rapid.IntRange(0, 50).Draw(t, "hour"))*time.Hour), amount)
	}
	err := m.h.AppendCredit(context.Background(), c)
	prev, taken := m.credits[id]
	switch {
	case !taken:
		if err != nil {
			t.Fatalf("AppendCredit %s: %v", id, err)
		}
		m.credits[id] = c
	case prev.Equal(c):
		if err != nil {
			t.Fatalf("redelivery of credit %s: %v, want nil", id, err)
		}
	default:
		if !errors.Is(err, customer.ErrDuplicate) {
			t.Fatalf("credit %s under a taken ID with other content: %v, want customer.ErrDuplicate", id, err)
		}
	}
}

func (m *historyMachine) appendInteraction(t *rapid.T) {
	i := customer.Interaction{
		CustomerID: rapid.SampledFrom(historyCustomers).Draw(t, "customer"),
		Time:       day0.Add(time.Duration(rapid.IntRange(0, 50).Draw(t, "hour")) * time.Hour),
		Kind:       rapid.SampledFrom([]customer.InteractionKind{customer.Cart, customer.Wishlist}).Draw(t, "kind"),
		Subject:    rapid.SampledFrom([]string{"", "COAT-1"}).Draw(t, "subject"),
	}
	if err := m.h.AppendInteraction(context.Background(), i); err != nil {
		t.Fatalf("AppendInteraction: %v", err)
	}
	if !slices.ContainsFunc(m.interactions, i.Equal) {
		m.interactions = append(m.interactions, i)
	}
}

func (m *historyMachine) check(t *rapid.T) {
	for _, c := range historyCustomers {
		var want []customer.Event
		for _, o := range m.orders {
			if o.CustomerID == c {
				want = append(want, customer.Event{Order: &o})
			}
		}
		for _, r := range m.returns {
			if r.CustomerID == c {
				want = append(want, customer.Event{Return: &r})
			}
		}
		for _, k := range m.credits {
			if k.CustomerID == c {
				want = append(want, customer.Event{Credit: &k})
			}
		}
		for _, i := range m.interactions {
			if i.CustomerID == c {
				want = append(want, customer.Event{Interaction: &i})
			}
		}
		slices.SortFunc(want, customer.CompareEvents)
		var got []customer.Event
		for e, err := range m.h.History(context.Background(), c) {
			if err != nil {
				t.Fatalf("History %s: %v", c, err)
			}
			got = append(got, e)
		}
		if !slices.EqualFunc(got, want, customer.Event.Equal) {
			t.Fatalf("History %s = %q, model %q", c, names(got), names(want))
		}
	}
}

// recordDiff names, as ": first differing field f", the first field in
// which got's record differs from want's, when both are orders, returns
// or credits; otherwise it returns "".
func recordDiff(want, got customer.Event) string {
	var err error
	switch {
	case want.Order != nil && got.Order != nil:
		err = want.Order.Conflict(*got.Order)
	case want.Return != nil && got.Return != nil:
		err = want.Return.Conflict(*got.Return)
	case want.Credit != nil && got.Credit != nil:
		err = want.Credit.Conflict(*got.Credit)
	}
	var dup *customer.DuplicateError
	if errors.As(err, &dup) {
		return ": first differing field " + dup.Field
	}
	return ""
}

// namesField checks that err, an error matching [customer.ErrDuplicate],
// names the record and the first field that differs, as
// [customer.Order.Conflict] does, when it is a [*customer.DuplicateError].
// A store may also return a plain error, unless strict.
func namesField(t *testing.T, err error, record, field string, strict bool) {
	t.Helper()
	var dup *customer.DuplicateError
	switch {
	case !errors.As(err, &dup):
		if strict {
			t.Errorf("%s with another %s: got %v, want a *customer.DuplicateError naming %s and %q", record, field, err, record, field)
		}
	case dup.Record != record || dup.Field != field:
		t.Errorf("%s with another %s: duplicate error %q names %s, field %q", record, field, err, dup.Record, dup.Field)
	}
}

// TestHistoryConflicts checks, beyond [TestHistoryStore], that the
// history store returned by newStores reports a second version of a
// stored order, return or credit as a [*customer.DuplicateError] that
// names the record and the first field that differs, as
// [customer.Order.Conflict], [customer.Return.Conflict] and
// [customer.Credit.Conflict] do, and stores nothing of it. A store
// that compares with those methods passes; the interface itself asks
// only for an error matching [customer.ErrDuplicate].
func TestHistoryConflicts(t *testing.T, newStores func(t *testing.T) (customer.Directory, customer.HistoryStore)) {
	t.Helper()
	if newStores == nil {
		t.Fatal("customertest.TestHistoryConflicts: newStores is nil; pass a function that returns an empty directory and history store")
	}
	ctx := context.Background()
	d, h := newStores(t)
	for _, id := range []customer.ID{"C-1", "C-2"} {
		mustPut(t, d, sampleCustomer(id))
	}
	o := sampleOrder("O-1", "C-1", day0)
	mustAppendOrder(t, h, o)
	r := sampleReturn("R-1", "O-1", "C-1", day0.Add(48*time.Hour))
	if err := h.AppendReturn(ctx, r); err != nil {
		t.Fatalf("AppendReturn: %v", err)
	}
	k := sampleCredit("K-1", "O-1", "C-1", day0.Add(72*time.Hour), "10.00")
	if err := h.AppendCredit(ctx, k); err != nil {
		t.Fatalf("AppendCredit: %v", err)
	}
	orders := []struct {
		field  string
		change func(o *customer.Order)
	}{
		{"customer_id", func(o *customer.Order) { o.CustomerID = "C-2" }},
		{"time", func(o *customer.Order) { o.Time = o.Time.Add(time.Millisecond) }},
		{"store", func(o *customer.Order) { o.Store = "Berlin 2" }},
		{"lines", func(o *customer.Order) { o.Lines = o.Lines[:1] }},
		{"lines[0].quantity", func(o *customer.Order) { o.Lines[0].Quantity = 3 }},
		{"lines[0].unit_cost", func(o *customer.Order) { o.Lines[0].UnitCost = decimal.NullDecimal{} }},
		{"lines[1].unit_price", func(o *customer.Order) { o.Lines[1].UnitPrice = decimal.RequireFromString("39.95") }},
		{"lines[1].discount", func(o *customer.Order) { o.Lines[1].Discount = decimal.RequireFromString("0.01") }},
		{"lines[1].member", func(o *customer.Order) { o.Lines[1].Member = "mum" }},
		{"lines[0].member", func(o *customer.Order) { o.Lines[0].Member = "dad" }},
	}
	for _, tc := range orders {
		subtest.Run(t, "order "+tc.field, func(t *testing.T) {
			other := o.Clone()
			tc.change(&other)
			namesField(t, h.AppendOrder(ctx, other), `order "O-1"`, tc.field, true)
		})
	}
	returns := []struct {
		field  string
		change func(r *customer.Return)
	}{
		{"time", func(r *customer.Return) { r.Time = r.Time.Add(time.Minute) }},
		{"kind", func(r *customer.Return) { r.Kind = customer.Exchange }},
		{"reason", func(r *customer.Return) { r.Reason = customer.QualityDefect }},
		{"lines[0].quantity", func(r *customer.Return) { r.Lines[0].Quantity = -2 }},
		{"lines", func(r *customer.Return) { r.Lines = append(r.Lines, customer.ReturnLine{LineID: "2", Quantity: -1}) }},
		{"refund", func(r *customer.Return) { r.Refund = decimal.NewNullDecimal(decimal.RequireFromString("150")) }},
	}
	for _, tc := range returns {
		subtest.Run(t, "return "+tc.field, func(t *testing.T) {
			other := r.Clone()
			tc.change(&other)
			namesField(t, h.AppendReturn(ctx, other), `return "R-1"`, tc.field, true)
		})
	}
	credits := []struct {
		field  string
		change func(c *customer.Credit)
	}{
		{"customer_id", func(c *customer.Credit) { c.CustomerID = "C-2" }},
		{"order_id", func(c *customer.Credit) { c.OrderID = "" }},
		{"time", func(c *customer.Credit) { c.Time = c.Time.Add(time.Second) }},
		{"kind", func(c *customer.Credit) { c.Kind = customer.Compensation }},
		{"amount", func(c *customer.Credit) { c.Amount, _ = customer.NewMoney("10.01", "EUR") }},
		{"amount", func(c *customer.Credit) { c.Amount, _ = customer.NewMoney("10.00", "USD") }},
		{"source", func(c *customer.Credit) { c.Source = "case 2" }},
	}
	for _, tc := range credits {
		subtest.Run(t, "credit "+tc.field, func(t *testing.T) {
			other := k
			tc.change(&other)
			namesField(t, h.AppendCredit(ctx, other), `credit "K-1"`, tc.field, true)
		})
	}
	evs := history(t, h, "C-1")
	if len(evs) != 3 || evs[0].Order == nil || !evs[0].Order.Equal(o) || evs[1].Return == nil || !evs[1].Return.Equal(r) ||
		evs[2].Credit == nil || !evs[2].Credit.Equal(k) {
		t.Errorf("after the refused versions the history is %s, want the first order, return and credit", describe(evs))
	}
	if n := len(history(t, h, "C-2")); n != 0 {
		t.Errorf("a refused order was stored for C-2: %d events", n)
	}
}
