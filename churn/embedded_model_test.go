package churn_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/churn"
)

// halved is a caller's model that embeds MBG/NBD and overrides what it
// predicts: half the purchases and half the chance of being alive.
type halved struct{ churn.MBGNBD }

func (h halved) PAlive(o churn.Observation) (float64, error) {
	p, err := h.MBGNBD.PAlive(o)
	return p / 2, err
}

func (h halved) ConditionalExpectedPurchases(o churn.Observation, t float64) (float64, error) {
	e, err := h.MBGNBD.ConditionalExpectedPurchases(o, t)
	return e / 2, err
}

func (h halved) Score(o churn.Observation, t float64) (churn.Score, error) {
	s, err := h.MBGNBD.Score(o, t)
	s.PAlive /= 2
	s.ExpectedPurchases /= 2
	return s, err
}

// TestEmbeddedModelKeepsItsOverrides checks that the package's fast
// paths, which its own models implement with unexported methods, do not
// serve a caller's type that embeds one of them: its overrides count.
func TestEmbeddedModelKeepsItsOverrides(t *testing.T) {
	m := halved{churn.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}}
	obs := make([]churn.Observation, 3000) // enough for the cached scorer
	for i := range obs {
		x := float64(i % 7)
		obs[i] = churn.Observation{Frequency: x, Recency: 3 * x, T: 30 + float64(i%11)}
	}
	out := make([]churn.Score, len(obs))
	require.NoError(t, churn.ScoreAll(m, obs, 39, out))
	for i, o := range obs {
		want, err := m.Score(o, 39)
		require.NoError(t, err)
		require.Equal(t, want, out[i], "ScoreAll of customer %d", i)
	}

	for _, n := range []int{10, 400} { // per period, and by parts beyond 256
		got := make([]float64, 40)
		require.NoError(t, churn.DiscountedExpectedPurchasesAll(m, obs[:40], n, 0.01, got))
		for i, o := range obs[:40] {
			one, err := churn.DiscountedExpectedPurchases(m, o, n, 0.01)
			require.NoError(t, err)
			require.InDelta(t, one, got[i], 1e-12*one, "customer %d, %d periods", i, n)
			full, err := churn.DiscountedExpectedPurchases(m.MBGNBD, o, n, 0.01)
			require.NoError(t, err)
			require.InDelta(t, full/2, one, 1e-9*full, "customer %d, %d periods: the override halves it", i, n)
		}
	}
}
