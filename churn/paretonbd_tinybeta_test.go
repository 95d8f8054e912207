package churn

import (
	"math"
	"testing"
	"time"
)

// The references of this file are the published closed forms evaluated
// at 60 digits (Python's decimal) at the float64 values of the
// parameters: E[X(t)] = rβ/(α(s−1))·[1 − (β/(β+t))^{s−1}] and the
// conditional expectation given alive,
// (r+x)(β+T)/((α+T)(s−1))·[1 − ((β+T)/(β+T+t))^{s−1}] (Schmittlein et
// al. 1987; Fader & Hardie 2005, note 009), with their s = 1 limits
// rβ/α·ln(1 + t/β) and (r+x)(β+T)/(α+T)·ln(1 + t/(β+T)); and, for
// P(X(t) = n) (note 012), Simpson's rule on 4e5 and 8e5 panels (agreeing
// to 1e-14) of NB_t(n)(β/(β+t))^s + ∫ NB_τ(n)·s·e^u/(1+e^u)^{s+1} du over
// u = ln(τ/β).

// TestParetoNBDExpectationTinyBeta checks E[X(t)] where t/β overflows
// float64 or (β/(β+t))^{s−1} does (a dropout scale β below about 1e-299
// of the horizon): the finite value of the closed form, not ErrNumerical,
// and without the digits that r·β would lose below the normal range.
func TestParetoNBDExpectationTinyBeta(t *testing.T) {
	cases := []struct {
		m       ParetoNBD
		t, want float64
	}{
		{ParetoNBD{R: 0.5, Alpha: 2, S: 0.5, Beta: 1e-310}, 1e9, 1.58113883008418717299e-151},
		{ParetoNBD{R: 0.5, Alpha: 2, S: 0.01, Beta: 1e-310}, 1e9, 1.63043997230973589467e+05},
		{ParetoNBD{R: 0.5, Alpha: 2, S: 0.01, Beta: 5e-324}, 1e9, 1.20016970679810867296e+05},
		{ParetoNBD{R: 0.5, Alpha: 1e-305, S: 0.5, Beta: 1e-310}, 1, 9.99999999999998527158e+149},
		{ParetoNBD{R: 1, Alpha: 1, S: 0.5, Beta: 1e-310}, 2, 2.82842712474618589173e-155},
		// r·β = 1e-315 is subnormal: taken first it kept 8 digits.
		{ParetoNBD{R: 1e-5, Alpha: 1e-310, S: 2, Beta: 1e-310}, 1e9, 1.00000000000000008180e-05},
	}
	for _, c := range cases {
		v, err := c.m.ExpectedPurchases(c.t)
		if err != nil || !(math.Abs(v-c.want) <= 1e-12*c.want) {
			t.Errorf("%+v t=%v: E[X(t)] = %.17g, %v; want %.17g", c.m, c.t, v, err, c.want)
		}
	}
	// s = 1: rβ/α·ln(1 + t/β).
	m := ParetoNBD{R: 0.5, Alpha: 1e-5, S: 1, Beta: 1e-310}
	want := 0.5 * 1e-310 / 1e-5 * (math.Log(1e9) - logTiny(1e-310))
	if v, err := m.ExpectedPurchases(1e9); err != nil || !(math.Abs(v-want) <= 1e-12*want) {
		t.Errorf("%+v: E[X(t)] = %.17g, %v; want %.17g", m, v, err, want)
	}
}

// TestParetoNBDConditionalTinyBeta checks the conditional expectation
// where t/(β+T) overflows (β and T both tiny): its factor given alive,
// ExpectedPurchases/PAlive of Score, is the closed form's, and the
// batched form (aliveExpectation) agrees.
func TestParetoNBDConditionalTinyBeta(t *testing.T) {
	cases := []struct {
		m    ParetoNBD
		o    Observation
		want float64 // given alive
	}{
		{ParetoNBD{R: 0.5, Alpha: 2, S: 0.5, Beta: 1e-310}, Observation{ID: "a", T: 1e-305}, 5.00002499993750015130e-149},
		{ParetoNBD{R: 0.5, Alpha: 2, S: 1, Beta: 1e-310}, Observation{ID: "b", T: 1e-305}, 1.80754734829318079960e-303},
		{ParetoNBD{R: 0.5, Alpha: 2, S: 0.01, Beta: 1e-310}, Observation{ID: "c", Frequency: 2, Recency: 5e-307, T: 1e-306}, 8.93871833705658093095e+05},
		{ParetoNBD{R: 0.5, Alpha: 1e-310, S: 0.5, Beta: 1e-310}, Observation{ID: "d", T: 1e-305}, 9.99995000037499756116e+156},
	}
	for _, c := range cases {
		s, err := c.m.Score(c.o, 1e9)
		if err != nil || !(s.PAlive > 0) {
			t.Errorf("%+v %+v: %+v, %v", c.m, c.o, s, err)
			continue
		}
		if g := s.ExpectedPurchases / s.PAlive; !(math.Abs(g-c.want) <= 1e-12*c.want) {
			t.Errorf("%+v %+v: E[Y(t)]/P(alive) = %.17g, want %.17g", c.m, c.o, g, c.want)
		}
		g, ok := c.m.aliveExpectation(c.o.Frequency, c.o.T, 1e9)
		if !ok || !(math.Abs(g-c.want) <= 1e-12*c.want) {
			t.Errorf("%+v %+v: aliveExpectation = %.17g (%v), want %.17g", c.m, c.o, g, ok, c.want)
		}
	}
}

// TestParetoNBDProbPurchasesTinyBeta checks P(X(t) = n) (note 012) where
// t over the panels' scale min(α/max(r, 1), β/(s+1)) overflows float64:
// the death time spreads over 700 e-folds of τ, and the panels' Jacobian
// c·e^w with it.
func TestParetoNBDProbPurchasesTinyBeta(t *testing.T) {
	m := ParetoNBD{R: 1, Alpha: 1, S: 0.01, Beta: 1e-310}
	for _, c := range []struct {
		n    int
		want float64
	}{{0, 0.9994653247518227}, {1, 1.8064484333022847e-4}, {3, 7.869491212906923e-05}} {
		withDeadline(t, 20*time.Second, func() {
			v, err := m.ProbPurchases(c.n, 2)
			if err != nil || !(math.Abs(v-c.want) <= 1e-12*c.want) {
				t.Errorf("%+v: P(X(2) = %d) = %.17g, %v; want %.17g", m, c.n, v, err, c.want)
			}
		})
	}
	// Tiny α too: NB_τ's ratios α/(α+τ) are subnormal for most τ.
	m = ParetoNBD{R: 0.5, Alpha: 1e-310, S: 0.5, Beta: 1e-310}
	v, err := m.ProbPurchases(0, 1)
	if err != nil || !(v > 0 && v <= 1) {
		t.Errorf("%+v: P(X(1) = 0) = %v, %v", m, v, err)
	}
}

// TestParetoNBDDERTSubnormalPAlive checks DERT (Fader, Hardie & Lee
// 2005, eq. 2) where P(alive) is below the normal range (1e-310): DERT
// is P(alive) times a factor of x and T alone, so DERT/P(alive) must not
// depend on t_x. math.Log misreads subnormal numbers on some platforms
// (ln 1e-308 came out 1.5 too high), and odds beyond the float range
// made P(alive), and DERT, a silent 0.
func TestParetoNBDDERTSubnormalPAlive(t *testing.T) {
	m := ParetoNBD{R: 1, Alpha: 1, S: 1, Beta: 10}
	ref := func(tx float64) float64 {
		o := Observation{ID: "d", Frequency: 200, Recency: tx, T: 100}
		pa, err := m.PAlive(o)
		if err != nil || !(pa > 0) {
			t.Fatalf("t_x=%v: P(alive) = %v, %v", tx, pa, err)
		}
		d, err := m.DERT(o, 0.001)
		if err != nil {
			t.Fatalf("t_x=%v: DERT %v", tx, err)
		}
		return d / pa
	}
	want := ref(50) // P(alive) = 2.9e-58
	for _, tx := range []float64{1.85, 1.9, 1.95} {
		if got := ref(tx); !(math.Abs(got-want) <= 1e-11*want) {
			t.Errorf("t_x=%v: DERT/P(alive) = %.17g, want %.17g", tx, got, want)
		}
	}
}

// TestParetoNBDDERTSubnormalRate checks DERT where z = δ(β+T) is below
// the normal range (β and T tiny), with s < 1: the peak of the integrand
// of J = Ψ(1, 2−s; z) is at u* = ln((1−s)/z) ≈ 718, where e^u overflows.
// For s = 1/2, J = e^z·√(π/z)·erfc(√z) = √(π/z) − 2 + O(√z) (Abramowitz &
// Stegun 13.6.39 with 7.1.2), so DERT/P(alive) = (r+x)/(α+T)·(β+T)·J,
// here at z = 0.0027·2e-310 rounded to float64 (decimal, 50 digits).
func TestParetoNBDDERTSubnormalRate(t *testing.T) {
	m := ParetoNBD{R: 0.5, Alpha: 2, S: 0.5, Beta: 1e-310}
	o := Observation{ID: "z", T: 1e-310}
	const want = 1.20600209093015403494e-154
	pa, err := m.PAlive(o)
	if err != nil {
		t.Fatal(err)
	}
	d, err := m.DERT(o, 0.0027)
	if err != nil || !(math.Abs(d/pa-want) <= 1e-12*want) {
		t.Errorf("DERT = %.17g, %v; DERT/P(alive) = %.17g, want %.17g", d, err, d/pa, want)
	}
}
