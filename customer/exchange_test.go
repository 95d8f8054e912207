package customer

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// An exchange swaps units for as many others: the customer holds the same
// number of units afterwards, so it limits nothing that comes later.

// twoUnits is an order of one line of 2 units at 60.00 less 20.00.
func twoUnits() Order {
	return Order{ID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -10), Channel: Online, Currency: "EUR",
		Lines: []Line{{ID: "1", Category: "coats", Size: "M", Quantity: 2, UnitPrice: d("60.00"), Discount: d("20.00")}}}
}

// unitsBack returns back units of line "1" of twoUnits, h hours after the
// order.
func unitsBack(id string, k ReturnKind, back, h int) Return {
	return Return{ID: id, OrderID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -10).Add(time.Duration(h) * time.Hour),
		Kind: k, Reason: SizeFit, Lines: []ReturnLine{{LineID: "1", Quantity: -back}}}
}

// TestExchangeThenRefund: the review's case. An exchange of 1 of 2 units
// (another size), then a refund of both units: the customer held 2 units
// all along, so the refund is valid and pays back the line's net. Returned
// units count both returns (3 of 2 sold), and the return rate is clamped
// to 1.
func TestExchangeThenRefund(t *testing.T) {
	o := twoUnits()
	ex, ref := unitsBack("R-1", Exchange, 1, 24), unitsBack("R-2", Refund, 2, 48)
	for _, evs := range [][]Event{{evO(o), evR(ex), evR(ref)}, {evR(ref), evO(o), evR(ex)}, {evR(ref), evR(ex), evO(o)}} {
		s, err := Summarize("C-1", Consumer, vNow, seqOf(evs), nil)
		require.NoError(t, err)
		assert.Equal(t, 2, s.Returns)
		assert.Equal(t, 1, s.Exchanges)
		assert.Equal(t, 3, s.ReturnedUnits)
		assert.Equal(t, 2, s.Units)
		assert.Equal(t, 1.0, s.ReturnRate())
		assert.True(t, s.Refunded.Equal(d("100")), "refunded %s", s.Refunded)
		assert.True(t, s.Net().IsZero(), "net %s", s.Net())
	}

	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(o))
	require.NoError(t, s.AddReturnAfter(ex, o, nil))
	require.NoError(t, s.AddReturnAfter(ref, o, nil), "an exchange is not counted in the refunds before")
	assert.Equal(t, 3, s.ReturnedUnits)
	assert.True(t, s.Refunded.Equal(d("100")), "refunded %s", s.Refunded)
}

// TestExchangesNeverReduceWhatCanComeBack: any number of exchanges leave
// both units to refund or exchange again; only refunds take units away,
// and a return of more than the units held names the line, the units
// sold and those refunded before.
func TestExchangesNeverReduceWhatCanComeBack(t *testing.T) {
	o := twoUnits()
	evs := []Event{evO(o),
		evR(unitsBack("R-1", Exchange, 2, 1)), evR(unitsBack("R-2", Exchange, 2, 2)), evR(unitsBack("R-3", Exchange, 1, 3)),
		evR(unitsBack("R-4", Refund, 1, 4)), evR(unitsBack("R-5", Exchange, 1, 5)), evR(unitsBack("R-6", Refund, 1, 6))}
	s, err := Summarize("C-1", Consumer, vNow, seqOf(evs), nil)
	require.NoError(t, err)
	assert.Equal(t, 6, s.Returns)
	assert.Equal(t, 4, s.Exchanges)
	assert.Equal(t, 8, s.ReturnedUnits)
	assert.True(t, s.Refunded.Equal(d("100")), "refunded %s", s.Refunded)

	for _, tt := range []struct {
		extra Return
		msg   string
	}{
		{unitsBack("R-7", Exchange, 1, 7), `return "R-7": lines[0].quantity: 1 unit to exchange, line "1" sold 2 and 2 were refunded before, so the customer holds 0`},
		{unitsBack("R-7", Refund, 1, 7), `return "R-7": lines[0].quantity: 1 unit to refund, line "1" sold 2 and 2 were refunded before, so the customer holds 0`},
	} {
		_, err := Summarize("C-1", Consumer, vNow, seqOf(append(evs[:len(evs):len(evs)], evR(tt.extra))), nil)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("lines[0].quantity", CodeTooMany), "%v", err)
		assert.EqualError(t, err, tt.msg)
	}
}

// TestTimeOrderDecidesWhatIsHeld: an exchange after the refund of every
// unit brings back units the customer no longer holds, whatever the order
// of the stream; the same exchange before the refund is fine.
func TestTimeOrderDecidesWhatIsHeld(t *testing.T) {
	o := twoUnits()
	late := []Event{evR(unitsBack("R-1", Exchange, 1, 48)), evO(o), evR(unitsBack("R-2", Refund, 2, 24))}
	_, err := Summarize("C-1", Consumer, vNow, seqOf(late), nil)
	assert.EqualError(t, err, `return "R-1": lines[0].quantity: 1 unit to exchange, line "1" sold 2 and 2 were refunded before, so the customer holds 0`)

	early := []Event{evR(unitsBack("R-2", Refund, 2, 48)), evO(o), evR(unitsBack("R-1", Exchange, 1, 24))}
	_, err = Summarize("C-1", Consumer, vNow, seqOf(early), nil)
	require.NoError(t, err)

	// At one instant, returns follow each other in ID order, as a
	// history store yields them (CompareEvents).
	same := []Event{evR(unitsBack("R-2", Refund, 2, 24)), evO(o), evR(unitsBack("R-1", Exchange, 1, 24))}
	_, err = Summarize("C-1", Consumer, vNow, seqOf(same), nil)
	require.NoError(t, err)
	same = []Event{evR(unitsBack("R-1", Refund, 2, 24)), evO(o), evR(unitsBack("R-2", Exchange, 1, 24))}
	_, err = Summarize("C-1", Consumer, vNow, seqOf(same), nil)
	require.Error(t, err)
}

// TestPropReturnsAreLimitedByUnitsHeld: for any sequence of refunds and
// exchanges of a line, some of them too large, Summarize accepts the
// history exactly when no return brings back more than the units held at
// its time (sold less refunded before), in any order of the stream, and
// otherwise names the first return that does. AddReturnAfter, given the
// refunds before, agrees return by return.
func TestPropReturnsAreLimitedByUnitsHeld(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		o := twoUnits()
		o.Lines[0].Quantity = rapid.IntRange(1, 5).Draw(t, "sold")
		sold := o.Lines[0].Quantity
		evs := []Event{evO(o)}
		refunded, bad := 0, ""
		s := NewSummary("C-1", Consumer, vNow, nil)
		require.NoError(t, s.AddOrder(o))
		for k := range rapid.IntRange(1, 8).Draw(t, "returns") {
			kind := ReturnKind(rapid.IntRange(1, 2).Draw(t, "kind"))
			back := rapid.IntRange(1, sold+1).Draw(t, "back")
			r := unitsBack(fmt.Sprintf("R-%d", k), kind, back, k+1)
			evs = append(evs, evR(r))
			if bad != "" {
				continue
			}
			err := s.AddReturnAfter(r, o, map[string]int{"1": refunded})
			if back > sold-refunded {
				bad = r.ID
				require.Error(t, err)
				continue
			}
			require.NoError(t, err)
			if kind == Refund {
				refunded += back
			}
		}
		got, err := Summarize("C-1", Consumer, vNow, seqOf(rapid.Permutation(evs).Draw(t, "stream")), nil)
		if bad == "" {
			require.NoError(t, err)
			assertSameSummary(t, *s, got)
			return
		}
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, `return "`+bad+`"`, ve.Record)
		assert.True(t, ve.Has("lines[0].quantity", CodeTooMany), "%v", err)
	})
}

// TestKeptUnitsAfterExchanges: an exchange leaves the units the customer
// holds unchanged, so KeptUnits (what package value takes as the purchase
// volume) does not fall with it, and a refund of the replacement is
// counted once. ExchangedUnits counts the units of the exchanges, which
// ReturnedUnits (and so the return rate) counts too.
func TestKeptUnitsAfterExchanges(t *testing.T) {
	o := twoUnits()
	cases := []struct {
		name                            string
		returns                         []Return
		returned, exchanged, kept, recs int
	}{
		{"none", nil, 0, 0, 2, 0},
		{"exchange 1", []Return{unitsBack("R-1", Exchange, 1, 24)}, 1, 1, 2, 1},
		{"exchange 2, then again 2", []Return{unitsBack("R-1", Exchange, 2, 24), unitsBack("R-2", Exchange, 2, 30)}, 4, 4, 2, 2},
		{"refund 1", []Return{unitsBack("R-1", Refund, 1, 24)}, 1, 0, 1, 1},
		{"exchange 1, refund 2", []Return{unitsBack("R-1", Exchange, 1, 24), unitsBack("R-2", Refund, 2, 48)}, 3, 1, 0, 2},
		{"refund 1, exchange 1", []Return{unitsBack("R-1", Refund, 1, 24), unitsBack("R-2", Exchange, 1, 48)}, 2, 1, 1, 2},
	}
	for _, c := range cases {
		evs := []Event{evO(o)}
		for i := range c.returns {
			evs = append(evs, evR(c.returns[i]))
		}
		// The same in any order of the stream.
		for _, perm := range [][]Event{evs, reversed(evs)} {
			s, err := Summarize("C-1", Consumer, vNow, seqOf(perm), nil)
			require.NoError(t, err, c.name)
			assert.Equal(t, c.recs, s.Returns, c.name)
			assert.Equal(t, c.returned, s.ReturnedUnits, c.name)
			assert.Equal(t, c.exchanged, s.ExchangedUnits, c.name)
			assert.Equal(t, c.kept, s.KeptUnits(), c.name)
			assert.Equal(t, 2, s.Units, c.name)
			assert.Equal(t, 1, s.Orders, c.name)
		}
	}
	// Merging the summary of the order with that of its exchange (a
	// shard of its own) adds the exchanged units.
	a := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, a.AddOrder(o))
	b := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, b.AddReturn(unitsBack("R-1", Exchange, 1, 24), o))
	m, err := a.Merge(*b)
	require.NoError(t, err)
	assert.Equal(t, 1, m.ExchangedUnits)
	assert.Equal(t, 2, m.KeptUnits())
}

func reversed(evs []Event) []Event {
	out := make([]Event, len(evs))
	for i, e := range evs {
		out[len(evs)-1-i] = e
	}
	return out
}
