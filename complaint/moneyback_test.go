package complaint_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// moneyShop is a customer store with customer cust-C-1 and its order
// O-1 (a jacket of 189.00 and two scarves of 25.00 EUR), a Recorder on
// it, and a complaint Service.
type moneyShop struct {
	st  *customer.MemStore
	rec *customer.Recorder
	svc *complaint.Service
}

func newMoneyShop(t *testing.T) *moneyShop {
	t.Helper()
	ctx := context.Background()
	st := customer.NewMemStore()
	require.NoError(t, st.Put(ctx, customer.Customer{ID: "cust-C-1", Kind: customer.Consumer, Joined: t0.AddDate(-1, 0, 0)}))
	rec := &customer.Recorder{Customers: st, History: st}
	order := customer.Order{ID: "O-1", CustomerID: "cust-C-1", Time: t0.AddDate(0, 0, -20), Channel: customer.Online, Currency: "EUR",
		Lines: []customer.Line{
			{ID: "1", SKU: "JKT-01-M", Category: "jackets", Quantity: 1, UnitPrice: decimal.RequireFromString("189.00")},
			{ID: "2", SKU: "SCF-07", Category: "scarves", Quantity: 2, UnitPrice: decimal.RequireFromString("25.00")},
		}}
	require.NoError(t, rec.RecordOrder(ctx, order, order.Time))
	return &moneyShop{st: st, rec: rec, svc: &complaint.Service{Store: complaint.NewMemStore()}}
}

// open records case id of who about the jacket of O-1 at hour h and takes
// it through the first steps of the happy path, then through the steps
// given.
func (m *moneyShop) open(t *testing.T, id complaint.ID, who customer.ID, h float64, happy int, steps ...complainttest.Step) {
	t.Helper()
	ctx := context.Background()
	in := complainttest.Intake(id, hours(h))
	in.Complainant = who
	_, _, err := m.svc.Record(ctx, in, "", complainttest.Agent, hours(h))
	require.NoError(t, err)
	all := append(complainttest.HappyPath()[:happy], steps...)
	for i, s := range all {
		_, _, err := m.svc.Do(ctx, id, s.Command, s.Actor, hours(h+float64(i+1)))
		require.NoError(t, err, "step %d", i)
	}
}

// refundOf is a refund of amount, less the wear.
func refundOf(amount string) complaint.Proposal {
	return complaint.Proposal{Kind: complaint.ResolutionRefund, Amount: mustMoney(amount, "EUR"), Detail: "money back, less the wear"}
}

func (m *moneyShop) history(t *testing.T) []customer.Event {
	t.Helper()
	var h []customer.Event
	for e, err := range m.st.History(context.Background(), "cust-C-1") {
		require.NoError(t, err)
		h = append(h, e)
	}
	return h
}

// RecordMoneyBack records the return of a carried-out refund and the
// credit of a carried-out price reduction in the complainant's history,
// each once however often it is called, and records nothing for a case
// that paid nothing back.
func TestRecordMoneyBack(t *testing.T) {
	ctx := context.Background()
	m := newMoneyShop(t)
	m.open(t, "C-1", "cust-C-1", 0, 3, refundSteps(refundOf("150.00"))...)
	m.open(t, "C-2", "cust-C-1", 20, 6) // a price reduction of 40.00, carried out
	m.open(t, "C-3", "cust-C-1", 40, 1) // accepted only
	now := hours(60)

	for round := 1; round <= 2; round++ {
		mb, err := m.svc.RecordMoneyBack(ctx, "C-1", m.rec, now)
		require.NoError(t, err)
		require.Len(t, mb.Returns, 1, "round %d", round)
		assert.Empty(t, mb.Credits)
		assert.Equal(t, "C-1#7", mb.Returns[0].ID)
		assert.Equal(t, "150.00", mb.Returns[0].Refund.Decimal.StringFixed(2))

		mb, err = m.svc.RecordMoneyBack(ctx, "C-2", m.rec, now)
		require.NoError(t, err)
		assert.Empty(t, mb.Returns)
		require.Len(t, mb.Credits, 1, "round %d", round)
		assert.Equal(t, "40", mb.Credits[0].Amount.Amount().String())

		mb, err = m.svc.RecordMoneyBack(ctx, "C-3", m.rec, now)
		require.NoError(t, err)
		assert.Equal(t, complaint.MoneyBack{}, mb)

		assert.Len(t, m.history(t), 3, "round %d: the order, one return, one credit", round)
	}
	s, err := customer.SummarizeHistory(ctx, m.st, "cust-C-1", customer.Consumer, now, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Returns)
	assert.Equal(t, "150.00", s.Refunded.StringFixed(2))
	assert.Equal(t, "49.00", s.Net().StringFixed(2), "239.00 less 150.00 refunded and a price reduction of 40.00")
}

// Bad calls of RecordMoneyBack are errors naming the case, and store
// nothing: no Store, no Recorder, an unknown case, a zero now, a refund
// whose order the complainant's history does not hold.
func TestRecordMoneyBackErrors(t *testing.T) {
	ctx := context.Background()
	m := newMoneyShop(t)
	m.open(t, "C-1", "cust-C-1", 0, 3, refundSteps(refundOf("150.00"))...)
	before := m.history(t)

	_, err := (&complaint.Service{}).RecordMoneyBack(ctx, "C-1", m.rec, hours(60))
	assert.EqualError(t, err, "complaint: the Service has no Store")

	_, err = m.svc.RecordMoneyBack(ctx, "C-1", nil, hours(60))
	assert.ErrorContains(t, err, `complaint "C-1"`)
	assert.ErrorContains(t, err, "the Recorder, with its Customers and History, is required")

	_, err = m.svc.RecordMoneyBack(ctx, "C-9", m.rec, hours(60))
	assert.ErrorIs(t, err, complaint.ErrNotFound)
	assert.ErrorContains(t, err, `complaint "C-9"`)

	mb, err := m.svc.RecordMoneyBack(ctx, "C-1", m.rec, time.Time{})
	var v *customer.ValidationError
	require.True(t, errors.As(err, &v), "%v", err)
	assert.True(t, v.Has("now", customer.CodeRequired), "%v", err)
	assert.ErrorContains(t, err, `complaint "C-1"`)
	assert.Empty(t, mb.Returns)
	assert.Equal(t, before, m.history(t), "nothing stored")

	// A refund of an order the complainant does not have: case C-2 of
	// customer cust-C-2, whose history holds no order O-1.
	require.NoError(t, m.st.Put(ctx, customer.Customer{ID: "cust-C-2", Kind: customer.Consumer, Joined: t0.AddDate(-1, 0, 0)}))
	m.open(t, "C-2", "cust-C-2", 10, 3, refundSteps(refundOf("150.00"))...)
	_, err = m.svc.RecordMoneyBack(ctx, "C-2", m.rec, hours(60))
	require.True(t, errors.As(err, &v), "%v", err)
	assert.True(t, v.Has("subject.order", customer.CodeUnknown), "%v", err)
	assert.EqualError(t, err, `complaint "C-2": record money back: subject.order: order "O-1" is not in the history of customer "cust-C-2"`)
	assert.Equal(t, before, m.history(t), "nothing stored")
}

// The history of a complainant who is not a stored customer cannot be
// read: an error naming the case and the customer, matching
// customer.ErrNotFound.
func TestRecordMoneyBackUnknownComplainant(t *testing.T) {
	m := newMoneyShop(t)
	m.open(t, "C-5", "cust-nobody", 0, 1)
	_, err := m.svc.RecordMoneyBack(context.Background(), "C-5", m.rec, hours(60))
	assert.ErrorIs(t, err, customer.ErrNotFound)
	assert.ErrorContains(t, err, `complaint "C-5": record money back: history of customer "cust-nobody"`)
}
