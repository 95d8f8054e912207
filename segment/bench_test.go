package segment_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

// synthetic returns n observations, 5 % intermediaries, with spend spread
// over five orders of magnitude, as a clothing brand's export would give.
func synthetic(n int) []segment.Observation {
	r := rand.New(rand.NewPCG(3, 4))
	obs := make([]segment.Observation, n)
	for i := range obs {
		o := &obs[i]
		o.ID = customer.ID(fmt.Sprint("c", i))
		o.Kind = customer.Consumer
		scale := 1.0
		if r.IntN(20) == 0 {
			o.Kind, scale = customer.Intermediary, 100
		}
		rev := math.Round(scale*math.Pow(10, 1+4*r.Float64())*100) / 100
		days := 1 + r.IntN(12)
		rec := r.IntN(900)
		o.Set(value.Revenue, rev)
		o.Set(value.Profit, math.Round(rev*55)/100)
		o.Set(value.Units, float64(days*(1+r.IntN(3))))
		o.Set(value.Orders, float64(days))
		o.Set(value.AverageOrderValue, rev/float64(days))
		o.Set(value.FullPriceShare, math.Round(r.Float64()*100)/100)
		o.Set(value.CategoryBreadth, float64(1+r.IntN(8)))
		o.Set(value.ReturnRate, math.Round(r.Float64()*30)/100)
		o.Set(value.Interactions, float64(r.IntN(20)))
		o.Set(value.PurchaseDays, float64(days))
		o.Set(value.Tenure, float64(rec+r.IntN(1500)))
		o.Set(value.Recency, float64(rec))
		o.Set(value.Growth, math.Round((2*r.Float64()-1)*100)/100)
		o.Set(value.RecentSpend, rev/2)
		o.Gaps = days - 1
		o.MedianGap = float64(30 + r.IntN(300))
		o.Interacted = r.IntN(2) == 0
		o.SinceInteraction = r.IntN(400)
		o.Net = decimal.NewFromFloat(rev)
	}
	return obs
}

// BenchmarkFit1M fits a segmentation (value and RFM statistics, both
// passes) on 1,000,000 customers; one op is the whole fit.
func BenchmarkFit1M(b *testing.B) {
	if testing.Short() {
		b.Skip("1M customers")
	}
	obs := synthetic(1_000_000)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		if _, err := segment.Fit(obs, nil); err != nil {
			b.Fatal(err)
		}
	}
	cpu := processCPU() - cpu0
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/customer")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1e6, "cpu-ns/customer")
}

// BenchmarkClassify1M scores and classifies 1,000,000 customers (value
// scores with breakdown, quadrant, RFM, stage, shop type) on one
// goroutine; one op is all of them. It reports wall and thread CPU time
// per customer, customers per second and bytes allocated per customer.
func BenchmarkClassify1M(b *testing.B) {
	if testing.Short() {
		b.Skip("1M customers")
	}
	obs := synthetic(1_000_000)
	m, err := segment.Fit(obs, nil)
	if err != nil {
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var r segment.Result
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := threadCPU()
	for i := 0; i < b.N; i++ {
		for j := range obs {
			if err := m.Classify(&r, &obs[j]); err != nil {
				b.Fatal(err)
			}
		}
	}
	cpu := threadCPU() - cpu0
	n := float64(b.N) * float64(len(obs))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/customer")
	b.ReportMetric(float64(cpu.Nanoseconds())/n, "cpu-ns/customer")
	b.ReportMetric(n/b.Elapsed().Seconds(), "customers/s")
}

// BenchmarkClassify is the per-customer apply step (ns/op and B/op are
// per customer).
func BenchmarkClassify(b *testing.B) {
	obs := synthetic(100_000)
	m, err := segment.Fit(obs, nil)
	if err != nil {
		b.Fatal(err)
	}
	var r segment.Result
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.Classify(&r, &obs[i%len(obs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkObserve is the one-time extraction from a summary.
func BenchmarkObserve(b *testing.B) {
	ins := make([]segment.Input, 1000)
	for i := range ins {
		s := spec{ID: fmt.Sprint("c", i), Kind: customer.Consumer, Visits: []int{i % 300}}
		for j := 0; j <= i%8; j++ {
			s.Buys = append(s.Buys, buy{DaysAgo: 45 * j, Qty: 1 + j%3, Cents: int64(1990 + 1000*j)})
		}
		ins[i] = input(b, s, 1)
	}
	var o segment.Observation
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := segment.Observe(ins[i%len(ins)], &o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatsAdd adds 200,000 customers to the statistics of the first
// pass on two shards, merges them and fits the scoring; one op is all of
// it.
func BenchmarkStatsAdd(b *testing.B) {
	obs := synthetic(200_000)
	b.ReportAllocs()
	for b.Loop() {
		var shards [2]*segment.Stats
		for k := range shards {
			st, err := segment.NewStats(nil)
			if err != nil {
				b.Fatal(err)
			}
			for i := k; i < len(obs); i += 2 {
				if err := st.Add(&obs[i]); err != nil {
					b.Fatal(err)
				}
			}
			shards[k] = st
		}
		if err := shards[0].Merge(shards[1]); err != nil {
			b.Fatal(err)
		}
		if _, err := shards[0].Scoring(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(obs)), "ns/customer")
}
