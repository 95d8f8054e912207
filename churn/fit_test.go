package churn

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFitNoConvergenceWithinBudget(t *testing.T) {
	g := groupsOf(t, cdnowExactWeeks(t).cal)
	_, err := FitBGNBD(g, &FitOptions{MaxIterations: 3})
	var ce *ConvergenceError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, ErrNoConvergence)
	require.Equal(t, "bgnbd", ce.Model)
	require.Len(t, ce.Params, 4)
	require.True(t, finite(ce.LogLikelihood) && ce.LogLikelihood < 0)
	require.Greater(t, ce.GradientNorm, 0.0)
	require.Contains(t, err.Error(), "iteration budget")

	pfit, err := FitParetoNBD(g, &FitOptions{MaxIterations: 2})
	require.ErrorAs(t, err, &ce)
	require.False(t, pfit.Converged)
	require.True(t, finite(pfit.LogLikelihood))
}

func TestFitStartValues(t *testing.T) {
	g := groupsOf(t, cdnowExactWeeks(t).cal)
	fit, err := FitBGNBD(g, &FitOptions{Start: []float64{0.3, 5, 1, 3}})
	require.NoError(t, err)
	closeTo(t, 0.242595, fit.Model.R, 1e-6)
	_, err = FitBGNBD(g, &FitOptions{Start: []float64{0.3, 5, 1}})
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = FitBGNBD(g, &FitOptions{Start: []float64{0.3, -5, 1, 1}})
	require.ErrorIs(t, err, ErrInvalidInput)
}

// Options out of range are errors naming the option, for every fit; they
// are not quietly replaced by the defaults.
func TestFitBadOptions(t *testing.T) {
	g := groupsOf(t, cdnowExactWeeks(t).cal)
	spend, err := GroupSpend(cdnowSpend(t))
	require.NoError(t, err)
	fits := map[string]struct {
		n   int // parameters
		fit func(*FitOptions) error
	}{
		"bgnbd":      {4, func(o *FitOptions) error { _, err := FitBGNBD(g, o); return err }},
		"mbgnbd":     {4, func(o *FitOptions) error { _, err := FitMBGNBD(g, o); return err }},
		"paretonbd":  {4, func(o *FitOptions) error { _, err := FitParetoNBD(g, o); return err }},
		"gammagamma": {3, func(o *FitOptions) error { _, err := FitGammaGamma(spend, o); return err }},
	}
	// start returns n start values of 1 with v at position i.
	start := func(n, i int, v float64) []float64 {
		s := []float64{1, 1, 1, 1}[:n]
		s[i] = v
		return s
	}
	for name, m := range fits {
		cases := []struct {
			opts *FitOptions
			want string
		}{
			{&FitOptions{MaxIterations: -1}, "churn: option MaxIterations = -1: must not be negative (0 for the default)"},
			{&FitOptions{GradientTolerance: math.NaN()}, "churn: option GradientTolerance = NaN: must be finite and not negative (0 for the default)"},
			{&FitOptions{GradientTolerance: math.Inf(1)}, "churn: option GradientTolerance = +Inf: must be finite and not negative (0 for the default)"},
			{&FitOptions{GradientTolerance: -1e-6}, "churn: option GradientTolerance = -1e-06: must be finite and not negative (0 for the default)"},
			{&FitOptions{Start: []float64{1, 1}}, fmt.Sprintf("churn: option Start = 2: 2 start values, want %d", m.n)},
			{&FitOptions{Start: start(m.n, 1, math.Inf(1))}, "churn: option Start[1] = +Inf: must be finite and positive"},
			{&FitOptions{Start: start(m.n, 0, 0)}, "churn: option Start[0] = 0: must be finite and positive"},
			{&FitOptions{Start: start(m.n, 2, 1e9)}, "churn: option Start[2] = 1e+09: out of range"},
		}
		for _, c := range cases {
			err := m.fit(c.opts)
			var oe *OptionError
			require.ErrorAs(t, err, &oe, "%s %+v", name, *c.opts)
			require.ErrorIs(t, err, ErrInvalidInput)
			require.Contains(t, err.Error(), c.want, name)
			require.NotContains(t, err.Error(), "customer", name)
		}
		// Zero fields are the defaults.
		require.NoError(t, m.fit(&FitOptions{}), name)
	}
}

// A population in which nobody ever drops out (everyone buys every week up
// to the end) pushes the dropout parameters to the boundary: the fit says
// so with a typed error and returns finite parameters with the best
// likelihood found.
func TestFitBoundary(t *testing.T) {
	var obs []Observation
	for i := 0; i < 200; i++ {
		T := float64(20 + i%20)
		obs = append(obs, Observation{Frequency: T, Recency: T, T: T})
	}
	g := groupsOf(t, obs)
	for _, fit := range []func() (FitInfo, []Param, error){
		func() (FitInfo, []Param, error) { f, err := FitBGNBD(g, nil); return f.FitInfo, f.Params(), err },
		func() (FitInfo, []Param, error) { f, err := FitMBGNBD(g, nil); return f.FitInfo, f.Params(), err },
		func() (FitInfo, []Param, error) { f, err := FitParetoNBD(g, nil); return f.FitInfo, f.Params(), err },
	} {
		info, ps, err := fit()
		var be *BoundaryError
		require.ErrorAs(t, err, &be)
		require.ErrorIs(t, err, ErrBoundary)
		require.NotEmpty(t, be.Names)
		require.True(t, finite(info.LogLikelihood))
		for _, p := range ps {
			require.True(t, finite(p.Value) && p.Value > 0, p)
			require.True(t, finite(p.StdErr))
		}
		require.False(t, errors.Is(err, ErrNoConvergence))
	}
}

func TestParamNames(t *testing.T) {
	g := groupsOf(t, cdnowExactWeeks(t).cal)
	bg, err := FitBGNBD(g, nil)
	require.NoError(t, err)
	mb, err := FitMBGNBD(g, nil)
	require.NoError(t, err)
	pn, err := FitParetoNBD(g, nil)
	require.NoError(t, err)
	sg, err := GroupSpend(cdnowExactWeeks(t).spend)
	require.NoError(t, err)
	gg, err := FitGammaGamma(sg, nil)
	require.NoError(t, err)
	names := func(ps []Param) []string {
		var out []string
		for _, p := range ps {
			require.Greater(t, p.StdErr, 0.0, p.Name)
			out = append(out, p.Name)
		}
		return out
	}
	require.Equal(t, []string{"r", "alpha", "a", "b"}, names(bg.Params()))
	require.Equal(t, []string{"r", "alpha", "a", "b"}, names(mb.Params()))
	require.Equal(t, []string{"r", "alpha", "s", "beta"}, names(pn.Params()))
	require.Equal(t, []string{"p", "q", "v"}, names(gg.Params()))
	require.Equal(t, bg.Model.Params()[2].Value, bg.Params()[2].Value)
	// Params returns a copy.
	ps := bg.Params()
	ps[0].Value = -1
	require.Equal(t, bg.Model.R, bg.Params()[0].Value)
	// Independent check of the standard errors: the Hessian of the total
	// log-likelihood in the natural parameters by second differences of
	// function values only.
	m := bg.Model
	p0 := []float64{m.R, m.Alpha, m.A, m.B}
	ll := func(p []float64) float64 {
		v, err := BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}.TotalLogLikelihood(g)
		require.NoError(t, err)
		return v
	}
	var h [16]float64
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			hi, hj := 1e-3*p0[i], 1e-3*p0[j]
			at := func(si, sj float64) float64 {
				p := append([]float64(nil), p0...)
				p[i] += si * hi
				p[j] += sj * hj
				return ll(p)
			}
			h[i*4+j] = -(at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * hi * hj)
		}
	}
	inv, ok := invertSPD(4, h)
	require.True(t, ok)
	for i, p := range bg.Params() {
		relClose(t, math.Sqrt(inv[i*4+i]), p.StdErr, 1e-3, p.Name)
	}
}

func TestCLV(t *testing.T) {
	hc := cdnowExactWeeks(t)
	g := groupsOf(t, hc.cal)
	bg, err := FitBGNBD(g, nil)
	require.NoError(t, err)
	sg, err := GroupSpend(hc.spend)
	require.NoError(t, err)
	gg, err := FitGammaGamma(sg, nil)
	require.NoError(t, err)
	o := Observation{Frequency: 2, Recency: 30.43, T: 38.86}
	// Undiscounted, the sum of per-period increments is E[Y(n)].
	d0, err := DiscountedExpectedPurchases(bg.Model, o, 52, 0)
	require.NoError(t, err)
	e52, err := bg.Model.ConditionalExpectedPurchases(o, 52)
	require.NoError(t, err)
	closeTo(t, e52, d0, 1e-12)
	// By hand: Σ_k (E[Y(k)] − E[Y(k−1)]) / 1.01^k.
	want, prev := 0.0, 0.0
	for k := 1; k <= 52; k++ {
		e, err := bg.Model.ConditionalExpectedPurchases(o, float64(k))
		require.NoError(t, err)
		want += (e - prev) / math.Pow(1.01, float64(k))
		prev = e
	}
	d1, err := DiscountedExpectedPurchases(bg.Model, o, 52, 0.01)
	require.NoError(t, err)
	closeTo(t, want, d1, 1e-12)
	require.Less(t, d1, d0)
	spend, err := gg.Model.ConditionalExpectedSpend(2, 22.35)
	require.NoError(t, err)
	// Note 025: the conditional mean lies between the population mean and z̄.
	pop, err := gg.Model.ExpectedSpend()
	require.NoError(t, err)
	require.True(t, spend > min(pop, 22.35) && spend < max(pop, 22.35))
	clv, err := CLV(bg.Model, gg.Model, o, 22.35, 52, 0.01)
	require.NoError(t, err)
	closeTo(t, spend*d1, clv, 1e-12)
	// Frequency 0 uses the population mean spend.
	clv0, err := CLV(bg.Model, gg.Model, Observation{T: 38.86}, 0, 52, 0.01)
	require.NoError(t, err)
	d00, _ := DiscountedExpectedPurchases(bg.Model, Observation{T: 38.86}, 52, 0.01)
	closeTo(t, pop*d00, clv0, 1e-12)
	// Bad inputs.
	_, err = CLV(bg.Model, gg.Model, o, 22.35, 0, 0.01)
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = CLV(bg.Model, gg.Model, o, 22.35, 12, -0.5)
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = CLV(bg.Model, GammaGamma{P: 1, Q: 0.5, V: 1}, Observation{T: 3}, 0, 12, 0)
	require.ErrorIs(t, err, ErrInvalidParams)
}

func TestScoreAllMatchesScore(t *testing.T) {
	base := cdnowExactWeeks(t).cal
	obs := perturbed(base, 5)
	m := ParetoNBD{R: 0.553277, Alpha: 10.577732, S: 0.606209, Beta: 11.667659}
	out := make([]Score, len(obs))
	for _, model := range []TransactionModel{m, BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591}, MBGNBD{R: 0.5, Alpha: 6, A: 0.9, B: 1.6}} {
		require.NoError(t, ScoreAll(model, obs, 39, out))
		for i := range obs {
			s, err := model.Score(obs[i], 39)
			require.NoError(t, err)
			require.Equal(t, s, out[i])
		}
	}
	bad := append([]Observation(nil), obs...)
	bad[9000].T = math.NaN()
	bad[11000].T = -1
	err := ScoreAll(m, bad, 39, out)
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, 9000, ie.Index)
	require.ErrorIs(t, ScoreAll(m, obs, 39, out[:3]), ErrInvalidInput)
	require.ErrorIs(t, ScoreAll(BGNBD{}, obs, 39, out), ErrInvalidParams)
}

func FuzzObservation(f *testing.F) {
	f.Add(2.0, 30.43, 38.86, 39.0)
	f.Add(0.0, 0.0, 1.0, 0.0)
	f.Add(500.0, 3000.0, 3650.0, 273.0)
	f.Add(-1.0, math.NaN(), math.Inf(1), -3.0)
	f.Add(1.5, 2.0, 1.0, 1e300)
	models := []TransactionModel{
		BGNBD{R: 0.242595, Alpha: 4.4136, A: 0.792922, B: 2.425906},
		MBGNBD{R: 0.524843, Alpha: 6.183082, A: 0.891360, B: 1.614003},
		ParetoNBD{R: 0.553277, Alpha: 10.577732, S: 0.606209, Beta: 11.667659},
	}
	f.Fuzz(func(t *testing.T, x, tx, T, h float64) {
		o := Observation{Frequency: x, Recency: tx, T: T}
		verr := o.Validate()
		for _, m := range models {
			s, err := m.Score(o, h)
			if verr != nil {
				require.ErrorIs(t, err, ErrInvalidInput)
				continue
			}
			if err != nil {
				require.True(t, errors.Is(err, ErrInvalidInput) || errors.Is(err, ErrNumerical), err)
				continue
			}
			require.True(t, s.PAlive >= 0 && s.PAlive <= 1)
			require.True(t, finite(s.ExpectedPurchases) && s.ExpectedPurchases >= 0)
		}
	})
}
