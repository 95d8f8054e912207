package customer

import (
	"context"
	"errors"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// slowHistory is a HistoryStore whose History, once it has read the
// events, waits until two readers have or 100 ms have passed, so that two
// Record calls that are not serialised both read the history before
// either appends.
type slowHistory struct {
	plainHistory
	mu      sync.Mutex
	readers int
	both    chan struct{}
}

func (s *slowHistory) History(ctx context.Context, id ID) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		var evs []Event
		var errs []error
		for e, err := range s.HistoryStore.History(ctx, id) {
			evs, errs = append(evs, e), append(errs, err)
		}
		s.mu.Lock()
		if s.readers++; s.readers == 2 {
			close(s.both)
		}
		s.mu.Unlock()
		select {
		case <-s.both:
		case <-time.After(100 * time.Millisecond):
		}
		for i := range evs {
			if !yield(evs[i], errs[i]) {
				return
			}
		}
	}
}

func recorderFixture(t *testing.T) (*MemStore, Order, time.Time) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)
	st := NewMemStore()
	if err := st.Put(ctx, Customer{ID: "c1", Kind: Consumer, Joined: at.AddDate(-1, 0, 0),
		Household: []Member{{ID: "m1", Relation: Child}}}); err != nil {
		t.Fatal(err)
	}
	o := Order{ID: "o1", CustomerID: "c1", Time: at, Channel: Online, Currency: "EUR",
		Lines: []Line{{ID: "l1", Quantity: 2, UnitPrice: decimal.RequireFromString("10.00"), Member: "m1"}}}
	if err := (&Recorder{Customers: st, History: st}).RecordOrder(ctx, o, at); err != nil {
		t.Fatal(err)
	}
	return st, o, at
}

// plainHistory is a HistoryStore without the CheckedAppender capability
// of the store it wraps: a Recorder over it takes its own lock.
type plainHistory struct{ HistoryStore }

// slowChecks is a MemStore whose AppendChecked holds each check for
// 20 ms, so that an AppendChecked that did not hold the customer from
// check to append would let a second check in.
type slowChecks struct{ *MemStore }

func (s slowChecks) AppendChecked(ctx context.Context, e Event, check func([]Event) error) error {
	return s.MemStore.AppendChecked(ctx, e, func(h []Event) error {
		time.Sleep(20 * time.Millisecond)
		return check(h)
	})
}

// overReturn records at once, through recs in turn, refunds r1…r4 of all
// the units of order o1 of recorderFixture, and returns how many were
// refused for it; any other error fails t.
func overReturn(t *testing.T, st *MemStore, at time.Time, recs ...*Recorder) int {
	t.Helper()
	ctx := context.Background()
	now := at.Add(time.Hour)
	ids := []string{"r1", "r2", "r3", "r4"}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			errs[i] = recs[i%len(recs)].RecordReturn(ctx, Return{ID: id, OrderID: "o1", CustomerID: "c1", Time: now, Kind: Refund,
				Reason: SizeFit, Lines: []ReturnLine{{LineID: "l1", Quantity: -2}}}, now)
		})
	}
	wg.Wait()
	refused := 0
	for _, err := range errs {
		// Refused on lines[0].quantity, or on time when a later one to be
		// checked sorts before the first (same instant, smaller ID).
		var v *ValidationError
		if errors.As(err, &v) && (v.Has("lines[0].quantity", CodeTooMany) || v.Has("time", CodeOrder)) {
			refused++
		} else if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if _, err := SummarizeHistory(ctx, st, "c1", Consumer, now, nil); err != nil {
		t.Fatalf("after %d of %d over-returning refunds were refused: %v", refused, len(ids), err)
	}
	return refused
}

// Over a store that is a CheckedAppender, two Recorders — as in two
// processes on one database — check the returns of one order one after
// the other too: of four refunds of all the units recorded at once, three
// are refused.
func TestRecorderCheckedAppender(t *testing.T) {
	st, _, at := recorderFixture(t)
	s := slowChecks{st}
	a, b := &Recorder{Customers: st, History: s}, &Recorder{Customers: st, History: s}
	if n := overReturn(t, st, at, a, b); n != 3 {
		t.Fatalf("%d of four over-returning refunds refused, want 3", n)
	}
}

// Two refunds of the same order recorded at once, each of all the units
// sold: the Recorder checks them one after the other, so one is refused
// and the history still summarises.
func TestRecorderSerialisesOneCustomer(t *testing.T) {
	ctx := context.Background()
	st, _, at := recorderFixture(t)
	h := &slowHistory{plainHistory: plainHistory{st}, both: make(chan struct{})}
	rec := &Recorder{Customers: st, History: h}
	now := at.Add(time.Hour)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, id := range []string{"r1", "r2"} {
		wg.Go(func() {
			errs[i] = rec.RecordReturn(ctx, Return{ID: id, OrderID: "o1", CustomerID: "c1", Time: now, Kind: Refund,
				Reason: SizeFit, Lines: []ReturnLine{{LineID: "l1", Quantity: -2}}}, now)
		})
	}
	wg.Wait()
	refused := 0
	for _, err := range errs {
		// Refused on lines[0].quantity, or on time when the second to be
		// checked sorts before the first (same instant, smaller ID).
		var v *ValidationError
		if errors.As(err, &v) && (v.Has("lines[0].quantity", CodeTooMany) || v.Has("time", CodeOrder)) {
			refused++
		} else if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if refused != 1 {
		t.Fatalf("%d of two over-returning refunds refused, want 1 (errors %v)", refused, errs)
	}
	if _, err := SummarizeHistory(ctx, st, "c1", Consumer, now, nil); err != nil {
		t.Fatal(err)
	}
	if len(rec.locks) != 0 {
		t.Fatalf("%d customer locks left after the calls", len(rec.locks))
	}
}

// A refund dated before a refund recorded earlier counts first in a
// summary: it is refused when the later refund would then bring back
// more than the customer holds, naming the time.
func TestRecorderLateReturn(t *testing.T) {
	ctx := context.Background()
	st, _, at := recorderFixture(t)
	rec := &Recorder{Customers: st, History: st}
	now := at.Add(48 * time.Hour)
	ex := Return{ID: "r2", OrderID: "o1", CustomerID: "c1", Time: at.Add(24 * time.Hour), Kind: Exchange,
		Reason: SizeFit, Lines: []ReturnLine{{LineID: "l1", Quantity: -2}}}
	if err := rec.RecordReturn(ctx, ex, now); err != nil {
		t.Fatal(err)
	}
	// Two units sold, none refunded: the refund alone is valid, but
	// dated before the exchange of both units it leaves one to exchange.
	late := Return{ID: "r1", OrderID: "o1", CustomerID: "c1", Time: at.Add(time.Hour), Kind: Refund,
		Reason: SizeFit, Lines: []ReturnLine{{LineID: "l1", Quantity: -1}}}
	err := rec.RecordReturn(ctx, late, now)
	var v *ValidationError
	if !errors.As(err, &v) || !v.Has("time", CodeOrder) || v.Record != `return "r1"` {
		t.Fatalf("late refund: %v, want a ValidationError on time", err)
	}
	// After the exchange, the refund of one unit is fine.
	late.Time = at.Add(25 * time.Hour)
	if err := rec.RecordReturn(ctx, late, now); err != nil {
		t.Fatal(err)
	}
	if _, err := SummarizeHistory(ctx, st, "c1", Consumer, now, nil); err != nil {
		t.Fatal(err)
	}
}

// A redelivered order is a no-op even when the checks it passed at the
// time of recording would fail today: the member it names left the
// household, and the now of the redelivery is before the order.
func TestRecorderRedeliveryNotRechecked(t *testing.T) {
	ctx := context.Background()
	st, o, at := recorderFixture(t)
	rec := &Recorder{Customers: st, History: st}
	if err := st.Update(ctx, "c1", func(c *Customer) error { c.Household = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := rec.RecordOrder(ctx, o, at.Add(-time.Hour)); err != nil {
		t.Fatalf("redelivery: %v", err)
	}
	changed := o.Clone()
	changed.Lines[0].Quantity = 3
	if err := rec.RecordOrder(ctx, changed, at); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("other content under the order's ID: %v, want ErrDuplicate", err)
	}
	// A new order naming the member that left is refused.
	o.ID = "o2"
	var v *ValidationError
	if err := rec.RecordOrder(ctx, o, at); !errors.As(err, &v) || !v.Has("lines[0].member", CodeUnknown) {
		t.Fatalf("order for a former member: %v", err)
	}
}

// A return or credit of an order the customer's history does not hold is
// a ValidationError on order_id, with the other problems of the record.
func TestRecorderUnknownOrder(t *testing.T) {
	ctx := context.Background()
	st, _, at := recorderFixture(t)
	rec := &Recorder{Customers: st, History: st}
	err := rec.RecordReturn(ctx, Return{ID: "r1", OrderID: "nope", CustomerID: "c1", Time: at, Kind: Refund,
		Reason: SizeFit, Lines: []ReturnLine{{LineID: "l1", Quantity: 1}}}, at)
	var v *ValidationError
	if !errors.As(err, &v) || !v.Has("order_id", CodeUnknown) || !v.Has("lines[0].quantity", CodeRange) {
		t.Fatalf("return of an unknown order: %v", err)
	}
	m, _ := NewMoney("5.00", "EUR")
	err = rec.RecordCredit(ctx, Credit{ID: "k1", CustomerID: "c1", OrderID: "nope", Time: at, Kind: PriceReduction, Amount: m}, at)
	if !errors.As(err, &v) || !v.Has("order_id", CodeUnknown) {
		t.Fatalf("credit of an unknown order: %v", err)
	}
	usd, _ := NewMoney("5.00", "USD")
	err = rec.RecordCredit(ctx, Credit{ID: "k2", CustomerID: "c1", Time: at, Kind: Compensation, Amount: usd}, at)
	if !errors.As(err, &v) || !v.Has("amount", CodeMismatch) {
		t.Fatalf("compensation in another currency: %v", err)
	}
	if err := rec.RecordOrder(ctx, Order{ID: "o9", CustomerID: "ghost", Time: at, Channel: Online, Currency: "EUR",
		Lines: []Line{{ID: "l1", Quantity: 1}}}, at); !errors.Is(err, ErrNotFound) {
		t.Fatalf("order of an unknown customer: %v", err)
	}
}

// RecordReturnStored tells a stored return from a redelivery, also when
// the store is not a CheckedAppender and when the redelivery's lines come
// in another sequence; a refused return (other content under its ID,
// invalid, of an unknown order or customer) is neither, and stores
// nothing.
func TestRecordReturnStored(t *testing.T) {
	ctx := context.Background()
	for _, checked := range []bool{true, false} {
		st := NewMemStore()
		if err := st.Put(ctx, validConsumer()); err != nil {
			t.Fatal(err)
		}
		var h HistoryStore = st
		if !checked {
			h = plainHistory{st}
		}
		rec := &Recorder{Customers: st, History: h}
		if err := rec.RecordOrder(ctx, validOrder(), vNow); err != nil {
			t.Fatal(err)
		}
		returns := func() int {
			n := 0
			for e, err := range st.History(ctx, "C-1") {
				if err != nil {
					t.Fatal(err)
				}
				if e.Return != nil {
					n++
				}
			}
			return n
		}
		ret := validReturn()
		ret.Lines = []ReturnLine{{LineID: "1", Quantity: -1}, {LineID: "2", Quantity: -1}}
		stored, err := rec.RecordReturnStored(ctx, ret, vNow)
		if err != nil || !stored {
			t.Fatalf("first delivery (checked store %v): stored %v, %v", checked, stored, err)
		}
		again := ret.Clone()
		again.Lines[0], again.Lines[1] = again.Lines[1], again.Lines[0]
		// A redelivery after the rest of the order was refunded, which
		// would over-return it if it were checked again, and with a now
		// before its own time.
		rest := validReturn()
		rest.ID = "R-2"
		if err := rec.RecordReturn(ctx, rest, vNow); err != nil {
			t.Fatal(err)
		}
		for _, r := range []Return{ret, again} {
			stored, err = rec.RecordReturnStored(ctx, r, ret.Time.Add(-time.Hour))
			if err != nil || stored {
				t.Fatalf("redelivery (checked store %v): stored %v, %v", checked, stored, err)
			}
		}

		other := ret.Clone()
		other.Reason = QualityDefect
		stored, err = rec.RecordReturnStored(ctx, other, vNow)
		if !errors.Is(err, ErrDuplicate) || stored {
			t.Fatalf("other content under the return's ID: stored %v, %v", stored, err)
		}
		bad := validReturn()
		bad.ID = "R-3"
		bad.Lines[0].Quantity = -5
		stored, err = rec.RecordReturnStored(ctx, bad, vNow)
		if !errors.Is(err, ErrInvalid) || stored {
			t.Fatalf("over-return: stored %v, %v", stored, err)
		}
		orphan := validReturn()
		orphan.ID, orphan.OrderID = "R-4", "O-404"
		stored, err = rec.RecordReturnStored(ctx, orphan, vNow)
		if !errors.Is(err, ErrInvalid) || stored {
			t.Fatalf("return of an unknown order: stored %v, %v", stored, err)
		}
		blank := validReturn()
		blank.ID, blank.CustomerID = "R-5", ""
		stored, err = rec.RecordReturnStored(ctx, blank, vNow)
		if !errors.Is(err, ErrInvalid) || stored {
			t.Fatalf("return of a blank customer: stored %v, %v", stored, err)
		}
		if n := returns(); n != 2 {
			t.Fatalf("checked store %v: %d returns stored, want 2", checked, n)
		}
	}
}
