package churn_test

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tailorcrm/tailor/churn"
)

// explosive is a caller's model that panics on the customer of
// frequency 6.
type explosive struct{ churn.MBGNBD }

func (e explosive) Score(o churn.Observation, t float64) (churn.Score, error) {
	if o.Frequency == 6 {
		panic("explosive: frequency 6")
	}
	return e.MBGNBD.Score(o, t)
}

func (e explosive) ConditionalExpectedPurchases(o churn.Observation, t float64) (float64, error) {
	if o.Frequency == 6 {
		panic("explosive: frequency 6")
	}
	return e.MBGNBD.ConditionalExpectedPurchases(o, t)
}

// A caller's model that panics while the package scores customers on
// several goroutines panics in the caller's goroutine, with its value,
// where the caller can recover it: a panic on a goroutine of the
// package's would end the program.
func TestCallerModelPanicReachesTheCaller(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	m := explosive{churn.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}}
	obs := make([]churn.Observation, 20000) // several workers
	for i := range obs {
		x := float64(i % 7)
		obs[i] = churn.Observation{Frequency: x, Recency: 3 * x, T: 30 + float64(i%11)}
	}
	assert.PanicsWithValue(t, "explosive: frequency 6", func() {
		_ = churn.ScoreAll(m, obs, 39, make([]churn.Score, len(obs)))
	}, "ScoreAll")
	assert.PanicsWithValue(t, "explosive: frequency 6", func() {
		_ = churn.DiscountedExpectedPurchasesAll(m, obs, 10, 0.01, make([]float64, len(obs)))
	}, "DiscountedExpectedPurchasesAll")
}
