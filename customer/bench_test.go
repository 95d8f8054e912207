package customer

import (
	"runtime"
	"testing"
	"time"
)

// BenchmarkSummarize summarises 200 generated customers (1 to 40 orders
// each, 1 to 4 lines an order, a return on one order in five) per
// iteration and reports order lines per second of wall time (lines/s) and
// of process CPU time, garbage collection included (lines/cpu-s: steadier
// on a shared machine), and allocations per line.
func BenchmarkSummarize(b *testing.B) {
	asOf := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	g := newGenShop(42, asOf)
	type cust struct {
		id  ID
		evs []Event
	}
	var custs []cust
	lines := 0
	for i := range 200 {
		id := ID("C" + string(rune('A'+i%26)) + string(rune('0'+i/26)))
		evs := g.history(id, 1+g.r.IntN(40))
		lines += countLines(evs)
		custs = append(custs, cust{id, evs})
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	cpu0, cpuOK := processCPU()
	start := time.Now()
	n := 0
	for b.Loop() {
		for _, c := range custs {
			if _, err := Summarize(c.id, Consumer, asOf, seqOf(c.evs), nil); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	elapsed := time.Since(start)
	cpu1, _ := processCPU()
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	total := float64(n * lines)
	b.ReportMetric(total/elapsed.Seconds(), "lines/s")
	if cpuOK && cpu1 > cpu0 {
		b.ReportMetric(total/(cpu1-cpu0).Seconds(), "lines/cpu-s")
	}
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/total, "allocs/line")
	b.ReportMetric(float64(lines), "lines/op")
}

// BenchmarkAddOrder adds one three-line order to a summary through the
// public method, which carries the amounts into the decimal fields at once.
func BenchmarkAddOrder(b *testing.B) {
	o := validOrder()
	o.Lines = append(o.Lines, Line{ID: "3", Category: "shoes", Quantity: 1, UnitPrice: d("89.95"), Discount: d("9.95")})
	s := NewSummary("C-1", Consumer, vNow, nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.AddOrder(o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOrderValidate checks a valid three-line order.
func BenchmarkOrderValidate(b *testing.B) {
	o := validOrder()
	o.Lines = append(o.Lines, Line{ID: "3", Quantity: 1, UnitPrice: d("89.95")})
	b.ReportAllocs()
	for b.Loop() {
		if err := o.Validate(vNow); err != nil {
			b.Fatal(err)
		}
	}
}
