package churn

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// inDays returns obs with T and the recency in days for weeks (× 7).
func inDays(obs []Observation) []Observation {
	out := make([]Observation, len(obs))
	for i, o := range obs {
		o.Recency *= 7
		o.T *= 7
		out[i] = o
	}
	return out
}

// everyWeek: n customers, each buying every week of a history of 20 to
// 39 weeks, up to the end: nobody leaves, and everybody buys at the same
// rate.
func everyWeek(n int) []Observation {
	var obs []Observation
	for i := 0; i < n; i++ {
		T := float64(20 + i%20)
		obs = append(obs, Observation{ID: fmt.Sprint("c", i), Frequency: T, Recency: T, T: T})
	}
	return obs
}

// onceThenNever: once buyers customers who never came back, and repeat
// customers who came back x times in the first x weeks and then stopped
// at once, over histories of 30 to 49 weeks.
func onceThenNever(once, repeat int, x float64) []Observation {
	var obs []Observation
	for i := 0; i < once+repeat; i++ {
		o := Observation{ID: fmt.Sprint("c", i), T: float64(30 + i%20)}
		if i >= once {
			o.Frequency, o.Recency = x, x
		}
		obs = append(obs, o)
	}
	return obs
}

// identical: n customers with the same history.
func identical(n int, x, tx, T float64) []Observation {
	var obs []Observation
	for i := 0; i < n; i++ {
		obs = append(obs, Observation{ID: fmt.Sprint("c", i), Frequency: x, Recency: tx, T: T})
	}
	return obs
}

// transactionFits fits every transaction model to obs and returns each
// model's *BoundaryError (nil for another outcome) with the fitted model.
// BG/BB reads the weeks as opportunities.
func transactionFits(t interface {
	require.TestingT
	Helper()
}, obs []Observation) map[string]struct {
	be *BoundaryError
	m  TransactionModel
} {
	t.Helper()
	g, err := GroupObservations(obs)
	require.NoError(t, err)
	out := map[string]struct {
		be *BoundaryError
		m  TransactionModel
	}{}
	add := func(name string, m TransactionModel, ps []Param, err error) {
		be, _ := err.(*BoundaryError)
		if be != nil {
			require.Equal(t, name, be.Model)
			require.Len(t, be.Limits, len(be.Names), name)
			require.True(t, be.Usable(), name)
			require.Equal(t, ps, be.Params, name)
			if be.Meaning != "" {
				require.Contains(t, be.Error(), be.Meaning, name)
			}
		}
		out[name] = struct {
			be *BoundaryError
			m  TransactionModel
		}{be, m}
	}
	b, err := FitBGNBD(g, nil)
	add("bgnbd", b.Model, b.Params(), err)
	m, err := FitMBGNBD(g, nil)
	add("mbgnbd", m.Model, m.Params(), err)
	p, err := FitParetoNBD(g, nil)
	add("paretonbd", p.Model, p.Params(), err)
	if checkDiscreteGroups(g) == nil {
		c, err := FitBGBB(g, nil)
		add("bgbb", c.Model, c.Params(), err)
	}
	return out
}

// requireEdges checks that be names exactly the parameters of want with
// their ends, in the model's order.
func requireEdges(t *testing.T, be *BoundaryError, want []string, msg string) {
	t.Helper()
	require.NotNil(t, be, msg)
	require.Equal(t, want, edges(be), "%s: %s", msg, be)
}

// Everyone buys every week to the end: nobody leaves and the purchase
// rates do not vary. Every model names its parameters at an edge,
// with the end each runs to (for BG/NBD and MBG/NBD the dropout's a → 0
// as well as r and α, although only r is beyond e^18), and says what the
// limit means; P(alive) is indeed near 1 for every customer.
// The verdict is the same with time in days.
func TestFitEdgeNobodyLeaves(t *testing.T) {
	want := map[string][]string{
		"bgnbd":     {"r→+Inf", "alpha→+Inf", "a→0"},
		"mbgnbd":    {"r→+Inf", "alpha→+Inf", "a→0"},
		"paretonbd": {"r→+Inf", "alpha→+Inf", "s→0", "beta→+Inf"},
	}
	obs := everyWeek(200)
	for _, unit := range []string{"weeks", "days"} {
		data := obs
		if unit == "days" {
			data = inDays(obs)
		}
		fits := transactionFits(t, data)
		for model, names := range want {
			msg := model + " in " + unit
			be := fits[model].be
			requireEdges(t, be, names, msg)
			require.Equal(t, meaningNobodyLeaves+"; purchase rates do not vary between customers", be.Meaning, msg)
			for _, o := range data {
				pa, err := fits[model].m.PAlive(o)
				require.NoError(t, err, msg)
				require.Greater(t, pa, 0.999, msg, o)
			}
		}
		if unit == "weeks" {
			// Opportunities: everybody buys at every one of them. BG/BB
			// gets there with β → 0 (p = α/(α+β) → 1) and γ → 0 (θ =
			// γ/(γ+δ) → 0), α and δ staying finite.
			be := fits["bgbb"].be
			requireEdges(t, be, []string{"beta→0", "gamma→0"}, "bgbb")
			require.Equal(t, meaningNobodyLeaves+"; an active customer seems to buy at every opportunity", be.Meaning)
		} else {
			// A purchase at every seventh opportunity: nobody leaves
			// still, and everybody buys with the same probability.
			be := fits["bgbb"].be
			requireEdges(t, be, []string{"alpha→+Inf", "beta→+Inf", "gamma→0"}, "bgbb in days")
			require.Equal(t, meaningNobodyLeaves+"; the purchase probability per opportunity does not vary between customers", be.Meaning)
		}
	}
}

// Most customers buy once and never again; the repeat customers all came
// back once, right away, and then stopped. Under BG/NBD every purchase
// is the last (a → ∞, b → 0: the dropout probability after a purchase
// is 1), so P(alive) is near 0 for every repeat buyer and 1 for the
// others; MBG/NBD and Pareto/NBD explain the one-time buyers by a
// dropout the same for everybody, and the counts (0 or 1) by a purchase
// rate the same for everybody too: the Pareto/NBD likelihood rises
// along r, α → ∞ towards that of one rate λ ≈ 0.105 and one dropout
// rate μ ≈ 0.895 per week for all (−167.86839, with 30-digit arithmetic),
// by about 0.2/r; BG/BB, reading weeks as
// opportunities, by a dropout the same for everybody and purchases at
// every opportunity while active. None of it depends on the unit of
// time.
func TestFitEdgeEveryPurchaseTheLast(t *testing.T) {
	obs := onceThenNever(300, 40, 1)
	for _, unit := range []string{"weeks", "days"} {
		data := obs
		if unit == "days" {
			data = inDays(obs)
		}
		fits := transactionFits(t, data)
		be := fits["bgnbd"].be
		requireEdges(t, be, []string{"a→+Inf", "b→0"}, "bgnbd in "+unit)
		require.Equal(t, "every purchase seems to be the last: P(alive) is near 0 for every repeat buyer; the history is likely too short or too small for the model", be.Meaning)
		for _, o := range data {
			pa, err := fits["bgnbd"].m.PAlive(o)
			require.NoError(t, err)
			if o.Frequency > 0 {
				require.Less(t, pa, 1e-3, o)
			} else {
				require.Equal(t, 1.0, pa, o)
			}
		}
		be = fits["mbgnbd"].be
		requireEdges(t, be, []string{"r→+Inf", "alpha→+Inf", "a→+Inf", "b→+Inf"}, "mbgnbd in "+unit)
		require.Equal(t, "the dropout probability after a purchase does not vary between customers; purchase rates do not vary between customers", be.Meaning)
		be = fits["paretonbd"].be
		requireEdges(t, be, []string{"r→+Inf", "alpha→+Inf", "s→+Inf", "beta→+Inf"}, "paretonbd in "+unit)
		require.Equal(t, "the dropout rate does not vary between customers; purchase rates do not vary between customers", be.Meaning)
		// Below the limit's likelihood (in days the density of the 40
		// purchase times is 7 times lower), and close to it.
		limit := -167.868387881736
		if unit == "days" {
			limit -= 40 * math.Log(7)
		}
		require.LessOrEqual(t, be.LogLikelihood, limit+1e-9, "paretonbd in "+unit)
		require.Greater(t, be.LogLikelihood, limit-1e-2, "paretonbd in "+unit)
	}
	be := transactionFits(t, obs)["bgbb"].be
	requireEdges(t, be, []string{"alpha→+Inf", "beta→0", "gamma→+Inf", "delta→+Inf"}, "bgbb")
	require.Equal(t, "the dropout probability per opportunity does not vary between customers; an active customer seems to buy at every opportunity", be.Meaning)
}

// Identical customers: the purchase rates do not vary (r, α → ∞), and,
// their last purchase being recent enough for their rate, nobody seems
// to leave. The verdict is complete and the same in weeks and days,
// wherever on the ridges the optimiser stops.
func TestFitEdgeIdenticalCustomers(t *testing.T) {
	obs := identical(100, 10, 40, 52)
	for _, unit := range []string{"weeks", "days"} {
		data := obs
		if unit == "days" {
			data = inDays(obs)
		}
		fits := transactionFits(t, data)
		for _, model := range []string{"bgnbd", "mbgnbd"} {
			requireEdges(t, fits[model].be, []string{"r→+Inf", "alpha→+Inf", "a→0", "b→+Inf"}, model+" in "+unit)
			require.Equal(t, meaningNobodyLeaves+"; purchase rates do not vary between customers", fits[model].be.Meaning)
		}
		requireEdges(t, fits["paretonbd"].be, []string{"r→+Inf", "alpha→+Inf", "s→0", "beta→+Inf"}, "paretonbd in "+unit)
		require.Equal(t, meaningNobodyLeaves+"; purchase rates do not vary between customers", fits["paretonbd"].be.Meaning)
	}
	be := transactionFits(t, obs)["bgbb"].be
	requireEdges(t, be, []string{"alpha→+Inf", "beta→+Inf", "gamma→0"}, "bgbb")
	require.Equal(t, meaningNobodyLeaves+"; the purchase probability per opportunity does not vary between customers", be.Meaning)
}

// The verdict of a boundary fit (the parameters named, their ends and
// the meaning) does not depend on the unit of time: counting T and the
// recency in days rather than weeks scales the time scales α and β by 7
// and changes nothing else. Populations are drawn from the three
// families above.
func TestPropertyEdgeVerdictUnitFree(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var obs []Observation
		models := []string{"bgnbd", "mbgnbd", "paretonbd"}
		switch rapid.IntRange(0, 2).Draw(rt, "family") {
		case 0:
			obs = everyWeek(rapid.IntRange(20, 200).Draw(rt, "n"))
		case 1:
			obs = onceThenNever(rapid.IntRange(50, 300).Draw(rt, "once"), rapid.IntRange(10, 60).Draw(rt, "repeat"), float64(rapid.IntRange(1, 3).Draw(rt, "x")))
		default:
			T := float64(rapid.IntRange(20, 60).Draw(rt, "T"))
			x := float64(rapid.IntRange(2, 15).Draw(rt, "x"))
			tx := T - float64(rapid.IntRange(0, 3).Draw(rt, "gap"))
			obs = identical(rapid.IntRange(20, 200).Draw(rt, "n"), x, tx, T)
		}
		weeks, days := transactionFits(rt, obs), transactionFits(rt, inDays(obs))
		for _, model := range models {
			w, d := weeks[model].be, days[model].be
			if w == nil || d == nil {
				if w != d {
					rt.Fatalf("%s: boundary in one unit only: weeks %v, days %v", model, w, d)
				}
				continue
			}
			if w.Meaning != d.Meaning {
				rt.Fatalf("%s: weeks %v (%s), days %v (%s)", model, edges(w), w.Meaning, edges(d), d.Meaning)
			}
			// A parameter named in both runs to the same end in both.
			for i, n := range w.Names {
				if j := slices.Index(d.Names, n); j >= 0 && d.Limits[j] != w.Limits[i] {
					rt.Fatalf("%s: weeks %v, days %v", model, edges(w), edges(d))
				}
			}
		}
	})
}

// Most customers buy once and never again, the others come back once
// right away and stop: Pareto/NBD runs s and β to about 1e9–1e10 (a
// dropout rate the same for everybody), where ln β, ln(β+T) and the
// ln ₂F₁ terms are multiplied by s. Taken as they stand, those products
// cancel to a noise of about 1e-6 per customer, enough to stop r at
// random on its ridge and to name r and α in one unit of time only. The
// verdict (names, ends, meaning) is the same in weeks and days.
func TestFitParetoNBDOnceThenNeverUnitFree(t *testing.T) {
	for _, c := range []struct {
		once, repeat int
		x            float64
	}{{200, 30, 1}, {300, 60, 1}, {100, 30, 1}, {300, 10, 1}} {
		obs := onceThenNever(c.once, c.repeat, c.x)
		var ref []string
		for _, data := range [][]Observation{obs, inDays(obs)} {
			fit, err := FitParetoNBD(groupsOf(t, data), nil)
			var be *BoundaryError
			require.ErrorAs(t, err, &be, c)
			require.Equal(t, fit.Params(), be.Params)
			got := append(edges(be), be.Meaning)
			if ref == nil {
				ref = got
			}
			require.Equal(t, ref, got, "weeks %v, days %v: %+v", ref, got, c)
		}
	}
}

// One repeat purchase right away by 60 of 110 customers: MBG/NBD runs
// r, α → ∞ and a, b → ∞ (a, b to about 1e10, where differences of ln Γ
// taken directly lose about 1e-4 each to rounding, enough to stop the
// fit at random near r ≈ 1e4, inside e^9.2 in one unit of time and
// outside in the other). The verdict is the same in weeks and days.
func TestFitEdgeUnitFreeOnNoisyRidge(t *testing.T) {
	obs := onceThenNever(50, 60, 1)
	var ref []string
	for _, data := range [][]Observation{obs, inDays(obs)} {
		fit, err := FitMBGNBD(groupsOf(t, data), nil)
		var be *BoundaryError
		require.ErrorAs(t, err, &be)
		require.Equal(t, fit.Params(), be.Params)
		if ref == nil {
			ref = append(edges(be), be.Meaning)
		}
		require.Equal(t, ref, append(edges(be), be.Meaning))
	}
	require.Equal(t, []string{"r→+Inf", "alpha→+Inf", "a→+Inf", "b→+Inf",
		"the dropout probability after a purchase does not vary between customers; purchase rates do not vary between customers"}, ref)
}

// ln Γ(z+x) − ln Γ(z) keeps its digits for large z, where the
// difference of math.Lgamma loses those of ln Γ(z) ≈ z ln z.
func TestLgammaDiff(t *testing.T) {
	for _, z := range []float64{0.3, 7, 999, 1000, 1e4, 1e7, 3e10, 1e15} {
		for _, x := range []float64{0, 1, 2, 5, 40} {
			exact := 0.0 // ln Γ(z+x)/Γ(z) = Σ_{j<x} ln(z+j) for whole x
			for j := 0.0; j < x; j++ {
				exact += math.Log(z + j)
			}
			tol := 1e-14 // Stirling's series
			if z < 1e3 {
				tol = 1e-11 // math.Lgamma's own rounding
			}
			closeTo(t, exact, lgammaDiff(z, x), tol, z, x)
		}
	}
}
