package risk

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/customer"
)

// randomSignals draws a varied, valid population of n customers.
func randomSignals(rng *rand.Rand, n int) []Signals {
	out := make([]Signals, n)
	for i := range out {
		pd := 1 + rng.IntN(12)
		s := Signals{
			Customer: customer.ID("C" + string(rune('A'+i%26))), AsOf: asOf,
			PAlive: rng.Float64(), HasPAlive: true,
			DaysSinceLastPurchase: rng.IntN(500),
			PurchaseDays:          pd,
			SpendLast12:           decimal.NewFromInt(int64(rng.IntN(1000))),
			SpendPrior12:          decimal.NewFromInt(int64(1 + rng.IntN(1000))),
			ReturnRate:            rng.Float64() * 0.6,
		}
		s.PriorYear, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = historyCounts(pd, s.DaysSinceLastPurchase,
			func(lo, hi int) int { return lo + rng.IntN(min(hi, lo+5)-lo+1) })
		refundsOnly(&s)
		if pd > 1 {
			s.MedianGap = float64(10 + rng.IntN(150))
		}
		total := rng.IntN(4)
		if total > 0 {
			age := rng.IntN(300)
			s.Complaints = customer.ComplaintSignals{
				Total: total, Window: 90 * day,
				Unresolved: rng.IntN(total + 1), SLABreaches: rng.IntN(total + 1),
				Last: asOf.AddDate(0, 0, -age),
			}
			if age < 90 { // the last complaint is recent, perhaps others too
				s.Complaints.Recent = 1 + rng.IntN(total)
				s.Complaints.MaxSeverity = 1 + rng.IntN(4)
			}
		}
		out[i] = s
	}
	return out
}

func TestFitLogisticRecoversCoefficients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	truth := []float64{-0.5, 1.2, -0.8, 0.4, 0}
	const n, p = 20000, 4
	x := make([]float64, n*p)
	y := make([]bool, n)
	for i := range n {
		for j := range p {
			x[i*p+j] = rng.NormFloat64()
		}
		y[i] = rng.Float64() < sigmoid(eta(truth, x[i*p:(i+1)*p]))
	}
	lr, err := fitLogistic(x, p, y, 1e-3, 100)
	require.NoError(t, err)
	for j, b := range truth {
		assert.InDelta(t, b, lr.beta[j], 0.06, "β_%d", j)
	}
	assert.Less(t, lr.iterations, 15)
	// the optimum of the penalised objective: its gradient vanishes
	g := make([]float64, p+1)
	for i := range n {
		r := sigmoid(eta(lr.beta, x[i*p:(i+1)*p]))
		if y[i] {
			r--
		}
		g[0] += r
		for j := range p {
			g[j+1] += r * x[i*p+j]
		}
	}
	for j := 1; j <= p; j++ {
		g[j] += 1e-3 * lr.beta[j]
	}
	for j := range g {
		assert.InDelta(t, 0, g[j], 1e-6, "gradient %d", j)
	}
}

func TestFitRecoversKnownModel(t *testing.T) {
	// Labels drawn from a known logistic model on the standardised
	// features; Fit must find its coefficients back.
	rng := rand.New(rand.NewPCG(7, 11))
	sigs := randomSignals(rng, 12000)
	opts := &Options{PriorGap: 60, Lambda: 0.01}
	std, err := NewStandardizer(60, opts)
	require.NoError(t, err)
	for _, s := range sigs {
		require.NoError(t, std.Add(s))
	}
	truth := map[Feature]float64{FeatureNotAlive: 1.0, FeatureOverdue: 0.8, FeatureUnresolved: 0.5, FeatureReturnRate: -0.4}
	const b0 = -0.3
	ex := make([]Example, len(sigs))
	for i, s := range sigs {
		v := features(&s, 60, DefaultMinGap, DefaultComplaintHalfLife)
		logit := b0
		for f, b := range truth {
			if v.present[f] { // a missing feature has z = 0
				logit += b * (v.x[f] - std.Features[f].Mean) / std.Features[f].SD()
			}
		}
		ex[i] = Example{Signals: s, Churned: rng.Float64() < sigmoid(logit)}
	}
	m, rep, err := Fit(ex, opts)
	require.NoError(t, err)
	assert.Equal(t, MethodFitted, rep.Method)
	assert.Nil(t, rep.Fallback)
	assert.Equal(t, MethodFitted, m.Method())
	assert.InDelta(t, b0, m.Intercept(), 0.06)
	for _, c := range m.Coefficients() {
		assert.InDelta(t, truth[c.Feature], c.Weight, 0.07, "%v", c.Feature)
		assert.InDelta(t, std.Features[c.Feature].Mean, c.Center, 1e-9, "%v", c.Feature)
	}
	assert.Equal(t, rep.Coefficients, m.Coefficients())
	assert.Equal(t, 60.0, rep.PriorGap)
	assert.Greater(t, rep.LogLoss, 0.3)
	assert.Less(t, rep.LogLoss, math.Ln2)

	// a fresh sample from the same model: AUC well above chance, and the
	// true model's own AUC bounds it
	test := randomSignals(rng, 4000)
	hold := make([]Example, len(test))
	for i, s := range test {
		v := features(&s, 60, DefaultMinGap, DefaultComplaintHalfLife)
		logit := b0
		for f, b := range truth {
			if v.present[f] { // a missing feature has z = 0
				logit += b * (v.x[f] - std.Features[f].Mean) / std.Features[f].SD()
			}
		}
		hold[i] = Example{Signals: s, Churned: rng.Float64() < sigmoid(logit)}
	}
	ev, err := Evaluate(m, hold)
	require.NoError(t, err)
	assert.True(t, ev.HasAUC)
	assert.Greater(t, ev.AUC, 0.7)
	assert.Less(t, ev.Brier, 0.25)
	assert.Equal(t, 4000, ev.N)

	// deterministic
	m2, rep2, err := Fit(ex, opts)
	require.NoError(t, err)
	assert.Equal(t, m.Coefficients(), m2.Coefficients())
	assert.Equal(t, rep, rep2)
}

func TestFitSeparableStaysFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sigs := randomSignals(rng, 400)
	for _, lambda := range []float64{1e-9, 1e-3, 1, 100} {
		ex := make([]Example, len(sigs))
		for i, s := range sigs {
			// churned exactly when more than 2 usual gaps overdue:
			// perfectly separable on one feature
			v := features(&s, 60, DefaultMinGap, DefaultComplaintHalfLife)
			ex[i] = Example{Signals: s, Churned: v.x[FeatureOverdue] > math.Log(3)}
		}
		m, rep, err := Fit(ex, &Options{Lambda: lambda, PriorGap: 60})
		require.NoError(t, err, "λ=%v", lambda)
		assert.Equal(t, MethodFitted, rep.Method)
		assert.True(t, finite(m.Intercept()))
		for _, c := range m.Coefficients() {
			assert.True(t, finite(c.Weight), "λ=%v %v", lambda, c.Feature)
		}
		assert.True(t, finite(rep.LogLoss))
		var over Coefficient
		for _, c := range m.Coefficients() {
			if c.Feature == FeatureOverdue {
				over = c
			}
		}
		assert.Greater(t, over.Weight, 0.0)
		for _, s := range sigs {
			r, err := m.ScoreSignals(s)
			require.NoError(t, err)
			assert.True(t, r.Risk >= 0 && r.Risk <= 1 && finite(r.Logit))
		}
		ev, err := Evaluate(m, ex)
		require.NoError(t, err)
		// the heaviest penalty shares the weight with the trend, which
		// follows the silence (a year without purchase is a full
		// decline), so the ranking is a little less than perfect
		minAUC := 0.99
		if lambda >= 100 {
			minAUC = 0.97
		}
		assert.Greater(t, ev.AUC, minAUC, "λ=%v", lambda)
	}
}

func TestFitFallsBackToRules(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sigs := randomSignals(rng, 200)
	label := func(n int, f func(i int) bool) []Example {
		ex := make([]Example, n)
		for i := range ex {
			ex[i] = Example{Signals: sigs[i], Churned: f(i)}
		}
		return ex
	}
	tests := []struct {
		name    string
		ex      []Example
		churned int
	}{
		{"none", nil, 0},
		{"too few", label(20, func(i int) bool { return i%2 == 0 }), 10},
		{"one class", label(200, func(int) bool { return true }), 200},
		{"too few churned", label(200, func(i int) bool { return i < 5 }), 5},
		{"too few retained", label(200, func(i int) bool { return i >= 3 }), 197},
	}
	rules, err := Rules(nil)
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, rep, err := Fit(tt.ex, nil)
			require.NoError(t, err)
			assert.Equal(t, MethodRules, m.Method())
			assert.Equal(t, MethodRules, rep.Method)
			assert.ErrorIs(t, rep.Fallback, ErrInsufficientData)
			var ide *InsufficientDataError
			require.ErrorAs(t, rep.Fallback, &ide)
			assert.Equal(t, len(tt.ex), ide.Examples)
			assert.Equal(t, tt.churned, ide.Churned)
			assert.Equal(t, DefaultMinExamples, ide.Need)
			assert.Equal(t, rules.Coefficients(), m.Coefficients())
			assert.Zero(t, rep.Iterations)
			if len(tt.ex) == 0 {
				assert.Zero(t, rep.LogLoss, "documented value without examples")
			} else {
				assert.Greater(t, rep.LogLoss, 0.0)
			}
			r, err := m.ScoreSignals(sigs[0])
			require.NoError(t, err)
			assert.Equal(t, MethodRules, r.Method)
		})
	}
	// thresholds are configurable
	m, rep, err := Fit(label(20, func(i int) bool { return i%2 == 0 }), &Options{MinExamples: 10, MinPerClass: 5})
	require.NoError(t, err)
	assert.Equal(t, MethodFitted, m.Method())
	assert.Nil(t, rep.Fallback)
}

func TestFitRejectsBadExample(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	sigs := randomSignals(rng, 60)
	ex := make([]Example, len(sigs))
	for i, s := range sigs {
		ex[i] = Example{Signals: s, Churned: i%2 == 0}
	}
	ex[17].Signals.PAlive = math.NaN()
	_, _, err := Fit(ex, nil)
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 17, ie.Index)
	assert.True(t, ie.Has("p_alive", customer.CodeRange))
	assert.Contains(t, err.Error(), "(#17)")
	_, err = Evaluate(mustRules(t), ex)
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 17, ie.Index)
}

func mustRules(t testing.TB) *Model {
	m, err := Rules(nil)
	require.NoError(t, err)
	return m
}

func TestStandardizerMergeEqualsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	sigs := randomSignals(rng, 3000)
	whole, err := NewStandardizer(75, nil)
	require.NoError(t, err)
	for _, s := range sigs {
		require.NoError(t, whole.Add(s))
	}
	var merged *Standardizer
	for start := 0; start < len(sigs); start += 700 { // uneven shards
		shard, err := NewStandardizer(75, nil)
		require.NoError(t, err)
		for _, s := range sigs[start:min(start+700, len(sigs))] {
			require.NoError(t, shard.Add(s))
		}
		if merged == nil {
			merged = shard
		} else {
			require.NoError(t, merged.Merge(shard))
		}
	}
	for f := 1; f < NumFeatures; f++ {
		w, m := whole.Features[f], merged.Features[f]
		assert.Equal(t, w.N, m.N, "%v", Feature(f))
		assert.InDelta(t, w.Mean, m.Mean, 1e-12*max(1, math.Abs(w.Mean)), "%v", Feature(f))
		assert.InDelta(t, w.M2, m.M2, 1e-9*max(1, w.M2), "%v", Feature(f))
	}
	other, err := NewStandardizer(80, nil)
	require.NoError(t, err)
	assert.Error(t, merged.Merge(other))

	// a standardizer of the whole base serves a fit on a labelled sample
	ex := make([]Example, 500)
	for i := range ex {
		ex[i] = Example{Signals: sigs[i], Churned: sigs[i].DaysSinceLastPurchase > 200}
	}
	m, _, err := Fit(ex, &Options{Standardizer: whole})
	require.NoError(t, err)
	for _, c := range m.Coefficients() {
		assert.Equal(t, whole.Features[c.Feature].Mean, c.Center)
	}
	assert.Equal(t, 75.0, m.PriorGap())
	_, _, err = Fit(ex, &Options{Standardizer: whole, MinGap: 3})
	assert.ErrorIs(t, err, customer.ErrInvalid)
	var zero Standardizer
	assert.Error(t, zero.Add(sigs[0]))
	_, err = NewStandardizer(0, nil)
	assert.Error(t, err)
	bad := sigs[0]
	bad.ReturnRate = 2
	before := whole.Features
	assert.Error(t, whole.Add(bad))
	assert.Equal(t, before, whole.Features, "a rejected customer changes nothing")
}

func TestLogGapMomentsPrior(t *testing.T) {
	sigs := []Signals{steady("A", 1, 30), steady("B", 1, 120), steady("C", 1, 2)}
	single := steady("D", 10, 0)
	single.PurchaseDays = 1
	sigs = append(sigs, single)
	m, err := LogGapMoments(sigs, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 3, m.N)
	// geometric mean of 30, 120 and 7 (2 floored at the minimum gap)
	assert.InDelta(t, math.Cbrt(30*120*7), math.Exp(m.Mean), 1e-9)
}

func TestAUC(t *testing.T) {
	tests := []struct {
		name   string
		scores []float64
		pos    []bool
		want   float64
	}{
		{"perfect", []float64{0.1, 0.2, 0.8, 0.9}, []bool{false, false, true, true}, 1},
		{"reversed", []float64{0.9, 0.8, 0.2, 0.1}, []bool{false, false, true, true}, 0},
		{"one swap", []float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}, 0.75},
		{"all tied", []float64{0.5, 0.5, 0.5, 0.5}, []bool{false, true, false, true}, 0.5},
		{"a tie across classes", []float64{0.1, 0.5, 0.5, 0.9}, []bool{false, false, true, true}, 0.875},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AUC(tt.scores, tt.pos)
			require.NoError(t, err)
			assert.InDelta(t, tt.want, got, 1e-12)
		})
	}
	_, err := AUC([]float64{0.1, 0.2}, []bool{true, true})
	assert.ErrorIs(t, err, ErrOneClass)
	_, err = AUC([]float64{0.1}, []bool{true, false})
	assert.Error(t, err)
	_, err = AUC([]float64{math.NaN(), 0.2}, []bool{true, false})
	assert.Error(t, err)
}

func TestEvaluateBrier(t *testing.T) {
	sigs := []Signals{steady("A", 10, 60), steady("B", 500, 60)}
	ex := []Example{{sigs[0], false}, {sigs[1], true}}
	m := mustRules(t)
	ev, err := Evaluate(m, ex)
	require.NoError(t, err)
	ra, _ := m.Risk(sigs[0])
	rb, _ := m.Risk(sigs[1])
	assert.InDelta(t, (ra*ra+(1-rb)*(1-rb))/2, ev.Brier, 1e-12)
	assert.InDelta(t, -(math.Log(1-ra)+math.Log(rb))/2, ev.LogLoss, 1e-12)
	assert.Equal(t, 1.0, ev.AUC)
	assert.Equal(t, 1, ev.Churned)
	ev, err = Evaluate(m, ex[:1])
	require.NoError(t, err)
	assert.False(t, ev.HasAUC)
	_, err = Evaluate(m, nil)
	assert.ErrorIs(t, err, ErrNoExamples)
}

func TestLabelAndHoldout(t *testing.T) {
	full := summaryOf(t, "C-1", buy{300, "50", 1, 0}, buy{200, "50", 1, 0}, buy{40, "50", 1, 0}, buy{10, "50", 1, 0})
	calEnd := asOf.AddDate(0, 0, -100)
	assert.Equal(t, 2, HoldoutPurchases(full, calEnd))
	assert.Equal(t, 0, HoldoutPurchases(full, asOf))

	cal := customer.NewSummary("C-1", customer.Consumer, calEnd, nil)
	for i, d := range []int{300, 200} {
		require.NoError(t, cal.AddOrder(customer.Order{ID: string(rune('a' + i)), CustomerID: "C-1",
			Time: asOf.AddDate(0, 0, -d), Channel: customer.Store, Currency: "EUR",
			Lines: []customer.Line{{ID: "1", Quantity: 1, UnitPrice: decimal.NewFromInt(50)}}}))
	}
	ex, err := Label(Input{Summary: *cal}, HoldoutPurchases(full, calEnd))
	require.NoError(t, err)
	assert.False(t, ex.Churned)
	assert.Equal(t, 100, ex.Signals.DaysSinceLastPurchase)
	ex, err = Label(Input{Summary: *cal}, 0)
	require.NoError(t, err)
	assert.True(t, ex.Churned)
	_, err = Label(Input{Summary: *cal}, -1)
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	assert.True(t, ie.Has("holdout_purchases", customer.CodeNegative))
	_, err = Label(Input{Summary: *cal, PAlive: 2, HasPAlive: true}, 1)
	assert.ErrorIs(t, err, customer.ErrInvalid)
}

func TestScoreAllNamesIndex(t *testing.T) {
	ok := summaryOf(t, "A", buy{10, "5", 1, 0})
	ins := []Input{{Summary: ok}, {Summary: ok, Complaints: customer.ComplaintSignals{Total: -1}}}
	_, err := mustRules(t).ScoreAll(ins)
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 1, ie.Index)
	rs, err := mustRules(t).ScoreAll(ins[:1])
	require.NoError(t, err)
	assert.Len(t, rs, 1)
	_ = time.Second
}

func TestFitConstantFeaturesGivesBaseRate(t *testing.T) {
	// identical customers, 30 of 100 churned: no feature has spread, the
	// model is the base rate and no feature contributes
	ex := make([]Example, 100)
	for i := range ex {
		ex[i] = Example{Signals: steady("C", 30, 60), Churned: i < 30}
	}
	m, rep, err := Fit(ex, nil)
	require.NoError(t, err)
	assert.Equal(t, MethodFitted, rep.Method)
	assert.InDelta(t, math.Log(0.3/0.7), m.Intercept(), 1e-9)
	for _, c := range m.Coefficients() {
		assert.Zero(t, c.Weight, "%v", c.Feature)
		assert.Zero(t, c.Scale, "%v", c.Feature)
	}
	r, err := m.ScoreSignals(ex[0].Signals)
	require.NoError(t, err)
	assert.InDelta(t, 0.3, r.Risk, 1e-9)
	assert.Empty(t, r.Reasons)
	assert.Equal(t, BandWatch, r.Band)
}

func TestZeroModelIsAnError(t *testing.T) {
	s := steady("C", 10, 30)
	s.PurchaseDays = 1
	for _, m := range []*Model{nil, {}} {
		_, err := m.Risk(s)
		assert.ErrorIs(t, err, ErrNoModel)
		_, err = m.ScoreSignals(s)
		assert.ErrorIs(t, err, ErrNoModel)
		_, err = m.Score(Input{})
		assert.ErrorIs(t, err, ErrNoModel)
		_, err = m.ScoreAll([]Input{{}})
		assert.ErrorIs(t, err, ErrNoModel)
		_, err = Evaluate(m, []Example{{Signals: s}})
		assert.ErrorIs(t, err, ErrNoModel)
	}
}

// The order of the labelled customers is not information: a shuffled
// training set gives the same model and the same evaluation to the last
// bit, so a risk list does not change because a query returned its rows
// in another order.
func TestFitAndEvaluateIgnoreOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	sigs := randomSignals(rng, 600)
	ex := make([]Example, len(sigs))
	for i, s := range sigs {
		v := features(&s, 60, DefaultMinGap, DefaultComplaintHalfLife)
		ex[i] = Example{Signals: s, Churned: rng.Float64() < sigmoid(-2+1.5*v.x[FeatureOverdue]+v.x[FeatureUnresolved])}
	}
	m, rep, err := Fit(ex, nil)
	require.NoError(t, err)
	require.Equal(t, MethodFitted, rep.Method)
	ev, err := Evaluate(m, ex)
	require.NoError(t, err)
	for k := range 5 {
		shuffled := slices.Clone(ex)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		m2, rep2, err := Fit(shuffled, nil)
		require.NoError(t, err)
		assert.Equal(t, rep, rep2, "shuffle %d: report", k)
		ev2, err := Evaluate(m2, shuffled)
		require.NoError(t, err)
		assert.Equal(t, ev, ev2, "shuffle %d: evaluation", k)
		a, err := m.ScoreSignals(ex[k].Signals)
		require.NoError(t, err)
		b, err := m2.ScoreSignals(ex[k].Signals)
		require.NoError(t, err)
		assert.Equal(t, a, b, "shuffle %d: result", k)
	}
}
