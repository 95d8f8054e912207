package churn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// A new customer (x = 0, T ≈ 0) of a fit with a rare dropout (a = 18.13)
// at a long horizon: z = t/(t+α+T) is within 1.2e-3 of 1, the Euler
// series needs tens of thousands of terms and its condition number (38) is
// well below maxKappa, but the rounding of its terms, growing with their
// index, moved the result by 2.7e-11 relative. Single and batched, BG/NBD
// and MBG/NBD, against the math/big reference to 1e-12.
func TestBracketManyTermsAgainstReference(t *testing.T) {
	const x, T, h = 0, 1.5e-7, 1124
	for _, m := range []betaGeoModel{
		BGNBD{R: 0.0109, Alpha: 1.3219, A: 18.13, B: 1391.65},
		MBGNBD{R: 0.0109, Alpha: 1.3219, A: 18.13, B: 1391.65},
	} {
		bg, err := m.core()
		require.NoError(t, err)
		q := bg.aliveBracket(x)
		want, _ := refBracket(bf(q.r), bf(q.a), bf(q.b), bf(h), bnew().Add(bf(bg.alpha), bf(T))).Float64()
		got, ok := bg.aliveExpectation(x, T, h)
		require.True(t, ok)
		relClose(t, want, got, 1e-12, m, " single")
		var out [3]float64
		require.True(t, bg.aliveExpectationsAt(x, T, []float64{1, 100, h}, out[:]))
		relClose(t, want, out[2], 1e-12, m, " batched")
	}
}

// refAgreed is G(r, a, b; z) at w = z/(1−z) where two of the robust
// methods (bgPositive, bgQuad, bgSplit), which sum no cancelling terms
// and differ in their rounding and truncation, agree to 2e-13 relative
// (their common value), and false where no two do.
func refAgreed(r, a, b, w float64) (float64, bool) {
	var vs []float64
	for _, m := range []func(r, a, b, w float64) (float64, bool){bgPositive, bgQuad, bgSplit} {
		if v, ok := m(r, a, b, w); ok && v > 0 {
			vs = append(vs, v)
		}
	}
	for i := range vs {
		for j := range i {
			if math.Abs(vs[i]-vs[j]) <= 2e-13*vs[j] {
				return (vs[i] + vs[j]) / 2, true
			}
		}
	}
	return 0, false
}

// Over wide ranges of the parameters, the frequency, the age and the
// horizon (z from 1e-12 to within 1e-3 of 1, with up to hundreds of
// thousands of terms), the Euler series, single (bgExpect) and batched
// (bgExpectMany), where eval and evalMany take it, agrees to 1e-12 with
// the value on which two of the robust methods agree (refAgreed): it is
// accepted only where the bound of its rounding error (eulerErr), which
// grows with the number of its terms, is small.
func TestPropertyBracketAgainstRobustMethods(t *testing.T) {
	draws, checked, euler := 0, 0, 0
	rapid.Check(t, func(t *rapid.T) {
		draws++
		r, alpha := logUniform(0.01, 200).Draw(t, "r"), logUniform(0.1, 1e3).Draw(t, "alpha")
		a, b := logUniform(0.01, 1e4).Draw(t, "a"), logUniform(1e-3, 1e4).Draw(t, "b")
		var m betaGeoModel = BGNBD{R: r, Alpha: alpha, A: a, B: b}
		if rapid.Bool().Draw(t, "mbgnbd") {
			m = MBGNBD{R: r, Alpha: alpha, A: a, B: b}
		}
		bg, err := m.core()
		require.NoError(t, err)
		x, T := genBatchObservation(t)
		den := bg.alpha + T
		// Horizons up to eulerMaxW·(α+T), beyond which eval does not try
		// the series.
		hs := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) float64 {
			return den * logUniform(1e-12, eulerMaxW).Draw(t, "w")
		}), 1, maxBatch).Draw(t, "horizons")
		q := bg.aliveBracket(x)
		out := make([]float64, len(hs))
		require.True(t, q.evalMany(hs, den, out))
		for j := 0; j < len(hs); j += 1 + len(hs)/8 {
			h := hs[j]
			want, ok := refAgreed(q.r, q.a, q.b, h/den)
			if !ok {
				continue
			}
			want *= q.pOverC
			one, ok := q.eval(h, den)
			require.True(t, ok)
			checked++
			// Where eval takes a robust method, so does evalMany, unless
			// it took the batched series.
			z := h / (h + den)
			if _, rel, ok := bgExpect(q.P, q.pOverC, q.A, q.a-1, q.C, z); ok && rel <= eulerMaxErr && q.eulerFits(z) {
				euler++
				require.InDelta(t, want, one, 1e-12*want, "%+v x=%v T=%v t=%v single", m, x, T, h)
			}
			if out[j] != one {
				require.InDelta(t, want, out[j], 1e-12*want, "%+v x=%v T=%v t=%v batched", m, x, T, h)
			}
		}
	})
	// About four horizons checked per draw, half of them by the series.
	t.Logf("%d draws, %d horizons checked, %d by the Euler series", draws, checked, euler)
	require.GreaterOrEqual(t, checked, draws)
	require.GreaterOrEqual(t, euler, draws/5)
}
