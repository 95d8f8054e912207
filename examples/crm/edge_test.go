package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/churn"
)

// On a shop of a handful of customers the BG/NBD likelihood is highest
// where nobody drops out (a → 0, b → ∞). crm score and crm batch keep the
// best finite point, as they keep Gamma-Gamma's, and say so; crm fit,
// which reports the fit itself, gives the typed error with the point.
func TestFitAtTheEdgeIsKeptForScores(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "shop.csv")
	require.Equal(t, 0, crm(t, "", "generate", "-customers", "20", "-seed", "3", "-out", in).code)
	const note = "(likelihood highest at the edge of the parameter space, a → 0, b → ∞: the best finite point is used; nobody seems to leave: P(alive) is near 1 for every customer)"

	fit := crm(t, "", "fit", "-model", "bgnbd", "-in", in, "-calibration-end", "2025-06-30", "-json")
	require.Equal(t, 1, fit.code, "the shop must be one whose fit is at the edge: %s", fit.stderr)
	assert.Contains(t, fit.stderr, "likelihood maximised at the parameter boundary (a, b)")

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

// A fit at the edge where every purchase is the last (b → 0) says what
// that makes of P(alive); one where the dropout parameters run to ∞
// together (the same dropout for everybody) names the ends and no more.
func TestEdgeNoteSaysWhatTheEdgeMeans(t *testing.T) {
	be := &churn.BoundaryError{Model: "bgnbd", Names: []string{"a", "b"},
		Params: []churn.Param{{Name: "r", Value: 0.5}, {Name: "alpha", Value: 3}, {Name: "a", Value: 2e5}, {Name: "b", Value: 1e-6}}}
	assert.Equal(t, " (likelihood highest at the edge of the parameter space, a → ∞, b → 0: the best finite point is used;"+
		" every purchase seems to be the last: P(alive) is near 0 for every repeat buyer; the history is likely too short or too small for the model)",
		edgeNote(modelBGNBD, be))
	be.Params[2].Value, be.Params[3].Value = 3e5, 7e5
	assert.Equal(t, " (likelihood highest at the edge of the parameter space, a → ∞, b → ∞: the best finite point is used)", edgeNote(modelBGNBD, be))
	be = &churn.BoundaryError{Model: "bgbb", Names: []string{"gamma"},
		Params: []churn.Param{{Name: "alpha", Value: 1}, {Name: "beta", Value: 1}, {Name: "gamma", Value: 1e-7}, {Name: "delta", Value: 2}}}
	assert.Contains(t, edgeNote(modelBGBB, be), "gamma → 0: the best finite point is used; nobody seems to leave")
	be = &churn.BoundaryError{Model: "paretonbd", Names: []string{"s", "beta"},
		Params: []churn.Param{{Name: "r", Value: 1}, {Name: "alpha", Value: 1}, {Name: "s", Value: 1e6}, {Name: "beta", Value: 1e7}}}
	assert.NotContains(t, edgeNote(modelParetoNBD, be), "seems", "s and beta together: the same dropout rate for everybody")
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
