package churn

import (
	"errors"
	"math"
	"testing"
	"time"
)

// withDeadline runs f and fails the test if it has not returned within
// d (a loop that never ends is a failure, not a stuck test run).
func withDeadline(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("no result after %v", d)
	}
}

// TestParetoNBDDeathIntegralAtTinyAlpha checks the Pareto/NBD log-odds of
// having died, D = L2 − L1 (Fader & Hardie 2005, note 009), and the
// log-likelihood where they come from the integral over the death time
// (directD) and t_x/α or T/α overflows float64: ln(1 + T/α) is finite,
// and so are D and ln L. Before, an infinite relL2 made P(alive) an
// error though D was finite, and U = ln(1 + T/(α+t_x)) = +Inf with
// ρ = (α+t_x)/(β+t_x) = 0 kept the quadrature going for ever. The
// references are mpmath quadratures at 40 digits of
// L2 = ln s + ln ∫_{t_x}^T (α+τ)^{−(r+x)}(β+τ)^{−(s+1)} dτ + r ln α + s ln β
// and L1 = r ln α + s ln β − (r+x) ln(α+T) − s ln(β+T), and
// ln L = ln Γ(r+x) − ln Γ(r) + ln(e^{L1} + e^{L2}).
func TestParetoNBDDeathIntegralAtTinyAlpha(t *testing.T) {
	cases := []struct {
		m     ParetoNBD
		o     Observation
		d, ll float64
	}{
		{ParetoNBD{R: 0.55, Alpha: 1e-310, S: 0.61, Beta: 1e12}, Observation{ID: "a", Frequency: 30, Recency: 30, T: 38}, -20.889452454923085, -431.07547138310816},
		{ParetoNBD{R: 0.55, Alpha: 1e-310, S: 0.61, Beta: 1e12}, Observation{ID: "b", Frequency: 2, Recency: 30, T: 38}, -25.741219898292275, -402.02618513262813},
		{ParetoNBD{R: 0.01, Alpha: 1e-310, S: 1, Beta: 1e300}, Observation{ID: "c", T: 1}, -690.76547756235546, -7.1380137882815418},
		{ParetoNBD{R: 0.01, Alpha: 1e-300, S: 1, Beta: 1e300}, Observation{ID: "d", T: 1e9}, -670.04221172540905, -7.1149879373516013},
		// ρ = α/β = 5e-325 rounds to 0, yet ρe^u reaches 10 within the
		// integral; and e^u overflows at its last nodes with ρ normal.
		{ParetoNBD{R: 0.5, Alpha: 5e-324, S: 1, Beta: 10}, Observation{ID: "e", T: 100}, 3.9887314323661847, -372.91343116189362},
		{ParetoNBD{R: 0.01, Alpha: 1e-310, S: 0.5, Beta: 1e-3}, Observation{ID: "f", T: 1e9}, 14.07828369705463, -7.082472538645131},
		{ParetoNBD{R: 0.3, Alpha: 1e-310, S: 0.5, Beta: 1e-3}, Observation{ID: "g", Frequency: 2, Recency: 1e-305, T: 1e9}, 980.40624218910033, 703.84519801785412},
	}
	for _, c := range cases {
		withDeadline(t, 20*time.Second, func() {
			d, ok := c.m.deadLogOdds(c.o.Frequency, c.o.Recency, c.o.T, math.Log(c.m.Alpha+c.o.T), math.Log(c.m.Beta+c.o.T), nil, nil)
			if !ok || math.Abs(d-c.d) > 1e-12*math.Max(1, math.Abs(c.d)) {
				t.Errorf("%+v %+v: D = %.17g (%v), want %.17g", c.m, c.o, d, ok, c.d)
			}
			pa, err := c.m.PAlive(c.o)
			if want := 1 / (1 + math.Exp(c.d)); err != nil || math.Abs(pa-want) > 1e-12*want {
				t.Errorf("%+v %+v: P(alive) %.17g, %v; want %.17g", c.m, c.o, pa, err, want)
			}
			ll, err := c.m.LogLikelihood(c.o)
			if err != nil || math.Abs(ll-c.ll) > 1e-12*math.Abs(c.ll) {
				t.Errorf("%+v %+v: ln L %.17g, %v; want %.17g", c.m, c.o, ll, err, c.ll)
			}
		})
	}
}

// TestParetoNBDPAliveErrorNotGuess pins the guard on the death integral
// in deadOddsLogs: where the integral cannot be computed (it overflows,
// T/α = 1e319 with r = 0.01; or T − t_x is below the float range
// relative to α and β, so that U = ln(1 + (T−t_x)/(m+t_x)) underflows to
// 0) P(alive) is ErrNumerical, or else right; here it is 1 to double
// precision (odds below 1e-290), never the 1/(1+e^0) = 0.5 of an
// unchecked failure.
func TestParetoNBDPAliveErrorNotGuess(t *testing.T) {
	tx := math.Nextafter(1e-8, 0)
	for _, c := range []struct {
		m ParetoNBD
		o Observation
	}{
		{ParetoNBD{R: 0.01, Alpha: 1e-310, S: 1, Beta: 1e300}, Observation{ID: "e", T: 1e9}},
		{ParetoNBD{R: 0.55, Alpha: 1e305, S: 100, Beta: 1e300}, Observation{ID: "f", Frequency: 1, Recency: tx, T: 1e-8}},
		{ParetoNBD{R: 0.55, Alpha: 1e300, S: 100, Beta: 1e305}, Observation{ID: "g", Frequency: 1, Recency: tx, T: 1e-8}},
	} {
		withDeadline(t, 20*time.Second, func() {
			pa, err := c.m.PAlive(c.o)
			if err != nil {
				if !errors.Is(err, ErrNumerical) || pa != 0 {
					t.Errorf("%+v %+v: %v, %v", c.m, c.o, pa, err)
				}
				return
			}
			if math.Abs(pa-1) > 1e-15 {
				t.Errorf("%+v %+v: P(alive) = %v, want 1", c.m, c.o, pa)
			}
		})
	}
}

// TestParetoNBDProbPurchasesAtZeroDeathTime pins the quadrature node at
// death time τ = 0 of ProbPurchases (note 012): it occurs when the scale
// c = min(α/max(r, 1), β/(s+1)) of the panels is the smallest subnormal
// and t·1e-16 small enough that c·(e^w − 1) rounds to 0; there
// NB_0(0) = 1 (ln 1 = 0; the formula would give 0·ln 0 = NaN), and with
// a death density s/β near 2e307 that node carries about 0.1% of
// P(X(t) = 0). The reference is an mpmath quadrature at 30 digits of
// NB_t(0)(β/(β+t))^s + ∫₀^t (α/(α+τ))^r sβ^s/(β+τ)^{s+1} dτ; the rule's
// own error here is 7.5e-4 (the node stands for τ ≈ 1.2e-324).
func TestParetoNBDProbPurchasesAtZeroDeathTime(t *testing.T) {
	m := ParetoNBD{R: 100, Alpha: 1e-20, S: 1e-16, Beta: 5e-324}
	const want = 6.93210992543837e-14
	v, err := m.ProbPurchases(0, 1e-16)
	if err != nil || math.Abs(v-want) > 1.5e-3*want {
		t.Errorf("P(X(1e-16) = 0) = %.17g, %v; want %.17g", v, err, want)
	}
}
