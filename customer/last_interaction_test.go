package customer

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestLastInteractionDoesNotDependOnDeliveryOrder: two interactions at
// one instant written in two zones fall on two calendar days; the day of
// the last interaction (DaysSinceLastInteraction) is the earlier of the
// two whichever comes first, in Summarize, with AddInteraction and in
// Merge, as an order delivered in two zones counts on the earlier day.
// So is a redelivery of one interaction in another zone.
func TestLastInteractionDoesNotDependOnDeliveryOrder(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip(err)
	}
	at := time.Date(2026, 3, 20, 23, 0, 0, 0, time.UTC) // 21 March 07:00 in Shanghai
	asOf := time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)
	visit := Interaction{CustomerID: "C", Time: at.In(sh), Kind: StoreVisit}
	cart := Interaction{CustomerID: "C", Time: at, Kind: Cart}
	again := Interaction{CustomerID: "C", Time: at, Kind: StoreVisit} // visit, redelivered in UTC
	const want = 5                                                    // 20 March to 25 March
	days := func(name string, s Summary) {
		t.Helper()
		if d, ok := s.DaysSinceLastInteraction(); !ok || d != want {
			t.Errorf("%s: DaysSinceLastInteraction = %d, %v; want %d, true", name, d, ok, want)
		}
	}
	for _, feed := range [][]Interaction{{visit, cart}, {cart, visit}, {visit, again}, {again, visit}} {
		var evs []Event
		for i := range feed {
			evs = append(evs, Event{Interaction: &feed[i]})
		}
		s, err := Summarize("C", Consumer, asOf, slices.Values(evs), nil)
		if err != nil {
			t.Fatal(err)
		}
		days("Summarize "+feed[0].Time.Location().String()+" first", s)
	}
	for _, order := range [][]Interaction{{visit, cart}, {cart, visit}} {
		s := NewSummary("C", Consumer, asOf, nil)
		for _, i := range order {
			if err := s.AddInteraction(i); err != nil {
				t.Fatal(err)
			}
		}
		days("AddInteraction "+order[0].Time.Location().String()+" first", *s)
	}
	a, b := NewSummary("C", Consumer, asOf, nil), NewSummary("C", Consumer, asOf, nil)
	if err := a.AddInteraction(visit); err != nil {
		t.Fatal(err)
	}
	if err := b.AddInteraction(cart); err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string][2]*Summary{"a.Merge(b)": {a, b}, "b.Merge(a)": {b, a}} {
		s, err := m[0].Merge(*m[1])
		if err != nil {
			t.Fatal(err)
		}
		days(name, s)
	}
}

// TestMemStoreKeepsInteractionOnEarlierDay: an interaction delivered
// again with its instant written in another zone whose calendar day is
// earlier moves the stored one to that day, as an order does, so that the
// summary of the stored history does not depend on which delivery came
// first.
func TestMemStoreKeepsInteractionOnEarlierDay(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip(err)
	}
	ctx := context.Background()
	at := time.Date(2026, 3, 20, 23, 0, 0, 0, time.UTC) // 21 March 07:00 in Shanghai
	asOf := time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)
	for _, first := range []*time.Location{sh, time.UTC} {
		m := NewMemStore()
		if err := m.Put(ctx, Customer{ID: "C", Kind: Consumer}); err != nil {
			t.Fatal(err)
		}
		second := time.UTC
		if first == time.UTC {
			second = sh
		}
		for _, loc := range []*time.Location{first, second} {
			if err := m.AppendInteraction(ctx, Interaction{CustomerID: "C", Time: at.In(loc), Kind: StoreVisit}); err != nil {
				t.Fatal(err)
			}
		}
		s, err := SummarizeHistory(ctx, m, "C", Consumer, asOf, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := s.DaysSinceLastInteraction(); s.Interactions != 1 || d != 5 {
			t.Errorf("%s first: %d interactions, last %d days ago; want 1, 5", first, s.Interactions, d)
		}
	}
}
