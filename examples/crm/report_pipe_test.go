package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/internal/shopgen"
)

// A generated shop's export, as it comes (order IDs, returns after the
// calibration end), given through a named pipe (-in <(zcat x.csv.gz)):
// crm report wrote its page before the change; it must still.
func TestReportFromAPipeOfAGeneratedShop(t *testing.T) {
	def := shopgen.DefaultConfig()
	in := writeShop(t, 600, 4, def.Start, def.End)
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	fifo := filepath.Join(t.TempDir(), "orders.csv")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	go func() { _ = os.WriteFile(fifo, data, 0o600) }()
	out := filepath.Join(t.TempDir(), "report.html")
	r := crm(t, "", "report", "-in", fifo, "-format", "csv", "-as-of", "2025-12-31", "-out", out)
	require.Equal(t, 0, r.code, r.stderr)
}
