package risk

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkNewSignals derives the signals of generated summaries of 1 to
// 12 purchase days over three years.
func BenchmarkNewSignals(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	var ins []Input
	for range 256 {
		var buys []buy
		for range 1 + r.IntN(12) {
			buys = append(buys, buy{daysAgo: r.IntN(1100), amount: fmt.Sprintf("%d.%02d", 5+r.IntN(300), r.IntN(100)),
				units: 1 + r.IntN(3)})
		}
		ins = append(ins, Input{Summary: summaryOf(b, "C", buys...), PAlive: 0.5, HasPAlive: true})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := NewSignals(ins[i%len(ins)]); err != nil {
			b.Fatal(err)
		}
	}
}
