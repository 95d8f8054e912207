package value_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

// statsMachine checks Stats against a simple model: the list of every
// customer accepted so far. Whatever sequence of Add (valid or not) and
// Merge (of another shard, compacted or not) and Compact rapid draws, a
// rejected Add leaves the count unchanged, and the fitted scorer equals
// the one fitted on the list.
type statsMachine struct {
	model value.Model
	stats *value.Stats
	added []value.Indicators
	next  int
}

func (m *statsMachine) draw(t *rapid.T) value.Indicators {
	m.next++
	x := value.Indicators{ID: customer.ID(fmt.Sprint("c", m.next)), Kind: customer.Consumer, Currency: "EUR"}
	for _, i := range []value.Indicator{value.Profit, value.Revenue, value.Units, value.AverageOrderValue,
		value.PurchaseDays, value.Recency, value.Tenure, value.Growth} {
		if rapid.IntRange(0, 5).Draw(t, "known") > 0 {
			x.Set(i, float64(rapid.IntRange(-100, 100000).Draw(t, "v"))/4)
		}
	}
	return x
}

func (m *statsMachine) Add(t *rapid.T) {
	x := m.draw(t)
	n := m.stats.N()
	switch rapid.IntRange(0, 9).Draw(t, "fault") {
	case 0:
		x.Set(value.Revenue, math.NaN())
	case 1:
		if len(m.added) == 0 {
			return
		}
		x.Currency = "USD"
	case 2:
		x.Kind = customer.Intermediary
	default:
		require.NoError(t, m.stats.Add(&x))
		m.added = append(m.added, x)
		return
	}
	require.Error(t, m.stats.Add(&x))
	require.Equal(t, n, m.stats.N())
}

func (m *statsMachine) Merge(t *rapid.T) {
	other, err := value.NewStats(m.model)
	require.NoError(t, err)
	for range rapid.IntRange(0, 4).Draw(t, "shard") {
		x := m.draw(t)
		require.NoError(t, other.Add(&x))
		m.added = append(m.added, x)
	}
	if rapid.Bool().Draw(t, "compact the shard") {
		other.Compact()
	}
	require.NoError(t, m.stats.Merge(other))
}

// Compact sorts what was added; later Adds and Merges go on from there.
func (m *statsMachine) Compact(t *rapid.T) {
	n := m.stats.N()
	m.stats.Compact()
	require.Equal(t, n, m.stats.N())
}

// Check runs after every action.
func (m *statsMachine) Check(t *rapid.T) {
	require.Equal(t, int64(len(m.added)), m.stats.N())
}

// checkFit runs at the end of a sequence: fitting after every action
// would cost a fit per step.
func (m *statsMachine) checkFit(t *rapid.T) {
	got, err := m.stats.Scorer()
	if len(m.added) == 0 {
		require.ErrorIs(t, err, value.ErrEmpty)
		return
	}
	require.NoError(t, err)
	want, err := value.Fit(m.model, m.added)
	require.NoError(t, err)
	for i := range m.added {
		a, _ := got.Score(&m.added[i])
		b, _ := want.Score(&m.added[i])
		require.Equal(t, b, a)
	}
}

func TestStatsStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := &statsMachine{model: value.DefaultModel(customer.Consumer)}
		var err error
		m.stats, err = value.NewStats(m.model)
		require.NoError(t, err)
		if rapid.Bool().Draw(t, "start in EUR") {
			// Otherwise the first customer sets the currency: USD is then
			// accepted and a later EUR customer is the fault.
			x := m.draw(t)
			require.NoError(t, m.stats.Add(&x))
			m.added = append(m.added, x)
		}
		t.Repeat(rapid.StateMachineActions(m))
		m.checkFit(t)
	})
}

// FuzzAHP feeds arbitrary 3×3 matrices: AHP returns an error or finite
// weights that sum to 1, never a panic or NaN.
func FuzzAHP(f *testing.F) {
	f.Add(1.0, 3.0, 5.0, 1.0/3, 1.0, 3.0, 0.2, 1.0/3, 1.0)
	f.Add(1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
	f.Add(1.0, 5.0, 0.2, 0.2, 1.0, 5.0, 5.0, 0.2, 1.0)
	f.Add(1.0, math.Inf(1), 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, math.NaN())
	f.Add(1.0, 1e300, 1.0, 1e-300, 1.0, 1.0, 1.0, 1.0, 1.0)
	f.Fuzz(func(t *testing.T, a, b, c, d, e, g, h, i, j float64) {
		r, err := value.AHP([][]float64{{a, b, c}, {d, e, g}, {h, i, j}})
		if err != nil {
			return
		}
		sum := 0.0
		for _, w := range r.Weights {
			if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
				t.Fatalf("weight %v", w)
			}
			sum += w
		}
		if math.Abs(sum-1) > 1e-9 || math.IsNaN(r.CR) || r.CR >= 0.1 {
			t.Fatalf("weights %v sum %v, CR %v", r.Weights, sum, r.CR)
		}
	})
}
