package main

import (
	"cmp"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
	"github.com/tailorcrm/tailor/segment"
	"github.com/tailorcrm/tailor/value"
)

var (
	shopOnce sync.Once
	shopCSV  string
	shopErr  string
)

// generatedShop returns a generated shop of 1,500 customers (crm
// generate), made once per test binary.
func generatedShop(t *testing.T) string {
	t.Helper()
	shopOnce.Do(func() {
		r := crm(t, "", "generate", "-customers", "1500", "-seed", "11")
		shopCSV, shopErr = r.stdout, r.stderr
		if r.code != 0 {
			shopCSV = ""
		}
	})
	require.NotEmpty(t, shopCSV, shopErr)
	return shopCSV
}

func TestSegmentOutput(t *testing.T) {
	t.Parallel()
	shop := generatedShop(t)
	r := crm(t, shop, "segment", "-in", "-", "-format", "csv", "-as-of", "2025-06-30")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `stdin: \d+ rows, \d+ customers; \d+ rows dated after -as-of 2025-06-30 left out`, r.stderr)
	recs := readCSVFile(t, r.stdout)
	want := []string{"customer_id", "kind", "current_value", "potential_value", "total_value", "quadrant", "r", "f", "m", "rfm_segment", "lifecycle", "shop_type"}
	require.Equal(t, want, recs[0][:len(want)], "the contract's columns, in order")
	rows := recs[1:]
	require.Greater(t, len(rows), 1000)
	kinds, stages := map[string]int{}, map[string]int{}
	for i, rec := range rows {
		if i > 0 {
			require.Negative(t, salesrow.CompareIDs(rows[i-1][0], rec[0]), "sorted by customer_id, unique")
		}
		kinds[rec[1]]++
		cur, pot, tot := parseF(t, rec[2]), parseF(t, rec[3]), parseF(t, rec[4])
		for _, s := range rec[2:5] {
			assert.Equal(t, s, num(parseF(t, s)), "numbers round-trip")
		}
		assert.Equal(t, tot, cur+pot, rec[0])
		assert.True(t, cur >= 0 && pot >= 0 && tot <= 1, rec[0])
		for _, s := range rec[6:9] {
			n, err := strconv.Atoi(s)
			require.NoError(t, err)
			assert.True(t, n >= 1 && n <= 5)
		}
		_, err := value.ParseRFMSegment(rec[9])
		assert.NoError(t, err, rec[9])
		_, err = segment.ParseStage(rec[10])
		assert.NoError(t, err, rec[10])
		stages[rec[10]]++
		_, err = segment.ParseShopType(rec[11])
		assert.NoError(t, err, rec[11])
	}
	assert.Len(t, stages, 4, "every lifecycle stage is used: %v", stages)
	assert.Positive(t, kinds["consumer"])
	assert.Positive(t, kinds["intermediary"])
	counts := checkQuadrants(t, recs)
	assert.Len(t, counts, 4, "every quadrant is used: %v", counts)
}

// checkQuadrants recomputes every customer's quadrant from the output's
// own value columns: current and potential value are high when above the
// mean of the customer's kind (domain rules §3.1). The means are computed
// exactly (big.Float sums), independently of the command.
func checkQuadrants(t *testing.T, recs [][]string) map[string]int {
	t.Helper()
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	type acc struct {
		cur, pot *big.Float
		n        int64
	}
	sums := map[string]*acc{}
	for _, rec := range recs[1:] {
		a := sums[rec[col["kind"]]]
		if a == nil {
			a = &acc{cur: new(big.Float).SetPrec(2000), pot: new(big.Float).SetPrec(2000)}
			sums[rec[col["kind"]]] = a
		}
		a.cur.Add(a.cur, new(big.Float).SetFloat64(parseF(t, rec[col["current_value"]])))
		a.pot.Add(a.pot, new(big.Float).SetFloat64(parseF(t, rec[col["potential_value"]])))
		a.n++
	}
	counts := map[string]int{}
	for _, rec := range recs[1:] {
		a := sums[rec[col["kind"]]]
		n := new(big.Float).SetPrec(2000).SetInt64(a.n)
		cur := new(big.Float).SetPrec(2000).SetFloat64(parseF(t, rec[col["current_value"]]))
		pot := new(big.Float).SetPrec(2000).SetFloat64(parseF(t, rec[col["potential_value"]]))
		// x > Σ/n ⇔ n·x > Σ, exactly.
		hc := new(big.Float).Mul(cur, n).Cmp(a.cur) > 0
		hp := new(big.Float).Mul(pot, n).Cmp(a.pot) > 0
		want := map[[2]bool]string{{true, true}: "high-value", {false, true}: "potential-value", {true, false}: "secondary-value", {false, false}: "low-value"}[[2]bool{hc, hp}]
		assert.Equal(t, want, rec[col["quadrant"]], rec[0])
		counts[want]++
	}
	return counts
}

func TestSegmentIsDeterministicAndOrderFree(t *testing.T) {
	t.Parallel()
	shop := generatedShop(t)
	dir := t.TempDir()
	in, out1, out2, out3 := filepath.Join(dir, "shop.csv"), filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.csv")
	require.NoError(t, os.WriteFile(in, []byte(shop), 0o644))
	args := func(in, out string) []string {
		return []string{"segment", "-in", in, "-format", "csv", "-as-of", "2025-06-30", "-out", out}
	}
	require.Equal(t, 0, crm(t, "", args(in, out1)...).code)
	require.Equal(t, 0, crm(t, "", args(in, out2)...).code)
	a, _ := os.ReadFile(out1)
	b, _ := os.ReadFile(out2)
	require.NotEmpty(t, a)
	assert.Equal(t, a, b, "identical input, identical bytes")

	// The rows of an export in any order give the same output.
	require.True(t, strings.HasSuffix(shop, "\n"))
	lines := strings.SplitAfter(shop, "\n")
	body := lines[1 : len(lines)-1]
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
	shuffled := filepath.Join(dir, "shuffled.csv")
	require.NoError(t, os.WriteFile(shuffled, []byte(lines[0]+strings.Join(body, "")), 0o644))
	r := crm(t, "", args(shuffled, out3)...)
	require.Equal(t, 0, r.code, r.stderr)
	c, _ := os.ReadFile(out3)
	assert.Equal(t, string(a), string(c))
	assertNoTempFiles(t, dir)
}

func TestSegmentAsOf(t *testing.T) {
	t.Parallel()
	data := "customer_id,date,amount,kind\n" +
		"A,2024-01-05,100,\nA,2024-03-01,50,\n" +
		"B,2024-02-01,30,\nB,2024-07-01,30,\n" +
		"C,2024-08-01,500,\n" +
		"D,2024-01-10,5000,wholesaler\nE,2024-02-10,7000,intermediary\n"
	r := crm(t, data, "segment", "-in", "-", "-as-of", "2024-06-30")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "stdin: 7 rows, 4 customers; 2 rows dated after -as-of 2024-06-30 left out")
	recs := readCSVFile(t, r.stdout)
	require.Len(t, recs, 5)
	ids := []string{recs[1][0], recs[2][0], recs[3][0], recs[4][0]}
	assert.Equal(t, []string{"A", "B", "D", "E"}, ids, "C bought only after -as-of")
	assert.Equal(t, "intermediary", recs[3][1])
	assert.Equal(t, "consumer", recs[1][1])
	checkQuadrants(t, append(recs[:1:1], recs[1:3]...))

	// The same export as of a later day sees C and B's second order.
	r = crm(t, data, "segment", "-in", "-", "-as-of", "2024-12-31")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Len(t, readCSVFile(t, r.stdout), 6)
}

func TestSegmentErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "seg.csv")
	data := "customer_id,date,amount\nA,2024-01-05,100\nA,2024-01-06,1e400\n"
	r := crm(t, data, "segment", "-in", "-", "-as-of", "2024-06-30", "-out", out)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, `stdin:3: amount "1e400": not a decimal number`)
	assert.NoFileExists(t, out)
	assertNoTempFiles(t, dir)

	r = crm(t, data, "segment", "-in", "-", "-as-of", "2024-06-30", "-out", out, "-skip-invalid")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "skipped 1 malformed row")
	assert.FileExists(t, out)

	r = crm(t, "customer_id,date,amount\nA,2025-01-05,100\n", "segment", "-in", "-", "-as-of", "2024-06-30", "-out", out+"2")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "no customer has a valid row dated on or before -as-of 2024-06-30")
	assert.NoFileExists(t, out+"2")
}

func TestSegmentCDNOW(t *testing.T) {
	t.Parallel()
	r := crm(t, "", "segment", "-in", cdnowSample, "-format", "cdnow", "-as-of", "1997-09-30")
	require.Equal(t, 0, r.code, r.stderr)
	recs := readCSVFile(t, r.stdout)
	require.Len(t, recs, 2358)
	assert.Equal(t, "1", recs[1][0])
	assert.Equal(t, "USD", recs[1][14])
	counts := checkQuadrants(t, recs)
	assert.Len(t, counts, 4, "every quadrant is used: %v", counts)
}

// TestSegmentReadsAwkwardCSV runs the command on an export with a byte
// order mark, CRLF line ends, quoted fields holding commas and quotes, and
// columns in an unusual order with extra ones.
func TestSegmentReadsAwkwardCSV(t *testing.T) {
	t.Parallel()
	data := "\ufeffnote,Amount,date,customer_id,category\r\n" +
		"\"a, b\",100.50,2024-01-05,\"Smith, J\",\"tops, \"\"basic\"\"\"\r\n" +
		"x,20,2024-03-01T10:00:00+08:00,\"Smith, J\",jeans\r\n" +
		"y,35,2024-02-01,B,\r\n"
	r := crm(t, data, "segment", "-in", "-", "-as-of", "2024-06-30")
	require.Equal(t, 0, r.code, r.stderr)
	recs := readCSVFile(t, r.stdout)
	require.Len(t, recs, 3)
	assert.Equal(t, "B", recs[1][0])
	assert.Equal(t, "Smith, J", recs[2][0])
	assert.Equal(t, "2", recs[2][12], "two orders")
	assert.Equal(t, "120.5", recs[2][13])
	assert.Contains(t, r.stdout, "\"Smith, J\",consumer,")
}

// TestGradeColumn checks the last column of crm segment and crm batch,
// the customer grade: a valid grade for every customer, the same in both,
// and, recomputed from the output's own value columns, the default grades
// of package segment within each kind: the ⌈20%⌉ of highest total value
// strategic (more only when customers tie at the cut, all of them equal
// to it), the next 30% important, and a potential-value customer who is
// not strategic at least important.
func TestGradeColumn(t *testing.T) {
	t.Parallel()
	shop := generatedShop(t)
	seg := crm(t, shop, "segment", "-in", "-", "-as-of", "2025-12-31")
	require.Equal(t, 0, seg.code, seg.stderr)
	b := crm(t, shop, "batch", "-in", "-", "-as-of", "2025-12-31")
	require.Equal(t, 0, b.code, b.stderr)
	recs, batch := readCSVFile(t, seg.stdout), readCSVFile(t, b.stdout)
	last := len(recs[0]) - 1
	require.Equal(t, "grade", recs[0][last], "the grade is the last column of crm segment")
	require.Equal(t, "grade", batch[0][len(batch[0])-1], "and of crm batch")
	require.Len(t, batch, len(recs))

	totals := map[string][]float64{} // by kind
	for i, rec := range recs[1:] {
		require.Len(t, rec, len(recs[0]))
		g, err := segment.ParseGrade(rec[last])
		require.NoError(t, err, "customer %s", rec[0])
		require.True(t, g.Valid())
		require.Equal(t, rec[last], batch[i+1][len(batch[i+1])-1], "grade of %s in crm batch", rec[0])
		totals[rec[1]] = append(totals[rec[1]], parseF(t, rec[4]))
	}
	require.Len(t, totals, 2, "both kinds are graded")
	// The least total value of A and of B by rank, per kind: the values
	// at ranks ⌈0.2·n⌉ and ⌈0.5·n⌉ from the highest.
	cutA, cutB := map[string]float64{}, map[string]float64{}
	for kind, tots := range totals {
		slices.SortFunc(tots, func(a, b float64) int { return cmp.Compare(b, a) })
		n := len(tots)
		topA, topAB := (2*n+9)/10, (n+1)/2
		cutA[kind], cutB[kind] = tots[topA-1], tots[topAB-1]
	}
	grades := map[string]map[string]int{}
	for _, rec := range recs[1:] {
		kind, tot := rec[1], parseF(t, rec[4])
		want := "ordinary"
		switch {
		case tot >= cutA[kind]:
			want = "strategic"
		case tot >= cutB[kind], rec[5] == "potential-value":
			want = "important"
		}
		assert.Equal(t, want, rec[last], "customer %s (%s, total value %v)", rec[0], kind, tot)
		if grades[kind] == nil {
			grades[kind] = map[string]int{}
		}
		grades[kind][rec[last]]++
	}
	for kind, tots := range totals {
		n := len(tots)
		topA := (2*n + 9) / 10
		a := grades[kind]["strategic"]
		tied := 0
		for _, x := range tots[topA:] {
			if x == cutA[kind] {
				tied++
			}
		}
		assert.Equal(t, topA+tied, a, "%s: ⌈20%% of %d⌉ strategic, and the %d tied with the last of them", kind, n, tied)
		t.Logf("%s: %d customers, grades %v", kind, n, grades[kind])
	}
}

// A customer whose only rows are refunds (of goods bought before the
// export) has no purchase to score: r, f and m are 1 and its rfm_segment
// is "none", not the lost segment of buyers who bought long ago.
func TestSegmentRefundOnlyCustomerHasNoRFMSegment(t *testing.T) {
	in := "customer_id,date,amount\nA,2025-01-01,10\nA,2025-03-01,20\nB,2025-02-01,30\nR,2025-02-01,-5\n"
	res := crm(t, in, "segment", "-in", "-", "-as-of", "2025-12-31")
	require.Equal(t, 0, res.code, res.stderr)
	rows := readCSVFile(t, res.stdout)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		got[r[col["customer_id"]]] = r[col["r"]] + r[col["f"]] + r[col["m"]] + " " + r[col["rfm_segment"]]
	}
	assert.Equal(t, "111 none", got["R"])
	assert.NotContains(t, got["A"], "none")
	assert.NotContains(t, got["B"], "none")
}
