package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFitBGBB fits BG/BB on the CDNOW sample in whole days, where the
// triples are those of bgnbd, and in whole weeks, where a week holds at
// most one transaction; the daily fit's holdout prediction agrees with
// BG/NBD's to 1%.
func TestFitBGBB(t *testing.T) {
	t.Parallel()
	for _, period := range []string{"day", "week"} {
		r := crm(t, "", "fit", "-model", "bgbb", "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-period", period, "-json")
		require.Equal(t, 0, r.code, r.stderr)
		var got struct {
			Model     string             `json:"model"`
			Params    map[string]float64 `json:"params"`
			StdErrors map[string]float64 `json:"std_errors"`
			LogLik    float64            `json:"loglik"`
			Customers int                `json:"customers"`
			Converged bool               `json:"converged"`
			Period    string             `json:"period"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got), r.stdout)
		assert.Equal(t, "bgbb", got.Model)
		assert.Equal(t, period, got.Period)
		assert.True(t, got.Converged)
		assert.Equal(t, 2357, got.Customers)
		for _, name := range []string{"alpha", "beta", "gamma", "delta"} {
			assert.Greater(t, got.Params[name], 0.0, name)
			assert.Greater(t, got.StdErrors[name], 0.0, name)
		}
		assert.Less(t, got.LogLik, 0.0)
	}

	// In days, the expected repeat purchases of the 273-day holdout
	// (1997-10-01 to 1998-06-30) summed over the customers.
	total := func(model string) float64 {
		r := crm(t, "", "score", "-model", model, "-in", cdnowSample, "-format", "cdnow", "-calibration-end", "1997-09-30", "-period", "day", "-horizon", "273")
		require.Equal(t, 0, r.code, r.stderr)
		s := 0.0
		for i, rec := range readCSVFile(t, r.stdout) {
			if i == 0 {
				require.Equal(t, []string{"customer_id", "frequency", "recency", "T", "p_alive", "expected_purchases"}, rec)
				continue
			}
			for _, f := range rec[1:4] {
				v, err := strconv.ParseFloat(f, 64)
				require.NoError(t, err)
				require.Equal(t, math.Trunc(v), v, "whole days: %v", rec)
			}
			e, err := strconv.ParseFloat(rec[5], 64)
			require.NoError(t, err)
			s += e
		}
		return s
	}
	bb, nbd := total("bgbb"), total("bgnbd")
	assert.InEpsilon(t, nbd, bb, 0.01, "bgbb %v, bgnbd %v", bb, nbd)
}

// TestBatchBGBB runs crm batch with bgbb in weeks: the churn columns
// count whole weeks, a week's purchases once.
func TestBatchBGBB(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "shop.csv")
	r := crm(t, "", "generate", "-customers", "300", "-seed", "3", "-out", in)
	require.Equal(t, 0, r.code, r.stderr)
	out := filepath.Join(dir, "batch.csv")
	r = crm(t, "", "batch", "-model", "bgbb", "-in", in, "-as-of", "2025-12-31", "-out", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "bgbb loglik")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	recs := readCSVFile(t, string(data))
	head := recs[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, head)
		return -1
	}
	fc, rc, tc, pc := col("frequency"), col("recency"), col("T"), col("p_alive")
	scored := 0
	for _, rec := range recs[1:] {
		if rec[fc] == "" {
			continue
		}
		scored++
		var v [3]float64
		for j, c := range []int{fc, rc, tc} {
			v[j], err = strconv.ParseFloat(rec[c], 64)
			require.NoError(t, err)
			require.Equal(t, math.Trunc(v[j]), v[j], "whole weeks: %v", rec)
		}
		require.True(t, v[0] <= v[1] && v[1] <= v[2], "x ≤ t_x ≤ n: %v", rec)
		p, err := strconv.ParseFloat(rec[pc], 64)
		require.NoError(t, err)
		require.True(t, p > 0 && p <= 1, "p_alive %v", p)
	}
	assert.Greater(t, scored, 200)
}
