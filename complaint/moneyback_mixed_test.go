package complaint_test

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
	"github.com/tailorcrm/tailor/customer"
)

// compensationOf is a compensation of amount.
func compensationOf(amount string) complaint.Proposal {
	return complaint.Proposal{Kind: complaint.ResolutionCompensation, Amount: mustMoney(amount, "EUR"), Detail: "for the trouble"}
}

// moneyIDs returns the IDs of the returns and credits of the history of
// cust-C-1, in the order the store holds them.
func (m *moneyShop) moneyIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, e := range m.history(t) {
		switch {
		case e.Return != nil:
			ids = append(ids, "return "+e.Return.ID)
		case e.Credit != nil:
			ids = append(ids, "credit "+e.Credit.ID)
		}
	}
	return ids
}

// A case reopened and carried out again pays back twice; the Recorder
// takes both in the order of the carry-outs, each once: a price
// reduction and then a refund of the rest of the jacket's price, and a
// refund and then a compensation.
func TestRecordMoneyBackReopened(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		steps  func() (int, []complainttest.Step)
		want   []string
		net    string // of the history, after the case (a compensation counts)
		refund string // the Refund of the case's return; "" unset
	}{
		{"price reduction, then a refund of the rest", func() (int, []complainttest.Step) {
			s := append(append([]complainttest.Step{}, reopenSteps...), refundSteps(refundOf("149.00"))...)
			return 6, s // the happy path's price reduction of 40.00, carried out at hour 6
		}, []string{"credit C-1#7", "return C-1#12"}, "50.00", "149.00"},
		{"refund, then a compensation", func() (int, []complainttest.Step) {
			s := append(append(refundSteps(refundOf("150.00")), reopenSteps...), refundSteps(compensationOf("30.00"))...)
			return 3, s
		}, []string{"return C-1#7", "credit C-1#12"}, "59.00", "150.00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMoneyShop(t)
			happy, steps := tc.steps()
			m.open(t, "C-1", "cust-C-1", 0, happy, steps...)
			for round := 1; round <= 2; round++ {
				mb, err := m.svc.RecordMoneyBack(ctx, "C-1", m.rec, hours(60))
				require.NoError(t, err, "round %d", round)
				require.Len(t, mb.Returns, 1)
				require.Len(t, mb.Credits, 1)
				assert.Equal(t, tc.refund, mb.Returns[0].Refund.Decimal.StringFixed(2))
				assert.Equal(t, tc.want, m.moneyIDs(t), "round %d: in the order of the carry-outs, each once", round)
			}
			s, err := customer.SummarizeHistory(ctx, m.st, "cust-C-1", customer.Consumer, hours(60), nil)
			require.NoError(t, err)
			assert.Equal(t, tc.net, s.Net().StringFixed(2))
		})
	}
}

// A zero now is refused, also for a case that paid nothing back and for
// one whose records are all in the history already: an error naming the
// case on "now" (CodeRequired), nothing read or stored.
func TestRecordMoneyBackZeroNow(t *testing.T) {
	ctx := context.Background()
	m := newMoneyShop(t)
	m.open(t, "C-1", "cust-C-1", 0, 3, refundSteps(refundOf("150.00"))...)
	m.open(t, "C-3", "cust-C-1", 40, 1) // accepted only
	_, err := m.svc.RecordMoneyBack(ctx, "C-1", m.rec, hours(60))
	require.NoError(t, err)
	before := m.history(t)
	for _, id := range []complaint.ID{"C-1", "C-3"} {
		mb, err := m.svc.RecordMoneyBack(ctx, id, m.rec, time.Time{})
		var v *customer.ValidationError
		require.True(t, errors.As(err, &v), "%s: %v", id, err)
		assert.True(t, v.Has("now", customer.CodeRequired), "%v", err)
		assert.ErrorContains(t, err, `complaint "`+string(id)+`": record money back`)
		assert.Equal(t, complaint.MoneyBack{}, mb)
	}
	assert.Equal(t, before, m.history(t), "nothing stored")
}

// failingAppends is a history store, without the checked append of
// the MemStore it writes to, whose appends of returns and credits fail
// from the n-th on (n counted from 1).
type failingAppends struct {
	st       *customer.MemStore
	n, calls int
}

func (f *failingAppends) History(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	return f.st.History(ctx, id)
}

func (f *failingAppends) AppendOrder(ctx context.Context, o customer.Order) error {
	return f.st.AppendOrder(ctx, o)
}

func (f *failingAppends) AppendInteraction(ctx context.Context, i customer.Interaction) error {
	return f.st.AppendInteraction(ctx, i)
}

var errAppend = errors.New("append failed")

func (f *failingAppends) fail() error {
	f.calls++
	if f.calls >= f.n {
		return errAppend
	}
	return nil
}

func (f *failingAppends) AppendReturn(ctx context.Context, r customer.Return) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.st.AppendReturn(ctx, r)
}

func (f *failingAppends) AppendCredit(ctx context.Context, c customer.Credit) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.st.AppendCredit(ctx, c)
}

// A call that fails half-way returns the records stored before the
// failure and an error naming the case; a second call records the rest,
// each record once.
func TestRecordMoneyBackHalfWay(t *testing.T) {
	ctx := context.Background()
	m := newMoneyShop(t)
	steps := append(append([]complainttest.Step{}, reopenSteps...), refundSteps(refundOf("149.00"))...)
	m.open(t, "C-1", "cust-C-1", 0, 6, steps...)
	broken := &customer.Recorder{Customers: m.st, History: &failingAppends{st: m.st, n: 2}}
	mb, err := m.svc.RecordMoneyBack(ctx, "C-1", broken, hours(60))
	require.ErrorIs(t, err, errAppend)
	assert.ErrorContains(t, err, `complaint "C-1": record money back`)
	assert.Len(t, mb.Credits, 1, "the credit, stored")
	assert.Empty(t, mb.Returns)
	assert.Equal(t, []string{"credit C-1#7"}, m.moneyIDs(t))

	mb, err = m.svc.RecordMoneyBack(ctx, "C-1", m.rec, hours(61))
	require.NoError(t, err)
	assert.Len(t, mb.Credits, 1)
	assert.Len(t, mb.Returns, 1)
	assert.Equal(t, []string{"credit C-1#7", "return C-1#12"}, m.moneyIDs(t))
}

// A till refund dated before the carry-out of the case's refund and
// recorded after the case's return moves that return to another share of
// its line (3.34 of 10.00 in three units, not 3.33); a second call still
// records nothing new, and the case's price reduction after it is
// recorded.
func TestRecordMoneyBackAfterABackdatedTillRefund(t *testing.T) {
	ctx := context.Background()
	m := newMoneyShop(t)
	o := thirds("EUR", "10.00")
	o.ID = "O-3"
	require.NoError(t, m.rec.RecordOrder(ctx, o, o.Time))
	p := refundOf("3.33")
	p.Units = 1
	in := complainttest.Intake("C-1", hours(0))
	in.Complainant = "cust-C-1"
	in.Subject.Order = "O-3"
	in.OrderValue = mustMoney("10.00", "EUR")
	in.Demand.Amount = in.OrderValue
	_, _, err := m.svc.Record(ctx, in, "", complainttest.Agent, hours(0))
	require.NoError(t, err)
	all := append(complainttest.HappyPath()[:3], refundSteps(p)...)
	for i, s := range all {
		_, _, err := m.svc.Do(ctx, "C-1", s.Command, s.Actor, hours(float64(i+1)))
		require.NoError(t, err, "step %d", i)
	}
	first, err := m.svc.RecordMoneyBack(ctx, "C-1", m.rec, hours(10))
	require.NoError(t, err)
	require.Len(t, first.Returns, 1)

	till := customer.Return{ID: "R-back", OrderID: "O-3", CustomerID: "cust-C-1", Time: hours(5.5), Kind: customer.Refund, Reason: customer.SizeFit,
		Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	require.NoError(t, m.rec.RecordReturn(ctx, till, hours(11)))
	before := m.history(t)
	again, err := m.svc.RecordMoneyBack(ctx, "C-1", m.rec, hours(12))
	require.NoError(t, err)
	require.Len(t, again.Returns, 1)
	assert.True(t, again.Returns[0].Equal(first.Returns[0]), "given as recorded")
	assert.Equal(t, before, m.history(t), "nothing new")

	// Reopened, and a price reduction of 1.00 carried out.
	red := complaint.Proposal{Kind: complaint.ResolutionPriceReduction, Amount: mustMoney("1.00", "EUR"), Detail: "the last one kept"}
	for i, s := range append(append([]complainttest.Step{}, reopenSteps...), refundSteps(red)...) {
		_, _, err := m.svc.Do(ctx, "C-1", s.Command, s.Actor, hours(float64(20+i)))
		require.NoError(t, err, "step %d", i)
	}
	mb, err := m.svc.RecordMoneyBack(ctx, "C-1", m.rec, hours(30))
	require.NoError(t, err)
	assert.Len(t, mb.Returns, 1)
	assert.Len(t, mb.Credits, 1)
	assert.Equal(t, []string{"return R-back", "return C-1#7", "credit C-1#12"}, m.moneyIDs(t))
}

// A record that the Recorder refuses after others of the case it
// accepts refuses the call, nothing stored: two price reductions of the
// jacket (40.00 and 100.00) after a till refund of it (189.00), recorded
// before them, pay back more than the order's net of 239.00 together.
func TestRecordMoneyBackRefusedStoresNothing(t *testing.T) {
	ctx := context.Background()
	m := newMoneyShop(t)
	red := complaint.Proposal{Kind: complaint.ResolutionPriceReduction, Amount: mustMoney("100.00", "EUR"), Detail: "keep it"}
	steps := append(append([]complainttest.Step{}, reopenSteps...), refundSteps(red)...)
	m.open(t, "C-1", "cust-C-1", 0, 6, steps...)
	till := customer.Return{ID: "R-till", OrderID: "O-1", CustomerID: "cust-C-1", Time: hours(20), Kind: customer.Refund, Reason: customer.QualityDefect,
		Lines: []customer.ReturnLine{{LineID: "1", Quantity: -1}}}
	require.NoError(t, m.rec.RecordReturn(ctx, till, hours(20)))
	before := m.history(t)

	mb, err := m.svc.RecordMoneyBack(ctx, "C-1", m.rec, hours(60))
	var v *customer.ValidationError
	require.True(t, errors.As(err, &v), "%v", err)
	assert.True(t, v.Has("amount", customer.CodeTooMany), "%v", err)
	assert.ErrorContains(t, err, `complaint "C-1": record money back: credit "C-1#12"`)
	assert.Equal(t, complaint.MoneyBack{}, mb)
	assert.Equal(t, before, m.history(t), "nothing stored")
}

// A price reduction of an order the complainant's history does not hold
// is refused by the Recorder on the credit's "order_id" (CodeUnknown),
// an error naming the case and the credit, nothing stored.
func TestRecordMoneyBackCreditOfAnUnknownOrder(t *testing.T) {
	ctx := context.Background()
	m := newMoneyShop(t)
	require.NoError(t, m.st.Put(ctx, customer.Customer{ID: "cust-C-2", Kind: customer.Consumer, Joined: t0.AddDate(-1, 0, 0)}))
	m.open(t, "C-2", "cust-C-2", 0, 6) // a price reduction of 40.00 of O-1, carried out
	mb, err := m.svc.RecordMoneyBack(ctx, "C-2", m.rec, hours(60))
	var v *customer.ValidationError
	require.True(t, errors.As(err, &v), "%v", err)
	assert.True(t, v.Has("order_id", customer.CodeUnknown), "%v", err)
	assert.ErrorContains(t, err, `complaint "C-2": record money back: credit "C-2#7"`)
	assert.Equal(t, complaint.MoneyBack{}, mb)
	for _, err := range m.st.History(ctx, "cust-C-2") {
		require.NoError(t, err)
		t.Fatal("nothing stored")
	}
}
