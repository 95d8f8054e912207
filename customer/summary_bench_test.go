package customer

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// benchSummaries returns n generated summaries of 1 to 12 orders each,
// as of one instant, like those of a clothing brand's sales export.
func benchSummaries(b *testing.B, n int) []Summary {
	b.Helper()
	asOf := time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)
	g := newGenShop(7, asOf)
	out := make([]Summary, n)
	for i := range out {
		id := ID("C" + string(rune('A'+i%26)) + string(rune('0'+i/26%10)) + string(rune('0'+i/260)))
		s, err := Summarize(id, Consumer, asOf, seqOf(g.history(id, 1+g.r.IntN(12))), nil)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = s
	}
	return out
}

var (
	sinkDec   decimal.Decimal
	sinkGaps  GapStats
	sinkDate  Date
	sinkValid bool
	sinkFloat float64
)

// BenchmarkSummaryNet is Summary.Net on generated summaries.
func BenchmarkSummaryNet(b *testing.B) {
	sums := benchSummaries(b, 1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkDec = sums[i%len(sums)].Net()
	}
}

// BenchmarkSpend12 is SpendLast12Months and SpendPrior12Months of one
// summary.
func BenchmarkSpend12(b *testing.B) {
	sums := benchSummaries(b, 1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s := &sums[i%len(sums)]
		sinkDec = s.SpendLast12Months()
		sinkDec = s.SpendPrior12Months()
	}
}

// BenchmarkMeanRepeatSpend is Summary.MeanRepeatSpend.
func BenchmarkMeanRepeatSpend(b *testing.B) {
	sums := benchSummaries(b, 1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkDec, sinkValid = sums[i%len(sums)].MeanRepeatSpend()
	}
}

// BenchmarkGapStats is Summary.GapStats.
func BenchmarkGapStats(b *testing.B) {
	sums := benchSummaries(b, 1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkGaps = sums[i%len(sums)].GapStats()
	}
}

// BenchmarkDateOf is DateOf of instants in UTC and in a zone with
// daylight saving time.
func BenchmarkDateOf(b *testing.B) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		loc = time.FixedZone("CET", 3600)
	}
	ts := make([]time.Time, 64)
	for i := range ts {
		ts[i] = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 37 * time.Hour)
		if i%2 == 1 {
			ts[i] = ts[i].In(loc)
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkDate = DateOf(ts[i%len(ts)])
	}
}

// BenchmarkMeanRepeatSpendFloat is Summary.MeanRepeatSpendFloat.
func BenchmarkMeanRepeatSpendFloat(b *testing.B) {
	sums := benchSummaries(b, 1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkFloat, sinkValid = sums[i%len(sums)].MeanRepeatSpendFloat()
	}
}
