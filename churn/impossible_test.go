package churn

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A repeat purchase is in a later period than the first, so a positive
// frequency with recency 0 is impossible, as is the converse; every
// model's observation is refused, naming the field.
func TestRecencyZeroWithRepeatPurchases(t *testing.T) {
	for _, o := range []Observation{
		{ID: "a", Frequency: 3, Recency: 0, T: 5},
		{ID: "a", Frequency: 1, Recency: -0.0, T: 5},
		{ID: "a", Frequency: 0, Recency: 2, T: 5},
	} {
		var ie *InputError
		require.ErrorAs(t, o.Validate(), &ie, "%+v", o)
		require.ErrorIs(t, ie, ErrInvalidInput)
		require.Len(t, ie.Fields, 1)
		require.Equal(t, "recency", ie.Fields[0].Field)
		require.Equal(t, "a", ie.ID)
		_, err := GroupObservations([]Observation{{Frequency: 1, Recency: 1, T: 5}, o})
		require.ErrorAs(t, err, &ie)
		require.Equal(t, 1, ie.Index)
		g := &Groups{}
		require.Error(t, g.Add(o))
		require.Error(t, g.AddGroup(Group{Frequency: o.Frequency, Recency: o.Recency, T: o.T}, 1))
		require.Zero(t, g.Customers())
		_, err = GroupsOf([]Group{{Frequency: o.Frequency, Recency: o.Recency, T: o.T, Count: 2}})
		require.ErrorIs(t, err, ErrInvalidInput)
	}
	bad := Observation{ID: "a", Frequency: 3, Recency: 0, T: 5}
	require.ErrorContains(t, bad.Validate(), "recency 0")
	for _, m := range []TransactionModel{
		BGNBD{R: 0.24, Alpha: 4.41, A: 0.79, B: 2.43},
		MBGNBD{R: 0.53, Alpha: 6.18, A: 0.89, B: 1.61},
		ParetoNBD{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67},
		BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78},
	} {
		var ie *InputError
		_, err := m.PAlive(bad)
		require.ErrorAs(t, err, &ie, m.Name())
		require.Equal(t, "recency", ie.Fields[0].Field, m.Name())
		_, err = m.ConditionalExpectedPurchases(bad, 4)
		require.ErrorIs(t, err, ErrInvalidInput, m.Name())
	}
	// A repeat purchase a day after the first, in weeks, is fine.
	require.NoError(t, Observation{Frequency: 1, Recency: 1.0 / 7, T: 5}.Validate())
}

// A customer listed twice would weigh twice in the fit: GroupObservations
// refuses a repeated ID, naming it and both indices. Observations
// without an ID cannot be told apart and are grouped.
func TestGroupObservationsRefusesARepeatedID(t *testing.T) {
	obs := []Observation{
		{ID: "a", Frequency: 1, Recency: 1, T: 5},
		{ID: "b", Frequency: 0, Recency: 0, T: 5},
		{ID: "c", Frequency: 2, Recency: 3, T: 5},
		{ID: "a", Frequency: 2, Recency: 3, T: 5},
	}
	g, err := GroupObservations(obs)
	require.ErrorIs(t, err, ErrInvalidInput)
	require.ErrorContains(t, err, `"a"`)
	require.ErrorContains(t, err, "indices 0 and 3")
	require.Nil(t, g)

	// Sorted by ID, as most callers hand them over.
	sorted := []Observation{obs[0], obs[3], obs[1], obs[2]}
	_, err = GroupObservations(sorted)
	require.ErrorContains(t, err, "indices 0 and 1")

	anon := []Observation{{Frequency: 1, Recency: 1, T: 5}, {Frequency: 1, Recency: 1, T: 5}, {ID: "a", T: 5}}
	g, err = GroupObservations(anon)
	require.NoError(t, err)
	require.Equal(t, int64(3), g.Customers())
}

// A customer listed twice would weigh twice in the Gamma-Gamma fit.
func TestGroupSpendRefusesARepeatedID(t *testing.T) {
	obs := []SpendObservation{{ID: "b", Frequency: 2, MeanSpend: 30}, {ID: "a", Frequency: 1, MeanSpend: 10}, {ID: "b", Frequency: 3, MeanSpend: 20}}
	g, err := GroupSpend(obs)
	require.ErrorIs(t, err, ErrInvalidInput)
	require.ErrorContains(t, err, `"b" at indices 0 and 2`)
	require.Nil(t, g)
	g, err = GroupSpend([]SpendObservation{{Frequency: 2, MeanSpend: 30}, {Frequency: 2, MeanSpend: 30}})
	require.NoError(t, err)
	require.Equal(t, int64(2), g.Customers())
}
