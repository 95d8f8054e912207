package complaint_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
	"pgregory.net/rapid"
)

// rvMark runs MarkLastUnits on the last event of evs (a carry-out) and
// the case c it gave.
func rvMark(t *testing.T, c complaint.Case, evs []complaint.Event, o customer.Order, hist []customer.Event) (complaint.Case, complaint.Event, error) {
	t.Helper()
	return complaint.MarkLastUnits(c, evs[len(evs)-1], evs[:len(evs)-1], o, hist)
}

// tillService is a Service with a CustomerHistory over the cases of
// reach(3) and shirtOrder, whose customer brought back units of line 1
// at the till 30 hours before the case.
func tillService(t *testing.T, units int) (*complaint.MemStore, history, *complaint.Service) {
	_, evs := reach(3)
	st := storeOf(t, evs)
	h := newHistory(t, shirtOrder())
	h.ret(t, rvTill("R-till", "1", units, -30))
	return st, h, &complaint.Service{Store: st, CustomerHistory: h.st}
}

// rvTill is a till refund of units of line of order O-1 at time h (hours).
func rvTill(id, line string, units int, h float64) customer.Return {
	return customer.Return{ID: id, OrderID: "O-1", CustomerID: "cust-C-1", Time: hours(h), Kind: customer.Refund,
		Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: line, Quantity: -units}}}
}

// splitOrder is shirtOrder with SKU JKT-01-M on lines 1 (2 units) and 3
// (1 unit).
func splitOrder() customer.Order {
	o := shirtOrder()
	o.Lines[0].Quantity = 2
	o.Lines = append(o.Lines, customer.Line{ID: "3", SKU: "JKT-01-M", Category: "shirts", Quantity: 1, UnitPrice: decimal.RequireFromString("63.00")})
	return o
}

// The SKU on two lines: a till return of line 3's unit and a refund of
// the 2 units of line 1 leave none; without the till return one is held.
func TestLastUnitsMarkMultiLineSKU(t *testing.T) {
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, twoOfThree(t), 5)
	got, ev, err := rvMark(t, c, evs, splitOrder(), nil)
	require.NoError(t, err)
	assert.False(t, got.RefundedAll || ev.LastUnits, "line 3's unit is held")

	h := newHistory(t, splitOrder())
	h.ret(t, rvTill("R-till", "3", 1, -30))
	got, ev, err = rvMark(t, c, evs, splitOrder(), h.events(t))
	require.NoError(t, err)
	assert.True(t, got.RefundedAll && ev.LastUnits)
	marked := append(evs[:len(evs)-1:len(evs)-1], ev)
	rets, err := h.deliver(t, marked, splitOrder())
	require.NoError(t, err)
	require.Len(t, rets, 1)
}

// A subject that names no SKU is the whole order: every unit of every
// line counts.
func TestLastUnitsMarkWholeOrder(t *testing.T) {
	c, evs := investigatedWith(t, func(in *complaint.Intake) {
		in.Subject = complaint.Subject{Kind: complaint.SubjectOrder, Order: "O-1"}
		in.Category = complaint.CategoryDelivery
	})
	p := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "189.00"), Units: 3, Detail: "shirts back"}
	c, evs = resolve(t, c, evs, p, 5)
	got, ev, err := rvMark(t, c, evs, shirtOrder(), nil)
	require.NoError(t, err)
	assert.False(t, got.RefundedAll || ev.LastUnits, "the 2 scarves are held")

	h := newHistory(t, shirtOrder())
	h.ret(t, rvTill("R-till", "2", 2, -30))
	got, ev, err = rvMark(t, c, evs, shirtOrder(), h.events(t))
	require.NoError(t, err)
	assert.True(t, got.RefundedAll && ev.LastUnits)
}

// A till return dated after the carry-out: recorded before the
// carry-out is marked, it counts (the customer holds none); recorded
// after an unmarked carry-out, Refunds gives the returns as before. A
// later order of the same SKU is another order: a marked carry-out's
// returns are still given.
func TestLastUnitsLaterHistoryNoSpuriousRefusal(t *testing.T) {
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, oneOfThree(t), 5) // carry-out at hour 7
	c, evs = reopenAt(t, c, evs, 8)
	c, evs = resolve(t, c, evs, oneOfThree(t), 10) // carry-out at hour 12

	// A till return of 1 unit dated after the second carry-out, in the
	// history already.
	h := newHistory(t, shirtOrder())
	h.ret(t, rvTill("R-later", "1", 1, 20))
	got, ev, err := rvMark(t, c, evs, shirtOrder(), h.events(t))
	require.NoError(t, err)
	assert.True(t, got.RefundedAll && ev.LastUnits, "none is held after the history's refunds")
	marked := append(evs[:len(evs)-1:len(evs)-1], ev)
	_, err = h.deliver(t, marked, shirtOrder())
	require.NoError(t, err)

	// Unmarked (1 unit held), then the till return after it.
	h = newHistory(t, shirtOrder())
	got, ev, err = rvMark(t, c, evs, shirtOrder(), h.events(t))
	require.NoError(t, err)
	require.False(t, got.RefundedAll || ev.LastUnits)
	_, err = h.deliver(t, evs, shirtOrder())
	require.NoError(t, err)
	h.ret(t, rvTill("R-later", "1", 1, 20))
	_, err = h.deliver(t, evs, shirtOrder())
	require.NoError(t, err)

	// Marked with a till return before; then a later order O-2 of the
	// same SKU and a return of it.
	h = newHistory(t, shirtOrder())
	h.ret(t, rvTill("R-till", "1", 1, -30))
	got, ev, err = rvMark(t, c, evs, shirtOrder(), h.events(t))
	require.NoError(t, err)
	require.True(t, got.RefundedAll && ev.LastUnits)
	marked = append(evs[:len(evs)-1:len(evs)-1], ev)
	_, err = h.deliver(t, marked, shirtOrder())
	require.NoError(t, err)
	o2 := shirtOrder()
	o2.ID, o2.Time = "O-2", hours(30)
	require.NoError(t, h.rec.RecordOrder(context.Background(), o2, hours(30)))
	r2 := rvTill("R-O2", "1", 3, 40)
	r2.OrderID = "O-2"
	h.ret(t, r2)
	rets, err := h.deliver(t, marked, shirtOrder())
	require.NoError(t, err)
	assert.Len(t, rets, 2)
}

// A refund by Units 0 after a partial one sets RefundedAll itself: no
// mark.
func TestLastUnitsUnitsZeroAfterPartial(t *testing.T) {
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, oneOfThree(t), 5)
	c, evs = reopenAt(t, c, evs, 8)
	all := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "126.00"), Detail: "the rest"}
	c, evs = resolve(t, c, evs, all, 10)
	require.True(t, c.RefundedAll)
	got, ev, err := rvMark(t, c, evs, shirtOrder(), nil)
	require.NoError(t, err)
	assert.True(t, got.RefundedAll)
	assert.False(t, ev.LastUnits, "Units 0 needs no mark")
}

// The field is omitted when false: a log without marks encodes as
// before, and a log written before decodes unmarked; an erasure keeps
// the mark.
func TestLastUnitsJSON(t *testing.T) {
	c, evs := reach(3)
	_, evs = resolve(t, c, evs, twoOfThree(t), 5)
	ev := evs[len(evs)-1]
	doc, err := json.Marshal(ev)
	require.NoError(t, err)
	assert.NotContains(t, string(doc), "last_units")
	ev.LastUnits = true
	doc, err = json.Marshal(ev)
	require.NoError(t, err)
	assert.Contains(t, string(doc), `"last_units":true`)
	var back complaint.Event
	require.NoError(t, json.Unmarshal(doc, &back))
	assert.True(t, back.LastUnits)
	// A reader without the field (an older one) ignores it: encoding/json
	// drops unknown fields unless told otherwise.
	var older map[string]any
	require.NoError(t, json.Unmarshal(doc, &older))
	assert.Equal(t, true, older["last_units"])
	assert.True(t, complaint.EraseEvent(ev, hours(50)).LastUnits)
}

// A keyed carry-out that was saved marked, delivered again, is answered
// as stored (marked), with no second event, through Do and DoRetry.
func TestLastUnitsRedeliveredMarkedCarryOut(t *testing.T) {
	ctx := context.Background()
	st, h, svc := tillService(t, 1)
	steps := refundSteps(twoOfThree(t))
	steps[2].Command.Key = "msg-9"
	c, ev := serviceSteps(t, svc, 5, steps...)
	require.True(t, c.RefundedAll && ev.LastUnits)
	recordReturns(t, svc, h, shirtOrder())

	again, evAgain, err := svc.Do(ctx, "C-1", steps[2].Command, steps[2].Actor, hours(30))
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, again))
	assert.True(t, evAgain.LastUnits)
	again, evAgain, err = svc.DoRetry(ctx, "C-1", steps[2].Command, steps[2].Actor, hours(30), 3)
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, again))
	assert.True(t, evAgain.LastUnits)
	saved, err := st.Events(ctx, "C-1")
	require.NoError(t, err)
	assert.Len(t, saved, 7)
	require.NoError(t, svc.Verify(ctx, "C-1"))
}

// A carry-out whose Save meets a conflict is marked again by DoRetry's
// next attempt, and saved once.
func TestLastUnitsDoRetryMarksAgain(t *testing.T) {
	ctx := context.Background()
	st, _, svc := tillService(t, 1)
	steps := refundSteps(twoOfThree(t))
	serviceSteps(t, svc, 5, steps[:2]...)
	svc.Store = &conflictStore{Store: st, n: 1}
	c, ev, err := svc.DoRetry(ctx, "C-1", steps[2].Command, steps[2].Actor, hours(7), 2)
	require.NoError(t, err)
	assert.True(t, c.RefundedAll && ev.LastUnits)
	saved, err := st.Events(ctx, "C-1")
	require.NoError(t, err)
	require.Len(t, saved, 7)
	assert.True(t, saved[6].LastUnits)
	require.NoError(t, svc.Verify(ctx, "C-1"))
}

// A stale read is the conflict, before the history is looked at, as
// before the mark.
func TestLastUnitsStaleCarryOutConflict(t *testing.T) {
	ctx := context.Background()
	st, _, svc := tillService(t, 3) // the history cannot hold the refund
	serviceSteps(t, svc, 5, refundSteps(twoOfThree(t))[:2]...)
	svc.Store = staleStore{st}
	_, _, err := svc.Do(ctx, "C-1", carryOut, handler, hours(7))
	require.ErrorIs(t, err, complaint.ErrConflict)
	var ve *customer.ValidationError
	assert.False(t, errors.As(err, &ve), "%v", err)
}

// A case stored without RefundedAll whose log holds a marked carry-out
// was never written so (the mark and RefundedAll are set together, and
// no store held the mark before the field): Verify must report it, or a
// store that lost the field lets Apply propose a refund again.
func TestLastUnitsVerifyLostRefundedAllOfMark(t *testing.T) {
	ctx := context.Background()
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, twoOfThree(t), 5)
	h := newHistory(t, shirtOrder())
	h.ret(t, rvTill("R-till", "1", 1, -30))
	got, ev, err := rvMark(t, c, evs, shirtOrder(), h.events(t))
	require.NoError(t, err)
	require.True(t, ev.LastUnits)
	evs[len(evs)-1] = ev
	st := storeOf(t, evs[:len(evs)-1])
	lost := got
	lost.RefundedAll = false
	require.NoError(t, st.Save(ctx, lost, ev))
	svc := &complaint.Service{Store: st}
	err = svc.Verify(ctx, "C-1")
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.ErrorContains(t, err, "refunded_all")

	// A stored case of a log without a mark keeps the leniency.
	c, evs = reach(3)
	all := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "189.00"), Detail: "all back"}
	c, evs = resolve(t, c, evs, all, 5)
	st = storeOf(t, evs[:len(evs)-1])
	c.RefundedAll = false
	require.NoError(t, st.Save(ctx, c, evs[len(evs)-1]))
	require.NoError(t, (&complaint.Service{Store: st}).Verify(ctx, "C-1"))
}

// Refunds judges the mark against the history it is given: a marked
// carry-out that counted a till return is refused on "last_units" when
// the history given lacks it (not the complainant's whole history),
// and the message blames the log.
func TestLastUnitsMarkJudgedAgainstHistoryGiven(t *testing.T) {
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, twoOfThree(t), 5)
	h := newHistory(t, shirtOrder())
	h.ret(t, rvTill("R-till", "1", 1, -30))
	_, ev, err := rvMark(t, c, evs, shirtOrder(), h.events(t))
	require.NoError(t, err)
	marked := append(evs[:len(evs)-1:len(evs)-1], ev)
	_, err = complaint.Refunds(marked, shirtOrder(), nil)
	refundRefused(t, nil, err, "7", "last_units", customer.CodeMismatch)
	assert.True(t, strings.HasSuffix(err.Error(), "the log, or the history given, needs a correction"), "%v", err)
}

// The property, wider than TestLastUnitsProperty: the SKU on one or two
// lines or a whole-order subject, till refunds and exchanges between
// the case's refunds, some dated before the case's next carry-out and
// some after every carry-out (recorded before it), returns of another
// SKU; RefundedAll is set exactly when the customer holds no unit of
// the subject's lines after every refund of the order, and every log
// still gives its returns.
func TestLastUnitsWiderProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		n1 := rapid.IntRange(1, 4).Draw(t, "n1")
		o := customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{
				{ID: "1", SKU: "JKT-01-M", Category: "shirts", Quantity: n1, UnitPrice: decimal.RequireFromString("10.00")},
				{ID: "2", SKU: "SCF-07", Category: "scarves", Quantity: 2, UnitPrice: decimal.RequireFromString("25.00")},
			}}
		if rapid.Bool().Draw(t, "split") {
			o.Lines = append(o.Lines, customer.Line{ID: "3", SKU: "JKT-01-M", Category: "shirts",
				Quantity: rapid.IntRange(1, 2).Draw(t, "n3"), UnitPrice: decimal.RequireFromString("10.00")})
		}
		whole := rapid.Bool().Draw(t, "whole order")
		var subject []int // indexes of the subject's lines, in line order
		for i, l := range o.Lines {
			if whole || l.SKU == "JKT-01-M" {
				subject = append(subject, i)
			}
		}
		cs := customer.NewMemStore()
		rec := &customer.Recorder{Customers: cs, History: cs}
		must(t, cs.Put(ctx, customer.Customer{ID: "cust-C-1", Kind: customer.Consumer, Joined: t0.AddDate(-1, 0, 0)}))
		must(t, rec.RecordOrder(ctx, o, o.Time))
		recNow := hours(10000)

		past := map[string]int{} // refunded, dated before the next carry-out
		fut := map[string]int{}  // refunded, dated after every carry-out
		heldAll := func(id string, q int) int { return q - past[id] - fut[id] }

		value, err := customer.NewMoney("100.00", "EUR")
		must(t, err)
		in := complainttest.Intake("C-1", t0.Add(-time.Hour))
		in.Subject = complaint.Subject{Kind: complaint.SubjectOrder, Order: "O-1", SKU: "JKT-01-M"}
		if whole {
			in.Subject.SKU = ""
			in.Category = complaint.CategoryDelivery
		}
		in.OrderValue, in.Demand.Amount = value, value
		c, ev, err := complaint.Apply(complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
		must(t, err)
		evs := []complaint.Event{ev}
		for i, s := range complainttest.HappyPath()[:3] {
			c, ev, err = complaint.Apply(c, s.Command, s.Actor, hours(float64(i+1)))
			must(t, err)
			evs = append(evs, ev)
		}
		st := complaint.NewMemStore()
		for i := range evs {
			ci, err := complaint.Rebuild(evs[:i+1])
			must(t, err)
			must(t, st.Save(ctx, ci, evs[i]))
		}
		svc := &complaint.Service{Store: st, CustomerHistory: cs}
		at := 5.0
		step := func(cmd complaint.Command, a complaint.Actor) (complaint.Case, complaint.Event, error) {
			at++
			return svc.Do(ctx, "C-1", cmd, a, hours(at))
		}
		tills := 0
		till := func(kind customer.ReturnKind, li, k int, when time.Time) {
			tills++
			r := customer.Return{ID: "R-" + strconv.Itoa(tills), OrderID: "O-1", CustomerID: "cust-C-1", Time: when, Kind: kind,
				Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: o.Lines[li].ID, Quantity: -k}}}
			must(t, rec.RecordReturn(ctx, r, recNow))
		}
		for round := 0; round < 5; round++ {
			if round > 0 {
				for _, s := range reopenSteps {
					_, _, err := step(s.Command, s.Actor)
					must(t, err)
				}
			}
			// Returns of the till, of any line.
			for range rapid.IntRange(0, 2).Draw(t, "tills") {
				li := rapid.IntRange(0, len(o.Lines)-1).Draw(t, "line")
				l := o.Lines[li]
				h := heldAll(l.ID, l.Quantity)
				if h == 0 {
					continue
				}
				k := rapid.IntRange(1, h).Draw(t, "till units")
				switch rapid.IntRange(0, 2).Draw(t, "till kind") {
				case 0:
					at++
					till(customer.Refund, li, k, hours(at))
					past[l.ID] += k
				case 1:
					till(customer.Refund, li, k, hours(5000+float64(tills)))
					fut[l.ID] += k
				case 2:
					at++
					till(customer.Exchange, li, k, hours(at))
				}
			}
			// The most the case can take back in line order, leaving the
			// later-dated returns their units.
			maxU, heldNow, futSubject := 0, 0, 0
			for _, i := range subject {
				l := o.Lines[i]
				h := l.Quantity - past[l.ID]
				heldNow += h
				futSubject += fut[l.ID]
				if maxU >= 0 {
					if fut[l.ID] > 0 {
						maxU += h - fut[l.ID]
						maxU = -maxU - 1 // stop here
					} else {
						maxU += h
					}
				}
			}
			if maxU < 0 {
				maxU = -maxU - 1
			}
			if maxU == 0 {
				break
			}
			u := rapid.IntRange(1, maxU).Draw(t, "units")
			p := complaint.Proposal{Kind: complaint.ResolutionRefund, Units: u, Detail: "some back"}
			if u == heldNow && futSubject == 0 && rapid.Bool().Draw(t, "units 0") {
				p.Units = 0
			}
			p.Amount, err = customer.NewMoney(strconv.Itoa(u)+".00", "EUR")
			must(t, err)
			var ev complaint.Event
			for _, s := range refundSteps(p) {
				c, ev, err = step(s.Command, s.Actor)
				must(t, err)
			}
			take := u
			for _, i := range subject {
				l := o.Lines[i]
				n := min(l.Quantity-past[l.ID], take)
				past[l.ID] += n
				take -= n
			}
			left := 0
			for _, i := range subject {
				left += heldAll(o.Lines[i].ID, o.Lines[i].Quantity)
			}
			if c.RefundedAll != (left == 0) {
				t.Fatalf("round %d: %d units left after every refund: RefundedAll %t", round, left, c.RefundedAll)
			}
			if ev.LastUnits != (left == 0 && p.Units != 0) {
				t.Fatalf("round %d: LastUnits %t, %d left, Units %d", round, ev.LastUnits, left, p.Units)
			}
			saved, err := svc.History(ctx, "C-1")
			must(t, err)
			rebuilt, err := complaint.Rebuild(saved)
			must(t, err)
			if !complainttest.Same(c, rebuilt) {
				t.Fatalf("round %d: the log gives another case", round)
			}
			must(t, svc.Verify(ctx, "C-1"))
			var hist []customer.Event
			for e, err := range cs.History(ctx, "cust-C-1") {
				must(t, err)
				hist = append(hist, e)
			}
			rets, err := complaint.Refunds(saved, o, hist)
			must(t, err)
			for _, r := range rets {
				must(t, rec.RecordReturn(ctx, r, recNow))
			}
			if c.RefundedAll {
				break
			}
		}
		if !c.RefundedAll {
			return
		}
		for _, s := range reopenSteps {
			_, _, err := step(s.Command, s.Actor)
			must(t, err)
		}
		p := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: value, Units: 1, Detail: "more"}
		if _, _, err := step(complaint.Command{Kind: complaint.CmdPropose, Proposal: &p}, handler); !errors.Is(err, customer.ErrInvalid) {
			t.Fatalf("a refund after the last units: %v", err)
		}
	})
}
