package shopgen

import (
	"io"
	"slices"
	"testing"
)

// BenchmarkGenerate measures customers generated per second.
func BenchmarkGenerate(b *testing.B) {
	cfg := DefaultConfig()
	g, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	lines := 0
	i := 0
	for b.Loop() {
		rec := g.Customer(i)
		for _, o := range rec.Orders {
			lines += len(o.Lines)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "customers/s")
	b.ReportMetric(float64(lines)/float64(i), "lines/customer")
}

// BenchmarkWriteCSV measures CSV rows formatted per second from records
// already in memory (generation not included).
func BenchmarkWriteCSV(b *testing.B) {
	g := newGen(b, 2000, 1)
	recs := slices.Collect(g.All())
	b.ReportAllocs()
	var rows int64
	for b.Loop() {
		n, err := WriteCSV(io.Discard, slices.Values(recs), nil)
		if err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkGeneratorWriteCSV measures the parallel CSV export: customers
// and rows per second on all cores.
func BenchmarkGeneratorWriteCSV(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Customers = 20_000
	g, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var rows int64
	n := 0
	for b.Loop() {
		r, err := g.WriteCSV(io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
		rows += r
		n += cfg.Customers
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "customers/s")
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
	for b.Loop() {
		n, err := g.WriteCSV(io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
