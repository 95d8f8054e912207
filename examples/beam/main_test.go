package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
)

func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	os.Exit(m.Run())
}

// crmBinary builds the crm command of the root module once per test run.
func crmBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "crm")
	cmd := exec.Command("go", "build", "-o", bin, "./examples/crm")
	cmd.Dir = filepath.Join("..", "..")
	outb, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build ./examples/crm: %s", outb)
	return bin
}

func runCRM(t *testing.T, bin string, args ...string) {
	t.Helper()
	outb, err := exec.Command(bin, args...).CombinedOutput()
	require.NoError(t, err, "crm %v: %s", args, outb)
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return recs
}

// sameTable checks that got has the header and customers of want, in the
// same order, with every field equal except the float columns, which
// must agree within 1e-9. It returns the number of byte-identical rows.
func sameTable(t *testing.T, want, got [][]string, floats map[string]bool) int {
	t.Helper()
	require.NotEmpty(t, want)
	require.Equal(t, want[0], got[0], "header")
	require.Equal(t, len(want), len(got), "rows")
	identical := 0
	for i := 1; i < len(want); i++ {
		w, g := want[i], got[i]
		require.Len(t, g, len(w), "row %d", i)
		require.Equal(t, w[0], g[0], "customer of row %d", i)
		same := true
		for j, col := range want[0] {
			if w[j] == g[j] {
				continue
			}
			same = false
			if !floats[col] {
				assert.Equal(t, w[j], g[j], "customer %s, %s", w[0], col)
				continue
			}
			a, err1 := strconv.ParseFloat(w[j], 64)
			b, err2 := strconv.ParseFloat(g[j], 64)
			require.NoError(t, err1)
			require.NoError(t, err2)
			assert.InDelta(t, a, b, 1e-9, "customer %s, %s", w[0], col)
		}
		if same {
			identical++
		}
	}
	return identical
}

// TestMatchesCRM runs the pipeline on a generated shop, with blank rows
// (every field empty), an empty line and repeated headers (as two
// exports put one after the other have) put in, and checks that its
// outputs are those of crm segment and crm score -model bgnbd (and
// -model bgbb) on the same file, on the direct runner and on prism (which
// encodes every element, accumulator and side input, as a distributed
// runner does), and that it counts the blank rows and the repeated
// headers apart.
func TestMatchesCRM(t *testing.T) {
	bin := crmBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	runCRM(t, bin, "generate", "-customers", "300", "-seed", "3", "-out", in)
	const blankRows, headerRows = 6, 2
	withBlankRows(t, in)
	const asOf = "2025-06-30"
	wantSeg := filepath.Join(dir, "crm-segments.csv")
	runCRM(t, bin, "segment", "-in", in, "-as-of", asOf, "-out", wantSeg)
	wantScore := map[string]string{}
	for _, m := range []string{modelBGNBD, modelBGBB} {
		wantScore[m] = filepath.Join(dir, "crm-scores-"+m+".csv")
		runCRM(t, bin, "score", "-model", m, "-in", in, "-calibration-end", asOf, "-period", "week", "-horizon", "52", "-out", wantScore[m])
	}
	d, err := parseDay(asOf)
	require.NoError(t, err)

	runners := []string{"direct", "prism"}
	if testing.Short() {
		runners = runners[:1]
	}
	for _, runner := range runners {
		for _, m := range []string{modelBGNBD, modelBGBB} {
			t.Run(runner+"/"+m, func(t *testing.T) {
				cfg := config{
					In: in, AsOf: d,
					Out: filepath.Join(dir, runner+"-"+m+"-segments.csv"), Scores: filepath.Join(dir, runner+"-"+m+"-scores.csv"),
					Currency: "USD", Kind: customer.Consumer, Margin: customer.DefaultMargin.String(),
					Model: m, Period: customer.Weeks, Horizon: 52,
				}
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				start := time.Now()
				c, err := execute(ctx, runner, cfg)
				require.NoError(t, err)
				t.Logf("%s: %v", runner, time.Since(start))

				seg := readCSV(t, cfg.Out)
				want := readCSV(t, wantSeg)
				require.Greater(t, len(want), 100)
				n := sameTable(t, want, seg, map[string]bool{"current_value": true, "potential_value": true, "total_value": true})
				t.Logf("segments: %d of %d rows byte-identical", n, len(want)-1)
				sc := readCSV(t, cfg.Scores)
				n = sameTable(t, readCSV(t, wantScore[m]), sc, map[string]bool{"recency": true, "T": true, "p_alive": true, "expected_purchases": true})
				t.Logf("%s scores: %d of %d rows byte-identical", m, n, len(sc)-1)
				require.True(t, c.known, "counters")
				assert.Equal(t, int64(len(want)-1), c.customers)
				assert.Equal(t, int64(2549), c.rows)
				assert.Equal(t, int64(532), c.later)
				assert.Equal(t, int64(blankRows), c.blank)
				assert.Equal(t, int64(headerRows), c.headers)
			})
		}
	}
}

// withBlankRows puts six blank rows into the export at path: one after
// the header, one of spaces (a field short) and one of quoted empty
// fields in the middle, two at the end, and an empty line; and two
// repeated headers: one quoted, in other cases and with spaces, in the
// middle, and one as it is at the end, as `cat` of an export of only
// its header puts it.
func withBlankRows(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	width := strings.Count(lines[0], ",") + 1
	commas := strings.Repeat(",", width-1)
	mid := len(lines) / 2
	var b strings.Builder
	b.WriteString(lines[0] + commas + "\n")
	b.WriteString(strings.Join(lines[1:mid], ""))
	b.WriteString(" , \t" + strings.Repeat(", ", width-3) + "\r\n")
	b.WriteString(strings.Repeat(`"",`, width-1) + `""` + "\n")
	names := strings.Split(strings.TrimSuffix(lines[0], "\n"), ",")
	for i, n := range names {
		names[i] = `" ` + strings.ToUpper(n[:1]) + n[1:] + `"`
	}
	b.WriteString(strings.Join(names, ",") + "\r\n")
	b.WriteString(strings.Join(lines[mid:], ""))
	b.WriteString("\n" + commas + "\n" + commas + "\n\n")
	b.WriteString(lines[0])
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
}

// The flags are checked before the pipeline is built: an unknown model,
// and a horizon that is not whole for bgbb, which counts whole periods.
func TestConfigFromFlags(t *testing.T) {
	set := func(t *testing.T, kv map[string]string) {
		t.Helper()
		for k, v := range kv {
			old := flag.Lookup(k).Value.String()
			require.NoError(t, flag.Set(k, v))
			t.Cleanup(func() { _ = flag.Set(k, old) })
		}
	}
	base := map[string]string{"in": "orders.csv", "out": "seg.csv", "as-of": "2025-06-30"}
	for _, tc := range []struct {
		name string
		kv   map[string]string
		want string // the config's model, or a part of the error
	}{
		{"bgnbd by default", nil, modelBGNBD},
		{"bgbb", map[string]string{"model": "bgbb", "horizon": "52"}, modelBGBB},
		{"unknown model", map[string]string{"model": "paretonbd"}, `-model: unknown model "paretonbd"`},
		{"bgbb over part of a period", map[string]string{"model": "bgbb", "horizon": "52.5"}, "bgbb counts whole periods"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set(t, base)
			set(t, tc.kv)
			cfg, err := configFromFlags()
			if tc.want != modelBGNBD && tc.want != modelBGBB {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg.Model)
		})
	}
}

func TestCounted(t *testing.T) {
	assert.Equal(t, "1 row", counted(int64(1), "row"))
	assert.Equal(t, "0 rows", counted(int64(0), "row"))
	assert.Equal(t, "2549 repeated header rows", counted(int64(2549), "repeated header row"))
}

// TestFitFailureKeepsSegments runs the pipeline with -scores on shops too
// small for a transaction fit (nobody buys twice; nobody buys at all) and
// checks that it does what crm batch does when the fit fails: the run
// succeeds, the segments are those of crm segment, every customer who
// bought has its frequency, recency and T with p_alive and
// expected_purchases empty, as in crm batch's columns, and the failure is
// counted.
func TestFitFailureKeepsSegments(t *testing.T) {
	bin := crmBinary(t)
	const asOf = "2025-06-30"
	d, err := parseDay(asOf)
	require.NoError(t, err)
	shops := map[string]string{
		// a bought once, b only returned, c first bought on the as-of
		// day (T = 0), d's row is dated after it.
		"one purchase each": "customer_id,date,order_id,amount\na,2025-01-01,1,10\nb,2025-02-01,2,-5\nc,2025-06-30,3,20\nd,2025-07-01,4,20\n",
		"only returns":      "customer_id,date,amount\na,2025-01-01,-10\nb,2025-02-01,-5\n",
	}
	runners := []string{"direct", "prism"}
	if testing.Short() {
		runners = runners[:1]
	}
	for name, text := range shops {
		dir := t.TempDir()
		in := filepath.Join(dir, "orders.csv")
		require.NoError(t, os.WriteFile(in, []byte(text), 0o644))
		wantSeg := filepath.Join(dir, "crm-segments.csv")
		runCRM(t, bin, "segment", "-in", in, "-as-of", asOf, "-out", wantSeg)
		for _, runner := range runners {
			for _, m := range []string{modelBGNBD, modelBGBB} {
				t.Run(name+"/"+runner+"/"+m, func(t *testing.T) {
					wantBatch := filepath.Join(dir, "crm-batch-"+m+".csv")
					runCRM(t, bin, "batch", "-model", m, "-in", in, "-as-of", asOf, "-period", "week", "-horizon", "52", "-out", wantBatch)
					cfg := config{
						In: in, AsOf: d,
						Out: filepath.Join(dir, runner+"-"+m+"-segments.csv"), Scores: filepath.Join(dir, runner+"-"+m+"-scores.csv"),
						Currency: "USD", Kind: customer.Consumer, Margin: customer.DefaultMargin.String(),
						Model: m, Period: customer.Weeks, Horizon: 52,
					}
					ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
					defer cancel()
					c, err := execute(ctx, runner, cfg)
					require.NoError(t, err)
					sameTable(t, readCSV(t, wantSeg), readCSV(t, cfg.Out), map[string]bool{"current_value": true, "potential_value": true, "total_value": true})

					// crm batch's score columns of the customers who bought.
					batch := readCSV(t, wantBatch)
					want := [][]string{scoreColumns}
					col := map[string]int{}
					for i, n := range batch[0] {
						col[n] = i
					}
					for _, r := range batch[1:] {
						if r[col["frequency"]] == "" {
							continue
						}
						var w []string
						for _, n := range scoreColumns {
							w = append(w, r[col[n]])
						}
						want = append(want, w)
					}
					got := readCSV(t, cfg.Scores)
					sameTable(t, want, got, map[string]bool{"recency": true, "T": true})
					require.True(t, c.known, "counters")
					assert.Equal(t, int64(1), c.fitFailed)
				})
			}
		}
	}
}

// -horizon is read as crm score reads it: absent, a year (52 weeks or
// 365 days); given, any number of periods in [0, 100000], 0 included
// (nobody buys in no time), and a whole number for bgbb.
func TestHorizonFlag(t *testing.T) {
	for _, tc := range []struct {
		kv   map[string]string
		want float64 // -1: an error
	}{
		{map[string]string{}, 52},
		{map[string]string{"period": "day"}, 365},
		{map[string]string{"horizon": "0"}, 0},
		{map[string]string{"horizon": "0", "period": "day"}, 0},
		{map[string]string{"horizon": "12.5"}, 12.5},
		{map[string]string{"horizon": "100000"}, 100000},
		{map[string]string{"horizon": "100001"}, -1},
		{map[string]string{"horizon": "-1"}, -1},
		{map[string]string{"horizon": "NaN"}, -1},
		{map[string]string{"horizon": "0", "model": "bgbb"}, 0},
		{map[string]string{"horizon": "1.5", "model": "bgbb"}, -1},
	} {
		t.Run(fmt.Sprint(tc.kv), func(t *testing.T) {
			// Every flag of the case is reset to its default afterwards, so
			// that the next case sees only its own.
			args := []string{"-in", "orders.csv", "-out", "seg.csv", "-as-of", "2025-06-30"}
			for k, v := range tc.kv {
				args = append(args, "-"+k+"="+v)
			}
			t.Cleanup(func() {
				for _, k := range []string{"horizon", "period", "model"} {
					f := flag.Lookup(k)
					require.NoError(t, f.Value.Set(f.DefValue))
				}
			})
			require.NoError(t, flag.CommandLine.Parse(args))
			cfg, err := configFromFlags()
			if tc.want < 0 {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "-horizon")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg.Horizon)
		})
	}
}
