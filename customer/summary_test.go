package customer

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func evO(o Order) Event       { return Event{Order: &o} }
func evR(r Return) Event      { return Event{Return: &r} }
func evI(i Interaction) Event { return Event{Interaction: &i} }

// TestSummarizeKnownValues checks a small history computed by hand.
func TestSummarizeKnownValues(t *testing.T) {
	// O-1 on 21 April: 2 coats at 100 with 20 off (net 180, cost
	// 180 × 0.45 = 81), 1 scarf at 30 at full price (cost 12).
	// R-1 on 26 April refunds one coat: 180 × 1/2 = 90, cost 81/2 = 40.5.
	// O-2 on 30 April: 1 scarf at 30, full price, cost 12.
	o2 := validOrder()
	o2.ID, o2.Time = "O-2", vNow.AddDate(0, 0, -1)
	o2.Lines = o2.Lines[1:]
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(validOrder()), evR(validReturn()), evO(o2)}), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Orders)
	assert.Equal(t, 4, s.Units)
	assert.Equal(t, 1, s.ReturnedUnits)
	assert.Equal(t, 1, s.Returns)
	assert.Equal(t, Currency("EUR"), s.Currency)
	assert.Equal(t, "260", s.Gross.String())
	assert.Equal(t, "20", s.Discounts.String())
	assert.Equal(t, "90", s.Refunded.String())
	assert.Equal(t, "150", s.Net().String())
	assert.Equal(t, "64.5", s.Cost.String())
	assert.Equal(t, "85.5", s.GrossProfit().String())
	assert.Equal(t, "60", s.FullPriceNet.String())
	assert.Equal(t, "75", s.AverageOrderValue().String())
	assert.InDelta(t, 0.4, s.FullPriceShare(), 1e-12)
	assert.InDelta(t, 0.25, s.ReturnRate(), 1e-12)
	assert.Equal(t, []string{"accessories", "coats"}, s.Categories)
	require.Len(t, s.Days, 2)
	assert.Equal(t, "2026-04-21", s.Days[0].Date.String())
	assert.Equal(t, "120", s.Days[0].Net.String())
	assert.Equal(t, []int{9}, s.Gaps())
	f, r, T, ok := s.BTYD(Days)
	assert.True(t, ok)
	assert.Equal(t, 1, f)
	assert.Equal(t, 9.0, r)
	assert.Equal(t, 10.0, T)
}

func TestSummarizeRedeliveredOrder(t *testing.T) {
	o := validOrder()
	same := o.Clone()
	same.Lines[0].UnitPrice = d("100.0000") // equal by value
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o), evO(same)}), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Orders, "an identical redelivery is a no-op")

	other := o.Clone()
	other.Lines[0].Quantity = 3
	_, err = Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(o), evO(other)}), nil)
	assert.ErrorIs(t, err, ErrDuplicate)
	assert.ErrorContains(t, err, `order "O-1"`)
}

func TestSummarizeRedeliveredReturn(t *testing.T) {
	r := validReturn()
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(validOrder()), evR(r), evR(r.Clone())}), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Returns)
	other := r.Clone()
	other.Reason = QualityDefect
	_, err = Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(validOrder()), evR(r), evR(other)}), nil)
	assert.ErrorIs(t, err, ErrDuplicate)
}

func TestSummarizeReturnsAcrossSeveralRecords(t *testing.T) {
	// Line 1 sold 2 units: two returns of one unit each are fine, a third
	// is more than was sold, even though each alone is valid.
	r1, r2, r3 := validReturn(), validReturn(), validReturn()
	r2.ID, r3.ID = "R-2", "R-3"
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(validOrder()), evR(r1), evR(r2)}), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, s.ReturnedUnits)
	_, err = Summarize("C-1", Consumer, vNow, seqOf([]Event{evO(validOrder()), evR(r1), evR(r2), evR(r3)}), nil)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("lines[0].quantity", CodeTooMany), "%v", err)
	assert.Contains(t, err.Error(), `line "1" sold 2 and 2 were refunded before`)
}

func TestSummarizeReturnBeforeItsOrderInTheStream(t *testing.T) {
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evR(validReturn()), evO(validOrder())}), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Returns)
	assert.Equal(t, "90", s.Refunded.String())
}

func TestSummarizeReturnWithoutOrder(t *testing.T) {
	_, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evR(validReturn())}), nil)
	assert.ErrorIs(t, err, ErrNotFound)
	// A return after asOf whose order is not in the stream is left out.
	r := validReturn()
	r.Time = vNow.Add(time.Hour)
	s, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evR(r)}), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Later)
}

func TestSummarizeAsOfLeavesOutLaterFacts(t *testing.T) {
	o := validOrder()
	r := validReturn()
	asOf := o.Time.Add(time.Hour) // after the order, before the return
	s, err := Summarize("C-1", Consumer, asOf, seqOf([]Event{evO(o), evR(r)}), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Orders)
	assert.Equal(t, 0, s.Returns)
	assert.Equal(t, 1, s.Later)
	// An analysis before the order sees nothing but counts both.
	s, err = Summarize("C-1", Consumer, o.Time.Add(-time.Hour), seqOf([]Event{evO(o), evR(r)}), nil)
	require.NoError(t, err)
	assert.Equal(t, 0, s.Orders)
	assert.Equal(t, 2, s.Later)
}

func TestSummarizeRejects(t *testing.T) {
	bad := validOrder()
	bad.Lines[0].Quantity = 0
	other := validOrder()
	other.CustomerID = "C-2"
	usd := validOrder()
	usd.ID, usd.Currency = "O-2", "USD"
	tests := []struct {
		name  string
		evs   []Event
		check func(t *testing.T, err error)
	}{
		{"invalid order", []Event{evO(bad)}, func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrInvalid) }},
		{"order of another customer", []Event{evO(other)}, func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrWrongCustomer) }},
		{"two currencies", []Event{evO(validOrder()), evO(usd)}, func(t *testing.T, err error) {
			var cm *CurrencyMismatchError
			assert.ErrorAs(t, err, &cm)
			assert.ErrorContains(t, err, `order "O-2" of customer "C-1": currency: USD, the summary is in EUR`)
		}},
		{"empty event", []Event{{}}, func(t *testing.T, err error) { assert.ErrorContains(t, err, "0 records") }},
		{"event with two records", []Event{{Order: &bad, Return: &Return{}}}, func(t *testing.T, err error) { assert.ErrorContains(t, err, "2 records") }},
		{"invalid interaction", []Event{evI(Interaction{CustomerID: "C-1", Time: vNow})}, func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrInvalid) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Summarize("C-1", Consumer, vNow, seqOf(tt.evs), nil)
			require.Error(t, err)
			tt.check(t, err)
			assert.Zero(t, s.Orders)
		})
	}
}

// TestAddOrderRejectedChangesNothing: a rejected order leaves the summary
// exactly as it was.
func TestAddOrderRejectedChangesNothing(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(validOrder()))
	before := *s
	before.Days = append([]Day(nil), s.Days...)
	for _, o := range []Order{
		func() Order { o := validOrder(); o.ID = "X"; o.Lines[0].Quantity = -1; return o }(),
		func() Order { o := validOrder(); o.ID = "X"; o.Currency = "USD"; return o }(),
		func() Order { o := validOrder(); o.ID = "X"; o.CustomerID = "C-9"; return o }(),
	} {
		require.Error(t, s.AddOrder(o))
		assertSameSummary(t, before, *s)
	}
	r := validReturn()
	r.Lines[0].Quantity = -5
	require.Error(t, s.AddReturn(r, validOrder()))
	assertSameSummary(t, before, *s)
}

func TestMergeMismatch(t *testing.T) {
	a := NewSummary("C-1", Consumer, vNow, nil)
	for _, b := range []*Summary{
		NewSummary("C-2", Consumer, vNow, nil),
		NewSummary("C-1", Intermediary, vNow, nil),
		NewSummary("C-1", Consumer, vNow.Add(time.Second), nil),
	} {
		_, err := a.Merge(*b)
		assert.ErrorIs(t, err, ErrMergeMismatch)
	}
	require.NoError(t, a.AddOrder(validOrder()))
	b := NewSummary("C-1", Consumer, vNow, nil)
	usd := validOrder()
	usd.Currency = "USD"
	require.NoError(t, b.AddOrder(usd))
	_, err := a.Merge(*b)
	var cm *CurrencyMismatchError
	assert.True(t, errors.As(err, &cm))
}

// TestFixedPointBoundaries: amounts at and beyond the limits of the fast
// path give the same sums as decimal arithmetic.
func TestFixedPointBoundaries(t *testing.T) {
	for _, price := range []string{"99999999.99", "100000000.00", "100000000.01", "0.001", "123.4500", "922337203685477.58"} {
		for _, qty := range []int{1, 7, fixMaxQty, fixMaxQty + 1} {
			o := validOrder()
			o.Currency = "KWD" // three decimals
			o.Lines = o.Lines[:1]
			o.Lines[0].UnitPrice = d(price).Round(3)
			o.Lines[0].Quantity = qty
			o.Lines[0].Discount = d("0.001")
			evs := []Event{evO(o)}
			got, err := Summarize("C-1", Consumer, vNow, seqOf(evs), nil)
			require.NoError(t, err, "price %s qty %d", price, qty)
			gross := o.Lines[0].UnitPrice.Mul(d(itoa(qty)))
			assert.True(t, got.Gross.Equal(gross), "price %s qty %d: gross %s, want %s", price, qty, got.Gross, gross)
			assert.True(t, got.Days[0].Net.Equal(gross.Sub(d("0.001"))), "price %s qty %d: net %s", price, qty, got.Days[0].Net)
			assert.True(t, got.Cost.Equal(gross.Sub(d("0.001")).Mul(d("0.45"))), "cost %s", got.Cost)
		}
	}
}

func itoa(n int) string { return decimalInt(n).String() }

func TestToFixed(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"1", 10000, true}, {"-2.5", -25000, true}, {"0.0001", 1, true},
		{"0.00001", 0, false}, {"100000000", 1_000_000_000_000, true}, {"100000000.0001", 0, false},
		{"-100000000", -1_000_000_000_000, true}, {"1e3", 10_000_000, true}, {"12345678901234567890", 0, false},
	} {
		got, ok := toFixed(d(tc.in))
		assert.Equal(t, tc.ok, ok, tc.in)
		if ok {
			assert.Equal(t, tc.want, got, tc.in)
		}
	}
	_, ok := addFixed(1<<62, 1<<62)
	assert.False(t, ok)
	_, ok = addFixed(-(1 << 62), -(1<<62)-1)
	assert.False(t, ok)
	v, ok := addFixed(-5, 3)
	assert.True(t, ok)
	assert.Equal(t, int64(-2), v)
}

func TestSummaryCloneIsIndependent(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(validOrder()))
	c := s.Clone()
	o := validOrder()
	o.ID, o.Lines[0].Category = "O-2", "zzz"
	require.NoError(t, c.AddOrder(o))
	assert.Equal(t, 1, s.Days[0].Orders, "adding to the clone changed the original's day")
	assert.Equal(t, []string{"accessories", "coats"}, s.Categories)
	assert.Equal(t, 2, c.Days[0].Orders)
}

func TestSummarizeEmptyIDsAreInvalidNotDuplicates(t *testing.T) {
	r1, r2 := validReturn(), validReturn()
	r1.ID, r2.ID, r2.Reason = "", "", QualityDefect
	_, err := Summarize("C-1", Consumer, vNow, seqOf([]Event{evR(r1), evR(r2), evO(validOrder())}), nil)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.NotErrorIs(t, err, ErrDuplicate)
}

// Event.Equal compares the record an event carries by its kind's Equal:
// the same fact twice is equal, another fact, another kind or an empty
// event is not.
func TestEventEqual(t *testing.T) {
	o := validOrder()
	same := o.Clone()
	other := o.Clone()
	other.Lines[0].Quantity++
	i := Interaction{CustomerID: o.CustomerID, Time: o.Time}
	assert.True(t, Event{Order: &o}.Equal(Event{Order: &same}))
	assert.False(t, Event{Order: &o}.Equal(Event{Order: &other}))
	assert.False(t, Event{Order: &o}.Equal(Event{Interaction: &i}), "two kinds")
	assert.True(t, Event{Interaction: &i}.Equal(Event{Interaction: &i}))
	assert.False(t, Event{}.Equal(Event{}), "an empty event carries no fact")
}
