package customer

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestSummarizeRedeliveredInteractionCountsOnce: an interaction delivered
// twice, the second time with its instant written in another zone, is one
// fact (Interaction.Equal), as the stores and the Recorder hold it: a
// summary of the raw feed counts it once, the same as the summary of the
// stored history, and one dated after AsOf counts once in Later.
func TestSummarizeRedeliveredInteractionCountsOnce(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip(err)
	}
	at := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	asOf := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	visit := Interaction{CustomerID: "C", Time: at, Kind: StoreVisit, Subject: "coats"}
	again := visit
	again.Time = at.In(sh)
	other := Interaction{CustomerID: "C", Time: at, Kind: SiteVisit, Subject: "coats"}
	late := Interaction{CustomerID: "C", Time: asOf.Add(time.Hour), Kind: Cart}
	feed := []Event{{Interaction: &visit}, {Interaction: &other}, {Interaction: &again}, {Interaction: &late}, {Interaction: &late}}

	got, err := Summarize("C", Consumer, asOf, slices.Values(feed), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Interactions != 2 || got.Later != 1 {
		t.Errorf("Summarize of a feed with redelivered interactions: Interactions = %d, Later = %d; want 2 and 1", got.Interactions, got.Later)
	}

	m := NewMemStore()
	ctx := context.Background()
	if err := m.Put(ctx, Customer{ID: "C", Kind: Consumer}); err != nil {
		t.Fatal(err)
	}
	for _, e := range feed {
		if err := Append(ctx, m, e); err != nil {
			t.Fatal(err)
		}
	}
	stored, err := SummarizeHistory(ctx, m, "C", Consumer, asOf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Interactions != got.Interactions || stored.Later != got.Later {
		t.Errorf("stored history: Interactions = %d, Later = %d; raw feed: %d and %d", stored.Interactions, stored.Later, got.Interactions, got.Later)
	}
}
