package churn

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// gammaVariate draws from Gamma(shape k, rate 1) by Marsaglia & Tsang
// (2000), "A Simple Method for Generating Gamma Variables", ACM TOMS
// 26(3):363–372, with the boost U^{1/k} for k < 1.
func gammaVariate(rng *rand.Rand, k float64) float64 {
	if k < 1 {
		return gammaVariate(rng, k+1) * math.Pow(rng.Float64(), 1/k)
	}
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// simulateParetoNBD draws n customers from the Pareto/NBD model with
// parameters (r, α, s, β), T uniform in [tMin, tMax] (days): λ ~ Gamma(r, α),
// μ ~ Gamma(s, β) (rates; β = +Inf means μ = 0, nobody drops out, i.e.
// NBD data), lifetime τ ~ Exp(μ), purchases a Poisson process of rate λ on
// (0, min(τ, T)]. Frequency counts repeat purchases and Recency is the time
// of the last one (0 without any).
func simulateParetoNBD(seed uint64, n int, r, alpha, s, beta, tMin, tMax float64) []Observation {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	obs := make([]Observation, n)
	for i := range obs {
		T := tMin + (tMax-tMin)*rng.Float64()
		lam := gammaVariate(rng, r) / alpha
		end := T
		if !math.IsInf(beta, 1) {
			mu := gammaVariate(rng, s) / beta
			end = math.Min(T, rng.ExpFloat64()/mu)
		}
		x, t := 0.0, 0.0
		for {
			next := t + rng.ExpFloat64()/lam
			if next > end {
				break
			}
			t = next
			x++
		}
		// Round to 1e-3 days so that T and recency print exactly.
		T = math.Round(T*1000) / 1000
		t = math.Min(math.Round(t*1000)/1000, T)
		obs[i] = Observation{Frequency: x, Recency: t, T: T}
	}
	return obs
}

// longHistory is 2,000 customers observed for 1,000 to 3,650 days, buying
// about every 12 days on average (frequencies into the hundreds), with
// almost no dropout (mean lifetime 1e6 days).
func longHistory() []Observation {
	return simulateParetoNBD(1, 2000, 1.5, 18, 1, 1e6, 1000, 3650)
}

// longHistoryNoDropout is longHistory with no dropout at all (NBD data).
func longHistoryNoDropout() []Observation {
	return simulateParetoNBD(2, 2000, 1.5, 18, 1, math.Inf(1), 1000, 3650)
}

func TestSimulatedLongHistoryShape(t *testing.T) {
	for _, obs := range [][]Observation{longHistory(), longHistoryNoDropout()} {
		maxX, repeat := 0.0, 0
		for _, o := range obs {
			if err := o.Validate(); err != nil {
				t.Fatal(err)
			}
			maxX = math.Max(maxX, o.Frequency)
			if o.Frequency > 0 {
				repeat++
			}
		}
		if maxX < 300 || repeat < 1500 {
			t.Fatalf("max frequency %v, %d repeat buyers", maxX, repeat)
		}
	}
}

func BenchmarkFitParetoNBD_LongHistory(b *testing.B) {
	benchFit(b, longHistory(), func(g *Groups) error { _, err := FitParetoNBD(g, nil); return err })
}

func BenchmarkFitParetoNBD_LongHistoryNoDropout(b *testing.B) {
	benchFit(b, longHistoryNoDropout(), func(g *Groups) error {
		_, err := FitParetoNBD(g, nil)
		if errors.Is(err, ErrBoundary) {
			return nil
		}
		return err
	})
}

// BenchmarkFitParetoNBD_LongHistoryRidge fits data whose dropout rate is
// nearly the same for everyone (s = 1000, β = 1e7 days): the fit follows
// the ridge s, β → ∞ with s/β fixed, where no ₂F₁ series is fast and
// every likelihood term is integrated directly.
func BenchmarkFitParetoNBD_LongHistoryRidge(b *testing.B) {
	benchFit(b, simulateParetoNBD(2, 2000, 1.5, 18, 1000, 1e7, 1000, 3650), func(g *Groups) error {
		_, err := FitParetoNBD(g, nil)
		if errors.Is(err, ErrBoundary) {
			return nil
		}
		return err
	})
}

// BenchmarkFitParetoNBD_WeeklyNoDropout fits 2,000 customers observed
// for 30 to 40 weeks who never drop out: few purchases each, the argument
// of ₂F₁ within 1e-5 of 1, so most likelihood terms are integrated
// directly.
func BenchmarkFitParetoNBD_WeeklyNoDropout(b *testing.B) {
	benchFit(b, simulateParetoNBD(2, 2000, 1.5, 18, 1, math.Inf(1), 30, 40), func(g *Groups) error {
		_, err := FitParetoNBD(g, nil)
		if errors.Is(err, ErrBoundary) {
			return nil
		}
		return err
	})
}

func BenchmarkFitBGNBD_LongHistory(b *testing.B) {
	benchFit(b, longHistory(), func(g *Groups) error { _, err := FitBGNBD(g, nil); return err })
}

// On longHistory the fit is interior (a little dropout is estimated),
// converges with standard errors, recovers the purchase process and is a
// maximum of the likelihood it reports.
func TestFitParetoNBD_LongHistory(t *testing.T) {
	g := groupsOf(t, longHistory())
	fit, err := FitParetoNBD(g, nil)
	require.NoError(t, err)
	require.True(t, fit.Converged)
	require.True(t, fit.StdErrOK)
	ps := fit.Params()
	for i, want := range []float64{1.5, 18} {
		require.InDelta(t, want, ps[i].Value, 4*ps[i].StdErr, ps[i].Name)
	}
	ll, err := fit.Model.TotalLogLikelihood(g)
	require.NoError(t, err)
	relClose(t, ll, fit.LogLikelihood, 1e-12)
	m := fit.Model
	for i := 0; i < 4; i++ {
		for _, f := range []float64{0.999, 1.001} {
			p := []float64{m.R, m.Alpha, m.S, m.Beta}
			p[i] *= f
			lp, err := ParetoNBD{R: p[0], Alpha: p[1], S: p[2], Beta: p[3]}.TotalLogLikelihood(g)
			require.NoError(t, err)
			require.Less(t, lp, fit.LogLikelihood, "parameter %d × %v", i, f)
		}
	}
}

// nbdMaxLogLik is the maximum (and its r, α) over (r, α) of the NBD log-likelihood
// Σ ln[Γ(r+x)α^r / (Γ(r)(α+T)^{r+x})], the common limit of the three
// transaction models when nobody drops out (β → ∞ for Pareto/NBD, a → 0
// for BG/NBD and MBG/NBD).
func nbdMaxLogLik(t *testing.T, g *Groups) (ll, r, alpha float64) {
	gs := g.Slice()
	n := float64(g.Customers())
	nll := func(th []float64) float64 {
		r, al := math.Exp(th[0]), math.Exp(th[1])
		s := 0.0
		for _, gr := range gs {
			x := gr.Frequency
			s += float64(gr.Count) * (lgamma(r+x) - lgamma(r) + r*math.Log(al) - (r+x)*math.Log(al+gr.T))
		}
		return -s / n
	}
	f := func(th, grad []float64) float64 {
		if grad != nil && !centralGradient(2, nll, th, grad) {
			return math.Inf(1)
		}
		return nll(th)
	}
	res := minimize(2, f, [maxDim]float64{0, 2}, optSettings{maxIter: 300, gradTol: 1e-8})
	require.Less(t, res.gnorm, 1e-6)
	return -res.f * n, math.Exp(res.theta[0]), math.Exp(res.theta[1])
}

// A population in which nobody drops out puts the Pareto/NBD and MBG/NBD
// likelihood maxima on the boundary (no dropout). The fits say so with a
// *BoundaryError, never a *ConvergenceError or a silent fit, and return
// finite parameters whose likelihood is the no-dropout maximum. Before,
// the weekly data gave a *ConvergenceError for MBG/NBD (the line search
// stalled on the ridge a → 0, b → ∞) and the r = 3 data an error-free
// Pareto/NBD fit with s = 7e-6, β = 3e7 and no standard errors. (BG/NBD,
// in which a customer without repeat purchase cannot drop out, finds an
// interior maximum on the weekly data.)
func TestFitBoundaryNoDropout(t *testing.T) {
	weekly := simulateParetoNBD(2, 2000, 1.5, 18, 1, math.Inf(1), 30, 40)
	for _, tc := range []struct {
		name string
		obs  []Observation
	}{
		{"days", longHistoryNoDropout()},
		{"days r=3", simulateParetoNBD(1, 2000, 3, 30, 1, math.Inf(1), 1000, 3650)},
		{"weeks", weekly},
	} {
		g := groupsOf(t, tc.obs)
		limit, r, alpha := nbdMaxLogLik(t, g)
		for _, fit := range []struct {
			model   string
			dropout []string
			run     func() (FitInfo, []Param, func(*Groups) (float64, error), error)
		}{
			{"paretonbd", []string{"s", "beta"}, func() (FitInfo, []Param, func(*Groups) (float64, error), error) {
				f, err := FitParetoNBD(g, nil)
				return f.FitInfo, f.Params(), f.Model.TotalLogLikelihood, err
			}},
			{"mbgnbd", []string{"a", "b"}, func() (FitInfo, []Param, func(*Groups) (float64, error), error) {
				f, err := FitMBGNBD(g, nil)
				return f.FitInfo, f.Params(), f.Model.TotalLogLikelihood, err
			}},
		} {
			info, ps, total, err := fit.run()
			msg := tc.name + " " + fit.model
			var be *BoundaryError
			require.ErrorAs(t, err, &be, msg)
			require.ErrorIs(t, err, ErrBoundary, msg)
			require.False(t, errors.Is(err, ErrNoConvergence), msg)
			require.Equal(t, fit.model, be.Model)
			require.NotEmpty(t, be.Names, msg)
			for _, name := range be.Names {
				require.Contains(t, fit.dropout, name, msg)
			}
			require.Equal(t, ps, be.Params, msg)
			require.Equal(t, info.LogLikelihood, be.LogLikelihood, msg)
			for _, p := range ps {
				require.True(t, finite(p.Value) && p.Value > 0, msg, p)
				require.True(t, finite(p.StdErr), msg, p)
			}
			ll, err := total(g)
			require.NoError(t, err, msg)
			relClose(t, ll, info.LogLikelihood, 1e-10, msg)
			// The best likelihood: that of the no-dropout limit.
			relClose(t, limit, info.LogLikelihood, 1e-9, msg)
			// The purchase process is that of the limit too.
			relClose(t, r, ps[0].Value, 1e-4, msg)
			relClose(t, alpha, ps[1].Value, 1e-4, msg)
		}
	}
}
