package churn

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mathext"
)

// The references of this file are mpmath evaluations at 380 to 400
// digits (z = w/(1+w) is within 1e-319 of 1) of the published formulas,
// G = (a+b−1)/(a−1)·[1 − (1+w)^{−r} ₂F₁(r, b; a+b−1; w/(1+w))]
// (Fader, Hardie & Lee 2005, eqs. 9 and 10; MBG/NBD: b/(a+b)·G(r, a, b+1)
// unconditionally and G(r+x, a, b+x+1) given x, Batislam et al. 2007),
// times P(alive) given x, with w the horizon over the float64 value of α
// (or of α+T), and for a = 1 at a = 1 ± 1e-30 (which agree to 20 digits
// with each other and with b·(ln w + ψ(r) − ψ(b))).

// TestBetaGeoExpectationBeyondFloatRange checks E[X(t)] of BG/NBD and
// MBG/NBD where t/α overflows float64 (α below about 1e-299 of t): the
// value of the published formula, not ErrNumerical. For a > 1 it is
// (nearly) the limit as t/α → ∞, (a+b−1)/(a−1) for BG/NBD and b/(a−1)
// for MBG/NBD; for a ≤ 1 it grows without bound with t/α, like
// (t/α)^{1−a} or ln(t/α), yet is finite at the given t.
func TestBetaGeoExpectationBeyondFloatRange(t *testing.T) {
	cases := []struct {
		m    TransactionModel
		t    float64
		want float64
	}{
		{BGNBD{R: 1, Alpha: 1e-310, A: 2, B: 3}, 1, 4},
		{MBGNBD{R: 1, Alpha: 1e-310, A: 2, B: 3}, 1, 3},
		{BGNBD{R: 0.24, Alpha: 1e-310, A: 0.79, B: 2.4}, 1, 6.0218208092747386605e+65},
		{BGNBD{R: 0.24, Alpha: 1e-310, A: 1, B: 2.4}, 1e9, 1750.7173995590576341},
		{MBGNBD{R: 0.24, Alpha: 1e-310, A: 1, B: 2.4}, 1e9, 1749.7173995590576341},
		// a − 1 = r: the poles of Γ(r+1−a) and Γ(a−1−r) cancel, and
		// w^{−r} = e^{−9.7} still counts.
		{BGNBD{R: 0.0137, Alpha: 1e-300, A: 1.0137, B: 2.4}, 1e9, 176.07013747022496892},
	}
	for _, c := range cases {
		v, err := c.m.ExpectedPurchases(c.t)
		if err != nil {
			t.Errorf("%+v t=%v: %v", c.m, c.t, err)
			continue
		}
		if d := math.Abs(v - c.want); !(d <= 1e-12*c.want) {
			t.Errorf("%+v t=%v: E[X(t)] = %.17g, want %.17g (relative error %.2g)", c.m, c.t, v, c.want, d/c.want)
		}
	}
}

// TestBetaGeoConditionalBeyondFloatRange checks E[Y(t) | x, t_x, T]
// (FHL 2005 eq. 10; Batislam et al. 2007) where t/(α+T) overflows
// float64: a tiny α with a tiny T, before (x = 0) and after repeat
// purchases. For a > 1 the value is the limit (a+b+k−1)/(a−1)·P(alive),
// k = x (BG/NBD) or x+1 (MBG/NBD).
func TestBetaGeoConditionalBeyondFloatRange(t *testing.T) {
	cases := []struct {
		m    TransactionModel
		o    Observation
		want float64
	}{
		{BGNBD{R: 0.243, Alpha: 1e-310, A: 0.793, B: 2.43}, Observation{ID: "c0", T: 1e-301}, 7.3692593352392226777e+64},
		{BGNBD{R: 0.243, Alpha: 1e-310, A: 0.793, B: 2.43}, Observation{ID: "c3", Frequency: 3, Recency: 5e-302, T: 1e-301}, 1.2423386681580480993e+65},
		{MBGNBD{R: 0.243, Alpha: 1e-310, A: 0.793, B: 2.43}, Observation{ID: "c3", Frequency: 3, Recency: 5e-302, T: 1e-301}, 1.6102747403277641245e+65},
		{BGNBD{R: 0.243, Alpha: 1e-310, A: 2.1, B: 2.43}, Observation{ID: "c3", Frequency: 3, Recency: 5e-302, T: 1e-301}, 1.0816928133765827952},
		{MBGNBD{R: 0.243, Alpha: 1e-310, A: 2.1, B: 2.43}, Observation{ID: "c3", Frequency: 3, Recency: 5e-302, T: 1e-301}, 1.4685071037141419811},
	}
	for _, c := range cases {
		v, err := c.m.ConditionalExpectedPurchases(c.o, 1e9)
		if err != nil {
			t.Errorf("%+v %+v: %v", c.m, c.o, err)
			continue
		}
		if d := math.Abs(v - c.want); !(d <= 1e-12*c.want) {
			t.Errorf("%+v %+v: E[Y(t)] = %.17g, want %.17g (relative error %.2g)", c.m, c.o, v, c.want, d/c.want)
		}
		var batch [1]float64
		am, ok := c.m.(interface {
			aliveExpectationsAt(x, T float64, ts, out []float64) bool
		})
		if !ok || !am.aliveExpectationsAt(c.o.Frequency, c.o.T, []float64{1e9}, batch[:]) || !(batch[0] > 0) || !finite(batch[0]) {
			t.Errorf("%+v %+v: batched expectation %v", c.m, c.o, batch[0])
		}
	}
}

// TestBetaGeoExpectationBeyondFloatRangeContinues checks that the values
// beyond the float range continue those inside it: at t/α = 1e300, where
// the series and quadratures still take t/α itself, the expansion that
// serves beyond (bgFar, from ln(t/α)) gives their value; at t/α = 1e310
// the expectation is above that at 1e300 (it increases with t) and, for
// a > 1, below its limit (a+b−1)/(a−1).
func TestBetaGeoExpectationBeyondFloatRangeContinues(t *testing.T) {
	for _, m := range []BGNBD{
		{R: 0.24, A: 0.79, B: 2.4},
		{R: 0.05, A: 1.3, B: 40},
		{R: 3.7, A: 1, B: 0.3},
		{R: 0.01, A: 1.0001, B: 1e4},
		{R: 45, A: 1, B: 647},
	} {
		m.Alpha = 1e-291 // w = 1e300
		near, err := m.ExpectedPurchases(1e9)
		if err != nil {
			t.Fatalf("%+v: %v", m, err)
		}
		g, ok := bgFar(m.R, m.A, m.B, math.Log(1e300))
		if !ok || math.Abs(g-near) > 1e-12*near {
			t.Errorf("%+v: at t/α = 1e300 the expansion gives %.17g (%v), the series %.17g", m, g, ok, near)
		}
		m.Alpha = 1e-301 // w = 1e310
		far, err := m.ExpectedPurchases(1e9)
		if err != nil {
			t.Fatalf("%+v: %v", m, err)
		}
		if !(far > near) || (m.A > 1 && !(far <= (m.A+m.B-1)/(m.A-1))) {
			t.Errorf("%+v: E[X] = %.17g at t/α = 1e310 after %.17g at 1e300", m, far, near)
		}
	}
}

// TestBetaGeoExpectationBeyondFloatRangeOverflows pins the one failure
// left beyond the float range: for a < 1 the expectation grows like
// (t/α)^{1−a}, and with a near 0 it exceeds the float range itself;
// that is ErrNumerical with the value 0, never +Inf.
func TestBetaGeoExpectationBeyondFloatRangeOverflows(t *testing.T) {
	for _, m := range []TransactionModel{
		BGNBD{R: 0.24, Alpha: 1e-310, A: 0.001, B: 2.4},
		MBGNBD{R: 0.24, Alpha: 1e-310, A: 0.001, B: 2.4},
	} {
		v, err := m.ExpectedPurchases(1e9)
		if !errors.Is(err, ErrNumerical) || v != 0 {
			t.Errorf("%+v: %v, %v; want 0 and ErrNumerical", m, v, err)
		}
	}
}

// TestBetaGeoTinyAlphaLikelihoodAndCounts checks the other BG/NBD and
// MBG/NBD quantities at an α so small that T/α, t_x/α or t/α overflows:
// ln(1 + T/α) is finite (here about 714) though T/α is not, so the
// log-likelihood (FHL 2005 eq. 6), P(alive) (note 021; Batislam et al.
// 2007) and P(X(t) = n) (FHL 2005 eq. 8) keep their values rather than
// turning into ErrNumerical or a silent 0. References: mpmath at 50
// digits of the published formulas.
func TestBetaGeoTinyAlphaLikelihoodAndCounts(t *testing.T) {
	const alpha = 1e-310
	o := Observation{ID: "c1", Frequency: 2, Recency: 0.5, T: 1}
	o0 := Observation{ID: "c0", T: 1}
	rel := func(name string, got, want float64, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if d := math.Abs(got - want); !(d <= 1e-12*math.Abs(want)) {
			t.Errorf("%s = %.17g, want %.17g (relative error %.2g)", name, got, want, d/math.Abs(want))
		}
	}
	bg := BGNBD{R: 0.24, Alpha: alpha, A: 0.79, B: 2.4}
	mbg := MBGNBD{R: 0.24, Alpha: alpha, A: 0.79, B: 2.4}
	v, err := bg.LogLikelihood(o)
	rel("bgnbd ln L(x=2)", v, -172.27700596824630277, err)
	v, err = bg.LogLikelihood(o0)
	rel("bgnbd ln L(x=0)", v, -171.31233091875699328, err)
	v, err = mbg.LogLikelihood(o)
	rel("mbgnbd ln L(x=2)", v, -172.56874794849859225, err)

	bg.R, mbg.R = 0.01, 0.01
	v, err = mbg.PAlive(o0)
	rel("mbgnbd P(alive | x=0)", v, 0.002407339797728718784, err)
	v, err = bg.ProbPurchases(0, 1)
	rel("bgnbd P(X(1)=0)", v, 0.00079432823472428135977, err)
	v, err = bg.ProbPurchases(1, 1)
	rel("bgnbd P(X(1)=1)", v, 0.24745816444269631635, err)
	v, err = mbg.ProbPurchases(0, 1)
	rel("mbgnbd P(X(1)=0)", v, 0.24824651654023144951, err)
}

// TestBGFarMatchesRobustAt1e300 checks the expansion taken beyond the
// float range (bgFar) against the series and quadratures (robust) at
// w = 1e300, where both apply: random r ∈ [1e-3, 100], a ∈ [0.05, 100],
// b ∈ [1e-3, 1e5] (log-uniform), a quarter of them with a within 0.005
// of 1, a quarter within 0.005 of 1+r, and a quarter with integer r and
// a (where Γ(r+1−a) or Γ(a−1−r) has a pole), and a grid with a within
// 1e-8 of 1 and of 1+r down to r = 1e-3.
func TestBGFarMatchesRobustAt1e300(t *testing.T) {
	const w = 1e300
	lw := math.Log(w)
	check := func(r, a, b, tol float64) {
		t.Helper()
		q := bgBracket{r: r, a: a, b: b, pOverC: 1}
		want, ok := q.robust(w)
		if !ok || want > 1e300 {
			return
		}
		got, ok := bgFar(r, a, b, lw)
		if !ok || math.Abs(got-want) > tol*want {
			t.Errorf("r=%v a=%v b=%v: bgFar %.17g (%v), robust %.17g", r, a, b, got, ok, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	lu := func(lo, hi float64) float64 {
		return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
	}
	n := 400
	if testing.Short() {
		n = 100
	}
	for i := range n {
		r, a, b := lu(1e-3, 100), lu(0.05, 100), lu(1e-3, 1e5)
		switch i % 4 {
		case 1:
			a = 1 + (rng.Float64()-0.5)*0.01
		case 2:
			a = 1 + r + (rng.Float64()-0.5)*0.01
		case 3:
			a, r = math.Round(a+1), math.Round(r+1)
		}
		check(r, a, b, 1e-11)
	}
	for _, r := range []float64{1e-3, 0.05, 1, 50} {
		for _, a := range []float64{1 - 1e-8, 1, 1 + 1e-8, 1 + r - 1e-8, 1 + r, 1 + r + 1e-8} {
			for _, b := range []float64{0.01, 2.4, 1e4} {
				check(r, a, b, 1e-10)
			}
		}
	}
}

// TestBetaGeoExpectationNearFloatLimit checks E[X(t)] of BG/NBD where
// t/α is finite but within a factor of 20 of the float range (w above
// 1e307): the series and quadratures fail there for some parameters, and
// the expansion that serves beyond the range (bgFar) gives the value.
// For a = 3, b = 1 it is (a+b−1)/(a−1) = 1.5 less terms below 1e-300;
// for a = 1 it is b·(ln w + ψ(r) − ψ(b)) less a term below w^{−r}.
func TestBetaGeoExpectationNearFloatLimit(t *testing.T) {
	for _, c := range []struct {
		m    BGNBD
		want float64
	}{
		{BGNBD{R: 2, Alpha: 5.8e-300, A: 3, B: 1}, 1.5},
		{BGNBD{R: 3.7, Alpha: 1e-299, A: 1, B: 0.3}, 0},
		{BGNBD{R: 45, Alpha: 1e-298, A: 1, B: 647}, 0},
	} {
		if c.want == 0 {
			w := 1e9 / c.m.Alpha
			c.want = c.m.B * (math.Log(w) + mathext.Digamma(c.m.R) - mathext.Digamma(c.m.B))
		}
		v, err := c.m.ExpectedPurchases(1e9)
		if err != nil || !(math.Abs(v-c.want) <= 1e-12*c.want) {
			t.Errorf("%+v: E[X(1e9)] = %.17g, %v; want %.17g", c.m, v, err, c.want)
		}
	}
}

// TestBetaGeoProbPurchasesSubnormalRatio checks P(X(t) = 1) of BG/NBD
// (FHL 2005 eq. 8) where t/(α+t) is below the normal range (α = 1e300,
// t = 1e-10): with r = 1 it is B(a, b+1)/B(a, b)·NB(1) +
// B(a+1, b)/B(a, b)·P(NB ≥ 1) = t/(α+t)·(b/(a+b) + a/(a+b)) = t/(α+t),
// 1e-310 (math.Log misread the subnormal ratio: 6.7e-309 came out).
func TestBetaGeoProbPurchasesSubnormalRatio(t *testing.T) {
	m := BGNBD{R: 1, Alpha: 1e300, A: 2, B: 3}
	const want = 1e-310
	v, err := m.ProbPurchases(1, 1e-10)
	if err != nil || !(math.Abs(v-want) <= 1e-12*want) {
		t.Errorf("P(X(1e-10) = 1) = %.17g, %v; want %.17g", v, err, want)
	}
}
