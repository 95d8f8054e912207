package main

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

const adCust = customer.ID("C-AD")

// roll draws one of 0, …, n−1 for a choice whose case 0 is the rare one:
// rapid draws small numbers more often than others, so the draw is
// turned by n/2.
func roll(t *rapid.T, n int, label string) int {
	return (rapid.IntRange(0, n-1).Draw(t, label) + n/2) % n
}

// adOrders draws 1 to 4 orders of customer adCust (now and then one
// delivered twice under one ID, in another currency, dated after now,
// with a discount above its gross, so a negative net, with a unit price
// beyond the bounds of an amount, or with two lines of one ID).
func adOrders(t *rapid.T, now time.Time) []customer.Order {
	prices := []string{"89.90", "54.90", "19.99", "0.01", "120.00", "1000"}
	discounts := []string{"0", "0", "3.33", "10.00", "0.005"}
	n := rapid.IntRange(1, 4).Draw(t, "orders")
	var out []customer.Order
	for i := range n {
		o := customer.Order{ID: fmt.Sprintf("O-%d", i+1), CustomerID: adCust, Channel: customer.Online, Currency: "EUR",
			Time: now.Add(-time.Duration(rapid.IntRange(1, 60).Draw(t, "orderDaysBack")) * 24 * time.Hour)}
		if roll(t, 20, "orderAfterNow") == 0 {
			o.Time = now.Add(time.Hour)
		}
		switch roll(t, 10, "currency") {
		case 0:
			o.Currency = "USD"
		case 1:
			o.Currency = "JPY"
		}
		for j := range rapid.IntRange(1, 3).Draw(t, "lines") {
			l := customer.Line{ID: fmt.Sprint(j + 1), SKU: fmt.Sprintf("SK-%d", j), Category: "knitwear",
				Quantity:  rapid.IntRange(1, 12).Draw(t, "qty"),
				UnitPrice: decimal.RequireFromString(rapid.SampledFrom(prices).Draw(t, "price")),
				Discount:  decimal.RequireFromString(rapid.SampledFrom(discounts).Draw(t, "discount"))}
			switch roll(t, 40, "oddLine") {
			case 0:
				l.Discount = l.Gross().Add(decimal.RequireFromString("5")) // a negative net
			case 1:
				l.UnitPrice = decimal.RequireFromString("1e31") // beyond the bounds of an amount
			case 2:
				l.ID = "1" // a line ID twice in one order
			}
			o.Lines = append(o.Lines, l)
		}
		out = append(out, o)
		if roll(t, 8, "orderAgain") == 0 {
			again := o
			again.Time = o.Time.Add(time.Hour)
			out = append(out, again)
		}
	}
	return out
}

// adEvents draws a stored history of customer adCust as an older release
// could have written it: orders, then refunds and exchanges (of too many
// units, over-refunds, refunds with a negative or too fine amount, of an
// unknown order or line), price reductions and compensations (of an
// order, of none, of an unknown one, in another currency, above the net),
// records dated after now or before their order, records of another
// customer, and redeliveries equal to or in conflict with a record drawn
// before; in a drawn order.
func adEvents(t *rapid.T, now time.Time) []customer.Event {
	orders := adOrders(t, now)
	var out []customer.Event
	for i := range orders {
		out = append(out, customer.Event{Order: &orders[i]})
	}
	orderIDs := []string{"O-X"}
	for _, o := range orders {
		orderIDs = append(orderIDs, o.ID)
	}
	pick := func(label string) *customer.Order {
		if roll(t, 10, label+"Unknown") == 0 {
			return nil
		}
		return &orders[rapid.IntRange(0, len(orders)-1).Draw(t, label)]
	}
	when := func(o *customer.Order) time.Time {
		base := now.Add(-60 * 24 * time.Hour)
		if o != nil {
			base = o.Time
		}
		switch roll(t, 20, "when") {
		case 0:
			return now.Add(time.Duration(rapid.IntRange(1, 48).Draw(t, "hoursAfterNow")) * time.Hour)
		case 1:
			return base.Add(-time.Hour)
		}
		span := max(int(now.Sub(base)/time.Hour), 0)
		return base.Add(time.Duration(rapid.IntRange(0, span).Draw(t, "hoursAfter")) * time.Hour)
	}
	cust := func() customer.ID {
		if roll(t, 30, "otherCustomer") == 0 {
			return "C-OTHER"
		}
		return adCust
	}
	n := rapid.IntRange(0, 40).Draw(t, "records")
	var records []customer.Event
	for i := range n {
		switch k := rapid.IntRange(0, 19).Draw(t, "kind"); {
		case k < 10: // a return
			o := pick("returnOrder")
			r := customer.Return{ID: fmt.Sprintf("R-%d", i), CustomerID: cust(), Time: when(o), Kind: customer.Refund, Reason: customer.SizeFit}
			if o != nil {
				r.OrderID = o.ID
			} else {
				r.OrderID = "O-X"
			}
			switch roll(t, 10, "returnKind") {
			case 0, 1, 2:
				r.Kind = customer.Exchange
			case 3:
				r.Kind = customer.ReturnKind(9)
			}
			if o != nil {
				for _, l := range o.Lines {
					if rapid.Bool().Draw(t, "line") {
						units := rapid.IntRange(1, min(l.Quantity, 3)).Draw(t, "units")
						if roll(t, 10, "tooMany") == 0 {
							units = l.Quantity + 1
						}
						r.Lines = append(r.Lines, customer.ReturnLine{LineID: l.ID, Quantity: -units})
					}
				}
			}
			if len(r.Lines) == 0 || roll(t, 20, "unknownLine") == 0 {
				r.Lines = append(r.Lines, customer.ReturnLine{LineID: rapid.SampledFrom([]string{"1", "9"}).Draw(t, "lineID"), Quantity: -1})
			}
			if rapid.IntRange(0, 2).Draw(t, "refundSet") == 0 {
				a := rapid.SampledFrom([]string{"0.00", "0.01", "10.00", "19.99", "53.23", "53.24", "89.90", "106.47", "200.00", "-1.00", "1.001", "1e31"}).Draw(t, "refund")
				r.Refund = decimal.NewNullDecimal(decimal.RequireFromString(a))
			}
			records = append(records, customer.Event{Return: &r})
		case k < 18: // a credit
			c := customer.Credit{ID: fmt.Sprintf("K-%d", i), CustomerID: cust(), Kind: customer.PriceReduction}
			if rapid.IntRange(0, 2).Draw(t, "compensation") == 0 {
				c.Kind = customer.Compensation
			}
			o := pick("creditOrder")
			c.Time = when(o)
			switch {
			case o != nil:
				c.OrderID = o.ID
			default:
				c.OrderID = rapid.SampledFrom([]string{"", "", " ", "O-X"}).Draw(t, "noOrder")
			}
			cur := "EUR"
			switch roll(t, 10, "creditCurrency") {
			case 0:
				cur = "USD"
			case 1:
				cur = "JPY"
			}
			a := rapid.SampledFrom([]string{"0.01", "1", "5.00", "20.00", "54.90", "100.00", "150.00", "500.00", "0.00", "1.005"}).Draw(t, "amount")
			m, err := customer.NewMoney(a, cur)
			if err != nil {
				t.Fatal(err)
			}
			c.Amount = m
			records = append(records, customer.Event{Credit: &c})
		default: // a redelivery, as it was or changed
			if len(records) == 0 {
				continue
			}
			e := rapid.SampledFrom(records).Draw(t, "again")
			changed := rapid.Bool().Draw(t, "changed")
			switch {
			case e.Return != nil:
				r := *e.Return
				if changed {
					r.Time = r.Time.Add(-time.Hour)
				}
				records = append(records, customer.Event{Return: &r})
			default:
				c := *e.Credit
				if changed {
					c.Amount, _ = customer.NewMoney("2.00", string(c.Amount.Currency()))
				}
				records = append(records, customer.Event{Credit: &c})
			}
		}
	}
	out = append(out, records...)
	return rapid.Permutation(out).Draw(t, "order")
}

// Over drawn stored histories, admissible loses nothing and its verdict
// is final: every record is kept or left out with its reason, the input
// is not changed, and the history it keeps is admissible as it is (kept
// again whole, nothing left out), as a refresh that reads it back finds
// it.
func TestAdmissibleKeepsAnAdmissibleHistory(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := adEvents(t, rvNow)
		in := slices.Clone(evs)
		kept, left := admissible(in, rvNow)
		if !reflect.DeepEqual(in, evs) {
			t.Fatal("admissible changed its input")
		}
		if len(kept)+len(left) != len(evs) {
			t.Fatalf("%d records: %d kept, %d left out", len(evs), len(kept), len(left))
		}
		for _, l := range left {
			if l.Record == "" || l.Error == "" {
				t.Fatalf("left out without record or reason: %+v", l)
			}
		}
		again, left2 := admissible(slices.Clone(kept), rvNow)
		if len(left2) > 0 {
			t.Fatalf("the kept history %v leaves out %v", records(kept), left2)
		}
		if !reflect.DeepEqual(records(again), records(kept)) {
			t.Fatalf("kept again:\n got %v\nwant %v", records(again), records(kept))
		}
	})
}

func records(evs []customer.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Record())
	}
	return out
}

// admHistory returns the history of customer adCust with one order of
// three lines of n units each, followed by n records of it, refunds of
// one unit (every third with a refund amount set) alternating with price
// reductions of 0.01, all of which a Recorder accepts.
func admHistory(n int) []customer.Event {
	at := rvNow.Add(-time.Duration(n+2) * time.Hour)
	o := customer.Order{ID: "O-B", CustomerID: adCust, Time: at, Channel: customer.Online, Currency: "EUR", Lines: []customer.Line{
		{ID: "1", SKU: "KN-1", Category: "knitwear", Quantity: n, UnitPrice: decimal.RequireFromString("89.90")},
		{ID: "2", SKU: "SH-1", Category: "shoes", Quantity: n, UnitPrice: decimal.RequireFromString("54.90"), Discount: decimal.RequireFromString("3.33")},
		{ID: "3", SKU: "TS-1", Category: "tops", Quantity: n, UnitPrice: decimal.RequireFromString("19.99")},
	}}
	evs := []customer.Event{{Order: &o}}
	cent, _ := customer.NewMoney("0.01", "EUR")
	for i := range n {
		when := at.Add(time.Duration(i+1) * time.Hour)
		if i%2 == 0 {
			r := customer.Return{ID: fmt.Sprintf("R-%04d", i), OrderID: o.ID, CustomerID: adCust, Time: when, Kind: customer.Refund,
				Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: fmt.Sprint(i/2%3 + 1), Quantity: -1}}}
			if i%3 == 0 {
				r.Refund = decimal.NewNullDecimal(decimal.RequireFromString("10.00"))
			}
			evs = append(evs, customer.Event{Return: &r})
			continue
		}
		c := customer.Credit{ID: fmt.Sprintf("K-%04d", i), CustomerID: adCust, OrderID: o.ID, Time: when, Kind: customer.PriceReduction, Amount: cent}
		evs = append(evs, customer.Event{Credit: &c})
	}
	return evs
}

// allocated returns the bytes that admissible allocates on evs.
func allocated(evs []customer.Event) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	admissible(evs, rvNow)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// The work of admissible grows with the records of an order, not with
// their square: four times the records allocate less than eight times the
// bytes (a refresh checks every history twice).
func TestAdmissibleScales(t *testing.T) {
	small, large := admHistory(100), admHistory(400)
	if kept, left := admissible(large, rvNow); len(left) > 0 || len(kept) != len(large) {
		t.Fatalf("the benchmark history leaves out %v", left)
	}
	a, b := allocated(small), allocated(large)
	if b > 8*a {
		t.Errorf("100 records allocate %d bytes, 400 records %d: %.1f times as much", a, b, float64(b)/float64(a))
	}
}

// BenchmarkAdmissible checks a history of one order with n records,
// half refunds, half price reductions (in examples/eshop):
//
//	go test -run '^$' -bench Admissible -count 6
func BenchmarkAdmissible(b *testing.B) {
	for _, n := range []int{10, 50, 200} {
		evs := admHistory(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				admissible(evs, rvNow)
			}
		})
	}
}
