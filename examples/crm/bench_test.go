package main

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/crm/internal/input"
	"github.com/tailorcrm/tailor/internal/shopgen"
)

// The stages of crm batch on a generated shop of 20,000 customers (about
// 215,000 rows), each measured alone: read and parse (ScanCSV), build the
// summaries (one pass), fit and classify (the first pass's segment
// statistics and triples, BG/NBD and Gamma-Gamma, the scores of every
// distinct triple, the second pass's classification, churn risk and
// thresholds), and write. rows/s and customers/s are of the whole process,
// on every core.

var (
	stageOnce sync.Once
	stageCSV  []byte
	stageRows int64
)

func stageData(b *testing.B) []byte {
	stageOnce.Do(func() {
		cfg := shopgen.DefaultConfig()
		cfg.Customers = 20000
		g, err := shopgen.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if stageRows, err = shopgen.WriteCSV(&buf, g.All(), nil); err != nil {
			b.Fatal(err)
		}
		stageCSV = buf.Bytes()
	})
	return stageCSV
}

var stageAsOf = customer.DateFromYMD(2025, 12, 31)

func stageTable(b *testing.B) *input.Table {
	t, err := input.ScanCSV(bytes.NewReader(stageData(b)), "bench.csv", input.Options{AsOf: stageAsOf}, 0)
	if err != nil {
		b.Fatal(err)
	}
	return t
}

func stageBatch(b *testing.B, t *input.Table) *batch {
	bt := &batch{t: t, asOf: stageAsOf, period: customer.Weeks, h: 52, d: annualToPeriod(0.10, customer.Weeks)}
	if err := bt.fit(&env{stderr: io.Discard}, modelBGNBD); err != nil {
		b.Fatal(err)
	}
	return bt
}

func BenchmarkStageReadParse(b *testing.B) {
	data := stageData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		stageTable(b)
	}
	b.ReportMetric(float64(stageRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkStageSummaries(b *testing.B) {
	t := stageTable(b)
	b.ReportAllocs()
	var s customer.Summary
	for b.Loop() {
		for i := 0; i < t.Len(); i++ {
			t.Summary(i, &s)
		}
	}
	b.ReportMetric(float64(t.Len())*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}

func BenchmarkStageFitClassify(b *testing.B) {
	t := stageTable(b)
	b.ReportAllocs()
	for b.Loop() {
		stageBatch(b, t)
	}
	b.ReportMetric(float64(t.Len())*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}

func BenchmarkStageWrite(b *testing.B) {
	t := stageTable(b)
	bt := stageBatch(b, t)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := bt.write(&output{w: bufioWriter(&buf)}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportMetric(float64(t.Len())*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}

// BenchmarkBatch is the whole of crm batch, from the csv bytes to the
// output.
func BenchmarkBatch(b *testing.B) {
	data := stageData(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var out bytes.Buffer
		code := run([]string{"batch", "-in", "-", "-as-of", "2025-12-31"}, bytes.NewReader(data), &out, io.Discard)
		if code != 0 {
			b.Fatal(code)
		}
	}
	b.ReportMetric(float64(stageRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
