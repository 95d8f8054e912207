package value_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// An indicator that no customer of the fit had has no fitted range: a
// customer scored later who has it is scored as if it were unknown (the
// measure's Fallback, else its Missing score; see [value.Measure]), not
// against an empty range, which would give no number at all.
func TestIndicatorNobodyInTheFitHadScoresAsMissing(t *testing.T) {
	lin := func(i value.Indicator, missing float64) *value.Measure {
		return &value.Measure{Indicator: i, Transform: value.Linear, Method: value.MinMax, Missing: missing}
	}
	m := value.Model{Kind: customer.Consumer,
		Current:   value.Node{Name: "current", Weight: 0.5, Children: []value.Node{{Name: "profit", Weight: 1, Measure: lin(value.Profit, 0)}}},
		Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{{Name: "growth", Weight: 1, Measure: lin(value.Growth, 0.5)}}}}
	pop := make([]value.Indicators, 2)
	for i, p := range []float64{10, 20} {
		pop[i] = value.Indicators{ID: customer.ID(rune('a' + i)), Kind: customer.Consumer}
		pop[i].Set(value.Profit, p)
	}
	sc, err := value.Fit(m, pop)
	require.NoError(t, err)
	f, _ := sc.Fitted(1)
	require.Zero(t, f.N, "nobody in the fit had a growth")

	x := value.Indicators{ID: "late", Kind: customer.Consumer}
	x.Set(value.Profit, 15)
	x.Set(value.Growth, 0.3)
	s, err := sc.Score(&x)
	require.NoError(t, err)
	assert.Equal(t, value.FromMissing, s.Source[1])
	assert.Equal(t, 0.5, s.Normalized[1])
	assert.Equal(t, 0.25, s.Potential)
	assert.Equal(t, 0.25, s.Current)
	assert.Equal(t, 0.5, s.Total)
}
