package risk

import (
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

const day = 24 * time.Hour

func TestReasonsText(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Signals)
		top  int
		want []string
	}{
		{"on rhythm, nothing to say", func(s *Signals) {}, 0, nil},
		{"overdue against own gap", func(s *Signals) { s.DaysSinceLastPurchase = 214 }, 0,
			[]string{"no purchase for 214 days where this customer's usual gap is 60 days"}},
		{"fractional gap", func(s *Signals) { s.DaysSinceLastPurchase, s.MedianGap = 200, 45.5 }, 0,
			[]string{"no purchase for 200 days where this customer's usual gap is 45.5 days"}},
		{"gap floored at a week", func(s *Signals) { s.DaysSinceLastPurchase, s.MedianGap = 30, 2 }, 0,
			[]string{"no purchase for 30 days where this customer's usual gap is 2 days, counted as the minimum of 7 days"}},
		{"single purchase against the prior gap", func(s *Signals) {
			s.PurchaseDays, s.MedianGap, s.DaysSinceLastPurchase = 1, 0, 200
			s.PriorYear, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = false, 1, 0
		}, 0, []string{
			"only 1 purchase day so far", // +0.75
			"no purchase for 200 days where the typical customer's gap is 90 days", // +0.71
		}},
		{"two purchase days", func(s *Signals) { s.PurchaseDays, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 2, 1, 1 }, 0,
			[]string{"only 2 purchase days so far"}},
		{"one day", func(s *Signals) { s.DaysSinceLastPurchase, s.MedianGap = 1, 0.25 }, 0, nil},
		{"complaints and unresolved", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 3, Recent: 2, Window: 90 * day, Unresolved: 1}
		}, 0, []string{"2 complaints in 90 days, 1 unresolved"}},
		{"every complaint signal", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 2, Recent: 2, Window: 90 * day, Unresolved: 1,
				SLABreaches: 1, MaxSeverity: 3, Last: asOf.AddDate(0, 0, -12)}
		}, 0, []string{"2 complaints in 90 days, 1 unresolved, 1 past its service deadline, the worst of high severity, the last one 12 days ago"}},
		{"unresolved only", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Unresolved: 1, Window: 90 * day}
		}, 0, []string{"1 unresolved complaint"}},
		{"dissatisfied only", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Dissatisfied: 1, Window: 90 * day}
		}, 0, []string{"1 complaint handled to the customer's dissatisfaction"}},
		{"dissatisfied, plural", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 3, Dissatisfied: 2, Window: 90 * day}
		}, 0, []string{"2 complaints handled to the customer's dissatisfaction"}},
		{"recent and dissatisfied", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 2, Recent: 2, Window: 90 * day, Unresolved: 1, Dissatisfied: 1}
		}, 0, []string{"2 complaints in 90 days, 1 unresolved, 1 handled to the customer's dissatisfaction"}},
		{"escalated only", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Escalated: 1, Window: 90 * day}
		}, 0, []string{"1 escalated complaint"}},
		{"escalated, plural", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 3, Escalated: 2, Window: 90 * day}
		}, 0, []string{"2 escalated complaints"}},
		{"escalated among the complaint signals", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 2, Recent: 2, Window: 90 * day, Unresolved: 1, Escalated: 1,
				Dissatisfied: 1, SLABreaches: 1}
		}, 0, []string{"2 complaints in 90 days, 1 unresolved, 1 escalated, 1 handled to the customer's dissatisfaction, 1 past its service deadline"}},
		{"breaches only, plural", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 4, SLABreaches: 2, Window: 30 * day}
		}, 0, []string{"2 complaints past their service deadline"}},
		{"critical complaint today", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Recent: 1, Window: 90 * day, MaxSeverity: 4, Last: asOf}
		}, 0, []string{"1 complaint in 90 days, the worst of critical severity, the last one today"}},
		{"old complaint alone", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Last: asOf.AddDate(0, 0, -200), Window: 90 * day}
		}, 0, []string{"the last complaint 200 days ago"}},
		{"spend down", func(s *Signals) { s.SpendLast12 = decimal.NewFromInt(105) }, 0,
			[]string{"spend in the last 12 months down 65% on the year before"}},
		{"spend nearly gone", func(s *Signals) { s.SpendLast12 = decimal.RequireFromString("0.50") }, 0,
			[]string{"spend in the last 12 months down over 99% on the year before"}},
		{"spend up is no reason", func(s *Signals) { s.SpendLast12 = decimal.NewFromInt(600) }, 0, nil},
		{"returns", func(s *Signals) { s.ReturnRate = 0.4 }, 0, []string{"returns 40% of units bought"}},
		{"P(alive)", func(s *Signals) { s.PAlive, s.HasPAlive = 0.12, true }, 0,
			[]string{"probability of still being an active customer only 12%"}},
		{"tiny P(alive)", func(s *Signals) { s.PAlive, s.HasPAlive = 0.001, true }, 0,
			[]string{"probability of still being an active customer under 1%"}},
		{"lapsed: ranked, ties in feature order", func(s *Signals) {
			s.DaysSinceLastPurchase = 400
			s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 0, 4
			s.SpendLast12 = decimal.Zero
		}, 0, []string{
			"no purchase for 400 days where this customer's usual gap is 60 days",
			"no purchase in the last 12 months against 4 purchase days the year before",
			"spend in the last 12 months down 100% on the year before",
		}},
		{"frequency halved", func(s *Signals) { s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 1, 2 }, 0,
			[]string{"1 purchase day in the last 12 months against 2 the year before"}},
		{"top reasons limit", func(s *Signals) {
			*s = steady(s.Customer, 400, 60)
			s.ReturnRate = 0.5
		}, 1, []string{"no purchase for 400 days where this customer's usual gap is 60 days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := steady("C-1", 60, 60)
			tt.edit(&s)
			m, err := Rules(&Options{TopReasons: tt.top})
			require.NoError(t, err)
			r, err := m.ScoreSignals(s)
			require.NoError(t, err)
			var got []string
			for _, x := range r.Reasons {
				got = append(got, x.Text)
				assert.Greater(t, x.Contribution, 0.0)
			}
			assert.Equal(t, tt.want, got)
			again, err := m.ScoreSignals(s)
			require.NoError(t, err)
			assert.Equal(t, r, again, "deterministic")
		})
	}
}

func TestResultAddsUp(t *testing.T) {
	s := steady("C-1", 150, 40)
	s.PAlive, s.HasPAlive = 0.2, true
	s.Complaints = customer.ComplaintSignals{Total: 2, Recent: 1, Window: 90 * day, Unresolved: 1, MaxSeverity: 2, Last: asOf.AddDate(0, 0, -5)}
	m, err := Rules(nil)
	require.NoError(t, err)
	r, err := m.ScoreSignals(s)
	require.NoError(t, err)
	require.Len(t, r.Contributions, NumFeatures-1)
	sum := m.Intercept()
	for i, c := range r.Contributions {
		assert.Equal(t, Feature(i+1), c.Feature)
		sum += c.Contribution
	}
	assert.InDelta(t, r.Logit, sum, 1e-12)
	assert.InDelta(t, 1/(1+math.Exp(-r.Logit)), r.Risk, 1e-12)
	assert.Equal(t, m.Bands().Band(r.Risk), r.Band)
	assert.Equal(t, MethodRules, r.Method)
	assert.Equal(t, 40.0, r.TypicalGap)
	assert.True(t, r.OwnGap)
	// each reason's contribution is the sum of its features'
	for _, x := range r.Reasons {
		c := 0.0
		for _, f := range x.Features {
			c += r.Contributions[f-1].Contribution
		}
		assert.InDelta(t, c, x.Contribution, 1e-12)
	}
	risk, err := m.Risk(s)
	require.NoError(t, err)
	assert.Equal(t, r.Risk, risk)
}

func TestBands(t *testing.T) {
	b := DefaultBands
	for _, tt := range []struct {
		r    float64
		want Band
	}{{0, BandLow}, {0.2499, BandLow}, {0.25, BandWatch}, {0.5, BandHigh}, {0.74, BandHigh}, {0.75, BandCritical}, {1, BandCritical}} {
		assert.Equal(t, tt.want, b.Band(tt.r), "risk %v", tt.r)
	}
	custom := Bands{Watch: 0.1, High: 0.2, Critical: 0.9}
	m, err := Rules(&Options{Bands: custom})
	require.NoError(t, err)
	assert.Equal(t, custom, m.Bands())
	assert.Equal(t, BandHigh, custom.Band(0.5))
	for _, bad := range []Bands{{0.5, 0.4, 0.9}, {0, 0.2, 0.3}, {0.1, 0.2, 1.1}, {math.NaN(), 0.2, 0.3}} {
		_, err := Rules(&Options{Bands: bad})
		assert.ErrorIs(t, err, customer.ErrInvalid, "%v", bad)
	}
}

func TestOptionsRejected(t *testing.T) {
	w := DefaultRules()
	w.Features[FeatureOverdue].Weight = -1
	nan := DefaultRules()
	nan.Intercept = math.NaN()
	for name, o := range map[string]*Options{
		"lambda":      {Lambda: -1},
		"lambda NaN":  {Lambda: math.NaN()},
		"min gap":     {MinGap: math.Inf(1)},
		"clip":        {Clip: 101},
		"top reasons": {TopReasons: -2},
		"min class":   {MinPerClass: -1},
		"rules":       {Rules: &w},
		"rules NaN":   {Rules: &nan},
	} {
		_, err := Rules(o)
		var oe *OptionError
		assert.ErrorAs(t, err, &oe, name)
		_, _, err = Fit(nil, o)
		assert.ErrorAs(t, err, &oe, name)
	}
}

func TestComplaintReasonQuotesOnlyNonZeroFacts(t *testing.T) {
	// A fitted model may give a complaint feature a negative weight, so a
	// customer without that fact gets a positive contribution from it;
	// the text must not invent the fact nor leave a stray comma.
	s := steady("C-1", 60, 60)
	s.Complaints = customer.ComplaintSignals{Total: 1, Unresolved: 1, Window: 90 * day}
	var c [NumFeatures]float64
	c[FeatureRecentComplaints] = 0.3 // Recent is 0
	c[FeatureUnresolved] = 0.5
	c[FeatureSeverity] = 0.2 // MaxSeverity is 0
	v := features(&s, 30, 1, 180)
	var z [NumFeatures]float64
	for f := range z {
		z[f] = 1
	}
	r, ok := complaintReason(&s, &v, &z, &c)
	require.True(t, ok)
	assert.Equal(t, "1 unresolved complaint", r.Text)
	assert.Equal(t, []Feature{FeatureUnresolved}, r.Features)
	assert.Equal(t, 0.5, r.Contribution)
	z[FeatureUnresolved] = -0.4 // fewer unresolved complaints than the mean
	_, ok = complaintReason(&s, &v, &z, &c)
	assert.False(t, ok, "a count below the population's mean is no warning sign")
	z[FeatureUnresolved] = 1
	s.Complaints.Unresolved = 0
	_, ok = complaintReason(&s, &v, &z, &c)
	assert.False(t, ok)
}

func TestReasonsOnlyOnTheRiskySide(t *testing.T) {
	// A fitted model can weigh a trend with the unexpected sign; then a
	// customer whose spend rises, or declines less than the mean, gets
	// a positive contribution, which stays in the score but is not
	// worded as a warning sign.
	s := steady("C-1", 60, 60)
	s.PriorYear = true
	for _, tc := range []struct {
		name      string
		x, z, c   float64
		wantTexts int
	}{
		{"decline above the mean, weighed up", 0.3, 1.2, 0.4, 1},
		{"rise, negative coefficient", -0.2, -1, 0.4, 0},
		{"decline below the mean, negative coefficient", 0.1, -0.5, 0.3, 0},
		{"decline above the mean, negative coefficient", 0.3, 1.2, -0.4, 0},
	} {
		var v vector
		var z, c [NumFeatures]float64
		v.present[FeatureSpendDecline], v.x[FeatureSpendDecline] = true, tc.x
		z[FeatureSpendDecline], c[FeatureSpendDecline] = tc.z, tc.c
		s.SpendPrior12, s.SpendLast12 = decimal.NewFromInt(1000), decimal.NewFromInt(400)
		got := reasons(&s, &v, &z, &c, 60, true, 3)
		require.Len(t, got, tc.wantTexts, tc.name)
		if tc.wantTexts > 0 {
			assert.Equal(t, "spend in the last 12 months down 60% on the year before", got[0].Text, tc.name)
		}
	}
}

// A complaint handled to the customer's dissatisfaction raises the risk
// of an otherwise equal customer; one without feedback does not count.
func TestDissatisfiedComplaintRaisesRisk(t *testing.T) {
	m, err := Rules(nil)
	require.NoError(t, err)
	base := steady("C-1", 60, 60)
	base.Complaints = customer.ComplaintSignals{Total: 1, Window: 90 * day}
	bad := base
	bad.Complaints.Dissatisfied = 1
	r0, err := m.ScoreSignals(base)
	require.NoError(t, err)
	r1, err := m.ScoreSignals(bad)
	require.NoError(t, err)
	assert.Greater(t, r1.Risk, r0.Risk)
	// ln 2 · weight 1 on the log-odds.
	assert.InDelta(t, math.Ln2, math.Log(r1.Risk/(1-r1.Risk))-math.Log(r0.Risk/(1-r0.Risk)), 1e-9)
}
