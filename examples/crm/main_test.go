package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const cdnowDir = "../../churn/testdata/cdnow/"
const cdnowSample = cdnowDir + "CDNOW_sample.txt"

type result struct {
	code           int
	stdout, stderr string
}

func crm(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// fitOutput is the JSON of crm fit -json.
type fitOutput struct {
	Model          string             `json:"model"`
	Params         map[string]float64 `json:"params"`
	LogLik         float64            `json:"loglik"`
	Customers      int                `json:"customers"`
	Converged      bool               `json:"converged"`
	Iterations     int                `json:"iterations"`
	StdErrors      map[string]float64 `json:"std_errors"`
	Period         string             `json:"period"`
	CalibrationEnd string             `json:"calibration_end"`
	Excluded       *int               `json:"excluded"`
}

// relClose checks |got − want| ≤ tol·|want|.
func relClose(t *testing.T, want, got, tol float64, msg string) {
	t.Helper()
	assert.InEpsilon(t, want, got, tol, msg)
}

// TestFitCDNOW fits every model on the CDNOW sample with the published
// protocol (weeks, calibration to 1997-09-30) and compares with the
// reference values of churn/testdata/cdnow/README.md (lifetimes 0.11.3 and
// CLVTools 0.12.1).
func TestFitCDNOW(t *testing.T) {
	t.Parallel()
	tests := []struct {
		model  string
		params map[string]float64
		loglik float64
		n      int
	}{
		{"bgnbd", map[string]float64{"r": 0.2425945, "alpha": 4.4136019, "a": 0.7929199, "b": 2.4258881}, -9582.4292, 2357},
		{"paretonbd", map[string]float64{"r": 0.55327, "alpha": 10.5778, "s": 0.60602, "beta": 11.66391}, -9594.9762, 2357},
		{"mbgnbd", map[string]float64{"r": 0.524843, "alpha": 6.183082, "a": 0.891360, "b": 1.614003}, -9582.136, 2357},
		{"gammagamma", map[string]float64{"p": 6.249349, "q": 3.744256, "v": 15.44431}, -4055.9177, 946},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			r := crm(t, "", "fit", "-model", tt.model, "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-period", "week", "-json")
			require.Equal(t, 0, r.code, r.stderr)
			assert.Contains(t, r.stderr, "1959 rows dated after -calibration-end 1997-09-30 left out")
			require.True(t, strings.HasSuffix(r.stdout, "}\n"))
			require.Equal(t, 1, strings.Count(r.stdout, "\n"), "one JSON object on one line")
			var f fitOutput
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &f))
			assert.Equal(t, tt.model, f.Model)
			assert.Equal(t, tt.n, f.Customers)
			assert.True(t, f.Converged)
			assert.Positive(t, f.Iterations)
			assert.Equal(t, "week", f.Period)
			assert.Equal(t, "1997-09-30", f.CalibrationEnd)
			require.Len(t, f.Params, len(tt.params))
			for name, want := range tt.params {
				relClose(t, want, f.Params[name], 2e-3, name)
				assert.Positive(t, f.StdErrors[name], name)
			}
			assert.InDelta(t, tt.loglik, f.LogLik, 0.01)
			if tt.model == "gammagamma" {
				require.NotNil(t, f.Excluded)
				assert.Equal(t, 2357-946, *f.Excluded)
			}
		})
	}
}

func TestFitKeepsParameterOrder(t *testing.T) {
	t.Parallel()
	r := crm(t, "", "fit", "-model", "paretonbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^\{"model":"paretonbd","params":\{"r":[^,]+,"alpha":[^,]+,"s":[^,]+,"beta":[^,]+\},"loglik":[^,]+,"customers":2357,"converged":true,"iterations":\d+,"std_errors":\{"r":`, r.stdout)
}

func TestFitText(t *testing.T) {
	t.Parallel()
	r := crm(t, "", "fit", "-model", "bgnbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "model        bgnbd (time in weeks, calibration to 1997-09-30)")
	assert.Contains(t, r.stdout, "r            0.242595 ± 0.0126")
	assert.Contains(t, r.stdout, "loglik       -9582.4292")
}

func readCSVFile(t *testing.T, data string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	require.NoError(t, err)
	return recs
}

func parseF(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, s)
	return v
}

// TestScoreMatchesTheReference scores the CDNOW sample with BG/NBD and a
// 39-week horizon and compares every customer's P(alive) and expected
// holdout purchases with lifetimes 0.11.3 (reference_bgnbd_sample.csv).
func TestScoreMatchesTheReference(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "scores.csv")
	r := crm(t, "", "score", "-model", "bgnbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-period", "week", "-horizon", "39", "-out", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	got := readCSVFile(t, string(data))
	refData, err := os.ReadFile(cdnowDir + "reference_bgnbd_sample.csv")
	require.NoError(t, err)
	ref := readCSVFile(t, string(refData))
	require.Equal(t, []string{"customer_id", "frequency", "recency", "T", "p_alive", "expected_purchases"}, got[0])
	require.Len(t, got, len(ref))
	maxP, maxE := 0.0, 0.0
	for i := 1; i < len(ref); i++ {
		g, w := got[i], ref[i]
		require.Equal(t, w[0], g[0])
		assert.Equal(t, parseF(t, w[1]), parseF(t, g[1]))
		assert.InDelta(t, parseF(t, w[2]), parseF(t, g[2]), 1e-12)
		assert.InDelta(t, parseF(t, w[3]), parseF(t, g[3]), 1e-12)
		maxP = max(maxP, abs(parseF(t, w[4])-parseF(t, g[4])))
		maxE = max(maxE, abs(parseF(t, w[5])-parseF(t, g[5])))
	}
	assert.Less(t, maxP, 1e-4, "max |Δ p_alive|")
	assert.Less(t, maxE, 1e-4, "max |Δ expected_purchases|")
	// Numbers are written in their shortest round-trip form.
	assert.Equal(t, "30.428571428571427", got[1][2])
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestScoreCLV checks the clv column against Hardie's mean repeat spend
// (cdnow_customers_summary_with_transactions.csv): with a zero discount
// rate, CLV = E[Z | x, z̄] × expected purchases, E[Z | x, z̄] = p(v + x z̄) /
// (p x + q − 1) for x > 0 and p v / (q − 1) for x = 0 (Fader & Hardie,
// note 025), with p, q, v from crm fit -model gammagamma.
func TestScoreCLV(t *testing.T) {
	t.Parallel()
	r := crm(t, "", "fit", "-model", "gammagamma", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-json")
	require.Equal(t, 0, r.code, r.stderr)
	var gg fitOutput
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &gg))
	p, q, v := gg.Params["p"], gg.Params["q"], gg.Params["v"]

	r = crm(t, "", "score", "-model", "bgnbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-horizon", "39", "-spend", "gammagamma", "-discount-rate", "0")
	require.Equal(t, 0, r.code, r.stderr)
	got := readCSVFile(t, r.stdout)
	require.Equal(t, "clv", got[0][6])

	zdata, err := os.ReadFile(cdnowDir + "cdnow_customers_summary_with_transactions.csv")
	require.NoError(t, err)
	zs := readCSVFile(t, string(zdata))
	require.Len(t, got, len(zs))
	for i := 1; i < len(zs); i++ {
		require.Equal(t, zs[i][0], got[i][0])
		x, zbar := parseF(t, zs[i][1]), parseF(t, zs[i][4])
		want := p * v / (q - 1)
		if x > 0 {
			want = p * (v + x*zbar) / (p*x + q - 1)
		}
		want *= parseF(t, got[i][5])
		// zbar is given to 2 decimals in Hardie's file.
		assert.InDelta(t, want, parseF(t, got[i][6]), 1e-2*max(1, want), got[i][0])
	}

	// Discounting lowers every CLV.
	r2 := crm(t, "", "score", "-model", "bgnbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-horizon", "39", "-spend", "gammagamma", "-discount-rate", "0.2")
	require.Equal(t, 0, r2.code, r2.stderr)
	disc := readCSVFile(t, r2.stdout)
	for i := 1; i < len(disc); i++ {
		assert.Less(t, parseF(t, disc[i][6]), parseF(t, got[i][6]))
		assert.Positive(t, parseF(t, disc[i][6]))
	}
}

func TestScoreDaysAndOtherModels(t *testing.T) {
	t.Parallel()
	for _, m := range []string{"paretonbd", "mbgnbd"} {
		r := crm(t, "", "score", "-model", m, "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-period", "day", "-horizon", "273")
		require.Equal(t, 0, r.code, r.stderr)
		recs := readCSVFile(t, r.stdout)
		require.Len(t, recs, 2358)
		assert.Equal(t, "272", recs[1][3], "T of customer 1 in days")
		for _, rec := range recs[1:] {
			pa, e := parseF(t, rec[4]), parseF(t, rec[5])
			assert.True(t, pa >= 0 && pa <= 1)
			assert.GreaterOrEqual(t, e, 0.0)
		}
	}
}

// cdnowAsCSV returns the CDNOW sample in the csv format.
func cdnowAsCSV(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(cdnowSample)
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString("quantity,customer_id,amount,date\r\n")
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) == 5 {
			fmt.Fprintf(&b, "%s,%s,%s,%s-%s-%s\r\n", f[3], strings.TrimLeft(f[1], "0"), f[4], f[2][:4], f[2][4:6], f[2][6:])
		}
	}
	return b.String()
}

func TestScoreFirstPurchaseOnCalibrationEnd(t *testing.T) {
	t.Parallel()
	data := cdnowAsCSV(t) + "1,E,10,1997-09-30\r\n-1,F,-10,1997-09-30\r\n"
	r := crm(t, data, "score", "-model", "bgnbd", "-in", "-", "-calibration-end", "1997-09-30", "-period", "week", "-horizon", "39")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "1 customer whose first purchase is on 1997-09-30 (T = 0) left out of the fit")
	assert.Contains(t, r.stderr, "1 customer without a purchase on or before 1997-09-30 (only returns) left out")
	assert.Contains(t, r.stderr, "bgnbd loglik -9582.429")
	recs := readCSVFile(t, r.stdout)
	require.Len(t, recs, 2359)
	e := recs[2358]
	assert.Equal(t, []string{"E", "0", "0", "0", "1"}, e[:5])
	// A new customer's expected purchases in 39 weeks, E[X(39)], lie
	// between Hardie's E[X(32)] = 1.04374 and E[X(78)] = 1.85797.
	x := parseF(t, e[5])
	assert.Greater(t, x, 1.04374)
	assert.Less(t, x, 1.85797)

	// The same data through stdin in the csv format scores as the cdnow file.
	ref := crm(t, "", "score", "-model", "bgnbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-period", "week", "-horizon", "39")
	require.Equal(t, 0, ref.code)
	assert.Equal(t, ref.stdout, strings.Join(strings.SplitAfter(r.stdout, "\n")[:2358], ""))

	// With the CLV: the customers with T > 0 get theirs from the
	// discounted purchases computed for all at once, the new customer
	// from the population's; every other column is unchanged.
	v := crm(t, data, "score", "-model", "bgnbd", "-in", "-", "-calibration-end", "1997-09-30", "-period", "week", "-horizon", "39", "-spend", "gammagamma")
	require.Equal(t, 0, v.code, v.stderr)
	withCLV := readCSVFile(t, v.stdout)
	require.Len(t, withCLV, len(recs))
	for i := range recs {
		require.Equal(t, recs[i], withCLV[i][:len(recs[i])], "row %d", i)
	}
	assert.Positive(t, parseF(t, withCLV[2358][6]), "the new customer's CLV")
	for _, row := range withCLV[1:] {
		assert.GreaterOrEqual(t, parseF(t, row[6]), 0.0, "customer %s", row[0])
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	csvIn := filepath.Join(dir, "in.csv")
	require.NoError(t, os.WriteFile(csvIn, []byte("customer_id,date,amount\nC1,2024-01-01,1\n"), 0o644))
	// fitArgs are the flags of a fit, extra (pairs of a flag and its
	// value) in place of those of the same name: a flag given twice is
	// an error of its own.
	fitArgs := func(extra ...string) []string {
		a := []string{"fit", "-model", "bgnbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-out", out}
		for i := 0; i < len(extra); i += 2 {
			if j := slices.Index(a, extra[i]); j > 0 && i+1 < len(extra) {
				a[j+1] = extra[i+1]
				continue
			}
			a = append(a, extra[i:min(i+2, len(extra))]...)
		}
		return a
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", nil, "usage: crm SUBCOMMAND"},
		{"unknown subcommand", []string{"frobnicate"}, `unknown subcommand "frobnicate"`},
		{"unknown flag", fitArgs("-colour", "red"), "flag provided but not defined: -colour"},
		{"stray argument", fitArgs("extra"), `unexpected argument "extra"`},
		{"unknown format", fitArgs("-format", "xlsx"), `-format: unknown format "xlsx"`},
		{"unknown model", []string{"fit", "-model", "nbd", "-in", cdnowSample, "-calibration-end", "1997-09-30", "-out", out}, `-model: unknown model "nbd"`},
		{"missing model", []string{"fit", "-in", cdnowSample, "-calibration-end", "1997-09-30", "-out", out}, "-model is required"},
		{"fractional bgbb horizon", []string{"score", "-model", "bgbb", "-horizon", "2.5", "-in", cdnowSample, "-calibration-end", "1997-09-30", "-out", out}, "whole number of periods"},
		{"score gammagamma", []string{"score", "-model", "gammagamma", "-in", cdnowSample, "-calibration-end", "1997-09-30", "-out", out}, "is a spend model"},
		{"discount without a spend model", []string{"score", "-model", "bgnbd", "-discount-rate", "NaN", "-in", cdnowSample, "-calibration-end", "1997-09-30", "-out", out}, "needs -spend gammagamma"},
		{"unknown spend", []string{"score", "-model", "bgnbd", "-spend", "x", "-in", cdnowSample, "-calibration-end", "1997-09-30", "-out", out}, `-spend: unknown spend model "x"`},
		{"bad horizon", []string{"score", "-model", "bgnbd", "-horizon", "-3", "-in", cdnowSample, "-calibration-end", "1997-09-30", "-out", out}, "-horizon -3"},
		{"NaN horizon", []string{"score", "-model", "bgnbd", "-horizon", "NaN", "-in", cdnowSample, "-calibration-end", "1997-09-30", "-out", out}, "-horizon NaN"},
		{"fractional CLV horizon", []string{"score", "-model", "bgnbd", "-spend", "gammagamma", "-horizon", "2.5", "-in", cdnowSample, "-calibration-end", "1997-09-30", "-out", out}, "whole number of periods"},
		{"unknown period", fitArgs("-period", "month"), `-period: unknown period "month"`},
		{"missing -in", []string{"fit", "-model", "bgnbd", "-calibration-end", "1997-09-30", "-out", out}, "-in FILE is required"},
		{"missing -in file", fitArgs("-in", filepath.Join(dir, "nope.csv")), "no such file or directory"},
		{"-in a directory", fitArgs("-in", dir), "is a directory"},
		{"bad calibration-end", fitArgs("-calibration-end", "30/09/1997"), `-calibration-end: date "30/09/1997": want YYYY-MM-DD`},
		{"missing calibration-end", []string{"fit", "-model", "bgnbd", "-in", cdnowSample, "-out", out}, "-calibration-end YYYY-MM-DD is required"},
		{"bad currency", fitArgs("-currency", "EURO"), "-currency"},
		{"bad margin", fitArgs("-margin", "1.5"), `-margin "1.5"`},
		{"zero margin", fitArgs("-margin", "0"), `-margin "0"`},
		{"bad kind", fitArgs("-kind", "robot"), `-kind "robot": want consumer or intermediary`},
		{"kind in Chinese", fitArgs("-kind", "零售"), `-kind "零售": want consumer or intermediary (or dealer, franchisee, wholesaler, agent); "零售" is retail: write consumer`},
		{"dealer kind in Chinese", fitArgs("-kind", "经销商"), `"经销商" is a dealer: write intermediary (or dealer)`},
		{"segment bad as-of", []string{"segment", "-in", csvIn, "-as-of", "2024-02-30", "-out", out}, `-as-of: date "2024-02-30": want YYYY-MM-DD`},
		{"segment missing as-of", []string{"segment", "-in", csvIn, "-out", out}, "-as-of YYYY-MM-DD is required"},
		{"segment unknown format", []string{"segment", "-in", csvIn, "-format", "json", "-as-of", "2024-02-01", "-out", out}, `unknown format "json"`},
		{"segment missing file", []string{"segment", "-in", filepath.Join(dir, "nope.csv"), "-as-of", "2024-02-01", "-out", out}, "no such file"},
		{"generate negative", []string{"generate", "-customers", "-5", "-out", out}, "-customers -5"},
		{"generate bad window", []string{"generate", "-start", "2024-01-01", "-end", "2024-01-05", "-out", out}, "shorter than 28 days"},
		{"generate bad start", []string{"generate", "-start", "2024-1-1", "-out", out}, "-start"},
		{"-out is a directory", fitArgs("-out", dir), "is a directory"},
		{"-out in a missing directory", fitArgs("-out", filepath.Join(dir, "nodir", "x.csv")), "-out " + filepath.Join(dir, "nodir", "x.csv") + ": no directory"},
		{"-out is -in", []string{"segment", "-in", csvIn, "-as-of", "2024-02-01", "-out", csvIn}, "is the input file"},
		{"horizon beyond the range", []string{"score", "-model", "bgnbd", "-horizon", "1e6", "-in", cdnowSample, "-calibration-end", "1997-09-30", "-out", out}, "[0, 100000]"},
		{"batch negative horizon", []string{"batch", "-horizon", "-1", "-in", csvIn, "-as-of", "2024-02-01", "-out", out}, "-horizon -1"},
		{"batch fractional horizon", []string{"batch", "-horizon", "2.5", "-in", csvIn, "-as-of", "2024-02-01", "-out", out}, "whole number of periods"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := crm(t, "", tt.args...)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
			assert.NoFileExists(t, out)
			assertNoTempFiles(t, dir)
		})
	}
	in, err := os.ReadFile(csvIn)
	require.NoError(t, err)
	assert.Equal(t, "customer_id,date,amount\nC1,2024-01-01,1\n", string(in), "the input is intact")
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".tmp"), "temporary file %s left behind", e.Name())
	}
}

func TestHelp(t *testing.T) {
	for _, sub := range []string{"fit", "score", "segment", "batch", "report", "generate"} {
		r := crm(t, "", sub, "-h")
		assert.Equal(t, 0, r.code)
		assert.Equal(t, 1, strings.Count(r.stderr, "usage: crm "+sub), "the usage once:\n%s", r.stderr)
		assert.Contains(t, r.stderr, "-out")
		assert.Empty(t, r.stdout)
		// crm help SUBCOMMAND says the same
		h := crm(t, "", "help", sub)
		assert.Equal(t, r, h, "crm help %s", sub)
	}
	r := crm(t, "", "-h")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "segment")
	assert.Equal(t, r, crm(t, "", "help"))
	r = crm(t, "", "help", "nosuch")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown subcommand "nosuch"`)
}

// A bad flag gets one line that says what is wrong and one that says how
// to get the usage, for every subcommand alike; not the whole usage.
func TestBadFlagIsTwoLines(t *testing.T) {
	for _, args := range [][]string{
		{"generate", "-customers", "abc"},
		{"segment", "-horizon", "3"},
		{"fit", "-in"},
		{"batch", "-skip-invalid=maybe"},
	} {
		r := crm(t, "", args...)
		assert.Equal(t, exitUsage, r.code, "%v", args)
		assert.NotContains(t, r.stderr, "usage:", "%v", args)
		assert.Equal(t, "run 'crm "+args[0]+" -h' for usage", strings.Split(strings.TrimSpace(r.stderr), "\n")[1], "%v: %s", args, r.stderr)
	}
}

func TestDataErrorsLeaveNoOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	in := filepath.Join(dir, "orders.csv")
	bad := "customer_id,date,amount\nC1,2024-01-01,1\nC1,2024-02-01,2\nC2,2024-01-03,3\nC2,2024-01-04,12x\n"
	require.NoError(t, os.WriteFile(in, []byte(bad), 0o644))
	args := []string{"fit", "-model", "bgnbd", "-in", in, "-calibration-end", "2024-06-30", "-period", "day", "-json", "-out", out}
	r := crm(t, "", args...)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, in+`:5: amount "12x": not a decimal number`)
	assert.NoFileExists(t, out)
	assertNoTempFiles(t, dir)

	// An existing output file is left as it was.
	require.NoError(t, os.WriteFile(out, []byte("old"), 0o644))
	r = crm(t, "", args...)
	assert.Equal(t, exitError, r.code)
	old, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "old", string(old))
	require.NoError(t, os.Remove(out))

	for name, data := range map[string]string{
		"empty":       "",
		"header only": "customer_id,date,amount\n",
		"no amount":   "customer_id,date\nC1,2024-01-01\n",
	} {
		require.NoError(t, os.WriteFile(in, []byte(data), 0o644))
		r = crm(t, "", args...)
		assert.Equal(t, exitError, r.code, name)
		assert.Contains(t, r.stderr, in, name)
		assert.NoFileExists(t, out)
	}
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date\nC1,2024-01-01\n"), 0o644))
	r = crm(t, "", args...)
	assert.Contains(t, r.stderr, `missing required column "amount"`)
}

func TestFitNeedsRepeatBuyers(t *testing.T) {
	t.Parallel()
	data := "customer_id,date,amount\nC1,2024-01-01,1\nC2,2024-01-03,3\n"
	r := crm(t, data, "fit", "-model", "bgnbd", "-in", "-", "-calibration-end", "2024-06-30", "-json")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "insufficient data")
	assert.Empty(t, r.stdout)

	r = crm(t, data, "fit", "-model", "bgnbd", "-in", "-", "-calibration-end", "2023-06-30", "-json")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "2 rows dated after -calibration-end 2023-06-30 left out")
	assert.Contains(t, r.stderr, "no customer has a valid row dated on or before -calibration-end 2023-06-30")
}

func TestSkipInvalid(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(cdnowSample)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	for i := 0; i < 12; i++ {
		lines[100+i*10] = "00000 9999 19971301 1 1.00\r\n"
	}
	lines[50] = "00000 9998 19970101 1 NaN\r\n"
	in := filepath.Join(t.TempDir(), "bad.txt")
	require.NoError(t, os.WriteFile(in, []byte(strings.Join(lines, "")), 0o644))
	args := []string{"fit", "-model", "bgnbd", "-in", in, "-format", "cdnow", "-calibration-end", "1997-09-30", "-json"}
	r := crm(t, "", args...)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, in+`:51: amount "NaN": not a decimal number`)

	r = crm(t, "", append(args, "-skip-invalid")...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "skipped 13 malformed rows (-skip-invalid); the first 10:")
	assert.Regexp(t, `: \d+ rows \(13 skipped as malformed\), \d+ customers`, r.stderr)
	assert.Contains(t, r.stderr, in+`:101: date "19971301": want YYYYMMDD`)
	assert.Equal(t, 10, strings.Count(r.stderr, "\n  "))
	var f fitOutput
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &f))
	assert.Equal(t, 2357-countGone(lines), f.Customers)
}

// countGone returns how many of the sample's 2,357 customers have no valid
// calibration row left once the malformed lines replaced theirs.
func countGone(lines []string) int {
	seen := map[string]bool{}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) == 5 && f[0] != "00000" && f[2] <= "19970930" {
			seen[f[1]] = true
		}
	}
	return 2357 - len(seen)
}

func TestDeterministicOutput(t *testing.T) {
	t.Parallel()
	args := []string{"score", "-model", "paretonbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-spend", "gammagamma", "-horizon", "10"}
	a, b := crm(t, "", args...), crm(t, "", args...)
	require.Equal(t, 0, a.code, a.stderr)
	assert.Equal(t, a.stdout, b.stdout)
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.csv")
	r := crm(t, "", "generate", "-customers", "300", "-seed", "7", "-out", a)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `^crm: wrote \d+ rows of \d+ customers to `+regexp.QuoteMeta(a)+`; \d+ of the 300 customers generated have no row`, r.stderr)
	require.Equal(t, 0, crm(t, "", "generate", "-customers", "300", "-seed", "7", "-out", b).code)
	require.Equal(t, 0, crm(t, "", "generate", "-customers", "300", "-seed", "8", "-out", c).code)
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	dc, _ := os.ReadFile(c)
	assert.Equal(t, da, db, "same seed, same bytes")
	assert.NotEqual(t, da, dc)
	assert.True(t, strings.HasPrefix(string(da), "customer_id,date,order_id,"))
	assertNoTempFiles(t, dir)

	// The generated file reads back and fits.
	r = crm(t, "", "fit", "-model", "bgnbd", "-in", a, "-calibration-end", "2025-06-30", "-period", "week", "-json")
	require.Equal(t, 0, r.code, r.stderr)
	var f fitOutput
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &f))
	assert.True(t, f.Converged)
	assert.Greater(t, f.Customers, 200)
}

func TestProgressLine(t *testing.T) {
	assert.Equal(t, "orders.csv: 1.5M rows, 25% of 4.0GB, 750.0k rows/s   ", progressLine("orders.csv", 1_500_000, 1e9, 4e9, 2e9))
	assert.Equal(t, "stdin: 12 rows   ", progressLine("stdin", 12, 100, -1, 0))
	assert.False(t, isTerminal(&bytes.Buffer{}))
}

// On a log, progress is a line of its own every logEvery, the first once
// the read has taken that long; on a terminal, a line rewritten in place
// and cleared at the end.
func TestProgressReports(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := start
	now := func() time.Time { return clock }
	var log bytes.Buffer
	p := newProgressAt(&log, "orders.csv", 4e9, true, now)
	for _, step := range []struct {
		at         time.Duration
		rows, read int64
		want       string
	}{
		{0, 0, 0, ""},
		{time.Second, 1e6, 1e8, ""},
		{logEvery - time.Millisecond, 5e6, 5e8, ""},
		{logEvery, 8e6, 1e9, "crm: orders.csv: 8.0M rows, 25% of 4.0GB, 800.0k rows/s\n"},
		{logEvery + 5*time.Second, 9e6, 2e9, ""},
		{2 * logEvery, 16e6, 2e9, "crm: orders.csv: 16.0M rows, 50% of 4.0GB, 800.0k rows/s\n"},
	} {
		clock = start.Add(step.at)
		log.Reset()
		p.update(step.rows, step.read)
		assert.Equal(t, step.want, log.String(), "at %v", step.at)
	}
	log.Reset()
	p.done()
	assert.Empty(t, log.String(), "a log keeps its lines")

	clock = start
	var term bytes.Buffer
	p = newProgressAt(&term, "orders.csv", 4e9, false, now)
	clock = start.Add(100 * time.Millisecond)
	p.update(1e5, 1e7)
	assert.Empty(t, term.String(), "a terminal line is rewritten at most four times a second")
	clock = start.Add(300 * time.Millisecond)
	p.update(1e5, 1e7)
	assert.Equal(t, "\rcrm: orders.csv: 100.0k rows, 0% of 4.0GB, 333.3k rows/s   ", term.String(), "prefixed as every other line of stderr")
	term.Reset()
	p.done()
	assert.Equal(t, "\r\033[K", term.String(), "cleared at the end")
}

// TestBinary builds the command and runs it as a process.
func TestBinary(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "crm")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	cmd := exec.Command(bin, "fit", "-model", "bgnbd", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-period", "week", "-json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	var f fitOutput
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &f))
	relClose(t, 0.2425945, f.Params["r"], 1e-4, "r")
	assert.Contains(t, stderr.String(), "6919 rows, 2357 customers")

	// Two exports with headers put one after the other: the second
	// header is passed over, counted, and the run succeeds.
	cat := filepath.Join(dir, "q1.csv")
	require.NoError(t, os.WriteFile(cat, []byte("customer_id,date,amount\nA,2025-01-02,10\ncustomer_id,date,amount\nB,2025-02-03,5\n"), 0o644))
	cmd = exec.Command(bin, "segment", "-in", cat, "-format", "csv", "-as-of", "2025-12-31")
	stdout.Reset()
	stderr.Reset()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "exit status 0: %s", stderr.String())
	assert.Equal(t, "crm: "+cat+": 2 rows, 2 customers; 1 repeated header row passed over\n", stderr.String())
	assert.Contains(t, stdout.String(), "\nA,")
	assert.Contains(t, stdout.String(), "\nB,")

	out := filepath.Join(dir, "x.csv")
	cmd = exec.Command(bin, "score", "-model", "bgnbd", "-in", cdnowSample, "-format", "tsv", "-calibration-end", "1997-09-30", "-out", out)
	stderr.Reset()
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, exitUsage, ee.ExitCode())
	assert.Contains(t, stderr.String(), `unknown format "tsv"`)
	assert.NoFileExists(t, out)

	// Interrupted while it reads (stdin stays open), the command leaves
	// neither its output nor the temporary file behind.
	if runtime.GOOS == "windows" {
		return
	}
	outDir := t.TempDir()
	cmd = exec.Command(bin, "segment", "-in", "-", "-as-of", "2025-12-31", "-out", filepath.Join(outDir, "y.csv"))
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	_, err = io.WriteString(stdin, "customer_id,date,amount\nC1,2025-01-01,10\n")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		names, _ := os.ReadDir(outDir)
		return len(names) == 1 && strings.HasSuffix(names[0].Name(), ".tmp")
	}, 10*time.Second, 10*time.Millisecond, "the temporary output appears")
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err = cmd.Wait()
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 130, ee.ExitCode())
	names, err := os.ReadDir(outDir)
	require.NoError(t, err)
	assert.Empty(t, names, "nothing left in the output directory")
	stdin.Close()
}

// TestCROnlyLineEnds checks that a file whose lines end with a carriage
// return alone (the "CSV (Macintosh)" of old spreadsheets), which reads
// as one long line, is rejected with an error that says so, not with one
// about its columns or its lack of rows.
func TestCROnlyLineEnds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, c := range map[string]struct{ format, data string }{
		"csv":          {"csv", "customer_id,date,amount\rC1,2024-01-01,1\rC1,2024-02-01,2\r"},
		"csv, 4 names": {"csv", "customer_id,date,amount,x\rC1,2024-01-01,1,a\r"},
		"cdnow":        {"cdnow", "0001 19970101 2 29.33\r0002 19970102 1 9.99\r"},
	} {
		in := filepath.Join(dir, "orders.txt")
		out := filepath.Join(dir, "out.csv")
		require.NoError(t, os.WriteFile(in, []byte(c.data), 0o644))
		r := crm(t, "", "segment", "-in", in, "-format", c.format, "-as-of", "2024-12-31", "-out", out)
		assert.Equal(t, exitError, r.code, name)
		assert.Contains(t, r.stderr, in+":1: ", name)
		assert.Contains(t, r.stderr, "seem to end with CR alone", name)
		assert.NoFileExists(t, out, name)
	}
	// CRLF and a carriage return at the end of the input are line ends.
	in := filepath.Join(dir, "crlf.csv")
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\r\nC1,2024-01-01,1\r"), 0o644))
	r := crm(t, "", "segment", "-in", in, "-as-of", "2024-12-31")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "\nC1,consumer,")
}

// TestEncodedOrCompressedInput checks that an export that is no text in
// UTF-8 (compressed, a spreadsheet workbook, an archive, a Parquet file,
// UTF-16 as spreadsheets write their "Unicode text") is rejected with an error that says what
// the file is and what to do, not with one about a stray quote or the
// columns of a header that is no text.
func TestEncodedOrCompressedInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const text = "customer_id,date,amount\nC1,2024-01-01,1\nC1,2024-02-01,2\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write([]byte(text))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	var zb bytes.Buffer
	xw := zip.NewWriter(&zb)
	f, err := xw.Create("xl/workbook.xml")
	require.NoError(t, err)
	_, err = f.Write([]byte("<workbook/>"))
	require.NoError(t, err)
	require.NoError(t, xw.Close())
	utf16 := func(s string, be bool) []byte {
		b := []byte{0xff, 0xfe}
		if be {
			b = []byte{0xfe, 0xff}
		}
		for _, c := range s {
			if be {
				b = append(b, 0, byte(c))
			} else {
				b = append(b, byte(c), 0)
			}
		}
		return b
	}
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"gzip": {gz.Bytes(), "gzip-compressed"},
		"xlsx": {zb.Bytes(), "a zip archive"},
		// The first bytes of files that bzip2, xz, zstd and lz4 wrote of
		// text, of an .xls workbook, a 7-Zip archive and a Parquet file.
		"bzip2":      {[]byte("BZh91AY&SY\x14\x52\x88\xf0\x00\x00"), "bzip2-compressed, not text: decompress it first (bunzip2 FILE"},
		"xz":         {[]byte("\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46\x02\x00\x21\x01"), "xz-compressed, not text: decompress it first (unxz FILE"},
		"zstd":       {[]byte("\x28\xb5\x2f\xfd\x24\x70\x6d\x02\x00\x02\x44\x0e"), "zstd-compressed, not text: decompress it first (unzstd FILE"},
		"lz4":        {[]byte("\x04\x22\x4d\x18\x64\x40\xa7\x51\x00\x00\x00\xf7"), "lz4-compressed, not text: decompress it first (unlz4 FILE"},
		"xls":        {[]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00"), "an Excel 97-2003 workbook (.xls)"},
		"7z":         {[]byte("7z\xbc\xaf\x27\x1c\x00\x04\x8d\x9b\xd5\x0f"), "a 7-Zip archive"},
		"parquet":    {[]byte("PAR1\x15\x04\x15\x10\x15\x14\x4c\x15"), "a Parquet file"},
		"utf-16le":   {utf16(text, false), "UTF-16"},
		"utf-16be":   {utf16(text, true), "UTF-16"},
		"utf-16 tab": {utf16(strings.ReplaceAll(text, ",", "\t"), false), "UTF-16"},
		// UTF-16 without its byte order mark, and binary junk.
		"utf-16le, no mark": {utf16(text, false)[2:], "UTF-16LE text without a byte order mark (every other byte is 0), not UTF-8: save it as CSV UTF-8, or convert it (iconv -f UTF-16LE -t UTF-8)"},
		"utf-16be, no mark": {utf16(text, true)[2:], "UTF-16BE text without a byte order mark"},
		"nul":               {[]byte("\x00\x00\x00\x01" + text), "the file holds NUL bytes at its start: it is no text"},
	} {
		in := filepath.Join(dir, "orders.csv")
		require.NoError(t, os.WriteFile(in, c.data, 0o644))
		for _, format := range []string{"csv", "cdnow"} {
			for _, args := range [][]string{
				{"segment", "-as-of", "2024-12-31"},
				{"report", "-as-of", "2024-12-31"},
				{"fit", "-model", "bgnbd", "-calibration-end", "2024-12-31"},
			} {
				out := filepath.Join(dir, "out")
				args = append(args, "-in", in, "-format", format, "-out", out)
				r := crm(t, "", args...)
				assert.Equal(t, exitError, r.code, "%s %s %v", name, format, args)
				assert.Contains(t, r.stderr, in+": ", "%s %s %v", name, format, args)
				assert.Contains(t, r.stderr, c.want, "%s %s %v", name, format, args)
				assert.NoFileExists(t, out)
			}
		}
	}
}

// Model, spend model, period and format names are taken in any case, as
// a person types them: the output is the lower-case run's.
func TestFlagNamesInAnyCase(t *testing.T) {
	for _, tc := range []struct{ lower, other []string }{
		{[]string{"fit", "-model", "bgnbd", "-format", "cdnow", "-period", "week"},
			[]string{"fit", "-model", "BGNBD", "-format", "CDNOW", "-period", "Week"}},
		{[]string{"score", "-model", "paretonbd", "-spend", "gammagamma", "-period", "day", "-horizon", "30"},
			[]string{"score", "-model", "ParetoNBD", "-spend", "GammaGamma", "-period", "DAY", "-horizon", "30"}},
	} {
		common := []string{"-in", cdnowSample, "-calibration-end", "1997-09-30"}
		if tc.lower[0] == "score" {
			common = append(common, "-format", "cdnow")
		} else {
			common = append(common, "-json")
		}
		want := crm(t, "", append(tc.lower, common...)...)
		got := crm(t, "", append(tc.other, common...)...)
		if want.code != 0 || got.code != 0 {
			t.Fatalf("%v: exit %d (%s); %v: exit %d (%s)", tc.lower, want.code, want.stderr, tc.other, got.code, got.stderr)
		}
		if got.stdout != want.stdout {
			t.Errorf("%v wrote other output than %v", tc.other, tc.lower)
		}
	}
}
