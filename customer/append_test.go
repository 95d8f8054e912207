package customer

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Append hands each kind of record to the HistoryWriter method of its
// kind and refuses an event with no record or two; Event.CustomerID
// names the record's customer.
func TestAppendByKind(t *testing.T) {
	ctx := context.Background()
	st, o, at := recorderFixture(t)
	r := Return{ID: "r1", OrderID: o.ID, CustomerID: "c1", Time: at.Add(time.Hour), Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "l1", Quantity: -1}}}
	one, err := NewMoney("1.00", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	c := Credit{ID: "k1", CustomerID: "c1", OrderID: o.ID, Time: at.Add(2 * time.Hour), Kind: PriceReduction,
		Amount: one, Source: "case 1"}
	i := Interaction{CustomerID: "c1", Time: at.Add(3 * time.Hour), Kind: StoreVisit, Subject: "fitting"}
	evs := []Event{{Return: &r}, {Credit: &c}, {Interaction: &i}}
	for _, e := range evs {
		if got := e.CustomerID(); got != "c1" {
			t.Errorf("CustomerID of %+v = %q, want c1", e, got)
		}
		if err := Append(ctx, st, e); err != nil {
			t.Fatalf("Append(%+v) = %v", e, err)
		}
	}
	var got []Event
	for e, err := range st.History(ctx, "c1") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	want := append([]Event{{Order: &o}}, evs...)
	if len(got) != len(want) {
		t.Fatalf("history has %d events, want %d", len(got), len(want))
	}
	for k := range want {
		if !got[k].Equal(want[k]) {
			t.Errorf("event %d is %+v, want %+v", k, got[k], want[k])
		}
	}
	for _, e := range []Event{{}, {Order: &o, Return: &r}} {
		if err := Append(ctx, st, e); !errors.Is(err, ErrInvalid) {
			t.Errorf("Append of an event with %d records = %v, want ErrInvalid", e.records(), err)
		}
	}
	if got := (Event{}).CustomerID(); got != "" {
		t.Errorf("CustomerID of an empty event = %q, want empty", got)
	}
}
