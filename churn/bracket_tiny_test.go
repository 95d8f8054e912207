package churn

import "testing"

// E[X(t)] of BG/NBD with a tiny purchase-rate shape r and a + b < 1 + r
// (so that the positive series is taken) against the math/big reference:
// the series' factors r + (m−1), b + (m−1) and a+b + (m−1) keep the
// digits of r, b and a+b that (r+m)−1 and the like round away (6e-9
// relative at r = 1e-8).
func TestBetaGeoExpectationTinyR(t *testing.T) {
	for _, r := range []float64{1e-8, 3e-6} {
		for _, ab := range [][2]float64{{1e-3, 1e-3}, {0.05, 0.3}} {
			m := BGNBD{R: r, Alpha: 4.4, A: ab[0], B: ab[1]}
			for _, h := range []float64{4.4e-12, 1e-6, 0.5, 4.4, 100} {
				want := refExpected(m.R, m.Alpha, m.A, m.B, h, 0)
				got, err := m.ExpectedPurchases(h)
				if err != nil {
					t.Fatal(err)
				}
				relClose(t, want, got, 1e-12, m, h)
			}
		}
	}
}
