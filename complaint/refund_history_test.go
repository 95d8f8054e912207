package complaint_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// history is the history of customer cust-C-1, written through a
// Recorder.
type history struct {
	st  *customer.MemStore
	rec *customer.Recorder
}

// newHistory returns the history of cust-C-1 holding order o.
func newHistory(t *testing.T, o customer.Order) history {
	t.Helper()
	ctx := context.Background()
	st := customer.NewMemStore()
	require.NoError(t, st.Put(ctx, customer.Customer{ID: "cust-C-1", Kind: customer.Consumer, Joined: t0.AddDate(-1, 0, 0)}))
	h := history{st, &customer.Recorder{Customers: st, History: st}}
	require.NoError(t, h.rec.RecordOrder(ctx, o, o.Time))
	return h
}

// events returns the events of the history, as HistoryReader.History
// yields them.
func (h history) events(t *testing.T) []customer.Event {
	t.Helper()
	var out []customer.Event
	for ev, err := range h.st.History(context.Background(), "cust-C-1") {
		require.NoError(t, err)
		out = append(out, ev)
	}
	return out
}

// credit records c, and requires the Recorder to accept it.
func (h history) credit(t *testing.T, c customer.Credit) {
	t.Helper()
	require.NoError(t, h.rec.RecordCredit(context.Background(), c, hours(100)), "credit %s", c.ID)
}

// credits records the credits of the case of evs.
func (h history) credits(t *testing.T, evs []complaint.Event) {
	t.Helper()
	cs, err := complaint.Credits(evs)
	require.NoError(t, err)
	for _, c := range cs {
		h.credit(t, c)
	}
}

// ret records r, and requires the Recorder to accept it.
func (h history) ret(t *testing.T, r customer.Return) {
	t.Helper()
	require.NoError(t, h.rec.RecordReturn(context.Background(), r, hours(100)), "return %s", r.ID)
}

// deliver gives the returns of the case of evs for order o, from the
// history as it is, and when Refunds gives them requires the Recorder to
// accept every one, twice (the second time a redelivery).
func (h history) deliver(t *testing.T, evs []complaint.Event, o customer.Order) ([]customer.Return, error) {
	t.Helper()
	rets, err := complaint.Refunds(evs, o, h.events(t))
	if err != nil {
		return rets, err
	}
	for range 2 {
		for _, r := range rets {
			h.ret(t, r)
		}
		again, err := complaint.Refunds(evs, o, h.events(t))
		require.NoError(t, err, "a redelivery")
		require.Len(t, again, len(rets))
		for i := range again {
			assert.True(t, again[i].Equal(rets[i]), "a redelivery gives the same returns: %+v, %+v", again[i], rets[i])
		}
	}
	return rets, nil
}

// investigatedWith returns case C-1 of the fixture with its intake
// changed by change, investigated (hour 3), and its events.
func investigatedWith(t *testing.T, change func(*complaint.Intake)) (complaint.Case, []complaint.Event) {
	t.Helper()
	in := complainttest.Intake("C-1", t0.Add(-time.Hour))
	change(&in)
	c, ev := do(t, complaint.Case{}, complaint.Command{Kind: complaint.CmdRecord, Intake: &in}, agent, t0)
	evs := []complaint.Event{ev}
	for i, s := range complainttest.HappyPath()[:3] {
		c, ev = do(t, c, s.Command, s.Actor, hours(float64(i+1)))
		evs = append(evs, ev)
	}
	return c, evs
}

// reopenAt reopens case c, carried out, at hour h and investigates it
// again at hour h+1.
func reopenAt(t *testing.T, c complaint.Case, evs []complaint.Event, h float64) (complaint.Case, []complaint.Event) {
	t.Helper()
	unhappy := &complaint.Feedback{Perceived: 3, Expected: 8, CSAT: 2}
	var ev complaint.Event
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdReopen, Feedback: unhappy, Reason: "still torn"}, complainant, hours(h))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdInvestigate, Finding: &complaint.Finding{
		Cause: complaint.CauseManufacturing, Responsible: complaint.PartySupplier, Detail: "again"}}, handler, hours(h+1))
	return c, append(evs, ev)
}

// jackets returns order O-1 of n jackets of 189.00 each.
func jackets(n int) customer.Order {
	return customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{{ID: "1", SKU: "JKT-01-M", Category: "jackets", Quantity: n, UnitPrice: decimal.RequireFromString("189.00")}}}
}

// A price reduction of the order, of another case, paid without a case,
// or of the case itself before it was reopened, leaves less of the
// order's net to pay back: a refund of more than is left is refused on
// the proposal's amount, saying what is left, and one of what is left
// is recorded.
func TestRefundsAfterPriceReductions(t *testing.T) {
	refund := func(amount string) complaint.Proposal {
		return complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, amount), Detail: "money back"}
	}
	t.Run("of another case", func(t *testing.T) {
		for _, tc := range []struct {
			amount string
			ok     bool
		}{{"189.00", false}, {"139.00", true}} {
			o := jacketOrder() // net 239.00
			h := newHistory(t, o)
			c2, e2 := investigatedWith(t, func(in *complaint.Intake) {
				in.ID = "C-2"
				in.Subject = complaint.Subject{Kind: complaint.SubjectOrder, Order: "O-1"}
				in.OrderValue = eur(t, "239.00")
			})
			_, e2 = resolve(t, c2, e2, complaint.Proposal{Kind: complaint.ResolutionPriceReduction, Amount: eur(t, "100.00"), Detail: "off"}, 4)
			h.credits(t, e2)
			c, evs := reach(3)
			_, evs = resolve(t, c, evs, refund(tc.amount), 10)
			got, err := h.deliver(t, evs, o)
			if tc.ok {
				require.NoError(t, err)
				require.Len(t, got, 1)
				assert.Equal(t, "139", got[0].Refund.Decimal.String())
				continue
			}
			refundRefused(t, got, err, "7", "proposal.amount", customer.CodeTooMany)
			assert.ErrorContains(t, err, "139.00 EUR left")
		}
	})
	t.Run("without a case", func(t *testing.T) {
		for _, tc := range []struct {
			amount string
			ok     bool
		}{{"150.00", false}, {"139.00", true}} {
			o := jackets(1)
			h := newHistory(t, o)
			h.credit(t, customer.Credit{ID: "CR-1", CustomerID: "cust-C-1", OrderID: "O-1", Time: hours(4.5), Kind: customer.PriceReduction, Amount: eur(t, "50.00")})
			// A compensation is goodwill: it does not count.
			h.credit(t, customer.Credit{ID: "CR-2", CustomerID: "cust-C-1", OrderID: "O-1", Time: hours(4.5), Kind: customer.Compensation, Amount: eur(t, "500.00")})
			c, evs := reach(3)
			_, evs = resolve(t, c, evs, refund(tc.amount), 5)
			got, err := h.deliver(t, evs, o)
			if tc.ok {
				require.NoError(t, err)
				require.Len(t, got, 1)
				continue
			}
			refundRefused(t, got, err, "7", "proposal.amount", customer.CodeTooMany)
			assert.ErrorContains(t, err, "139.00 EUR left")
		}
	})
	t.Run("of the case itself", func(t *testing.T) {
		// Without an order value the workflow does not bound what the
		// case pays back (it is optional).
		c, evs := investigatedWith(t, func(in *complaint.Intake) { in.OrderValue = customer.Money{} })
		c, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionPriceReduction, Amount: eur(t, "40.00"), Detail: "off"}, 4)
		c, evs = reopenAt(t, c, evs, 8)
		_, refundAll := resolve(t, c, slices.Clone(evs), refund("189.00"), 10)
		_, refundRest := resolve(t, c, slices.Clone(evs), refund("149.00"), 10)
		o := jackets(1)

		// The case's credit not recorded yet: it counts all the same.
		h := newHistory(t, o)
		got, err := complaint.Refunds(refundAll, o, h.events(t))
		refundRefused(t, got, err, "12", "proposal.amount", customer.CodeTooMany)
		assert.ErrorContains(t, err, "149.00 EUR left")
		assert.ErrorContains(t, err, "40.00")

		// Recorded: it counts once.
		h.credits(t, refundAll)
		got, err = complaint.Refunds(refundAll, o, h.events(t))
		refundRefused(t, got, err, "12", "proposal.amount", customer.CodeTooMany)
		assert.ErrorContains(t, err, "149.00 EUR left")
		got, err = h.deliver(t, refundRest, o)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, "149", got[0].Refund.Decimal.String())

		// A credit with the ID of the case's credit but other content:
		// the Recorder would refuse the case's credit, of event 7.
		h = newHistory(t, o)
		h.credit(t, customer.Credit{ID: "C-1#7", CustomerID: "cust-C-1", OrderID: "O-1", Time: hours(6), Kind: customer.PriceReduction, Amount: eur(t, "10.00")})
		got, err = complaint.Refunds(refundRest, o, h.events(t))
		refundRefused(t, got, err, "7", "history[1]", customer.CodeDuplicate)
		assert.ErrorContains(t, err, `credit "C-1#7"`)
	})
}

// A return of the order dated after the carry-out, recorded before the
// case's return, is checked after it, as the Recorder checks it: when
// the case's return leaves it more units than the customer holds, the
// case's return is refused, naming that return; the units taken back do
// not change. A return at the carry-out's instant counts before the
// case's return when its ID sorts before the case's (CompareEvents).
func TestRefundsBeforeLaterReturns(t *testing.T) {
	till := func(id string, at time.Time, kind customer.ReturnKind, units int) customer.Return {
		return customer.Return{ID: id, OrderID: "O-1", CustomerID: "cust-C-1", Time: at, Kind: kind, Reason: customer.SizeFit,
			Lines: []customer.ReturnLine{{LineID: "1", Quantity: -units}}}
	}
	for _, tc := range []struct {
		name  string
		later customer.Return
		units int
		want  []customer.ReturnLine // nil: refused
	}{
		{"a refund of one of two", till("R-till", hours(20), customer.Refund, 1), 0, nil},
		{"an exchange of two", till("R-till", hours(20), customer.Exchange, 2), 0, nil},
		{"a refund of one of two, the case's of one", till("R-till", hours(20), customer.Refund, 1), 1, []customer.ReturnLine{{LineID: "1", Quantity: -1}}},
		{"at the carry-out, sorted before", till("A-1", hours(7), customer.Refund, 1), 0, []customer.ReturnLine{{LineID: "1", Quantity: -1}}},
		{"at the carry-out, sorted after", till("Z-1", hours(7), customer.Refund, 1), 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := jackets(2)
			h := newHistory(t, o)
			c, evs := reach(3)
			_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "189.00"), Units: tc.units, Detail: "back"}, 5)
			require.True(t, evs[6].At.Equal(hours(7)))
			h.ret(t, tc.later)
			got, err := h.deliver(t, evs, o)
			if tc.want == nil {
				refundRefused(t, got, err, "7", "history[1]", customer.CodeOrder)
				assert.ErrorContains(t, err, `return "`+tc.later.ID+`"`)
				return
			}
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, tc.want, got[0].Lines)
		})
	}
}

// A refund that took back every unit held leaves nothing for a second
// refund of the reopened case: Apply refuses to propose one, pointing
// to a price reduction or a compensation; after a refund of some units
// another refund may follow. A log written before the rule rebuilds,
// and Refunds refuses it naming the second carry-out.
func TestRefundAfterARefundOfEveryUnit(t *testing.T) {
	first := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "100.00"), Detail: "money back"}
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, first, 5)
	c, evs = reopenAt(t, c, evs, 8)
	again := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "89.00"), Detail: "the rest back"}
	invalid(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &again}, handler, hours(10), "command.proposal.kind", customer.CodeMismatch)
	_, _, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &again}, handler, hours(10))
	assert.ErrorContains(t, err, "compensation")
	again.Units = 1
	invalid(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &again}, handler, hours(10), "command.proposal.kind", customer.CodeMismatch)
	for _, k := range []complaint.ResolutionKind{complaint.ResolutionCompensation, complaint.ResolutionPriceReduction} {
		do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &complaint.Proposal{Kind: k, Amount: eur(t, "20.00"), Detail: "for the trouble"}}, handler, hours(10))
	}

	// A log written before the rule.
	n := len(evs)
	_, old := resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: eur(t, "89.00"), Detail: "the rest back"}, 10)
	old[n].Command.Proposal = &complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "89.00"), Detail: "the rest back"}
	_, err = complaint.Rebuild(old)
	require.NoError(t, err, "the log rebuilds")
	got, err := complaint.Refunds(old, jacketOrder(), nil)
	refundRefused(t, got, err, "12", "subject.sku", customer.CodeTooMany)
	assert.ErrorContains(t, err, "event 7")

	// One unit of three, then another: allowed, and both come back.
	one := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "63.00"), Units: 1, Detail: "one back"}
	c, evs = reach(3)
	c, evs = resolve(t, c, evs, one, 5)
	c, evs = reopenAt(t, c, evs, 8)
	_, evs = resolve(t, c, evs, one, 10)
	h := newHistory(t, shirtOrder())
	got, err = h.deliver(t, evs, shirtOrder())
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}}, got[1].Lines)
}

// The case knows that a refund of every unit was carried out
// (RefundedAll); Verify takes a stored case without it, as one stored
// before the field, as the log gives it, and finds one stored with it
// that the log does not give.
func TestVerifyRefundedAll(t *testing.T) {
	ctx := context.Background()
	mem := complaint.NewMemStore()
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "189.00"), Detail: "money back"}, 5)
	require.True(t, c.RefundedAll)
	for i, ev := range evs {
		next, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, mem.Save(ctx, next, ev))
	}
	require.NoError(t, (&complaint.Service{Store: mem}).Verify(ctx, "C-1"))
	before := alteredStore{mem, func(c *complaint.Case) { c.RefundedAll = false }}
	require.NoError(t, (&complaint.Service{Store: before}).Verify(ctx, "C-1"), "stored before the field")

	mem = complaint.NewMemStore()
	c, evs = reach(3)
	_, evs = resolve(t, c, evs, complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "63.00"), Units: 1, Detail: "one back"}, 5)
	for i, ev := range evs {
		next, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		assert.False(t, next.RefundedAll)
		require.NoError(t, mem.Save(ctx, next, ev))
	}
	wrong := alteredStore{mem, func(c *complaint.Case) { c.RefundedAll = true }}
	err := (&complaint.Service{Store: wrong}).Verify(ctx, "C-1")
	require.ErrorIs(t, err, complaint.ErrBadLog)
	assert.ErrorContains(t, err, "stored field refunded_all differs")
}

// A return of the order dated after two refunds of the case that fits
// after neither (and not after the first alone) makes the Recorder
// refuse the first of the case's returns, recorded first: the error
// names that carry-out, not the last one before the return.
func TestRefundsBeforeLaterReturnsNameTheFirstRefused(t *testing.T) {
	one := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, "63.00"), Units: 1, Detail: "one back"}
	c, evs := reach(3)
	c, evs = resolve(t, c, evs, one, 5)
	c, evs = reopenAt(t, c, evs, 8)
	_, evs = resolve(t, c, evs, one, 10)
	o := shirtOrder()
	for _, tc := range []struct {
		units int
		seq   string // the carry-out refused
	}{{3, "7"}, {2, "12"}} {
		h := newHistory(t, o)
		h.ret(t, customer.Return{ID: "R-till", OrderID: "O-1", CustomerID: "cust-C-1", Time: hours(20), Kind: customer.Refund,
			Reason: customer.SizeFit, Lines: []customer.ReturnLine{{LineID: "1", Quantity: -tc.units}}})
		got, err := complaint.Refunds(evs, o, h.events(t))
		refundRefused(t, got, err, tc.seq, "history[1]", customer.CodeOrder)

		// The Recorder refuses that return first.
		rets, err := complaint.Refunds(evs, o, nil)
		require.NoError(t, err)
		for _, r := range rets {
			err := h.rec.RecordReturn(context.Background(), r, hours(100))
			if r.ID == "C-1#"+tc.seq {
				require.Error(t, err, "return %s", r.ID)
				break
			}
			require.NoError(t, err, "return %s", r.ID)
		}
	}
}
