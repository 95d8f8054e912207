package customer

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// summaryMachine is the model-based test of the Add methods of a Summary:
// the model is the list of records accepted so far, and after every step
// the summary must equal the plain decimal summary of that list
// (referenceSummary). Rejected records must leave it unchanged. Returns
// bring back at most the units the customer holds (sold less refunded,
// exchanges included), each refund pays the difference of the
// cumulative targets in whole cents.
type summaryMachine struct {
	s      *Summary
	model  []Event
	orders []Order // accepted orders dated up to asOf
	// refunded maps an order ID to the units of each line refunded so
	// far; sold less refunded is what the customer holds.
	refunded map[string]map[string]int
	n        int
}

func (m *summaryMachine) drawOrder(t *rapid.T) Order {
	m.n++
	o := Order{ID: fmt.Sprintf("O%d", m.n), CustomerID: "C", Channel: Online, Currency: "EUR",
		Time: pAsOf.Add(time.Duration(rapid.IntRange(-20000, 200).Draw(t, "hours")) * time.Hour)}
	for j := range rapid.IntRange(1, 3).Draw(t, "lines") {
		l := Line{ID: fmt.Sprintf("L%d", j), Category: rapid.SampledFrom([]string{"coats", "shoes", ""}).Draw(t, "cat"),
			Quantity: rapid.IntRange(1, 4).Draw(t, "qty"), UnitPrice: d(rapid.SampledFrom(genPriceText).Draw(t, "price"))}
		if rapid.Bool().Draw(t, "discounted") {
			// A line net that the units do not share evenly.
			l.Discount = l.Gross().Mul(decimal.New(int64(rapid.IntRange(0, 99).Draw(t, "pct")), -2)).Round(2)
		}
		if rapid.Bool().Draw(t, "cost") {
			l.UnitCost = decimal.NewNullDecimal(d(rapid.SampledFrom(genCostText).Draw(t, "unit cost")))
		}
		o.Lines = append(o.Lines, l)
	}
	return o
}

func (m *summaryMachine) addOrder(t *rapid.T) {
	o := m.drawOrder(t)
	require.NoError(t, m.s.AddOrder(o))
	m.model = append(m.model, Event{Order: &o})
	if !o.Time.After(pAsOf) {
		m.orders = append(m.orders, o)
		m.refunded[o.ID] = map[string]int{}
	}
}

func (m *summaryMachine) addBadOrder(t *rapid.T) {
	o := m.drawOrder(t)
	o.Time = pAsOf.Add(-time.Hour)
	switch rapid.IntRange(0, 3).Draw(t, "fault") {
	case 0:
		o.Lines[0].Quantity = 0
	case 1:
		o.CustomerID = "other"
	case 2:
		o.Currency = "USD"
		if m.s.Currency == "" {
			t.Skip("no currency to mismatch yet")
		}
	case 3:
		o.Lines[0].Discount = o.Lines[0].Gross().Add(d("1"))
	}
	require.Error(t, m.s.AddOrder(o))
}

func (m *summaryMachine) addReturn(t *rapid.T) {
	if len(m.orders) == 0 {
		t.Skip("no order to return")
	}
	o := rapid.SampledFrom(m.orders).Draw(t, "order")
	l := o.Lines[rapid.IntRange(0, len(o.Lines)-1).Draw(t, "line")]
	refunded := m.refunded[o.ID]
	before := refunded[l.ID]
	if before == l.Quantity {
		t.Skip("line fully refunded")
	}
	back := rapid.IntRange(1, l.Quantity-before).Draw(t, "back")
	m.n++
	r := Return{ID: fmt.Sprintf("R%d", m.n), OrderID: o.ID, CustomerID: "C", Kind: ReturnKind(rapid.IntRange(1, 2).Draw(t, "kind")),
		Reason: QualityDefect, Time: o.Time.Add(time.Duration(rapid.IntRange(0, 500).Draw(t, "after")) * time.Hour),
		Lines: []ReturnLine{{LineID: l.ID, Quantity: -back}}}
	paid := m.s.Refunded
	require.NoError(t, m.s.AddReturnAfter(r, o, refunded))
	m.model = append(m.model, Event{Return: &r})
	if r.Time.After(pAsOf) || r.Kind != Refund {
		require.True(t, m.s.Refunded.Equal(paid), "no money moves")
		return
	}
	// This refund is the difference of the cumulative targets.
	want := refRefund(l.Net(), before+back, l.Quantity, 2).Sub(refRefund(l.Net(), before, l.Quantity, 2))
	got := m.s.Refunded.Sub(paid)
	require.True(t, want.Equal(got), "refund of %d units after %d of %s: want %s, got %s", back, before, l.Net(), want, got)
	require.True(t, got.Equal(got.Round(2)), "refund %s is not whole cents", got)
	refunded[l.ID] += back
}

func (m *summaryMachine) addBadReturn(t *rapid.T) {
	if len(m.orders) == 0 {
		t.Skip("no order to return")
	}
	o := rapid.SampledFrom(m.orders).Draw(t, "order")
	l := o.Lines[0]
	held := l.Quantity - m.refunded[o.ID][l.ID]
	r := Return{ID: "bad", OrderID: o.ID, CustomerID: "C", Kind: ReturnKind(rapid.IntRange(1, 2).Draw(t, "kind")), Reason: SizeFit, Time: o.Time,
		Lines: []ReturnLine{{LineID: l.ID, Quantity: -(held + rapid.IntRange(1, 3).Draw(t, "too many"))}}}
	before := m.s.Clone()
	var ve *ValidationError
	require.ErrorAs(t, m.s.AddReturnAfter(r, o, m.refunded[o.ID]), &ve)
	require.True(t, ve.Has("lines[0].quantity", CodeTooMany), "%v", ve)
	assertSameSummary(t, before, *m.s)
}

func (m *summaryMachine) addInteraction(t *rapid.T) {
	i := Interaction{CustomerID: "C", Kind: Cart, Time: pAsOf.Add(time.Duration(rapid.IntRange(-9000, 100).Draw(t, "hours")) * time.Hour)}
	// Adding an interaction once is the caller's job: Summarize reads
	// an equal one as a redelivery.
	if slices.ContainsFunc(m.model, func(e Event) bool { return e.Interaction != nil && e.Interaction.Equal(i) }) {
		return
	}
	require.NoError(t, m.s.AddInteraction(i))
	m.model = append(m.model, Event{Interaction: &i})
}

func (m *summaryMachine) check(t *rapid.T) {
	assertSameSummary(t, referenceSummary(m.model), *m.s)
}

func TestSummaryStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := &summaryMachine{s: NewSummary("C", Consumer, pAsOf, nil), refunded: map[string]map[string]int{}}
		t.Repeat(map[string]func(*rapid.T){
			"AddOrder":       m.addOrder,
			"AddBadOrder":    m.addBadOrder,
			"AddReturn":      m.addReturn,
			"AddBadReturn":   m.addBadReturn,
			"AddInteraction": m.addInteraction,
			"":               m.check,
		})
	})
}
