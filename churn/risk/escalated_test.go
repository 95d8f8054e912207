package risk

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

// FeatureEscalated comes after every earlier feature, whose numbers and
// names, by which models are stored, stay as they were.
func TestFeatureEscalatedIsAppended(t *testing.T) {
	assert.Equal(t, NumFeatures-1, int(FeatureEscalated))
	assert.Equal(t, Feature(12), FeatureDissatisfied)
	want := []string{"not_alive", "overdue", "few_purchases", "frequency_decline", "spend_decline",
		"return_rate", "recent_complaints", "unresolved_complaints", "sla_breaches",
		"complaint_severity", "complaint_recency", "dissatisfied_complaints", "escalated_complaints"}
	var got []string
	for _, f := range Features() {
		got = append(got, f.String())
	}
	assert.Equal(t, want, got)
	f, err := ParseFeature("escalated_complaints")
	require.NoError(t, err)
	assert.Equal(t, FeatureEscalated, f)
}

// The default weight of an escalation by hand lies between a missed
// deadline's and an unresolved complaint's, and an escalated complaint
// raises the rules' risk and is named among the reasons.
func TestEscalatedComplaintRaisesRisk(t *testing.T) {
	w := DefaultRules()
	e := w.Features[FeatureEscalated]
	assert.Greater(t, e.Weight, w.Features[FeatureSLABreaches].Weight)
	assert.Less(t, e.Weight, w.Features[FeatureUnresolved].Weight)
	assert.Zero(t, e.Reference)

	rules := mustRules(t)
	open := steady("C-1", 30, 60)
	open.Complaints = customer.ComplaintSignals{Total: 1, Recent: 1, Window: 90 * day, Unresolved: 1, MaxSeverity: 2, Last: asOf.AddDate(0, 0, -3)}
	escalated := open
	escalated.Complaints.Escalated = 1
	a, err := rules.ScoreSignals(open)
	require.NoError(t, err)
	b, err := rules.ScoreSignals(escalated)
	require.NoError(t, err)
	// ln 2 × 0.7 more log-odds
	assert.InDelta(t, 0.7*lnCount(1), b.Logit-a.Logit, 1e-12)
	assert.Greater(t, b.Risk, a.Risk)
	c := b.Contributions[FeatureEscalated-1]
	assert.Equal(t, FeatureEscalated, c.Feature)
	assert.True(t, c.Present)
	assert.InDelta(t, 0.7*lnCount(1), c.Contribution, 1e-12)
	var texts []string
	for _, r := range b.Reasons {
		texts = append(texts, r.Text)
		if strings.Contains(r.Text, "escalated") {
			assert.Contains(t, r.Features, FeatureEscalated)
		}
	}
	assert.Contains(t, texts, "1 complaint in 90 days, 1 unresolved, 1 escalated, the worst of medium severity, the last one 3 days ago")
	for _, r := range a.Reasons {
		assert.NotContains(t, r.Text, "escalated")
	}
}

// oldRulesJSON is the default rule-based model as stored before
// FeatureEscalated existed: twelve terms.
const oldRulesJSON = `{"method":"rules","intercept":-1.4,"prior_gap_days":90,"min_gap_days":7,"complaint_half_life_days":90,"clip":6,"top_reasons":3,"bands":{"watch":0.25,"high":0.5,"critical":0.75},"terms":[{"feature":"not_alive","weight":2.5,"center":0.5,"scale":1},{"feature":"overdue","weight":1.5,"center":0.6931471805599453,"scale":1},{"feature":"few_purchases","weight":1,"center":0.25,"scale":1},{"feature":"frequency_decline","weight":1,"center":0,"scale":1},{"feature":"spend_decline","weight":1,"center":0,"scale":1},{"feature":"return_rate","weight":1.5,"center":0.2,"scale":1},{"feature":"recent_complaints","weight":0.6,"center":0,"scale":1},{"feature":"unresolved_complaints","weight":0.8,"center":0,"scale":1},{"feature":"sla_breaches","weight":0.5,"center":0,"scale":1},{"feature":"complaint_severity","weight":0.8,"center":0,"scale":1},{"feature":"complaint_recency","weight":0.5,"center":0,"scale":1},{"feature":"dissatisfied_complaints","weight":1,"center":0,"scale":1}]}`

// withoutEscalatedTerm returns the stored model m as it was stored
// before FeatureEscalated existed: the same document without that term.
func withoutEscalatedTerm(t *testing.T, m *Model) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	terms := doc["terms"].([]any)
	var kept []any
	for _, term := range terms {
		if term.(map[string]any)["feature"] != "escalated_complaints" {
			kept = append(kept, term)
		}
	}
	require.Len(t, kept, len(terms)-1)
	doc["terms"] = kept
	old, err := json.Marshal(doc)
	require.NoError(t, err)
	return old
}

// A model stored before FeatureEscalated existed still loads, gives the
// new feature no weight, and scores every customer as it did: as the
// old rules, and as the fitted model it was stored from, whatever the
// customer's escalations.
func TestModelStoredWithoutEscalatedScoresAsBefore(t *testing.T) {
	oldWeights := DefaultRules()
	oldWeights.Features[FeatureEscalated] = Rule{}
	oldRules, err := Rules(&Options{Rules: &oldWeights})
	require.NoError(t, err)
	fitted := fittedModel()
	require.Zero(t, fitted.scale[FeatureEscalated], "fitted on signals without escalations")

	for _, tc := range []struct {
		name   string
		doc    []byte
		before *Model
	}{
		{"rules", []byte(oldRulesJSON), oldRules},
		{"fitted", withoutEscalatedTerm(t, fitted), fitted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m Model
			require.NoError(t, json.Unmarshal(tc.doc, &m))
			n := int(FeatureEscalated) - 1
			assert.Equal(t, tc.before.Coefficients()[:n], m.Coefficients()[:n])
			assert.Equal(t, Coefficient{Feature: FeatureEscalated}, m.Coefficients()[n], "no weight, no scale")
			rng := rand.New(rand.NewPCG(8, 8))
			for _, s := range randomSignals(rng, 300) {
				if s.Complaints.Total > 0 {
					s.Complaints.Escalated = rng.IntN(s.Complaints.Total + 1)
				}
				plain := s
				plain.Complaints.Escalated = 0
				want, err := tc.before.ScoreSignals(plain)
				require.NoError(t, err)
				r, err := m.ScoreSignals(s)
				require.NoError(t, err)
				assert.Equal(t, want.Risk, r.Risk)
				assert.Equal(t, want.Logit, r.Logit)
				assert.Equal(t, want.Reasons, r.Reasons)
			}
		})
	}
}

// An escalated complaint never lowers the rules' risk of an otherwise
// equal customer, nor does escalating one more of the customer's
// complaints.
func TestPropertyEscalatedComplaintNeverLowersRisk(t *testing.T) {
	rules := mustRules(t)
	rapid.Check(t, func(t *rapid.T) {
		s := genSignals().Draw(t, "signals")
		more := s
		more.Complaints.Total++
		more.Complaints.Escalated++
		if a, b := checkResult(t, rules, s), checkResult(t, rules, more); b < a {
			t.Fatalf("rules, new escalated complaint: %v → %v", a, b)
		}
		if s.Complaints.Escalated < s.Complaints.Total {
			// strictly, in log-odds: the risk itself may round to 1
			again := s
			again.Complaints.Escalated++
			checkResult(t, rules, again)
			a, _ := rules.ScoreSignals(s)
			b, _ := rules.ScoreSignals(again)
			if !(b.Logit > a.Logit) {
				t.Fatalf("rules, one more complaint escalated: log-odds %v → %v", a.Logit, b.Logit)
			}
		}
	})
}
