package segment_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// An input that Observe refuses changes nothing: the observation passed
// in keeps what it held, as value.Extract keeps its destination.
func TestObserveRefusedLeavesObservation(t *testing.T) {
	var before segment.Observation
	require.NoError(t, segment.Observe(input(t, spec{ID: "kept", Kind: customer.Consumer,
		Buys: []buy{{DaysAgo: 3, Qty: 1, Cents: 1000}, {DaysAgo: 40, Qty: 2, Cents: 2500}}}, 1), &before))
	bad := input(t, spec{ID: "bad", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 5, Qty: 1, Cents: 900}}}, 1)
	bad.Customer = &customer.Customer{ID: "bad", Kind: customer.Intermediary}
	dst := before
	err := segment.Observe(bad, &dst)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	require.Equal(t, before, dst, "a refused input changes nothing")
}
