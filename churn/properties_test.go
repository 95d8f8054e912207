package churn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mathext"
	"pgregory.net/rapid"
)

// transactionModels draws any of the three models with parameters in a
// wide but plausible range (time scales for days or weeks).
func genModel(t *rapid.T) TransactionModel {
	r := rapid.Float64Range(0.05, 5).Draw(t, "r")
	alpha := rapid.Float64Range(0.5, 500).Draw(t, "alpha")
	switch rapid.IntRange(0, 2).Draw(t, "model") {
	case 0:
		return BGNBD{R: r, Alpha: alpha, A: rapid.Float64Range(0.05, 10).Draw(t, "a"), B: rapid.Float64Range(0.05, 20).Draw(t, "b")}
	case 1:
		return MBGNBD{R: r, Alpha: alpha, A: rapid.Float64Range(0.05, 10).Draw(t, "a"), B: rapid.Float64Range(0.05, 20).Draw(t, "b")}
	default:
		return ParetoNBD{R: r, Alpha: alpha, S: rapid.Float64Range(0.05, 5).Draw(t, "s"), Beta: rapid.Float64Range(0.5, 500).Draw(t, "beta")}
	}
}

func TestPropertyScoresInRange(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		o := genObservation(t, "")
		h := rapid.Float64Range(0, 400).Draw(t, "horizon")
		s, err := m.Score(o, h)
		require.NoError(t, err)
		require.True(t, s.PAlive >= 0 && s.PAlive <= 1, "P(alive) %v", s.PAlive)
		require.True(t, finite(s.ExpectedPurchases) && s.ExpectedPurchases >= 0, "E %v", s.ExpectedPurchases)
		e, err := m.ExpectedPurchases(h)
		require.NoError(t, err)
		require.True(t, finite(e) && e >= 0)
		if lm, ok := m.(interface {
			LogLikelihood(Observation) (float64, error)
		}); ok {
			ll, err := lm.LogLikelihood(o)
			require.NoError(t, err)
			require.True(t, finite(ll)) // a density in t_x: may exceed 1
		}
	})
}

// P(alive) does not increase with the time since the last purchase T − t_x
// (x and t_x fixed); expected purchases do not decrease with the horizon.
func TestPropertyMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genModel(t)
		o := genObservation(t, "")
		dT := rapid.Float64Range(0, 1000).Draw(t, "dT")
		p1, err := m.PAlive(o)
		require.NoError(t, err)
		later := o
		later.T += dT
		p2, err := m.PAlive(later)
		require.NoError(t, err)
		require.LessOrEqual(t, p2, p1+1e-12)
		pa, err := PAliveAt(m, o, dT)
		require.NoError(t, err)
		require.Equal(t, p2, pa)

		h1 := rapid.Float64Range(0, 300).Draw(t, "h1")
		h2 := h1 + rapid.Float64Range(0, 300).Draw(t, "dh")
		e1, err := m.ConditionalExpectedPurchases(o, h1)
		require.NoError(t, err)
		e2, err := m.ConditionalExpectedPurchases(o, h2)
		require.NoError(t, err)
		require.LessOrEqual(t, e1, e2*(1+1e-12)+1e-12)
		u1, err := m.ExpectedPurchases(h1)
		require.NoError(t, err)
		u2, err := m.ExpectedPurchases(h2)
		require.NoError(t, err)
		require.LessOrEqual(t, u1, u2*(1+1e-12)+1e-12)
	})
}

// P(X(t)=n) sums to 1 over n and its mean is E[X(t)].
func TestProbPurchasesIsADistribution(t *testing.T) {
	models := []interface {
		TransactionModel
		ProbPurchases(int, float64) (float64, error)
	}{
		BGNBD{R: 0.242595, Alpha: 4.4136, A: 0.792922, B: 2.425906},
		MBGNBD{R: 0.524843, Alpha: 6.183082, A: 0.891360, B: 1.614003},
		ParetoNBD{R: 0.553277, Alpha: 10.577732, S: 0.606209, Beta: 11.667659},
		BGNBD{R: 2, Alpha: 3, A: 3, B: 5},
		ParetoNBD{R: 1.5, Alpha: 2, S: 1, Beta: 40},
	}
	for _, m := range models {
		for _, h := range []float64{1, 39, 78} {
			var sum, mean float64
			for n := 0; n < 3000; n++ {
				p, err := m.ProbPurchases(n, h)
				require.NoError(t, err)
				require.True(t, p >= 0 && p <= 1)
				sum += p
				mean += float64(n) * p
				if n > 50 && float64(n)*p < 1e-17 {
					break
				}
			}
			e, err := m.ExpectedPurchases(h)
			require.NoError(t, err)
			closeTo(t, 1, sum, 1e-9, m.Name(), h)
			closeTo(t, e, mean, 1e-8, m.Name(), h)
		}
	}
}

// Customers with hundreds of purchases and ten years of history (days):
// finite values, equal to the naive formulas wherever those are finite.
func TestLargeFrequencyLongHistory(t *testing.T) {
	bg := BGNBD{R: 0.242595, Alpha: 4.4136 * 7, A: 0.792922, B: 2.425906}
	naiveBG := func(x, tx, T, t float64) (float64, float64) {
		r, al, a, b := bg.R, bg.Alpha, bg.A, bg.B
		den := 1 + a/(b+x-1)*math.Pow((al+T)/(al+tx), r+x)
		z := t / (al + T + t)
		num := (a + b + x - 1) / (a - 1) * (1 - math.Pow((al+T)/(al+T+t), r+x)*mathext.Hypergeo(r+x, b+x, a+b+x-1, z))
		return 1 / den, num / den
	}
	for _, o := range []Observation{
		{Frequency: 500, Recency: 3000, T: 3650},
		{Frequency: 500, Recency: 3640, T: 3650},
		{Frequency: 200, Recency: 3600, T: 3650},
		{Frequency: 60, Recency: 1000, T: 3650},
	} {
		s, err := bg.Score(o, 273)
		require.NoError(t, err)
		pa, e := naiveBG(o.Frequency, o.Recency, o.T, 273)
		closeTo(t, pa, s.PAlive, 1e-9, o)
		if finite(e) {
			closeTo(t, e, s.ExpectedPurchases, 1e-7, o)
		}
	}
	// Far beyond the naive range: still finite and sensible.
	for _, o := range []Observation{{Frequency: 5000, Recency: 3649, T: 3650}, {Frequency: 20000, Recency: 100, T: 3650}} {
		for _, m := range []TransactionModel{bg, MBGNBD(bg), ParetoNBD{R: 0.55, Alpha: 74, S: 0.6, Beta: 81.7}} {
			s, err := m.Score(o, 273)
			require.NoError(t, err, m.Name())
			require.True(t, s.PAlive >= 0 && s.PAlive <= 1)
			require.True(t, finite(s.ExpectedPurchases) && s.ExpectedPurchases >= 0)
			ll, err := m.(interface {
				LogLikelihood(Observation) (float64, error)
			}).LogLikelihood(o)
			require.NoError(t, err)
			require.True(t, finite(ll))
		}
	}
	// Pareto/NBD: log-space against the naive formula (gonum's 2F1,
	// direct powers) where the naive one is finite, and finite beyond.
	pn := ParetoNBD{R: 0.55, Alpha: 74, S: 0.6, Beta: 81.7}
	naivePA := func(x, tx, T float64) float64 {
		r, al, s, be := pn.R, pn.Alpha, pn.S, pn.Beta
		a1 := r + s + x
		f := func(t float64) float64 {
			return mathext.Hypergeo(a1, r+x, a1+1, (be-al)/(be+t)) / math.Pow(be+t, a1)
		}
		a0 := f(tx) - f(T)
		return 1 / (1 + s/a1*math.Pow(al+T, r+x)*math.Pow(be+T, s)*a0)
	}
	for _, o := range []Observation{{Frequency: 20, Recency: 300, T: 365}, {Frequency: 60, Recency: 3000, T: 3650}, {Frequency: 5, Recency: 10, T: 3650}} {
		got, err := pn.PAlive(o)
		require.NoError(t, err)
		want := naivePA(o.Frequency, o.Recency, o.T)
		require.True(t, finite(want))
		closeTo(t, want, got, 1e-8, o)
	}
	o := Observation{Frequency: 500, Recency: 3000, T: 3650}
	require.False(t, finite(naivePA(o.Frequency, o.Recency, o.T)) && naivePA(o.Frequency, o.Recency, o.T) > 0)
	got, err := pn.PAlive(o)
	require.NoError(t, err)
	require.True(t, got >= 0 && got <= 1)
}

func TestModelsRejectBadParamsAndInputs(t *testing.T) {
	o := Observation{Frequency: 1, Recency: 1, T: 2}
	for _, m := range []TransactionModel{
		BGNBD{R: -1, Alpha: 1, A: 1, B: 1}, MBGNBD{R: 1, Alpha: math.NaN(), A: 1, B: 1},
		ParetoNBD{R: 1, Alpha: 1, S: 0, Beta: 1}, BGNBD{R: 1, Alpha: math.Inf(1), A: 1, B: 1},
	} {
		_, err := m.PAlive(o)
		require.ErrorIs(t, err, ErrInvalidParams, m.Name())
		_, err = m.Score(o, 1)
		require.ErrorIs(t, err, ErrInvalidParams)
		_, err = m.ExpectedPurchases(1)
		require.ErrorIs(t, err, ErrInvalidParams)
	}
	good := []TransactionModel{BGNBD{1, 1, 1, 1}, MBGNBD{1, 1, 1, 1}, ParetoNBD{1, 1, 1, 1}}
	for _, m := range good {
		_, err := m.PAlive(Observation{Frequency: -1, T: 2})
		require.ErrorIs(t, err, ErrInvalidInput)
		_, err = m.Score(o, math.NaN())
		require.ErrorIs(t, err, ErrInvalidInput)
		_, err = m.ExpectedPurchases(-1)
		require.ErrorIs(t, err, ErrInvalidInput)
		// a = 1 and s = 1 are removable singularities, not errors.
		e, err := m.ExpectedPurchases(10)
		require.NoError(t, err)
		require.True(t, finite(e) && e > 0)
	}
	// Values at a = 1 (s = 1) sit between the neighbours.
	for _, mk := range []func(v float64) TransactionModel{
		func(v float64) TransactionModel { return BGNBD{R: 0.5, Alpha: 3, A: v, B: 2} },
		func(v float64) TransactionModel { return MBGNBD{R: 0.5, Alpha: 3, A: v, B: 2} },
		func(v float64) TransactionModel { return ParetoNBD{R: 0.5, Alpha: 3, S: v, Beta: 2} },
	} {
		lo, _ := mk(1-1e-7).ConditionalExpectedPurchases(o, 20)
		mid, _ := mk(1).ConditionalExpectedPurchases(o, 20)
		hi, _ := mk(1+1e-7).ConditionalExpectedPurchases(o, 20)
		require.InDelta(t, (lo+hi)/2, mid, 1e-6)
	}
}

// TestPropertySpendMonotone: the Gamma-Gamma expected spend of a repeat
// customer never falls as the customer's mean spend rises, whatever the
// sign of the mean (a mean at or below 0 is the least evidence), and lies
// between the means it weighs.
func TestPropertySpendMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := GammaGamma{P: rapid.Float64Range(0.1, 20).Draw(t, "p"), Q: rapid.Float64Range(1.01, 100).Draw(t, "q"), V: rapid.Float64Range(0.1, 1e5).Draw(t, "v")}
		x := float64(rapid.IntRange(1, 200).Draw(t, "x"))
		z1 := rapid.Float64Range(-1e4, 1e4).Draw(t, "z1")
		z2 := z1 + rapid.Float64Range(0, 1e4).Draw(t, "dz")
		e1, err := m.ConditionalExpectedSpend(x, z1)
		require.NoError(t, err)
		e2, err := m.ConditionalExpectedSpend(x, z2)
		require.NoError(t, err)
		require.LessOrEqual(t, e1, e2*(1+1e-12))
		pop, err := m.ExpectedSpend()
		require.NoError(t, err)
		lo, hi := min(pop, max(z1, 0)), max(pop, max(z1, 0))
		require.GreaterOrEqual(t, e1, lo*(1-1e-12))
		require.LessOrEqual(t, e1, hi*(1+1e-12))
	})
}

// Pareto/NBD P(X(t)=n) stays a distribution with mean E[X(t)] when the
// lifetimes are far shorter than the time scales α and β (a huge s: the
// death density sβ^s/(β+τ)^{s+1} lives on τ ≲ β/s) and when a large r
// concentrates the purchase count.
func TestParetoProbPurchasesShortLifetimes(t *testing.T) {
	for _, m := range []ParetoNBD{
		{R: 2, Alpha: 5, S: 1e4, Beta: 5},
		{R: 300, Alpha: 0.5, S: 1e4, Beta: 5},
		{R: 0.55, Alpha: 10.58, S: 1e4, Beta: 1e-4},
		{R: 0.55, Alpha: 10.58, S: 500, Beta: 0.5},
		{R: 300, Alpha: 30, S: 2, Beta: 50},
	} {
		for _, h := range []float64{1, 39, 365} {
			e, err := m.ExpectedPurchases(h)
			require.NoError(t, err)
			var sum, mean float64
			for n := 0; ; n++ {
				p, err := m.ProbPurchases(n, h)
				require.NoError(t, err)
				sum += p
				mean += float64(n) * p
				if float64(n) > 3*e+100 && float64(n)*p < 1e-17 {
					break
				}
			}
			closeTo(t, 1, sum, 1e-9, m, h)
			relClose(t, e, mean, 1e-7, m, h)
		}
	}
}
