package risk

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// When no feature varies across the labelled customers, the fitted model
// is the intercept alone, and its maximum-likelihood value is the
// log-odds of churn in the sample, b₀ = ln(n₊ ÷ n₋) (Hastie, Tibshirani &
// Friedman, "The Elements of Statistical Learning", 2nd ed., §4.4.1: the
// score equation of the intercept is Σ(y_i − μ) = 0, so μ = n₊ ÷ n).
// Newton's method starts there, so it takes no iteration; the risk of
// every customer is then the share of churned ones.
func TestFitWithoutSpreadIsLogOddsWithoutIteration(t *testing.T) {
	ex := make([]Example, 60)
	for i := range ex {
		s := steady("A", 40, 30)
		s.Customer = customer.ID(fmt.Sprint("C", i))
		ex[i] = Example{Signals: s, Churned: i%3 == 0}
	}
	m, rep, err := Fit(ex, nil)
	require.NoError(t, err)
	require.Equal(t, MethodFitted, rep.Method)
	require.Zero(t, rep.Iterations)
	require.InDelta(t, math.Log(20.0/40), m.Intercept(), 1e-12)
	for _, c := range m.Coefficients() {
		require.Zero(t, c.Weight, "%v has no spread", c.Feature)
	}
	r, err := m.ScoreSignals(ex[0].Signals)
	require.NoError(t, err)
	require.InDelta(t, 1.0/3, r.Risk, 1e-12)
}
