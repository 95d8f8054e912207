package risk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
)

// drawSignals draws valid signals, including extremes: recency of
// decades, gaps from a day to decades, P(alive) 0 or 1, hundreds of
// complaints, wholesale spend and negative (refund-only) years.
func drawSignals(t *rapid.T) risk.Signals {
	pd := rapid.IntRange(1, 5000).Draw(t, "purchase_days")
	s := risk.Signals{
		Customer: "C", AsOf: retAsOf,
		HasPAlive:             rapid.Bool().Draw(t, "has_p_alive"),
		PAlive:                rapid.SampledFrom([]float64{0, 1, 0.5, 1e-300, 1 - 1e-16}).Draw(t, "p_alive"),
		DaysSinceLastPurchase: rapid.OneOf(rapid.IntRange(0, 3650), rapid.IntRange(0, math.MaxInt32)).Draw(t, "days_since"),
		PurchaseDays:          pd,
		ReturnRate:            rapid.Float64Range(0, 1).Draw(t, "return_rate"),
		SpendLast12:           decimal.New(rapid.Int64().Draw(t, "spend_last"), int32(rapid.IntRange(-30, 30).Draw(t, "exp_last"))),
		SpendPrior12:          decimal.New(rapid.Int64().Draw(t, "spend_prior"), int32(rapid.IntRange(-30, 30).Draw(t, "exp_prior"))),
	}
	s.PriorYear, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = risk.HistoryCounts(pd, s.DaysSinceLastPurchase,
		func(lo, hi int) int { return rapid.IntRange(lo, hi).Draw(t, "count") })
	risk.RefundsOnly(&s)
	if pd > 1 {
		s.MedianGap = rapid.OneOf(rapid.Float64Range(0, 40000), rapid.SampledFrom([]float64{0, 1e-300, 1e300, math.MaxFloat64})).Draw(t, "median_gap")
	}
	total := rapid.IntRange(0, 1_000_000).Draw(t, "total")
	c := customer.ComplaintSignals{
		Total: total, Window: 90 * retDay,
		Recent:       rapid.IntRange(0, total).Draw(t, "recent"),
		Unresolved:   rapid.IntRange(0, total).Draw(t, "unresolved"),
		SLABreaches:  rapid.IntRange(0, total).Draw(t, "breaches"),
		Dissatisfied: rapid.IntRange(0, total).Draw(t, "dissatisfied"),
		Escalated:    rapid.IntRange(0, total).Draw(t, "escalated"),
	}
	if total > 0 && rapid.Bool().Draw(t, "dated") {
		age := rapid.IntRange(90, 200_000).Draw(t, "complaint_age")
		if c.Recent > 0 {
			age = rapid.IntRange(0, 89).Draw(t, "recent_age")
		}
		c.Last = retAsOf.AddDate(0, 0, -age)
	}
	if c.Recent > 0 {
		c.MaxSeverity = rapid.IntRange(0, risk.MaxSeverity).Draw(t, "severity")
	}
	s.Complaints = c
	return s
}

// drawOptions draws valid options, extremes included: tiny and huge gaps
// and half-lives, the widest clip, rule weights up to the largest float.
func drawOptions(t *rapid.T) *risk.Options {
	pick := func(name string) float64 {
		return rapid.SampledFrom([]float64{0, 1e-300, 1e-9, 1, 7, 90, 1e9, 1e300, math.MaxFloat64}).Draw(t, name)
	}
	o := &risk.Options{
		MinGap: pick("min_gap"), PriorGap: pick("prior_gap"), ComplaintHalfLife: pick("half_life"),
		Clip: rapid.SampledFrom([]float64{0, 1e-9, 1, 6, risk.MaxClip}).Draw(t, "clip"),
	}
	if rapid.Bool().Draw(t, "custom_rules") {
		w := risk.DefaultRules()
		w.Intercept = rapid.SampledFrom([]float64{0, -1e300, 1e300, -math.MaxFloat64, math.MaxFloat64, -1.4}).Draw(t, "intercept")
		for _, f := range risk.Features() {
			w.Features[f] = risk.Rule{
				Weight:    rapid.SampledFrom([]float64{0, 1, 1e100, 1e300, math.MaxFloat64}).Draw(t, "weight_"+f.String()),
				Reference: rapid.SampledFrom([]float64{0, 0.5, -1e300, 1e300, -math.MaxFloat64, math.MaxFloat64}).Draw(t, "ref_"+f.String()),
			}
		}
		o.Rules = &w
	}
	return o
}

// badNumber matches a negative number, one in exponent notation, NaN or
// an infinity in a reason.
var badNumber = regexp.MustCompile(`-\d|\d[eE][+-]?\d|NaN|Inf`)

func checkFinite(t *rapid.T, r risk.Result) {
	for name, v := range map[string]float64{"risk": r.Risk, "logit": r.Logit, "typical_gap": r.TypicalGap} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("%s = %v", name, v)
		}
	}
	if !(r.Risk >= 0 && r.Risk <= 1) {
		t.Fatalf("risk %v outside [0, 1]", r.Risk)
	}
	for _, c := range r.Contributions {
		for _, v := range []float64{c.Value, c.Z, c.Contribution} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: value %v z %v contribution %v", c.Feature, c.Value, c.Z, c.Contribution)
			}
		}
	}
	for _, why := range r.Reasons {
		if !(why.Contribution > 0) || math.IsInf(why.Contribution, 0) {
			t.Fatalf("reason %q contribution %v", why.Text, why.Contribution)
		}
		if badNumber.MatchString(why.Text) {
			t.Fatalf("reason %q quotes a number that is not a plain count", why.Text)
		}
	}
}

// Whatever valid options a model accepts and whatever valid signals it is
// given, the risk is a probability and nothing it returns is NaN or
// infinite.
func TestPropertyNeverNaNOrInf(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := drawOptions(t)
		m, err := risk.Rules(opts)
		if err != nil {
			var oe *risk.OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("Rules: %v", err)
			}
			t.Skip(err)
		}
		s := drawSignals(t)
		r, err := m.ScoreSignals(s)
		if err != nil {
			t.Fatalf("valid signals rejected: %v", err)
		}
		checkFinite(t, r)
		p, err := m.Risk(s)
		if err != nil || p != r.Risk {
			t.Fatalf("Risk %v, %v; Score %v", p, err, r.Risk)
		}
	})
}

// Rule weights and intercepts so large that the log-odds would overflow
// are rejected as options, as they are in a stored model, instead of
// giving an infinite or NaN risk.
func TestRulesRejectOverflowingWeights(t *testing.T) {
	w := risk.DefaultRules()
	w.Features[risk.FeatureUnresolved].Weight = math.MaxFloat64
	_, err := risk.Rules(&risk.Options{Rules: &w})
	var oe *risk.OptionError
	if !errors.As(err, &oe) || oe.Field != "rules.unresolved_complaints.weight" {
		t.Fatalf("weight %v: got %v", math.MaxFloat64, err)
	}
	w = risk.DefaultRules()
	w.Intercept = -1e300
	if _, err := risk.Rules(&risk.Options{Rules: &w}); !errors.As(err, &oe) || oe.Field != "rules.intercept" {
		t.Fatalf("intercept -1e300: got %v", err)
	}
	// the largest accepted weights give a finite log-odds
	w = risk.DefaultRules()
	w.Intercept = -1e100
	for _, f := range risk.Features() {
		w.Features[f] = risk.Rule{Weight: 1e100, Reference: 0}
	}
	m, err := risk.Rules(&risk.Options{Rules: &w, Clip: risk.MaxClip})
	if err != nil {
		t.Fatal(err)
	}
	s := risk.Signals{Customer: "C", AsOf: retAsOf, PurchaseDays: 3, MedianGap: 30, DaysSinceLastPurchase: 400,
		PriorYear: true, PurchaseDaysPrior12: 3, HasPAlive: true, PAlive: 0, ReturnRate: 1,
		Complaints: customer.ComplaintSignals{Total: 9, Recent: 9, Unresolved: 9, Window: 90 * retDay, MaxSeverity: 4, Last: retAsOf}}
	r, err := m.ScoreSignals(s)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsInf(r.Logit, 0) || math.IsNaN(r.Logit) || r.Risk != 1 {
		t.Fatalf("logit %v risk %v", r.Logit, r.Risk)
	}
}

// A gap floored at a tiny MinGap does not make the overdue feature
// infinite.
func TestOverdueWithTinyMinGapIsFinite(t *testing.T) {
	m, err := risk.Rules(&risk.Options{MinGap: 1e-300})
	if err != nil {
		t.Fatal(err)
	}
	s := risk.Signals{Customer: "C", AsOf: retAsOf, PurchaseDays: 2, MedianGap: 1e-300, DaysSinceLastPurchase: 179769314, PriorYear: true}
	r, err := m.ScoreSignals(s)
	if err != nil {
		t.Fatal(err)
	}
	c := r.Contributions[int(risk.FeatureOverdue)-1]
	want := math.Log(179769314) - math.Log(1e-300)
	if c.Value != want {
		t.Fatalf("overdue = %v, want ln d − ln g = %v", c.Value, want)
	}
	if r.TypicalGap != 1e-300 {
		t.Fatalf("typical gap %v", r.TypicalGap)
	}
}

// drawRules draws a rule-based model with any valid non-negative
// weights and references (those of P(alive) and the trends, which can be
// missing, within the values the features take).
func drawRules(t *rapid.T) *risk.Model {
	w := risk.RuleWeights{Intercept: rapid.Float64Range(-5, 5).Draw(t, "intercept")}
	for _, f := range risk.Features() {
		lo, hi := -2.0, 2.0
		switch f {
		case risk.FeatureNotAlive:
			lo, hi = 0, 1
		case risk.FeatureFrequencyDecline, risk.FeatureSpendDecline:
			lo, hi = -1, 1
		}
		w.Features[f] = risk.Rule{
			Weight:    rapid.Float64Range(0, 5).Draw(t, "weight_"+f.String()),
			Reference: rapid.Float64Range(lo, hi).Draw(t, "ref_"+f.String()),
		}
	}
	opts := &risk.Options{Rules: &w, MinGap: rapid.Float64Range(1, 30).Draw(t, "min_gap"),
		PriorGap: rapid.Float64Range(1, 400).Draw(t, "prior_gap")}
	m, err := risk.Rules(opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func riskOf(t *rapid.T, m *risk.Model, s risk.Signals) float64 {
	r, err := m.ScoreSignals(s)
	if err != nil {
		t.Fatalf("%+v: %v", s, err)
	}
	checkFinite(t, r)
	return r.Risk
}

// More unresolved complaints, all else equal, never lower the risk, nor
// do more SLA breaches; a longer silence, or the same silence against a
// shorter own rhythm, never lowers it either.
func TestPropertyMonotoneInWarningSigns(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := drawRules(t)
		if rapid.Bool().Draw(t, "default_rules") {
			var err error
			if m, err = risk.Rules(nil); err != nil {
				t.Fatal(err)
			}
		}
		s := drawSignals(t)
		base := riskOf(t, m, s)

		more := s
		k := rapid.IntRange(1, 50).Draw(t, "more_unresolved")
		more.Complaints.Total += k
		more.Complaints.Unresolved += k
		if r := riskOf(t, m, more); r < base {
			t.Fatalf("%d more unresolved complaints lowered the risk from %v to %v", k, base, r)
		}
		breach := s
		breach.Complaints.Total += k
		breach.Complaints.SLABreaches += k
		if r := riskOf(t, m, breach); r < base {
			t.Fatalf("%d more SLA breaches lowered the risk from %v to %v", k, base, r)
		}

		// the same customer more days later without a purchase: the
		// counts of the two years follow the last purchase out of them;
		// a trend that becomes defined is a full decline (+1), and one
		// that ends undefined was a full rise (−1), which raises the risk
		// unless a rule puts its reference outside [−1, +1] (a missing
		// feature counts as at its reference)
		longer := risk.Aged(s, rapid.IntRange(1, 1000).Draw(t, "more_days"))
		sane := true
		for _, c := range m.Coefficients() {
			if (c.Feature == risk.FeatureFrequencyDecline || c.Feature == risk.FeatureSpendDecline) && (c.Center > 1 || c.Center < -1) {
				sane = false
			}
		}
		trendsAsBefore := longer.PriorYear == s.PriorYear && longer.PurchaseDaysLast12 == s.PurchaseDaysLast12 &&
			longer.PurchaseDaysPrior12 == s.PurchaseDaysPrior12 && longer.SpendLast12.Equal(s.SpendLast12) &&
			longer.SpendPrior12.Equal(s.SpendPrior12)
		if r := riskOf(t, m, longer); r < base && (sane || trendsAsBefore) {
			t.Fatalf("a longer silence lowered the risk from %v to %v", base, r)
		}
		if s.PurchaseDays >= 2 && s.MedianGap > 0 {
			shorter := s
			shorter.MedianGap = s.MedianGap * rapid.Float64Range(0.01, 1).Draw(t, "gap_factor")
			if shorter.MedianGap > 0 {
				if r := riskOf(t, m, shorter); r < base {
					t.Fatalf("the same silence against a shorter rhythm (%v → %v days) lowered the risk from %v to %v",
						s.MedianGap, shorter.MedianGap, base, r)
				}
			}
		}
	})
}

// unresolvedOnly is a rule model whose log-odds is ln(1 + u), u the
// unresolved complaints: its risk is (1 + u) ÷ (2 + u), ½ for none, ⅔
// for one, ¾ for two, ⅘ for three.
func unresolvedOnly(t *testing.T) *risk.Model {
	var w risk.RuleWeights
	w.Features[risk.FeatureUnresolved] = risk.Rule{Weight: 1}
	m, err := risk.Rules(&risk.Options{Rules: &w})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func withUnresolved(id customer.ID, u int) risk.Signals {
	return risk.Signals{Customer: id, AsOf: retAsOf, PurchaseDays: 3, MedianGap: 30, DaysSinceLastPurchase: 10,
		Complaints: customer.ComplaintSignals{Total: u, Unresolved: u}}
}

// Evaluate on hand-worked examples: risks ½, ⅔, ¾, ⅘ with labels
// retained, churned, retained, churned.
//
//	AUC: of the 4 (churned, retained) pairs, ⅔ > ½, ⅘ > ½, ⅘ > ¾ are
//	ranked right and ⅔ < ¾ wrong: 3/4.
//	Brier: ((½)² + (⅓)² + (¾)² + (⅕)²) ÷ 4 = (1/4 + 1/9 + 9/16 + 1/25) ÷ 4.
//	log-loss: (ln 2 + ln 3/2 + ln 4 + ln 5/4) ÷ 4 = ln 15 ÷ 4.
func TestEvaluateHandWorked(t *testing.T) {
	m := unresolvedOnly(t)
	ex := []risk.Example{
		{Signals: withUnresolved("A", 0), Churned: false},
		{Signals: withUnresolved("B", 1), Churned: true},
		{Signals: withUnresolved("C", 2), Churned: false},
		{Signals: withUnresolved("D", 3), Churned: true},
	}
	ev, err := risk.Evaluate(m, ex)
	if err != nil {
		t.Fatal(err)
	}
	if ev.N != 4 || ev.Churned != 2 || !ev.HasAUC {
		t.Fatalf("%+v", ev)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"AUC", ev.AUC, 0.75},
		{"Brier", ev.Brier, (1.0/4 + 1.0/9 + 9.0/16 + 1.0/25) / 4},
		{"log-loss", ev.LogLoss, math.Log(15) / 4},
	} {
		if math.Abs(c.got-c.want) > 1e-15 {
			t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
		}
	}
	// the same constant risk for all: AUC ½ (all ties), Brier and
	// log-loss of a coin toss
	for i := range ex {
		ex[i].Signals = withUnresolved(ex[i].Signals.Customer, 0)
	}
	ev, err = risk.Evaluate(m, ex)
	if err != nil {
		t.Fatal(err)
	}
	if ev.AUC != 0.5 || ev.Brier != 0.25 || math.Abs(ev.LogLoss-math.Ln2) > 1e-15 {
		t.Fatalf("constant ½: %+v", ev)
	}
	// one class: no AUC, Brier and log-loss still defined
	ev, err = risk.Evaluate(m, ex[:1])
	if err != nil || ev.HasAUC || ev.Brier != 0.25 {
		t.Fatalf("one example: %+v, %v", ev, err)
	}
	if _, err := risk.Evaluate(m, nil); !errors.Is(err, risk.ErrNoExamples) {
		t.Fatalf("no examples: %v", err)
	}
	bad := []risk.Example{ex[0], {Signals: risk.Signals{Customer: "X"}}}
	_, err = risk.Evaluate(m, bad)
	var ie *risk.InputError
	if !errors.As(err, &ie) || ie.Index != 1 || ie.Customer != "X" {
		t.Fatalf("bad example: %v", err)
	}
}

// AUC by hand: ties count one half.
func TestAUCHandWorked(t *testing.T) {
	// positives 0.9, 0.5; negatives 0.5, 0.1: pairs (0.9,0.5)=1,
	// (0.9,0.1)=1, (0.5,0.5)=½, (0.5,0.1)=1: 3.5/4
	auc, err := risk.AUC([]float64{0.5, 0.9, 0.1, 0.5}, []bool{true, true, false, false})
	if err != nil || auc != 0.875 {
		t.Fatalf("AUC %v, %v", auc, err)
	}
	auc, err = risk.AUC([]float64{0.1, 0.2, 0.3}, []bool{true, false, false})
	if err != nil || auc != 0 {
		t.Fatalf("inverted: %v, %v", auc, err)
	}
	if _, err := risk.AUC([]float64{1, 2}, []bool{true, true}); !errors.Is(err, risk.ErrOneClass) {
		t.Fatalf("one class: %v", err)
	}
}

// labelled draws a population where churn rises with the silence, the
// unresolved complaints and the return rate, and falls with P(alive).
func labelled(seed uint64, n int) []risk.Example {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	ex := make([]risk.Example, n)
	for i := range ex {
		pd := 1 + rng.IntN(20)
		s := risk.Signals{
			Customer: customer.ID(fmt.Sprint("C-", i)), AsOf: retAsOf,
			PurchaseDays: pd, DaysSinceLastPurchase: rng.IntN(600),
			HasPAlive: rng.IntN(4) > 0, PAlive: rng.Float64(), ReturnRate: rng.Float64() * 0.5,
		}
		if pd > 1 {
			s.MedianGap = float64(7 + rng.IntN(200))
		}
		s.PriorYear, s.PurchaseDaysLast12, s.PurchaseDaysPrior12 = risk.HistoryCounts(pd, s.DaysSinceLastPurchase,
			func(lo, hi int) int { return lo + rng.IntN(hi-lo+1) })
		s.SpendLast12 = decimal.NewFromInt(int64(rng.IntN(2000)))
		s.SpendPrior12 = decimal.NewFromInt(int64(rng.IntN(2000)))
		risk.RefundsOnly(&s)
		if u := rng.IntN(4); u > 0 {
			s.Complaints = customer.ComplaintSignals{Total: u, Recent: u, Unresolved: rng.IntN(u + 1), Window: 90 * retDay,
				MaxSeverity: 1 + rng.IntN(4), Last: retAsOf.AddDate(0, 0, -rng.IntN(90))}
		}
		logit := -1 + float64(s.DaysSinceLastPurchase)/max(s.MedianGap, 60)/2 + float64(s.Complaints.Unresolved) + 2*s.ReturnRate - 1/float64(pd)
		ex[i] = risk.Example{Signals: s, Churned: rng.Float64() < 1/(1+math.Exp(-logit))}
	}
	return ex
}

// A stored model, fitted or rules with any options, loads and scores
// every customer exactly as the model it was stored from.
func TestPropertyStoredModelScoresIdentically(t *testing.T) {
	fitted, rep, err := risk.Fit(labelled(7, 800), &risk.Options{TopReasons: 5, Bands: risk.Bands{Watch: 0.3, High: 0.6, Critical: 0.8}})
	if err != nil || rep.Method != risk.MethodFitted {
		t.Fatalf("fit: %v, %+v", err, rep)
	}
	rapid.Check(t, func(t *rapid.T) {
		m := fitted
		if rapid.Bool().Draw(t, "rules") {
			opts := drawOptions(t)
			opts.TopReasons = rapid.IntRange(0, 20).Draw(t, "top")
			var err error
			if m, err = risk.Rules(opts); err != nil {
				t.Skip(err)
			}
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back risk.Model
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		s := drawSignals(t)
		want, err := m.ScoreSignals(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := back.ScoreSignals(s)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("stored model scores differently:\n%+v\n%+v", want, got)
		}
		again, err := json.Marshal(&back)
		if err != nil || string(again) != string(b) {
			t.Fatalf("stored again differently:\n%s\n%s", b, again)
		}
	})
}

// Standardisation statistics accumulated on shards and merged equal
// those of one pass over all customers: the same counts, and means and
// sums of squared deviations equal up to rounding, whatever the shards.
func TestPropertyStandardizerShardsMergeAsOnePass(t *testing.T) {
	pop := labelled(3, 400)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, len(pop)).Draw(t, "n")
		prior := rapid.Float64Range(1, 400).Draw(t, "prior_gap")
		whole, err := risk.NewStandardizer(prior, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if err := whole.Add(pop[i].Signals); err != nil {
				t.Fatal(err)
			}
		}
		// cut the customers into shards at random points, merge in a
		// random order
		shards := []*risk.Standardizer{}
		for start := 0; start < n; {
			end := rapid.IntRange(start+1, n).Draw(t, "cut")
			z, err := risk.NewStandardizer(prior, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := start; i < end; i++ {
				if err := z.Add(pop[i].Signals); err != nil {
					t.Fatal(err)
				}
			}
			shards = append(shards, z)
			start = end
		}
		merged, err := risk.NewStandardizer(prior, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range rapid.Permutation(intsUpTo(len(shards))).Draw(t, "order") {
			if err := merged.Merge(shards[i]); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range risk.Features() {
			w, m := whole.Features[f], merged.Features[f]
			if w.N != m.N {
				t.Fatalf("%s: N %d merged, %d in one pass", f, m.N, w.N)
			}
			if math.Abs(w.Mean-m.Mean) > 1e-13*max(1, math.Abs(w.Mean)) ||
				math.Abs(w.M2-m.M2) > 1e-11*max(1, w.M2) {
				t.Fatalf("%s: merged %+v, one pass %+v", f, m, w)
			}
			if (w.M2 == 0) != (m.M2 == 0) {
				t.Fatalf("%s: spread merged %v, one pass %v", f, m.M2, w.M2)
			}
		}
	})
}

func intsUpTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// A gap too large for an int is quoted as the number it is, not
// wrapped to a negative one.
func TestReasonQuotesHugeGap(t *testing.T) {
	w := risk.DefaultRules()
	w.Features[risk.FeatureOverdue].Reference = -1 // any silence warns
	m, err := risk.Rules(&risk.Options{Rules: &w})
	if err != nil {
		t.Fatal(err)
	}
	for gap, want := range map[float64]string{
		1e19:            "no purchase for 1 day where this customer's usual gap is 10000000000000000000 days",
		math.MaxFloat64: "no purchase for 1 day where this customer's usual gap is " + strconv.FormatFloat(math.MaxFloat64, 'f', 0, 64) + " days",
	} {
		s := risk.Signals{Customer: "C", AsOf: retAsOf, PurchaseDays: 2, MedianGap: gap, DaysSinceLastPurchase: 1}
		r, err := m.ScoreSignals(s)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, why := range r.Reasons {
			if why.Features[0] == risk.FeatureOverdue {
				got = append(got, why.Text)
			}
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("gap %v: got %q, want %q", gap, got, want)
		}
	}
}

// Risks that round to 1 in float64 still rank customers by their
// log-odds: the AUC is that of the exact risk σ(logit), which the
// rounding does not change.
func TestEvaluateAUCBeyondRounding(t *testing.T) {
	var w risk.RuleWeights
	w.Intercept = 40 // σ(40 + ln(1 + u)) rounds to 1 for every u
	w.Features[risk.FeatureUnresolved] = risk.Rule{Weight: 1}
	m, err := risk.Rules(&risk.Options{Rules: &w})
	if err != nil {
		t.Fatal(err)
	}
	ex := []risk.Example{
		{Signals: withUnresolved("A", 0), Churned: false},
		{Signals: withUnresolved("B", 1), Churned: true},
		{Signals: withUnresolved("C", 2), Churned: false},
		{Signals: withUnresolved("D", 3), Churned: true},
	}
	ev, err := risk.Evaluate(m, ex)
	if err != nil {
		t.Fatal(err)
	}
	if ev.AUC != 0.75 {
		t.Fatalf("AUC %v, want 0.75 as for the same model shifted by −40", ev.AUC)
	}
}

// A prior gap given in the options that disagrees with the standardizer's
// is an error, not silently replaced by the standardizer's.
func TestFitPriorGapDisagreesWithStandardizer(t *testing.T) {
	ex := labelled(11, 300)
	z, err := risk.NewStandardizer(60, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex {
		if err := z.Add(e.Signals); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = risk.Fit(ex, &risk.Options{Standardizer: z, PriorGap: 30})
	var oe *risk.OptionError
	if !errors.As(err, &oe) || oe.Field != "prior_gap" {
		t.Fatalf("got %v", err)
	}
	// the same prior gap, or none, is the standardizer's
	for _, prior := range []float64{0, 60} {
		m, rep, err := risk.Fit(ex, &risk.Options{Standardizer: z, PriorGap: prior})
		if err != nil || rep.Method != risk.MethodFitted || m.PriorGap() != 60 {
			t.Fatalf("prior %v: %v, %+v", prior, err, rep)
		}
	}
}

// Shards are accumulated on other workers: a standardizer stored as JSON
// and loaded again merges with the others and serves Fit exactly as the
// one it was stored from.
func TestStandardizerShipsAsJSON(t *testing.T) {
	ex := labelled(5, 600)
	opts := &risk.Options{MinGap: 10, ComplaintHalfLife: 60}
	newZ := func() *risk.Standardizer {
		z, err := risk.NewStandardizer(45, opts)
		if err != nil {
			t.Fatal(err)
		}
		return z
	}
	a, b := newZ(), newZ()
	for i, e := range ex {
		z := a
		if i%3 == 0 {
			z = b
		}
		if err := z.Add(e.Signals); err != nil {
			t.Fatal(err)
		}
	}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var shipped risk.Standardizer
	if err := json.Unmarshal(data, &shipped); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	if !reflect.DeepEqual(b, &shipped) {
		t.Fatalf("loaded %+v, stored %+v", shipped, *b)
	}
	if err := shipped.Add(ex[0].Signals); err != nil {
		t.Fatalf("add to a loaded standardizer: %v", err)
	}
	if err := json.Unmarshal(data, &shipped); err != nil {
		t.Fatal(err)
	}
	local, remote := newZ(), newZ()
	for _, z := range []*risk.Standardizer{a, b} {
		if err := local.Merge(z); err != nil {
			t.Fatal(err)
		}
	}
	for _, z := range []*risk.Standardizer{a, &shipped} {
		if err := remote.Merge(z); err != nil {
			t.Fatalf("merge a loaded standardizer: %v", err)
		}
	}
	want, _, err := risk.Fit(ex, &risk.Options{MinGap: 10, ComplaintHalfLife: 60, Standardizer: local})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := risk.Fit(ex, &risk.Options{MinGap: 10, ComplaintHalfLife: 60, Standardizer: remote})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want.Coefficients(), got.Coefficients()) || want.Intercept() != got.Intercept() {
		t.Fatal("a fit on the loaded standardizer differs")
	}
	// a document that is not a standardizer's is rejected and changes nothing
	for name, doc := range map[string]string{
		"prior gap": strings.Replace(string(data), `"prior_gap_days":45`, `"prior_gap_days":0`, 1),
		"min gap":   strings.Replace(string(data), `"min_gap_days":10`, `"min_gap_days":-1`, 1),
		"half-life": strings.Replace(string(data), `"complaint_half_life_days":60`, `"complaint_half_life_days":0`, 1),
		"feature":   strings.Replace(string(data), `"feature":"overdue"`, `"feature":"mood"`, 1),
		"twice":     strings.Replace(string(data), `"feature":"overdue"`, `"feature":"not_alive"`, 1),
		"count":     strings.Replace(string(data), `"feature":"overdue","n":`, `"feature":"overdue","n":-`, 1),
		"syntax":    "[",
	} {
		before := shipped
		if err := json.Unmarshal([]byte(doc), &shipped); err == nil {
			t.Errorf("%s: accepted %s", name, doc)
		}
		if !reflect.DeepEqual(before, shipped) {
			t.Errorf("%s: a rejected document changed the standardizer", name)
		}
	}
}
