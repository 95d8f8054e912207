package main

import (
	"bufio"
	"bytes"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/churn/risk"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/crm/internal/input"
	"pgregory.net/rapid"
)

// TestSegmentMatchesTheSequentialPath compares crm segment (input.ScanCSV,
// parallel passes) with the sequential path it replaced (input.Summarize,
// fitSegments, writeSegments with encoding/csv) byte for byte.
func TestSegmentMatchesTheSequentialPath(t *testing.T) {
	t.Parallel()
	shop := generatedShop(t)
	dates := []string{"2025-12-31", "2024-06-30"}
	if raceEnabled {
		dates = dates[:1]
	}
	for _, asOf := range dates {
		r := crm(t, shop, "segment", "-in", "-", "-as-of", asOf)
		require.Equal(t, 0, r.code, r.stderr)

		cr, err := input.NewCSVReader(strings.NewReader(shop), "stdin")
		require.NoError(t, err)
		day, err := input.ParseDay(asOf)
		require.NoError(t, err)
		res, err := input.Summarize(cr, "stdin", input.Options{AsOf: day})
		require.NoError(t, err)
		var buf bytes.Buffer
		out := &output{w: bufioWriter(&buf)}
		require.NoError(t, writeSegments(out, res.Summaries))
		require.NoError(t, out.commit())
		require.Equal(t, buf.String(), r.stdout, "as of %s", asOf)
	}
}

// TestBatchIsSegmentPlusScore checks that crm batch writes the columns of
// crm segment and, for every customer with a purchase, those of crm score
// -spend gammagamma at the same date, to the last digit, then a churn risk
// in [0, 1] and its band.
func TestBatchIsSegmentPlusScore(t *testing.T) {
	t.Parallel()
	shop := generatedShop(t)
	seg := crm(t, shop, "segment", "-in", "-", "-as-of", "2025-12-31")
	require.Equal(t, 0, seg.code, seg.stderr)
	sc := crm(t, shop, "score", "-model", "bgnbd", "-spend", "gammagamma", "-in", "-", "-calibration-end", "2025-12-31")
	require.Equal(t, 0, sc.code, sc.stderr)
	b := crm(t, shop, "batch", "-in", "-", "-as-of", "2025-12-31")
	require.Equal(t, 0, b.code, b.stderr)

	batch := readCSVFile(t, b.stdout)
	segs := readCSVFile(t, seg.stdout)
	scores := readCSVFile(t, sc.stdout)
	require.Len(t, batch, len(segs))
	// The grade is the last column of both; the churn columns come
	// between the other columns of crm segment and it.
	nseg := len(segs[0]) - 1
	require.Equal(t, gradeColumn, segs[0][nseg])
	require.Equal(t, append(append(append([]string{}, segs[0][:nseg]...), batchColumns...), gradeColumn), batch[0])
	j := 1
	bands := map[string]int{}
	for i := 1; i < len(batch); i++ {
		require.Equal(t, segs[i][:nseg], batch[i][:nseg])
		require.Equal(t, segs[i][nseg], batch[i][len(batch[i])-1], "grade of %s", segs[i][0])
		churnCols := batch[i][nseg : len(batch[i])-1]
		if churnCols[0] == "" {
			assert.Equal(t, []string{"", "", "", "", "", "", "", ""}, churnCols, "no purchase: no churn columns")
			continue
		}
		require.Equal(t, scores[j][0], batch[i][0])
		require.Equal(t, scores[j][1:], churnCols[:6], "customer %s", batch[i][0])
		j++
		r, err := strconv.ParseFloat(churnCols[6], 64)
		require.NoError(t, err)
		require.True(t, r >= 0 && r <= 1)
		band, err := risk.ParseBand(churnCols[7])
		require.NoError(t, err)
		bands[band.String()]++
	}
	require.Equal(t, len(scores), j, "every scored customer is in the batch")
	assert.Greater(t, len(bands), 1, "more than one band")
}

func TestBatchUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"batch", "-in", "x.csv"},
		{"batch", "-in", "x.csv", "-as-of", "2025-01-01", "-model", "gammagamma"},
		{"batch", "-in", "x.csv", "-as-of", "2025-01-01", "-horizon", "1.5"},
		{"batch", "-in", "x.csv", "-as-of", "2025-01-01", "-period", "month"},
	} {
		r := crm(t, "", args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
	}
}

func bufioWriter(b *bytes.Buffer) *bufio.Writer { return bufio.NewWriter(b) }

// appendDecimal writes what decimal.Decimal's String writes.
func TestPropertyAppendDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := rapid.OneOf(rapid.Int64(), rapid.Int64Range(-100000, 100000),
			rapid.SampledFrom([]int64{0, 1, -1, 10, -10, 1000, math.MaxInt64, math.MinInt64})).Draw(t, "coefficient")
		exp := int32(rapid.IntRange(-25, 6).Draw(t, "exp"))
		want := decimal.New(c, exp).String()
		require.Equal(t, want, string(appendDecimal([]byte("x"), c, exp))[1:])
	})
}

// A row is kept for every customer between the last two passes of crm
// batch: 48 bytes, 44 MB for a million customers.
func TestRowSize(t *testing.T) {
	require.Equal(t, uintptr(48), unsafe.Sizeof(row{}))
}

// Tiny populations: one customer, one with a single purchase, customers
// whose only rows are refunds or fall on the last day. The batch writes a
// row for each and leaves the churn columns empty when no model fits.
func TestBatchTinyPopulations(t *testing.T) {
	const head = "customer_id,date,amount\n"
	for name, rows := range map[string]string{
		"one purchase":          "A,2025-01-01,10\n",
		"one customer":          "A,2025-01-01,10\nA,2025-03-01,12\nA,2025-05-01,9\n",
		"refund only":           "A,2025-01-01,10\nB,2025-02-01,-5\n",
		"first on the last day": "A,2025-01-01,10\nA,2025-02-01,10\nB,2025-12-31,7\n",
		"two customers":         "A,2025-01-01,10\nB,2025-03-01 10:00:00,5\nB,2025-04-01,7\n",
	} {
		t.Run(name, func(t *testing.T) {
			r := crm(t, head+rows, "batch", "-in", "-", "-as-of", "2025-12-31")
			require.Equal(t, 0, r.code, r.stderr)
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			ids := map[string]bool{}
			for _, row := range strings.Split(strings.TrimSpace(rows), "\n") {
				ids[row[:strings.IndexByte(row, ',')]] = true
			}
			require.Len(t, lines, 1+len(ids), r.stdout)
			for _, l := range lines[1:] {
				require.Len(t, strings.Split(l, ","), len(segmentColumns)+len(batchColumns)+1, l)
			}
		})
	}
}

// A dealer's order billed in two shipments a year apart counts once, on
// the day of the first; the second brings spend into the last 12 months
// without a purchase day in them. The batch scores it like any other.
func TestBatchOrderShippedAcrossTheYear(t *testing.T) {
	r := crm(t, "customer_id,date,order_id,amount\nA,2025-01-01,O1,10\nA,2025-05-01,O2,12\nB,2024-09-01,O3,40\nB,2025-10-01,O3,40\n",
		"batch", "-in", "-", "-as-of", "2025-12-31")
	require.Equal(t, 0, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 3, r.stdout)
	assert.True(t, strings.HasPrefix(lines[2], "B,"), lines[2])
	assert.Contains(t, lines[2], ",1,80,USD,", "one order of 80 (USD, the default currency): %s", lines[2])
}

// When the transaction fit fails (no repeat purchase here), the columns
// that need no model are still written: frequency, recency and T, and
// the rule-based churn risk without P(alive); p_alive,
// expected_purchases and clv are empty.
func TestBatchWithoutAFitKeepsTheRuleBasedRisk(t *testing.T) {
	r := crm(t, "customer_id,date,amount\nA,2025-01-01,10\nB,2025-06-01,20\nC,2025-12-31,-5\n",
		"batch", "-in", "-", "-as-of", "2025-12-31", "-period", "day")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "insufficient data")
	assert.Contains(t, r.stderr, "churn_risk is the rule-based risk without P(alive)")
	// C is not left out of the output, as score leaves it out: stderr
	// says what happens to it.
	assert.Contains(t, r.stderr, "crm: 1 customer without a purchase on or before 2025-12-31 (only returns) left out of the fits: written with frequency to risk_band empty\n")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 4, r.stdout)
	col := map[string]int{}
	for i, c := range strings.Split(lines[0], ",") {
		col[c] = i
	}
	want := map[string][3]string{"A": {"0", "0", "364"}, "B": {"0", "0", "213"}}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		id := f[0]
		if id == "C" { // only a refund: no purchase, nothing to score
			for _, c := range batchColumns {
				assert.Empty(t, f[col[c]], "%s of C", c)
			}
			continue
		}
		assert.Equal(t, want[id], [3]string{f[col["frequency"]], f[col["recency"]], f[col["T"]]}, id)
		for _, c := range []string{"p_alive", "expected_purchases", "clv"} {
			assert.Empty(t, f[col[c]], "%s of %s", c, id)
		}
		v, err := strconv.ParseFloat(f[col["churn_risk"]], 64)
		require.NoError(t, err, "churn_risk of %s", id)
		assert.True(t, v >= 0 && v <= 1, "churn_risk of %s: %v", id, v)
		assert.NotEmpty(t, f[col["risk_band"]], id)
	}
}

// Amounts far beyond any shop's (the parser takes up to 18 integer
// digits and sums past 9.2e18) give results or an error naming the
// customer, never a crash.
func TestBatchHugeAmounts(t *testing.T) {
	const head = "customer_id,date,amount\n"
	for _, cmd := range []string{"segment", "batch"} {
		r := crm(t, head+"A,2024-01-01,10\nB,2024-02-01,99999999999999999999\n", cmd, "-in", "-", "-as-of", "2024-12-31")
		require.Equal(t, 0, r.code, "%s: %s", cmd, r.stderr)
		assert.Contains(t, r.stdout, "B,consumer,", cmd)
	}
	r := crm(t, head+"A,2024-01-01,10\nB,2024-02-01,5000000000000000000\nB,2024-03-01,5000000000000000000\n", "batch", "-in", "-", "-as-of", "2024-12-31")
	require.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, `customer "B": mean_spend 5e+18: must be at most 1e+15`)
	assert.Empty(t, r.stdout)
}

// The texts of recency and T from the table of periods are appendNum's,
// for whole days in days and weeks and for any other number.
func TestPeriodTextsAreAppendNum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := rapid.SampledFrom([]customer.Period{customer.Days, customer.Weeks}).Draw(t, "period")
		div := 1.0
		if p == customer.Weeks {
			div = 7
		}
		maxT := rapid.IntRange(0, 3000).Draw(t, "max T")
		pt := newPeriodTexts([]churn.Group{{Frequency: 1, Recency: 0, T: float64(maxT) / div, Count: 1}}, p)
		days := rapid.SliceOf(rapid.IntRange(-10, maxT+10)).Draw(t, "days")
		for _, d := range days {
			x := float64(d) / div
			if got, want := string(pt.append(nil, x)), string(appendNum(nil, x)); got != want {
				t.Fatalf("%d days: %q, want %q", d, got, want)
			}
		}
		for _, x := range rapid.SliceOf(rapid.Float64()).Draw(t, "numbers") {
			if got, want := string(pt.append(nil, x)), string(appendNum(nil, x)); got != want {
				t.Fatalf("%v: %q, want %q", x, got, want)
			}
		}
	})
	require.Equal(t, "0.14285714285714285", string(newPeriodTexts(nil, customer.Weeks).append(nil, 1.0/7)))
}

// TestEachSortedOrder: eachSorted visits the triples of the first pass
// (in customer order) in (x, t_x, T, customer) order, the order of
// sortKeyed, whether they pack into a word (radix sort, small or large
// inputs) or not (values too wide).
func TestEachSortedOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 3000).Draw(t, "n")
		top := rapid.SampledFrom([]int32{3, 200, 40000, math.MaxInt32}).Draw(t, "largest value")
		ks := make([]keyed, n)
		for i := range ks {
			v := func(label string) int32 { return rapid.Int32Range(0, top).Draw(t, label) }
			ks[i] = keyed{x: v("x"), tx: v("tx"), T: 1 + v("T")%top, i: int32(i)}
		}
		want := slices.Clone(ks)
		sortKeyed(want)
		got := []keyed{}
		eachSorted(ks, n, func(k keyed) { got = append(got, k) })
		require.Equal(t, want, got)
	})
}

// BenchmarkGroupSort sorts the triples of a million customers, of the
// spread of a sales history (a few purchases, recency and age in days),
// by radix sort (eachSorted) and by comparison (sortKeyed).
func BenchmarkGroupSort(b *testing.B) {
	const n = 1 << 20
	orig := make([]keyed, n)
	seed := uint64(7)
	next := func(m uint64) int32 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int32((seed >> 33) % m)
	}
	for i := range orig {
		T := 1 + next(1500)
		orig[i] = keyed{x: next(12), tx: next(uint64(T)), T: T, i: int32(i)}
	}
	ks := make([]keyed, n)
	b.Run("radix", func(b *testing.B) {
		for b.Loop() {
			copy(ks, orig)
			eachSorted(ks, n, func(keyed) {})
		}
	})
	b.Run("comparison", func(b *testing.B) {
		for b.Loop() {
			copy(ks, orig)
			sortKeyed(ks)
		}
	})
}

// TestUsageErrorsNameOnlyTheSubcommandsFlags checks that the advice of a
// usage error names only flags that its subcommand has: a batch job that
// follows it must not get "flag provided but not defined".
func TestUsageErrorsNameOnlyTheSubcommandsFlags(t *testing.T) {
	t.Parallel()
	flagName := regexp.MustCompile(`(?:^|[\s(])-([a-z][a-z-]*)`)
	for _, args := range [][]string{
		{"batch", "-in", "x.csv", "-as-of", "2025-01-01", "-model", "gammagamma"},
		{"score", "-in", "x.csv", "-calibration-end", "2025-01-01", "-model", "gammagamma"},
		{"fit", "-in", "x.csv", "-calibration-end", "2025-01-01", "-model", "nbd"},
		{"batch", "-in", "x.csv", "-as-of", "2025-01-01", "-model", "nbd"},
	} {
		help := crm(t, "", args[0], "-h")
		require.Equal(t, exitOK, help.code)
		r := crm(t, "", args...)
		require.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
		msg, _, _ := strings.Cut(r.stderr, "\n")
		for _, m := range flagName.FindAllStringSubmatch(msg, -1) {
			assert.Regexp(t, `\n  -`+m[1]+`[ \n]`, help.stderr, "%v: the error names -%s, which crm %s has not:\n%s", args, m[1], args[0], msg)
		}
	}
}
