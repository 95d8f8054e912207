package customer

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The money a refund pays back: whole minor units, allocated so that the
// refunds of a line add up to its net whatever the split (AddReturnAfter).

// splitOrder is an order of one line of qty units at price with discount
// off, in currency cur, on day zero of the tests.
func splitOrder(cur Currency, qty int, price, discount string) Order {
	return Order{ID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -10), Channel: Online, Currency: cur,
		Lines: []Line{{ID: "1", Category: "shirts", Quantity: qty, UnitPrice: d(price), Discount: d(discount)}}}
}

// splitReturn refunds back units of line "1", k hours after the order.
func splitReturn(k, back int) Return {
	return Return{ID: fmt.Sprintf("R-%d", k), OrderID: "O-1", CustomerID: "C-1", Time: vNow.AddDate(0, 0, -10).Add(time.Duration(k+1) * time.Hour),
		Kind: Refund, Reason: SizeFit, Lines: []ReturnLine{{LineID: "1", Quantity: -back}}}
}

// TestRefundsOfASplitLineAreWholeMinorUnits: the review's case, 3 × 33.33
// EUR less 10.00 (net 89.99) refunded one unit at a time, pays 30.00,
// 29.99 and 30.00, like one refund of the three units, and leaves a net of
// exactly zero; likewise in currencies of 0 and 3 decimals, and for a
// half minor unit, which rounds up.
func TestRefundsOfASplitLineAreWholeMinorUnits(t *testing.T) {
	tests := []struct {
		name                   string
		cur                    Currency
		qty                    int
		price, discount, total string
		split                  []int
		want                   []string // the refund of each part of split
	}{
		{"review case", "EUR", 3, "33.33", "10.00", "89.99", []int{1, 1, 1}, []string{"30.00", "29.99", "30.00"}},
		{"review case, 2 + 1", "EUR", 3, "33.33", "10.00", "89.99", []int{2, 1}, []string{"59.99", "30.00"}},
		{"review case, 1 + 2", "EUR", 3, "33.33", "10.00", "89.99", []int{1, 2}, []string{"30.00", "59.99"}},
		{"review case, at once", "EUR", 3, "33.33", "10.00", "89.99", []int{3}, []string{"89.99"}},
		{"yen", "JPY", 3, "1000", "1", "2999", []int{1, 1, 1}, []string{"1000", "999", "1000"}},
		{"dinar", "KWD", 3, "3.333", "0.010", "9.989", []int{1, 1, 1}, []string{"3.330", "3.329", "3.330"}},
		{"half a cent rounds up", "EUR", 2, "0.03", "0.01", "0.05", []int{1, 1}, []string{"0.03", "0.02"}},
		{"half a yen rounds up", "JPY", 2, "3", "1", "5", []int{1, 1}, []string{"3", "2"}},
		{"a cent over seven units", "EUR", 7, "0.01", "0.06", "0.01", []int{1, 1, 1, 1, 1, 1, 1}, []string{"0", "0", "0", "0.01", "0", "0", "0"}},
		{"seven units, uneven split", "EUR", 7, "10.00", "0.01", "69.99", []int{3, 1, 3}, []string{"30.00", "9.99", "30.00"}},
		{"beyond the fixed-point range", "EUR", 3, "123456789012.34", "10.00", "370370367027.02", []int{1, 1, 1}, []string{"123456789009.01", "123456789009.00", "123456789009.01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := splitOrder(tt.cur, tt.qty, tt.price, tt.discount)
			require.True(t, o.Lines[0].Net().Equal(d(tt.total)), "net %s", o.Lines[0].Net())
			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddOrder(o))
			evs := []Event{evO(o)}
			refunded, prev := map[string]int{}, decimal.Zero
			for k, back := range tt.split {
				r := splitReturn(k, back)
				require.NoError(t, s.AddReturnAfter(r, o, refunded))
				refunded["1"] += back
				got := s.Refunded.Sub(prev)
				assert.True(t, got.Equal(d(tt.want[k])), "refund %d of %d units: want %s, got %s", k, back, tt.want[k], got)
				prev = s.Refunded
				evs = append(evs, evR(r))
			}
			if refunded["1"] == tt.qty {
				assert.True(t, s.Refunded.Equal(d(tt.total)), "refunded %s, want the net %s", s.Refunded, tt.total)
				assert.True(t, s.Net().IsZero(), "net %s", s.Net())
				assert.True(t, s.FullPriceNet.IsZero(), "full price net %s", s.FullPriceNet)
				assert.True(t, s.Cost.IsZero(), "cost %s", s.Cost)
				assert.True(t, s.Days[0].Net.IsZero(), "day net %s", s.Days[0].Net)
			}
			// Summarize gives the same, in any order of the stream.
			assertSameSummary(t, *s, summarizeC1(t, evs))
			for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
				evs[i], evs[j] = evs[j], evs[i]
			}
			assertSameSummary(t, *s, summarizeC1(t, evs))
		})
	}
}

func summarizeC1(t require.TestingT, evs []Event) Summary {
	s, err := Summarize("C-1", Consumer, vNow, seqOf(evs), nil)
	require.NoError(t, err)
	return s
}

// TestRefundCostIsTakenBackExactly: a known unit cost with more decimals
// than the currency goes back unit by unit, exactly; an unknown one at the
// default margin of the money refunded. Both reach zero when every unit
// has been refunded.
func TestRefundCostIsTakenBackExactly(t *testing.T) {
	o := splitOrder("EUR", 3, "33.33", "10.00")
	o.Lines[0].UnitCost = decimal.NewNullDecimal(d("12.345678"))
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(o))
	require.NoError(t, s.AddReturn(splitReturn(0, 1), o))
	assert.Equal(t, "24.691356", s.Cost.String())
	require.NoError(t, s.AddReturnAfter(splitReturn(1, 2), o, map[string]int{"1": 1}))
	assert.True(t, s.Cost.IsZero(), "cost %s", s.Cost)

	o.Lines[0].UnitCost = decimal.NullDecimal{}
	s = NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(o))
	assert.Equal(t, "40.4955", s.Cost.String()) // 89.99 × 0.45
	require.NoError(t, s.AddReturn(splitReturn(0, 1), o))
	assert.Equal(t, "26.9955", s.Cost.String()) // − 30.00 × 0.45
	require.NoError(t, s.AddReturnAfter(splitReturn(1, 1), o, map[string]int{"1": 1}))
	assert.Equal(t, "13.5000", s.Cost.StringFixed(4)) // − 29.99 × 0.45
	require.NoError(t, s.AddReturnAfter(splitReturn(2, 1), o, map[string]int{"1": 2}))
	assert.True(t, s.Cost.IsZero(), "cost %s", s.Cost)
}

// TestAddReturnAfterRejectsBadRefundCounts: a count of earlier refunds
// below zero or above the units sold is the caller's error, reported on
// the return line and changing nothing.
func TestAddReturnAfterRejectsBadRefundCounts(t *testing.T) {
	o := splitOrder("EUR", 3, "33.33", "10.00")
	for _, before := range []int{-1, 4, math.MaxInt, math.MinInt} {
		s := NewSummary("C-1", Consumer, vNow, nil)
		require.NoError(t, s.AddOrder(o))
		was := s.Clone()
		err := s.AddReturnAfter(splitReturn(0, 1), o, map[string]int{"1": before})
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "before = %d", before)
		assert.True(t, ve.Has("lines[0].line_id", CodeRange), "%v", err)
		assert.ErrorContains(t, err, fmt.Sprintf("given as %d", before))
		assertSameSummary(t, was, *s)
	}
}

// currencies of every minor unit the table knows: 0, 2 and 3 digits.
var refundCurrencies = []Currency{"EUR", "JPY", "KWD", "CLP", "BHD", "USD"}

// lineGen draws a valid line in currency cur: ordinary amounts and
// quantities, and some beyond the fixed-point fast path (amounts above
// 10^8, more than fixMaxQty units), so both paths are exercised.
func lineGen(cur Currency, id string) *rapid.Generator[Line] {
	return rapid.Custom(func(t *rapid.T) Line {
		digits := cur.Digits()
		l := Line{ID: id, Category: "coats"}
		if rapid.IntRange(0, 9).Draw(t, "many units") == 0 {
			l.Quantity = rapid.IntRange(fixMaxQty-3, fixMaxQty+3).Draw(t, "qty")
		} else {
			l.Quantity = rapid.IntRange(1, 13).Draw(t, "qty")
		}
		var minor int64
		switch rapid.IntRange(0, 5).Draw(t, "price size") {
		case 0:
			minor = rapid.Int64Range(0, 20).Draw(t, "tiny price")
		case 1:
			minor = rapid.Int64Range(1e13, 1e16).Draw(t, "huge price")
		default:
			minor = rapid.Int64Range(1, 500_000).Draw(t, "price")
		}
		l.UnitPrice = decimal.New(minor, -digits)
		g := l.Gross()
		switch rapid.IntRange(0, 3).Draw(t, "discount kind") {
		case 0: // full price
		case 1:
			l.Discount = decimal.Min(g, decimal.New(rapid.Int64Range(1, 9).Draw(t, "minor units off"), -digits))
		case 2:
			l.Discount = g.Mul(decimal.New(int64(rapid.IntRange(1, 100).Draw(t, "pct")), -2)).Round(digits)
		case 3:
			l.Discount = g
		}
		if rapid.Bool().Draw(t, "cost known") {
			l.UnitCost = decimal.NewNullDecimal(decimal.New(rapid.Int64Range(0, 1e9).Draw(t, "cost"), -int32(rapid.IntRange(0, 6).Draw(t, "cost decimals"))))
		}
		return l
	})
}

// splitGen draws the returns of line l (of order o) in time order: a
// split of n of its units into refunds, with exchanges of units held
// drawn in between (they move no money).
func splitGen(o Order, l Line, n int) *rapid.Generator[[]Return] {
	return rapid.Custom(func(t *rapid.T) []Return {
		var out []Return
		add := func(kind ReturnKind, back int) {
			k := len(out)
			out = append(out, Return{ID: fmt.Sprintf("R-%02d", k), OrderID: o.ID, CustomerID: o.CustomerID,
				Time: o.Time.Add(time.Duration(k+1) * time.Minute), Kind: kind, Reason: SizeFit,
				Lines: []ReturnLine{{LineID: l.ID, Quantity: -back}}})
		}
		refunded := 0
		for refunded < n {
			if rapid.IntRange(0, 3).Draw(t, "exchange first") == 0 {
				add(Exchange, rapid.IntRange(1, l.Quantity-refunded).Draw(t, "exchanged"))
			}
			back := n - refunded
			if len(out) < 12 && back > 1 {
				back = rapid.IntRange(1, back).Draw(t, "refunded")
			}
			add(Refund, back)
			refunded += back
		}
		return out
	})
}

// TestPropRefundsOfALineAddUpToItsNet: for any line, in a currency of any
// minor unit, and any split of all its units into refunds (exchanges in
// between), every refund is a whole, non-negative number of minor units,
// the refunds so far always equal what one refund of as many units pays,
// and in the end they add up to exactly the line's net, with cost, full
// price net, the day's net and Net back to zero. Summarize, whose fast
// path sums in fixed point, gives the same summary.
func TestPropRefundsOfALineAddUpToItsNet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom(refundCurrencies).Draw(t, "currency")
		digits := cur.Digits()
		o := splitOrder(cur, 1, "0", "0")
		o.Lines[0] = lineGen(cur, "1").Draw(t, "line")
		l := o.Lines[0]
		require.NoError(t, o.Validate(vNow))
		returns := splitGen(o, l, l.Quantity).Draw(t, "returns")

		s := NewSummary("C-1", Consumer, vNow, nil)
		require.NoError(t, s.AddOrder(o))
		evs := []Event{evO(o)}
		refunded := map[string]int{}
		for _, r := range returns {
			paid := s.Refunded
			require.NoError(t, s.AddReturnAfter(r, o, refunded))
			evs = append(evs, evR(r))
			if r.Kind != Refund {
				require.True(t, s.Refunded.Equal(paid), "an exchange moves no money")
				continue
			}
			back := -r.Lines[0].Quantity
			refunded[l.ID] += back
			got := s.Refunded.Sub(paid)
			require.GreaterOrEqual(t, got.Sign(), 0, "refund %s", got)
			require.True(t, got.Equal(got.Round(digits)), "refund %s has more than %d decimals", got, digits)

			// What one refund of the units refunded so far pays.
			once := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, once.AddOrder(o))
			all := r
			all.Lines = []ReturnLine{{LineID: l.ID, Quantity: -refunded[l.ID]}}
			require.NoError(t, once.AddReturn(all, o))
			require.True(t, once.Refunded.Equal(s.Refunded), "%d units in parts pay %s, at once %s", refunded[l.ID], s.Refunded, once.Refunded)
			require.True(t, once.Cost.Equal(s.Cost), "cost %s vs %s", s.Cost, once.Cost)
			require.True(t, refRefund(l.Net(), refunded[l.ID], l.Quantity, digits).Equal(s.Refunded))
		}
		require.True(t, s.Refunded.Equal(l.Net()), "refunds add up to %s, the line's net is %s", s.Refunded, l.Net())
		require.True(t, s.Net().IsZero(), "Net %s", s.Net())
		require.True(t, s.Cost.IsZero(), "Cost %s", s.Cost)
		require.True(t, s.FullPriceNet.IsZero(), "FullPriceNet %s", s.FullPriceNet)
		require.True(t, s.Days[0].Net.IsZero(), "day net %s", s.Days[0].Net)
		perm := rapid.Permutation(evs).Draw(t, "stream")
		assertSameSummary(t, *s, summarizeC1(t, perm))
	})
}

// TestPropNetNeverBelowWhatKeptUnitsPaid: for an order of several lines
// and any refunds of some of their units, with exchanges, each line pays
// back round(net × refunded ÷ sold) at most its net, so Net is exactly
// the sum of what the lines kept, never less than the net of the lines
// with no unit refunded, and never negative.
func TestPropNetNeverBelowWhatKeptUnitsPaid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom(refundCurrencies).Draw(t, "currency")
		o := splitOrder(cur, 1, "0", "0")
		o.Lines = nil
		for j := range rapid.IntRange(1, 4).Draw(t, "lines") {
			o.Lines = append(o.Lines, lineGen(cur, fmt.Sprint(j+1)).Draw(t, "line"))
		}
		require.NoError(t, o.Validate(vNow))
		var evs []Event
		evs = append(evs, evO(o))
		n := 0
		for _, l := range o.Lines {
			units := rapid.IntRange(0, l.Quantity).Draw(t, "refunded units")
			if units == 0 {
				continue
			}
			for _, r := range splitGen(o, l, units).Draw(t, "returns") {
				r.ID = fmt.Sprintf("R-%03d", n)
				r.Time = o.Time.Add(time.Duration(n+1) * time.Minute)
				n++
				evs = append(evs, evR(r))
			}
		}
		s := summarizeC1(t, rapid.Permutation(evs).Draw(t, "stream"))
		refunded := map[string]int{}
		for _, e := range evs[1:] {
			if e.Return.Kind == Refund {
				refunded[e.Return.Lines[0].LineID] -= e.Return.Lines[0].Quantity
			}
		}
		kept, untouched := decimal.Zero, decimal.Zero
		for _, l := range o.Lines {
			back := refRefund(l.Net(), refunded[l.ID], l.Quantity, cur.Digits())
			require.LessOrEqual(t, back.Cmp(l.Net()), 0)
			kept = kept.Add(l.Net().Sub(back))
			if refunded[l.ID] == 0 {
				untouched = untouched.Add(l.Net())
			}
		}
		require.True(t, s.Net().Equal(kept), "Net %s, the lines kept %s", s.Net(), kept)
		require.GreaterOrEqual(t, s.Net().Cmp(untouched), 0, "Net %s below the %s of the lines not refunded", s.Net(), untouched)
		require.GreaterOrEqual(t, s.Net().Sign(), 0)
	})
}

// TestPropFixRefundMatchesDecimal: wherever the fixed-point fast path
// takes a refund, it gives exactly the amounts of the decimal path: the
// refund, the cost taken back and the full-price net.
func TestPropFixRefundMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom(refundCurrencies).Draw(t, "currency")
		digits := cur.Digits()
		l := lineGen(cur, "1").Draw(t, "line")
		before := rapid.IntRange(0, l.Quantity-1).Draw(t, "refunded before")
		back := rapid.IntRange(1, l.Quantity-before).Draw(t, "refunded now")
		u, ok := fixRefund(&l, before, back, digits)
		f, fits := fixLine(&l)
		if fits && f.gross < math.MaxInt64/int64(l.Quantity) {
			require.True(t, ok, "a line in the fixed-point range takes the fast path")
		}
		if !ok {
			t.Skip("beyond the fast path")
		}
		share := refundShare(l.Net(), before, back, l.Quantity, digits)
		require.True(t, fromFixed(u.net).Equal(share), "fast %s, decimal %s", fromFixed(u.net), share)
		if l.UnitCost.Valid {
			require.True(t, fromFixed(u.knownCost).Equal(l.UnitCost.Decimal.Mul(decimal.NewFromInt(int64(back)))))
			require.Zero(t, u.unknownCostNet)
		} else {
			require.Equal(t, u.net, u.unknownCostNet)
			require.Zero(t, u.knownCost)
		}
		if l.Discount.IsZero() {
			require.Equal(t, u.net, u.fullPriceNet)
		} else {
			require.Zero(t, u.fullPriceNet)
		}
	})
}

// RefundShare is the rule the summary pays by, and refuses arguments
// that describe no refund of a line.
func TestRefundShare(t *testing.T) {
	net := decimal.RequireFromString("89.99")
	var sum decimal.Decimal
	for k, want := range []string{"30.00", "29.99", "30.00"} {
		got, err := RefundShare(net, k, 1, 3, "EUR")
		require.NoError(t, err)
		assert.Equal(t, want, got.StringFixed(2), "unit %d", k+1)
		sum = sum.Add(got)
	}
	assert.True(t, sum.Equal(net))
	yen, err := RefundShare(decimal.RequireFromString("1000"), 0, 1, 3, "JPY")
	require.NoError(t, err)
	assert.Equal(t, "333", yen.String())
	for _, c := range []struct {
		net                    string
		before, back, quantity int
	}{
		{"10", 0, 1, 0}, {"10", -1, 1, 3}, {"10", 0, -1, 3}, {"10", 2, 2, 3}, {"-1", 0, 1, 3},
		{"10", math.MaxInt, 1, 3},
	} {
		_, err := RefundShare(decimal.RequireFromString(c.net), c.before, c.back, c.quantity, "EUR")
		assert.ErrorIs(t, err, ErrInvalid, "%+v", c)
	}
}

// A shop that keeps a fee pays less than the share: Refunded is what was
// paid, the fee stays in the net, and the cost and full-price net taken
// back are those of the goods. More than the share is refused: money on
// top of it is a credit.
func TestRefundBelowTheShare(t *testing.T) {
	o := splitOrder("EUR", 3, "33.33", "10.00") // net 89.99
	plain := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, plain.AddOrder(o))
	fee := plain.Clone()
	first := splitReturn(0, 1) // pays 30.00
	require.NoError(t, plain.AddReturn(first, o))

	withFee := first
	withFee.Refund = decimal.NewNullDecimal(d("25.00"))
	require.NoError(t, fee.AddReturn(withFee, o))
	assert.Equal(t, "25", fee.Refunded.String())
	assert.Equal(t, plain.Net().Add(d("5")).String(), fee.Net().String(), "the 5.00 fee stays in the net")
	assert.True(t, plain.Cost.Equal(fee.Cost), "cost %s vs %s", plain.Cost, fee.Cost)
	assert.True(t, plain.FullPriceNet.Equal(fee.FullPriceNet))
	require.Len(t, fee.Days, 1)
	assert.Equal(t, "64.99", fee.Days[0].Net.String())
	assert.Equal(t, 1, fee.Returns)
	assert.Equal(t, 1, fee.ReturnedUnits)

	// The second unit's share is 29.99 after the first: the Recorder
	// refuses a Refund above it, a summary keeps it as recorded (see
	// Over-refunds on Summary).
	second := splitReturn(1, 1)
	second.Refund = decimal.NewNullDecimal(d("30.01"))
	var ve *ValidationError
	err := second.ValidateAfter(o, map[string]int{"1": 1}, vNow)
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("refund", CodeTooMany), "%v", err)
	assert.Contains(t, err.Error(), "30.01 is more than the 29.99 share of the units returned")
	over := fee.Clone()
	require.NoError(t, over.AddReturnAfter(second, o, map[string]int{"1": 1}))
	assert.Equal(t, fee.Refunded.Add(d("30.01")).String(), over.Refunded.String())
	assert.Equal(t, fee.Returns+1, over.Returns)

	// Summarize pays the same: the fee is kept whatever the path.
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{{Return: &withFee}, {Order: &o}}), nil)
	require.NoError(t, err)
	assert.Equal(t, fee.Refunded.String(), s.Refunded.String())
	assert.Equal(t, fee.Net().String(), s.Net().String())
}
