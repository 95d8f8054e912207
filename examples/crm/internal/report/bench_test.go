package report

import (
	"io"
	"testing"

	"github.com/tailorcrm/tailor/internal/shopgen"
)

// BenchmarkBuild measures the analysis of the 1,500-customer fixture:
// figures, two MBG/NBD fits and the risk fit per kind, the holdout check
// and the at-risk table.
func BenchmarkBuild(b *testing.B) {
	in, _, _ := fixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(in, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(list(in.Summaries))), "customers")
}

// BenchmarkWriteHTML measures rendering the page of the fixture, in
// dots and in the density grid.
func BenchmarkWriteHTML(b *testing.B) {
	in, rep, _ := fixture(b)
	dense, err := Build(in, &Options{MaxPoints: 10})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		rep  *Report
	}{{"dots", rep}, {"density", dense}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.rep.WriteHTML(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuildLarge measures the analysis of 20,000 customers, enough
// for the passes over them to be read in parts on every core.
func BenchmarkBuildLarge(b *testing.B) {
	def := shopgen.DefaultConfig()
	in := shop(b, 20000, 5, def.Start, def.End)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(in, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(in.Summaries.Len()), "customers")
}
