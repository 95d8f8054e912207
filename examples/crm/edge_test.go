package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
)

// On a shop of a handful of customers the BG/NBD likelihood is highest
// where nobody drops out (a → 0, b → ∞). crm score and crm batch keep the
// best finite point, as they keep Gamma-Gamma's, and say so.
func TestFitAtTheEdgeIsKeptForScores(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "shop.csv")
	require.Equal(t, 0, crm(t, "", "generate", "-customers", "20", "-seed", "3", "-out", in).code)
	const note = "(likelihood highest at the edge of the parameter space, a → 0, b → ∞: the best finite point is used; nobody seems to leave: P(alive) is near 1 for every customer)"

	for _, args := range [][]string{
		{"score", "-model", "bgnbd", "-calibration-end", "2025-06-30", "-spend", "gammagamma"},
		{"batch", "-as-of", "2025-06-30"},
	} {
		out := filepath.Join(dir, args[0]+".csv")
		r := crm(t, "", append(args, "-in", in, "-out", out)...)
		require.Equal(t, 0, r.code, "%s: %s", args[0], r.stderr)
		assert.Contains(t, r.stderr, "bgnbd loglik -221.23", args[0])
		assert.Contains(t, r.stderr, note, args[0])
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		require.Len(t, lines, 15, "%s: a header and the 14 customers", args[0])
		col := strings.Split(lines[0], ",")
		pAlive := -1
		for i, c := range col {
			if c == "p_alive" {
				pAlive = i
			}
		}
		require.GreaterOrEqual(t, pAlive, 0)
		for _, l := range lines[1:] {
			f := strings.Split(l, ",")
			assert.NotEmpty(t, f[pAlive], "%s: %s", args[0], l)
		}
	}
}

// crm fit prints a usable fit at the edge as it prints any fit, and exits
// 0: in JSON with "boundary" (each parameter at the edge and the end it
// runs to, "0" or "inf") and "meaning" after the fields of every fit, in
// text with two lines more; the note goes to stderr as in crm score.
// converged is what the optimiser reported, not forced.
func TestFitAtTheEdgePrintsTheFit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "shop.csv")
	require.Equal(t, 0, crm(t, "", "generate", "-customers", "20", "-seed", "3", "-out", in).code)
	const note = "(likelihood highest at the edge of the parameter space, a → 0, b → ∞: the best finite point is used; nobody seems to leave: P(alive) is near 1 for every customer)"

	r := crm(t, "", "fit", "-model", "bgnbd", "-in", in, "-calibration-end", "2025-06-30", "-json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "crm: bgnbd loglik -221.23")
	assert.Contains(t, r.stderr, note)
	assert.Regexp(t, `^\{"model":"bgnbd","params":\{"r":[^,]+,"alpha":[^,]+,"a":[^,]+,"b":[^,]+\},"loglik":[^,]+,"customers":14,"converged":(true|false),"iterations":\d+,"std_errors":\{.*\},"period":"week","calibration_end":"2025-06-30","groups":\d+,"gradient_norm":[^,]+,"boundary":\{"a":"0","b":"inf"\},"meaning":"nobody seems to leave: P\(alive\) is near 1 for every customer"\}\n$`, r.stdout)
	var got struct {
		fitOutput
		Boundary map[string]string `json:"boundary"`
		Meaning  string            `json:"meaning"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got), r.stdout)
	assert.Equal(t, map[string]string{"a": "0", "b": "inf"}, got.Boundary)
	assert.Greater(t, got.Params["b"], 1e3)
	assert.Greater(t, got.LogLik, -221.24)
	assert.Less(t, got.LogLik, -221.22)

	// converged is the optimiser's own word, as the fit info gives it.
	pop, fit := edgeFit(t, in)
	assert.Equal(t, fmt.Sprintf(`"converged":%t`, fit.info.Converged), regexp.MustCompile(`"converged":(true|false)`).FindString(r.stdout))
	assert.Equal(t, 14, int(fit.info.Customers), "%d customers", len(pop.obs))

	r = crm(t, "", "fit", "-model", "bgnbd", "-in", in, "-calibration-end", "2025-06-30")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "model        bgnbd (time in weeks, calibration to 2025-06-30)")
	assert.Contains(t, r.stdout, "\nboundary     a → 0, b → ∞: the best finite point of the likelihood, which is highest at the edge of the parameter space\n")
	assert.Contains(t, r.stdout, "\nmeaning      nobody seems to leave: P(alive) is near 1 for every customer\n")
	assert.Contains(t, r.stderr, note)
}

// edgeFit fits BG/NBD to the export at path as crm fit does, keeping a
// fit at the edge.
func edgeFit(t *testing.T, path string) (*population, fitted) {
	t.Helper()
	f := modelFlags{model: modelBGNBD}
	f.in, f.format, f.currency, f.kind, f.margin = path, "csv", "USD", "consumer", "0.55"
	calEnd, err := parseDay("calibration-end", "2025-06-30")
	require.NoError(t, err)
	e := &env{stdout: io.Discard, stderr: io.Discard}
	out, pop, fit, note, err := f.readAndFit(e, calEnd, customer.Weeks, true, false)
	require.NoError(t, err)
	out.abort()
	require.NotEmpty(t, note)
	return pop, fit
}

// A fit at the edge whose point is not usable (a parameter not finite or
// not positive), or any other fit error, stays an error: keepEdge passes
// it on.
func TestKeepEdgeKeepsOnlyAUsablePoint(t *testing.T) {
	bad := &churn.BoundaryError{Model: "bgnbd", Names: []string{"a"}, Limits: []float64{0}, LogLikelihood: -10,
		Params: []churn.Param{{Name: "r", Value: 1}, {Name: "alpha", Value: 1}, {Name: "a", Value: 0}, {Name: "b", Value: 1}}}
	_, note, err := keepEdge(fitted{name: "bgnbd"}, bad)
	assert.ErrorIs(t, err, churn.ErrBoundary)
	assert.Empty(t, note)
	_, _, err = keepEdge(fitted{name: "bgnbd"}, churn.ErrNoConvergence)
	assert.ErrorIs(t, err, churn.ErrNoConvergence)
	good := &churn.BoundaryError{Model: "bgnbd", Names: []string{"a"}, Limits: []float64{0}, LogLikelihood: -10,
		Params: []churn.Param{{Name: "r", Value: 1}, {Name: "alpha", Value: 1}, {Name: "a", Value: 1e-9}, {Name: "b", Value: 1}}}
	f, note, err := keepEdge(fitted{name: "bgnbd"}, good)
	require.NoError(t, err)
	assert.NotEmpty(t, note)
	assert.Same(t, good, f.edge)
}

// The JSON of a fit holds no number that JSON cannot: a standard error
// or gradient norm that is not finite is written as null, and standard
// errors that are not all finite are left out as when the information
// matrix is not positive definite.
func TestFitJSONHasNoInfOrNaN(t *testing.T) {
	f := fitted{name: "bgnbd", params: []churn.Param{{Name: "r", Value: 1, StdErr: math.NaN()}, {Name: "a", Value: 2, StdErr: 1}},
		info: churn.FitInfo{LogLikelihood: -3, Customers: 2, Groups: 2, StdErrOK: true, GradientNorm: math.Inf(1)}}
	s := fitJSON(f, customer.Days, 0)
	assert.NotContains(t, s, "NaN")
	assert.NotContains(t, s, "Inf")
	assert.Contains(t, s, `"std_errors":{}`)
	assert.Contains(t, s, `"gradient_norm":null`)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &v), s)
}

// The note of a fit kept at the edge names each parameter with the end
// the fit reports (Limits: v → 0 here although its value in the currency
// unit is large) and what the fit says the limit means; a fit that says
// nothing gets the ends alone.
func TestEdgeNoteSaysWhatTheFitReports(t *testing.T) {
	be := &churn.BoundaryError{Model: "gammagamma", Names: []string{"p", "v"}, Limits: []float64{math.Inf(1), 0},
		Meaning: "spend does not vary between a customer's transactions",
		Params:  []churn.Param{{Name: "p", Value: 1e7}, {Name: "q", Value: 2}, {Name: "v", Value: 40}}}
	assert.Equal(t, " (likelihood highest at the edge of the parameter space, p → ∞, v → 0: the best finite point is used;"+
		" spend does not vary between a customer's transactions)", edgeNote(be))
	be = &churn.BoundaryError{Model: "paretonbd", Names: []string{"s", "beta"}, Limits: []float64{math.Inf(1), math.Inf(1)}}
	assert.Equal(t, " (likelihood highest at the edge of the parameter space, s → ∞, beta → ∞: the best finite point is used)", edgeNote(be))
}

// A shop where every customer buys every few weeks up to the as-of day
// and nobody leaves: the BG/NBD fit ends at its edge, and batch says what
// that makes of P(alive), in the fit's own words.
func TestEdgeNoteOfAShopWhereNobodyLeaves(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	start := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	asOf := time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		// Every 1 to 5 weeks, from a day in January up to the as-of day.
		gap := 7 * (1 + i%5)
		for d := start.AddDate(0, 0, i%11); !d.After(asOf); d = d.AddDate(0, 0, gap) {
			fmt.Fprintf(&b, "c%d,%s,%d.00\n", i, d.Format(time.DateOnly), 20+i%5)
		}
	}
	r := crm(t, b.String(), "batch", "-in", "-", "-as-of", asOf.Format(time.DateOnly))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `bgnbd .*edge of the parameter space, .*a → 0.*nobody seems to leave: P\(alive\) is near 1 for every customer`, r.stderr)
}

// Customer IDs written as floats ("12346.0", from a column of numeric IDs
// with blanks) are taken as written, and stderr says how many there are,
// in both readers' paths (segment reads the table, report the summaries).
func TestFloatLikeIDsAreReported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "ids.csv")
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\n12346.0,2024-01-01,10\n12347.00,2024-01-02,5\n12348,2024-01-03,7\n"), 0o644))
	const warning = `2 customer IDs look like whole numbers written as floats ("12346.0"): taken as written, not as 12346`
	for _, sub := range []string{"segment", "report"} {
		r := crm(t, "", sub, "-in", in, "-as-of", "2024-12-31", "-out", filepath.Join(dir, sub+".out"))
		require.Equal(t, 0, r.code, "%s: %s", sub, r.stderr)
		assert.Equal(t, 1, strings.Count(r.stderr, warning), "%s: once, though report reads the file twice: %s", sub, r.stderr)
	}
	for _, s := range []string{"12346.0", "0.0", "7.000"} {
		assert.True(t, floatLike(s), s)
	}
	for _, s := range []string{"12346", "12346.5", "1.", ".0", "A1.0", "1.0a", "1.05", ""} {
		assert.False(t, floatLike(s), s)
	}
	// One such ID: the verb agrees.
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\n12346.0,2024-01-01,10\n12348,2024-01-03,7\n"), 0o644))
	r := crm(t, "", "segment", "-in", in, "-as-of", "2024-12-31", "-out", filepath.Join(dir, "one.out"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, `1 customer ID looks like a whole number written as a float ("12346.0"): taken as written, not as 12346`)
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\nC1.0,2024-01-01,10\n12348,2024-01-03,7\n"), 0o644))
	r = crm(t, "", "segment", "-in", in, "-as-of", "2024-12-31", "-out", filepath.Join(dir, "plain.out"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "floats")
}

// Customer IDs in scientific notation ("1.23457E+11", what a spreadsheet
// writes of a long numeric ID, losing digits) are taken as written, and
// stderr says how many there are and that customers may have been
// merged, once, in both readers' paths.
func TestScientificIDsAreReported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "ids.csv")
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\n1.23457E+11,2024-01-01,10\n4.5e+15,2024-01-02,5\n12348,2024-01-03,7\n12346.0,2024-01-03,7\n"), 0o644))
	const warning = `2 customer IDs look like numbers in scientific notation ("1.23457E+11"), as a spreadsheet writes a long numeric ID, keeping only its first digits: customers whose IDs differ in the digits lost are one customer here; format the ID column as text before saving the export`
	for _, sub := range []string{"segment", "report", "batch"} {
		r := crm(t, "", sub, "-in", in, "-as-of", "2024-12-31", "-out", filepath.Join(dir, sub+".out"))
		require.Equal(t, 0, r.code, "%s: %s", sub, r.stderr)
		assert.Equal(t, 1, strings.Count(r.stderr, warning), "%s: once: %s", sub, r.stderr)
		assert.Contains(t, r.stderr, `1 customer ID looks like a whole number written as a float ("12346.0")`, sub)
	}
	r := crm(t, "", "fit", "-model", "bgnbd", "-in", in, "-calibration-end", "2024-12-31")
	assert.Contains(t, r.stderr, warning)
	for _, s := range []string{"1.23457E+11", "1E+15", "4.5e-07", "9.99999E+100"} {
		assert.True(t, sciLike(s), s)
	}
	for _, s := range []string{"1E5", "1.E+11", "E+11", "12E+11", "1.2E+", "1.2E+1", "1.2E+1a", "A1.2E+11", "1.2X+11", ""} {
		assert.False(t, sciLike(s), s)
	}
}

// Customer IDs that are the text of a missing value ("nan", what pandas
// writes of a blank cell of a column turned into text; "NULL", "#N/A",
// "NA", "<NA>", "None") are taken as written, as any non-empty ID, so
// every row without a customer is one customer, often the largest of the
// file: stderr says how many such IDs there are and the first in byte
// order, once, in both readers' paths and in fit.
func TestPlaceholderIDsAreReported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "ids.csv")
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\nnan,2024-01-01,10\nnan,2024-01-05,10\nNULL,2024-01-02,5\n12348,2024-01-03,7\n12349,2024-01-04,7\n"), 0o644))
	const warning = `2 customer IDs look like the text of a missing value ("NULL"), as pandas, R, a database or a spreadsheet writes an empty cell: each is one customer here, made of all the rows without a customer; empty those cells (such rows are then an error, or skipped with -skip-invalid) or drop the rows`
	for _, sub := range []string{"segment", "report", "batch"} {
		r := crm(t, "", sub, "-in", in, "-as-of", "2024-12-31", "-out", filepath.Join(dir, sub+".out"))
		require.Equal(t, 0, r.code, "%s: %s", sub, r.stderr)
		assert.Equal(t, 1, strings.Count(r.stderr, warning), "%s: once: %s", sub, r.stderr)
	}
	r := crm(t, "", "fit", "-model", "bgnbd", "-in", in, "-calibration-end", "2024-12-31")
	assert.Contains(t, r.stderr, warning)
	// One such ID: the verb agrees.
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\n#N/A,2024-01-01,10\n12348,2024-01-03,7\n"), 0o644))
	r = crm(t, "", "segment", "-in", in, "-as-of", "2024-12-31", "-out", filepath.Join(dir, "one.out"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, `1 customer ID looks like the text of a missing value ("#N/A")`)
	for _, s := range []string{"nan", "NaN", "NAN", "None", "none", "NULL", "null", "nil", "NA", "N/A", "n/a", "#N/A", "<NA>", "NaT", "undefined"} {
		assert.True(t, placeholderLike(s), s)
	}
	for _, s := range []string{"", "12346", "Nana", "nan1", "N/A2", "NAB", "Anna", "-", "0"} {
		assert.False(t, placeholderLike(s), s)
	}
	// Ordinary IDs: no warning.
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\nNana,2024-01-01,10\n12348,2024-01-03,7\n"), 0o644))
	r = crm(t, "", "segment", "-in", in, "-as-of", "2024-12-31", "-out", filepath.Join(dir, "plain.out"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "missing value")
}

// The text and JSON of a fit kept at an edge for which the model states
// no meaning and the error gives no Limits: every parameter named runs
// to ∞ ("inf" in JSON), "meaning" is "", and the text has no meaning
// line.
func TestFitOutputAtAnEdgeWithoutMeaning(t *testing.T) {
	f := fitted{name: modelParetoNBD,
		params: []churn.Param{{Name: "r", Value: 1}, {Name: "alpha", Value: 2}, {Name: "s", Value: 3e8}, {Name: "beta", Value: 4e9}},
		info:   churn.FitInfo{LogLikelihood: -3, Customers: 2, Groups: 2, GradientNorm: 1e-9, Iterations: 7},
		edge:   &churn.BoundaryError{Model: modelParetoNBD, Names: []string{"s", "beta"}}}
	cal, err := parseDay("calibration-end", "2024-12-31")
	require.NoError(t, err)
	assert.Equal(t, `{"model":"paretonbd","params":{"r":1,"alpha":2,"s":300000000,"beta":4000000000},"loglik":-3,"customers":2,`+
		`"converged":false,"iterations":7,"std_errors":{},"period":"day","calibration_end":"2024-12-31","groups":2,"gradient_norm":1e-09,`+
		`"boundary":{"s":"inf","beta":"inf"},"meaning":""}`+"\n", fitJSON(f, customer.Days, cal))
	text := fitText(f, customer.Days, cal)
	assert.Contains(t, text, "\nboundary     s → ∞, beta → ∞: the best finite point of the likelihood, which is highest at the edge of the parameter space\n")
	assert.NotContains(t, text, "meaning")
}

// A tiny shop where every customer buys every few weeks up to the
// calibration end and nobody leaves: every model's fit, in weeks and in
// days, ends at its edge and is printed with exit status 0 as one JSON
// object that both json.Unmarshal and a streaming reader take, with the
// fields of the contract first and in its order, then "boundary" naming
// parameters of the fit with "0" or "inf", and "meaning"; the text form
// says the same.
func TestFitAtTheEdgeForEveryModel(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for c := range 8 {
		for d := time.Date(2024, 1, 1+3*c, 0, 0, 0, 0, time.UTC); d.Year() == 2024; d = d.AddDate(0, 0, 20+c) {
			fmt.Fprintf(&b, "C%d,%s,%d.50\n", c, d.Format(time.DateOnly), 10+c)
		}
	}
	data := b.String()
	contract := []string{"model", "params", "loglik", "customers", "converged", "iterations", "std_errors"}
	for _, model := range []string{modelBGNBD, modelParetoNBD, modelMBGNBD, modelBGBB, modelGammaGamma} {
		for _, period := range []string{"week", "day"} {
			args := []string{"fit", "-model", model, "-in", "-", "-calibration-end", "2024-12-31", "-period", period}
			r := crm(t, data, append(args, "-json")...)
			require.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
			assert.Contains(t, r.stderr, "the best finite point is used", args)
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &m), "%v: %s", args, r.stdout)
			keys := topKeys(t, r.stdout)
			require.GreaterOrEqual(t, len(keys), len(contract)+2, args)
			assert.Equal(t, contract, keys[:len(contract)], args)
			assert.Equal(t, []string{"boundary", "meaning"}, keys[len(keys)-2:], args)
			params := m["params"].(map[string]any)
			for name, v := range params {
				x, ok := v.(float64)
				assert.True(t, ok && x > 0 && finite(x), "%v: %s = %v", args, name, v)
			}
			bd := m["boundary"].(map[string]any)
			assert.NotEmpty(t, bd, args)
			for name, end := range bd {
				assert.Contains(t, params, name, args)
				assert.Contains(t, []any{"0", "inf"}, end, args)
			}
			assert.IsType(t, true, m["converged"], args)
			assert.IsType(t, "", m["meaning"], args)

			r = crm(t, data, args...)
			require.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
			assert.Contains(t, r.stdout, "\nboundary     ", args)
		}
	}
}

// topKeys returns the keys of the JSON object s in the order written.
func topKeys(t *testing.T, s string) []string {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	tok, err := d.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	for d.More() {
		tok, err := d.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var v json.RawMessage
		require.NoError(t, d.Decode(&v))
	}
	return keys
}

// A fit at the edge of the parameter space shows no standard errors,
// also when the curvature at its best finite point happens to be
// positive definite: a point on a likelihood that rises toward the edge
// has no sampling distribution around it (a standard error of 3.5e10
// for a → ∞ said nothing). The text shows the values alone.
func TestFitAtAnEdgeShowsNoStandardErrors(t *testing.T) {
	f := fitted{name: modelBGNBD,
		params: []churn.Param{{Name: "r", Value: 0.001, StdErr: 0.0026}, {Name: "alpha", Value: 18.8, StdErr: 72.6},
			{Name: "a", Value: 31637, StdErr: 3.45e10}, {Name: "b", Value: 3.2e-5, StdErr: 34.6}},
		info: churn.FitInfo{LogLikelihood: -11.3, Customers: 1000, Groups: 85, GradientNorm: 4e-10, Iterations: 57, Converged: true, StdErrOK: true},
		edge: &churn.BoundaryError{Model: modelBGNBD, Names: []string{"a", "b"}, Limits: []float64{math.Inf(1), 0}}}
	cal, err := parseDay("calibration-end", "1997-09-30")
	require.NoError(t, err)
	assert.Contains(t, fitJSON(f, customer.Weeks, cal), `"std_errors":{},`)
	text := fitText(f, customer.Weeks, cal)
	assert.NotContains(t, text, "±")
	assert.Contains(t, text, "\na            31637\n")

	// The same fit inside the parameter space shows them.
	f.edge = nil
	assert.Contains(t, fitJSON(f, customer.Weeks, cal), `"std_errors":{"r":0.0026,"alpha":72.6,"a":34500000000,"b":34.6},`)
	assert.Contains(t, fitText(f, customer.Weeks, cal), "\na            31637 ± 3.45e+10\n")
}

// fit and score read no cost: -margin is accepted, as for every
// subcommand that reads an export, and its help says it changes nothing.
func TestMarginHelpOfFitAndScore(t *testing.T) {
	for _, sub := range []string{"fit", "score"} {
		r := crm(t, "", sub, "-h")
		assert.Contains(t, r.stderr, "it changes nothing here", sub)
	}
	r := crm(t, "", "segment", "-h")
	assert.NotContains(t, r.stderr, "it changes nothing here")
}
