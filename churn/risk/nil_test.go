package risk

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A nil or zero model answers its accessors with zero values and every
// operation with ErrNoModel, never a panic.
func TestNilModelAccessors(t *testing.T) {
	s := steady("C", 10, 30)
	for _, m := range []*Model{nil, {}} {
		assert.NotPanics(t, func() {
			assert.Zero(t, m.Method())
			assert.Zero(t, m.Intercept())
			assert.Nil(t, m.Coefficients())
			assert.Zero(t, m.PriorGap())
			assert.Equal(t, Bands{}, m.Bands())
			gap, own := m.TypicalGap(s)
			assert.Zero(t, gap)
			assert.False(t, own)
			_, err := m.MarshalJSON()
			assert.ErrorIs(t, err, ErrNoModel)
			_, err = m.ScoreAll(nil)
			assert.ErrorIs(t, err, ErrNoModel, "no inputs are no reason to accept a missing model")
		})
	}
	var m *Model
	assert.NotPanics(t, func() {
		assert.Error(t, m.UnmarshalJSON([]byte(`{}`)))
	})
}

// Merge refuses a nil, unbuilt or identical standardizer and changes
// nothing; a nil standardizer refuses Add, Merge and UnmarshalJSON.
func TestStandardizerMergeNil(t *testing.T) {
	z, err := NewStandardizer(60, nil)
	require.NoError(t, err)
	require.NoError(t, z.Add(steady("A", 10, 30)))
	before := *z
	assert.NotPanics(t, func() {
		assert.Error(t, z.Merge(nil))
		assert.ErrorIs(t, z.Merge(&Standardizer{}), errUnbuiltStandardizer)
		assert.Error(t, z.Merge(z), "a shard merged with itself counts every customer twice")
	})
	assert.Equal(t, before, *z)
	// an unbuilt standardizer does not become one by merging
	var zero Standardizer
	assert.ErrorIs(t, zero.Merge(&Standardizer{}), errUnbuiltStandardizer)
	var none *Standardizer
	assert.NotPanics(t, func() {
		assert.ErrorIs(t, none.Add(steady("A", 10, 30)), errUnbuiltStandardizer)
		assert.ErrorIs(t, none.Merge(z), errUnbuiltStandardizer)
		b, err := json.Marshal(z)
		require.NoError(t, err)
		assert.Error(t, none.UnmarshalJSON(b))
	})
}
