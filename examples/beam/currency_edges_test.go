package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOnlyCurrencyEdgesMatchCRM: rows in other currencies written
// with quotes, spaces of any kind, CRLF line ends, in lower case, with
// another kind, a refund of an order read, a blank row and a repeated
// header between them: the pipeline's outputs and counts are crm's,
// with -skip-invalid and a malformed row of each currency.
func TestOnlyCurrencyEdgesMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	text := "customer_id,date,amount,quantity,order_id,currency,kind,category\r\n" +
		"C1,2025-01-01,10,1,A,EUR,,jeans\r\n" +
		"\"C1\",\"2025-01-02\",\"20\",1,\"B\",\"chf\",\"intermediary\",\"shirts\"\r\n" +
		"C1,2025-01-03,-3,-1,A, CHF ,,\r\n" +
		"C2,2025-01-03,5,1,,\u00a0usd\u00a0,,\r\n" +
		"C2,2025-01-04,5,1,,\"\teur\",consumer,\"a,b\"\r\n" +
		",,,,,,,\r\n" +
		"customer_id,date,amount,quantity,order_id,currency,kind,category\r\n" +
		"C3,2025-02-01,7,1,,,,\r\n" +
		"C1,2025-03-01,12,1,C,eur,,\r\n" +
		"C1,2025-03-02,x,1,,CHF,,\r\n" +
		"C4,2025-03-02,x,1,,EUR,,\r\n" +
		"C1,2025-09-02,4,1,,EUR,,\r\n" +
		"C1,2025-09-02,4,1,,CHF,,\r\n"
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte(text), 0o644))
	for _, only := range []string{"eur", "CHF", "usd"} {
		t.Run(only, func(t *testing.T) {
			wantSeg := filepath.Join(t.TempDir(), "crm.csv")
			outb, err := exec.Command(bin, "segment", "-as-of", parityAsOf, "-out", wantSeg, "-in", in,
				"-only-currency", only, "-skip-invalid").CombinedOutput()
			require.NoError(t, err, "%s", outb)
			wantLine := crmCounts(t, string(outb), in)
			cfg := parityConfig(t, in, t.TempDir(), false)
			cfg.SkipInvalid = true
			o, err := parseOnly(only)
			require.NoError(t, err)
			cfg.Only = o
			c, err := runBeam(t, "direct", cfg)
			require.NoError(t, err)
			sameTable(t, readCSV(t, wantSeg), readCSV(t, cfg.Out), segmentFloats)
			require.True(t, c.known)
			assert.Equal(t, wantLine, c.line(cfg.AsOf))
		})
	}
}

// TestOnlyCurrencyLongLineMatchesCRM: a line longer than crm
// reads (input.MaxLineBytes, 1 MiB) is malformed in crm whatever its
// currency, as a line that cannot be cut into fields: the pipeline's
// counts must be crm's, with -only-currency and without.
func TestOnlyCurrencyLongLineMatchesCRM(t *testing.T) {
	bin := crmBinary(t)
	long := strings.Repeat("x", 1<<20)
	for _, tc := range []struct{ name, text, only string }{
		{"in the currency read", "customer_id,date,amount,currency,category\nC1,2025-01-05,10,EUR,\nC2,2025-01-05,10,EUR," + long + "\n", "EUR"},
		{"in another", "customer_id,date,amount,currency,category\nC1,2025-01-05,10,EUR,\nC2,2025-01-05,10,CHF," + long + "\n", "EUR"},
		{"without the flag", "customer_id,date,amount,currency,category\nC1,2025-01-05,10,EUR,\nC2,2025-01-05,10,EUR," + long + "\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "orders.csv")
			require.NoError(t, os.WriteFile(in, []byte(tc.text), 0o644))
			wantSeg := filepath.Join(dir, "crm.csv")
			args := []string{"segment", "-as-of", parityAsOf, "-out", wantSeg, "-in", in, "-skip-invalid"}
			cfg := parityConfig(t, in, dir, false)
			cfg.SkipInvalid = true
			if tc.only != "" {
				args = append(args, "-only-currency", tc.only)
				o, err := parseOnly(tc.only)
				require.NoError(t, err)
				cfg.Only = o
			}
			outb, err := exec.Command(bin, args...).CombinedOutput()
			require.NoError(t, err, "%s", outb)
			wantLine := crmCounts(t, string(outb), in)
			c, err := runBeam(t, "direct", cfg)
			require.NoError(t, err)
			require.True(t, c.known)
			assert.Equal(t, wantLine, c.line(cfg.AsOf))
		})
	}
}
