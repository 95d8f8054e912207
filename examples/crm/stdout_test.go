package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stdoutSubcommands are the command lines of every subcommand that writes
// its data to stdout when -out is absent, reading in.
func stdoutSubcommands(in string) [][]string {
	return [][]string{
		{"segment", "-in", in, "-as-of", "2025-06-30"},
		{"batch", "-in", in, "-as-of", "2025-06-30"},
		{"fit", "-model", "bgnbd", "-in", in, "-calibration-end", "2025-06-30", "-json"},
		{"fit", "-model", "bgnbd", "-in", in, "-calibration-end", "2025-06-30"},
		{"score", "-model", "bgnbd", "-in", in, "-calibration-end", "2025-06-30"},
		{"report", "-in", in, "-as-of", "2025-06-30"},
		{"generate", "-customers", "10"},
	}
}

// stdout on a full device (ENOSPC) or a pipe whose reader is gone
// (EPIPE, which would otherwise end the command silently by SIGPIPE) is
// a write that fails: exit status 1 and a message naming stdout, in
// every subcommand, with -out absent or -. The binary is run as a
// process, since only then is stdout the descriptor 1 that the caller
// set up.
func TestStdoutWriteFailuresFromTheShell(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if runtime.GOOS != "linux" {
		t.Skip("needs /dev/full")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "crm")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	in := filepath.Join(dir, "in.csv")
	r := crm(t, "", "generate", "-customers", "60", "-seed", "5", "-out", in)
	require.Equal(t, 0, r.code, r.stderr)

	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	require.NoError(t, err)
	defer full.Close()
	// A pipe whose reader is gone before anything is written.
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	pr.Close()
	defer pw.Close()
	for _, c := range []struct {
		name   string
		stdout *os.File
		code   int
		want   string
	}{
		{"full", full, exitError, ": write stdout: no space left on device"},
		{"broken pipe", pw, exitError, ": write stdout: broken pipe"},
	} {
		for _, sub := range stdoutSubcommands(in) {
			for _, out := range [][]string{nil, {"-out", "-"}} {
				args := append(append([]string{}, sub...), out...)
				cmd := exec.Command(bin, args...)
				cmd.Stdout = c.stdout
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				var ee *exec.ExitError
				require.True(t, errors.As(err, &ee), "%s: %v: %v: %s", c.name, args, err, stderr.String())
				assert.Equal(t, c.code, ee.ExitCode(), "%s: %v: %v: %s", c.name, args, ee, stderr.String())
				assert.Contains(t, stderr.String(), "crm "+sub[0]+c.want, "%s: %v", c.name, args)
			}
		}
	}
	assertNoTempFiles(t, dir)

	// A stderr whose reader is gone (crm … -out FILE 2>&1 | a pager that
	// was closed) takes the messages only: the messages are lost, but
	// the run completes, the output is committed in place, and no
	// temporary file is left behind, as it would be by a death by
	// SIGPIPE, which the signal handler that removes them does not see.
	outDir := t.TempDir()
	for i, sub := range stdoutSubcommands(in) {
		path := filepath.Join(outDir, fmt.Sprintf("out%d", i))
		args := append(append([]string{}, sub...), "-out", path)
		cmd := exec.Command(bin, args...)
		cmd.Stderr = pw
		err := cmd.Run()
		require.NoError(t, err, "%v", args)
		st, err := os.Stat(path)
		require.NoError(t, err, "%v", args)
		assert.Positive(t, st.Size(), "%v", args)
	}
	assertNoTempFiles(t, outDir)
}
