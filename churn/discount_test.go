package churn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// termByTerm is the definition of DiscountedExpectedPurchases, one
// conditional expectation per period.
func termByTerm(m TransactionModel, o Observation, n int, d float64) (float64, error) {
	prev, sum := 0.0, 0.0
	for k := 1; k <= n; k++ {
		e, err := m.ConditionalExpectedPurchases(o, float64(k))
		if err != nil {
			return 0, err
		}
		sum += math.Max(e-prev, 0) / math.Pow(1+d, float64(k))
		prev = e
	}
	return sum, nil
}

// unfactored hides the factorisation of a model, so that the generic
// path is taken.
type unfactored struct{ TransactionModel }

func TestPropertyDiscountedFactorisation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		o := genObservation(t, "c")
		n := rapid.IntRange(1, 150).Draw(t, "n") // across batches of periods
		d := rapid.Float64Range(0, 0.05).Draw(t, "d")
		want, err := termByTerm(m, o, n, d)
		require.NoError(t, err)
		got, err := DiscountedExpectedPurchases(m, o, n, d)
		require.NoError(t, err)
		require.InDelta(t, want, got, 1e-12*math.Max(1, want))
		generic, err := DiscountedExpectedPurchases(unfactored{m}, o, n, d)
		require.NoError(t, err)
		require.InDelta(t, want, generic, 1e-12*math.Max(1, want))
	})
}

// The batched series of BG/NBD and MBG/NBD give g(x, T, t) of each
// period as the series of one period does, to 1e-13.
func TestPropertyAliveExpectationsBatched(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m, ok := genModel(t).(aliveBatched)
		if !ok {
			t.Skip("Pareto/NBD: one period at a time")
		}
		o := genObservation(t, "")
		t0 := rapid.IntRange(1, 400).Draw(t, "first period")
		out := make([]float64, rapid.IntRange(1, maxBatch).Draw(t, "periods"))
		require.True(t, m.aliveExpectations(o.Frequency, o.T, t0, out))
		f := m.(aliveFactored)
		for j, got := range out {
			want, ok := f.aliveExpectation(o.Frequency, o.T, float64(t0+j))
			require.True(t, ok)
			require.InDelta(t, want, got, 1e-13*math.Max(1, math.Abs(want)), "period %d", t0+j)
		}
	})
	var g [maxBatch + 1]float64
	require.False(t, BGNBD{R: 1, Alpha: 1, A: 1, B: 1}.aliveExpectations(1, 10, 1, g[:]), "more periods than a batch")
	require.False(t, BGNBD{R: 1, Alpha: 1, A: 1, B: 1}.aliveExpectations(1, 10, 0, g[:1]), "period 0")
}

func TestPropertyDiscountedAllEqualsOne(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		// Few distinct (x, T), many customers: the shared sums are used.
		base := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Observation { return genObservation(t, "") }), 1, 4).Draw(t, "base")
		obs := make([]Observation, rapid.IntRange(1, 3000).Draw(t, "customers"))
		for i := range obs {
			o := base[i%len(base)]
			o.Recency = o.Recency * float64(i%7) / 7
			obs[i] = o
		}
		n := rapid.IntRange(1, 30).Draw(t, "n")
		d := rapid.Float64Range(0, 0.05).Draw(t, "d")
		for _, mm := range []TransactionModel{m, unfactored{m}} {
			out := make([]float64, len(obs))
			require.NoError(t, DiscountedExpectedPurchasesAll(mm, obs, n, d, out))
			for i, o := range obs {
				one, err := DiscountedExpectedPurchases(mm, o, n, d)
				require.NoError(t, err)
				require.Equal(t, math.Float64bits(one), math.Float64bits(out[i]), "customer %d: %v vs %v", i, one, out[i])
			}
		}
	})
}

func TestDiscountedExpectedPurchasesAllErrors(t *testing.T) {
	m := BGNBD{R: 0.24, Alpha: 4.41, A: 0.79, B: 2.43}
	obs := make([]Observation, 5000)
	for i := range obs {
		obs[i] = Observation{Frequency: float64(i % 5), Recency: float64(i % 5), T: 40}
	}
	out := make([]float64, len(obs))

	require.ErrorIs(t, DiscountedExpectedPurchasesAll(nil, obs, 52, 0.01, out), ErrInvalidParams)
	require.ErrorIs(t, DiscountedExpectedPurchasesAll(m, obs, 52, 0.01, out[:1]), ErrInvalidInput)
	require.ErrorIs(t, DiscountedExpectedPurchasesAll(BGNBD{R: -1, Alpha: 1, A: 1, B: 1}, obs, 52, 0.01, out), ErrInvalidParams)

	var ie *InputError
	require.ErrorAs(t, DiscountedExpectedPurchasesAll(m, obs, 0, 0.01, out), &ie)
	require.Equal(t, "periods", ie.Fields[0].Field)
	require.ErrorAs(t, DiscountedExpectedPurchasesAll(m, obs, 52, math.NaN(), out), &ie)
	require.Equal(t, "discount_rate", ie.Fields[0].Field)

	// The first bad observation is named by its index, on every path.
	bad := append([]Observation(nil), obs...)
	bad[3001] = Observation{ID: "x", Frequency: 2, Recency: 50, T: 40}
	bad[4002] = Observation{ID: "y", Frequency: -1, T: 40}
	for _, mm := range []TransactionModel{m, unfactored{m}} {
		err := DiscountedExpectedPurchasesAll(mm, bad, 52, 0.01, out)
		require.ErrorAs(t, err, &ie, "%T", mm)
		require.Equal(t, 3001, ie.Index)
		require.Equal(t, "x", ie.ID)
	}
	require.NoError(t, DiscountedExpectedPurchasesAll(m, obs, 52, 0.01, out))
	one, err := DiscountedExpectedPurchases(m, obs[4999], 52, 0.01)
	require.NoError(t, err)
	require.Equal(t, one, out[4999])
}

// TestCLVErrorNamesCustomer: a bad mean spend or a spend model without a
// finite mean is reported with the customer's ID, as a bad observation is.
func TestCLVErrorNamesCustomer(t *testing.T) {
	m := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	o := Observation{ID: "c-17", Frequency: 2, Recency: 30, T: 38}
	for _, z := range []float64{math.NaN(), math.Inf(1), 2e15} {
		var ie *InputError
		_, err := CLV(m, gg, o, z, 52, 0.002)
		require.ErrorAs(t, err, &ie, "mean spend %v", z)
		require.Equal(t, "c-17", ie.ID)
		require.Equal(t, "mean_spend", ie.Fields[0].Field)
		require.Contains(t, err.Error(), "c-17")
	}
	_, err := CLV(m, GammaGamma{P: 1, Q: 0.5, V: 1}, Observation{ID: "new-3", T: 10}, 0, 52, 0.002)
	require.ErrorIs(t, err, ErrInvalidParams)
	require.Contains(t, err.Error(), "new-3")
}
