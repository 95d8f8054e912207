package risk

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// A missing feature contributes as if it were at its rule's reference. A
// reference beyond the values a feature can take makes every customer
// who has the feature look better than one who has not: with the
// trends' reference at 5, a customer who stopped buying two years ago
// (trend +1) would be safer than one who bought ten days ago in the first
// year (no trend yet). Such rules are refused, naming rule and field.
func TestRuleReferenceOutsideFeatureRangeRefused(t *testing.T) {
	active := Signals{Customer: "A", AsOf: asOf, DaysSinceLastPurchase: 10, PurchaseDays: 3, MedianGap: 60,
		PurchaseDaysLast12: 3, SpendLast12: decimal.NewFromInt(300)}
	lapsed := Signals{Customer: "L", AsOf: asOf, DaysSinceLastPurchase: 800, PurchaseDays: 3, MedianGap: 60,
		DaysSinceFirstPurchase: 920, PriorYear: true}
	for _, c := range []struct {
		f   Feature
		ref float64
	}{{FeatureFrequencyDecline, 5}, {FeatureSpendDecline, 5}, {FeatureFrequencyDecline, -1.5}, {FeatureNotAlive, 1.2}, {FeatureNotAlive, -0.1}} {
		t.Run(fmt.Sprint(c.f, c.ref), func(t *testing.T) {
			w := DefaultRules()
			w.Features[c.f].Reference = c.ref
			_, err := Rules(&Options{Rules: &w})
			var oe *OptionError
			require.ErrorAs(t, err, &oe)
			require.Equal(t, "rules."+c.f.String()+".reference", oe.Field)
			require.Equal(t, c.ref, oe.Value)
		})
	}
	// in range, and at the ends of it, the references are accepted, and
	// the lapsed customer is the riskier one
	w := DefaultRules()
	w.Features[FeatureFrequencyDecline].Reference, w.Features[FeatureSpendDecline].Reference = 1, 1
	w.Features[FeatureNotAlive].Reference = 0
	m, err := Rules(&Options{Rules: &w})
	require.NoError(t, err)
	a, err := m.Risk(active)
	require.NoError(t, err)
	l, err := m.Risk(lapsed)
	require.NoError(t, err)
	require.Greater(t, l, a)
}

// A stored rules model is held to the same references.
func TestStoredRulesModelReferenceOutsideFeatureRangeRefused(t *testing.T) {
	m := mustRules(t)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	for _, term := range doc["terms"].([]any) {
		if tm := term.(map[string]any); tm["feature"] == FeatureSpendDecline.String() {
			tm["center"] = 3.0
		}
	}
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	var back Model
	err = back.UnmarshalJSON(b)
	var oe *OptionError
	require.ErrorAs(t, err, &oe)
	require.Equal(t, "terms.spend_decline.center", oe.Field)
	require.Equal(t, Method(0), back.method, "a refused document changes nothing")
}

// With any accepted rule weights, a feature that can be missing
// contributes, at the worst value it can take, at least as much as when
// missing, and at the best value at most as much.
func TestPropertyAcceptedRulesRankMissingBetweenEnds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := DefaultRules()
		for f := Feature(1); int(f) < NumFeatures; f++ {
			w.Features[f] = Rule{Weight: rapid.Float64Range(0, 5).Draw(t, "weight"), Reference: rapid.Float64Range(-3, 3).Draw(t, "reference")}
		}
		m, err := Rules(&Options{Rules: &w})
		if err != nil {
			return
		}
		for _, f := range []Feature{FeatureNotAlive, FeatureFrequencyDecline, FeatureSpendDecline} {
			lo, hi, _ := missingRange(f)
			if m.coef[f]*(hi-m.center[f]) < 0 || m.coef[f]*(lo-m.center[f]) > 0 {
				t.Fatalf("%v: reference %v outside [%v, %v] accepted", f, m.center[f], lo, hi)
			}
		}
	})
}
