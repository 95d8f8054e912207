package segment_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// dupPopulation is a population in which c01, at index 1, is delivered
// again at index 3.
func dupPopulation(t *testing.T) []segment.Input {
	t.Helper()
	return inputs(t, []spec{
		{ID: "c00", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 10, Qty: 1, Cents: 5000}}},
		{ID: "c01", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 40, Qty: 3, Cents: 90000}, {DaysAgo: 5, Qty: 2, Cents: 12000}}},
		{ID: "c02", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 300, Qty: 1, Cents: 2000}}},
		{ID: "c01", Kind: customer.Consumer, Buys: []buy{{DaysAgo: 40, Qty: 3, Cents: 90000}, {DaysAgo: 5, Qty: 2, Cents: 12000}}},
	}, 1)
}

// A customer listed twice would count twice in the population's means,
// medians and RFM bins, and move every other customer's quadrant: the
// fit refuses it with an error naming the customer and both positions,
// wrapping ErrDuplicate, and fits nothing.
func TestFitInputsRefusesARepeatedCustomer(t *testing.T) {
	ins := dupPopulation(t)
	m, obs, err := segment.FitInputs(ins, &segment.Options{Grades: &segment.GradeOptions{}})
	require.ErrorIs(t, err, segment.ErrDuplicate)
	assert.ErrorContains(t, err, `"c01"`)
	assert.ErrorContains(t, err, "1 and 3")
	assert.Nil(t, m)
	assert.Nil(t, obs)

	// Without the repeat the same population fits.
	_, _, err = segment.FitInputs(ins[:3], nil)
	require.NoError(t, err)
}

func TestFitRefusesARepeatedCustomer(t *testing.T) {
	ins := dupPopulation(t)
	obs := make([]segment.Observation, len(ins))
	for i := range ins {
		require.NoError(t, segment.Observe(ins[i], &obs[i]))
	}
	m, err := segment.Fit(obs, nil)
	require.ErrorIs(t, err, segment.ErrDuplicate)
	assert.ErrorContains(t, err, `"c01"`)
	assert.ErrorContains(t, err, "1 and 3")
	assert.Nil(t, m)

	// In the order of their IDs, with the repeat next to the first.
	sorted := []segment.Observation{obs[0], obs[1], obs[3], obs[2]}
	_, err = segment.Fit(sorted, nil)
	require.ErrorIs(t, err, segment.ErrDuplicate)
	assert.ErrorContains(t, err, "1 and 2")
	_, err = segment.Fit([]segment.Observation{obs[0], obs[1], obs[2]}, nil)
	require.NoError(t, err)

	// Observations without an ID cannot be told apart, and are taken.
	anon := []segment.Observation{obs[0], obs[0]}
	anon[0].ID, anon[1].ID = "", ""
	_, err = segment.Fit(anon, nil)
	require.NoError(t, err)
}
