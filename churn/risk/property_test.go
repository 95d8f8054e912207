package risk

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/customer"
)

// genSignals draws any valid signals, including extremes (ten years of
// recency, gaps of one day, P(alive) exactly 0 or 1).
func genSignals() *rapid.Generator[Signals] {
	return rapid.Custom(func(t *rapid.T) Signals {
		pd := rapid.IntRange(1, 400).Draw(t, "purchase_days")
		s := Signals{
			Customer:              "C",
			AsOf:                  asOf,
			HasPAlive:             rapid.Bool().Draw(t, "has_p_alive"),
			PAlive:                rapid.Float64Range(0, 1).Draw(t, "p_alive"),
			DaysSinceLastPurchase: rapid.IntRange(0, 3650).Draw(t, "days_since"),
			PurchaseDays:          pd,
			SpendLast12:           decimal.NewFromInt(rapid.Int64Range(-500, 1e9).Draw(t, "spend_last")),
			SpendPrior12:          decimal.NewFromInt(rapid.Int64Range(-500, 1e9).Draw(t, "spend_prior")),
			ReturnRate:            rapid.Float64Range(0, 1).Draw(t, "return_rate"),
		}
		s.PriorYear, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = historyCounts(pd, s.DaysSinceLastPurchase,
			func(lo, hi int) int { return rapid.IntRange(lo, hi).Draw(t, "count") })
		refundsOnly(&s)
		if pd > 1 {
			s.MedianGap = rapid.Float64Range(1, 3650).Draw(t, "median_gap")
		}
		total := rapid.IntRange(0, 50).Draw(t, "total")
		s.Complaints = customer.ComplaintSignals{
			Total:        total,
			Recent:       rapid.IntRange(0, total).Draw(t, "recent"),
			Unresolved:   rapid.IntRange(0, total).Draw(t, "unresolved"),
			SLABreaches:  rapid.IntRange(0, total).Draw(t, "breaches"),
			Window:       90 * day,
			Dissatisfied: rapid.IntRange(0, total).Draw(t, "dissatisfied"),
			Escalated:    rapid.IntRange(0, total).Draw(t, "escalated"),
		}
		c := &s.Complaints
		if total > 0 && rapid.Bool().Draw(t, "dated") {
			// the last complaint is within the 90-day window exactly when
			// some complaint is recent
			age := rapid.IntRange(90, 3650).Draw(t, "complaint_age")
			if c.Recent > 0 {
				age = rapid.IntRange(0, 89).Draw(t, "recent_complaint_age")
			}
			c.Last = asOf.AddDate(0, 0, -age)
		}
		if c.Recent > 0 {
			c.MaxSeverity = rapid.IntRange(0, MaxSeverity).Draw(t, "severity")
		}
		return s
	})
}

// fittedModel is a model fitted once on synthetic data where churn rises
// with every warning sign; it is immutable, so the properties share it.
var fittedModel = sync.OnceValue(func() *Model {
	rng := rand.New(rand.NewPCG(21, 22))
	sigs := randomSignals(rng, 3000)
	ex := make([]Example, len(sigs))
	for i, s := range sigs {
		v := features(&s, 60, DefaultMinGap, DefaultComplaintHalfLife)
		logit := -1 + 2*v.x[FeatureNotAlive] + 1.5*v.x[FeatureOverdue] + 1.2*v.x[FeatureUnresolved] - 2
		ex[i] = Example{Signals: s, Churned: rng.Float64() < sigmoid(logit)}
	}
	m, _, err := Fit(ex, &Options{PriorGap: 60})
	if err != nil {
		panic(err)
	}
	return m
})

func coefficient(m *Model, f Feature) float64 { return m.coef[f] }

func checkResult(t *rapid.T, m *Model, s Signals) float64 {
	r, err := m.ScoreSignals(s)
	if err != nil {
		t.Fatalf("valid signals rejected: %v", err)
	}
	if !(r.Risk >= 0 && r.Risk <= 1) || !finite(r.Logit) {
		t.Fatalf("risk %v, logit %v", r.Risk, r.Logit)
	}
	for _, c := range r.Contributions {
		if !finite(c.Contribution) || !finite(c.Value) || !finite(c.Z) {
			t.Fatalf("non-finite contribution %+v", c)
		}
	}
	if !r.Band.Valid() || r.Band != m.Bands().Band(r.Risk) {
		t.Fatalf("band %v for risk %v", r.Band, r.Risk)
	}
	if len(r.Reasons) > DefaultTopReasons {
		t.Fatalf("%d reasons", len(r.Reasons))
	}
	for i, x := range r.Reasons {
		if !(x.Contribution > 0) || x.Text == "" || (i > 0 && x.Contribution > r.Reasons[i-1].Contribution) {
			t.Fatalf("reasons not positive and ranked: %+v", r.Reasons)
		}
		// a reason quotes only features that raised the risk
		for _, f := range x.Features {
			if c := r.Contributions[f-1]; !(c.Contribution > 0) || !c.Present {
				t.Fatalf("%q quotes %v, whose contribution is %v", x.Text, f, c.Contribution)
			}
		}
	}
	return r.Risk
}

func TestPropertyRiskInUnitInterval(t *testing.T) {
	rules := mustRules(t)
	fitted := fittedModel()
	rapid.Check(t, func(t *rapid.T) {
		s := genSignals().Draw(t, "signals")
		checkResult(t, rules, s)
		checkResult(t, fitted, s)
	})
}

func TestPropertyMoreDaysNeverLowersRisk(t *testing.T) {
	rules := mustRules(t)
	fitted := fittedModel()
	require.Greater(t, coefficient(fitted, FeatureOverdue), 0.0)
	rapid.Check(t, func(t *rapid.T) {
		s := genSignals().Draw(t, "signals")
		more := aged(s, rapid.IntRange(1, 1000).Draw(t, "extra_days"))
		for _, m := range []*Model{rules, fitted} {
			if m == fitted && (more.PriorYear != s.PriorYear || more.PurchaseDaysLast12 != s.PurchaseDaysLast12 ||
				more.PurchaseDaysPrior12 != s.PurchaseDaysPrior12) {
				// the fitted trend coefficients may have either sign:
				// only the recency changes for this model
				continue
			}
			if a, b := checkResult(t, m, s), checkResult(t, m, more); b < a {
				t.Fatalf("%v: %d days %v, %d days %v", m.Method(), s.DaysSinceLastPurchase, a, more.DaysSinceLastPurchase, b)
			}
		}
	})
}

func TestPropertyUnresolvedComplaintNeverLowersRisk(t *testing.T) {
	rules := mustRules(t)
	fitted := fittedModel()
	require.Greater(t, coefficient(fitted, FeatureUnresolved), 0.0)
	rapid.Check(t, func(t *rapid.T) {
		s := genSignals().Draw(t, "signals")
		more := s
		more.Complaints.Total++
		more.Complaints.Unresolved++
		if a, b := checkResult(t, rules, s), checkResult(t, rules, more); b < a {
			t.Fatalf("rules: %v → %v", a, b)
		}
		// the fitted model: only unresolved changes, its coefficient is
		// positive (other complaint coefficients may have any sign)
		if a, b := checkResult(t, fitted, s), checkResult(t, fitted, more); b < a {
			t.Fatalf("fitted: %v → %v", a, b)
		}
		// a new recent, unresolved complaint raises the rules' risk too
		fresh := more
		fresh.Complaints.Recent++
		fresh.Complaints.Last = asOf
		if a, b := checkResult(t, rules, s), checkResult(t, rules, fresh); b < a {
			t.Fatalf("rules, fresh complaint: %v → %v", a, b)
		}
	})
}

// A complaint handled to the customer's dissatisfaction never lowers the
// rules' risk of an otherwise equal customer.
func TestPropertyDissatisfiedComplaintNeverLowersRisk(t *testing.T) {
	rules := mustRules(t)
	rapid.Check(t, func(t *rapid.T) {
		s := genSignals().Draw(t, "signals")
		more := s
		more.Complaints.Total++
		more.Complaints.Dissatisfied++
		if a, b := checkResult(t, rules, s), checkResult(t, rules, more); b < a {
			t.Fatalf("rules: %v → %v", a, b)
		}
	})
}

func TestPropertyLowerPAliveNeverLowersRisk(t *testing.T) {
	rules := mustRules(t)
	fitted := fittedModel()
	require.Greater(t, coefficient(fitted, FeatureNotAlive), 0.0)
	rapid.Check(t, func(t *rapid.T) {
		s := genSignals().Draw(t, "signals")
		s.HasPAlive = true
		lower := s
		lower.PAlive = rapid.Float64Range(0, s.PAlive).Draw(t, "lower")
		for _, m := range []*Model{rules, fitted} {
			if a, b := checkResult(t, m, s), checkResult(t, m, lower); b < a {
				t.Fatalf("%v: P(alive) %v → %v lowered risk %v → %v", m.Method(), s.PAlive, lower.PAlive, a, b)
			}
		}
	})
}

func TestPropertyMomentsMerge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		xs := rapid.SliceOf(rapid.Float64Range(-1e6, 1e6)).Draw(t, "xs")
		cut := rapid.IntRange(0, len(xs)).Draw(t, "cut")
		var whole, a, b Moments
		for i, x := range xs {
			whole = whole.Add(x)
			if i < cut {
				a = a.Add(x)
			} else {
				b = b.Add(x)
			}
		}
		m := a.Merge(b)
		if m.N != whole.N {
			t.Fatalf("n %d vs %d", m.N, whole.N)
		}
		tol := 1e-9 * (1 + math.Abs(whole.Mean))
		if math.Abs(m.Mean-whole.Mean) > tol {
			t.Fatalf("mean %v vs %v", m.Mean, whole.Mean)
		}
		if math.Abs(m.M2-whole.M2) > 1e-7*(1+whole.M2) {
			t.Fatalf("M2 %v vs %v", m.M2, whole.M2)
		}
		if v := m.Variance(); v < 0 || !finite(v) {
			t.Fatalf("variance %v", v)
		}
	})
}

func TestPropertyAUCMatchesPairCount(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 40).Draw(t, "n")
		scores := make([]float64, n)
		pos := make([]bool, n)
		for i := range n {
			scores[i] = float64(rapid.IntRange(0, 5).Draw(t, "score")) // many ties
			pos[i] = rapid.Bool().Draw(t, "pos")
		}
		got, err := AUC(scores, pos)
		var wins, pairs float64
		for i := range n {
			for j := range n {
				if pos[i] && !pos[j] {
					pairs++
					switch {
					case scores[i] > scores[j]:
						wins++
					case scores[i] == scores[j]:
						wins += 0.5
					}
				}
			}
		}
		if pairs == 0 {
			if err == nil {
				t.Fatalf("one class accepted")
			}
			return
		}
		if err != nil || math.Abs(got-wins/pairs) > 1e-12 {
			t.Fatalf("AUC %v (%v), pairs say %v", got, err, wins/pairs)
		}
	})
}

// FuzzScoreSignals feeds arbitrary numbers: every input is either
// rejected with an *InputError or scored with a finite risk in [0, 1].
func FuzzScoreSignals(f *testing.F) {
	f.Add(0.5, true, 30, 4, 60.0, 0.2, 1, 1, 0, 2, 10)
	f.Add(math.NaN(), true, -1, 0, math.Inf(1), 1.5, -1, 3, 2, 9, -5)
	f.Add(0.0, false, 3650, 400, 1e-300, 0.0, 50, 0, 50, 4, 0)
	rules := mustRules(f)
	fitted := fittedModel()
	f.Fuzz(func(t *testing.T, pAlive float64, has bool, days, purchases int, gap, returns float64, total, recent, unresolved, severity, age int) {
		s := Signals{Customer: "F", AsOf: asOf, PAlive: pAlive, HasPAlive: has,
			DaysSinceLastPurchase: days, PurchaseDays: purchases, MedianGap: gap, ReturnRate: returns,
			Complaints: customer.ComplaintSignals{Total: total, Recent: recent, Unresolved: unresolved,
				MaxSeverity: severity, Window: 90 * day}}
		if age >= 0 && age < 100000 {
			s.Complaints.Last = asOf.AddDate(0, 0, -age)
		}
		for _, m := range []*Model{rules, fitted} {
			r, err := m.ScoreSignals(s)
			if err != nil {
				var ie *InputError
				require.ErrorAs(t, err, &ie)
				require.NotEmpty(t, ie.Fields)
				continue
			}
			require.True(t, r.Risk >= 0 && r.Risk <= 1 && finite(r.Logit), "risk %v", r.Risk)
		}
	})
}

func TestPropertyToFloat(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := decimal.New(rapid.Int64Range(-1e17, 1e17).Draw(t, "coef"), int32(rapid.IntRange(-30, 30).Draw(t, "exp")))
		want := d.InexactFloat64()
		if got := toFloat(d); got != want {
			t.Fatalf("%s: %v, want %v", d, got, want)
		}
	})
}

// TestStateMachineStandardizer drives shards of standardizers with Add,
// invalid Add and Merge, against a model that keeps every feature vector
// of every shard; Check compares each shard's moments with the moments
// recomputed from the model.
func TestStateMachineStandardizer(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		const prior = 45
		var shards []*Standardizer
		var model [][]vector
		newShard := func() {
			z, err := NewStandardizer(prior, nil)
			if err != nil {
				t.Fatal(err)
			}
			shards = append(shards, z)
			model = append(model, nil)
		}
		newShard()
		t.Repeat(map[string]func(*rapid.T){
			"add": func(t *rapid.T) {
				i := rapid.IntRange(0, len(shards)-1).Draw(t, "shard")
				s := genSignals().Draw(t, "signals")
				if err := shards[i].Add(s); err != nil {
					t.Fatalf("valid signals rejected: %v", err)
				}
				model[i] = append(model[i], features(&s, prior, DefaultMinGap, DefaultComplaintHalfLife))
			},
			"add_invalid": func(t *rapid.T) {
				i := rapid.IntRange(0, len(shards)-1).Draw(t, "shard")
				s := genSignals().Draw(t, "signals")
				s.Complaints.Unresolved = -1
				if err := shards[i].Add(s); err == nil {
					t.Fatalf("invalid signals accepted")
				}
			},
			"new_shard": func(t *rapid.T) { newShard() },
			"merge": func(t *rapid.T) {
				if len(shards) < 2 {
					t.Skip("one shard")
				}
				j := rapid.IntRange(1, len(shards)-1).Draw(t, "from")
				if err := shards[0].Merge(shards[j]); err != nil {
					t.Fatal(err)
				}
				model[0] = append(model[0], model[j]...)
				shards = append(shards[:j], shards[j+1:]...)
				model = append(model[:j], model[j+1:]...)
			},
			"": func(t *rapid.T) {
				for i, z := range shards {
					var want Standardizer
					for _, v := range model[i] {
						want.add(v)
					}
					for f := 1; f < NumFeatures; f++ {
						got, w := z.Features[f], want.Features[f]
						if got.N != w.N || math.Abs(got.Mean-w.Mean) > 1e-9*(1+math.Abs(w.Mean)) ||
							math.Abs(got.M2-w.M2) > 1e-7*(1+w.M2) {
							t.Fatalf("shard %d %v: %+v, want %+v", i, Feature(f), got, w)
						}
					}
				}
			},
		})
	})
}
