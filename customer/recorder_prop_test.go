package customer

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// recorderWorld is the state of the Recorder property: a MemStore with
// two customers written only through a Recorder, and the instant of
// recording, which moves forward.
type recorderWorld struct {
	ctx   context.Context
	store *MemStore
	rec   *Recorder
	now   time.Time
	// accepted counts the records accepted that were not redeliveries.
	accepted int
}

var (
	recCustomers = []ID{"c1", "c1", "c1", "c2"}
	recOrderIDs  = []string{"o1", "o2", "o3", "o4", "o5"}
	recReturnIDs = []string{"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"}
	recCreditIDs = []string{"k1", "k2", "k3", "k4", "k5"}
	recLineIDs   = []string{"l1", "l2", "l3", "lx"}
)

func newRecorderWorld(t *rapid.T) *recorderWorld {
	ctx := context.Background()
	st := NewMemStore()
	joined := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []Customer{
		{ID: "c1", Kind: Consumer, Joined: joined, Household: []Member{{ID: "m1", Relation: Child}}},
		{ID: "c2", Kind: Consumer, Joined: joined},
	} {
		if err := st.Put(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// The Recorder checks and appends in one step of a store that is a
	// CheckedAppender, and under its own lock otherwise: draw which.
	var h HistoryStore = st
	if !rapid.Bool().Draw(t, "checkedAppender") {
		h = plainHistory{st}
	}
	return &recorderWorld{ctx: ctx, store: st, rec: &Recorder{Customers: st, History: h},
		now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

// history returns the stored history of customer id.
func (w *recorderWorld) history(t *rapid.T, id ID) []Event {
	var out []Event
	for e, err := range w.store.History(w.ctx, id) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// pick draws one of good, or, one time in ten, one of bad.
func pick[T any](t *rapid.T, label string, good, bad []T) T {
	if rapid.IntRange(0, 9).Draw(t, label+"Bad") == 0 {
		return rapid.SampledFrom(bad).Draw(t, label)
	}
	return rapid.SampledFrom(good).Draw(t, label)
}

// when draws the time of a record: up to 20 days before now, or, one
// time in ten, a fault, up to 6 hours after it.
func (w *recorderWorld) when(t *rapid.T) (time.Time, bool) {
	h := pick(t, "hours", []int{-rapid.IntRange(0, 480).Draw(t, "hoursBack")}, []int{rapid.IntRange(1, 6).Draw(t, "hoursAhead")})
	return w.now.Add(time.Duration(h) * time.Hour), h > 0
}

// orderID draws the order ID of a return or credit of customer c: mostly
// one of c's orders, sometimes any ID of the pool or one never used.
func (w *recorderWorld) orderID(t *rapid.T, c ID) string {
	var ids []string
	for _, e := range w.history(t, c) {
		if e.Order != nil {
			ids = append(ids, e.Order.ID)
		}
	}
	if len(ids) == 0 {
		ids = recOrderIDs
	}
	return pick(t, "orderID", ids, append([]string{"oX"}, recOrderIDs...))
}

// record records one fact through the Recorder and checks the
// outcome: a refused fact leaves the history unchanged, a fact with a
// fault the test knows of is refused, an accepted one is stored once.
// do reports whether the call stored the fact (RecordOrderStored,
// RecordReturnStored) when tells is true: it must say so exactly when
// the history grew.
func (w *recorderWorld) record(t *rapid.T, id ID, fault string, redelivery, tells bool, do func() (bool, error)) {
	before := w.history(t, id)
	stored, err := do()
	after := w.history(t, id)
	if tells && stored && (err != nil || slices.EqualFunc(before, after, Event.Equal)) {
		t.Fatalf("reported stored, but the call failed (%v) or the history did not change", err)
	}
	if err != nil {
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrDuplicate) && !errors.Is(err, ErrNotFound) {
			t.Fatalf("refused with an error that is neither invalid, duplicate nor not found: %v", err)
		}
		if !slices.EqualFunc(before, after, Event.Equal) {
			t.Fatalf("refused (%v), but the history changed:\nbefore %v\nafter  %v", err, before, after)
		}
		return
	}
	if fault != "" {
		t.Fatalf("accepted a record with a fault: %s", fault)
	}
	switch {
	case slices.EqualFunc(before, after, Event.Equal):
		// A redelivery, drawn as such or by chance.
	case tells && !stored:
		t.Fatalf("the history grew, but the call reported a redelivery:\nbefore %v\nafter  %v", before, after)
	case redelivery:
		t.Fatalf("a redelivery changed the history:\nbefore %v\nafter  %v", before, after)
	case len(after) != len(before)+1:
		t.Fatalf("accepted, and the history went from %d to %d events", len(before), len(after))
	default:
		w.accepted++
	}
}

// silent adapts a Record call that does not report whether it stored
// its fact to record.
func silent(do func() error) func() (bool, error) {
	return func() (bool, error) { return false, do() }
}

// summarizes checks that every customer's history summarises as of now,
// as of an instant drawn in the past, and as of a far future.
func (w *recorderWorld) summarizes(t *rapid.T) {
	past := w.now.Add(-time.Duration(rapid.IntRange(0, 720).Draw(t, "asOfHoursBack")) * time.Hour)
	for _, id := range []ID{"c1", "c2"} {
		for _, asOf := range []time.Time{w.now, past, w.now.AddDate(10, 0, 0)} {
			if _, err := SummarizeHistory(w.ctx, w.store, id, Consumer, asOf, nil); err != nil {
				t.Fatalf("history of %q as of %s does not summarise: %v", id, asOf.Format(time.RFC3339), err)
			}
		}
	}
}

// order returns the order id of customer c, if stored.
func (w *recorderWorld) order(t *rapid.T, c ID, id string) (Order, bool) {
	for _, e := range w.history(t, c) {
		if e.Order != nil && e.Order.ID == id {
			return *e.Order, true
		}
	}
	return Order{}, false
}

// currency returns the currency of customer c's history, or "".
func (w *recorderWorld) currency(t *rapid.T, c ID) Currency {
	for _, e := range w.history(t, c) {
		switch {
		case e.Order != nil:
			return e.Order.Currency
		case e.Credit != nil:
			return e.Credit.Amount.Currency()
		}
	}
	return ""
}

func (w *recorderWorld) recordOrder(t *rapid.T) {
	c := rapid.SampledFrom(recCustomers).Draw(t, "customer")
	at, future := w.when(t)
	o := Order{ID: rapid.SampledFrom(recOrderIDs).Draw(t, "order"), CustomerID: c, Time: at, Channel: Online,
		Currency: pick(t, "currency", []Currency{"EUR"}, []Currency{"USD", "ZZZ"})}
	var fault string
	if future {
		fault = "future time"
	}
	if _, dup := w.order(t, c, o.ID); dup {
		fault = "" // a duplicate is a no-op or a conflict, checked by the store
	}
	n := rapid.IntRange(1, 3).Draw(t, "lines")
	for i := range n {
		l := Line{ID: recLineIDs[i], Category: "knitwear",
			Quantity:  pick(t, "quantity", []int{1, 2, 3, 4}, []int{0, -1}),
			UnitPrice: decimal.RequireFromString(pick(t, "price", []string{"0", "9.95", "19.90", "100.00"}, []string{"5.555", "-1.00"})),
			Discount:  decimal.RequireFromString(pick(t, "discount", []string{"0", "0", "1.00", "5.00"}, []string{"500.00", "0.001", "-0.01"})),
			Member:    pick(t, "member", []string{"", "", "m1"}, []string{"ghost"}),
		}
		if i > 0 && pick(t, "dupLine", []bool{false}, []bool{true}) {
			l.ID = recLineIDs[0]
			fault = "duplicate line ID"
		}
		switch {
		case l.Quantity <= 0:
			fault = "quantity not positive"
		case l.UnitPrice.Sign() < 0 || l.UnitPrice.Exponent() < -2 || l.Discount.Exponent() < -2:
			fault = "negative price or too many decimals"
		case l.Discount.GreaterThan(l.Gross()) || l.Discount.Sign() < 0:
			fault = "discount above the line or negative"
		case l.Member == "ghost" || l.Member != "" && c == "c2":
			fault = "unknown household member"
		}
		o.Lines = append(o.Lines, l)
	}
	if cur := w.currency(t, c); o.Currency == "ZZZ" || cur != "" && cur != o.Currency {
		fault = "currency"
	}
	if _, dup := w.order(t, c, o.ID); dup {
		fault = ""
	}
	w.record(t, c, fault, false, true, func() (bool, error) { return w.rec.RecordOrderStored(w.ctx, o, w.now) })
}

func (w *recorderWorld) recordReturn(t *rapid.T) {
	c := rapid.SampledFrom(recCustomers).Draw(t, "customer")
	at, future := w.when(t)
	r := Return{ID: rapid.SampledFrom(recReturnIDs).Draw(t, "return"), CustomerID: c, Time: at,
		OrderID: w.orderID(t, c),
		Kind:    rapid.SampledFrom([]ReturnKind{Refund, Refund, Exchange}).Draw(t, "kind"),
		Reason:  SizeFit,
	}
	if r.Kind == Refund && rapid.Bool().Draw(t, "setRefund") {
		r.Refund = decimal.NewNullDecimal(decimal.RequireFromString(rapid.SampledFrom([]string{"0.00", "5.00", "1000.00"}).Draw(t, "refund")))
	}
	ids := rapid.SliceOfNDistinct(rapid.SampledFrom(recLineIDs[:3]), 1, 2, rapid.ID[string]).Draw(t, "lineIDs")
	for _, id := range ids {
		r.Lines = append(r.Lines, ReturnLine{LineID: pick(t, "lineID", []string{id}, []string{"lx"}),
			Quantity: pick(t, "quantity", []int{-1, -1, -2, -3, -4}, []int{0, 1})})
	}
	var fault string
	o, known := w.order(t, c, r.OrderID)
	switch {
	case future:
		fault = "future time"
	case !known:
		fault = "unknown order"
	case known && r.Time.Before(o.Time):
		fault = "before its order"
	}
	// Units refunded by all stored refunds of the order, whatever their
	// dates: a refund that takes the total above the units sold is an
	// over-return in any order.
	refunded := map[string]int{}
	for _, e := range w.history(t, c) {
		if e.Return != nil && e.Return.OrderID == r.OrderID && e.Return.Kind == Refund {
			for _, rl := range e.Return.Lines {
				refunded[rl.LineID] -= rl.Quantity
			}
		}
	}
	for _, rl := range r.Lines {
		switch {
		case rl.Quantity >= 0:
			fault = "quantity not negative"
		case known && o.lineIndex(rl.LineID) < 0:
			fault = "unknown line"
		case known && r.Kind == Refund && -rl.Quantity > o.line(rl.LineID).Quantity-refunded[rl.LineID]:
			fault = "more units than the customer holds"
		}
	}
	if _, dup := w.returnStored(t, r.ID); dup {
		fault = "" // a duplicate: a no-op or a conflict
	}
	w.record(t, c, fault, false, true, func() (bool, error) { return w.rec.RecordReturnStored(w.ctx, r, w.now) })
}

// returnStored returns the stored return id of any customer.
func (w *recorderWorld) returnStored(t *rapid.T, id string) (Return, bool) {
	for _, c := range []ID{"c1", "c2"} {
		for _, e := range w.history(t, c) {
			if e.Return != nil && e.Return.ID == id {
				return *e.Return, true
			}
		}
	}
	return Return{}, false
}

func (w *recorderWorld) recordCredit(t *rapid.T) {
	c := rapid.SampledFrom(recCustomers).Draw(t, "customer")
	at, future := w.when(t)
	amount := Money{
		amount:   decimal.RequireFromString(pick(t, "amount", []string{"1.00", "5.00", "50.00", "500.00"}, []string{"0.00", "-1.00", "1.005"})),
		currency: pick(t, "currency", []Currency{"EUR"}, []Currency{"USD", "ZZZ"}),
	}
	k := Credit{ID: rapid.SampledFrom(recCreditIDs).Draw(t, "credit"), CustomerID: c, Time: at,
		OrderID: pick(t, "noOrder", []string{w.orderID(t, c)}, []string{""}),
		Kind:    rapid.SampledFrom([]CreditKind{PriceReduction, PriceReduction, Compensation}).Draw(t, "kind"),
		Amount:  amount, Source: "case-1",
	}
	var fault string
	o, known := w.order(t, c, k.OrderID)
	switch {
	case future:
		fault = "future time"
	case amount.Sign() <= 0 || amount.Amount().Exponent() < -2:
		fault = "amount"
	case amount.Currency() == "ZZZ":
		fault = "unknown currency"
	case k.OrderID == "" && k.Kind == PriceReduction:
		fault = "price reduction without an order"
	case k.OrderID != "" && !known:
		fault = "unknown order"
	case known && amount.Currency() != o.Currency:
		fault = "currency of the order"
	case k.OrderID == "" && w.currency(t, c) != "" && amount.Currency() != w.currency(t, c):
		fault = "currency of the history"
	case known && k.Time.Before(o.Time):
		fault = "before its order"
	case known && k.Kind == PriceReduction:
		reduced := amount.Amount()
		for _, e := range w.history(t, c) {
			if e.Credit != nil && e.Credit.OrderID == o.ID && e.Credit.Kind == PriceReduction {
				reduced = reduced.Add(e.Credit.Amount.Amount())
			}
		}
		if reduced.GreaterThan(o.net()) {
			fault = "price reductions above the order's net"
		}
	}
	for _, id := range []ID{"c1", "c2"} {
		for _, e := range w.history(t, id) {
			if e.Credit != nil && e.Credit.ID == k.ID {
				fault = "" // a duplicate: a no-op or a conflict
			}
		}
	}
	w.record(t, c, fault, false, false, silent(func() error { return w.rec.RecordCredit(w.ctx, k, w.now) }))
}

func (w *recorderWorld) recordInteraction(t *rapid.T) {
	c := rapid.SampledFrom(recCustomers).Draw(t, "customer")
	at, future := w.when(t)
	i := Interaction{CustomerID: c, Time: at, Kind: pick(t, "kind", []InteractionKind{StoreVisit}, []InteractionKind{0, 200}),
		Subject: rapid.SampledFrom([]string{"", "SKU-1"}).Draw(t, "subject")}
	var fault string
	switch {
	case future:
		fault = "future time"
	case !i.Kind.Valid():
		fault = "unknown kind"
	}
	w.record(t, c, fault, false, false, silent(func() error { return w.rec.RecordInteraction(w.ctx, i, w.now) }))
}

// redeliver records a stored fact again, with a now drawn up to 30 days
// earlier than the current one: it must be a no-op that succeeds, even
// when the record is after that now or when later records would make it
// fail its checks today.
func (w *recorderWorld) redeliver(t *rapid.T) {
	c := rapid.SampledFrom(recCustomers).Draw(t, "customer")
	h := w.history(t, c)
	if len(h) == 0 {
		t.Skip("no history")
	}
	e := h[rapid.IntRange(0, len(h)-1).Draw(t, "event")]
	now := w.now.Add(-time.Duration(rapid.IntRange(0, 720).Draw(t, "hoursBack")) * time.Hour)
	var do func() (bool, error)
	tells := true
	switch {
	case e.Order != nil:
		do = func() (bool, error) { return w.rec.RecordOrderStored(w.ctx, *e.Order, now) }
	case e.Return != nil:
		do = func() (bool, error) { return w.rec.RecordReturnStored(w.ctx, *e.Return, now) }
	case e.Credit != nil:
		do, tells = silent(func() error { return w.rec.RecordCredit(w.ctx, *e.Credit, now) }), false
	default:
		do, tells = silent(func() error { return w.rec.RecordInteraction(w.ctx, *e.Interaction, now) }), false
	}
	var err error
	w.record(t, c, "", true, tells, func() (bool, error) {
		stored, derr := do()
		err = derr
		return stored, derr
	})
	if err != nil {
		t.Fatalf("redelivery of %v refused: %v", e, err)
	}
}

// conflict records a stored order, return or credit again with other
// content: it must be refused as a duplicate.
func (w *recorderWorld) conflict(t *rapid.T) {
	c := rapid.SampledFrom(recCustomers).Draw(t, "customer")
	var h []Event
	for _, e := range w.history(t, c) {
		if e.Interaction == nil {
			h = append(h, e)
		}
	}
	if len(h) == 0 {
		t.Skip("no orders, returns or credits")
	}
	e := h[rapid.IntRange(0, len(h)-1).Draw(t, "event")]
	var do func() (bool, error)
	tells := true
	switch {
	case e.Order != nil:
		o := e.Order.Clone()
		o.Lines[0].Quantity++
		do = func() (bool, error) { return w.rec.RecordOrderStored(w.ctx, o, w.now) }
	case e.Return != nil:
		r := e.Return.Clone()
		r.Reason = QualityDefect
		if e.Return.Reason == QualityDefect {
			r.Reason = SizeFit
		}
		do = func() (bool, error) { return w.rec.RecordReturnStored(w.ctx, r, w.now) }
	default:
		k := *e.Credit
		k.Source += "-changed"
		do, tells = silent(func() error { return w.rec.RecordCredit(w.ctx, k, w.now) }), false
	}
	var err error
	w.record(t, c, "", false, tells, func() (bool, error) {
		stored, derr := do()
		err = derr
		return stored, derr
	})
	if !errors.Is(err, ErrDuplicate) {
		t.Fatalf("a stored record with other content gave %v, want ErrDuplicate", err)
	}
}

// TestRecorderHistorySummarizes drives random valid and invalid records
// through a Recorder over a MemStore: every history written so always
// summarises, a refused record leaves the history unchanged, every
// record with a fault of BAD_INPUTS (customer section) is refused, a
// redelivery is a no-op that succeeds, and RecordOrderStored and
// RecordReturnStored report stored exactly when the history grew.
func TestRecorderHistorySummarizes(t *testing.T) {
	accepted := 0
	rapid.Check(t, func(t *rapid.T) {
		w := newRecorderWorld(t)
		t.Repeat(map[string]func(*rapid.T){
			"advance": func(t *rapid.T) {
				w.now = w.now.Add(time.Duration(rapid.IntRange(0, 72).Draw(t, "advanceHours")) * time.Hour)
			},
			"order":       w.recordOrder,
			"return":      w.recordReturn,
			"credit":      w.recordCredit,
			"interaction": w.recordInteraction,
			"redeliver":   w.redeliver,
			"conflict":    w.conflict,
			"":            w.summarizes,
		})
		accepted += w.accepted
	})
	// The property would hold for a Recorder that refuses everything.
	if accepted == 0 {
		t.Fatal("no record was accepted in any run")
	}
}
