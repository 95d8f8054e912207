package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	const note = "(likelihood highest at the edge of the parameter space, a, b: the best finite point is used)"

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
