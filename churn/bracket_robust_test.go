package churn

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// refPositive is G(r, a, b; z) at w = z/(1−z) by the series of positive
// terms of bgPositive, G = (1−z)^r Σ_{m≥1} (r)_m/m! z^m S_m with
// S_m = Σ_{j<m} (b)_j/(a+b)_j, in big floats of prec bits (no
// cancellation, so prec bits less a few for the rounding of the terms),
// r, a, b and w exact.
func refPositive(r, a, b, w float64, prec uint) float64 {
	nf := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	nn := func() *big.Float { return new(big.Float).SetPrec(prec) }
	W := nf(w)
	z := nn().Quo(W, nn().Add(nf(1), W))
	R, B, AB := nf(r), nf(b), nn().Add(nf(a), nf(b))
	tm, s, S, sum := nf(1), nf(1), nf(0), nf(0)
	tol := new(big.Float).SetMantExp(nf(1), -int(prec)+16)
	for m := 1.0; ; m++ {
		tm.Mul(tm, nn().Add(R, nf(m-1)))
		tm.Mul(tm, z)
		tm.Quo(tm, nf(m))
		S.Add(S, s)
		s.Mul(s, nn().Add(B, nf(m-1)))
		s.Quo(s, nn().Add(AB, nf(m-1)))
		u := nn().Mul(tm, S)
		sum.Add(sum, u)
		// Past the mode the ratio of the terms is below (r+m)z/(m+1) < 1
		// and falls; the tail is then at most u/(1−z) = u·(1+w).
		if (r+m)*(w/(1+w)) < m+1 && u.Cmp(nn().Mul(nn().Mul(tol, sum), nf(1/(1+w)))) < 0 {
			break
		}
		if m > 5e6 {
			panic("refPositive does not converge")
		}
	}
	p := refExp(bnew().Mul(bf(-r), refLog(bnew().Add(bf(1), bf(w)))))
	v, _ := nn().Mul(sum, p).Float64()
	return v
}

// Where robust takes bgPositive (at most positiveMax terms), up to
// ten thousand terms and r up to 1e4 (r + x of a frequent buyer), it
// is within 1e-12 of the big-float series: the rounding of the
// recurrences of its weights, and of z = w/(1+w), grows with the number
// of terms, and is cancelled by normalising with the sum of the same
// weights.
func TestPropertyBgPositiveAgainstReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := logUniform(1e-3, 1e4).Draw(t, "r")
		a, b := logUniform(1e-2, 1e4).Draw(t, "a"), logUniform(1e-3, 1e5).Draw(t, "b")
		w := logUniform(1e-6, 1e6).Draw(t, "w")
		if rapid.IntRange(0, 3).Draw(t, "many") > 0 {
			// about n terms (positiveCost)
			r = logUniform(1, 1e4).Draw(t, "r+x")
			w = logUniform(1000, positiveMax).Draw(t, "n") / r
		}
		if !(positiveCost(r, w) <= min(quadCost(a, b), positiveMax)) {
			t.Skip("robust does not take bgPositive")
		}
		got, ok := bgPositive(r, a, b, w)
		require.True(t, ok)
		want := refPositive(r, a, b, w, 160)
		require.InDelta(t, want, got, 1e-12*want, "r=%v a=%v b=%v w=%v", r, a, b, w)
	})
}

// The case of a frequent buyer (r + x = 6266) at w ≈ 1 and of a rare
// dropout, with about 7,500 terms: the rounding of the weights moved
// bgPositive by 3.8e-12.
func TestBgPositiveManyTerms(t *testing.T) {
	r, a, b, w := 6266.478285495815, 5.968934634874259, 0.010033141758509985, 1.0356016956590082
	got, ok := bgPositive(r, a, b, w)
	require.True(t, ok)
	want := refPositive(r, a, b, w, 160)
	require.InDelta(t, want, got, 1e-12*want)
}

// Where robust takes bgQuad and a or b is small (a long tail of the
// density in the log-odds), it is within 1e-12 of the big-float series:
// with a = 0.023 the nodes reach y < −708, where p is subnormal and the
// formula of g lost digits (4.6e-12 of G).
func TestBgQuadSmallShapeAgainstReference(t *testing.T) {
	for _, c := range [][4]float64{
		{0.100484991785469, 0.02312877635094262, 38.466970878521984, 625.2099188626974},
		{4.7759357641869125, 0.01700141301351976, 0.5020382533342944, 3179.995305962375},
		{539.4733532955522, 0.02380498835628296, 0.0813643519220631, 26.015719492034258},
		{0.9339247840423479, 0.022794180883612344, 3.382956394092469, 335.77948446289616},
	} {
		r, a, b, w := c[0], c[1], c[2], c[3]
		got, ok := bgQuad(r, a, b, w)
		require.True(t, ok)
		want := refPositive(r, a, b, w, 160)
		require.InDelta(t, want, got, 1e-12*want, "r=%v a=%v b=%v w=%v", r, a, b, w)
	}
}
