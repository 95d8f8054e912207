package main

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
	"pgregory.net/rapid"
)

var testSummarizer = summarizer{File: "orders.csv", AsOf: int32(customer.DateFromYMD(2025, 6, 30)), Kind: uint8(customer.Consumer), Margin: "0.55"}

func mustParse(t *testing.T, off int64, line string) row {
	t.Helper()
	_, r, kind, err := testParser.parse(off, line)
	require.NoError(t, err)
	require.Equal(t, dataRow, kind)
	return r
}

func TestSummarize(t *testing.T) {
	day := func(d int) customer.Date { return customer.DateFromYMD(2025, 1, d) }
	t.Run("orders, refunds and exchanges, in file order whatever the delivery order", func(t *testing.T) {
		rows := []row{
			// Order o-1 has a refund row first (no order counted), then two
			// sale rows on two days: the order counts on the earlier day,
			// though its row comes second in the file, with all its rows.
			mustParse(t, 10, "c,2025-01-03,-5,o-1,-1,,EUR,,shirts"),
			mustParse(t, 20, "c,2025-01-04,30,o-1,1,,EUR,,coats"),
			mustParse(t, 30, "c,2025-01-03,20,o-1,1,,EUR,,shirts"),
			// Two rows without order on one day are one order.
			mustParse(t, 40, "c,2025-01-09,10,,1,,EUR,,"),
			mustParse(t, 50, "c,2025-01-09,15,,1,4,EUR,,"),
			// An exchange: no money, a unit back.
			mustParse(t, 60, "c,2025-01-10,0,o-9,-1,,EUR,,"),
		}
		want, err := testSummarizer.summarize("c", slices.Clone(rows))
		require.NoError(t, err)
		assert.Equal(t, 2, want.Orders)
		assert.Equal(t, 4, want.Units)
		assert.Equal(t, 2, want.ReturnedUnits)
		assert.Equal(t, 2, want.Returns)
		assert.Equal(t, 1, want.Exchanges)
		assert.Equal(t, "70", want.Net().String())
		assert.Equal(t, []string{"coats", "shirts"}, want.Categories)
		orders := map[customer.Date]int{}
		for _, d := range want.Days {
			orders[d.Date] = d.Orders
		}
		assert.Equal(t, map[customer.Date]int{day(3): 1, day(9): 1}, orders)
		assert.Equal(t, "45", want.Days[0].Net.String(), "the order's rows on its day")
		for range 20 {
			shuffled := slices.Clone(rows)
			rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			got, err := testSummarizer.summarize("c", shuffled)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
	})
	t.Run("kind of the first row", func(t *testing.T) {
		s, err := testSummarizer.summarize("c", []row{
			mustParse(t, 20, "c,2025-01-04,30,,1,,EUR,,"),
			mustParse(t, 10, "c,2025-01-03,20,,1,,EUR,intermediary,"),
		})
		require.NoError(t, err)
		assert.Equal(t, customer.Intermediary, s.Kind)
	})
	t.Run("kind stated on a later row", func(t *testing.T) {
		s, err := testSummarizer.summarize("c", []row{
			mustParse(t, 10, "c,2025-01-03,20,,1,,EUR,,"),
			mustParse(t, 20, "c,2025-01-04,30,,1,,EUR,intermediary,"),
		})
		require.NoError(t, err)
		assert.Equal(t, customer.Intermediary, s.Kind, "a row that states no kind does not state the default")
	})
	t.Run("refused rows change nothing, as in crm", func(t *testing.T) {
		// Row 10 states intermediary but is refused (a unit back on a
		// sale): the kind stays the default, which row 30 does not
		// change, stating none; row 20 is in another currency than the
		// file's and left out.
		s, ok, rejected, err := testSummarizer.summarizeIn("c", []row{
			mustParse(t, 30, "c,2025-01-05,30,,1,,EUR,,"),
			mustParse(t, 10, "c,2025-01-03,20,,-1,,EUR,intermediary,"),
			mustParse(t, 20, "c,2025-01-04,50,,1,,USD,intermediary,"),
		}, "EUR")
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, customer.Consumer, s.Kind)
		assert.Equal(t, 1, s.Orders)
		assert.Equal(t, "30", s.Net().String())
		require.Len(t, rejected, 1)
		assert.Equal(t, int64(10), rejected[0].Offset)
		assert.Equal(t, salesrow.ColQuantity, rejected[0].Column)
	})
	t.Run("no valid row, no summary", func(t *testing.T) {
		_, ok, rejected, err := testSummarizer.summarizeIn("c", []row{
			mustParse(t, 10, "c,2025-01-03,20,,-1,,EUR,,"),
			mustParse(t, 20, "c,2025-01-04,50,,1,,USD,,"),
		}, "EUR")
		require.NoError(t, err)
		assert.False(t, ok)
		assert.Len(t, rejected, 1)
	})
	errs := []struct {
		name   string
		rows   []string
		column string
		msg    string
	}{
		{"kind changes", []string{"c,2025-01-03,20,,1,,EUR,consumer,", "c,2025-01-04,20,,1,,EUR,intermediary,"}, salesrow.ColKind,
			`orders.csv, byte 2: kind "intermediary": customer "c" is consumer on earlier rows`},
		{"units against amount", []string{"c,2025-01-03,20,,-1,,EUR,,"}, salesrow.ColQuantity, "orders.csv, byte 1: quantity \"-1\": "},
		{"negative cost on a sale", []string{"c,2025-01-03,20,,1,-3,EUR,,"}, salesrow.ColCost, "orders.csv, byte 1: cost \"-3\": "},
		{"currency changes", []string{"c,2025-01-03,20,,1,,EUR,,", "c,2025-01-04,20,,1,,USD,,"}, salesrow.ColCurrency,
			`orders.csv, byte 2: currency "USD": customer "c" buys in EUR`},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			var rows []row
			for i, l := range tt.rows {
				rows = append(rows, mustParse(t, int64(i+1), l))
			}
			_, err := testSummarizer.summarize("c", rows)
			var re *rowError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.column, re.Column)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

// TestSummaryCoder checks that a summary reads back from its encoded form
// as the same summary for every use the pipeline makes of it.
func TestSummaryCoder(t *testing.T) {
	s, err := testSummarizer.summarize("c", []row{
		mustParse(t, 1, "c,2025-01-03,20.10,o1,1,8.05,EUR,,shirts"),
		mustParse(t, 2, "c,2024-03-04,30.5,o2,2,,EUR,,coats"),
		mustParse(t, 3, "c,2024-03-05,-10,o2,-1,,EUR,,coats"),
	})
	require.NoError(t, err)
	b, err := encodeSummary(s)
	require.NoError(t, err)
	got, err := decodeSummary(b)
	require.NoError(t, err)
	assert.Equal(t, s.CustomerID, got.CustomerID)
	assert.True(t, s.AsOf.Equal(got.AsOf))
	assert.Equal(t, s.Net().String(), got.Net().String())
	assert.Equal(t, s.GrossProfit().String(), got.GrossProfit().String())
	var o1, o2 segment.Observation
	require.NoError(t, segment.Observe(segment.Input{Summary: &s}, &o1))
	require.NoError(t, segment.Observe(segment.Input{Summary: &got}, &o2))
	assert.Equal(t, o1.Indicators, o2.Indicators)
	assert.Equal(t, o1.MedianGap, o2.MedianGap)
	x1, r1, T1, ok1 := s.BTYD(customer.Weeks)
	x2, r2, T2, ok2 := got.BTYD(customer.Weeks)
	assert.Equal(t, []any{x1, r1, T1, ok1}, []any{x2, r2, T2, ok2})
	_, err = decodeSummary([]byte("{"))
	assert.Error(t, err)
}

// genSummary draws a consumer's summary with few distinct amounts and
// days, so that equal values occur.
func genSummary(t *rapid.T, i int) customer.Summary {
	s := customer.NewSummary(customer.ID("c"+itoa(int32(i))), customer.Consumer, customer.DateFromYMD(2025, 6, 30).Time(), nil)
	for k := range rapid.IntRange(1, 4).Draw(t, "sales") {
		m, err := customer.NewMoney(itoa(int32(rapid.IntRange(1, 4).Draw(t, "amount")*10)), "EUR")
		require.NoError(t, err)
		day := customer.DateFromYMD(2024, time.Month(1+rapid.IntRange(0, 11).Draw(t, "month")), 1+k)
		require.NoError(t, s.AddSale(customer.Sale{Time: day.Time(), NewOrder: true, Amount: m, Units: 1}))
	}
	return *s
}

// TestStatsCombiner checks that the first-pass statistics of a population
// are the same however the customers are split into shards, the shards
// shipped in their encoding and merged in any order.
func TestStatsCombiner(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "customers")
		sums := make([]customer.Summary, n)
		for i := range sums {
			sums[i] = genSummary(t, i)
		}
		fn := &statsFn{}
		whole, err := fn.CreateAccumulator()
		require.NoError(t, err)
		for _, s := range sums {
			whole, err = fn.AddInput(whole, s)
			require.NoError(t, err)
		}
		want, err := fn.ExtractOutput(whole)
		require.NoError(t, err)

		shards := rapid.IntRange(1, 5).Draw(t, "shards")
		acc := make([]stats, shards)
		for i := range acc {
			acc[i], err = fn.CreateAccumulator()
			require.NoError(t, err)
		}
		for _, s := range sums {
			k := rapid.IntRange(0, shards-1).Draw(t, "shard")
			acc[k], err = fn.AddInput(acc[k], s)
			require.NoError(t, err)
		}
		// Each shard crosses a worker boundary.
		for i := range acc {
			b, err := encodeStats(acc[i])
			require.NoError(t, err)
			acc[i], err = decodeStats(b)
			require.NoError(t, err)
		}
		perm := rapid.Permutation(acc).Draw(t, "order")
		got := perm[0]
		for _, a := range perm[1:] {
			got, err = fn.MergeAccumulators(got, a)
			require.NoError(t, err)
		}
		out, err := fn.ExtractOutput(got)
		require.NoError(t, err)
		if !bytes.Equal(want, out) {
			t.Fatalf("merged statistics differ from the whole")
		}
	})
	_, err := decodeStats([]byte("tss\x01"))
	assert.ErrorIs(t, err, value.ErrInvalidInput)
}

// TestFirstPassStats checks that the segmentation fitted from the
// combined statistics and the threshold sums classifies like the fit on
// the observations themselves, grades included.
func TestFirstPassStats(t *testing.T) {
	var obs []segment.Observation
	var sums []customer.Summary
	fn := &statsFn{}
	acc, err := fn.CreateAccumulator()
	require.NoError(t, err)
	for i := range 30 {
		s := customer.NewSummary(customer.ID("c"+itoa(int32(i))), customer.Consumer, customer.DateFromYMD(2025, 6, 30).Time(), nil)
		for k := 0; k <= i%4; k++ {
			m, err := customer.NewMoney(itoa(int32(10+7*i+k)), "EUR")
			require.NoError(t, err)
			require.NoError(t, s.AddSale(customer.Sale{Time: customer.DateFromYMD(2024, time.Month(1+i%12), 1+k).Time(), NewOrder: true, Amount: m, Units: 1}))
		}
		var o segment.Observation
		require.NoError(t, segment.Observe(segment.Input{Summary: s}, &o))
		obs = append(obs, o)
		sums = append(sums, *s)
		acc, err = fn.AddInput(acc, *s)
		require.NoError(t, err)
	}
	smp, err := fn.ExtractOutput(acc)
	require.NoError(t, err)
	want, err := segment.Fit(obs, segmentOptions())
	require.NoError(t, err)
	var thr thresholdSums
	tf, sum := &thresholdFn{}, &thresholdSumFn{}
	for i := range sums {
		one, err := tf.ProcessElement("", sums[i], smp)
		require.NoError(t, err)
		thr = sum.MergeAccumulators(thr, one)
	}
	assert.Equal(t, int64(len(sums)), thr.N[0])
	assert.Zero(t, thr.N[1])
	cur, pot := thr.thresholds(0)
	th := want.Thresholds(customer.Consumer)
	assert.Equal(t, th.Current, cur)
	assert.Equal(t, th.Potential, pot)
	f, err := fitSegmentation(smp, &thr)
	require.NoError(t, err)
	for i := range obs {
		var a, b segment.Result
		require.NoError(t, want.Classify(&a, &obs[i]))
		require.NoError(t, f.classify(&b, &obs[i]))
		assert.True(t, a.Grade.Valid(), "graded")
		assert.Equal(t, a, b)
	}
	o := obs[0]
	o.Kind = customer.Intermediary
	var r segment.Result
	assert.ErrorIs(t, f.classify(&r, &o), segment.ErrNotFitted)
}

// TestGroupsCoder checks that churn.Groups cross a worker boundary intact
// and that merged shards fit like the whole.
func TestGroupsCoder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		fn := &groupsFn{}
		whole, a, b := fn.CreateAccumulator(), fn.CreateAccumulator(), fn.CreateAccumulator()
		for range rapid.IntRange(1, 30).Draw(t, "n") {
			T := float64(rapid.IntRange(1, 20).Draw(t, "T"))
			x := rapid.IntRange(0, 5).Draw(t, "x")
			tx := 0.0
			if x > 0 {
				tx = float64(rapid.IntRange(1, int(T)).Draw(t, "tx"))
			}
			g := churn.Group{Frequency: float64(x), Recency: tx, T: T}
			var err error
			if whole, err = fn.AddInput(whole, g); err != nil {
				t.Fatal(err)
			}
			if rapid.Bool().Draw(t, "shard") {
				a, err = fn.AddInput(a, g)
			} else {
				b, err = fn.AddInput(b, g)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		enc, err := encodeGroups(b)
		if err != nil {
			t.Fatal(err)
		}
		b2, err := decodeGroups(enc)
		if err != nil {
			t.Fatal(err)
		}
		m, err := fn.MergeAccumulators(a, b2)
		if err != nil {
			t.Fatal(err)
		}
		if !assert.ObjectsAreEqual(fn.ExtractOutput(whole), fn.ExtractOutput(m)) {
			t.Fatalf("merged groups differ from the whole")
		}
	})
	_, err := decodeGroups([]byte(`[{"Frequency":1,"Recency":5,"T":2,"Count":1}]`))
	assert.Error(t, err, "recency after T")
}

func TestCompareIDs(t *testing.T) {
	ids := []string{"b", "10", "a", "007", "2", "7", "A", ""}
	slices.SortFunc(ids, salesrow.CompareIDs)
	assert.Equal(t, []string{"2", "007", "7", "10", "", "A", "a", "b"}, ids)
}

// TestPipelineErrors checks that bad input fails the run with an error
// naming the row, and writes no output.
func TestPipelineErrors(t *testing.T) {
	d := customer.DateFromYMD(2025, 6, 30)
	tests := []struct{ name, text, err string }{
		{"bad amount", "customer_id,date,amount\nc1,2025-01-01,10\nc1,2025-01-02,12x\n", `orders.csv, byte 41: amount "12x"`},
		{"two currencies", "customer_id,date,amount,currency\nc1,2025-01-01,10,EUR\nc2,2025-01-02,12,USD\n", `orders.csv, byte 54: currency "USD": the file is in EUR, and one file holds one currency`},
		{"only later rows", "customer_id,date,amount\nc1,2025-07-01,10\n", "no customer"},
		{"bad header", "customer,date,amount\n", `missing required column "customer_id"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "orders.csv")
			require.NoError(t, os.WriteFile(in, []byte(tt.text), 0o644))
			cfg := config{In: in, AsOf: d, Out: filepath.Join(dir, "seg.csv"), Currency: "USD", Kind: customer.Consumer, Margin: "0.55", Period: customer.Weeks, Horizon: 52}
			_, err := execute(context.Background(), "direct", cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
			short := cause(err).Error()
			assert.Contains(t, short, tt.err)
			assert.NotContains(t, short, "Plan")
			_, serr := os.Stat(cfg.Out)
			assert.True(t, os.IsNotExist(serr), "output written")
		})
	}
}

// A period that is neither days nor weeks fails when the pipeline is
// built, before anything runs.
func TestPipelineRefusesUndefinedPeriod(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\nc1,2025-01-01,10\n"), 0o644))
	cfg := config{In: in, AsOf: customer.DateFromYMD(2025, 6, 30), Out: filepath.Join(dir, "seg.csv"), Scores: filepath.Join(dir, "scores.csv"),
		Currency: "USD", Kind: customer.Consumer, Margin: "0.55", Period: 0, Horizon: 52}
	_, err := execute(context.Background(), "direct", cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "period 0: want days or weeks")
	_, serr := os.Stat(cfg.Out)
	assert.True(t, os.IsNotExist(serr), "output written")
}

func BenchmarkSummarize(b *testing.B) {
	var rows []row
	for i := range 40 {
		_, r, _, err := testParser.parse(int64(i), "c,2025-01-"+itoa(int32(10+i%20))+",19.90,o"+itoa(int32(i/3))+",1,,EUR,,coats")
		if err != nil {
			b.Fatal(err)
		}
		rows = append(rows, r)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := testSummarizer.summarize("c", rows); err != nil {
			b.Fatal(err)
		}
	}
}

// A fit at the edge of the parameter space with finite, positive
// parameters is kept, as crm batch keeps it; any other error is not.
func TestKeptAtEdge(t *testing.T) {
	edge := func(ps ...churn.Param) error {
		return &churn.BoundaryError{Model: "bgnbd", Names: []string{"a", "b"}, LogLikelihood: -221.2, Params: ps}
	}
	ok := []churn.Param{{Name: "a", Value: 1.6e-7}, {Name: "b", Value: 18000}}
	assert.NoError(t, keptAtEdge(edge(ok...)))
	assert.NoError(t, keptAtEdge(nil))
	assert.ErrorIs(t, keptAtEdge(edge(churn.Param{Name: "a", Value: 0})), churn.ErrBoundary)
	assert.ErrorIs(t, keptAtEdge(edge(churn.Param{Name: "b", Value: math.Inf(1)})), churn.ErrBoundary)
	assert.ErrorIs(t, keptAtEdge(churn.ErrNoConvergence), churn.ErrNoConvergence)
}

// A fit whose parameters, standard errors or log-likelihood are not
// finite fails, as crm's fits do; one with finite numbers passes.
func TestCheckFit(t *testing.T) {
	ok := []churn.Param{{Name: "r", Value: 0.5, StdErr: 0.1}, {Name: "alpha", Value: 3, StdErr: 0}}
	assert.NoError(t, checkFit(modelBGNBD, ok, churn.FitInfo{LogLikelihood: -12}))
	for name, tc := range map[string]struct {
		p    []churn.Param
		ll   float64
		want string
	}{
		"value":          {[]churn.Param{{Name: "r", Value: math.NaN()}}, -12, "parameter r is not finite"},
		"standard error": {[]churn.Param{ok[0], {Name: "alpha", Value: 3, StdErr: math.Inf(1)}}, -12, "parameter alpha is not finite"},
		"log-likelihood": {ok, math.Inf(-1), "log-likelihood is not finite"},
	} {
		err := checkFit(modelBGNBD, tc.p, churn.FitInfo{LogLikelihood: tc.ll})
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), tc.want, name)
		}
	}
}
