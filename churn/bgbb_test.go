package churn

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// donations is the 1995 cohort of the charity of Fader, Hardie & Shang
// (2010): 11,104 first-time supporters and their repeat donations in the
// six annual appeals 1996–2001, as (x, t_x, n = 6, count).
var donations = []Group{
	{0, 0, 6, 3464}, {1, 1, 6, 1091}, {1, 2, 6, 277}, {1, 3, 6, 129}, {1, 4, 6, 78}, {1, 5, 6, 119},
	{1, 6, 6, 129}, {2, 2, 6, 613}, {2, 3, 6, 255}, {2, 4, 6, 155}, {2, 5, 6, 173}, {2, 6, 6, 234},
	{3, 3, 6, 322}, {3, 4, 6, 181}, {3, 5, 6, 225}, {3, 6, 6, 357}, {4, 4, 6, 240}, {4, 5, 6, 284},
	{4, 6, 6, 512}, {5, 5, 6, 335}, {5, 6, 6, 728}, {6, 6, 6, 1203},
}

func donationGroups(t testing.TB) *Groups {
	g, err := GroupsOf(append([]Group(nil), donations...))
	require.NoError(t, err)
	require.EqualValues(t, 11104, g.Customers())
	return g
}

// TestBGBBDonations reproduces the published numbers of the donation
// data: the estimates and log-likelihood of FHS 2010 (α = 1.204,
// β = 0.750, γ = 0.657, δ = 2.783, LL = −33,225.6), their Table 6 of
// P(alive in 2002), and the totals of Hardie's BG/BB spreadsheet (note
// 010): 12,884.2 expected donations in 2002–2006 by the cohort, and
// 3,454.9 and 1,253.1 supporters expected to give in none and all six of
// 1996–2001.
func TestBGBBDonations(t *testing.T) {
	g := donationGroups(t)
	fit, err := FitBGBB(g, nil)
	require.NoError(t, err)
	require.True(t, fit.Converged)
	m := fit.Model
	closeTo(t, 1.204, m.Alpha, 5e-4, "alpha")
	closeTo(t, 0.750, m.Beta, 5e-4, "beta")
	closeTo(t, 0.657, m.Gamma, 5e-4, "gamma")
	closeTo(t, 2.783, m.Delta, 5e-4, "delta")
	require.InDelta(t, -33225.6, fit.LogLikelihood, 0.05)
	total, err := m.TotalLogLikelihood(g)
	require.NoError(t, err)
	require.InDelta(t, fit.LogLikelihood, total, 1e-6)
	require.Equal(t, "bgbb", m.Name())
	ps := fit.Params()
	require.Len(t, ps, 4)
	for i, name := range []string{"alpha", "beta", "gamma", "delta"} {
		require.Equal(t, name, ps[i].Name)
		require.Greater(t, ps[i].StdErr, 0.0)
	}

	// Table 6: P(alive in 2002), the opportunity after n = 6.
	next := func(x, tx float64) float64 {
		pa, err := m.PAlive(Observation{Frequency: x, Recency: tx, T: 6})
		require.NoError(t, err)
		return pa * (m.Delta + 6) / (m.Gamma + m.Delta + 6)
	}
	require.InDelta(t, 0.11, next(0, 0), 0.005)
	require.InDelta(t, 0.59, next(2, 4), 0.005)
	require.InDelta(t, 0.93, next(6, 6), 0.005)

	var exp5 float64
	for _, gr := range donations {
		e, err := m.ConditionalExpectedPurchases(Observation{Frequency: gr.Frequency, Recency: gr.Recency, T: gr.T}, 5)
		require.NoError(t, err)
		exp5 += float64(gr.Count) * e
	}
	require.InDelta(t, 12884.2, exp5, 0.5)
	p0, err := m.ProbPurchases(0, 6)
	require.NoError(t, err)
	p6, err := m.ProbPurchases(6, 6)
	require.NoError(t, err)
	require.InDelta(t, 3454.9, 11104*p0, 0.5)
	require.InDelta(t, 1253.1, 11104*p6, 0.5)

	viaKind, err := FitTransactionModel(ModelBGBB, g, nil)
	require.NoError(t, err)
	require.Equal(t, m, viaKind.Transactions())
}

// sequences is the number of purchase sequences over t_x opportunities
// with x purchases, the last at t_x: C(t_x − 1, x − 1), and 1 for x = 0.
func sequences(x, tx int) float64 {
	if x == 0 {
		return 1
	}
	c := 1.0
	for i := range x - 1 {
		c = c * float64(tx-1-i) / float64(i+1)
	}
	return c
}

// TestBGBBIdentities checks the closed forms against the laws of
// probability, over every history of n ≤ 7 opportunities: the
// likelihoods of all histories add up to 1, P(alive) averages to the
// probability of being active at n, B(γ, δ+n)/B(γ, δ), the conditional
// expectations average to E[X(n+t)] − E[X(n)], and ProbPurchases is the
// distribution of x, with mean E[X(n)]. Horizons of 1 to 300 cover both
// the sum and the closed form of survived, and γ = 1 and near it the
// cases where the closed form would divide by 0.
func TestBGBBIdentities(t *testing.T) {
	for _, m := range []BGBB{
		{1.204, 0.750, 0.657, 2.783},
		{0.3, 4, 1, 0.7},
		{2.5, 0.4, 1.0004, 9},
		{0.8, 1.3, 0.9993, 0.2},
		{5, 5, 4.2, 1.5},
	} {
		for n := 1; n <= 7; n++ {
			fn := float64(n)
			var total, alive float64
			dist := make([]float64, n+1)
			cond := map[int]float64{}
			for x := 0; x <= n; x++ {
				txs := []int{0}
				if x > 0 {
					txs = nil
					for tx := x; tx <= n; tx++ {
						txs = append(txs, tx)
					}
				}
				for _, tx := range txs {
					o := Observation{Frequency: float64(x), Recency: float64(tx), T: fn}
					ll, err := m.LogLikelihood(o)
					require.NoError(t, err)
					w := sequences(x, tx) * math.Exp(ll)
					total += w
					dist[x] += w
					pa, err := m.PAlive(o)
					require.NoError(t, err)
					require.True(t, pa > 0 && pa <= 1, "P(alive) %v", pa)
					alive += w * pa
					for _, h := range []int{1, 3, 300} {
						e, err := m.ConditionalExpectedPurchases(o, float64(h))
						require.NoError(t, err)
						cond[h] += w * e
					}
				}
			}
			closeTo(t, 1, total, 1e-12, m, n)
			closeTo(t, math.Exp(lbeta(m.Gamma, m.Delta+fn)-lbeta(m.Gamma, m.Delta)), alive, 1e-12, m, n)
			en, err := m.ExpectedPurchases(fn)
			require.NoError(t, err)
			for h, got := range cond {
				enh, err := m.ExpectedPurchases(fn + float64(h))
				require.NoError(t, err)
				closeTo(t, enh-en, got, 1e-11, m, n, h)
			}
			var sum, mean float64
			for x := 0; x <= n; x++ {
				p, err := m.ProbPurchases(x, fn)
				require.NoError(t, err)
				closeTo(t, dist[x], p, 1e-12, m, n, x)
				sum += p
				mean += float64(x) * p
			}
			closeTo(t, 1, sum, 1e-12, m, n)
			closeTo(t, en, mean, 1e-12, m, n)
			p, err := m.ProbPurchases(n+1, fn)
			require.NoError(t, err)
			require.Zero(t, p)
		}
	}
}

// TestBGBBSurvived compares survived with the sum it stands for, on both
// sides of the switch to the closed form and around γ = 1.
func TestBGBBSurvived(t *testing.T) {
	for _, g := range []float64{0.2, 0.657, 0.998, 0.9995, 1, 1.0007, 1.002, 3.5} {
		for _, d := range []float64{0.05, 2.783, 40} {
			s, term := 0.0, 1.0
			for k := 1; k <= 5000; k++ {
				term *= (d + float64(k-1)) / (g + d + float64(k-1))
				s += term
				if k == 1 || k == 256 || k == 257 || k == 300 || k == 5000 {
					closeTo(t, s, survived(g, d, k), 1e-10, g, d, k)
				}
			}
		}
	}
	require.Zero(t, survived(0.5, 1, 0))
}

// TestBGBBLongHistories checks the likelihood of long histories, where
// the sum of logParts stops early, against a plain sum in log space.
func TestBGBBLongHistories(t *testing.T) {
	m := BGBB{0.9, 1.7, 0.4, 3.1}
	for _, o := range []Observation{{Frequency: 3, Recency: 10, T: 5000}, {Frequency: 0, Recency: 0, T: 20000}, {Frequency: 40, Recency: 700, T: 730}} {
		x, tx, n := o.Frequency, o.Recency, o.T
		lab, lgd := lbeta(m.Alpha, m.Beta), lbeta(m.Gamma, m.Delta)
		want := lbeta(m.Alpha+x, m.Beta+n-x) - lab + lbeta(m.Gamma, m.Delta+n) - lgd
		for i := 0.0; i < n-tx; i++ {
			want = logAddExp(want, lbeta(m.Alpha+x, m.Beta+tx-x+i)-lab+lbeta(m.Gamma+1, m.Delta+tx+i)-lgd)
		}
		got, err := m.LogLikelihood(o)
		require.NoError(t, err)
		closeTo(t, want, got, 1e-12, o)
	}
}

func TestBGBBGradient(t *testing.T) {
	var gs []Group
	for _, gr := range donations {
		gs = append(gs, gr)
	}
	// Longer and mixed histories, several n for one (x, t_x).
	for _, gr := range []Group{{0, 0, 1, 5}, {0, 0, 30, 7}, {2, 9, 12, 3}, {2, 9, 40, 1}, {2, 9, 41, 2}, {5, 30, 30, 4}, {7, 25, 60, 1}} {
		gs = append(gs, gr)
	}
	g, err := GroupsOf(gs)
	require.NoError(t, err)
	f := bgbbObjective(g.Slice(), float64(g.Customers()))
	for _, th := range [][]float64{{0, 0, 0, 0}, {0.19, -0.29, -0.42, 1.02}, {-1.5, 1.2, 0.8, -0.6}, {2, 2, -2, 3}} {
		checkGradient(t, 4, f, th)
	}
}

// TestBGBBRecovers fits simulated customers of known parameters, as many
// as the donation cohort ten times over.
func TestBGBBRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 100,000 customers")
	}
	truth := BGBB{1.2, 0.75, 0.66, 2.78}
	rng := rand.New(rand.NewPCG(7, 11))
	g := &Groups{}
	const n = 8
	for range 100000 {
		p := betaRand(rng, truth.Alpha, truth.Beta)
		theta := betaRand(rng, truth.Gamma, truth.Delta)
		x, tx := 0, 0
		for k := 1; k <= n; k++ {
			if rng.Float64() < theta {
				break
			}
			if rng.Float64() < p {
				x, tx = x+1, k
			}
		}
		require.NoError(t, g.Add(Observation{Frequency: float64(x), Recency: float64(tx), T: n}))
	}
	fit, err := FitBGBB(g, nil)
	require.NoError(t, err)
	for i, want := range truth.Params() {
		got := fit.Params()[i]
		require.InDelta(t, want.Value, got.Value, 4*got.StdErr+0.02, want.Name)
	}
}

// betaRand draws from Beta(a, b) as X/(X+Y) of two gamma variates.
func betaRand(rng *rand.Rand, a, b float64) float64 {
	x, y := gammaVariate(rng, a), gammaVariate(rng, b)
	return x / (x + y)
}

func TestBGBBRejects(t *testing.T) {
	m := BGBB{1.2, 0.75, 0.66, 2.78}
	for _, c := range []struct {
		o     Observation
		field string
	}{
		{Observation{Frequency: 3, Recency: 2, T: 6}, "frequency"},
		{Observation{Frequency: 1, Recency: 2.5, T: 6}, "recency"},
		{Observation{Frequency: 1, Recency: 2, T: 6.5}, "T"},
		{Observation{Frequency: 1, Recency: 2, T: 2e6}, "T"},
		{Observation{Frequency: 0, Recency: 0, T: 0}, "T"},
		{Observation{Frequency: -1, Recency: 0, T: 3}, "frequency"},
		{Observation{Frequency: 0, Recency: math.NaN(), T: 3}, "recency"},
	} {
		for name, call := range map[string]func() error{
			"LogLikelihood": func() error { _, err := m.LogLikelihood(c.o); return err },
			"PAlive":        func() error { _, err := m.PAlive(c.o); return err },
			"Score":         func() error { _, err := m.Score(c.o, 4); return err },
		} {
			err := call()
			require.ErrorIs(t, err, ErrInvalidInput, "%s %+v", name, c.o)
			var ie *InputError
			require.True(t, errors.As(err, &ie))
			require.Equal(t, -1, ie.Index)
			var fields []string
			for _, f := range ie.Fields {
				fields = append(fields, f.Field)
			}
			require.Contains(t, fields, c.field, "%s %+v: %v", name, c.o, err)
		}
	}
	o := Observation{Frequency: 1, Recency: 2, T: 6}
	for _, h := range []float64{-1, 2.5, math.Inf(1), 2e6} {
		_, err := m.ConditionalExpectedPurchases(o, h)
		require.ErrorIs(t, err, ErrInvalidInput, h)
		_, err = m.ExpectedPurchases(h)
		require.ErrorIs(t, err, ErrInvalidInput, h)
	}
	_, err := m.ProbPurchases(1, 2.5)
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = m.ProbPurchases(-1, 2)
	require.ErrorIs(t, err, ErrInvalidInput)
	for _, bad := range []BGBB{{0, 1, 1, 1}, {1, math.Inf(1), 1, 1}, {1, 1, -1, 1}, {1, 1, 1, math.NaN()}} {
		_, err := bad.PAlive(o)
		require.ErrorIs(t, err, ErrInvalidParams)
		_, err = bad.ExpectedPurchases(3)
		require.ErrorIs(t, err, ErrInvalidParams)
	}
	// A population in weeks (days ÷ 7) does not count opportunities.
	g, err := GroupsOf([]Group{{2, 3.5, 10, 4}, {0, 0, 10, 3}})
	require.NoError(t, err)
	_, err = FitBGBB(g, nil)
	require.ErrorIs(t, err, ErrInvalidInput)
	require.ErrorContains(t, err, "whole number")
	g, err = GroupsOf([]Group{{0, 0, 10, 3}})
	require.NoError(t, err)
	_, err = FitBGBB(g, nil)
	require.ErrorIs(t, err, ErrInsufficientData)
}

// TestBGBBDiscounted checks that the discounted expected purchases of the
// CLV, which take the factored path, equal the plain sum over periods.
func TestBGBBDiscounted(t *testing.T) {
	m := BGBB{1.204, 0.750, 0.657, 2.783}
	o := Observation{Frequency: 2, Recency: 4, T: 6}
	got, err := DiscountedExpectedPurchases(m, o, 10, 0.1)
	require.NoError(t, err)
	prev, want := 0.0, 0.0
	for k := 1; k <= 10; k++ {
		e, err := m.ConditionalExpectedPurchases(o, float64(k))
		require.NoError(t, err)
		want += (e - prev) / math.Pow(1.1, float64(k))
		prev = e
	}
	closeTo(t, want, got, 1e-12)

	// A long horizon: the batched path against one period at a time.
	const n = 3000
	batched, err := discountedAlive(m, 2, 6, n, 0.001)
	require.NoError(t, err)
	prev, want = 0.0, 0.0
	for k := 1; k <= n; k++ {
		g, ok := m.aliveExpectation(2, 6, float64(k))
		require.True(t, ok)
		want += math.Max(g-prev, 0) * math.Exp(-float64(k)*math.Log1p(0.001))
		prev = g
	}
	closeTo(t, want, batched, 1e-10)
}

// TestPropertyBGBB: for any parameters and history, the likelihood is a
// probability, P(alive) is in [0, 1] and does not rise while no purchase comes
// (PAliveAt agrees), and the expected purchases grow with the horizon but
// never beyond one an opportunity.
func TestPropertyBGBB(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		m := BGBB{
			Alpha: rapid.Float64Range(0.05, 20).Draw(rt, "alpha"),
			Beta:  rapid.Float64Range(0.05, 200).Draw(rt, "beta"),
			Gamma: rapid.Float64Range(0.05, 20).Draw(rt, "gamma"),
			Delta: rapid.Float64Range(0.05, 500).Draw(rt, "delta"),
		}
		n := rapid.IntRange(1, 2000).Draw(rt, "n")
		tx := rapid.IntRange(0, n).Draw(rt, "tx")
		x := 0
		if tx > 0 {
			x = rapid.IntRange(1, tx).Draw(rt, "x")
		}
		o := Observation{Frequency: float64(x), Recency: float64(tx), T: float64(n)}
		ll, err := m.LogLikelihood(o)
		require.NoError(rt, err)
		require.LessOrEqual(rt, ll, 0.0)
		p1, err := m.PAlive(o)
		require.NoError(rt, err)
		require.True(rt, p1 >= 0 && p1 <= 1, "P(alive) %v", p1) // 0 once it is below the smallest double
		dn := float64(rapid.IntRange(0, 500).Draw(rt, "dn"))
		later := o
		later.T += dn
		p2, err := m.PAlive(later)
		require.NoError(rt, err)
		require.LessOrEqual(rt, p2, p1*(1+1e-12))
		pa, err := PAliveAt(m, o, dn)
		require.NoError(rt, err)
		require.Equal(rt, p2, pa)

		h1 := float64(rapid.IntRange(0, 400).Draw(rt, "h1"))
		h2 := h1 + float64(rapid.IntRange(0, 400).Draw(rt, "dh"))
		e1, err := m.ConditionalExpectedPurchases(o, h1)
		require.NoError(rt, err)
		e2, err := m.ConditionalExpectedPurchases(o, h2)
		require.NoError(rt, err)
		require.True(rt, e1 >= 0 && e1 <= e2*(1+1e-12)+1e-15 && e2 <= h2, "E(%v) %v, E(%v) %v", h1, e1, h2, e2)
		u2, err := m.ExpectedPurchases(h2)
		require.NoError(rt, err)
		require.LessOrEqual(rt, u2, h2*m.Alpha/(m.Alpha+m.Beta)*(1+1e-12))
	})
}

// lbeta is ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a+b), as the references
// of the tests take it.
func lbeta(a, b float64) float64 {
	return lgamma(a) + lgamma(b) - lgamma(a+b)
}
