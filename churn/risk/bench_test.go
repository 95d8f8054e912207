package risk

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tailorcrm/tailor/customer"
)

func reportRate(b *testing.B, perOp int) {
	b.ReportMetric(float64(b.N*perOp)/b.Elapsed().Seconds(), "customers/s")
}

// BenchmarkRisk is the cheap path: risk only, from signals.
func BenchmarkRisk(b *testing.B) {
	sigs := randomSignals(rand.New(rand.NewPCG(1, 1)), 1024)
	m := fittedModel()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := m.Risk(sigs[i%len(sigs)]); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, 1)
}

// BenchmarkScoreSignals is the explained path: risk, band, contributions
// and reasons in words.
func BenchmarkScoreSignals(b *testing.B) {
	sigs := randomSignals(rand.New(rand.NewPCG(1, 1)), 1024)
	m := fittedModel()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := m.ScoreSignals(sigs[i%len(sigs)]); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, 1)
}

// BenchmarkScoreSummary starts from a customer.Summary with 12 purchase
// days: signals derived from the summary, then the explained risk.
func BenchmarkScoreSummary(b *testing.B) {
	var buys []buy
	for d := 700; d > 0; d -= 58 {
		buys = append(buys, buy{d, "79.90", 2, d % 3 / 2})
	}
	in := Input{Summary: summaryOf(b, "C-1", buys...), PAlive: 0.4, HasPAlive: true,
		Complaints: customer.ComplaintSignals{Total: 2, Recent: 1, Window: 90 * 24 * time.Hour, Unresolved: 1, MaxSeverity: 3, Last: asOf.AddDate(0, 0, -9)}}
	m := fittedModel()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Score(in); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, 1)
}

// BenchmarkFit fits the logistic model on 10,000 labelled customers.
func BenchmarkFit(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	sigs := randomSignals(rng, 10000)
	ex := make([]Example, len(sigs))
	for i, s := range sigs {
		v := features(&s, 60, DefaultMinGap, DefaultComplaintHalfLife)
		ex[i] = Example{Signals: s, Churned: rng.Float64() < sigmoid(-2+2*v.x[FeatureOverdue])}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := Fit(ex, nil); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, len(ex))
}
