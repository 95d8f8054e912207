package churn

import (
	"math"
	"testing"
)

// TestBGBBLargeShapesKeepDigits checks BG/BB at shapes in the millions and
// beyond, where a boundary fit leaves them (an active customer buys at
// every opportunity, or the dropout probability does not vary): the ratios
// B(α+x, β+m)/B(α, β) must not be taken as differences of ln Γ near 1e9,
// which lose about 1e-6 absolutely. The references are 50-digit mpmath
// evaluations of FHS 2010 eq. 5 and of P(alive) = first part / L.
func TestBGBBLargeShapesKeepDigits(t *testing.T) {
	cases := []struct {
		m         BGBB
		o         Observation
		pa, ll    float64
		relPAlive float64
	}{
		{BGBB{5.59e7, 3.54e8, 5.13e-9, 118.2}, Observation{Frequency: 1, Recency: 1, T: 1}, 1, -1.9923488473926394162, 0},
		{BGBB{166.9, 1.57e-8, 1.77e6, 1.75e8}, Observation{Frequency: 1, Recency: 1, T: 1}, 1, -0.010063478718346012492, 0},
		{BGBB{166.9, 1.57e-8, 1.77e6, 1.75e8}, Observation{Frequency: 200, Recency: 3640, T: 3650}, 0.83738696437791555079, -1264.4964318744105046, 1e-10},
		{BGBB{5.59e7, 3.54e8, 5.13e-9, 118.2}, Observation{Frequency: 300, Recency: 310, T: 3650}, 2.4494140225466482648e-203, -622.33998021067704956, 1e-10},
	}
	for _, c := range cases {
		ll, err := c.m.LogLikelihood(c.o)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(ll - c.ll); d > 1e-10*math.Max(1, math.Abs(c.ll)) {
			t.Errorf("%+v %+v: loglik %.17g, want %.17g (off by %.2g)", c.m, c.o, ll, c.ll, d)
		}
		pa, err := c.m.PAlive(c.o)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(pa - c.pa); d > c.relPAlive*c.pa {
			t.Errorf("%+v %+v: P(alive) %.17g, want %.17g (relative error %.2g)", c.m, c.o, pa, c.pa, d/c.pa)
		}
		g, err := GroupObservations([]Observation{c.o})
		if err != nil {
			t.Fatal(err)
		}
		tot, err := c.m.TotalLogLikelihood(g)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(tot - c.ll); d > 1e-10*math.Max(1, math.Abs(c.ll)) {
			t.Errorf("%+v %+v: total loglik %.17g, want %.17g (off by %.2g)", c.m, c.o, tot, c.ll, d)
		}
	}
}

// TestProbPurchasesLargeShapesKeepDigits checks P(X(t) = n) of BG/NBD and
// MBG/NBD at the parameters of boundary fits (r and α near 1e11 when
// purchase rates do not vary, a and b near 1e8), where ln Γ(r+n) − ln Γ(r),
// ln B(a, b+k) − ln B(a, b) and r·ln(α/(α+t)) lose up to 1e-5 as plain
// differences. The references are 60-digit mpmath evaluations of FHL 2005
// eq. 8 (and its MBG/NBD analogue, k = n+1).
func TestProbPurchasesLargeShapesKeepDigits(t *testing.T) {
	cases := []struct {
		p       [4]float64
		n       int
		t       float64
		bg, mbg float64
	}{
		{[4]float64{7.2e10, 5.28e11, 1.19e-8, 740.866}, 0, 365, 2.4209131176538734983e-22, 1.6062283867782049714e-11},
		{[4]float64{7.2e10, 5.28e11, 1.19e-8, 740.866}, 50, 365, 0.056295831869022187152, 0.056295831868165476383},
		{[4]float64{0.5, 10, 1e8, 3e8}, 1, 30, 0.265625, 0.19921874985351562537},
		{[4]float64{0.5, 10, 1e8, 3e8}, 3, 30, 0.056922912545871734914, 0.04269218444334983843},
	}
	for _, c := range cases {
		bg, err := BGNBD{R: c.p[0], Alpha: c.p[1], A: c.p[2], B: c.p[3]}.ProbPurchases(c.n, c.t)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(bg-c.bg) / c.bg; d > 1e-11 {
			t.Errorf("BG/NBD %v: P(X(%g)=%d) = %.17g, want %.17g (relative error %.2g)", c.p, c.t, c.n, bg, c.bg, d)
		}
		mbg, err := MBGNBD{R: c.p[0], Alpha: c.p[1], A: c.p[2], B: c.p[3]}.ProbPurchases(c.n, c.t)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(mbg-c.mbg) / c.mbg; d > 1e-11 {
			t.Errorf("MBG/NBD %v: P(X(%g)=%d) = %.17g, want %.17g (relative error %.2g)", c.p, c.t, c.n, mbg, c.mbg, d)
		}
	}
}

// TestBGBBExpectationsLargeDelta checks E[X(t)] and E[X(n, n+t) | x, t_x, n]
// of BG/BB where δ is in the millions (dropout rare and alike for everyone,
// as boundary fits on long histories give): the closed form's exponent
// ln Γ(δ+1+t) − ln Γ(δ+1) − ln Γ(γ+δ+t) + ln Γ(γ+δ) is about 1e-5 there and
// must not be a difference of ln Γ near 1e9. The references are 60-digit
// mpmath evaluations of FHS 2010 eq. 7 and eq. 13 (x = 3, t_x = 5, n = 10);
// the discounted sum with rate 0 is the conditional expectation.
func TestBGBBExpectationsLargeDelta(t *testing.T) {
	o := Observation{Frequency: 3, Recency: 5, T: 10}
	cases := []struct {
		m       BGBB
		t       float64
		e, cond float64
	}{
		{BGBB{1, 2, 0.5, 1e8}, 3650, 1216.65556174433057, 1123.06650953577048},
		{BGBB{1, 2, 0.5, 1e8}, 100000, 33325.0040807726237, 30761.5377687511906},
		{BGBB{1, 2, 2.5, 1e8}, 3650, 1216.61114340677606, 1123.02485664911479},
		{BGBB{1, 2, 2.5, 1e8}, 100000, 33291.7148075235543, 30730.7913924963927},
		{BGBB{1, 2, 0.5, 1e6}, 3650, 1215.55817624013196, 1122.03744188769549},
		{BGBB{1, 2, 0.5, 1e6}, 100000, 32539.2241679128328, 30035.7783964193181},
	}
	for _, c := range cases {
		e, err := c.m.ExpectedPurchases(c.t)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(e-c.e) / c.e; d > 1e-11 {
			t.Errorf("%+v: E[X(%g)] = %.17g, want %.17g (relative error %.2g)", c.m, c.t, e, c.e, d)
		}
		cond, err := c.m.ConditionalExpectedPurchases(o, c.t)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(cond-c.cond) / c.cond; d > 1e-11 {
			t.Errorf("%+v: E[X(n, n+%g) | %+v] = %.17g, want %.17g (relative error %.2g)", c.m, c.t, o, cond, c.cond, d)
		}
		disc, err := DiscountedExpectedPurchases(c.m, o, int(c.t), 0)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(disc-c.cond) / c.cond; d > 1e-11 {
			t.Errorf("%+v: undiscounted sum over %g = %.17g, want %.17g (relative error %.2g)", c.m, c.t, disc, c.cond, d)
		}
	}
}
