package customer

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A MovedNet no sum of amounts can be (beyond MaxMovedNetDigits integer
// digits, or with more decimals than an amount) is
// rejected, naming "moved net", and changes nothing.
func TestMovedNetOutOfRange(t *testing.T) {
	later, early := vNow.AddDate(0, 0, -2), vNow.AddDate(0, 0, -9)
	for _, net := range []string{"1e50", "-1e50", "1e-40"} {
		s := NewSummary("C-1", Consumer, vNow, nil)
		require.NoError(t, s.AddSale(Sale{Time: later, NewOrder: true, Amount: eur("20"), Units: 1}))
		before := s.Clone()
		err := s.AddSale(Sale{Time: early, MovedFrom: later, MovedNet: dec(net), Amount: eur("10"), Units: 1})
		if !assert.Error(t, err, "%s accepted: days %+v", net, s.Days) {
			continue
		}
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		assert.Equal(t, "moved net", ve.Fields[0].Field)
		requireSameSummary(t, &before, s)
	}
}

// A return of units without money ignores the order fields, but a
// MovedNet without MovedFrom is an inconsistent row (Sale: "It must be
// zero when MovedFrom is").
func TestMovedNetOnExchangeRow(t *testing.T) {
	s := NewSummary("C-1", Consumer, vNow, nil)
	require.NoError(t, s.AddSale(Sale{Time: vNow.AddDate(0, 0, -2), NewOrder: true, Amount: eur("20"), Units: 1}))
	before := s.Clone()
	err := s.AddSale(Sale{Time: vNow.AddDate(0, 0, -1), MovedNet: dec("5"), Amount: eur("0"), Units: -1})
	var ve *ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "moved net", ve.Fields[0].Field)
	requireSameSummary(t, &before, s)
}
