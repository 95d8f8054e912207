package customer

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// AddReturn and AddReturnAfter validate the order they are given, as
// AddOrder does: a direct caller's invalid order is refused with the
// order's fields named, and the summary is left exactly as it was.
func TestAddReturnRefusesAnInvalidOrder(t *testing.T) {
	cases := []struct {
		field, code string
		change      func(o *Order)
	}{
		{"lines[0].unit_price", CodeNegative, func(o *Order) { o.Lines[0].UnitPrice = d("-100") }},
		{"lines[0].unit_price", CodeFormat, func(o *Order) { o.Lines[0].UnitPrice = d("100.005") }},
		{"lines[0].discount", CodeRange, func(o *Order) { o.Lines[0].Discount = d("250") }},
		{"lines[0].discount", CodeNegative, func(o *Order) { o.Lines[0].Discount = d("-20") }},
		{"lines[0].unit_cost", CodeNegative, func(o *Order) { o.Lines[0].UnitCost.Valid, o.Lines[0].UnitCost.Decimal = true, d("-1") }},
		{"lines[1].id", CodeDuplicate, func(o *Order) { o.Lines[1].ID = "1" }},
		{"lines[1].quantity", CodeNotPos, func(o *Order) { o.Lines[1].Quantity = 0 }},
		{"currency", CodeUnknown, func(o *Order) { o.Currency = "EURO" }},
		{"channel", CodeUnknown, func(o *Order) { o.Channel = 0 }},
		{"time", CodeRequired, func(o *Order) { o.Time = time.Time{} }},
		{"time", CodeFuture, func(o *Order) { o.Time = vNow.Add(time.Hour) }},
	}
	for _, tc := range cases {
		t.Run(tc.field+"/"+tc.code, func(t *testing.T) {
			o := validOrder()
			tc.change(&o)
			for name, add := range map[string]func(s *Summary) error{
				"AddReturn":      func(s *Summary) error { return s.AddReturn(validReturn(), o) },
				"AddReturnAfter": func(s *Summary) error { return s.AddReturnAfter(validReturn(), o, map[string]int{}) },
			} {
				s := NewSummary("C-1", Consumer, vNow, nil)
				require.NoError(t, s.AddOrder(validOrder()))
				before := s.Clone()
				err := add(s)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve, name)
				assert.ErrorIs(t, err, ErrInvalid, name)
				assert.Equal(t, `order "O-1"`, ve.Record, name)
				assert.True(t, ve.Has(tc.field, tc.code), "%s: %v", name, err)
				assert.Contains(t, err.Error(), `return "R-1": order "O-1": `, name)
				assert.Equal(t, before, *s, "%s changed the summary", name)
			}
		})
	}
}

// The error names the return, then the order and every bad field.
func TestAddReturnInvalidOrderMessage(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	o := validOrder()
	o.Lines[0].UnitPrice, o.Lines[1].Discount = d("-100"), d("-1")
	err := s.AddReturn(validReturn(), o)
	require.Error(t, err)
	assert.Equal(t, `return "R-1": order "O-1": lines[0].unit_price: must not be negative; lines[1].discount: must not be negative`, err.Error())
	assert.Zero(t, s.Returns)
	assert.True(t, s.Refunded.IsZero())
}

// A valid order still takes the return, and a return dated after AsOf is
// still only counted, as AddOrder counts a later order.
func TestAddReturnWithAValidOrder(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddOrder(validOrder()))
	require.NoError(t, s.AddReturn(validReturn(), validOrder()))
	assert.Equal(t, 1, s.Returns)
	assert.Equal(t, "90", s.Refunded.String())

	later := validReturn()
	later.ID, later.Time = "R-2", vNow.Add(time.Hour)
	require.NoError(t, s.AddReturnAfter(later, validOrder(), map[string]int{"1": 1}))
	assert.Equal(t, 1, s.Later)
	assert.Equal(t, 1, s.Returns)
}
