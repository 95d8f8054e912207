package value_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// A customer listed twice would count twice in the population's
// normalisation: Fit refuses it, naming the customer and both positions.
func TestFitRefusesARepeatedCustomer(t *testing.T) {
	pop := revenues(10, 200, 30, 200)
	pop[3].ID = pop[1].ID
	sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
	require.ErrorIs(t, err, value.ErrInvalidInput)
	var ie *value.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, customer.ID("c1"), ie.Customer)
	assert.ErrorContains(t, err, "1 and 3")
	assert.Nil(t, sc)

	// In the order of their IDs, with the repeat next to the first.
	_, err = value.Fit(value.DefaultModel(customer.Consumer), []value.Indicators{pop[0], pop[1], pop[3], pop[2]})
	require.ErrorContains(t, err, "1 and 2")

	// Customers without an ID cannot be told apart, and are taken.
	pop[1].ID, pop[3].ID = "", ""
	_, err = value.Fit(value.DefaultModel(customer.Consumer), pop)
	require.NoError(t, err)
}

// RFM statistics of no valid kind are refused, naming the kind.
func TestNewRFMStatsRefusesAnInvalidKind(t *testing.T) {
	for _, k := range []customer.Kind{0, 9} {
		s, err := value.NewRFMStats(k, nil)
		require.ErrorIs(t, err, value.ErrInvalidModel, "kind %v", k)
		assert.ErrorContains(t, err, "kind "+k.String())
		assert.Nil(t, s)
	}
}
