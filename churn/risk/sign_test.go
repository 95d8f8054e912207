package risk

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// complainersStay labels a population where customers who complained
// recently bought again more often (their complaints were put right),
// so that the fit weighs recent complaints against their warning sign.
func complainersStay(t *testing.T) (*Model, FitReport, []Signals) {
	rng := rand.New(rand.NewPCG(61, 62))
	sigs := randomSignals(rng, 3000)
	ex := make([]Example, len(sigs))
	for i, s := range sigs {
		v := features(&s, 60, DefaultMinGap, DefaultComplaintHalfLife)
		logit := -0.5 + 1.5*v.x[FeatureOverdue] - 3*v.x[FeatureRecentComplaints]
		ex[i] = Example{Signals: s, Churned: rng.Float64() < sigmoid(logit)}
	}
	m, rep, err := Fit(ex, &Options{PriorGap: 60})
	require.NoError(t, err)
	require.Equal(t, MethodFitted, rep.Method)
	return m, rep, sigs
}

// A fitted weight against its warning sign is named in the report, and
// no reason quotes that feature: its contribution is negative for every
// customer who shows the sign, and a reason says only what raised the
// risk.
func TestFitReportsWeightsAgainstTheWarningSign(t *testing.T) {
	m, rep, sigs := complainersStay(t)
	var weight float64
	for _, c := range rep.Coefficients {
		if c.Feature == FeatureRecentComplaints {
			weight = c.Weight
		}
	}
	require.Less(t, weight, 0.0, "the data make recent complaints a sign of staying")
	assert.Contains(t, rep.AgainstSign, FeatureRecentComplaints)
	for _, f := range rep.AgainstSign {
		for _, c := range rep.Coefficients {
			if c.Feature == f {
				assert.Less(t, c.Weight, 0.0, "%v", f)
			}
		}
	}
	for _, c := range rep.Coefficients {
		if c.Weight < 0 {
			assert.Contains(t, rep.AgainstSign, c.Feature)
		}
	}
	quoted := 0
	for _, s := range sigs {
		if s.Complaints.Recent == 0 {
			continue
		}
		r, err := m.ScoreSignals(s)
		require.NoError(t, err)
		assert.Less(t, r.Contributions[FeatureRecentComplaints-1].Contribution, 0.0)
		for _, why := range r.Reasons {
			assert.NotContains(t, why.Features, FeatureRecentComplaints, "%s", why.Text)
			assert.NotContains(t, why.Text, " in 90 days", "recent complaints quoted as a warning: %s", why.Text)
			for _, f := range why.Features {
				assert.Greater(t, r.Contributions[f-1].Contribution, 0.0, "%v quoted in %q", f, why.Text)
			}
			if strings.Contains(why.Text, "complaint") {
				quoted++
			}
		}
	}
	// the rules never weigh against a sign
	_, rules, err := Fit(nil, nil)
	require.NoError(t, err)
	assert.Empty(t, rules.AgainstSign)
	t.Logf("%d complaint reasons quoted other complaint features", quoted)
}

// When a fitted model weighs recent complaints against their sign, the
// complaint reason starts with another count; the severity, which is
// that of the worst recent complaint, and the age of the last complaint
// must not read as if they were those of the count before them.
func TestComplaintReasonWithoutRecentCount(t *testing.T) {
	s := steady("C-1", 60, 60)
	s.Complaints = customer.ComplaintSignals{Total: 3, Recent: 1, Unresolved: 2, Window: 90 * day, MaxSeverity: 3,
		Last: asOf.AddDate(0, 0, -5)}
	v := features(&s, 30, 1, 180)
	var z, c [NumFeatures]float64
	for f := range z {
		z[f] = 1
	}
	c[FeatureRecentComplaints] = -0.4 // weighed against its sign
	c[FeatureUnresolved] = 0.5
	c[FeatureSeverity] = 0.2
	c[FeatureComplaintRecency] = 0.1
	r, ok := complaintReason(&s, &v, &z, &c)
	require.True(t, ok)
	assert.Equal(t, "2 unresolved complaints, the worst recent one of high severity, the last complaint 5 days ago", r.Text)
	assert.Equal(t, []Feature{FeatureUnresolved, FeatureSeverity, FeatureComplaintRecency}, r.Features)
	// with the recent count quoted, the short forms refer to it
	c[FeatureRecentComplaints] = 0.4
	r, ok = complaintReason(&s, &v, &z, &c)
	require.True(t, ok)
	assert.Equal(t, "1 complaint in 90 days, 2 unresolved, the worst of high severity, the last one 5 days ago", r.Text)
}
