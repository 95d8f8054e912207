package churn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// perturbed returns k copies of obs; copy c shifts T by c·0.013 and scales
// the recency by 1 − c·0.001, so almost every copy forms new groups.
func perturbed(obs []Observation, k int) []Observation {
	out := make([]Observation, 0, len(obs)*k)
	for c := 0; c < k; c++ {
		for _, o := range obs {
			o.T += float64(c) * 0.013
			o.Recency *= 1 - float64(c)*0.001
			out = append(out, o)
		}
	}
	return out
}

// cpuPerOp reports the process CPU time per iteration as "cpu-ns/op"
// alongside the wall time: on a shared machine the wall time also counts
// the time other processes hold the cores.
func cpuPerOp(b *testing.B, start time.Duration) {
	if c := processCPU() - start; c > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func benchFit(b *testing.B, obs []Observation, fit func(*Groups) error) {
	g := groupsOf(b, obs)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := processCPU()
	for b.Loop() {
		if err := fit(g); err != nil {
			b.Fatal(err)
		}
	}
	cpuPerOp(b, c0)
}

func BenchmarkFitBGNBD_CDNOW(b *testing.B) {
	benchFit(b, cdnowExactWeeks(b).cal, func(g *Groups) error { _, err := FitBGNBD(g, nil); return err })
}

func BenchmarkFitBGNBD_CDNOW10x(b *testing.B) {
	benchFit(b, perturbed(cdnowExactWeeks(b).cal, 10), func(g *Groups) error { _, err := FitBGNBD(g, nil); return err })
}

func BenchmarkFitMBGNBD_CDNOW(b *testing.B) {
	benchFit(b, cdnowExactWeeks(b).cal, func(g *Groups) error { _, err := FitMBGNBD(g, nil); return err })
}

func BenchmarkFitParetoNBD_CDNOW(b *testing.B) {
	benchFit(b, cdnowExactWeeks(b).cal, func(g *Groups) error { _, err := FitParetoNBD(g, nil); return err })
}

func BenchmarkFitGammaGamma_CDNOW(b *testing.B) {
	g, err := GroupSpend(cdnowExactWeeks(b).spend)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	c0 := processCPU()
	for b.Loop() {
		if _, err := FitGammaGamma(g, nil); err != nil {
			b.Fatal(err)
		}
	}
	cpuPerOp(b, c0)
}

func BenchmarkGroupObservations_CDNOW(b *testing.B) {
	benchGroupObservations(b, cdnowExactWeeks(b).cal)
}

// BenchmarkGroupObservations_CDNOWShuffled groups the CDNOW customers
// out of the order of their IDs.
func BenchmarkGroupObservations_CDNOWShuffled(b *testing.B) {
	obs := slices.Clone(cdnowExactWeeks(b).cal)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(obs), func(i, j int) { obs[i], obs[j] = obs[j], obs[i] })
	benchGroupObservations(b, obs)
}

func benchGroupObservations(b *testing.B, obs []Observation) {
	b.ReportAllocs()
	c0 := processCPU()
	for b.Loop() {
		if _, err := GroupObservations(obs); err != nil {
			b.Fatal(err)
		}
	}
	cpuPerOp(b, c0)
}

// BenchmarkScoreAll_1M scores 1,000,000 customers (CDNOW replicated and
// perturbed): P(alive) and expected purchases in the next 39 weeks.
func benchScore(b *testing.B, m TransactionModel) {
	base := cdnowExactWeeks(b).cal
	obs := perturbed(base, (1_000_000+len(base)-1)/len(base))[:1_000_000]
	out := make([]Score, len(obs))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := processCPU()
	for b.Loop() {
		if err := ScoreAll(m, obs, 39, out); err != nil {
			b.Fatal(err)
		}
	}
	cpuPerOp(b, c0)
}

func BenchmarkScoreAll_1M_BGNBD(b *testing.B) {
	benchScore(b, BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591})
}

func BenchmarkScoreAll_1M_ParetoNBD(b *testing.B) {
	benchScore(b, ParetoNBD{R: 0.553277, Alpha: 10.577732, S: 0.606209, Beta: 11.667659})
}

// benchScoreEach scores the CDNOW calibration customers one by one (no
// cache shared between customers): P(alive) and expected purchases in the
// next 39 weeks.
func benchScoreEach(b *testing.B, m TransactionModel) {
	obs := cdnowExactWeeks(b).cal
	b.ReportAllocs()
	b.ResetTimer()
	c0 := processCPU()
	for b.Loop() {
		for _, o := range obs {
			if _, err := m.Score(o, 39); err != nil {
				b.Fatal(err)
			}
		}
	}
	cpuPerOp(b, c0)
}

func BenchmarkScoreEach_CDNOW_BGNBD(b *testing.B) {
	benchScoreEach(b, BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591})
}

func BenchmarkScoreEach_CDNOW_MBGNBD(b *testing.B) {
	benchScoreEach(b, MBGNBD{R: 0.524843, Alpha: 6.183082, A: 0.891360, B: 1.614003})
}

// BenchmarkDiscountedAll_CDNOW10x_BGNBD sums 52 discounted periods for the
// CDNOW customers replicated ten times (batched series per distinct (x, T)).
func BenchmarkDiscountedAll_CDNOW10x_BGNBD(b *testing.B) {
	obs := perturbed(cdnowExactWeeks(b).cal, 10)
	m := BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591}
	out := make([]float64, len(obs))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := processCPU()
	for b.Loop() {
		if err := DiscountedExpectedPurchasesAll(m, obs, 52, 0.01, out); err != nil {
			b.Fatal(err)
		}
	}
	cpuPerOp(b, c0)
}

// BenchmarkScoreEach_CDNOW_BGNBD_LargeA scores the CDNOW customers with the
// parameters of a fit where dropout is rare (a and b in the millions and
// billions), which the Euler series alone cannot evaluate.
func BenchmarkScoreEach_CDNOW_BGNBD_LargeA(b *testing.B) {
	benchScoreEach(b, BGNBD{R: 0.8, Alpha: 30, A: 2.3e7, B: 7.7e9})
}

// benchDiscountedHorizon sums n discounted periods (rate d per period)
// for the distinct (x, T) of the CDNOW calibration customers, with T
// in weeks or, scaled by 7, in days.
func benchDiscountedHorizon(b *testing.B, m TransactionModel, days bool, n int, d float64) {
	obs := append([]Observation(nil), cdnowExactWeeks(b).cal...)
	if days {
		m = BGNBD{R: 0.242595, Alpha: 4.41360 * 7, A: 0.792922, B: 2.42591}
		for i := range obs {
			obs[i].Recency *= 7
			obs[i].T *= 7
		}
	}
	out := make([]float64, len(obs))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := processCPU()
	for b.Loop() {
		if err := DiscountedExpectedPurchasesAll(m, obs, n, d, out); err != nil {
			b.Fatal(err)
		}
	}
	cpuPerOp(b, c0)
}

// BenchmarkDiscountedHorizon_CDNOW_BGNBD: the discounted expected purchases
// of the CDNOW customers over 52, 520 and 5200 weeks (10 % a year, weekly)
// and over 365 and 3650 days (10 % a year, daily).
func BenchmarkDiscountedHorizon_CDNOW_BGNBD(b *testing.B) {
	m := BGNBD{R: 0.242595, Alpha: 4.41360, A: 0.792922, B: 2.42591}
	week, day := math.Pow(1.1, 1.0/52)-1, math.Pow(1.1, 1.0/365)-1
	for _, c := range []struct {
		name string
		days bool
		n    int
		d    float64
	}{{"weeks=52", false, 52, week}, {"weeks=520", false, 520, week}, {"weeks=5200", false, 5200, week}, {"days=365", true, 365, day}, {"days=3650", true, 3650, day}} {
		b.Run(c.name, func(b *testing.B) { benchDiscountedHorizon(b, m, c.days, c.n, c.d) })
	}
}
