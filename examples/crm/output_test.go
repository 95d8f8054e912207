package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -out naming a device or a named pipe writes to it: renaming a temporary
// file over it would replace /dev/null with a regular file.
func TestOutputToDevice(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	out, err := createOutput(e, fifo)
	require.NoError(t, err)
	_, err = out.Write([]byte("customer_id\n"))
	require.NoError(t, err)
	require.NoError(t, out.commit())
	assert.Equal(t, "customer_id\n", string(<-got))
	st, err := os.Stat(fifo)
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeNamedPipe, "the pipe is still a pipe")

	st, err = os.Stat(os.DevNull)
	require.NoError(t, err)
	require.NotZero(t, st.Mode()&os.ModeDevice)
	out, err = createOutput(e, os.DevNull)
	require.NoError(t, err)
	_, _ = out.Write([]byte("x\n"))
	require.NoError(t, out.commit())
	st, err = os.Stat(os.DevNull)
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeDevice, "/dev/null is still a device")
}

// A write that fails names the output once, then the cause.
func TestWriteErrorNamesTheOutputOnce(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	r := crm(t, "", "generate", "-customers", "10", "-seed", "1", "-out", "/dev/full")
	assert.NotZero(t, r.code)
	assert.Contains(t, r.stderr, "write /dev/full: no space left on device")
	assert.Equal(t, 1, strings.Count(r.stderr, "/dev/full"), r.stderr)
}

// -out naming a symbolic link replaces the file it points to, which
// keeps its permissions; the link stays a link. A new file is 0644.
func TestOutputThroughASymlinkKeepsTheLinkAndTheMode(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "t.csv")
	require.NoError(t, os.Mkdir(filepath.Dir(real), 0o755))
	require.NoError(t, os.WriteFile(real, []byte("old\n"), 0o600))
	require.NoError(t, os.Chmod(real, 0o640))
	link := filepath.Join(dir, "l.csv")
	require.NoError(t, os.Symlink(filepath.Join("real", "t.csv"), link))
	const in = "customer_id,date,amount\nA,2024-01-05,10\n"
	r := crm(t, in, "segment", "-in", "-", "-as-of", "2024-12-31", "-out", link)
	require.Equal(t, 0, r.code, r.stderr)

	st, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeSymlink, "the link stays a link")
	b, err := os.ReadFile(real)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), "customer_id,kind,"), string(b))
	st, err = os.Stat(real)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), st.Mode().Perm())
	names, err := os.ReadDir(filepath.Dir(real))
	require.NoError(t, err)
	assert.Len(t, names, 1, "no temporary file left")

	fresh := filepath.Join(dir, "new.csv")
	r = crm(t, in, "segment", "-in", "-", "-as-of", "2024-12-31", "-out", fresh)
	require.Equal(t, 0, r.code, r.stderr)
	st, err = os.Stat(fresh)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
}

// -out naming a dangling symbolic link creates the file the link names,
// as the shell's > does, and the link stays a link (renaming over it
// would turn it into a regular file and leave its target unwritten),
// also when the link is relative and read through a linked directory.
// A dangling link into a missing directory, and a loop of links, are
// usage errors that leave nothing behind.
func TestOutputThroughADanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	const in = "customer_id,date,amount\nA,2024-01-05,10\n"
	link := filepath.Join(dir, "l.csv")
	require.NoError(t, os.Symlink("t.csv", link))
	r := crm(t, in, "segment", "-in", "-", "-as-of", "2024-12-31", "-out", link)
	require.Equal(t, 0, r.code, r.stderr)
	st, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeSymlink, "the link stays a link")
	b, err := os.ReadFile(filepath.Join(dir, "t.csv"))
	require.NoError(t, err, "the file the link names is written")
	assert.True(t, strings.HasPrefix(string(b), "customer_id,kind,"), string(b))
	st, err = os.Stat(filepath.Join(dir, "t.csv"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())

	// sub/l.csv -> ../u.csv, reached as linked/l.csv with linked -> sub:
	// the file is dir/u.csv, where the kernel resolves the link.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.Symlink(filepath.Join("..", "u.csv"), filepath.Join(dir, "sub", "l.csv")))
	require.NoError(t, os.Symlink("sub", filepath.Join(dir, "linked")))
	r = crm(t, in, "segment", "-in", "-", "-as-of", "2024-12-31", "-out", filepath.Join(dir, "linked", "l.csv"))
	require.Equal(t, 0, r.code, r.stderr)
	_, err = os.Stat(filepath.Join(dir, "u.csv"))
	require.NoError(t, err, "the file the relative link names is written")
	st, err = os.Lstat(filepath.Join(dir, "sub", "l.csv"))
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeSymlink, "the link stays a link")

	nodir := filepath.Join(dir, "n.csv")
	require.NoError(t, os.Symlink(filepath.Join("nodir", "x.csv"), nodir))
	r = crm(t, in, "segment", "-in", "-", "-as-of", "2024-12-31", "-out", nodir)
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "-out "+nodir+": a symbolic link to "+filepath.Join(dir, "nodir", "x.csv")+": no directory")

	a, b2 := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	require.NoError(t, os.Symlink("b", a))
	require.NoError(t, os.Symlink("a", b2))
	r = crm(t, in, "segment", "-in", "-", "-as-of", "2024-12-31", "-out", a)
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "-out "+a+": too many levels of symbolic links")
	for _, l := range []string{nodir, a, b2} {
		st, err := os.Lstat(l)
		require.NoError(t, err)
		assert.NotZero(t, st.Mode()&os.ModeSymlink, "%s stays a link", l)
	}
	assertNoTempFiles(t, dir)
}

// A problem with -out found when the output is opened, before any work
// (a directory, a missing directory, a directory where no file can be
// created), is a usage error, exit status 2, as a -in that cannot be
// opened is, in every subcommand alike; a write that fails once the run
// is under way is a run-time error, exit status 1.
func TestOutputProblemsExitAlike(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	r := crm(t, "", "generate", "-customers", "200", "-seed", "5", "-out", in)
	require.Equal(t, 0, r.code, r.stderr)
	subs := [][]string{
		{"segment", "-in", in, "-as-of", "2025-06-30"},
		{"batch", "-in", in, "-as-of", "2025-06-30"},
		{"fit", "-model", "bgnbd", "-in", in, "-calibration-end", "2025-06-30"},
		{"score", "-model", "bgnbd", "-in", in, "-calibration-end", "2025-06-30"},
		{"report", "-in", in, "-as-of", "2025-06-30"},
		{"generate", "-customers", "10"},
	}
	type outCase struct {
		name, out string
		code      int
		want      string
	}
	cases := []outCase{
		{"a directory", dir, exitUsage, "is a directory"},
		{"a missing directory", filepath.Join(dir, "nodir", "x.csv"), exitUsage, "no directory"},
	}
	if runtime.GOOS == "linux" {
		// No file can be created in /proc, not even by root.
		cases = append(cases, outCase{"a directory where no file can be created", "/proc/self/crm-out.csv", exitUsage, "-out /proc/self/crm-out.csv: "})
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		require.NoError(t, os.Mkdir(ro, 0o555))
		cases = append(cases, outCase{"a read-only directory", filepath.Join(ro, "x.csv"), exitUsage, "permission denied"})
	}
	if _, err := os.Stat("/dev/full"); err == nil {
		cases = append(cases, outCase{"a full device", "/dev/full", exitError, "write /dev/full: no space left on device"})
	}
	for _, c := range cases {
		for _, sub := range subs {
			r := crm(t, "", append(sub, "-out", c.out)...)
			assert.Equal(t, c.code, r.code, "%s: %v: %s", c.name, sub, r.stderr)
			assert.Contains(t, r.stderr, c.want, "%s: %v", c.name, sub)
			assert.Empty(t, r.stdout)
			assertNoTempFiles(t, dir)
		}
	}
}

// Customer IDs that a spreadsheet would take for a formula (=, +, -, @
// first) are written as they are read, byte for byte, in every
// subcommand that writes customer rows: the output is joined back to the
// export by customer_id, and an escaped ID would be another customer.
func TestFormulaLikeIDsAreWrittenAsRead(t *testing.T) {
	t.Parallel()
	ids := []string{"=1+2", "+x", "-3", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"y\")", "a,b"}
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for i, id := range ids {
		q := `"` + strings.ReplaceAll(id, `"`, `""`) + `"`
		fmt.Fprintf(&b, "%s,2024-01-0%d,10\n%s,2024-02-0%d,5\n", q, i+1, q, i+1)
	}
	for _, args := range [][]string{
		{"segment", "-as-of", "2024-12-31"},
		{"batch", "-as-of", "2024-12-31"},
		{"score", "-model", "bgnbd", "-calibration-end", "2024-12-31"},
	} {
		r := crm(t, b.String(), append(args, "-in", "-")...)
		require.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
		recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		require.NoError(t, err, args)
		var got []string
		for _, rec := range recs[1:] {
			got = append(got, rec[0])
		}
		assert.ElementsMatch(t, ids, got, args)
	}
}
