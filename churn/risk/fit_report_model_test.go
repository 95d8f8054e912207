package risk

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The FitReport describes the model Fit returns: its intercept, its
// coefficients and prior gap, and AgainstSign the features whose weight is
// negative, both for a fitted model and for the rules Fit falls back to.
func TestFitReportDescribesReturnedModel(t *testing.T) {
	sigs := randomSignals(rand.New(rand.NewPCG(5, 6)), 200)
	label := func(n int, f func(i int) bool) []Example {
		ex := make([]Example, n)
		for i := range ex {
			// churned: long silent, with a little noise of the label
			ex[i] = Example{Signals: sigs[i], Churned: sigs[i].DaysSinceLastPurchase > 200 != f(i)}
		}
		return ex
	}
	for _, c := range []struct {
		name string
		ex   []Example
		want Method
	}{
		{"fitted", label(200, func(i int) bool { return i%7 == 0 }), MethodFitted},
		{"rules fallback", label(20, func(i int) bool { return false }), MethodRules},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, rep, err := Fit(c.ex, nil)
			require.NoError(t, err)
			require.Equal(t, c.want, m.Method())
			require.Equal(t, m.Method(), rep.Method)
			require.Equal(t, m.Intercept(), rep.Intercept)
			require.NotZero(t, rep.Intercept)
			require.Equal(t, m.Coefficients(), rep.Coefficients)
			require.Equal(t, m.PriorGap(), rep.PriorGap)
			var against []Feature
			for _, k := range m.Coefficients() {
				if k.Weight < 0 {
					against = append(against, k.Feature)
				}
			}
			require.Equal(t, against, rep.AgainstSign)
		})
	}
}
