package shopgen

import (
	"io"
	"slices"
	"testing"
	"time"
)

// cpuMeter reports a benchmark's throughput per second of process CPU
// time besides the usual per wall-clock second.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	d, ok := processCPU()
	return cpuMeter{start: d, ok: ok}
}

// report adds "unit/s" (wall clock) and "unit/cpu-s" metrics for n units.
func (m cpuMeter) report(b *testing.B, n float64, unit string) {
	b.ReportMetric(n/b.Elapsed().Seconds(), unit+"/s")
	if end, ok := processCPU(); ok && m.ok && end > m.start {
		b.ReportMetric(n/(end-m.start).Seconds(), unit+"/cpu-s")
	}
}

// BenchmarkGenerate measures customers generated per second, one at a
// time on one goroutine, as [Generator.All] yields them.
func BenchmarkGenerate(b *testing.B) {
	g := newGen(b, DefaultConfig().Customers, 1)
	w := g.newWorker() // as All does
	b.ReportAllocs()
	lines, i := 0, 0
	cpu := startCPU()
	for b.Loop() {
		rec := w.customer(i)
		for _, o := range rec.Orders {
			lines += len(o.Lines)
		}
		i++
	}
	cpu.report(b, float64(i), "customers")
	b.ReportMetric(float64(lines)/float64(i), "lines/customer")
}

// BenchmarkWriteCSV measures CSV rows formatted per second from records
// already in memory (generation not included).
func BenchmarkWriteCSV(b *testing.B) {
	g := newGen(b, 2000, 1)
	recs := slices.Collect(g.All())
	b.ReportAllocs()
	var rows int64
	cpu := startCPU()
	for b.Loop() {
		n, err := WriteCSV(io.Discard, slices.Values(recs), nil)
		if err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	cpu.report(b, float64(rows), "rows")
}

// BenchmarkGeneratorWriteCSV measures the export of a whole shop on all
// cores, generation included.
func BenchmarkGeneratorWriteCSV(b *testing.B) {
	g := newGen(b, 20_000, 1)
	b.ReportAllocs()
	var rows int64
	n := 0
	cpu := startCPU()
	for b.Loop() {
		r, err := g.WriteCSV(io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
		rows += r
		n += 20_000
	}
	cpu.report(b, float64(rows), "rows")
	cpu.report(b, float64(n), "customers")
}

// BenchmarkGeneratorWriteCSVMillion is the target workload: a million
// customers generated and written as CSV (to io.Discard) on all cores.
// One iteration takes seconds; run it alone with
// `go test -run '^$' -bench Million -benchtime 1x ./internal/shopgen/`.
func BenchmarkGeneratorWriteCSVMillion(b *testing.B) {
	if testing.Short() {
		b.Skip("a million customers")
	}
	g := newGen(b, 1_000_000, 1)
	var rows int64
	cpu := startCPU()
	for b.Loop() {
		n, err := g.WriteCSV(io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	cpu.report(b, float64(rows), "rows")
	if end, ok := processCPU(); ok && cpu.ok {
		b.ReportMetric((end-cpu.start).Seconds()/float64(b.N), "cpu-s/op")
	}
}
