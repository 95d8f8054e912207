package value_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

func TestDefaultModelsAreValid(t *testing.T) {
	for _, k := range []customer.Kind{customer.Consumer, customer.Intermediary} {
		s, err := value.NewStats(value.DefaultModel(k))
		require.NoError(t, err, k)
		var x value.Indicators
		x.Kind = k
		require.NoError(t, s.Add(&x))
		sc, err := s.Scorer()
		require.NoError(t, err)
		sum, cur := 0.0, 0.0
		for _, l := range sc.Leaves() {
			sum += l.Weight
			if l.InCurrent {
				cur += l.Weight
			}
		}
		assert.InDelta(t, 1, sum, 1e-12, k)
		assert.InDelta(t, 0.5, cur, 1e-12, k)
	}
}

func TestDefaultModelWeightsDifferByKind(t *testing.T) {
	c, i := value.DefaultModel(customer.Consumer), value.DefaultModel(customer.Intermediary)
	assert.Equal(t, "profit", c.Current.Children[0].Name)
	assert.Greater(t, c.Current.Children[0].Weight, i.Current.Children[0].Weight, "profit weighs more for consumers")
	assert.Len(t, c.Potential.Children, 3)
	assert.Len(t, i.Potential.Children, 4)
}

func TestModelErrors(t *testing.T) {
	lf := func(name string, w float64) value.Node {
		return value.Node{Name: name, Weight: w, Measure: &value.Measure{Indicator: value.Profit, Transform: value.Linear, Method: value.MinMax}}
	}
	base := func() value.Model {
		return value.Model{Kind: customer.Consumer,
			Current:   value.Node{Name: "current", Weight: 0.5, Children: []value.Node{lf("a", 0.4), lf("b", 0.6)}},
			Potential: value.Node{Name: "potential", Weight: 0.5, Children: []value.Node{lf("c", 1)}}}
	}
	_, err := value.NewStats(base())
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		change func(m *value.Model)
		msg    string
	}{
		{"no kind", func(m *value.Model) { m.Kind = 0 }, "kind"},
		{"top weights", func(m *value.Model) { m.Current.Weight = 0.7 }, "sum to 1.2"},
		{"children sum", func(m *value.Model) { m.Current.Children[0].Weight = 0.5 }, "sum to 1.1"},
		// A bad weight names its node by its whole path.
		{"negative weight", func(m *value.Model) { m.Current.Children[0].Weight = -0.4; m.Current.Children[1].Weight = 1.4 }, `"current/a": weight -0.4: must be positive`},
		{"zero weight", func(m *value.Model) { m.Current.Children[0].Weight = 0; m.Current.Children[1].Weight = 1 }, `"current/a": weight 0: must be positive`},
		{"NaN weight", func(m *value.Model) { m.Current.Children[0].Weight = math.NaN() }, `"current/a": weight NaN: must be positive`},
		{"bad top weight", func(m *value.Model) { m.Potential.Weight = math.Inf(1) }, `"potential": weight +Inf: must be positive`},
		{"no name", func(m *value.Model) { m.Current.Children[0].Name = "" }, "without a name"},
		// A path names one node: siblings have distinct names without "/".
		{"twin siblings", func(m *value.Model) { m.Current.Children[1].Name = "a" }, `"current/a": another sibling is named "a"`},
		{"twin top nodes", func(m *value.Model) { m.Potential.Name = "current" }, `another sibling is named "current"`},
		{"slash in a name", func(m *value.Model) { m.Potential.Children[0].Name = "x/y" }, `"/"`},
		{"empty node", func(m *value.Model) { m.Potential.Children[0].Measure = nil }, "neither"},
		{"leaf at level 2", func(m *value.Model) { m.Potential = lf("potential", 0.5) }, "indicators below"},
		{"leaf with children", func(m *value.Model) {
			m.Potential.Children[0].Children = []value.Node{lf("x", 1)}
		}, "cannot have children"},
		{"five levels", func(m *value.Model) {
			m.Potential.Children[0] = value.Node{Name: "g", Weight: 1, Children: []value.Node{
				{Name: "h", Weight: 1, Children: []value.Node{lf("x", 1)}}}}
		}, "four levels"},
		{"bad indicator", func(m *value.Model) { m.Potential.Children[0].Measure.Indicator = 99 }, "indicator"},
		{"bad method", func(m *value.Model) { m.Potential.Children[0].Measure.Method = 0 }, "method"},
		{"bad transform", func(m *value.Model) { m.Potential.Children[0].Measure.Transform = 9 }, "transform"},
		{"bad winsor", func(m *value.Model) { m.Potential.Children[0].Measure.Winsor = 0.5 }, "winsor"},
		{"bad missing", func(m *value.Model) { m.Potential.Children[0].Measure.Missing = 2 }, "missing"},
		{"bad fallback", func(m *value.Model) { m.Potential.Children[0].Measure.Fallback = 77 }, "fallback"},
		{"pairwise order", func(m *value.Model) { m.Current.Pairwise = [][]float64{{1}} }, "order 1 for 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.change(&m)
			_, err := value.NewStats(m)
			require.ErrorIs(t, err, value.ErrInvalidModel)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	t.Run("a trade indicator in a consumer's model", func(t *testing.T) {
		m := value.DefaultModel(customer.Consumer)
		m.Potential.Children[0].Children[0].Measure.Indicator = value.Turnover
		_, err := value.NewStats(m)
		require.ErrorIs(t, err, value.ErrInvalidModel)
		assert.Contains(t, err.Error(), "potential/consumption/average-order-value")
		assert.Contains(t, err.Error(), "trade data")
		_, err = value.NewStats(value.DefaultModel(customer.Intermediary))
		require.NoError(t, err, "an intermediary's model measures them")
	})
	t.Run("a weight beside a pairwise matrix", func(t *testing.T) {
		m := value.DefaultModel(customer.Consumer)
		m.Potential.Children[0].Weight = 0.9
		_, err := value.NewStats(m)
		require.ErrorIs(t, err, value.ErrInvalidModel)
		assert.Contains(t, err.Error(), "potential/consumption")
		assert.Contains(t, err.Error(), "set beside the pairwise matrix")
		r, err := value.AHP(value.ConsumerPotentialComparisons())
		require.NoError(t, err)
		m.Potential.Children[0].Weight = r.Weights[0]
		_, err = value.NewStats(m)
		require.NoError(t, err, "the weight the matrix gives may be written out")
	})
	t.Run("inconsistent pairwise names the node", func(t *testing.T) {
		m := value.DefaultModel(customer.Consumer)
		m.Potential.Pairwise = [][]float64{{1, 5, 1.0 / 5}, {1.0 / 5, 1, 5}, {5, 1.0 / 5, 1}}
		_, err := value.NewStats(m)
		require.ErrorIs(t, err, value.ErrInconsistent)
		assert.Contains(t, err.Error(), `"potential"`)
	})
}

func TestPairwiseWeightsReplaceDirectWeights(t *testing.T) {
	m := value.DefaultModel(customer.Consumer)
	s, err := value.NewStats(m)
	require.NoError(t, err)
	x := value.Indicators{Kind: customer.Consumer}
	require.NoError(t, s.Add(&x))
	sc, err := s.Scorer()
	require.NoError(t, err)
	r, err := value.AHP(value.ConsumerPotentialComparisons())
	require.NoError(t, err)
	groups := map[string]float64{}
	for _, l := range sc.Leaves() {
		if !l.InCurrent {
			groups[l.Path[len("potential/"):][:len("growth")]] += l.Weight
		}
	}
	assert.InDelta(t, 0.5*r.Weights[2], groups["growth"], 1e-12)
}

func TestEnumsText(t *testing.T) {
	for i := value.Profit; i <= value.MarketSize; i++ {
		b, err := i.MarshalText()
		require.NoError(t, err)
		var j value.Indicator
		require.NoError(t, j.UnmarshalText(b))
		assert.Equal(t, i, j)
	}
	_, err := value.ParseIndicator("nope")
	assert.Error(t, err)
	_, err = value.Indicator(0).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "Indicator(0)", value.Indicator(0).String())
	for s := value.Champions; s <= value.Lost; s++ {
		p, err := value.ParseRFMSegment(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, p)
	}
	assert.Equal(t, "cant-lose", value.CantLose.String())
	for _, m := range []value.Method{value.MinMax, value.ZScore, value.PercentileRank} {
		p, err := value.ParseMethod(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, p)
	}
	tr, err := value.ParseTransform("log")
	require.NoError(t, err)
	assert.Equal(t, value.Log, tr)
}

// A text an enum refuses leaves the value as it was: a rejected decode
// changes nothing.
func TestEnumTextRefusedLeavesValue(t *testing.T) {
	i := value.Revenue
	assert.Error(t, i.UnmarshalText([]byte("charm")))
	assert.Equal(t, value.Revenue, i)
	tr := value.Log
	assert.Error(t, tr.UnmarshalText([]byte("square")))
	assert.Equal(t, value.Log, tr)
	m := value.PercentileRank
	assert.Error(t, m.UnmarshalText([]byte("guess")))
	assert.Equal(t, value.PercentileRank, m)
}
