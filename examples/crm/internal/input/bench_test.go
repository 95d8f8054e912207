package input

import (
	"bytes"
	"encoding/csv"
	"slices"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/internal/shopgen"
)

var (
	benchOnce sync.Once
	benchCSV  []byte
	benchRows int64
)

// benchData is a generated shop of 5,000 customers in the csv format.
func benchData(b *testing.B) ([]byte, int64) {
	benchOnce.Do(func() {
		cfg := shopgen.DefaultConfig()
		cfg.Customers = 5000
		g, err := shopgen.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		benchRows, err = shopgen.WriteCSV(&buf, g.All(), nil)
		if err != nil {
			b.Fatal(err)
		}
		benchCSV = buf.Bytes()
	})
	return benchCSV, benchRows
}

// BenchmarkSummarizeCSV reads and summarises a generated export (rows/s
// and MB/s are per core).
func BenchmarkSummarizeCSV(b *testing.B) {
	data, rows := benchData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewCSVReader(bytes.NewReader(data), "bench.csv")
		if err != nil {
			b.Fatal(err)
		}
		res, err := Summarize(r, "bench.csv", Options{AsOf: customer.DateFromYMD(2025, 12, 31)})
		if err != nil {
			b.Fatal(err)
		}
		if res.Rows != rows {
			b.Fatalf("%d rows, want %d", res.Rows, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSummarizeCDNOW reads and summarises the CDNOW sample.
func BenchmarkSummarizeCDNOW(b *testing.B) {
	data := cdnowBytes(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Summarize(NewCDNOWReader(bytes.NewReader(data), "c.txt"), "c.txt", Options{AsOf: customer.DateFromYMD(1997, 9, 30)})
		if err != nil {
			b.Fatal(err)
		}
		if res.Rows != 6919 {
			b.Fatal(res.Rows)
		}
	}
	b.ReportMetric(6919*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkScanCSV reads the same export as BenchmarkSummarizeCSV with
// ScanCSV on every core and builds every summary once (rows/s are of the
// whole process, not per core).
func BenchmarkScanCSV(b *testing.B) {
	data, rows := benchData(b)
	benchScan(b, data, rows, "bench.csv")
}

// benchScan reads data, an export of rows rows, with ScanCSV on every
// core and builds every summary once per op.
func benchScan(b *testing.B, data []byte, rows int64, name string) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var s customer.Summary
	for b.Loop() {
		t, err := ScanCSV(bytes.NewReader(data), name, Options{AsOf: customer.DateFromYMD(2025, 12, 31)}, 0)
		if err != nil {
			b.Fatal(err)
		}
		if t.Rows != rows {
			b.Fatalf("%d rows, want %d", t.Rows, rows)
		}
		for i := 0; i < t.Len(); i++ {
			t.Summary(i, &s)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// rewriteColumn returns the export of benchData with field col of every
// data row (the i-th, from 1) replaced by edit(i, field).
func rewriteColumn(b *testing.B, col string, edit func(i int, field string) string) []byte {
	data, _ := benchData(b)
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	c := slices.Index(recs[0], col)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for i, rec := range recs {
		if i > 0 {
			rec[c] = edit(i, rec[c])
		}
		if err := w.Write(rec); err != nil {
			b.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes()
}

// BenchmarkTableSummary builds every summary of a scanned export once
// per op, as each pass of crm batch does.
func BenchmarkTableSummary(b *testing.B) {
	data, _ := benchData(b)
	t, err := ScanCSV(bytes.NewReader(data), "bench.csv", Options{AsOf: customer.DateFromYMD(2025, 12, 31)}, 0)
	if err != nil {
		b.Fatal(err)
	}
	var s customer.Summary
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < t.Len(); i++ {
			t.Summary(i, &s)
		}
	}
	b.ReportMetric(float64(t.Len())*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}

// BenchmarkCutLine finds the fields of a typical line of a sales export.
func BenchmarkCutLine(b *testing.B) {
	const line = "C00000001,2025-05-29,O00000001-002,1,2025-PRE-AW-SHI-17-GRY,shirts,2025-PRE-AW,XXS,grey,social,SOCIAL,1,64.95,9.74,55.21,24.50,EUR,consumer,,sale,"
	var w walker
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		r := record{raw: line}
		w.cut(&r, 18)
		if r.nfields != 21 {
			b.Fatal(r.nfields)
		}
	}
}

var (
	noiseOnce sync.Once
	noiseCSV  []byte
)

// noiseData is the export of benchData with every positive amount as a
// spreadsheet writes a price times a quantity in binary floating point:
// 10⁻¹⁵ below the amount in cents, with 15 decimals (73.949999999999999
// for 73.95).
func noiseData(b *testing.B) ([]byte, int64) {
	_, rows := benchData(b)
	noiseOnce.Do(func() {
		noiseCSV = rewriteColumn(b, "amount", func(_ int, f string) string {
			if a, err := decimal.NewFromString(f); err == nil && a.Sign() > 0 {
				return a.Sub(decimal.New(1, -15)).StringFixed(15)
			}
			return f
		})
	})
	return noiseCSV, rows
}

// BenchmarkScanCSVFloatNoise is BenchmarkScanCSV on the export of
// noiseData, whose amounts do not fit the fixed record.
func BenchmarkScanCSVFloatNoise(b *testing.B) {
	data, rows := noiseData(b)
	benchScan(b, data, rows, "noise.csv")
}

// BenchmarkTableSummaryFloatNoise is BenchmarkTableSummary on the export
// of noiseData, whose customers are in the wide tier, through a
// Summarizer as crm batch reads them.
func BenchmarkTableSummaryFloatNoise(b *testing.B) {
	data, _ := noiseData(b)
	t, err := ScanCSV(bytes.NewReader(data), "noise.csv", Options{AsOf: customer.DateFromYMD(2025, 12, 31)}, 0)
	if err != nil {
		b.Fatal(err)
	}
	var s customer.Summary
	b.ReportAllocs()
	for b.Loop() {
		z := t.Summarizer()
		for i := 0; i < z.Len(); i++ {
			z.Summary(i, &s)
		}
	}
	b.ReportMetric(float64(t.Len())*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}

var (
	stampOnce sync.Once
	stampCSV  []byte
)

// stampSuffixes turn the dates of benchData into RFC 3339 timestamps as
// order systems export them: with an offset, in UTC, with a fraction of a
// second.
var stampSuffixes = []string{"T14:23:05+01:00", "T09:01:59Z", "T23:30:00.123-05:00", "T00:00:00+14:00"}

// stampData is the export of benchData with every date a timestamp (one
// of stampSuffixes, in turn), on the same calendar day.
func stampData(b *testing.B) ([]byte, int64) {
	_, rows := benchData(b)
	stampOnce.Do(func() {
		stampCSV = rewriteColumn(b, "date", func(i int, f string) string {
			if f == "" {
				return f
			}
			return f + stampSuffixes[i%len(stampSuffixes)]
		})
	})
	return stampCSV, rows
}

// BenchmarkScanCSVTimestamps is BenchmarkScanCSV on the export of
// stampData, whose dates are RFC 3339 timestamps.
func BenchmarkScanCSVTimestamps(b *testing.B) {
	data, rows := stampData(b)
	benchScan(b, data, rows, "stamps.csv")
}

// BenchmarkDateField parses the date fields of stampSuffixes, each on a
// new day, by the fast path (dayText and parseDay10) and by the exact one
// (salesrow.ParseDate).
func BenchmarkDateField(b *testing.B) {
	var fields []string
	for d := customer.DateFromYMD(2024, 1, 1); len(fields) < 1024; d++ {
		fields = append(fields, d.String()+stampSuffixes[len(fields)%len(stampSuffixes)])
	}
	b.Run("fast", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, ok := parseDay10(dayText(fields[i%len(fields)])); !ok {
				b.Fatal(fields[i%len(fields)])
			}
			i++
		}
	})
	b.Run("exact", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, why := salesrow.ParseDate(fields[i%len(fields)]); why != "" {
				b.Fatal(why)
			}
			i++
		}
	})
}
