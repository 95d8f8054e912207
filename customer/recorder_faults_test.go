package customer

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// recorderStores are the two ways a Recorder meets a store: one that
// checks and appends in one step ([CheckedAppender], as MemStore) and
// one that does not, where the Recorder takes its own lock.
func recorderStores(st *MemStore) map[string]*Recorder {
	return map[string]*Recorder{
		"checked": {Customers: st, History: st},
		"plain":   {Customers: st, History: plainHistory{st}},
	}
}

// historyOf returns the stored history of customer id.
func historyOf(t *testing.T, st *MemStore, id ID) []Event {
	t.Helper()
	var evs []Event
	for e, err := range st.History(context.Background(), id) {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	return evs
}

// wantFaults checks that err is a *ValidationError of record that has a
// problem on each field of want (field → code, "" for any code), and
// holds every problem of also (the record's own validator) too.
func wantFaults(t *testing.T, what string, err error, record string, want map[string]string, also error) {
	t.Helper()
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Errorf("%s: %v, want a *ValidationError", what, err)
		return
	}
	if v.Record != record {
		t.Errorf("%s: record %q, want %q", what, v.Record, record)
	}
	for f, code := range want {
		if !v.Has(f, code) {
			t.Errorf("%s: no %s/%s in %v", what, f, code, err)
		}
	}
	var a *ValidationError
	if also != nil && errors.As(also, &a) {
		for _, f := range a.Fields {
			if !v.Has(f.Field, f.Code) {
				t.Errorf("%s: the validator reports %s/%s, the Recorder does not: %v", what, f.Field, f.Code, err)
			}
		}
	}
}

// TestRecorderEveryFaultWithBadID: a record whose own ID is empty, blank
// or holds a control character is refused with every fault it has at
// once — those its validator finds and those found against the history
// (an unknown order, a currency other than the history's) — as a record
// with a good ID is, over a store that checks and appends in one step
// and over one that does not; nothing is stored.
func TestRecorderEveryFaultWithBadID(t *testing.T) {
	ctx := context.Background()
	for _, id := range []string{"", " ", "\t", "O\n1"} {
		st, o1, at := recorderFixture(t)
		now := at.Add(48 * time.Hour)
		before := historyOf(t, st, "c1")
		for name, rec := range recorderStores(st) {
			idField := map[bool]string{true: CodeRequired, false: CodeFormat}[blank(id)]

			o := Order{ID: id, CustomerID: "c1", Time: at, Channel: Online, Currency: "USD",
				Lines: []Line{{ID: "l1", Quantity: -1, UnitPrice: decimal.RequireFromString("-1.234")}}}
			c, err := st.Get(ctx, "c1")
			if err != nil {
				t.Fatal(err)
			}
			for m, call := range map[string]func() error{
				"RecordOrder":       func() error { return rec.RecordOrder(ctx, o, now) },
				"RecordOrderStored": func() error { _, err := rec.RecordOrderStored(ctx, o, now); return err },
			} {
				wantFaults(t, name+" "+m+" "+strconv.Quote(id), call(), "order "+strconv.Quote(id),
					map[string]string{"id": idField, "lines[0].quantity": "", "lines[0].unit_price": "", "currency": CodeMismatch},
					o.ValidateFor(c, now))
			}

			ret := Return{ID: id, OrderID: "o1", CustomerID: "c1", Time: at.Add(time.Hour), Kind: Refund, Reason: SizeFit,
				Lines: []ReturnLine{{LineID: "l1", Quantity: 3}}}
			for m, call := range map[string]func() error{
				"RecordReturn":       func() error { return rec.RecordReturn(ctx, ret, now) },
				"RecordReturnStored": func() error { _, err := rec.RecordReturnStored(ctx, ret, now); return err },
			} {
				wantFaults(t, name+" "+m+" "+strconv.Quote(id), call(), "return "+strconv.Quote(id),
					map[string]string{"id": idField, "lines[0].quantity": ""}, ret.Validate(o1, now))
			}
			unknown := ret
			unknown.OrderID = "nope"
			wantFaults(t, name+" RecordReturn of an unknown order "+strconv.Quote(id), rec.RecordReturn(ctx, unknown, now), "return "+strconv.Quote(id),
				map[string]string{"id": idField, "lines[0].quantity": "", "order_id": CodeUnknown}, nil)

			cr := Credit{ID: id, CustomerID: "c1", OrderID: "o1", Time: at.Add(time.Hour), Kind: PriceReduction}
			wantFaults(t, name+" RecordCredit "+strconv.Quote(id), rec.RecordCredit(ctx, cr, now), "credit "+strconv.Quote(id),
				map[string]string{"id": idField, "amount": ""}, cr.ValidateFor(o1, Zero("EUR"), now))
			usd, _ := NewMoney("5.00", "USD")
			comp := Credit{ID: id, CustomerID: "c1", Time: at.Add(100 * time.Hour), Kind: Compensation, Amount: usd}
			wantFaults(t, name+" RecordCredit compensation "+strconv.Quote(id), rec.RecordCredit(ctx, comp, now), "credit "+strconv.Quote(id),
				map[string]string{"id": idField, "amount": CodeMismatch, "time": CodeFuture}, comp.Validate(now))
			comp.OrderID = "nope"
			wantFaults(t, name+" RecordCredit of an unknown order "+strconv.Quote(id), rec.RecordCredit(ctx, comp, now), "credit "+strconv.Quote(id),
				map[string]string{"id": idField, "order_id": CodeUnknown, "time": CodeFuture}, nil)
		}
		if after := historyOf(t, st, "c1"); !reflect.DeepEqual(after, before) {
			t.Errorf("ID %q: refused records changed the history:\n%v\n%v", id, before, after)
		}
	}
}

// TestRecorderRefusesZeroNow: every Recorder method that takes now
// refuses a zero now, which would skip the check that the record is not
// dated after the time of recording, with a *ValidationError of the
// record naming "now" (CodeRequired) and the record's other faults, and
// stores nothing — also for a redelivery, and for a record dated in 2099
// that a zero now would otherwise let in.
func TestRecorderRefusesZeroNow(t *testing.T) {
	ctx := context.Background()
	future := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	amount, _ := NewMoney("1.00", "EUR")
	for _, name := range []string{"checked", "plain"} {
		st, o1, at := recorderFixture(t)
		rec := recorderStores(st)[name]
		before := historyOf(t, st, "c1")
		o := Order{ID: "o-future", CustomerID: "c1", Time: future, Channel: Online, Currency: "EUR",
			Lines: []Line{{ID: "l1", Quantity: 1, UnitPrice: decimal.RequireFromString("10.00")}}}
		past := o
		past.ID, past.Time = "o-past", at
		ret := Return{ID: "r-future", OrderID: "o1", CustomerID: "c1", Time: future, Kind: Refund, Reason: SizeFit,
			Lines: []ReturnLine{{LineID: "l1", Quantity: -1}}}
		cr := Credit{ID: "k-future", CustomerID: "c1", OrderID: "o1", Time: future, Kind: PriceReduction, Amount: amount}
		comp := Credit{ID: "k-past", CustomerID: "c1", Time: at, Kind: Compensation, Amount: amount}
		in := Interaction{CustomerID: "c1", Time: future, Kind: StoreVisit}
		bad := o
		bad.ID, bad.Lines = "o-bad", []Line{{ID: "l1", Quantity: 0, UnitPrice: decimal.NewFromInt(1)}}
		type call struct {
			record string
			fields []string
			do     func() error
		}
		calls := map[string]call{
			"RecordOrder 2099":               {`order "o-future"`, nil, func() error { return rec.RecordOrder(ctx, o, time.Time{}) }},
			"RecordOrder past":               {`order "o-past"`, nil, func() error { return rec.RecordOrder(ctx, past, time.Time{}) }},
			"RecordOrder redelivery":         {`order "o1"`, nil, func() error { return rec.RecordOrder(ctx, o1, time.Time{}) }},
			"RecordOrder other faults":       {`order "o-bad"`, []string{"lines[0].quantity"}, func() error { return rec.RecordOrder(ctx, bad, time.Time{}) }},
			"RecordOrderStored 2099":         {`order "o-future"`, nil, func() error { _, err := rec.RecordOrderStored(ctx, o, time.Time{}); return err }},
			"RecordReturn 2099":              {`return "r-future"`, nil, func() error { return rec.RecordReturn(ctx, ret, time.Time{}) }},
			"RecordReturnStored 2099":        {`return "r-future"`, nil, func() error { _, err := rec.RecordReturnStored(ctx, ret, time.Time{}); return err }},
			"RecordCredit 2099":              {`credit "k-future"`, nil, func() error { return rec.RecordCredit(ctx, cr, time.Time{}) }},
			"RecordCredit compensation":      {`credit "k-past"`, nil, func() error { return rec.RecordCredit(ctx, comp, time.Time{}) }},
			"RecordInteraction 2099":         {`interaction of customer "c1"`, nil, func() error { return rec.RecordInteraction(ctx, in, time.Time{}) }},
			"RecordInteraction unknown kind": {`interaction of customer "c1"`, []string{"kind"}, func() error { i := in; i.Kind = 0; return rec.RecordInteraction(ctx, i, time.Time{}) }},
		}
		for what, c := range calls {
			err := c.do()
			var v *ValidationError
			if !errors.As(err, &v) || !v.Has("now", CodeRequired) || v.Record != c.record || !errors.Is(err, ErrInvalid) {
				t.Errorf("%s %s with a zero now: %v, want a *ValidationError of %s on now", name, what, err, c.record)
				continue
			}
			for _, f := range c.fields {
				if !v.Has(f, "") {
					t.Errorf("%s %s with a zero now: no %s in %v", name, what, f, err)
				}
			}
		}
		if after := historyOf(t, st, "c1"); !reflect.DeepEqual(after, before) {
			t.Errorf("%s: records refused for a zero now changed the history:\n%v\n%v", name, before, after)
		}
		// The same records with a now are recorded as before.
		if err := rec.RecordOrder(ctx, past, at); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if err := rec.RecordOrder(ctx, o, future); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
