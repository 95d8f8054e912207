package churn

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFitMBGNBD_CDNOW(t *testing.T) {
	fit, err := FitMBGNBD(groupsOf(t, cdnowExactWeeks(t).cal), nil)
	require.NoError(t, err)
	require.True(t, fit.Converged)
	t.Logf("%+v iters=%d ll=%.6f", fit.Params(), fit.Iterations, fit.LogLikelihood)
	// lifetimes 0.11.3 (README): r 0.524843, α 6.183082, a 0.891360, b 1.614003, LL −9582.136.
	closeTo(t, 0.524843, fit.Model.R, 1e-5)
	closeTo(t, 6.183082, fit.Model.Alpha, 1e-5)
	closeTo(t, 0.891360, fit.Model.A, 1e-5)
	closeTo(t, 1.614003, fit.Model.B, 1e-5)
	closeTo(t, -9582.136, fit.LogLikelihood, 1e-7)
	require.True(t, fit.StdErrOK)
}
