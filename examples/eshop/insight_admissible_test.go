package main

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

const rvCust = customer.ID("C-RV")

var rvNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// rvOrders returns the two orders of customer rvCust, 30 and 29 days
// before rvNow; line 2 of O-1 has a discount whose share is not whole
// cents per unit.
func rvOrders() []customer.Order {
	at := rvNow.Add(-30 * 24 * time.Hour)
	return []customer.Order{
		{ID: "O-1", CustomerID: rvCust, Time: at, Channel: customer.Online, Currency: "EUR", Lines: []customer.Line{
			{ID: "1", SKU: "KN-1", Category: "knitwear", Quantity: 3, UnitPrice: decimal.RequireFromString("89.90")},
			{ID: "2", SKU: "SH-1", Category: "shoes", Quantity: 2, UnitPrice: decimal.RequireFromString("54.90"), Discount: decimal.RequireFromString("3.33")},
		}},
		{ID: "O-2", CustomerID: rvCust, Time: at.Add(24 * time.Hour), Channel: customer.Online, Currency: "EUR", Lines: []customer.Line{
			{ID: "1", SKU: "CO-1", Category: "coats", Quantity: 1, UnitPrice: decimal.RequireFromString("120.00")},
		}},
	}
}

// rvStore returns a MemStore holding the customer and its orders.
func rvStore(t *rapid.T) *customer.MemStore {
	st := customer.NewMemStore()
	ctx := context.Background()
	if err := st.Put(ctx, customer.Customer{ID: rvCust, Kind: customer.Consumer, Joined: rvNow.AddDate(-1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	for _, o := range rvOrders() {
		if err := st.AppendOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// rvEvents draws returns (refunds, exchanges, some with a refund amount)
// and credits (price reductions, compensations with and without an
// order) at drawn instants after the orders, in a drawn sequence of
// writing, so that some are back-dated, with redeliveries of records
// drawn before.
func rvEvents(t *rapid.T) []customer.Event {
	n := rapid.IntRange(0, 14).Draw(t, "n")
	orders := rvOrders()
	var out []customer.Event
	for i := range n {
		when := rvNow.Add(-time.Duration(rapid.IntRange(0, 28*24).Draw(t, "hoursBack")) * time.Hour)
		switch rapid.IntRange(0, 5).Draw(t, "kind") {
		case 0, 1, 2: // a return
			o := rapid.SampledFrom(orders).Draw(t, "order")
			r := customer.Return{ID: fmt.Sprintf("R-%d", i), OrderID: o.ID, CustomerID: rvCust, Time: when,
				Kind: customer.Refund, Reason: customer.SizeFit}
			if rapid.IntRange(0, 3).Draw(t, "exchange") == 0 {
				r.Kind = customer.Exchange
			}
			for _, l := range o.Lines {
				if rapid.Bool().Draw(t, "line") {
					r.Lines = append(r.Lines, customer.ReturnLine{LineID: l.ID, Quantity: -rapid.IntRange(1, l.Quantity).Draw(t, "qty")})
				}
			}
			if len(r.Lines) == 0 {
				r.Lines = []customer.ReturnLine{{LineID: "1", Quantity: -1}}
			}
			if r.Kind == customer.Refund && rapid.IntRange(0, 2).Draw(t, "refundSet") == 0 {
				r.Refund = decimal.NewNullDecimal(decimal.RequireFromString(rapid.SampledFrom([]string{"0.00", "10.00", "53.23", "53.24", "89.90", "106.47", "200.00"}).Draw(t, "refund")))
			}
			out = append(out, customer.Event{Return: &r})
		case 3, 4: // a price reduction
			o := rapid.SampledFrom(orders).Draw(t, "order")
			m, _ := customer.NewMoney(rapid.SampledFrom([]string{"5.00", "20.00", "54.90", "100.00", "150.00"}).Draw(t, "amount"), "EUR")
			c := customer.Credit{ID: fmt.Sprintf("K-%d", i), CustomerID: rvCust, OrderID: o.ID, Time: when, Kind: customer.PriceReduction, Amount: m}
			out = append(out, customer.Event{Credit: &c})
		default: // a compensation, of an order or not, or a redelivery
			if len(out) > 0 && rapid.Bool().Draw(t, "redeliver") {
				out = append(out, rapid.SampledFrom(out).Draw(t, "again"))
				continue
			}
			m, _ := customer.NewMoney("30.00", "EUR")
			c := customer.Credit{ID: fmt.Sprintf("K-%d", i), CustomerID: rvCust, Time: when, Kind: customer.Compensation, Amount: m}
			if rapid.Bool().Draw(t, "ofOrder") {
				c.OrderID = rapid.SampledFrom(orders).Draw(t, "order").ID
			}
			out = append(out, customer.Event{Credit: &c})
		}
	}
	return out
}

// rvHistory returns the stored history of customer rvCust.
func rvHistory(t *rapid.T, st *customer.MemStore) []customer.Event {
	var evs []customer.Event
	for e, err := range st.History(context.Background(), rvCust) {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	return evs
}

// rvRecord records the return or credit e through rec at time now.
func rvRecord(ctx context.Context, rec *customer.Recorder, e customer.Event, now time.Time) error {
	if e.Return != nil {
		return rec.RecordReturn(ctx, *e.Return, now)
	}
	return rec.RecordCredit(ctx, *e.Credit, now)
}

// A history written only through the Recorder (refunds and exchanges
// back-dated, price reductions, compensations, redeliveries) leaves
// nothing out, in whatever order its events come, and its summaries are
// those of customer.Summarize.
func TestAdmissibleRecordedHistoryLeavesNothingOut(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		st := rvStore(t)
		rec := &customer.Recorder{Customers: st, History: st}
		for _, e := range rvEvents(t) {
			_ = rvRecord(ctx, rec, e, rvNow) // refusals are the point
		}
		evs := rvHistory(t, st)
		shuffled := slices.Clone(evs)
		perm := rapid.Permutation(shuffled).Draw(t, "perm")
		for _, asOf := range []time.Time{rvNow, rvNow.Add(-10 * 24 * time.Hour)} {
			want, err := customer.Summarize(rvCust, customer.Consumer, asOf, slices.Values(evs), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range [][]customer.Event{evs, perm} {
				got, left, err := summarize(rvCust, customer.Consumer, asOf, rvNow, in)
				if err != nil {
					t.Fatal(err)
				}
				if len(left) > 0 {
					t.Fatalf("left out of a recorded history: %v", left)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("as of %s: summary differs from Summarize:\n%+v\n%+v", asOf, got, want)
				}
			}
		}
	})
}

// A history an older release wrote straight to the store: the same
// stored records in another order leave out the same records; what is
// kept, recorded in time order through a Recorder, is accepted; and each
// record left out is refused by a Recorder holding what is kept.
func TestAdmissibleStoredHistory(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		st := rvStore(t)
		for _, e := range rvEvents(t) {
			if e.Return != nil {
				_ = st.AppendReturn(ctx, *e.Return)
			} else {
				_ = st.AppendCredit(ctx, *e.Credit)
			}
		}
		evs := rvHistory(t, st)
		sum, left, err := summarize(rvCust, customer.Consumer, rvNow, rvNow, evs)
		if err != nil {
			t.Fatal(err)
		}
		perm := rapid.Permutation(slices.Clone(evs)).Draw(t, "perm")
		sum2, left2, err := summarize(rvCust, customer.Consumer, rvNow, rvNow, perm)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(left, left2) {
			t.Fatalf("left_out depends on the order of the events:\n%v\n%v", left, left2)
		}
		if !reflect.DeepEqual(sum, sum2) {
			t.Fatalf("summary depends on the order of the events")
		}

		kept, _ := admissible(evs, rvNow)
		keptIDs := map[string]bool{}
		fresh := rvStore(t)
		rec := &customer.Recorder{Customers: fresh, History: fresh}
		slices.SortStableFunc(kept, customer.CompareEvents)
		for _, e := range kept {
			switch {
			case e.Return != nil:
				keptIDs["R"+e.Return.ID] = true
			case e.Credit != nil:
				keptIDs["K"+e.Credit.ID] = true
			default:
				continue
			}
			if err := rvRecord(ctx, rec, e, rvNow); err != nil {
				t.Fatalf("kept %s, which a Recorder refuses in time order: %v", e.Record(), err)
			}
		}
		for _, e := range evs {
			var key string
			switch {
			case e.Return != nil:
				key = "R" + e.Return.ID
			case e.Credit != nil:
				key = "K" + e.Credit.ID
			default:
				continue
			}
			if keptIDs[key] {
				continue
			}
			if err := rvRecord(ctx, rec, e, rvNow); err == nil {
				t.Fatalf("left out %s, which a Recorder holding what is kept accepts", e.Record())
			}
		}
	})
}

// A record dated after the instant of the summary was written after it,
// if at all, by no Recorder: a Recorder refuses a record dated after its
// now. A refund stored with a future date by an older release (or a
// server whose clock ran ahead) is such a record; it must not push out a
// price reduction recorded through the Recorder, which leaves the
// summary with neither (the refund does not count yet).
func TestAdmissibleFutureRefundDoesNotPushOutARecordedReduction(t *testing.T) {
	ctx := context.Background()
	st := customer.NewMemStore()
	if err := st.Put(ctx, customer.Customer{ID: "C-F", Kind: customer.Consumer, Joined: rvNow.AddDate(-1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	rec := &customer.Recorder{Customers: st, History: st}
	o := customer.Order{ID: "O-F", CustomerID: "C-F", Time: rvNow.Add(-72 * time.Hour), Channel: customer.Online, Currency: "EUR", Lines: []customer.Line{
		{ID: "1", SKU: "KN-1", Category: "knitwear", Quantity: 1, UnitPrice: decimal.RequireFromString("89.90")},
		{ID: "2", SKU: "SH-1", Category: "shoes", Quantity: 1, UnitPrice: decimal.RequireFromString("54.90")},
	}}
	if err := rec.RecordOrder(ctx, o, rvNow); err != nil {
		t.Fatal(err)
	}
	m, _ := customer.NewMoney("100.00", "EUR")
	if err := rec.RecordCredit(ctx, customer.Credit{ID: "K-F", CustomerID: "C-F", OrderID: "O-F", Time: rvNow.Add(-24 * time.Hour),
		Kind: customer.PriceReduction, Amount: m}, rvNow); err != nil {
		t.Fatal(err)
	}
	future := customer.Return{ID: "R-F", OrderID: "O-F", CustomerID: "C-F", Time: rvNow.Add(48 * time.Hour), Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	if err := rec.RecordReturn(ctx, future, rvNow); err == nil {
		t.Fatal("the Recorder accepts a refund dated after its now")
	}
	if err := st.AppendReturn(ctx, future); err != nil { // straight to the store
		t.Fatal(err)
	}
	var evs []customer.Event
	for e, err := range st.History(ctx, "C-F") {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	sum, left, err := summarize("C-F", customer.Consumer, rvNow, rvNow, evs)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range left {
		names = append(names, l.Record)
	}
	if !slices.Equal(names, []string{`return "R-F"`}) {
		t.Errorf("left out %v, want the future refund R-F alone", names)
	}
	if got := sum.Net().StringFixed(2); got != "44.80" {
		t.Errorf("net %s, want 44.80: 144.80 less the recorded reduction of 100.00", got)
	}
}
