package risk

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// The zero Bands are DefaultBands, as documented: a caller that bands a
// risk with Bands{} gets the default levels, not every customer
// critical.
func TestZeroBandsAreDefault(t *testing.T) {
	for _, r := range []float64{0, 0.1, 0.3, 0.6, 0.8, 1} {
		assert.Equal(t, DefaultBands.Band(r), Bands{}.Band(r), "risk %v", r)
	}
}

// A complaint window shorter than a day is written in hours (or
// minutes), not as "0 days".
func TestComplaintWindowUnderADay(t *testing.T) {
	for _, tc := range []struct {
		window time.Duration
		want   string
	}{
		{12 * time.Hour, "2 complaints in 12 hours"},
		{time.Hour, "2 complaints in 1 hour"},
		{90 * time.Minute, "2 complaints in 1.5 hours"},
		{10 * time.Minute, "2 complaints in 10 minutes"},
		{36 * time.Hour, "2 complaints in 1.5 days"},
		{90 * day, "2 complaints in 90 days"},
	} {
		s := steady("C-1", 60, 60)
		s.Complaints = customer.ComplaintSignals{Total: 2, Recent: 2, Window: tc.window, Last: asOf.Add(-time.Minute)}
		v := features(&s, 60, DefaultMinGap, DefaultComplaintHalfLife)
		var z, c [NumFeatures]float64
		z[FeatureRecentComplaints], c[FeatureRecentComplaints] = 1, 1
		r, ok := complaintReason(&s, &v, &z, &c)
		require.True(t, ok)
		assert.Equal(t, tc.want, r.Text)
	}
}

// A P(alive) just short of 1 that is still a warning sign in a fitted
// population is "over 99%", not "only over 99%".
func TestPAliveReasonNearOne(t *testing.T) {
	s := steady("C-1", 60, 60)
	s.HasPAlive, s.PAlive = true, 0.996
	v := features(&s, 60, DefaultMinGap, DefaultComplaintHalfLife)
	var z, c [NumFeatures]float64
	z[FeatureNotAlive], c[FeatureNotAlive] = 1, 0.3
	got := reasons(&s, &v, &z, &c, 60, true, 3)
	require.Len(t, got, 1)
	assert.Equal(t, "probability of still being an active customer over 99%", got[0].Text)
	s.PAlive = 0.12
	v = features(&s, 60, DefaultMinGap, DefaultComplaintHalfLife)
	got = reasons(&s, &v, &z, &c, 60, true, 3)
	assert.Equal(t, "probability of still being an active customer only 12%", got[0].Text)
}

// A stored rules model keeps the rules' promise: no negative weight.
func TestStoredRulesRefuseNegativeWeight(t *testing.T) {
	b, err := json.Marshal(mustRules(t))
	require.NoError(t, err)
	doc := strings.Replace(string(b), `{"feature":"recent_complaints","weight":0.6`, `{"feature":"recent_complaints","weight":-0.6`, 1)
	require.NotEqual(t, string(b), doc)
	var m Model
	err = json.Unmarshal([]byte(doc), &m)
	var oe *OptionError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "terms.recent_complaints.weight", oe.Field)
	assert.Zero(t, m.Method(), "a rejected document leaves the model unchanged")
	// a fitted model may store one (FitReport.AgainstSign)
	fitted := strings.Replace(doc, `"method":"rules"`, `"method":"fitted"`, 1)
	require.NoError(t, json.Unmarshal([]byte(fitted), &m))
}

// LogGapMoments skips invalid signals, as documented, so that all shards
// agree on the prior gap that Fit, which refuses them, would compute.
func TestLogGapMomentsSkipsInvalid(t *testing.T) {
	good := []Signals{steady("A", 10, 30), steady("B", 10, 120)}
	bad := steady("C", 10, 5000)
	bad.ReturnRate = 2
	contradictory := steady("D", 10, 3000)
	contradictory.PurchaseDaysLast12 = 0 // the last purchase was 10 days ago
	m, err := LogGapMoments(append(good, bad, contradictory), nil)
	require.NoError(t, err)
	want, err := LogGapMoments(good, nil)
	require.NoError(t, err)
	assert.Equal(t, want, m)
}
