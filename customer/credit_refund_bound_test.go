package customer

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// boundFixture is a store holding validConsumer and validOrder (net 210
// EUR: line "1" 180, line "2" 30), and Recorders over it with and
// without the CheckedAppender capability.
func boundFixture(t *testing.T) (*MemStore, map[string]*Recorder) {
	t.Helper()
	ctx := context.Background()
	st := NewMemStore()
	require.NoError(t, st.Put(ctx, validConsumer()))
	require.NoError(t, (&Recorder{Customers: st, History: st}).RecordOrder(ctx, validOrder(), vNow))
	return st, map[string]*Recorder{
		"checked": {Customers: st, History: st},
		"locked":  {Customers: st, History: plainHistory{st}},
	}
}

// events returns the number of events of customer C-1 in st.
func events(t *testing.T, st *MemStore) int {
	t.Helper()
	n := 0
	for _, err := range st.History(context.Background(), "C-1") {
		require.NoError(t, err)
		n++
	}
	return n
}

func fullRefund(id string, at time.Time) Return {
	return Return{ID: id, OrderID: "O-1", CustomerID: "C-1", Time: at, Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -2}, {LineID: "2", Quantity: -1}}}
}

// A refund after a price reduction may not pay back more than the
// customer paid for the order in the end: the share of every unit (the
// order's net, 210) after a reduction of 80 is refused on "refund",
// storing nothing; a refund of the 130 left is recorded, and the order
// nets to zero.
func TestRecorderRefundAfterPriceReduction(t *testing.T) {
	ctx := context.Background()
	for name := range map[string]bool{"checked": true, "locked": true} {
		t.Run(name, func(t *testing.T) {
			st, recs := boundFixture(t)
			rec := recs[name]
			k := validCredit()
			k.Amount = eur("80.00")
			k.Time = vNow.AddDate(0, 0, -8)
			require.NoError(t, rec.RecordCredit(ctx, k, vNow))
			before := events(t, st)

			r := fullRefund("R-1", vNow.AddDate(0, 0, -5))
			err := rec.RecordReturn(ctx, r, vNow)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, `return "R-1"`, ve.Record)
			assert.True(t, ve.Has("refund", CodeTooMany), "%v", err)
			assert.Equal(t, before, events(t, st), "a refused return stores nothing")

			// Dated before the reduction it is refused all the same:
			// the bound does not depend on the order of the records.
			r.Time = vNow.AddDate(0, 0, -9)
			err = rec.RecordReturn(ctx, r, vNow)
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has("refund", CodeTooMany), "%v", err)

			r.Time = vNow.AddDate(0, 0, -5)
			r.Refund = refundOf("130.01")
			require.ErrorAs(t, rec.RecordReturn(ctx, r, vNow), &ve)
			r.Refund = refundOf("130.00")
			require.NoError(t, rec.RecordReturn(ctx, r, vNow))
			s, err := SummarizeHistory(ctx, st, "C-1", Consumer, vNow, nil)
			require.NoError(t, err)
			assert.True(t, s.Net().IsZero(), "net %s", s.Net())
		})
	}
}

// A price reduction after refunds may not be more than what is left of
// the order's net once the refunds are paid back: after a refund of line
// "1" (180 of 210) a reduction of 30.01 is refused on "amount", storing
// nothing, whatever its date; one of 30 is recorded.
func TestRecorderPriceReductionAfterRefund(t *testing.T) {
	ctx := context.Background()
	for name := range map[string]bool{"checked": true, "locked": true} {
		t.Run(name, func(t *testing.T) {
			st, recs := boundFixture(t)
			rec := recs[name]
			r := Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -6), Kind: Refund,
				Reason: SizeFit, Lines: []ReturnLine{{LineID: "1", Quantity: -2}}}
			require.NoError(t, rec.RecordReturn(ctx, r, vNow))
			before := events(t, st)
			for _, at := range []time.Time{vNow.AddDate(0, 0, -5), vNow.AddDate(0, 0, -8)} {
				k := validCredit()
				k.Time = at
				k.Amount = eur("30.01")
				err := rec.RecordCredit(ctx, k, vNow)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, `credit "K-1"`, ve.Record)
				assert.True(t, ve.Has("amount", CodeTooMany), "%v", err)
				assert.Equal(t, before, events(t, st), "a refused credit stores nothing")
			}
			k := validCredit()
			k.Amount = eur("30.00")
			require.NoError(t, rec.RecordCredit(ctx, k, vNow))
			s, err := SummarizeHistory(ctx, st, "C-1", Consumer, vNow, nil)
			require.NoError(t, err)
			assert.True(t, s.Net().IsZero(), "net %s", s.Net())
		})
	}
}

// A history not written through a Recorder whose price reductions and
// refunds of an order pay back more than its net summarises, whatever the
// order of the records, with the money kept as recorded: the 210 of the
// refund and the 80 of the reduction, a net of −80.
func TestSummarizeKeepsReductionBeyondWhatIsLeft(t *testing.T) {
	o := validOrder()
	k := validCredit()
	k.Amount = eur("80.00")
	for _, at := range []time.Time{vNow.AddDate(0, 0, -4), vNow.AddDate(0, 0, -6)} {
		r := fullRefund("R-1", at)
		s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{{Order: &o}, {Credit: &k}, {Return: &r}}), nil)
		require.NoError(t, err)
		assert.Equal(t, "210", s.Refunded.String())
		assert.Equal(t, "80", s.Credited.String())
		assert.Equal(t, "-80", s.Net().String())
	}
	// With the refund paid less the reduction, the order nets to zero.
	r := fullRefund("R-1", vNow.AddDate(0, 0, -4))
	r.Refund = refundOf("130")
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{{Order: &o}, {Credit: &k}, {Return: &r}}), nil)
	require.NoError(t, err)
	assert.True(t, s.Net().IsZero(), "net %s", s.Net())
}

// A compensation is goodwill for the trouble (domain rules §5: a remedy
// beside the price reduction), not a price: it may be more than the order it is
// for, and a summary does not take it off that order's net but counts it
// on the day it was paid, as a compensation for no order, so that the
// order's day never nets below zero.
func TestCompensationOfAnOrderIsNotItsNet(t *testing.T) {
	ctx := context.Background()
	st, recs := boundFixture(t)
	comp := Credit{ID: "K-9", CustomerID: "C-1", OrderID: "O-1", Time: vNow.AddDate(0, 0, -2), Kind: Compensation, Amount: eur("500.00")}
	require.NoError(t, recs["checked"].RecordCredit(ctx, comp, vNow))
	s, err := SummarizeHistory(ctx, st, "C-1", Consumer, vNow, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Credits)
	assert.Equal(t, "500", s.Credited.String())
	assert.Equal(t, "-290", s.Net().String())
	require.Len(t, s.Days, 2)
	for _, d := range s.Days {
		switch d.Date {
		case DateOf(validOrder().Time):
			assert.Equal(t, "210", d.Net.String(), "the order's day")
		case DateOf(comp.Time):
			assert.Equal(t, "-500", d.Net.String(), "the compensation's day")
		default:
			t.Errorf("unexpected day %s", d.Date)
		}
	}
	// AddCreditFor counts it the same way.
	a := NewSummary("C-1", Consumer, vNow, nil)
	o := validOrder()
	require.NoError(t, a.AddOrder(o))
	require.NoError(t, a.AddCreditFor(comp, o, Money{}))
	assert.Equal(t, s.Days, a.Days)
}

// ValidateAfter checks a price reduction as the Recorder does against a
// history: after the reductions before it and the money the order's
// refunds paid back (the 30 of line "2" here, of a net of 210), so that
// a caller checking a credit before it records it, as the e-shop checks a
// complaint's proposal, gets the Recorder's verdict. Exchanges pay
// nothing back, returns of other orders do not count, and a
// compensation is not bounded.
func TestCreditValidateAfterRefunds(t *testing.T) {
	o := validOrder()
	at := vNow.AddDate(0, 0, -5)
	refund := Return{ID: "R-1", OrderID: "O-1", CustomerID: "C-1", Time: at.Add(-time.Hour), Kind: Refund, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "2", Quantity: -1}}}
	exchange := Return{ID: "R-2", OrderID: "O-1", CustomerID: "C-1", Time: at.Add(-time.Hour), Kind: Exchange, Reason: SizeFit,
		Lines: []ReturnLine{{LineID: "1", Quantity: -1}}}
	other := refund
	other.ID, other.OrderID = "R-3", "O-2"
	returns := []Return{exchange, refund, other}
	credit := func(kind CreditKind, amount string) Credit {
		k := validCredit()
		k.Kind, k.Amount, k.Time = kind, eur(amount), at
		return k
	}
	reduced := eur("40.00")

	require.NoError(t, credit(PriceReduction, "170.00").ValidateFor(o, reduced, vNow), "without the refund: 170 of 210 − 40 is left")
	err := credit(PriceReduction, "140.01").ValidateAfter(o, reduced, returns, vNow)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("amount", CodeTooMany), "%v", err)
	assert.Contains(t, err.Error(), "refunds of 30.00", "%v", err)
	require.NoError(t, credit(PriceReduction, "140.00").ValidateAfter(o, reduced, returns, vNow))
	require.NoError(t, credit(PriceReduction, "170.00").ValidateAfter(o, reduced, []Return{exchange, other}, vNow))
	require.NoError(t, credit(Compensation, "500.00").ValidateAfter(o, reduced, returns, vNow))
}
