package customer

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLineQuantityIsBounded: a line of more than MaxLineQuantity units is
// rejected, naming the line's quantity; one of exactly the maximum is not.
func TestLineQuantityIsBounded(t *testing.T) {
	for _, q := range []int{MaxLineQuantity + 1, 1 << 62, math.MaxInt} {
		o := validOrder()
		o.Lines[0].Quantity = q
		requireFields(t, o.Validate(vNow), fe("lines[0].quantity", CodeRange))
	}
	o := validOrder()
	o.Lines[0].Quantity = MaxLineQuantity
	o.Lines[0].Discount = d("0")
	require.NoError(t, o.Validate(vNow))
}

// TestReturnOfTheMostNegativeQuantity: -math.MinInt overflows to itself;
// such a return line is still more units than the line sold.
func TestReturnOfTheMostNegativeQuantity(t *testing.T) {
	r := validReturn()
	r.Lines[0].Quantity = math.MinInt
	requireFields(t, r.Validate(validOrder(), vNow), fe("lines[0].quantity", CodeTooMany))
	requireFields(t, r.ValidateAfter(validOrder(), map[string]int{"1": 1}, vNow), fe("lines[0].quantity", CodeTooMany))
}

// TestSummaryUnitsNeverWrap: the audit's case (three orders of 2⁶² units)
// is rejected at the first order, and a unit count that would overflow
// is an error that changes nothing, on every path that adds units.
func TestSummaryUnitsNeverWrap(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	for i := range 3 {
		o := validOrder()
		o.ID = "O-" + string(rune('a'+i))
		o.Lines[0].Quantity = 1 << 62
		var ve *ValidationError
		require.ErrorAs(t, s.AddOrder(o), &ve)
		assert.True(t, ve.Has("lines[0].quantity", CodeRange))
	}
	assert.Zero(t, s.Units)
	assert.Zero(t, s.Orders)

	full := func() *Summary {
		s := NewSummary("C-1", Consumer, vNow, nil)
		require.NoError(t, s.AddOrder(validOrder()))
		s.Units = math.MaxInt - 1
		s.ReturnedUnits = math.MaxInt - 1
		return s
	}
	check := func(name string, s *Summary, err error) {
		t.Helper()
		require.ErrorIs(t, err, ErrOverflow, name)
		assert.ErrorContains(t, err, "units", name)
	}

	s = full()
	before := s.Clone()
	o := validOrder()
	o.ID = "O-2"
	check("AddOrder", s, s.AddOrder(o))
	assertSameSummary(t, before, *s)

	s = full()
	before = s.Clone()
	r := validReturn()
	r.Lines[0].Quantity = -2
	check("AddReturn", s, s.AddReturn(r, validOrder()))
	assertSameSummary(t, before, *s)

	s = full()
	before = s.Clone()
	check("AddRefund", s, s.AddRefund(vNow, mustMoney("10", "EUR"), 5))
	assertSameSummary(t, before, *s)

	s = full()
	before = s.Clone()
	check("AddSale", s, s.AddSale(Sale{Time: vNow, NewOrder: true, Amount: mustMoney("10", "EUR"), Units: 5}))
	assertSameSummary(t, before, *s)
	check("AddSale (return)", s, s.AddSale(Sale{Time: vNow, Amount: mustMoney("-10", "EUR"), Units: -5}))
	assertSameSummary(t, before, *s)

	s = full()
	_, err := s.Merge(*s)
	check("Merge", s, err)
}

// TestSaleAndRefundUnitsAreBounded: the unit count of a sales row or a
// refund is bounded as a line's quantity is.
func TestSaleAndRefundUnitsAreBounded(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	err := s.AddSale(Sale{Time: vNow, NewOrder: true, Amount: mustMoney("10", "EUR"), Units: MaxLineQuantity + 1})
	requireFields(t, err, fe("units", CodeRange))
	err = s.AddSale(Sale{Time: vNow, Amount: mustMoney("-10", "EUR"), Units: math.MinInt})
	requireFields(t, err, fe("units", CodeRange))
	err = s.AddRefund(vNow, mustMoney("10", "EUR"), MaxLineQuantity+1)
	requireFields(t, err, fe("units", CodeRange))
	assert.Zero(t, s.Units)
	assert.Zero(t, s.ReturnedUnits)
	assert.False(t, errors.Is(err, ErrOverflow))
}

// TestReturnRateIsClampedToOne: refunds in the window may bring back more
// units than the window sold (the sale happened before it); the rate is
// still in [0, 1], as documented.
func TestReturnRateIsClampedToOne(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	o := validOrder()
	o.Lines = o.Lines[1:] // one scarf at 30
	require.NoError(t, s.AddOrder(o))
	require.NoError(t, s.AddRefund(vNow, mustMoney("5000", "EUR"), 1000))
	assert.Equal(t, 1, s.Units)
	assert.Equal(t, 1000, s.ReturnedUnits, "the units are kept as recorded")
	assert.Equal(t, 1.0, s.ReturnRate())

	half := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, half.AddOrder(validOrder()))
	require.NoError(t, half.AddRefund(vNow, mustMoney("10", "EUR"), 1))
	assert.InDelta(t, 1.0/3, half.ReturnRate(), 1e-12, "below 1 unchanged")
	assert.Equal(t, 0.0, NewSummary("C-1", Consumer, vNow, nil).ReturnRate(), "zero without units")

	only := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, only.AddRefund(vNow, mustMoney("20", "EUR"), 2))
	assert.Equal(t, 0, only.Units)
	assert.Equal(t, 1.0, only.ReturnRate(), "returns without purchases: the limit, 1")
}

func TestCurrencyMismatchNamesTheRecord(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(validOrder()))
	before := *s
	err := s.AddRefund(vNow, mustMoney("5", "USD"), 1)
	var cm *CurrencyMismatchError
	require.ErrorAs(t, err, &cm)
	assert.Contains(t, err.Error(), `refund of customer "C-1"`)
	err = s.AddSale(Sale{Time: vNow, Amount: mustMoney("5", "USD"), Units: 1})
	require.ErrorAs(t, err, &cm)
	assert.Contains(t, err.Error(), `sale of customer "C-1"`)
	assert.Equal(t, before.Net(), s.Net(), "nothing changed")
	assert.Equal(t, before.Units, s.Units)
}
