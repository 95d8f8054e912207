package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The two outputs are written together or not at all: when the scores
// cannot be written (their directory is a file), the run fails and
// leaves neither output nor the temporary file of the segments, which was
// written first.
func TestFailedScoresLeaveNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,order_id,amount\na,2025-01-01,1,10\na,2025-03-01,2,20\nb,2025-02-01,3,15\n"), 0o644))
	cfg := parityConfig(t, in, dir, true)
	cfg.Scores = filepath.Join(in, "scores.csv") // under a regular file
	_, err := runBeam(t, "direct", cfg)
	require.Error(t, err)
	for _, p := range []string{cfg.Out, cfg.Out + ".tmp"} {
		_, serr := os.Stat(p)
		assert.ErrorIs(t, serr, os.ErrNotExist, "%s is left behind", p)
	}
}
