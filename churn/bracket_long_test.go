package churn

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// E[X(t)] and E[Y(t) | x, t_x, T] of BG/NBD and MBG/NBD for a and b down
// to 1e-5 and horizons up to 1e8 times the time scale, against 50-digit
// references (testdata/bgnbd/generate_expected.py: the published formulas
// with mpmath's ₂F₁, checked against the model's definition integrated
// over p). There the Euler series and the positive series need of the
// order of t/α terms and the log-odds quadrature of 1/a + 1/b nodes, so
// all three gave up (ErrNumerical) from about t = 1e5·α on when a and b
// were below 1e-3, and where they did answer they could be 1e-9 off (at
// a = b = 1e-3: the Euler series stopped on a term, not on a bound of its
// slowly decaying tail, and took z, whose rounding near 1 moves 1 − z).
// Relative tolerance 2e-11.
func TestBetaGeoExpectationsLongHorizonReference(t *testing.T) {
	rows := readCSV(t, filepath.Join("..", "bgnbd", "expected.csv"))
	require.Len(t, rows, 924)
	worst := 0.0
	for _, r := range rows {
		rr, alpha, a, b := num(t, r["r"]), num(t, r["alpha"]), num(t, r["a"]), num(t, r["b"])
		o := Observation{ID: "c", Frequency: num(t, r["x"]), Recency: num(t, r["tx"]), T: num(t, r["T"])}
		h, want := num(t, r["t"]), num(t, r["value"])
		var m TransactionModel = BGNBD{R: rr, Alpha: alpha, A: a, B: b}
		if r["model"] == "mbgnbd" {
			m = MBGNBD{R: rr, Alpha: alpha, A: a, B: b}
		}
		var got float64
		var err error
		if o.T == 0 {
			got, err = m.ExpectedPurchases(h)
		} else {
			got, err = m.ConditionalExpectedPurchases(o, h)
		}
		require.NoError(t, err, r)
		relClose(t, want, got, 2e-11, r)
		worst = math.Max(worst, math.Abs(got/want-1))
	}
	t.Logf("largest relative error %.2g over %d values", worst, len(rows))
}

// Over a and b from 1e-6 to 1e8, r up to 1e7 and horizons up to the
// largest accepted (1e9), E[X(t)] and E[Y(t) | x, t_x, T] are finite,
// non-negative and non-decreasing in t.
func TestPropertyExpectationsLongHorizon(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := logUniform(0.01, 1e7).Draw(t, "r")
		alpha := logUniform(1e-3, 1e4).Draw(t, "alpha")
		a := logUniform(1e-6, 1e8).Draw(t, "a")
		b := logUniform(1e-6, 1e8).Draw(t, "b")
		var m TransactionModel = BGNBD{R: r, Alpha: alpha, A: a, B: b}
		if rapid.Bool().Draw(t, "mbg") {
			m = MBGNBD{R: r, Alpha: alpha, A: a, B: b}
		}
		h1 := logUniform(1e-3, maxTime).Draw(t, "h1")
		h2 := math.Min(maxTime, h1*(1+logUniform(1e-6, 1e3).Draw(t, "growth")))
		o := genObservation(t, "")
		for _, cond := range []bool{false, true} {
			var e1, e2 float64
			var err1, err2 error
			if cond {
				e1, err1 = m.ConditionalExpectedPurchases(o, h1)
				e2, err2 = m.ConditionalExpectedPurchases(o, h2)
			} else {
				e1, err1 = m.ExpectedPurchases(h1)
				e2, err2 = m.ExpectedPurchases(h2)
			}
			require.NoError(t, err1, "%+v t=%v", m, h1)
			require.NoError(t, err2, "%+v t=%v", m, h2)
			require.True(t, finite(e1) && e1 >= 0 && finite(e2), "%+v: %v, %v", m, e1, e2)
			require.LessOrEqual(t, e1, e2*(1+1e-10), "%+v: t %v → %v", m, h1, h2)
		}
	})
}

// bgSplit agrees with bgQuad where the quadrature's tails are short (a,
// b ≥ 0.05), with and without the closed-form limit at p → 0 (a·ln(1+w)
// below or above bgTailCut), wherever its condition number lets it
// answer.
func TestBracketSplitAgainstQuadrature(t *testing.T) {
	var split, both int
	worst := 0.0
	for _, r := range []float64{0.2, 3, 1e4} {
		for _, a := range []float64{0.05, 0.3, 0.85, 3, 50, 1e3} {
			for _, b := range []float64{0.05, 0.8, 5, 1e3, 1e5} {
				for _, w := range []float64{1e-3, 0.3, 20, 1e4, 1e8} {
					want, ok := bgQuad(r, a, b, w)
					require.True(t, ok, r, a, b, w)
					got, ok := bgSplit(r, a, b, w)
					if !ok {
						continue
					}
					split++
					if a*math.Log1p(w) <= bgTailCut {
						both++
					}
					relClose(t, want, got, 1e-11, r, a, b, w)
					worst = math.Max(worst, math.Abs(got/want-1))
				}
			}
		}
	}
	t.Logf("%d of 450 answered (%d with the limit at p → 0 taken out), largest relative difference %.2g", split, both, worst)
	require.Greater(t, both, 100)
	require.Greater(t, split-both, 100)
}

// P(alive) of BG/NBD and MBG/NBD with a tiny b (dropout nearly certain)
// against the math/big reference to 1e-13: b+x−1 (b+x for MBG/NBD) is
// formed as b + (x−1), since (b+x)−1 loses the digits of b below the
// rounding unit of x (6.5e-12 relative at b = 1e-5, x = 1).
func TestBetaGeoPAliveTinyB(t *testing.T) {
	for _, b := range []float64{1e-5, 3e-9} {
		for _, m := range []betaGeoModel{BGNBD{R: 2.5, Alpha: 4.4, A: 0.3, B: b}, MBGNBD{R: 2.5, Alpha: 4.4, A: 0.3, B: b}} {
			bg, _ := m.core()
			for _, o := range []Observation{{ID: "a", T: 39}, {ID: "b", Frequency: 1, Recency: 38, T: 39}, {ID: "c", Frequency: 3, Recency: 38.5, T: 39}} {
				if o.Frequency+bg.shift == 0 {
					continue // P(alive) = 1
				}
				want, _ := refConditional(bg.r, bg.alpha, bg.a, bg.b, o.Frequency, o.Recency, o.T, 1, bg.shift)
				got, err := m.PAlive(o)
				require.NoError(t, err)
				relClose(t, want, got, 1e-13, m, o)
			}
		}
	}
}

// A huge purchase-rate shape (r = 1e7) over a short horizon: the
// positive series would need about r·w = 6e4 terms, whose weights, each
// the product of the ones before, drift by 1e-10; the quadratures keep
// E[X(t)] to 1e-12 of the math/big reference (and non-decreasing in t).
func TestBetaGeoExpectationLargeRW(t *testing.T) {
	if testing.Short() {
		t.Skip("high-precision reference")
	}
	m := BGNBD{R: 1e7, Alpha: 1.6487212707001282, A: 2.718281828459045, B: 0.0055859542589981}
	for _, h := range []float64{0.009434709153078244, 0.03} {
		want := refExpected(m.R, m.Alpha, m.A, m.B, h, 0)
		got, err := m.ExpectedPurchases(h)
		require.NoError(t, err)
		relClose(t, want, got, 1e-12, h)
	}
}
