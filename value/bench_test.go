package value_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// synthetic returns n consumers' indicators with money spread over five
// orders of magnitude (log-uniform 10 … 10⁶).
func synthetic(n int) []value.Indicators {
	r := rand.New(rand.NewPCG(1, 2))
	pop := make([]value.Indicators, n)
	for i := range pop {
		x := &pop[i]
		x.ID = customer.ID(fmt.Sprint("c", i))
		x.Kind = customer.Consumer
		rev := math.Round(math.Pow(10, 1+5*r.Float64())*100) / 100
		days := 1 + r.IntN(12)
		x.Set(value.Revenue, rev)
		x.Set(value.Profit, math.Round(rev*55)/100)
		x.Set(value.Units, float64(days*(1+r.IntN(3))))
		x.Set(value.Orders, float64(days))
		x.Set(value.AverageOrderValue, rev/float64(days))
		x.Set(value.FullPriceShare, r.Float64())
		x.Set(value.CategoryBreadth, float64(1+r.IntN(8)))
		x.Set(value.ReturnRate, r.Float64()/3)
		x.Set(value.Interactions, float64(r.IntN(20)))
		x.Set(value.PurchaseDays, float64(days))
		x.Set(value.Tenure, float64(r.IntN(2000)))
		x.Set(value.Recency, float64(r.IntN(700)))
		x.Set(value.Growth, 2*r.Float64()-1)
		x.Set(value.RecentSpend, rev/2)
	}
	return pop
}

func BenchmarkScoreInto(b *testing.B) {
	pop := synthetic(100_000)
	sc, err := value.Fit(value.DefaultModel(customer.Consumer), pop)
	if err != nil {
		b.Fatal(err)
	}
	var s value.Score
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := sc.ScoreInto(&s, &pop[i%len(pop)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRFMScore(b *testing.B) {
	pop := synthetic(100_000)
	st, _ := value.NewRFMStats(customer.Consumer, nil)
	for i := range pop {
		_ = st.Add(&pop[i])
	}
	sc := st.Scorer()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := sc.Score(&pop[i%len(pop)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRFMScoreBoundedRules scores with rules that bound M and AOV
// before the default grid (see ExampleRFMRule).
func BenchmarkRFMScoreBoundedRules(b *testing.B) {
	pop := synthetic(100_000)
	rules := append([]value.RFMRule{
		{Segment: value.AboutToChurn, RMin: 1, RMax: 2, FMin: 3, FMax: 5},
		{Segment: value.AboutToChurn, RMin: 1, RMax: 2, FMin: 1, FMax: 5, MMin: 4},
		{Segment: value.HighNetWorth, RMin: 1, RMax: 5, FMin: 1, FMax: 5, MMin: 5},
		{Segment: value.HighFrequencyLowSpend, RMin: 1, RMax: 5, FMin: 4, FMax: 5, AOVMax: 2},
	}, value.DefaultRFMRules()...)
	st, err := value.NewRFMStats(customer.Consumer, &value.RFMOptions{Rules: rules})
	if err != nil {
		b.Fatal(err)
	}
	for i := range pop {
		_ = st.Add(&pop[i])
	}
	sc := st.Scorer()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := sc.Score(&pop[i%len(pop)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtract(b *testing.B) {
	sums := make([]*customer.Summary, 1000)
	for i := range sums {
		sp := spec{ID: fmt.Sprint("c", i), Kind: customer.Consumer}
		for j := 0; j <= i%8; j++ {
			sp.Buys = append(sp.Buys, buy{DaysAgo: 30 * j, Qty: 1 + j%3, Cents: int64(1990 + 1000*j), Category: "coats"})
		}
		sums[i] = summarize(b, sp, 1)
	}
	var x value.Indicators
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := value.Extract(sums[i%len(sums)], nil, &x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFit1M fits the default consumer model and RFM on 1,000,000
// customers; ns/op is the time of the whole fit.
func BenchmarkFit1M(b *testing.B) {
	if testing.Short() {
		b.Skip("1M customers")
	}
	pop := synthetic(1_000_000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := value.Fit(value.DefaultModel(customer.Consumer), pop); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatsAdd adds 200,000 customers to the statistics of the
// default consumer model and fits the scorer; one op is all of it.
func BenchmarkStatsAdd(b *testing.B) {
	pop := synthetic(200_000)
	b.ReportAllocs()
	for b.Loop() {
		st, err := value.NewStats(value.DefaultModel(customer.Consumer))
		if err != nil {
			b.Fatal(err)
		}
		for i := range pop {
			if err := st.Add(&pop[i]); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := st.Scorer(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(pop)), "ns/customer")
}
