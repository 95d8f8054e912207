package main

import (
	"bytes"
	"os"
	"path/filepath"
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
