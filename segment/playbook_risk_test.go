package segment_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"pgregory.net/rapid"
)

var bands = []risk.Band{0, risk.BandLow, risk.BandWatch, risk.BandHigh, risk.BandCritical}

// At high and critical churn risk the customer is contacted promptly to
// learn what is wrong and kept (domain rules §4, 000: 及时与这些客户进行
// 沟通, 了解他们的不满和问题, 并采取相应的解决措施, 如提供优惠、改进服务等):
// at high risk the contact, at critical risk an offer too, made now
// (churn/risk: BandHigh asks what is wrong, BandCritical acts now); when a
// complaint is behind the risk, the remedy is better service, not an
// offer. The risk's actions come first, each code once.
func TestPlaybookActionsByRiskBand(t *testing.T) {
	p := segment.DefaultPlaybook()
	all := customer.Consent{Marketing: true, Profiling: true}
	for _, tc := range []struct {
		kind      customer.Kind
		complaint bool
		want      map[risk.Band][]string
	}{
		{customer.Consumer, false, map[risk.Band][]string{
			risk.BandHigh: {"retention-contact"}, risk.BandCritical: {"retention-contact", "retention-offers"}}},
		{customer.Consumer, true, map[risk.Band][]string{
			risk.BandHigh: {"service-recovery"}, risk.BandCritical: {"service-recovery"}}},
		{customer.Intermediary, false, map[risk.Band][]string{
			risk.BandHigh: {"retention-visit"}, risk.BandCritical: {"retention-visit", "retention-terms"}}},
		{customer.Intermediary, true, map[risk.Band][]string{
			risk.BandHigh: {"claim-recovery"}, risk.BandCritical: {"claim-recovery"}}},
	} {
		for _, q := range []segment.Quadrant{segment.HighValue, segment.PotentialValue, segment.SecondaryValue, segment.LowValue} {
			base := segment.Result{Kind: tc.kind, Quadrant: q, ShopType: segment.ShopDrifting, Stage: segment.StageActive,
				Grade: segment.GradeB, Consent: all}
			before := codes(p.Actions(&base))
			for _, b := range bands {
				r := base
				r.Risk = segment.Risk{Band: b, Complaint: tc.complaint}
				got := codes(p.Actions(&r))
				want := slices.Clone(tc.want[b])
				for _, c := range before {
					if !slices.Contains(want, c) {
						want = append(want, c)
					}
				}
				assert.Equal(t, want, got, "%v %v, band %v, complaint %v", tc.kind, q, b, tc.complaint)
			}
		}
	}
	// A secondary-value customer, offered retention offers before its
	// buying drops, gets them once at critical risk, first.
	r := segment.Result{Kind: customer.Consumer, Quadrant: segment.SecondaryValue, Consent: all,
		Risk: segment.Risk{Band: risk.BandCritical}}
	assert.Equal(t, []string{"retention-contact", "retention-offers", "keep-current-value"}, codes(p.Actions(&r)))
}

// A consumer asked, unprompted, what is wrong is contacted unsolicited,
// as a dormant customer asked why and a lost one surveyed: without
// marketing consent neither the contact nor the offer is recommended. A
// contact about the customer's own complaint is service (domain rules
// §5: the customer is notified and asked for feedback), as is the
// account manager's visit to a trade partner: both need no consent. The
// intermediary's retention terms are an offer and need marketing consent.
func TestRiskActionsConsent(t *testing.T) {
	p := segment.DefaultPlaybook()
	for _, c := range []customer.Consent{{}, {Profiling: true}} {
		for _, b := range []risk.Band{risk.BandHigh, risk.BandCritical} {
			consumer := segment.Result{Kind: customer.Consumer, Quadrant: segment.LowValue, Consent: c, Risk: segment.Risk{Band: b}}
			got := codes(p.Actions(&consumer))
			assert.NotContains(t, got, "retention-contact", "%v %+v", b, c)
			assert.NotContains(t, got, "retention-offers", "%v %+v", b, c)
			consumer.Risk.Complaint = true
			assert.Equal(t, "service-recovery", codes(p.Actions(&consumer))[0], "%v %+v", b, c)

			dealer := segment.Result{Kind: customer.Intermediary, Quadrant: segment.LowValue, Consent: c, Risk: segment.Risk{Band: b}}
			got = codes(p.Actions(&dealer))
			assert.Equal(t, "retention-visit", got[0], "%v %+v", b, c)
			assert.NotContains(t, got, "retention-terms", "%v %+v", b, c)
			dealer.Risk.Complaint = true
			assert.Equal(t, "claim-recovery", codes(p.Actions(&dealer))[0], "%v %+v", b, c)
		}
	}
	for _, l := range [][]segment.Action{p.Risks[risk.BandHigh], p.Risks[risk.BandCritical],
		p.Intermediary.Risks[risk.BandCritical]} {
		for _, a := range l {
			if a.Code != "retention-visit" {
				assert.Equal(t, segment.NeedsMarketing, a.Needs, a.Code)
			}
		}
	}
	for _, b := range []*segment.Playbook{&p, p.Intermediary} {
		for _, l := range b.ComplaintRisks {
			for _, a := range l {
				assert.Zero(t, a.Needs, a.Code)
			}
		}
	}
}

// A playbook built with risk actions but none for complaints serves
// customers with a complaint behind the risk with the same; one built
// without risk actions, as before they existed, has none for anyone.
func TestPlaybookWithoutComplaintRisks(t *testing.T) {
	call := segment.Action{Code: "call", Description: "Call them"}
	b := segment.Playbook{Risks: map[risk.Band][]segment.Action{risk.BandHigh: {call}}}
	for _, complaint := range []bool{false, true} {
		r := segment.Result{Kind: customer.Consumer, Quadrant: segment.LowValue, Risk: segment.Risk{Band: risk.BandHigh, Complaint: complaint}}
		assert.Equal(t, []segment.Action{call}, b.Actions(&r), "complaint %v", complaint)
		r.Risk.Band = risk.BandCritical
		assert.Empty(t, b.Actions(&r), "no list for the band")
		r.Risk.Band = risk.BandHigh
		assert.Empty(t, segment.Playbook{}.Actions(&r))
	}
	b.ComplaintRisks = map[risk.Band][]segment.Action{}
	r := segment.Result{Kind: customer.Consumer, Risk: segment.Risk{Band: risk.BandHigh, Complaint: true}}
	assert.Empty(t, b.Actions(&r), "an empty ComplaintRisks is a list of none")
}

// Raising a customer's churn-risk band never takes an action away, and
// the risk's actions, as every other, are allowed by the consent, listed
// once and not skipped by the quadrant.
func TestPropertyRaisingRiskKeepsActions(t *testing.T) {
	p := segment.DefaultPlaybook()
	rapid.Check(t, func(t *rapid.T) {
		r := segment.Result{
			Kind:     rapid.SampledFrom([]customer.Kind{0, customer.Consumer, customer.Intermediary}).Draw(t, "kind"),
			Quadrant: segment.Quadrant(rapid.IntRange(0, 5).Draw(t, "quadrant")),
			ShopType: segment.ShopType(rapid.IntRange(0, 5).Draw(t, "shopType")),
			Stage:    segment.Stage(rapid.IntRange(0, 5).Draw(t, "stage")),
			Grade:    segment.Grade(rapid.IntRange(0, 4).Draw(t, "grade")),
			Consent:  customer.Consent{Marketing: rapid.Bool().Draw(t, "marketing"), Profiling: rapid.Bool().Draw(t, "profiling")},
			Risk:     segment.Risk{Complaint: rapid.Bool().Draw(t, "complaint")},
		}
		lo := rapid.IntRange(0, len(bands)-1).Draw(t, "lo")
		hi := rapid.IntRange(lo, len(bands)-1).Draw(t, "hi")
		r.Risk.Band = bands[lo]
		before := codes(p.Actions(&r))
		r.Risk.Band = bands[hi]
		after := p.Actions(&r)
		require.Subset(t, codes(after), before, "%v → %v", bands[lo], bands[hi])
		book := &p
		if r.Kind == customer.Intermediary {
			book = p.Intermediary
		}
		seen := map[string]bool{}
		for _, a := range after {
			require.True(t, a.Allowed(r.Consent), a.Code)
			require.False(t, seen[a.Code], "%s twice", a.Code)
			seen[a.Code] = true
			require.NotContains(t, book.Skip[r.Quadrant], a.Code)
		}
	})
}

// RiskOf reads the band of a risk result and whether a complaint is among
// its reasons; every feature of the risk model is either a complaint
// signal or not, and a new one must be sorted here.
func TestRiskOf(t *testing.T) {
	assert.Equal(t, segment.Risk{}, segment.RiskOf(nil))
	complaintFeature := map[risk.Feature]bool{
		risk.FeatureNotAlive: false, risk.FeatureOverdue: false, risk.FeatureFewPurchases: false,
		risk.FeatureFrequencyDecline: false, risk.FeatureSpendDecline: false, risk.FeatureReturnRate: false,
		risk.FeatureRecentComplaints: true, risk.FeatureUnresolved: true, risk.FeatureSLABreaches: true,
		risk.FeatureSeverity: true, risk.FeatureComplaintRecency: true, risk.FeatureDissatisfied: true,
		risk.FeatureEscalated: true,
	}
	for _, f := range risk.Features() {
		want, ok := complaintFeature[f]
		require.True(t, ok, "feature %v: is it a complaint signal?", f)
		r := risk.Result{Band: risk.BandHigh, Reasons: []risk.Reason{{Features: []risk.Feature{risk.FeatureOverdue}}, {Features: []risk.Feature{f}}}}
		assert.Equal(t, segment.Risk{Band: risk.BandHigh, Complaint: want}, segment.RiskOf(&r), "%v", f)
	}
	// Complaints that did not raise the risk are not among the reasons:
	// they are not what is wrong.
	r := risk.Result{Band: risk.BandCritical, Contributions: []risk.Contribution{{Feature: risk.FeatureUnresolved, Present: true, Value: 1, Contribution: -0.1}}}
	assert.Equal(t, segment.Risk{Band: risk.BandCritical}, segment.RiskOf(&r))
}

// Classification does not know the churn risk: a result reused for the
// next customer does not keep the risk of the last.
func TestClassifyResetsRisk(t *testing.T) {
	m, obs, err := segment.FitInputs([]segment.Input{
		{Summary: history("ana", asOf, map[int]string{20: "240.00", 130: "89.90"})},
		{Summary: history("ben", asOf, map[int]string{400: "39.90"})},
	}, nil)
	require.NoError(t, err)
	r := segment.Result{Risk: segment.Risk{Band: risk.BandCritical, Complaint: true}}
	require.NoError(t, m.Classify(&r, &obs[0]))
	assert.Equal(t, segment.Risk{}, r.Risk)
	r.Risk.Band = risk.BandHigh
	require.NoError(t, m.Scoring.Classify(&r, &obs[1]))
	assert.Equal(t, segment.Risk{}, r.Risk)
}

// A shopper of high value who bought every two months, silent for seven
// and with a complaint still open: the churn risk model rates the risk
// critical with the complaint first among its reasons, and the playbook
// puts the recovery of the complaint first — a service contact that needs
// no marketing consent — and no offer.
func ExampleRiskOf() {
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := customer.NewSummary("C-1042", customer.Consumer, asOf, nil)
	for i, daysAgo := range []int{700, 640, 580, 520, 460, 400, 214} {
		_ = s.AddOrder(customer.Order{
			ID: fmt.Sprint("O-", i), CustomerID: "C-1042", Time: asOf.AddDate(0, 0, -daysAgo),
			Channel: customer.Online, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(80)}},
		})
	}
	m, _ := risk.Rules(nil)
	res, err := m.Score(risk.Input{Summary: *s, Complaints: customer.ComplaintSignals{
		Total: 2, Recent: 2, Window: 90 * 24 * time.Hour, Unresolved: 1, MaxSeverity: 2, Last: asOf.AddDate(0, 0, -20)}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Band, "-", res.Reasons[0].Text)
	book := segment.DefaultPlaybook()
	r := segment.Result{Kind: customer.Consumer, Quadrant: segment.HighValue, Stage: segment.StageDormant,
		ShopType: segment.ShopLost, Risk: segment.RiskOf(&res)}
	for _, c := range []customer.Consent{{}, {Marketing: true}} {
		r.Consent = c
		fmt.Printf("marketing consent %v: %v\n", c.Marketing, codes(book.Actions(&r)))
	}
	// Without the complaint, the contact asks what is wrong and, the risk
	// being critical, an offer is made now: both need marketing consent.
	r.Risk.Complaint = false
	fmt.Println("no complaint:", codes(book.Actions(&r)))
	// Output:
	// critical - 2 complaints in 90 days, 1 unresolved, the worst of medium severity, the last one 20 days ago
	// marketing consent false: [service-recovery vip-service]
	// marketing consent true: [service-recovery vip-service early-access reason-survey win-back-offer find-reason wake-up-offer]
	// no complaint: [retention-contact retention-offers vip-service early-access reason-survey win-back-offer find-reason wake-up-offer]
}

// A result encodes with its churn risk, known or not, and decodes to the
// same; an undefined band is refused both ways, and a refused decode
// changes nothing.
func TestRiskJSON(t *testing.T) {
	for _, k := range []segment.Risk{{}, {Band: risk.BandWatch}, {Band: risk.BandCritical, Complaint: true}} {
		b, err := json.Marshal(segment.Result{ID: "c1", Kind: customer.Consumer, Stage: segment.StageActive, ShopType: segment.ShopLoyal, Risk: k})
		require.NoError(t, err)
		var back segment.Result
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, k, back.Risk, "%s", b)
	}
	b, err := json.Marshal(segment.Risk{Band: risk.BandHigh, Complaint: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"band":"high","complaint":true}`, string(b))
	_, err = json.Marshal(segment.Risk{Band: risk.BandCritical + 1})
	require.Error(t, err)
	k := segment.Risk{Band: risk.BandHigh}
	require.Error(t, json.Unmarshal([]byte(`{"band":"severe","complaint":true}`), &k))
	require.Error(t, json.Unmarshal([]byte(`{"band":3}`), &k))
	assert.Equal(t, segment.Risk{Band: risk.BandHigh}, k)
	require.NoError(t, json.Unmarshal([]byte(`null`), &k))
	assert.Equal(t, segment.Risk{Band: risk.BandHigh}, k)
}
