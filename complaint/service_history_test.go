package complaint_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// approvedRefund returns a store holding case C-1 of the fixture,
// investigated, after a refund of amount for units units was proposed
// (hour 5) and approved (hour 6), and its events; the carry-out is
// event 7.
func approvedRefund(t *testing.T, amount string, units int) (*complaint.MemStore, complaint.Case, []complaint.Event) {
	t.Helper()
	c, evs := reach(3)
	p := complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: eur(t, amount), Units: units, Detail: "one back"}
	var ev complaint.Event
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdPropose, Proposal: &p}, handler, hours(5))
	evs = append(evs, ev)
	c, ev = do(t, c, complaint.Command{Kind: complaint.CmdApprove}, manager, hours(6))
	evs = append(evs, ev)
	return storeOf(t, evs), c, evs
}

// storeOf returns a store holding the case of evs, saved event by event.
func storeOf(t *testing.T, evs []complaint.Event) *complaint.MemStore {
	t.Helper()
	st := complaint.NewMemStore()
	for i := range evs {
		c, err := complaint.Rebuild(evs[:i+1])
		require.NoError(t, err)
		require.NoError(t, st.Save(context.Background(), c, evs[i]))
	}
	return st
}

// unchanged requires the store to hold case c and the events evs.
func unchanged(t *testing.T, st *complaint.MemStore, c complaint.Case, evs []complaint.Event) {
	t.Helper()
	got, err := st.Get(context.Background(), "C-1")
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, got), "the case changed")
	gotEvs, err := st.Events(context.Background(), "C-1")
	require.NoError(t, err)
	assert.True(t, complainttest.SameEvents(evs, gotEvs), "the events changed")
}

// carryOutRefused requires err to be the validation error of the
// carry-out, event 7 of case C-1, naming field with code, and the
// store unchanged.
func carryOutRefused(t *testing.T, err error, st *complaint.MemStore, c complaint.Case, evs []complaint.Event, field, code string) {
	t.Helper()
	var ve *customer.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	assert.Equal(t, `complaint "C-1": event 7`, ve.Record)
	assert.True(t, ve.Has(field, code), "want %s %s in %v", field, code, err)
	unchanged(t, st, c, evs)
}

// failingHistory is a HistoryReader whose every read fails.
type failingHistory struct{ err error }

func (f failingHistory) History(context.Context, customer.ID) iter.Seq2[customer.Event, error] {
	return func(yield func(customer.Event, error) bool) { yield(customer.Event{}, f.err) }
}

// With a CustomerHistory, a carry-out of a refund of more units than the
// customer holds is refused, and nothing is saved.
func TestServiceHistoryRefusesMoreUnitsThanHeld(t *testing.T) {
	st, c, evs := approvedRefund(t, "63.00", 4)
	h := newHistory(t, shirtOrder())
	svc := complaint.Service{Store: st, CustomerHistory: h.st}
	got, ev, err := svc.Do(context.Background(), "C-1", carryOut, handler, hours(7))
	carryOutRefused(t, err, st, c, evs, "proposal.units", customer.CodeTooMany)
	assert.ErrorContains(t, err, `the customer holds 3 units of SKU "JKT-01-M" of order "O-1"`)
	assert.True(t, complainttest.Same(c, got), "the case is returned as it was")
	assert.Zero(t, ev)

	_, _, err = svc.DoRetry(context.Background(), "C-1", carryOut, handler, hours(7), 3)
	carryOutRefused(t, err, st, c, evs, "proposal.units", customer.CodeTooMany)
}

// With a CustomerHistory, a refund above what the order can still pay back after
// a price reduction is refused.
func TestServiceHistoryRefusesMoreThanLeftToPayBack(t *testing.T) {
	st, c, evs := approvedRefund(t, "126.00", 2)
	h := newHistory(t, shirtOrder())
	// 239.00 net less 150.00 reduced leaves 89.00 to pay back.
	h.credit(t, customer.Credit{ID: "K-1", CustomerID: "cust-C-1", OrderID: "O-1", Time: t0.AddDate(0, 0, -10),
		Kind: customer.PriceReduction, Amount: eur(t, "150.00")})
	svc := complaint.Service{Store: st, CustomerHistory: h.st}
	_, _, err := svc.Do(context.Background(), "C-1", carryOut, handler, hours(7))
	carryOutRefused(t, err, st, c, evs, "proposal.amount", customer.CodeTooMany)
}

// With a CustomerHistory, a refund the history can hold is carried out and
// saved; the caller records its return from the saved log, which the
// Recorder accepts, and a second delivery of it is a no-op.
func TestServiceHistoryCarriesOutAGoodRefund(t *testing.T) {
	st, _, _ := approvedRefund(t, "63.00", 1)
	h := newHistory(t, shirtOrder())
	svc := complaint.Service{Store: st, CustomerHistory: h.st}
	c, ev, err := svc.Do(context.Background(), "C-1", carryOut, handler, hours(7))
	require.NoError(t, err)
	assert.Equal(t, complaint.StateCarriedOut, c.State)
	assert.Equal(t, 7, ev.Seq)

	saved, err := svc.History(context.Background(), "C-1")
	require.NoError(t, err)
	require.Len(t, saved, 7)
	rets, err := complaint.Refunds(saved, shirtOrder(), h.events(t))
	require.NoError(t, err)
	require.Len(t, rets, 1)
	assert.Equal(t, "C-1#7", rets[0].ID)
	assert.Equal(t, []customer.ReturnLine{{LineID: "1", Quantity: -1}}, rets[0].Lines)
	h.ret(t, rets[0])
	again, err := complaint.Refunds(saved, shirtOrder(), h.events(t))
	require.NoError(t, err)
	require.Len(t, again, 1)
	assert.True(t, again[0].Equal(rets[0]))
	h.ret(t, again[0])
}

// Without a CustomerHistory, the carry-out is not checked against the order, as
// before: Refunds refuses it afterwards.
func TestServiceNoHistoryCarriesOutUnchecked(t *testing.T) {
	st, _, _ := approvedRefund(t, "63.00", 4)
	svc := complaint.Service{Store: st}
	c, ev, err := svc.Do(context.Background(), "C-1", carryOut, handler, hours(7))
	require.NoError(t, err)
	assert.Equal(t, complaint.StateCarriedOut, c.State)
	assert.Equal(t, 7, ev.Seq)
	saved, err := svc.History(context.Background(), "C-1")
	require.NoError(t, err)
	require.Len(t, saved, 7)
	_, err = complaint.Refunds(saved, shirtOrder(), nil)
	refundRefused(t, nil, err, "7", "proposal.units", customer.CodeTooMany)
}

// An error reading the history is returned, naming the case and the
// customer, and nothing is saved.
func TestServiceHistoryReadError(t *testing.T) {
	st, c, evs := approvedRefund(t, "63.00", 1)
	boom := errors.New("history unavailable")
	svc := complaint.Service{Store: st, CustomerHistory: failingHistory{boom}}
	_, _, err := svc.Do(context.Background(), "C-1", carryOut, handler, hours(7))
	require.ErrorIs(t, err, boom)
	assert.ErrorContains(t, err, `complaint "C-1": carry-out`)
	assert.ErrorContains(t, err, `"cust-C-1"`)
	unchanged(t, st, c, evs)

	// A complainant the customer store does not have.
	svc.CustomerHistory = customer.NewMemStore()
	_, _, err = svc.Do(context.Background(), "C-1", carryOut, handler, hours(7))
	require.ErrorIs(t, err, customer.ErrNotFound)
	unchanged(t, st, c, evs)
}

// An order of the subject that the history does not hold is refused on
// "subject.order", and nothing is saved.
func TestServiceHistoryWithoutTheOrder(t *testing.T) {
	st, c, evs := approvedRefund(t, "63.00", 1)
	other := shirtOrder()
	other.ID = "O-9"
	h := newHistory(t, other)
	svc := complaint.Service{Store: st, CustomerHistory: h.st}
	_, _, err := svc.Do(context.Background(), "C-1", carryOut, handler, hours(7))
	carryOutRefused(t, err, st, c, evs, "subject.order", customer.CodeUnknown)
	assert.ErrorContains(t, err, `order "O-1" is not in the history of customer "cust-C-1"`)
}

// A redelivered carry-out (the same Key) is answered as stored, without
// reading the history again.
func TestServiceHistoryRedeliveryNotRechecked(t *testing.T) {
	st, _, _ := approvedRefund(t, "63.00", 1)
	h := newHistory(t, shirtOrder())
	svc := complaint.Service{Store: st, CustomerHistory: h.st}
	cmd := carryOut
	cmd.Key = "carry-1"
	c, ev, err := svc.Do(context.Background(), "C-1", cmd, handler, hours(7))
	require.NoError(t, err)
	saved, err := svc.History(context.Background(), "C-1")
	require.NoError(t, err)

	svc.CustomerHistory = failingHistory{errors.New("history unavailable")}
	again, evAgain, err := svc.Do(context.Background(), "C-1", cmd, handler, hours(9))
	require.NoError(t, err)
	assert.True(t, complainttest.Same(c, again))
	assert.Equal(t, ev.Seq, evAgain.Seq)
	unchanged(t, st, c, saved)
}

// Carry-outs of other resolutions do not read the history.
func TestServiceHistoryOnlyForRefunds(t *testing.T) {
	c, evs := reach(5) // the happy path: a price reduction, approved
	st := storeOf(t, evs)
	svc := complaint.Service{Store: st, CustomerHistory: failingHistory{errors.New("history unavailable")}}
	got, _, err := svc.Do(context.Background(), "C-1", carryOut, handler, hours(7))
	require.NoError(t, err)
	assert.Equal(t, c.Version+1, got.Version)
}

// staleGet is a store whose Get returns the case as it was read before
// another writer saved: c.
type staleGet struct {
	*complaint.MemStore
	c complaint.Case
}

func (s staleGet) Get(context.Context, complaint.ID) (complaint.Case, error) { return s.c, nil }

// When another writer saved after the case was read, Do returns the
// conflict, as it does without a CustomerHistory, rather than the
// verdict of Refunds on the log it read: DoRetry then re-reads the case.
func TestServiceHistoryConflictBeforeRefunds(t *testing.T) {
	st, c, evs := approvedRefund(t, "63.00", 4)
	// Another writer, without the history, carried the refund out.
	done, ev := do(t, c, carryOut, handler, hours(7))
	require.NoError(t, st.Save(context.Background(), done, ev))
	svc := complaint.Service{Store: staleGet{st, c}, CustomerHistory: newHistory(t, shirtOrder()).st}
	_, _, err := svc.Do(context.Background(), "C-1", carryOut, handler, hours(8))
	require.ErrorIs(t, err, complaint.ErrConflict)
	assert.EqualError(t, err, `complaint "C-1": carry-out: read at version 6, the store holds 7 events: complaint: version conflict`)
	unchanged(t, st, done, append(evs, ev))
}
