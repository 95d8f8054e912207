package risk

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

func TestNewSignalsFromSummary(t *testing.T) {
	// Purchases 700, 640, 580, 400, 340 and 214 days before asOf: gaps 60,
	// 60, 180, 60, 126 (median 60); 2 purchase days in the last 12 months
	// (340 and 214 days ago), 4 in the year before.
	s := summaryOf(t, "C-1",
		buy{700, "100", 2, 0}, buy{640, "100", 2, 0}, buy{580, "100", 2, 1},
		buy{400, "80", 2, 0}, buy{340, "60", 2, 0}, buy{214, "40", 2, 2})
	sig, err := NewSignals(Input{Summary: s, PAlive: 0.3, HasPAlive: true})
	require.NoError(t, err)
	assert.Equal(t, customer.ID("C-1"), sig.Customer)
	assert.Equal(t, 214, sig.DaysSinceLastPurchase)
	assert.Equal(t, 6, sig.PurchaseDays)
	assert.Equal(t, 60.0, sig.MedianGap)
	assert.True(t, sig.PriorYear)
	assert.Equal(t, 2, sig.PurchaseDaysLast12)
	assert.Equal(t, 4, sig.PurchaseDaysPrior12)
	assert.Equal(t, "60", sig.SpendLast12.String())   // 60 + 40 − 2 × 20 refunded
	assert.Equal(t, "330", sig.SpendPrior12.String()) // 3 × 100 − 50 refunded + 80
	assert.InDelta(t, 3.0/12, sig.ReturnRate, 1e-12)
	assert.Equal(t, 0.3, sig.PAlive)
}

// A customer who shops on two days in a row once a year has a yearly
// rhythm, not a daily one: 200 days after the last visit is not overdue.
// Two purchase days of one week are one visit, measured against the
// population's gap like a single purchase.
func TestNewSignalsRhythmOfShoppingOccasions(t *testing.T) {
	s := summaryOf(t, "C-3", buy{931, "80", 1, 0}, buy{930, "40", 1, 0},
		buy{566, "90", 1, 0}, buy{565, "30", 1, 0}, buy{201, "70", 1, 0}, buy{200, "50", 1, 0})
	sig, err := NewSignals(Input{Summary: s})
	require.NoError(t, err)
	assert.Equal(t, 6, sig.PurchaseDays)
	assert.Equal(t, 365.0, sig.MedianGap)
	m := &Model{method: MethodRules, priorGap: 90, cfg: config{minGap: DefaultMinGap}}
	gap, own := m.TypicalGap(sig)
	assert.Equal(t, 365.0, gap)
	assert.True(t, own)

	s = summaryOf(t, "C-4", buy{40, "80", 1, 0}, buy{37, "40", 1, 0})
	sig, err = NewSignals(Input{Summary: s})
	require.NoError(t, err)
	assert.Equal(t, 2, sig.PurchaseDays)
	assert.Zero(t, sig.MedianGap)
	gap, own = m.TypicalGap(sig)
	assert.Equal(t, 90.0, gap)
	assert.False(t, own)
}

func TestNewSignalsNewCustomerHasNoTrend(t *testing.T) {
	s := summaryOf(t, "C-2", buy{100, "50", 1, 0})
	sig, err := NewSignals(Input{Summary: s})
	require.NoError(t, err)
	assert.False(t, sig.PriorYear)
	assert.Equal(t, 1, sig.PurchaseDays)
	assert.Zero(t, sig.MedianGap)
	v := features(&sig, 90, 7, 90)
	assert.False(t, v.present[FeatureFrequencyDecline])
	assert.False(t, v.present[FeatureSpendDecline])
	assert.False(t, v.present[FeatureNotAlive])
	assert.InDelta(t, math.Log1p(100.0/90), v.x[FeatureOverdue], 1e-12)
}

func TestNewSignalsNoPurchase(t *testing.T) {
	s := *customer.NewSummary("C-0", customer.Consumer, asOf, nil)
	_, err := NewSignals(Input{Summary: s})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNoPurchase)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	assert.Contains(t, err.Error(), `customer "C-0"`)
}

func TestSignalsValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Signals)
		fields []string
	}{
		{"NaN P(alive)", func(s *Signals) { s.PAlive, s.HasPAlive = math.NaN(), true }, []string{"p_alive"}},
		{"P(alive) above 1", func(s *Signals) { s.PAlive, s.HasPAlive = 1.5, true }, []string{"p_alive"}},
		{"P(alive) negative", func(s *Signals) { s.PAlive, s.HasPAlive = -0.1, true }, []string{"p_alive"}},
		{"P(alive) infinite", func(s *Signals) { s.PAlive, s.HasPAlive = math.Inf(1), true }, []string{"p_alive"}},
		{"NaN P(alive) ignored when absent", func(s *Signals) { s.PAlive = math.NaN() }, nil},
		{"no purchase", func(s *Signals) { s.PurchaseDays = 0 }, []string{"purchase_days"}},
		{"negative recency", func(s *Signals) { s.DaysSinceLastPurchase = -1 }, []string{"days_since_last_purchase"}},
		{"NaN gap", func(s *Signals) { s.MedianGap = math.NaN() }, []string{"median_gap"}},
		{"negative gap", func(s *Signals) { s.MedianGap = -3 }, []string{"median_gap"}},
		{"negative year counts", func(s *Signals) { s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = -1, -2 },
			[]string{"purchase_days_last_12", "purchase_days_prior_12"}},
		{"more purchase days in the two years than in all", func(s *Signals) {
			s.PurchaseDays, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 2, 1, 5
		}, []string{"purchase_days_prior_12"}},
		{"purchase days of the two years add up to all", func(s *Signals) {
			s.PurchaseDays, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = 5, 2, 3
		}, nil},
		{"return rate above 1", func(s *Signals) { s.ReturnRate = 1.2 }, []string{"return_rate"}},
		{"NaN return rate", func(s *Signals) { s.ReturnRate = math.NaN() }, []string{"return_rate"}},
		{"negative complaint counts", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: -1, Recent: -1, Unresolved: -2, SLABreaches: -3}
		}, []string{"complaints.recent", "complaints.sla_breaches", "complaints.total", "complaints.unresolved"}},
		{"negative dissatisfied", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Dissatisfied: -1}
		}, []string{"complaints.dissatisfied"}},
		{"more dissatisfied than total", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Dissatisfied: 2, Window: 90 * day}
		}, []string{"complaints.dissatisfied"}},
		{"dissatisfied without window", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Dissatisfied: 1}
		}, []string{"complaints.window"}},
		{"negative escalated", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Escalated: -1, Window: 90 * day}
		}, []string{"complaints.escalated"}},
		{"more escalated than total", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Escalated: 2, Window: 90 * day}
		}, []string{"complaints.escalated"}},
		{"escalated without window", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Escalated: 1}
		}, []string{"complaints.window"}},
		// escalated within the window, recorded before it
		{"escalated, not recent", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Escalated: 1, Window: 90 * day, Last: asOf.AddDate(0, 0, -120)}
		}, nil},
		{"more unresolved than total", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Unresolved: 2, SLABreaches: 3}
		}, []string{"complaints.sla_breaches", "complaints.unresolved"}},
		{"severity out of range", func(s *Signals) { s.Complaints = customer.ComplaintSignals{Total: 1, MaxSeverity: 5} },
			[]string{"complaints.max_severity"}},
		{"recent without window", func(s *Signals) { s.Complaints = customer.ComplaintSignals{Total: 1, Recent: 1} },
			[]string{"complaints.window"}},
		{"negative window", func(s *Signals) { s.Complaints = customer.ComplaintSignals{Window: -time.Hour} },
			[]string{"complaints.window"}},
		{"last complaint in the future", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Last: asOf.Add(time.Hour)}
		}, []string{"complaints.last"}},
		{"last complaint without complaint", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Last: asOf.Add(-time.Hour)}
		}, []string{"complaints.last"}},
		// the complaint package's definitions (complaint.Signals): a
		// complaint is recent when recorded in (AsOf − Window, AsOf], and
		// MaxSeverity is over the recent complaints
		{"recent complaints but the last one before the window", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 2, Recent: 2, Window: 90 * 24 * time.Hour, Last: asOf.AddDate(0, 0, -400)}
		}, []string{"complaints.last"}},
		{"last complaint exactly one window ago is not recent", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Recent: 1, Window: 90 * 24 * time.Hour, Last: asOf.Add(-90 * 24 * time.Hour)}
		}, []string{"complaints.last"}},
		{"last complaint within the window but none recent", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Window: 90 * 24 * time.Hour, Last: asOf.AddDate(0, 0, -3)}
		}, []string{"complaints.last"}},
		{"severity without a recent complaint", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Window: 90 * 24 * time.Hour, MaxSeverity: 4}
		}, []string{"complaints.max_severity"}},
		{"old complaint, none recent", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 3, Window: 90 * 24 * time.Hour, Last: asOf.AddDate(0, 0, -200)}
		}, nil},
		{"recent complaint just inside the window", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Recent: 1, Window: 90 * 24 * time.Hour, MaxSeverity: 2,
				Last: asOf.Add(-90*24*time.Hour + time.Second)}
		}, nil},
		{"recent complaints without a date", func(s *Signals) {
			s.Complaints = customer.ComplaintSignals{Total: 1, Recent: 1, Window: 90 * 24 * time.Hour, MaxSeverity: 1}
		}, nil},
		{"dated complaint without as-of", func(s *Signals) {
			s.AsOf = time.Time{}
			s.Complaints = customer.ComplaintSignals{Total: 1, Last: asOf}
		}, []string{"as_of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := steady("C-9", 30, 60)
			tt.edit(&s)
			err := s.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, customer.ID("C-9"), ie.Customer)
			var got []string
			for _, f := range ie.Fields {
				got = append(got, f.Field)
			}
			assert.Equal(t, tt.fields, got)
			assert.ErrorIs(t, err, customer.ErrInvalid)
			assert.Contains(t, err.Error(), `customer "C-9"`)

			// every entry point rejects it and returns no number
			m, err := Rules(nil)
			require.NoError(t, err)
			_, err = m.Risk(s)
			assert.ErrorAs(t, err, &ie)
			_, err = m.ScoreSignals(s)
			assert.ErrorAs(t, err, &ie)
		})
	}
}

func TestInputErrorMessage(t *testing.T) {
	s := steady("C-7", 10, 30)
	s.PAlive, s.HasPAlive = math.NaN(), true
	s.ReturnRate = -1
	err := s.Validate()
	assert.EqualError(t, err, `risk: customer "C-7" (#0): p_alive: must be in [0, 1], got NaN; return_rate: must be in [0, 1], got -1`)
	assert.False(t, errors.Is(err, ErrNoPurchase))
}

type fakeComplaints map[customer.ID]customer.ComplaintSignals

func (f fakeComplaints) ComplaintSignals(id customer.ID, at time.Time) (customer.ComplaintSignals, error) {
	if id == "broken" {
		return customer.ComplaintSignals{}, errors.New("store down")
	}
	return f[id], nil
}

type fakeAlive struct{ calls [][3]float64 }

func (f *fakeAlive) PAlive(x, r, T float64) (float64, error) {
	f.calls = append(f.calls, [3]float64{x, r, T})
	return 1 / (1 + x), nil
}

func TestCollect(t *testing.T) {
	a := summaryOf(t, "A", buy{70, "10", 1, 0}, buy{14, "10", 1, 0})
	b := summaryOf(t, "B", buy{21, "10", 1, 0})
	src := fakeComplaints{"B": {Total: 1, Recent: 1, Window: 90 * 24 * time.Hour, Last: asOf.AddDate(0, 0, -3)}}
	alive := &fakeAlive{}
	ins, err := Collect([]customer.Summary{a, b}, src, alive, customer.Weeks)
	require.NoError(t, err)
	require.Len(t, ins, 2)
	assert.Equal(t, [][3]float64{{1, 8, 10}, {0, 0, 3}}, alive.calls)
	assert.Equal(t, 0.5, ins[0].PAlive)
	assert.True(t, ins[1].HasPAlive)
	assert.Equal(t, 1, ins[1].Complaints.Recent)
	assert.Zero(t, ins[0].Complaints.Total)

	_, err = Collect([]customer.Summary{a, summaryOf(t, "broken", buy{3, "1", 1, 0})}, src, nil, customer.Days)
	assert.ErrorContains(t, err, `customer "broken" (#1): store down`)

	none, err := Collect([]customer.Summary{a}, nil, nil, customer.Days)
	require.NoError(t, err)
	assert.False(t, none[0].HasPAlive)

	// A unit that is neither days nor weeks is an error, not a panic.
	for _, unit := range []customer.Period{0, 7} {
		_, err = Collect([]customer.Summary{a}, nil, &fakeAlive{}, unit)
		var oe *OptionError
		require.ErrorAs(t, err, &oe, "unit %d", unit)
		assert.Equal(t, "unit", oe.Field)
		assert.ErrorIs(t, err, customer.ErrInvalid)
	}
	_, err = Collect([]customer.Summary{a}, nil, nil, 0)
	assert.NoError(t, err, "no unit is needed without a model")

	// A first purchase on the as-of day (T = 0): alive, without asking
	// the model, which does not take T = 0; the others are still asked.
	today := summaryOf(t, "today", buy{0, "10", 1, 0})
	alive = &fakeAlive{}
	ins, err = Collect([]customer.Summary{today, b}, nil, alive, customer.Weeks)
	require.NoError(t, err)
	assert.Equal(t, [][3]float64{{0, 0, 3}}, alive.calls)
	assert.True(t, ins[0].HasPAlive)
	assert.Equal(t, 1.0, ins[0].PAlive)
	m, err := Rules(nil)
	require.NoError(t, err)
	_, err = m.Score(ins[0])
	require.NoError(t, err)
}

func TestComplaintInLaterTimeZoneIsToday(t *testing.T) {
	at := time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC)
	s := steady("C-3", 10, 30)
	s.AsOf = at
	east := time.FixedZone("UTC+2", 2*3600)
	s.Complaints = customer.ComplaintSignals{Total: 1, Last: at.Add(-30 * time.Minute).In(east)}
	require.NoError(t, s.Validate())
	age, ok := complaintAge(&s)
	assert.True(t, ok)
	assert.Zero(t, age)
	v := features(&s, 90, DefaultMinGap, DefaultComplaintHalfLife)
	assert.Equal(t, 1.0, v.x[FeatureComplaintRecency])
}
