package customer

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tillOrder is an order of 2 units at 50.00 EUR (net 100.00) ten days
// before vNow, of customer C-1.
func tillOrder() Order {
	return Order{ID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -10), Channel: Store, Currency: "EUR",
		Lines: []Line{{ID: "1", SKU: "COAT", Category: "coats", Quantity: 2, UnitPrice: d("50.00")}}}
}

// tillRefund refunds units of line "1" of O-1, days after the order,
// paying refund when it is not "".
func tillRefund(id string, days, units int, refund string) Return {
	r := Return{ID: id, OrderID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -10+days), Kind: Refund, Reason: QualityDefect,
		Lines: []ReturnLine{{LineID: "1", Quantity: -units}}}
	if refund != "" {
		r.Refund = refundOf(refund)
	}
	return r
}

// tillCredit is a credit of O-1 (or of no order, for a compensation with
// order ""), days after the order.
func tillCredit(id string, kind CreditKind, order string, days int, amount string) Credit {
	return Credit{ID: id, CustomerID: "C-1", OrderID: order, Time: vNow.AddDate(0, 0, -10+days), Kind: kind, Amount: eur(amount), Source: "till"}
}

// overRefunds are imported histories whose refunds and price reductions
// of an order pay back more than the order's net, each record valid on
// its own, with the money they pay back.
func overRefunds() []struct {
	name               string
	events             []Event
	refunded, credited string
	orderDay           string // net of the order's day
} {
	o := tillOrder()
	split := splitOrder("EUR", 3, "33.33", "10.00") // net 89.99: shares 30.00, 29.99, 30.00
	splitRefund := func(k int) Return {
		r := splitReturn(k, 1)
		r.Time = split.Time.AddDate(0, 0, k+1)
		r.Refund = refundOf("30.00") // the share of one unit on its own
		return r
	}
	withComp := tillCredit("K-9", Compensation, "O-1", 6, "30.00")
	ev := func(o Order) Event { return Event{Order: &o} }
	er := func(r Return) Event { return Event{Return: &r} }
	ec := func(c Credit) Event { return Event{Credit: &c} }
	return []struct {
		name               string
		events             []Event
		refunded, credited string
		orderDay           string
	}{
		{"reduced, then every unit refunded at the full price",
			[]Event{ev(o), ec(tillCredit("K-1", PriceReduction, "O-1", 1, "20.00")), er(tillRefund("R-1", 3, 2, ""))},
			"100", "20", "-20"},
		{"the same refund with its Refund set to the full price",
			[]Event{ev(o), ec(tillCredit("K-1", PriceReduction, "O-1", 1, "20.00")), er(tillRefund("R-1", 3, 2, "100.00"))},
			"100", "20", "-20"},
		{"a refund dated before the reduction",
			[]Event{ev(o), er(tillRefund("R-1", 1, 2, "")), ec(tillCredit("K-1", PriceReduction, "O-1", 3, "20.00"))},
			"100", "20", "-20"},
		{"a reduction of the whole net after a full refund",
			[]Event{ev(o), er(tillRefund("R-1", 1, 2, "")), ec(tillCredit("K-1", PriceReduction, "O-1", 2, "100.00"))},
			"100", "100", "-100"},
		{"a reduction after a partial refund, more than is left",
			[]Event{ev(o), er(tillRefund("R-1", 1, 1, "")), ec(tillCredit("K-1", PriceReduction, "O-1", 2, "60.00"))},
			"50", "60", "-10"},
		{"two reductions, each within the net",
			[]Event{ev(o), ec(tillCredit("K-1", PriceReduction, "O-1", 1, "60.00")), ec(tillCredit("K-2", PriceReduction, "O-1", 2, "60.00"))},
			"0", "120", "-20"},
		{"one reduction above the net",
			[]Event{ev(o), ec(tillCredit("K-1", PriceReduction, "O-1", 1, "120.00"))},
			"0", "120", "-20"},
		{"a compensation on top",
			[]Event{ev(o), ec(tillCredit("K-1", PriceReduction, "O-1", 1, "20.00")), er(tillRefund("R-1", 3, 2, "")), ec(withComp)},
			"100", "50", "-20"},
		{"refunds of single units, each paying the share of one unit on its own",
			[]Event{ev(split), er(splitRefund(0)), er(splitRefund(1)), er(splitRefund(2))},
			"90", "0", "-0.01"},
	}
}

// TestOverRefundingHistoriesSummarise: a history imported as it was
// recorded elsewhere (an ERP, a till that did not know of a price
// reduction) whose refunds and price reductions of an order pay back
// more than the customer paid for it summarises, through Summarize
// (in any order of the records, as of any instant) and SummarizeHistory,
// with the money kept as recorded: Refunded and Credited are what was
// paid back, Net goes below zero. Every record is valid on its own, the
// Recorder still refuses to write the last one, and the one-by-one Add
// methods agree with Summarize.
func TestOverRefundingHistoriesSummarise(t *testing.T) {
	ctx := context.Background()
	for _, tc := range overRefunds() {
		t.Run(tc.name, func(t *testing.T) {
			var o Order
			for _, e := range tc.events {
				switch {
				case e.Order != nil:
					o = *e.Order
					require.NoError(t, o.Validate(vNow))
				case e.Return != nil:
					require.NoError(t, e.Return.Validate(o, vNow), "each record is valid on its own")
				case e.Credit != nil:
					require.NoError(t, e.Credit.Validate(vNow))
				}
			}
			s, err := Summarize("C-1", Consumer, vNow, seqOf(tc.events), nil)
			require.NoError(t, err)
			assert.Equal(t, tc.refunded, s.Refunded.String(), "Refunded")
			assert.Equal(t, tc.credited, s.Credited.String(), "Credited")
			net := o.net().Sub(d(tc.refunded)).Sub(d(tc.credited))
			assert.True(t, net.Sign() < 0, "the customer got back more than they paid")
			assert.Equal(t, net.String(), s.Net().String(), "Net = Gross − Discounts − Refunded − Credited")
			assert.Equal(t, tc.orderDay, s.Days[0].Net.String(), "the order's day")
			assert.Equal(t, DateOf(o.Time), s.Days[0].Date)

			// The order of the records does not matter.
			rev := make([]Event, 0, len(tc.events))
			for i := len(tc.events) - 1; i >= 0; i-- {
				rev = append(rev, tc.events[i])
			}
			r, err := Summarize("C-1", Consumer, vNow, seqOf(rev), nil)
			require.NoError(t, err)
			assertSameSummary(t, s, r)

			// As of every day of the history.
			for at := o.Time; !at.After(vNow); at = at.Add(12 * time.Hour) {
				_, err := Summarize("C-1", Consumer, at, seqOf(tc.events), nil)
				require.NoError(t, err, "as of %s", at)
			}

			// Stored as imported, unchecked, it summarises from the store;
			// the Recorder refuses to write the last record.
			st := NewMemStore()
			require.NoError(t, st.Put(ctx, validConsumer()))
			for _, e := range tc.events {
				require.NoError(t, Append(ctx, st, e))
			}
			h, err := SummarizeHistory(ctx, st, "C-1", Consumer, vNow, nil)
			require.NoError(t, err)
			assertSameSummary(t, s, h)
			fresh := NewMemStore()
			require.NoError(t, fresh.Put(ctx, validConsumer()))
			rec := &Recorder{Customers: fresh, History: fresh}
			var recErr error
			for _, e := range tc.events {
				switch {
				case e.Order != nil:
					recErr = rec.RecordOrder(ctx, *e.Order, vNow)
				case e.Return != nil:
					recErr = rec.RecordReturn(ctx, *e.Return, vNow)
				case e.Credit != nil:
					recErr = rec.RecordCredit(ctx, *e.Credit, vNow)
				}
				if recErr != nil {
					break
				}
			}
			var ve *ValidationError
			require.ErrorAs(t, recErr, &ve, "the Recorder refuses an over-refund")
			assert.True(t, ve.Has("amount", CodeTooMany) || ve.Has("refund", CodeTooMany), "%v", ve)

			// Added one by one, each return after the refunds before it
			// and each credit after the reductions before it.
			a := NewSummary("C-1", Consumer, vNow, nil)
			refunded := map[string]int{}
			var reduced Money
			for _, e := range sortedEvents(tc.events) {
				switch {
				case e.Order != nil:
					require.NoError(t, a.AddOrder(*e.Order))
				case e.Return != nil:
					require.NoError(t, a.AddReturnAfter(*e.Return, o, refunded))
					for _, rl := range e.Return.Lines {
						refunded[rl.LineID] -= rl.Quantity
					}
				case e.Credit != nil:
					require.NoError(t, a.AddCreditFor(*e.Credit, o, reduced))
					if e.Credit.Kind == PriceReduction {
						reduced, err = reduced.Add(e.Credit.Amount)
						require.NoError(t, err)
					}
				}
			}
			assertSameSummary(t, s, *a)
		})
	}
}

// sortedEvents returns evs in the order of CompareEvents.
func sortedEvents(evs []Event) []Event {
	out := append([]Event(nil), evs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && CompareEvents(out[j], out[j-1]) < 0; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// The indicators of a customer who got back more than they paid: Net,
// GrossProfit, AverageOrderValue and the spend of the order's day and
// year are below zero; FullPriceShare is zero; the unit counts
// (KeptUnits, ReturnRate) see only the goods.
func TestOverRefundIndicators(t *testing.T) {
	evs := overRefunds()[0].events // 100 paid, 20 reduced, 100 refunded
	s, err := Summarize("C-1", Consumer, vNow, seqOf(evs), nil)
	require.NoError(t, err)
	assert.Equal(t, "-20", s.Net().String())
	assert.Equal(t, "-20", s.GrossProfit().String(), "cost of the goods kept: none")
	assert.True(t, s.Cost.IsZero(), "cost %s", s.Cost)
	assert.Equal(t, "-20", s.AverageOrderValue().String())
	assert.Zero(t, s.FullPriceShare())
	last, prior := s.Spend12Months()
	assert.Equal(t, "-20", last.String())
	assert.True(t, prior.IsZero())
	assert.Equal(t, 0, s.KeptUnits())
	assert.Equal(t, 1.0, s.ReturnRate())
	assert.Equal(t, 1, s.PurchaseDays(), "the order still counts as a purchase")
}

// Two refunds of the same units contradict each other: the customer
// cannot bring back a unit they no longer hold, whatever either paid. A
// summary refuses the later one (in the order of CompareEvents), naming
// it and the quantity of its line, in any order of the records; the
// money the second paid, recorded as a compensation, summarises.
func TestTwoRefundsOfTheSameUnitsContradict(t *testing.T) {
	o := tillOrder()
	first := tillRefund("R-1", 2, 2, "")
	again := tillRefund("R-2", 4, 2, "80.00")
	require.NoError(t, first.Validate(o, vNow))
	require.NoError(t, again.Validate(o, vNow))
	for _, evs := range [][]Event{
		{evO(o), evR(first), evR(again)},
		{evR(again), evR(first), evO(o)},
	} {
		_, err := Summarize("C-1", Consumer, vNow, seqOf(evs), nil)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, `return "R-2"`, ve.Record)
		requireFields(t, err, fe("lines[0].quantity", CodeTooMany))
		assert.Contains(t, err.Error(), `2 units to refund, line "1" sold 2 and 2 were refunded before, so the customer holds 0`)
	}
	a := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, a.AddOrder(o))
	require.NoError(t, a.AddReturn(first, o))
	requireFields(t, requireRejected(t, a, func() error { return a.AddReturnAfter(again, o, map[string]int{"1": 2}) }),
		fe("lines[0].quantity", CodeTooMany))

	comp := tillCredit("K-2", Compensation, "O-1", 4, "80.00")
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o), evR(first), {Credit: &comp}}), nil)
	require.NoError(t, err)
	assert.Equal(t, "-80", s.Net().String())
}

// AddReturnAfter keeps a Refund as recorded, also above the share of its
// units after the refunds before it (which Return.ValidateAfter, the
// Recorder's check, refuses) and above their share on their own: a till
// that paid back a unit at its shelf price. Whether a summary takes a
// refund does not depend on the dates of the other refunds of its line.
func TestAddReturnAfterKeepsARefundAboveTheShare(t *testing.T) {
	o := splitOrder("EUR", 3, "33.33", "10.00")
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(o))
	require.NoError(t, s.AddReturn(splitReturn(0, 1), o)) // 30.00
	second := splitReturn(1, 1)
	second.Refund = refundOf("30.01")
	var ve *ValidationError
	require.ErrorAs(t, second.ValidateAfter(o, map[string]int{"1": 1}, vNow), &ve, "the Recorder's check")
	require.NoError(t, s.AddReturnAfter(second, o, map[string]int{"1": 1}))
	assert.Equal(t, "60.01", s.Refunded.String())
	assert.Equal(t, "29.98", s.Days[0].Net.String())
	want := o.Lines[0].Net().Sub(d("59.99")).Mul(one.Sub(DefaultMargin))
	assert.True(t, s.Cost.Equal(want), "cost %s, want %s: the cost of the goods kept", s.Cost, want)

	// Refunds of one line dated in either order summarise alike.
	third := splitReturn(2, 1)
	third.Refund = refundOf("33.34")
	a := splitReturn(0, 1)
	for _, tc := range []struct {
		aFirst   bool
		refunded string // a pays 30.00 first, 29.99 after the other unit
	}{{true, "63.34"}, {false, "63.33"}} {
		a.Time, third.Time = vNow.Add(-3*time.Hour), vNow.Add(-2*time.Hour)
		if !tc.aFirst {
			a.Time, third.Time = third.Time, a.Time
		}
		sum, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o), evR(a), evR(third)}), nil)
		require.NoError(t, err, "a first: %t", tc.aFirst)
		assert.Equal(t, tc.refunded, sum.Refunded.String(), "a first: %t", tc.aFirst)
	}
}

// AddCreditFor keeps a price reduction beyond what is left of its
// order's net as recorded, and reduced beyond the net, too; reduced of
// the wrong form is still refused.
func TestAddCreditForKeepsAReductionBeyondTheNet(t *testing.T) {
	o := tillOrder()
	for _, tc := range []struct {
		amount  string
		reduced Money
	}{
		{"100.01", Money{}},
		{"0.01", eur("100.00")},
		{"50.00", eur("150.00")},
	} {
		t.Run(fmt.Sprintf("%s after %s", tc.amount, tc.reduced), func(t *testing.T) {
			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddOrder(o))
			c := tillCredit("K-1", PriceReduction, "O-1", 1, tc.amount)
			require.NoError(t, s.AddCreditFor(c, o, tc.reduced))
			assert.Equal(t, d(tc.amount).String(), s.Credited.String())
			assert.Equal(t, d("100").Sub(d(tc.amount)).String(), s.Days[0].Net.String())
		})
	}
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(o))
	c := tillCredit("K-1", PriceReduction, "O-1", 1, "10")
	requireFields(t, requireRejected(t, s, func() error { return s.AddCreditFor(c, o, eur("-1")) }), fe("reduced", CodeNegative))
	requireFields(t, requireRejected(t, s, func() error { return s.AddCreditFor(c, o, mustMoney("1", "USD")) }), fe("reduced", CodeMismatch))
}
